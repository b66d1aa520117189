// Gradient checks of the recurrent cells and layers: one step, a 5-step sequence, two stacked layers under a
// softmax output, the step-wise path with an input fed back from the layer's own output, the last-state-out backward,
// and the bidirectional wrapper. See GradCheckSuite.hpp for how a check runs.
#include "nn/GradCheckSuite.hpp"

#include "math/Rng.hpp"
#include "nn/Bidirectional.hpp"
#include "nn/Linear.hpp"
#include "nn/SequenceModel.hpp"

namespace unroll {

namespace {

// The initial state of a small check, a0 and c0 (used by an LSTM only), drawn in that order, with the gradients the
// layer hands back for them; checked as "a0" and (LSTM) "c0".
template <class T> struct InitialState {
    InitialState(Rng& rng, Index n_a, Index m)
        : a0(randomMatrix<T>(rng, n_a, m, 0.5)), c0(randomMatrix<T>(rng, n_a, m, 0.5)), ga0(Mat<T>::Zero(n_a, m)),
          gc0(Mat<T>::Zero(n_a, m))
    {
    }
    void readGradients(const RecurrentLayer<T>& layer)
    {
        ga0 = layer.da0();
        if (hasCellState(layer.kind())) gc0 = layer.dc0();
    }
    void addTo(ParamList<T>& params, CellKind kind)
    {
        params.push_back(wholeParam<T>("a0", a0, ga0));
        if (hasCellState(kind)) params.push_back(wholeParam<T>("c0", c0, gc0));
    }
    Mat<T> a0, c0, ga0, gc0;
};

// A recurrent layer alone, T steps, loss = sum(R .* a<1..T>) with a fixed random R; checks the course's W, b blocks
// and the gradients reaching the inputs x, a0 and (LSTM) c0.
template <CellKind kind, Index T_steps> struct LayerCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n_x = 3, n_a = 4, m = 2, T_ = T_steps;
        RecurrentLayer<T> layer(kind, n_x, n_a);
        layer.initialize(rng, {.scale = 1.5, .forgetBias = 0.5});
        layer.b = randomMatrix<T>(rng, layer.b.rows(), layer.b.cols(), 0.5);
        Mat<T> X = randomMatrix<T>(rng, n_x, m * T_);
        InitialState<T> s0(rng, n_a, m);
        const Mat<T> R = randomMatrix<T>(rng, n_a, m * T_);
        Mat<T> gX = Mat<T>::Zero(n_x, m * T_), dX;

        auto loss = [&] {
            layer.forward(X, m, s0.a0, s0.c0);
            return double((R.array() * layer.outputs().array()).sum());
        };
        auto lossAndGrad = [&] {
            layer.zeroGrads();
            loss();
            layer.backward(R, &dX);
            gX = dX;
            s0.readGradients(layer);
        };
        auto params = layer.namedTensors();
        params.push_back(wholeParam<T>("x", X, gX));
        s0.addTo(params, kind);
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

// The step-wise path: x<t> = [y<t-1>; e<t>] with y<t> = tanh(Wy a<t> + by) from a Linear and e<t> an external input
// (y<-1> = 0), loss = sum_t sum(R<t> .* y<t>). The gradient reaching y<t-1> through x<t> is only right if
// backwardStep(t, da_t, &dx_t) hands dx<t> back at step t — what an attention decoder or the jazz sampler needs.
template <CellKind kind> struct StepwiseCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n_e = 2, n_y = 2, n_x = n_y + n_e, n_a = 3, m = 2, T_ = 4;
        RecurrentLayer<T> layer(kind, n_x, n_a);
        layer.initialize(rng, {.scale = 1.5, .forgetBias = 0.5});
        layer.b = randomMatrix<T>(rng, layer.b.rows(), layer.b.cols(), 0.5);
        Linear<T> out(n_a, n_y, Activation::Tanh);
        out.initialize(rng, 1.5);
        out.b = randomMatrix<T>(rng, n_y, 1, 0.5);
        Mat<T> E = randomMatrix<T>(rng, n_e, m * T_);
        InitialState<T> s0(rng, n_a, m);
        const Mat<T> R = randomMatrix<T>(rng, n_y, m * T_);
        Mat<T> gE = Mat<T>::Zero(n_e, m * T_);
        std::vector<LinearCache<T>> caches(static_cast<size_t>(T_));
        Mat<T> x(n_x, m), da, dx, dy(n_y, m), dyNext(n_y, m);

        auto loss = [&] {
            layer.beginStepwise(m, T_, s0.a0, s0.c0);
            double l = 0;
            for (Index t = 0; t < T_; ++t) {
                if (t == 0)
                    x.topRows(n_y).setZero();
                else
                    x.topRows(n_y) = caches[size_t(t - 1)].Y; // y<t-1>: known only after step t-1
                x.bottomRows(n_e) = E.middleCols(t * m, m);
                layer.forwardStep(t, x);
                out.forward(layer.stepA(t), caches[size_t(t)]);
                l += double((R.middleCols(t * m, m).array() * caches[size_t(t)].Y.array()).sum());
            }
            return l;
        };
        auto lossAndGrad = [&] {
            layer.zeroGrads();
            out.zeroGrads();
            loss();
            layer.beginBackward();
            dyNext.setZero();
            for (Index t = T_ - 1; t >= 0; --t) {
                dy = R.middleCols(t * m, m) + dyNext; // from the loss and from x<t+1>
                out.backward(layer.stepA(t), caches[size_t(t)], dy, &da);
                layer.backwardStep(t, da, &dx);
                dyNext = dx.topRows(n_y);
                gE.middleCols(t * m, m) = dx.bottomRows(n_e);
            }
            layer.finishBackward();
            s0.readGradients(layer);
        };
        auto params = layer.namedTensors();
        for (auto& p : prefixed(out.parameters(), "out.")) params.push_back(p);
        params.push_back(wholeParam<T>("e", E, gE));
        s0.addTo(params, kind);
        run.check(params, loss, lossAndGrad);
    }
};

// Last state out: loss = sum(Ra .* a<T>) (+ sum(Rc .* c<T>) for an LSTM), through backwardLast.
template <CellKind kind> struct LastStateCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n_x = 3, n_a = 4, m = 2, T_ = 5;
        RecurrentLayer<T> layer(kind, n_x, n_a);
        layer.initialize(rng, {.scale = 1.5, .forgetBias = 0.5});
        layer.b = randomMatrix<T>(rng, layer.b.rows(), layer.b.cols(), 0.5);
        Mat<T> X = randomMatrix<T>(rng, n_x, m * T_);
        InitialState<T> s0(rng, n_a, m);
        const Mat<T> Ra = randomMatrix<T>(rng, n_a, m), Rc = randomMatrix<T>(rng, n_a, m);
        Mat<T> gX = Mat<T>::Zero(n_x, m * T_), dX;
        const bool lstm = hasCellState(kind);
        auto loss = [&] {
            layer.forward(X, m, s0.a0, s0.c0);
            double l = double((Ra.array() * layer.lastA().array()).sum());
            if (lstm) l += double((Rc.array() * layer.lastC().array()).sum());
            return l;
        };
        auto lossAndGrad = [&] {
            layer.zeroGrads();
            loss();
            if (lstm)
                layer.backwardLast(Ra, &dX, Rc);
            else
                layer.backwardLast(Ra, &dX);
            gX = dX;
            s0.readGradients(layer);
        };
        auto params = layer.namedTensors();
        params.push_back(wholeParam<T>("x", X, gX));
        s0.addTo(params, kind);
        run.check(params, loss, lossAndGrad);
    }
};

// A bidirectional layer, loss = sum(R .* Y) over its (2 n_a, m*T) outputs; both directions' tensors and x.
template <CellKind kind> struct BidirectionalCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index n_x = 3, n_a = 3, m = 2, T_ = 4;
        Bidirectional<T> bi(kind, n_x, n_a);
        bi.initialize(rng, {.scale = 1.5, .forgetBias = 0.5});
        for (auto* l : {&bi.forwardLayer, &bi.backwardLayer})
            l->b = randomMatrix<T>(rng, l->b.rows(), l->b.cols(), 0.5);
        Mat<T> X = randomMatrix<T>(rng, n_x, m * T_);
        const Mat<T> R = randomMatrix<T>(rng, 2 * n_a, m * T_);
        Mat<T> gX = Mat<T>::Zero(n_x, m * T_), dX;
        auto loss = [&] {
            bi.forward(X, m);
            return double((R.array() * bi.outputs().array()).sum());
        };
        auto lossAndGrad = [&] {
            bi.zeroGrads();
            loss();
            bi.backward(R, &dX);
            gX = dX;
        };
        auto params = bi.namedTensors();
        params.push_back(wholeParam<T>("x", X, gX));
        run.check(params, loss, lossAndGrad);
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
    defs.push_back(defineCheck<StepwiseCheck<CellKind::Lstm>>("lstm_stepwise"));
    defs.push_back(defineCheck<StepwiseCheck<CellKind::Gru>>("gru_stepwise"));
    defs.push_back(defineCheck<LastStateCheck<CellKind::Lstm>>("lstm_last"));
    defs.push_back(defineCheck<BidirectionalCheck<CellKind::Lstm>>("bilstm"));
    defs.push_back(defineCheck<LayerCheck<CellKind::GruKeras, 1>>("gru_keras_step"));
    defs.push_back(defineCheck<LayerCheck<CellKind::GruKeras, 5>>("gru_keras"));
    defs.push_back(defineCheck<StackCheck<CellKind::GruKeras>>("gru_keras_stack"));
    defs.push_back(defineCheck<BidirectionalCheck<CellKind::GruKeras>>("bigru_keras"));
}

} // namespace unroll
