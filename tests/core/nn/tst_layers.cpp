// The toolkit's layers and losses beyond their gradient checks (tst_cells runs those): what they compute, the course's
// parameter counts, masks and reductions, frozen embeddings, and the messages bad input gets.
#include "../InputErrorOf.hpp"
#include "math/Rng.hpp"
#include "nn/Attention.hpp"
#include "nn/Embedding.hpp"
#include "nn/Linear.hpp"
#include "nn/Loss.hpp"
#include "util/Error.hpp"

#include <cmath>

#include <QTest>

using namespace unroll;

using unroll::test::inputErrorOf;

class TestLayers : public QObject {
    Q_OBJECT
private slots:
    void linearPerStepEqualsOnceOverAllSteps()
    {
        Rng rng(1);
        Linear<double> dense(3, 4, Activation::Sigmoid);
        dense.initialize(rng);
        const MatD X = rng.randn(3, 2 * 5);
        LinearCache<double> all, one;
        dense.forward(X, all);
        for (Index t = 0; t < 5; ++t) {
            dense.forward(X.middleCols(t * 2, 2), one);
            QVERIFY((one.Y - all.Y.middleCols(t * 2, 2)).cwiseAbs().maxCoeff() == 0);
        }
    }

    void softmaxActivationNormalisesEachColumn()
    {
        Rng rng(2);
        Linear<double> dense(3, 5, Activation::Softmax);
        dense.initialize(rng, 3.0);
        LinearCache<double> c;
        dense.forward(rng.randn(3, 4), c);
        for (Index j = 0; j < 4; ++j) QVERIFY(std::abs(c.Y.col(j).sum() - 1) < 1e-15);
        QVERIFY(c.Y.minCoeff() > 0);
    }

    void linearNamesTheSizesOnAWrongInput()
    {
        Linear<float> dense(3, 2);
        LinearCache<float> c;
        QCOMPARE(inputErrorOf([&] { dense.forward(MatF::Zero(4, 1), c); }),
                 QString("linear layer expects 3 input rows, got 4"));
        QVERIFY(inputErrorOf([] { Linear<float>(0, 2); }).contains("positive"));
        QVERIFY(inputErrorOf([] { parseActivation("gelu"); }).contains("known: identity"));
    }

    void crossEntropyIsMinusLogSoftmax()
    {
        MatD Z(3, 2);
        Z << 1, -2, 2, 0.5, 3, 4;
        const std::vector<std::int32_t> y = {0, 2};
        SoftmaxCrossEntropyCache<double> c;
        const double L = softmaxCrossEntropyForward<double>(Z, y, {}, Reduction::Sum, c);
        const double p0 = std::exp(1) / (std::exp(1) + std::exp(2) + std::exp(3));
        const double p1 = std::exp(4) / (std::exp(-2) + std::exp(0.5) + std::exp(4));
        QVERIFY(std::abs(L - (-std::log(p0) - std::log(p1))) < 1e-12);
        const double mean = softmaxCrossEntropyForward<double>(Z, y, {}, Reduction::Mean, c);
        QVERIFY(std::abs(mean - L / 2) < 1e-12);
    }

    void maskedMeanDividesByTheScoredWeight()
    {
        // Many-to-one: only the last of 3 steps is scored; padding and weights enter the mean's denominator.
        MatD Z = MatD::Zero(2, 3);
        const std::vector<std::int32_t> y = {kNoTarget, kNoTarget, 1};
        SoftmaxCrossEntropyCache<double> c;
        QVERIFY(std::abs(softmaxCrossEntropyForward<double>(Z, y, {}, Reduction::Mean, c) - std::log(2.0)) < 1e-15);
        const std::vector<double> w = {5, 5, 2};
        QVERIFY(std::abs(softmaxCrossEntropyForward<double>(Z, y, w, Reduction::Mean, c) - std::log(2.0)) < 1e-15);
        QVERIFY(std::abs(softmaxCrossEntropyForward<double>(Z, y, w, Reduction::Sum, c) - 2 * std::log(2.0)) < 1e-15);
        MatD dZ;
        softmaxCrossEntropyBackward<double>(c, y, w, dZ);
        QCOMPARE(dZ.col(0).cwiseAbs().sum(), 0.0);
        QVERIFY(std::abs(dZ(1, 2) - 2 * (0.5 - 1)) < 1e-15);
        QVERIFY(inputErrorOf([&] {
                    const std::vector<std::int32_t> bad = {0, 2, 0};
                    softmaxCrossEntropyForward<double>(Z, bad, {}, Reduction::Sum, c);
                }).contains("target 2 outside the 2 classes"));
    }

    void binaryCrossEntropyStaysFiniteAtLargeLogits()
    {
        // -ln(1 - sigmoid(100)) in floats would be -ln(0) = inf; through softplus it is 100.
        MatF Z(1, 3), Y(1, 3);
        Z << 100, -100, 0;
        Y << 0, 1, 1;
        SigmoidBceCache<float> c;
        const double L = sigmoidBceForward<float>(Z, Y, MatF(), Reduction::Sum, c);
        QVERIFY(std::abs(L - (100 + 100 + std::log(2.0))) < 1e-4);
        MatF W(1, 3);
        W << 0, 0, 1; // only the last step scored
        QVERIFY(std::abs(sigmoidBceForward<float>(Z, Y, W, Reduction::Mean, c) - std::log(2.0)) < 1e-6);
        QVERIFY(inputErrorOf([&] { sigmoidBceForward<float>(Z, MatF::Zero(2, 3), MatF(), Reduction::Sum, c); })
                    .contains("targets are 2x3, outputs 1x3"));
    }

    void frozenEmbeddingHasNoParametersAndNoGradient()
    {
        Rng rng(4);
        Embedding<float> emb(4, 3);
        emb.initialize(rng);
        emb.trainable = false;
        QVERIFY(emb.parameters().empty());
        const std::vector<std::int32_t> ids = {1, 3};
        emb.backward(ids, MatF::Ones(3, 2));
        QCOMPARE(emb.dE.cwiseAbs().sum(), 0.0f);
    }

    void loadedVectorsKeepAnUnknownColumnAndPadIsZero()
    {
        MatD vectors(2, 3);
        vectors << 1, 2, 3, 4, 5, 6;
        Embedding<double> emb(3, 2);
        emb.setVectors(vectors, true);
        QCOMPARE(emb.unknownId(), 3);
        MatD Y;
        const std::vector<std::int32_t> ids = {2, emb.unknownId(), -1};
        emb.forward(ids, Y);
        QCOMPARE(Y(0, 0), 3.0);
        QCOMPARE(Y(1, 1), 5.0); // the mean of 4, 5, 6
        QCOMPARE(Y.col(2).cwiseAbs().sum(), 0.0);
        QVERIFY(inputErrorOf([&] {
                    const std::vector<std::int32_t> bad = {4};
                    emb.forward(bad, Y);
                }).contains("word index 4 outside the vocabulary of 3 words"));
        QVERIFY(inputErrorOf([&] { emb.setVectors(MatD::Zero(3, 3)); }).contains("3-dimensional"));
    }

    void attentionHasTheCourseShapesAndWeights()
    {
        // The date-translation model: Bi-LSTM states of 2 x 32, decoder state 64, Dense(10, tanh), Dense(1, relu):
        // 1,290 + 11 parameters (course model summary).
        Rng rng(5);
        Attention<float> att(64, 64);
        Index count = 0;
        for (const auto& p : att.parameters()) count += p.size();
        QCOMPARE(count, Index(1290 + 11));
        att.initialize(rng);
        const Index m = 3, T_x = 30;
        const MatF A = rng.randn(64, m * T_x).cast<float>(), s = rng.randn(64, m).cast<float>();
        AttentionCache<float> c;
        att.forward(A, m, s, c);
        QCOMPARE(c.alpha.rows(), T_x);
        QCOMPARE(c.alpha.cols(), m);
        MatF expected = MatF::Zero(64, m);
        for (Index i = 0; i < m; ++i) {
            QVERIFY(std::abs(c.alpha.col(i).sum() - 1) < 1e-5);
            for (Index t = 0; t < T_x; ++t) expected.col(i) += c.alpha(t, i) * A.col(t * m + i);
        }
        QVERIFY((expected - c.context).cwiseAbs().maxCoeff() < 1e-5);
        QVERIFY(inputErrorOf([&] { att.forward(A, m, MatF::Zero(64, 2), c); }).contains("do not fit"));
    }
};

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
