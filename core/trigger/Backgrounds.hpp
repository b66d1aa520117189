// Background textures for synthesized training clips, generated from a seed instead of shipped (the course mixes its
// words over 10 s recordings of rooms and streets; we have none to ship, so we make noise that covers the spectrum):
//   White  uniform-spectrum Gaussian noise
//   Pink   1/f noise (Voss–McCartney, 16 rows)
//   Brown  integrated white noise (1/f^2), leaky so it stays bounded
//   Hum    mains hum: 50 or 60 Hz and its first harmonics with a slow amplitude drift
//   Babble overlapped negative words at random times and levels (a crowd murmur), needs words
//   Room   a random mix of the above (what randomBackground draws most often)
// Each comes out at a level drawn around -30 dBFS; the synthesizer then applies the course's -20 dB.
#pragma once

#include "audio/Audio.hpp"
#include "trigger/Clips.hpp"

#include <array>
#include <span>
#include <string_view>

namespace unroll {

class Rng;

enum class BackgroundKind { White, Pink, Brown, Hum, Babble, Room };
inline constexpr std::array<std::string_view, 6> backgroundKindIds = {"white", "pink", "brown", "hum", "babble", "room"};
BackgroundKind parseBackgroundKind(std::string_view id); // else InputError naming the known ones

// `seconds` of the texture at `sampleRate`, deterministic from rng. Babble and Room use `words` (any clips; Babble
// without words is InputError, Room then leaves babble out).
AudioClip makeBackground(BackgroundKind kind, double seconds, int sampleRate, Rng& rng,
                         std::span<const WordClip> words = {});
// A kind drawn from rng (Room half of the time, each other kind equally often the rest), then makeBackground.
AudioClip randomBackground(double seconds, int sampleRate, Rng& rng, std::span<const WordClip> words = {});

} // namespace unroll
