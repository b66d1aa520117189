// ShownClip: what the trigger-word lab's stacked panes show of one clip, as an immutable value: the audio, its
// spectrogram in dB for display, the truth of a synthesized clip (label track and placed words) and the detector's
// probability per output step. Built on the training thread (held-out and training clips, in the lab's snapshots) or
// on a BackgroundJob (a synthesized clip, an opened file), then handed to the GUI by shared pointer.
//
//   ShownClip c; c.audio = clip.audio; setSpectrogram(c, engine);                 // a clip in memory
//   ShownClip f = analyzeAudioFile("talk.flac", &model, observer);               // any length up to the limit
//
// What it leaves out: the detections and the chimed audio, which depend on the threshold the user drags: the panes
// compute them (core/trigger/Detection) from the probability.
#pragma once

#include "audio/Audio.hpp"
#include "audio/Spectrogram.hpp"
#include "train/Observer.hpp"
#include "trigger/Detector.hpp"
#include "trigger/Synthesis.hpp"

#include <QString>

#include <filesystem>
#include <memory>
#include <vector>

namespace unroll {

struct ShownClip {
    QString title;               // "held-out clip 3 of 60", "training clip of step 120", "talk.wav"
    AudioClip audio;             // mono, at kLabRate
    MatF db;                     // (bins, columns): the course spectrogram in dB; a column may pool several frames
    double firstColumnS = 0;     // the time of column 0's centre
    double columnS = 0;          // seconds between columns
    double binHz = 0;            // row k is k * binHz (true Hz, from the audio's rate)
    bool labelled = false;       // a synthesized clip: labels and words are the truth
    std::vector<float> labels;   // one per output step
    std::vector<PlacedWord> words;
    std::vector<float> probability; // the detector's, one per output step; empty when it has not run
    double frameSeconds = 0;     // the time of one output step (stride x hop / rate)
    double seconds() const { return audio.seconds(); }
};
using ShownClipPtr = std::shared_ptr<const ShownClip>;

// Columns of a display spectrogram at most: a long file's frames are max-pooled into this many.
inline constexpr std::int64_t kMaxDisplayColumns = 16384;
// The longest file the lab opens (its samples stay in memory for the waveform, playback and chimes).
inline constexpr double kMaxOpenSeconds = 600;

// The time of one output step of a detector on the course spectrogram at kLabRate.
double outputStepSeconds(const TriggerConfig& config);

// clip.db and its axes from clip.audio: the course spectrogram, frames max-pooled to <= kMaxDisplayColumns.
void setSpectrogram(ShownClip& clip, const SpectrogramEngine& engine);

// The detector's probabilities over a clip in memory (whole clips up to a minute; longer ones through the stream).
std::vector<float> probabilityOf(const TriggerDetector<float>& model, const AudioClip& audio,
                                 const SpectrogramEngine& engine);

// A file read block by block (AudioStream, mono, resampled to kLabRate): its spectrogram frames computed as their
// samples arrive, pooled for display, and pushed through the detector's stream (TriggerStream) when model is given.
// Progress (samples done, samples in all) and cancel (CancelledError) through observer. InputError / FormatError
// naming the file, also for a file longer than maxSeconds or shorter than one spectrogram frame.
ShownClip analyzeAudioFile(const std::filesystem::path& path, const TriggerDetector<float>* model,
                           TrainingObserver& observer, double maxSeconds = kMaxOpenSeconds);

} // namespace unroll
