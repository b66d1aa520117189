// The gradient checks `unroll-cli gradcheck` runs and the tests assert: every layer and loss at small sizes.
//
// A check is one small problem — a layer, a loss, a model — written once as a template over the precision T:
//
//   struct LinearTanh {
//       template <class T> void operator()(Rng& rng, CheckRun<T>& run) const {
//           Linear<T> dense(3, 4, Activation::Tanh);  ...            // build from rng
//           run.check(params, loss, lossAndGrad);                     // once or several times
//       }
//   };
//   defs.push_back(defineCheck<LinearTanh>("linear_tanh", kFloatTolerance));
//
// It runs twice from the same seed. In double (`checks`): central differences against the analytic gradient,
// relative error below 1e-7 (see GradCheck.hpp). In float (`float_checks`): the float analytic gradient against the
// double run's numeric gradient of the same tensor, below the check's float tolerance. Why that tolerance: float
// rounds each operation to u = 2^-24 ~ 6e-8, the parameters themselves are rounded to float (the float problem is the
// double one moved by ~u), and sums over n terms grow the error like sqrt(n) u to n u; at the check sizes (tens of
// terms, up to a few dozen recurrent steps) that is 1e-6 to 1e-5, so 1e-4 passes every correct float backward with a
// margin while a wrong one (a missing term, a transposed block: errors of 1e-2 and up) still fails.
//
// Each layer file's checks live in core/nn/checks/<Layer>Checks.cpp and are listed once in gradCheckDefinitions().
#pragma once

#include "nn/GradCheck.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace unroll {

class Rng;

inline constexpr double kDoubleTolerance = 1e-7;
inline constexpr double kFloatTolerance = 1e-4;

// What a check hands its problem to. In double it runs gradCheck; in float it compares with the double numeric
// gradients recorded under the same names.
template <class T> class CheckRun {
public:
    // params: the tensors to check (named; prefix() is prepended). loss(): the loss at the current values.
    // lossAndGrad(): zero the gradients, then forward and backward: the analytic gradient of the same loss.
    void check(const ParamList<T>& params, const std::function<double()>& loss,
               const std::function<void()>& lossAndGrad);

    std::vector<GradCheckResult> results;
    std::string prefix;                                  // e.g. "lstm_seq." (set by a check that runs several)
    const std::map<std::string, MatD>* numeric = nullptr; // float runs: the double run's numeric gradients
};

struct GradCheckDefinition {
    std::string name;
    double floatTolerance = kFloatTolerance;
    std::function<void(Rng&, CheckRun<double>&)> inDouble;
    std::function<void(Rng&, CheckRun<float>&)> inFloat;
};

template <class Check> GradCheckDefinition defineCheck(std::string name, double floatTolerance = kFloatTolerance)
{
    return {std::move(name), floatTolerance, [](Rng& rng, CheckRun<double>& run) { Check{}(rng, run); },
            [](Rng& rng, CheckRun<float>& run) { Check{}(rng, run); }};
}

// One check's outcome: its tensors and the worst error among them.
struct GradCheckEntry {
    std::string name;
    double tolerance = kDoubleTolerance;
    double error = 0; // the worst tensor's
    std::vector<GradCheckResult> tensors;
    bool passed() const { return error < tolerance; }
};

struct GradCheckReport {
    std::vector<GradCheckEntry> checks;      // double precision
    std::vector<GradCheckEntry> floatChecks; // float, against the double numeric gradients
    bool passed() const;
};

// Every registered check, in a fixed order.
const std::vector<GradCheckDefinition>& gradCheckDefinitions();

// Runs the checks whose name contains `filter` (all when empty), each from Rng(seed), in double then float.
GradCheckReport runGradCheckSuite(std::uint32_t seed = 1, const std::string& filter = {});

// Helpers for writing checks: a random (rows, cols) matrix of N(0, scale^2) values in precision T.
template <class T> Mat<T> randomMatrix(Rng& rng, Index rows, Index cols, double scale = 1.0);

// The registration lists of the layer files in core/nn/checks/.
void addRecurrentChecks(std::vector<GradCheckDefinition>& defs);
void addLinearChecks(std::vector<GradCheckDefinition>& defs);
void addLossChecks(std::vector<GradCheckDefinition>& defs);
void addEmbeddingChecks(std::vector<GradCheckDefinition>& defs);
void addAttentionChecks(std::vector<GradCheckDefinition>& defs);
void addConvChecks(std::vector<GradCheckDefinition>& defs);
// The whole date translator (core/translate/TranslatorChecks.cpp).
void addTranslatorChecks(std::vector<GradCheckDefinition>& defs);
// The whole trigger-word detector (core/trigger/TriggerChecks.cpp).
void addTriggerChecks(std::vector<GradCheckDefinition>& defs);
// The Emojify V2 model (core/emojify/EmojifyChecks.cpp).
void addEmojifyChecks(std::vector<GradCheckDefinition>& defs);
// The jazz model (core/jazz/JazzChecks.cpp).
void addJazzChecks(std::vector<GradCheckDefinition>& defs);

} // namespace unroll
