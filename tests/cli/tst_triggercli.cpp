// The trigger lab's model commands (unroll-cli train trigger, detect, bench audio): a tiny training run saved and read
// back by detect on WAV files written here (16 kHz stereo, so detect mixes and resamples; 25 s, longer than one block
// of its stream); the JSON shapes the issue fixes; chimed WAVs; bad input (exit 2, one line naming the file or option).
#include "CliProcess.hpp"

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using unroll::test::cli;
using unroll::test::oneLineNaming;
using unroll::test::json;

namespace {
// A 16-bit PCM WAV of `seconds` at `rate` Hz, 2 channels: a 700 Hz tone in bursts over quiet noise.
void writeWav(const QString& path, double seconds, int rate)
{
    const int channels = 2, n = int(seconds * rate);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QDataStream s(&f);
    s.setByteOrder(QDataStream::LittleEndian);
    const quint32 data = quint32(n * channels * 2);
    s.writeRawData("RIFF", 4);
    s << quint32(36 + data);
    s.writeRawData("WAVEfmt ", 8);
    s << quint32(16) << quint16(1) << quint16(channels) << quint32(rate) << quint32(rate * channels * 2)
      << quint16(channels * 2) << quint16(16);
    s.writeRawData("data", 4);
    s << data;
    quint32 noise = 12345;
    for (int i = 0; i < n; ++i) {
        const double t = double(i) / rate;
        noise = noise * 1664525u + 1013904223u;
        const double v = (std::fmod(t, 3.0) < 0.6 ? 0.3 * std::sin(2 * M_PI * 700 * t) : 0.0) +
                         0.01 * (double(noise >> 8) / double(1 << 24) - 0.5);
        for (int c = 0; c < channels; ++c) s << qint16(std::lround(v * 32767));
    }
}
} // namespace

class TestTriggerCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    QString model_; // trained once, by trainPrintsEpochsAndSaves

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        model_ = dir_.filePath("trigger.safetensors");
        writeWav(dir_.filePath("long.wav"), 25, 16000);
        writeWav(dir_.filePath("short.wav"), 3, 44100);
    }

    void trainPrintsEpochsAndSaves()
    {
        const auto r = cli({"train", "trigger", "--epochs", "2", "--steps", "1", "--batch", "2", "--held-out", "3",
                            "--seed", "4", "--save", model_, "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = json(r);
        const QJsonArray epochs = o["epochs"].toArray();
        QCOMPARE(epochs.size(), 2);
        for (int i = 0; i < 2; ++i) {
            const QJsonObject e = epochs[i].toObject();
            QCOMPARE(e["epoch"].toInt(), i + 1);
            QCOMPARE(e["step"].toInt(), i + 1);
            QVERIFY(e["loss"].toDouble() > 0);
            const QJsonObject h = e["held_out"].toObject();
            QVERIFY(h["positives"].toDouble() >= 0);
            QCOMPARE(h["seconds"].toDouble(), 30.0); // 3 clips of 10 s
            QVERIFY(h.contains("recall") && h.contains("false_accepts_per_hour"));
        }
        QCOMPARE(o["sweep"].toArray().size(), 19);
        QCOMPARE(o["preset"].toString(), QString("small"));
        QCOMPARE(o["examples"].toDouble(), 4.0);
        QCOMPARE(o["model"].toObject()["features"].toString(), QString("log"));
        QCOMPARE(o["interrupted"].toBool(), false);
        QCOMPARE(o["average_decay"].toDouble(), 0.995);
        QVERIFY(o["held_out_by_speaker"].isArray() && o["false_accepts_by_word"].isArray());
        QVERIFY(QFile::exists(model_));
    }

    // detect uses the rule the model file records (train's --threshold, default 0.7) unless told otherwise.
    void detectUsesTheModelsRecordedRule()
    {
        auto r = cli({"detect", "--model", model_, dir_.filePath("short.wav"), "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(json(r)["threshold"].toDouble(), 0.7);
        QCOMPARE(json(r)["consecutive"].toInt(), 20);
        QCOMPARE(json(r)["rule_from_model"].toBool(), true);
        r = cli({"detect", "--model", model_, dir_.filePath("short.wav"), "--threshold", "0.3", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(json(r)["threshold"].toDouble(), 0.3);
        QCOMPARE(json(r)["consecutive"].toInt(), 20);
        r = cli({"detect", "--help"});
        QVERIFY(r.out.contains("records"));
    }

    void detectStreamsFilesOfAnyLength()
    {
        const auto r = cli({"detect", "--model", model_, dir_.filePath("long.wav"), dir_.filePath("short.wav"),
                            "--threshold", "0.4", "--consecutive", "3", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonArray files = json(r)["files"].toArray();
        QCOMPARE(files.size(), 2);
        const QJsonObject a = files[0].toObject(), b = files[1].toObject();
        QCOMPARE(a["file"].toString(), dir_.filePath("long.wav"));
        const double frame = 4 * 80 / 44100.0;
        QVERIFY(std::abs(a["frame_s"].toDouble() - frame) < 1e-12);
        // 25 s at 44.1 kHz: (1,102,500 - 200) / 80 + 1 = 13,779 frames -> (13,779 - 15) / 4 + 1 = 3,442 steps.
        QCOMPARE(a["probability"].toArray().size(), 3442);
        // 3 s: (132,300 - 200) / 80 + 1 = 1,652 frames -> 410 steps.
        QCOMPARE(b["probability"].toArray().size(), 410);
        for (const auto& v : a["probability"].toArray()) QVERIFY(v.toDouble() >= 0 && v.toDouble() <= 1);
        // Detections lie on the track, in time order.
        double previous = -1;
        for (const auto& t : a["detections_s"].toArray()) {
            QVERIFY(t.toDouble() > previous && t.toDouble() < 25);
            previous = t.toDouble();
        }
    }

    void chimesAreWritten()
    {
        const QString out = dir_.filePath("chimed.wav");
        auto r = cli({"detect", "--model", model_, dir_.filePath("short.wav"), "--chime", out, "--threshold", "0"});
        QVERIFY2(r.code == 0, r.err.constData());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(4) == "RIFF");
        QCOMPARE(f.size(), qint64(44 + 2 * 3 * 44100)); // mono 16-bit at the lab's rate
        QDir().mkpath(dir_.filePath("chimes"));
        r = cli({"detect", "--model", model_, dir_.filePath("short.wav"), dir_.filePath("long.wav"), "--chime-dir",
                 dir_.filePath("chimes")});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(QFile::exists(dir_.filePath("chimes/short.chime.wav")));
        QVERIFY(QFile::exists(dir_.filePath("chimes/long.chime.wav")));
    }

    void benchAudioPrintsTheIssuesShape()
    {
        const auto r = cli({"bench", "audio", "--repeats", "1", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = json(r);
        QVERIFY(o["spectrogram_s"].toDouble() > 0);
        for (const char* key : {"inference_s", "train_step_s"})
            for (const char* preset : {"small", "course"}) QVERIFY(o[key].toObject()[preset].toDouble() > 0);
    }

    void badInputExitsWithOneLine()
    {
        auto r = cli({"detect", dir_.filePath("short.wav")});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"--model"}));
        r = cli({"detect", "--model", dir_.filePath("missing.safetensors"), dir_.filePath("short.wav")});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"missing.safetensors"}));
        QFile text(dir_.filePath("notaudio.wav"));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("this is not audio\n");
        text.close();
        r = cli({"detect", "--model", model_, dir_.filePath("notaudio.wav")});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"notaudio.wav"}));
        r = cli({"detect", "--model", dir_.filePath("short.wav"), dir_.filePath("short.wav")});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"short.wav"}));
        r = cli({"detect", "--model", model_, dir_.filePath("short.wav"), dir_.filePath("long.wav"), "--chime",
                 dir_.filePath("x.wav")});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"--chime-dir"}));
        r = cli({"detect", "--model", model_, dir_.filePath("short.wav"), "--threshold", "2"});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"threshold"}));
        r = cli({"train", "trigger", "--preset", "large"});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"large", "small, course"}));
        r = cli({"train", "trigger", "--save", dir_.filePath("no/such/folder/m.safetensors")});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"does not exist"}));
    }
};

QTEST_GUILESS_MAIN(TestTriggerCli)
#include "tst_triggercli.moc"
