// The executables from the outside: exit codes (0 ok, 1 internal, 2 bad input), one-line errors, JSON documents,
// and the GUI's --screenshot mode.
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {
struct Result {
    int code = -1;
    QByteArray out, err;
};
Result run(const QString& program, const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}
Result cli(const QStringList& args) { return run(UNROLL_CLI_PATH, args); }
} // namespace

class TestCli : public QObject {
    Q_OBJECT
private slots:
    void versionAndHelpSucceed()
    {
        auto r = cli({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("unroll-cli "));
        r = cli({"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("gradcheck") && r.out.contains("bench"));
    }

    void badInputExitsTwoWithOneLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no command") << QStringList{};
        QTest::newRow("unknown command") << QStringList{"frobnicate"};
        QTest::newRow("unknown option") << QStringList{"gradcheck", "--bogus"};
        QTest::newRow("bench without name") << QStringList{"bench"};
        QTest::newRow("unknown bench") << QStringList{"bench", "gpu"};
        QTest::newRow("bad cell") << QStringList{"bench", "rnn", "--cell", "transformer"};
        QTest::newRow("bad number") << QStringList{"bench", "rnn", "--hidden", "lots"};
        QTest::newRow("zero batch") << QStringList{"bench", "rnn", "--batch", "0"};
        QTest::newRow("bad threads") << QStringList{"gradcheck", "--threads", "-3"};
    }
    void badInputExitsTwoWithOneLine()
    {
        QFETCH(QStringList, args);
        const auto r = cli(args);
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY(r.err.startsWith("unroll-cli: error: "));
        QCOMPARE(r.err.count('\n'), 1);
    }

    void gradcheckPrintsJsonAndPasses()
    {
        const auto r = cli({"gradcheck", "--json"});
        QCOMPARE(r.code, 0);
        QJsonParseError e;
        const auto doc = QJsonDocument::fromJson(r.out, &e);
        QCOMPARE(e.error, QJsonParseError::NoError);
        QVERIFY(doc.object().value("ok").toBool());
        const auto checks = doc.object().value("checks").toArray();
        QVERIFY(checks.size() > 60);
        QStringList names;
        for (const auto& c : checks) {
            names << c.toObject().value("name").toString();
            QVERIFY(c.toObject().value("error").toDouble() < 1e-7);
        }
        for (const char* n : {"rnn.Wax", "lstm.Wf", "gru.Wr", "lstm.c0", "lstm_stack.layer1.Wo", "gru_stack.Wya"})
            QVERIFY2(names.contains(n), n);
    }

    void benchReportsThroughput()
    {
        const auto r = cli({"bench", "rnn", "--cell", "lstm", "--hidden", "16", "--batch", "2", "--seq", "5",
                            "--vocab", "7", "--steps", "20", "--reps", "2", "--json", "--threads", "1"});
        QCOMPARE(r.code, 0);
        const auto o = QJsonDocument::fromJson(r.out).object();
        QVERIFY(o.value("chars_per_s").toDouble() > 0);
        QCOMPARE(o.value("chars_per_s_reps").toArray().size(), 2);
        QCOMPARE(o.value("threads").toInt(), 1);
        QVERIFY(o.value("final_loss").toDouble() > 0);
    }

    void screenshotWritesTheWindow()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath("home.png");
        const auto r = run(UNROLL_GUI_PATH, {"--lab", "home", "--steps", "3", "--screenshot", file});
        QCOMPARE(r.code, 0);
        const QImage img(file);
        QCOMPARE(img.size(), QSize(1400, 900));
    }

    void screenshotOfAnUnknownLabExitsTwo()
    {
        QTemporaryDir dir;
        const auto r = run(UNROLL_GUI_PATH, {"--lab", "nonesuch", "--screenshot", dir.filePath("x.png")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("unknown lab"));
        QVERIFY(!QFile::exists(dir.filePath("x.png")));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
