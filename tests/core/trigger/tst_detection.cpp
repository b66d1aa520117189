// Detection.hpp: the firing rule (k consecutive steps, one word one trigger, re-arming below the threshold), times,
// the chime and its insertion, scoring against a clip's words, and the threshold sweep.
#include "trigger/Detection.hpp"

#include "../InputErrorOf.hpp"

#include <QTest>

#include <cmath>

using namespace unroll;
using unroll::test::inputErrorOf;

namespace {

std::vector<float> track(std::initializer_list<std::pair<int, float>> runs)
{
    std::vector<float> p;
    for (auto [n, v] : runs) p.insert(p.end(), size_t(n), v);
    return p;
}

PlacedWord word(int startMs, int endMs, bool positive)
{
    return {{startMs, endMs}, positive ? "activate" : "lamp", positive, 0};
}

} // namespace

class TestDetection : public QObject {
    Q_OBJECT

private slots:
    void firesAtTheKthConsecutiveStep()
    {
        // 5 low, 10 high: with k = 3 the third high step (index 7) fires.
        const auto p = track({{5, 0.1f}, {10, 0.9f}});
        QCOMPARE(detectTriggers(p, {.threshold = 0.5, .consecutive = 3}), (std::vector<std::int64_t>{7}));
        QCOMPARE(detectTriggers(p, {.threshold = 0.5, .consecutive = 1}), (std::vector<std::int64_t>{5}));
        QCOMPARE(detectTriggers(p, {.threshold = 0.5, .consecutive = 10}), (std::vector<std::int64_t>{14}));
        QVERIFY(detectTriggers(p, {.threshold = 0.5, .consecutive = 11}).empty());
        // The threshold itself counts as above (p >= threshold).
        QCOMPARE(detectTriggers(track({{4, 0.5f}}), {.threshold = 0.5, .consecutive = 4}),
                 (std::vector<std::int64_t>{3}));
    }

    // A long plateau fires once (the course's counter reset would fire again every k steps); a dip below the threshold
    // re-arms, and a run shorter than k does not fire.
    void oneWordOneTrigger()
    {
        const auto plateau = track({{2, 0.0f}, {100, 0.95f}});
        QCOMPARE(detectTriggers(plateau, {.threshold = 0.5, .consecutive = 20}), (std::vector<std::int64_t>{21}));
        const auto two = track({{30, 0.9f}, {1, 0.2f}, {25, 0.9f}, {3, 0.1f}, {19, 0.9f}});
        QCOMPARE(detectTriggers(two, {.threshold = 0.5, .consecutive = 20}), (std::vector<std::int64_t>{19, 50}));
        // A one-step flicker below the threshold inside a word re-arms: that is the rule (k guards against it).
        const auto flicker = track({{25, 0.9f}, {1, 0.4f}, {5, 0.9f}});
        QCOMPARE(detectTriggers(flicker, {.threshold = 0.5, .consecutive = 5}), (std::vector<std::int64_t>{4, 30}));
    }

    void badOptionsAreRejected()
    {
        const auto p = track({{5, 0.1f}});
        QVERIFY(inputErrorOf([&] { detectTriggers(p, {.threshold = 0.5, .consecutive = 0}); }).contains("at least 1"));
        QVERIFY(inputErrorOf([&] { detectTriggers(p, {.threshold = std::nan(""), .consecutive = 2}); })
                    .contains("not a number"));
        QVERIFY(detectTriggers({}, {}).empty());
    }

    void timesAreStepsTimesTheFrame()
    {
        // The course's model: stride 4 x hop 80 / 44100 Hz = 7.256 ms per output step.
        const double frame = 4 * 80 / 44100.0;
        const std::vector<std::int64_t> steps = {0, 1375 / 2, 1374};
        const auto t = triggerTimes(steps, frame);
        QCOMPARE(t.size(), size_t(3));
        QCOMPARE(t[0], 0.0);
        QVERIFY(std::abs(t[1] - 687 * frame) < 1e-12);
        QVERIFY(std::abs(t[2] - 9.9701) < 1e-4);
    }

    void chimeIsAShortBell()
    {
        const AudioClip chime = makeChime(44100);
        QCOMPARE(chime.sampleRate, 44100);
        QCOMPARE(chime.size(), std::int64_t(13230)); // 0.3 s
        QCOMPARE(chime.samples[0], 0.0f);            // the attack starts from silence: no click
        float peak = 0;
        for (float s : chime.samples) peak = std::max(peak, std::abs(s));
        QVERIFY(peak > 0.3f && peak < 0.6f);
        // Decays: the last 10 ms are far quieter than the peak.
        float tail = 0;
        for (size_t n = chime.samples.size() - 441; n < chime.samples.size(); ++n)
            tail = std::max(tail, std::abs(chime.samples[n]));
        QVERIFY(tail < 0.05f * peak);
        // Its energy lies at 880 Hz: the correlation with a sine there is far above that at 600 Hz.
        auto power = [&](double hz) {
            double c = 0, s = 0;
            for (size_t n = 0; n < chime.samples.size(); ++n) {
                const double ph = 2 * M_PI * hz * double(n) / 44100;
                c += chime.samples[n] * std::cos(ph);
                s += chime.samples[n] * std::sin(ph);
            }
            return c * c + s * s;
        };
        QVERIFY(power(880) > 50 * power(600));
        QVERIFY(!inputErrorOf([] { makeChime(10); }).isEmpty());
    }

    void chimesAreAddedAtTheirTimesAndCutAtTheEnd()
    {
        AudioClip audio;
        audio.sampleRate = 8000;
        audio.samples.assign(8000, 0.25f); // 1 s
        const AudioClip chime = makeChime(8000);
        const std::vector<double> times = {0.1, 0.9};
        insertChimes(audio, times, chime);
        QCOMPARE(audio.size(), std::int64_t(8000));                 // the length is kept
        QCOMPARE(audio.samples[799], 0.25f);                        // before the first chime: untouched
        QCOMPARE(audio.samples[800 + 100], 0.25f + chime.samples[100]);
        QCOMPARE(audio.samples[7200 + 500], 0.25f + chime.samples[500]); // the second, cut at 1 s
        AudioClip other = makeChime(16000);
        QVERIFY(inputErrorOf([&] { insertChimes(audio, times, other); }).contains("16000 Hz"));
        const std::vector<double> negative = {-1.0};
        QVERIFY(inputErrorOf([&] { insertChimes(audio, negative, chime); }).contains("before the start"));
    }

    void scoringMatchesEachWordOnce()
    {
        // Positives at 1.0-1.8 s and 5.0-5.9 s, a negative at 3.0-3.5 s, and a positive that found no free segment
        // (the course's (10000, 10000)): not in the clip, not counted.
        const std::vector<PlacedWord> words = {word(1000, 1800, true), word(5000, 5900, true), word(3000, 3500, false),
                                               word(10000, 10000, true)};
        // 1.9 s: within the first word's end + 0.6 s; 2.1 s: a second detection of the same word (false accept);
        // 3.2 s: on the negative (false accept); 6.6 s: past the second word's end + 0.6 (false accept).
        const std::vector<double> detections = {2.1, 1.9, 3.2, 6.6};
        const DetectionScore s = scoreDetections(detections, words, 10.0);
        QCOMPARE(s.positives, std::int64_t(2));
        QCOMPARE(s.hits, std::int64_t(1));
        QCOMPARE(s.falseAccepts, std::int64_t(3));
        QCOMPARE(s.seconds, 10.0);
        QCOMPARE(s.recall(), 0.5);
        QCOMPARE(s.precision(), 0.25);
        QCOMPARE(s.falseAcceptsPerHour(), 3 * 360.0);
        // The window is inclusive at both ends: start, and end + tolerance.
        const std::vector<double> edges = {1.0, 6.5};
        const DetectionScore e = scoreDetections(edges, words, 10.0);
        QCOMPARE(e.hits, std::int64_t(2));
        QCOMPARE(e.falseAccepts, std::int64_t(0));
        // Nothing to find, nothing found: perfect scores by convention.
        const DetectionScore none = scoreDetections({}, {}, 10.0);
        QCOMPARE(none.recall(), 1.0);
        QCOMPARE(none.precision(), 1.0);
        DetectionScore sum = s;
        sum += e;
        QCOMPARE(sum.positives, std::int64_t(4));
        QCOMPARE(sum.hits, std::int64_t(3));
        QCOMPARE(sum.seconds, 20.0);
    }

    void sweepTradesMissesForFalseAccepts()
    {
        // One clip of 100 steps of 0.1 s: a positive word at 2.0-2.5 s whose track reaches 0.8 from step 20 to 34,
        // and a bump of 0.4 at steps 60-79 over nothing.
        ScoredTrack t;
        t.probability = track({{20, 0.05f}, {15, 0.8f}, {25, 0.05f}, {20, 0.4f}, {20, 0.05f}});
        t.words = {word(2000, 2500, true)};
        t.clipSeconds = 10;
        t.frameSeconds = 0.1;
        const std::vector<ScoredTrack> tracks = {t};
        const std::vector<double> thresholds = {0.3, 0.5, 0.9};
        const auto sweep = sweepThresholds(tracks, thresholds, 5);
        QCOMPARE(sweep.size(), size_t(3));
        QCOMPARE(sweep[0].threshold, 0.3);
        QCOMPARE(sweep[0].falseRejectRate, 0.0); // finds the word, and fires on the bump
        QCOMPARE(sweep[0].falseAcceptsPerHour, 360.0);
        QCOMPARE(sweep[1].falseRejectRate, 0.0); // the word only
        QCOMPARE(sweep[1].falseAcceptsPerHour, 0.0);
        QCOMPARE(sweep[2].falseRejectRate, 1.0); // nothing
        QCOMPARE(sweep[2].falseAcceptsPerHour, 0.0);
    }
};

QTEST_GUILESS_MAIN(TestDetection)
#include "tst_detection.moc"
