// A stack of recurrent layers with a softmax output at every step (Linear logits -> softmax cross-entropy): the character language model, the benchmark
// model, and the shape later labs build on.
//
//   SequenceModel<float> model({.cell = CellKind::Lstm, .inputSize = V, .hiddenSize = 128, .outputSize = V});
//   model.initialize(rng);
//   double loss = model.forward(inputIds, targetIds, m);   // m examples side by side, T = ids.size() / m steps
//   model.backward();                                      // accumulates every parameter's gradient
//
// Hidden state: each forward starts from the state the previous one ended in (truncated BPTT across windows) unless
// resetState() was called or the batch size changed. Gradients never flow across windows.
#pragma once

#include "nn/Linear.hpp"
#include "nn/Loss.hpp"
#include "nn/Recurrent.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace unroll {

// Sum: over every scored prediction. SumPerExample: summed over the steps, averaged over the m examples (the course's
// loss for m = 1). Mean: over every scored prediction (PyTorch's default).
enum class LossReduction { Sum, SumPerExample, Mean };

// What an inference run writes, owned by the caller, so a model predicts through a const reference: the layers' traces,
// the state one predict hands to the next (a sampler feeding one character at a time), the logits and probabilities.
template <class T> struct SequenceWorkspace {
    std::vector<RecurrentTrace<T>> layers;
    std::vector<Mat<T>> a, c; // (n_a, m) per layer: where the next predict starts; empty = zeros
    LinearCache<T> logits;    // (n_y, m*T)
    Mat<T> probs;             // (n_y, m*T)
    void reset() { a.clear(), c.clear(); } // the next predict starts from zeros
};

struct SequenceModelOptions {
    CellKind cell = CellKind::Lstm;
    Index inputSize = 0;  // n_x (vocabulary size for one-hot input)
    Index hiddenSize = 64; // n_a of every layer
    Index outputSize = 0; // n_y
    int layers = 1;
    LossReduction reduction = LossReduction::Mean;
};

template <class T> class SequenceModel {
public:
    explicit SequenceModel(const SequenceModelOptions& options);

    const SequenceModelOptions& options() const { return options_; }
    std::vector<RecurrentLayer<T>> layers;
    Linear<T> output; // (n_y, n_a): the logits; the course's Wya, by

    void initialize(Rng& rng, const RecurrentInit& init = {});
    // Whole buffers for optimizers ("W", "b" or "layer0.W", …; "Wya", "by").
    ParamList<T> parameters();
    // The course's tensors ("Wf", …, or "layer0.Wf", … for several layers; "Wya", "by"): files and checks.
    ParamList<T> namedTensors();
    std::vector<std::pair<std::string, Mat<T>>> namedValues() const; // their values, through a const model
    void zeroGrads();

    // inputs: m*T class indices (one-hot input) or X (n_x, m*T) dense; targets: m*T classes. Returns the loss.
    double forward(std::span<const std::int32_t> inputs, std::span<const std::int32_t> targets, Index m);
    double forward(ConstMatRef<T> X, std::span<const std::int32_t> targets, Index m);
    void backward(); // for the last forward
    // Forward without targets (inference, e.g. sampling one character at a time) into the caller's workspace, from
    // the state the workspace carries (zeros after ws.reset()); leaves the model untouched. Returns ws.probs:
    // (n_y, m*T). Afterwards ws.layers[l].A holds each layer's a<0..T> as A() does after a training forward.
    const Mat<T>& predict(std::span<const std::int32_t> inputs, Index m, SequenceWorkspace<T>& ws) const;
    const Mat<T>& probs() const { return ce_.P; } // (n_y, m*T) of the last forward or predict

    void resetState(); // the next forward starts from zeros
    // The state the next forward starts from (after resetState: zeros, sized at the next forward).
    bool carriesState() const { return carry_; }
    const Mat<T>& stateA(int layer) const { return a0_[size_t(layer)]; }
    const Mat<T>& stateC(int layer) const { return c0_[size_t(layer)]; }
    void setState(int layer, const Mat<T>& a, const Mat<T>& c); // restore a carried state (checkpoints)

private:
    void prepareState(Index m);
    void forwardUpperLayers();
    double forwardRest(std::span<const std::int32_t> targets);

    SequenceModelOptions options_;
    std::vector<Mat<T>> a0_, c0_;
    std::vector<std::int32_t> targets_;
    LinearCache<T> logits_;
    SoftmaxCrossEntropyCache<T> ce_;
    Mat<T> dZ_, dA_, dX_;
    bool carry_ = false;
};

extern template class SequenceModel<float>;
extern template class SequenceModel<double>;

} // namespace unroll
