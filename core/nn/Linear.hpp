// Linear: y = act(W x + b), the dense layer every model uses, with any activation. One column per example; applied
// "per time step" by giving it the columns of all steps side by side (n_in, m*T) — the same weights act on every
// column — or "once" on (n_in, m). The softmax activation normalises each column.
//
//   Linear<float> dense(n_a, 10, Activation::Tanh);   // W (10, n_a), b (10, 1)
//   dense.initialize(rng);
//   LinearCache<float> cache;
//   dense.forward(X, cache);                   // X: (n_a, N) -> cache.Y: (10, N)
//   dense.backward(X, cache, dY, &dX);         // dW, db += ...;  dX = W^T dZ (assigned)
//
// forward is const: inference writes only into the caller's cache. backward needs the forward's input X and the
// cache it filled; it accumulates (+=) into dW and db, which zeroGrads() clears, and assigns dX.
#pragma once

#include "nn/Params.hpp"

#include <array>
#include <string_view>

namespace unroll {

class Rng;

enum class Activation { Identity, Tanh, Relu, Sigmoid, Softmax };
inline constexpr std::array<std::string_view, 5> activationIds = {"identity", "tanh", "relu", "sigmoid", "softmax"};
inline std::string_view activationId(Activation a) { return activationIds[size_t(a)]; }
Activation parseActivation(std::string_view id); // else InputError naming the known ones

// Z: (n, N) pre-activations -> activations, in place (softmax: over each column).
template <class T> void activateInPlace(Activation act, MatRef<T> Z);
// Backward of an activation, from its output Y: dZ = dL/dZ given dY = dL/dY. Y, dY, dZ: (n, N); dZ may alias dY.
//   identity dZ = dY; tanh dY (1 - Y^2); relu dY [Y > 0]; sigmoid dY Y (1 - Y);
//   softmax (per column) dZ = Y * (dY - sum(Y * dY)).
template <class T> void activationBackward(Activation act, ConstMatRef<T> Y, ConstMatRef<T> dY, MatRef<T> dZ);

template <class T> struct LinearCache {
    Mat<T> Y;  // (n_out, N): the activated output
    Mat<T> dZ; // (n_out, N): backward's scratch, dL/d(W x + b)
};

template <class T> class Linear {
public:
    Linear() = default;
    Linear(Index n_in, Index n_out, Activation act = Activation::Identity);

    Mat<T> W, b, dW, db; // W, dW: (n_out, n_in); b, db: (n_out, 1)
    Activation activation = Activation::Identity;

    Index inputSize() const { return W.cols(); }
    Index outputSize() const { return W.rows(); }
    // W ~ N(0, (scale / sqrt(n_in))^2), b = 0.
    void initialize(Rng& rng, double scale = 1.0);
    ParamList<T> parameters(); // "W", "b"
    void zeroGrads();

    // X: (n_in, N) -> cache.Y: (n_out, N).
    void forward(ConstMatRef<T> X, LinearCache<T>& cache) const;
    // X: the forward's input (n_in, N); dY: (n_out, N). dX (optional): (n_in, N), assigned.
    void backward(ConstMatRef<T> X, LinearCache<T>& cache, ConstMatRef<T> dY, Mat<T>* dX);
};

extern template class Linear<float>;
extern template class Linear<double>;

} // namespace unroll
