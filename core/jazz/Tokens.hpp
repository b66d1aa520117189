// The jazz lab's melody encoding: a melody over a chord progression becomes a sequence of tokens, one per note or
// rest, that an LSTM learns as the course's model learns its "values" ("Improvise a Jazz Solo with an LSTM Network").
//
//   Melody m = extractMelody(readMidi("blue_step_swing.mid"), "blue_step_swing.mid");
//   std::vector<Token> tokens = encodeMelody(m);           // "n+5:2 n+9:2 r:4 ..."
//   std::vector<MelodyNote> back = decodeTokens(tokens, m.chords); // the same notes
//
// Time is counted in sixteenth notes. A note token "n<interval>:<length>" is the pitch relative to the root of the
// chord sounding at its onset, placed in the octave from middle C up (the reference pitch 60 + root pitch class), and
// its length in sixteenths, 1..16: "n+7:4" over F7 is a quarter-note C5 (65 + 7 = 72). A rest token "r:<length>"
// advances time by 1..16 sixteenths. The melody's time line is exact: each token starts where the one before ended.
//
// Reversible: decodeTokens(encodeMelody(m), m.chords) gives back m's notes whenever they lie on the sixteenth grid,
// do not overlap, last at most a whole note and have intervals in [kMinInterval, kMaxInterval]. Otherwise the encoding
// is lossy and says how: onsets and lengths are rounded to the grid, an overlapping note is cut at the next onset
// (of notes starting together the highest is kept), a longer note is cut to 16 sixteenths (its remainder becomes
// rest), an interval out of range is folded by octaves into it.
//
// Chords come from the file: chord names in lyric/text events (MMA's "Lyric Chords=On", which the built-in corpus
// uses), spread evenly over their bar as MMA places them (two chords in 4/4 on beats 1 and 3); files without them get
// the lowest accompaniment note sounding at each beat as its root (the bass), and C when nothing sounds.
// Leaves out: the course's C/S/A/X/R grammar (chord, scale, approach, other tones) - only the root-relative encoding.
#pragma once

#include "jazz/Midi.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace unroll::jazz {

inline constexpr int kMinInterval = -24, kMaxInterval = 24, kMaxLength16 = 16;
inline constexpr int kReferencePitch = 60; // the root's pitch class is placed at 60..71

struct Chord {
    std::int64_t start16 = 0; // in sixteenths from the start
    int root = 0;             // pitch class 0..11 (C = 0)
    std::string name;         // "F7", or "C?" for a root guessed from the bass
    friend bool operator==(const Chord&, const Chord&) = default;
};

// A chord progression: chords sorted by start; rootAt before the first chord is the first chord's root.
struct ChordTrack {
    std::vector<Chord> chords;
    int rootAt(std::int64_t pos16) const; // 0 (C) when there are no chords
};

// "F7" -> 5, "Bb7" / "B&7" -> 10, "C#m7" -> 1; -1 when the text does not start with a chord root.
int chordRoot(std::string_view name);
// "F7 Bb7 F7 F7 | Bb7 ..." -> one chord per bar of 16 sixteenths ("F7/Bb7" or "F7,Bb7": two in the bar, on beats 1
// and 3; "|" is ignored). InputError naming the symbol that has no root.
ChordTrack parseProgression(std::string_view text);
// The progression repeated, whole bars at a time, until it covers `length16` sixteenths (an improvisation's chords).
ChordTrack loopProgression(const ChordTrack& one, std::int64_t length16);

struct MelodyNote {
    int pitch = 60;
    std::int64_t start16 = 0;
    int length16 = 1;
    int velocity = 90;
    friend bool operator==(const MelodyNote&, const MelodyNote&) = default;
};

struct Melody {
    std::string source;
    std::vector<MelodyNote> notes; // sorted, not overlapping
    ChordTrack chords;
    double bpm = 120;              // the file's first tempo
    int melodyTrack = 0, melodyChannel = 0; // where in the file the melody came from
};

// The melody of a file: the notes of one (track, channel) outside percussion (channel 9): of a track named "Solo" or
// "Melody" (any case) if there is one, and of those the one with the highest mean pitch. InputError naming the file when it has no such track.
Melody extractMelody(const MidiFile& file, const std::string& source);

enum class TokenKind { Note, Rest };

struct Token {
    TokenKind kind = TokenKind::Rest;
    int interval = 0; // semitones above the chord's reference pitch (notes only)
    int length16 = 4; // 1..16

    std::string text() const;                 // "n+7:4", "n-3:2", "n0:8", "r:4"
    static Token parse(std::string_view text); // the inverse; InputError for anything else
    bool isNote() const { return kind == TokenKind::Note; }
    friend auto operator<=>(const Token&, const Token&) = default;
};

std::vector<Token> encodeMelody(const Melody& melody);
// Notes from tokens laid end to end from `start16`, each note's pitch from the root at its onset (clamped to 0..127).
std::vector<MelodyNote> decodeTokens(const std::vector<Token>& tokens, const ChordTrack& chords,
                                     std::int64_t start16 = 0, int velocity = 90);

// The vocabulary: the distinct tokens of a corpus, sorted (rests by length, then notes by interval and length), as
// the course's "values" are the distinct grammar strings of its corpus.
class TokenVocabulary {
public:
    TokenVocabulary() = default;
    explicit TokenVocabulary(std::vector<Token> tokens); // duplicates are dropped
    static TokenVocabulary fromTexts(const std::vector<std::string>& texts); // InputError on a malformed token
    int size() const { return int(tokens_.size()); }
    const Token& token(int index) const { return tokens_.at(std::size_t(index)); }
    int indexOf(const Token& t) const; // -1 when absent
    std::vector<std::string> texts() const;
    const std::vector<Token>& tokens() const { return tokens_; }

private:
    std::vector<Token> tokens_;
    std::map<Token, int> index_;
};

// Melody notes as MIDI notes at a tempo: 480 ticks per quarter, 120 per sixteenth.
inline constexpr int kWriteTicksPerQuarter = 480;
MidiFile melodyToMidi(const std::vector<MelodyNote>& notes, double bpm, const ChordTrack& chords = {},
                      bool accompaniment = false);

} // namespace unroll::jazz
