// LabTraining: what every training lab does around its TrainingWorker. The loss of each step goes to one run of a
// TrainingCurveView, on one clock across worker runs (pause, step, play again: the curve goes on where it stopped);
// the worker's progress, state changes and failures become the lab's progressChanged, transportChanged and
// statusMessage; and the lab's transport (play, pause, one step, n steps and wait) maps onto the worker.
// What it leaves out: the task, what a snapshot holds and the views that show it are the lab's. The lab says how a run
// starts (nextRun) and how many steps a run started now should take.
//
//   training_ = new LabTraining(this, curve_, [this] { return nextRun(); }); // in the lab's constructor
//   void HomeLab::play() { training_->play(kDemoSteps - task_->stepsDone()); }
#pragma once

#include "TrainingWorker.hpp"

#include <functional>
#include <memory>

namespace unroll {

class Lab;
class TrainingCurveView;

// What a lab hands over when a worker run starts.
struct TrainingRun {
    std::shared_ptr<TrainingTask> task;
    qint64 stepsDone = 0;                      // the task's steps so far: the run numbers its steps from stepsDone + 1
    TrainingWorker::SnapshotFunction snapshot; // runs on the training thread, between steps (see TrainingWorker)
};

class LabTraining : public QObject {
    Q_OBJECT
public:
    // Owned by lab. nextRun is called on the GUI thread each time a worker run starts.
    LabTraining(Lab* lab, TrainingCurveView* curve, std::function<TrainingRun()> nextRun);

    // A new curve: clears it and adds the run the loss goes to (returns its id); the step count and the clock start
    // again at 0. Call with no run going (after stopAndWait()).
    int resetCurve(const QString& runName);

    // Transport. steps: how long a run started here lasts (<= 0: until stopped). Each emits transportChanged().
    bool isPlaying() const;
    void play(qint64 steps);     // resumes a paused run, or starts one when there is none and steps > 0
    void pause();
    void stepOnce(qint64 steps); // one step; with no run going, starts one paused first
    // Runs n steps and returns when they are done and shown (a local event loop runs meanwhile). n <= 0: nothing.
    void performSteps(qint64 n);
    // Stops the run and delivers its last signals: afterwards nothing of it arrives. The lab's destructor calls this,
    // while the views the signals reach are still alive.
    void stopAndWait();

    qint64 stepsShown() const { return stepsShown_; }                       // the last step on the curve
    double elapsedSeconds() const { return secondsOffset_ + lastSeconds_; } // the curve's clock now

signals:
    void snapshotReady(const QVariant& snapshot); // what the run's snapshot function returned
    // After a batch of steps is on the curve: the last step, and the speed of the current worker run. Not emitted
    // while that run's clock still reads 0 s.
    void speedMeasured(qint64 step, double stepsPerSecond);
    void failed(const QString& message); // a step threw; the run has stopped. Comes before the statusMessage.
    // Connected to the lab's signals of the same names.
    void progressChanged(qint64 done, qint64 total);
    void transportChanged();
    void statusMessage(const QString& text);

private:
    void start(qint64 steps, bool paused);
    void showMetrics(const QList<StepMetrics>& batch);
    void finish(TrainingWorker::Outcome outcome, const QString& message);

    TrainingWorker* worker_;
    TrainingCurveView* curve_;
    std::function<TrainingRun()> nextRun_;
    int run_ = -1;
    qint64 stepsShown_ = 0;
    qint64 runFirstStep_ = 1;                    // the first step of the current worker run
    double secondsOffset_ = 0, lastSeconds_ = 0; // the clock: the worker runs before this one, and this one so far
};

} // namespace unroll
