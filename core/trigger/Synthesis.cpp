// Training examples as the course's "Trigger word detection" notebook synthesizes them; see Synthesis.hpp. Every draw
// is the notebook's numpy call on Rng (numpy's RandomState), in the notebook's order:
//   get_random_time_segment   np.random.randint(low=0, high=10000 - segment_ms)       -> rng.randint(0, clipMs - ms)
//   create_training_example   np.random.randint(0, 5)                                 -> rng.randint(0, 5)
//                             np.random.randint(len(activates), size=n)               -> n x rng.randint(0, len)
// numpy's randint with size=n draws the n values one after another with the same masked rejection as n scalar calls
// (random_bounded_uint64_fill), and the indices are all drawn before the first insertion draws its segment.
#include "trigger/Synthesis.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"

#include <string>

namespace unroll {

bool isOverlapping(Segment segment, std::span<const Segment> previous)
{
    // The course: overlap when segment_start <= previous_end and segment_end >= previous_start (bounds inclusive).
    for (const Segment& p : previous)
        if (segment.startMs <= p.endMs && segment.endMs >= p.startMs) return true;
    return false;
}

Segment randomTimeSegment(int segmentMs, Rng& rng, int clipMs)
{
    if (segmentMs < 1 || segmentMs >= clipMs)
        throw InputError("a clip of " + std::to_string(segmentMs) + " ms does not fit in a " + std::to_string(clipMs) +
                         " ms example (it must be 1 .. " + std::to_string(clipMs - 1) + " ms)");
    const int start = int(rng.randint(0, clipMs - segmentMs));
    return {start, start + segmentMs - 1};
}

Segment insertAudioClip(AudioClip& background, const AudioClip& clip, std::vector<Segment>& previous, Rng& rng,
                        int clipMs)
{
    if (clip.sampleRate != background.sampleRate)
        throw InputError("a clip at " + std::to_string(clip.sampleRate) + " Hz cannot go into a background at " +
                         std::to_string(background.sampleRate) + " Hz");
    const int segmentMs = int(clip.milliseconds());
    Segment segment = randomTimeSegment(segmentMs, rng, clipMs);
    // The notebook: retry = 5; while is_overlapping(...) and retry >= 0: re-draw; retry -= 1.
    for (int retry = 5; isOverlapping(segment, previous) && retry >= 0; --retry)
        segment = randomTimeSegment(segmentMs, rng, clipMs);
    if (isOverlapping(segment, previous)) return {clipMs, clipMs};
    previous.push_back(segment);
    overlay(background, clip, background.sampleAt(segment.startMs / 1000.0)); // pydub's position= in ms
    return segment;
}

void insertOnes(std::span<float> y, int segmentEndMs, int clipMs)
{
    // The course: segment_end_y = int(segment_end_ms * Ty / 10000.0); y[0, e+1 .. e+50] = 1 where inside Ty. The
    // product is an exact integer, so one division rounds as numpy's float division does; int() truncates.
    const auto Ty = std::int64_t(y.size());
    const auto e = std::int64_t(double(std::int64_t(segmentEndMs) * Ty) / double(clipMs));
    for (std::int64_t i = e + 1; i <= e + kLabelSteps; ++i)
        if (i >= 0 && i < Ty) y[std::size_t(i)] = 1.0f;
}

namespace {

void requireRate(std::span<const WordClip> clips, int rate, const char* kind)
{
    for (const WordClip& c : clips)
        if (c.audio.sampleRate != rate)
            throw InputError(std::string(kind) + " clip '" + c.name + "' is at " + std::to_string(c.audio.sampleRate) +
                             " Hz, the background at " + std::to_string(rate) + " Hz");
}

// n = randint(0, maxCount + 1) clips, then n indices, then the insertions: the notebook's order of draws.
void insertWords(SynthesizedClip& ex, std::vector<Segment>& segments, std::span<const WordClip> clips, int maxCount,
                 bool positive, Rng& rng, const SynthesisOptions& o)
{
    const auto n = rng.randint(0, std::int64_t(maxCount) + 1);
    if (clips.empty()) return; // numpy would raise on randint(0); we keep the count drawn so the stream is the same
    std::vector<std::size_t> picks(std::size_t(n), 0);
    for (auto& p : picks) p = std::size_t(rng.randint(0, std::int64_t(clips.size())));
    for (const std::size_t p : picks) {
        const Segment s = insertAudioClip(ex.audio, clips[p].audio, segments, rng, o.clipMs);
        if (positive) insertOnes(ex.labels, s.endMs, o.clipMs); // a failed insertion (clipMs) sets nothing
        if (s.startMs != o.clipMs) ex.words.push_back({s, clips[p].word, positive, p});
    }
}

} // namespace

SynthesizedClip createTrainingExample(const AudioClip& background, std::span<const WordClip> positives,
                                      std::span<const WordClip> negatives, Rng& rng, const SynthesisOptions& options)
{
    const SynthesisOptions& o = options;
    if (o.clipMs < 2 || o.Ty < 1 || o.maxPositives < 0 || o.maxNegatives < 0)
        throw InputError("synthesis options out of range: clip " + std::to_string(o.clipMs) + " ms (>= 2), Ty " +
                         std::to_string(o.Ty) + " (>= 1), at most " + std::to_string(o.maxPositives) +
                         " positives and " + std::to_string(o.maxNegatives) + " negatives (>= 0)");
    if (background.sampleRate <= 0)
        throw InputError("the background has no sample rate");
    SynthesizedClip ex;
    ex.audio.sampleRate = background.sampleRate;
    const std::int64_t n = ex.audio.sampleAt(o.clipMs / 1000.0);
    if (background.size() < n)
        throw InputError("the background is " + std::to_string(background.milliseconds()) + " ms long; an example needs " +
                         std::to_string(o.clipMs) + " ms");
    requireRate(positives, background.sampleRate, "positive");
    requireRate(negatives, background.sampleRate, "negative");

    ex.audio.samples.assign(background.samples.begin(), background.samples.begin() + n);
    applyGain(ex.audio, o.backgroundGainDb); // background - 20
    ex.labels.assign(std::size_t(o.Ty), 0.0f);
    std::vector<Segment> segments;
    insertWords(ex, segments, positives, o.maxPositives, true, rng, o);
    insertWords(ex, segments, negatives, o.maxNegatives, false, rng, o);
    matchTargetAmplitude(ex.audio, o.targetDbfs);
    return ex;
}

std::string wordListText(const SynthesizedClip& clip)
{
    std::string out;
    for (const PlacedWord& w : clip.words)
        out += std::to_string(w.segment.startMs) + ' ' + std::to_string(w.segment.endMs) + ' ' + w.word + ' ' +
               (w.positive ? "positive" : "negative") + '\n';
    return out;
}

std::string labelTrackText(const SynthesizedClip& clip)
{
    std::string out;
    out.reserve(clip.labels.size() * 2);
    for (const float v : clip.labels) {
        out += v > 0.5f ? '1' : '0';
        out += '\n';
    }
    return out;
}

} // namespace unroll
