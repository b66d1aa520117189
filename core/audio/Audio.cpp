// Audio.hpp: levels, gain and overlay on float samples, with pydub's semantics (the course's §7.1–7.2 calls).
#include "audio/Audio.hpp"

#include "util/Error.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace unroll {

namespace {

// floor(seconds * rate), forgiving the last bit of a product such as 0.3 * 10 = 2.9999999999999996: a position given
// in milliseconds must land on the sample it names.
std::int64_t floorSamples(double seconds, int sampleRate)
{
    const double x = seconds * double(sampleRate);
    return std::int64_t(std::floor(x + 1e-9 * std::max(1.0, std::fabs(x))));
}

} // namespace

std::int64_t AudioClip::milliseconds() const
{
    if (sampleRate <= 0)
        return 0;
    // pydub: round(1000 * frame_count / frame_rate); Python's round breaks ties to even, as nearbyint does.
    return std::int64_t(std::nearbyint(1000.0 * double(samples.size()) / double(sampleRate)));
}

std::int64_t AudioClip::sampleAt(double seconds) const { return floorSamples(seconds, sampleRate); }

double dbfs(std::span<const float> samples)
{
    if (samples.empty())
        return -std::numeric_limits<double>::infinity();
    double sumSq = 0;
    for (const float s : samples)
        sumSq += double(s) * double(s);
    const double rms = std::sqrt(sumSq / double(samples.size()));
    if (rms == 0)
        return -std::numeric_limits<double>::infinity();
    return 20.0 * std::log10(rms);
}

void applyGain(AudioClip& clip, double db)
{
    if (!std::isfinite(db))
        throw InputError("gain " + std::to_string(db) + " dB is not a finite number");
    const float factor = float(std::pow(10.0, db / 20.0));
    for (float& s : clip.samples)
        s *= factor;
}

void matchTargetAmplitude(AudioClip& clip, double targetDbfs)
{
    const double level = dbfs(clip.samples);
    if (!std::isfinite(level))
        return; // silence stays silence
    applyGain(clip, targetDbfs - level);
}

void overlay(AudioClip& base, const AudioClip& clip, std::int64_t start)
{
    if (base.sampleRate != clip.sampleRate)
        throw InputError("overlay: the clip's sample rate " + std::to_string(clip.sampleRate) +
                         " Hz differs from the base's " + std::to_string(base.sampleRate) + " Hz");
    if (start < 0)
        throw InputError("overlay: start sample " + std::to_string(start) + " must be >= 0");
    const std::int64_t n = std::min(clip.size(), base.size() - start); // the part past base's end is dropped
    float* dst = base.samples.data() + start;
    const float* src = clip.samples.data();
    for (std::int64_t i = 0; i < n; ++i)
        dst[i] += src[i];
}

AudioClip silence(double seconds, int sampleRate)
{
    if (sampleRate <= 0)
        throw InputError("silence: sample rate " + std::to_string(sampleRate) + " Hz must be > 0");
    if (!(seconds >= 0) || !std::isfinite(seconds))
        throw InputError("silence: duration " + std::to_string(seconds) + " s must be >= 0");
    AudioClip clip;
    clip.sampleRate = sampleRate;
    clip.samples.assign(std::size_t(floorSamples(seconds, sampleRate)), 0.0f);
    return clip;
}

} // namespace unroll
