// Dinosaur Island's learner functions (core/charlm/CourseNames) against the course notebook
// (Sequence Models by deeplearning.ai, week 1):
//   - every number the 2021 notebook's clip, sample and optimize tests print, to the digits that a
//     float64 computation can promise (17-digit prints depend on the order of the sums: see optimize below);
//   - the v3a sample test, the third-party rnn_forward loss, and the course's sample() quirks (x<1> = 0, seed + 2k,
//     a newline appended after 50 characters even if the 50th was one);
//   - courseSample on models the course does not have (a float, stacked LSTM), courseOptimize's None input against a
//     hand-written rnn_forward / rnn_backward, and the errors at the boundary.
// The full arrays against numpy (1e-10) and the printed lines against numpy's str() are in tst_courseexamples.
#include "charlm/CourseNames.hpp"
#include "math/Rng.hpp"
#include "util/Error.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

using namespace unroll;

namespace {

// The notebook's lines come from str(np.float64) (17 digits, 2021) or Python 2's str() (12 digits, v3a).
QString twelveDigits(double v) { return QString::asprintf("%.12g", v); }

// A 17-digit print reproduced up to the last digits, which depend on the order of the sums (numpy's BLAS, Eigen).
bool closeToPrinted(double actual, double printed, double relTol = 1e-12)
{
    return std::abs(actual - printed) <= relTol * std::abs(printed);
}

QString describe(double actual, double printed)
{
    return QString("got %1, the notebook printed %2").arg(actual, 0, 'g', 17).arg(printed, 0, 'g', 17);
}

// numpy's str() of the one-element row M[i] ("[-0.06809825]"), as the notebook prints gradients["db"][4].
QString row(const MatD& M, Index i) { return QString::fromStdString(numpyArrayString(std::vector<double>{M(i, 0)})); }

// np.argmax: the first maximum in C (row-major) order.
Index argmaxC(const MatD& M)
{
    Index best = 0;
    for (Index i = 0; i < M.rows(); ++i)
        for (Index j = 0; j < M.cols(); ++j)
            if (M(i, j) > M(best / M.cols(), best % M.cols())) best = i * M.cols() + j;
    return best;
}

std::string chars(const std::vector<std::int32_t>& ids)
{
    std::string s;
    for (auto i : ids) s += dinosaurChar(i);
    return s;
}

// The optimize test's setup: np.random.seed(1); a_prev = randn(100, 1) unless the third-party
// variant (a_prev = zeros, not drawn); then Wax, Waa, Wya, b, by.
struct OptimizeSetup {
    MatD aPrev;
    CourseRnnParameters p;
};
OptimizeSetup optimizeSetup(bool drawAPrev)
{
    Rng rng(1);
    OptimizeSetup s;
    s.aPrev = drawAPrev ? rng.randn(100, 1) : MatD::Zero(100, 1);
    s.p = drawCourseRnnParameters(rng, 27, 100, 27);
    return s;
}

const std::vector<std::int32_t> kX = {12, 3, 5, 11, 22, 3}, kY = {4, 14, 11, 22, 25, 26};

const std::vector<std::int32_t> kSample2021 = {23, 16, 26, 26, 24, 3, 21, 1, 7, 24, 15, 3, 25, 20, 6, 13, 10, 8, 20, 12,
                                               2,  0};
const std::vector<std::int32_t> kSampleV3a = {12, 17, 24, 14, 13, 9,  10, 22, 24, 6,  13, 11, 12, 6,  21, 15, 21,
                                              14, 3,  2,  1,  21, 18, 24, 7,  25, 6,  25, 18, 10, 16, 2,  3,  8,
                                              15, 12, 11, 7,  1,  12, 10, 2,  7,  7,  11, 17, 24, 12, 13, 24, 0};

// An RNN with zero weights whose output logits are 0 except newline's: 0 gives the uniform distribution, +1000 puts
// all the mass on the newline (the other exps are exactly 0), -1000 none (the rest uniform).
SequenceModel<double> biasedModel(int newlineLogit)
{
    CourseRnnParameters p{MatD::Zero(4, 27), MatD::Zero(4, 4), MatD::Zero(27, 4), MatD::Zero(4, 1), MatD::Zero(27, 1)};
    p.by(kDinosaurNewline, 0) = newlineLogit;
    return courseRnnModel(p);
}

} // namespace

class TestCourseNames : public QObject {
    Q_OBJECT
private slots:
    // --- clip (2021 clip_test, mValue 10 and 5) -----------------------------------------------------------

    void clipPrintsTheNotebooksTable()
    {
        const CourseExample ex = runDinosaurExamples()[0];
        QCOMPARE(ex.function, std::string("clip"));
        struct Row {
            const char* group;
            double dWaa12, dWax31;
            const char *db4, *dby1;
        };
        for (const Row& r : {Row{"maxValue_10/", 10.0, -10.0, "[10.]", "[8.45833407]"},
                             Row{"maxValue_5/", 5.0, -5.0, "[5.]", "[5.]"}}) {
            const std::string g = r.group;
            QCOMPARE(ex.array(g + "dWaa").at({1, 2}), r.dWaa12);
            QCOMPARE(ex.array(g + "dWax").at({3, 1}), r.dWax31);
            // Below both thresholds, so untouched: randn * 10 bit for bit (the Rng is numpy's).
            QCOMPARE(ex.array(g + "dWya").at({1, 2}), 0.2971381536101662);
            QCOMPARE(QString::fromStdString(numpyArrayString(ex.array(g + "db").lastAxis({4}))), QString(r.db4));
            QCOMPARE(QString::fromStdString(numpyArrayString(ex.array(g + "dby").lastAxis({1}))), QString(r.dby1));
            for (const char* key : {"dWaa", "dWax", "dWya", "db", "dby"})
                for (double v : ex.array(g + key).data) QVERIFY(std::abs(v) <= (g == "maxValue_5/" ? 5.0 : 10.0));
        }
        // The notebook's lines, as printed.
        QCOMPARE(ex.printed.size(), std::size_t(13));
        QCOMPARE(ex.printed[0], std::string("Gradients for mValue=10"));
        QCOMPARE(ex.printed[3], std::string("gradients[\"dWya\"][1][2] = 0.2971381536101662"));
        QCOMPARE(ex.printed[6], std::string());
        QCOMPARE(ex.printed[12], std::string("gradients[\"dby\"][1] = [5.]"));
    }

    void clipRawValuesAreTheSpecs()
    {
        // The notebook: before clipping 14.86, -13.14, 0.297, 14.88, 8.458.
        Rng rng(3);
        const MatD dWax = rng.randn(5, 3) * 10.0, dWaa = rng.randn(5, 5) * 10.0, dWya = rng.randn(2, 5) * 10.0,
                   db = rng.randn(5, 1) * 10.0, dby = rng.randn(2, 1) * 10.0;
        QCOMPARE(QString::number(dWaa(1, 2), 'f', 2), QString("14.86"));
        QCOMPARE(QString::number(dWax(3, 1), 'f', 2), QString("-13.14"));
        QCOMPARE(QString::number(dWya(1, 2), 'f', 3), QString("0.297"));
        QCOMPARE(QString::number(db(4, 0), 'f', 2), QString("14.88"));
        QCOMPARE(QString::number(dby(1, 0), 'f', 3), QString("8.458"));
    }

    // --- sample -------------------------------------------------------------------------------------------

    void sampleGivesThe2021Indices()
    {
        // 2021 sample_test: seed 24, vocabulary 27, n_a 100; sample(parameters, char_to_ix, 0).
        const auto ids = courseSample(dinosaurSampleModel(24), kDinosaurNewline, 0);
        QCOMPARE(ids, kSample2021);
        QCOMPARE(chars(ids), std::string("wpzzxcuagxocytfmjhtlb\n")); // the notebook's 'w', 'p', …, '\n'
        const CourseExample ex = runDinosaurExamples()[1];
        QCOMPARE(ex.printed[2], std::string(" [23, 16, 26, 26, 24, 3, 21, 1, 7, 24, 15, 3, 25, 20, 6, 13, 10, 8, 20, "
                                            "12, 2, 0]"));
        QCOMPARE(ex.printed[4].substr(0, 16), std::string(" ['w', 'p', 'z',"));
        QVERIFY(ex.printed[4].ends_with(", 'b', '\\n']"));
    }

    void sampleV3aMatchesUntilTheModelsChaosTakesOver()
    {
        // v3a: seed 2; the notebook printed 51 indices. This model's recurrent weights are randn
        // (unscaled), so it is chaotic: a last-bit difference in a<t> grows about 2.3x per step (measured with numpy:
        // float64 vs long double, 1e-16 at step 0, 0.3 at step 42). From step 43 on, the draw depends on how the sums
        // are rounded, which differs between the notebook's numpy/BLAS, numpy 1.24.2 and Eigen: numpy 1.24.2 itself
        // gives 3 where the notebook printed 7 at step 43. The 43 indices before that agree everywhere.
        const auto ids = courseSample(dinosaurSampleModel(2), kDinosaurNewline, 0);
        QCOMPARE(ids.size(), kSampleV3a.size()); // 50 characters, no newline among them, then the appended one
        QCOMPARE(ids.back(), kDinosaurNewline);
        constexpr std::size_t stable = 43;
        QCOMPARE(std::vector<std::int32_t>(ids.begin(), ids.begin() + stable),
                 std::vector<std::int32_t>(kSampleV3a.begin(), kSampleV3a.begin() + stable));
        QCOMPARE(std::count(ids.begin(), ids.end() - 1, kDinosaurNewline), std::ptrdiff_t(0));

        // numpy 1.24.2 on the same setup (scripts/refs/make_course_reference.py): the same 43, then not the
        // notebook's 7.
        QFile file(UNROLL_TEST_DATA_DIR "/course_examples.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonArray numpy = QJsonDocument::fromJson(file.readAll()).object().value("sample_v3a").toArray();
        QCOMPARE(numpy.size(), qsizetype(kSampleV3a.size()));
        for (std::size_t k = 0; k < stable; ++k) QCOMPARE(numpy.at(qsizetype(k)).toInt(), ids[k]);
        QCOMPARE(kSampleV3a[stable], 7);
        QCOMPARE(numpy.at(qsizetype(stable)).toInt(), 3);
    }

    void sampleTailDependsOnTheLastBit()
    {
        // The evidence for the above: one ulp in one bias leaves the first steps alone and changes the tail.
        SequenceModel<double> model = dinosaurSampleModel(2);
        const auto before = courseSample(model, kDinosaurNewline, 0);
        auto& b = model.layers.front().b;
        b(0, 0) = std::nextafter(b(0, 0), std::numeric_limits<double>::infinity());
        const auto after = courseSample(model, kDinosaurNewline, 0);
        QCOMPARE(std::vector<std::int32_t>(after.begin(), after.begin() + 30),
                 std::vector<std::int32_t>(before.begin(), before.begin() + 30));
        QVERIFY(after != before);
    }

    void sampleSeedsEachStepWithSeedPlusTwiceTheStep()
    {
        // np.random.seed(counter + seed), then seed += 1 and counter += 1: step k draws from seed0 + 2k. On a model
        // whose output ignores its input and state (uniform), each index is Rng(seed0 + 2k).choice(uniform).
        const SequenceModel<double> model = biasedModel(0);
        const std::vector<double> uniform(27, 1.0 / 27);
        for (const std::uint32_t seed : {0u, 5u, 6u, 1000u}) {
            const auto ids = courseSample(model, kDinosaurNewline, seed, 8);
            std::vector<std::int32_t> expected;
            std::uint32_t k = 0;
            for (std::int32_t idx = -1; idx != kDinosaurNewline && k != 8; ++k) {
                Rng rng(seed + 2 * k);
                idx = std::int32_t(rng.choice(uniform));
                expected.push_back(idx);
            }
            if (k == 8) expected.push_back(kDinosaurNewline);
            QCOMPARE(ids, expected);
        }
    }

    void sampleAppendsANewlineAfterMaxLengthAsTheCourseDoes()
    {
        // The course appends '\n' whenever counter reaches 50, even if the 50th index was already '\n'.
        const auto always = biasedModel(1000); // p(newline) = 1
        QCOMPARE(courseSample(always, kDinosaurNewline, 0), std::vector<std::int32_t>({0}));
        QCOMPARE(courseSample(always, kDinosaurNewline, 0, 1), std::vector<std::int32_t>({0, 0}));
        const auto never = biasedModel(-1000); // p(newline) = 0
        const auto ids = courseSample(never, kDinosaurNewline, 3, 50);
        QCOMPARE(ids.size(), std::size_t(51));
        QCOMPARE(std::count(ids.begin(), ids.end(), kDinosaurNewline), std::ptrdiff_t(1));
        QCOMPARE(ids.back(), kDinosaurNewline);
    }

    void sampleWorksOnAFloatStackedLstm()
    {
        SequenceModel<float> lstm({.cell = CellKind::Lstm, .inputSize = 27, .hiddenSize = 16, .outputSize = 27,
                                   .layers = 2});
        Rng rng(11);
        lstm.initialize(rng);
        const auto a = courseSample(lstm, kDinosaurNewline, 7);
        QVERIFY(!a.empty() && a.size() <= 51);
        QCOMPARE(a.back(), kDinosaurNewline);
        for (auto i : a) QVERIFY(i >= 0 && i < 27);
        QCOMPARE(courseSample(lstm, kDinosaurNewline, 7), a); // deterministic for a seed; the model is not changed
        QVERIFY(courseSample(lstm, kDinosaurNewline, 8) != a);
        // A GRU in double too: any cell works.
        SequenceModel<double> gru({.cell = CellKind::Gru, .inputSize = 27, .hiddenSize = 8, .outputSize = 27});
        gru.initialize(rng);
        QCOMPARE(courseSample(gru, kDinosaurNewline, 0).back(), kDinosaurNewline);
    }

    void sampleRejectsBadInput()
    {
        const auto model = dinosaurSampleModel(24);
        QVERIFY_THROWS_EXCEPTION(InputError, courseSample(model, 27, 0));
        QVERIFY_THROWS_EXCEPTION(InputError, courseSample(model, 0, 0, 0));
        QVERIFY_THROWS_EXCEPTION(InputError, courseSample(model, 0, 0xFFFFFFF0u, 50)); // seed + 98 passes 2^32 - 1
        SequenceModel<double> notFedBack({.cell = CellKind::Rnn, .inputSize = 5, .hiddenSize = 4, .outputSize = 27});
        QVERIFY_THROWS_EXCEPTION(InputError, courseSample(notFedBack, 0, 0));
    }

    // --- optimize -----------------------------------------------------------------------------------------

    void optimizePrintsTheNotebooksNumbers()
    {
        // optimize_test (2021): X = [12, 3, 5, 11, 22, 3] has no None; lr 0.01.
        auto s = optimizeSetup(true);
        auto model = courseRnnModel(s.p);
        const auto r = courseOptimize(kX, kY, s.aPrev, model, 0.01);
        const CourseRnnGradients& g = r.gradients;
        // The 2021 notebook prints 17 digits; the last 2-3 depend on the order of the sums (numpy 1.24.2 here gives
        // 126.50397572165356 and dWaa[1][2] = 0.19470931534721475; the tanh units are saturated, so 1 - a^2 loses
        // digits). So: to 1e-12 relative, and to all 12 digits the v3a notebook printed.
        QVERIFY2(closeToPrinted(r.loss, 126.50397572165389), qPrintable(describe(r.loss, 126.50397572165389)));
        QCOMPARE(twelveDigits(r.loss), QString("126.503975722"));
        QVERIFY2(closeToPrinted(g.dWaa(1, 2), 0.19470931534713587),
                 qPrintable(describe(g.dWaa(1, 2), 0.19470931534713587)));
        QCOMPARE(twelveDigits(g.dWaa(1, 2)), QString("0.194709315347"));
        QCOMPARE(argmaxC(g.dWax), Index(93));
        QVERIFY2(closeToPrinted(g.dWya(1, 2), -0.007773876032002162),
                 qPrintable(describe(g.dWya(1, 2), -0.007773876032002162)));
        QCOMPARE(twelveDigits(g.dWya(1, 2)), QString("-0.007773876032"));
        QCOMPARE(row(g.db, 4), QString("[-0.06809825]"));
        QCOMPARE(row(g.dby, 1), QString("[0.01538192]"));
        QCOMPARE(row(r.aLast, 4), QString("[-1.]"));
        // Shapes of the course's return values.
        QCOMPARE(g.dWax.rows(), Index(100));
        QCOMPARE(g.dWax.cols(), Index(27));
        QCOMPARE(g.dWya.rows(), Index(27));
        QCOMPARE(r.aLast.cols(), Index(1));
    }

    void optimizeClipsThenUpdatesTheParameters()
    {
        auto s = optimizeSetup(true);
        auto model = courseRnnModel(s.p);
        const auto r = courseOptimize(kX, kY, s.aPrev, model, 0.01);
        const CourseRnnGradients& g = r.gradients;
        // clip(gradients, 5): every entry within [-5, 5], some at the bound (the test's gradients are large).
        bool anyAtBound = false;
        for (const MatD* d : {&g.dWaa, &g.dWax, &g.dWya, &g.db, &g.dby}) {
            QVERIFY(d->cwiseAbs().maxCoeff() <= 5.0);
            anyAtBound = anyAtBound || d->cwiseAbs().maxCoeff() == 5.0;
        }
        QVERIFY(anyAtBound);
        // update_parameters: θ += -lr dθ with the clipped gradients, in place (the course's dict is changed).
        const CourseRnnParameters after = courseRnnParameters(model);
        const auto updated = [](const MatD& before, const MatD& d) -> MatD { return before - 0.01 * d; };
        QVERIFY((after.Wax - updated(s.p.Wax, g.dWax)).cwiseAbs().maxCoeff() <= 1e-15 * 8);
        QVERIFY((after.Waa - updated(s.p.Waa, g.dWaa)).cwiseAbs().maxCoeff() <= 1e-15 * 8);
        QVERIFY((after.Wya - updated(s.p.Wya, g.dWya)).cwiseAbs().maxCoeff() <= 1e-15 * 8);
        QVERIFY((after.b - updated(s.p.b, g.db)).cwiseAbs().maxCoeff() <= 1e-15 * 8);
        QVERIFY((after.by - updated(s.p.by, g.dby)).cwiseAbs().maxCoeff() <= 1e-15 * 8);
        QVERIFY(after.Wya != s.p.Wya);
    }

    void rnnForwardLossFromZeroStateIsTheThirdPartyValue()
    {
        // The third-party kerasrnn test: seed 1, a_prev = zeros (not drawn), the same X, Y:
        // rnn_forward loss 74.08235894494784. courseOptimize reports the loss before its update.
        auto s = optimizeSetup(false);
        auto model = courseRnnModel(s.p);
        const double loss = courseOptimize(kX, kY, s.aPrev, model, 0.01).loss;
        QVERIFY2(closeToPrinted(loss, 74.08235894494784), qPrintable(describe(loss, 74.08235894494784)));
    }

    void noneInputIsTheZeroVector()
    {
        // model()'s examples start with None: X = [None, t, u, r], Y = [t, u, r, \n]. Against
        // utils.py's rnn_forward / rnn_backward written out here on the course's separate tensors.
        Rng rng(4);
        const CourseRnnParameters p = drawCourseRnnParameters(rng, 27, 6, 27);
        CourseRnnParameters q = p;
        q.Wax *= 0.3;
        q.Waa *= 0.3;
        const MatD aPrev = rng.randn(6, 1) * 0.5;
        const std::vector<std::int32_t> X = {kNoInput, 20, 21, 18}, Y = {20, 21, 18, 0};
        auto model = courseRnnModel(q);
        const auto r = courseOptimize(X, Y, aPrev, model, 0.01);

        std::vector<MatD> a = {aPrev}, yHat;
        double loss = 0;
        for (std::size_t t = 0; t < X.size(); ++t) {
            MatD x = MatD::Zero(27, 1);
            if (X[t] != kNoInput) x(X[t], 0) = 1;
            a.push_back((q.Wax * x + q.Waa * a.back() + q.b).array().tanh().matrix());
            MatD z = q.Wya * a.back() + q.by;
            const MatD e = (z.array() - z.maxCoeff()).exp().matrix();
            yHat.push_back(e / e.sum());
            loss -= std::log(yHat.back()(Y[t], 0));
        }
        CourseRnnGradients g{MatD::Zero(6, 6), MatD::Zero(6, 27), MatD::Zero(27, 6), MatD::Zero(6, 1),
                             MatD::Zero(27, 1)};
        MatD daNext = MatD::Zero(6, 1);
        for (std::size_t t = X.size(); t-- > 0;) {
            MatD dy = yHat[t];
            dy(Y[t], 0) -= 1;
            g.dWya += dy * a[t + 1].transpose();
            g.dby += dy;
            const MatD da = q.Wya.transpose() * dy + daNext;
            const MatD daraw = ((1 - a[t + 1].array().square()) * da.array()).matrix();
            g.db += daraw;
            if (X[t] != kNoInput) g.dWax.col(X[t]) += daraw;
            g.dWaa += daraw * a[t].transpose();
            daNext = q.Waa.transpose() * daraw;
        }
        QVERIFY(std::abs(r.loss - loss) <= 1e-12 * loss);
        const auto clipped = [](const MatD& d) -> MatD { return d.cwiseMax(-5.0).cwiseMin(5.0); };
        QVERIFY((r.gradients.dWaa - clipped(g.dWaa)).cwiseAbs().maxCoeff() < 1e-12);
        QVERIFY((r.gradients.dWax - clipped(g.dWax)).cwiseAbs().maxCoeff() < 1e-12);
        QVERIFY((r.gradients.dWya - clipped(g.dWya)).cwiseAbs().maxCoeff() < 1e-12);
        QVERIFY((r.gradients.db - clipped(g.db)).cwiseAbs().maxCoeff() < 1e-12);
        QVERIFY((r.gradients.dby - clipped(g.dby)).cwiseAbs().maxCoeff() < 1e-12);
        QVERIFY((r.aLast - a.back()).cwiseAbs().maxCoeff() < 1e-14);
    }

    void optimizeRejectsModelsThatAreNotTheCourses()
    {
        auto s = optimizeSetup(true);
        SequenceModel<double> mean({.cell = CellKind::Rnn, .inputSize = 27, .hiddenSize = 100, .outputSize = 27,
                                    .reduction = LossReduction::Mean});
        QVERIFY_THROWS_EXCEPTION(InputError, courseOptimize(kX, kY, s.aPrev, mean, 0.01));
        SequenceModel<double> lstm({.cell = CellKind::Lstm, .inputSize = 27, .hiddenSize = 100, .outputSize = 27,
                                    .reduction = LossReduction::Sum});
        QVERIFY_THROWS_EXCEPTION(InputError, courseOptimize(kX, kY, s.aPrev, lstm, 0.01));
        auto model = courseRnnModel(s.p);
        QVERIFY_THROWS_EXCEPTION(InputError, courseOptimize(kX, std::vector<std::int32_t>{4, 14}, s.aPrev, model));
        QVERIFY_THROWS_EXCEPTION(InputError, courseOptimize(kX, kY, MatD::Zero(99, 1), model));
        QVERIFY_THROWS_EXCEPTION(InputError, courseOptimize(kX, kY, s.aPrev, model, 0.0));
        CourseRnnParameters bad = s.p;
        bad.b = MatD::Zero(99, 1);
        QVERIFY_THROWS_EXCEPTION(InputError, courseRnnModel(bad));
    }

    void courseNamesMapOntoTheStackedWeights()
    {
        // Wax and Waa are the column blocks of W = [Waa | Wax] (nn/Cells.hpp), b is "ba".
        auto s = optimizeSetup(true);
        auto model = courseRnnModel(s.p);
        const auto& W = model.layers.front().W;
        QCOMPARE(MatD(W.leftCols(100)), s.p.Waa);
        QCOMPARE(MatD(W.rightCols(27)), s.p.Wax);
        QCOMPARE(model.layers.front().b, s.p.b);
        const CourseRnnParameters back = courseRnnParameters(model);
        QCOMPARE(back.Wax, s.p.Wax);
        QCOMPARE(back.Wya, s.p.Wya);
        QCOMPARE(back.by, s.p.by);
        QCOMPARE(dinosaurChar(0), '\n');
        QCOMPARE(dinosaurChar(26), 'z');
        QVERIFY_THROWS_EXCEPTION(InputError, dinosaurChar(27));
    }
};

QTEST_GUILESS_MAIN(TestCourseNames)
#include "tst_coursenames.moc"
