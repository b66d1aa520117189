// The output layer every sequence model ends with: y = softmax(Wya a + by), trained with cross-entropy.
//
//   Dense<float> out(n_a, n_y);
//   out.forward(A);                    // A: (n_a, N) -> probs(): (n_y, N)
//   double loss = out.loss(targets);   // sum over the N columns of -ln p[target] (kNoTarget columns skipped)
//   out.backward(targets, scale, &dA); // dWya, dby += ...;  dA = Wya^T dY  with dY = scale * (p - onehot)
// Gradients accumulate; zeroGrads() clears them. `scale` is 1 for a summed loss, 1/N for a mean.
#pragma once

#include "nn/Loss.hpp"
#include "nn/Params.hpp"

#include <cstdint>
#include <span>

namespace unroll {

class Rng;

template <class T> class Dense {
public:
    Dense() = default;
    Dense(Index n_in, Index n_out);

    Mat<T> Wya, by, dWya, dby; // (n_y, n_a), (n_y, 1)

    Index inputSize() const { return Wya.cols(); }
    Index outputSize() const { return Wya.rows(); }
    void initialize(Rng& rng, double scale = 1.0); // Wya ~ N(0, (scale/sqrt(n_a))^2), by = 0
    ParamList<T> parameters();                     // "Wya", "by"
    void zeroGrads();

    void forward(ConstMatRef<T> A);
    const Mat<T>& probs() const { return P_; }
    double loss(std::span<const std::int32_t> targets) const;
    void backward(std::span<const std::int32_t> targets, T scale, Mat<T>* dA);

private:
    Mat<T> A_, P_, dY_;
};

extern template class Dense<float>;
extern template class Dense<double>;

} // namespace unroll
