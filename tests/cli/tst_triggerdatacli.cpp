// The trigger-word lab's data verb through unroll-cli: `trigger synthesize` writes WAV files, word lists, label
// tracks and a manifest that agree with each other, the same bytes for the same seed, from the built-in clips or the
// user's folders; bad input exits 2 with one line and leaves no manifest. Also the lab's course examples in
// `course-examples` (the notebook's seed-5 segments and insert_ones sanity checks).
#include "CliProcess.hpp"

#include "audio/AudioFile.hpp"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using unroll::test::cli;
namespace fs = std::filesystem;

namespace {

QJsonObject json(const QByteArray& bytes) { return QJsonDocument::fromJson(bytes).object(); }
bool oneLine(const QByteArray& err) { return err.count('\n') == 1 && err.startsWith("unroll-cli: error: "); }

QByteArray readAll(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

unroll::AudioClip tone(double seconds, int rate, double hz)
{
    unroll::AudioClip a = unroll::silence(seconds, rate);
    for (std::size_t i = 0; i < a.samples.size(); ++i) a.samples[i] = float(0.3 * std::sin(2 * M_PI * hz * double(i) / rate));
    return a;
}

} // namespace

class TestTriggerDataCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    // Checks one synthesized folder: every file the manifest names exists and agrees with it.
    void checkFolder(const QString& out, int n)
    {
        const QJsonObject m = json(readAll(out + "/manifest.json"));
        QCOMPARE(m.value("n").toInt(), n);
        QCOMPARE(m.value("sample_rate").toInt(), 44100);
        QCOMPARE(m.value("Ty").toInt(), 1375);
        const QJsonArray clips = m.value("clips").toArray();
        QCOMPARE(clips.size(), n);
        for (const auto& v : clips) {
            const QJsonObject c = v.toObject();
            const unroll::AudioClip audio = unroll::readAudio((out + "/" + c.value("audio").toString()).toStdString());
            QCOMPARE(audio.sampleRate, 44100);
            QCOMPARE(audio.size(), std::int64_t(441000));
            // Normalised to -20 dBFS; the 16-bit WAV then clips the peaks beyond full scale (as the course's export
            // does), which only lowers the level: a few words alone in 10 s must be loud to carry -20 dBFS.
            const double level = unroll::dbfs(audio.samples);
            QVERIFY2(level > -26 && level < -19.99, qPrintable(QString("%1 dBFS").arg(level)));
            // The word list is the manifest's "placed", line by line.
            const QStringList words = QString(readAll(out + "/" + c.value("words").toString())).split('\n', Qt::SkipEmptyParts);
            const QJsonArray placed = c.value("placed").toArray();
            QCOMPARE(words.size(), placed.size());
            std::vector<int> expected(1375, 0);
            for (qsizetype k = 0; k < words.size(); ++k) {
                const QJsonObject w = placed.at(k).toObject();
                QCOMPARE(words[k], QString("%1 %2 %3 %4")
                                       .arg(w.value("start_ms").toInt())
                                       .arg(w.value("end_ms").toInt())
                                       .arg(w.value("word").toString())
                                       .arg(w.value("positive").toBool() ? "positive" : "negative"));
                if (!w.value("positive").toBool()) continue;
                const long e = long(w.value("end_ms").toInt()) * 1375 / 10000; // the course's insert_ones
                for (long i = e + 1; i <= e + 50 && i < 1375; ++i) expected[std::size_t(i)] = 1;
            }
            const QStringList labels = QString(readAll(out + "/" + c.value("labels").toString())).split('\n', Qt::SkipEmptyParts);
            QCOMPARE(labels.size(), 1375);
            for (int i = 0; i < 1375; ++i) QCOMPARE(labels[i].toInt(), expected[std::size_t(i)]);
        }
    }

private slots:
    void synthesizeWritesAgreeingFiles()
    {
        const QString out = dir_.filePath("a");
        const auto r = cli({"trigger", "synthesize", "--n", "6", "--seed", "3", "--out", out, "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.err.isEmpty());
        const QJsonObject o = json(r.out);
        QCOMPARE(o.value("clips").toInt(), 6);
        QVERIFY(o.value("positives").toInt() + o.value("negatives").toInt() > 0);
        checkFolder(out, 6);
        QCOMPARE(json(readAll(out + "/manifest.json")).value("words_from").toString(), QString("built-in"));
        // 6 x (wav, words, labels) + manifest, nothing else (no temporary files left).
        QCOMPARE(QDir(out).entryList(QDir::Files).size(), 19);
    }

    void sameSeedSameBytes()
    {
        // Against the first test's folder (seed 3, 6 examples); written without --json this time.
        const QString a = dir_.filePath("a"), b = dir_.filePath("s2"), c = dir_.filePath("s3");
        QCOMPARE(cli({"trigger", "synthesize", "--n", "6", "--seed", "3", "--out", b}).code, 0);
        QCOMPARE(cli({"trigger", "synthesize", "--n", "2", "--seed", "4", "--out", c}).code, 0);
        QCOMPARE(QDir(b).entryList(QDir::Files).size(), 19);
        for (const QString& f : QDir(a).entryList(QDir::Files)) QCOMPARE(readAll(b + "/" + f), readAll(a + "/" + f));
        QVERIFY(readAll(c + "/clip_0001.wav") != readAll(a + "/clip_0001.wav"));
    }

    void userFoldersAreUsed()
    {
        const fs::path root = dir_.filePath("user").toStdString();
        for (const char* d : {"pos", "neg", "bg"}) fs::create_directories(root / d);
        unroll::writeWav(root / "pos" / "hey_unroll.wav", tone(0.8, 16000, 500));
        unroll::writeWav(root / "neg" / "hello.wav", tone(0.5, 22050, 300));
        unroll::writeWav(root / "bg" / "street.flac.wav", tone(21, 8000, 60));
        const QString out = dir_.filePath("u");
        const auto r = cli({"trigger", "synthesize", "--n", "8", "--seed", "1", "--out", out, "--positives",
                            QString::fromStdString((root / "pos").string()), "--negatives",
                            QString::fromStdString((root / "neg").string()), "--backgrounds",
                            QString::fromStdString((root / "bg").string())});
        QCOMPARE(r.code, 0);
        checkFolder(out, 8);
        const QJsonObject m = json(readAll(out + "/manifest.json"));
        int seen = 0;
        for (const auto& v : m.value("clips").toArray()) {
            const QJsonObject c = v.toObject();
            QVERIFY(c.value("background").toString().startsWith("piece ")); // 21 s -> pieces 1 and 2
            for (const auto& w : c.value("placed").toArray()) {
                const QString word = w.toObject().value("word").toString();
                QVERIFY(word == "hey_unroll" || word == "hello");
                ++seen;
            }
        }
        QVERIFY(seen > 0);
    }

    void badInputExits2WithOneLine()
    {
        const fs::path root = dir_.filePath("bad").toStdString();
        fs::create_directories(root / "pos");
        fs::create_directories(root / "neg");
        unroll::writeWav(root / "pos" / "a.wav", tone(0.5, 16000, 400));
        QFile fake(QString::fromStdString((root / "neg" / "b.wav").string()));
        QVERIFY(fake.open(QIODevice::WriteOnly));
        fake.write("plain text, not a WAV");
        fake.close();
        const QString pos = QString::fromStdString((root / "pos").string()),
                      neg = QString::fromStdString((root / "neg").string());
        const QString out = dir_.filePath("never");
        struct Case {
            QStringList args;
            const char* says;
        };
        const Case cases[] = {
            {{"--n", "2"}, "--out"},
            {{"--n", "0", "--out", out}, "--n"},
            {{"--out", out, "--positives", pos}, "--positives and --negatives"},
            {{"--out", out, "--positives", pos + "/nowhere", "--negatives", neg}, "nowhere"},
            {{"--out", out, "--positives", pos, "--negatives", neg}, "b.wav"},
            {{"--out", QString::fromStdString((root / "pos" / "a.wav").string())}, "not a folder"},
            {{"--out", out, "--backgrounds", neg}, "b.wav"},
        };
        for (const Case& c : cases) {
            const auto r = cli(QStringList{"trigger", "synthesize"} + c.args);
            QCOMPARE(r.code, 2);
            QVERIFY2(oneLine(r.err), r.err.constData());
            QVERIFY2(r.err.contains(c.says), r.err.constData());
        }
        QVERIFY(!QFile::exists(out + "/manifest.json"));
    }

    void courseExamplesIncludeTheTriggerFunctions()
    {
        const auto j = cli({"course-examples", "--json"});
        QCOMPARE(j.code, 0);
        const QJsonObject o = json(j.out);
        // Notebook and grader: np.random.seed(5), a 916 ms clip -> (2254, 3169), (7286, 8201), (10000, 10000).
        const QJsonArray seg = o.value("insert_audio_clip").toObject().value("segment_time").toArray();
        QCOMPARE(seg.size(), 3);
        QCOMPARE(seg.at(0).toArray(), (QJsonArray{2254, 3169}));
        QCOMPARE(seg.at(1).toArray(), (QJsonArray{7286, 8201}));
        QCOMPARE(seg.at(2).toArray(), (QJsonArray{10000, 10000}));
        QCOMPARE(o.value("is_overlapping").toObject().value("overlap").toArray(), (QJsonArray{0, 1, 0, 0, 1, 1, 1}));
        const QJsonArray arr1 = o.value("insert_ones").toObject().value("arr1").toArray().at(0).toArray();
        QCOMPARE(arr1.size(), 1375);
        QCOMPARE(arr1.at(1333).toDouble(), 0.0);
        QCOMPARE(arr1.at(634).toDouble(), 1.0);
        QCOMPARE(arr1.at(635).toDouble(), 0.0);
        const auto t = cli({"course-examples"});
        QCOMPARE(t.code, 0);
        QVERIFY(t.out.contains("Overlap 1 =  False\nOverlap 2 =  True\n"));
        QVERIFY(t.out.contains("Segment Time:  (2254, 3169)"));
        QVERIFY(t.out.contains("sanity checks: 0.0 1.0 0.0"));
    }
};

QTEST_GUILESS_MAIN(TestTriggerDataCli)
#include "tst_triggerdatacli.moc"
