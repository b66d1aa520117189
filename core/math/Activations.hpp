// Activations, their derivatives, a numerically stable column softmax and the cross-entropy loss.
// All work in place on Eigen blocks so the training loops allocate nothing. Column convention: one column per example.
#pragma once

#include "nn/Types.hpp"

#include <cmath>
#include <cstdint>
#include <span>

namespace unroll {

// z <- sigmoid(z) = 1 / (1 + e^-z). For very negative z, e^-z overflows to +inf and the result is exactly 0.
template <class T> void sigmoidInPlace(MatRef<T> z)
{
    z.array() = T(1) / (T(1) + (-z.array()).exp());
}

template <class T> void tanhInPlace(MatRef<T> z)
{
    z.array() = z.array().tanh();
}

// Derivatives expressed through the activation's output y, the form backward passes use.
// sigmoid'(z) = y (1 - y); tanh'(z) = 1 - y^2.
template <class D> auto sigmoidGradFromOutput(const Eigen::ArrayBase<D>& y) { return y * (1 - y); }
template <class D> auto tanhGradFromOutput(const Eigen::ArrayBase<D>& y) { return 1 - y.square(); }

// z: (n, m) -> softmax over each column, in place. Subtracting the column maximum keeps exp() from overflowing.
template <class T> void softmaxColumnsInPlace(MatRef<T> z)
{
    for (Index j = 0; j < z.cols(); ++j) {
        auto col = z.col(j);
        const T mx = col.maxCoeff();
        col.array() = (col.array() - mx).exp();
        col /= col.sum();
    }
}

// p: (n_y, N) probabilities, targets: N class indices -> sum over columns of -ln p[target]. A negative target marks
// a column without a target (padding) and adds nothing.
// A probability of exactly 0 gives +inf, which the trainers' NaN/Inf check then reports.
template <class T> double crossEntropySum(ConstMatRef<T> p, std::span<const std::int32_t> targets)
{
    double loss = 0;
    for (Index j = 0; j < p.cols(); ++j)
        if (targets[size_t(j)] >= 0) loss -= std::log(double(p(targets[size_t(j)], j)));
    return loss;
}

} // namespace unroll
