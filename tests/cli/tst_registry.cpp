// The command registry on its own (app/cli/Registry): dispatch by lab, bench and verb; a verb two labs share needs the
// lab's name; names registered twice are reported before anything runs. Test registries are local objects, so the
// real commands (not linked here) stay out.
#include "Registry.hpp"

#include "util/Error.hpp"

#include <QTest>

using namespace unroll::cli;

namespace {
QStringList g_calls; // what ran, with the arguments it got

int record(const QString& what, const QStringList& args)
{
    g_calls << what + ":" + args.join(' ');
    return 0;
}
int trainA(const QStringList& args) { return record("train a", args); }
int sampleA(const QStringList& args) { return record("sample a", args); }
int sampleB(const QStringList& args) { return record("sample b", args); }
int evalB(const QStringList& args) { return record("eval b", args); }
int benchA(const QStringList& args) { return record("bench a", args); }
int check(const QStringList& args) { return record("check", args); }

Registry twoLabs()
{
    Registry r;
    r.addLab({.lab = "alpha", .title = "lab A", .train = trainA, .benches = {{"a-loop", "A's loop", benchA}},
              .verbs = {{"sample", "A samples", sampleA}}});
    r.addLab({.lab = "beta", .title = "lab B", .train = nullptr, .benches = {},
              .verbs = {{"sample", "B samples", sampleB}, {"eval", "B scores", evalB}}});
    r.addCommand({"check", "a command of no lab", check});
    return r;
}

QString inputError(const Registry& r, const QStringList& args)
{
    try {
        r.dispatch(args);
    } catch (const unroll::InputError& e) {
        return QString::fromUtf8(e.what());
    }
    return "no InputError";
}
} // namespace

class TestRegistry : public QObject {
    Q_OBJECT
private slots:
    void init() { g_calls.clear(); }

    void dispatchesByLabBenchVerbAndCommand()
    {
        const Registry r = twoLabs();
        QVERIFY(r.conflicts().isEmpty());
        r.dispatch({"cli", "train", "alpha", "--n", "3"});
        r.dispatch({"cli", "bench", "a-loop"});
        r.dispatch({"cli", "eval", "--x"});          // only beta has eval
        r.dispatch({"cli", "beta", "sample", "-q"}); // qualified
        r.dispatch({"cli", "alpha", "train"});
        r.dispatch({"cli", "check"});
        QCOMPARE(g_calls, (QStringList{"train a:unroll-cli train alpha --n 3", "bench a:unroll-cli bench a-loop",
                                       "eval b:unroll-cli eval --x", "sample b:unroll-cli beta sample -q",
                                       "train a:unroll-cli alpha train", "check:unroll-cli check"}));
    }

    void aSharedVerbNeedsTheLabName()
    {
        const Registry r = twoLabs();
        QCOMPARE(inputError(r, {"cli", "sample"}),
                 QString("'sample' is a verb of several labs (alpha, beta): say unroll-cli <lab> sample"));
        QVERIFY(g_calls.isEmpty());
        QVERIFY(r.usage().contains("alpha sample") && r.usage().contains("beta sample"));
        QVERIFY(r.usage().contains("\n  eval "));
    }

    void unknownNamesListTheKnownOnes()
    {
        const Registry r = twoLabs();
        QCOMPARE(inputError(r, {"cli", "train"}), QString("train needs a lab: alpha (see unroll-cli train --help)"));
        QCOMPARE(inputError(r, {"cli", "train", "beta"}), QString("unknown lab 'beta' for train: expected alpha"));
        QCOMPARE(inputError(r, {"cli", "bench", "x"}), QString("unknown benchmark 'x': expected a-loop"));
        QCOMPARE(inputError(r, {"cli", "beta", "train"}),
                 QString("unknown verb 'train' of lab beta: expected eval, sample"));
        QCOMPARE(inputError(r, {"cli", "gamma"}), QString("unknown command 'gamma' (try unroll-cli --help)"));
        QVERIFY(r.trainUsage().contains("  alpha  lab A\n"));
        QVERIFY(!r.trainUsage().contains("beta")); // nothing to train
    }

    void namesRegisteredTwiceAreReportedBeforeAnythingRuns()
    {
        Registry r = twoLabs();
        r.addBench({"a-loop", "again", benchA});
        r.addLab({.lab = "alpha", .title = "again", .train = trainA, .benches = {}, .verbs = {}});
        r.addCommand({"eval", "shadows beta's verb", check});
        r.addCommand({"train", "takes a dispatcher word", check});
        const QStringList c = r.conflicts();
        QVERIFY2(c.contains("bench 'a-loop' is registered twice"), qPrintable(c.join("; ")));
        QVERIFY(c.contains("lab alpha: train is registered twice"));
        QVERIFY(c.contains("lab beta: verb 'eval' is also a command or a lab"));
        QVERIFY(c.contains("command 'train' takes a word the dispatcher reserves"));
        QVERIFY_THROWS_EXCEPTION(std::logic_error, r.dispatch({"cli", "check"}));
        QVERIFY(g_calls.isEmpty());
    }

    void aLabRegisteredByTwoFilesHasTheUnionOfTheirCommands()
    {
        Registry r = twoLabs();
        r.addLab({.lab = "beta", .title = "", .train = trainA, .benches = {{"b-more", "more", benchA}},
                  .verbs = {{"again", "a verb from another file", check}}});
        QVERIFY2(r.conflicts().isEmpty(), qPrintable(r.conflicts().join("; ")));
        QCOMPARE(r.labs().size(), std::size_t(2));
        QCOMPARE(r.dispatch({"cli", "beta", "again"}), 0);
        QCOMPARE(r.dispatch({"cli", "bench", "b-more"}), 0);
        QCOMPARE(r.dispatch({"cli", "train", "beta"}), 0);
        QCOMPARE(r.labs()[1].title, QString("lab B"));
        r.addLab({.lab = "beta", .title = "x", .train = nullptr, .benches = {}, .verbs = {{"again", "twice", check}}});
        QVERIFY(r.conflicts().contains("lab beta: verb 'again' is registered twice"));
    }
};

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_registry.moc"
