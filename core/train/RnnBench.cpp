// The character-model training benchmark; see RnnBench.hpp.
#include "train/RnnBench.hpp"

#include "math/Rng.hpp"
#include "nn/SequenceModel.hpp"
#include "train/Observer.hpp"
#include "util/Error.hpp"

#include <algorithm>
#include <chrono>

namespace unroll {

RnnBenchResult runRnnBench(const RnnBenchOptions& o, TrainingObserver* observer)
{
    if (o.hidden < 1 || o.batch < 1 || o.seq < 1 || o.vocab < 2 || o.steps < 1 || o.reps < 1)
        throw InputError("bench sizes must be positive (vocab at least 2)");
    const Index B = o.batch, T = o.seq, V = o.vocab, H = o.hidden;
    Rng rng(o.seed);

    // Data: B streams of 100*T + 1 random characters, as the reference does.
    const Index len = 100 * T + 1;
    std::vector<std::int32_t> data(size_t(B * len));
    for (auto& c : data) c = std::int32_t(rng.randint(0, V));

    SequenceModel<float> model({.cell = o.cell, .inputSize = V, .hiddenSize = H, .outputSize = V, .layers = 1,
                                .reduction = LossReduction::Mean});
    model.initialize(rng);
    OptimizerOptions oo{.kind = o.optimizer,
                        .learningRate = o.optimizer == OptimizerKind::Adam ? 2e-3 : 0.1,
                        .clip = ClipMode::Value,
                        .clipValue = 5.0,
                        .schedule = {}};
    auto params = model.parameters();
    Optimizer<float> opt(oo, params);

    std::vector<std::int32_t> x(size_t(B * T)), y(size_t(B * T));
    Index p = 0;
    double lastLoss = 0;
    std::int64_t stepNo = 0;
    auto run = [&](std::int64_t n) {
        for (std::int64_t i = 0; i < n; ++i) {
            if (observer && observer->stopRequested()) throw InputError("benchmark cancelled");
            if (p + T + 1 > len) {
                p = 0;
                model.resetState();
            }
            // Step t of example j sits in column t*B + j.
            for (Index t = 0; t < T; ++t)
                for (Index j = 0; j < B; ++j) {
                    x[size_t(t * B + j)] = data[size_t(j * len + p + t)];
                    y[size_t(t * B + j)] = data[size_t(j * len + p + t + 1)];
                }
            lastLoss = model.forward(x, y, B);
            checkFiniteLoss(lastLoss, ++stepNo);
            model.backward();
            opt.step();
            model.zeroGrads();
            p += T;
        }
    };

    run(o.warmup);
    RnnBenchResult r;
    for (int rep = 0; rep < o.reps; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        run(o.steps);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        r.charsPerSecond.push_back(double(o.steps * B * T) / s);
        if (observer) observer->onProgress(rep + 1, o.reps);
    }
    auto sorted = r.charsPerSecond;
    std::sort(sorted.begin(), sorted.end());
    const size_t n = sorted.size();
    r.medianCharsPerSecond = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    r.minCharsPerSecond = sorted.front();
    r.maxCharsPerSecond = sorted.back();
    const double g = gateCount(o.cell);
    const double fwd = 2 * g * H * (V + H) + 2.0 * V * H;
    r.flopsPerChar = fwd + (2 * fwd - 2 * g * H * V);
    r.medianGflops = r.medianCharsPerSecond * r.flopsPerChar / 1e9;
    r.finalLoss = lastLoss;
    return r;
}

} // namespace unroll
