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

DetectionMatch matchDetections(std::span<const double> detectionsS, std::span<const PlacedWord> words,
                               double clipSeconds, double toleranceS)
{
    // The positives that are in the clip: a word whose insertion found no free segment has the course's segment
    // (clipMs, clipMs) and was never pasted. Targets in time order (pasted words never overlap), detections too.
    std::vector<std::size_t> targets;
    for (std::size_t k = 0; k < words.size(); ++k)
        if (words[k].positive && double(words[k].segment.startMs) < clipSeconds * 1000) targets.push_back(k);
    std::sort(targets.begin(), targets.end(),
              [&](std::size_t a, std::size_t b) { return words[a].segment.startMs < words[b].segment.startMs; });
    std::vector<std::size_t> order(detectionsS.size());
    for (std::size_t j = 0; j < order.size(); ++j) order[j] = j;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return detectionsS[a] < detectionsS[b]; });
    DetectionMatch m;
    m.wordFound.assign(words.size(), false);
    m.detectionWord.assign(detectionsS.size(), -1);
    for (std::size_t j : order) {
        const double d = detectionsS[j];
        for (std::size_t k : targets) {
            const Segment s = words[k].segment;
            if (!m.wordFound[k] && d >= s.startMs / 1000.0 && d <= s.endMs / 1000.0 + toleranceS) {
                m.wordFound[k] = true;
                m.detectionWord[j] = std::ptrdiff_t(k);
                break;
            }
        }
    }
    return m;
}

DetectionScore scoreDetections(std::span<const double> detectionsS, std::span<const PlacedWord> words,
                               double clipSeconds, double toleranceS)
{
    const DetectionMatch m = matchDetections(detectionsS, words, clipSeconds, toleranceS);
    DetectionScore s;
    s.seconds = clipSeconds;
    for (const auto& w : words) s.positives += w.positive && double(w.segment.startMs) < clipSeconds * 1000;
    for (auto k : m.detectionWord) ++(k >= 0 ? s.hits : s.falseAccepts);
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
