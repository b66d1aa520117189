// A small synthesizer of our own for listening to melodies without a soundfont: each note is a few harmonics of its
// pitch (equal temperament, A4 = 440 Hz) shaped by an ADSR envelope, summed into mono float samples.
//
//   std::vector<float> samples = renderNotes(file.notes, {});   // 44.1 kHz
//   writeWav("solo.wav", {samples, 44100});                       // audio/AudioFile.hpp
//
// Level: a note peaks at about 0.8 * gain * velocity / 127 (its harmonics peak at 0.8 of their amplitude sum); the
// mix is then scaled down, if needed, so its peak is at most `ceiling` (no clipping however many notes sound
// together). Length: the last note's end plus the release, rounded up to whole samples. Percussion (channel 9) is left out: the synthesizer has no drum sounds.
#pragma once

#include "jazz/Midi.hpp"

#include <vector>

namespace unroll::jazz {

struct SynthOptions {
    int sampleRate = 44100;
    double attack = 0.01, decay = 0.12, sustain = 0.6, release = 0.2; // seconds, and the sustain level 0..1
    double gain = 0.3;      // a velocity-127 note's peak
    double ceiling = 0.89;  // the mix's highest peak (about -1 dBFS)
};

// (samples) = sampleRate * (max over notes of start_s + duration_s + release), rounded up; empty for no notes.
// InputError for a sample rate outside 8000..192000, negative times or more than 30 minutes of audio.
std::vector<float> renderNotes(const std::vector<MidiNote>& notes, const SynthOptions& options = {});

// The ADSR envelope at t seconds after a note's start whose key is held `held` seconds (0 after the release).
double envelopeAt(double t, double held, const SynthOptions& options);

} // namespace unroll::jazz
