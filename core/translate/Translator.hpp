// The date translator of the Sequence Models course ("Neural machine translation with attention", after Bahdanau et
// al. 2015): a Bi-LSTM encoder, the course's attention block, a post-attention LSTM and a softmax output, composed
// from the layers of core/nn and readable top to bottom in forward() and backward() (Translator.cpp).
//
//   Translator<float> model({});                  // the course's sizes: 52,960 parameters
//   model.initialize(rng);
//   double L = model.forward(source, target, m);  // a training pass over m examples
//   model.backward();                             // gradients of L into every parameter's grad
//   auto out = translateGreedy(model, {encodeSource(vocab, 30, "tuesday 09 oct 1993")});
//
// The model, for each of the m examples (column convention of the course: a state is (n, m)):
//   a<1..Tx>  = [forward LSTM ; backward LSTM](onehot(x<1..Tx>))         n_a per direction: a<t'> has 2 n_a rows
//   for t = 1..Ty, from s<0> = c<0> = 0:
//     context<t> = Attention(a, s<t-1>)   = sum_t' alpha<t,t'> a<t'>    (nn/Attention.hpp; the course's
//                                                                         one_step_attention, n_h = 10 hidden units)
//     s<t>, c<t> = LSTM([context<t>] or [context<t>; onehot(y<t-1>)], s<t-1>, c<t-1>)   n_s units
//     p<t>       = softmax(W_y s<t> + b_y)
// Without attention (the baseline of Sutskever et al. 2014 and Cho et al. 2014): the decoder sees only the encoder's
// final states, context<t> = [a_fwd<Tx>; a_bwd<1>] at every step (no attention parameters).
// feedPrevious (not the course's, which feeds only the context; Bahdanau's decoder does): the decoder's input also
// holds the previous output symbol, the true one while training (teacher forcing), the chosen one while decoding
// (zero at t = 1). With it beam search can find a better sequence than greedy; without it the Ty choices are
// independent and the beam's best equals greedy.
//
// Layout of a batch: sequences step-major, as everywhere in core/nn: the symbol of example i at step t is at
// index t*m + i. Inference is const and allocates its own small buffers, so any number of threads can translate with
// one model at once (the GUI does it on an immutable copy while training goes on).
#pragma once

#include "io/ModelFile.hpp"
#include "nn/Attention.hpp"
#include "nn/Bidirectional.hpp"
#include "nn/Linear.hpp"
#include "nn/Loss.hpp"
#include "nn/Recurrent.hpp"
#include "translate/TranslationData.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

namespace unroll {

class Rng;

struct TranslatorConfig {
    std::int64_t sourceVocab = 37, targetVocab = 11; // the course's human_vocab and machine_vocab sizes
    std::int64_t Tx = 30, Ty = 10;
    Index n_a = 32;  // encoder units per direction
    Index n_s = 64;  // decoder units
    Index n_h = 10;  // attention's hidden layer
    bool attention = true;
    bool feedPrevious = false;
    // The target vocabulary's <end> (TranslationData::targetEnd), or kNoTarget when it has none: decoding marks the
    // symbols after it kNoTarget and beam search stops extending a candidate there. Not a parameter of the network.
    std::int32_t endId = kNoTarget;
    friend bool operator==(const TranslatorConfig&, const TranslatorConfig&) = default;
};

// Parameters of a model of this configuration (52,960 for the course's; 51,659 without attention).
std::int64_t translatorParameterCount(const TranslatorConfig& config);

template <class T> class Translator {
public:
    explicit Translator(const TranslatorConfig& config = {});

    const TranslatorConfig& config() const { return config_; }
    Index decoderInputSize() const; // 2 n_a (+ targetVocab with feedPrevious)

    Bidirectional<T> encoder; // LSTM, (sourceVocab -> n_a) each way
    Attention<T> attention;   // (2 n_a, n_s, n_h); unused without attention
    RecurrentLayer<T> decoder; // LSTM (decoderInputSize() -> n_s), stepped one output at a time
    Linear<T> output;          // (n_s -> targetVocab), identity: the loss takes logits

    // Keras' defaults, as the course's model starts: Glorot-uniform input kernels and dense kernels, orthogonal
    // recurrent kernels (QR of a Gaussian matrix), zero biases, LSTM forget-gate bias 1 (unit_forget_bias), with one
    // exception: the attention's energy bias b2 starts at 1. With Keras' 0 the energies relu(W2 e + b2) of a decoder
    // step can all fall to 0 early in training, and then stay there: the weights are uniform and no gradient reaches
    // the attention block again. Measured on courseDateData(11000, 1) with the task's defaults, seeds 1 … 8: with 0,
    // seed 1's attention is dead for every example and step after 100 updates and it ends at 92% exact match after 20
    // epochs (3 of the 8 seeds reach 99%); with 1, all 8 reach 99.7% or more. Deterministic from rng.
    void initialize(Rng& rng);
    // "encoder.forward.W", "encoder.forward.b", "encoder.backward.W", "encoder.backward.b", "attention.W1",
    // "attention.b1", "attention.W2", "attention.b2" (with attention), "decoder.W", "decoder.b", "output.W",
    // "output.b": the whole buffers optimizers step and model files store.
    ParamList<T> parameters();
    std::int64_t parameterCount() const;
    void zeroGrads();
    // The same values in a fresh model without any training buffers (what the GUI keeps and translates with).
    Translator<T> copyWeights() const;

    // --- training ---------------------------------------------------------------------------------------------
    // source: m*Tx ids in [0, sourceVocab); target: m*Ty ids in [0, targetVocab) or kNoTarget (not scored).
    // Returns the loss: for each output step, the cross-entropy averaged over the m examples, summed over the Ty
    // steps (the Keras multi-output loss the course prints: about 16.6 after its first epoch), i.e. the sum of every
    // scored -ln p divided by m. InputError on a size mismatch or an id out of range.
    double forward(std::span<const std::int32_t> source, std::span<const std::int32_t> target, Index m);
    // Gradients of the last forward's loss, accumulated (+=) into every parameter's grad.
    void backward();
    // After forward: the attention weights of output step t, (Tx, m); the predicted probabilities of step t,
    // (targetVocab, m).
    const Mat<T>& alpha(Index t) const;
    const Mat<T>& probabilities(Index t) const;

private:
    TranslatorConfig config_;
    struct Buffers;                   // the training pass's caches (Translator.cpp)
    std::shared_ptr<Buffers> buffers_; // not shared between models: copies get their own (see the copy operations)
public:
    Translator(const Translator&);
    Translator& operator=(const Translator&);
    Translator(Translator&&) noexcept;
    Translator& operator=(Translator&&) noexcept;
    ~Translator();
};

extern template class Translator<float>;
extern template class Translator<double>;

// --- inference ----------------------------------------------------------------------------------------------
struct Decoded {
    std::vector<std::int32_t> ids; // Ty symbols; after <end> (when the vocabulary has one), kNoTarget
    double logProb = 0;            // sum of ln p of the chosen symbols, up to and including <end>
    MatF attention;                // (Ty, Tx): row t = alpha<t, .> (sums to 1); empty (0 x 0) without attention
};

// Greedy decoding (argmax at each step, ties to the lower index) of any number of sources (each exactly Tx ids, else
// InputError naming the source); same order out. Each source is decoded on its own, as one column, and the sources run
// in parallel on the thread pool: a matrix product's kernel sums in an order that depends on the number of columns,
// so this is what makes a source's result the same bits whether it is translated alone or among others, on any number
// of threads, and equal to beamSearch's of width 1. After <end> the decoder runs on (its attention rows are still
// filled), feeding its own choices.
template <class T>
std::vector<Decoded> translateGreedy(const Translator<T>& model, const std::vector<std::vector<std::int32_t>>& sources);

struct BeamCandidate {
    std::vector<std::int32_t> ids; // the prefix so far (t+1 symbols after step t), <end> included when finished
    double logProb = 0;
    bool finished = false;          // ended with <end>: carried on unchanged
};
struct BeamResult {
    std::vector<Decoded> best; // the final candidates, best (highest logProb) first, at most width of them
    std::vector<std::vector<BeamCandidate>> steps; // steps[t]: the beam after output step t, best first
};
// Beam search of the given width (>= 1, else InputError) for one source: after each step the `width` best of the
// candidates' one-symbol extensions and of the finished candidates (carried on unchanged), by summed log-prob; the
// candidates run side by side as columns of the decoder. Width 1 gives exactly translateGreedy's result (ids, logProb
// and attention, bit for bit). Ties break towards the better-ranked parent, then the lower symbol index, as argmax
// does.
template <class T> BeamResult beamSearch(const Translator<T>& model, const std::vector<std::int32_t>& source, int width);

// --- files ----------------------------------------------------------------------------------------------------
// Model file (docs/formats.md): kind "translator"; hyper-parameters n_a, n_s, n_h, Tx, Ty, attention ("1"/"0"),
// feed_previous ("1"/"0"), target_vocab (JSON list of strings); vocab (type words) = the source vocabulary;
// normalization "lowercase-nocomma"; tensors named as parameters().
ModelFile describeTranslator(const Translator<float>& model, const SymbolVocab& source, const SymbolVocab& target);
void saveTranslator(const std::filesystem::path& path, const Translator<float>& model, const SymbolVocab& source,
                    const SymbolVocab& target); // atomic

struct LoadedTranslator {
    std::unique_ptr<Translator<float>> model;
    SymbolVocab source, target;
};
// InputError / FormatError naming the file and what does not fit (kind, a missing tensor, a shape, a vocabulary
// whose size disagrees with the tensors).
LoadedTranslator loadTranslator(const std::filesystem::path& path);

} // namespace unroll
