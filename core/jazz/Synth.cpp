// The additive synthesizer; see Synth.hpp.
#include "jazz/Synth.hpp"

#include "util/Error.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace unroll::jazz {

double envelopeAt(double t, double held, const SynthOptions& o)
{
    if (t < 0) return 0;
    // The level the attack / decay / sustain stages reach at time s.
    auto ads = [&](double s) {
        if (s < o.attack) return s / o.attack;
        if (s < o.attack + o.decay) return 1.0 - (1.0 - o.sustain) * (s - o.attack) / o.decay;
        return o.sustain;
    };
    if (t < held) return ads(t);
    const double r = t - held;
    if (r >= o.release) return 0;
    return ads(held) * (1.0 - r / o.release);
}

std::vector<float> renderNotes(const std::vector<MidiNote>& notes, const SynthOptions& o)
{
    if (o.sampleRate < 8000 || o.sampleRate > 192000)
        throw InputError("sample rate " + std::to_string(o.sampleRate) + " must be in 8000..192000");
    if (!(o.attack > 0) || !(o.decay > 0) || !(o.release > 0) || !(o.sustain >= 0 && o.sustain <= 1))
        throw InputError("the envelope needs attack, decay and release above 0 and a sustain level in 0..1");
    double end = 0;
    for (const auto& n : notes) {
        if (!(n.start_s >= 0) || !(n.duration_s >= 0))
            throw InputError("a note at " + std::to_string(n.start_s) + " s lasting " + std::to_string(n.duration_s) +
                             " s cannot be rendered");
        if (n.channel != 9) end = std::max(end, n.start_s + n.duration_s + o.release);
    }
    if (end > 1800) throw InputError("the notes last " + std::to_string(end) + " s, more than the limit of 1800 s");
    const double rate = o.sampleRate;
    std::vector<float> out(std::size_t(std::ceil(end * rate)), 0.0f);
    // Harmonics 1, 2, 3 at amplitudes 1, 0.4, 0.15 (a mellow, organ-like tone), normalised to a peak of about 1.
    static constexpr double amps[3] = {1.0, 0.4, 0.15};
    const double norm = 1.0 / (amps[0] + amps[1] + amps[2]);
    for (const auto& n : notes) {
        if (n.channel == 9) continue;
        const double f = 440.0 * std::pow(2.0, (n.pitch - 69) / 12.0);
        const double level = o.gain * std::clamp(n.velocity, 0, 127) / 127.0 * norm;
        const auto first = std::size_t(std::llround(n.start_s * rate));
        const auto count = std::size_t(std::ceil((n.duration_s + o.release) * rate));
        for (std::size_t k = 0; k < count && first + k < out.size(); ++k) {
            const double t = double(k) / rate;
            const double env = envelopeAt(t, n.duration_s, o);
            if (env <= 0 && t > n.duration_s) break;
            double v = 0;
            for (int h = 0; h < 3; ++h) {
                const double fh = f * (h + 1);
                if (fh < rate / 2) v += amps[h] * std::sin(2 * std::numbers::pi * fh * t);
            }
            out[first + k] += float(level * env * v);
        }
    }
    float peak = 0;
    for (float v : out) peak = std::max(peak, std::abs(v));
    if (peak > o.ceiling) {
        const float scale = float(o.ceiling / peak);
        for (auto& v : out) v *= scale;
    }
    return out;
}

} // namespace unroll::jazz
