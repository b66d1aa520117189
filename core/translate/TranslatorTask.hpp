// Training the date translator: the course's settings by default (Adam lr 0.005, batch 100, 10,000 examples), 20
// epochs, the learning rate decayed once per epoch, and after every epoch the held-out metrics: exact match,
// per-character accuracy and corpus BLEU on characters (translate/Bleu.hpp).
//
//   TranslatorTask task(courseDateData(11000, 1), {});   // the last 1,000 pairs are held out
//   runTraining(task, observer, {.steps = task.totalSteps()});
//   task.history().back().exactMatch;                      // ≥ 0.99 after the default 20 epochs
//
// One step is one mini-batch. The examples are shuffled at the start of each epoch (seeded); the last batch of an
// epoch may be smaller. Why per-epoch decay: Keras' decay=0.01 of the course divides the rate by 1 + 0.01 * updates,
// which after 2,000 updates leaves 1/21 of it and starves training (21% exact match after 40 epochs, measured in
// PyTorch); lr_e = lr / (1 + decay * e) for epoch e = 0, 1, … keeps it near constant as the course intends.
// With `baseline`, a second model without attention trains on the same batches in the same step (its loss and
// metrics are kept apart), so the two accuracy curves can be compared.
// Both cores: a batch is cut into a fixed number of shards (independent of the thread count, so results do not depend
// on it), each run forward and backward on its own replica of the weights on the thread pool, and the gradients are
// summed in shard order before one optimizer step.
#pragma once

#include "train/Observer.hpp"
#include "train/Optimizer.hpp"
#include "translate/Bleu.hpp"
#include "translate/Translator.hpp"

#include <filesystem>
#include <memory>

namespace unroll {

struct TranslatorOptions {
    TranslatorConfig model;   // unit counts and switches; the vocabulary sizes, Tx, Ty and endId come from the data
    std::int64_t batch = 100;
    int epochs = 20;
    OptimizerOptions optimizer{.kind = OptimizerKind::Adam, .learningRate = 0.005};
    double decay = 0.01;      // per epoch, see above
    std::uint32_t seed = 1;   // initial weights and the shuffles
    bool baseline = false;    // also train the model without attention, side by side
    std::size_t heldOut = 1000; // pairs kept out of training (splitHeldOut) and scored after each epoch
    BleuTokens bleuTokens = BleuTokens::Chars;
};

struct ValidationMetrics {
    double exactMatch = 0;    // fraction of held-out pairs translated exactly
    double charAccuracy = 0;  // fraction of target characters right at their position (<end> counts as one)
    double bleu = 0;          // corpus BLEU-4
};

struct EpochRecord {
    int epoch = 0;            // 1-based
    std::int64_t step = 0;    // the step that ended it
    double loss = 0;          // mean training loss over the epoch's batches
    double learningRate = 0;
    double seconds = 0;       // wall time of the epoch's training steps
    ValidationMetrics metrics;
};

// What one model translated for the held-out pairs at the end of the last epoch (the GUI's table).
struct ValidationReport {
    std::vector<DatePair> pairs;        // source, expected target
    std::vector<std::string> outputs;   // the model's greedy answer, same order
    ValidationMetrics metrics;
};

// Scores a model on pairs (greedy decoding, in batches on the thread pool).
ValidationReport validateTranslator(const Translator<float>& model, const SymbolVocab& source,
                                    const SymbolVocab& target, const std::vector<DatePair>& pairs,
                                    BleuTokens bleuTokens = BleuTokens::Chars);

class TranslatorTask : public TrainingTask {
public:
    // data: all pairs; the last options.heldOut (after splitHeldOut) are held out. InputError when nothing is left
    // to train on or the options are out of range (batch < 1, epochs < 1).
    TranslatorTask(const TranslationData& data, const TranslatorOptions& options);
    ~TranslatorTask() override;

    StepMetrics step() override; // loss = the attention model's (or the only model's) batch loss

    const TranslatorOptions& options() const { return options_; }
    const SymbolVocab& sourceVocab() const { return data_.source; }
    const SymbolVocab& targetVocab() const { return data_.target; }
    const TranslationData& data() const { return data_; }
    const std::vector<DatePair>& trainingPairs() const { return split_.train; }
    const std::vector<DatePair>& heldOutPairs() const { return split_.heldOut; }

    std::int64_t stepsPerEpoch() const;
    std::int64_t totalSteps() const { return stepsPerEpoch() * options_.epochs; }
    std::int64_t stepsDone() const { return steps_; }
    int epochsDone() const;
    double currentLearningRate() const;

    // The main model (with attention unless options.model.attention is false) and the baseline (null without).
    const Translator<float>& model() const;
    const Translator<float>* baseline() const;
    // One record per finished epoch.
    const std::vector<EpochRecord>& history() const;
    const std::vector<EpochRecord>& baselineHistory() const;
    // The last epoch's held-out translations (empty before the first epoch ends).
    const ValidationReport& lastReport() const;
    const ValidationReport& lastBaselineReport() const;

    void saveModel(const std::filesystem::path& path) const; // the main model (saveTranslator)

private:
    struct Run;  // a model, its shard replicas, its optimizer and history
    StepMetrics trainBatch(Run& run, std::int64_t begin, std::int64_t end);
    void endEpoch();

    TranslationData data_;
    DataSplit split_;
    TranslatorOptions options_;
    std::unique_ptr<Run> main_, baseline_;
    std::vector<std::int32_t> order_;
    std::vector<std::vector<std::int32_t>> sources_, targets_; // encoded training pairs
    std::int64_t steps_ = 0;
};

// The course's model on the course's data sizes for `epochs` epochs: seconds per epoch (median after one warm-up
// epoch) and examples per second. Used by `unroll-cli bench translator`.
struct TranslatorBench {
    double secondsPerEpoch = 0, examplesPerSecond = 0;
    std::vector<double> epochSeconds;
};
TranslatorBench benchTranslator(int epochs = 3, std::uint32_t seed = 1);

} // namespace unroll
