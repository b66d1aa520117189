// Dropout (Srivastava et al. 2014, "Dropout: A Simple Way to Prevent Neural Networks from Overfitting", JMLR 15) in
// the inverted form Keras and PyTorch use: in training each value is dropped with probability `rate` and the kept
// ones are scaled by 1 / (1 - rate), so inference is the identity and needs no rescaling. The course's trigger-word
// model uses Dropout(0.8): 80% dropped (course §7.3).
//
//   Dropout<float> drop(0.8);
//   DropoutCache<float> cache;
//   drop.forward(X, cache, Mode::Train, rng);   // X: (n, N) -> cache.Y: (n, N); the mask drawn from rng
//   drop.backward(X, cache, dY, &dX);           // dX = mask .* dY (assigned)
//
// The mask: mask(r, c) = (u < rate ? 0 : 1 / (1 - rate)), u = rng.randomSample() drawn in column-major order of the
// (n, N) matrix (numpy: `np.random.rand(N, n).T`), so the same seed gives the same mask. It stays in the cache, and
// backward multiplies by it. Infer mode draws nothing and passes X through (the mask is all ones).
//
// No parameters; forward is const.
#pragma once

#include "nn/Mode.hpp"
#include "nn/Types.hpp"

namespace unroll {

class Rng;

template <class T> struct DropoutCache {
    Mode mode = Mode::Train;
    Mat<T> mask; // (n, N): 0 or 1 / (1 - rate) in Train; empty in Infer
    Mat<T> Y;    // (n, N): the output
};

template <class T> class Dropout {
public:
    // requires: rate in [0, 1), else InputError (rate 1 would drop everything and divide by 0).
    explicit Dropout(double rate = 0.5);

    double rate() const { return rate_; }

    // X: (n, N) -> cache.Y: (n, N). Train: draws n*N uniforms from rng for a new mask. Infer: Y = X, rng untouched.
    void forward(ConstMatRef<T> X, DropoutCache<T>& cache, Mode mode, Rng& rng) const;
    // X: the forward's input (n, N); dY: (n, N). dX (optional): (n, N), assigned: mask .* dY in Train, dY in Infer.
    // InputError on a shape other than the forward's. (The layer signature of Linear; X only fixes the shape.)
    void backward(ConstMatRef<T> X, const DropoutCache<T>& cache, ConstMatRef<T> dY, Mat<T>* dX) const;

private:
    double rate_ = 0.5;
};

extern template class Dropout<float>;
extern template class Dropout<double>;

} // namespace unroll
