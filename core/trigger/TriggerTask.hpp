// Training the trigger-word detector from scratch on examples synthesized as it goes: every step draws a fresh batch
// of 10 s clips (createTrainingExample over generated or the user's backgrounds, with the training speakers' words),
// computes their course spectrograms and takes one Adam step on the mean binary cross-entropy. After every epoch
// (a fixed number of steps) the detector runs on a held-out set synthesized once from speakers and backgrounds it
// never trains on, and scores precision / recall / false accepts per hour of its detections (trigger/Detection.hpp).
//
//   TriggerTask task(loadBuiltinClips(kLabRate), {});          // small preset, Adam 1e-3
//   runTraining(task, observer, {.steps = task.totalSteps()});
//   task.history().back().heldOut.recall();
//
// Both cores: the clips of a batch are synthesized and transformed in parallel; the model's products run through
// util/Parallel. Results depend only on the seed, not on the thread count.
#pragma once

#include "audio/Spectrogram.hpp"
#include "train/Observer.hpp"
#include "train/Optimizer.hpp"
#include "trigger/Clips.hpp"
#include "trigger/Detection.hpp"
#include "trigger/Detector.hpp"
#include "trigger/Synthesis.hpp"

#include <filesystem>
#include <memory>

namespace unroll {

struct TriggerOptions {
    TriggerConfig model = smallTriggerConfig();
    std::int64_t batch = 16;
    std::int64_t stepsPerEpoch = 50;
    int epochs = 20;
    OptimizerOptions optimizer{.kind = OptimizerKind::Adam, .learningRate = 1e-3};
    std::uint32_t seed = 1;      // weights, dropout, synthesis
    std::int64_t heldOut = 60;   // held-out clips (10 s each), synthesized once
    DetectionOptions detection;
    SynthesisOptions synthesis;
    // Training clips only (held-out clips are never perturbed): every word's speed (and with it pitch) and level
    // drawn afresh at each step, and each clip's spectrogram warped in frequency (VTLP): TriggerTask.cpp.
    bool augment = true;
};

struct TriggerEpoch {
    int epoch = 0;             // 1-based
    std::int64_t step = 0;     // the step that ended it
    double loss = 0;           // mean training loss over the epoch's steps
    double frameAccuracy = 0;  // training outputs on the right side of 0.5
    double heldOutLoss = 0, heldOutFrameAccuracy = 0;
    DetectionScore heldOut;    // at options.detection
    double seconds = 0;        // wall time of the epoch's steps
};

// One held-out clip and what the detector made of it at the last evaluation (for the GUI's panes).
struct HeldOutClip {
    SynthesizedClip clip;
    std::vector<float> probability; // Ty values; empty before the first evaluation
};

class TriggerTask : public TrainingTask {
public:
    // InputError when the library has no positives, or the options are out of range.
    TriggerTask(ClipLibrary library, const TriggerOptions& options);
    ~TriggerTask() override;

    StepMetrics step() override;

    const TriggerOptions& options() const { return options_; }
    std::int64_t totalSteps() const { return options_.stepsPerEpoch * options_.epochs; }
    std::int64_t stepsDone() const { return steps_; }
    const TriggerDetector<float>& model() const;
    const std::vector<TriggerEpoch>& history() const;
    const std::vector<HeldOutClip>& heldOut() const;
    // The threshold sweep over the held-out set at the last evaluation (thresholds 0.05 … 0.95).
    const std::vector<SweepPoint>& sweep() const;
    // The last training batch's first clip and its probabilities (what the GUI shows while an epoch runs).
    const HeldOutClip& lastTrainingClip() const;

    void saveModel(const std::filesystem::path& path) const;

private:
    struct State;
    std::unique_ptr<State> state_;
    TriggerOptions options_;
    std::int64_t steps_ = 0;
};

// `unroll-cli bench audio`: detector inference on one 10 s clip (5511 x 101 in) and one training step at batch 8,
// medians after a warm-up, for a preset.
struct TriggerBench {
    double inferenceSeconds = 0, trainStepSeconds = 0;
};
TriggerBench benchTrigger(const TriggerConfig& config, int repeats = 5);

} // namespace unroll
