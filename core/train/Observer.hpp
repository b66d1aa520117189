// The training-loop shape every lab shares, and the plain C++ observer the GUI and CLI watch it through.
//
//   class MyTask : public TrainingTask { StepMetrics step() override; };       // one optimisation step
//   RunResult r = runTraining(task, observer, {.steps = 10000});
//
// runTraining checks for cancellation and pause at every step boundary, never inside a step, and stops the run with a
// NumericError naming the step as soon as the loss or a gradient is NaN or Inf:
//   - the loss: runTraining checks StepMetrics::loss after every step (checkFiniteLoss);
//   - a gradient: Optimizer::step throws before it updates anything, naming the tensor (Optimizer.hpp); it reads the
//     global norm clipping computes anyway, so the check costs nothing in the benchmarks. For a task that steps
//     without an Optimizer, runTraining stops on a NaN StepMetrics::gradNorm.
// The observer is called on the training thread: a GUI observer must copy what it needs and post it (TrainingWorker).
#pragma once

#include "nn/Params.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace unroll {

struct StepMetrics {
    std::int64_t step = 0;     // 1-based count of steps done
    double loss = 0;           // this step's loss
    double seconds = 0;        // wall time since the run began (excluding pauses)
    double gradNorm = 0;       // global gradient norm before clipping (0 if not computed)
    double learningRate = 0;
    std::int64_t examples = 0;    // examples (or characters) consumed by this step
    std::int64_t predictions = 0; // predictions scored by this step (characters, for a character model)
};

class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    virtual void onStep(const StepMetrics&) {}
    virtual void onProgress(std::int64_t /*done*/, std::int64_t /*total*/) {}
    // Checked between steps. stopRequested ends the run; waitWhilePaused blocks while the user has paused
    // (and lets exactly one step through for "step").
    virtual bool stopRequested() { return false; }
    virtual void waitWhilePaused() {}
};

class TrainingTask {
public:
    virtual ~TrainingTask() = default;
    virtual StepMetrics step() = 0; // one step; throws NumericError / InputError
};

struct RunOptions {
    std::int64_t steps = 1000; // steps to run (<= 0: until stopped)
    std::int64_t firstStep = 1;
};

enum class RunStatus { Completed, Cancelled };
struct RunResult {
    RunStatus status = RunStatus::Completed;
    std::int64_t stepsDone = 0;
    double seconds = 0;
};

RunResult runTraining(TrainingTask& task, TrainingObserver& observer, const RunOptions& options);

// Throws NumericError("step 12: loss is NaN") / ("step 12: gradient of layer0.W is Inf") when anything is not finite.
// checkFiniteGradients scans every gradient; Optimizer::step calls it only when the norm says something is wrong.
void checkFiniteLoss(double loss, std::int64_t step);
template <class T> void checkFiniteGradients(const ParamList<T>& params, std::int64_t step);

} // namespace unroll
