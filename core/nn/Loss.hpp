// Losses, separate from the layers that feed them. Each takes logits (pre-activations), which keeps the log of a
// softmax or a sigmoid finite where the probability itself rounds to 0, and has a forward (the loss, and the
// probabilities in its cache for views and sampling) and a backward (dL/dlogits, assigned).
//
//   SoftmaxCrossEntropyCache<float> ce;
//   double L = softmaxCrossEntropyForward<float>(Z, targets, {}, Reduction::Mean, ce);  // Z: (n_y, N)
//   softmaxCrossEntropyBackward<float>(ce, targets, {}, dZ);                             // dZ: (n_y, N)
//
// Masks and weights. Softmax cross-entropy scores column j with weight w_j (1 when weights are empty); a target of
// kNoTarget scores nothing (padding; the many-to-one case scores only the last step by giving the others kNoTarget).
// Sigmoid binary cross-entropy scores every entry of an (n, N) grid — one output per time step for the trigger-word
// model — with weights of the same shape (0 masks an entry).
// Reductions: Sum adds the weighted per-position losses; Mean divides that sum by the sum of the weights of the scored
// positions (Keras' and PyTorch's "mean" when all weights are 1).
#pragma once

#include "nn/Types.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace unroll {

// A target meaning "no prediction scored here" (padding of a mini-batch of sequences of different lengths).
inline constexpr std::int32_t kNoTarget = -1;

enum class Reduction { Sum, Mean };
inline constexpr std::array<std::string_view, 2> reductionIds = {"sum", "mean"};
inline std::string_view reductionId(Reduction r) { return reductionIds[size_t(r)]; }

template <class T> struct SoftmaxCrossEntropyCache {
    Mat<T> P;       // (n_y, N): softmax of each column
    double scale = 1; // what the reduction multiplies the weighted sum by (1, or 1 / total weight)
};

// Z: (n_y, N) logits; targets: N classes in [0, n_y) or kNoTarget; weights: N (or empty = all 1).
// L = scale * sum_j w_j * -ln softmax(Z_j)[y_j]. Throws InputError on a target out of range or a size mismatch.
template <class T>
double softmaxCrossEntropyForward(ConstMatRef<T> Z, std::span<const std::int32_t> targets, std::span<const T> weights,
                                  Reduction reduction, SoftmaxCrossEntropyCache<T>& cache);
// dZ: (n_y, N) = scale * w_j * (P_j - onehot(y_j)); zero in unscored columns.
template <class T>
void softmaxCrossEntropyBackward(const SoftmaxCrossEntropyCache<T>& cache, std::span<const std::int32_t> targets,
                                 std::span<const T> weights, Mat<T>& dZ);

template <class T> struct SigmoidBceCache {
    Mat<T> P; // (n, N): sigmoid of each logit
    double scale = 1;
};

// Z: (n, N) logits; Y: (n, N) targets in [0, 1]; W: (n, N) weights, or an empty matrix for all 1.
// L = scale * sum w * (softplus(z) - y z)  (= -[y ln p + (1-y) ln(1-p)] with p = sigmoid(z), computed stably).
template <class T>
double sigmoidBceForward(ConstMatRef<T> Z, ConstMatRef<T> Y, ConstMatRef<T> W, Reduction reduction,
                         SigmoidBceCache<T>& cache);
// dZ: (n, N) = scale * w * (p - y).
template <class T>
void sigmoidBceBackward(const SigmoidBceCache<T>& cache, ConstMatRef<T> Y, ConstMatRef<T> W, Mat<T>& dZ);

} // namespace unroll
