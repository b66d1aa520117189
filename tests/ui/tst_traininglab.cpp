// TrainingLab, the base of the training labs, with a tiny fake task: the transport maps onto the run (n steps, the
// lab's target, one step and stay paused, reset), the task is read only with no run going, a failing step and a step
// that never returns are reported, not waited for forever.
#include "TrainingLab.hpp"
#include "util/Error.hpp"
#include "widgets/TrainingCurveView.hpp"

#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>
#include <QVBoxLayout>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace unroll;

namespace {
// Counts its steps in a plain integer, as a real task does: only the training thread may touch it during a run
// (ThreadSanitizer, `scripts/unroll.sh tsan`, reports any other reader).
struct CountingTask : TrainingTask {
    qint64 done = 0;
    int failAt = -1;
    int sleepMicros = 0;
    bool stuck = false; // step() blocks until release() (at most 20 s)
    std::mutex mutex;
    std::condition_variable wake;
    bool released = false;

    StepMetrics step() override
    {
        if (stuck) {
            std::unique_lock lock(mutex);
            wake.wait_for(lock, std::chrono::seconds(20), [&] { return released; });
        }
        if (sleepMicros) std::this_thread::sleep_for(std::chrono::microseconds(sleepMicros));
        ++done;
        if (done == failAt) throw NumericError("step " + std::to_string(done) + ": loss is NaN");
        StepMetrics m;
        m.loss = 1.0 / double(done);
        return m;
    }
    void release()
    {
        {
            std::lock_guard lock(mutex);
            released = true;
        }
        wake.notify_all();
    }
};

class FakeLab : public TrainingLab {
public:
    explicit FakeLab(qint64 target) : target_(target)
    {
        auto* layout = new QVBoxLayout(this);
        layout->addWidget(transportBar());
        layout->addWidget(curve());
        newRun();
    }
    QString id() const override { return "fake"; }
    using TrainingLab::setChangesPending;
    QString title() const override { return "Fake"; }

    std::shared_ptr<CountingTask> task;
    int newRuns = 0, nextRuns = 0;
    bool nextRunSawARun = false;
    qint64 lastSnapshot = 0;
    QStringList failures;

protected:
    TrainingRun nextRun() override
    {
        ++nextRuns;
        nextRunSawARun = nextRunSawARun || training()->isActive();
        return {task, task->done, target_ - task->done, [t = task] { return QVariant(t->done); }};
    }
    void newRun() override
    {
        ++newRuns;
        task = std::make_shared<CountingTask>();
        resetCurve("loss");
    }
    void showSnapshot(const QVariant& s) override { lastSnapshot = s.toLongLong(); }
    void showFailure(const QString& message) override { failures << message; }

private:
    qint64 target_;
};

qint64 arrivals(const FakeLab& lab) { return qint64(lab.curve()->series(lab.curve()->runIds()[0]).arrivals()); }
} // namespace

class TestTrainingLab : public QObject {
    Q_OBJECT
private slots:
    void performStepsRunsExactlyThatManyAndShowsThem()
    {
        FakeLab lab(1000);
        QVERIFY(lab.hasTransport());
        lab.performSteps(25);
        QCOMPARE(lab.stepsDone(), qint64(25));
        QCOMPARE(arrivals(lab), qint64(25));
        QCOMPARE(lab.lastSnapshot, qint64(25)); // the final snapshot arrives before performSteps returns
        lab.performSteps(5);                    // continues the same task, on the same curve
        QCOMPARE(lab.stepsDone(), qint64(30));
        QCOMPARE(arrivals(lab), qint64(30));
        QVERIFY(!lab.nextRunSawARun);
    }

    void playStopsAtTheLabsTarget()
    {
        FakeLab lab(40);
        QSignalSpy transport(&lab, &Lab::transportChanged);
        lab.play();
        QTRY_COMPARE_WITH_TIMEOUT(lab.stepsDone(), qint64(40), 10000);
        QTRY_VERIFY(!lab.isPlaying());
        QVERIFY(!transport.isEmpty());
        const int runs = lab.nextRuns;
        lab.play(); // the target is reached: nothing starts
        QTest::qWait(50);
        QVERIFY(!lab.isPlaying());
        QCOMPARE(lab.stepsDone(), qint64(40));
        QCOMPARE(lab.nextRuns, runs + 1);
        QVERIFY(!lab.nextRunSawARun);
    }

    void stepOnceTakesOneStepAndStaysPaused()
    {
        FakeLab lab(1000000);
        lab.task->sleepMicros = 200; // the run is still going when the test pauses it
        lab.stepOnce();
        QTRY_COMPARE(lab.stepsDone(), qint64(1));
        lab.stepOnce();
        lab.stepOnce();
        QTRY_COMPARE(lab.stepsDone(), qint64(3));
        QTest::qWait(50);
        QCOMPARE(lab.stepsDone(), qint64(3));
        QCOMPARE(lab.nextRuns, 1); // one paused run, stepped three times
        lab.play();
        QTRY_VERIFY(lab.stepsDone() > 10);
        lab.pause();
        lab.stepOnce(); // stepping and playing a going run never asks for a new run
        lab.play();
        QCOMPARE(lab.nextRuns, 1);
        QVERIFY(!lab.nextRunSawARun);
    }

    void resetStartsANewTaskOnAnEmptyCurve()
    {
        FakeLab lab(1000);
        lab.performSteps(7);
        auto* first = lab.task.get();
        lab.reset();
        QCOMPARE(lab.newRuns, 2);
        QVERIFY(lab.task.get() != first);
        QCOMPARE(lab.stepsDone(), qint64(0));
        QCOMPARE(arrivals(lab), qint64(0));
        lab.performSteps(3);
        QCOMPARE(lab.stepsDone(), qint64(3));
    }

    void aFailingStepIsReported()
    {
        FakeLab lab(1000);
        lab.task->failAt = 4;
        QSignalSpy status(&lab, &Lab::statusMessage);
        lab.performSteps(10);
        QCOMPARE(lab.failures, QStringList{"step 4: loss is NaN"});
        QVERIFY(!status.isEmpty());
        QCOMPARE(status.last().at(0).toString(), QString("Training stopped: step 4: loss is NaN"));
        QCOMPARE(lab.stepsDone(), qint64(3));
        QVERIFY(!lab.isPlaying());
    }

    void aStuckStepEndsPerformStepsAtItsTimeout()
    {
        FakeLab lab(1000);
        lab.training()->setStepsTimeout(std::chrono::milliseconds(200));
        lab.task->stuck = true;
        QSignalSpy status(&lab, &Lab::statusMessage);
        const auto t0 = std::chrono::steady_clock::now();
        QVERIFY(!lab.training()->performSteps(3));
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        QVERIFY2(seconds < 5, qPrintable(QString("returned after %1 s").arg(seconds)));
        QCOMPARE(lab.failures.size(), 1);
        QVERIFY(lab.failures[0].contains("did not finish within 0.2 s"));
        QVERIFY(status.last().at(0).toString().startsWith("Training stopped: "));
        lab.task->release(); // the step returns; the run has been asked to stop and ends
        QTRY_VERIFY(!lab.training()->isActive());
        QVERIFY(lab.stepsDone() <= 1);
    }

    // Issue 14, item 4: play was too fast to watch. The speed limit spaces play's steps out (it only ever slows a run
    // down, so a slow machine cannot fail this), the slider's far end is as fast as possible, and a change reaches
    // the run going.
    void theSpeedSliderLimitsPlay()
    {
        FakeLab lab(100000);
        lab.show();
        QCOMPARE(lab.stepsPerSecond(), TrainingLab::kWatchingStepsPerSecond); // the watching default
        lab.speedSlider()->setFocus();
        QTest::keyClick(lab.speedSlider(), Qt::Key_Home); // the slowest notch
        QCOMPARE(lab.stepsPerSecond(), 1.0);
        lab.play();
        QTest::qWait(400);
        QVERIFY2(lab.stepsDone() <= 2, qPrintable(QString::number(lab.stepsDone())));
        QVERIFY(lab.isPlaying());
        QTest::keyClick(lab.speedSlider(), Qt::Key_End); // as fast as possible, while the run goes
        QCOMPARE(lab.stepsPerSecond(), 0.0);
        QTRY_VERIFY_WITH_TIMEOUT(lab.stepsDone() > 2000, 10000);
        lab.pause();
    }

    // performSteps serves tests and screenshots: the speed limit never holds it back (at 1 step/s, 300 steps would
    // take five minutes; its timeout fails it after ten seconds).
    void performStepsIsNeverHeldBack()
    {
        FakeLab lab(100000);
        lab.setStepsPerSecond(1);
        lab.training()->setStepsTimeout(std::chrono::seconds(10));
        QVERIFY(lab.training()->performSteps(300));
        QCOMPARE(lab.stepsDone(), qint64(300));
        QCOMPARE(lab.stepsPerSecond(), 1.0); // the limit is back for play
    }

    // Issue 14, item 4: at the end of a run the lab said nothing, Play did nothing, and one step ran on past the end.
    void theEndOfARunIsSaidAndNothingRunsOn()
    {
        FakeLab lab(40);
        lab.show();
        lab.setStepsPerSecond(0);
        QVERIFY(lab.runStateLabel()->isHidden());
        lab.play();
        QTRY_COMPARE(lab.stepsDone(), qint64(40));
        QTRY_VERIFY(!lab.training()->isActive());
        QTRY_VERIFY(lab.runStateLabel()->isVisible());
        QCOMPARE(lab.runStateLabel()->text(), QString("Done: 40 steps — Reset to run again."));
        QSignalSpy status(&lab, &Lab::statusMessage);
        lab.play(); // explains instead of doing nothing
        QCOMPARE(status.size(), 1);
        QVERIFY(status.last().at(0).toString().startsWith("Done: 40 steps"));
        lab.stepOnce(); // does not run on
        QTest::qWait(50);
        QCOMPARE(lab.stepsDone(), qint64(40));
        QVERIFY(!lab.training()->isActive());
        QCOMPARE(status.size(), 2);
        lab.reset();
        QVERIFY(lab.runStateLabel()->isHidden());
        QCOMPARE(lab.stepsDone(), qint64(0));
    }

    void pendingChangesShowUntilReset()
    {
        FakeLab lab(1000);
        lab.show();
        lab.setChangesPending(true);
        QVERIFY(lab.runStateLabel()->isVisible());
        QVERIFY(lab.runStateLabel()->text().contains("Changes pending"));
        lab.reset();
        QVERIFY(!lab.changesPending());
        QVERIFY(lab.runStateLabel()->isHidden());
    }

    void closingWithoutACheckpointNeverAsks()
    {
        FakeLab lab(1000);
        lab.performSteps(3);
        QVERIFY(lab.maybeKeepWork()); // no checkpoint(): no dialog, the close goes ahead
    }
};

QTEST_MAIN(TestTrainingLab)
#include "tst_traininglab.moc"
