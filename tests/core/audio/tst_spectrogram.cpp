// Tests for audio/Spectrogram. Independent references: a plain DFT in double written here (any nfft, odd or even),
// matplotlib's mlab.specgram (values recorded below with the snippet that made them), an HTK mel filterbank written
// here from its definition, and the engine's own compute() for computeFrames and the parallel path.
#include "audio/Spectrogram.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"

#include "../InputErrorOf.hpp"

#include <QtTest>

#include <cmath>
#include <complex>
#include <numbers>
#include <thread>

using namespace unroll;
using unroll::test::inputErrorOf;

namespace {

// A deterministic signal in [-1, 1] without structure an FFT could hide errors behind (an LCG, as floats).
std::vector<float> noise(std::size_t n, std::uint32_t seed)
{
    std::vector<float> x(n);
    for (float& v : x) {
        seed = seed * 1664525u + 1013904223u;
        v = float(seed >> 8) / float(1 << 24) * 2.0f - 1.0f;
    }
    return x;
}

// The matplotlib test signal: 440 Hz + 3 kHz + a chirp from 100 Hz rising 8 kHz/s, at 44.1 kHz, made in double and
// stored as float32 exactly as the numpy snippet below does.
std::vector<float> chirpAndSines(std::size_t n)
{
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = double(i) / 44100.0;
        const double pi = std::numbers::pi;
        x[i] = float(0.5 * std::sin(2 * pi * 440 * t) + 0.25 * std::sin(2 * pi * 3000 * t + 0.3) +
                     0.2 * std::sin(2 * pi * (100 * t + 4000 * t * t)));
    }
    return x;
}

// Spectrogram.hpp's definition, computed directly: a DFT in double per frame.
MatD referencePsd(const std::vector<float>& x, int nfft, int hop, WindowKind kind, double fs)
{
    const std::int64_t frames = x.size() < std::size_t(nfft) ? 0 : (std::int64_t(x.size()) - nfft) / hop + 1;
    const int bins = nfft / 2 + 1;
    std::vector<double> w(static_cast<std::size_t>(nfft));
    double sumW2 = 0;
    const double a = kind == WindowKind::Hann ? 0.5 : 0.54;
    for (int n = 0; n < nfft; ++n) {
        w[std::size_t(n)] = a - (1 - a) * std::cos(2 * std::numbers::pi * n / (nfft - 1));
        sumW2 += w[std::size_t(n)] * w[std::size_t(n)];
    }
    MatD P(bins, frames);
    for (std::int64_t i = 0; i < frames; ++i)
        for (int k = 0; k < bins; ++k) {
            std::complex<double> X = 0;
            for (int n = 0; n < nfft; ++n)
                X += w[std::size_t(n)] * double(x[std::size_t(i * hop + n)]) *
                     std::polar(1.0, -2 * std::numbers::pi * double(k) * n / nfft);
            const double side = (k == 0 || (nfft % 2 == 0 && k == nfft / 2)) ? 1 : 2;
            P(k, i) = side * std::norm(X) / (fs * sumW2);
        }
    return P;
}

double hzToMel(double f) { return 2595 * std::log10(1 + f / 700); }
double melToHz(double m) { return 700 * (std::pow(10, m / 2595) - 1); }

} // namespace

class TestSpectrogram : public QObject {
    Q_OBJECT
private slots:
    void matchesAPlainDftForOddAndEvenLengths()
    {
        const std::vector<float> x = noise(3000, 7);
        struct Case {
            int nfft, hop;
            WindowKind window;
            double scaleRate;
        };
        for (const Case c : {Case{2, 1, WindowKind::Hamming, 0}, Case{3, 2, WindowKind::Hamming, 0},
                             Case{7, 3, WindowKind::Hann, 8000}, Case{200, 80, WindowKind::Hann, 8000},
                             Case{201, 77, WindowKind::Hamming, 0}, Case{256, 333, WindowKind::Hann, 16000}}) {
            const SpectrogramEngine engine(
                SpectrogramOptions{.nfft = c.nfft, .hop = c.hop, .window = c.window, .scaleRate = c.scaleRate});
            const Spectrogram s = engine.compute(x, 44100);
            const MatD ref = referencePsd(x, c.nfft, c.hop, c.window, c.scaleRate > 0 ? c.scaleRate : 44100);
            QCOMPARE(s.bins(), ref.rows());
            QCOMPARE(s.frames(), ref.cols());
            QCOMPARE(s.frames(), spectrogramFrames(3000, c.nfft, c.hop));
            const double err = (s.power.cast<double>() - ref).cwiseAbs().maxCoeff();
            QVERIFY2(err <= 1e-5 * ref.maxCoeff(),
                     qPrintable(QString("nfft %1 hop %2: error %3 of peak %4").arg(c.nfft).arg(c.hop).arg(err).arg(ref.maxCoeff())));
        }
    }

    void matchesMatplotlibSpecgram()
    {
        // Source (matplotlib 3.6.3, numpy float64 arithmetic):
        //   n = np.arange(22050); t = n / 44100.0
        //   x = (0.5*np.sin(2*np.pi*440*t) + 0.25*np.sin(2*np.pi*3000*t + 0.3)
        //        + 0.2*np.sin(2*np.pi*(100*t + 4000*t*t))).astype(np.float32)
        //   P, f, tt = matplotlib.mlab.specgram(x, NFFT=200, Fs=8000, noverlap=120)
        //   P.shape, P.max(), np.unravel_index(P.argmax(), P.shape), P.sum(), P[k, i]
        const std::vector<float> x = chirpAndSines(22050);
        const Spectrogram s = SpectrogramEngine(courseSpectrogramOptions()).compute(x, 44100);
        QCOMPARE(s.bins(), std::int64_t(101));
        QCOMPARE(s.frames(), std::int64_t(274));
        const double peak = 0.003948133622697332; // at (2, 18)
        Index pk = 0, pi = 0;
        QVERIFY(std::fabs(s.power.maxCoeff(&pk, &pi) - peak) <= 1e-5 * peak);
        QCOMPARE(pk, Index(2));
        QCOMPARE(pi, Index(18));
        QVERIFY(std::fabs(s.power.cast<double>().sum() - 1.2130706148335273) <= 1e-5 * 1.2130706148335273);
        const struct {
            int k, i;
            double p;
        } expected[] = {{0, 0, 0.00045619409627213945},  {2, 0, 0.0020881445600310533},
                        {2, 137, 0.0020730368190699728}, {14, 50, 0.0004238894023172509},
                        {13, 200, 0.00020528558838455753}, {10, 150, 0.00026326782413680624},
                        {11, 150, 0.00022083391182681005}, {30, 150, 6.108478876264837e-12},
                        {60, 273, 1.747226857194779e-14}, {100, 10, 7.057188617379877e-18}};
        for (const auto& e : expected)
            QVERIFY2(std::fabs(s.power(e.k, e.i) - e.p) <= 1e-5 * peak,
                     qPrintable(QString("P[%1, %2] = %3, matplotlib %4").arg(e.k).arg(e.i).arg(s.power(e.k, e.i)).arg(e.p)));
    }

    void courseShapeAndAxesForTenSeconds()
    {
        const std::vector<float> x = noise(441000, 3);
        const Spectrogram s = computeSpectrogram(x, 44100, courseSpectrogramOptions());
        QCOMPARE(s.bins(), std::int64_t(101));
        QCOMPARE(s.frames(), std::int64_t(5511));
        QCOMPARE(s.freqsHz.size(), std::size_t(101));
        QCOMPARE(s.freqsHz[100], 22050.0);     // true Hz from the audio's rate
        QCOMPARE(s.freqsHz[1], 220.5);
        QCOMPARE(s.timesS.size(), std::size_t(5511));
        QCOMPARE(s.timesS[0], 100.0 / 44100);  // the centre of the first frame
        QCOMPARE(s.timesS[5510], (5510.0 * 80 + 100) / 44100);
        QVERIFY(s.power.allFinite() && s.power.minCoeff() >= 0);
        QCOMPARE(spectrogramFrames(199, 200, 80), std::int64_t(0));
        QCOMPARE(spectrogramFrames(200, 200, 80), std::int64_t(1));
        QCOMPARE(spectrogramFrames(279, 200, 80), std::int64_t(1));
        QCOMPARE(spectrogramFrames(280, 200, 80), std::int64_t(2));
        QCOMPARE(computeSpectrogram(noise(150, 1), 44100, courseSpectrogramOptions()).frames(), std::int64_t(0));
    }

    void computeFramesEqualsTheSliceOfCompute()
    {
        const std::vector<float> x = noise(20000, 11);
        const SpectrogramEngine engine(courseSpectrogramOptions());
        const Spectrogram whole = engine.compute(x, 44100);
        const float peak = whole.power.maxCoeff();
        MatF block(101, 50);
        engine.computeFrames(x, 44100, 37, block);
        QVERIFY((block - whole.power.middleCols(37, 50)).cwiseAbs().maxCoeff() <= 1e-6f * peak);
        // The same frames from only the samples they read, as a stream would pass them.
        const std::span<const float> part(x.data() + 37 * 80, 49 * 80 + 200);
        MatF fromPart(101, 50);
        engine.computeFrames(part, 44100, 0, fromPart);
        QVERIFY((fromPart - block).cwiseAbs().maxCoeff() <= 1e-6f * peak);
        // One frame at a time (the one-frame plan) agrees with the batches.
        for (const std::int64_t i : {std::int64_t(0), std::int64_t(31), std::int64_t(32), whole.frames() - 1}) {
            MatF one(101, 1);
            engine.computeFrames(x, 44100, i, one);
            QVERIFY((one.col(0) - whole.power.col(i)).cwiseAbs().maxCoeff() <= 1e-6f * peak);
        }
        MatF tooFar(101, 2);
        const QString msg = inputErrorOf([&] { engine.computeFrames(x, 44100, whole.frames() - 1, tooFar); });
        QVERIFY2(msg.contains("20000"), qPrintable(msg));
    }

    void longInputsInParallelEqualSerialPieces()
    {
        // Long enough for the frames to be split over the pool; each 1000-frame piece alone stays serial.
        const std::vector<float> x = noise(std::size_t(33000) * 80 + 200, 5);
        const SpectrogramEngine engine(courseSpectrogramOptions());
        const Spectrogram s = engine.compute(x, 44100);
        QCOMPARE(s.frames(), std::int64_t(33001));
        const float peak = s.power.maxCoeff();
        MatF piece(101, 1000);
        for (std::int64_t f = 0; f + 1000 <= s.frames(); f += 7000) {
            engine.computeFrames(x, 44100, f, piece);
            QVERIFY((piece - s.power.middleCols(f, 1000)).cwiseAbs().maxCoeff() <= 1e-6f * peak);
        }
    }

    void oneEngineFromSeveralThreads()
    {
        const std::vector<float> x = noise(44100, 9);
        const SpectrogramEngine engine(courseSpectrogramOptions());
        const MatF expected = engine.compute(x, 44100).power;
        MatF a, b;
        std::thread ta([&] { for (int r = 0; r < 5; ++r) a = engine.compute(x, 44100).power; });
        std::thread tb([&] { for (int r = 0; r < 5; ++r) b = engine.compute(x, 44100).power; });
        ta.join();
        tb.join();
        QVERIFY(a == expected && b == expected);
    }

    void melBandsAreTrianglesOfTheLinearPower()
    {
        const std::vector<float> x = noise(16000, 13);
        SpectrogramOptions o{.nfft = 512, .hop = 160, .window = WindowKind::Hann, .scaleRate = 0};
        const Spectrogram lin = computeSpectrogram(x, 16000, o);
        o.scale = FrequencyScale::Mel;
        o.melBands = 40;
        o.melMinHz = 20;
        const Spectrogram mel = computeSpectrogram(x, 16000, o);
        QCOMPARE(mel.bins(), std::int64_t(40));
        QCOMPARE(mel.frames(), lin.frames());
        // The HTK filterbank from its definition: 42 edges equally spaced in mel from 20 Hz to 8 kHz.
        const double m0 = hzToMel(20), m1 = hzToMel(8000);
        for (int b = 0; b < 40; ++b) {
            const double lo = melToHz(m0 + (m1 - m0) * b / 41), c = melToHz(m0 + (m1 - m0) * (b + 1) / 41),
                         hi = melToHz(m0 + (m1 - m0) * (b + 2) / 41);
            QVERIFY(std::fabs(mel.freqsHz[std::size_t(b)] - c) < 1e-6 * c);
            for (std::int64_t i = 0; i < lin.frames(); i += 11) {
                double sum = 0;
                for (int k = 0; k < 257; ++k) {
                    const double f = k * 16000.0 / 512;
                    const double w = f <= lo || f >= hi ? 0 : f <= c ? (f - lo) / (c - lo) : (hi - f) / (hi - c);
                    sum += w * lin.power(k, i);
                }
                QVERIFY2(std::fabs(mel.power(b, i) - sum) <= 1e-5 * std::max(sum, 1e-12),
                         qPrintable(QString("band %1 frame %2: %3 vs %4").arg(b).arg(i).arg(mel.power(b, i)).arg(sum)));
            }
        }
        // A 1 kHz tone lands in the band centred nearest 1 kHz.
        std::vector<float> tone(16000);
        for (std::size_t i = 0; i < tone.size(); ++i)
            tone[i] = float(std::sin(2 * std::numbers::pi * 1000 * double(i) / 16000));
        const Spectrogram t = computeSpectrogram(tone, 16000, o);
        Index band = 0;
        t.power.col(10).maxCoeff(&band);
        std::size_t nearest = 0;
        for (std::size_t b = 0; b < t.freqsHz.size(); ++b)
            if (std::fabs(t.freqsHz[b] - 1000) < std::fabs(t.freqsHz[nearest] - 1000))
                nearest = b;
        QCOMPARE(std::size_t(band), nearest);
    }

    void powerToDbFloorsAndConverts()
    {
        MatF p(2, 2);
        p << 1.0f, 0.01f, 0.0f, 1e-20f;
        const MatF db = powerToDb(p);
        QCOMPARE(db(0, 0), 0.0f);
        QVERIFY(std::fabs(db(0, 1) - -20.0f) < 1e-5f);
        QVERIFY(std::fabs(db(1, 0) - -120.0f) < 1e-4f);
        QVERIFY(std::fabs(db(1, 1) - -120.0f) < 1e-4f);
        QVERIFY(std::fabs(powerToDb(p, -80)(1, 0) - -80.0f) < 1e-4f);
    }

    void optionsOutOfRangeAreInputErrors()
    {
        const auto bad = [](SpectrogramOptions o) { return inputErrorOf([&] { SpectrogramEngine e(o); }); };
        QVERIFY(bad({.nfft = 1}).contains("nfft 1"));
        QVERIFY(bad({.nfft = 2}).contains("all zeros")); // numpy.hanning(2) = [0, 0]
        QVERIFY(bad({.nfft = 2, .window = WindowKind::Hamming}).isEmpty());
        QVERIFY(bad({.nfft = 200, .hop = 0}).contains("hop 0"));
        QVERIFY(!bad({.scaleRate = -1}).isEmpty());
        QVERIFY(!bad({.scale = FrequencyScale::Mel, .melBands = 0}).isEmpty());
        QVERIFY(bad({.nfft = 64, .scale = FrequencyScale::Mel, .melBands = 34}).contains("33"));
        QVERIFY(!bad({.scale = FrequencyScale::Mel, .melMinHz = 500, .melMaxHz = 400}).isEmpty());
        QVERIFY(!bad({.scale = FrequencyScale::Mel, .melMinHz = -1}).isEmpty());
        QVERIFY(bad({.nfft = 64, .scale = FrequencyScale::Mel, .melBands = 33}).isEmpty());
        // The top of the mel range is checked against the audio's Nyquist frequency when the rate is known.
        const SpectrogramEngine e({.scale = FrequencyScale::Mel, .melBands = 20, .melMaxHz = 10000});
        const std::vector<float> x = noise(4000, 1);
        QVERIFY(inputErrorOf([&] { e.compute(x, 16000); }).contains("Nyquist"));
        QVERIFY(inputErrorOf([&] { e.compute(x, 22050); }).isEmpty());
        QVERIFY(!inputErrorOf([&] { SpectrogramEngine(courseSpectrogramOptions()).compute(x, 0); }).isEmpty());
        MatF wrongRows(100, 1);
        QVERIFY(!inputErrorOf([&] { SpectrogramEngine(courseSpectrogramOptions()).computeFrames(x, 44100, 0, wrongRows); })
                     .isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSpectrogram)
#include "tst_spectrogram.moc"
