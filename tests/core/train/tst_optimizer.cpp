// Optimizers and clipping: the course's clip() example (Dinosaur Island), Adam's bias-corrected update written out
// by hand, momentum, the learning-rate schedule hook, and global-norm clipping.
#include "math/Rng.hpp"
#include "train/Optimizer.hpp"
#include "util/Error.hpp"

#include <QTest>

#include <cmath>
#include <limits>

using namespace unroll;

class TestOptimizer : public QObject {
    Q_OBJECT
private slots:
    void elementwiseClipReproducesTheCourse_data()
    {
        QTest::addColumn<double>("maxValue");
        QTest::addColumn<double>("dWaa12");
        QTest::addColumn<double>("dWax31");
        QTest::addColumn<double>("db4");
        QTest::addColumn<double>("dby1");
        QTest::newRow("10") << 10.0 << 10.0 << -10.0 << 10.0 << 8.45833407;
        QTest::newRow("5") << 5.0 << 5.0 << -5.0 << 5.0 << 5.0;
    }
    void elementwiseClipReproducesTheCourse()
    {
        QFETCH(double, maxValue);
        Rng rng(3);
        MatD dWax = rng.randn(5, 3) * 10, dWaa = rng.randn(5, 5) * 10, dWya = rng.randn(2, 5) * 10;
        MatD db = rng.randn(5, 1) * 10, dby = rng.randn(2, 1) * 10;
        // The values are not used by clipping; they only give each block its shape.
        MatD Wax = dWax, Waa = dWaa, Wya = dWya, b = db, by = dby;
        ParamList<double> grads{{"dWax", &Wax, &dWax}, {"dWaa", &Waa, &dWaa}, {"dWya", &Wya, &dWya},
                                {"db", &b, &db}, {"dby", &by, &dby}};
        clipGradients(grads, ClipMode::Value, maxValue);
        QTEST(dWaa(1, 2), "dWaa12");
        QTEST(dWax(3, 1), "dWax31");
        QCOMPARE(dWya(1, 2), 0.2971381536101662);
        QTEST(db(4, 0), "db4");
        QFETCH(double, dby1);
        QVERIFY(std::abs(dby(1, 0) - dby1) < 1e-8);
    }

    void globalNormClipScalesEverythingAlike()
    {
        MatD w1 = MatD::Zero(2, 1), w2 = MatD::Zero(1, 1);
        MatD g1(2, 1), g2(1, 1);
        g1 << 3, 0;
        g2 << 4;
        ParamList<double> p{{"a", &w1, &g1}, {"b", &w2, &g2}};
        const double norm = clipGradients(p, ClipMode::GlobalNorm, 1.0);
        QCOMPARE(norm, 5.0);
        QVERIFY(std::abs(g1(0, 0) - 0.6) < 1e-15 && std::abs(g2(0, 0) - 0.8) < 1e-15);
        QVERIFY(std::abs(globalGradNorm(p) - 1.0) < 1e-15);
        clipGradients(p, ClipMode::GlobalNorm, 10.0); // under the threshold: untouched
        QVERIFY(std::abs(g2(0, 0) - 0.8) < 1e-15);
    }

    void adamFollowsTheBiasCorrectedUpdate()
    {
        MatD w(1, 2), g(1, 2);
        w << 1.0, -2.0;
        Optimizer<double> opt({.kind = OptimizerKind::Adam, .learningRate = 0.01}, {{"w", &w, &g}});
        double v[2] = {0, 0}, s[2] = {0, 0}, ref[2] = {1.0, -2.0};
        const double grads[2][2] = {{0.5, -3.0}, {-0.25, 1.0}};
        for (int t = 1; t <= 2; ++t) {
            g << grads[t - 1][0], grads[t - 1][1];
            opt.step();
            for (int k = 0; k < 2; ++k) {
                v[k] = 0.9 * v[k] + 0.1 * grads[t - 1][k];
                s[k] = 0.999 * s[k] + 0.001 * grads[t - 1][k] * grads[t - 1][k];
                const double vc = v[k] / (1 - std::pow(0.9, t)), sc = s[k] / (1 - std::pow(0.999, t));
                ref[k] -= 0.01 * vc / (std::sqrt(sc) + 1e-8);
            }
            QVERIFY(std::abs(w(0, 0) - ref[0]) < 1e-15 && std::abs(w(0, 1) - ref[1]) < 1e-15);
        }
    }

    void momentumAveragesTheGradients()
    {
        MatD w = MatD::Zero(1, 1), g = MatD::Constant(1, 1, 1.0);
        Optimizer<double> opt({.kind = OptimizerKind::Momentum, .learningRate = 1.0, .beta1 = 0.5}, {{"w", &w, &g}});
        opt.step(); // v = 0.5, w = -0.5
        opt.step(); // v = 0.75, w = -1.25
        QCOMPARE(w(0, 0), -1.25);
    }

    void scheduleSetsTheLearningRatePerStep()
    {
        MatD w = MatD::Zero(1, 1), g = MatD::Constant(1, 1, 1.0);
        Optimizer<double> opt({.kind = OptimizerKind::Sgd, .learningRate = 1.0,
                               .schedule = [](std::int64_t step) { return 1.0 / double(step); }},
                              {{"w", &w, &g}});
        opt.step();
        opt.step();
        opt.step();
        QVERIFY(std::abs(w(0, 0) + (1.0 + 0.5 + 1.0 / 3)) < 1e-15);
    }

    void clippingBoundsTheUpdate()
    {
        MatD w = MatD::Zero(3, 1), g(3, 1);
        g << 1e6, -1e6, 0.5;
        Optimizer<double> opt({.kind = OptimizerKind::Sgd, .learningRate = 0.1, .clip = ClipMode::Value,
                               .clipValue = 5}, {{"w", &w, &g}});
        const double norm = opt.step();
        QVERIFY(norm > 1e6);
        QVERIFY(w.cwiseAbs().maxCoeff() <= 0.5 + 1e-15);
    }

    void hugeFiniteFloatGradientsAreNotMistakenForInf()
    {
        // 1e30^2 overflows a float; the norm must still be finite (summed in double) and the step must go through.
        MatF w = MatF::Zero(2, 1), g(2, 1);
        g << 1e30f, -1e30f;
        Optimizer<float> opt({.kind = OptimizerKind::Sgd, .learningRate = 0.1, .clip = ClipMode::Value,
                              .clipValue = 5}, {{"w", &w, &g}});
        const double norm = opt.step();
        QVERIFY(std::isfinite(norm));
        QVERIFY(std::abs(norm / (std::sqrt(2.0) * 1e30) - 1) < 1e-6);
        QCOMPARE(w(0, 0), -0.5f);
    }

    void infGradientThrowsBeforeAnyUpdate()
    {
        MatF w = MatF::Constant(1, 2, 1.0f), g(1, 2);
        g << 0.5f, std::numeric_limits<float>::infinity();
        Optimizer<float> opt({.kind = OptimizerKind::Adam, .learningRate = 0.1}, {{"Wya", &w, &g}});
        QVERIFY_THROWS_EXCEPTION(NumericError, opt.step());
        try {
            opt.step();
        } catch (const NumericError& e) {
            QCOMPARE(QString(e.what()), QString("step 1: gradient of Wya is Inf"));
        }
        QCOMPARE(w, MatF(MatF::Constant(1, 2, 1.0f)));
        QCOMPARE(opt.steps(), std::int64_t(0));
        QCOMPARE(g(0, 0), 0.5f); // not clipped either
    }

    void badOptionsAreRejected()
    {
        MatD w = MatD::Zero(1, 1), g = w;
        QVERIFY_THROWS_EXCEPTION(std::exception, Optimizer<double>({.learningRate = -1}, {{"w", &w, &g}}));
        QVERIFY_THROWS_EXCEPTION(std::exception, parseOptimizerKind("adagrad"));
        QCOMPARE(parseOptimizerKind("adam"), OptimizerKind::Adam);
    }
};

QTEST_GUILESS_MAIN(TestOptimizer)
#include "tst_optimizer.moc"
