// The Emojify lab's two models (course §5.2, §5.3), their explanations, and their file.
//
// V1, AverageEmojifier: the average of the known words' vectors → softmax(W·avg + b). W ~ randn(n_y, n_h)/√n_h drawn
// from the seeded numpy RandomState (the course calls np.random.seed(1) first), b = 0; trained by per-example SGD in
// data order with the course's gradient dz = a − y, dW = dz·avgᵀ, db = dz (lr 0.01, 400 epochs). In double, like numpy.
//
//   AverageEmojifier v1(vectors, 5);  Rng rng(1);  v1.initialize(rng);
//   double loss = v1.trainEpoch(train.sentences, 0.01);   // one pass, example by example
//   Prediction p = v1.predict("i love you");                // p.label 0, p.probabilities (5)
//
// V2, LstmEmojifier: frozen embedding (the word vectors, or trainable) → LSTM(n_a, sequences) → Dropout(0.5) →
// LSTM(n_a, last) → Dropout(0.5) → Dense(n_y) → softmax, cross-entropy averaged over the batch (Keras'
// categorical_crossentropy), composed from core/nn's layers. Padding is masked: sentences are left-aligned, padded
// with nn's kNoInput, and the second LSTM's state is read at each sentence's own last word (not at the padded end),
// so a sentence's prediction does not depend on the batch's length. (The course's Keras model reads the state after
// the zero-vector padding; the masked form is what Keras does with mask_zero=True.) A sentence with no known word
// reads a⟨0⟩ = 0.
//
//   LstmEmojifier<float> v2(vectors, {.classes = 5, .maxLength = 10});  v2.initialize(rng);
//   auto batch = v2.encode({"i love you", "not feeling happy"});
//   double loss = v2.forwardBackward(batch, labels, Mode::Train, dropoutRng, true);  // grads accumulate
//
// Inference (predict, explain, probabilities) is const and thread-safe: it writes only its own workspace.
// Explanations: V1's contribution of each word to each class logit, W·e_w / n (n the number of known words; with b
// they sum to the logits); V2's class probabilities after each prefix of the sentence and the hidden states of both
// LSTMs over its words.
#pragma once

#include "emojify/EmojifyData.hpp"
#include "nn/Dropout.hpp"
#include "nn/Embedding.hpp"
#include "nn/Linear.hpp"
#include "nn/Mode.hpp"
#include "nn/Recurrent.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace unroll {
class Rng;
struct ModelFile;
}

namespace unroll::emojify {

using vectors::WordVectors;

struct Prediction {
    std::int32_t label = 0;        // argmax
    Eigen::VectorXd probabilities; // (n_y)
};

// V1's "why": each word's pull on each class.
struct AverageExplanation {
    std::vector<std::string> tokens;   // the course's tokens of the sentence
    std::vector<bool> known;           // whether the vectors know each token
    Eigen::MatrixXd contributions;     // (n_y, tokens): W·e_w / n for a known word, 0 for an unknown one
    Eigen::VectorXd bias;              // (n_y): b; logits = bias + row sums of contributions
    Eigen::VectorXd probabilities;     // (n_y)
    std::int32_t label = 0;
};

// V2's "why": how the decision evolves word by word.
struct LstmExplanation {
    std::vector<std::string> tokens;   // the course's tokens
    std::vector<bool> known;           // known tokens are the model's steps, in order
    std::vector<int> steps;            // per token: its step (0-based), or -1 when unknown
    Eigen::MatrixXd prefixProbabilities; // (n_y, T): softmax(Dense(a2⟨t⟩)) after the first t+1 known words
    Eigen::MatrixXd hidden1, hidden2;  // (n_a, T): the first and second LSTM's hidden states a⟨1..T⟩
    Eigen::VectorXd probabilities;     // (n_y): the prediction (the last prefix; softmax(Dense(0)) when no word is known)
    std::int32_t label = 0;
};

class AverageEmojifier {
public:
    AverageEmojifier() = default;
    // vectors: the word → vector map; classes: n_y >= 2 (else InputError).
    AverageEmojifier(std::shared_ptr<const WordVectors> vectors, int classes);

    Eigen::MatrixXd W; // (n_y, n_h)
    Eigen::VectorXd b; // (n_y)

    int classes() const { return int(W.rows()); }
    Eigen::Index dimension() const { return W.cols(); }
    const WordVectors& vectors() const { return *vectors_; }
    std::shared_ptr<const WordVectors> sharedVectors() const { return vectors_; }

    // W = rng.randn(n_y, n_h) / sqrt(n_h), b = 0 (the course's initialisation, one call to randn).
    void initialize(Rng& rng);
    // One epoch of the course's per-example SGD over `sentences` in order. Returns the mean cross-entropy of the
    // examples as they were met (the course prints the last example's).
    double trainEpoch(const std::vector<Sentence>& sentences, double learningRate);

    Eigen::VectorXd probabilities(std::string_view sentence) const; // (n_y)
    Prediction predict(std::string_view sentence) const;
    std::vector<std::int32_t> predictLabels(const std::vector<Sentence>& sentences) const;
    AverageExplanation explain(std::string_view sentence) const;

private:
    std::shared_ptr<const WordVectors> vectors_;
};

struct LstmEmojifierConfig {
    int classes = 5;               // n_y
    Eigen::Index hidden = 128;     // n_a of both LSTMs
    double dropout = 0.5;          // rate of both dropout layers
    Eigen::Index maxLength = 10;   // the padded length of training batches (course: the longest training sentence)
    bool trainableEmbedding = false;
};

// A batch of encoded sentences in nn's column convention: step t of example i at ids[t*m + i].
struct SentenceBatch {
    Eigen::Index m = 0, steps = 0;
    std::vector<std::int32_t> ids;     // m*steps word indices (rows of the vectors) or kNoInput
    std::vector<Eigen::Index> lengths; // m: known words of each sentence (<= steps)
};

template <class T> class LstmEmojifier {
public:
    LstmEmojifier() = default;
    // requires: classes >= 2, hidden >= 1, dropout in [0, 1), maxLength >= 1 (else InputError).
    LstmEmojifier(std::shared_ptr<const WordVectors> vectors, const LstmEmojifierConfig& config);

    Embedding<T> embedding;          // E: (n_e, V + 1), the vectors' values (the unknown column 0, never used)
    RecurrentLayer<T> lstm1, lstm2;  // (n_e → n_a, sequences), (n_a → n_a, last state)
    Dropout<T> drop1, drop2;
    Linear<T> dense;                 // W (n_y, n_a), b (n_y, 1); the softmax is in the loss

    const LstmEmojifierConfig& config() const { return config_; }
    const WordVectors& vectors() const { return *vectors_; }
    std::shared_ptr<const WordVectors> sharedVectors() const { return vectors_; }

    // LSTM W ~ N(0, 1/fan_in), biases 0 but the forget gate's 1 (Keras' unit_forget_bias; Keras draws its kernels
    // Glorot-uniform and its recurrent kernels orthogonal); Dense W ~ N(0, 1/n_a), b = 0.
    void initialize(Rng& rng);
    ParamList<T> parameters(); // "embedding.E" (trainable only), "lstm1.W", "lstm1.b", "lstm2.*", "dense.W", "dense.b"
    void zeroGrads();
    Eigen::Index parameterCount() const; // trainable ones

    // The known words of each sentence, left-aligned; steps = max(steps, longest) (steps 0: the longest sentence;
    // maxLength: the course's fixed width). Words beyond `steps` when steps > 0 are dropped.
    SentenceBatch encode(const std::vector<std::string>& sentences, Eigen::Index steps = 0) const;

    // Forward (and with `backward`, backward: gradients accumulate) of the mean cross-entropy of the batch against
    // labels (m, in [0, n_y)). Mode::Train draws the dropout masks from rng. Returns the loss. Uses the layers'
    // own traces: not const, one caller at a time. probabilities (optional): (n_y, m).
    double forwardBackward(const SentenceBatch& batch, std::span<const std::int32_t> labels, Mode mode, Rng& rng,
                           bool backward, Mat<T>* probabilities = nullptr);

    // Inference (Mode::Infer, const, any number of threads): (n_y, m).
    Mat<T> probabilities(const SentenceBatch& batch) const;
    Prediction predict(std::string_view sentence) const;
    std::vector<std::int32_t> predictLabels(const std::vector<Sentence>& sentences) const;
    LstmExplanation explain(std::string_view sentence) const;

private:
    std::shared_ptr<const WordVectors> vectors_;
    LstmEmojifierConfig config_;
    // Training scratch (forwardBackward)
    Mat<T> X1_, D1_, last_, D2_, dLast_, dD2_, dD1_, dX1_;
    DropoutCache<T> dc1_, dc2_;
    LinearCache<T> lc_;
    std::vector<std::int32_t> ids_;
};

extern template class LstmEmojifier<float>;
extern template class LstmEmojifier<double>;

// Both models of a run with their classes: what a model file holds (one of the two may be absent).
struct EmojifyModels {
    std::vector<EmojiClass> classes;
    std::shared_ptr<const WordVectors> vectors;
    std::optional<AverageEmojifier> v1;
    std::optional<LstmEmojifier<float>> v2;
};

// The model file (docs/formats.md, "Emojify models"): kind "emojify", vocab the vectors' words, tensors "vectors"
// (V, n_e), "v1.W", "v1.b", "v2.lstm1.Wf" … (the course's LSTM names), "v2.dense.W", "v2.dense.b", and "v2.E"
// (V, n_e) when the embedding was trained; hyper-parameters "variants", "classes" (JSON), "n_a", "max_len", ….
ModelFile toModelFile(const EmojifyModels& models);
EmojifyModels modelsFromFile(const ModelFile& file, const std::string& sourceName); // FormatError if not an emojify model
// The predictions of every model in `models` on `sentences` as CSV (the lab's "export predictions"): a header
// `sentence,label,v1,v1_emoji,v1_p0,…,v2,v2_emoji,v2_p0,…` (only the models present; label the actual class, or empty
// for sentences without one, label < 0), then one row per sentence in order; sentences quoted when they hold a comma
// or a quote.
std::string predictionsCsv(const EmojifyModels& models, const std::vector<Sentence>& sentences);

void saveEmojifyModels(const std::filesystem::path& path, const EmojifyModels& models); // atomic
EmojifyModels loadEmojifyModels(const std::filesystem::path& path);

} // namespace unroll::emojify
