// Cell step implementations; see Cells.hpp for the equations and shapes.
#include "nn/Cells.hpp"

#include "math/Activations.hpp"
#include "util/Error.hpp"
#include "util/Parallel.hpp"

namespace unroll {

CellKind parseCellKind(std::string_view id)
{
    for (size_t i = 0; i < allCellKindIds.size(); ++i)
        if (allCellKindIds[i] == id) return CellKind(i);
    throw InputError("unknown cell '" + std::string(id) + "': expected rnn, gru, lstm or gru_keras");
}

std::vector<std::string> gateNames(CellKind k)
{
    switch (k) {
    case CellKind::Rnn: return {"a"};
    case CellKind::Gru: return {"r", "u", "c"};
    case CellKind::Lstm: return {"f", "i", "c", "o"};
    case CellKind::GruKeras: return {"z", "r", "h"};
    }
    return {};
}

std::vector<CellTensor> cellTensorNames(CellKind kind, Index n_x, Index n_a)
{
    if (kind == CellKind::Rnn)
        return {{"Wax", false, 0, n_a, n_a, n_x}, {"Waa", false, 0, n_a, 0, n_a}, {"ba", true, 0, n_a, 0, 1}};
    if (kind == CellKind::GruKeras)
        return {{"kernel", false, 0, 3 * n_a, n_a, n_x},
                {"recurrent_kernel", false, 0, 3 * n_a, 0, n_a},
                {"input_bias", true, 0, 3 * n_a, 0, 1},
                {"recurrent_bias", true, 0, 3 * n_a, 1, 1}};
    std::vector<CellTensor> out;
    const auto gates = gateNames(kind);
    for (size_t g = 0; g < gates.size(); ++g)
        out.push_back({"W" + gates[g], false, Index(g) * n_a, n_a, 0, n_a + n_x});
    for (size_t g = 0; g < gates.size(); ++g)
        out.push_back({"b" + gates[g], true, Index(g) * n_a, n_a, 0, 1});
    return out;
}

template <class T> void packRecurrent(CellKind kind, ConstMatRef<T> Wa, bool forBackward, RecurrentPacks<T>& packs)
{
    auto& pieces = forBackward ? packs.backward : packs.forward;
    const Index n = Wa.cols();
    if (kind == CellKind::Rnn || kind == CellKind::Lstm) {
        pieces[0].pack(Wa, forBackward);
        return;
    }
    pieces[0].pack(Wa.topRows(2 * n), forBackward);
    pieces[1].pack(Wa.bottomRows(n), forBackward);
}

namespace {

// C (+)= Wa.middleRows(r0, rows) * B (forward; B: (n_a, m), C: (rows, m)), or its transpose times B (backward;
// B: (rows, m), C: (n_a, m)), through the packed piece of that direction when there is one.
template <class T>
void recurrentProduct(const RecurrentWeights<T>& w, bool transposed, int piece, Index r0, Index rows,
                      ConstMatRef<T> B, MatRef<T> C, bool accumulate)
{
    if (w.packs) {
        (transposed ? w.packs->backward : w.packs->forward)[piece].multiply(B, C, accumulate);
        return;
    }
    const auto block = w.Wa.middleRows(r0, rows);
    if (transposed)
        accumulate ? parallelProductAdd(C, block.transpose(), B) : parallelProduct(C, block.transpose(), B);
    else
        accumulate ? parallelProductAdd(C, block, B) : parallelProduct(C, block, B);
}

} // namespace

template <class T> void cellForward(CellKind kind, const RecurrentWeights<T>& w, CellStep<T> s)
{
    const Index n = s.aPrev.rows();
    auto& z = s.z; // (G n_a, m)
    switch (kind) {
    case CellKind::Rnn:
        recurrentProduct<T>(w, false, 0, 0, n, s.aPrev, z, true);
        tanhInPlace<T>(z);
        s.a = z;
        break;
    case CellKind::Lstm: {
        recurrentProduct<T>(w, false, 0, 0, 4 * n, s.aPrev, z, true);
        sigmoidInPlace<T>(z.topRows(2 * n));   // f, i
        tanhInPlace<T>(z.middleRows(2 * n, n)); // c~
        sigmoidInPlace<T>(z.bottomRows(n));    // o
        s.c.array() = z.topRows(n).array() * s.cPrev.array() +
                      z.middleRows(n, n).array() * z.middleRows(2 * n, n).array();
        s.aux.array() = s.c.array().tanh();
        s.a.array() = z.bottomRows(n).array() * s.aux.array();
        break;
    }
    case CellKind::Gru: {
        recurrentProduct<T>(w, false, 0, 0, 2 * n, s.aPrev, z.topRows(2 * n), true);
        sigmoidInPlace<T>(z.topRows(2 * n)); // r, u
        s.aux.array() = z.topRows(n).array() * s.aPrev.array();
        recurrentProduct<T>(w, false, 1, 2 * n, n, s.aux, z.bottomRows(n), true);
        tanhInPlace<T>(z.bottomRows(n)); // c~
        const auto u = z.middleRows(n, n).array();
        s.a.array() = u * z.bottomRows(n).array() + (1 - u) * s.aPrev.array();
        break;
    }
    case CellKind::GruKeras: {
        recurrentProduct<T>(w, false, 0, 0, 2 * n, s.aPrev, z.topRows(2 * n), true);
        z.topRows(2 * n).colwise() += w.bRec.col(0).head(2 * n);
        sigmoidInPlace<T>(z.topRows(2 * n)); // z, r
        // Uh h_prev + b'h, kept for the backward (dr = dpre_h * aux).
        recurrentProduct<T>(w, false, 1, 2 * n, n, s.aPrev, s.aux, false);
        s.aux.colwise() += w.bRec.col(0).tail(n);
        z.bottomRows(n).array() += z.middleRows(n, n).array() * s.aux.array();
        tanhInPlace<T>(z.bottomRows(n)); // h~
        const auto zg = z.topRows(n).array();
        s.a.array() = zg * s.aPrev.array() + (1 - zg) * z.bottomRows(n).array();
        break;
    }
    }
}

template <class T>
void cellBackward(CellKind kind, const RecurrentWeights<T>& w, CellStep<T> s, CellStepGrad<T> g)
{
    const Index n = g.da.rows();
    const auto z = s.z;
    const auto da = g.da.array();
    auto &dz = g.dz, &daPrev = g.daPrev;
    switch (kind) {
    case CellKind::Rnn:
        dz.array() = da * tanhGradFromOutput(z.array());
        recurrentProduct<T>(w, true, 0, 0, n, dz, daPrev, false);
        break;
    case CellKind::Lstm: {
        const auto f = z.topRows(n).array(), i = z.middleRows(n, n).array();
        const auto cc = z.middleRows(2 * n, n).array(), o = z.bottomRows(n).array();
        const auto tc = s.aux.array();
        auto& dcPrev = g.dcPrev;
        // dc: the gradient reaching c_t, through a_t = o*tanh(c_t) and from step t+1 (the course's "common").
        dcPrev.array() = da * o * tanhGradFromOutput(tc) + g.dcNext.array();
        const auto dc = dcPrev.array();
        dz.bottomRows(n).array() = da * tc * sigmoidGradFromOutput(o);
        dz.middleRows(2 * n, n).array() = dc * i * tanhGradFromOutput(cc);
        dz.middleRows(n, n).array() = dc * cc * sigmoidGradFromOutput(i);
        dz.topRows(n).array() = dc * s.cPrev.array() * sigmoidGradFromOutput(f);
        dcPrev.array() *= f; // dc_prev = dc * f, computed last because it reuses dc's storage
        recurrentProduct<T>(w, true, 0, 0, 4 * n, dz, daPrev, false);
        break;
    }
    case CellKind::Gru: {
        const auto r = z.topRows(n).array(), u = z.middleRows(n, n).array(), cc = z.bottomRows(n).array();
        dz.bottomRows(n).array() = da * u * tanhGradFromOutput(cc);
        dz.middleRows(n, n).array() = da * (cc - s.aPrev.array()) * sigmoidGradFromOutput(u);
        // d(r*a_prev) = Wc_a^T dz_c, then through r*a_prev to r and to a_prev.
        recurrentProduct<T>(w, true, 1, 2 * n, n, dz.bottomRows(n), daPrev, false);
        dz.topRows(n).array() = daPrev.array() * s.aPrev.array() * sigmoidGradFromOutput(r);
        daPrev.array() = daPrev.array() * r + da * (1 - u);
        recurrentProduct<T>(w, true, 0, 0, 2 * n, dz.topRows(2 * n), daPrev, true);
        break;
    }
    case CellKind::GruKeras: {
        const auto zg = z.topRows(n).array(), r = z.middleRows(n, n).array(), hh = z.bottomRows(n).array();
        auto& dAux = g.dAux;
        dz.bottomRows(n).array() = da * (1 - zg) * tanhGradFromOutput(hh);                 // d pre_h
        dz.topRows(n).array() = da * (s.aPrev.array() - hh) * sigmoidGradFromOutput(zg);   // d pre_z
        dz.middleRows(n, n).array() = dz.bottomRows(n).array() * s.aux.array() * sigmoidGradFromOutput(r);
        dAux.array() = dz.bottomRows(n).array() * r; // d(Uh h_prev + b'h)
        daPrev.array() = da * zg;
        recurrentProduct<T>(w, true, 0, 0, 2 * n, dz.topRows(2 * n), daPrev, true);
        recurrentProduct<T>(w, true, 1, 2 * n, n, dAux, daPrev, true);
        break;
    }
    }
}

template <class T>
void accumulateRecurrentGrad(CellKind kind, const RecurrentGradInput<T>& in, MatRef<T> dWa, MatRef<T> dbRec)
{
    const Index n = in.aPrev.rows();
    switch (kind) {
    case CellKind::Rnn:
    case CellKind::Lstm: parallelProductAdd(dWa, in.dz, in.aPrev.transpose()); break;
    case CellKind::Gru:
        parallelProductAdd(dWa.topRows(2 * n), in.dz.topRows(2 * n), in.aPrev.transpose());
        parallelProductAdd(dWa.bottomRows(n), in.dz.bottomRows(n), in.aux.transpose());
        break;
    case CellKind::GruKeras:
        parallelProductAdd(dWa.topRows(2 * n), in.dz.topRows(2 * n), in.aPrev.transpose());
        parallelProductAdd(dWa.bottomRows(n), in.dAux, in.aPrev.transpose());
        dbRec.col(0).head(2 * n) += in.dz.topRows(2 * n).rowwise().sum();
        dbRec.col(0).tail(n) += in.dAux.rowwise().sum();
        break;
    }
}

#define UNROLL_INSTANTIATE_CELLS(T)                                                                                   \
    template void packRecurrent<T>(CellKind, ConstMatRef<T>, bool, RecurrentPacks<T>&);                              \
    template void cellForward<T>(CellKind, const RecurrentWeights<T>&, CellStep<T>);                          \
    template void cellBackward<T>(CellKind, const RecurrentWeights<T>&, CellStep<T>, CellStepGrad<T>); \
    template void accumulateRecurrentGrad<T>(CellKind, const RecurrentGradInput<T>&, MatRef<T>, MatRef<T>);
UNROLL_INSTANTIATE_CELLS(float)
UNROLL_INSTANTIATE_CELLS(double)

} // namespace unroll
