// The gradient checks `unroll-cli gradcheck` runs and the tests assert: every cell and layer at small sizes, in
// double precision. Later layers (attention, Conv1D, BatchNorm) add their checks here.
#pragma once

#include "nn/GradCheck.hpp"

#include <vector>

namespace unroll {

// Names look like "lstm.Wf" (one cell step), "lstm.x" / "lstm.a0" / "lstm.c0" (its inputs),
// "lstm_seq.Wf" (a 5-step sequence), "lstm_stack.layer1.Wf", "lstm_stack.Wya" (two layers + softmax output).
std::vector<GradCheckResult> runGradCheckSuite(std::uint32_t seed = 1);

} // namespace unroll
