// The trigger-word lab's `spectrogram` verb through unroll-cli: the JSON shape and values against the core's own
// computation of the same file (which tst_spectrogram checks against matplotlib), the course setting at the file's
// own rate, other frames, mel and dB, the CSV file, and bad input: exit 2 with one line naming the file or option.
#include "CliProcess.hpp"

#include "audio/AudioFile.hpp"
#include "audio/Spectrogram.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <numbers>

using namespace unroll;
using unroll::test::cli;
using unroll::test::json;

namespace {
bool oneLine(const QByteArray& err) { return err.count('\n') == 1 && err.startsWith("unroll-cli: error: "); }

AudioClip tones(int rate, double seconds)
{
    AudioClip c;
    c.sampleRate = rate;
    c.samples.resize(std::size_t(seconds * rate));
    for (std::size_t i = 0; i < c.samples.size(); ++i) {
        const double t = double(i) / rate;
        c.samples[i] = float(0.4 * std::sin(2 * std::numbers::pi * 440 * t) + 0.2 * std::sin(2 * std::numbers::pi * 2500 * t));
    }
    return c;
}

// Largest |json - core| over the matrix, and checks the shape.
double maxDiff(const QJsonArray& rows, const MatF& expected)
{
    if (rows.size() != expected.rows())
        return INFINITY;
    double m = 0;
    for (Index k = 0; k < expected.rows(); ++k) {
        const QJsonArray row = rows.at(k).toArray();
        if (row.size() != expected.cols())
            return INFINITY;
        for (Index i = 0; i < expected.cols(); ++i)
            m = std::max(m, std::fabs(row.at(i).toDouble() - double(expected(k, i))));
    }
    return m;
}
} // namespace

class TestTriggerAudioCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString wav_; // 1 s at 16 kHz, written through the core
    AudioClip clip_;

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        wav_ = dir_.filePath("tones.wav");
        writeWav(wav_.toStdString(), tones(16000, 1.0));
        clip_ = readAudio(wav_.toStdString()); // the 16-bit samples the CLI will read
    }

    void courseSpectrogramJsonMatchesTheCore()
    {
        const auto r = cli({"spectrogram", wav_, "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.err.isEmpty());
        const QJsonObject o = json(r);
        const Spectrogram s = computeSpectrogram(clip_.samples, 16000, courseSpectrogramOptions());
        QCOMPARE(s.frames(), std::int64_t((16000 - 200) / 80 + 1));
        const QJsonArray power = o.value("power").toArray();
        QCOMPARE(power.size(), 101);
        QCOMPARE(power.at(0).toArray().size(), int(s.frames()));
        QVERIFY(maxDiff(power, s.power) <= 1e-6 * s.power.maxCoeff());
        // Axes in true Hz and seconds of the file's own rate (16 kHz: no resampling to the lab's rate).
        QCOMPARE(o.value("freqs_hz").toArray().size(), 101);
        QCOMPARE(o.value("freqs_hz").toArray().at(100).toDouble(), 8000.0);
        QCOMPARE(o.value("times_s").toArray().size(), int(s.frames()));
        QCOMPARE(o.value("times_s").toArray().at(0).toDouble(), 100.0 / 16000);
        QVERIFY(!o.contains("db"));
        // --course is the default.
        QCOMPARE(json(cli({"spectrogram", wav_, "--course", "--json"})).value("power"), o.value("power"));
    }

    void customFramesMelAndDb()
    {
        const auto r = cli({"spectrogram", wav_, "--nfft", "256", "--hop", "128", "--window", "hamming", "--mel", "20",
                            "--db", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = json(r);
        const Spectrogram s = computeSpectrogram(clip_.samples, 16000,
                                                 {.nfft = 256, .hop = 128, .window = WindowKind::Hamming,
                                                  .scaleRate = 0, .scale = FrequencyScale::Mel, .melBands = 20});
        QCOMPARE(o.value("power").toArray().size(), 20);
        QCOMPARE(o.value("freqs_hz").toArray().size(), 20);
        QVERIFY(maxDiff(o.value("power").toArray(), s.power) <= 1e-6 * s.power.maxCoeff());
        QVERIFY(maxDiff(o.value("db").toArray(), powerToDb(s.power)) <= 1e-4);
    }

    void csvFile()
    {
        const QString out = dir_.filePath("spec.csv");
        const auto r = cli({"spectrogram", wav_, "--db", "--out", out});
        QCOMPARE(r.code, 0);
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 1 + 101);
        const Spectrogram s = computeSpectrogram(clip_.samples, 16000, courseSpectrogramOptions());
        QCOMPARE(lines.at(0).split(',').size(), 1 + int(s.frames()));
        QVERIFY(lines.at(0).startsWith("freq_hz,0.00625,"));
        const QList<QByteArray> row = lines.at(1 + 4).split(',');
        QCOMPARE(row.at(0).toDouble(), 4 * 80.0);
        QVERIFY(std::fabs(row.at(10).toDouble() - powerToDb(s.power)(4, 9)) < 1e-4);
    }

    void badInputExitsTwoWithOneLine()
    {
        const auto missing = cli({"spectrogram", dir_.filePath("nope.wav"), "--json"});
        QCOMPARE(missing.code, 2);
        QVERIFY2(oneLine(missing.err) && missing.err.contains("nope.wav"), missing.err.constData());
        QVERIFY(missing.out.isEmpty());

        const QString text = dir_.filePath("notes.txt");
        QFile t(text);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write("not audio\n");
        t.close();
        const auto bad = cli({"spectrogram", text});
        QCOMPARE(bad.code, 2);
        QVERIFY2(oneLine(bad.err) && bad.err.contains("notes.txt") && bad.err.contains("not an audio file"),
                 bad.err.constData());

        const auto dir = cli({"spectrogram", dir_.path()});
        QCOMPARE(dir.code, 2);
        QVERIFY(oneLine(dir.err));

        const auto clash = cli({"spectrogram", wav_, "--course", "--nfft", "100"});
        QCOMPARE(clash.code, 2);
        QVERIFY(oneLine(clash.err));
        const auto window = cli({"spectrogram", wav_, "--window", "blackman"});
        QCOMPARE(window.code, 2);
        QVERIFY2(oneLine(window.err) && window.err.contains("blackman"), window.err.constData());
        const auto mel = cli({"spectrogram", wav_, "--mel", "500"});
        QCOMPARE(mel.code, 2);
        QVERIFY2(oneLine(mel.err) && mel.err.contains("--mel"), mel.err.constData());
        const auto none = cli({"spectrogram"});
        QCOMPARE(none.code, 2);
        QVERIFY(oneLine(none.err));
    }
};

QTEST_GUILESS_MAIN(TestTriggerAudioCli)
#include "tst_triggeraudiocli.moc"
