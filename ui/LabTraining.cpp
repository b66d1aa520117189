// LabTraining; see LabTraining.hpp.
#include "LabTraining.hpp"

#include "Lab.hpp"
#include "widgets/TrainingCurveView.hpp"

#include <QEventLoop>

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
    return run_;
}

void LabTraining::start(qint64 steps, bool paused)
{
    TrainingRun run = nextRun_();
    runFirstStep_ = run.stepsDone + 1;
    worker_->start(std::move(run.task), steps, std::move(run.snapshot), paused, runFirstStep_);
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
}

bool LabTraining::isPlaying() const { return worker_->state() == TrainingWorker::State::Running; }

void LabTraining::play(qint64 steps)
{
    if (worker_->isActive())
        worker_->resume();
    else if (steps > 0)
        start(steps, false);
    emit transportChanged();
}

void LabTraining::pause()
{
    worker_->pause();
    emit transportChanged();
}

void LabTraining::stepOnce(qint64 steps)
{
    if (!worker_->isActive()) start(steps, true);
    worker_->step(1);
    emit transportChanged();
}

void LabTraining::performSteps(qint64 n)
{
    if (n <= 0) return;
    worker_->stopAndWait();
    QEventLoop loop;
    connect(worker_, &TrainingWorker::finished, &loop, &QEventLoop::quit);
    start(n, false);
    loop.exec();
}

void LabTraining::stopAndWait() { worker_->stopAndWait(); }

} // namespace unroll
