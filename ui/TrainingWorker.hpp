// TrainingWorker: the one bridge between a lab (GUI thread) and a training run (its own thread).
//
//   worker->start(std::move(task), 5000, [task = task.get()] { return QVariant::fromValue(makeSnapshot(*task)); });
//   connect(worker, &TrainingWorker::metricsReady, curve, …);   // batches of StepMetrics, on the GUI thread
//   connect(worker, &TrainingWorker::snapshotReady, lab, …);    // value snapshots, never a live buffer
//
// The run is unroll::runTraining on a std::thread; pause, single steps and stop are flags checked at step boundaries.
// However fast training goes, the GUI hears from it at most maxUpdatesPerSecond times a second (30 by default): step
// metrics are batched and the snapshot function (which runs on the training thread, between steps, so it may read the
// task freely) is called once per update. A speed limit (setStepsPerSecond) spaces the steps out for watching; the
// time spent waiting is not training time (StepMetrics::seconds leaves it out). The destructor stops the run and joins
// the thread.
// Every signal is emitted on the worker's own (GUI) thread: the training thread leaves its values in a mailbox under a
// std::mutex and wakes the GUI with a queued signal that carries nothing, so no value crosses threads inside Qt's
// event queue (whose locks ThreadSanitizer cannot see) and every hand-over is one TSan checks.
#pragma once

#include "train/Observer.hpp"

#include <QList>
#include <QObject>
#include <QVariant>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

Q_DECLARE_METATYPE(unroll::StepMetrics)

namespace unroll {

class TrainingWorker : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused };
    Q_ENUM(State)
    enum class Outcome { Completed, Cancelled, Failed };
    Q_ENUM(Outcome)
    using SnapshotFunction = std::function<QVariant()>;

    explicit TrainingWorker(QObject* parent = nullptr);
    ~TrainingWorker() override;

    // Takes the task and runs `steps` steps (<= 0: until stopped). A run already going is stopped first.
    // startPaused: the run waits for resume() or step() before its first step.
    // firstStep numbers the steps (a run continuing a task that has done k steps passes k + 1).
    void start(std::shared_ptr<unroll::TrainingTask> task, qint64 steps, SnapshotFunction snapshot = {},
               bool startPaused = false, qint64 firstStep = 1);
    void pause();
    void resume();
    void step(int n = 1); // let n steps through, then stay paused
    void stop();          // request a stop; returns at once (finished() follows)
    // Stop, join, and deliver the old run's queued signals now: afterwards a lab can clear its views knowing nothing
    // of the old run will arrive later. Call on the GUI thread.
    void stopAndWait();
    State state() const;
    bool isActive() const { return state() != State::Idle; }
    void setMaxUpdatesPerSecond(int n);
    // A speed limit for watching: at most this many steps a second (<= 0: as fast as possible, the default). Takes
    // effect at once, also in a run that is going; single steps (step()) are never held back.
    void setStepsPerSecond(double rate);
    double stepsPerSecond() const { return stepsPerSecond_.load(); }

signals:
    void metricsReady(const QList<unroll::StepMetrics>& batch);
    void snapshotReady(const QVariant& snapshot);
    void progress(qint64 done, qint64 total);
    void stateChanged(TrainingWorker::State state);
    void finished(TrainingWorker::Outcome outcome, const QString& message);
    void mailboxFilled(); // internal: the training thread's wake-up call, queued to deliver()

private:
    class Observer;
    // What the training thread has for the GUI and the GUI has not heard yet, in the order it happened per kind.
    struct Mailbox {
        QList<unroll::StepMetrics> metrics;
        QList<QVariant> snapshots;
        std::optional<std::pair<qint64, qint64>> progress; // the latest
        QList<State> states;
        std::optional<std::pair<Outcome, QString>> finished;
    };
    void run(std::shared_ptr<unroll::TrainingTask> task, qint64 steps, SnapshotFunction snapshot, qint64 firstStep);
    void setState(State s);
    template <class Put> void post(Put&& put); // on the training thread: fill the mailbox under its lock, wake
    void deliver();                            // on the GUI thread: empty the mailbox, emit

    const std::thread::id owner_ = std::this_thread::get_id(); // the GUI thread, which hears the signals
    std::thread thread_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool paused_ = false;
    int credits_ = 0; // single steps allowed while paused
    std::atomic<bool> stop_{false};
    std::atomic<State> state_{State::Idle};
    std::atomic<int> maxUpdates_{30};
    std::atomic<double> stepsPerSecond_{0};
    std::mutex mailboxMutex_;
    Mailbox mailbox_;
};

} // namespace unroll
