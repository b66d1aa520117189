// Gradient checks of the Linear layer: every activation, and one layer applied step by step (gradients accumulate
// over the steps). See GradCheckSuite.hpp for how a check runs.
#include "nn/GradCheckSuite.hpp"

#include "math/Rng.hpp"
#include "nn/Linear.hpp"

namespace unroll {

namespace {

// loss = sum(R .* act(W X + b)) over N = 6 columns; checks W, b and the input X.
template <Activation act> struct LinearCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n_in = 3, n_out = 4, N = 6;
        Linear<T> dense(n_in, n_out, act);
        dense.initialize(rng, 1.5);
        dense.b = randomMatrix<T>(rng, n_out, 1, 0.5);
        Mat<T> X = randomMatrix<T>(rng, n_in, N), gX = Mat<T>::Zero(n_in, N);
        const Mat<T> R = randomMatrix<T>(rng, n_out, N);
        LinearCache<T> cache;
        auto loss = [&] {
            dense.forward(X, cache);
            return double((R.array() * cache.Y.array()).sum());
        };
        auto lossAndGrad = [&] {
            dense.zeroGrads();
            loss();
            dense.backward(X, cache, R, &gX);
        };
        auto params = dense.parameters();
        params.push_back(wholeParam<T>("x", X, gX));
        run.check(params, loss, lossAndGrad);
    }
};

// The same tanh layer applied at each of T = 4 steps separately (its own cache per step), as a per-step output
// layer does: the parameter gradients are the sum over the steps.
struct LinearPerStep {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n_in = 3, n_out = 2, m = 2, T_ = 4;
        Linear<T> dense(n_in, n_out, Activation::Tanh);
        dense.initialize(rng, 1.5);
        dense.b = randomMatrix<T>(rng, n_out, 1, 0.5);
        Mat<T> X = randomMatrix<T>(rng, n_in, m * T_), gX = Mat<T>::Zero(n_in, m * T_), dx;
        const Mat<T> R = randomMatrix<T>(rng, n_out, m * T_);
        std::vector<LinearCache<T>> caches(static_cast<size_t>(T_));
        auto loss = [&] {
            double L = 0;
            for (Index t = 0; t < T_; ++t) {
                dense.forward(X.middleCols(t * m, m), caches[size_t(t)]);
                L += double((R.middleCols(t * m, m).array() * caches[size_t(t)].Y.array()).sum());
            }
            return L;
        };
        auto lossAndGrad = [&] {
            dense.zeroGrads();
            loss();
            for (Index t = T_ - 1; t >= 0; --t) {
                dense.backward(X.middleCols(t * m, m), caches[size_t(t)], R.middleCols(t * m, m), &dx);
                gX.middleCols(t * m, m) = dx;
            }
        };
        auto params = dense.parameters();
        params.push_back(wholeParam<T>("x", X, gX));
        run.check(params, loss, lossAndGrad);
    }
};

} // namespace

void addLinearChecks(std::vector<GradCheckDefinition>& defs)
{
    defs.push_back(defineCheck<LinearCheck<Activation::Identity>>("linear_identity"));
    defs.push_back(defineCheck<LinearCheck<Activation::Tanh>>("linear_tanh"));
    defs.push_back(defineCheck<LinearCheck<Activation::Relu>>("linear_relu"));
    defs.push_back(defineCheck<LinearCheck<Activation::Sigmoid>>("linear_sigmoid"));
    defs.push_back(defineCheck<LinearCheck<Activation::Softmax>>("linear_softmax"));
    defs.push_back(defineCheck<LinearPerStep>("linear_per_step"));
}

} // namespace unroll
