// Finite-difference gradient checking, the proof every backward pass in Unroll has to pass.
//
// For each tensor θ: num_i = (L(θ + h e_i) - L(θ - h e_i)) / 2h with h = 1e-5 in double precision, compared with
// the analytic gradient as error = ||num - ana|| / (||num|| + ||ana||) (0 when both vanish). Below 1e-7 passes.
// Two rules keep a correct backward from failing by chance (seeds of `unroll-cli gradcheck`): the denominator is at
// least the rounding noise of the differences divided by the tolerance (10ε·max(1, |L|)/h·√entries / 1e-7), so a
// gradient that is analytically 0 is not measured against itself; and a tensor that misses the tolerance is measured
// again with H = 10 h and Richardson extrapolation, (4·D(H/2) - D(H)) / 3, which cuts the rounding term 5-fold and
// cancels the H² truncation term. (Before: a deep LSTM's forget gates missed 1e-7 for seeds 7, 11, 26 …; an attention
// score bias, analytically 0, gave error 1.0 for seeds 8, 53 ….)
#pragma once

#include "nn/Params.hpp"

#include <functional>
#include <string>
#include <vector>

namespace unroll {

struct GradCheckResult {
    std::string name;
    double error = 0;
    Index worstRow = 0, worstCol = 0; // the entry with the largest |num - ana|
    double worstNumeric = 0, worstAnalytic = 0;
    MatD numeric, analytic;           // the full gradients, for views that show them side by side
    bool extrapolated = false;        // numeric is Richardson-extrapolated (the plain difference missed the tolerance)
};

struct GradCheckOptions {
    double h = 1e-5;
    double tolerance = 1e-7;
    // Check at most this many entries per tensor, spread evenly (0: all). The error is then over those entries, and
    // `numeric` holds the analytic value elsewhere. Keeps a large layer's check from growing like n_a^4.
    Index maxEntries = 0;
};

// loss(): evaluates the loss at the current parameter values (no gradient needed).
// lossAndGrad(): zeroes the gradients and accumulates the analytic gradient of the same loss.
// params: the tensors to check (blocks work: a course-named gate of a stacked W, or an input treated as a param).
std::vector<GradCheckResult> gradCheck(const ParamList<double>& params, const std::function<double()>& loss,
                                       const std::function<void()>& lossAndGrad, const GradCheckOptions& options = {});

double relativeError(const MatD& numeric, const MatD& analytic);

} // namespace unroll
