// Audio held in memory, and the few operations the trigger-word lab does on it (the course's pydub calls, §7.1–7.2 of
// the course's "Trigger word detection" notebook): levels in dBFS, gain, overlay. No library: plain float samples.
//
//   AudioClip clip = readAudio("word.flac", kLabRate);       // AudioFile.hpp: mono, resampled
//   matchTargetAmplitude(clip, -20.0);                         // pydub's match_target_amplitude(sound, -20)
//   overlay(background, clip, background.sampleAt(3.2));       // pydub's background.overlay(clip, position=3200)
//
// Full scale is 1.0: a 16-bit sample s reads as s / 32768, so dBFS values equal pydub's on the same file.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace unroll {

// The sample rate every clip of the trigger-word lab is brought to (the course's recordings are 44.1 kHz, so a 10 s
// clip gives the course's 5511 x 101 spectrogram).
inline constexpr int kLabRate = 44100;

struct AudioClip {
    std::vector<float> samples; // mono
    int sampleRate = 0;

    std::int64_t size() const { return std::int64_t(samples.size()); }
    double seconds() const { return sampleRate > 0 ? double(samples.size()) / sampleRate : 0.0; }
    // pydub's len(): the duration in whole milliseconds, rounded to nearest.
    std::int64_t milliseconds() const;
    // The sample index of a time (rounded down), e.g. a millisecond position of the course: sampleAt(ms / 1000.0).
    std::int64_t sampleAt(double seconds) const;
};

// The RMS level relative to full scale, 20 log10(rms); -inf for silence or an empty span (pydub's dBFS).
double dbfs(std::span<const float> samples);
// Multiplies every sample by 10^(db / 20) (pydub's `sound + db` / `sound - db`, without clipping: floats have room).
void applyGain(AudioClip& clip, double db);
// Gain so that dbfs(clip) becomes targetDbfs; a silent clip is left unchanged.
void matchTargetAmplitude(AudioClip& clip, double targetDbfs);
// Adds clip into base from sample `start` on; the part of clip past base's end is dropped (pydub's overlay keeps the
// base's length). requires: equal sample rates (else InputError), start >= 0.
void overlay(AudioClip& base, const AudioClip& clip, std::int64_t start);
// A clip of `seconds` of silence.
AudioClip silence(double seconds, int sampleRate);

} // namespace unroll
