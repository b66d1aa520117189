// Optimizers and clipping; see Optimizer.hpp.
#include "train/Optimizer.hpp"

#include "train/Observer.hpp"
#include "util/Error.hpp"

#include <cmath>
#include <string>
#include <type_traits>

namespace unroll {

OptimizerKind parseOptimizerKind(std::string_view id)
{
    for (size_t i = 0; i < optimizerKindIds.size(); ++i)
        if (optimizerKindIds[i] == id) return OptimizerKind(i);
    throw InputError("unknown optimizer '" + std::string(id) + "': expected sgd, momentum or adam");
}

ClipMode parseClipMode(std::string_view id)
{
    for (size_t i = 0; i < clipModeIds.size(); ++i)
        if (clipModeIds[i] == id) return ClipMode(i);
    throw InputError("unknown clipping '" + std::string(id) + "': expected none, value or norm");
}

template <class T> double globalGradNorm(const ParamList<T>& params)
{
    double sq = 0;
    for (const auto& p : params) sq += double(p.gradBlock().squaredNorm());
    if (std::isfinite(sq) || std::is_same_v<T, double>) return std::sqrt(sq);
    // A float's square overflows from 1.8e19 on: sum again in double, where only a NaN or Inf gradient is not finite.
    sq = 0;
    for (const auto& p : params) sq += p.gradBlock().template cast<double>().squaredNorm();
    return std::sqrt(sq);
}

namespace {
template <class T> void clipGivenNorm(const ParamList<T>& params, ClipMode mode, double value, double norm)
{
    if (mode == ClipMode::Value) {
        for (const auto& p : params) p.gradBlock() = p.gradBlock().cwiseMax(T(-value)).cwiseMin(T(value));
    } else if (mode == ClipMode::GlobalNorm && norm > value) {
        const T factor = T(value / norm);
        for (const auto& p : params) p.gradBlock() *= factor;
    }
}
} // namespace

template <class T> double clipGradients(const ParamList<T>& params, ClipMode mode, double value)
{
    const double norm = globalGradNorm(params);
    clipGivenNorm(params, mode, value, norm);
    return norm;
}

template <class T>
Optimizer<T>::Optimizer(const OptimizerOptions& options, ParamList<T> params)
    : options_(options), params_(std::move(params))
{
    if (!(options.learningRate > 0) || !std::isfinite(options.learningRate))
        throw InputError("learning rate must be positive, got " + std::to_string(options.learningRate));
    if (options.clip != ClipMode::None && !(options.clipValue > 0))
        throw InputError("clipping threshold must be positive, got " + std::to_string(options.clipValue));
    reset();
}

template <class T> void Optimizer<T>::reset()
{
    t_ = 0;
    v_.clear();
    s_.clear();
    for (const auto& p : params_) {
        if (options_.kind != OptimizerKind::Sgd) v_.push_back(Mat<T>::Zero(p.blockRows(), p.blockCols()));
        if (options_.kind == OptimizerKind::Adam) s_.push_back(Mat<T>::Zero(p.blockRows(), p.blockCols()));
    }
}

template <class T> void Optimizer<T>::restoreState(std::vector<Mat<T>> v, std::vector<Mat<T>> s, std::int64_t steps)
{
    const auto sameShapes = [](const std::vector<Mat<T>>& a, const std::vector<Mat<T>>& b) {
        if (a.size() != b.size()) return false;
        for (size_t k = 0; k < a.size(); ++k)
            if (a[k].rows() != b[k].rows() || a[k].cols() != b[k].cols()) return false;
        return true;
    };
    if (!sameShapes(v, v_) || !sameShapes(s, s_))
        throw InputError("optimizer state: the moments do not match the optimizer's parameters");
    if (steps < 0) throw InputError("optimizer state: step count " + std::to_string(steps) + " is negative");
    v_ = std::move(v);
    s_ = std::move(s);
    t_ = steps;
}

template <class T> double Optimizer<T>::currentLearningRate() const
{
    return options_.schedule ? options_.schedule(t_ + 1) : options_.learningRate;
}

template <class T> double Optimizer<T>::step()
{
    // The norm clipping needs anyway is finite unless a gradient is NaN or Inf; only then are the gradients scanned,
    // to name the tensor, and the throw comes before clipping or updating has changed anything.
    const double norm = globalGradNorm(params_);
    if (!std::isfinite(norm)) checkFiniteGradients(params_, t_ + 1);
    clipGivenNorm(params_, options_.clip, options_.clipValue, norm);
    const double lr = currentLearningRate();
    ++t_;
    const T b1 = T(options_.beta1), b2 = T(options_.beta2);
    switch (options_.kind) {
    case OptimizerKind::Sgd:
        for (const auto& p : params_) p.valueBlock() -= T(lr) * p.gradBlock();
        break;
    case OptimizerKind::Momentum:
        for (size_t k = 0; k < params_.size(); ++k) {
            const auto& p = params_[k];
            v_[k] = b1 * v_[k] + (1 - b1) * p.gradBlock();
            p.valueBlock() -= T(lr) * v_[k];
        }
        break;
    case OptimizerKind::Adam: {
        const T c1 = T(1 - std::pow(options_.beta1, double(t_)));
        const T c2 = T(1 - std::pow(options_.beta2, double(t_)));
        const T eps = T(options_.epsilon), step = T(lr);
        for (size_t k = 0; k < params_.size(); ++k) {
            const auto& p = params_[k];
            const auto g = p.gradBlock().array();
            v_[k].array() = b1 * v_[k].array() + (1 - b1) * g;
            s_[k].array() = b2 * s_[k].array() + (1 - b2) * g.square();
            p.valueBlock().array() -= step * (v_[k].array() / c1) / ((s_[k].array() / c2).sqrt() + eps);
        }
        break;
    }
    }
    return norm;
}

template double clipGradients<float>(const ParamList<float>&, ClipMode, double);
template double clipGradients<double>(const ParamList<double>&, ClipMode, double);
template double globalGradNorm<float>(const ParamList<float>&);
template double globalGradNorm<double>(const ParamList<double>&);
template class Optimizer<float>;
template class Optimizer<double>;

} // namespace unroll
