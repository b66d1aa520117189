// Training a character model on a continuous text (Karpathy's char-rnn setting): B streams read the text side by
// side from evenly spaced offsets, T characters per step, truncated BPTT with the state carried between windows and
// reset when the streams wrap around. Also sampling from a trained model, with a temperature.
//
//   CharStreamTask task(text, {.cell = CellKind::Lstm, .hidden = 64, .window = 25});
//   runTraining(task, observer, {.steps = 2000});
//   std::u32string s = sampleText(task.model(), task.vocabulary(), U'T', 200, 0.8, rng);
#pragma once

#include "nn/SequenceModel.hpp"
#include "text/Vocabulary.hpp"
#include "train/Observer.hpp"
#include "train/Optimizer.hpp"

#include <memory>
#include <string>

namespace unroll {

class Rng;

struct CharStreamOptions {
    CellKind cell = CellKind::Lstm;
    Index hidden = 64;
    int layers = 1;
    Index window = 25; // T
    Index batch = 1;   // B streams
    OptimizerOptions optimizer{.kind = OptimizerKind::Adam, .learningRate = 0.01, .clip = ClipMode::Value,
                               .clipValue = 5.0};
    RecurrentInit init = {};
    std::uint32_t seed = 0; // the initial weights
};

class CharStreamTask : public TrainingTask {
public:
    CharStreamTask(std::u32string text, const CharStreamOptions& options);

    StepMetrics step() override;

    const Vocabulary& vocabulary() const { return vocab_; }
    const SequenceModel<float>& model() const { return *model_; }
    const CharStreamOptions& options() const { return options_; }
    std::int64_t stepsDone() const { return steps_; }

    // The window the last step trained on, for stream 0: its characters and the top layer's hidden states a<1..T>
    // as (n_a, T), and the probability the model gave each next character.
    std::u32string lastWindowText() const;
    MatF lastHidden() const;
    std::vector<float> lastTargetProbabilities() const;

private:
    std::u32string text_;
    CharStreamOptions options_;
    Vocabulary vocab_;
    std::vector<std::int32_t> ids_;
    std::unique_ptr<SequenceModel<float>> model_;
    std::unique_ptr<Optimizer<float>> optimizer_;
    ParamList<float> params_;
    std::vector<std::int32_t> x_, y_;
    Index pos_ = 0, lastPos_ = 0;
    std::int64_t steps_ = 0;
};

// n characters sampled from `model` (copied: the caller's model is untouched) after feeding `prime`.
// temperature > 0: p_i ∝ p_i^(1/temperature); draws with Rng::choice, so a seed gives the same text every time.
std::u32string sampleText(SequenceModel<float> model, const Vocabulary& vocab, std::u32string_view prime,
                          std::size_t n, double temperature, Rng& rng);

} // namespace unroll
