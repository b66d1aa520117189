// The trigger-word detector (Detector.hpp): the course's parameter counts, output lengths, the whole model's gradient
// checks, the conv bias a BatchNorm cancels, const inference against the batched inference forward, the stream against
// one pass, model files and bad shapes.
#include "trigger/Detector.hpp"

#include "../InputErrorOf.hpp"
#include "math/Rng.hpp"
#include "nn/GradCheckSuite.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>

using namespace unroll;
using unroll::test::inputErrorOf;

namespace {

// A small detector with trained-looking state: random biases, BatchNorm scales and moving statistics away from
// their starting values (so inference's use of the moving statistics is tested, not 0 and 1).
TriggerDetector<float> smallModel(Index gru2, TriggerFeatures features = TriggerFeatures::Log, std::uint32_t seed = 3)
{
    TriggerDetector<float> model({.nFreq = 6, .filters = 5, .kernel = 4, .stride = 2, .gru1 = 4, .gru2 = gru2,
                                  .dropout = 0.3, .features = features});
    Rng rng(seed);
    model.initialize(rng);
    for (auto* b : {&model.gru1.b, &model.gru2.b, &model.output.b})
        if (b->size() > 0) *b = (rng.randn(b->rows(), b->cols()) * 0.5).cast<float>();
    for (auto* bn : {&model.convNorm, &model.norm1, &model.norm2}) {
        if (bn->size() == 0) continue;
        const Index n = bn->size();
        bn->gamma = (rng.randn(n, 1) * 0.3).cast<float>().array() + 1.0f;
        bn->beta = (rng.randn(n, 1) * 0.3).cast<float>();
        bn->movingMean = (rng.randn(n, 1) * 0.5).cast<float>();
        bn->movingVar = (rng.randn(n, 1) * 0.5).cast<float>().array().square() + 0.5f;
    }
    model.output.W *= 3.0f;
    return model;
}

MatF randomPower(Index nFreq, Index frames, std::uint32_t seed)
{
    Rng rng(seed);
    return (rng.randn(nFreq, frames) * 2.0).array().exp().cast<float>();
}

// m spectrograms of Tx frames side by side, step-major (frame t of example i in column t*m + i).
MatF interleave(const std::vector<MatF>& xs)
{
    const Index m = Index(xs.size()), Tx = xs[0].cols();
    MatF X(xs[0].rows(), m * Tx);
    for (Index t = 0; t < Tx; ++t)
        for (Index i = 0; i < m; ++i) X.col(t * m + i) = xs[size_t(i)].col(t);
    return X;
}

} // namespace

class TestDetector : public QObject {
    Q_OBJECT

private slots:
    // Course notebook, model.summary(): "Total params: 523,329", "Trainable params: 522,425" (904 non-trainable:
    // the three BatchNorms' moving means and variances); Conv1D 297,136, GRU(128) 125,184 and 99,072 (Keras' GRU with
    // reset_after), Dense 129; the output is (None, 1375, 1) for a (5511, 101) input.
    void coursePresetHasTheNotebooksCounts()
    {
        const TriggerConfig c = courseTriggerConfig();
        QCOMPARE(triggerParameterCount(c), std::int64_t(523329));
        QCOMPARE(triggerTrainableCount(c), std::int64_t(522425));
        QCOMPARE(triggerOutputLength(c, 5511), Index(1375));
        TriggerDetector<float> model(c);
        QCOMPARE(model.parameterCount(), std::int64_t(523329));
        std::int64_t trainable = 0;
        for (const auto& p : model.parameters()) trainable += p.size();
        QCOMPARE(trainable, std::int64_t(522425));
        QCOMPARE(model.conv.W.size() + model.conv.b.size(), Index(297136));
        QCOMPARE(model.gru1.parameterCount(), Index(125184));
        QCOMPARE(model.gru2.parameterCount(), Index(99072));
        QCOMPARE(model.output.W.size() + model.output.b.size(), Index(129));
        QCOMPARE(model.dropout.rate(), 0.8);
        QCOMPARE(triggerPreset("course"), c);
    }

    void smallPresetFitsItsBudget()
    {
        const TriggerConfig c = smallTriggerConfig();
        QCOMPARE(triggerPreset("small"), c);
        QCOMPARE(triggerOutputLength(c, 5511), Index(1375));
        QVERIFY(triggerTrainingFlops(c) <= 0.5e9);
        // The course's: 2 x 1375 x (2 x 296,940 (Conv1D forward, dW) + 3 x (124,416 + 98,304 + 128) (GRUs, Dense:
        // forward, dW, dX)) = 3.47 GFLOP; the small preset's 0.42.
        QCOMPARE(triggerTrainingFlops(courseTriggerConfig()), 3471666000.0);
        QCOMPARE(triggerTrainingFlops(c), 2.0 * 1375 * (2 * 48480 + 3 * (3 * 64 * 96 + 64)));
        TriggerDetector<float> model(c);
        std::int64_t trainable = 0;
        for (const auto& p : model.parameters()) trainable += p.size();
        QCOMPARE(trainable, triggerTrainableCount(c));
        QVERIFY(inputErrorOf([] { triggerPreset("large"); }).contains("small, course"));
    }

    void outputLengthIsTheValidConvolutions()
    {
        const TriggerConfig c = courseTriggerConfig();
        QCOMPARE(triggerOutputLength(c, 15), Index(1));
        QCOMPARE(triggerOutputLength(c, 18), Index(1));
        QCOMPARE(triggerOutputLength(c, 19), Index(2));
        QVERIFY(inputErrorOf([&] { triggerOutputLength(c, 14); }).contains("kernel of 15"));
    }

    void forwardShapesAndLoss()
    {
        TriggerDetector<float> model = smallModel(2);
        const Index m = 3, Tx = 21, Ty = 9; // (21 - 4) / 2 + 1
        const MatF X = interleave({randomPower(6, Tx, 1), randomPower(6, Tx, 2), randomPower(6, Tx, 3)});
        std::vector<float> labels(size_t(m * Ty), 0.0f);
        for (size_t j = 10; j < 20; ++j) labels[j] = 1.0f;
        Rng rng(5);
        const double L = model.forward(X, m, labels, rng, Mode::Train);
        const MatF& P = model.probabilities();
        QCOMPARE(P.rows(), Index(1));
        QCOMPARE(P.cols(), m * Ty);
        // The mean binary cross-entropy of those probabilities (Keras' binary_crossentropy).
        double expected = 0;
        for (Index j = 0; j < P.cols(); ++j) {
            const double p = P(0, j), y = labels[size_t(j)];
            expected -= y * std::log(p) + (1 - y) * std::log(1 - p);
        }
        QVERIFY(std::abs(L - expected / double(P.cols())) < 1e-5);
        // Without labels: no loss, the same probabilities in inference mode.
        QCOMPARE(model.forward(X, m, {}, rng, Mode::Infer), 0.0);
        QCOMPARE(model.probabilities().cols(), m * Ty);
        QVERIFY(inputErrorOf([&] { model.backward(); }).contains("labels"));
    }

    void gradientChecksPass()
    {
        for (const char* name : {"trigger_detector", "trigger_detector_one_gru"}) {
            const auto report = runGradCheckSuite(1, name);
            QVERIFY(report.checks.size() >= 1);
            for (const auto& e : report.checks) QVERIFY2(e.passed(), (e.name + " " + std::to_string(e.error)).c_str());
            for (const auto& e : report.floatChecks)
                QVERIFY2(e.passed(), (e.name + " float " + std::to_string(e.error)).c_str());
        }
    }

    // The gradient checks leave conv.b out: a training-mode BatchNorm right after it cancels any per-channel offset,
    // so its gradient is exactly 0 (up to rounding).
    void convBiasGradientIsZeroBeforeBatchNorm()
    {
        TriggerDetector<double> model({.nFreq = 4, .filters = 3, .kernel = 3, .stride = 2, .gru1 = 3, .gru2 = 0,
                                       .dropout = 0.0, .features = TriggerFeatures::Log});
        Rng rng(2);
        model.initialize(rng);
        const MatD X = (rng.randn(4, 2 * 11)).array().exp();
        std::vector<float> labels(2 * 5, 1.0f);
        model.zeroGrads();
        model.forward(X, 2, labels, rng, Mode::Train);
        model.backward();
        QVERIFY(model.conv.dW.norm() > 1e-6);
        QVERIFY(model.conv.db.norm() < 1e-12);
    }

    // detectorProbabilities (const, one clip per thread) equals forward(..., Mode::Infer) over the same clips batched.
    void inferenceEqualsTheBatchedInferForward()
    {
        for (Index gru2 : {Index(0), Index(3)})
            for (auto features : {TriggerFeatures::Log, TriggerFeatures::Power}) {
                TriggerDetector<float> model = smallModel(gru2, features);
                const std::vector<MatF> clips = {randomPower(6, 30, 11), randomPower(6, 30, 12),
                                                 randomPower(6, 30, 13)};
                Rng rng(1);
                model.forward(interleave(clips), 3, {}, rng, Mode::Infer);
                const MatF batched = model.probabilities();
                const auto single = detectorProbabilities(model, std::vector<const MatF*>{&clips[0], &clips[1], &clips[2]});
                QCOMPARE(single.size(), size_t(3));
                for (Index i = 0; i < 3; ++i) {
                    QCOMPARE(Index(single[size_t(i)].size()), Index(14));
                    for (Index t = 0; t < 14; ++t)
                        QVERIFY(std::abs(single[size_t(i)][size_t(t)] - batched(0, t * 3 + i)) < 1e-5f);
                    // One clip alone gives the same bits as among others.
                    QVERIFY(detectorProbabilities(model, clips[size_t(i)]) == single[size_t(i)]);
                }
            }
    }

    void inferenceDoesNotDependOnTheThreadCount()
    {
        const TriggerDetector<float> model = smallModel(3);
        std::vector<MatF> clips;
        for (std::uint32_t s = 0; s < 6; ++s) clips.push_back(randomPower(6, 40 + Index(s), 20 + s));
        std::vector<const MatF*> ptrs;
        for (const auto& c : clips) ptrs.push_back(&c);
        const auto many = detectorProbabilities(model, ptrs);
        setThreadCount(1);
        const auto one = detectorProbabilities(model, ptrs);
        useDefaultThreads();
        QVERIFY(many == one);
    }

    // Frames pushed in pieces of any size give the probabilities of one pass over the whole spectrogram.
    void streamEqualsOnePass()
    {
        for (Index gru2 : {Index(0), Index(3)}) {
            const TriggerDetector<float> model = smallModel(gru2);
            const MatF power = randomPower(6, 101, 7);
            const auto whole = detectorProbabilities(model, power);
            QCOMPARE(Index(whole.size()), Index(49)); // (101 - 4) / 2 + 1
            for (Index piece : {Index(1), Index(3), Index(4), Index(17), Index(101)}) {
                TriggerStream stream(model);
                std::vector<float> got;
                for (Index start = 0; start < power.cols(); start += piece) {
                    const Index n = std::min(piece, power.cols() - start);
                    const auto out = stream.push(power.middleCols(start, n));
                    got.insert(got.end(), out.begin(), out.end());
                    QCOMPARE(stream.outputsDone(), std::int64_t(got.size()));
                }
                QCOMPARE(got.size(), whole.size());
                for (size_t t = 0; t < got.size(); ++t) QVERIFY(std::abs(got[t] - whole[t]) < 1e-5f);
            }
            TriggerStream stream(model);
            QVERIFY(stream.push(MatF(6, 0)).empty());
            QVERIFY(inputErrorOf([&] { stream.push(MatF::Zero(5, 3)); }).contains("5 frequency rows"));
        }
    }

    void saveLoadRoundTrip()
    {
        QTemporaryDir dir;
        for (Index gru2 : {Index(0), Index(3)}) {
            const TriggerDetector<float> model = smallModel(gru2);
            const std::string path = dir.filePath("det.safetensors").toStdString();
            saveTriggerDetector(path, model);
            const auto loaded = loadTriggerDetector(path);
            QVERIFY(loaded->config() == model.config());
            QVERIFY(loaded->conv.W == model.conv.W);
            QVERIFY(loaded->gru1.W == model.gru1.W && loaded->gru1.b == model.gru1.b);
            QVERIFY(loaded->norm1.movingVar == model.norm1.movingVar);
            QVERIFY(loaded->convNorm.movingMean == model.convNorm.movingMean);
            if (gru2 > 0) QVERIFY(loaded->gru2.W == model.gru2.W && loaded->norm2.movingMean == model.norm2.movingMean);
            const MatF power = randomPower(6, 33, 4);
            QVERIFY(detectorProbabilities(*loaded, power) == detectorProbabilities(model, power));
        }
        // The course preset survives too (its dropout 0.8 is not exact in binary).
        const TriggerDetector<float> course(courseTriggerConfig());
        const std::string path = dir.filePath("course.safetensors").toStdString();
        saveTriggerDetector(path, course);
        QVERIFY(loadTriggerDetector(path)->config() == courseTriggerConfig());
    }

    // The rule a model was scored with travels in its file; a file without one reads with no rule.
    void detectionRuleRoundTrip()
    {
        QTemporaryDir dir;
        const TriggerDetector<float> model = smallModel(0);
        const std::string with = dir.filePath("with.safetensors").toStdString(),
                          without = dir.filePath("without.safetensors").toStdString();
        saveTriggerDetector(with, model, {.threshold = 0.65, .consecutive = 12});
        saveTriggerDetector(without, model);
        const TriggerModelFile a = readTriggerModelFile(with), b = readTriggerModelFile(without);
        QVERIFY(a.rule.has_value());
        QCOMPARE(a.rule->threshold, 0.65);
        QCOMPARE(a.rule->consecutive, 12);
        QVERIFY(a.model->conv.W == model.conv.W);
        QVERIFY(!b.rule.has_value());
        QVERIFY(b.model->gru1.W == model.gru1.W);
        ModelFile f = loadModel(with);
        f.hyper["threshold"] = "1.5";
        const std::string bad = dir.filePath("bad.safetensors").toStdString();
        saveModel(bad, f);
        QVERIFY(inputErrorOf([&] { readTriggerModelFile(bad); }).contains("threshold = \"1.5\""));
        f = loadModel(with);
        f.hyper.erase("consecutive");
        saveModel(bad, f);
        QVERIFY(inputErrorOf([&] { readTriggerModelFile(bad); }).contains("consecutive is missing"));
    }

    void badFilesAreRejected()
    {
        QTemporaryDir dir;
        const std::string garbage = dir.filePath("garbage.safetensors").toStdString();
        std::ofstream(garbage) << "not a model";
        QVERIFY(!inputErrorOf([&] { loadTriggerDetector(garbage); }).isEmpty());
        QVERIFY(!inputErrorOf([&] { loadTriggerDetector(dir.filePath("missing").toStdString()); }).isEmpty());
        // Another lab's model.
        ModelFile other;
        other.kind = "charlm";
        other.vocab = {"a"};
        const std::string charlm = dir.filePath("charlm.safetensors").toStdString();
        saveModel(charlm, other);
        QVERIFY(inputErrorOf([&] { loadTriggerDetector(charlm); }).contains("not a trigger-word detector"));
        // A tensor of the wrong shape.
        const TriggerDetector<float> model = smallModel(0);
        const std::string good = dir.filePath("good.safetensors").toStdString();
        saveTriggerDetector(good, model);
        ModelFile f = loadModel(good);
        f.tensors["gru1.W"] = tensorFromMatrix(Eigen::MatrixXf(Eigen::MatrixXf::Zero(2, 2)));
        const std::string bad = dir.filePath("bad.safetensors").toStdString();
        saveModel(bad, f);
        QVERIFY(inputErrorOf([&] { loadTriggerDetector(bad); }).contains("gru1.W is 2 x 2"));
        f = loadModel(good);
        f.tensors.erase("norm1.moving_variance");
        saveModel(bad, f);
        QVERIFY(inputErrorOf([&] { loadTriggerDetector(bad); }).contains("norm1.moving_variance is missing"));
        f = loadModel(good);
        f.hyper["features"] = "mel";
        saveModel(bad, f);
        QVERIFY(inputErrorOf([&] { loadTriggerDetector(bad); }).contains("features"));
    }

    void badShapesAreRejected()
    {
        TriggerDetector<float> model = smallModel(0);
        Rng rng(1);
        QVERIFY(inputErrorOf([&] { model.forward(MatF::Ones(5, 20), 1, {}, rng); }).contains("6 frequency rows"));
        QVERIFY(inputErrorOf([&] { model.forward(MatF::Ones(6, 21), 2, {}, rng); }).contains("m = 2"));
        QVERIFY(inputErrorOf([&] { model.forward(MatF::Ones(6, 3), 1, {}, rng); }).contains("at least 4 frames"));
        const std::vector<float> labels(3, 0.0f);
        QVERIFY(inputErrorOf([&] { model.forward(MatF::Ones(6, 20), 1, labels, rng); }).contains("3 labels"));
        QVERIFY(inputErrorOf([&] { detectorProbabilities(model, MatF::Ones(6, 3)); }).contains("6 x 3"));
        QVERIFY(inputErrorOf([&] { detectorProbabilities(model, MatF::Ones(7, 30)); }).contains("7 x 30"));
        QVERIFY(inputErrorOf([&] { model.updateMovingStatistics(); }).contains("training forward"));
        QVERIFY(inputErrorOf([] { TriggerDetector<float>({.dropout = 1.0}); }).contains("dropout"));
        QVERIFY(inputErrorOf([] { TriggerDetector<float>({.filters = 0}); }).contains("filters = 0"));
    }

    // Training moves the moving statistics towards the batch's and only in training mode.
    void movingStatisticsFollowTraining()
    {
        TriggerDetector<float> model = smallModel(0);
        const MatF X = randomPower(6, 20, 9);
        Rng rng(1);
        const MatF before = model.convNorm.movingMean;
        model.forward(X, 1, {}, rng, Mode::Train);
        model.updateMovingStatistics();
        QVERIFY(model.convNorm.movingMean != before);
        model.forward(X, 1, {}, rng, Mode::Infer);
        QVERIFY(inputErrorOf([&] { model.updateMovingStatistics(); }).contains("training forward"));
    }
};

QTEST_GUILESS_MAIN(TestDetector)
#include "tst_detector.moc"
