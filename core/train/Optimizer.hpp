// Optimizers (SGD, momentum, Adam), gradient clipping and a learning-rate schedule hook.
//
//   Optimizer<float> opt({.kind = OptimizerKind::Adam, .learningRate = 2e-3}, model.parameters());
//   ... model.backward();  opt.step();  model.zeroGrads();
//
// step() clips the gradients in place (element-wise like the course's np.clip, or by global norm), then updates.
// A NaN or Inf gradient makes step() throw NumericError("step t: gradient of layer0.W is NaN") before it changes
// anything, t being the update it was about to make (1-based; a task restored from a checkpoint restores t too). The
// test costs nothing measurable: it reads the global norm that clipping and StepMetrics compute anyway.
// Adam follows Kingma & Ba 2015 with bias correction, as in the course's update_parameters_with_adam:
//   v = b1 v + (1-b1) g;  s = b2 s + (1-b2) g^2;  θ -= lr * (v / (1-b1^t)) / (sqrt(s / (1-b2^t)) + eps)
// Momentum: v = beta v + (1-beta) g; θ -= lr v (the course's form).
#pragma once

#include "nn/Params.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <string_view>

namespace unroll {

enum class OptimizerKind { Sgd, Momentum, Adam };
inline constexpr std::array<std::string_view, 3> optimizerKindIds = {"sgd", "momentum", "adam"};
inline constexpr std::array<std::string_view, 3> optimizerKindNames = {"SGD", "Momentum", "Adam"};
OptimizerKind parseOptimizerKind(std::string_view id);

enum class ClipMode { None, Value, GlobalNorm };
inline constexpr std::array<std::string_view, 3> clipModeIds = {"none", "value", "norm"};
inline constexpr std::array<std::string_view, 3> clipModeNames = {"No clipping", "Element-wise", "Global norm"};
ClipMode parseClipMode(std::string_view id);

struct OptimizerOptions {
    OptimizerKind kind = OptimizerKind::Adam;
    double learningRate = 0.01;
    double beta1 = 0.9; // Adam's first moment, and momentum's beta
    double beta2 = 0.999;
    double epsilon = 1e-8;
    ClipMode clip = ClipMode::None;
    double clipValue = 5.0;                        // max |g| (Value) or max ||g|| over all tensors (GlobalNorm)
    std::function<double(std::int64_t step)> schedule = {}; // optional: learning rate at step (1-based); else constant
};

// Clip in place. Returns the global L2 norm of the gradients before clipping (summed in double when a float's square
// would overflow, so it is finite unless a gradient is NaN or Inf).
template <class T> double clipGradients(const ParamList<T>& params, ClipMode mode, double value);
template <class T> double globalGradNorm(const ParamList<T>& params);

template <class T> class Optimizer {
public:
    Optimizer(const OptimizerOptions& options, ParamList<T> params);

    // Clip, then update every parameter from its gradient. Returns the pre-clip global gradient norm.
    //   throws: NumericError, values and state untouched, if a gradient is NaN or Inf.
    double step();
    std::int64_t steps() const { return t_; }
    double currentLearningRate() const;
    const OptimizerOptions& options() const { return options_; }
    void setLearningRate(double lr) { options_.learningRate = lr; }
    void reset(); // forget the moments and the step count
    // The optimizer's state, for checkpoints (train/OptimizerState.hpp): the parameters it steps, first moments
    // (momentum, Adam; else empty), second moments (Adam; else empty), one per parameter in parameters()' order.
    const ParamList<T>& parameters() const { return params_; }
    const std::vector<Mat<T>>& firstMoments() const { return v_; }
    const std::vector<Mat<T>>& secondMoments() const { return s_; }
    // Replaces the moments and the update count.
    //   requires: v and s sized and shaped as firstMoments() and secondMoments(); steps >= 0 (else InputError).
    void restoreState(std::vector<Mat<T>> v, std::vector<Mat<T>> s, std::int64_t steps);

private:
    OptimizerOptions options_;
    ParamList<T> params_;
    std::vector<Mat<T>> v_, s_;
    std::int64_t t_ = 0;
};

extern template class Optimizer<float>;
extern template class Optimizer<double>;

} // namespace unroll
