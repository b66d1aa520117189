// `unroll-cli bench rnn`: the same work as scripts/bench/bench_torch_rnn.py (PyTorch), so the two can run side by side.
//
// A character model one-hot(V) -> RNN/GRU/LSTM(H) -> dense(V) -> softmax cross-entropy (mean over B*T), trained on
// uniform random characters with truncated BPTT over windows of T (state carried, reset when the data wraps),
// element-wise gradient clipping at 5, then Adam (lr 2e-3) or SGD (lr 0.1). Throughput = B*T characters per step.
#pragma once

#include "nn/Cells.hpp"
#include "train/Optimizer.hpp"

#include <cstdint>
#include <vector>

namespace unroll {

struct RnnBenchOptions {
    CellKind cell = CellKind::Rnn;
    Index hidden = 100, batch = 1, seq = 25, vocab = 27;
    OptimizerKind optimizer = OptimizerKind::Adam;
    std::int64_t steps = 300; // per repetition
    int reps = 5;
    int warmup = 20;
    std::uint32_t seed = 0;
};

struct RnnBenchResult {
    std::vector<double> charsPerSecond; // one per repetition
    double medianCharsPerSecond = 0, minCharsPerSecond = 0, maxCharsPerSecond = 0;
    double flopsPerChar = 0; // the same count as scripts/bench/bench_torch_rnn.py
    double medianGflops = 0;
    double finalLoss = 0;
};

class TrainingObserver;
RnnBenchResult runRnnBench(const RnnBenchOptions& options, TrainingObserver* observer = nullptr);

} // namespace unroll
