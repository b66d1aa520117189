// Activations: the softmax stays finite for huge inputs, derivatives match finite differences, cross-entropy.
#include "math/Activations.hpp"

#include <QTest>

#include <cmath>
#include <vector>

using namespace unroll;

class TestActivations : public QObject {
    Q_OBJECT
private slots:
    void softmaxIsStableForLargeInputs()
    {
        MatD z(3, 2);
        z << 1000, -1000, 1001, -1001, 1002, -999;
        softmaxColumnsInPlace<double>(z);
        QVERIFY(z.allFinite());
        QVERIFY(std::abs(z.col(0).sum() - 1) < 1e-15 && std::abs(z.col(1).sum() - 1) < 1e-15);
        // Softmax is shift-invariant: equals the softmax of (0, 1, 2).
        const double e = std::exp(1.0), denom = 1 + e + e * e;
        QVERIFY(std::abs(z(2, 0) - e * e / denom) < 1e-15);
    }

    void derivativesMatchFiniteDifferences()
    {
        for (double x : {-3.0, -0.5, 0.0, 0.7, 2.5}) {
            const double h = 1e-6;
            MatD p(1, 3);
            p << x - h, x, x + h;
            MatD s = p, t = p;
            sigmoidInPlace<double>(s);
            tanhInPlace<double>(t);
            const double ds = (s(0, 2) - s(0, 0)) / (2 * h), dt = (t(0, 2) - t(0, 0)) / (2 * h);
            QVERIFY(std::abs(sigmoidGradFromOutput(s.array())(0, 1) - ds) < 1e-9);
            QVERIFY(std::abs(tanhGradFromOutput(t.array())(0, 1) - dt) < 1e-9);
        }
    }

    void sigmoidSaturatesWithoutNaN()
    {
        MatF z(1, 2);
        z << -1000.f, 1000.f;
        sigmoidInPlace<float>(z);
        QCOMPARE(z(0, 0), 0.f);
        QCOMPARE(z(0, 1), 1.f);
    }

    void crossEntropySumsNegativeLogProbabilities()
    {
        MatD p(2, 2);
        p << 0.25, 0.5, 0.75, 0.5;
        const std::vector<std::int32_t> y = {1, 0};
        QVERIFY(std::abs(crossEntropySum<double>(p, y) - (-std::log(0.75) - std::log(0.5))) < 1e-15);
    }
};

QTEST_GUILESS_MAIN(TestActivations)
#include "tst_activations.moc"
