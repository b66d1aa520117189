// The trigger-word model's front end: Conv1D against a direct loop written from Keras' definition (forward and
// backward, strides, output lengths, the Keras kernel layout), BatchNorm's two modes and its moving averages (numbers
// worked by hand below), Dropout's mask statistics and determinism, the gradient checks of these layers, and the
// messages of bad input.
#include "../InputErrorOf.hpp"
#include "math/Rng.hpp"
#include "nn/BatchNorm.hpp"
#include "nn/Conv1D.hpp"
#include "nn/Dropout.hpp"
#include "nn/GradCheckSuite.hpp"
#include "util/Error.hpp"

#include <QTest>

#include <cmath>
#include <functional>
#include <numeric>

using namespace unroll;

namespace {

bool closeTo(double actual, double expected, double tol)
{
    return std::abs(actual - expected) <= tol * std::max(1.0, std::abs(expected));
}
#define CHECK_CLOSE(a, e, tol)                                                                                         \
    QVERIFY2(closeTo((a), (e), (tol)),                                                                                 \
             qPrintable(QString("%1 = %2, expected %3").arg(#a).arg((a), 0, 'g', 17).arg((e), 0, 'g', 17)))

#define CHECK_THROWS_WITH(expr, text)                                                                                  \
    do {                                                                                                               \
        const QString message = inputErrorOf([&] { expr; });                                                          \
        QVERIFY2(message.contains(text), qPrintable("message '" + message + "' lacks '" + QString(text) + "'"));      \
    } while (0)

// Independent reference: Keras' Conv1D written out, with the kernel in Keras' (k, n_x, n_f) layout,
//   y[i, t, f] = b[f] + sum_{j, c} x[i, t*s + j, c] kernel[j, c, f],
// on the core's sequence layout (step t of example i in column t*m + i), and its gradients entry by entry.
struct NaiveConv {
    Index n_x, n_f, k, s, m, T, T_out;
    std::vector<double> kernel; // (k, n_x, n_f) row-major
    MatD b;                     // (n_f, 1)
    double K(Index j, Index c, Index f) const { return kernel[size_t((j * n_x + c) * n_f + f)]; }

    MatD forward(const MatD& X) const
    {
        MatD Y(n_f, m * T_out);
        for (Index i = 0; i < m; ++i)
            for (Index t = 0; t < T_out; ++t)
                for (Index f = 0; f < n_f; ++f) {
                    double y = b(f, 0);
                    for (Index j = 0; j < k; ++j)
                        for (Index c = 0; c < n_x; ++c) y += X(c, (t * s + j) * m + i) * K(j, c, f);
                    Y(f, t * m + i) = y;
                }
        return Y;
    }
    // dKernel in Keras layout, db, dX.
    void backward(const MatD& X, const MatD& dY, std::vector<double>& dKernel, MatD& db, MatD& dX) const
    {
        dKernel.assign(kernel.size(), 0.0);
        db = MatD::Zero(n_f, 1);
        dX = MatD::Zero(n_x, m * T);
        for (Index i = 0; i < m; ++i)
            for (Index t = 0; t < T_out; ++t)
                for (Index f = 0; f < n_f; ++f) {
                    const double g = dY(f, t * m + i);
                    db(f, 0) += g;
                    for (Index j = 0; j < k; ++j)
                        for (Index c = 0; c < n_x; ++c) {
                            dKernel[size_t((j * n_x + c) * n_f + f)] += g * X(c, (t * s + j) * m + i);
                            dX(c, (t * s + j) * m + i) += g * K(j, c, f);
                        }
                }
    }
};

double maxAbsDiff(const MatD& a, const MatD& b) { return (a - b).cwiseAbs().maxCoeff(); }

} // namespace

using unroll::test::inputErrorOf;

class TestConv : public QObject {
    Q_OBJECT
private slots:
    // --- Conv1D ------------------------------------------------------------------------------------------------
    void conv1dMatchesANaiveLoop_data()
    {
        QTest::addColumn<int>("n_x");
        QTest::addColumn<int>("n_f");
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("s");
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("T");
        QTest::addColumn<int>("T_out");
        // T_out = (T - k) / s + 1, worked by hand.
        QTest::newRow("stride 1") << 3 << 2 << 3 << 1 << 1 << 7 << 5;
        QTest::newRow("stride 1, batch 3") << 4 << 5 << 2 << 1 << 3 << 6 << 5;
        QTest::newRow("stride 4, tail unused") << 5 << 6 << 5 << 4 << 2 << 18 << 4; // (18-5)/4+1 = 4, 2 steps unused
        QTest::newRow("stride = kernel") << 2 << 3 << 3 << 3 << 2 << 9 << 3;
        QTest::newRow("stride > kernel") << 2 << 3 << 2 << 3 << 2 << 10 << 3;         // steps 2, 5, 8, 9 unused
        QTest::newRow("kernel = input") << 3 << 2 << 6 << 2 << 2 << 6 << 1;
    }
    void conv1dMatchesANaiveLoop()
    {
        QFETCH(int, n_x);
        QFETCH(int, n_f);
        QFETCH(int, k);
        QFETCH(int, s);
        QFETCH(int, m);
        QFETCH(int, T);
        QFETCH(int, T_out);
        Rng rng(11);
        Conv1D<double> conv(n_x, {.filters = n_f, .kernel = k, .stride = s});
        QCOMPARE(conv.outputLength(T), Index(T_out));
        NaiveConv naive{n_x, n_f, k, s, m, T, T_out, rng.randnVector(size_t(k * n_x * n_f)), rng.randn(n_f, 1)};
        conv.setKerasKernel(naive.kernel);
        conv.b = naive.b;
        const MatD X = rng.randn(n_x, m * T), dY = rng.randn(n_f, m * T_out);

        Conv1DCache<double> cache;
        conv.forward(X, m, cache);
        QCOMPARE(cache.Y.rows(), Index(n_f));
        QCOMPARE(cache.Y.cols(), Index(m * T_out));
        QVERIFY(maxAbsDiff(cache.Y, naive.forward(X)) < 1e-12);

        MatD dX;
        conv.zeroGrads();
        conv.backward(X, cache, dY, &dX);
        std::vector<double> dKernel;
        MatD db, dXRef;
        naive.backward(X, dY, dKernel, db, dXRef);
        Conv1D<double> expected(n_x, {.filters = n_f, .kernel = k, .stride = s});
        expected.setKerasKernel(dKernel); // the naive kernel gradient mapped with the same (checked) layout
        QVERIFY(maxAbsDiff(conv.dW, expected.W) < 1e-12);
        QVERIFY(maxAbsDiff(conv.db, db) < 1e-12);
        QCOMPARE(dX.rows(), Index(n_x));
        QCOMPARE(dX.cols(), Index(m * T));
        QVERIFY(maxAbsDiff(dX, dXRef) < 1e-12);

        // Gradients accumulate: a second backward doubles dW and db, and still assigns dX.
        conv.backward(X, cache, dY, &dX);
        QVERIFY(maxAbsDiff(conv.dW, 2 * expected.W) < 1e-12);
        QVERIFY(maxAbsDiff(dX, dXRef) < 1e-12);
    }

    void kerasKernelLayoutIsKNxNf()
    {
        // Keras kernel (k, n_x, n_f) = (2, 3, 4) with values 0..23 in row-major order: element (j, c, f) is
        // (j*3 + c)*4 + f, and it must land at W(f, j*n_x + c).
        const Index k = 2, n_x = 3, n_f = 4;
        Conv1D<float> conv(n_x, {.filters = n_f, .kernel = k, .stride = 1});
        std::vector<float> keras(size_t(k * n_x * n_f));
        std::iota(keras.begin(), keras.end(), 0.0f);
        conv.setKerasKernel(keras);
        for (Index j = 0; j < k; ++j)
            for (Index c = 0; c < n_x; ++c)
                for (Index f = 0; f < n_f; ++f) QCOMPARE(conv.W(f, j * n_x + c), float((j * n_x + c) * n_f + f));
        QCOMPARE(conv.W(1, 4), 17.0f); // j = 1, c = 1, f = 1: (1*3 + 1)*4 + 1
        QCOMPARE(conv.kerasKernel(), keras); // the round trip
    }

    void courseLayerShapesAndParameterCount()
    {
        // course §7.3: Conv1D(196, 15, strides=4) on (5511, 101) -> (1375, 196), 297,136 parameters.
        Conv1D<float> conv(101);
        QCOMPARE(conv.filters(), Index(196));
        QCOMPARE(conv.outputLength(5511), Index(1375));
        QCOMPARE(conv.W.size() + conv.b.size(), Index(297136));
        BatchNorm<float> bn(196); // 784 = 196 * 4 (gamma, beta trainable; moving mean and variance not)
        QCOMPARE(bn.gamma.size() + bn.beta.size() + bn.movingMean.size() + bn.movingVar.size(), Index(784));
        QCOMPARE(bn.parameters().size(), size_t(2));
    }

    void glorotUniformInitialisation()
    {
        // limit = sqrt(6 / (k n_x + k n_f)) = sqrt(6 / (15*101 + 15*196)) = 0.036706...
        Conv1D<double> conv(101);
        Rng rng(5);
        conv.b.setConstant(1);
        conv.initialize(rng);
        const double limit = std::sqrt(6.0 / (15 * 101 + 15 * 196));
        QVERIFY(conv.W.cwiseAbs().maxCoeff() <= limit);
        QVERIFY(conv.W.cwiseAbs().maxCoeff() > 0.999 * limit);
        QVERIFY(std::abs(conv.W.mean()) < 0.01 * limit);
        QVERIFY(conv.b.isZero());
        Conv1D<double> again(101);
        Rng rng2(5);
        again.initialize(rng2);
        QCOMPARE(again.W, conv.W); // seeded: the same weights
    }

    void forwardReusesTheCacheBuffers()
    {
        Conv1D<float> conv(4, {.filters = 3, .kernel = 3, .stride = 2});
        Rng rng(2);
        conv.initialize(rng);
        const MatF X = rng.randn(4, 2 * 11).cast<float>();
        Conv1DCache<float> cache;
        conv.forward(X, 2, cache);
        const MatF dY = MatF::Ones(3, cache.Y.cols());
        MatF dX;
        conv.backward(X, cache, dY, &dX);
        const float *cols = cache.cols.data(), *Y = cache.Y.data(), *dcols = cache.dcols.data(), *dx = dX.data();
        conv.forward(X, 2, cache);
        conv.backward(X, cache, dY, &dX);
        QCOMPARE(cache.cols.data(), cols);
        QCOMPARE(cache.Y.data(), Y);
        QCOMPARE(cache.dcols.data(), dcols);
        QCOMPARE(dX.data(), dx);
    }

    void conv1dRejectsBadInput()
    {
        CHECK_THROWS_WITH(Conv1D<float>(101, {.filters = 196, .kernel = 0}), "kernel 0 must be at least 1");
        CHECK_THROWS_WITH(Conv1D<float>(101, {.stride = 0}), "stride 0 must be at least 1");
        CHECK_THROWS_WITH(Conv1D<float>(0), "0 input channels");
        Conv1D<float> conv(101);
        Conv1DCache<float> cache;
        CHECK_THROWS_WITH(conv.forward(MatF::Zero(101, 2 * 14), 2, cache),
                          "input of 14 steps is shorter than the kernel of 15 steps");
        CHECK_THROWS_WITH(conv.forward(MatF::Zero(100, 20), 1, cache), "expects 101 input rows (channels), got 100");
        CHECK_THROWS_WITH(conv.forward(MatF::Zero(101, 31), 2, cache), "31 columns, not a multiple of the batch size 2");
        CHECK_THROWS_WITH(conv.forward(MatF::Zero(101, 30), 0, cache), "batch size 0 must be at least 1");
        CHECK_THROWS_WITH(conv.setKerasKernel(std::vector<float>(10)),
                          "has 10 values, expected k*n_x*n_f = 15*101*196 = 296940");
        const MatF X = MatF::Zero(101, 2 * 20); // T_out = (20 - 15) / 4 + 1 = 2
        conv.forward(X, 2, cache);
        MatF dX;
        CHECK_THROWS_WITH(conv.backward(X, cache, MatF::Zero(196, 5), &dX), "dY is (196, 5), expected (196, 4)");
        CHECK_THROWS_WITH(conv.backward(MatF::Zero(101, 38), cache, MatF::Zero(196, 4), &dX),
                          "the forward's was (101, 40)");
    }

    // --- BatchNorm ---------------------------------------------------------------------------------------------
    void batchnormTrainNormalisesWithTheBatchStatistics()
    {
        // One channel over N = 4 columns [1, 2, 3, 4]: mean 2.5, biased var (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25,
        // eps 1e-3: y = (x - 2.5) / sqrt(1.251); y(0) = -1.5 / 1.11848111... = -1.34110445...
        BatchNorm<double> bn(2);
        MatD X(2, 4);
        X << 1, 2, 3, 4,   //
            0, 2, 0, 2;    // channel 2: mean 1, var 1 -> y = +-1 / sqrt(1.001) = +-0.99950037...
        BatchNormCache<double> cache;
        bn.forward(X, cache, Mode::Train);
        CHECK_CLOSE(cache.mean(0, 0), 2.5, 1e-15);
        CHECK_CLOSE(cache.var(0, 0), 1.25, 1e-15);
        CHECK_CLOSE(cache.Y(0, 0), -1.5 / std::sqrt(1.251), 1e-14);
        CHECK_CLOSE(cache.Y(0, 0), -1.3411044520, 1e-10);
        CHECK_CLOSE(cache.Y(1, 1), 0.9995003747, 1e-10); // eps = 1e-3 is in there: without it this would be 1
        // gamma and beta scale and shift per channel.
        bn.gamma << 2, 3;
        bn.beta << -1, 0.5;
        bn.forward(X, cache, Mode::Train);
        CHECK_CLOSE(cache.Y(0, 0), 2 * -1.3411044520 - 1, 1e-10);
        CHECK_CLOSE(cache.Y(1, 0), 3 * -0.9995003747 + 0.5, 1e-10);
        // A constant channel has var 0: xhat = 0 and y = beta (eps keeps it finite).
        MatD C = MatD::Constant(2, 3, 7.0);
        bn.forward(C, cache, Mode::Train);
        CHECK_CLOSE(cache.Y(0, 2), -1.0, 1e-15);
        // forward does not move the moving statistics.
        QCOMPARE(bn.movingMean, MatD::Zero(2, 1));
        QCOMPARE(bn.movingVar, MatD::Ones(2, 1));
    }

    void batchnormMovingAverageFollowsKeras()
    {
        // moving = 0.99 moving + 0.01 batch, from mean 0 and var 1. Batch [1, 2, 3, 4]: mean 2.5, var 1.25.
        //   after 1: mean 0.01*2.5 = 0.025,              var 0.99*1 + 0.01*1.25 = 1.0025
        //   after 2: mean 0.99*0.025 + 0.025 = 0.04975,  var 0.99*1.0025 + 0.0125 = 1.004975
        BatchNorm<double> bn(1);
        MatD X(1, 4);
        X << 1, 2, 3, 4;
        BatchNormCache<double> cache;
        bn.forward(X, cache, Mode::Train);
        bn.updateMovingStatistics(cache);
        CHECK_CLOSE(bn.movingMean(0, 0), 0.025, 1e-15);
        CHECK_CLOSE(bn.movingVar(0, 0), 1.0025, 1e-15);
        bn.forward(X, cache, Mode::Train);
        bn.updateMovingStatistics(cache);
        CHECK_CLOSE(bn.movingMean(0, 0), 0.04975, 1e-15);
        CHECK_CLOSE(bn.movingVar(0, 0), 1.004975, 1e-15);
        // An inference forward reads the moving statistics and does not update them.
        bn.forward(X, cache, Mode::Infer);
        CHECK_THROWS_WITH(bn.updateMovingStatistics(cache), "needs the cache of a train-mode forward");
        CHECK_CLOSE(bn.movingMean(0, 0), 0.04975, 1e-15);
    }

    void batchnormInferUsesTheMovingStatistics()
    {
        // moving mean 1, var 3: y = gamma (x - 1) / sqrt(3.001) + beta, whatever the batch.
        BatchNorm<double> bn(1);
        bn.movingMean << 1;
        bn.movingVar << 3;
        bn.gamma << 2;
        bn.beta << 0.5;
        MatD X(1, 3);
        X << 4, 4, 4;
        BatchNormCache<double> train, infer;
        bn.forward(X, infer, Mode::Infer);
        CHECK_CLOSE(infer.Y(0, 1), 2 * 3 / std::sqrt(3.001) + 0.5, 1e-14);
        bn.forward(X, train, Mode::Train); // the batch is constant: y = beta
        CHECK_CLOSE(train.Y(0, 1), 0.5, 1e-14);
        // Inference backward is the affine map's: dx = gamma dy / sqrt(var + eps).
        MatD dX;
        bn.backward(X, infer, MatD::Ones(1, 3), &dX);
        CHECK_CLOSE(dX(0, 2), 2 / std::sqrt(3.001), 1e-14);
        // Trained long enough on one batch, the moving statistics become the batch's and both modes agree.
        Rng rng(3);
        const MatD B = (rng.randn(1, 16).array() * 2 + 5).matrix();
        for (int i = 0; i < 3000; ++i) {
            bn.forward(B, train, Mode::Train);
            bn.updateMovingStatistics(train);
        }
        bn.forward(B, infer, Mode::Infer);
        QVERIFY(maxAbsDiff(infer.Y, train.Y) < 1e-9);
    }

    void batchnormTrainBackwardNeedsTheStatisticsTerms()
    {
        // The gradient check can fail: treating the batch statistics as constants (the inference formula on a
        // train-mode forward) is what a wrong train backward would do, and the checker rejects it.
        BatchNorm<double> bn(2);
        Rng rng(4);
        MatD X = rng.randn(2, 6), gX = MatD::Zero(2, 6);
        const MatD R = rng.randn(2, 6);
        BatchNormCache<double> cache;
        auto loss = [&] {
            bn.forward(X, cache, Mode::Train);
            return (R.array() * cache.Y.array()).sum();
        };
        auto wrong = [&] {
            loss();
            cache.mode = Mode::Infer;
            bn.backward(X, cache, R, &gX);
        };
        auto right = [&] {
            loss();
            bn.backward(X, cache, R, &gX);
        };
        QVERIFY(gradCheck({wholeParam<double>("x", X, gX)}, loss, wrong)[0].error > 0.1);
        QVERIFY(gradCheck({wholeParam<double>("x", X, gX)}, loss, right)[0].error < 1e-7);
    }

    void convBiasBeforeTrainBatchnormHasNoGradient()
    {
        // BatchNorm subtracts each channel's batch mean, so a bias added in front of it changes nothing: its gradient
        // is 0 (which is why conv1d_bn_relu checks conv.W but not conv.b), while W's is not.
        Rng rng(6);
        Conv1D<double> conv(3, {.filters = 4, .kernel = 3, .stride = 2});
        conv.initialize(rng);
        BatchNorm<double> bn(4);
        bn.gamma = rng.randn(4, 1);
        const MatD X = rng.randn(3, 2 * 9);
        Conv1DCache<double> cc;
        BatchNormCache<double> bc;
        conv.forward(X, 2, cc);
        bn.forward(cc.Y, bc, Mode::Train);
        MatD dConv, dX;
        bn.backward(cc.Y, bc, rng.randn(4, bc.Y.cols()), &dConv);
        conv.backward(X, cc, dConv, &dX);
        QVERIFY(conv.db.cwiseAbs().maxCoeff() < 1e-12);
        QVERIFY(conv.dW.cwiseAbs().maxCoeff() > 1e-3);
    }

    void batchnormRejectsBadInput()
    {
        CHECK_THROWS_WITH(BatchNorm<float>(0), "batchnorm size 0 must be at least 1");
        CHECK_THROWS_WITH(BatchNorm<float>(3, {.epsilon = 0}), "epsilon 0 must be above 0");
        CHECK_THROWS_WITH(BatchNorm<float>(3, {.momentum = 1.5}), "momentum 1.5 must be in [0, 1]");
        BatchNorm<float> bn(196);
        BatchNormCache<float> cache;
        CHECK_THROWS_WITH(bn.forward(MatF::Zero(128, 10), cache, Mode::Train), "expects 196 rows (channels), got 128");
        CHECK_THROWS_WITH(bn.forward(MatF::Zero(196, 0), cache, Mode::Train), "0 columns, needs at least 1");
        CHECK_THROWS_WITH(bn.updateMovingStatistics(cache), "train-mode forward");
        bn.forward(MatF::Ones(196, 10), cache, Mode::Train);
        MatF dX;
        CHECK_THROWS_WITH(bn.backward(MatF::Ones(196, 10), cache, MatF::Ones(196, 9), &dX),
                          "must both be the forward's (196, 10)");
    }

    // --- Dropout -----------------------------------------------------------------------------------------------
    void dropoutDropsTheRateAndScalesTheRest()
    {
        // rate 0.8 over 10^6 values: the dropped fraction is 0.8 +- sqrt(0.8*0.2/1e6) = 4e-4 (one sigma); 0.002 is
        // five sigma. The kept values are scaled by 1 / (1 - 0.8) = 5.
        const Dropout<float> drop(0.8);
        Rng rng(1);
        DropoutCache<float> cache;
        const MatF X = MatF::Ones(1000, 1000);
        drop.forward(X, cache, Mode::Train, rng);
        const double dropped = double((cache.Y.array() == 0.0f).count()) / double(X.size());
        QVERIFY2(std::abs(dropped - 0.8) < 0.002, qPrintable(QString("dropped fraction %1").arg(dropped)));
        QVERIFY(((cache.Y.array() == 0.0f) || (cache.Y.array() == 5.0f)).all());
        QVERIFY(std::abs(cache.Y.mean() - 1.0) < 0.01); // the expectation is kept: E[y] = x
        QCOMPARE(cache.mask, cache.Y);                  // x = 1: the output is the mask
    }

    void dropoutSameSeedSameMask()
    {
        const Dropout<double> drop(0.3);
        Rng a(42), b(42), c(43);
        const MatD X = Rng(9).randn(5, 40);
        DropoutCache<double> ca, cb, cc;
        drop.forward(X, ca, Mode::Train, a);
        drop.forward(X, cb, Mode::Train, b);
        drop.forward(X, cc, Mode::Train, c);
        QCOMPARE(ca.mask, cb.mask);
        QCOMPARE(ca.Y, cb.Y);
        QVERIFY(ca.mask != cc.mask);
        // The mask is numpy's rand(N, n).T: entry (r, c) is draw c*n + r, dropped when below the rate.
        Rng ref(42);
        for (Index col = 0; col < X.cols(); ++col)
            for (Index row = 0; row < X.rows(); ++row)
                QCOMPARE(ca.mask(row, col), ref.randomSample() < 0.3 ? 0.0 : 1 / 0.7);
        // backward multiplies by the same mask.
        const MatD dY = Rng(10).randn(5, 40);
        MatD dX;
        drop.backward(X, ca, dY, &dX);
        QCOMPARE(dX, MatD(dY.array() * ca.mask.array()));
    }

    void dropoutIsTheIdentityAtInference()
    {
        const Dropout<double> drop(0.8);
        Rng rng(1);
        const MatD X = Rng(2).randn(3, 7);
        DropoutCache<double> cache;
        drop.forward(X, cache, Mode::Infer, rng);
        QCOMPARE(cache.Y, X);
        QCOMPARE(rng.randomSample(), Rng(1).randomSample()); // nothing was drawn
        MatD dX;
        drop.backward(X, cache, X, &dX);
        QCOMPARE(dX, X);
        // rate 0 in training keeps everything unscaled.
        const Dropout<double> none(0.0);
        none.forward(X, cache, Mode::Train, rng);
        QCOMPARE(cache.Y, X);
    }

    void dropoutRejectsBadInput()
    {
        CHECK_THROWS_WITH(Dropout<float>(1.0), "dropout rate 1 must be in [0, 1)");
        CHECK_THROWS_WITH(Dropout<float>(-0.1), "dropout rate -0.1 must be in [0, 1)");
        CHECK_THROWS_WITH(Dropout<float>(std::nan("")), "dropout rate nan must be in [0, 1)");
        const Dropout<float> drop(0.5);
        Rng rng(1);
        DropoutCache<float> cache;
        drop.forward(MatF::Ones(2, 3), cache, Mode::Train, rng);
        MatF dX;
        CHECK_THROWS_WITH(drop.backward(MatF::Ones(2, 3), cache, MatF::Ones(3, 2), &dX),
                          "must both be the forward's (2, 3)");
    }

    // --- Gradient checks ---------------------------------------------------------------------------------------
    void backwardMatchesFiniteDifferences()
    {
        QStringList seen;
        for (const char* filter : {"conv1d", "batchnorm", "dropout"}) {
            const auto report = runGradCheckSuite(1, filter);
            for (const auto* entries : {&report.checks, &report.floatChecks})
                for (const auto& e : *entries)
                    QVERIFY2(e.passed(), qPrintable(QString("%1: relative error %2 (tolerance %3)")
                                                        .arg(e.name.c_str()).arg(e.error).arg(e.tolerance)));
            for (const auto& e : report.checks) {
                seen << QString::fromStdString(e.name);
                QVERIFY(!e.tensors.empty());
                QCOMPARE(e.tensors.back().name, std::string("x")); // every check includes the input
            }
        }
        seen.sort();
        QCOMPARE(seen, QStringList({"batchnorm_infer", "batchnorm_train", "conv1d", "conv1d_bn_relu", "conv1d_stride",
                                    "dropout"}));
    }
};

QTEST_GUILESS_MAIN(TestConv)
#include "tst_conv.moc"
