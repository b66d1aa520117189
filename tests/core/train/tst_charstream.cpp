// The continuous-text character task: it learns (the loss falls well below ln V), it is reproducible from its seed,
// sampling is deterministic for a seed, and a too-short text is refused with a message.
#include "math/Rng.hpp"
#include "train/CharStreamTask.hpp"
#include "util/Error.hpp"

#include <QTest>

#include <cmath>

using namespace unroll;

namespace {
const std::u32string kText = U"the cat sat on the mat. the dog sat on the log. ";

struct Collect : TrainingObserver {
    std::vector<double> losses;
    void onStep(const StepMetrics& m) override { losses.push_back(m.loss); }
};
} // namespace

class TestCharStream : public QObject {
    Q_OBJECT
private slots:
    void learnsARepeatedText()
    {
        CharStreamTask task(kText, {.cell = CellKind::Gru, .hidden = 32, .window = 12, .batch = 2, .seed = 1});
        Collect c;
        runTraining(task, c, {.steps = 400});
        const double lnV = std::log(double(task.vocabulary().size()));
        QVERIFY(c.losses.front() > 0.8 * lnV);
        double tail = 0;
        for (size_t i = c.losses.size() - 20; i < c.losses.size(); ++i) tail += c.losses[i] / 20;
        QVERIFY2(tail < 0.5, qPrintable(QString("loss at the end %1").arg(tail)));
        QCOMPARE(int(task.lastWindowText().size()), 12);
        QCOMPARE(task.lastHidden().rows(), Index(32));
        QCOMPARE(int(task.lastTargetProbabilities().size()), 12);
    }

    void sameSeedSameRun()
    {
        CharStreamTask a(kText, {.hidden = 8, .window = 5, .seed = 3});
        CharStreamTask b(kText, {.hidden = 8, .window = 5, .seed = 3});
        for (int i = 0; i < 10; ++i) QCOMPARE(a.step().loss, b.step().loss);
        Rng r1(5), r2(5);
        const auto s1 = sampleText(a.model(), a.vocabulary(), U"th", 30, 0.8, r1);
        const auto s2 = sampleText(b.model(), b.vocabulary(), U"th", 30, 0.8, r2);
        QCOMPARE(s1, s2);
        QCOMPARE(int(s1.size()), 30);
    }

    void tooShortATextIsRefused()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, CharStreamTask(U"abc", {.window = 25}));
        QVERIFY_THROWS_EXCEPTION(InputError, CharStreamTask(std::u32string(100, U'a'), {.window = 5}));
    }
};

QTEST_GUILESS_MAIN(TestCharStream)
#include "tst_charstream.moc"
