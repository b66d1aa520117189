// Tests for audio/Audio: levels, gain, overlay and silence with pydub's semantics (the course's §7.1–7.2 calls).
// Expected values are closed forms: a sine of amplitude A has RMS A / sqrt(2); pydub's dBFS of a 16-bit file is
// 20 log10(rms / 32768), which for samples s / 32768 is our 20 log10(rms).
#include "audio/Audio.hpp"
#include "util/Error.hpp"

#include "../InputErrorOf.hpp"

#include <QtTest>

#include <cmath>
#include <numbers>

using namespace unroll;
using unroll::test::inputErrorOf;

namespace {

AudioClip sine(double hz, double amplitude, double seconds, int rate)
{
    AudioClip c;
    c.sampleRate = rate;
    c.samples.resize(std::size_t(seconds * rate));
    for (std::size_t i = 0; i < c.samples.size(); ++i)
        c.samples[i] = float(amplitude * std::sin(2 * std::numbers::pi * hz * double(i) / rate));
    return c;
}

} // namespace

class TestAudio : public QObject {
    Q_OBJECT
private slots:
    void dbfsOfASineIsItsRmsLevel()
    {
        // 1 s of 441 Hz: a whole number of periods, so the RMS is exactly A / sqrt(2) up to float rounding.
        const AudioClip c = sine(441, 0.5, 1.0, 44100);
        QVERIFY(std::fabs(dbfs(c.samples) - (20 * std::log10(0.5) - 10 * std::log10(2.0))) < 1e-5);
    }

    void dbfsOfFullScaleSquareIsZeroAndOfHalfScaleSixDbDown()
    {
        std::vector<float> sq(1000);
        for (std::size_t i = 0; i < sq.size(); ++i)
            sq[i] = (i / 10) % 2 ? -1.0f : 1.0f;
        QCOMPARE(dbfs(sq), 0.0);
        // pydub on a 16-bit file of samples +-16384: 20 log10(16384 / 32768) = -6.0206 dBFS.
        for (float& s : sq)
            s *= 16384.0f / 32768.0f;
        QVERIFY(std::fabs(dbfs(sq) - -6.020599913279624) < 1e-12);
    }

    void dbfsOfSilenceAndEmptyIsMinusInfinity()
    {
        QVERIFY(std::isinf(dbfs(std::vector<float>(100, 0.0f))) && dbfs(std::vector<float>(100, 0.0f)) < 0);
        QVERIFY(std::isinf(dbfs({})) && dbfs({}) < 0);
    }

    void gainScalesAmplitudeAndShiftsLevel()
    {
        AudioClip c = sine(441, 0.25, 0.1, 44100);
        const double before = dbfs(c.samples);
        const float s10 = c.samples[10];
        applyGain(c, 6.0);
        QVERIFY(std::fabs(c.samples[10] - s10 * std::pow(10.0, 6.0 / 20)) < 1e-6);
        QVERIFY(std::fabs(dbfs(c.samples) - (before + 6.0)) < 1e-5);
        applyGain(c, -12.0);
        QVERIFY(std::fabs(dbfs(c.samples) - (before - 6.0)) < 1e-5);
        // No clipping: floats have headroom (pydub's 16-bit samples would clip; the lab adds clips to backgrounds).
        applyGain(c, 20.0);
        QVERIFY(*std::max_element(c.samples.begin(), c.samples.end()) > 1.0f);
        QVERIFY(!inputErrorOf([&] { applyGain(c, std::nan("")); }).isEmpty());
    }

    void matchTargetAmplitudeReachesTheTarget()
    {
        AudioClip c = sine(300, 0.03, 0.5, 16000);
        matchTargetAmplitude(c, -20.0);
        QVERIFY(std::fabs(dbfs(c.samples) - -20.0) < 1e-4);
        AudioClip quiet = silence(0.5, 16000);
        matchTargetAmplitude(quiet, -20.0); // silence has no level to match: unchanged, no NaN
        for (const float s : quiet.samples)
            QCOMPARE(s, 0.0f);
    }

    void overlayAddsAtThePositionAndKeepsTheBaseLength()
    {
        AudioClip base = silence(1.0, 1000);
        base.samples[500] = 0.25f;
        AudioClip clip;
        clip.sampleRate = 1000;
        clip.samples = {1, 2, 3, 4};
        overlay(base, clip, 499);
        QCOMPARE(base.size(), std::int64_t(1000));
        QCOMPARE(base.samples[498], 0.0f);
        QCOMPARE(base.samples[499], 1.0f);
        QCOMPARE(base.samples[500], 2.25f);
        QCOMPARE(base.samples[502], 4.0f);
        QCOMPARE(base.samples[503], 0.0f);
    }

    void overlayPastTheEndIsDropped()
    {
        AudioClip base = silence(0.01, 1000); // 10 samples
        AudioClip clip;
        clip.sampleRate = 1000;
        clip.samples = {1, 1, 1, 1};
        overlay(base, clip, 8);
        QCOMPARE(base.size(), std::int64_t(10));
        QCOMPARE(base.samples[7], 0.0f);
        QCOMPARE(base.samples[8], 1.0f);
        QCOMPARE(base.samples[9], 1.0f);
        overlay(base, clip, 10); // starts at the end: nothing
        overlay(base, clip, 1000);
        QCOMPARE(base.size(), std::int64_t(10));
        QCOMPARE(base.samples[9], 1.0f);
    }

    void overlayRejectsARateMismatchAndANegativeStart()
    {
        AudioClip base = silence(1.0, 44100);
        const AudioClip other = silence(0.1, 16000);
        const QString msg = inputErrorOf([&] { overlay(base, other, 0); });
        QVERIFY2(msg.contains("16000") && msg.contains("44100"), qPrintable(msg));
        const AudioClip same = silence(0.1, 44100);
        QVERIFY(!inputErrorOf([&] { overlay(base, same, -1); }).isEmpty());
    }

    void millisecondsAndSampleAtFollowPydub()
    {
        AudioClip c = silence(10.0, 44100);
        QCOMPARE(c.size(), std::int64_t(441000));
        QCOMPARE(c.milliseconds(), std::int64_t(10000));
        QCOMPARE(c.sampleAt(3.2), std::int64_t(141120));
        QCOMPARE(c.sampleAt(0.3), std::int64_t(13230));
        // 0.3 * 10 = 2.9999999999999996 in doubles: a millisecond position must still land on its sample.
        AudioClip d = silence(1.0, 10);
        QCOMPARE(d.sampleAt(0.3), std::int64_t(3));
        // len() rounds to the nearest millisecond: 22051 samples at 44.1 kHz are 500.02 ms -> 500.
        AudioClip e;
        e.sampleRate = 44100;
        e.samples.resize(22051);
        QCOMPARE(e.milliseconds(), std::int64_t(500));
        e.samples.resize(22080); // 500.68 ms
        QCOMPARE(e.milliseconds(), std::int64_t(501));
        QCOMPARE(AudioClip{}.milliseconds(), std::int64_t(0));
    }

    void silenceHasTheRequestedLength()
    {
        QCOMPARE(silence(0.25, 8000).size(), std::int64_t(2000));
        QCOMPARE(silence(0.0, 8000).size(), std::int64_t(0));
        QVERIFY(!inputErrorOf([] { silence(1.0, 0); }).isEmpty());
        QVERIFY(!inputErrorOf([] { silence(-1.0, 8000); }).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAudio)
#include "tst_audio.moc"
