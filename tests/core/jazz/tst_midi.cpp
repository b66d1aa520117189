// The Standard MIDI File reader and writer (jazz/Midi.hpp): a hand-made format-1 file compared with what midicsv 1.1
// prints for it (recorded below; the test does not need midicsv), the tempo map, read → write → read round trips, and
// the bad files the reader must refuse with the file's name and the byte offset.
#include "jazz/Midi.hpp"

#include "../InputErrorOf.hpp"
#include "util/Resources.hpp"

#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <set>
#include <sstream>
#include <tuple>

using namespace unroll;
using namespace unroll::jazz;
using unroll::test::inputErrorOf;

namespace {

std::string bytesOf(std::initializer_list<int> values)
{
    std::string s;
    for (int v : values) s.push_back(char(v));
    return s;
}

// Format 1, 2 tracks, 96 ticks per quarter. Track 0: tempo 500000, 3/4, tempo 250000 at tick 192. Track 1 "Lead": two
// note-ons (the second by running status), a sysex, a note-on of velocity 0 as note-off, a note-off, a program change
// (one data byte), a third note under the new tempo.
const std::string kHandMade = bytesOf(
    {0x4D, 0x54, 0x68, 0x64, 0x00, 0x00, 0x00, 0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0x60, 0x4D, 0x54, 0x72, 0x6B, 0x00,
     0x00, 0x00, 0x1B, 0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20, 0x00, 0xFF, 0x58, 0x04, 0x03, 0x02, 0x18, 0x08, 0x81,
     0x40, 0xFF, 0x51, 0x03, 0x03, 0xD0, 0x90, 0x00, 0xFF, 0x2F, 0x00, 0x4D, 0x54, 0x72, 0x6B, 0x00, 0x00, 0x00, 0x2C,
     0x00, 0xFF, 0x03, 0x04, 0x4C, 0x65, 0x61, 0x64, 0x00, 0x90, 0x3C, 0x64, 0x00, 0x40, 0x5A, 0x30, 0xF0, 0x03, 0x43,
     0x12, 0xF7, 0x30, 0x90, 0x3C, 0x00, 0x30, 0x80, 0x40, 0x40, 0x00, 0xC0, 0x05, 0x30, 0x90, 0x43, 0x50, 0x60, 0x90,
     0x43, 0x00, 0x00, 0xFF, 0x2F, 0x00});

// `midicsv hand.mid` (midicsv 1.1, Debian 12).
const char* kHandMadeCsv = R"(0, 0, Header, 1, 2, 96
1, 0, Start_track
1, 0, Tempo, 500000
1, 0, Time_signature, 3, 2, 24, 8
1, 192, Tempo, 250000
1, 192, End_track
2, 0, Start_track
2, 0, Title_t, "Lead"
2, 0, Note_on_c, 0, 60, 100
2, 0, Note_on_c, 0, 64, 90
2, 48, System_exclusive, 3, 67, 18, 247
2, 96, Note_on_c, 0, 60, 0
2, 144, Note_off_c, 0, 64, 64
2, 144, Program_c, 0, 5
2, 192, Note_on_c, 0, 67, 80
2, 288, Note_on_c, 0, 67, 0
2, 288, End_track
0, 0, End_of_file
)";

using Start = std::tuple<int, std::int64_t, int, int, int>; // track, tick, channel, pitch, velocity
using End = std::tuple<int, std::int64_t, int, int>;        // track, tick, channel, pitch

// The note starts and ends midicsv lists (its tracks count from 1).
void eventsFromCsv(const std::string& csv, std::multiset<Start>& starts, std::multiset<End>& ends)
{
    std::istringstream in(csv);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::istringstream fields(line);
        std::string x;
        while (std::getline(fields, x, ',')) f.push_back(x.substr(x.find_first_not_of(' ')));
        if (f.size() < 6 || (f[2] != "Note_on_c" && f[2] != "Note_off_c")) continue;
        const int track = std::stoi(f[0]) - 1, channel = std::stoi(f[3]), pitch = std::stoi(f[4]),
                  velocity = std::stoi(f[5]);
        const std::int64_t tick = std::stoll(f[1]);
        if (f[2] == "Note_on_c" && velocity > 0) starts.insert({track, tick, channel, pitch, velocity});
        else ends.insert({track, tick, channel, pitch});
    }
}

void eventsFromNotes(const MidiFile& f, std::multiset<Start>& starts, std::multiset<End>& ends)
{
    for (const auto& n : f.notes) {
        starts.insert({n.track, n.startTick, n.channel, n.pitch, n.velocity});
        ends.insert({n.track, n.startTick + n.durationTick, n.channel, n.pitch});
    }
}

// Notes without their track (a format-0 copy puts everything in track 0).
std::vector<std::tuple<std::int64_t, std::int64_t, int, int, int>> untracked(const MidiFile& f)
{
    std::vector<std::tuple<std::int64_t, std::int64_t, int, int, int>> out;
    for (const auto& n : f.notes) out.emplace_back(n.startTick, n.durationTick, n.channel, n.pitch, n.velocity);
    std::sort(out.begin(), out.end());
    return out;
}

// The events with their track set to 0 (a format-0 copy has one track).
template <class Tuple> std::multiset<Tuple> untrackedEvents(const std::multiset<Tuple>& events)
{
    std::multiset<Tuple> out;
    for (auto e : events) {
        std::get<0>(e) = 0;
        out.insert(e);
    }
    return out;
}

std::string trackChunk(const std::string& body)
{
    std::string s = "MTrk";
    const auto n = std::uint32_t(body.size());
    for (int i = 3; i >= 0; --i) s.push_back(char((n >> (8 * i)) & 0xFF));
    return s + body;
}

const std::string kHeader1 = bytesOf({0x4D, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0, 96}); // format 0, 1 track

} // namespace

class TestMidi : public QObject {
    Q_OBJECT
private slots:
    void handMadeFileMatchesMidicsv()
    {
        const MidiFile f = parseMidi(kHandMade, "hand.mid");
        QCOMPARE(f.format, 1);
        QCOMPARE(f.tracks, 2);
        QCOMPARE(f.ticksPerQuarter, 96);
        std::multiset<Start> s1, s2;
        std::multiset<End> e1, e2;
        eventsFromCsv(kHandMadeCsv, s1, e1);
        eventsFromNotes(f, s2, e2);
        QCOMPARE(s2.size(), std::size_t(3));
        QVERIFY(s1 == s2);
        QVERIFY(e1 == e2);
        QCOMPARE(f.trackNames.at(1), std::string("Lead"));
        QCOMPARE(f.signatures.size(), std::size_t(1));
        QCOMPARE(f.signatures[0].numerator, 3);
        QCOMPARE(f.signatures[0].denominator, 4);
    }
    void secondsFollowTheTempoMap()
    {
        // 500000 us per quarter (0.5 s) until tick 192 = 2 quarters = 1 s, then 0.25 s per quarter.
        const MidiFile f = parseMidi(kHandMade, "hand.mid");
        QCOMPARE(f.notes[0].pitch, 60);
        QCOMPARE(f.notes[0].start_s, 0.0);
        QCOMPARE(f.notes[0].duration_s, 0.5);
        QCOMPARE(f.notes[1].pitch, 64);
        QCOMPARE(f.notes[1].duration_s, 0.75);
        QCOMPARE(f.notes[2].pitch, 67);
        QCOMPARE(f.notes[2].start_s, 1.0);
        QCOMPARE(f.notes[2].duration_s, 0.25);
    }
    void roundTripKeepsNotesAndTempo()
    {
        const MidiFile a = parseMidi(kHandMade, "hand.mid");
        const std::string written = midiBytes(a);
        const MidiFile b = parseMidi(written, "written.mid");
        QCOMPARE(b.format, 0);
        QVERIFY(untracked(a) == untracked(b));
        QVERIFY(a.tempos == b.tempos);
        QVERIFY(a.signatures == b.signatures);
        for (std::size_t i = 0; i < a.notes.size(); ++i) {
            QCOMPARE(b.notes[i].start_s, a.notes[i].start_s);
            QCOMPARE(b.notes[i].duration_s, a.notes[i].duration_s);
        }
        QCOMPARE(midiBytes(b), written); // the writer is a fixed point
    }
    void roundTripOnBuiltInFiles()
    {
        const auto dir = dataDirectory() / "jazz";
        int files = 0;
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            if (entry.path().extension() != ".mid") continue;
            const MidiFile a = readMidi(entry.path());
            QVERIFY2(!a.notes.empty(), entry.path().c_str());
            QTemporaryDir tmp;
            const auto out = std::filesystem::path(tmp.path().toStdString()) / "copy.mid";
            writeMidi(out, a);
            const MidiFile b = readMidi(out);
            // Every note-on and note-off survives. (Overlapping notes of one channel and pitch from different tracks
            // pair up oldest-first once merged into one track, so their durations may swap: compare the events.)
            std::multiset<Start> s1, s2;
            std::multiset<End> e1, e2;
            eventsFromNotes(a, s1, e1);
            eventsFromNotes(b, s2, e2);
            QVERIFY2(untrackedEvents(s1) == untrackedEvents(s2), entry.path().c_str());
            QVERIFY2(untrackedEvents(e1) == untrackedEvents(e2), entry.path().c_str());
            QVERIFY(a.tempos == b.tempos);
            QVERIFY(a.texts.size() == b.texts.size());
            ++files;
        }
        QVERIFY(files >= 10);
    }
    void builtInFileMatchesMidicsvCounts()
    {
        // `midicsv blue_step_swing.mid`: 528 Note_on_c events with velocity > 0; per track (midicsv counts from 1)
        // 2: 229 (drums), 3: 59 (Solo), 4: 120, 5: 72, 6: 48; the Solo's first is "3, 0, Note_on_c, 12, 65, 95";
        // the last End_track is at tick 9177; "0, 0, Header, 1, 6, 192".
        const MidiFile f = readMidi(dataFile("jazz/blue_step_swing.mid"));
        QCOMPARE(f.format, 1);
        QCOMPARE(f.tracks, 6);
        QCOMPARE(f.ticksPerQuarter, 192);
        QCOMPARE(f.notes.size(), std::size_t(528));
        std::map<int, int> perTrack;
        for (const auto& n : f.notes) ++perTrack[n.track];
        QVERIFY((perTrack == std::map<int, int>{{1, 229}, {2, 59}, {3, 120}, {4, 72}, {5, 48}}));
        QCOMPARE(f.endTick, std::int64_t(9177));
        const auto solo = std::find_if(f.notes.begin(), f.notes.end(), [](const MidiNote& n) { return n.track == 2; });
        QCOMPARE(solo->pitch, 65);
        QCOMPARE(solo->velocity, 95);
        QCOMPARE(solo->channel, 12);
        QCOMPARE(solo->startTick, std::int64_t(0));
        QCOMPARE(f.trackNames[2], std::string("Solo"));
        QCOMPARE(f.tempos.at(0).microsPerQuarter, 454545);
    }
    void repeatedPitchPairsOldestFirstAndOpenNotesEndAtTrackEnd()
    {
        // 60 on at 0 and 10, off at 20 and 30 (running status); 62 on at 30, never off; end of track at 40.
        const std::string body = bytesOf({0, 0x90, 60, 100, 10, 60, 90, 10, 0x80, 60, 0, 10, 60, 0, 0, 0x90, 62, 70,
                                          10, 0xFF, 0x2F, 0});
        const MidiFile f = parseMidi(kHeader1 + trackChunk(body), "x.mid");
        QCOMPARE(f.notes.size(), std::size_t(3));
        QCOMPARE(f.notes[0].startTick, std::int64_t(0));
        QCOMPARE(f.notes[0].durationTick, std::int64_t(20));
        QCOMPARE(f.notes[0].velocity, 100);
        QCOMPARE(f.notes[1].startTick, std::int64_t(10));
        QCOMPARE(f.notes[1].durationTick, std::int64_t(20));
        QCOMPARE(f.notes[2].pitch, 62);
        QCOMPARE(f.notes[2].durationTick, std::int64_t(10));
    }
    void unknownChunksAreSkipped()
    {
        const std::string body = bytesOf({0, 0x90, 60, 100, 96, 0x80, 60, 0, 0, 0xFF, 0x2F, 0});
        const std::string junk = "XTRA" + bytesOf({0, 0, 0, 3, 1, 2, 3});
        const MidiFile f = parseMidi(kHeader1 + junk + trackChunk(body), "x.mid");
        QCOMPARE(f.notes.size(), std::size_t(1));
        QCOMPARE(f.notes[0].duration_s, 0.5);
    }
    void badFilesNameTheFileAndOffset_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        auto add = [](const char* name, const std::string& b, const char* what) {
            QTest::newRow(name) << QByteArray(b.data(), qsizetype(b.size())) << QString(what);
        };
        add("not midi", "RIFF\0\0\0\0WAVE", "bad.mid: byte 0: not a MIDI file");
        add("empty", "", "bad.mid: byte 0: not a MIDI file");
        add("truncated header", kHeader1.substr(0, 10), "bad.mid: byte 4: header claims 6 bytes");
        add("short header length", bytesOf({0x4D, 0x54, 0x68, 0x64, 0, 0, 0, 2, 0, 0}), "header length 2");
        add("absurd chunk length",
            kHeader1 + "MTrk" + bytesOf({0x7F, 0xFF, 0xFF, 0xFF, 0, 0xFF, 0x2F, 0}),
            "bad.mid: byte 14: chunk 'MTrk' claims 2147483647 bytes, the file has 4 left");
        add("truncated track", kHandMade.substr(0, kHandMade.size() - 5), "chunk 'MTrk' claims 44 bytes");
        add("missing track", kHandMade.substr(0, 49), "bad.mid: byte 49: the header promises 2 tracks");
        add("running status without status", kHeader1 + trackChunk(bytesOf({0, 60, 100, 0, 0xFF, 0x2F, 0})),
            "bad.mid: byte 23: data byte 0x3C with no status byte");
        add("no end of track", kHeader1 + trackChunk(bytesOf({0, 0x90, 60, 100})),
            "ends without an end-of-track event");
        add("meta longer than track", kHeader1 + trackChunk(bytesOf({0, 0xFF, 0x01, 0x40, 'a', 0, 0xFF, 0x2F, 0})),
            "meta event 0x01 claims 64 bytes, the track has 5 left");
        add("long vlq", kHeader1 + trackChunk(bytesOf({0x81, 0x81, 0x81, 0x81, 0x01, 0xFF, 0x2F, 0})),
            "bad.mid: byte 22: delta time is a variable-length number longer than 4 bytes");
        add("format 2", bytesOf({0x4D, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 2, 0, 1, 0, 96}), "format 2");
        add("format 0 with 2 tracks", bytesOf({0x4D, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 2, 0, 96}),
            "format 0 with 2 tracks");
        add("zero division", bytesOf({0x4D, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0, 0}), "0 ticks per quarter");
        add("bad tempo length", kHeader1 + trackChunk(bytesOf({0, 0xFF, 0x51, 2, 1, 2, 0, 0xFF, 0x2F, 0})),
            "tempo event of length 2");
        add("bytes after end", kHeader1 + trackChunk(bytesOf({0, 0xFF, 0x2F, 0, 0, 0})), "2 bytes after its end");
        add("data byte with top bit", kHeader1 + trackChunk(bytesOf({0, 0x90, 0x90, 0, 0, 0xFF, 0x2F, 0})),
            "data byte 0x90 has its top bit set");
    }
    void badFilesNameTheFileAndOffset()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const QString message = inputErrorOf(
            [&] { parseMidi(std::string_view(bytes.constData(), std::size_t(bytes.size())), "bad.mid"); });
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY(message.startsWith("bad.mid: "));
    }
    void writerRefusesOutOfRangeNotes()
    {
        MidiFile f;
        f.notes.push_back({.pitch = 128, .velocity = 100});
        QVERIFY(inputErrorOf([&] { midiBytes(f); }).contains("pitch 128"));
    }
    void missingFileIsAnInputError()
    {
        QVERIFY(inputErrorOf([] { readMidi("/nonexistent/x.mid"); }).contains("/nonexistent/x.mid"));
    }
};

QTEST_GUILESS_MAIN(TestMidi)
#include "tst_midi.moc"
