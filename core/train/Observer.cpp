// The shared training loop and the NaN/Inf checks; see Observer.hpp.
#include "train/Observer.hpp"

#include "util/Error.hpp"

#include <cmath>

namespace unroll {

namespace {
std::string kindOf(double x) { return std::isnan(x) ? "NaN" : "Inf"; }

template <class B> bool allFinite(const B& block, double* bad)
{
    for (Index j = 0; j < block.cols(); ++j)
        for (Index i = 0; i < block.rows(); ++i)
            if (!std::isfinite(double(block(i, j)))) {
                *bad = double(block(i, j));
                return false;
            }
    return true;
}
} // namespace

void checkFiniteLoss(double loss, std::int64_t step)
{
    if (!std::isfinite(loss)) throw NumericError("step " + std::to_string(step) + ": loss is " + kindOf(loss));
}

template <class T> void checkFiniteGradients(const ParamList<T>& params, std::int64_t step)
{
    for (const auto& p : params) {
        // allFinite() is a fast vectorised test; only a failing tensor is scanned for the offending value.
        if (p.gradBlock().allFinite()) continue;
        double bad = 0;
        allFinite(p.gradBlock(), &bad);
        throw NumericError("step " + std::to_string(step) + ": gradient of " + p.name + " is " + kindOf(bad));
    }
}

RunResult runTraining(TrainingTask& task, TrainingObserver& observer, const RunOptions& options)
{
    using Clock = std::chrono::steady_clock;
    RunResult result;
    double active = 0; // seconds spent stepping, pauses excluded
    for (std::int64_t k = 0; options.steps <= 0 || k < options.steps; ++k) {
        if (observer.stopRequested()) {
            result.status = RunStatus::Cancelled;
            break;
        }
        observer.waitWhilePaused();
        if (observer.stopRequested()) {
            result.status = RunStatus::Cancelled;
            break;
        }
        const auto t0 = Clock::now();
        StepMetrics m = task.step();
        active += std::chrono::duration<double>(Clock::now() - t0).count();
        m.step = options.firstStep + k;
        m.seconds = active;
        checkFiniteLoss(m.loss, m.step);
        if (std::isnan(m.gradNorm)) throw NumericError("step " + std::to_string(m.step) + ": gradient norm is NaN");
        ++result.stepsDone;
        observer.onStep(m);
        observer.onProgress(result.stepsDone, options.steps);
    }
    result.seconds = active;
    return result;
}

template void checkFiniteGradients<float>(const ParamList<float>&, std::int64_t);
template void checkFiniteGradients<double>(const ParamList<double>&, std::int64_t);

} // namespace unroll
