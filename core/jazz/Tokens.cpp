// The root-relative melody encoding; see Tokens.hpp.
#include "jazz/Tokens.hpp"

#include "util/Error.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

namespace unroll::jazz {

int ChordTrack::rootAt(std::int64_t pos16) const
{
    if (chords.empty()) return 0;
    const auto it = std::upper_bound(chords.begin(), chords.end(), pos16,
                                     [](std::int64_t p, const Chord& c) { return p < c.start16; });
    return it == chords.begin() ? chords.front().root : std::prev(it)->root;
}

int chordRoot(std::string_view name)
{
    static const int letters[7] = {9, 11, 0, 2, 4, 5, 7}; // A..G
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    if (name.empty() || name[0] < 'A' || name[0] > 'G') return -1;
    int root = letters[name[0] - 'A'];
    if (name.size() > 1 && (name[1] == 'b' || name[1] == '&')) root += 11;
    else if (name.size() > 1 && name[1] == '#') root += 1;
    return root % 12;
}

ChordTrack parseProgression(std::string_view text)
{
    ChordTrack out;
    std::int64_t bar = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '|')) ++i;
        if (i >= text.size()) break;
        std::size_t j = i;
        while (j < text.size() && text[j] != ' ' && text[j] != '\t' && text[j] != '\n' && text[j] != '|') ++j;
        const std::string_view word = text.substr(i, j - i);
        i = j;
        // "F7/Bb7" or "F7,Bb7": the chords of one bar, spread evenly.
        std::vector<std::string_view> parts;
        std::size_t a = 0;
        for (std::size_t k = 0; k <= word.size(); ++k)
            if (k == word.size() || word[k] == '/' || word[k] == ',') {
                if (k > a) parts.push_back(word.substr(a, k - a));
                a = k + 1;
            }
        for (std::size_t p = 0; p < parts.size(); ++p) {
            const int root = chordRoot(parts[p]);
            if (root < 0) throw InputError("chord \"" + std::string(parts[p]) + "\" does not start with a root A-G");
            out.chords.push_back({bar * 16 + std::int64_t(16 * p / parts.size()), root, std::string(parts[p])});
        }
        ++bar;
        if (bar > 100000) throw InputError("a progression of more than 100000 bars");
    }
    if (out.chords.empty()) throw InputError("the chord progression is empty");
    return out;
}

ChordTrack loopProgression(const ChordTrack& one, std::int64_t length16)
{
    std::int64_t bars = 1;
    for (const auto& c : one.chords) bars = std::max(bars, c.start16 / 16 + 1);
    ChordTrack out;
    if (one.chords.empty()) return out;
    for (std::int64_t offset = 0; offset < length16; offset += bars * 16)
        for (auto c : one.chords) {
            c.start16 += offset;
            out.chords.push_back(c);
        }
    return out;
}

namespace {

bool isPercussion(const MidiNote& n) { return n.channel == 9; }

std::string lower(std::string s)
{
    for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

ChordTrack chordsFromTexts(const MidiFile& f, double six, std::int64_t barTicks)
{
    // Chord names of each bar in order, placed evenly over the bar.
    std::map<std::int64_t, std::vector<std::string>> bars;
    for (const auto& t : f.texts) {
        std::string name = t.text;
        while (!name.empty() && (name.back() == ' ' || name.back() == '\r' || name.back() == '\n')) name.pop_back();
        if (chordRoot(name) < 0 || name.find(' ') != std::string::npos) continue;
        bars[t.tick / barTicks].push_back(name);
    }
    ChordTrack out;
    for (const auto& [bar, names] : bars)
        for (std::size_t i = 0; i < names.size(); ++i) {
            const double tick = double(bar * barTicks) + double(barTicks) * double(i) / double(names.size());
            out.chords.push_back({std::int64_t(std::llround(tick / six)), chordRoot(names[i]), names[i]});
        }
    return out;
}

ChordTrack chordsFromBass(const MidiFile& f, int melodyTrack, int melodyChannel, double six)
{
    static const char* names[12] = {"C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"};
    ChordTrack out;
    const std::int64_t beat = f.ticksPerQuarter;
    int last = -1;
    for (std::int64_t t = 0; t < f.endTick; t += beat) {
        int lowest = 128;
        for (const auto& n : f.notes) {
            if (n.startTick > t) continue;
            if ((n.track == melodyTrack && n.channel == melodyChannel) || isPercussion(n) || n.startTick + n.durationTick <= t) continue;
            lowest = std::min(lowest, n.pitch);
        }
        if (lowest == 128 || lowest % 12 == last) continue;
        last = lowest % 12;
        out.chords.push_back({std::int64_t(std::llround(double(t) / six)), last, std::string(names[last]) + "?"});
    }
    return out;
}

} // namespace

Melody extractMelody(const MidiFile& f, const std::string& source)
{
    Melody m;
    m.source = source;
    m.bpm = f.tempos.empty() ? 120.0 : f.tempos.front().bpm();
    if (f.smpte) throw InputError(source + ": SMPTE-timed files have no beats to put a melody on");
    // Candidates: (track, channel) groups outside percussion; a track named Solo / Melody wins, then the highest.
    std::map<std::pair<int, int>, std::pair<double, int>> groups; // -> (pitch sum, count)
    for (const auto& n : f.notes)
        if (!isPercussion(n)) {
            auto& g = groups[{n.track, n.channel}];
            g.first += n.pitch;
            ++g.second;
        }
    int track = -1, channel = -1;
    double best = -1;
    bool named = false;
    for (const auto& [key, g] : groups) {
        const std::size_t t = std::size_t(key.first);
        const std::string name = t < f.trackNames.size() ? lower(f.trackNames[t]) : std::string();
        const bool isNamed = name == "solo" || name == "melody";
        const double mean = g.first / g.second;
        if ((isNamed && !named) || (isNamed == named && mean > best)) {
            track = key.first, channel = key.second, best = mean, named = isNamed;
        }
    }
    if (track < 0) throw InputError(source + ": no melody (no notes outside the percussion channel)");
    m.melodyTrack = track;
    m.melodyChannel = channel;
    const double six = f.ticksPerQuarter / 4.0;

    std::vector<MelodyNote> raw;
    for (const auto& n : f.notes) {
        if (n.track != track || n.channel != channel) continue;
        const std::int64_t start = std::llround(double(n.startTick) / six);
        const std::int64_t end = std::llround(double(n.startTick + n.durationTick) / six);
        raw.push_back({n.pitch, start, int(std::clamp<std::int64_t>(end - start, 1, 1 << 20)), n.velocity});
    }
    std::stable_sort(raw.begin(), raw.end(), [](const MelodyNote& a, const MelodyNote& b) {
        return a.start16 != b.start16 ? a.start16 < b.start16 : a.pitch > b.pitch;
    });
    for (const auto& n : raw) {
        if (!m.notes.empty() && m.notes.back().start16 == n.start16) continue; // the highest of a chord
        if (!m.notes.empty()) {
            auto& prev = m.notes.back();
            prev.length16 = int(std::min<std::int64_t>(prev.length16, n.start16 - prev.start16));
        }
        m.notes.push_back(n);
    }
    int num = 4, den = 4;
    if (!f.signatures.empty()) num = f.signatures.front().numerator, den = f.signatures.front().denominator;
    const std::int64_t barTicks = std::max<std::int64_t>(1, std::int64_t(f.ticksPerQuarter) * 4 * num / den);
    m.chords = chordsFromTexts(f, six, barTicks);
    if (m.chords.chords.empty()) m.chords = chordsFromBass(f, track, channel, six);
    return m;
}

std::string Token::text() const
{
    if (kind == TokenKind::Rest) return "r:" + std::to_string(length16);
    return "n" + std::string(interval > 0 ? "+" : "") + std::to_string(interval) + ":" + std::to_string(length16);
}

Token Token::parse(std::string_view text)
{
    auto bad = [&] {
        return InputError("\"" + std::string(text) + "\" is not a melody token (n<interval>:<length> or r:<length>, " +
                          "interval " + std::to_string(kMinInterval) + ".." + std::to_string(kMaxInterval) +
                          ", length 1.." + std::to_string(kMaxLength16) + ")");
    };
    const auto colon = text.find(':');
    if (text.empty() || colon == std::string_view::npos) throw bad();
    Token t;
    auto number = [&](std::string_view s, int& v) {
        if (!s.empty() && s[0] == '+') s.remove_prefix(1);
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) throw bad();
    };
    number(text.substr(colon + 1), t.length16);
    if (t.length16 < 1 || t.length16 > kMaxLength16) throw bad();
    if (text[0] == 'r' && colon == 1) {
        t.kind = TokenKind::Rest;
    } else if (text[0] == 'n') {
        t.kind = TokenKind::Note;
        number(text.substr(1, colon - 1), t.interval);
        if (t.interval < kMinInterval || t.interval > kMaxInterval) throw bad();
    } else {
        throw bad();
    }
    return t;
}

std::vector<Token> encodeMelody(const Melody& m)
{
    std::vector<Token> out;
    std::int64_t cursor = 0;
    auto rest = [&](std::int64_t until) {
        while (cursor < until) {
            const int len = int(std::min<std::int64_t>(kMaxLength16, until - cursor));
            out.push_back({TokenKind::Rest, 0, len});
            cursor += len;
        }
    };
    for (std::size_t i = 0; i < m.notes.size(); ++i) {
        const auto& n = m.notes[i];
        if (n.start16 < cursor) continue; // overlaps the note before (not after extractMelody)
        rest(n.start16);
        std::int64_t length = n.length16;
        if (i + 1 < m.notes.size()) length = std::min(length, m.notes[i + 1].start16 - n.start16);
        length = std::clamp<std::int64_t>(length, 1, kMaxLength16);
        int interval = n.pitch - (kReferencePitch + m.chords.rootAt(n.start16));
        while (interval > kMaxInterval) interval -= 12;
        while (interval < kMinInterval) interval += 12;
        out.push_back({TokenKind::Note, interval, int(length)});
        cursor += length;
    }
    return out;
}

std::vector<MelodyNote> decodeTokens(const std::vector<Token>& tokens, const ChordTrack& chords, std::int64_t start16,
                                     int velocity)
{
    std::vector<MelodyNote> out;
    std::int64_t cursor = start16;
    for (const auto& t : tokens) {
        if (t.isNote()) {
            const int pitch = std::clamp(kReferencePitch + chords.rootAt(cursor) + t.interval, 0, 127);
            out.push_back({pitch, cursor, t.length16, velocity});
        }
        cursor += t.length16;
    }
    return out;
}

TokenVocabulary::TokenVocabulary(std::vector<Token> tokens)
{
    std::sort(tokens.begin(), tokens.end(), [](const Token& a, const Token& b) {
        // rests first (by length), then notes by interval and length
        if (a.kind != b.kind) return a.kind == TokenKind::Rest;
        return a < b;
    });
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    tokens_ = std::move(tokens);
    for (std::size_t i = 0; i < tokens_.size(); ++i) index_[tokens_[i]] = int(i);
}

TokenVocabulary TokenVocabulary::fromTexts(const std::vector<std::string>& texts)
{
    std::vector<Token> tokens;
    for (const auto& t : texts) tokens.push_back(Token::parse(t));
    return TokenVocabulary(std::move(tokens));
}

int TokenVocabulary::indexOf(const Token& t) const
{
    const auto it = index_.find(t);
    return it == index_.end() ? -1 : it->second;
}

std::vector<std::string> TokenVocabulary::texts() const
{
    std::vector<std::string> out;
    for (const auto& t : tokens_) out.push_back(t.text());
    return out;
}

MidiFile melodyToMidi(const std::vector<MelodyNote>& notes, double bpm, const ChordTrack& chords, bool accompaniment)
{
    if (!(bpm >= 10 && bpm <= 400)) throw InputError("tempo " + std::to_string(bpm) + " bpm is outside 10..400");
    MidiFile f;
    f.format = 0;
    f.ticksPerQuarter = kWriteTicksPerQuarter;
    const std::int64_t six = kWriteTicksPerQuarter / 4;
    f.tempos.push_back({0, int(std::lround(60e6 / bpm))});
    f.signatures.push_back({0, 4, 4});
    f.trackNames.push_back("Unroll jazz");
    std::int64_t end16 = 0;
    for (const auto& n : notes) {
        MidiNote m;
        m.pitch = n.pitch;
        m.velocity = std::clamp(n.velocity, 1, 127);
        m.channel = 0;
        m.startTick = n.start16 * six;
        m.durationTick = n.length16 * six;
        f.notes.push_back(m);
        end16 = std::max(end16, n.start16 + n.length16);
    }
    if (accompaniment && !chords.chords.empty()) {
        // A plain comp on channel 1: root, third and seventh of each chord below the melody, until the next chord.
        for (std::size_t i = 0; i < chords.chords.size(); ++i) {
            const auto& c = chords.chords[i];
            if (c.start16 >= end16) break;
            const std::int64_t stop = i + 1 < chords.chords.size() ? chords.chords[i + 1].start16 : end16;
            const std::string& nm = c.name;
            const bool minor = nm.size() > 1 && nm.find('m') != std::string::npos &&
                               nm.find("maj") == std::string::npos && nm.find('M') == std::string::npos;
            const bool major7 = nm.find("maj7") != std::string::npos || nm.find("M7") != std::string::npos;
            const bool seventh = nm.find('7') != std::string::npos;
            const int root = 48 + c.root;
            std::vector<int> pitches = {root - 12, root + (minor ? 3 : 4)};
            if (seventh) pitches.push_back(root + (major7 ? 11 : 10));
            else pitches.push_back(root + 7);
            for (int p : pitches)
                f.notes.push_back({.pitch = p, .velocity = 60, .channel = 1, .startTick = c.start16 * six,
                                   .durationTick = (stop - c.start16) * six});
            f.texts.push_back({c.start16 * six, 0x05, c.name, 0});
        }
    }
    std::stable_sort(f.notes.begin(), f.notes.end(),
                     [](const MidiNote& a, const MidiNote& b) { return a.startTick < b.startTick; });
    f.endTick = end16 * six;
    updateSeconds(f);
    return f;
}

} // namespace unroll::jazz
