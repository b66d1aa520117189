// Standard MIDI Files (SMF) in and out, our own reader and writer: what the jazz lab reads its melodies from and
// writes its improvisations to. The format is the MIDI Manufacturers Association's "Standard MIDI Files 1.0".
//
//   MidiFile song = readMidi("blues.mid");          // notes in seconds after the tempo map, plus their ticks
//   writeMidi("out.mid", song);                     // always format 0 (one track)
//
// Reads formats 0 and 1 (format 2, independent sequences, is refused by name): running status, the tempo (FF 51) and
// time-signature (FF 58) meta events, note on / note off pairing (a note-on with velocity 0 is a note-off; a
// note-off closes the oldest open note of its channel and pitch; notes still open at the end of their track end
// there), several tracks, SMPTE time division. Sysex (F0 / F7) and other meta events are skipped by their lengths;
// unknown chunks are skipped. Every error is a FormatError naming the file and the byte offset; nothing is allocated
// from a count the file claims, only from what was actually read, so memory stays within a small multiple of the
// file size (which is itself limited to kMaxMidiBytes).
// Leaves out: program changes, controllers and pitch bend (read and dropped), format 2.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace unroll::jazz {

inline constexpr std::int64_t kMaxMidiBytes = 16 * 1024 * 1024; // a MIDI song is kilobytes; 16 MB is absurd already

struct MidiNote {
    int pitch = 60;        // 0..127, 60 = middle C
    int velocity = 100;    // 1..127
    double start_s = 0;    // after the tempo map
    double duration_s = 0;
    int track = 0;         // index of the MTrk chunk it came from
    int channel = 0;       // 0..15 (9 is General MIDI percussion)
    std::int64_t startTick = 0, durationTick = 0;

    friend bool operator==(const MidiNote&, const MidiNote&) = default;
};

struct MidiTempo {
    std::int64_t tick = 0;
    int microsPerQuarter = 500000; // 120 bpm
    double bpm() const { return 60e6 / microsPerQuarter; }
    friend bool operator==(const MidiTempo&, const MidiTempo&) = default;
};

struct MidiTimeSignature {
    std::int64_t tick = 0;
    int numerator = 4, denominator = 4;
    friend bool operator==(const MidiTimeSignature&, const MidiTimeSignature&) = default;
};

// A text (FF 01), lyric (FF 05) or marker (FF 06) event: MMA writes chord names as lyrics (Lyric Chords=On).
struct MidiText {
    std::int64_t tick = 0;
    int type = 0x05;
    std::string text;
    int track = 0;
    friend bool operator==(const MidiText&, const MidiText&) = default;
};

struct MidiFile {
    int format = 0;
    int ticksPerQuarter = 480; // for SMPTE division: ticks per second (frames/s × ticks/frame), see smpte
    bool smpte = false;
    int tracks = 1;
    std::vector<MidiNote> notes;                // sorted by start tick, then track, channel, pitch
    std::vector<MidiTempo> tempos;              // sorted by tick; empty = 120 bpm throughout
    std::vector<MidiTimeSignature> signatures;  // sorted by tick
    std::vector<std::string> trackNames;        // FF 03 of each track ("" if none), one per track
    std::vector<MidiText> texts;                // sorted by tick (stable: file order within a tick)
    std::int64_t endTick = 0;                   // the last track's end-of-track tick
};

// The bytes of a file; sourceName starts every error message ("blues.mid: byte 14: ...").
MidiFile parseMidi(std::string_view bytes, const std::string& sourceName);
// Reads the file (InputError if it cannot be opened or is larger than kMaxMidiBytes) and parses it.
MidiFile readMidi(const std::filesystem::path& path);

// Seconds of a tick under the file's tempo map (or SMPTE division).
double tickToSeconds(const MidiFile& file, std::int64_t tick);
// Recomputes every note's start_s / duration_s from its ticks (after editing ticks or tempos).
void updateSeconds(MidiFile& file);

// A format-0 file of the notes' ticks, channels, pitches and velocities, with the tempo map and time signatures and
// a track name (file.trackNames[0] if any) and the texts. Same-tick events: note-offs before note-ons, so a repeated pitch restarts.
// InputError for a pitch, velocity or channel out of range, a negative tick or a non-positive ticksPerQuarter.
std::string midiBytes(const MidiFile& file);
void writeMidi(const std::filesystem::path& path, const MidiFile& file); // atomic

} // namespace unroll::jazz
