// The course's attention block (Bahdanau et al. 2015, in the form of the "Neural Machine Translation" assignment of
// the Sequence Models course): at each decoder step t, the previous decoder state s<t-1> is repeated over the T_x
// encoder steps, concatenated with each encoder state a<t'>, and scored by a small network:
//
//   e<t,t'>      = tanh(W1 [a<t'>; s<t-1>] + b1)          W1: (n_h, n_a + n_s), n_h = 10 in the course
//   energy<t,t'> = relu(W2 e<t,t'> + b2)                  W2: (1, n_h)
//   alpha<t,t'>  = softmax over t' of energy<t,t'>
//   context<t>   = sum over t' of alpha<t,t'> a<t'>
//
//   Attention<float> att(n_a, n_s);           // n_a: encoder state size (2 x 32 for the course's Bi-LSTM), n_s = 64
//   AttentionCache<float> cache;              // one per decoder step: backward needs it
//   att.forward(A, m, sPrev, cache);          // A: (n_a, m*T_x), sPrev: (n_s, m) -> cache.context: (n_a, m)
//   att.backward(A, m, sPrev, cache, dContext, dA, dsPrev);
//
// cache.alpha (T_x, m) keeps the attention weights for the heatmap. The two Dense layers are shared by every decoder
// step, so their gradients accumulate over the steps, and so does dA (every step reads all of A); dsPrev is assigned.
#pragma once

#include "nn/Linear.hpp"

namespace unroll {

class Rng;

template <class T> struct AttentionCache {
    Mat<T> concat;            // (n_a + n_s, m*T_x): [a<t'>; s<t-1>] for every encoder step t' (column t'*m + i)
    LinearCache<T> hidden;    // (n_h, m*T_x): e
    LinearCache<T> energy;    // (1, m*T_x)
    Mat<T> alpha;             // (T_x, m): softmax over t' for each example
    Mat<T> context;           // (n_a, m)
    Mat<T> dAlpha, dEnergy, dHidden, dConcat; // backward scratch
};

template <class T> class Attention {
public:
    Attention() = default;
    Attention(Index n_a, Index n_s, Index n_h = 10);

    Linear<T> dense1; // (n_h, n_a + n_s), tanh
    Linear<T> dense2; // (1, n_h), relu

    Index encoderSize() const { return n_a_; }
    Index decoderSize() const { return n_s_; }

    void initialize(Rng& rng);
    ParamList<T> parameters(); // "W1", "b1", "W2", "b2"
    void zeroGrads();

    // A: (n_a, m*T_x) encoder states, step t' of example i in column t'*m + i; sPrev: (n_s, m).
    void forward(ConstMatRef<T> A, Index m, ConstMatRef<T> sPrev, AttentionCache<T>& cache) const;
    // dContext: (n_a, m). dA: (n_a, m*T_x), accumulated (+=); dsPrev (optional): (n_s, m), assigned.
    void backward(ConstMatRef<T> A, Index m, ConstMatRef<T> sPrev, AttentionCache<T>& cache,
                  ConstMatRef<T> dContext, MatRef<T> dA, Mat<T>* dsPrev);

private:
    Index n_a_ = 0, n_s_ = 0;
};

extern template class Attention<float>;
extern template class Attention<double>;

} // namespace unroll
