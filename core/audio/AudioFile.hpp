// Audio files in and out: reading through libsndfile (WAV, AIFF, FLAC, OGG/Vorbis, Opus, MP3, … whatever the
// installed libsndfile reads, at any sample rate and channel count), mixing to mono, resampling with libsamplerate,
// writing 16-bit PCM WAV.
//
//   AudioInfo info = probeAudio("talk.mp3");                    // rate, channels, length, format name
//   AudioClip clip = readAudio("talk.mp3", kLabRate);           // mono, 44.1 kHz, whole file (bounded, see limits)
//   AudioStream s("hour.flac", kLabRate);                       // any length, block by block, bounded memory
//   writeWav("out.wav", clip);                                  // atomic: never a half-written file
//
// Mono: the mean of the channels. Resampling: libsamplerate's SRC_SINC_MEDIUM_QUALITY (a band-limited sinc; BSD-2).
// Errors are InputError / FormatError naming the file, and the position or the limit: a missing or unreadable file,
// a file libsndfile does not recognise ("not an audio file libsndfile can read"), an empty one ("no samples"), one
// longer than the limit of a whole-file read, a truncated one (libsndfile reads fewer frames than its header
// promised: the message says how many of how many). Non-finite decoded samples are rejected too.
#pragma once

#include "audio/Audio.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace unroll {

struct AudioInfo {
    int sampleRate = 0;
    int channels = 0;
    std::int64_t frames = 0;  // per channel, as the header says
    std::string format;       // libsndfile's major format name, e.g. "WAV (Microsoft)", "FLAC (Free Lossless Audio Codec)"
    double seconds() const { return sampleRate > 0 ? double(frames) / sampleRate : 0.0; }
};

struct AudioReadLimits {
    double maxSeconds = 600; // whole-file reads refuse longer files (10 min of 44.1 kHz mono float is 106 MB)
};

// The header only. FormatError if libsndfile does not read the file.
AudioInfo probeAudio(const std::filesystem::path& path);
// The whole file, mono, at its own rate.
AudioClip readAudio(const std::filesystem::path& path, const AudioReadLimits& limits = {});
// The whole file, mono, resampled to targetRate (no resampling when the rates agree).
AudioClip readAudio(const std::filesystem::path& path, int targetRate, const AudioReadLimits& limits = {});
// A copy at targetRate (>= 1000, else InputError); the same clip when the rates agree.
AudioClip resampleAudio(const AudioClip& clip, int targetRate);
// 16-bit PCM WAV, mono, samples clipped to [-1, 1]; written atomically (io/AtomicFile.hpp). InputError naming the
// path on failure, and for an empty clip or a rate <= 0.
void writeWav(const std::filesystem::path& path, const AudioClip& clip);
// The WAV file's bytes (what writeWav writes), for callers that keep audio in memory (the GUI's export, tests).
std::string wavBytes(const AudioClip& clip);

// A file of any length read block by block: mono, resampled to targetRate, in bounded memory.
class AudioStream {
public:
    AudioStream(const std::filesystem::path& path, int targetRate); // FormatError as probeAudio
    ~AudioStream();
    AudioStream(const AudioStream&) = delete;
    AudioStream& operator=(const AudioStream&) = delete;

    const AudioInfo& info() const;
    int sampleRate() const; // targetRate
    // Appends up to maxSamples samples (at targetRate) to out and returns how many; 0 once the file is exhausted.
    std::size_t read(std::vector<float>& out, std::size_t maxSamples);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace unroll
