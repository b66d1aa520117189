// Gradient checks of the losses, with respect to their logits: softmax cross-entropy (sum, mean, masked and
// weighted), sigmoid binary cross-entropy per time step (sum, and mean with a mask), and a Linear output head under
// cross-entropy. See GradCheckSuite.hpp for how a check runs.
#include "nn/GradCheckSuite.hpp"

#include "math/Rng.hpp"
#include "nn/Linear.hpp"
#include "nn/Loss.hpp"

namespace unroll {

namespace {

// Z: (5, 6) logits. Masked: two columns have no target (padding) and the others carry weights.
template <Reduction reduction, bool masked> struct SoftmaxCeCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n_y = 5, N = 6;
        Mat<T> Z = randomMatrix<T>(rng, n_y, N, 2.0), gZ = Mat<T>::Zero(n_y, N);
        std::vector<std::int32_t> y(static_cast<size_t>(N));
        for (auto& v : y) v = std::int32_t(rng.randint(0, n_y));
        std::vector<T> w;
        if (masked) {
            y[1] = kNoTarget;
            y[4] = kNoTarget;
            for (Index j = 0; j < N; ++j) w.push_back(T(0.25 + rng.randomSample()));
        }
        SoftmaxCrossEntropyCache<T> cache;
        auto loss = [&] { return softmaxCrossEntropyForward<T>(Z, y, w, reduction, cache); };
        auto lossAndGrad = [&] {
            loss();
            softmaxCrossEntropyBackward<T>(cache, y, w, gZ);
        };
        run.check({wholeParam<T>("z", Z, gZ)}, loss, lossAndGrad);
    }
};

// One sigmoid output per time step: Z (1, m*T) with m = 2, T = 5; targets 0/1. Masked: some steps weigh 0, others
// are weighted (the trigger-word model's per-step labels).
template <Reduction reduction, bool masked> struct SigmoidBceCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n = 1, N = 10;
        Mat<T> Z = randomMatrix<T>(rng, n, N, 2.0), gZ = Mat<T>::Zero(n, N);
        Mat<T> Y(n, N), W;
        for (Index j = 0; j < N; ++j) Y(0, j) = T(rng.randint(0, 2));
        if (masked) {
            W.resize(n, N);
            for (Index j = 0; j < N; ++j) W(0, j) = j % 4 == 3 ? T(0) : T(0.5 + rng.randomSample());
        }
        SigmoidBceCache<T> cache;
        auto loss = [&] { return sigmoidBceForward<T>(Z, Y, W, reduction, cache); };
        auto lossAndGrad = [&] {
            loss();
            sigmoidBceBackward<T>(cache, Y, W, gZ);
        };
        run.check({wholeParam<T>("z", Z, gZ)}, loss, lossAndGrad);
    }
};

// The output head of a classifier: Linear (identity) -> softmax cross-entropy, mean over the columns.
struct LinearSoftmaxCe {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n_in = 4, n_y = 3, N = 5;
        Linear<T> head(n_in, n_y);
        head.initialize(rng, 1.5);
        Mat<T> X = randomMatrix<T>(rng, n_in, N), gX = Mat<T>::Zero(n_in, N), dZ;
        std::vector<std::int32_t> y(static_cast<size_t>(N));
        for (auto& v : y) v = std::int32_t(rng.randint(0, n_y));
        LinearCache<T> lin;
        SoftmaxCrossEntropyCache<T> ce;
        auto loss = [&] {
            head.forward(X, lin);
            return softmaxCrossEntropyForward<T>(lin.Y, y, {}, Reduction::Mean, ce);
        };
        auto lossAndGrad = [&] {
            head.zeroGrads();
            loss();
            softmaxCrossEntropyBackward<T>(ce, y, {}, dZ);
            head.backward(X, lin, dZ, &gX);
        };
        auto params = head.parameters();
        params.push_back(wholeParam<T>("x", X, gX));
        run.check(params, loss, lossAndGrad);
    }
};

} // namespace

void addLossChecks(std::vector<GradCheckDefinition>& defs)
{
    defs.push_back(defineCheck<SoftmaxCeCheck<Reduction::Sum, false>>("softmax_ce_sum"));
    defs.push_back(defineCheck<SoftmaxCeCheck<Reduction::Mean, false>>("softmax_ce_mean"));
    defs.push_back(defineCheck<SoftmaxCeCheck<Reduction::Mean, true>>("softmax_ce_masked"));
    defs.push_back(defineCheck<SoftmaxCeCheck<Reduction::Sum, true>>("softmax_ce_masked_sum"));
    defs.push_back(defineCheck<SigmoidBceCheck<Reduction::Sum, false>>("sigmoid_bce"));
    defs.push_back(defineCheck<SigmoidBceCheck<Reduction::Mean, true>>("sigmoid_bce_masked_mean"));
    defs.push_back(defineCheck<LinearSoftmaxCe>("linear_softmax_ce"));
}

} // namespace unroll
