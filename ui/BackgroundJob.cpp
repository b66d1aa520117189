// BackgroundJob; see BackgroundJob.hpp.
#include "BackgroundJob.hpp"

#include <utility>

#include "util/Error.hpp"

#include <QTimer>

namespace unroll {

class BackgroundJob::Observer : public TrainingObserver {
public:
    explicit Observer(BackgroundJob& job) : job_(job) {}
    void onProgress(std::int64_t done, std::int64_t total) override
    {
        job_.progressTotal_.store(total, std::memory_order_relaxed);
        job_.progressDone_.store(done, std::memory_order_relaxed);
    }
    bool stopRequested() override { return job_.cancel_.load(std::memory_order_relaxed); }

private:
    BackgroundJob& job_;
};

BackgroundJob::BackgroundJob(QObject* parent) : QObject(parent)
{
    timer_ = new QTimer(this);
    timer_->setInterval(40);
    connect(timer_, &QTimer::timeout, this, &BackgroundJob::poll);
}

BackgroundJob::~BackgroundJob()
{
    cancel_ = true;
    if (thread_.joinable()) thread_.join();
}

bool BackgroundJob::start(Work work, Then then)
{
    if (thread_.joinable()) return false;
    then_ = std::move(then);
    cancel_ = false;
    done_ = false;
    progressDone_ = 0;
    progressTotal_ = 0;
    outcome_ = Outcome::Done;
    error_.clear();
    thread_ = std::thread([this, work = std::move(work)] {
        Observer observer(*this);
        try {
            work(observer);
            if (cancel_) outcome_ = Outcome::Cancelled;
        } catch (const CancelledError&) {
            outcome_ = Outcome::Cancelled;
        } catch (const std::exception& e) {
            outcome_ = Outcome::Failed;
            error_ = QString::fromUtf8(e.what());
        } catch (...) {
            outcome_ = Outcome::Failed;
            error_ = "an unexpected error";
        }
        done_.store(true, std::memory_order_release);
    });
    timer_->start();
    emit progress(0, 0);
    return true;
}

void BackgroundJob::cancel() { cancel_ = true; }

void BackgroundJob::poll()
{
    if (!thread_.joinable()) {
        timer_->stop();
        return;
    }
    if (!done_.load(std::memory_order_acquire)) {
        emit progress(progressDone_.load(std::memory_order_relaxed), progressTotal_.load(std::memory_order_relaxed));
        return;
    }
    thread_.join();
    timer_->stop();
    if (Then then = std::exchange(then_, {})) then(outcome_, error_);
    emit finished(outcome_, error_);
}

void BackgroundJob::waitForFinished()
{
    if (!thread_.joinable()) return;
    while (!done_.load(std::memory_order_acquire)) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    poll();
}

} // namespace unroll
