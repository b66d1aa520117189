// The standard gradient-check suite; see GradCheckSuite.hpp.
#include "nn/GradCheckSuite.hpp"

#include "math/Rng.hpp"
#include "nn/SequenceModel.hpp"

#include <string>

namespace unroll {

namespace {

// A recurrent layer alone, T steps, loss = sum(R .* a<1..T>) with a fixed random R; checks W, b blocks and the
// gradients reaching the inputs x, a0 and (LSTM) c0.
void checkLayer(CellKind kind, Index T, const std::string& prefix, Rng& rng, std::vector<GradCheckResult>& out)
{
    const Index n_x = 3, n_a = 4, m = 2;
    RecurrentLayer<double> layer(kind, n_x, n_a);
    layer.initialize(rng, {.scale = 1.5, .forgetBias = 0.5});
    layer.b = rng.randn(layer.b.rows(), 1) * 0.5;
    MatD X = rng.randn(n_x, m * T), a0 = rng.randn(n_a, m) * 0.5, c0 = rng.randn(n_a, m) * 0.5;
    const MatD R = rng.randn(n_a, m * T);
    MatD gX = MatD::Zero(n_x, m * T), ga0 = MatD::Zero(n_a, m), gc0 = MatD::Zero(n_a, m), dX;

    auto loss = [&] {
        layer.forward(X, m, a0, c0);
        return (R.array() * layer.outputs().array()).sum();
    };
    auto lossAndGrad = [&] {
        layer.zeroGrads();
        loss();
        layer.backward(R, &dX);
        gX = dX;
        ga0 = layer.da0();
        if (hasCellState(kind)) gc0 = layer.dc0();
    };
    auto params = layer.namedTensors();
    params.push_back(wholeParam<double>("x", X, gX));
    params.push_back(wholeParam<double>("a0", a0, ga0));
    if (hasCellState(kind)) params.push_back(wholeParam<double>("c0", c0, gc0));
    for (auto& r : gradCheck(prefixed(std::move(params), prefix), loss, lossAndGrad)) out.push_back(std::move(r));
}

// Two stacked layers on one-hot input with a softmax output and the summed cross-entropy of the course.
void checkStack(CellKind kind, Rng& rng, std::vector<GradCheckResult>& out)
{
    const Index V = 5, m = 2, T = 4;
    SequenceModel<double> model({.cell = kind, .inputSize = V, .hiddenSize = 3, .outputSize = V, .layers = 2,
                                 .reduction = LossReduction::Sum});
    model.initialize(rng, {.scale = 1.5, .forgetBias = 1.0});
    std::vector<std::int32_t> x(size_t(m * T)), y(size_t(m * T));
    for (auto& v : x) v = std::int32_t(rng.randint(0, V));
    for (auto& v : y) v = std::int32_t(rng.randint(0, V));
    auto loss = [&] {
        model.resetState();
        return model.forward(x, y, m);
    };
    auto lossAndGrad = [&] {
        model.zeroGrads();
        loss();
        model.backward();
    };
    const std::string prefix = std::string(cellKindId(kind)) + "_stack.";
    for (auto& r : gradCheck(prefixed(model.namedTensors(), prefix), loss, lossAndGrad)) out.push_back(std::move(r));
}

} // namespace

std::vector<GradCheckResult> runGradCheckSuite(std::uint32_t seed)
{
    Rng rng(seed);
    std::vector<GradCheckResult> out;
    for (CellKind kind : {CellKind::Rnn, CellKind::Gru, CellKind::Lstm}) {
        const std::string id(cellKindId(kind));
        checkLayer(kind, 1, id + ".", rng, out);
        checkLayer(kind, 5, id + "_seq.", rng, out);
        checkStack(kind, rng, out);
    }
    return out;
}

} // namespace unroll
