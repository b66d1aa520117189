// Central-difference gradient checker; see GradCheck.hpp.
#include "nn/GradCheck.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace unroll {

double relativeError(const MatD& numeric, const MatD& analytic)
{
    const double denom = numeric.norm() + analytic.norm();
    return denom == 0 ? 0.0 : (numeric - analytic).norm() / denom;
}

std::vector<GradCheckResult> gradCheck(const ParamList<double>& params, const std::function<double()>& loss,
                                       const std::function<void()>& lossAndGrad, const GradCheckOptions& options)
{
    lossAndGrad();
    const double base = loss(); // the loss's scale sets the rounding noise of the differences
    std::vector<GradCheckResult> results;
    results.reserve(params.size());
    for (const auto& p : params) {
        GradCheckResult r;
        r.name = p.name;
        r.analytic = p.gradBlock();
        r.numeric = r.analytic; // entries left out of a sample keep the analytic value (GradCheckOptions::maxEntries)
        auto block = p.valueBlock();
        const Index size = block.size();
        const Index count = options.maxEntries > 0 ? std::min<Index>(size, options.maxEntries) : size;
        // The entries checked: all, or `count` spread evenly over the tensor (column-major order), always the same.
        std::vector<Index> entries(static_cast<size_t>(count));
        for (Index k = 0; k < count; ++k) entries[size_t(k)] = count == size ? k : k * size / count;
        const auto difference = [&](Index i, Index j, double h) {
            const double keep = block(i, j);
            block(i, j) = keep + h;
            const double plus = loss();
            block(i, j) = keep - h;
            const double minus = loss();
            block(i, j) = keep;
            return (plus - minus) / (2 * h);
        };
        for (Index e : entries) {
            const Index i = e % block.rows(), j = e / block.rows();
            r.numeric(i, j) = difference(i, j, options.h);
        }
        MatD num(count, 1), ana(count, 1);
        // The error over the checked entries. Its denominator is at least what a difference quotient can resolve:
        // rounding leaves about ε·|L|/h in each entry, so a gradient of that size (a bias the softmax cannot see,
        // analytically 0) is compared with the noise level rather than with itself (which always gives 1).
        const auto sampledError = [&](double h) {
            for (Index k = 0; k < count; ++k) {
                const Index e = entries[size_t(k)];
                num(k) = r.numeric(e % block.rows(), e / block.rows());
                ana(k) = r.analytic(e % block.rows(), e / block.rows());
            }
            // 10 ε: a loss summed over many terms rounds to a few ε·|L| (measured: 2.3 ε for an attention bias).
            const double noise = 10 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(base)) / h *
                                 std::sqrt(double(count));
            const double denom = std::max(num.norm() + ana.norm(), noise / options.tolerance);
            return denom == 0 ? 0.0 : (num - ana).norm() / denom;
        };
        r.error = sampledError(options.h);
        if (r.error >= options.tolerance) {
            // The plain central difference's own error is c·h² (truncation) plus ε·|L|/h (rounding); for a small
            // gradient the rounding term can reach 1e-7, for a steep loss the truncation term. Measure again with a
            // step 10 times larger and Richardson extrapolation, (4·D(H/2) - D(H)) / 3, which cancels the H² term:
            // rounding falls 5-fold and truncation becomes O(H⁴). A wrong backward still fails.
            const double H = 10 * options.h;
            for (Index e : entries) {
                const Index i = e % block.rows(), j = e / block.rows();
                r.numeric(i, j) = (4 * difference(i, j, H / 2) - difference(i, j, H)) / 3;
            }
            r.error = sampledError(H / 2);
            r.extrapolated = true;
        }
        if (r.numeric.size() > 0) {
            (r.numeric - r.analytic).cwiseAbs().maxCoeff(&r.worstRow, &r.worstCol);
            r.worstNumeric = r.numeric(r.worstRow, r.worstCol);
            r.worstAnalytic = r.analytic(r.worstRow, r.worstCol);
        }
        results.push_back(std::move(r));
    }
    return results;
}

} // namespace unroll
