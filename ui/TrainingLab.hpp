// TrainingLab: the base of a lab that trains a model live. It owns the training plumbing (a LabTraining around the
// worker thread), the loss curve, the transport (play, pause, one step, reset, n steps and wait), the transport bar
// (the speed of play, from 1 step a second to as fast as possible, and what the run is waiting for: "Done: 4,000
// steps — Reset to run again", "Changes pending — Reset to apply"), the status and progress forwarding, and the
// question at close about unsaved work; a lab built on it writes only its own task, controls and views.
//
//   class MyLab : public TrainingLab {
//       TrainingRun nextRun() override;              // the task and how far to train it (GUI thread, no run going)
//       void newRun() override;                      // a new task from the controls; calls resetCurve("loss")
//       void showSnapshot(const QVariant&) override; // what the training thread sent, by value
//   };
//   MyLab::MyLab() { setupScaffold(setupControls(), setupViews()); newRun(); } // setupViews places curve()
//
// Threads: the task belongs to the training thread while a run goes. Only nextRun(), newRun() and saveCheckpoint()
// may read it (each is called with no run going); everything else reads what the worker's signals brought:
// stepsDone() and the snapshots.
// What it leaves out: a stepper lab (BpttLab) has no training run and derives from Lab directly.
#pragma once

#include "Lab.hpp"
#include "LabTraining.hpp"

#include <optional>

class QLabel;
class QSlider;

namespace unroll {

class TrainingCurveView;

class TrainingLab : public Lab {
    Q_OBJECT
public:
    explicit TrainingLab(QWidget* parent = nullptr);
    ~TrainingLab() override; // stops the run; its last signals reach the curve, no longer the derived lab

    bool hasTransport() const override { return true; }
    bool isPlaying() const override;
    void play() override;
    void pause() override;
    void stepOnce() override;
    void reset() override;           // stops the run, then newRun()
    void performSteps(int n) override;
    void setPresentationMode(bool on) override; // the curve; a lab adds its own views
    bool maybeKeepWork() override;   // with unsaved steps and a checkpoint(): Save / Discard / Cancel

    qint64 stepsDone() const;        // steps of the current task, as the worker reported them
    TrainingCurveView* curve() const { return curve_; }
    LabTraining* training() const { return training_; }

    // The transport bar: setupScaffold puts it above the controls; a lab with its own layout places it.
    QWidget* transportBar() const { return transportBar_; }
    QSlider* speedSlider() const { return speed_; }
    QLabel* runStateLabel() const { return runState_; } // empty and hidden while there is nothing to say
    // The speed of play: steps per second (<= 0: as fast as possible); snaps to the slider's nearest notch.
    void setStepsPerSecond(double rate);
    double stepsPerSecond() const;
    static constexpr double kWatchingStepsPerSecond = 100; // the default: a run to watch and to pause
    bool changesPending() const { return pending_; }

protected:
    // The run to start now: the task, its step count, how many steps to take (see TrainingRun) and the snapshot
    // function. Called on the GUI thread with no run going, so it may read the task. A null task: nothing starts.
    virtual TrainingRun nextRun() = 0;
    // A new task from the lab's settings, views cleared; calls resetCurve(). Called with no run going.
    virtual void newRun() = 0;
    // A snapshot from the training thread (what nextRun's snapshot function returned).
    virtual void showSnapshot(const QVariant& snapshot) = 0;
    // A step threw (or performSteps timed out); the statusMessage follows. Default: nothing more.
    virtual void showFailure(const QString& message) { Q_UNUSED(message); }

    // What maybeKeepWork offers to save; none (the default): closing never asks.
    struct Checkpoint {
        QString what;        // "The character model"
        QString resumeHint;  // " (unroll-cli train charlm --resume)"
        QString defaultFile; // "charlm.ckpt.safetensors"
    };
    virtual std::optional<Checkpoint> checkpoint() const { return std::nullopt; }
    // Writes the checkpoint (no run going); throws with a message on failure.
    virtual void saveCheckpoint(const QString& path) { Q_UNUSED(path); }

    // What the transport bar says when the lab's target is reached. Default: "Done: 4,000 steps — Reset to run
    // again." A lab with an iterations control adds how to go on.
    virtual QString doneText(qint64 steps) const;
    // A setting changed that the run going cannot take: the transport bar says "Changes pending — Reset to apply"
    // until reset() (which clears it).
    void setChangesPending(bool pending);

    // A new curve (see LabTraining::resetCurve); the work so far counts as saved.
    int resetCurve(const QString& runName);
    void markSaved() { unsaved_ = false; }
    // The standard layout: the controls in a scrolling column on the left, the views (which place curve()) right.
    void setupScaffold(QWidget* controls, QWidget* views, int controlsWidth = 280);

private:
    void showRunState();

    TrainingCurveView* curve_ = nullptr;
    QWidget* transportBar_ = nullptr;
    QSlider* speed_ = nullptr;
    QLabel* speedLabel_ = nullptr;
    QLabel* runState_ = nullptr;
    QString done_;        // the done text while the target is reached
    bool pending_ = false;
    LabTraining* training_ = nullptr;
    bool unsaved_ = false; // a run started since the last resetCurve() or markSaved()
};

} // namespace unroll
