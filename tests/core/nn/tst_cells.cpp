// Cells at one time step: forward against a naive loop implementation, forward and backward against the course
// notebook's seeded "expected output" (Step by Step, the 2021 values), and every gradient against finite
// differences (the gradient-check suite).
#include "math/Rng.hpp"
#include "nn/Linear.hpp"
#include "nn/GradCheckSuite.hpp"
#include "nn/Recurrent.hpp"

#include <QTest>

#include <cmath>

using namespace unroll;

namespace {

// |actual - expected| within what the notebook printed (expected has `digits` significant digits).
bool closeTo(double actual, double expected, double tol = 1e-9)
{
    return std::abs(actual - expected) <= tol * std::max(1.0, std::abs(expected));
}
#define CHECK_CLOSE(a, e, tol)                                                                                         \
    QVERIFY2(closeTo((a), (e), (tol)), qPrintable(QString("%1 = %2, expected %3").arg(#a).arg((a), 0, 'g', 17).arg((e), 0, 'g', 17)))

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

// Independent reference: the cell equations written as explicit loops over units and examples.
struct NaiveStep {
    MatD a, c;
};
NaiveStep naiveStep(CellKind kind, const MatD& W, const MatD& b, const MatD& x, const MatD& aPrev, const MatD& cPrev)
{
    const Index n = aPrev.rows(), nx = x.rows(), m = x.cols();
    auto pre = [&](Index row, Index j, const MatD& aIn) {
        double s = b(row, 0);
        for (Index k = 0; k < n; ++k) s += W(row, k) * aIn(k, j);
        for (Index k = 0; k < nx; ++k) s += W(row, n + k) * x(k, j);
        return s;
    };
    NaiveStep out{MatD(n, m), MatD(n, m)};
    for (Index j = 0; j < m; ++j) {
        for (Index u = 0; u < n; ++u) {
            if (kind == CellKind::Rnn) {
                out.a(u, j) = std::tanh(pre(u, j, aPrev));
            } else if (kind == CellKind::Lstm) {
                const double f = sigmoid(pre(u, j, aPrev)), i = sigmoid(pre(n + u, j, aPrev));
                const double cc = std::tanh(pre(2 * n + u, j, aPrev)), o = sigmoid(pre(3 * n + u, j, aPrev));
                out.c(u, j) = f * cPrev(u, j) + i * cc;
                out.a(u, j) = o * std::tanh(out.c(u, j));
            }
        }
        if (kind == CellKind::Gru) {
            MatD ra(n, m);
            for (Index u = 0; u < n; ++u) ra(u, j) = sigmoid(pre(u, j, aPrev)) * aPrev(u, j);
            for (Index u = 0; u < n; ++u) {
                const double up = sigmoid(pre(n + u, j, aPrev));
                const double cc = std::tanh(pre(2 * n + u, j, ra));
                out.a(u, j) = up * cc + (1 - up) * aPrev(u, j);
            }
        }
    }
    return out;
}

} // namespace

class TestCells : public QObject {
    Q_OBJECT
private slots:
    void forwardMatchesNaiveLoops_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("rnn") << int(CellKind::Rnn);
        QTest::newRow("gru") << int(CellKind::Gru);
        QTest::newRow("lstm") << int(CellKind::Lstm);
    }
    void forwardMatchesNaiveLoops()
    {
        QFETCH(int, kind);
        const auto k = CellKind(kind);
        Rng rng(7);
        RecurrentLayer<double> layer(k, 3, 4);
        layer.initialize(rng, {.scale = 2.0});
        layer.b = rng.randn(layer.b.rows(), 1);
        const MatD x = rng.randn(3, 5), a0 = rng.randn(4, 5), c0 = rng.randn(4, 5);
        layer.forward(x, 5, a0, c0);
        const auto ref = naiveStep(k, layer.W, layer.b, x, a0, c0);
        QVERIFY((layer.lastA() - ref.a).cwiseAbs().maxCoeff() < 1e-14);
        if (k == CellKind::Lstm) QVERIFY((layer.lastC() - ref.c).cwiseAbs().maxCoeff() < 1e-14);
    }

    // The notebook's rnn_cell_forward: seed 1; xt (3,10), a_prev (5,10), Waa, Wax, Wya, ba, by.
    void rnnCellForwardReproducesNotebook()
    {
        Rng rng(1);
        const MatD xt = rng.randn(3, 10), aPrev = rng.randn(5, 10);
        RecurrentLayer<double> layer(CellKind::Rnn, 3, 5);
        layer.W.leftCols(5) = rng.randn(5, 5);
        layer.W.rightCols(3) = rng.randn(5, 3);
        Linear<double> out(5, 2, Activation::Softmax);
        LinearCache<double> y;
        out.W = rng.randn(2, 5);
        layer.b = rng.randn(5, 1);
        out.b = rng.randn(2, 1);
        layer.forward(xt, 10, aPrev, aPrev);
        out.forward(layer.lastA(), y);
        const double a4[] = {0.59584544, 0.18141802, 0.61311866, 0.99808218, 0.85016201,
                             0.99980978, -0.18887155, 0.99815551, 0.6531151, 0.82872037};
        const double y1[] = {0.9888161, 0.01682021, 0.21140899, 0.36817467, 0.98988387,
                             0.88945212, 0.36920224, 0.9966312, 0.9982559, 0.17746526};
        for (int j = 0; j < 10; ++j) {
            CHECK_CLOSE(layer.lastA()(4, j), a4[j], 1e-7);
            CHECK_CLOSE(y.Y(1, j), y1[j], 1e-7);
        }
    }

    // The notebook's lstm_cell_forward: seed 1; xt, a_prev, c_prev, Wf, bf, Wi, bi, Wo, bo, Wc, bc, Wy, by.
    void lstmCellForwardReproducesNotebook()
    {
        Rng rng(1);
        RecurrentLayer<double> layer(CellKind::Lstm, 3, 5);
        const MatD xt = rng.randn(3, 10), aPrev = rng.randn(5, 10), cPrev = rng.randn(5, 10);
        for (int g : {0, 1, 3, 2}) { // draw order f, i, o, c; our rows are f, i, c, o
            layer.W.middleRows(5 * g, 5) = rng.randn(5, 8);
            layer.b.middleRows(5 * g, 5) = rng.randn(5, 1);
        }
        Linear<double> out(5, 2, Activation::Softmax);
        LinearCache<double> y;
        out.W = rng.randn(2, 5);
        out.b = rng.randn(2, 1);
        layer.forward(xt, 10, aPrev, cPrev);
        out.forward(layer.lastA(), y);
        const double a4[] = {-0.66408471, 0.0036921, 0.02088357, 0.22834167, -0.85575339,
                             0.00138482, 0.76566531, 0.34631421, -0.00215674, 0.43827275};
        const double c2[] = {0.63267805, 1.00570849, 0.35504474, 0.20690913, -1.64566718,
                             0.11832942, 0.76449811, -0.0981561, -0.74348425, -0.26810932};
        const double y1[] = {0.79913913, 0.15986619, 0.22412122, 0.15606108, 0.97057211,
                             0.31146381, 0.00943007, 0.12666353, 0.39380172, 0.07828381};
        for (int j = 0; j < 10; ++j) {
            CHECK_CLOSE(layer.lastA()(4, j), a4[j], 1e-6);
            CHECK_CLOSE(layer.lastC()(2, j), c2[j], 1e-6);
            CHECK_CLOSE(y.Y(1, j), y1[j], 1e-6);
        }
    }

    // The notebook's rnn_cell_backward (2021): Wax drawn before Waa; then da_next (5,10).
    void rnnCellBackwardReproducesNotebook()
    {
        Rng rng(1);
        const MatD xt = rng.randn(3, 10), aPrev = rng.randn(5, 10);
        RecurrentLayer<double> layer(CellKind::Rnn, 3, 5);
        layer.W.rightCols(3) = rng.randn(5, 3);
        layer.W.leftCols(5) = rng.randn(5, 5);
        rng.randn(2, 5); // Wya
        layer.b = rng.randn(5, 1);
        rng.randn(2, 1); // by
        layer.forward(xt, 10, aPrev, aPrev);
        const MatD daNext = rng.randn(5, 10);
        MatD dx;
        layer.backward(daNext, &dx);
        CHECK_CLOSE(dx(1, 2), -1.3872130506, 1e-9);
        CHECK_CLOSE(layer.da0()(2, 3), -0.152399493774, 1e-10);
        CHECK_CLOSE(layer.dW(3, 5 + 1), 0.410772824935, 1e-10); // dWax[3][1]
        CHECK_CLOSE(layer.dW(1, 2), 1.15034506685, 1e-10);      // dWaa[1][2]
        CHECK_CLOSE(layer.db(4, 0), 0.20023491, 1e-7);
    }

    // The notebook's lstm_cell_backward: as lstm_cell_forward, then da_next, dc_next.
    void lstmCellBackwardReproducesNotebook()
    {
        Rng rng(1);
        RecurrentLayer<double> layer(CellKind::Lstm, 3, 5);
        const MatD xt = rng.randn(3, 10), aPrev = rng.randn(5, 10), cPrev = rng.randn(5, 10);
        for (int g : {0, 1, 3, 2}) {
            layer.W.middleRows(5 * g, 5) = rng.randn(5, 8);
            layer.b.middleRows(5 * g, 5) = rng.randn(5, 1);
        }
        rng.randn(2, 5);
        rng.randn(2, 1);
        layer.forward(xt, 10, aPrev, cPrev);
        const MatD daNext = rng.randn(5, 10), dcNext = rng.randn(5, 10);
        MatD dz(20, 10), daPrev(5, 10), dcPrev(5, 10);
        MatD z = layer.Z(), tanhC = layer.Aux(), a(5, 10), c(5, 10);
        cellBackward<double>(CellKind::Lstm, {.Wa = layer.W.leftCols(5)},
                             {.aPrev = aPrev, .cPrev = cPrev, .z = z, .aux = tanhC, .a = a, .c = c},
                             {.da = daNext, .dcNext = dcNext, .dz = dz, .daPrev = daPrev, .dcPrev = dcPrev});
        MatD concat(8, 10);
        concat << aPrev, xt;
        const MatD dW = dz * concat.transpose();
        const MatD dxt = layer.W.rightCols(3).transpose() * dz;
        const Eigen::VectorXd dbias = dz.rowwise().sum();
        CHECK_CLOSE(dxt(1, 2), 3.23055911511, 1e-10);
        CHECK_CLOSE(daPrev(2, 3), -0.0639621419711, 1e-10);
        CHECK_CLOSE(dcPrev(2, 3), 0.797522038797, 1e-10);
        CHECK_CLOSE(dW(0 + 3, 1), -0.147954838164, 1e-10); // dWf[3][1]
        CHECK_CLOSE(dW(5 + 1, 2), 1.05749805523, 1e-10);   // dWi[1][2]
        CHECK_CLOSE(dW(10 + 3, 1), 2.30456216369, 1e-10);  // dWc[3][1]
        CHECK_CLOSE(dW(15 + 1, 2), 0.331311595289, 1e-10); // dWo[1][2]
        CHECK_CLOSE(dbias(0 + 4), 0.18864637, 1e-7);
        CHECK_CLOSE(dbias(5 + 4), -0.40142491, 1e-7);
        CHECK_CLOSE(dbias(10 + 4), 0.25587763, 1e-7);
        CHECK_CLOSE(dbias(15 + 4), 0.13893342, 1e-7);
    }

    void backwardMatchesFiniteDifferences()
    {
        const auto report = runGradCheckSuite(1); // every registered layer and loss, in double and float
        QVERIFY(report.checks.size() >= 22);
        QCOMPARE(report.floatChecks.size(), report.checks.size());
        for (const auto* entries : {&report.checks, &report.floatChecks})
            for (const auto& e : *entries)
                QVERIFY2(e.passed(), qPrintable(QString("%1: relative error %2 (tolerance %3)")
                                                    .arg(e.name.c_str()).arg(e.error).arg(e.tolerance)));
    }

    void floatRunComparesWithTheDoubleNumericGradient()
    {
        // The float run of a check has no finite differences of its own: it needs the double run's numeric gradient
        // under the same name, and a check whose float run names a tensor the double run did not fails.
        const auto report = runGradCheckSuite(1, "linear_tanh");
        QCOMPARE(report.floatChecks.size(), size_t(1));
        QVERIFY(report.floatChecks[0].error > 0);
        QVERIFY(report.floatChecks[0].error < kFloatTolerance);
        CheckRun<float> orphan;
        MatF w = MatF::Ones(1, 1), g = MatF::Zero(1, 1);
        orphan.check({wholeParam<float>("w", w, g)}, [] { return 0.0; }, [] {});
        QCOMPARE(orphan.results[0].error, 1.0);
    }

    void gradientCheckerCatchesAWrongGradient()
    {
        // A checker that cannot fail proves nothing: feed it a deliberately wrong analytic gradient.
        MatD w = MatD::Constant(2, 2, 0.5), g = MatD::Zero(2, 2);
        ParamList<double> params{wholeParam<double>("w", w, g)};
        auto loss = [&] { return w.array().square().sum(); };
        auto wrong = [&] { g = 3 * w; }; // true gradient is 2w
        const auto r = gradCheck(params, loss, wrong);
        QVERIFY(r[0].error > 0.1);
    }

    void parameterBlocksUseTheCourseNames()
    {
        RecurrentLayer<double> lstm(CellKind::Lstm, 3, 5);
        QStringList names;
        for (const auto& p : lstm.namedTensors()) names << QString::fromStdString(p.name);
        QCOMPARE(names, QStringList({"Wf", "Wi", "Wc", "Wo", "bf", "bi", "bc", "bo"}));
        const auto t = lstm.namedTensors();
        QCOMPARE(t[2].blockRows(), Index(5));
        QCOMPARE(t[2].blockCols(), Index(8));
        RecurrentLayer<double> rnn(CellKind::Rnn, 3, 5);
        const auto r = rnn.namedTensors();
        QCOMPARE(QString::fromStdString(r[0].name), QString("Wax"));
        QCOMPARE(r[0].blockCols(), Index(3));
        QCOMPARE(r[1].blockCols(), Index(5));
    }
};

QTEST_GUILESS_MAIN(TestCells)
#include "tst_cells.moc"
