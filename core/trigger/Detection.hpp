// From a probability track to triggers, chimes and scores.
//
//   auto fired = detectTriggers(p, {.threshold = 0.5, .consecutive = 20});   // output-step indices
//   insertChimes(audio, triggerTimes(fired, frameSeconds), makeChime(audio.sampleRate));
//   DetectionScore s = scoreDetections(times, truths, 10.0);
//
// The rule (the course's chime_on_activate, made one-word-one-trigger): a counter of consecutive steps with p >=
// threshold; when it reaches `consecutive` the detector fires at that step and is disarmed; it re-arms only after p
// falls below the threshold. (The course resets the counter after firing, so a long plateau fires again; ours does
// not.) The detection time is the firing step's time: step i covers frames [i*stride, i*stride + kernel) of the
// spectrogram, and its time is i * frameSeconds with frameSeconds = stride * hop / sampleRate (7.26 ms for the
// course's model at 44.1 kHz; the course uses i / Ty * 10 s = 7.27 ms).
#pragma once

#include "audio/Audio.hpp"
#include "trigger/Synthesis.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace unroll {

struct DetectionOptions {
    double threshold = 0.5;
    int consecutive = 20; // the course's 2021 code fires when its counter exceeds 20 steps
};

std::vector<std::int64_t> detectTriggers(std::span<const float> probability, const DetectionOptions& options);
std::vector<double> triggerTimes(std::span<const std::int64_t> steps, double frameSeconds);

// Our chime: a short two-partial bell (880 Hz and 1320 Hz with exponential decay, 0.3 s), made in code.
AudioClip makeChime(int sampleRate);
// Overlays the chime at each time (seconds) into audio.
void insertChimes(AudioClip& audio, std::span<const double> timesS, const AudioClip& chime);

// Scoring against the true words of a synthesized clip. A detection matches a positive word when its time lies in
// [start, end + tolerance] of the word (end: the word's last millisecond; the labels run 50 steps, 0.36 s, past it);
// each word matches at most one detection, in time order. Unmatched detections are false accepts.
struct DetectionScore {
    std::int64_t positives = 0, hits = 0, falseAccepts = 0;
    double seconds = 0; // audio scored
    double recall() const { return positives ? double(hits) / positives : 1.0; }
    double precision() const { return hits + falseAccepts ? double(hits) / (hits + falseAccepts) : 1.0; }
    double falseAcceptsPerHour() const { return seconds > 0 ? falseAccepts * 3600.0 / seconds : 0.0; }
    DetectionScore& operator+=(const DetectionScore& o);
};
inline constexpr double kMatchToleranceS = 0.6;
// words: the clip's placed words (only positives count); times in seconds.
DetectionScore scoreDetections(std::span<const double> detectionsS, std::span<const PlacedWord> words,
                               double clipSeconds, double toleranceS = kMatchToleranceS);

// The same matching, kept per item (for breakdowns by speaker or by word): wordFound[k] for words[k] (false for
// negatives and for words that were never pasted), detectionWord[j] the index into words that detection j matched,
// or -1 for a false accept. scoreDetections' counts are these counted.
struct DetectionMatch {
    std::vector<bool> wordFound;
    std::vector<std::ptrdiff_t> detectionWord;
};
DetectionMatch matchDetections(std::span<const double> detectionsS, std::span<const PlacedWord> words,
                               double clipSeconds, double toleranceS = kMatchToleranceS);

// The false-reject rate (1 - recall) and false accepts per hour at each threshold, over many clips.
struct SweepPoint {
    double threshold = 0, falseRejectRate = 0, falseAcceptsPerHour = 0;
};
struct ScoredTrack {
    std::vector<float> probability;
    std::vector<PlacedWord> words;
    double clipSeconds = 0, frameSeconds = 0;
};
std::vector<SweepPoint> sweepThresholds(std::span<const ScoredTrack> tracks, std::span<const double> thresholds,
                                        int consecutive);

} // namespace unroll
