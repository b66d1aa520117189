// The BPTT stepper's model: any order of positions shows the values of that position (nothing stale), the per-step
// gradient pieces add up to the true gradient, and the vanishing / exploding settings documented in docs/bptt.md
// behave as documented.
#include "bptt/BpttStepper.hpp"
#include "util/Error.hpp"

#include <QTest>

#include <cmath>

using namespace unroll;

namespace {
bool same(const MatD& a, const MatD& b) { return a.rows() == b.rows() && a.cols() == b.cols() && a == b; }

BpttConfig vanishing(CellKind cell) // docs/bptt.md: T = 30, n_a = 32, init scale 0.5, seed 1, random input
{
    return {.cell = cell, .hidden = 32, .steps = 30, .initScale = 0.5, .forgetBias = 1.0, .seed = 1};
}
} // namespace

class TestBpttStepper : public QObject {
    Q_OBJECT
private slots:
    void verdictThresholdsAreTheDocumentedOnes()
    {
        // docs/bptt.md: vanishing below 1e-2, exploding above 1e2, stable in between (NaN: nothing arrives).
        QCOMPARE(gradientFlowVerdict(2.5e-10), GradientFlow::Vanishing);
        QCOMPARE(gradientFlowVerdict(0.0099), GradientFlow::Vanishing);
        QCOMPARE(gradientFlowVerdict(0.01), GradientFlow::Stable);
        QCOMPARE(gradientFlowVerdict(0.19), GradientFlow::Stable);
        QCOMPARE(gradientFlowVerdict(100.0), GradientFlow::Stable);
        QCOMPARE(gradientFlowVerdict(3.3e7), GradientFlow::Exploding);
        QCOMPARE(gradientFlowVerdict(std::nan("")), GradientFlow::Vanishing);
        QCOMPARE(gradientFlowName(GradientFlow::Exploding), std::string_view("exploding"));
        // The LSTM preset's setting: the cell state keeps the gradient (stable), where the RNN's vanishes.
        const BpttStepper lstm({.cell = CellKind::Lstm, .hidden = 32, .steps = 30, .initScale = 0.5,
                                .forgetBias = 3, .seed = 1});
        QCOMPARE(gradientFlowVerdict(lstm.gradNormRatio()), GradientFlow::Stable);
    }

    void positionsInAnyOrderShowTheirOwnValues_data()
    {
        QTest::addColumn<int>("cell");
        QTest::newRow("rnn") << int(CellKind::Rnn);
        QTest::newRow("gru") << int(CellKind::Gru);
        QTest::newRow("lstm") << int(CellKind::Lstm);
    }
    void positionsInAnyOrderShowTheirOwnValues()
    {
        QFETCH(int, cell);
        const BpttConfig c{.cell = CellKind(cell), .hidden = 4, .steps = 6, .batch = 2, .seed = 3};
        BpttStepper walked(c);
        for (Index p : {12, 3, 9, 0, 7, 12, 6, 1, 11}) {
            walked.setPosition(p);
            BpttStepper fresh(c);
            fresh.setPosition(p);
            QCOMPARE(walked.forwardDone(), fresh.forwardDone());
            QCOMPARE(walked.backwardDone(), fresh.backwardDone());
            for (Index t = 0; t < c.steps; ++t) {
                QCOMPARE(walked.forwardComputed(t), t < std::min<Index>(p, 6));
                if (walked.forwardComputed(t)) QVERIFY(same(walked.a(t), fresh.a(t)));
                if (walked.backwardComputed(t)) {
                    QVERIFY(same(walked.daTotal(t), fresh.daTotal(t)));
                    QVERIFY(same(walked.runningGrad(walked.paramNames()[0]), fresh.runningGrad(fresh.paramNames()[0])));
                }
            }
            QCOMPARE(walked.totalLoss(), fresh.totalLoss());
        }
    }

    void positionsMapToForwardThenBackward()
    {
        BpttStepper s({.cell = CellKind::Lstm, .hidden = 3, .steps = 5});
        s.setPosition(3);
        QCOMPARE(s.forwardDone(), Index(3));
        QVERIFY(!s.backwardComputed(4));
        s.setPosition(7); // forward complete, backward at t = 4 and t = 3
        QVERIFY(s.backwardComputed(4) && s.backwardComputed(3) && !s.backwardComputed(2));
        QVERIFY(s.daFromNext(4).isZero()); // nothing arrives from beyond the last step
        QVERIFY(!s.daFromNext(3).isZero());
        QVERIFY((s.daTotal(3) - s.daFromLoss(3) - s.daFromNext(3)).isZero());
        s.setPosition(100);
        QCOMPARE(s.position(), s.maxPosition());
        s.setPosition(-4);
        QCOMPARE(s.position(), Index(0));
    }

    void stepContributionsSumToTheTrueGradient()
    {
        for (CellKind cell : {CellKind::Rnn, CellKind::Gru, CellKind::Lstm}) {
            BpttStepper s({.cell = cell, .hidden = 4, .steps = 5, .batch = 2, .initScale = 1.5, .seed = 9});
            s.setPosition(s.maxPosition());
            const auto check = s.gradCheck();
            for (const auto& r : check) {
                QVERIFY2(r.error < 1e-7, qPrintable(QString::fromStdString(r.name)));
                // The running sum over all steps is the analytic gradient the checker verified numerically.
                QVERIFY2((s.runningGrad(r.name) - r.analytic).cwiseAbs().maxCoeff() < 1e-12,
                         qPrintable(QString::fromStdString(r.name)));
            }
            QCOMPARE(int(check.size()), int(s.paramNames().size()));
        }
    }

    void rnnGradientVanishesWhereLstmKeepsIt()
    {
        const BpttStepper rnn(vanishing(CellKind::Rnn)), lstm(vanishing(CellKind::Lstm));
        QVERIFY2(rnn.gradNormRatio() < 1e-3, qPrintable(QString::number(rnn.gradNormRatio())));
        QVERIFY2(lstm.gradNormRatio() > 1e3 * rnn.gradNormRatio(),
                 qPrintable(QString("%1 vs %2").arg(lstm.gradNormRatio()).arg(rnn.gradNormRatio())));
    }

    void rnnGradientExplodesWithLargeWeights()
    {
        BpttConfig c = vanishing(CellKind::Rnn);
        c.initScale = 8.0; // docs/bptt.md
        const BpttStepper rnn(c);
        QVERIFY2(rnn.gradNormRatio() > 1e3, qPrintable(QString::number(rnn.gradNormRatio())));
    }

    void clippingBoundsTheGradient()
    {
        BpttConfig c = vanishing(CellKind::Rnn);
        c.initScale = 8.0;
        c.clip = ClipMode::GlobalNorm;
        c.clipValue = 1.0;
        const auto norm = BpttStepper(c).clipSummary();
        QVERIFY(norm.normBefore > 1.0);
        QVERIFY(norm.normAfter <= 1.0 + 1e-12);
        c.clip = ClipMode::Value;
        c.clipValue = 0.1;
        const auto value = BpttStepper(c).clipSummary();
        QVERIFY(value.maxAbsBefore > 0.1);
        QVERIFY(value.maxAbsAfter <= 0.1);
        c.clip = ClipMode::None;
        const auto none = BpttStepper(c).clipSummary();
        QCOMPARE(none.normAfter, none.normBefore);
    }

    void textInputIsOneHotWithNextCharacterTargets()
    {
        BpttStepper s({.cell = CellKind::Gru, .hidden = 3, .steps = 4, .text = U"hello"});
        QCOMPARE(s.inputSize(), Index(4)); // e h l o
        QCOMPARE(s.stepText(1), std::u32string(U"e"));
        QCOMPARE(s.targetText(1), std::u32string(U"l"));
        s.setPosition(4);
        QCOMPARE(s.x(0).sum(), 1.0);
        QVERIFY_THROWS_EXCEPTION(InputError, BpttStepper({.steps = 5, .text = U"hello"})); // needs T + 1 characters
    }

    void badSettingsAreRejected()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, BpttStepper({.steps = 0}));
        QVERIFY_THROWS_EXCEPTION(InputError, BpttStepper({.hidden = 0}));
        QVERIFY_THROWS_EXCEPTION(InputError, BpttStepper({.initScale = -1}));
        QVERIFY_THROWS_EXCEPTION(InputError, BpttStepper({.cell = CellKind::GruKeras})); // not a course cell
    }
};

QTEST_GUILESS_MAIN(TestBpttStepper)
#include "tst_bpttstepper.moc"
