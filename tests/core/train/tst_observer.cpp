// The shared training loop: steps are counted and reported, cancellation and pause act at step boundaries, and a
// NaN or Inf loss or gradient stops the run with a message naming the step (and the tensor).
#include "train/Observer.hpp"
#include "train/Optimizer.hpp"
#include "util/Error.hpp"

#include <QTest>

#include <cmath>
#include <limits>

using namespace unroll;

namespace {
struct CountingTask : TrainingTask {
    int calls = 0;
    double nanAt = -1;
    StepMetrics step() override
    {
        ++calls;
        StepMetrics m;
        m.loss = calls == nanAt ? std::numeric_limits<double>::quiet_NaN() : 1.0 / calls;
        return m;
    }
};
// One weight trained by Adam towards 0; at step nanAt its gradient turns NaN (as after an overflow in backward).
struct NanGradientTask : TrainingTask {
    MatD w = MatD::Constant(2, 1, 1.0), g = MatD::Zero(2, 1);
    Optimizer<double> opt{{.kind = OptimizerKind::Adam, .learningRate = 0.1}, {{"layer0.W", &w, &g}}};
    int calls = 0, nanAt = 3;
    StepMetrics step() override
    {
        ++calls;
        g = w; // d(w^2/2)/dw
        if (calls == nanAt) g(1, 0) = std::numeric_limits<double>::quiet_NaN();
        StepMetrics m;
        m.loss = 0.5 * w.squaredNorm();
        m.gradNorm = opt.step();
        return m;
    }
};
// A task that reports its gradient norm without an Optimizer.
struct NormOnlyTask : TrainingTask {
    int calls = 0;
    StepMetrics step() override
    {
        StepMetrics m;
        m.loss = 1;
        m.gradNorm = ++calls == 4 ? std::numeric_limits<double>::quiet_NaN() : 1.0;
        return m;
    }
};
struct Recorder : TrainingObserver {
    std::vector<StepMetrics> seen;
    int stopAfter = -1, pauses = 0;
    void onStep(const StepMetrics& m) override { seen.push_back(m); }
    bool stopRequested() override { return stopAfter >= 0 && int(seen.size()) >= stopAfter; }
    void waitWhilePaused() override { ++pauses; }
};
} // namespace

class TestObserver : public QObject {
    Q_OBJECT
private slots:
    void runsTheRequestedStepsAndReportsEach()
    {
        CountingTask task;
        Recorder rec;
        const auto r = runTraining(task, rec, {.steps = 5, .firstStep = 11});
        QCOMPARE(r.status, RunStatus::Completed);
        QCOMPARE(r.stepsDone, std::int64_t(5));
        QCOMPARE(int(rec.seen.size()), 5);
        QCOMPARE(rec.seen.front().step, std::int64_t(11));
        QCOMPARE(rec.seen.back().step, std::int64_t(15));
        QVERIFY(rec.seen.back().seconds >= rec.seen.front().seconds);
        QCOMPARE(rec.pauses, 5); // the pause point is visited before every step
    }

    void stopEndsTheRunAtAStepBoundary()
    {
        CountingTask task;
        Recorder rec;
        rec.stopAfter = 3;
        const auto r = runTraining(task, rec, {.steps = 100});
        QCOMPARE(r.status, RunStatus::Cancelled);
        QCOMPARE(task.calls, 3);
    }

    void nanLossNamesTheStep()
    {
        CountingTask task;
        task.nanAt = 4;
        Recorder rec;
        try {
            runTraining(task, rec, {.steps = 10});
            QFAIL("no exception");
        } catch (const NumericError& e) {
            QCOMPARE(QString(e.what()), QString("step 4: loss is NaN"));
        }
        QCOMPARE(int(rec.seen.size()), 3);
    }

    void nanGradientStopsTheRunNamingStepAndTensor()
    {
        NanGradientTask task;
        Recorder rec;
        MatD before;
        try {
            runTraining(task, rec, {.steps = 10});
            QFAIL("no exception");
        } catch (const NumericError& e) {
            QCOMPARE(QString(e.what()), QString("step 3: gradient of layer0.W is NaN"));
        }
        QCOMPARE(int(rec.seen.size()), 2); // steps 1 and 2 were reported, step 3 was not
        QVERIFY(task.w.allFinite());       // the bad step changed no weight
        QCOMPARE(task.opt.steps(), std::int64_t(2));
    }

    void nanGradientNormOfATaskWithoutOptimizerStopsTheRun()
    {
        NormOnlyTask task;
        Recorder rec;
        try {
            runTraining(task, rec, {.steps = 10, .firstStep = 11});
            QFAIL("no exception");
        } catch (const NumericError& e) {
            QCOMPARE(QString(e.what()), QString("step 14: gradient norm is NaN"));
        }
        QCOMPARE(int(rec.seen.size()), 3);
    }

    void nonFiniteGradientNamesTheTensor()
    {
        MatF w = MatF::Zero(2, 2), g = MatF::Zero(2, 2);
        ParamList<float> p{{"layer0.W", &w, &g}};
        checkFiniteGradients(p, 7); // fine
        g(1, 0) = std::numeric_limits<float>::infinity();
        try {
            checkFiniteGradients(p, 7);
            QFAIL("no exception");
        } catch (const NumericError& e) {
            QCOMPARE(QString(e.what()), QString("step 7: gradient of layer0.W is Inf"));
        }
    }
};

QTEST_GUILESS_MAIN(TestObserver)
#include "tst_observer.moc"
