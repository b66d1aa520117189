// Generating text from a character model, one character at a time: temperature, top-k and greedy decoding.
//
//   CharSampler s(model, vocab);      // copies the model: the trainer's keeps training
//   s.start(U"tyr");                  // feed a prime (empty: the course's zero input x<1>)
//   s.probabilities();                // the softmax over the vocabulary for the next character
//   s.next(rng, {.temperature = 0.7});
//
// Temperature acts in log space, p_i ∝ p_i^(1/τ); top-k keeps the k most likely characters; greedy takes the most
// likely. Draws go through Rng::choice, so a seed gives the same text every time.
#pragma once

#include "nn/SequenceModel.hpp"

#include <memory>
#include "text/Vocabulary.hpp"

#include <span>
#include <string>
#include <vector>

namespace unroll {

class Rng;

struct SamplingOptions {
    double temperature = 1.0;
    int topK = 0;        // 0: all characters
    bool greedy = false; // argmax instead of drawing
    int maxLength = 50;  // sampleLine stops here if no newline came
};

// The distribution actually drawn from: p adjusted by temperature and top-k, normalised in double.
std::vector<double> adjustedDistribution(std::span<const float> p, const SamplingOptions& options);

class CharSampler {
public:
    // Reads the model through a shared pointer: a lab may swap its model snapshot while a sampler is alive.
    CharSampler(std::shared_ptr<const SequenceModel<float>> model, const Vocabulary& vocab);
    void start(std::u32string_view prime = {});      // resets the state, then feeds the prime
    const std::vector<float>& probabilities() const { return p_; } // for the next character
    std::int32_t next(Rng& rng, const SamplingOptions& options); // draws, feeds it, returns its index
    void feed(std::int32_t index);                    // feed a chosen character (e.g. the user's)
    const std::u32string& text() const { return text_; } // prime + generated
    const Vocabulary& vocabulary() const { return vocab_; }

private:
    std::shared_ptr<const SequenceModel<float>> model_;
    SequenceWorkspace<float> ws_;
    Vocabulary vocab_;
    std::vector<float> p_;
    std::u32string text_;
};

// A line (up to a newline or options.maxLength characters) after the prime; the newline is not included.
std::u32string sampleLine(const SequenceModel<float>& model, const Vocabulary& vocab, std::u32string_view prime,
                          const SamplingOptions& options, Rng& rng);

} // namespace unroll
