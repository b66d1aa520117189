// Tests for trigger/Clips: the built-in library (resources/data/trigger, made by scripts/make_trigger_clips.sh),
// the split by speaker, the user's folders, and the messages for a bad manifest, a missing clip, a file that is not
// audio and an empty folder. User files are written in a temporary directory by writeWav.
#include "audio/AudioFile.hpp"
#include "trigger/Clips.hpp"
#include "util/Error.hpp"

#include "../InputErrorOf.hpp"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

using namespace unroll;
using unroll::test::inputErrorOf;
namespace fs = std::filesystem;

namespace {

AudioClip tone(double seconds, int rate, double hz = 440)
{
    AudioClip a = silence(seconds, rate);
    for (std::size_t i = 0; i < a.samples.size(); ++i) a.samples[i] = float(0.3 * std::sin(2 * M_PI * hz * double(i) / rate));
    return a;
}

void writeText(const fs::path& p, const std::string& text)
{
    std::ofstream(p, std::ios::binary) << text;
}

std::set<std::string> speakersOf(const ClipLibrary& lib)
{
    std::set<std::string> s;
    for (const auto* list : {&lib.positives, &lib.negatives})
        for (const WordClip& c : *list) s.insert(c.speaker);
    return s;
}

// "p4": appended piecewise ("p" + std::to_string(i) trips GCC 12's -Wrestrict false positive).
std::string numbered(char prefix, int i)
{
    std::string s(1, prefix);
    s += std::to_string(i);
    return s;
}

// Points the built-in data lookup at `dir` while alive.
struct DataDirOverride {
    explicit DataDirOverride(const fs::path& dir) { ::setenv("UNROLL_DATA_DIR", dir.c_str(), 1); }
    ~DataDirOverride() { ::unsetenv("UNROLL_DATA_DIR"); }
};

// A data folder with trigger/manifest.json = `manifest` and one real clip, clips/a.wav.
fs::path fakeDataDir(const QTemporaryDir& tmp, const std::string& manifest)
{
    const fs::path root = fs::path(tmp.path().toStdString()) / "data";
    fs::create_directories(root / "trigger" / "clips");
    writeWav(root / "trigger" / "clips" / "a.wav", tone(0.5, 16000));
    writeText(root / "trigger" / "manifest.json", manifest);
    return root;
}

const std::string kEntryA =
    R"({"file": "clips/a.wav", "word": "activate", "positive": true, "engine": "espeak-ng", "voice": "en", "pitch": 50, "speed": 150})";

} // namespace

class TestClips : public QObject {
    Q_OBJECT

private slots:
    void builtinLibraryLoads()
    {
        // scripts/make_trigger_clips.sh: 168 "activate"s and 256 other words, 57 espeak-ng speakers + 4 flite voices.
        std::vector<std::pair<std::int64_t, std::int64_t>> calls;
        const ClipLibrary lib = loadBuiltinClips(16000, [&](std::int64_t done, std::int64_t total) {
            calls.emplace_back(done, total);
            return true;
        });
        QCOMPARE(lib.positives.size(), std::size_t(168));
        QCOMPARE(lib.negatives.size(), std::size_t(256));
        QCOMPARE(lib.sampleRate, 16000);
        QCOMPARE(lib.origin, std::string("built-in"));
        QVERIFY(lib.backgrounds.empty());
        QCOMPARE(speakersOf(lib).size(), std::size_t(61));
        std::set<std::string> negativeWords;
        for (const WordClip& c : lib.positives) {
            QCOMPARE(c.word, std::string("activate"));
            QVERIFY(c.positive);
            QCOMPARE(c.audio.sampleRate, 16000);
            QVERIFY2(c.audio.seconds() > 0.3 && c.audio.seconds() < 1.5, c.name.c_str());
            QVERIFY(c.speaker.starts_with("espeak-ng:") || c.speaker.starts_with("flite:"));
            QVERIFY(c.settings.starts_with("pitch "));
        }
        for (const WordClip& c : lib.negatives) {
            QVERIFY(c.word != "activate" && !c.positive);
            QVERIFY2(c.audio.seconds() > 0.15 && c.audio.seconds() < 1.5, c.name.c_str());
            negativeWords.insert(c.word);
        }
        QVERIFY(negativeWords.size() >= 40);
        QVERIFY(negativeWords.count("cactus") && negativeWords.count("active") && negativeWords.count("vacate"));
        // Trimmed and normalised: a peak near -1 dBFS, and sound from the first 30 ms on.
        const WordClip& first = lib.positives.front();
        float peak = 0;
        for (float s : first.audio.samples) peak = std::max(peak, std::abs(s));
        QVERIFY2(peak > 0.8f && peak < 1.0f, qPrintable(QString::number(peak)));
        QVERIFY(dbfs(std::span(first.audio.samples).first(480)) > -60);
        // Progress: from 0 to all, in order.
        QVERIFY(calls.size() >= 2);
        QCOMPARE(calls.front(), (std::pair<std::int64_t, std::int64_t>{0, 424}));
        QCOMPARE(calls.back(), (std::pair<std::int64_t, std::int64_t>{424, 424}));
        for (std::size_t i = 1; i < calls.size(); ++i) QVERIFY(calls[i].first > calls[i - 1].first);
    }

    void builtinLibraryResamplesToTheLabRate()
    {
        const ClipLibrary lib = loadBuiltinClips(kLabRate);
        QCOMPARE(lib.sampleRate, kLabRate);
        const ClipLibrary lib16 = loadBuiltinClips(16000);
        for (std::size_t i = 0; i < lib.positives.size(); i += 37) {
            QCOMPARE(lib.positives[i].audio.sampleRate, kLabRate);
            QVERIFY(std::abs(lib.positives[i].audio.seconds() - lib16.positives[i].audio.seconds()) < 1e-3);
        }
    }

    void loadingCanBeCancelled()
    {
        int calls = 0;
        bool cancelled = false;
        try {
            loadBuiltinClips(16000, [&](std::int64_t done, std::int64_t) { return ++calls < 2 || done == 0; });
        } catch (const CancelledError&) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QCOMPARE(calls, 2);
    }

    void splitByVoiceKeepsSpeakersOnOneSide()
    {
        const ClipLibrary lib = loadBuiltinClips(16000);
        const ClipSplit split = splitByVoice(lib);
        const auto train = speakersOf(split.train), held = speakersOf(split.heldOut);
        for (const auto& s : held) QVERIFY2(!train.count(s), s.c_str());
        // 61 speakers sorted by name; the 5th, 10th, … 60th are held out.
        QCOMPARE(held.size(), std::size_t(12));
        QCOMPARE(train.size(), std::size_t(49));
        const auto all = speakersOf(lib);
        std::size_t k = 0;
        for (const auto& s : all) QCOMPARE(held.count(s) == 1, ++k % 5 == 0);
        QCOMPARE(split.train.positives.size() + split.heldOut.positives.size(), lib.positives.size());
        QCOMPARE(split.train.negatives.size() + split.heldOut.negatives.size(), lib.negatives.size());
        QVERIFY(split.heldOut.positives.size() >= 20 && split.heldOut.negatives.size() >= 30);
        QCOMPARE(split.heldOut.sampleRate, 16000);
        // Deterministic.
        QCOMPARE(speakersOf(splitByVoice(lib).heldOut), held);
        QVERIFY(inputErrorOf([&] { splitByVoice(lib, 1); }).contains("period 1"));
    }

    void splitOfOneSpeakerGoesClipByClip()
    {
        ClipLibrary lib;
        lib.sampleRate = 8000;
        for (int i = 0; i < 10; ++i) lib.positives.push_back({numbered('p', i), "activate", true, "one", "", tone(0.2, 8000)});
        for (int i = 0; i < 4; ++i) lib.negatives.push_back({numbered('n', i), "word", false, "one", "", tone(0.2, 8000)});
        for (int i = 0; i < 6; ++i) lib.backgrounds.push_back(silence(10, 8000));
        const ClipSplit split = splitByVoice(lib, 5);
        QCOMPARE(split.heldOut.positives.size(), std::size_t(2)); // p4, p9
        QCOMPARE(split.heldOut.positives[0].name, std::string("p4"));
        QCOMPARE(split.heldOut.positives[1].name, std::string("p9"));
        QCOMPARE(split.heldOut.negatives.size(), std::size_t(0));
        QCOMPARE(split.train.negatives.size(), std::size_t(4));
        QCOMPARE(split.heldOut.backgrounds.size(), std::size_t(1)); // the 5th
        QCOMPARE(split.train.backgrounds.size(), std::size_t(5));
    }

    void userFoldersLoad()
    {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        for (const char* d : {"pos", "neg", "bg"}) fs::create_directories(root / d);
        writeWav(root / "pos" / "b_activate.wav", tone(0.8, 22050));
        writeWav(root / "pos" / "a_activate.wav", tone(0.7, 22050));
        writeWav(root / "neg" / "cactus.wav", tone(0.6, 8000, 300));
        writeText(root / "neg" / "notes.txt", "not audio, and not named as audio: skipped");
        writeWav(root / "bg" / "street.wav", tone(25, 8000, 60));
        std::vector<std::int64_t> done;
        const ClipLibrary lib = loadClipFolders(root / "pos", root / "neg", root / "bg", 16000,
                                                [&](std::int64_t d, std::int64_t total) {
                                                    if (total != 4) return false;
                                                    done.push_back(d);
                                                    return true;
                                                });
        QCOMPARE(done.back(), std::int64_t(4));
        QCOMPARE(lib.positives.size(), std::size_t(2));
        QCOMPARE(lib.positives[0].name, std::string("a_activate.wav")); // sorted by name
        QCOMPARE(lib.positives[0].word, std::string("a_activate"));
        QCOMPARE(lib.positives[0].speaker, std::string("user:a_activate.wav"));
        QVERIFY(std::abs(lib.positives[0].audio.seconds() - 0.7) < 1e-3);
        QCOMPARE(lib.positives[0].audio.sampleRate, 16000);
        QCOMPARE(lib.negatives.size(), std::size_t(1));
        QCOMPARE(lib.negatives[0].word, std::string("cactus"));
        QVERIFY(!lib.negatives[0].positive);
        QCOMPARE(lib.backgrounds.size(), std::size_t(2)); // 25 s -> two 10 s pieces
        QCOMPARE(lib.backgrounds[1].size(), std::int64_t(160000));
        QVERIFY(lib.origin.find("pos") != std::string::npos);
        // The backgrounds alone, cut the same way.
        const auto alone = loadBackgroundFolder(root / "bg", 16000);
        QCOMPARE(alone.size(), std::size_t(2));
        QCOMPARE(alone[0].samples, lib.backgrounds[0].samples);
        // No backgrounds folder: none loaded (the caller generates them).
        QVERIFY(loadClipFolders(root / "pos", root / "neg", {}, 16000).backgrounds.empty());
    }

    void userFolderErrorsNameTheFolderOrFile()
    {
        QTemporaryDir tmp;
        const fs::path root = tmp.path().toStdString();
        for (const char* d : {"pos", "neg", "empty", "bad", "long", "shortbg"}) fs::create_directories(root / d);
        writeWav(root / "pos" / "a.wav", tone(0.7, 16000));
        writeWav(root / "neg" / "b.flac.wav", tone(0.5, 16000));
        writeText(root / "empty" / "readme.md", "no audio here");
        writeText(root / "bad" / "fake.wav", "this is text, not a WAV file");
        writeWav(root / "long" / "speech.wav", tone(10.5, 8000));
        writeWav(root / "shortbg" / "hum.wav", tone(4, 8000));

        QString m = inputErrorOf([&] { loadClipFolders(root / "pos", root / "empty", {}, 16000); });
        QVERIFY2(m.contains("negatives") && m.contains("empty") && m.contains("no audio files"), qPrintable(m));
        m = inputErrorOf([&] { loadClipFolders(root / "missing", root / "neg", {}, 16000); });
        QVERIFY2(m.contains("positives") && m.contains("missing") && m.contains("not a folder"), qPrintable(m));
        m = inputErrorOf([&] { loadClipFolders(root / "pos", root / "bad", {}, 16000); });
        QVERIFY2(m.contains("fake.wav") && m.contains("not an audio file"), qPrintable(m));
        m = inputErrorOf([&] { loadClipFolders(root / "long", root / "neg", {}, 16000); });
        QVERIFY2(m.contains("speech.wav") && m.contains("10.5 s") && m.contains("at most 10 s"), qPrintable(m));
        m = inputErrorOf([&] { loadClipFolders(root / "pos", root / "neg", root / "shortbg", 16000); });
        QVERIFY2(m.contains("hum.wav") && m.contains("4000 ms") && m.contains("at least 10000 ms"), qPrintable(m));
        m = inputErrorOf([&] { loadBackgroundFolder(root / "shortbg", 16000); });
        QVERIFY2(m.contains("hum.wav") && m.contains("at least 10000 ms"), qPrintable(m));
        m = inputErrorOf([&] { loadClipFolders(root / "pos", root / "neg", root / "empty", 16000); });
        QVERIFY2(m.contains("backgrounds") && m.contains("no audio files"), qPrintable(m));
    }

    void badManifestIsNamed()
    {
        QTemporaryDir tmp;
        const auto check = [&](const std::string& manifest, std::initializer_list<const char*> parts) {
            const fs::path dir = fakeDataDir(tmp, manifest);
            DataDirOverride env(dir);
            const QString m = inputErrorOf([] { loadBuiltinClips(16000); });
            QVERIFY2(m.contains("manifest.json") || m.contains(".wav"), qPrintable(m));
            for (const char* p : parts) QVERIFY2(m.contains(p), qPrintable(m + " lacks " + p));
        };
        check("{\"version\": 1, \"clips\": [", {"not valid JSON", "byte"});
        check("[1, 2]", {"JSON object"});
        check("{\"version\": 2, \"clips\": [" + kEntryA + "]}", {"\"version\" must be 1"});
        check("{\"version\": 1, \"clips\": []}", {"\"clips\" must be a non-empty array"});
        check("{\"version\": 1, \"clips\": [" + kEntryA + R"(, {"file": "clips/a.wav", "positive": false}]})",
              {"clip 2 of 2", "\"word\""});
        check("{\"version\": 1, \"clips\": [" + kEntryA + ", " + kEntryA + "]}", {"clip 2 of 2", "listed twice"});
        check(R"({"version": 1, "clips": [{"file": "../../etc/passwd", "word": "x", "positive": true, "engine": "e", "voice": "v", "pitch": 1, "speed": 1}]})",
              {"clip 1 of 1", "inside the manifest's folder"});
        check(R"({"version": 1, "clips": [{"file": "clips/a.wav", "word": "x", "positive": "yes", "engine": "e", "voice": "v", "pitch": 1, "speed": 1}]})",
              {"\"positive\" must be true or false"});
        check(R"({"version": 1, "clips": [{"file": "clips/a.wav", "word": "x", "positive": true, "engine": "e", "voice": "v", "pitch": "high", "speed": 1}]})",
              {"\"pitch\" must be a number"});
        check(R"({"version": 1, "clips": [{"file": "clips/a.wav", "word": "x", "positive": true, "engine": "e", "voice": "v", "pitch": 1, "speed": 1, "f0": -5}]})",
              {"\"f0\" must be in (0, 2000) Hz"});
        // A missing clip names the file and the entry.
        check("{\"version\": 1, \"clips\": [" + kEntryA +
                  R"(, {"file": "clips/gone.flac", "word": "cactus", "positive": false, "engine": "flite", "voice": "slt", "pitch": 0, "speed": 100}]})",
              {"gone.flac", "entry 2", "missing"});
        // Only positives: nothing to contrast.
        check("{\"version\": 1, \"clips\": [" + kEntryA + "]}", {"both positive and negative", "1 positive, 0 negative"});
        // A clip that is not audio.
        {
            const fs::path dir = fakeDataDir(tmp, "{\"version\": 1, \"clips\": [" + kEntryA +
                                                      R"(, {"file": "clips/n.wav", "word": "no", "positive": false, "engine": "e", "voice": "v", "pitch": 1, "speed": 1}]})");
            writeText(dir / "trigger" / "clips" / "n.wav", "RIFF but not really");
            DataDirOverride env(dir);
            const QString m = inputErrorOf([] { loadBuiltinClips(16000); });
            QVERIFY2(m.contains("n.wav") && m.contains("not an audio file"), qPrintable(m));
        }
        // And a good one loads, with the manifest's fields.
        {
            const fs::path dir = fakeDataDir(tmp, "{\"version\": 1, \"sample_rate\": 16000, \"clips\": [" + kEntryA +
                                                      R"(, {"file": "clips/a.wav", "word": "a", "positive": false, "engine": "flite", "voice": "slt", "pitch": -200, "speed": 90}]})");
            // The same file twice under one name is refused above; here the second entry names it differently.
            fs::copy_file(dir / "trigger" / "clips" / "a.wav", dir / "trigger" / "clips" / "b.wav");
            writeText(dir / "trigger" / "manifest.json",
                      "{\"version\": 1, \"clips\": [" + kEntryA +
                          R"(, {"file": "clips/b.wav", "word": "a", "positive": false, "engine": "flite", "voice": "slt", "pitch": -200, "speed": 90, "f0": 125}]})");
            DataDirOverride env(dir);
            const ClipLibrary lib = loadBuiltinClips(8000);
            QCOMPARE(lib.positives.size(), std::size_t(1));
            QCOMPARE(lib.positives[0].speaker, std::string("espeak-ng:en"));
            QCOMPARE(lib.positives[0].settings, std::string("pitch 50, speed 150 wpm"));
            QCOMPARE(lib.negatives[0].speaker, std::string("flite:slt"));
            QCOMPARE(lib.negatives[0].settings, std::string("pitch -200 cents, speed 90%, f0 125 Hz"));
            QCOMPARE(lib.negatives[0].audio.sampleRate, 8000);
        }
    }
};

QTEST_GUILESS_MAIN(TestClips)
#include "tst_clips.moc"
