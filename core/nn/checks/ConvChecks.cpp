// Gradient checks of the trigger-word model's front end: Conv1D (stride 1, and a stride with several filters, a batch
// and an unused input tail), BatchNorm in both modes, Dropout with a seeded mask, and Conv1D -> BatchNorm -> ReLU
// chained. Each checks its parameters and the input x with loss = sum(R .* output). See GradCheckSuite.hpp.
#include "nn/GradCheckSuite.hpp"

#include "math/Rng.hpp"
#include "nn/BatchNorm.hpp"
#include "nn/Conv1D.hpp"
#include "nn/Dropout.hpp"
#include "nn/Linear.hpp"

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

// n = 3 channels over m = 2 examples of T = 4 steps (N = 8 columns).
template <Mode mode> struct BatchNormCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n = 3, N = 2 * 4;
        BatchNorm<T> bn(n);
        bn.gamma = randomMatrix<T>(rng, n, 1, 1.0);
        bn.beta = randomMatrix<T>(rng, n, 1, 0.5);
        bn.movingMean = randomMatrix<T>(rng, n, 1, 0.5);
        bn.movingVar = randomMatrix<T>(rng, n, 1, 0.5).array().square() + T(0.5);
        // Channels with different offsets and spreads, so the normalisation does real work.
        Mat<T> X = (randomMatrix<T>(rng, n, N).array().colwise() * Eigen::Array<T, 3, 1>(T(0.5), T(1), T(2)) +
                    T(0.3))
                       .matrix(),
               gX = Mat<T>::Zero(n, N);
        const Mat<T> R = randomMatrix<T>(rng, n, N);
        BatchNormCache<T> cache;
        auto loss = [&] {
            bn.forward(X, cache, mode);
            return dotSum<T>(R, cache.Y);
        };
        auto lossAndGrad = [&] {
            bn.zeroGrads();
            loss();
            bn.backward(X, cache, R, &gX);
        };
        auto params = bn.parameters();
        params.push_back(wholeParam<T>("x", X, gX));
        run.check(params, loss, lossAndGrad);
    }
};

// rate 0.5 on (4, 6): the mask comes from a fresh Rng(7) in every forward, so every evaluation sees the same mask.
struct DropoutCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n = 4, N = 6;
        const Dropout<T> drop(0.5);
        Mat<T> X = randomMatrix<T>(rng, n, N), gX = Mat<T>::Zero(n, N);
        const Mat<T> R = randomMatrix<T>(rng, n, N);
        DropoutCache<T> cache;
        auto loss = [&] {
            Rng maskRng(7);
            drop.forward(X, cache, Mode::Train, maskRng);
            return dotSum<T>(R, cache.Y);
        };
        auto lossAndGrad = [&] {
            loss();
            drop.backward(X, cache, R, &gX);
        };
        run.check({wholeParam<T>("x", X, gX)}, loss, lossAndGrad);
    }
};

// The model's first block: Conv1D(n_f = 4, k = 3, s = 2) -> BatchNorm (train) -> ReLU on m = 2 examples of T = 9;
// checks conv.W, bn.gamma, bn.beta and x.
struct ConvBnReluCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n_x = 3, n_f = 4, k = 3, s = 2, m = 2, T_ = 9, N = m * ((T_ - k) / s + 1);
        Conv1D<T> conv(n_x, {.filters = n_f, .kernel = k, .stride = s});
        conv.initialize(rng);
        conv.b = randomMatrix<T>(rng, n_f, 1, 0.5);
        BatchNorm<T> bn(n_f);
        bn.gamma = randomMatrix<T>(rng, n_f, 1, 1.0);
        bn.beta = randomMatrix<T>(rng, n_f, 1, 0.5);
        Mat<T> X = randomMatrix<T>(rng, n_x, m * T_), gX = Mat<T>::Zero(n_x, m * T_);
        const Mat<T> R = randomMatrix<T>(rng, n_f, N);
        Conv1DCache<T> convCache;
        BatchNormCache<T> bnCache;
        Mat<T> A(n_f, N), dZ(n_f, N), dConv(n_f, N);
        auto loss = [&] {
            conv.forward(X, m, convCache);
            bn.forward(convCache.Y, bnCache, Mode::Train);
            A = bnCache.Y;
            activateInPlace<T>(Activation::Relu, A);
            return dotSum<T>(R, A);
        };
        auto lossAndGrad = [&] {
            conv.zeroGrads();
            bn.zeroGrads();
            loss();
            activationBackward<T>(Activation::Relu, A, R, dZ);
            bn.backward(convCache.Y, bnCache, dZ, &dConv);
            conv.backward(X, convCache, dConv, &gX);
        };
        // Not conv.b: a train-mode BatchNorm subtracts each channel's batch mean, so a bias in front of it has gradient
        // exactly 0 (numerically ~1e-11 noise, a relative error of 1); tst_conv asserts that 0 instead.
        ParamList<T> params{wholeParam<T>("conv.W", conv.W, conv.dW)};
        for (auto& p : prefixed(bn.parameters(), "bn.")) params.push_back(p);
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
    defs.push_back(defineCheck<BatchNormCheck<Mode::Train>>("batchnorm_train"));
    defs.push_back(defineCheck<BatchNormCheck<Mode::Infer>>("batchnorm_infer"));
    defs.push_back(defineCheck<DropoutCheck>("dropout"));
    defs.push_back(defineCheck<ConvBnReluCheck>("conv1d_bn_relu"));
}

} // namespace unroll
