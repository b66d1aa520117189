// Gradient check of the course's attention block: both Dense layers, the encoder states A and the previous decoder
// state, over two decoder steps that share the layers (their gradients and dA accumulate). See GradCheckSuite.hpp.
#include "nn/GradCheckSuite.hpp"

#include "math/Rng.hpp"
#include "nn/Attention.hpp"

namespace unroll {

namespace {

// The problem both checks share: a small attention block, encoder states A, two decoder steps (previous states s1, s2)
// that share the layers, and the loss sum R1 . context1 + R2 . context2. Each check supplies only how it runs the
// block forward (the two contexts) and backward (dA, ds1, ds2 and the layers' gradients).
template <class T> struct AttentionProblem {
    static constexpr Index n_a = 4, n_s = 3, n_h = 5, m = 2, T_x = 6;
    Attention<T> att{n_a, n_s, n_h};
    Mat<T> A, s1, s2, R1, R2, gA, gs1, gs2;
    AttentionCache<T> c1, c2;

    explicit AttentionProblem(Rng& rng)
    {
        att.initialize(rng);
        att.dense2.b.setConstant(T(0.5)); // most energies above the relu's kink
        A = randomMatrix<T>(rng, n_a, m * T_x);
        s1 = randomMatrix<T>(rng, n_s, m);
        s2 = randomMatrix<T>(rng, n_s, m);
        R1 = randomMatrix<T>(rng, n_a, m);
        R2 = randomMatrix<T>(rng, n_a, m);
        gA = Mat<T>::Zero(n_a, m * T_x);
    }

    template <class Forward, class Backward> void check(CheckRun<T>& run, Forward forward, Backward backward)
    {
        auto loss = [&] {
            forward();
            return double((R1.array() * c1.context.array()).sum() + (R2.array() * c2.context.array()).sum());
        };
        auto lossAndGrad = [&] {
            att.zeroGrads();
            gA.setZero();
            forward();
            backward();
        };
        auto params = att.parameters();
        params.push_back(wholeParam<T>("a", A, gA));
        params.push_back(wholeParam<T>("s_prev1", s1, gs1));
        params.push_back(wholeParam<T>("s_prev2", s2, gs2));
        run.check(params, loss, lossAndGrad);
    }
};

struct AttentionCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        AttentionProblem<T> p(rng);
        const Index m = p.m;
        p.check(
            run,
            [&] {
                p.att.forward(p.A, m, p.s1, p.c1);
                p.att.forward(p.A, m, p.s2, p.c2);
            },
            [&] {
                p.att.backward(p.A, m, p.s2, p.c2, p.R2, p.gA, &p.gs2);
                p.att.backward(p.A, m, p.s1, p.c1, p.R1, p.gA, &p.gs1);
            });
    }
};

// The fast path (precompute / forwardStep / backwardStep / finishBackward) on the same problem: the keys K = W1a A + b1
// are computed once and shared by both steps, their gradient summed before the one product at the end.
struct AttentionKeysCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        AttentionProblem<T> p(rng);
        const Index m = p.m;
        Mat<T> K, dK;
        p.check(
            run,
            [&] {
                p.att.precompute(p.A, m, K);
                p.att.forwardStep(p.A, K, m, p.s1, p.c1);
                p.att.forwardStep(p.A, K, m, p.s2, p.c2);
            },
            [&] {
                dK.setZero(K.rows(), K.cols());
                p.att.backwardStep(p.A, m, p.s2, p.c2, p.R2, p.gA, dK, &p.gs2);
                p.att.backwardStep(p.A, m, p.s1, p.c1, p.R1, p.gA, dK, &p.gs1);
                p.att.finishBackward(p.A, dK, p.gA);
            });
    }
};

} // namespace

void addAttentionChecks(std::vector<GradCheckDefinition>& defs)
{
    defs.push_back(defineCheck<AttentionCheck>("attention"));
    defs.push_back(defineCheck<AttentionKeysCheck>("attention_keys"));
}

} // namespace unroll
