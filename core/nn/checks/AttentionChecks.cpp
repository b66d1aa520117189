// Gradient check of the course's attention block: both Dense layers, the encoder states A and the previous decoder
// state, over two decoder steps that share the layers (their gradients and dA accumulate). See GradCheckSuite.hpp.
#include "nn/GradCheckSuite.hpp"

#include "math/Rng.hpp"
#include "nn/Attention.hpp"

namespace unroll {

namespace {

struct AttentionCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n_a = 4, n_s = 3, n_h = 5, m = 2, T_x = 6;
        Attention<T> att(n_a, n_s, n_h);
        att.initialize(rng);
        att.dense2.b.setConstant(T(0.5)); // most energies above the relu's kink
        Mat<T> A = randomMatrix<T>(rng, n_a, m * T_x), s1 = randomMatrix<T>(rng, n_s, m),
               s2 = randomMatrix<T>(rng, n_s, m);
        const Mat<T> R1 = randomMatrix<T>(rng, n_a, m), R2 = randomMatrix<T>(rng, n_a, m);
        Mat<T> gA = Mat<T>::Zero(n_a, m * T_x), gs1, gs2;
        AttentionCache<T> c1, c2;
        auto loss = [&] {
            att.forward(A, m, s1, c1);
            att.forward(A, m, s2, c2);
            return double((R1.array() * c1.context.array()).sum() + (R2.array() * c2.context.array()).sum());
        };
        auto lossAndGrad = [&] {
            att.zeroGrads();
            gA.setZero();
            loss();
            att.backward(A, m, s2, c2, R2, gA, &gs2);
            att.backward(A, m, s1, c1, R1, gA, &gs1);
        };
        auto params = att.parameters();
        params.push_back(wholeParam<T>("a", A, gA));
        params.push_back(wholeParam<T>("s_prev1", s1, gs1));
        params.push_back(wholeParam<T>("s_prev2", s2, gs2));
        run.check(params, loss, lossAndGrad);
    }
};

// The fast path (precompute / forwardStep / backwardStep / finishBackward) on the same problem: the keys K = W1a A + b1
// are computed once and shared by both steps, their gradient summed before the one product at the end.
struct AttentionKeysCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n_a = 4, n_s = 3, n_h = 5, m = 2, T_x = 6;
        Attention<T> att(n_a, n_s, n_h);
        att.initialize(rng);
        att.dense2.b.setConstant(T(0.5)); // most energies above the relu's kink
        Mat<T> A = randomMatrix<T>(rng, n_a, m * T_x), s1 = randomMatrix<T>(rng, n_s, m),
               s2 = randomMatrix<T>(rng, n_s, m);
        const Mat<T> R1 = randomMatrix<T>(rng, n_a, m), R2 = randomMatrix<T>(rng, n_a, m);
        Mat<T> gA = Mat<T>::Zero(n_a, m * T_x), gs1, gs2, K, dK;
        AttentionCache<T> c1, c2;
        auto loss = [&] {
            att.precompute(A, m, K);
            att.forwardStep(A, K, m, s1, c1);
            att.forwardStep(A, K, m, s2, c2);
            return double((R1.array() * c1.context.array()).sum() + (R2.array() * c2.context.array()).sum());
        };
        auto lossAndGrad = [&] {
            att.zeroGrads();
            gA.setZero();
            loss();
            dK.setZero(K.rows(), K.cols());
            att.backwardStep(A, m, s2, c2, R2, gA, dK, &gs2);
            att.backwardStep(A, m, s1, c1, R1, gA, dK, &gs1);
            att.finishBackward(A, dK, gA);
        };
        auto params = att.parameters();
        params.push_back(wholeParam<T>("a", A, gA));
        params.push_back(wholeParam<T>("s_prev1", s1, gs1));
        params.push_back(wholeParam<T>("s_prev2", s2, gs2));
        run.check(params, loss, lossAndGrad);
    }
};

} // namespace

void addAttentionChecks(std::vector<GradCheckDefinition>& defs)
{
    defs.push_back(defineCheck<AttentionCheck>("attention"));
    defs.push_back(defineCheck<AttentionKeysCheck>("attention_keys"));
}

} // namespace unroll
