// The melody encoding (jazz/Tokens.hpp): token text round trips, chord roots and progressions, the reversible
// encoding of melodies on the grid (hand-made and every built-in file), the documented losses off the grid, and the
// melody and chords found in the built-in files (MMA's lyric chord names).
#include "jazz/Tokens.hpp"

#include "../InputErrorOf.hpp"
#include "util/Resources.hpp"

#include <QtTest>

using namespace unroll;
using namespace unroll::jazz;
using unroll::test::inputErrorOf;

namespace {

std::vector<std::tuple<int, std::int64_t, int>> shape(const std::vector<MelodyNote>& notes)
{
    std::vector<std::tuple<int, std::int64_t, int>> out;
    for (const auto& n : notes) out.emplace_back(n.pitch, n.start16, n.length16);
    return out;
}

std::vector<std::filesystem::path> builtInFiles()
{
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(dataDirectory() / "jazz"))
        if (e.path().extension() == ".mid") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

class TestJazzTokens : public QObject {
    Q_OBJECT
private slots:
    void tokenTextRoundTrips()
    {
        for (int len = 1; len <= kMaxLength16; ++len) {
            const Token r{TokenKind::Rest, 0, len};
            QCOMPARE(Token::parse(r.text()), r);
            for (int i = kMinInterval; i <= kMaxInterval; ++i) {
                const Token n{TokenKind::Note, i, len};
                QCOMPARE(Token::parse(n.text()), n);
            }
        }
        QCOMPARE(Token({TokenKind::Note, 7, 4}).text(), std::string("n+7:4"));
        QCOMPARE(Token({TokenKind::Note, -3, 2}).text(), std::string("n-3:2"));
        QCOMPARE(Token({TokenKind::Rest, 0, 16}).text(), std::string("r:16"));
        for (const char* bad : {"", "x:4", "n+7", "n+7:0", "n+7:17", "n+25:4", "r+1:4", "n7:4x", "r:"})
            QVERIFY2(inputErrorOf([&] { Token::parse(bad); }).contains("is not a melody token"), bad);
    }
    void chordRootsAndProgressions()
    {
        QCOMPARE(chordRoot("F7"), 5);
        QCOMPARE(chordRoot("Bb7"), 10);
        QCOMPARE(chordRoot("B&7"), 10);
        QCOMPARE(chordRoot("C#m7"), 1);
        QCOMPARE(chordRoot("Cb"), 11);
        QCOMPARE(chordRoot("/"), -1);
        QCOMPARE(chordRoot("x"), -1);
        const ChordTrack p = parseProgression("F7 | Bb7 | F7/D7 Gm7,C7");
        QCOMPARE(p.chords.size(), std::size_t(6));
        QCOMPARE(p.chords[2].start16, std::int64_t(32));
        QCOMPARE(p.chords[3].start16, std::int64_t(40)); // D7 on beat 3
        QCOMPARE(p.chords[3].root, 2);
        QCOMPARE(p.rootAt(0), 5);
        QCOMPARE(p.rootAt(20), 10);
        QCOMPARE(p.rootAt(1000), 0); // C7 holds to the end
        QVERIFY(inputErrorOf([] { parseProgression("F7 H7"); }).contains("\"H7\""));
        QVERIFY(inputErrorOf([] { parseProgression("  "); }).contains("empty"));
    }

    // An improvisation's chords: the progression repeated, whole choruses at a time, until it covers the length.
    void progressionsLoopWholeChoruses()
    {
        const ChordTrack one = parseProgression("F7 Bb7/C7"); // 2 bars, 3 chords
        const ChordTrack looped = loopProgression(one, 5 * 16);  // 5 bars: 3 choruses
        QCOMPARE(looped.chords.size(), std::size_t(9));
        QCOMPARE(looped.chords[3].start16, std::int64_t(32));
        QCOMPARE(looped.chords[8].start16, std::int64_t(64 + 24));
        QCOMPARE(looped.rootAt(5 * 16 - 1), 5);  // bar 5 opens the third chorus: F7
        QCOMPARE(looped.rootAt(90), 0);          // its C7 holds on
        QCOMPARE(loopProgression(ChordTrack{}, 64).chords.size(), std::size_t(0));
    }
    void melodyOnTheGridRoundTrips()
    {
        Melody m;
        m.chords = parseProgression("F7 Bb7");
        // F A C (over F7, root 65) then a rest, D over Bb7 (root 70) and a whole note.
        m.notes = {{65, 0, 2, 90}, {69, 2, 2, 90}, {72, 4, 4, 90}, {74, 12, 4, 90}, {62, 16, 16, 90}};
        const auto tokens = encodeMelody(m);
        QStringList texts;
        for (const auto& t : tokens) texts << QString::fromStdString(t.text());
        QCOMPARE(texts.join(' '), QString("n0:2 n+4:2 n+7:4 r:4 n+9:4 n-8:16"));
        QVERIFY(shape(decodeTokens(tokens, m.chords)) == shape(m.notes));
    }
    void offGridMelodiesLoseOnlyWhatIsDocumented()
    {
        Melody m;
        m.chords = parseProgression("C");
        m.notes = {{60, 0, 8, 90}, {64, 4, 20, 90}, {100, 40, 2, 90}};
        const auto back = decodeTokens(encodeMelody(m), m.chords);
        QCOMPARE(back.size(), std::size_t(3));
        QCOMPARE(back[0].length16, 4);  // cut at the next onset
        QCOMPARE(back[1].length16, 16); // cut to a whole note
        QCOMPARE(back[2].start16, std::int64_t(40));
        QCOMPARE(back[2].pitch, 100 - 24); // folded two octaves into +24
    }
    void builtInMelodiesRoundTrip()
    {
        const auto files = builtInFiles();
        QVERIFY(files.size() >= 10);
        std::vector<Token> all;
        for (const auto& path : files) {
            const Melody m = extractMelody(readMidi(path), path.filename().string());
            QVERIFY2(m.notes.size() >= 40, path.c_str());
            QVERIFY2(!m.chords.chords.empty(), path.c_str());
            const auto tokens = encodeMelody(m);
            QVERIFY2(shape(decodeTokens(tokens, m.chords)) == shape(m.notes), path.c_str());
            all.insert(all.end(), tokens.begin(), tokens.end());
        }
        const TokenVocabulary vocab(all);
        QVERIFY(vocab.size() > 20 && vocab.size() < 400);
        QCOMPARE(TokenVocabulary::fromTexts(vocab.texts()).texts(), vocab.texts());
        QVERIFY(!vocab.token(0).isNote()); // rests first
    }
    void builtInChordsComeFromMmaLyrics()
    {
        // blue_step: F7 | Bb7 | F7 | F7 | Bb7 | Bb7 | F7 | D7 | Gm7 | C7 | F7 D7 | Gm7 C7, melody on the "Solo" track.
        const auto path = dataFile("jazz/blue_step_swing.mid");
        const MidiFile f = readMidi(path);
        const Melody m = extractMelody(f, "blue_step_swing.mid");
        QCOMPARE(f.trackNames.at(std::size_t(m.melodyTrack)), std::string("Solo"));
        QCOMPARE(m.chords.chords.size(), std::size_t(14));
        QCOMPARE(m.chords.chords[0].name, std::string("F7"));
        QCOMPARE(m.chords.chords[1].name, std::string("Bb7"));
        QCOMPARE(m.chords.chords[1].start16, std::int64_t(16));
        QCOMPARE(m.chords.chords[11].name, std::string("D7"));
        QCOMPARE(m.chords.chords[11].start16, std::int64_t(10 * 16 + 8));
        QCOMPARE(m.notes.front().pitch, 65); // "8f" in octave 5
        QCOMPARE(m.notes.front().length16, 2);
        QCOMPARE(m.bpm, 60e6 / 454545); // Tempo 132 as MMA rounds it
    }
    void filesWithoutChordNamesUseTheBass()
    {
        MidiFile f;
        f.ticksPerQuarter = 96;
        f.tracks = 2;
        f.trackNames = {"", ""};
        f.notes = {{.pitch = 72, .track = 0, .startTick = 0, .durationTick = 96},
                   {.pitch = 74, .track = 0, .startTick = 96, .durationTick = 96},
                   {.pitch = 43, .track = 1, .startTick = 0, .durationTick = 96},  // G
                   {.pitch = 38, .track = 1, .startTick = 96, .durationTick = 96}}; // D
        f.endTick = 192;
        const Melody m = extractMelody(f, "x.mid");
        QCOMPARE(m.melodyTrack, 0);
        QCOMPARE(m.chords.chords.size(), std::size_t(2));
        QCOMPARE(m.chords.rootAt(0), 7);
        QCOMPARE(m.chords.rootAt(4), 2);
        const auto tokens = encodeMelody(m);
        QCOMPARE(tokens[0].text(), std::string("n+5:4")); // 72 - (60 + 7)
        QCOMPARE(tokens[1].text(), std::string("n+12:4")); // 74 - (60 + 2)
    }
    void drumsOnlyFileIsRefused()
    {
        MidiFile f;
        f.notes = {{.pitch = 36, .channel = 9}};
        QVERIFY(inputErrorOf([&] { extractMelody(f, "drums.mid"); }).contains("drums.mid: no melody"));
    }
    void melodyToMidiWritesTicksAndChords()
    {
        const ChordTrack chords = parseProgression("F7 Bb7");
        const std::vector<MelodyNote> notes = {{65, 0, 4, 90}, {74, 16, 8, 80}};
        const MidiFile f = parseMidi(midiBytes(melodyToMidi(notes, 120, chords, true)), "x.mid");
        const Melody m = extractMelody(f, "x.mid"); // melody: the highest track... one track: filter channel 0
        int melody = 0, comp = 0;
        for (const auto& n : f.notes) (n.channel == 0 ? melody : comp)++;
        QCOMPARE(melody, 2);
        QCOMPARE(comp, 6);
        QCOMPARE(f.texts.size(), std::size_t(2));
        QCOMPARE(f.texts[1].text, std::string("Bb7"));
        QCOMPARE(f.notes.back().start_s, 2.0); // bar 2 at 120 bpm
        QCOMPARE(m.chords.rootAt(16), 10);
    }
};

QTEST_GUILESS_MAIN(TestJazzTokens)
#include "tst_jazztokens.moc"
