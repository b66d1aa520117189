// The trigger-word model's front end: Conv1D against a direct loop written from Keras' definition (forward and
// backward, strides, output lengths, the Keras kernel layout), its gradient checks, and the messages of bad input.
#include "math/Rng.hpp"
#include "nn/Conv1D.hpp"
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

// The InputError message of f(), or "" when it does not throw.
QString inputErrorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}
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

    // --- Gradient checks ---------------------------------------------------------------------------------------
    void backwardMatchesFiniteDifferences()
    {
        QStringList seen;
        for (const char* filter : {"conv1d"}) {
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
        QCOMPARE(seen, QStringList({"conv1d", "conv1d_stride"}));
    }
};

QTEST_GUILESS_MAIN(TestConv)
#include "tst_conv.moc"
