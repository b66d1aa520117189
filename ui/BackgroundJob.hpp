// BackgroundJob: one piece of long work (loading a vectors file, reading a corpus) on a thread of its own, so the page
// stays live; progress and cancellation go through a TrainingObserver like everywhere in the core.
//
//   auto result = std::make_shared<WordVectors>();
//   job->start([path, result](TrainingObserver& obs) { *result = loadVectors(path, {.observer = &obs}); },
//              [=](BackgroundJob::Outcome o, const QString& error) { … *result … });   // on the GUI thread, once
//
// Threads: the work writes only what it captured; the GUI reads that after finished(), which comes after the thread
// was joined (so every write happened before). Progress crosses as two atomics, polled by a timer on the GUI thread;
// no Qt signal is emitted from the work's thread. The destructor cancels and joins.
#pragma once

#include "train/Observer.hpp"

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <thread>

class QTimer;

namespace unroll {

class BackgroundJob : public QObject {
    Q_OBJECT
public:
    enum class Outcome { Done, Cancelled, Failed };
    using Work = std::function<void(TrainingObserver& observer)>; // throws to fail; CancelledError when stopped
    using Then = std::function<void(Outcome outcome, const QString& error)>; // this job's ending, on the GUI thread

    explicit BackgroundJob(QObject* parent = nullptr);
    ~BackgroundJob() override;

    // false when a job is already running. `then` is called once, on the GUI thread, when this work has ended
    // (before finished() is emitted), so each start says what its own result is for.
    bool start(Work work, Then then = {});
    void cancel();         // asks the work to stop (its observer's stopRequested() turns true)
    bool isRunning() const { return thread_.joinable(); }
    void waitForFinished(); // blocks until the work ends and finished() was emitted (tests, screenshots)

signals:
    void progress(qint64 done, qint64 total);
    void finished(unroll::BackgroundJob::Outcome outcome, const QString& error);

private:
    class Observer;
    void poll();

    std::thread thread_;
    std::atomic<bool> cancel_{false}, done_{false};
    std::atomic<qint64> progressDone_{0}, progressTotal_{0};
    Outcome outcome_ = Outcome::Done; // written by the thread, read after join
    QString error_;
    Then then_;
    QTimer* timer_ = nullptr;
};

} // namespace unroll
