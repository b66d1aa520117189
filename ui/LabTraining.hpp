// LabTraining: what every training lab does around its TrainingWorker. The loss of each step goes to one run of a
// TrainingCurveView, on one clock across worker runs (pause, step, play again: the curve goes on where it stopped);
// the worker's progress, state changes and failures become the lab's progressChanged, transportChanged and
// statusMessage; and the lab's transport (play, pause, one step, n steps and wait) maps onto the worker.
// What it leaves out: the task, what a snapshot holds and the views that show it are the lab's. The lab says how a run
// starts (nextRun), including how many steps it should take.
//
// Threads: the task belongs to the training thread while a worker run goes. nextRun is the one place the GUI thread
// may read it, and LabTraining calls it only after joining the previous run's thread; everything else the GUI
// learns about the task (the step count, the snapshots) arrives by the worker's signals.
//
//   training_ = new LabTraining(this, curve_, [this] { return nextRun(); }); // in the lab's constructor
//   TrainingRun HomeLab::nextRun() { return {task_, task_->stepsDone(), kDemoSteps - task_->stepsDone(), …}; }
#pragma once

#include "TrainingWorker.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace unroll {

class Lab;
class TrainingCurveView;

// What a lab hands over when a worker run starts.
struct TrainingRun {
    std::shared_ptr<TrainingTask> task;        // null: nothing to train (no run starts)
    qint64 stepsDone = 0;                      // the task's steps so far: the run numbers its steps from stepsDone + 1
    qint64 steps = -1;                         // a run started now takes: > 0 that many steps; 0 none (the lab's
                                               // target is reached: play and one step do nothing but say so,
                                               // performSteps still steps); < 0 steps until stopped
    TrainingWorker::SnapshotFunction snapshot; // runs on the training thread, between steps (see TrainingWorker)
};

class LabTraining : public QObject {
    Q_OBJECT
public:
    // Owned by lab. nextRun is called on the GUI thread each time a worker run starts, with no run going.
    LabTraining(Lab* lab, TrainingCurveView* curve, std::function<TrainingRun()> nextRun);

    // A new curve: clears it and adds the run the loss goes to (returns its id); the step count and the clock start
    // again at 0. Call with no run going (after stopAndWait()).
    int resetCurve(const QString& runName);

    // Transport. Each emits transportChanged().
    bool isPlaying() const;
    bool isActive() const; // a worker run is going (playing or paused)
    void play();           // resumes a paused run, or starts one of nextRun().steps when there is none
    void pause();
    void stepOnce();       // one step; with no run going, starts one paused first
    // Runs n steps and returns when they are done and shown (a local event loop runs meanwhile): true when all n
    // were done. It waits at most stepsTimeout(): then it asks the run to stop, says so by failed() and
    // statusMessage(), and returns false without waiting for the step in progress. n <= 0: nothing, true.
    bool performSteps(qint64 n);
    void setStepsTimeout(std::chrono::milliseconds timeout) { stepsTimeout_ = timeout; }
    // The speed limit of play and of a run being stepped (<= 0: as fast as possible); see TrainingWorker.
    // performSteps is never held back: it serves tests and screenshots.
    void setStepsPerSecond(double rate);
    double stepsPerSecond() const { return stepsPerSecond_; }
    std::chrono::milliseconds stepsTimeout() const { return stepsTimeout_; }
    // Stops the run and delivers its last signals: afterwards nothing of it arrives. The lab's destructor calls this,
    // while the views the signals reach are still alive.
    void stopAndWait();

    // The last step on the curve: the task's step count as the worker reported it (exact once no run is going).
    qint64 stepsShown() const { return stepsShown_; }
    double elapsedSeconds() const { return secondsOffset_ + lastSeconds_; } // the curve's clock now

    // Generous: performSteps serves screenshots of long runs; it only has to end a run that is stuck.
    static constexpr std::chrono::milliseconds kDefaultStepsTimeout{std::chrono::minutes(10)};

signals:
    void snapshotReady(const QVariant& snapshot); // what the run's snapshot function returned
    // After a batch of steps is on the curve: the last step, and the speed of the current worker run. Not emitted
    // while that run's clock still reads 0 s.
    void speedMeasured(qint64 step, double stepsPerSecond);
    void failed(const QString& message); // a step threw or performSteps timed out. Comes before the statusMessage.
    // The lab's target is reached: a run of nextRun().steps has completed, or play / one step found nothing left.
    void targetReached(qint64 steps);
    // Connected to the lab's signals of the same names.
    void progressChanged(qint64 done, qint64 total);
    void transportChanged();
    void statusMessage(const QString& text);

private:
    // Joins the previous run, asks the lab for the next; steps: its length (unset: the lab's, at least one when
    // starting paused). False when no run started.
    bool start(bool paused, std::optional<qint64> steps = {});
    void showMetrics(const QList<StepMetrics>& batch);
    void finish(TrainingWorker::Outcome outcome, const QString& message);

    TrainingWorker* worker_;
    TrainingCurveView* curve_;
    std::function<TrainingRun()> nextRun_;
    int run_ = -1;
    qint64 stepsShown_ = 0;
    qint64 runFirstStep_ = 1;                    // the first step of the current worker run
    double secondsOffset_ = 0, lastSeconds_ = 0; // the clock: the worker runs before this one, and this one so far
    std::chrono::milliseconds stepsTimeout_ = kDefaultStepsTimeout;
    double stepsPerSecond_ = 0;
    bool runToTarget_ = false; // the current worker run ends at the lab's target
};

} // namespace unroll
