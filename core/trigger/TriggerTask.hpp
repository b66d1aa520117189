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
#include "math/Rng.hpp"
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
    int epochs = 30;
    OptimizerOptions optimizer{.kind = OptimizerKind::Adam, .learningRate = 1e-3};
    // > 0: the learning rate falls from optimizer.learningRate to this along a half cosine over totalSteps()
    // (Loshchilov & Hutter 2017, SGDR, one cycle); 0: constant. A schedule in `optimizer` itself takes precedence.
    // Off by default: with it (to 1e-4) and `equalize`, seed 3's held-out recall fell from 91% at epoch 10 to 74% at
    // epoch 20 while the training loss kept falling (docs/trigger.md).
    double finalLearningRate = 0;
    std::uint32_t seed = 1;      // weights, dropout, synthesis
    std::int64_t heldOut = 60;   // held-out clips (10 s each), synthesized once
    // The held-out scores' rule, and the one saveModel records for `unroll-cli detect`: 0.7 rather than the course's
    // 0.5 cuts the averaged small preset's false accepts by about a third at the same recall (docs/trigger.md).
    DetectionOptions detection{.threshold = 0.7, .consecutive = 20};
    SynthesisOptions synthesis;
    // Training clips only (held-out clips are never perturbed): every word's speed (and with it pitch) and level
    // drawn afresh at each step, and each clip's spectrogram warped in frequency (VTLP): TriggerTask.cpp.
    bool augment = true;
    // With augment: each training word also through two random peaking filters per step (its timbre; TriggerTask.cpp).
    // Off by default, as finalLearningRate.
    bool equalize = false;
    // With augment: SpecAugment's frequency masking (Park et al. 2019): each training clip's spectrogram gets
    // `frequencyMasks` bands of up to kMaskBins rows replaced by their own mean over the clip (the band's level stays,
    // what it says over time goes), so the detector cannot lean on any one part of a voice's spectrum. 0: off.
    // Seed 1's held-out loss fell to 0.034 with 2 masks, where without them it rose after 0.062 at epoch 9 as flite's
    // held-out rms voice was lost (docs/trigger.md).
    int frequencyMasks = 2;
    // Exponential moving average of the weights (Polyak & Juditsky 1992; the form of TensorFlow's
    // ExponentialMovingAverage with num_updates): after update n, avg = d avg + (1 - d) w with
    // d = min(averageDecay, (1 + n) / (10 + n)). The averaged detector is the one evaluated, scored, swept and saved
    // (model()); training steps the raw weights (trainingModel()). 0 turns averaging off.
    double averageDecay = 0.995;
    // Best-epoch selection: every validationPeriod-th training speaker (sorted by name, as splitByVoice) is kept out of
    // the training steps and `validation` clips of them are synthesized once; after every epoch the evaluated detector
    // is scored on them, and at the end of the last step the detector of the epoch with the lowest validation loss is
    // restored (and is what is scored, swept and saved). The held-out voices are never used to choose. 0 clips: off.
    std::int64_t validation = 0;
    int validationPeriod = 10;
};

struct TriggerEpoch {
    int epoch = 0;             // 1-based
    std::int64_t step = 0;     // the step that ended it
    double loss = 0;           // mean training loss over the epoch's steps
    double frameAccuracy = 0;  // training outputs on the right side of 0.5
    double heldOutLoss = 0, heldOutFrameAccuracy = 0;
    DetectionScore heldOut;    // at options.detection
    double validationLoss = 0; // options.validation > 0: on the validation speakers' clips
    DetectionScore validation;
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
    // With options.validation: the epoch (1-based) whose detector model() is, once training has finished (before:
    // the best so far); 0 without validation or before the first epoch.
    int bestEpoch() const;
    // The speakers whose clips score the epochs for best-epoch selection (empty without validation).
    std::vector<std::string> validationSpeakers() const;
    const std::vector<HeldOutClip>& heldOut() const;
    // The threshold sweep over the held-out set at the last evaluation (thresholds 0.05 … 0.95).
    const std::vector<SweepPoint>& sweep() const;
    // The last training batch's first clip and its probabilities (what the GUI shows while an epoch runs).
    const HeldOutClip& lastTrainingClip() const;
    // The detector being stepped; the same object as model() when options.averageDecay is 0. model() is the averaged
    // one: its weights follow every step, its BatchNorm statistics are recomputed before each evaluation (between
    // evaluations they follow the training model's by the same average).
    const TriggerDetector<float>& trainingModel() const;
    // The last evaluation's held-out detections (at options.detection) broken down: per speaker of the positives
    // (words, hits), and the false accepts by what lay under them: the negative word whose [start, end + 0.6 s] holds
    // the detection, "activate (again)" for a second detection of a found positive, else "(background)". Sorted by
    // name; empty before the first evaluation.
    struct Tally {
        std::string name;
        std::int64_t words = 0, hits = 0, falseAccepts = 0;
    };
    std::vector<Tally> heldOutBySpeaker() const;
    std::vector<Tally> falseAcceptsByWord() const;

    // model() with options.detection recorded as the rule its scores were measured at.
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
// SpecAugment's frequency masking of one spectrogram (rows = frequencies), as training applies it: `masks` bands of a
// width uniform in 0 … 12 rows, each row of a band set to its mean over the frames. Exposed for the tests.
void maskFrequencies(MatF& power, int masks, Rng& rng);

TriggerBench benchTrigger(const TriggerConfig& config, int repeats = 5);

} // namespace unroll
