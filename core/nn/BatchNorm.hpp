// BatchNorm: batch normalisation per channel (Ioffe & Szegedy 2015, "Batch Normalization: Accelerating Deep Network
// Training by Reducing Internal Covariate Shift", Algorithm 1 and §3.1), as Keras' BatchNormalization(axis=-1) on the
// course's (batch, time, channels) tensors: one mean and variance per channel (row), taken over the whole batch and
// all time steps (every column of the (n, m*T) sequence layout).
//
//   BatchNorm<float> bn(196);                        // gamma = 1, beta = 0; moving mean 0, moving variance 1
//   BatchNormCache<float> cache;
//   bn.forward(X, cache, Mode::Train);               // X: (n, N) -> cache.Y: (n, N), with the batch statistics
//   bn.updateMovingStatistics(cache);                // moving = 0.99 moving + 0.01 batch  (training only)
//   bn.backward(X, cache, dY, &dX);                  // dgamma, dbeta += ...;  dX assigned
//
// Train:  mu = mean_j x_j, var = mean_j (x_j - mu)^2, xhat = (x - mu) / sqrt(var + eps), y = gamma xhat + beta.
//         The moving variance averages this biased var, as Keras' non-fused path (tf.nn.moments) does for 3-D
//         (batch, time, channels) inputs; PyTorch and TF's fused 4-D kernel average the unbiased N/(N-1) var instead.
// Infer:  the same with the moving mean and variance in place of mu and var.
// Backward, train (the paper's chain through mu and var, per channel, over N columns):
//         dxhat = gamma dy;  dx = (1 / (N sqrt(var + eps))) (N dxhat - sum dxhat - xhat sum(dxhat xhat)).
// Backward, infer: dx = gamma dy / sqrt(moving var + eps). Both: dgamma += sum(dy xhat), dbeta += sum(dy).
//
// forward is const and never moves the moving statistics: updateMovingStatistics(cache) is a separate call, so a
// gradient check can evaluate forward as often as it likes. The moving statistics are state, not parameters: they
// have no gradient and are not in parameters() (Keras' "non-trainable" weights).
#pragma once

#include "nn/Mode.hpp"
#include "nn/Params.hpp"

namespace unroll {

// Keras' defaults.
struct BatchNormOptions {
    double epsilon = 1e-3;  // added to the variance before the square root
    double momentum = 0.99; // moving = momentum * moving + (1 - momentum) * batch
};

template <class T> struct BatchNormCache {
    Mode mode = Mode::Train;
    Mat<T> mean, var; // (n, 1): the statistics the forward used (the batch's in Train, the moving ones in Infer)
    Mat<T> invStd;    // (n, 1): 1 / sqrt(var + eps)
    Mat<T> xhat;      // (n, N): the normalised input
    Mat<T> Y;         // (n, N): the output
    Mat<T> dxhat;     // (n, N): backward's scratch
};

template <class T> class BatchNorm {
public:
    BatchNorm() = default;
    // requires: n >= 1, epsilon > 0, momentum in [0, 1], else InputError.
    explicit BatchNorm(Index n, BatchNormOptions options = {});

    Mat<T> gamma, beta, dgamma, dbeta; // (n, 1) each
    Mat<T> movingMean, movingVar;      // (n, 1): inference statistics; 0 and 1 at construction
    BatchNormOptions options;

    Index size() const { return gamma.rows(); }
    ParamList<T> parameters(); // "gamma", "beta"
    void zeroGrads();

    // X: (n, N) -> cache.Y: (n, N). Train: with the batch's statistics over the N columns (N >= 1; N = 1 gives var 0
    // and xhat 0). Infer: with the moving statistics. InputError on a wrong row count or no columns.
    void forward(ConstMatRef<T> X, BatchNormCache<T>& cache, Mode mode) const;
    // requires: cache filled by a Train forward (else InputError). ensures: moving = momentum moving +
    // (1 - momentum) batch, for the mean and the (biased) variance.
    void updateMovingStatistics(const BatchNormCache<T>& cache);
    // X: the forward's input (n, N); dY: (n, N). dX (optional): (n, N), assigned. Differentiates the forward's mode.
    void backward(ConstMatRef<T> X, BatchNormCache<T>& cache, ConstMatRef<T> dY, Mat<T>* dX);
};

extern template class BatchNorm<float>;
extern template class BatchNorm<double>;

} // namespace unroll
