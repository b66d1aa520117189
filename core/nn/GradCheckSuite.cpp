// The gradient-check registry and its two runs; see GradCheckSuite.hpp.
#include "nn/GradCheckSuite.hpp"

#include "math/Rng.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace unroll {

template <class T>
void CheckRun<T>::check(const ParamList<T>& params, const std::function<double()>& loss,
                        const std::function<void()>& lossAndGrad)
{
    if constexpr (std::is_same_v<T, double>) {
        for (auto& r : gradCheck(prefixed(params, prefix), loss, lossAndGrad)) results.push_back(std::move(r));
    } else {
        lossAndGrad();
        // Float rounding leaves about ε_float times the check's whole gradient in every entry; a tensor whose
        // gradient is below that (a bias the softmax cannot see, analytically 0) is measured against that level
        // rather than against itself, which always gives 1.
        double scale = 0;
        if (numeric)
            for (const auto& p : params)
                if (const auto found = numeric->find(prefix + p.name); found != numeric->end())
                    scale += found->second.squaredNorm();
        const double floor = std::numeric_limits<float>::epsilon() * std::sqrt(scale) / kFloatTolerance;
        for (const auto& p : params) {
            GradCheckResult r;
            r.name = prefix + p.name;
            r.analytic = p.gradBlock().template cast<double>();
            const auto found = numeric ? numeric->find(r.name) : decltype(numeric->end()){};
            if (!numeric || found == numeric->end()) {
                r.error = 1; // no double counterpart: a check whose two runs differ is itself wrong
                results.push_back(std::move(r));
                continue;
            }
            r.numeric = found->second;
            const double denom = std::max(r.numeric.norm() + r.analytic.norm(), floor);
            r.error = denom == 0 ? 0.0 : (r.numeric - r.analytic).norm() / denom;
            Index i = 0, j = 0;
            (r.numeric - r.analytic).cwiseAbs().maxCoeff(&i, &j);
            r.worstRow = i;
            r.worstCol = j;
            r.worstNumeric = r.numeric(i, j);
            r.worstAnalytic = r.analytic(i, j);
            results.push_back(std::move(r));
        }
    }
}

template class CheckRun<float>;
template class CheckRun<double>;

template <class T> Mat<T> randomMatrix(Rng& rng, Index rows, Index cols, double scale)
{
    return (rng.randn(rows, cols) * scale).template cast<T>();
}
template Mat<float> randomMatrix<float>(Rng&, Index, Index, double);
template Mat<double> randomMatrix<double>(Rng&, Index, Index, double);

bool GradCheckReport::passed() const
{
    auto ok = [](const GradCheckEntry& e) { return e.passed(); };
    return std::all_of(checks.begin(), checks.end(), ok) && std::all_of(floatChecks.begin(), floatChecks.end(), ok);
}

const std::vector<GradCheckDefinition>& gradCheckDefinitions()
{
    static const std::vector<GradCheckDefinition> defs = [] {
        std::vector<GradCheckDefinition> d;
        addRecurrentChecks(d);
        addLinearChecks(d);
        addLossChecks(d);
        addEmbeddingChecks(d);
        addAttentionChecks(d);
        addConvChecks(d);
        addTranslatorChecks(d);
        addTriggerChecks(d);
        addEmojifyChecks(d);
        addJazzChecks(d);
        return d;
    }();
    return defs;
}

namespace {

GradCheckEntry entryOf(const std::string& name, double tolerance, std::vector<GradCheckResult> results)
{
    GradCheckEntry e{name, tolerance, 0, std::move(results)};
    for (const auto& r : e.tensors) e.error = std::max(e.error, r.error);
    if (e.tensors.empty()) e.error = 1; // a check that checked nothing fails
    return e;
}

} // namespace

GradCheckReport runGradCheckSuite(std::uint32_t seed, const std::string& filter)
{
    GradCheckReport report;
    for (const auto& def : gradCheckDefinitions()) {
        if (!filter.empty() && def.name.find(filter) == std::string::npos) continue;
        CheckRun<double> inDouble;
        {
            Rng rng(seed);
            def.inDouble(rng, inDouble);
        }
        std::map<std::string, MatD> numeric;
        for (const auto& r : inDouble.results) numeric[r.name] = r.numeric;
        CheckRun<float> inFloat;
        inFloat.numeric = &numeric;
        {
            Rng rng(seed);
            def.inFloat(rng, inFloat);
        }
        report.checks.push_back(entryOf(def.name, kDoubleTolerance, std::move(inDouble.results)));
        report.floatChecks.push_back(entryOf(def.name, def.floatTolerance, std::move(inFloat.results)));
    }
    return report;
}

} // namespace unroll
