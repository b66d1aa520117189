// The date translator (Translator.hpp, TranslatorTask.hpp): the course's parameter count, the whole model's gradient
// checks, the loss convention, attention weights, greedy and beam decoding, const inference, training a tiny task to
// exactness, thread-count independence, the per-epoch learning rate, and model files.
#include "translate/TranslatorTask.hpp"

#include "../InputErrorOf.hpp"
#include "io/ModelFile.hpp"
#include "math/Rng.hpp"
#include "nn/GradCheckSuite.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace unroll;
using unroll::test::inputErrorOf;

namespace {

// A small model of random weights (Keras' initialisation, then random biases so that the outputs are not near-uniform).
Translator<float> smallModel(bool attention, bool feedPrevious, std::uint32_t seed = 3)
{
    Translator<float> model({.sourceVocab = 9, .targetVocab = 6, .Tx = 7, .Ty = 5, .n_a = 5, .n_s = 8, .n_h = 4,
                             .attention = attention, .feedPrevious = feedPrevious, .endId = 5});
    Rng rng(seed);
    model.initialize(rng);
    for (const auto& p : model.parameters())
        if (p.name.ends_with(".b")) *p.value = (rng.randn(p.value->rows(), p.value->cols()) * 0.8).cast<float>();
    model.output.W *= 4.0f; // peaked outputs: decoding choices that differ from step to step
    if (feedPrevious) model.decoder.W.rightCols(6) *= 4.0f; // the previous symbol weighs on the next choice
    return model;
}

std::vector<std::vector<std::int32_t>> randomSources(const TranslatorConfig& c, int n, std::uint32_t seed)
{
    Rng rng(seed);
    std::vector<std::vector<std::int32_t>> out(size_t(n), std::vector<std::int32_t>(size_t(c.Tx)));
    for (auto& s : out)
        for (auto& x : s) x = std::int32_t(rng.randint(0, c.sourceVocab));
    return out;
}

// Pairs of a toy transduction: four letters of "abcde" and the same letters reversed (target "dcba" for "abcd").
TranslationData reversalData(int n)
{
    TranslationData d;
    Rng rng(7);
    const std::string letters = "abcde";
    for (int i = 0; i < n; ++i) {
        std::string s;
        for (int k = 0; k < 4; ++k) s += letters[size_t(rng.randint(0, 5))];
        d.pairs.push_back({s, std::string(s.rbegin(), s.rend())});
    }
    d.source = SymbolVocab({"a", "b", "c", "d", "e", std::string(kUnknownSymbol), std::string(kPadSymbol)});
    d.target = SymbolVocab({"a", "b", "c", "d", "e"});
    d.Tx = 5;
    d.Ty = 4;
    d.sourceName = "reversal";
    return d;
}

MatF weightsOf(const Translator<float>& model)
{
    Translator<float> copy = model.copyWeights();
    Index n = 0;
    for (const auto& p : copy.parameters()) n += p.size();
    MatF all(n, 1);
    Index k = 0;
    for (const auto& p : copy.parameters()) {
        all.middleRows(k, p.size()) = p.value->reshaped();
        k += p.size();
    }
    return all;
}

} // namespace

class TestTranslator : public QObject {
    Q_OBJECT
private slots:
    void parameterCountIsTheCourses()
    {
        // Course model summary: Bi-LSTM 17,920 + Dense(10) 1,290 + Dense(1) 11 + post-attention LSTM 33,024 +
        // Dense(11) 715 = 52,960; without the attention block 51,659.
        QCOMPARE(translatorParameterCount({}), std::int64_t(52960));
        QCOMPARE(translatorParameterCount({.attention = false}), std::int64_t(51659));
        for (bool attention : {true, false}) {
            Translator<float> model({.attention = attention, .feedPrevious = !attention});
            std::int64_t sum = 0;
            for (const auto& p : model.parameters()) sum += p.size();
            QCOMPARE(sum, model.parameterCount());
            QCOMPARE(sum, translatorParameterCount(model.config()));
        }
        QCOMPARE(Translator<float>(TranslatorConfig{}).parameters().size(), size_t(12));
        QVERIFY(inputErrorOf([] { Translator<float>({.n_a = 0}); }).contains("n_a = 0"));
        QVERIFY(inputErrorOf([] { Translator<float>({.endId = 11}); }).contains("end symbol 11"));
    }

    void wholeModelMatchesFiniteDifferences()
    {
        const auto report = runGradCheckSuite(1, "translator");
        QCOMPARE(int(report.checks.size()), 3);
        for (const auto& e : report.checks) {
            QVERIFY2(e.passed(), qPrintable(QString::fromStdString(e.name) + " double: " + QString::number(e.error)));
            QVERIFY(e.tensors.size() >= 8); // 8 without attention, 11 with (b2 left out, see TranslatorChecks.cpp)
        }
        for (const auto& e : report.floatChecks)
            QVERIFY2(e.passed(), qPrintable(QString::fromStdString(e.name) + " float: " + QString::number(e.error)));
        // The fast attention path the translator uses, on its own.
        QVERIFY(runGradCheckSuite(1, "attention_keys").passed());
    }

    void lossSumsTheStepMeansOverTheOutputSteps()
    {
        // Keras' multi-output loss: per output step the mean over the m examples, summed over the steps; an unscored
        // position (after <end>) adds nothing but the mean still divides by m.
        Translator<float> model = smallModel(true, false);
        const auto& c = model.config();
        const Index m = 3;
        std::vector<std::int32_t> source(size_t(m * c.Tx)), target(size_t(m * c.Ty));
        Rng rng(11);
        for (auto& x : source) x = std::int32_t(rng.randint(0, c.sourceVocab));
        for (auto& y : target) y = std::int32_t(rng.randint(0, c.targetVocab));
        target[size_t((c.Ty - 1) * m + 1)] = kNoTarget;
        const double loss = model.forward(source, target, m);
        double expected = 0;
        for (Index t = 0; t < c.Ty; ++t) {
            const MatF& p = model.probabilities(t);
            QCOMPARE(p.rows(), Index(c.targetVocab));
            for (Index i = 0; i < m; ++i) {
                QVERIFY(std::abs(p.col(i).sum() - 1) < 1e-5);
                const auto y = target[size_t(t * m + i)];
                if (y != kNoTarget) expected -= std::log(double(p(y, i))) / double(m);
            }
        }
        QVERIFY2(std::abs(loss - expected) < 1e-5 * expected, qPrintable(QString::number(loss - expected)));
        QVERIFY(inputErrorOf([&] { model.forward(source, target, m + 1); }).contains("m*Tx"));
        source[4] = std::int32_t(c.sourceVocab);
        QVERIFY(inputErrorOf([&] { model.forward(source, target, m); }).contains("outside the vocabulary of 9"));
    }

    void attentionRowsSumToOne()
    {
        Translator<float> model = smallModel(true, true);
        const auto& c = model.config();
        const auto sources = randomSources(c, 4, 5);
        std::vector<std::int32_t> x(size_t(4 * c.Tx)), y(size_t(4 * c.Ty), 2);
        for (Index i = 0; i < 4; ++i)
            for (Index t = 0; t < c.Tx; ++t) x[size_t(t * 4 + i)] = sources[size_t(i)][size_t(t)];
        model.forward(x, y, 4);
        for (Index t = 0; t < c.Ty; ++t) {
            QCOMPARE(model.alpha(t).rows(), Index(c.Tx));
            QCOMPARE(model.alpha(t).cols(), Index(4));
            for (Index i = 0; i < 4; ++i) QVERIFY(std::abs(model.alpha(t).col(i).sum() - 1) < 1e-5);
        }
        for (const auto& d : translateGreedy(model, sources)) {
            QCOMPARE(d.attention.rows(), Index(c.Ty));
            QCOMPARE(d.attention.cols(), Index(c.Tx));
            for (Index t = 0; t < c.Ty; ++t) QVERIFY(std::abs(d.attention.row(t).sum() - 1) < 1e-5);
            QVERIFY((d.attention.array() >= 0).all());
        }
        const auto plain = translateGreedy(smallModel(false, false), sources);
        QCOMPARE(plain[0].attention.size(), Index(0));
    }

    void beamOfWidthOneIsGreedy()
    {
        for (bool feedPrevious : {false, true}) {
            const Translator<float> model = smallModel(true, feedPrevious);
            const auto sources = randomSources(model.config(), 12, 21);
            const auto greedy = translateGreedy(model, sources); // all at once; each source is decoded on its own
            for (size_t i = 0; i < sources.size(); ++i) {
                const auto beam = beamSearch(model, sources[i], 1);
                QCOMPARE(beam.best.size(), size_t(1));
                QCOMPARE(beam.best[0].ids, greedy[i].ids);
                QCOMPARE(beam.best[0].logProb, greedy[i].logProb); // exactly
                QCOMPARE(beam.best[0].attention, greedy[i].attention);
                QCOMPARE(beam.steps.size(), size_t(model.config().Ty));
                QCOMPARE(translateGreedy(model, {sources[i]})[0].logProb, greedy[i].logProb);
            }
            // After <end> (symbol 5 of this model, made likelier here) nothing more is written.
            Translator<float> ending = model.copyWeights();
            ending.output.b(5, 0) += 3.0f;
            int ended = 0;
            for (const auto& d : translateGreedy(ending, sources)) {
                QCOMPARE(d.ids.size(), size_t(model.config().Ty));
                const auto end = std::find(d.ids.begin(), d.ids.end(), model.config().endId);
                if (end == d.ids.end()) continue;
                ++ended;
                QVERIFY(std::all_of(end + 1, d.ids.end(), [](auto y) { return y == kNoTarget; }));
            }
            QVERIFY(ended >= 1);
        }
        // Without attention too.
        const Translator<float> plain = smallModel(false, true);
        const auto sources = randomSources(plain.config(), 5, 4);
        const auto greedy = translateGreedy(plain, sources);
        for (size_t i = 0; i < sources.size(); ++i) QCOMPARE(beamSearch(plain, sources[i], 1).best[0].ids, greedy[i].ids);
        QVERIFY(inputErrorOf([&] { beamSearch(plain, sources[0], 0); }).contains("beam width 0"));
        QVERIFY(inputErrorOf([&] { translateGreedy(plain, {{1, 2}}); }).contains("Tx = 7"));
    }

    void widerBeamFindsAtLeastGreedysLogProb()
    {
        // With the previous symbol fed back the Ty choices depend on each other, so a beam can beat greedy.
        const Translator<float> model = smallModel(true, true);
        const auto& c = model.config();
        const auto sources = randomSources(c, 10, 8);
        const auto greedy = translateGreedy(model, sources);
        int better = 0;
        for (size_t i = 0; i < sources.size(); ++i) {
            const auto beam = beamSearch(model, sources[i], 3);
            QVERIFY(!beam.best.empty() && beam.best.size() <= 3);
            QVERIFY(beam.best[0].logProb >= greedy[i].logProb - 1e-4);
            better += beam.best[0].logProb > greedy[i].logProb + 1e-6;
            for (size_t k = 1; k < beam.best.size(); ++k) QVERIFY(beam.best[k - 1].logProb >= beam.best[k].logProb);
            for (size_t t = 0; t < beam.steps.size(); ++t)
                for (const auto& cand : beam.steps[t]) {
                    QVERIFY(cand.ids.size() <= t + 1);
                    QCOMPARE(cand.finished, !cand.ids.empty() && cand.ids.back() == c.endId);
                    QVERIFY(cand.finished || cand.ids.size() == t + 1);
                }
            // A finished candidate's ids end at <end>; the rest are not targets.
            const auto& ids = beam.best[0].ids;
            const auto end = std::find(ids.begin(), ids.end(), c.endId);
            if (end != ids.end()) QVERIFY(std::all_of(end + 1, ids.end(), [](auto y) { return y == kNoTarget; }));
        }
        QVERIFY(better >= 3); // the test's model is such that the beam finds a better sequence for most sources
    }

    void beamLogProbIsTheTrainingPassLoss()
    {
        // The best candidate's log-prob, scored again by the training pass with its symbols as the targets (teacher
        // forcing feeds the same previous symbols): -ln p summed = the loss of one example.
        Translator<float> model = smallModel(true, true);
        const auto& c = model.config();
        for (const auto& source : randomSources(c, 4, 9)) {
            const auto best = beamSearch(model, source, 3).best[0];
            const double loss = model.forward(source, best.ids, 1);
            QVERIFY2(std::abs(loss + best.logProb) < 1e-4 * std::abs(loss), qPrintable(QString::number(loss + best.logProb)));
        }
    }

    void constInferenceLeavesTheModelAlone()
    {
        Translator<float> model = smallModel(true, true);
        const auto& c = model.config();
        std::vector<std::int32_t> x(size_t(2 * c.Tx), 1), y(size_t(2 * c.Ty), 0);
        model.forward(x, y, 2);
        const MatF alpha0 = model.alpha(0), p1 = model.probabilities(1), before = weightsOf(model);
        const auto sources = randomSources(c, 6, 2);
        const auto first = translateGreedy(model, sources);
        beamSearch(model, sources[0], 4);
        QCOMPARE(weightsOf(model), before);
        QCOMPARE(model.alpha(0), alpha0);         // the training pass's buffers untouched
        QCOMPARE(model.probabilities(1), p1);
        model.backward();                         // still usable after inference
        const Translator<float> copy = model.copyWeights();
        QCOMPARE(copy.config(), c);
        const auto again = translateGreedy(copy, sources);
        for (size_t i = 0; i < sources.size(); ++i) {
            QCOMPARE(again[i].ids, first[i].ids);
            QCOMPARE(again[i].logProb, first[i].logProb);
        }
    }

    void tinyTaskLearnsItsPairsExactly()
    {
        // 60 pairs of reversed four-letter strings, a small model: every training pair right within 60 epochs.
        const TranslationData data = reversalData(60);
        TranslatorTask task(data, {.model = {.n_a = 16, .n_s = 32, .n_h = 8},
                                   .batch = 10,
                                   .epochs = 60,
                                   .optimizer = {.kind = OptimizerKind::Adam, .learningRate = 0.02},
                                   .heldOut = 0});
        QCOMPARE(task.stepsPerEpoch(), std::int64_t(6));
        for (std::int64_t s = 0; s < task.totalSteps(); ++s) task.step();
        QCOMPARE(int(task.history().size()), 60);
        QVERIFY(task.history().back().loss < task.history().front().loss / 10);
        const auto report = validateTranslator(task.model(), data.source, data.target, data.pairs);
        QCOMPARE(report.outputs.size(), data.pairs.size());
        QCOMPARE(report.metrics.exactMatch, 1.0);
        QCOMPARE(report.metrics.charAccuracy, 1.0);
        QVERIFY(std::abs(report.metrics.bleu - 1.0) < 1e-12);
    }

    void resultsDoNotDependOnTheThreadCount()
    {
        const TranslationData data = reversalData(90);
        auto run = [&](int threads) {
            setThreadCount(threads);
            TranslatorTask task(data, {.model = {.n_a = 6, .n_s = 8, .n_h = 4}, .batch = 40, .epochs = 2,
                                       .baseline = true, .heldOut = 10});
            std::vector<double> losses;
            for (int s = 0; s < 5; ++s) losses.push_back(task.step().loss);
            return std::pair{losses, weightsOf(task.model())};
        };
        const auto one = run(1), two = run(2);
        useDefaultThreads();
        QCOMPARE(one.first, two.first); // exactly
        QCOMPARE(one.second, two.second);
    }

    void learningRateDecaysOncePerEpoch()
    {
        const TranslationData data = reversalData(30);
        TranslatorTask task(data, {.model = {.n_a = 4, .n_s = 4, .n_h = 2}, .batch = 8, .epochs = 3,
                                   .optimizer = {.kind = OptimizerKind::Adam, .learningRate = 0.01},
                                   .decay = 0.5, .baseline = true, .heldOut = 6});
        QCOMPARE(task.trainingPairs().size(), size_t(24));
        QCOMPARE(task.stepsPerEpoch(), std::int64_t(3)); // 8 + 8 + 8
        QCOMPARE(task.currentLearningRate(), 0.01);
        std::vector<double> rates;
        for (std::int64_t s = 0; s < task.totalSteps(); ++s) {
            rates.push_back(task.step().learningRate);
            QCOMPARE(std::int64_t(task.history().size()), (s + 1) / 3); // finished epochs only
        }
        QCOMPARE(rates, (std::vector<double>{0.01, 0.01, 0.01, 0.01 / 1.5, 0.01 / 1.5, 0.01 / 1.5, 0.005, 0.005, 0.005}));
        QCOMPARE(task.epochsDone(), 3);
        QCOMPARE(task.currentLearningRate(), 0.01 / 2.5);
        QCOMPARE(int(task.history().size()), 3);
        QCOMPARE(int(task.baselineHistory().size()), 3);
        for (int e = 0; e < 3; ++e) {
            const auto& r = task.history()[size_t(e)];
            QCOMPARE(r.epoch, e + 1);
            QCOMPARE(r.step, std::int64_t(3 * (e + 1)));
            QCOMPARE(r.learningRate, 0.01 / (1 + 0.5 * e));
            QVERIFY(r.loss > 0 && r.seconds > 0);
        }
        QCOMPARE(task.lastReport().outputs.size(), size_t(6));
        QCOMPARE(task.lastBaselineReport().outputs.size(), size_t(6));
        QVERIFY(task.baseline() && !task.baseline()->config().attention);
        TranslatorOptions bad;
        bad.batch = 0;
        QVERIFY(inputErrorOf([&] { TranslatorTask(data, bad); }).contains("batch 0"));
        bad = {};
        bad.epochs = 0;
        QVERIFY(inputErrorOf([&] { TranslatorTask(data, bad); }).contains("epochs 0"));
        bad = {};
        bad.heldOut = 30;
        QVERIFY(!inputErrorOf([&] { TranslatorTask(data, bad); }).isEmpty());
    }

    void savedModelTranslatesTheSame()
    {
        QTemporaryDir dir;
        const std::filesystem::path path = dir.filePath("dates.safetensors").toStdString();
        const TranslationData data = reversalData(20);
        TranslatorTask task(data, {.model = {.n_a = 4, .n_s = 6, .n_h = 3, .feedPrevious = true}, .batch = 5,
                                   .epochs = 1, .heldOut = 0});
        for (int s = 0; s < 2; ++s) task.step();
        task.saveModel(path);
        const LoadedTranslator loaded = loadTranslator(path);
        QCOMPARE(loaded.model->config(), task.model().config());
        QVERIFY(loaded.source == data.source);
        QVERIFY(loaded.target == data.target);
        QCOMPARE(weightsOf(*loaded.model), weightsOf(task.model()));
        std::vector<std::vector<std::int32_t>> sources;
        for (const auto& p : data.pairs) sources.push_back(encodeSource(data.source, data.Tx, p.source));
        const auto a = translateGreedy(task.model(), sources), b = translateGreedy(*loaded.model, sources);
        for (size_t i = 0; i < sources.size(); ++i) {
            QCOMPARE(b[i].ids, a[i].ids);
            QCOMPARE(b[i].logProb, a[i].logProb);
            QCOMPARE(b[i].attention, a[i].attention);
        }
        const ModelFile f = loadModel(path);
        QCOMPARE(f.kind, std::string("translator"));
        QCOMPARE(f.hyper.at("feed_previous"), std::string("1"));
        QCOMPARE(f.hyper.at("target_vocab"), std::string(R"(["a","b","c","d","e"])"));
        QCOMPARE(f.normalization, std::string("lowercase-nocomma"));
    }

    void loadRefusesWhatDoesNotFit()
    {
        QTemporaryDir dir;
        const TranslationData data = reversalData(5);
        Translator<float> model({.sourceVocab = 7, .targetVocab = 5, .Tx = 5, .Ty = 4, .n_a = 3, .n_s = 4, .n_h = 2});
        const ModelFile good = describeTranslator(model, data.source, data.target);
        auto errorOf = [&](const ModelFile& f, const char* name) {
            const std::filesystem::path path = dir.filePath(name).toStdString();
            saveModel(path, f);
            return inputErrorOf([&] { loadTranslator(path); });
        };
        QVERIFY(errorOf(good, "good.safetensors").isEmpty());
        ModelFile f = good;
        f.kind = "charlm";
        QVERIFY(errorOf(f, "kind.safetensors").contains("kind.safetensors: a 'charlm' model, not a translator"));
        f = good;
        f.tensors.erase("decoder.W");
        QVERIFY(errorOf(f, "missing.safetensors").contains("missing.safetensors: tensor decoder.W is missing"));
        f = good;
        f.tensors["output.W"] = tensorFromMatrix(MatF::Zero(5, 3).eval());
        QVERIFY(errorOf(f, "shape.safetensors").contains("tensor output.W is 5 x 3, expected 5 x 4"));
        f = good;
        f.vocab.pop_back(); // a source vocabulary of 6: the encoder's input tensors are one column too wide
        QVERIFY(errorOf(f, "vocab.safetensors").contains("tensor encoder.forward.W is"));
        f = good;
        f.hyper["n_a"] = "three";
        QVERIFY(errorOf(f, "hyper.safetensors").contains("n_a = \"three\""));
        f = good;
        f.hyper.erase("attention");
        QVERIFY(errorOf(f, "flag.safetensors").contains("hyper-parameter attention is missing"));
        f = good;
        f.hyper["target_vocab"] = "[1, 2]";
        QVERIFY(errorOf(f, "target.safetensors").contains("target_vocab is not a JSON list of strings"));
        QVERIFY(inputErrorOf([&] { describeTranslator(model, data.target, data.target); }).contains("vocabularies"));
    }
};

QTEST_GUILESS_MAIN(TestTranslator)
#include "tst_translator.moc"
