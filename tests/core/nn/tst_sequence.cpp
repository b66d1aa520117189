// Sequence layers and the stacked model: stepwise and whole-sequence passes agree, one-hot input equals the dense
// one-hot matrix, state carries across windows or resets, and a small model really learns.
#include "math/Rng.hpp"
#include "nn/SequenceModel.hpp"
#include "train/Optimizer.hpp"

#include <cmath>

#include <QTest>

using namespace unroll;

class TestSequence : public QObject {
    Q_OBJECT
private slots:
    void steppingEqualsTheWholeSequence_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("rnn") << int(CellKind::Rnn);
        QTest::newRow("gru") << int(CellKind::Gru);
        QTest::newRow("lstm") << int(CellKind::Lstm);
    }
    void steppingEqualsTheWholeSequence()
    {
        QFETCH(int, kind);
        Rng rng(3);
        RecurrentLayer<double> a(CellKind(kind), 4, 6);
        a.initialize(rng);
        RecurrentLayer<double> b = a;
        const MatD X = rng.randn(4, 2 * 7), a0 = rng.randn(6, 2), c0 = rng.randn(6, 2), dA = rng.randn(6, 2 * 7);
        a.forward(X, 2, a0, c0);
        a.backward(dA);
        b.beginForward(X, 2, a0, c0);
        for (Index t = 0; t < 7; ++t) b.forwardStep(t);
        b.beginBackward(dA);
        for (Index t = 6; t >= 0; --t) b.backwardStep(t);
        b.finishBackward();
        QCOMPARE(a.A(), b.A());
        QCOMPARE(a.dW, b.dW);
        QCOMPARE(a.db, b.db);
        QVERIFY(a.dW.norm() > 0);
    }

    void oneHotIndicesEqualDenseOneHot()
    {
        Rng rng(4);
        RecurrentLayer<double> a(CellKind::Lstm, 5, 3);
        a.initialize(rng);
        RecurrentLayer<double> b = a;
        const std::vector<std::int32_t> ids = {0, 4, 2, 2, 1, 3};
        MatD X = MatD::Zero(5, 6);
        for (int j = 0; j < 6; ++j) X(ids[size_t(j)], j) = 1;
        const MatD zeros = MatD::Zero(3, 2), dA = rng.randn(3, 6);
        a.forward(std::span<const std::int32_t>(ids), 2, zeros, zeros);
        b.forward(X, 2, zeros, zeros);
        QVERIFY((a.A() - b.A()).cwiseAbs().maxCoeff() < 1e-15);
        a.backward(dA);
        b.backward(dA);
        QVERIFY((a.dW - b.dW).cwiseAbs().maxCoeff() < 1e-14);
    }

    void stateCarriesAcrossWindowsUnlessReset()
    {
        Rng rng(5);
        SequenceModel<double> model({.cell = CellKind::Gru, .inputSize = 4, .hiddenSize = 5, .outputSize = 4});
        model.initialize(rng);
        const std::vector<std::int32_t> x = {1, 2, 3, 0}, y = {2, 3, 0, 1};
        const double first = model.forward(x, y, 1);
        const double carried = model.forward(x, y, 1);
        QVERIFY(first != carried); // started from the state the first window ended in
        model.resetState();
        QCOMPARE(model.forward(x, y, 1), first);
    }

    void meanLossIsTheSumOverTheCount()
    {
        Rng rng(6);
        SequenceModelOptions o{.cell = CellKind::Lstm, .inputSize = 4, .hiddenSize = 3, .outputSize = 4,
                               .layers = 2, .reduction = LossReduction::Sum};
        SequenceModel<double> sum(o);
        sum.initialize(rng);
        o.reduction = LossReduction::Mean;
        SequenceModel<double> mean(o);
        mean.layers = sum.layers;
        mean.output = sum.output;
        const std::vector<std::int32_t> x = {1, 2, 3, 0, 1, 1}, y = {2, 3, 0, 1, 0, 2};
        QVERIFY(std::abs(sum.forward(x, y, 2) / 6 - mean.forward(x, y, 2)) < 1e-14);
    }

    void aSmallModelLearnsARepeatingPattern()
    {
        // "abcabc…": after training, the next character is predicted with high probability.
        Rng rng(0);
        SequenceModel<float> model({.cell = CellKind::Lstm, .inputSize = 3, .hiddenSize = 16, .outputSize = 3});
        model.initialize(rng);
        Optimizer<float> opt({.kind = OptimizerKind::Adam, .learningRate = 0.02}, model.parameters());
        std::vector<std::int32_t> x(12), y(12);
        for (int t = 0; t < 12; ++t) {
            x[size_t(t)] = t % 3;
            y[size_t(t)] = (t + 1) % 3;
        }
        double first = 0, last = 0;
        for (int step = 0; step < 200; ++step) {
            model.resetState();
            last = model.forward(x, y, 1);
            if (step == 0) first = last;
            model.backward();
            opt.step();
            model.zeroGrads();
        }
        QVERIFY2(last < 0.05 && first > 0.9, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
    }

    void paddedBatchEqualsSeparateExamples()
    {
        // Two sequences of lengths 3 and 1 in one batch (m = 2): kNoInput / kNoTarget pad the shorter one. The
        // padded batch's loss and gradients equal those of the two examples run alone.
        Rng rng(8);
        SequenceModelOptions o{.cell = CellKind::Lstm, .inputSize = 4, .hiddenSize = 3, .outputSize = 4,
                               .reduction = LossReduction::Sum};
        SequenceModel<double> batch(o);
        batch.initialize(rng);
        SequenceModel<double> alone = batch;
        // step t of example j at t*2 + j
        const std::vector<std::int32_t> x = {kNoInput, kNoInput, 2, kNoInput, 1, kNoInput};
        const std::vector<std::int32_t> y = {2, 3, 1, kNoTarget, 0, kNoTarget};
        const double lb = batch.forward(x, y, 2);
        batch.backward();
        const std::vector<std::int32_t> x0 = {kNoInput, 2, 1}, y0 = {2, 1, 0}, x1 = {kNoInput}, y1 = {3};
        double la = alone.forward(x0, y0, 1);
        alone.backward();
        alone.resetState();
        la += alone.forward(x1, y1, 1);
        alone.backward();
        QVERIFY(std::abs(la - lb) < 1e-12);
        const auto pb = batch.parameters(), pa = alone.parameters();
        for (size_t k = 0; k < pb.size(); ++k)
            QVERIFY2((*pb[k].grad - *pa[k].grad).cwiseAbs().maxCoeff() < 1e-12, pb[k].name.c_str());
    }

    void constPredictEqualsTheTrainingForwardAndCarriesStateInTheWorkspace()
    {
        Rng rng(7);
        SequenceModel<double> model({.cell = CellKind::Gru, .inputSize = 5, .hiddenSize = 4, .outputSize = 5,
                                     .layers = 2, .reduction = LossReduction::Sum});
        model.initialize(rng);
        const std::vector<std::int32_t> x = {kNoInput, 1, 4, 2, 0, 3}, y = {1, 4, 2, 0, 3, 3};
        model.resetState();
        model.forward(x, y, 1);
        const MatD trained = model.probs();
        const SequenceModel<double>& reader = model; // inference through a const reference
        SequenceWorkspace<double> ws;
        QVERIFY((reader.predict(x, 1, ws) - trained).cwiseAbs().maxCoeff() < 1e-14);
        QVERIFY((ws.layers[1].A - model.layers[1].A()).cwiseAbs().maxCoeff() < 1e-14);
        // One character at a time, the workspace carrying the state, gives the same probabilities.
        ws.reset();
        for (size_t t = 0; t < x.size(); ++t) {
            const MatD p = reader.predict(std::span<const std::int32_t>(&x[t], 1), 1, ws);
            QVERIFY((p - trained.col(Index(t))).cwiseAbs().maxCoeff() < 1e-14);
        }
        // The model's own training trace was not touched by any of it.
        QCOMPARE(model.probs(), trained);
        // Its tensors read through the const model equal the named blocks.
        const auto values = reader.namedValues();
        const auto named = model.namedTensors();
        QCOMPARE(values.size(), named.size());
        for (size_t i = 0; i < named.size(); ++i) {
            QCOMPARE(values[i].first, named[i].name);
            QVERIFY(values[i].second == MatD(named[i].valueBlock()));
        }
    }

    void badShapesAreRejected()
    {
        RecurrentLayer<double> layer(CellKind::Rnn, 3, 4);
        const MatD X = MatD::Zero(2, 4), a0 = MatD::Zero(4, 2);
        QVERIFY_THROWS_EXCEPTION(std::exception, layer.forward(X, 2, a0, a0));
        const std::vector<std::int32_t> ids = {0, 7};
        QVERIFY_THROWS_EXCEPTION(std::exception, layer.forward(std::span<const std::int32_t>(ids), 1,
                                                               MatD::Zero(4, 1), MatD::Zero(4, 1)));
    }
};

QTEST_GUILESS_MAIN(TestSequence)
#include "tst_sequence.moc"
