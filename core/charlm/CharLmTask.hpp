// Training a character language model: the Dinosaur Island loop of the Sequence Models course (deeplearning.ai,
// week 1) by default, Karpathy's char-rnn beyond it.
//
//   CharLmTask task(builtInDinosaurs(), {});          // RNN n_a = 50, SGD lr 0.01, clip ±5, one name per step
//   runTraining(task, observer, {.steps = 22001});
//   task.smoothedLoss();                               // the course's 0.999/0.001 smoothing from -ln(1/V)·7
//   task.sampleNames(7);                               // the course's sample() with seeds 0..6
//
// Lines mode (names, words): each step trains on `batch` examples, x<1> = 0 then the characters, predicting every
// next character and finally '\n' (as the course). With batch 1 the hidden state carries from one example to the
// next as in the course; with larger batches the examples are padded (kNoInput / kNoTarget) and start from zero.
// The loss is summed over the steps of an example and averaged over the batch (the course's loss for batch 1).
// Continuous mode (prose): `batch` streams read the text side by side in windows of `window` characters, truncated
// BPTT with the state carried between windows; the loss is per character.
#pragma once

#include "charlm/CharCorpus.hpp"
#include "io/ModelFile.hpp"
#include "nn/SequenceModel.hpp"
#include "train/Observer.hpp"
#include "train/Optimizer.hpp"

#include <filesystem>
#include <memory>

namespace unroll {

// The largest model a run may build (and so the largest a model file may claim).
inline constexpr Index kMaxCharLmHidden = 2048;
inline constexpr int kMaxCharLmLayers = 3;
// What one training step may need for its activations and gradients, in bytes (see CharLmTask's constructor).
inline constexpr double kMaxCharLmStepBytes = 1024.0 * 1024 * 1024;

struct CharLmOptions {
    CellKind cell = CellKind::Rnn;
    Index hidden = 50;
    int layers = 1;
    OptimizerOptions optimizer{.kind = OptimizerKind::Sgd, .learningRate = 0.01, .clip = ClipMode::Value,
                               .clipValue = 5.0};
    Index batch = 1;
    Index window = 64;          // continuous mode only
    std::uint32_t seed = 1;     // initial weights (the course's np.random.seed(1) for a one-layer RNN)
    std::uint32_t shuffleSeed = 0; // order of the examples (the course's np.random.seed(0); shuffle)
    double smoothing = 0.999;   // the course's smooth(): 0.999 old + 0.001 new
};

struct EvalResult {
    double total = 0;          // nats, summed over every prediction
    std::int64_t predictions = 0;
    std::int64_t lines = 0;    // lines scored
    std::int64_t unknown = 0;  // lines skipped: a character outside the vocabulary
    double perPrediction() const { return predictions ? total / double(predictions) : 0.0; }
    double perLine() const { return lines ? total / double(lines) : 0.0; }
    double bitsPerCharacter() const { return perPrediction() / 0.6931471805599453; }
};

// Each line on its own from a zero state: x<1> = 0, predict every character then '\n' (as the course's rnn_forward).
EvalResult evaluateLines(const SequenceModel<float>& model, const Vocabulary& vocab,
                         const std::vector<std::u32string>& lines);
// A continuous text, in windows of `window` characters with the state carried: nats per predicted character.
EvalResult evaluateText(const SequenceModel<float>& model, const Vocabulary& vocab, const std::u32string& text,
                        Index window = 256);

class CharLmTask : public TrainingTask {
public:
    CharLmTask(CharCorpus corpus, const CharLmOptions& options);

    // One training step. An allocation failure inside it throws InputError "out of memory in training step N: …"
    // and leaves the task usable (the weights kept, the optimizer's moments reset).
    StepMetrics step() override;

    const CharCorpus& corpus() const { return corpus_; }
    const CharLmOptions& options() const { return options_; }
    const SequenceModel<float>& model() const { return *model_; }
    const Vocabulary& vocabulary() const { return corpus_.vocab; }
    std::int64_t stepsDone() const { return steps_; }
    double smoothedLoss() const { return smoothed_; }
    double lastLoss() const { return lastLoss_; }

    EvalResult validation() const; // on the held-out part (zero predictions when there is none)
    // What the last step read, for example (or stream) 0: its input characters ('\0' for the zero input x<1>) and
    // the top layer's hidden states a<1..T> as (n_a, T).
    std::u32string lastInputText() const;
    MatF lastHidden() const;
    // The course's sampling: names from seeds 0 … count-1 (Lines mode), or lines of text (continuous mode).
    std::vector<std::u32string> sampleNames(int count) const;

    // Everything needed to continue exactly: weights, optimizer moments and step, carried state, data position.
    void saveCheckpoint(const std::filesystem::path& path) const;
    // The corpus and options must match, the optimizer's kind and hyper-parameters included (train/OptimizerState);
    // a mismatch throws InputError naming it.
    void restoreCheckpoint(const std::filesystem::path& path);
    // The model alone, in the format of docs/formats.md (kind "charlm", the cell in the hyper-parameter "cell").
    void saveModel(const std::filesystem::path& path) const;

private:
    StepMetrics stepUnguarded();
    void fillLinesBatch();
    void fillStreamWindow();

    CharCorpus corpus_;
    CharLmOptions options_;
    std::unique_ptr<SequenceModel<float>> model_;
    ParamList<float> params_;
    std::unique_ptr<Optimizer<float>> optimizer_;
    std::vector<std::vector<std::int32_t>> examples_; // Lines: encoded, in training order
    std::vector<std::int32_t> stream_;                // Continuous: the encoded text
    std::vector<std::int32_t> x_, y_;
    Index position_ = 0;                              // next example (Lines) or stream offset (Continuous)
    std::int64_t steps_ = 0;
    double smoothed_ = 0, lastLoss_ = 0;
};

// The model file of a character model (docs/formats.md): course tensor names, vocabulary, normalisation.
ModelFile describeCharModel(const SequenceModel<float>& model, const CharCorpus& corpus, const CharLmOptions& options);
void saveCharModel(const std::filesystem::path& path, const SequenceModel<float>& model, const CharCorpus& corpus,
                   const CharLmOptions& options);

// The top layer's hidden states while reading `text` from a zero state (x<1> = 0, then each character):
// (n_a, text.size()), column t after reading character t. Characters outside the vocabulary throw InputError.
MatF hiddenStates(const SequenceModel<float>& model, const Vocabulary& vocab, std::u32string_view text);

// Loading a model saved by CharLmTask::saveModel (or a checkpoint): the model and its vocabulary.
struct LoadedCharModel {
    std::unique_ptr<SequenceModel<float>> model;
    Vocabulary vocab;
    bool lowercase = false;
    std::string kind;
};
LoadedCharModel loadCharModel(const std::filesystem::path& path);

} // namespace unroll
