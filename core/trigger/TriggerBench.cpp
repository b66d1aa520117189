// benchTrigger (TriggerTask.hpp): the detector's inference on one 10 s clip and one training step at batch 8, on
// spectrogram-like input (positive values over several decades), medians after a warm-up.
#include "trigger/TriggerTask.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"

#include <algorithm>
#include <chrono>

namespace unroll {

namespace {

template <class Fn> double medianSeconds(int repeats, Fn&& fn)
{
    fn(); // warm-up: buffers sized, products' parallel/serial choice timed
    std::vector<double> s;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        s.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(s.begin(), s.end());
    return s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
}

// Power like the course spectrogram's of speech over noise: log-normal around 1e-3, spanning about six decades.
MatF spectrogramLike(Index nFreq, Index frames, Rng& rng)
{
    return ((rng.randn(nFreq, frames) * 3.0).array() - 7.0).exp().cast<float>();
}

} // namespace

TriggerBench benchTrigger(const TriggerConfig& config, int repeats)
{
    if (repeats < 1) throw InputError("bench repeats " + std::to_string(repeats) + " must be at least 1");
    const Index Tx = 5511, m = 8;
    Rng rng(1);
    TriggerDetector<float> model(config);
    model.initialize(rng);
    TriggerBench out;
    const MatF clip = spectrogramLike(config.nFreq, Tx, rng);
    out.inferenceSeconds = medianSeconds(repeats, [&] { detectorProbabilities(model, clip); });

    const MatF X = spectrogramLike(config.nFreq, m * Tx, rng); // (nFreq, m*Tx)
    const Index Ty = triggerOutputLength(config, Tx);
    std::vector<float> labels(size_t(m * Ty));
    for (auto& y : labels) y = rng.randomSample() < 0.1 ? 1.0f : 0.0f;
    Optimizer<float> optimizer({.kind = OptimizerKind::Adam, .learningRate = 1e-3}, model.parameters());
    Rng dropoutRng(2);
    out.trainStepSeconds = medianSeconds(repeats, [&] {
        model.zeroGrads();
        model.forward(X, m, labels, dropoutRng, Mode::Train);
        model.backward();
        model.updateMovingStatistics();
        optimizer.step();
    });
    return out;
}

} // namespace unroll
