// TrainingWorker; see TrainingWorker.hpp.
#include "TrainingWorker.hpp"

#include "util/Error.hpp"

#include <QCoreApplication>
#include <QEvent>

#include <utility>

namespace unroll {

using Clock = std::chrono::steady_clock;

// The core's observer, living on the training thread: batches metrics and throttles updates to the GUI.
class TrainingWorker::Observer : public unroll::TrainingObserver {
public:
    // Progress counts the task's steps: done of (the steps before this run + this run's), 0 when it has no end.
    Observer(TrainingWorker* w, SnapshotFunction snapshot, qint64 steps, qint64 firstStep)
        : w_(w), snapshot_(std::move(snapshot)), total_(steps > 0 ? firstStep - 1 + steps : 0)
    {
    }

    void onStep(const unroll::StepMetrics& m) override
    {
        pending_.append(m);
        done_ = m.step;
        const auto interval = std::chrono::milliseconds(1000 / std::max(1, w_->maxUpdates_.load()));
        bool stepping;
        {
            std::lock_guard lock(w_->mutex_);
            stepping = w_->paused_; // a single step is shown at once
        }
        if (stepping || Clock::now() - lastFlush_ >= interval) flush();
    }
    bool stopRequested() override { return w_->stop_.load(); }
    // Before each step: sleeps while paused (a single step lets one through), and spaces the steps out to the speed
    // limit. Pause, stop and a new limit wake it at once.
    void waitWhilePaused() override
    {
        std::unique_lock lock(w_->mutex_);
        for (;;) {
            if (w_->stop_.load()) break;
            if (w_->paused_ && w_->credits_ == 0) {
                lock.unlock();
                flush(); // whatever is pending is shown before we sleep
                w_->setState(State::Paused);
                lock.lock();
                w_->wake_.wait(lock, [&] { return !w_->paused_ || w_->credits_ > 0 || w_->stop_.load(); });
                if (!w_->stop_.load()) w_->setState(State::Running);
                continue;
            }
            if (w_->paused_) { // a single step: never held back
                --w_->credits_;
                break;
            }
            const double rate = w_->stepsPerSecond_.load();
            if (rate <= 0) break;
            const auto due = lastStart_ + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(1.0 / rate));
            if (Clock::now() >= due) break;
            if (!pending_.isEmpty()) { // a slow pace shows every step as it is taken
                lock.unlock();
                flush();
                lock.lock();
                continue;
            }
            w_->wake_.wait_until(lock, due, [&] {
                return w_->stop_.load() || w_->paused_ || w_->stepsPerSecond_.load() != rate;
            });
        }
        lastStart_ = Clock::now();
    }

    void flush()
    {
        lastFlush_ = Clock::now();
        QVariant snapshot = snapshot_ ? snapshot_() : QVariant();
        w_->post([&](Mailbox& m) {
            m.metrics.append(std::exchange(pending_, {}));
            if (snapshot_) m.snapshots.append(std::move(snapshot));
            m.progress = {done_, total_};
        });
    }

private:
    TrainingWorker* w_;
    SnapshotFunction snapshot_;
    qint64 total_;
    qint64 done_ = 0;
    QList<unroll::StepMetrics> pending_;
    Clock::time_point lastFlush_ = Clock::now();
    Clock::time_point lastStart_{}; // when the last step began (the speed limit counts from it)
};

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<unroll::StepMetrics>();
    qRegisterMetaType<QList<unroll::StepMetrics>>();
    connect(this, &TrainingWorker::mailboxFilled, this, &TrainingWorker::deliver, Qt::QueuedConnection);
}

template <class Put> void TrainingWorker::post(Put&& put)
{
    {
        std::lock_guard lock(mailboxMutex_);
        put(mailbox_);
    }
    emit mailboxFilled();
}

void TrainingWorker::deliver()
{
    Mailbox m;
    {
        std::lock_guard lock(mailboxMutex_);
        std::swap(m, mailbox_);
    }
    if (!m.metrics.isEmpty()) emit metricsReady(m.metrics);
    for (const QVariant& s : m.snapshots) emit snapshotReady(s);
    if (m.progress) emit progress(m.progress->first, m.progress->second);
    for (State s : m.states) emit stateChanged(s);
    if (m.finished) emit finished(m.finished->first, m.finished->second);
}

TrainingWorker::~TrainingWorker()
{
    // Join only: delivering queued signals here could reach receivers that are being destroyed. Qt drops the
    // queued calls of destroyed receivers itself.
    stop();
    if (thread_.joinable()) thread_.join();
}

void TrainingWorker::start(std::shared_ptr<unroll::TrainingTask> task, qint64 steps, SnapshotFunction snapshot,
                           bool startPaused, qint64 firstStep)
{
    stopAndWait();
    {
        std::lock_guard lock(mutex_);
        paused_ = startPaused;
        credits_ = 0;
    }
    stop_ = false;
    setState(startPaused ? State::Paused : State::Running);
    thread_ = std::thread(&TrainingWorker::run, this, std::move(task), steps, std::move(snapshot), firstStep);
}

void TrainingWorker::run(std::shared_ptr<unroll::TrainingTask> task, qint64 steps, SnapshotFunction snapshot,
                         qint64 firstStep)
{
    Observer observer(this, std::move(snapshot), steps, firstStep);
    Outcome outcome = Outcome::Completed;
    QString message;
    try {
        const auto r = unroll::runTraining(*task, observer, {.steps = steps, .firstStep = firstStep});
        outcome = r.status == unroll::RunStatus::Cancelled ? Outcome::Cancelled : Outcome::Completed;
    } catch (const std::exception& e) {
        outcome = Outcome::Failed;
        message = QString::fromUtf8(e.what());
    }
    observer.flush();
    setState(State::Idle);
    post([&](Mailbox& m) { m.finished = {outcome, message}; });
}

void TrainingWorker::pause()
{
    std::lock_guard lock(mutex_);
    paused_ = true;
    credits_ = 0;
}

void TrainingWorker::resume()
{
    {
        std::lock_guard lock(mutex_);
        paused_ = false;
        credits_ = 0;
    }
    wake_.notify_all();
}

void TrainingWorker::step(int n)
{
    {
        std::lock_guard lock(mutex_);
        paused_ = true;
        credits_ += std::max(0, n);
    }
    wake_.notify_all();
}

void TrainingWorker::stop()
{
    stop_ = true;
    wake_.notify_all();
}

void TrainingWorker::stopAndWait()
{
    stop();
    if (!thread_.joinable()) return;
    thread_.join();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::MetaCall);
}

TrainingWorker::State TrainingWorker::state() const { return state_.load(); }

void TrainingWorker::setMaxUpdatesPerSecond(int n) { maxUpdates_ = std::max(1, n); }

void TrainingWorker::setStepsPerSecond(double rate)
{
    {
        std::lock_guard lock(mutex_); // so a sleeping run cannot miss the change
        stepsPerSecond_ = std::max(0.0, rate);
    }
    wake_.notify_all();
}

void TrainingWorker::setState(State s)
{
    if (state_.exchange(s) == s) return;
    if (std::this_thread::get_id() == owner_)
        emit stateChanged(s); // start(), on the GUI thread
    else
        post([s](Mailbox& m) { m.states.append(s); });
}

} // namespace unroll
