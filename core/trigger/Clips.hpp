// The word clips the trigger-word lab mixes into training examples: the built-in ones (spoken by espeak-ng and flite,
// made by scripts/make_trigger_clips.sh, FLAC at 16 kHz under resources/data/trigger/ with a manifest), or the user's
// own folders of positives, negatives and backgrounds (any audio files libsndfile reads).
//
//   ClipLibrary lib = loadBuiltinClips(kLabRate);          // resampled to 44.1 kHz on load
//   ClipSplit split = splitByVoice(lib);                   // held-out voices never heard in training
//
// Manifest (resources/data/trigger/manifest.json, docs/formats.md):
//   {"version": 1, "sample_rate": 16000, "clips": [{"file": "clips/activate_0001.flac", "word": "activate",
//    "positive": true, "engine": "espeak-ng", "voice": "en-us+f3", "pitch": 70, "speed": 140}, …]}
// A clip's speaker is its engine + voice (espeak-ng's voice+variant, or flite's voice): splitByVoice keeps every
// speaker wholly on one side.
#pragma once

#include "audio/Audio.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace unroll {

struct WordClip {
    std::string name;     // file name without folder, e.g. "activate_0001.flac"
    std::string word;     // "activate", "banana", … (the file name's stem for a user folder)
    bool positive = false;
    std::string speaker;  // "espeak-ng:en-us+f3", "flite:slt"; a user folder's clips: "user:<file name>"
    std::string settings; // how it was made, for display: "pitch 70, speed 140"
    AudioClip audio;      // mono at the library's rate
};

struct ClipLibrary {
    std::vector<WordClip> positives, negatives;
    std::vector<AudioClip> backgrounds; // the user's backgrounds; empty for the built-in library (generated instead)
    int sampleRate = 0;
    std::string origin; // "built-in" or the folders' paths
};

// Progress of a long load: (files done, files in all); return false to cancel (CancelledError).
using LoadProgress = std::function<bool(std::int64_t done, std::int64_t total)>;

// InputError / FormatError naming the manifest or clip file when the data is missing or damaged.
ClipLibrary loadBuiltinClips(int sampleRate, const LoadProgress& progress = {});
// Every audio file directly in each folder (sorted by name; other files are skipped). backgrounds may be empty (then
// generated ones are used). InputError naming the folder when positives or negatives has no audio file, and naming
// the file (its reading error) for a file that does not load. Clips longer than 10 s are refused (a background may be
// any length up to the read limit; it is cut to 10 s pieces).
ClipLibrary loadClipFolders(const std::filesystem::path& positives, const std::filesystem::path& negatives,
                            const std::filesystem::path& backgrounds, int sampleRate,
                            const LoadProgress& progress = {});

// Only backgrounds: every audio file directly in `folder`, cut into 10 s pieces as loadClipFolders cuts them, with
// the same errors (for the built-in words over the user's own backgrounds).
std::vector<AudioClip> loadBackgroundFolder(const std::filesystem::path& folder, int sampleRate,
                                            const LoadProgress& progress = {});

struct ClipSplit {
    ClipLibrary train, heldOut;
};
// Speakers sorted by name; every `period`-th one (starting at the `period`-th) goes to the held-out side, with all of
// its clips, positives and negatives alike; user backgrounds alternate the same way. Deterministic, no seed. With a
// single speaker (user folders) clips are split one by one in the same pattern instead.
ClipSplit splitByVoice(const ClipLibrary& library, int period = 5);

} // namespace unroll
