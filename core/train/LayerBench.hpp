// `unroll-cli bench layers`: forward + backward time of the layers the next labs lean on, at the course's sizes,
// each the same work as its counterpart in scripts/bench/bench_torch_layers.py so the two run side by side.
//
//   attention_step  one decoder step of the date-translation model at batch 100 (course, "Neural Machine
//                   Translation"): the attention block over T_x = 30 encoder states of 64 (a Bi-LSTM's 2 x 32),
//                   s<t-1> of 64 -> context (64) -> LSTM cell (64) -> Linear(11) -> softmax cross-entropy; backward
//                   through all of it (dA, ds_prev, every parameter).
//
// Each entry: the median over reps of the mean time of one forward + backward over `iters` calls, after a warm-up.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace unroll {

struct LayerBenchOptions {
    int reps = 5;
    int iters = 20; // calls per repetition
    int warmup = 3;
};

struct LayerTiming {
    std::string name;        // "attention_step"
    std::string description; // sizes, for people
    std::vector<double> ms;  // per repetition: mean ms of one forward + backward
    double medianMs = 0;
};

// Times fn (one forward + backward) as described above.
LayerTiming timeLayer(std::string name, std::string description, const LayerBenchOptions& options,
                      const std::function<void()>& fn);

LayerTiming benchAttentionStep(const LayerBenchOptions& options);

} // namespace unroll
