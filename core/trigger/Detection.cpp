// From a probability track to triggers, chimes and scores; see Detection.hpp.
#include "trigger/Detection.hpp"

#include "util/Error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

namespace unroll {

namespace {

std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

void checkOptions(const DetectionOptions& o)
{
    if (std::isnan(o.threshold)) throw InputError("detection threshold is not a number");
    if (o.consecutive < 1)
        throw InputError("detection needs at least 1 consecutive step above the threshold (got " +
                         std::to_string(o.consecutive) + ")");
}

} // namespace

std::vector<std::int64_t> detectTriggers(std::span<const float> probability, const DetectionOptions& options)
{
    checkOptions(options);
    std::vector<std::int64_t> fired;
    int run = 0;       // consecutive steps at or above the threshold, up to the current one
    bool armed = true; // false from a firing until p falls below the threshold again
    for (size_t i = 0; i < probability.size(); ++i) {
        if (double(probability[i]) >= options.threshold) {
            ++run;
            if (armed && run >= options.consecutive) {
                fired.push_back(std::int64_t(i));
                armed = false;
            }
        } else {
            run = 0;
            armed = true;
        }
    }
    return fired;
}

std::vector<double> triggerTimes(std::span<const std::int64_t> steps, double frameSeconds)
{
    std::vector<double> out;
    out.reserve(steps.size());
    for (auto s : steps) out.push_back(double(s) * frameSeconds);
    return out;
}

// Two partials a fifth apart (880 Hz and its 3/2, 1320 Hz), the upper one softer and shorter, each decaying
// exponentially, after a 5 ms linear attack (no click); peak about -6 dBFS.
AudioClip makeChime(int sampleRate)
{
    if (sampleRate < 1000 || sampleRate > 768000)
        throw InputError("chime sample rate " + std::to_string(sampleRate) + " Hz is outside 1000 … 768000");
    AudioClip chime;
    chime.sampleRate = sampleRate;
    const double seconds = 0.3, attack = 0.005;
    chime.samples.resize(size_t(std::llround(seconds * sampleRate)));
    for (size_t n = 0; n < chime.samples.size(); ++n) {
        const double t = double(n) / sampleRate;
        const double envelope = std::min(1.0, t / attack);
        const double low = std::exp(-t / 0.09) * std::sin(2 * std::numbers::pi * 880 * t);
        const double high = std::exp(-t / 0.05) * std::sin(2 * std::numbers::pi * 1320 * t);
        chime.samples[n] = float(envelope * (0.35 * low + 0.15 * high));
    }
    return chime;
}

void insertChimes(AudioClip& audio, std::span<const double> timesS, const AudioClip& chime)
{
    if (chime.sampleRate != audio.sampleRate)
        throw InputError("chime at " + std::to_string(chime.sampleRate) + " Hz for audio at " +
                         std::to_string(audio.sampleRate) + " Hz");
    for (double t : timesS) {
        if (!(t >= 0)) throw InputError("chime time " + num(t) + " s is before the start of the audio");
        const std::int64_t start = std::int64_t(std::floor(t * audio.sampleRate));
        const std::int64_t end = std::min<std::int64_t>(start + chime.size(), audio.size()); // cut at the end
        for (std::int64_t n = start; n < end; ++n) audio.samples[size_t(n)] += chime.samples[size_t(n - start)];
    }
}

DetectionScore& DetectionScore::operator+=(const DetectionScore& o)
{
    positives += o.positives;
    hits += o.hits;
    falseAccepts += o.falseAccepts;
    seconds += o.seconds;
    return *this;
}

DetectionScore scoreDetections(std::span<const double> detectionsS, std::span<const PlacedWord> words,
                               double clipSeconds, double toleranceS)
{
    // The positives that are in the clip: a word whose insertion found no free segment has the course's segment
    // (clipMs, clipMs) and was never pasted.
    std::vector<Segment> targets;
    for (const auto& w : words)
        if (w.positive && double(w.segment.startMs) < clipSeconds * 1000) targets.push_back(w.segment);
    std::sort(targets.begin(), targets.end(), [](Segment a, Segment b) { return a.startMs < b.startMs; });
    std::vector<double> detections(detectionsS.begin(), detectionsS.end());
    std::sort(detections.begin(), detections.end());
    DetectionScore s;
    s.positives = std::int64_t(targets.size());
    s.seconds = clipSeconds;
    std::vector<bool> matched(targets.size(), false);
    for (double d : detections) {
        bool hit = false;
        for (size_t k = 0; k < targets.size() && !hit; ++k) {
            const double start = targets[k].startMs / 1000.0, end = targets[k].endMs / 1000.0 + toleranceS;
            if (!matched[k] && d >= start && d <= end) matched[k] = hit = true;
        }
        if (hit)
            ++s.hits;
        else
            ++s.falseAccepts;
    }
    return s;
}

std::vector<SweepPoint> sweepThresholds(std::span<const ScoredTrack> tracks, std::span<const double> thresholds,
                                        int consecutive)
{
    std::vector<SweepPoint> out;
    for (double threshold : thresholds) {
        DetectionScore total;
        for (const auto& track : tracks) {
            const auto steps = detectTriggers(track.probability, {.threshold = threshold, .consecutive = consecutive});
            const auto times = triggerTimes(steps, track.frameSeconds);
            total += scoreDetections(times, track.words, track.clipSeconds);
        }
        out.push_back({threshold, 1 - total.recall(), total.falseAcceptsPerHour()});
    }
    return out;
}

} // namespace unroll
