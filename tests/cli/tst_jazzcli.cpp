// The jazz lab from the command line: `midi dump --json` in the shape, `train jazz --epochs 5` then
// `improvise --length 50` (the 50 notes are all in the file, a WAV beside it), and bad input (exit 2, one line naming
// the file and the byte offset or the option).
#include "CliProcess.hpp"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using unroll::test::cli;
using unroll::test::writeFile;
using unroll::test::oneLineNaming;
using unroll::test::json;

class TestJazzCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;

private slots:
    void midiDumpPrintsNotesInSeconds()
    {
        const auto r = cli({"midi", "dump", QString(UNROLL_SOURCE_DATA) + "/jazz/blue_step_swing.mid", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = json(r);
        QCOMPARE(o["format"].toInt(), 1);
        QCOMPARE(o["ticks_per_quarter"].toInt(), 192);
        QCOMPARE(o["tracks"].toInt(), 6);
        const QJsonArray notes = o["notes"].toArray();
        QCOMPARE(notes.size(), 528); // midicsv's Note_on_c count with velocity > 0
        double last = -1;
        for (const auto& v : notes) {
            const QJsonObject n = v.toObject();
            for (const char* key : {"pitch", "velocity", "start_s", "duration_s", "track", "channel"})
                QVERIFY(n.contains(key));
            QVERIFY(n["start_s"].toDouble() >= last);
            last = n["start_s"].toDouble();
        }
        // Tempo 132 (454545 us per quarter): the first D5 (after four eighths) starts 2 quarters in.
        bool found = false;
        for (const auto& v : notes) {
            const QJsonObject n = v.toObject();
            if (n["track"].toInt() == 2 && n["pitch"].toInt() == 74 && !found) {
                QVERIFY(std::abs(n["start_s"].toDouble() - 2 * 0.454545) < 1e-9); // "4d+" on beat 3 of bar 1
                found = true;
            }
        }
        QVERIFY(found);
    }
    void trainThenImproviseFiftyNotes()
    {
        QVERIFY(dir_.isValid());
        const QString model = dir_.filePath("jazz.safetensors");
        const auto t = cli({"train", "jazz", "--epochs", "5", "--seed", "1", "--save", model, "--json"});
        QVERIFY2(t.code == 0, t.err.constData());
        const QJsonObject to = json(t);
        QCOMPARE(to["epochs"].toArray().size(), 5);
        QCOMPARE(to["files"].toArray().size(), 20);
        QVERIFY(to["epochs"].toArray().last().toObject()["loss"].toDouble() <
                to["epochs"].toArray().first().toObject()["loss"].toDouble());
        const QString mid = dir_.filePath("solo.mid"), wav = dir_.filePath("solo.wav");
        const auto r = cli({"improvise", "--model", model, "--length", "50", "--seed", "3", "--out", mid, "--wav", wav,
                            "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = json(r);
        QCOMPARE(o["notes"].toArray().size(), 50);
        QVERIFY(o["tokens"].toArray().size() >= 50);
        QVERIFY(QFileInfo(wav).size() > 44100); // seconds of 16-bit audio
        // Every one of the 50 notes is in the file (channel 0; the chords are on channel 1).
        const auto d = cli({"midi", "dump", mid, "--json"});
        QVERIFY2(d.code == 0, d.err.constData());
        int melody = 0;
        for (const auto& v : json(d)["notes"].toArray()) melody += v.toObject()["channel"].toInt() == 0;
        QCOMPARE(melody, 50);
        // The same seed gives the same solo.
        const auto again = cli({"improvise", "--model", model, "--length", "50", "--seed", "3", "--out",
                                dir_.filePath("again.mid"), "--json"});
        QCOMPARE(json(again)["tokens"].toArray(), o["tokens"].toArray());
    }
    void badInputExitsTwoWithOneLine()
    {
        const QString text = dir_.filePath("notes.txt"), cut = dir_.filePath("cut.mid");
        writeFile(text, "not a midi file\n");
        QFile src(QString(UNROLL_SOURCE_DATA) + "/jazz/blue_step_swing.mid");
        QVERIFY(src.open(QIODevice::ReadOnly));
        writeFile(cut, src.read(100));
        auto r = cli({"midi", "dump", text, "--json"});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"notes.txt", "byte 0", "not a MIDI file"}), r.err.constData());
        r = cli({"midi", "dump", cut});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"cut.mid", "byte ", "claims"}), r.err.constData());
        r = cli({"train", "jazz", "--data", text, "--epochs", "1"});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"notes.txt", "not a MIDI file"}), r.err.constData());
        r = cli({"improvise", "--model", dir_.filePath("missing.safetensors"), "--out", dir_.filePath("x.mid")});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"missing.safetensors"}), r.err.constData());
        r = cli({"improvise", "--model", text, "--out", dir_.filePath("x.mid"), "--chords", "F7 H7"});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"H7"}), r.err.constData());
        r = cli({"improvise", "--model", text, "--out", dir_.filePath("x.mid"), "--length", "0"});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"length"}), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestJazzCli)
#include "tst_jazzcli.moc"
