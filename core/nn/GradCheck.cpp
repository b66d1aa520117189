// Central-difference gradient checker; see GradCheck.hpp.
#include "nn/GradCheck.hpp"

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
    std::vector<GradCheckResult> results;
    results.reserve(params.size());
    for (const auto& p : params) {
        GradCheckResult r;
        r.name = p.name;
        r.analytic = p.gradBlock();
        r.numeric.resize(p.blockRows(), p.blockCols());
        auto block = p.valueBlock();
        for (Index j = 0; j < block.cols(); ++j) {
            for (Index i = 0; i < block.rows(); ++i) {
                const double keep = block(i, j);
                block(i, j) = keep + options.h;
                const double plus = loss();
                block(i, j) = keep - options.h;
                const double minus = loss();
                block(i, j) = keep;
                r.numeric(i, j) = (plus - minus) / (2 * options.h);
            }
        }
        r.error = relativeError(r.numeric, r.analytic);
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
