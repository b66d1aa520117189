// RecurrentLayer: the sequence loop around the cell steps of Cells.cpp. See Recurrent.hpp.
#include "nn/Recurrent.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"
#include "util/Parallel.hpp"
#include "util/Threads.hpp"

#include <cmath>
#include <string>

namespace unroll {

template <class T>
RecurrentLayer<T>::RecurrentLayer(CellKind kind, Index n_x, Index n_a) : kind_(kind), n_x_(n_x), n_a_(n_a)
{
    if (n_x < 1 || n_a < 1)
        throw InputError("recurrent layer sizes must be positive (n_x = " + std::to_string(n_x) +
                         ", n_a = " + std::to_string(n_a) + ")");
    const Index G = gates();
    W = Mat<T>::Zero(G * n_a, n_a + n_x);
    b = Mat<T>::Zero(G * n_a, biasColumns(kind));
    dW = Mat<T>::Zero(W.rows(), W.cols());
    db = Mat<T>::Zero(b.rows(), b.cols());
}

template <class T> void RecurrentLayer<T>::initialize(Rng& rng, const RecurrentInit& init)
{
    const double sd = init.scale / std::sqrt(double(n_a_ + n_x_));
    W = (rng.randn(W.rows(), W.cols()) * sd).template cast<T>();
    b.setZero();
    if (kind_ == CellKind::Lstm) b.topRows(n_a_).setConstant(T(init.forgetBias));
}

template <class T> ParamList<T> RecurrentLayer<T>::parameters()
{
    return {wholeParam<T>("W", W, dW), wholeParam<T>("b", b, db)};
}

template <class T> ParamList<T> RecurrentLayer<T>::namedTensors()
{
    ParamList<T> out;
    for (const auto& t : cellTensorNames(kind_, n_x_, n_a_)) {
        if (t.isBias)
            out.push_back({t.name, &b, &db, t.row, t.col, t.rows, t.cols});
        else
            out.push_back({t.name, &W, &dW, t.row, t.col, t.rows, t.cols});
    }
    return out;
}

template <class T> std::vector<std::pair<std::string, Mat<T>>> RecurrentLayer<T>::namedValues() const
{
    std::vector<std::pair<std::string, Mat<T>>> out;
    for (const auto& t : cellTensorNames(kind_, n_x_, n_a_)) {
        const Mat<T>& M = t.isBias ? b : W;
        const Index cols = t.cols < 0 ? M.cols() - t.col : t.cols;
        out.emplace_back(t.name, M.block(t.row, t.col, t.rows, cols));
    }
    return out;
}

template <class T> void RecurrentLayer<T>::zeroGrads()
{
    dW.setZero();
    db.setZero();
}

template <class T>
void RecurrentLayer<T>::prepare(Index m, Index T_steps, ConstMatRef<T> a0, ConstMatRef<T> c0,
                                RecurrentTrace<T>& tr) const
{
    if (m < 1 || T_steps < 1) throw InputError("a sequence needs at least one step and one example");
    if (a0.rows() != n_a_ || a0.cols() != m)
        throw InputError("initial state a0 is " + std::to_string(a0.rows()) + " x " + std::to_string(a0.cols()) +
                         ", expected " + std::to_string(n_a_) + " x " + std::to_string(m));
    tr.m = m;
    tr.steps = T_steps;
    const Index N = m * T_steps, G = gates();
    tr.A.resize(n_a_, N + m); // Eigen's resize keeps the buffer when the size does not change
    tr.A.leftCols(m) = a0;
    if (hasCellState(kind_)) {
        if (c0.rows() != n_a_ || c0.cols() != m) throw InputError("initial cell state c0 has the wrong shape");
        tr.C.resize(n_a_, N + m);
        tr.C.leftCols(m) = c0;
    } else {
        tr.C.resize(0, 0);
    }
    tr.Z.resize(G * n_a_, N);
    tr.Aux.resize(hasAux(kind_) ? n_a_ : 0, hasAux(kind_) ? N : 0);
    tr.stepwise = false;
    tr.stepsDone = 0;
    // Pack W_a once for all T steps' products (serial), unless the per-step product is large enough for the pool to
    // pay (kMinParallelFlops x 8, e.g. LSTM H512 B32 at 67 MFLOP): those go through parallelProduct, which splits them
    // when that is measured to be faster. Smaller ones (LSTM H128 B32: 4 MFLOP) gain more from the packing. Inside a
    // pool task products run serially anyway, so the packing pays there too (and a layer run in a task computes the
    // same bits whatever the thread count: the translator's shards rely on it).
    tr.packedForward = tr.packedBackward = false;
    const double stepFlops = 2.0 * double(W.rows()) * double(n_a_) * double(m);
    if (threadCount() == 1 || insideParallelRegion() || stepFlops < 8 * kMinParallelFlops) {
        packRecurrent<T>(kind_, W.leftCols(n_a_), false, tr.packs);
        tr.packedForward = true;
    }
}

template <class T> RecurrentWeights<T> RecurrentLayer<T>::recurrentWeights(const RecurrentTrace<T>& tr) const
{
    const RecurrentPacks<T>* packs = tr.packedForward || tr.packedBackward ? &tr.packs : nullptr;
    if (kind_ == CellKind::GruKeras) return {W.leftCols(n_a_), b.col(1), packs};
    return {W.leftCols(n_a_), noMatrix<T>(), packs};
}

// The views of step t's buffers in the trace: z<t> (block t of Z), a<t-1> = block t of A, a<t> = block t+1.
template <class T> CellStep<T> RecurrentLayer<T>::step(RecurrentTrace<T>& tr, Index t) const
{
    const Index m = tr.m;
    const auto cols = [&](Mat<T>& M, Index block) { return M.middleCols(block * m, m); };
    const bool lstm = hasCellState(kind_);
    return {.aPrev = cols(tr.A, t),
            .cPrev = lstm ? ConstRef<T>(cols(tr.C, t)) : ConstRef<T>(noMatrix<T>()),
            .z = cols(tr.Z, t),
            .aux = hasAux(kind_) ? MatRef<T>(cols(tr.Aux, t)) : MatRef<T>(noBuffer<T>()),
            .a = cols(tr.A, t + 1),
            .c = lstm ? MatRef<T>(cols(tr.C, t + 1)) : MatRef<T>(noBuffer<T>())};
}

template <class T>
void RecurrentLayer<T>::beginForward(ConstMatRef<T> X, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0,
                                     RecurrentTrace<T>& tr) const
{
    if (X.rows() != n_x_ || m < 1 || X.cols() % m != 0)
        throw InputError("input is " + std::to_string(X.rows()) + " x " + std::to_string(X.cols()) +
                         ", expected " + std::to_string(n_x_) + " rows and a multiple of m = " + std::to_string(m) +
                         " columns");
    prepare(m, X.cols() / m, a0, c0, tr);
    tr.inputIsIds = false;
    tr.X = X;
    // The input part of every step at once: Z = W_x X + b.
    parallelProduct(tr.Z, W.rightCols(n_x_), X);
    tr.Z.colwise() += b.col(0);
}

template <class T>
void RecurrentLayer<T>::beginForward(std::span<const std::int32_t> ids, Index m, ConstMatRef<T> a0,
                                     ConstMatRef<T> c0, RecurrentTrace<T>& tr) const
{
    if (m < 1 || ids.empty() || ids.size() % size_t(m) != 0)
        throw InputError("input of " + std::to_string(ids.size()) + " indices is not a multiple of m = " +
                         std::to_string(m));
    for (auto id : ids)
        if (id < kNoInput || id >= n_x_)
            throw InputError("input index " + std::to_string(id) + " outside the vocabulary of " +
                             std::to_string(n_x_));
    prepare(m, Index(ids.size()) / m, a0, c0, tr);
    tr.inputIsIds = true;
    tr.ids.assign(ids.begin(), ids.end());
    tr.X.resize(0, 0);
    // W_x onehot(id) is column id of W_x; kNoInput is the zero vector (the course's x<1> = 0 before a name).
    for (Index j = 0; j < Index(ids.size()); ++j)
        if (ids[size_t(j)] == kNoInput)
            tr.Z.col(j) = b.col(0);
        else
            tr.Z.col(j) = W.col(n_a_ + ids[size_t(j)]) + b.col(0);
}

template <class T> void RecurrentLayer<T>::forwardStep(RecurrentTrace<T>& tr, Index t) const
{
    if (t < 0 || t >= tr.steps) throw InputError("step " + std::to_string(t) + " outside 0.." + std::to_string(tr.steps - 1));
    cellForward<T>(kind_, recurrentWeights(tr), step(tr, t));
    tr.stepsDone = t + 1;
}

template <class T>
void RecurrentLayer<T>::forward(ConstMatRef<T> X, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0)
{
    forward(X, m, a0, c0, trace_);
}

template <class T>
void RecurrentLayer<T>::forward(std::span<const std::int32_t> ids, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0)
{
    forward(ids, m, a0, c0, trace_);
}

template <class T>
void RecurrentLayer<T>::beginForward(ConstMatRef<T> X, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0)
{
    beginForward(X, m, a0, c0, trace_);
}

template <class T>
void RecurrentLayer<T>::beginForward(std::span<const std::int32_t> ids, Index m, ConstMatRef<T> a0,
                                     ConstMatRef<T> c0)
{
    beginForward(ids, m, a0, c0, trace_);
}

template <class T> void RecurrentLayer<T>::forwardStep(Index t) { forwardStep(trace_, t); }

template <class T>
void RecurrentLayer<T>::beginStepwise(Index m, Index steps, ConstMatRef<T> a0, ConstMatRef<T> c0)
{
    auto& tr = trace_;
    prepare(m, steps, a0, c0, trace_);
    tr.stepwise = true;
    tr.inputIsIds = false;
    tr.X.resize(n_x_, m * steps); // filled column block by column block, for the weight gradient at the end
}

template <class T> void RecurrentLayer<T>::forwardStep(Index t, ConstMatRef<T> x_t)
{
    auto& tr = trace_;
    if (!tr.stepwise) throw InputError("forwardStep(t, x) needs beginStepwise first");
    if (t != tr.stepsDone)
        throw InputError("step " + std::to_string(t) + " given out of order: step " + std::to_string(tr.stepsDone) +
                         " comes next (of " + std::to_string(tr.steps) + ")");
    if (x_t.rows() != n_x_ || x_t.cols() != tr.m)
        throw InputError("input of step " + std::to_string(t) + " is " + std::to_string(x_t.rows()) + " x " +
                         std::to_string(x_t.cols()) + ", expected " + std::to_string(n_x_) + " x " +
                         std::to_string(tr.m));
    tr.X.middleCols(t * tr.m, tr.m) = x_t;
    auto z = tr.Z.middleCols(t * tr.m, tr.m); // (G n_a, m) = W_x x<t> + b, this step only
    z.noalias() = W.rightCols(n_x_) * x_t;
    z.colwise() += b.col(0);
    forwardStep(tr, t);
}

template <class T>
void RecurrentLayer<T>::forward(ConstMatRef<T> X, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0,
                                RecurrentTrace<T>& tr) const
{
    beginForward(X, m, a0, c0, tr);
    for (Index t = 0; t < tr.steps; ++t) forwardStep(tr, t);
}

template <class T>
void RecurrentLayer<T>::forward(std::span<const std::int32_t> ids, Index m, ConstMatRef<T> a0, ConstMatRef<T> c0,
                                RecurrentTrace<T>& tr) const
{
    beginForward(ids, m, a0, c0, tr);
    for (Index t = 0; t < tr.steps; ++t) forwardStep(tr, t);
}

template <class T> void RecurrentLayer<T>::prepareBackward()
{
    auto& tr = trace_;
    if (tr.stepsDone != tr.steps)
        throw InputError("backward needs all " + std::to_string(tr.steps) + " forward steps, " +
                         std::to_string(tr.stepsDone) + " done");
    tr.dArec.setZero(n_a_, tr.m * (tr.steps + 1));
    if (hasCellState(kind_))
        tr.dC.setZero(n_a_, tr.m * (tr.steps + 1));
    else
        tr.dC.resize(0, 0);
    tr.dZ.resize(tr.Z.rows(), tr.Z.cols());
    tr.dAux.resize(kind_ == CellKind::GruKeras ? n_a_ : 0, kind_ == CellKind::GruKeras ? tr.m * tr.steps : 0);
    tr.daTotal.resize(n_a_, tr.m);
    tr.packedBackward = false;
    if (tr.packedForward) {
        packRecurrent<T>(kind_, W.leftCols(n_a_), true, tr.packs);
        tr.packedBackward = true;
    }
}

template <class T> void RecurrentLayer<T>::beginBackward(ConstMatRef<T> dA)
{
    auto& tr = trace_;
    if (dA.rows() != n_a_ || dA.cols() != tr.m * tr.steps)
        throw InputError("dA is " + std::to_string(dA.rows()) + " x " + std::to_string(dA.cols()) + ", expected " +
                         std::to_string(n_a_) + " x " + std::to_string(tr.m * tr.steps) + " for the last forward pass");
    prepareBackward();
    tr.dAout = dA;
}

template <class T> void RecurrentLayer<T>::beginBackward()
{
    auto& tr = trace_;
    prepareBackward();
    tr.dAout.setZero(n_a_, tr.m * tr.steps);
}

template <class T> void RecurrentLayer<T>::beginBackwardLast(ConstMatRef<T> daT, ConstMatRef<T> dcT)
{
    auto& tr = trace_;
    if (daT.rows() != n_a_ || daT.cols() != tr.m)
        throw InputError("daT is " + std::to_string(daT.rows()) + " x " + std::to_string(daT.cols()) +
                         ", expected " + std::to_string(n_a_) + " x " + std::to_string(tr.m));
    const bool withC = dcT.size() != 0;
    if (withC && (!hasCellState(kind_) || dcT.rows() != n_a_ || dcT.cols() != tr.m))
        throw InputError("dcT given for a cell without a memory cell or with the wrong shape");
    prepareBackward();
    tr.dAout.setZero(n_a_, tr.m * tr.steps);
    // The gradient into the final state arrives like one from a step T+1: in the slot after the last step.
    tr.dArec.rightCols(tr.m) = daT;
    if (withC) tr.dC.rightCols(tr.m) = dcT;
}

template <class T> void RecurrentLayer<T>::backwardStep(Index t)
{
    auto& tr = trace_;
    const Index m = tr.m;
    const auto cols = [&](Mat<T>& M, Index block) { return M.middleCols(block * m, m); };
    tr.daTotal = cols(tr.dAout, t) + cols(tr.dArec, t + 1);
    const bool lstm = hasCellState(kind_);
    CellStepGrad<T> g{.da = tr.daTotal,
                      .dcNext = lstm ? ConstRef<T>(cols(tr.dC, t + 1)) : ConstRef<T>(noMatrix<T>()),
                      .dz = cols(tr.dZ, t),
                      .daPrev = cols(tr.dArec, t),
                      .dcPrev = lstm ? MatRef<T>(cols(tr.dC, t)) : MatRef<T>(noBuffer<T>()),
                      .dAux = kind_ == CellKind::GruKeras ? MatRef<T>(cols(tr.dAux, t)) : MatRef<T>(noBuffer<T>())};
    cellBackward<T>(kind_, recurrentWeights(tr), step(tr, t), g);
}

template <class T> void RecurrentLayer<T>::backwardStep(Index t, ConstMatRef<T> da_t, Mat<T>* dx_t)
{
    auto& tr = trace_;
    if (da_t.rows() != n_a_ || da_t.cols() != tr.m)
        throw InputError("da of step " + std::to_string(t) + " is " + std::to_string(da_t.rows()) + " x " +
                         std::to_string(da_t.cols()) + ", expected " + std::to_string(n_a_) + " x " +
                         std::to_string(tr.m));
    tr.dAout.middleCols(t * tr.m, tr.m) = da_t;
    backwardStep(t);
    if (dx_t) {
        if (tr.inputIsIds) throw InputError("dx is only defined for a dense input");
        dx_t->noalias() = W.rightCols(n_x_).transpose() * tr.dZ.middleCols(t * tr.m, tr.m); // (n_x, m)
    }
}

template <class T> void RecurrentLayer<T>::finishBackward(Mat<T>* dX)
{
    auto& tr = trace_;
    const Index N = tr.m * tr.steps, n = n_a_;
    // Parameter gradients of all steps in one product each.
    accumulateRecurrentGrad<T>(kind_,
                               {.dz = tr.dZ,
                                .aPrev = tr.A.leftCols(N),
                                .aux = hasAux(kind_) ? ConstRef<T>(tr.Aux) : ConstRef<T>(noMatrix<T>()),
                                .dAux = tr.dAux},
                               dW.leftCols(n), kind_ == CellKind::GruKeras ? MatRef<T>(db.col(1)) : MatRef<T>(noBuffer<T>()));
    db.col(0) += tr.dZ.rowwise().sum();
    if (tr.inputIsIds) {
        for (Index j = 0; j < N; ++j)
            if (tr.ids[size_t(j)] != kNoInput) dW.col(n + tr.ids[size_t(j)]) += tr.dZ.col(j);
        if (dX) dX->resize(0, 0);
    } else {
        parallelProductAdd(dW.rightCols(n_x_), tr.dZ, tr.X.transpose());
        if (dX) parallelProduct(*dX, W.rightCols(n_x_).transpose(), tr.dZ);
    }
}

template <class T> void RecurrentLayer<T>::backward(ConstMatRef<T> dA, Mat<T>* dX)
{
    auto& tr = trace_;
    beginBackward(dA);
    for (Index t = tr.steps - 1; t >= 0; --t) backwardStep(t);
    finishBackward(dX);
}

template <class T> void RecurrentLayer<T>::backwardLast(ConstMatRef<T> daT, Mat<T>* dX, ConstMatRef<T> dcT)
{
    auto& tr = trace_;
    beginBackwardLast(daT, dcT);
    for (Index t = tr.steps - 1; t >= 0; --t) backwardStep(t);
    finishBackward(dX);
}

template <class T>
void setKerasGruWeights(RecurrentLayer<T>& layer, ConstMatRef<T> kernel, ConstMatRef<T> recurrentKernel,
                        ConstMatRef<T> bias)
{
    if (layer.kind() != CellKind::GruKeras)
        throw InputError("Keras GRU weights need a gru_keras layer, not " + std::string(cellKindId(layer.kind())));
    const Index n_x = layer.inputSize(), n_a = layer.hiddenSize();
    auto expect = [](const char* what, ConstMatRef<T> M, Index rows, Index cols) {
        if (M.rows() != rows || M.cols() != cols)
            throw InputError(std::string(what) + " is " + std::to_string(M.rows()) + " x " +
                             std::to_string(M.cols()) + ", expected " + std::to_string(rows) + " x " +
                             std::to_string(cols));
    };
    expect("kernel", kernel, n_x, 3 * n_a);
    expect("recurrent_kernel", recurrentKernel, n_a, 3 * n_a);
    expect("bias", bias, 2, 3 * n_a);
    layer.W.leftCols(n_a) = recurrentKernel.transpose();
    layer.W.rightCols(n_x) = kernel.transpose();
    layer.b = bias.transpose();
}

template <class T> KerasGruWeights<T> kerasGruWeights(const RecurrentLayer<T>& layer)
{
    if (layer.kind() != CellKind::GruKeras)
        throw InputError("Keras GRU weights need a gru_keras layer, not " + std::string(cellKindId(layer.kind())));
    const Index n_a = layer.hiddenSize();
    return {layer.W.rightCols(layer.inputSize()).transpose(), layer.W.leftCols(n_a).transpose(),
            layer.b.transpose()};
}

template void setKerasGruWeights<float>(RecurrentLayer<float>&, ConstMatRef<float>, ConstMatRef<float>,
                                        ConstMatRef<float>);
template void setKerasGruWeights<double>(RecurrentLayer<double>&, ConstMatRef<double>, ConstMatRef<double>,
                                         ConstMatRef<double>);
template KerasGruWeights<float> kerasGruWeights<float>(const RecurrentLayer<float>&);
template KerasGruWeights<double> kerasGruWeights<double>(const RecurrentLayer<double>&);

template class RecurrentLayer<float>;
template class RecurrentLayer<double>;

} // namespace unroll
