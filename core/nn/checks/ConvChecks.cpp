// Gradient checks of the trigger-word model's front end: Conv1D (stride 1, and a stride with several filters, a batch
// and an unused input tail). Each checks its parameters and the input x with loss = sum(R .* output). See
// GradCheckSuite.hpp.
#include "nn/GradCheckSuite.hpp"

#include "math/Rng.hpp"
#include "nn/Conv1D.hpp"

namespace unroll {

namespace {

template <class T> double dotSum(const Mat<T>& R, const Mat<T>& Y) { return double((R.array() * Y.array()).sum()); }

// X: (n_x, m*T) -> Y: (n_f, m*T_out), T_out = (T - k) / s + 1.
template <Index n_x, Index n_f, Index k, Index s, Index m, Index T_> struct Conv1DCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        Conv1D<T> conv(n_x, {.filters = n_f, .kernel = k, .stride = s});
        conv.initialize(rng);
        conv.W *= T(3); // glorot's scale is small at these sizes; larger weights make every term count
        conv.b = randomMatrix<T>(rng, n_f, 1, 0.5);
        const Index T_out = (T_ - k) / s + 1;
        Mat<T> X = randomMatrix<T>(rng, n_x, m * T_), gX = Mat<T>::Zero(n_x, m * T_);
        const Mat<T> R = randomMatrix<T>(rng, n_f, m * T_out);
        Conv1DCache<T> cache;
        auto loss = [&] {
            conv.forward(X, m, cache);
            return dotSum<T>(R, cache.Y);
        };
        auto lossAndGrad = [&] {
            conv.zeroGrads();
            loss();
            conv.backward(X, cache, R, &gX);
        };
        auto params = conv.parameters();
        params.push_back(wholeParam<T>("x", X, gX));
        run.check(params, loss, lossAndGrad);
    }
};

} // namespace

void addConvChecks(std::vector<GradCheckDefinition>& defs)
{
    // conv1d: n_x 3, n_f 2, k 3, s 1, m 1, T 7 -> T_out 5.  conv1d_stride: n_x 3, n_f 4, k 3, s 2, m 2, T 10 -> T_out 4
    // (the 10th step fills no window: its gradient must be 0, and the numeric one is).
    defs.push_back(defineCheck<Conv1DCheck<3, 2, 3, 1, 1, 7>>("conv1d"));
    defs.push_back(defineCheck<Conv1DCheck<3, 4, 3, 2, 2, 10>>("conv1d_stride"));
}

} // namespace unroll
