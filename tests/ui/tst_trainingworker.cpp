// TrainingWorker: runs a task off the GUI thread, batches and throttles its updates, pauses, single-steps, stops,
// and reports a failing run with the core's message.
#include "TrainingWorker.hpp"
#include "util/Error.hpp"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <chrono>
#include <thread>

using namespace unroll;

namespace {
struct SleepyTask : TrainingTask {
    std::atomic<int> calls{0};
    int sleepMicros = 0;
    int failAt = -1;
    StepMetrics step() override
    {
        const int k = ++calls;
        if (k == failAt) throw NumericError("step " + std::to_string(k) + ": gradient of W is NaN");
        if (sleepMicros) std::this_thread::sleep_for(std::chrono::microseconds(sleepMicros));
        StepMetrics m;
        m.loss = 1.0 / k;
        return m;
    }
};

// QSignalSpy records in the thread that emits, and the worker emits on its training thread: a spy on the worker
// would be written there while the test reads it here. The relay lives on the test's thread; the worker's signals
// reach it queued, and the spies watch the relay.
class Relay : public QObject {
    Q_OBJECT
public:
    explicit Relay(TrainingWorker* worker)
    {
        connect(worker, &TrainingWorker::metricsReady, this, &Relay::metricsReady);
        connect(worker, &TrainingWorker::snapshotReady, this, &Relay::snapshotReady);
        connect(worker, &TrainingWorker::finished, this, &Relay::finished);
    }
signals:
    void metricsReady(const QList<unroll::StepMetrics>& batch);
    void snapshotReady(const QVariant& snapshot);
    void finished(unroll::TrainingWorker::Outcome outcome, const QString& message);
};

int countSteps(const QSignalSpy& spy)
{
    int n = 0;
    for (const auto& args : spy) n += int(args.at(0).value<QList<StepMetrics>>().size());
    return n;
}
} // namespace

class TestTrainingWorker : public QObject {
    Q_OBJECT
private slots:
    void runsAllStepsAndReportsEachOnce()
    {
        TrainingWorker worker;
        Relay relay(&worker);
        QSignalSpy metrics(&relay, &Relay::metricsReady);
        QSignalSpy finished(&relay, &Relay::finished);
        auto task = std::make_shared<SleepyTask>();
        worker.start(task, 500);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QCOMPARE(finished.at(0).at(0).value<TrainingWorker::Outcome>(), TrainingWorker::Outcome::Completed);
        QCoreApplication::processEvents();
        QCOMPARE(countSteps(metrics), 500);
        qint64 expect = 1;
        for (const auto& args : metrics)
            for (const auto& m : args.at(0).value<QList<StepMetrics>>()) QCOMPARE(m.step, expect++);
        QCOMPARE(worker.state(), TrainingWorker::State::Idle);
    }

    void updatesAreThrottled()
    {
        TrainingWorker worker;
        worker.setMaxUpdatesPerSecond(10);
        Relay relay(&worker);
        QSignalSpy metrics(&relay, &Relay::metricsReady);
        QSignalSpy snapshots(&relay, &Relay::snapshotReady);
        QSignalSpy finished(&relay, &Relay::finished);
        auto task = std::make_shared<SleepyTask>();
        task->sleepMicros = 100; // 3000 steps of at least 0.3 s in all
        std::atomic<Qt::HANDLE> snapshotThread = nullptr;
        const auto t0 = std::chrono::steady_clock::now();
        worker.start(task, 3000, [&] {
            snapshotThread = QThread::currentThreadId();
            return QVariant(task->calls.load());
        });
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 20000);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        QCoreApplication::processEvents();
        QCOMPARE(countSteps(metrics), 3000);
        // At most 10 updates a second (+1 for the final flush, +1 for timing slack).
        QVERIFY2(metrics.size() <= int(seconds * 10) + 2, qPrintable(QString("%1 updates in %2 s")
                                                                         .arg(metrics.size()).arg(seconds)));
        QVERIFY(snapshots.size() >= 1);
        QVERIFY(snapshotThread.load() != QThread::currentThreadId()); // snapshots are taken on the training thread
    }

    void pauseHoldsAndStepLetsExactlyOneThrough()
    {
        TrainingWorker worker;
        auto task = std::make_shared<SleepyTask>();
        task->sleepMicros = 200;
        Relay relay(&worker);
        QSignalSpy finished(&relay, &Relay::finished);
        worker.start(task, 0, {}, /*startPaused=*/true);
        QTest::qWait(50);
        QCOMPARE(task->calls.load(), 0);
        QCOMPARE(worker.state(), TrainingWorker::State::Paused);
        worker.step(1);
        QTRY_COMPARE(task->calls.load(), 1);
        QTest::qWait(50);
        QCOMPARE(task->calls.load(), 1);
        worker.step(3);
        QTRY_COMPARE(task->calls.load(), 4);
        QTest::qWait(50);
        QCOMPARE(task->calls.load(), 4);
        worker.resume();
        QTRY_VERIFY(task->calls.load() > 20);
        worker.pause();
        QTRY_COMPARE(worker.state(), TrainingWorker::State::Paused);
        const int held = task->calls.load();
        QTest::qWait(50);
        QCOMPARE(task->calls.load(), held);
        worker.stop();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(finished.at(0).at(0).value<TrainingWorker::Outcome>(), TrainingWorker::Outcome::Cancelled);
    }

    void stopEndsAnEndlessRun()
    {
        TrainingWorker worker;
        Relay relay(&worker);
        QSignalSpy finished(&relay, &Relay::finished);
        auto task = std::make_shared<SleepyTask>();
        task->sleepMicros = 50;
        worker.start(task, 0);
        QTRY_VERIFY(task->calls.load() > 10);
        worker.stopAndWait();
        QCOMPARE(finished.size(), 1); // stopAndWait delivered the old run's signals
        QCOMPARE(finished.at(0).at(0).value<TrainingWorker::Outcome>(), TrainingWorker::Outcome::Cancelled);
    }

    void aFailingRunReportsTheCoreMessage()
    {
        TrainingWorker worker;
        Relay relay(&worker);
        QSignalSpy finished(&relay, &Relay::finished);
        auto task = std::make_shared<SleepyTask>();
        task->failAt = 7;
        worker.start(task, 100);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
        QCOMPARE(finished.at(0).at(0).value<TrainingWorker::Outcome>(), TrainingWorker::Outcome::Failed);
        QCOMPARE(finished.at(0).at(1).toString(), QString("step 7: gradient of W is NaN"));
    }

    void destroyingARunningWorkerJoinsItsThread()
    {
        auto task = std::make_shared<SleepyTask>();
        {
            TrainingWorker worker;
            worker.start(task, 0);
            QTRY_VERIFY(task->calls.load() > 0);
        }
        const int after = task->calls.load();
        QTest::qWait(30);
        QCOMPARE(task->calls.load(), after);
    }
};

QTEST_MAIN(TestTrainingWorker)
#include "tst_trainingworker.moc"
