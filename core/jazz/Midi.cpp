// Standard MIDI File reader and format-0 writer; see Midi.hpp.
#include "jazz/Midi.hpp"

#include "io/AtomicFile.hpp"
#include "util/Error.hpp"

#include <algorithm>
#include <deque>
#include <fstream>
#include <map>
#include <tuple>

namespace unroll::jazz {

namespace {

std::string hex(int v)
{
    static const char* digits = "0123456789ABCDEF";
    return std::string("0x") + digits[(v >> 4) & 15] + digits[v & 15];
}

// A cursor over the file's bytes that names the file and the absolute offset in every error.
class Reader {
public:
    Reader(std::string_view bytes, const std::string& name) : b_(bytes), name_(name) {}

    [[noreturn]] void fail(std::size_t at, const std::string& what) const
    {
        throw FormatError(name_ + ": byte " + std::to_string(at) + ": " + what);
    }
    std::size_t pos() const { return pos_; }
    std::size_t size() const { return b_.size(); }
    void need(std::size_t n, std::size_t end, const char* what) const
    {
        if (pos_ + n > end)
            fail(pos_, std::string("truncated ") + what + " (needs " + std::to_string(n) + " bytes, " +
                           std::to_string(end - std::min(end, pos_)) + " left)");
    }
    int u8(std::size_t end, const char* what)
    {
        need(1, end, what);
        return std::uint8_t(b_[pos_++]);
    }
    std::uint32_t be(int n, std::size_t end, const char* what)
    {
        need(std::size_t(n), end, what);
        std::uint32_t v = 0;
        for (int i = 0; i < n; ++i) v = (v << 8) | std::uint8_t(b_[pos_++]);
        return v;
    }
    // A variable-length quantity: at most 4 bytes of 7 bits (the standard's limit, 0x0FFFFFFF).
    std::uint32_t vlq(std::size_t end, const char* what)
    {
        const std::size_t start = pos_;
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const int c = u8(end, what);
            v = (v << 7) | std::uint32_t(c & 0x7F);
            if (!(c & 0x80)) return v;
        }
        fail(start, std::string(what) + " is a variable-length number longer than 4 bytes");
    }
    std::string_view take(std::size_t n, std::size_t end, const char* what)
    {
        need(n, end, what);
        const auto s = b_.substr(pos_, n);
        pos_ += n;
        return s;
    }
    void skip(std::size_t n, std::size_t end, const char* what) { take(n, end, what); }

private:
    std::string_view b_;
    const std::string& name_;
    std::size_t pos_ = 0;
};

struct OpenNote {
    std::int64_t tick;
    int velocity;
};

void parseTrack(Reader& r, std::size_t end, int track, MidiFile& out)
{
    std::int64_t tick = 0;
    int status = 0; // running status: the last channel status byte (0 = none yet)
    std::map<std::pair<int, int>, std::deque<OpenNote>> open; // (channel, pitch) -> note-ons not yet closed
    std::string name;
    bool ended = false;
    auto close = [&](int channel, int pitch, std::int64_t at) {
        auto it = open.find({channel, pitch});
        if (it == open.end() || it->second.empty()) return; // a stray note-off: ignored, as players do
        const OpenNote on = it->second.front();
        it->second.pop_front();
        MidiNote n;
        n.pitch = pitch;
        n.velocity = on.velocity;
        n.track = track;
        n.channel = channel;
        n.startTick = on.tick;
        n.durationTick = at - on.tick;
        out.notes.push_back(n);
    };
    while (r.pos() < end && !ended) {
        tick += r.vlq(end, "delta time");
        const std::size_t at = r.pos();
        int c = r.u8(end, "event");
        if (c == 0xFF) {
            const int type = r.u8(end, "meta event type");
            const std::uint32_t len = r.vlq(end, "meta event length");
            if (len > end - r.pos())
                r.fail(r.pos(), "meta event " + hex(type) + " claims " + std::to_string(len) + " bytes, the track has " +
                                    std::to_string(end - r.pos()) + " left");
            const std::string_view data = r.take(len, end, "meta event");
            if (type == 0x51) {
                if (len != 3) r.fail(at, "tempo event of length " + std::to_string(len) + " (must be 3)");
                const int us = (std::uint8_t(data[0]) << 16) | (std::uint8_t(data[1]) << 8) | std::uint8_t(data[2]);
                if (us == 0) r.fail(at, "tempo of 0 microseconds per quarter note");
                out.tempos.push_back({tick, us});
            } else if (type == 0x58) {
                if (len < 2) r.fail(at, "time signature event of length " + std::to_string(len) + " (must be 4)");
                const int power = std::uint8_t(data[1]);
                if (power > 7) r.fail(at, "time signature denominator 2^" + std::to_string(power) + " (limit 2^7)");
                out.signatures.push_back({tick, std::uint8_t(data[0]), 1 << power});
            } else if (type == 0x01 || type == 0x05 || type == 0x06) {
                out.texts.push_back({tick, type, std::string(data), track});
            } else if (type == 0x03 && name.empty()) {
                name.assign(data);
            } else if (type == 0x2F) {
                ended = true;
            }
            continue; // meta events do not touch running status in practice; most files rely on it surviving
        }
        if (c == 0xF0 || c == 0xF7) { // sysex or escape: a length, then bytes
            const std::uint32_t len = r.vlq(end, "sysex length");
            if (len > end - r.pos())
                r.fail(r.pos(), "sysex claims " + std::to_string(len) + " bytes, the track has " +
                                    std::to_string(end - r.pos()) + " left");
            r.skip(len, end, "sysex");
            status = 0; // sysex cancels running status
            continue;
        }
        if (c >= 0xF1) r.fail(at, "system message " + hex(c) + " does not belong in a MIDI file");
        int data1;
        if (c & 0x80) {
            status = c;
            data1 = r.u8(end, "channel event");
        } else {
            if (status == 0) r.fail(at, "data byte " + hex(c) + " with no status byte before it (running status)");
            data1 = c;
        }
        if (data1 & 0x80) r.fail(r.pos() - 1, "data byte " + hex(data1) + " has its top bit set");
        const int kind = status & 0xF0, channel = status & 0x0F;
        const bool two = kind != 0xC0 && kind != 0xD0;
        int data2 = 0;
        if (two) {
            data2 = r.u8(end, "channel event");
            if (data2 & 0x80) r.fail(r.pos() - 1, "data byte " + hex(data2) + " has its top bit set");
        }
        if (kind == 0x90 && data2 > 0) open[{channel, data1}].push_back({tick, data2});
        else if (kind == 0x80 || kind == 0x90) close(channel, data1, tick);
    }
    if (!ended) r.fail(r.pos(), "track " + std::to_string(track) + " ends without an end-of-track event");
    for (auto& [key, notes] : open)
        while (!notes.empty()) close(key.first, key.second, tick);
    out.trackNames.push_back(name);
    out.endTick = std::max(out.endTick, tick);
}

} // namespace

double tickToSeconds(const MidiFile& f, std::int64_t tick)
{
    if (f.smpte) return double(tick) / f.ticksPerQuarter;
    double seconds = 0;
    std::int64_t last = 0;
    int us = 500000;
    for (const auto& t : f.tempos) {
        if (t.tick >= tick) break;
        seconds += double(t.tick - last) * us / (1e6 * f.ticksPerQuarter);
        last = t.tick;
        us = t.microsPerQuarter;
    }
    return seconds + double(tick - last) * us / (1e6 * f.ticksPerQuarter);
}

void updateSeconds(MidiFile& f)
{
    for (auto& n : f.notes) {
        n.start_s = tickToSeconds(f, n.startTick);
        n.duration_s = tickToSeconds(f, n.startTick + n.durationTick) - n.start_s;
    }
}

MidiFile parseMidi(std::string_view bytes, const std::string& name)
{
    if (std::int64_t(bytes.size()) > kMaxMidiBytes)
        throw InputError(name + ": " + std::to_string(bytes.size()) + " bytes, more than the limit of " +
                         std::to_string(kMaxMidiBytes) + " for a MIDI file");
    Reader r(bytes, name);
    const std::size_t N = bytes.size();
    if (N < 4 || bytes.substr(0, 4) != "MThd") r.fail(0, "not a MIDI file (no MThd header)");
    r.skip(4, N, "header");
    const std::uint32_t hlen = r.be(4, N, "header length");
    if (hlen < 6) r.fail(4, "header length " + std::to_string(hlen) + " (must be at least 6)");
    if (hlen > N - r.pos()) r.fail(4, "header claims " + std::to_string(hlen) + " bytes, the file has " +
                                          std::to_string(N - r.pos()) + " left");
    const std::size_t headerEnd = r.pos() + hlen;
    MidiFile out;
    out.format = int(r.be(2, headerEnd, "header"));
    const int ntracks = int(r.be(2, headerEnd, "header"));
    const std::uint32_t division = r.be(2, headerEnd, "header");
    if (out.format == 2) r.fail(8, "format 2 (independent sequences) is not supported, only 0 and 1");
    if (out.format > 2) r.fail(8, "format " + std::to_string(out.format) + " (must be 0 or 1)");
    if (ntracks < 1) r.fail(10, "the header says the file has no tracks");
    if (out.format == 0 && ntracks != 1) r.fail(10, "format 0 with " + std::to_string(ntracks) + " tracks (must be 1)");
    if (division & 0x8000) {
        const int fps = -std::int8_t(division >> 8), perFrame = int(division & 0xFF);
        if (fps != 24 && fps != 25 && fps != 29 && fps != 30)
            r.fail(12, "SMPTE division of " + std::to_string(fps) + " frames per second (24, 25, 29 or 30)");
        if (perFrame == 0) r.fail(12, "SMPTE division with 0 ticks per frame");
        out.smpte = true;
        out.ticksPerQuarter = fps * perFrame;
    } else {
        if (division == 0) r.fail(12, "0 ticks per quarter note");
        out.ticksPerQuarter = int(division);
    }
    r.skip(headerEnd - r.pos(), N, "header");

    int track = 0;
    while (track < ntracks) {
        if (r.pos() >= N)
            r.fail(r.pos(), "the header promises " + std::to_string(ntracks) + " tracks, the file ends after " +
                                std::to_string(track));
        const std::size_t at = r.pos();
        const std::string_view id = r.take(4, N, "chunk header");
        const std::uint32_t len = r.be(4, N, "chunk length");
        if (len > N - r.pos())
            r.fail(at, "chunk '" + std::string(id) + "' claims " + std::to_string(len) + " bytes, the file has " +
                           std::to_string(N - r.pos()) + " left");
        const std::size_t end = r.pos() + len;
        if (id != "MTrk") { // unknown chunks are to be skipped (SMF 1.0)
            r.skip(len, N, "chunk");
            continue;
        }
        parseTrack(r, end, track, out);
        if (r.pos() != end)
            r.fail(r.pos(), "track " + std::to_string(track) + " has " + std::to_string(end - r.pos()) +
                                " bytes after its end-of-track event");
        ++track;
    }
    out.tracks = track;
    std::stable_sort(out.tempos.begin(), out.tempos.end(), [](auto& a, auto& b) { return a.tick < b.tick; });
    std::stable_sort(out.signatures.begin(), out.signatures.end(), [](auto& a, auto& b) { return a.tick < b.tick; });
    std::stable_sort(out.texts.begin(), out.texts.end(), [](auto& a, auto& b) { return a.tick < b.tick; });
    std::stable_sort(out.notes.begin(), out.notes.end(), [](const MidiNote& a, const MidiNote& b) {
        return std::tie(a.startTick, a.track, a.channel, a.pitch) < std::tie(b.startTick, b.track, b.channel, b.pitch);
    });
    updateSeconds(out);
    return out;
}

MidiFile readMidi(const std::filesystem::path& path)
{
    const std::string name = path.string();
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw InputError(name + ": cannot be read (" + ec.message() + ")");
    if (std::int64_t(size) > kMaxMidiBytes)
        throw InputError(name + ": " + std::to_string(size) + " bytes, more than the limit of " +
                         std::to_string(kMaxMidiBytes) + " for a MIDI file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(name + ": cannot be opened");
    std::string bytes(size, '\0');
    in.read(bytes.data(), std::streamsize(size));
    if (std::size_t(in.gcount()) != size) throw InputError(name + ": could not read all " + std::to_string(size) + " bytes");
    return parseMidi(bytes, name);
}

namespace {

void putBe(std::string& s, std::uint32_t v, int n)
{
    for (int i = n - 1; i >= 0; --i) s.push_back(char((v >> (8 * i)) & 0xFF));
}

void putVlq(std::string& s, std::uint32_t v)
{
    char buf[5];
    int n = 0;
    buf[n++] = char(v & 0x7F);
    while (v >>= 7) buf[n++] = char(0x80 | (v & 0x7F));
    while (n > 0) s.push_back(buf[--n]);
}

} // namespace

std::string midiBytes(const MidiFile& f)
{
    if (f.ticksPerQuarter < 1 || f.ticksPerQuarter > 0x7FFF || f.smpte)
        throw InputError("MIDI writer: ticks per quarter note " + std::to_string(f.ticksPerQuarter) +
                         " must be in 1..32767 (SMPTE timing is not written)");
    // (tick, order, bytes): order 0 meta, 1 note-off, 2 note-on, 3 note-off of a zero-length note at the same tick.
    struct Event {
        std::int64_t tick;
        int order;
        std::string bytes;
    };
    std::vector<Event> events;
    for (const auto& t : f.tempos) {
        if (t.microsPerQuarter < 1 || t.microsPerQuarter > 0xFFFFFF)
            throw InputError("MIDI writer: tempo " + std::to_string(t.microsPerQuarter) + " us per quarter out of range");
        std::string b = "\xFF\x51\x03";
        putBe(b, std::uint32_t(t.microsPerQuarter), 3);
        events.push_back({t.tick, 0, b});
    }
    for (const auto& s : f.signatures) {
        int power = 0;
        while ((1 << power) < s.denominator && power < 7) ++power;
        if ((1 << power) != s.denominator || s.numerator < 1 || s.numerator > 255)
            throw InputError("MIDI writer: time signature " + std::to_string(s.numerator) + "/" +
                             std::to_string(s.denominator) + " is not writable");
        std::string b = "\xFF\x58\x04";
        b.push_back(char(s.numerator));
        b.push_back(char(power));
        b.push_back(char(24));
        b.push_back(char(8));
        events.push_back({s.tick, 0, b});
    }
    for (const auto& t : f.texts) {
        if (t.type != 0x01 && t.type != 0x05 && t.type != 0x06)
            throw InputError("MIDI writer: text event type " + std::to_string(t.type) + " (1, 5 or 6)");
        std::string b = "\xFF";
        b.push_back(char(t.type));
        putVlq(b, std::uint32_t(t.text.size()));
        events.push_back({t.tick, 0, b + t.text});
    }
    std::int64_t end = 0;
    for (const auto& n : f.notes) {
        if (n.pitch < 0 || n.pitch > 127 || n.velocity < 1 || n.velocity > 127 || n.channel < 0 || n.channel > 15 ||
            n.startTick < 0 || n.durationTick < 0 || n.startTick + n.durationTick > 0x0FFFFFFF)
            throw InputError("MIDI writer: note pitch " + std::to_string(n.pitch) + " velocity " +
                             std::to_string(n.velocity) + " channel " + std::to_string(n.channel) + " at tick " +
                             std::to_string(n.startTick) + " is out of range");
        events.push_back({n.startTick, 2, {char(0x90 | n.channel), char(n.pitch), char(n.velocity)}});
        // A zero-length note's note-off goes after the tick's note-ons, so it closes this note and no other.
        events.push_back({n.startTick + n.durationTick, n.durationTick == 0 ? 3 : 1,
                          {char(0x80 | n.channel), char(n.pitch), char(64)}});
        end = std::max(end, n.startTick + n.durationTick);
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return std::tie(a.tick, a.order) < std::tie(b.tick, b.order); });
    std::string track;
    if (!f.trackNames.empty() && !f.trackNames[0].empty()) {
        track += '\0';
        track += "\xFF\x03";
        putVlq(track, std::uint32_t(f.trackNames[0].size()));
        track += f.trackNames[0];
    }
    std::int64_t last = 0;
    for (const auto& e : events) {
        putVlq(track, std::uint32_t(e.tick - last));
        last = e.tick;
        track += e.bytes;
    }
    putVlq(track, std::uint32_t(std::max<std::int64_t>(0, std::max(end, f.endTick) - last)));
    track += "\xFF\x2F";
    track += '\0';
    std::string out = "MThd";
    putBe(out, 6, 4);
    putBe(out, 0, 2);
    putBe(out, 1, 2);
    putBe(out, std::uint32_t(f.ticksPerQuarter), 2);
    out += "MTrk";
    putBe(out, std::uint32_t(track.size()), 4);
    out += track;
    return out;
}

void writeMidi(const std::filesystem::path& path, const MidiFile& file)
{
    writeFileAtomically(path, midiBytes(file));
}

} // namespace unroll::jazz
