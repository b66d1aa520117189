// Tests for trigger/Backgrounds: determinism from the seed, levels, the spectral slopes of the noises (measured with a
// Goertzel filter bank on Hann-windowed frames, independent of the FFT code), the hum's frequency, and babble's need
// for words.
#include "math/Rng.hpp"
#include "trigger/Backgrounds.hpp"
#include "util/Error.hpp"

#include "../InputErrorOf.hpp"

#include <QtTest>

#include <cmath>
#include <numbers>

using namespace unroll;
using unroll::test::inputErrorOf;

namespace {

constexpr int kRate = 16000;

// Mean power at `hz` over Hann-windowed frames of 4096 samples (Goertzel: one DFT bin, recursively).
double powerAt(const std::vector<float>& x, double hz, int rate)
{
    constexpr std::size_t N = 4096;
    const double w = 2 * std::numbers::pi * hz / rate, coeff = 2 * std::cos(w);
    double sum = 0;
    int frames = 0;
    for (std::size_t start = 0; start + N <= x.size(); start += N / 2, ++frames) {
        double s1 = 0, s2 = 0;
        for (std::size_t n = 0; n < N; ++n) {
            const double win = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * double(n) / double(N - 1));
            const double s0 = win * x[start + n] + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        sum += s1 * s1 + s2 * s2 - coeff * s1 * s2;
    }
    return sum / frames;
}

// Mean power over a band of frequencies spaced evenly in log, so one noisy bin does not decide.
double bandPower(const std::vector<float>& x, double centre, int rate)
{
    double p = 0;
    for (int k = -3; k <= 3; ++k) p += powerAt(x, centre * std::pow(2.0, k / 12.0), rate);
    return p / 7;
}

// The spectral slope in dB per decade between 100 Hz and 4 kHz.
double slopeDbPerDecade(const std::vector<float>& x, int rate)
{
    const double lo = bandPower(x, 100, rate), hi = bandPower(x, 4000, rate);
    return 10 * std::log10(hi / lo) / std::log10(4000.0 / 100.0);
}

std::vector<WordClip> words()
{
    std::vector<WordClip> w;
    for (int k = 0; k < 3; ++k) {
        WordClip c;
        c.name = "w" + std::to_string(k);
        c.audio = silence(0.5, kRate);
        for (std::size_t i = 0; i < c.audio.samples.size(); ++i)
            c.audio.samples[i] = float(0.5 * std::sin(2 * std::numbers::pi * (200 + 100 * k) * double(i) / kRate));
        w.push_back(c);
    }
    return w;
}

} // namespace

class TestBackgrounds : public QObject {
    Q_OBJECT

private slots:
    void kindsParseByName()
    {
        for (std::size_t i = 0; i < backgroundKindIds.size(); ++i)
            QCOMPARE(int(parseBackgroundKind(backgroundKindIds[i])), int(i));
        QVERIFY(inputErrorOf([] { parseBackgroundKind("purple"); }).contains("white, pink, brown, hum, babble, room"));
    }

    void sameSeedSameTexture()
    {
        const auto w = words();
        for (std::size_t k = 0; k < backgroundKindIds.size(); ++k) {
            Rng a(7), b(7), c(8);
            const auto kind = BackgroundKind(k);
            const AudioClip x = makeBackground(kind, 2, kRate, a, w), y = makeBackground(kind, 2, kRate, b, w);
            QCOMPARE(x.samples, y.samples);
            QVERIFY(makeBackground(kind, 2, kRate, c, w).samples != x.samples);
            QCOMPARE(x.size(), std::int64_t(2 * kRate));
            QCOMPARE(x.sampleRate, kRate);
        }
    }

    void levelsAroundMinus30Dbfs()
    {
        const auto w = words();
        for (std::uint32_t seed = 0; seed < 6; ++seed)
            for (std::size_t k = 0; k < backgroundKindIds.size(); ++k) {
                Rng rng(seed);
                const AudioClip x = makeBackground(BackgroundKind(k), 1, kRate, rng, w);
                const double level = dbfs(x.samples);
                QVERIFY2(level >= -36.001 && level <= -23.999,
                         qPrintable(QString("%1 seed %2: %3 dBFS").arg(backgroundKindIds[k].data()).arg(seed).arg(level)));
                for (float s : x.samples) QVERIFY(std::isfinite(s) && std::abs(s) < 1);
            }
    }

    void spectralSlopesOfTheNoises()
    {
        // White: flat (0 dB/decade); pink 1/f: -10 dB/decade; brown 1/f^2: -20 dB/decade (above its 20 Hz corner).
        Rng rng(11);
        const double white = slopeDbPerDecade(makeBackground(BackgroundKind::White, 8, kRate, rng).samples, kRate);
        const double pink = slopeDbPerDecade(makeBackground(BackgroundKind::Pink, 8, kRate, rng).samples, kRate);
        const double brown = slopeDbPerDecade(makeBackground(BackgroundKind::Brown, 8, kRate, rng).samples, kRate);
        qInfo("slopes in dB/decade: white %.2f, pink %.2f, brown %.2f", white, pink, brown);
        QVERIFY2(std::abs(white) < 1.5, qPrintable(QString::number(white)));
        QVERIFY2(pink > -12.5 && pink < -7.5, qPrintable(QString::number(pink)));
        QVERIFY2(brown > -22 && brown < -18, qPrintable(QString::number(brown)));
    }

    void humIsAtMainsFrequency()
    {
        for (std::uint32_t seed = 0; seed < 4; ++seed) {
            Rng rng(seed);
            const auto x = makeBackground(BackgroundKind::Hum, 4, kRate, rng).samples;
            const double p50 = powerAt(x, 50, kRate), p60 = powerAt(x, 60, kRate), p300 = powerAt(x, 333, kRate);
            QVERIFY(std::max(p50, p60) > 1000 * p300);   // the partials stand far above the floor
            QVERIFY(std::max(p50, p60) > 10 * std::min(p50, p60)); // one mains frequency, not both
        }
    }

    void babbleNeedsWordsAndUsesThem()
    {
        Rng rng(1);
        const QString m = inputErrorOf([&] { makeBackground(BackgroundKind::Babble, 1, kRate, rng); });
        QVERIFY2(m.contains("babble") && m.contains("words"), qPrintable(m));
        // The words are tones at 200, 300, 400 Hz: babble's power sits there.
        const auto x = makeBackground(BackgroundKind::Babble, 4, kRate, rng, words()).samples;
        QVERIFY(powerAt(x, 300, kRate) > 100 * powerAt(x, 3000, kRate));
        // Room without words leaves babble out rather than failing, and so does randomBackground.
        for (std::uint32_t seed = 0; seed < 20; ++seed) {
            Rng r(seed);
            QCOMPARE(makeBackground(BackgroundKind::Room, 0.5, kRate, r).size(), std::int64_t(kRate / 2));
            QCOMPARE(randomBackground(0.5, kRate, r).size(), std::int64_t(kRate / 2));
        }
    }

    void badArgumentsAreRefused()
    {
        Rng rng(1);
        QVERIFY(inputErrorOf([&] { makeBackground(BackgroundKind::White, 0, kRate, rng); }).contains("0"));
        QVERIFY(inputErrorOf([&] { makeBackground(BackgroundKind::White, 700, kRate, rng); }).contains("600"));
        QVERIFY(inputErrorOf([&] { makeBackground(BackgroundKind::White, 1, 10, rng); }).contains("10 Hz"));
        auto w = words();
        w[1].audio.sampleRate = 8000;
        QVERIFY(inputErrorOf([&] { makeBackground(BackgroundKind::Babble, 1, kRate, rng, w); }).contains("8000 Hz"));
    }

    void randomBackgroundDrawsEveryKind()
    {
        // The header's rule: Room when random_sample() < 0.5, else one of the other five by randint(0, 5) (four
        // without words). Replayed on a copy of the stream, the kind must give the same texture.
        const auto w = words();
        int counts[6] = {};
        for (std::uint32_t seed = 0; seed < 120; ++seed) {
            Rng r(seed), c(seed);
            const AudioClip x = randomBackground(0.25, kRate, r, w);
            BackgroundKind kind = BackgroundKind::Room;
            if (c.randomSample() >= 0.5) kind = BackgroundKind(c.randint(0, 5));
            QCOMPARE(makeBackground(kind, 0.25, kRate, c, w).samples, x.samples);
            ++counts[int(kind)];
        }
        for (int k = 0; k < 6; ++k) QVERIFY2(counts[k] > 0, backgroundKindIds[std::size_t(k)].data());
        QVERIFY(counts[int(BackgroundKind::Room)] > 40 && counts[int(BackgroundKind::Room)] < 80);
    }
};

QTEST_GUILESS_MAIN(TestBackgrounds)
#include "tst_backgrounds.moc"
