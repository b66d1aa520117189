// LabTraining; see LabTraining.hpp.
#include "LabTraining.hpp"

#include "Lab.hpp"
#include "widgets/TrainingCurveView.hpp"

#include <QEventLoop>
#include <QTimer>

#include <utility>

namespace unroll {

LabTraining::LabTraining(Lab* lab, TrainingCurveView* curve, std::function<TrainingRun()> nextRun)
    : QObject(lab), worker_(new TrainingWorker(this)), curve_(curve), nextRun_(std::move(nextRun))
{
    connect(this, &LabTraining::progressChanged, lab, &Lab::progressChanged);
    connect(this, &LabTraining::transportChanged, lab, &Lab::transportChanged);
    connect(this, &LabTraining::statusMessage, lab, &Lab::statusMessage);

    connect(worker_, &TrainingWorker::metricsReady, this, &LabTraining::showMetrics);
    connect(worker_, &TrainingWorker::snapshotReady, this, &LabTraining::snapshotReady);
    connect(worker_, &TrainingWorker::progress, this, &LabTraining::progressChanged);
    connect(worker_, &TrainingWorker::stateChanged, this, &LabTraining::transportChanged);
    connect(worker_, &TrainingWorker::finished, this, &LabTraining::finish);
}

int LabTraining::resetCurve(const QString& runName)
{
    curve_->clear();
    run_ = curve_->addRun(runName);
    stepsShown_ = 0;
    secondsOffset_ = lastSeconds_ = 0;
    curve_->replotIfDirty(); // the old run's curve and axes go now, not at the first step of the new one
    return run_;
}

bool LabTraining::start(bool paused, std::optional<qint64> steps)
{
    // A worker that has gone idle may still be winding down its thread: join it, so nextRun reads a task no other
    // thread touches.
    worker_->stopAndWait();
    TrainingRun run = nextRun_();
    if (!run.task) return false;
    const qint64 n = steps.value_or(run.steps);
    if (n == 0) { // the lab's target is reached: neither play nor a single step runs on past it
        emit targetReached(run.stepsDone);
        return false;
    }
    runToTarget_ = !steps && run.steps > 0;
    runFirstStep_ = run.stepsDone + 1;
    worker_->start(std::move(run.task), n, std::move(run.snapshot), paused, runFirstStep_);
    return true;
}

void LabTraining::showMetrics(const QList<StepMetrics>& batch)
{
    for (const auto& m : batch) {
        curve_->addPoint(run_, double(m.step), secondsOffset_ + m.seconds, m.loss);
        lastSeconds_ = m.seconds;
        stepsShown_ = m.step;
    }
    curve_->replotIfDirty();
    if (!batch.isEmpty() && lastSeconds_ > 0)
        emit speedMeasured(stepsShown_, double(stepsShown_ - runFirstStep_ + 1) / lastSeconds_);
}

void LabTraining::finish(TrainingWorker::Outcome outcome, const QString& message)
{
    secondsOffset_ += lastSeconds_; // the next worker run's clock starts at 0 again
    lastSeconds_ = 0;
    if (outcome == TrainingWorker::Outcome::Failed) {
        emit failed(message);
        emit statusMessage("Training stopped: " + message);
    }
    emit progressChanged(1, 1);
    emit transportChanged();
    if (outcome == TrainingWorker::Outcome::Completed && std::exchange(runToTarget_, false))
        emit targetReached(stepsShown_);
}

bool LabTraining::isPlaying() const { return worker_->state() == TrainingWorker::State::Running; }
bool LabTraining::isActive() const { return worker_->isActive(); }

void LabTraining::play()
{
    if (worker_->isActive())
        worker_->resume();
    else
        start(false);
    emit transportChanged();
}

void LabTraining::pause()
{
    worker_->pause();
    emit transportChanged();
}

void LabTraining::stepOnce()
{
    if (worker_->isActive() || start(true)) worker_->step(1);
    emit transportChanged();
}

bool LabTraining::performSteps(qint64 n)
{
    if (n <= 0) return true;
    // Connected before the run starts (a short run may finish before a later connect), armed after: start()'s
    // stopAndWait delivers the previous run's finished(), which must not count. This run's signals are queued, so
    // none arrives before the loop runs.
    bool armed = false, finished = false, completed = false;
    QEventLoop loop;
    connect(worker_, &TrainingWorker::finished, &loop, [&](TrainingWorker::Outcome outcome) {
        if (!armed) return;
        finished = true;
        completed = outcome == TrainingWorker::Outcome::Completed;
        loop.quit();
    });
    worker_->setStepsPerSecond(0); // never held back; the limit returns when these steps are done
    struct Restore {
        LabTraining* t;
        ~Restore() { t->worker_->setStepsPerSecond(t->stepsPerSecond_); }
    } restore{this};
    if (!start(false, n)) return false;
    armed = true;
    QTimer timeout;
    timeout.setSingleShot(true);
    connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    timeout.start(stepsTimeout_);
    loop.exec();
    if (finished) return completed; // a failure has been reported by finish()
    // A step that never returns cannot be interrupted (stop acts between steps); ask, and do not wait for it.
    worker_->stop();
    const QString message = QString("%1 steps did not finish within %2 s; the run was asked to stop")
                                .arg(n)
                                .arg(double(stepsTimeout_.count()) / 1000.0);
    emit failed(message);
    emit statusMessage("Training stopped: " + message);
    return false;
}

void LabTraining::stopAndWait() { worker_->stopAndWait(); }

void LabTraining::setStepsPerSecond(double rate)
{
    stepsPerSecond_ = rate;
    worker_->setStepsPerSecond(rate);
}

} // namespace unroll
