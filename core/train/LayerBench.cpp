// Layer timings for `unroll-cli bench layers`; see LayerBench.hpp.
#include "train/LayerBench.hpp"

#include "math/Rng.hpp"
#include "nn/Attention.hpp"
#include "nn/Loss.hpp"
#include "nn/Recurrent.hpp"

#include <algorithm>
#include <chrono>

namespace unroll {

LayerTiming timeLayer(std::string name, std::string description, const LayerBenchOptions& o,
                      const std::function<void()>& fn)
{
    using Clock = std::chrono::steady_clock;
    LayerTiming t{std::move(name), std::move(description), {}, 0};
    for (int i = 0; i < o.warmup; ++i) fn();
    for (int r = 0; r < o.reps; ++r) {
        const auto start = Clock::now();
        for (int i = 0; i < o.iters; ++i) fn();
        t.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count() / o.iters);
    }
    auto sorted = t.ms;
    std::sort(sorted.begin(), sorted.end());
    t.medianMs = sorted.empty() ? 0 : sorted[sorted.size() / 2];
    return t;
}

LayerTiming benchAttentionStep(const LayerBenchOptions& options)
{
    const Index m = 100, T_x = 30, n_a = 64, n_s = 64, n_y = 11;
    Rng rng(0);
    Attention<float> attention(n_a, n_s);
    attention.initialize(rng);
    RecurrentLayer<float> post(CellKind::Lstm, n_a, n_s); // the post-attention LSTM, one step
    post.initialize(rng);
    Linear<float> output(n_s, n_y);
    output.initialize(rng);
    const MatF A = rng.randn(n_a, m * T_x).cast<float>(); // (64, 100*30)
    const MatF s = rng.randn(n_s, m).cast<float>(), c = rng.randn(n_s, m).cast<float>();
    std::vector<std::int32_t> y(static_cast<size_t>(m));
    for (auto& v : y) v = std::int32_t(rng.randint(0, n_y));

    AttentionCache<float> att;
    LinearCache<float> logits;
    SoftmaxCrossEntropyCache<float> ce;
    MatF dLogits, dS, dContext, dsPrev, dA = MatF::Zero(n_a, m * T_x);
    auto step = [&] {
        attention.zeroGrads();
        post.zeroGrads();
        output.zeroGrads();
        // forward: context<t> = attention(A, s<t-1>) -> s<t> = LSTM(context, s<t-1>, c<t-1>) -> softmax(W s<t> + b)
        attention.forward(A, m, s, att);              // context: (64, 100)
        post.forward(att.context, m, s, c);           // s<t>: (64, 100)
        output.forward(post.outputs(), logits);       // (11, 100)
        softmaxCrossEntropyForward<float>(logits.Y, y, {}, Reduction::Sum, ce);
        // backward, in reverse
        softmaxCrossEntropyBackward<float>(ce, y, {}, dLogits);
        output.backward(post.outputs(), logits, dLogits, &dS);
        post.backward(dS, &dContext);
        dA.setZero();
        attention.backward(A, m, s, att, dContext, dA, &dsPrev);
    };
    return timeLayer("attention_step",
                     "attention decoder step, batch 100: T_x 30 x 64 encoder states, Dense(10, tanh), Dense(1, relu), "
                     "LSTM(64), Linear(11), softmax CE; forward + backward",
                     options, step);
}

} // namespace unroll
