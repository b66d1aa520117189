// The recurrent layer's two input paths (all steps at once / one step at a time), last-state-out backward, the
// bidirectional wrapper and the Keras GRU (reset_after=True): its numbers against a numpy reference and its parameter
// counts against the course's Keras summaries.
#include "../InputErrorOf.hpp"
#include "math/PackedGemm.hpp"
#include "math/Rng.hpp"
#include "nn/Bidirectional.hpp"
#include "util/Error.hpp"

#include <QTest>

#include <utility>

using namespace unroll;

namespace {

double maxAbsDiff(const MatD& a, const MatD& b)
{
    if (a.rows() != b.rows() || a.cols() != b.cols()) return 1e300;
    return a.size() ? (a - b).cwiseAbs().maxCoeff() : 0.0;
}

RecurrentLayer<double> randomLayer(CellKind kind, Index n_x, Index n_a, Rng& rng)
{
    RecurrentLayer<double> layer(kind, n_x, n_a);
    layer.initialize(rng, {.scale = 1.5});
    layer.b = rng.randn(layer.b.rows(), layer.b.cols()) * 0.5;
    return layer;
}

} // namespace

class TestRecurrent : public QObject {
    Q_OBJECT
private slots:
    void stepwiseEqualsAllAtOnce_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("rnn") << int(CellKind::Rnn);
        QTest::newRow("gru") << int(CellKind::Gru);
        QTest::newRow("lstm") << int(CellKind::Lstm);
        QTest::newRow("gru_keras") << int(CellKind::GruKeras);
    }
    void stepwiseEqualsAllAtOnce()
    {
        QFETCH(int, kind);
        const Index n_x = 5, n_a = 4, m = 3, T = 6;
        Rng rng(11);
        RecurrentLayer<double> whole = randomLayer(CellKind(kind), n_x, n_a, rng), stepwise = whole;
        const MatD X = rng.randn(n_x, m * T), a0 = rng.randn(n_a, m), c0 = rng.randn(n_a, m),
                   dA = rng.randn(n_a, m * T);
        MatD dX;
        whole.forward(X, m, a0, c0);
        whole.backward(dA, &dX);

        stepwise.beginStepwise(m, T, a0, c0);
        for (Index t = 0; t < T; ++t) stepwise.forwardStep(t, X.middleCols(t * m, m));
        QVERIFY(maxAbsDiff(stepwise.A(), whole.A()) < 1e-12);
        QVERIFY(maxAbsDiff(stepwise.Z(), whole.Z()) < 1e-12);
        stepwise.beginBackward();
        MatD dx, dXsteps(n_x, m * T);
        for (Index t = T - 1; t >= 0; --t) {
            stepwise.backwardStep(t, dA.middleCols(t * m, m), &dx);
            dXsteps.middleCols(t * m, m) = dx;
        }
        stepwise.finishBackward();
        QVERIFY(maxAbsDiff(dXsteps, dX) < 1e-12);
        QVERIFY(maxAbsDiff(stepwise.da0(), whole.da0()) < 1e-12);
        QVERIFY(maxAbsDiff(stepwise.dW, whole.dW) < 1e-12);
        QVERIFY(maxAbsDiff(stepwise.db, whole.db) < 1e-12);
        QVERIFY(whole.dW.cwiseAbs().maxCoeff() > 0.1); // the comparison compared something
    }

    // The pre-packed recurrent product (math/PackedGemm) against Eigen's own: plain, transposed, accumulating, at a
    // size with several cache blocks along each direction and at the gradient checks' tiny sizes.
    void packedProductMatchesEigen_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("depth");
        QTest::addColumn<int>("cols");
        QTest::newRow("tiny") << 3 << 4 << 2;
        QTest::newRow("lstm512") << 2048 << 512 << 37;
        QTest::newRow("odd") << 1203 << 1531 << 70;
    }
    void packedProductMatchesEigen()
    {
        QFETCH(int, rows);
        QFETCH(int, depth);
        QFETCH(int, cols);
        Rng rng(4);
        const MatD A = rng.randn(rows, depth), B = rng.randn(depth, cols), Bt = rng.randn(rows, cols);
        PackedMatrix<double> P, Pt;
        P.pack(A);
        Pt.pack(A, true);
        MatD C(rows, cols), Ct = MatD::Ones(depth, cols);
        P.multiply(B, C, false);
        Pt.multiply(Bt, Ct, true);
        const MatD ref = A * B, reft = MatD::Ones(depth, cols) + A.transpose() * Bt;
        QVERIFY((C - ref).cwiseAbs().maxCoeff() < 1e-12 * depth);
        QVERIFY((Ct - reft).cwiseAbs().maxCoeff() < 1e-12 * rows);
    }

    void stepwiseRejectsStepsOutOfOrder()
    {
        Rng rng(3);
        RecurrentLayer<double> layer = randomLayer(CellKind::Lstm, 2, 3, rng);
        const MatD a0 = MatD::Zero(3, 1), x = MatD::Ones(2, 1);
        layer.beginStepwise(1, 3, a0, a0);
        QVERIFY_THROWS_EXCEPTION(InputError, layer.forwardStep(1, x)); // step 0 comes first
        QVERIFY_THROWS_EXCEPTION(InputError, layer.forwardStep(0, MatD::Ones(3, 1))); // n_x = 2 rows
        layer.forwardStep(0, x);
        QVERIFY_THROWS_EXCEPTION(InputError, layer.beginBackward()); // steps 1 and 2 not run yet
        layer.forwardStep(1, x);
        layer.forwardStep(2, x);
        layer.beginBackward();
        MatD dx;
        QVERIFY_THROWS_EXCEPTION(InputError, layer.backwardStep(2, MatD::Ones(2, 1), &dx)); // da has n_a = 3 rows
    }

    void lastStateOutEqualsSequenceWithOnlyTheLastGradient_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("gru") << int(CellKind::Gru);
        QTest::newRow("lstm") << int(CellKind::Lstm);
        QTest::newRow("gru_keras") << int(CellKind::GruKeras);
    }
    void lastStateOutEqualsSequenceWithOnlyTheLastGradient()
    {
        QFETCH(int, kind);
        const Index n_x = 3, n_a = 4, m = 2, T = 5;
        Rng rng(5);
        RecurrentLayer<double> seq = randomLayer(CellKind(kind), n_x, n_a, rng), last = seq;
        const MatD X = rng.randn(n_x, m * T), a0 = rng.randn(n_a, m), daT = rng.randn(n_a, m);
        MatD dA = MatD::Zero(n_a, m * T), dX1, dX2;
        dA.rightCols(m) = daT;
        seq.forward(X, m, a0, a0);
        seq.backward(dA, &dX1);
        last.forward(X, m, a0, a0);
        last.backwardLast(daT, &dX2);
        QCOMPARE(maxAbsDiff(dX2, dX1), 0.0);
        QCOMPARE(maxAbsDiff(last.dW, seq.dW), 0.0);
        QCOMPARE(maxAbsDiff(last.da0(), seq.da0()), 0.0);
        QVERIFY(dX1.cwiseAbs().maxCoeff() > 1e-3);
        QVERIFY_THROWS_EXCEPTION(InputError, last.backwardLast(MatD::Ones(n_a, m + 1)));
    }

    void bidirectionalHalvesAreAForwardAndAReversedRun()
    {
        const Index n_x = 3, n_a = 4, m = 2, T = 5;
        Rng rng(9);
        Bidirectional<double> bi(CellKind::Lstm, n_x, n_a);
        bi.initialize(rng, {.scale = 1.5});
        const MatD X = rng.randn(n_x, m * T), dY = rng.randn(2 * n_a, m * T), zeros = MatD::Zero(n_a, m);
        bi.forward(X, m);
        MatD dX;
        bi.backward(dY, &dX);
        QCOMPARE(bi.outputs().rows(), 2 * n_a);

        RecurrentLayer<double> f = bi.forwardLayer, b = bi.backwardLayer; // same weights, fresh gradients
        f.zeroGrads();
        b.zeroGrads();
        MatD Xrev(n_x, m * T), dYrev(n_a, m * T), dXf, dXb, dXbBack(n_x, m * T), outRev(n_a, m * T);
        for (Index t = 0; t < T; ++t) {
            Xrev.middleCols(t * m, m) = X.middleCols((T - 1 - t) * m, m);
            dYrev.middleCols(t * m, m) = dY.bottomRows(n_a).middleCols((T - 1 - t) * m, m);
        }
        f.forward(X, m, zeros, zeros);
        b.forward(Xrev, m, zeros, zeros);
        for (Index t = 0; t < T; ++t) outRev.middleCols(t * m, m) = b.outputs().middleCols((T - 1 - t) * m, m);
        QCOMPARE(maxAbsDiff(bi.outputs().topRows(n_a), f.outputs()), 0.0);
        QCOMPARE(maxAbsDiff(bi.outputs().bottomRows(n_a), outRev), 0.0);
        // At t = 0 the backward reader has read the whole sequence: not the forward reader's first state.
        QVERIFY(maxAbsDiff(bi.outputs().bottomRows(n_a).leftCols(m), f.outputs().leftCols(m)) > 1e-3);

        f.backward(dY.topRows(n_a), &dXf);
        b.backward(dYrev, &dXb);
        for (Index t = 0; t < T; ++t) dXbBack.middleCols(t * m, m) = dXb.middleCols((T - 1 - t) * m, m);
        QVERIFY(maxAbsDiff(dX, dXf + dXbBack) < 1e-14);
        QCOMPARE(maxAbsDiff(bi.forwardLayer.dW, f.dW), 0.0);
        QCOMPARE(maxAbsDiff(bi.backwardLayer.dW, b.dW), 0.0);
        QVERIFY_THROWS_EXCEPTION(InputError, bi.forward(X, 3)); // 10 columns are not a multiple of 3
    }

    void bidirectionalReadsIdsAsOneHotColumns()
    {
        // Symbol indices give what their one-hot columns give (the translator's encoder), in the training pass and
        // in the const pass into a caller's trace; the ids' backward has the same weight gradients and no dX.
        const Index n_x = 5, n_a = 3, m = 2, T = 4;
        Rng rng(4);
        Bidirectional<double> dense(CellKind::Lstm, n_x, n_a);
        dense.initialize(rng, {.scale = 1.5});
        Bidirectional<double> sparse = dense;
        std::vector<std::int32_t> ids(size_t(m * T));
        MatD X = MatD::Zero(n_x, m * T);
        for (Index j = 0; j < m * T; ++j) {
            ids[size_t(j)] = std::int32_t(rng.randint(0, n_x));
            X(ids[size_t(j)], j) = 1;
        }
        const MatD dY = rng.randn(2 * n_a, m * T);
        dense.forward(X, m);
        sparse.forward(ids, m);
        QVERIFY(maxAbsDiff(sparse.outputs(), dense.outputs()) < 1e-14);
        BidirectionalTrace<double> trace;
        std::as_const(sparse).forward(ids, m, trace);
        QCOMPARE(maxAbsDiff(trace.Y, sparse.outputs()), 0.0);
        MatD dX;
        dense.backward(dY);
        sparse.backward(dY, &dX);
        QCOMPARE(dX.size(), Index(0));
        QVERIFY(maxAbsDiff(sparse.forwardLayer.dW, dense.forwardLayer.dW) < 1e-14);
        QVERIFY(maxAbsDiff(sparse.backwardLayer.dW, dense.backwardLayer.dW) < 1e-14);
        QVERIFY(maxAbsDiff(sparse.backwardLayer.db, dense.backwardLayer.db) < 1e-14);
        QVERIFY(test::inputErrorOf([&] { sparse.forward(std::vector<std::int32_t>(7, 0), m); }).contains("multiple of m = 2"));
    }

    // numpy reference: scripts/refs/keras_gru_reference.py (Keras GRUCell's equations, reset_after=True). The inputs
    // are the script's closed forms, rebuilt here; expected values are its printout.
    void kerasGruMatchesNumpyReference()
    {
        const Index n_x = 3, n_a = 2, m = 2, T = 3;
        MatD kernel(n_x, 3 * n_a), recurrent(n_a, 3 * n_a), bias(2, 3 * n_a), X(n_x, m * T), h0(n_a, m);
        for (Index i = 0; i < n_x; ++i)
            for (Index j = 0; j < 3 * n_a; ++j) kernel(i, j) = double((i * 3 * n_a + j) % 7 - 3) / 5.0;
        for (Index i = 0; i < n_a; ++i)
            for (Index j = 0; j < 3 * n_a; ++j) recurrent(i, j) = double((i * 3 * n_a + j) % 5 - 2) / 4.0;
        bias << 0.1, -0.2, 0.3, -0.1, 0.05, 0.2, -0.3, 0.25, 0.15, 0.4, -0.05, -0.35;
        for (Index t = 0; t < T; ++t)
            for (Index e = 0; e < m; ++e)
                for (Index f = 0; f < n_x; ++f) X(f, t * m + e) = double((t * m * n_x + e * n_x + f) % 11 - 5) / 6.0;
        h0 << 0.2, 0.0, -0.1, 0.3; // h0[example, unit] = [[0.2, -0.1], [0.0, 0.3]], stored (unit, example)

        RecurrentLayer<double> gru(CellKind::GruKeras, n_x, n_a);
        setKerasGruWeights<double>(gru, kernel, recurrent, bias);
        gru.forward(X, m, h0, h0);
        // h<t>[example][unit], t = 1..3
        const double expected[3][2][2] = {{{0.11665117221204829, -0.25585050148660554},
                                           {-0.08011224031162063, 0.07418484797683614}},
                                          {{0.08445675628099719, -0.05100007816467701},
                                           {0.1271013637100818, 0.3285502407526053}},
                                          {{0.0345575038262578, -0.1852350430586548},
                                           {-0.00139306270113822, 0.10434886270835508}}};
        for (Index t = 0; t < T; ++t)
            for (Index e = 0; e < m; ++e)
                for (Index u = 0; u < n_a; ++u)
                    QVERIFY2(std::abs(gru.outputs()(u, t * m + e) - expected[t][e][u]) < 1e-14,
                             qPrintable(QString("h<%1>[%2][%3] = %4, numpy %5")
                                            .arg(t + 1).arg(e).arg(u)
                                            .arg(gru.outputs()(u, t * m + e), 0, 'g', 17)
                                            .arg(expected[t][e][u], 0, 'g', 17)));
    }

    void kerasGruWeightsMapOntoTheStackedLayout()
    {
        Rng rng(2);
        const Index n_x = 3, n_a = 2;
        const MatD kernel = rng.randn(n_x, 3 * n_a), recurrent = rng.randn(n_a, 3 * n_a), bias = rng.randn(2, 3 * n_a);
        RecurrentLayer<double> gru(CellKind::GruKeras, n_x, n_a);
        setKerasGruWeights<double>(gru, kernel, recurrent, bias);
        // Gate z's recurrent weight from unit 1 to unit 0 is recurrent_kernel[1, 0] (Keras: h @ U, columns z, r, h).
        QCOMPARE(gru.W(0, 1), recurrent(1, 0));
        QCOMPARE(gru.W(2 * n_a + 1, n_a + 2), kernel(2, 2 * n_a + 1)); // gate h, unit 1, input 2
        QCOMPARE(gru.b(n_a, 1), bias(1, n_a));                        // recurrent bias of gate r, unit 0
        const auto back = kerasGruWeights(gru);
        QCOMPARE(back.kernel, kernel);
        QCOMPARE(back.recurrentKernel, recurrent);
        QCOMPARE(back.bias, bias);
        QStringList names;
        for (const auto& p : gru.namedTensors()) names << QString::fromStdString(p.name);
        QCOMPARE(names, QStringList({"kernel", "recurrent_kernel", "input_bias", "recurrent_bias"}));
        QCOMPARE(gru.namedTensors()[3].valueBlock(), bias.row(1).transpose());
        QVERIFY_THROWS_EXCEPTION(InputError, setKerasGruWeights<double>(gru, recurrent, recurrent, bias));
        RecurrentLayer<double> course(CellKind::Gru, n_x, n_a);
        QVERIFY_THROWS_EXCEPTION(InputError, setKerasGruWeights<double>(course, kernel, recurrent, bias));
        QCOMPARE(parseCellKind("gru_keras"), CellKind::GruKeras);
        QVERIFY_THROWS_EXCEPTION(InputError, parseCellKind("gru-keras"));
    }

    // Keras model summaries of the course (course notes §7.3, §6.2): parameters = W.size() + b.size().
    void parameterCountsMatchKerasSummaries()
    {
        // Trigger model: GRU(128) on the Conv1D's 196 channels, reset_after=True:
        // 3 * (196*128 + 128*128 + 2*128) = 3 * 41,728 = 125,184.
        QCOMPARE(RecurrentLayer<float>(CellKind::GruKeras, 196, 128).parameterCount(), Index(125184));
        // The second GRU(128) on 128: 3 * (128*128 + 128*128 + 2*128) = 99,072.
        QCOMPARE(RecurrentLayer<float>(CellKind::GruKeras, 128, 128).parameterCount(), Index(99072));
        // The course's total: Conv1D 297,136 (101*15*196 + 196) + BatchNorm 784 + GRU 125,184 + BatchNorm 512
        // + GRU 99,072 + BatchNorm 512 + Dense(1) 129 (128 + 1) = 523,329.
        QCOMPARE(297136 + 784 + 125184 + 512 + 99072 + 512 + 129, 523329);
        // The course GRU (one bias) has n_a * 3 fewer: Keras' reset_after=False count, 124,800.
        QCOMPARE(RecurrentLayer<float>(CellKind::Gru, 196, 128).parameterCount(), Index(124800));
        // Attention model: Bidirectional(LSTM(32)) on 37 = 2 * 8,960; the post-attention LSTM(64) on 64 = 33,024.
        QCOMPARE(Bidirectional<float>(CellKind::Lstm, 37, 32).parameterCount(), Index(17920));
        QCOMPARE(RecurrentLayer<float>(CellKind::Lstm, 64, 64).parameterCount(), Index(33024));
    }
};

QTEST_GUILESS_MAIN(TestRecurrent)
#include "tst_recurrent.moc"
