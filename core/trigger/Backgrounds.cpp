// Background textures generated from a seed; see Backgrounds.hpp. Each generator fills raw samples, then the whole is
// brought to a level drawn uniformly in [-36, -24] dBFS (around -30).
//
// Pink: the Voss–McCartney algorithm (M. Gardner, "White and brown music, fractal curves and one-over-f
// fluctuations", Scientific American 1978; J. McCartney's trailing-zeros variant): 16 random rows, row k redrawn every
// 2^k samples (at sample i, the row given by the trailing zeros of i), plus one fresh value per sample; their sum is
// close to 1/f over the rows' octaves (from ~rate/2^16 up, about 0.7 Hz at 44.1 kHz).
// Brown: y[n] = a y[n-1] + w[n] with a = exp(-2π·20 Hz / rate): 1/f² above 20 Hz, flat below, so it stays bounded.
#include "trigger/Backgrounds.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <complex>
#include <numbers>
#include <string>

namespace unroll {

BackgroundKind parseBackgroundKind(std::string_view id)
{
    std::string known;
    for (std::size_t i = 0; i < backgroundKindIds.size(); ++i) {
        if (backgroundKindIds[i] == id) return BackgroundKind(i);
        known += (i ? ", " : "") + std::string(backgroundKindIds[i]);
    }
    throw InputError("unknown background kind '" + std::string(id) + "' (known: " + known + ")");
}

namespace {

constexpr double kMaxBackgroundSeconds = 600; // 106 MB of float at 44.1 kHz

double uniform(Rng& rng, double lo, double hi) { return lo + (hi - lo) * rng.randomSample(); }

void white(std::vector<float>& x, Rng& rng)
{
    for (float& s : x) s = float(rng.randn());
}

void pink(std::vector<float>& x, Rng& rng)
{
    constexpr int kRows = 16;
    double rows[kRows];
    double sum = 0;
    for (double& r : rows) sum += (r = rng.randn());
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (i > 0) {
            const int k = std::countr_zero(i) % kRows; // row k changes every 2^k samples
            sum -= rows[k];
            sum += (rows[k] = rng.randn());
        }
        x[i] = float(sum + rng.randn());
    }
}

void brown(std::vector<float>& x, int sampleRate, Rng& rng)
{
    const double a = std::exp(-2.0 * std::numbers::pi * 20.0 / sampleRate);
    double y = 0;
    double mean = 0;
    for (float& s : x) {
        y = a * y + rng.randn();
        s = float(y);
        mean += y;
    }
    mean /= double(x.size());
    for (float& s : x) s = float(s - mean);
}

// Mains hum: 50 or 60 Hz and harmonics 2..4 at falling, drawn levels and phases, each with its own slow (0.05–0.3 Hz)
// amplitude drift of up to ±30%, over a faint white floor (-40 dB) as a real hum has.
void hum(std::vector<float>& x, int sampleRate, Rng& rng)
{
    const double f0 = rng.randint(0, 2) == 0 ? 50.0 : 60.0;
    constexpr int kPartials = 4;
    double amp[kPartials], phase[kPartials], driftHz[kPartials], driftPhase[kPartials], driftDepth[kPartials];
    for (int h = 0; h < kPartials; ++h) {
        amp[h] = uniform(rng, 0.5, 1.0) / (h + 1);
        phase[h] = uniform(rng, 0, 2 * std::numbers::pi);
        driftHz[h] = uniform(rng, 0.05, 0.3);
        driftPhase[h] = uniform(rng, 0, 2 * std::numbers::pi);
        driftDepth[h] = uniform(rng, 0.0, 0.3);
    }
    // Each sine as a unit phasor turned by a fixed rotation per sample (no sin() per sample; in double the phase
    // error after an hour of samples is far below float resolution).
    const double w = 2 * std::numbers::pi / sampleRate;
    std::complex<double> tone[kPartials], toneStep[kPartials], drift[kPartials], driftStep[kPartials];
    for (int h = 0; h < kPartials; ++h) {
        tone[h] = std::polar(1.0, phase[h]);
        toneStep[h] = std::polar(1.0, w * f0 * (h + 1));
        drift[h] = std::polar(1.0, driftPhase[h]);
        driftStep[h] = std::polar(1.0, w * driftHz[h]);
    }
    for (float& x_i : x) {
        double s = 0;
        for (int h = 0; h < kPartials; ++h) {
            s += amp[h] * (1 + driftDepth[h] * drift[h].imag()) * tone[h].imag();
            tone[h] *= toneStep[h];
            drift[h] *= driftStep[h];
        }
        x_i = float(s + 0.01 * rng.randn());
    }
}

// A crowd murmur: about 6 words a second, each at a random time (it may start before the clip and run past its end)
// and a level from -15 to 0 dB, summed.
void babble(std::vector<float>& x, int sampleRate, Rng& rng, std::span<const WordClip> words)
{
    if (words.empty()) throw InputError("a babble background needs words to overlap, and none were given");
    for (const WordClip& w : words)
        if (w.audio.sampleRate != sampleRate)
            throw InputError("babble: word clip '" + w.name + "' is at " + std::to_string(w.audio.sampleRate) +
                             " Hz, the background at " + std::to_string(sampleRate) + " Hz");
    const auto n = std::int64_t(x.size());
    const auto count = std::int64_t(std::ceil(6.0 * double(n) / sampleRate));
    for (std::int64_t k = 0; k < count; ++k) {
        const WordClip& w = words[std::size_t(rng.randint(0, std::int64_t(words.size())))];
        const std::int64_t len = w.audio.size();
        const std::int64_t start = rng.randint(-len + 1, n); // any overlap with [0, n)
        const float gain = float(std::pow(10.0, uniform(rng, -15, 0) / 20));
        for (std::int64_t i = std::max<std::int64_t>(0, -start); i < len && start + i < n; ++i)
            x[std::size_t(start + i)] += gain * w.audio.samples[std::size_t(i)];
    }
}

void setLevel(std::vector<float>& x, double db)
{
    double sumSq = 0;
    for (const float s : x) sumSq += double(s) * s;
    const double rms = std::sqrt(sumSq / double(x.size()));
    if (rms == 0) return;
    const auto g = float(std::pow(10.0, db / 20) / rms);
    for (float& s : x) s *= g;
}

void generate(BackgroundKind kind, std::vector<float>& x, int sampleRate, Rng& rng, std::span<const WordClip> words);

// Room: each of white, pink, brown, hum and (with words) babble is in the mix with probability 1/2 (pink when none
// is), at a relative level from -15 to 0 dB.
void room(std::vector<float>& x, int sampleRate, Rng& rng, std::span<const WordClip> words)
{
    const BackgroundKind parts[] = {BackgroundKind::White, BackgroundKind::Pink, BackgroundKind::Brown,
                                    BackgroundKind::Hum, BackgroundKind::Babble};
    std::vector<float> part(x.size());
    bool any = false;
    for (const BackgroundKind k : parts) {
        const bool in = rng.randomSample() < 0.5;
        if (!in || (k == BackgroundKind::Babble && words.empty())) continue;
        std::fill(part.begin(), part.end(), 0.0f);
        generate(k, part, sampleRate, rng, words);
        setLevel(part, uniform(rng, -15, 0));
        for (std::size_t i = 0; i < x.size(); ++i) x[i] += part[i];
        any = true;
    }
    if (!any) pink(x, rng);
}

void generate(BackgroundKind kind, std::vector<float>& x, int sampleRate, Rng& rng, std::span<const WordClip> words)
{
    switch (kind) {
    case BackgroundKind::White: white(x, rng); break;
    case BackgroundKind::Pink: pink(x, rng); break;
    case BackgroundKind::Brown: brown(x, sampleRate, rng); break;
    case BackgroundKind::Hum: hum(x, sampleRate, rng); break;
    case BackgroundKind::Babble: babble(x, sampleRate, rng, words); break;
    case BackgroundKind::Room: room(x, sampleRate, rng, words); break;
    }
}

} // namespace

AudioClip makeBackground(BackgroundKind kind, double seconds, int sampleRate, Rng& rng, std::span<const WordClip> words)
{
    if (sampleRate < 1000 || sampleRate > 384000)
        throw InputError("background sample rate " + std::to_string(sampleRate) + " Hz must be 1000 .. 384000 Hz");
    if (!(seconds > 0) || seconds > kMaxBackgroundSeconds)
        throw InputError("background length " + std::to_string(seconds) + " s must be above 0 and at most " +
                         std::to_string(int(kMaxBackgroundSeconds)) + " s");
    if (kind == BackgroundKind::Babble && words.empty())
        throw InputError("a babble background needs words to overlap, and none were given");
    AudioClip clip = silence(seconds, sampleRate);
    if (clip.samples.empty()) throw InputError("background length " + std::to_string(seconds) + " s is under one sample");
    const double level = uniform(rng, -36, -24);
    generate(kind, clip.samples, sampleRate, rng, words);
    setLevel(clip.samples, level);
    return clip;
}

AudioClip randomBackground(double seconds, int sampleRate, Rng& rng, std::span<const WordClip> words)
{
    BackgroundKind kind = BackgroundKind::Room;
    if (rng.randomSample() >= 0.5) {
        const BackgroundKind others[] = {BackgroundKind::White, BackgroundKind::Pink, BackgroundKind::Brown,
                                         BackgroundKind::Hum, BackgroundKind::Babble};
        kind = others[rng.randint(0, words.empty() ? 4 : 5)]; // babble only with words
    }
    return makeBackground(kind, seconds, sampleRate, rng, words);
}

} // namespace unroll
