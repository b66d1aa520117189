// Gradient checks of the recurrent cells and layers: one step, a 5-step sequence, and two stacked layers under a
// softmax output. See GradCheckSuite.hpp for how a check runs.
#include "nn/GradCheckSuite.hpp"

#include "math/Rng.hpp"
#include "nn/SequenceModel.hpp"

namespace unroll {

namespace {

// A recurrent layer alone, T steps, loss = sum(R .* a<1..T>) with a fixed random R; checks the course's W, b blocks
// and the gradients reaching the inputs x, a0 and (LSTM) c0.
template <CellKind kind, Index T_steps> struct LayerCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n_x = 3, n_a = 4, m = 2, T_ = T_steps;
        RecurrentLayer<T> layer(kind, n_x, n_a);
        layer.initialize(rng, {.scale = 1.5, .forgetBias = 0.5});
        layer.b = randomMatrix<T>(rng, layer.b.rows(), 1, 0.5);
        Mat<T> X = randomMatrix<T>(rng, n_x, m * T_), a0 = randomMatrix<T>(rng, n_a, m, 0.5),
               c0 = randomMatrix<T>(rng, n_a, m, 0.5);
        const Mat<T> R = randomMatrix<T>(rng, n_a, m * T_);
        Mat<T> gX = Mat<T>::Zero(n_x, m * T_), ga0 = Mat<T>::Zero(n_a, m), gc0 = Mat<T>::Zero(n_a, m), dX;

        auto loss = [&] {
            layer.forward(X, m, a0, c0);
            return double((R.array() * layer.outputs().array()).sum());
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
        params.push_back(wholeParam<T>("x", X, gX));
        params.push_back(wholeParam<T>("a0", a0, ga0));
        if (hasCellState(kind)) params.push_back(wholeParam<T>("c0", c0, gc0));
        run.check(params, loss, lossAndGrad);
    }
};

// Two stacked layers on one-hot input with a softmax output and the summed cross-entropy of the course.
template <CellKind kind> struct StackCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index V = 5, m = 2, T_ = 4;
        SequenceModel<T> model({.cell = kind, .inputSize = V, .hiddenSize = 3, .outputSize = V, .layers = 2,
                                .reduction = LossReduction::Sum});
        model.initialize(rng, {.scale = 1.5, .forgetBias = 1.0});
        std::vector<std::int32_t> x(size_t(m * T_)), y(size_t(m * T_));
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
        run.check(model.namedTensors(), loss, lossAndGrad);
    }
};

} // namespace

void addRecurrentChecks(std::vector<GradCheckDefinition>& defs)
{
    defs.push_back(defineCheck<LayerCheck<CellKind::Rnn, 1>>("rnn_step"));
    defs.push_back(defineCheck<LayerCheck<CellKind::Rnn, 5>>("rnn_seq"));
    defs.push_back(defineCheck<StackCheck<CellKind::Rnn>>("rnn_stack"));
    defs.push_back(defineCheck<LayerCheck<CellKind::Gru, 1>>("gru_step"));
    defs.push_back(defineCheck<LayerCheck<CellKind::Gru, 5>>("gru_seq"));
    defs.push_back(defineCheck<StackCheck<CellKind::Gru>>("gru_stack"));
    defs.push_back(defineCheck<LayerCheck<CellKind::Lstm, 1>>("lstm_step"));
    defs.push_back(defineCheck<LayerCheck<CellKind::Lstm, 5>>("lstm_seq"));
    defs.push_back(defineCheck<StackCheck<CellKind::Lstm>>("lstm_stack"));
}

} // namespace unroll
