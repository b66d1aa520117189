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
//
// The fast path for a decoder that attends to the same A at every step (the translator): dense1's pre-activation
// W1 [a<t'>; s<t-1>] + b1 with W1 = [W1a | W1s] splits into K = W1a A + b1, the same at every decoder step, and
// W1s s<t-1>. K is computed once per sequence; each step then costs an (n_h, n_s) product on m columns instead of an
// (n_h, n_a + n_s) one on m*T_x, and the steps' dK (n_h, m*T_x) are summed so that dW1a, db1 and the W1a part of dA
// are one product each at the end. The same numbers as forward/backward above, in another order of summation.
//
//   Mat<float> K, dK = zeros(n_h, m*T_x);
//   att.precompute(A, m, K);                                      // K: (n_h, m*T_x)
//   att.forwardStep(A, K, m, sPrev, cache[t]);                    // each decoder step t
//   att.backwardStep(A, m, sPrev, cache[t], dContext, dA, dK, &dsPrev);   // t = T_y..1: dA, dK accumulate
//   att.finishBackward(A, dK, dA);                                // dW1a, db1 and dA accumulate
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
    Mat<T> sProj, dHiddenSum;                 // the fast path's (n_h, m): W1s s<t-1> and the sum over t' of dHidden
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

    // The fast path (see above). K: (n_h, m*T_x) = W1a A + b1 (assigned).
    void precompute(ConstMatRef<T> A, Index m, Mat<T>& K) const;
    // As forward, from K. Fills cache.hidden.Y, cache.energy.Y, cache.alpha, cache.context (not cache.concat).
    void forwardStep(ConstMatRef<T> A, ConstMatRef<T> K, Index m, ConstMatRef<T> sPrev, AttentionCache<T>& cache) const;
    // dContext: (n_a, m). dA (n_a, m*T_x): the weighted sum's part, accumulated; dK (n_h, m*T_x): dL/dK, accumulated;
    // dW2, db2, the W1s block of dW1: accumulated; dsPrev (optional): (n_s, m), assigned.
    void backwardStep(ConstMatRef<T> A, Index m, ConstMatRef<T> sPrev, AttentionCache<T>& cache,
                      ConstMatRef<T> dContext, MatRef<T> dA, MatRef<T> dK, Mat<T>* dsPrev);
    // After the last backwardStep: the W1a block of dW1 += dK A^T, db1 += row sums of dK, dA += W1a^T dK.
    void finishBackward(ConstMatRef<T> A, ConstMatRef<T> dK, MatRef<T> dA);

private:
    // Both backwards' first part: through the weighted sum (dA += alpha * dContext) and the softmax over the T_x
    // positions, into cache.dEnergy (1, m*T_x) = dL/d(energy after the relu).
    void backwardToEnergies(ConstMatRef<T> A, Index m, AttentionCache<T>& cache, ConstMatRef<T> dContext,
                            MatRef<T> dA) const;

    Index n_a_ = 0, n_s_ = 0;
};

extern template class Attention<float>;
extern template class Attention<double>;

} // namespace unroll
