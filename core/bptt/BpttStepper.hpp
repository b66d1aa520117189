// The BPTT stepper's model: one recurrent layer (RNN, GRU or LSTM) with a softmax output at every step, unrolled over
// T steps, that can be stopped at any point of its forward-then-backward pass and read.
//
//   BpttStepper s({.cell = CellKind::Lstm, .hidden = 5, .steps = 8});
//   s.setPosition(s.steps() + 3);   // forward complete, 3 backward steps done (t = T-1, T-2, T-3)
//   s.daFromLoss(5); s.daFromNext(5); s.paramGradAt("Wf", 5); s.runningGrad("Wf");
//
// Position p runs over 0 … 2T: p <= T means p forward steps done; p > T means the forward pass is complete and p - T
// backward steps are done, from t = T-1 down. Every setPosition recomputes from the initial state, so nothing shown
// can be stale whatever order the user steps in (the sizes are small: T <= 40, n_a of a few dozen).
// Loss: the course's, L = sum over t of L<t>, L<t> = cross-entropy of ŷ<t> summed over the m examples.
// Input: random vectors x<t> ~ N(0, 1) with random targets (from the seed), or the characters of a text one-hot
// with the next character as target (m = 1).
#pragma once

#include "nn/Linear.hpp"
#include "nn/Loss.hpp"
#include "nn/GradCheck.hpp"
#include "nn/Recurrent.hpp"
#include "text/Vocabulary.hpp"
#include "train/Optimizer.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace unroll {

struct BpttConfig {
    CellKind cell = CellKind::Rnn;
    Index hidden = 5;     // n_a
    Index steps = 8;      // T (2 … 40 in the lab; 1 … 1000 here)
    Index batch = 1;      // m (random input only; a text is one sequence)
    double initScale = 1.0;  // W ~ N(0, (initScale / sqrt(n_a + n_x))^2); biases 0
    double forgetBias = 1.0; // LSTM only
    std::uint32_t seed = 1;
    std::u32string text = {}; // empty: random input; else at least T + 1 characters
    Index inputSize = 4;     // n_x for random input
    Index outputSize = 4;    // n_y for random input
    ClipMode clip = ClipMode::None;
    double clipValue = 5.0;
};

// What the gradient-flow ratio r = ‖∂L⟨T⟩/∂a⟨1⟩‖ / ‖∂L⟨T⟩/∂a⟨T⟩‖ says: below 10⁻² less than a hundredth of the last
// step's gradient reaches the first step (vanishing); above 10² it arrives amplified more than a hundredfold
// (exploding); in between it survives the trip (stable). Thresholds: docs/bptt.md.
enum class GradientFlow { Vanishing, Stable, Exploding };
inline constexpr std::array<std::string_view, 3> gradientFlowNames = {"vanishing", "stable", "exploding"};
inline constexpr double kVanishingBelow = 1e-2;
inline constexpr double kExplodingAbove = 1e2;
inline GradientFlow gradientFlowVerdict(double ratio)
{
    if (!(ratio >= kVanishingBelow)) return GradientFlow::Vanishing; // NaN counts as nothing arriving
    return ratio > kExplodingAbove ? GradientFlow::Exploding : GradientFlow::Stable;
}
inline std::string_view gradientFlowName(GradientFlow f) { return gradientFlowNames[size_t(f)]; }

class BpttStepper {
public:
    explicit BpttStepper(const BpttConfig& config); // throws InputError on out-of-range settings

    const BpttConfig& config() const { return config_; }
    Index steps() const { return config_.steps; }
    Index inputSize() const { return layer_.inputSize(); }
    Index hiddenSize() const { return layer_.hiddenSize(); }
    Index outputSize() const { return output_.outputSize(); }
    Index batch() const { return m_; }
    const Vocabulary& vocabulary() const { return vocab_; } // text input only
    std::u32string stepText(Index t) const;                 // the input character at t (text input), else empty
    std::u32string targetText(Index t) const;

    // --- position ------------------------------------------------------------------------------------------------
    Index position() const { return position_; }
    Index maxPosition() const { return 2 * steps(); }
    void setPosition(Index p); // clamped to [0, 2T]
    Index forwardDone() const { return std::min(position_, steps()); }
    Index backwardDone() const { return std::max<Index>(0, position_ - steps()); }
    bool forwardComputed(Index t) const { return t < forwardDone(); }
    bool backwardComputed(Index t) const { return forwardDone() == steps() && t >= steps() - backwardDone(); }

    // --- forward values (t = 0 … T-1, valid when forwardComputed(t)) ---------------------------------------------
    MatD x(Index t) const;          // (n_x, m)
    MatD aPrev(Index t) const;      // a<t-1>: (n_a, m); a0 for t = 0
    MatD a(Index t) const;          // (n_a, m)
    MatD c(Index t) const;          // LSTM cell state (n_a, m)
    MatD gate(Index t, int g) const; // gate block g (gateNames order) after its nonlinearity: (n_a, m)
    MatD yHat(Index t) const;       // (n_y, m)
    double loss(Index t) const;     // L<t>
    double totalLoss() const;       // sum of the computed L<t>
    const std::vector<std::int32_t>& targets() const { return targets_; } // column t*m + j

    // --- backward values (valid when backwardComputed(t)) --------------------------------------------------------
    MatD daFromLoss(Index t) const; // dL<t>/da<t> through ŷ<t>: Wya^T (ŷ - y)
    MatD daFromNext(Index t) const; // dL/da<t> arriving from step t+1 (zero at t = T-1)
    MatD daTotal(Index t) const;    // their sum
    MatD dcFromNext(Index t) const; // LSTM: dL/dc<t> arriving from step t+1 (zero at t = T-1)
    MatD dz(Index t) const;         // dL/d(gate pre-activations) at t: (G n_a, m)
    // The course tensor `name` ("Wax", "Wf", "bo", "Wya", "by", …): its gradient contribution from step t, and the
    // running sum over the backward steps done so far.
    MatD paramGradAt(const std::string& name, Index t) const;
    MatD runningGrad(const std::string& name) const;
    std::vector<std::string> paramNames() const; // recurrent tensors, then Wya, by
    MatD paramValue(const std::string& name) const;

    // --- whole-run analyses (independent of the position) --------------------------------------------------------
    // ‖dL<T>/da<t>‖ (only the last step's loss, reaching back) and ‖dL/da<t>‖ (the total loss), t = 0 … T-1.
    std::vector<double> gradNormLastLoss() const { return normLast_; }
    std::vector<double> gradNormTotal() const { return normTotal_; }
    double gradNormRatio() const; // ‖dL<T>/da<1>‖ / ‖dL<T>/da<T>‖: < 1 vanishing, > 1 exploding
    // The full gradient before and after the configured clipping (global L2 norms, max |g|).
    struct ClipSummary {
        double normBefore = 0, normAfter = 0, maxAbsBefore = 0, maxAbsAfter = 0;
    };
    ClipSummary clipSummary() const { return clip_; }
    // Every course tensor, central differences; at most kGradCheckEntriesPerTensor entries of each, spread evenly.
    static constexpr Index kGradCheckEntriesPerTensor = 64;
    std::vector<GradCheckResult> gradCheck() const;

private:
    void computeAnalyses();
    MatD columns(const MatD& M, Index block) const { return M.middleCols(block * m_, m_); }
    Index tensorIndex(const std::string& name) const;

    BpttConfig config_;
    Vocabulary vocab_;
    Index m_ = 1;
    MatD X_;                      // (n_x, m*T)
    std::vector<std::int32_t> targets_;
    MatD a0_, c0_;
    RecurrentLayer<double> layer_;
    Linear<double> output_; // (n_y, n_a) logits: the course's Wya, by
    Index position_ = 0;
    LinearCache<double> logits_;  // (n_y, m*T)
    SoftmaxCrossEntropyCache<double> ce_;
    MatD dLogits_;                // (n_y, m*T)
    MatD dAfromLoss_;             // (n_a, m*T)
    std::vector<double> normLast_, normTotal_;
    ClipSummary clip_;
};

} // namespace unroll
