// Losses; see Loss.hpp.
#include "nn/Loss.hpp"

#include "math/Activations.hpp"
#include "util/Error.hpp"

#include <cmath>
#include <string>

namespace unroll {

namespace {

template <class T> T weightAt(std::span<const T> weights, Index j)
{
    return weights.empty() ? T(1) : weights[size_t(j)];
}

} // namespace

template <class T>
double softmaxCrossEntropyForward(ConstMatRef<T> Z, std::span<const std::int32_t> targets, std::span<const T> weights,
                                  Reduction reduction, SoftmaxCrossEntropyCache<T>& cache)
{
    const Index n_y = Z.rows(), N = Z.cols();
    if (Index(targets.size()) != N)
        throw InputError("softmax cross-entropy: " + std::to_string(targets.size()) + " targets for " +
                         std::to_string(N) + " columns");
    if (!weights.empty() && Index(weights.size()) != N)
        throw InputError("softmax cross-entropy: " + std::to_string(weights.size()) + " weights for " +
                         std::to_string(N) + " columns");
    cache.P.resize(n_y, N);
    double sum = 0, totalWeight = 0;
    for (Index j = 0; j < N; ++j) {
        const std::int32_t y = targets[size_t(j)];
        if (y < kNoTarget || y >= n_y)
            throw InputError("target " + std::to_string(y) + " outside the " + std::to_string(n_y) + " classes");
        // ln softmax(z)_y = z_y - max - ln sum exp(z - max): finite even where p_y underflows.
        const auto z = Z.col(j);
        const T mx = z.maxCoeff();
        auto p = cache.P.col(j);
        p.array() = (z.array() - mx).exp();
        const T total = p.sum();
        p /= total;
        if (y == kNoTarget) continue;
        const double w = double(weightAt(weights, j));
        sum += w * -(double(z(y)) - double(mx) - std::log(double(total)));
        totalWeight += w;
    }
    cache.scale = reduction == Reduction::Mean ? (totalWeight > 0 ? 1.0 / totalWeight : 0.0) : 1.0;
    return sum * cache.scale;
}

template <class T>
void softmaxCrossEntropyBackward(const SoftmaxCrossEntropyCache<T>& cache, std::span<const std::int32_t> targets,
                                 std::span<const T> weights, Mat<T>& dZ)
{
    dZ = cache.P; // (n_y, N)
    for (Index j = 0; j < dZ.cols(); ++j) {
        const std::int32_t y = targets[size_t(j)];
        if (y == kNoTarget) {
            dZ.col(j).setZero();
            continue;
        }
        dZ(y, j) -= T(1);
        dZ.col(j) *= T(cache.scale * double(weightAt(weights, j)));
    }
}

template <class T>
double sigmoidBceForward(ConstMatRef<T> Z, ConstMatRef<T> Y, ConstMatRef<T> W, Reduction reduction,
                         SigmoidBceCache<T>& cache)
{
    if (Y.rows() != Z.rows() || Y.cols() != Z.cols())
        throw InputError("binary cross-entropy: targets are " + std::to_string(Y.rows()) + "x" +
                         std::to_string(Y.cols()) + ", outputs " + std::to_string(Z.rows()) + "x" +
                         std::to_string(Z.cols()));
    const bool weighted = W.size() > 0;
    if (weighted && (W.rows() != Z.rows() || W.cols() != Z.cols()))
        throw InputError("binary cross-entropy: weights must have the outputs' shape");
    cache.P = Z;
    sigmoidInPlace<T>(cache.P);
    double sum = 0, totalWeight = 0;
    for (Index j = 0; j < Z.cols(); ++j)
        for (Index i = 0; i < Z.rows(); ++i) {
            const double w = weighted ? double(W(i, j)) : 1.0;
            if (w == 0) continue;
            const double z = double(Z(i, j)), y = double(Y(i, j));
            // softplus(z) - y z, with softplus(z) = max(z, 0) + ln(1 + e^-|z|).
            sum += w * (std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))) - y * z);
            totalWeight += w;
        }
    cache.scale = reduction == Reduction::Mean ? (totalWeight > 0 ? 1.0 / totalWeight : 0.0) : 1.0;
    return sum * cache.scale;
}

template <class T>
void sigmoidBceBackward(const SigmoidBceCache<T>& cache, ConstMatRef<T> Y, ConstMatRef<T> W, Mat<T>& dZ)
{
    dZ = (cache.P - Y) * T(cache.scale); // (n, N)
    if (W.size() > 0) dZ.array() *= W.array();
}

#define UNROLL_LOSS(T)                                                                                             \
    template double softmaxCrossEntropyForward<T>(ConstMatRef<T>, std::span<const std::int32_t>,                   \
                                                  std::span<const T>, Reduction, SoftmaxCrossEntropyCache<T>&);    \
    template void softmaxCrossEntropyBackward<T>(const SoftmaxCrossEntropyCache<T>&, std::span<const std::int32_t>, \
                                                 std::span<const T>, Mat<T>&);                                     \
    template double sigmoidBceForward<T>(ConstMatRef<T>, ConstMatRef<T>, ConstMatRef<T>, Reduction,                \
                                         SigmoidBceCache<T>&);                                                     \
    template void sigmoidBceBackward<T>(const SigmoidBceCache<T>&, ConstMatRef<T>, ConstMatRef<T>, Mat<T>&);
UNROLL_LOSS(float)
UNROLL_LOSS(double)
#undef UNROLL_LOSS

} // namespace unroll
