// Gradient checks of the whole trigger-word detector (Detector.hpp) at a tiny size, in training mode: log features,
// Conv1D with a stride and an unused input tail, BatchNorm with the batch's statistics, ReLU, dropout (the same mask in
// every evaluation: a fresh Rng(7) per forward), the Keras GRUs, BatchNorm again, the Dense(1) per step and the mean
// sigmoid cross-entropy over m*Ty outputs. With two GRUs (the course's layout) and with one (the small preset's).
// See nn/GradCheckSuite.hpp.
#include "nn/GradCheckSuite.hpp"

#include "math/Rng.hpp"
#include "trigger/Detector.hpp"

#include <algorithm>

namespace unroll {

namespace {

template <class T> void checkDetector(Rng& rng, CheckRun<T>& run, Index gru2)
{
    // Tx = 12 frames of 3 bins -> Ty = (12 - 3) / 2 + 1 = 5 outputs (frame 11 fills no window), m = 2 examples.
    const TriggerConfig config{.nFreq = 3,
                               .filters = 4,
                               .kernel = 3,
                               .stride = 2,
                               .gru1 = 3,
                               .gru2 = gru2,
                               .dropout = 0.3,
                               .features = TriggerFeatures::Log};
    const Index m = 2, Tx = 12, Ty = triggerOutputLength(config, Tx);
    TriggerDetector<T> model(config);
    model.initialize(rng);
    // Keras' zero biases and unit gammas leave the layers near-linear at these sizes; random ones exercise every gate.
    for (auto* b : {&model.gru1.b, &model.gru2.b, &model.output.b})
        if (b->size() > 0) *b = randomMatrix<T>(rng, b->rows(), b->cols(), 0.5);
    for (auto* bn : {&model.convNorm, &model.norm1, &model.norm2}) {
        if (bn->size() == 0) continue;
        bn->gamma = randomMatrix<T>(rng, bn->size(), 1, 0.5).array() + T(1);
        bn->beta = randomMatrix<T>(rng, bn->size(), 1, 0.5);
    }
    model.output.W *= T(2);
    // A power spectrogram: positive values over several decades, as the log features expect.
    const Mat<T> X = randomMatrix<T>(rng, config.nFreq, m * Tx, 2.0).array().exp();
    std::vector<float> labels(size_t(m * Ty));
    for (auto& y : labels) y = float(rng.randint(0, 2));
    auto loss = [&] {
        Rng dropoutRng(7);
        return model.forward(X, m, labels, dropoutRng, Mode::Train);
    };
    auto lossAndGrad = [&] {
        model.zeroGrads();
        loss();
        model.backward();
    };
    // Not conv.b: a training-mode BatchNorm subtracts each channel's batch mean, so the bias in front of it has
    // gradient exactly 0 (a relative error of 1 on rounding noise); tst_detector asserts that 0 instead.
    auto params = model.parameters();
    std::erase_if(params, [](const Param<T>& p) { return p.name == "conv.b"; });
    run.check(params, loss, lossAndGrad);
}

struct DetectorCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const { checkDetector(rng, run, 2); }
};
struct DetectorOneGruCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const { checkDetector(rng, run, 0); }
};

} // namespace

void addTriggerChecks(std::vector<GradCheckDefinition>& defs)
{
    defs.push_back(defineCheck<DetectorCheck>("trigger_detector"));
    defs.push_back(defineCheck<DetectorOneGruCheck>("trigger_detector_one_gru"));
}

} // namespace unroll
