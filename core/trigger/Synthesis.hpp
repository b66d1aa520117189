// Training examples synthesized as the course's "Trigger word detection" notebook makes them (§ "Creating a
// training example"): words pasted at random non-overlapping times into a 10 s background, with a label track of 50
// ones after each "activate". All positions are in milliseconds, as pydub's are; numbers are drawn from Rng, numpy's
// RandomState, in the course's order, so the course's seeded segments come out the same for clips of the same length.
//
//   Rng rng(4543);
//   SynthesizedClip ex = createTrainingExample(background, positives, negatives, rng);   // ex.audio: 10 s
//   Spectrogram s = engine.compute(ex.audio.samples, ex.audio.sampleRate);              // (101, 5511)
//   ex.labels;                                                                          // 1375 values, 0 or 1
//
// The course's functions:
//   get_random_time_segment(ms)  start = randint(0, 10000 - ms), end = start + ms - 1
//   is_overlapping(seg, prev)    start <= p.end and end >= p.start for some p (inclusive)
//   insert_audio_clip            a segment, then new ones while it overlaps, with the notebook's `retry = 5` and
//                                `while … and retry >= 0` (so up to 6 re-draws, 7 draws in all); on failure the
//                                background is unchanged and the segment is (10000, 10000); on success the segment is
//                                appended and the clip overlaid at segment.start ms
//   insert_ones(y, end_ms)       e = int(end_ms * Ty / 10000); y[e+1 .. e+50] = 1, clipped at Ty - 1
//   create_training_example      background - 20 dB; n = randint(0, 5) positives drawn by randint(len, size=n),
//                                each inserted then labelled; n = randint(0, 3) negatives the same way (no labels);
//                                match_target_amplitude(-20 dBFS)
#pragma once

#include "audio/Audio.hpp"
#include "trigger/Clips.hpp"

#include <span>
#include <string>
#include <vector>

namespace unroll {

class Rng;

inline constexpr int kCourseClipMs = 10000; // a training example's length
inline constexpr int kCourseTy = 1375;      // output steps of the course's model for 10 s
inline constexpr int kLabelSteps = 50;      // ones after each positive's end

struct Segment {
    int startMs = 0, endMs = 0; // inclusive, as the course's tuples
    friend bool operator==(const Segment&, const Segment&) = default;
};

bool isOverlapping(Segment segment, std::span<const Segment> previous);
Segment randomTimeSegment(int segmentMs, Rng& rng, int clipMs = kCourseClipMs);
// The clip's length is clip.milliseconds(). Returns the segment used, or {clipMs, clipMs} when none was free.
Segment insertAudioClip(AudioClip& background, const AudioClip& clip, std::vector<Segment>& previous, Rng& rng,
                        int clipMs = kCourseClipMs);
void insertOnes(std::span<float> y, int segmentEndMs, int clipMs = kCourseClipMs);

struct PlacedWord {
    Segment segment;
    std::string word;
    bool positive = false;
    std::size_t clip = 0; // index into the positives or negatives given
};

struct SynthesisOptions {
    int maxPositives = 4;         // randint(0, maxPositives + 1)
    int maxNegatives = 2;         // randint(0, maxNegatives + 1)
    double backgroundGainDb = -20;
    double targetDbfs = -20;
    int Ty = kCourseTy;
    int clipMs = kCourseClipMs;
};

struct SynthesizedClip {
    AudioClip audio;               // clipMs long, at the background's rate
    std::vector<float> labels;     // Ty values
    std::vector<PlacedWord> words; // the words placed (not those that found no free segment), in insertion order:
                                   // positives first
};

// background: at least clipMs long (longer ones are cut to clipMs); all clips at the background's rate, else
// InputError. Empty positives or negatives are allowed (nothing of that kind is inserted, but the counts are still
// drawn, so the random stream does not depend on it).
SynthesizedClip createTrainingExample(const AudioClip& background, std::span<const WordClip> positives,
                                      std::span<const WordClip> negatives, Rng& rng, const SynthesisOptions& options = {});

// The label files of a synthesized clip (`unroll-cli trigger synthesize`): the words, one line per placed word,
// "start_ms end_ms word positive|negative"; and the label track, one 0/1 per line (Ty lines).
std::string wordListText(const SynthesizedClip& clip);
std::string labelTrackText(const SynthesizedClip& clip);

} // namespace unroll
