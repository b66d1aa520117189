// Spectrograms: a windowed FFT per frame (FFTW, single precision, planned once per engine and executed per frame with
// its thread-safe new-array interface), as power spectral density, in linear or mel frequency, with a dB view.
//
//   SpectrogramEngine engine(courseSpectrogramOptions());       // NFFT 200, hop 80, Hann, Fs 8000 in the scaling
//   Spectrogram s = engine.compute(clip.samples, clip.sampleRate); // s.power: (101, 5511) for 10 s at 44.1 kHz
//   MatF db = powerToDb(s.power);                                // 10 log10, floored
//
// Definition (matplotlib's mlab.specgram with mode 'psd', sides 'onesided', scale_by_freq True, detrend none):
//   frames      n_frames = (N - nfft) / hop + 1 (integer division; 0 when N < nfft), frame i = x[i hop, i hop + nfft)
//   window      Hann  w[n] = 0.5 - 0.5 cos(2 pi n / (nfft - 1))       (numpy.hanning: symmetric)
//               Hamming w[n] = 0.54 - 0.46 cos(2 pi n / (nfft - 1))   (numpy.hamming)
//   power       P[k, i] = s_k |rfft(w . frame_i)[k]|^2 / (Fs sum w^2), k = 0 .. nfft/2, with s_k = 2 except at DC
//               and (even nfft) Nyquist, where s_k = 1
//   axes        freqsHz[k] = k rate / nfft (true Hz, from the audio's own rate), timesS[i] = (i hop + nfft / 2) / rate
// Fs in the scaling is options.scaleRate, or the audio's rate when 0. The course calls specgram(x, NFFT=200, Fs=8000,
// noverlap=120) on 44.1 kHz samples: its numbers use Fs = 8000, while its axes, which we do not copy, would be wrong
// by the factor 44100 / 8000; ours are in true Hz.
// Mel: the linear power is summed through `melBands` triangular filters equally spaced on the HTK mel scale
// (mel = 2595 log10(1 + f / 700)) between melMinHz and melMaxHz (0 = Nyquist); freqsHz are then the band centres.
// compute() refuses (InputError) a top above the audio's Nyquist frequency and a band that holds no linear bin.
#pragma once

#include "nn/Types.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace unroll {

enum class WindowKind { Hann, Hamming };
enum class FrequencyScale { Linear, Mel };
// Display names in enum order (combo boxes, CLI help).
inline constexpr std::array<std::string_view, 2> windowKindNames = {"Hann", "Hamming"};
inline constexpr std::array<std::string_view, 2> frequencyScaleNames = {"Linear", "Mel"};

struct SpectrogramOptions {
    int nfft = 200;          // window and FFT length, >= 2 (even or odd)
    int hop = 80;            // samples between frame starts, >= 1
    WindowKind window = WindowKind::Hann;
    double scaleRate = 0;    // the Fs of the PSD scaling; 0 = the audio's own rate
    FrequencyScale scale = FrequencyScale::Linear;
    int melBands = 64;
    double melMinHz = 0, melMaxHz = 0; // 0 = Nyquist for the maximum
};

// The course's graph_spectrogram: nfft 200, hop 80 (noverlap 120), Hann, scaleRate 8000, linear.
SpectrogramOptions courseSpectrogramOptions();

// (N - nfft) / hop + 1, or 0 when N < nfft.
std::int64_t spectrogramFrames(std::int64_t samples, int nfft, int hop);

struct Spectrogram {
    MatF power;                  // (bins, frames): linear power spectral density
    std::vector<double> freqsHz; // bins values
    std::vector<double> timesS;  // frames values
    int sampleRate = 0;
    int hop = 0, nfft = 0;
    std::int64_t bins() const { return power.rows(); }
    std::int64_t frames() const { return power.cols(); }
};

class SpectrogramEngine {
public:
    // InputError for options out of range (nfft < 2, hop < 1, melBands < 1 or more than the linear bins, a bad range).
    explicit SpectrogramEngine(const SpectrogramOptions& options);
    ~SpectrogramEngine();
    SpectrogramEngine(SpectrogramEngine&&) noexcept;
    SpectrogramEngine& operator=(SpectrogramEngine&&) noexcept;

    const SpectrogramOptions& options() const { return options_; }
    std::int64_t bins() const; // nfft / 2 + 1, or melBands

    // Thread-safe (const; FFTW's new-array execute on per-call buffers). Frames in parallel for long inputs.
    Spectrogram compute(std::span<const float> samples, int sampleRate) const;
    // Only the power of frames [firstFrame, firstFrame + out.cols()) into a caller's (bins, n) block, for streams
    // and batches; requires the samples those frames read.
    void computeFrames(std::span<const float> samples, int sampleRate, std::int64_t firstFrame, MatRef<float> out) const;

private:
    SpectrogramOptions options_;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

Spectrogram computeSpectrogram(std::span<const float> samples, int sampleRate, const SpectrogramOptions& options);

// 10 log10(max(p, 10^(floorDb / 10))) element-wise.
MatF powerToDb(const MatF& power, double floorDb = -120.0);

// `unroll-cli bench audio`'s spectrogram figure: the course spectrogram of 10 s of 44.1 kHz noise, median seconds over
// `repeats` runs after one warm-up.
double benchCourseSpectrogram(int repeats = 20);

} // namespace unroll
