// TriggerTask (TriggerTask.hpp): a tiny detector trained on short synthesized clips learns to find a tone burst among
// noise bursts, on held-out "voices" (tone pitches) it never heard; a seed gives the same run; the synthesized data do
// not depend on the thread count; bad options are refused.
#include "trigger/TriggerTask.hpp"

#include "../InputErrorOf.hpp"
#include "math/Rng.hpp"
#include "util/Threads.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <numbers>

using namespace unroll;
using unroll::test::inputErrorOf;

namespace {

// A 300 ms burst at the lab's rate with 20 ms fades: a tone of `hz` (the "word"), or noise (hz = 0: the "other word").
AudioClip burst(double hz, std::uint32_t seed)
{
    AudioClip c;
    c.sampleRate = kLabRate;
    const int n = int(0.3 * kLabRate), fade = int(0.02 * kLabRate);
    c.samples.resize(size_t(n));
    Rng rng(seed);
    for (int i = 0; i < n; ++i) {
        const double env = std::min({1.0, double(i) / fade, double(n - 1 - i) / fade});
        const double v = hz > 0 ? std::sin(2 * std::numbers::pi * hz * i / kLabRate) : rng.randn() * 0.5;
        c.samples[size_t(i)] = float(0.3 * env * v);
    }
    return c;
}

// Five "speakers", each a tone pitch around 1.5 kHz for the positives and its own noise bursts for the negatives;
// splitByVoice holds the fifth out.
ClipLibrary toneLibrary()
{
    ClipLibrary lib;
    lib.sampleRate = kLabRate;
    lib.origin = "test tones";
    for (int s = 0; s < 5; ++s)
        for (int k = 0; k < 3; ++k) {
            const std::string speaker = "tone:" + std::to_string(s);
            lib.positives.push_back({"tone" + std::to_string(s) + std::to_string(k), "tone", true, speaker, "",
                                     burst(1400 + 50 * s + 10 * k, 0)});
            lib.negatives.push_back({"noise" + std::to_string(s) + std::to_string(k), "noise", false, speaker, "",
                                     burst(0, std::uint32_t(10 * s + k))});
        }
    return lib;
}

// 2 s clips: (88200 - 200) / 80 + 1 = 1101 frames -> (1101 - 15) / 4 + 1 = 272 outputs; up to 2 tones and 1 noise.
TriggerOptions tinyOptions()
{
    TriggerOptions o;
    o.model = {.nFreq = 101, .filters = 16, .kernel = 15, .stride = 4, .gru1 = 16, .gru2 = 0, .dropout = 0.1,
               .features = TriggerFeatures::Log};
    o.batch = 8;
    o.stepsPerEpoch = 50;
    o.epochs = 4;
    o.optimizer.learningRate = 0.02;
    o.heldOut = 24;
    o.synthesis.clipMs = 2000;
    o.synthesis.Ty = 272;
    o.synthesis.maxPositives = 2;
    o.synthesis.maxNegatives = 1;
    o.detection = {.threshold = 0.5, .consecutive = 5};
    return o;
}

DetectionScore scoreOn(const TriggerDetector<float>& model, const std::vector<HeldOutClip>& clips,
                       const DetectionOptions& rule)
{
    const SpectrogramEngine engine(courseSpectrogramOptions());
    DetectionScore total;
    for (const auto& h : clips) {
        const auto p = detectorProbabilities(model, engine.compute(h.clip.audio.samples, kLabRate).power);
        const auto times = triggerTimes(detectTriggers(p, rule), 4 * 80.0 / kLabRate);
        total += scoreDetections(times, h.clip.words, h.clip.audio.seconds());
    }
    return total;
}

} // namespace

class TestTriggerTask : public QObject {
    Q_OBJECT

private slots:
    void learnsToDetectAToneBurst()
    {
        const TriggerOptions o = tinyOptions();
        TriggerTask task(toneLibrary(), o);
        QCOMPARE(task.totalSteps(), std::int64_t(200));
        QCOMPARE(task.heldOut().size(), size_t(24));
        // The same detector before training: its scores are the bar to beat.
        TriggerDetector<float> untrained(o.model);
        Rng rng(o.seed);
        untrained.initialize(rng);
        const DetectionScore before = scoreOn(untrained, task.heldOut(), o.detection);
        QVERIFY(before.positives >= 10);
        for (std::int64_t s = 0; s < task.totalSteps(); ++s) task.step();
        QCOMPARE(task.history().size(), size_t(4));
        const TriggerEpoch& last = task.history().back();
        qInfo("untrained recall %.2f precision %.2f; trained loss %.3f, held-out loss %.3f accuracy %.3f recall %.2f "
              "precision %.2f (%lld words)", before.recall(), before.precision(), last.loss, last.heldOutLoss,
              last.heldOutFrameAccuracy, last.heldOut.recall(), last.heldOut.precision(),
              static_cast<long long>(last.heldOut.positives));
        QVERIFY(last.loss < task.history().front().loss);
        QVERIFY(last.heldOut.recall() >= 0.8);
        QVERIFY(last.heldOut.precision() >= 0.8);
        QVERIFY(before.recall() * before.precision() < 0.5 * last.heldOut.recall() * last.heldOut.precision());
        // The task's own score is the one its model gives now (the held-out tracks are the last evaluation's).
        const DetectionScore again = scoreOn(task.model(), task.heldOut(), o.detection);
        QCOMPARE(again.hits, last.heldOut.hits);
        QCOMPARE(again.falseAccepts, last.heldOut.falseAccepts);
        QCOMPARE(task.heldOut()[0].probability.size(), size_t(272));
        QCOMPARE(task.sweep().size(), size_t(19));
        QCOMPARE(task.lastTrainingClip().probability.size(), size_t(272));
    }

    void aSeedGivesTheSameRun()
    {
        TriggerOptions o = tinyOptions();
        o.epochs = 1;
        o.stepsPerEpoch = 4;
        o.heldOut = 4;
        TriggerTask a(toneLibrary(), o), b(toneLibrary(), o);
        for (int s = 0; s < 4; ++s) QCOMPARE(a.step().loss, b.step().loss);
        QVERIFY(a.model().gru1.W == b.model().gru1.W);
        QVERIFY(a.model().norm1.movingVar == b.model().norm1.movingVar);
        QVERIFY(a.heldOut()[3].probability == b.heldOut()[3].probability);
        o.seed = 2;
        TriggerTask c(toneLibrary(), o);
        QVERIFY(c.step().loss != TriggerTask(toneLibrary(), tinyOptions()).step().loss);
    }

    // Each clip is synthesized from its own seed (the run's, the step, its index), so one thread or two make the same
    // examples.
    void examplesDoNotDependOnTheThreadCount()
    {
        TriggerOptions o = tinyOptions();
        o.heldOut = 6;
        TriggerTask a(toneLibrary(), o);
        a.step();
        setThreadCount(1);
        TriggerTask b(toneLibrary(), o);
        b.step();
        useDefaultThreads();
        QVERIFY(a.lastTrainingClip().clip.audio.samples == b.lastTrainingClip().clip.audio.samples);
        QVERIFY(a.lastTrainingClip().clip.labels == b.lastTrainingClip().clip.labels);
        for (size_t i = 0; i < 6; ++i)
            QVERIFY(a.heldOut()[i].clip.audio.samples == b.heldOut()[i].clip.audio.samples);
    }

    // The evaluated and saved detector is the exponential moving average of the stepped weights (TriggerOptions::
    // averageDecay), recomputed here by hand from the training model after every step.
    void averagedWeightsAreEvaluatedAndSaved()
    {
        TriggerOptions o = tinyOptions();
        o.epochs = 1;
        o.stepsPerEpoch = 6;
        o.heldOut = 4;
        o.averageDecay = 0.5;
        TriggerTask task(toneLibrary(), o);
        QVERIFY(&task.model() != &task.trainingModel());
        MatF convW = task.trainingModel().conv.W, gruB = task.trainingModel().gru1.b;
        QVERIFY(task.model().conv.W == convW);
        for (int n = 1; n <= 6; ++n) {
            task.step();
            const float d = float(std::min(0.5, (1.0 + n) / (10.0 + n)));
            convW = d * convW + (1 - d) * task.trainingModel().conv.W;
            gruB = d * gruB + (1 - d) * task.trainingModel().gru1.b;
            QVERIFY(task.model().conv.W.isApprox(convW, 1e-5f));
            QVERIFY(task.model().gru1.b.isApprox(gruB, 1e-5f));
        }
        QVERIFY(!task.model().conv.W.isApprox(task.trainingModel().conv.W, 1e-3f));
        // The held-out scores are the averaged model's.
        const DetectionScore score = scoreOn(task.model(), task.heldOut(), o.detection);
        QCOMPARE(score.hits, task.history().back().heldOut.hits);
        QCOMPARE(score.falseAccepts, task.history().back().heldOut.falseAccepts);
        // saveModel writes the averaged weights and the rule they were scored with.
        QTemporaryDir dir;
        const std::string path = dir.filePath("t.safetensors").toStdString();
        task.saveModel(path);
        const TriggerModelFile f = readTriggerModelFile(path);
        QVERIFY(f.model->conv.W == task.model().conv.W);
        QVERIFY(f.model->norm1.movingVar == task.model().norm1.movingVar);
        QVERIFY(f.rule.has_value());
        QCOMPARE(f.rule->threshold, o.detection.threshold);
        QCOMPARE(f.rule->consecutive, o.detection.consecutive);
        // The breakdowns add up to the totals.
        std::int64_t words = 0, hits = 0, falseAccepts = 0;
        for (const auto& t : task.heldOutBySpeaker()) words += t.words, hits += t.hits;
        for (const auto& t : task.falseAcceptsByWord()) falseAccepts += t.falseAccepts;
        QCOMPARE(words, task.history().back().heldOut.positives);
        QCOMPARE(hits, task.history().back().heldOut.hits);
        QCOMPARE(falseAccepts, task.history().back().heldOut.falseAccepts);
        QCOMPARE(task.heldOutBySpeaker().size(), size_t(1)); // the fifth tone "speaker"
        // Off: one model.
        o.averageDecay = 0;
        TriggerTask plain(toneLibrary(), o);
        QVERIFY(&plain.model() == &plain.trainingModel());
        o.averageDecay = 1;
        QVERIFY(inputErrorOf([&] { TriggerTask(toneLibrary(), o); }).contains("decay 1"));
    }

    // Best-epoch selection (TriggerOptions::validation): after the last step the detector is the one of the epoch with
    // the lowest loss on the validation speakers' clips, weights and moving statistics alike, and the held-out scores
    // and tracks are that detector's. A learning rate of 1 in the last epoch wrecks the weights, so that epoch is not
    // the best.
    void bestEpochIsKept()
    {
        TriggerOptions o = tinyOptions();
        o.epochs = 3;
        o.stepsPerEpoch = 20;
        o.heldOut = 6;
        o.validation = 6;
        o.validationPeriod = 2;
        o.optimizer.schedule = [](std::int64_t step) { return step > 40 ? 1.0 : 0.02; };
        TriggerTask task(toneLibrary(), o);
        // Training speakers tone:0 … tone:3 (tone:4 is held out); every 2nd of them validates.
        QCOMPARE(task.validationSpeakers(), (std::vector<std::string>{"tone:1", "tone:3"}));
        std::vector<TriggerDetector<float>> atEpoch;
        for (std::int64_t s = 0; s < task.totalSteps(); ++s) {
            task.step();
            if (task.stepsDone() % o.stepsPerEpoch == 0 && task.stepsDone() < task.totalSteps())
                atEpoch.push_back(task.model().copyWeights());
        }
        const auto& h = task.history();
        QCOMPARE(h.size(), size_t(3));
        for (const auto& e : h) QVERIFY(e.validation.positives > 0 && e.validationLoss > 0);
        qInfo("validation losses %.4f %.4f %.4f; best epoch %d", h[0].validationLoss, h[1].validationLoss,
              h[2].validationLoss, task.bestEpoch());
        QVERIFY(h[2].validationLoss > std::min(h[0].validationLoss, h[1].validationLoss));
        const int best = h[0].validationLoss <= h[1].validationLoss ? 1 : 2;
        QCOMPARE(task.bestEpoch(), best);
        const TriggerDetector<float>& kept = atEpoch[size_t(best - 1)];
        QVERIFY(task.model().conv.W == kept.conv.W);
        QVERIFY(task.model().gru1.W == kept.gru1.W);
        QVERIFY(task.model().output.W == kept.output.W);
        QVERIFY(task.model().norm1.movingVar == kept.norm1.movingVar);
        QVERIFY(task.model().convNorm.movingMean == kept.convNorm.movingMean);
        const DetectionScore score = scoreOn(task.model(), task.heldOut(), o.detection);
        QCOMPARE(score.hits, h[size_t(best - 1)].heldOut.hits);
        QCOMPARE(score.falseAccepts, h[size_t(best - 1)].heldOut.falseAccepts);
        // Without validation: the last epoch's detector, no choice.
        o.validation = 0;
        TriggerTask plain(toneLibrary(), o);
        for (std::int64_t s = 0; s < plain.totalSteps(); ++s) plain.step();
        QCOMPARE(plain.bestEpoch(), 0);
        QVERIFY(plain.validationSpeakers().empty());
    }

    // SpecAugment's frequency masks: only whole rows change, each to its own mean over the frames (so a masked row is
    // flat and keeps its level), at most 12 rows per mask; the same Rng state masks the same rows.
    void frequencyMasksFlattenBands()
    {
        Rng fill(7);
        MatF power(101, 40);
        for (Index r = 0; r < power.rows(); ++r)
            for (Index c = 0; c < power.cols(); ++c) power(r, c) = float(1 + fill.randomSample());
        int changedTotal = 0;
        for (std::uint32_t seed = 1; seed <= 20; ++seed) {
            MatF a = power, b = power;
            Rng ra(seed), rb(seed);
            maskFrequencies(a, 2, ra);
            maskFrequencies(b, 2, rb);
            QVERIFY(a == b);
            int changed = 0;
            for (Index r = 0; r < power.rows(); ++r) {
                if (a.row(r) == power.row(r)) continue;
                ++changed;
                QVERIFY(std::abs(a(r, 0) - power.row(r).mean()) < 1e-5f);
                QVERIFY((a.row(r).array() == a(r, 0)).all());
            }
            QVERIFY(changed <= 24);
            changedTotal += changed;
        }
        QVERIFY(changedTotal > 20 * 2 * 3); // widths average 6 rows: far more than nothing
        MatF same = power;
        Rng r0(1);
        maskFrequencies(same, 0, r0);
        QVERIFY(same == power);
    }

    void badOptionsAreRefused()
    {
        TriggerOptions o = tinyOptions();
        o.batch = 0;
        QVERIFY(inputErrorOf([&] { TriggerTask(toneLibrary(), o); }).contains("batch 0"));
        o = tinyOptions();
        o.optimizer.learningRate = -1;
        QVERIFY(inputErrorOf([&] { TriggerTask(toneLibrary(), o); }).contains("learning rate"));
        o = tinyOptions();
        o.synthesis.Ty = 1375; // 2 s clips give 272 outputs
        QVERIFY(inputErrorOf([&] { TriggerTask(toneLibrary(), o); }).contains("272 outputs"));
        ClipLibrary empty = toneLibrary();
        empty.positives.clear();
        QVERIFY(inputErrorOf([&] { TriggerTask(empty, tinyOptions()); }).contains("no positive clips"));
        ClipLibrary slow = toneLibrary();
        slow.sampleRate = 16000;
        QVERIFY(inputErrorOf([&] { TriggerTask(slow, tinyOptions()); }).contains("16000 Hz"));
    }
};

QTEST_GUILESS_MAIN(TestTriggerTask)
#include "tst_triggertask.moc"
