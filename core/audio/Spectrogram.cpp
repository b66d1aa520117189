// Spectrogram.hpp: framing, windowing, FFTW r2c per frame, matplotlib's 'psd' scaling, an HTK mel filterbank.
//
// Plan once, execute per frame (as kissfft's interface suggests): the engine holds two FFTW plans made under a
// process-wide mutex (FFTW's planner is not thread-safe) with FFTW_ESTIMATE, a batch plan of kBatch frames and a
// one-frame plan for the remainder. Every call allocates its own aligned buffers (fftwf_alloc, the alignment the plans
// were made for) once per thread, not per frame, and runs FFTW's thread-safe new-array execute on them, so compute()
// is const and may run from several threads. Frames of a long input are split over util/Threads.hpp's pool.
#include "audio/Spectrogram.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <fftw3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <numbers>
#include <string>

namespace unroll {

namespace {

constexpr int kBatch = 32;                  // frames per FFTW batch execute
constexpr std::int64_t kParallelFrames = 32768; // about 60 s at 44.1 kHz: see the note in computeFrames
constexpr int kMaxNfft = 1 << 20;

std::mutex& plannerMutex()
{
    static std::mutex m;
    return m;
}

double hzToMel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double melToHz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

template <class T> struct FftwBuffer {
    T* p = nullptr;
    explicit FftwBuffer(std::size_t n)
    {
        if constexpr (std::is_same_v<T, float>)
            p = fftwf_alloc_real(n);
        else
            p = fftwf_alloc_complex(n);
        if (!p)
            throw std::bad_alloc();
    }
    ~FftwBuffer() { fftwf_free(p); }
    FftwBuffer(const FftwBuffer&) = delete;
    FftwBuffer& operator=(const FftwBuffer&) = delete;
};

// The mel filterbank for `bins` linear bins at `rate`: (bands, bins) triangles on the HTK mel scale, peak 1, and the
// band centres in Hz.
void melFilterbank(const SpectrogramOptions& o, int rate, MatF& weights, std::vector<double>& centres)
{
    const int bins = o.nfft / 2 + 1;
    const double nyquist = rate / 2.0;
    const double hi = o.melMaxHz > 0 ? o.melMaxHz : nyquist;
    if (hi > nyquist + 1e-9)
        throw InputError("mel: the top frequency " + std::to_string(o.melMaxHz) + " Hz is above the Nyquist frequency " +
                         std::to_string(nyquist) + " Hz of " + std::to_string(rate) + " Hz audio");
    if (!(o.melMinHz < hi))
        throw InputError("mel: the bottom frequency " + std::to_string(o.melMinHz) + " Hz must be below the top " +
                         std::to_string(hi) + " Hz");
    const double m0 = hzToMel(o.melMinHz), m1 = hzToMel(hi);
    std::vector<double> edges(std::size_t(o.melBands) + 2);
    for (std::size_t j = 0; j < edges.size(); ++j)
        edges[j] = melToHz(m0 + (m1 - m0) * double(j) / double(o.melBands + 1));
    weights.setZero(o.melBands, bins);
    centres.resize(std::size_t(o.melBands));
    for (int b = 0; b < o.melBands; ++b) {
        const double lo = edges[std::size_t(b)], c = edges[std::size_t(b) + 1], up = edges[std::size_t(b) + 2];
        centres[std::size_t(b)] = c;
        for (int k = 0; k < bins; ++k) {
            const double f = double(k) * rate / o.nfft;
            const double w = std::min((f - lo) / (c - lo), (up - f) / (up - c));
            if (w > 0)
                weights(b, k) = float(w);
        }
    }
}

} // namespace

SpectrogramOptions courseSpectrogramOptions()
{
    return SpectrogramOptions{.nfft = 200, .hop = 80, .window = WindowKind::Hann, .scaleRate = 8000};
}

std::int64_t spectrogramFrames(std::int64_t samples, int nfft, int hop)
{
    if (nfft < 1 || hop < 1 || samples < nfft)
        return 0;
    return (samples - nfft) / hop + 1;
}

struct SpectrogramEngine::Impl {
    int nfft = 0, bins = 0;              // bins: the linear ones, nfft / 2 + 1
    std::vector<float> window;           // (nfft)
    double windowPower = 0;              // sum w^2
    std::vector<float> sideFactor;       // (bins): 2, except 1 at DC and (even nfft) Nyquist
    fftwf_plan batchPlan = nullptr;      // kBatch frames: in (nfft, kBatch) -> out (bins, kBatch)
    fftwf_plan onePlan = nullptr;        // one frame

    explicit Impl(const SpectrogramOptions& o) : nfft(o.nfft), bins(o.nfft / 2 + 1)
    {
        window.resize(std::size_t(nfft));
        const double a = o.window == WindowKind::Hann ? 0.5 : 0.54;
        for (int n = 0; n < nfft; ++n) {
            const double w = a - (1.0 - a) * std::cos(2.0 * std::numbers::pi * n / (nfft - 1));
            window[std::size_t(n)] = float(w);
            windowPower += w * w;
        }
        if (windowPower == 0) // numpy.hanning(2) is [0, 0]: no power to scale by
            throw InputError("spectrogram: the Hann window of length " + std::to_string(nfft) +
                             " is all zeros (use nfft >= 3 or a Hamming window)");
        sideFactor.assign(std::size_t(bins), 2.0f);
        sideFactor[0] = 1.0f;
        if (nfft % 2 == 0)
            sideFactor[std::size_t(bins) - 1] = 1.0f;

        std::lock_guard lock(plannerMutex());
        FftwBuffer<float> in(std::size_t(nfft) * kBatch);
        FftwBuffer<fftwf_complex> out(std::size_t(bins) * kBatch);
        int n = nfft;
        batchPlan = fftwf_plan_many_dft_r2c(1, &n, kBatch, in.p, nullptr, 1, nfft, out.p, nullptr, 1, bins,
                                            FFTW_ESTIMATE);
        onePlan = fftwf_plan_dft_r2c_1d(nfft, in.p, out.p, FFTW_ESTIMATE);
        if (!batchPlan || !onePlan) {
            destroy();
            throw InputError("FFTW could not plan a real FFT of length " + std::to_string(nfft));
        }
    }
    ~Impl()
    {
        std::lock_guard lock(plannerMutex());
        destroy();
    }
    void destroy()
    {
        if (batchPlan)
            fftwf_destroy_plan(batchPlan);
        if (onePlan)
            fftwf_destroy_plan(onePlan);
        batchPlan = onePlan = nullptr;
    }

    // Linear power of frames [first, first + count) into dst columns (bins, count) (column stride ld), all inputs
    // checked by the caller.
    void linearFrames(const float* x, int hop, std::int64_t first, std::int64_t count, float scale, float* dst,
                      std::int64_t ld) const
    {
        FftwBuffer<float> in(std::size_t(nfft) * kBatch);
        FftwBuffer<fftwf_complex> out(std::size_t(bins) * kBatch);
        const float* w = window.data();
        std::int64_t i = 0;
        while (i < count) {
            const int batch = count - i >= kBatch ? kBatch : 1;
            for (int j = 0; j < batch; ++j) {
                const float* frame = x + (first + i + j) * hop;
                float* buf = in.p + std::size_t(j) * std::size_t(nfft);
                for (int n = 0; n < nfft; ++n)
                    buf[n] = w[n] * frame[n];
            }
            fftwf_execute_dft_r2c(batch == kBatch ? batchPlan : onePlan, in.p, out.p);
            for (int j = 0; j < batch; ++j) {
                const fftwf_complex* X = out.p + std::size_t(j) * std::size_t(bins);
                float* col = dst + (i + j) * ld;
                for (int k = 0; k < bins; ++k)
                    col[k] = sideFactor[std::size_t(k)] * scale * (X[k][0] * X[k][0] + X[k][1] * X[k][1]);
            }
            i += batch;
        }
    }
};

SpectrogramEngine::SpectrogramEngine(const SpectrogramOptions& options) : options_(options)
{
    const SpectrogramOptions& o = options;
    if (o.nfft < 2 || o.nfft > kMaxNfft)
        throw InputError("spectrogram: nfft " + std::to_string(o.nfft) + " must be within 2 .. " +
                         std::to_string(kMaxNfft));
    if (o.hop < 1)
        throw InputError("spectrogram: hop " + std::to_string(o.hop) + " must be >= 1");
    if (!(o.scaleRate >= 0) || !std::isfinite(o.scaleRate))
        throw InputError("spectrogram: scale rate " + std::to_string(o.scaleRate) + " Hz must be >= 0 (0 = the audio's rate)");
    if (o.scale == FrequencyScale::Mel) {
        const int bins = o.nfft / 2 + 1;
        if (o.melBands < 1 || o.melBands > bins)
            throw InputError("spectrogram: " + std::to_string(o.melBands) + " mel bands must be within 1 .. " +
                             std::to_string(bins) + " (the linear bins of nfft " + std::to_string(o.nfft) + ")");
        if (!(o.melMinHz >= 0) || !(o.melMaxHz >= 0) || !std::isfinite(o.melMinHz) || !std::isfinite(o.melMaxHz) ||
            (o.melMaxHz > 0 && o.melMinHz >= o.melMaxHz))
            throw InputError("spectrogram: mel range " + std::to_string(o.melMinHz) + " .. " +
                             std::to_string(o.melMaxHz) + " Hz must satisfy 0 <= min < max (max 0 = Nyquist)");
    }
    impl_ = std::make_unique<Impl>(options_);
}

SpectrogramEngine::~SpectrogramEngine() = default;
SpectrogramEngine::SpectrogramEngine(SpectrogramEngine&&) noexcept = default;
SpectrogramEngine& SpectrogramEngine::operator=(SpectrogramEngine&&) noexcept = default;

std::int64_t SpectrogramEngine::bins() const
{
    return options_.scale == FrequencyScale::Mel ? options_.melBands : impl_->bins;
}

void SpectrogramEngine::computeFrames(std::span<const float> samples, int sampleRate, std::int64_t firstFrame,
                                      MatRef<float> out) const
{
    const SpectrogramOptions& o = options_;
    if (sampleRate <= 0)
        throw InputError("spectrogram: sample rate " + std::to_string(sampleRate) + " Hz must be > 0");
    if (out.rows() != bins())
        throw InputError("spectrogram: the output block has " + std::to_string(out.rows()) + " rows, not the " +
                         std::to_string(bins()) + " bins");
    const std::int64_t count = out.cols();
    if (count == 0)
        return;
    if (firstFrame < 0 || (firstFrame + count - 1) * std::int64_t(o.hop) + o.nfft > std::int64_t(samples.size()))
        throw InputError("spectrogram: frames " + std::to_string(firstFrame) + " .. " +
                         std::to_string(firstFrame + count - 1) + " need " +
                         std::to_string((firstFrame + count - 1) * std::int64_t(o.hop) + o.nfft) + " samples, " +
                         std::to_string(samples.size()) + " given");
    const double fs = o.scaleRate > 0 ? o.scaleRate : double(sampleRate);
    const auto scale = float(1.0 / (fs * impl_->windowPower));

    MatF mel;
    std::vector<double> centres;
    if (o.scale == FrequencyScale::Mel)
        melFilterbank(o, sampleRate, mel, centres);

    // Frames [b, e) into out's columns [b, e).
    const auto run = [&](std::int64_t b, std::int64_t e) {
        if (o.scale == FrequencyScale::Linear) {
            impl_->linearFrames(samples.data(), o.hop, firstFrame + b, e - b, scale, out.col(b).data(),
                                out.outerStride());
            return;
        }
        MatF linear(impl_->bins, std::min<std::int64_t>(e - b, 256)); // (bins, piece)
        for (std::int64_t p = b; p < e; p += linear.cols()) {
            const std::int64_t n = std::min<std::int64_t>(linear.cols(), e - p);
            impl_->linearFrames(samples.data(), o.hop, firstFrame + p, n, scale, linear.data(), linear.rows());
            out.middleCols(p, n).noalias() = mel * linear.leftCols(n);
        }
    };
    // Serial below kParallelFrames: a course clip (10 s, 5511 frames) takes about 1.3 ms on one core, and on the shared
    // 2-core machine two threads measured no faster for 10 s (1.3-1.7 ms either way) nor for 60 s (17 ms serial,
    // 20 ms split), so only inputs of a minute or more are split.
    if (count < kParallelFrames || threadCount() <= 1 || insideParallelRegion()) {
        run(0, count);
        return;
    }
    const std::int64_t chunk = 512; // frames per pool task, claimed dynamically
    parallelFor((count + chunk - 1) / chunk, [&](std::int64_t c0, std::int64_t c1) {
        run(c0 * chunk, std::min(count, c1 * chunk));
    });
}

Spectrogram SpectrogramEngine::compute(std::span<const float> samples, int sampleRate) const
{
    const SpectrogramOptions& o = options_;
    if (sampleRate <= 0)
        throw InputError("spectrogram: sample rate " + std::to_string(sampleRate) + " Hz must be > 0");
    Spectrogram s;
    s.sampleRate = sampleRate;
    s.hop = o.hop;
    s.nfft = o.nfft;
    const std::int64_t frames = spectrogramFrames(std::int64_t(samples.size()), o.nfft, o.hop);
    s.power.resize(bins(), frames);
    computeFrames(samples, sampleRate, 0, s.power);
    if (o.scale == FrequencyScale::Mel) {
        MatF unused;
        melFilterbank(o, sampleRate, unused, s.freqsHz);
    } else {
        s.freqsHz.resize(std::size_t(impl_->bins));
        for (int k = 0; k < impl_->bins; ++k)
            s.freqsHz[std::size_t(k)] = double(k) * sampleRate / o.nfft;
    }
    s.timesS.resize(std::size_t(frames));
    for (std::int64_t i = 0; i < frames; ++i)
        s.timesS[std::size_t(i)] = (double(i) * o.hop + o.nfft / 2.0) / sampleRate;
    return s;
}

Spectrogram computeSpectrogram(std::span<const float> samples, int sampleRate, const SpectrogramOptions& options)
{
    return SpectrogramEngine(options).compute(samples, sampleRate);
}

MatF powerToDb(const MatF& power, double floorDb)
{
    const float floorPower = float(std::pow(10.0, floorDb / 10.0));
    return power.unaryExpr([floorPower](float p) { return 10.0f * std::log10(std::max(p, floorPower)); });
}

double benchCourseSpectrogram(int repeats)
{
    // 10 s of 44.1 kHz uniform noise in [-1, 1): np.random.seed(0); np.random.random_sample(441000) * 2 - 1, the
    // signal scripts/bench/spectrogram_ref.py times scipy and matplotlib on.
    Rng rng(0);
    std::vector<float> x(441000);
    for (float& v : x)
        v = float(rng.randomSample() * 2.0 - 1.0);
    const SpectrogramEngine engine(courseSpectrogramOptions());
    volatile float sink = engine.compute(x, 44100).power(0, 0); // warm-up (and the pages of the output)
    std::vector<double> times;
    for (int r = 0; r < std::max(1, repeats); ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        sink = engine.compute(x, 44100).power(0, 0); // the whole call, output allocation included
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::nth_element(times.begin(), times.begin() + std::ptrdiff_t(times.size() / 2), times.end());
    (void)sink;
    return times[times.size() / 2];
}

} // namespace unroll
