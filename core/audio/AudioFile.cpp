// AudioFile.hpp: libsndfile in, libsamplerate between, 16-bit PCM WAV out.
//
// One decoder serves the whole-file reads and the stream: it opens the file, checks what libsndfile cannot tell us
// (a WAV or AIFF header promising more frames than the file holds: libsndfile silently shortens such a file, so we
// read the promise from the header ourselves), then yields mono blocks, checking every sample is finite. One
// resampler serves resampleAudio and the stream: libsamplerate's state carries across blocks, and the output length
// is exactly round(n_in * ratio) however the input was cut into blocks.
#include "audio/AudioFile.hpp"

#include "io/AtomicFile.hpp"
#include "util/Error.hpp"

#include <samplerate.h>
#include <sndfile.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

namespace unroll {

namespace fs = std::filesystem;

namespace {

constexpr sf_count_t kBlockFrames = 4096; // frames decoded per libsndfile call

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

std::string secondsText(double s)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", s);
    return buf;
}

std::uint32_t le32(const unsigned char* p) { return p[0] | p[1] << 8 | p[2] << 16 | std::uint32_t(p[3]) << 24; }
std::uint16_t le16(const unsigned char* p) { return std::uint16_t(p[0] | p[1] << 8); }
std::uint32_t be32(const unsigned char* p) { return std::uint32_t(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
std::uint16_t be16(const unsigned char* p) { return std::uint16_t(p[0] << 8 | p[1]); }

// The frame count a RIFF/WAVE or AIFF header promises, when it states one plainly (uncompressed PCM or float, a
// data length that is not the "unknown" 0 or 0xFFFFFFFF of a streaming writer). libsndfile clamps such a count to
// the bytes present and only notes it in its log, so a truncated file would otherwise read as a shorter good one.
std::optional<std::int64_t> promisedFrames(const fs::path& path, int majorFormat)
{
    std::ifstream in(path, std::ios::binary);
    unsigned char head[12];
    if (!in.read(reinterpret_cast<char*>(head), 12))
        return std::nullopt;
    const bool riff = majorFormat == SF_FORMAT_WAV && std::memcmp(head, "RIFF", 4) == 0 && std::memcmp(head + 8, "WAVE", 4) == 0;
    const bool aiff = majorFormat == SF_FORMAT_AIFF && std::memcmp(head, "FORM", 4) == 0 &&
                      (std::memcmp(head + 8, "AIFF", 4) == 0 || std::memcmp(head + 8, "AIFC", 4) == 0);
    if (!riff && !aiff)
        return std::nullopt;
    std::uint32_t blockAlign = 0, bitsFrame = 0;
    for (int chunk = 0; chunk < 64; ++chunk) { // a real file has a handful of chunks before its data
        unsigned char ch[8];
        if (!in.read(reinterpret_cast<char*>(ch), 8))
            return std::nullopt;
        const std::uint32_t size = riff ? le32(ch + 4) : be32(ch + 4);
        const std::streamoff next = std::streamoff(in.tellg()) + std::streamoff(size) + std::streamoff(size & 1);
        if (riff && std::memcmp(ch, "fmt ", 4) == 0 && size >= 16) {
            unsigned char fmt[16];
            if (!in.read(reinterpret_cast<char*>(fmt), 16))
                return std::nullopt;
            const std::uint16_t tag = le16(fmt), channels = le16(fmt + 2), bits = le16(fmt + 14);
            blockAlign = le16(fmt + 12);
            bitsFrame = std::uint32_t(channels) * bits;
            // PCM 1, float 3, A-law 6, mu-law 7, extensible 0xFFFE: a frame is blockAlign bytes. Compressed
            // formats (ADPCM, GSM) pack frames into blocks: leave those to libsndfile.
            if (!(tag == 1 || tag == 3 || tag == 6 || tag == 7 || tag == 0xFFFE) || blockAlign == 0 ||
                bitsFrame != 8u * blockAlign)
                return std::nullopt;
        } else if (riff && std::memcmp(ch, "data", 4) == 0) {
            if (blockAlign == 0 || size == 0 || size == 0xFFFFFFFFu)
                return std::nullopt;
            return std::int64_t(size / blockAlign);
        } else if (aiff && std::memcmp(ch, "COMM", 4) == 0 && size >= 18) {
            unsigned char comm[8];
            if (!in.read(reinterpret_cast<char*>(comm), 8))
                return std::nullopt;
            (void)be16(comm);
            return std::int64_t(be32(comm + 2));
        }
        in.seekg(next);
        if (!in)
            return std::nullopt;
    }
    return std::nullopt;
}

// The major formats whose header frame count is exact, so that decoding fewer frames means a truncated file. (MP3's
// count is an estimate; Ogg's is found from the last page, and a cut Ogg file simply ends earlier.)
bool frameCountIsExact(int majorFormat)
{
    return majorFormat == SF_FORMAT_WAV || majorFormat == SF_FORMAT_AIFF || majorFormat == SF_FORMAT_FLAC ||
           majorFormat == SF_FORMAT_WAVEX || majorFormat == SF_FORMAT_W64 || majorFormat == SF_FORMAT_CAF;
}

std::string formatName(int format)
{
    SF_FORMAT_INFO fi{};
    fi.format = format & SF_FORMAT_TYPEMASK;
    if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &fi, sizeof fi) == 0 && fi.name)
        return fi.name;
    return "format 0x" + [&] {
        std::ostringstream o;
        o << std::hex << fi.format;
        return o.str();
    }();
}

// An open libsndfile handle with the checks of the header behind it; yields mono blocks at the file's rate.
class Decoder {
public:
    explicit Decoder(const fs::path& path) : path_(path)
    {
        std::error_code ec;
        const fs::file_status st = fs::status(path, ec);
        if (!fs::exists(st))
            throw InputError(quoted(path) + ": no such file");
        if (fs::is_directory(st))
            throw InputError(quoted(path) + ": is a directory, not an audio file");
        if (fs::is_regular_file(st) && fs::file_size(path, ec) == 0 && !ec)
            throw FormatError(quoted(path) + ": empty file (no samples)");
        SF_INFO sf{};
        file_ = sf_open(path.c_str(), SFM_READ, &sf);
        if (!file_) {
            const int code = sf_error(nullptr);
            const std::string why = sf_strerror(nullptr);
            if (code == SF_ERR_SYSTEM)
                throw InputError(quoted(path) + ": cannot open (" + why + ")");
            throw FormatError(quoted(path) + ": not an audio file libsndfile can read (libsndfile: " + why + ")");
        }
        const int major = sf.format & SF_FORMAT_TYPEMASK;
        info_.sampleRate = sf.samplerate;
        info_.channels = sf.channels;
        info_.frames = sf.frames == SF_COUNT_MAX ? 0 : std::int64_t(sf.frames);
        info_.format = formatName(sf.format);
        exact_ = frameCountIsExact(major) && sf.frames != SF_COUNT_MAX;
        if (sf.samplerate <= 0 || sf.channels <= 0) {
            close();
            throw FormatError(quoted(path) + ": header gives " + std::to_string(sf.channels) + " channels at " +
                              std::to_string(sf.samplerate) + " Hz");
        }
        if (const auto promised = promisedFrames(path, major); promised && *promised > info_.frames) {
            const std::int64_t present = info_.frames;
            close();
            throw FormatError(quoted(path) + ": truncated " + info_.format + " file: it holds " +
                              std::to_string(present) + " of the " + std::to_string(*promised) +
                              " frames its header promises");
        }
        if (exact_ && info_.frames == 0) {
            close();
            throw FormatError(quoted(path) + ": no samples (the header gives 0 frames)");
        }
        interleaved_.resize(std::size_t(kBlockFrames) * std::size_t(sf.channels));
    }
    ~Decoder() { close(); }
    Decoder(const Decoder&) = delete;
    Decoder& operator=(const Decoder&) = delete;

    const AudioInfo& info() const { return info_; }
    const fs::path& path() const { return path_; }
    std::int64_t framesRead() const { return framesRead_; }

    // Appends the next block (mono, the mean of the channels) to `out`; returns the frames appended, 0 at the end.
    std::size_t next(std::vector<float>& out)
    {
        if (!file_)
            return 0;
        const int channels = info_.channels;
        const sf_count_t got = sf_readf_float(file_, interleaved_.data(), kBlockFrames);
        if (got <= 0) {
            finish();
            return 0;
        }
        const std::size_t n = std::size_t(got);
        const std::size_t base = out.size();
        out.resize(base + n);
        float* dst = out.data() + base;
        const float* src = interleaved_.data();
        const float inv = 1.0f / float(channels);
        for (std::size_t f = 0; f < n; ++f) {
            float sum = 0;
            for (int c = 0; c < channels; ++c)
                sum += src[f * std::size_t(channels) + std::size_t(c)];
            dst[f] = channels == 1 ? sum : sum * inv;
        }
        // A NaN or Inf in any channel makes the mean non-finite; find the exact sample only then.
        for (std::size_t f = 0; f < n; ++f)
            if (!std::isfinite(dst[f]))
                for (int c = 0; c < channels; ++c)
                    if (const float v = src[f * std::size_t(channels) + std::size_t(c)]; !std::isfinite(v)) {
                        const std::int64_t frame = framesRead_ + std::int64_t(f);
                        close();
                        throw FormatError(quoted(path_) + ": non-finite sample (" + std::to_string(v) + ") at frame " +
                                          std::to_string(frame) + " (" + secondsText(double(frame) / info_.sampleRate) +
                                          " s), channel " + std::to_string(c + 1));
                    }
        framesRead_ += std::int64_t(n);
        return n;
    }

private:
    void finish()
    {
        const int err = sf_error(file_);
        const std::string why = sf_strerror(file_);
        close();
        if (err != SF_ERR_NO_ERROR)
            throw FormatError(quoted(path_) + ": decoding failed at frame " + std::to_string(framesRead_) +
                              (exact_ ? " of " + std::to_string(info_.frames) : std::string()) + " (libsndfile: " +
                              why + ")");
        if (exact_ && framesRead_ < info_.frames)
            throw FormatError(quoted(path_) + ": truncated " + info_.format + " file: decoded " +
                              std::to_string(framesRead_) + " of the " + std::to_string(info_.frames) +
                              " frames its header promises");
        if (framesRead_ == 0)
            throw FormatError(quoted(path_) + ": no samples");
    }
    void close()
    {
        if (file_)
            sf_close(file_);
        file_ = nullptr;
    }

    fs::path path_;
    SNDFILE* file_ = nullptr;
    AudioInfo info_;
    bool exact_ = false;
    std::int64_t framesRead_ = 0;
    std::vector<float> interleaved_; // (kBlockFrames, channels), reused
};

void checkRates(int fromRate, int targetRate)
{
    if (targetRate < 1000)
        throw InputError("target sample rate " + std::to_string(targetRate) + " Hz must be >= 1000");
    if (fromRate <= 0)
        throw InputError("sample rate " + std::to_string(fromRate) + " Hz must be > 0");
    const double ratio = double(targetRate) / fromRate;
    if (ratio > 256.0 || ratio < 1.0 / 256.0)
        throw InputError("resampling from " + std::to_string(fromRate) + " Hz to " + std::to_string(targetRate) +
                         " Hz: the ratio must be within 1/256 .. 256 (libsamplerate's range)");
}

// libsamplerate's sinc converter with its state kept across calls. push() appends what the input so far yields;
// finish() flushes the filter's tail and makes the total exactly round(n_in * ratio) samples.
class Resampler {
public:
    Resampler(int fromRate, int toRate) : ratio_(double(toRate) / fromRate)
    {
        int err = 0;
        state_ = src_new(SRC_SINC_MEDIUM_QUALITY, 1, &err);
        if (!state_)
            throw InputError(std::string("libsamplerate: ") + src_strerror(err));
        scratch_.resize(8192);
    }
    ~Resampler() { src_delete(state_); }
    Resampler(const Resampler&) = delete;
    Resampler& operator=(const Resampler&) = delete;

    void push(const float* in, std::size_t n, std::vector<float>& out)
    {
        inTotal_ += std::int64_t(n);
        run(in, n, false, out);
    }
    void finish(std::vector<float>& out)
    {
        run(nullptr, 0, true, out);
        const std::int64_t want = std::int64_t(std::llround(double(inTotal_) * ratio_));
        const std::int64_t extra = outTotal_ - want; // (the sinc's flush may give a sample more or less)
        if (extra > 0)
            out.resize(out.size() - std::size_t(std::min<std::int64_t>(extra, std::int64_t(out.size()))));
        else if (extra < 0)
            out.resize(out.size() + std::size_t(-extra), 0.0f);
        outTotal_ = want;
    }

private:
    void run(const float* in, std::size_t n, bool end, std::vector<float>& out)
    {
        SRC_DATA d{};
        d.src_ratio = ratio_;
        d.end_of_input = end ? 1 : 0;
        for (;;) {
            d.data_in = in;
            d.input_frames = long(n);
            d.data_out = scratch_.data();
            d.output_frames = long(scratch_.size());
            if (const int err = src_process(state_, &d))
                throw InputError(std::string("libsamplerate: ") + src_strerror(err));
            out.insert(out.end(), scratch_.begin(), scratch_.begin() + d.output_frames_gen);
            outTotal_ += d.output_frames_gen;
            in += d.input_frames_used;
            n -= std::size_t(d.input_frames_used);
            if (n == 0 && (!end || d.output_frames_gen == 0))
                break;
        }
    }

    SRC_STATE* state_ = nullptr;
    double ratio_;
    std::int64_t inTotal_ = 0, outTotal_ = 0;
    std::vector<float> scratch_;
};

} // namespace

AudioInfo probeAudio(const fs::path& path)
{
    // The header only: no truncation check by decoding, but the header's own promise (Decoder's constructor).
    SF_INFO sf{};
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (!fs::exists(st))
        throw InputError(quoted(path) + ": no such file");
    if (fs::is_directory(st))
        throw InputError(quoted(path) + ": is a directory, not an audio file");
    if (fs::is_regular_file(st) && fs::file_size(path, ec) == 0 && !ec)
        throw FormatError(quoted(path) + ": empty file (no samples)");
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &sf);
    if (!f) {
        const std::string why = sf_strerror(nullptr);
        if (sf_error(nullptr) == SF_ERR_SYSTEM)
            throw InputError(quoted(path) + ": cannot open (" + why + ")");
        throw FormatError(quoted(path) + ": not an audio file libsndfile can read (libsndfile: " + why + ")");
    }
    sf_close(f);
    AudioInfo info;
    info.sampleRate = sf.samplerate;
    info.channels = sf.channels;
    info.frames = sf.frames == SF_COUNT_MAX ? 0 : std::int64_t(sf.frames);
    // What the header promises, which for a truncated WAV or AIFF is more than libsndfile reports.
    if (const auto promised = promisedFrames(path, sf.format & SF_FORMAT_TYPEMASK); promised && *promised > info.frames)
        info.frames = *promised;
    info.format = formatName(sf.format);
    return info;
}

AudioClip readAudio(const fs::path& path, const AudioReadLimits& limits)
{
    Decoder dec(path);
    const AudioInfo& info = dec.info();
    const auto maxFrames = std::int64_t(limits.maxSeconds * info.sampleRate);
    auto tooLong = [&](std::int64_t frames, const char* how) {
        return InputError(quoted(path) + ": " + secondsText(double(frames) / info.sampleRate) + " s " + how +
                          " is longer than the " + secondsText(limits.maxSeconds) +
                          " s limit of a whole-file read (read it as a stream)");
    };
    if (info.frames > maxFrames)
        throw tooLong(info.frames, "(by its header)");
    AudioClip clip;
    clip.sampleRate = info.sampleRate;
    clip.samples.reserve(std::size_t(std::max<std::int64_t>(info.frames, 0)));
    while (dec.next(clip.samples) > 0)
        if (dec.framesRead() > maxFrames) // a header that understates (an estimate, a stream)
            throw tooLong(dec.framesRead(), "(decoded so far)");
    return clip;
}

AudioClip readAudio(const fs::path& path, int targetRate, const AudioReadLimits& limits)
{
    if (targetRate < 1000)
        throw InputError("target sample rate " + std::to_string(targetRate) + " Hz must be >= 1000");
    AudioClip clip = readAudio(path, limits);
    if (clip.sampleRate == targetRate)
        return clip;
    return resampleAudio(clip, targetRate);
}

AudioClip resampleAudio(const AudioClip& clip, int targetRate)
{
    checkRates(clip.sampleRate, targetRate);
    if (clip.sampleRate == targetRate)
        return clip;
    AudioClip out;
    out.sampleRate = targetRate;
    out.samples.reserve(std::size_t(std::llround(double(clip.samples.size()) * targetRate / clip.sampleRate)) + 16);
    Resampler r(clip.sampleRate, targetRate);
    r.push(clip.samples.data(), clip.samples.size(), out.samples);
    r.finish(out.samples);
    return out;
}

std::string wavBytes(const AudioClip& clip)
{
    if (clip.sampleRate <= 0)
        throw InputError("WAV: sample rate " + std::to_string(clip.sampleRate) + " Hz must be > 0");
    if (clip.samples.empty())
        throw InputError("WAV: the clip is empty (no samples to write)");
    const std::uint64_t dataBytes = 2ull * clip.samples.size();
    if (dataBytes > 0xFFFFFFFFull - 36)
        throw InputError("WAV: " + std::to_string(clip.samples.size()) +
                         " samples exceed the 4 GB limit of a RIFF file");
    std::string b;
    b.reserve(44 + std::size_t(dataBytes));
    auto u32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i)
            b.push_back(char((v >> (8 * i)) & 0xFF));
    };
    auto u16 = [&](std::uint16_t v) {
        b.push_back(char(v & 0xFF));
        b.push_back(char(v >> 8));
    };
    const auto rate = std::uint32_t(clip.sampleRate);
    b += "RIFF";
    u32(std::uint32_t(36 + dataBytes));
    b += "WAVEfmt ";
    u32(16);
    u16(1);        // PCM
    u16(1);        // mono
    u32(rate);
    u32(rate * 2); // bytes per second
    u16(2);        // block align
    u16(16);       // bits per sample
    b += "data";
    u32(std::uint32_t(dataBytes));
    // s * 32768 rounded, clipped to the 16-bit range: the inverse of reading (libsndfile divides by 32768), so a
    // sample k / 32768 survives a round trip exactly.
    for (const float s : clip.samples) {
        const float x = std::isfinite(s) ? std::clamp(s, -1.0f, 1.0f) : 0.0f;
        const auto v = std::int16_t(std::clamp(std::lrint(double(x) * 32768.0), -32768L, 32767L));
        u16(std::uint16_t(v));
    }
    return b;
}

void writeWav(const fs::path& path, const AudioClip& clip)
{
    std::string bytes;
    try {
        bytes = wavBytes(clip);
    } catch (const InputError& e) {
        throw InputError(quoted(path) + ": " + e.what());
    }
    writeFileAtomically(path, bytes);
}

struct AudioStream::Impl {
    Decoder decoder;
    int targetRate;
    std::optional<Resampler> resampler;
    std::vector<float> block;   // one decoded block at the file's rate
    std::vector<float> pending; // resampled samples not yet handed out, from `head` on
    std::size_t head = 0;
    bool ended = false;

    Impl(const fs::path& path, int rate) : decoder(path), targetRate(rate)
    {
        checkRates(decoder.info().sampleRate, targetRate);
        if (decoder.info().sampleRate != targetRate)
            resampler.emplace(decoder.info().sampleRate, targetRate);
    }
};

AudioStream::AudioStream(const fs::path& path, int targetRate) : impl_(std::make_unique<Impl>(path, targetRate)) {}
AudioStream::~AudioStream() = default;

const AudioInfo& AudioStream::info() const { return impl_->decoder.info(); }
int AudioStream::sampleRate() const { return impl_->targetRate; }

std::size_t AudioStream::read(std::vector<float>& out, std::size_t maxSamples)
{
    Impl& s = *impl_;
    // Decode only as many blocks as this call needs: memory stays at maxSamples plus one block.
    while (s.pending.size() - s.head < maxSamples && !s.ended) {
        if (s.head > 0 && s.head >= s.pending.size() / 2) { // drop what was handed out
            s.pending.erase(s.pending.begin(), s.pending.begin() + std::ptrdiff_t(s.head));
            s.head = 0;
        }
        s.block.clear();
        const std::size_t n = s.decoder.next(s.block);
        if (n == 0) {
            s.ended = true;
            if (s.resampler)
                s.resampler->finish(s.pending);
            break;
        }
        if (s.resampler)
            s.resampler->push(s.block.data(), n, s.pending);
        else
            s.pending.insert(s.pending.end(), s.block.begin(), s.block.end());
    }
    const std::size_t n = std::min(maxSamples, s.pending.size() - s.head);
    out.insert(out.end(), s.pending.begin() + std::ptrdiff_t(s.head), s.pending.begin() + std::ptrdiff_t(s.head + n));
    s.head += n;
    return n;
}

} // namespace unroll
