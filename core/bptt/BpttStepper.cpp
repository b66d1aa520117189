// The BPTT stepper's model; see BpttStepper.hpp.
#include "bptt/BpttStepper.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"

#include <cmath>

namespace unroll {

namespace {
void require(bool ok, const std::string& message)
{
    if (!ok) throw InputError(message);
}

// After a backward pass: ‖dL/da<t>‖ per step, the gradient from above plus the one through the recurrence.
std::vector<double> normsPerStep(const RecurrentLayer<double>& layer)
{
    const Index m = layer.batch(), T = layer.steps();
    std::vector<double> out(static_cast<size_t>(T));
    for (Index t = 0; t < T; ++t)
        out[size_t(t)] = (layer.dAout().middleCols(t * m, m) + layer.dArec().middleCols((t + 1) * m, m)).norm();
    return out;
}
} // namespace

BpttStepper::BpttStepper(const BpttConfig& c) : config_(c)
{
    require(c.cell != CellKind::GruKeras,
            "the BPTT stepper shows the course's cells (rnn, gru, lstm), not gru_keras");
    require(c.steps >= 1 && c.steps <= 1000, "sequence length T = " + std::to_string(c.steps) + " must be 1 … 1000");
    require(c.hidden >= 1 && c.hidden <= 512, "hidden size " + std::to_string(c.hidden) + " must be 1 … 512");
    require(std::isfinite(c.initScale) && c.initScale > 0 && c.initScale <= 100,
            "init scale " + std::to_string(c.initScale) + " must be in (0, 100]");
    require(std::isfinite(c.forgetBias), "forget bias must be finite");
    require(c.clip == ClipMode::None || c.clipValue > 0, "clipping threshold must be positive");
    const Index T = c.steps;
    Rng rng(c.seed);
    if (!c.text.empty()) {
        require(Index(c.text.size()) >= T + 1, "the text has " + std::to_string(c.text.size()) +
                                                   " characters; T = " + std::to_string(T) + " needs " +
                                                   std::to_string(T + 1) + " (inputs and next-character targets)");
        vocab_ = Vocabulary::fromText(c.text.substr(0, size_t(T + 1)));
        m_ = 1;
        const Index V = Index(vocab_.size());
        X_ = MatD::Zero(V, T);
        const auto ids = vocab_.encode(c.text.substr(0, size_t(T + 1)));
        for (Index t = 0; t < T; ++t) {
            X_(ids[size_t(t)], t) = 1;
            targets_.push_back(ids[size_t(t + 1)]);
        }
        layer_ = RecurrentLayer<double>(c.cell, V, c.hidden);
        output_ = Linear<double>(c.hidden, V);
    } else {
        require(c.batch >= 1 && c.batch <= 64, "batch size " + std::to_string(c.batch) + " must be 1 … 64");
        require(c.inputSize >= 1 && c.inputSize <= 256 && c.outputSize >= 2 && c.outputSize <= 256,
                "input size must be 1 … 256 and output size 2 … 256");
        m_ = c.batch;
        // x<t> for t = 0 … T-1, each (n_x, m), drawn step after step.
        X_ = MatD(c.inputSize, m_ * T);
        for (Index t = 0; t < T; ++t) X_.middleCols(t * m_, m_) = rng.randn(c.inputSize, m_);
        for (Index k = 0; k < m_ * T; ++k) targets_.push_back(std::int32_t(rng.randint(0, c.outputSize)));
        layer_ = RecurrentLayer<double>(c.cell, c.inputSize, c.hidden);
        output_ = Linear<double>(c.hidden, c.outputSize);
    }
    layer_.initialize(rng, {.scale = c.initScale, .forgetBias = c.forgetBias});
    output_.initialize(rng);
    a0_ = MatD::Zero(c.hidden, m_);
    c0_ = MatD::Zero(c.hidden, m_);
    computeAnalyses();
    setPosition(0);
}

std::u32string BpttStepper::stepText(Index t) const
{
    return config_.text.empty() ? std::u32string{} : std::u32string(1, config_.text[size_t(t)]);
}

std::u32string BpttStepper::targetText(Index t) const
{
    return config_.text.empty() ? std::u32string{} : std::u32string(1, config_.text[size_t(t + 1)]);
}

void BpttStepper::setPosition(Index p)
{
    position_ = std::clamp<Index>(p, 0, maxPosition());
    const Index T = steps();
    layer_.beginForward(X_, m_, a0_, c0_);
    for (Index t = 0; t < forwardDone(); ++t) layer_.forwardStep(t);
    if (forwardDone() < T) return;
    output_.forward(layer_.outputs(), logits_);
    softmaxCrossEntropyForward<double>(logits_.Y, targets_, {}, Reduction::Sum, ce_);
    softmaxCrossEntropyBackward<double>(ce_, targets_, {}, dLogits_);
    output_.zeroGrads();
    output_.backward(layer_.outputs(), logits_, dLogits_, &dAfromLoss_);
    layer_.zeroGrads();
    layer_.beginBackward(dAfromLoss_);
    for (Index k = 0; k < backwardDone(); ++k) layer_.backwardStep(T - 1 - k);
}

MatD BpttStepper::x(Index t) const { return columns(X_, t); }
MatD BpttStepper::aPrev(Index t) const { return columns(layer_.A(), t); }
MatD BpttStepper::a(Index t) const { return columns(layer_.A(), t + 1); }
MatD BpttStepper::c(Index t) const
{
    return hasCellState(config_.cell) ? columns(layer_.C(), t + 1) : MatD::Zero(hiddenSize(), m_);
}
MatD BpttStepper::gate(Index t, int g) const
{
    return layer_.Z().block(g * hiddenSize(), t * m_, hiddenSize(), m_);
}

MatD BpttStepper::yHat(Index t) const
{
    MatD z = output_.W * a(t);
    z.colwise() += output_.b.col(0);
    for (Index j = 0; j < z.cols(); ++j) {
        z.col(j).array() = (z.col(j).array() - z.col(j).maxCoeff()).exp();
        z.col(j) /= z.col(j).sum();
    }
    return z;
}

double BpttStepper::loss(Index t) const
{
    const MatD p = yHat(t);
    double l = 0;
    for (Index j = 0; j < m_; ++j) l -= std::log(p(targets_[size_t(t * m_ + j)], j));
    return l;
}

double BpttStepper::totalLoss() const
{
    double l = 0;
    for (Index t = 0; t < forwardDone(); ++t) l += loss(t);
    return l;
}

MatD BpttStepper::daFromLoss(Index t) const { return columns(dAfromLoss_, t); }
MatD BpttStepper::daFromNext(Index t) const { return columns(layer_.dArec(), t + 1); }
MatD BpttStepper::daTotal(Index t) const { return daFromLoss(t) + daFromNext(t); }
MatD BpttStepper::dcFromNext(Index t) const
{
    return hasCellState(config_.cell) ? columns(layer_.dC(), t + 1) : MatD::Zero(hiddenSize(), m_);
}
MatD BpttStepper::dz(Index t) const { return columns(layer_.dZ(), t); }

std::vector<std::string> BpttStepper::paramNames() const
{
    std::vector<std::string> names;
    for (const auto& t : cellTensorNames(config_.cell, inputSize(), hiddenSize())) names.push_back(t.name);
    names.push_back("Wya");
    names.push_back("by");
    return names;
}

Index BpttStepper::tensorIndex(const std::string& name) const
{
    const auto names = paramNames();
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return Index(i);
    throw InputError("no tensor named " + name);
}

MatD BpttStepper::paramValue(const std::string& name) const
{
    const Index k = tensorIndex(name);
    const auto tensors = cellTensorNames(config_.cell, inputSize(), hiddenSize());
    if (k == Index(tensors.size())) return output_.W;
    if (k == Index(tensors.size()) + 1) return output_.b;
    const auto& d = tensors[size_t(k)];
    if (d.isBias) return layer_.b.middleRows(d.row, d.rows);
    return layer_.W.block(d.row, d.col, d.rows, d.cols);
}

MatD BpttStepper::paramGradAt(const std::string& name, Index t) const
{
    const Index k = tensorIndex(name);
    const auto tensors = cellTensorNames(config_.cell, inputSize(), hiddenSize());
    if (k >= Index(tensors.size())) {
        // Output layer at step t: dY = ŷ - onehot(y); dWya = dY a^T, dby = sum over the batch.
        MatD dY = yHat(t);
        for (Index j = 0; j < m_; ++j) dY(targets_[size_t(t * m_ + j)], j) -= 1;
        if (name == "Wya") return dY * a(t).transpose();
        return dY.rowwise().sum();
    }
    const auto& d = tensors[size_t(k)];
    const MatD dzt = dz(t);
    if (d.isBias) return dzt.middleRows(d.row, d.rows).rowwise().sum();
    const Index n = hiddenSize();
    MatD dW = MatD::Zero(layer_.W.rows(), layer_.W.cols());
    const MatD aux = config_.cell == CellKind::Rnn ? aPrev(t) : MatD(columns(layer_.Aux(), t));
    accumulateRecurrentGrad<double>(config_.cell, {.dz = dzt, .aPrev = aPrev(t), .aux = aux}, dW.leftCols(n));
    dW.rightCols(inputSize()).noalias() = dzt * x(t).transpose();
    return dW.block(d.row, d.col, d.rows, d.cols);
}

MatD BpttStepper::runningGrad(const std::string& name) const
{
    MatD sum = MatD::Zero(paramValue(name).rows(), paramValue(name).cols());
    for (Index t = steps() - backwardDone(); t < steps(); ++t) sum += paramGradAt(name, t);
    return sum;
}

double BpttStepper::gradNormRatio() const
{
    const double last = normLast_.back();
    return last == 0 ? 0.0 : normLast_.front() / last;
}

void BpttStepper::computeAnalyses()
{
    RecurrentLayer<double> layer = layer_;
    Linear<double> out = output_;
    layer.forward(X_, m_, a0_, c0_);
    LinearCache<double> logits;
    SoftmaxCrossEntropyCache<double> ce;
    out.forward(layer.outputs(), logits);
    softmaxCrossEntropyForward<double>(logits.Y, targets_, {}, Reduction::Sum, ce);
    MatD dZ, dA;
    softmaxCrossEntropyBackward<double>(ce, targets_, {}, dZ);
    out.backward(layer.outputs(), logits, dZ, &dA);
    layer.backward(dA);
    normTotal_ = normsPerStep(layer);

    // The same, with the gradient of L<T> alone: dA is zero except at the last step.
    ParamList<double> grads = layer.parameters();
    grads.push_back(wholeParam<double>("Wya", out.W, out.dW));
    grads.push_back(wholeParam<double>("by", out.b, out.db));
    ParamList<double> copy;
    std::vector<MatD> values, g;
    values.reserve(grads.size());
    g.reserve(grads.size());
    for (const auto& p : grads) {
        values.push_back(*p.value);
        g.push_back(*p.grad);
    }
    for (size_t i = 0; i < grads.size(); ++i) copy.push_back(wholeParam<double>(grads[i].name, values[i], g[i]));
    clip_.normBefore = globalGradNorm(copy);
    clip_.maxAbsBefore = 0;
    for (const auto& p : copy) clip_.maxAbsBefore = std::max(clip_.maxAbsBefore, p.grad->cwiseAbs().maxCoeff());
    clipGradients(copy, config_.clip, config_.clipValue);
    clip_.normAfter = globalGradNorm(copy);
    clip_.maxAbsAfter = 0;
    for (const auto& p : copy) clip_.maxAbsAfter = std::max(clip_.maxAbsAfter, p.grad->cwiseAbs().maxCoeff());

    MatD dLast = MatD::Zero(dA.rows(), dA.cols());
    dLast.rightCols(m_) = dA.rightCols(m_);
    layer.zeroGrads();
    layer.backward(dLast);
    normLast_ = normsPerStep(layer);
}

std::vector<GradCheckResult> BpttStepper::gradCheck() const
{
    // On copies: the checker moves every parameter and the stepper's own state stays as the learner left it.
    RecurrentLayer<double> layer = layer_;
    Linear<double> out = output_;
    LinearCache<double> logits;
    SoftmaxCrossEntropyCache<double> ce;
    auto loss = [&] {
        layer.forward(X_, m_, a0_, c0_);
        out.forward(layer.outputs(), logits);
        return softmaxCrossEntropyForward<double>(logits.Y, targets_, {}, Reduction::Sum, ce);
    };
    auto lossAndGrad = [&] {
        layer.zeroGrads();
        out.zeroGrads();
        loss();
        MatD dZ, dA;
        softmaxCrossEntropyBackward<double>(ce, targets_, {}, dZ);
        out.backward(layer.outputs(), logits, dZ, &dA);
        layer.backward(dA);
    };
    auto params = layer.namedTensors();
    params.push_back(wholeParam<double>("Wya", out.W, out.dW));
    params.push_back(wholeParam<double>("by", out.b, out.db));
    // Every entry while that is cheap; beyond, a fixed sample per tensor: each entry costs two forward passes, and
    // checking all of a 128-unit LSTM took 30 s (the cost grows like n_a^4).
    return unroll::gradCheck(params, loss, lossAndGrad, {.maxEntries = kGradCheckEntriesPerTensor});
}

} // namespace unroll
