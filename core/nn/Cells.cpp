// Cell step implementations; see Cells.hpp for the equations and shapes.
#include "nn/Cells.hpp"

#include "math/Activations.hpp"
#include "util/Error.hpp"

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

template <class T> void cellForward(CellKind kind, const RecurrentWeights<T>& w, CellStep<T> s)
{
    const Index n = s.aPrev.rows();
    const auto& Wa = w.Wa;
    auto& z = s.z; // (G n_a, m)
    switch (kind) {
    case CellKind::Rnn:
        z.noalias() += Wa * s.aPrev;
        tanhInPlace<T>(z);
        s.a = z;
        break;
    case CellKind::Lstm: {
        z.noalias() += Wa * s.aPrev;
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
        z.topRows(2 * n).noalias() += Wa.topRows(2 * n) * s.aPrev;
        sigmoidInPlace<T>(z.topRows(2 * n)); // r, u
        s.aux.array() = z.topRows(n).array() * s.aPrev.array();
        z.bottomRows(n).noalias() += Wa.bottomRows(n) * s.aux;
        tanhInPlace<T>(z.bottomRows(n)); // c~
        const auto u = z.middleRows(n, n).array();
        s.a.array() = u * z.bottomRows(n).array() + (1 - u) * s.aPrev.array();
        break;
    }
    case CellKind::GruKeras: {
        z.topRows(2 * n).noalias() += Wa.topRows(2 * n) * s.aPrev;
        z.topRows(2 * n).colwise() += w.bRec.col(0).head(2 * n);
        sigmoidInPlace<T>(z.topRows(2 * n)); // z, r
        s.aux.noalias() = Wa.bottomRows(n) * s.aPrev; // Uh h_prev + b'h, kept for the backward (dr = dpre_h * aux)
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
    const auto& Wa = w.Wa;
    const auto z = s.z;
    const auto da = g.da.array();
    auto &dz = g.dz, &daPrev = g.daPrev;
    switch (kind) {
    case CellKind::Rnn:
        dz.array() = da * tanhGradFromOutput(z.array());
        daPrev.noalias() = Wa.transpose() * dz;
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
        daPrev.noalias() = Wa.transpose() * dz;
        break;
    }
    case CellKind::Gru: {
        const auto r = z.topRows(n).array(), u = z.middleRows(n, n).array(), cc = z.bottomRows(n).array();
        dz.bottomRows(n).array() = da * u * tanhGradFromOutput(cc);
        dz.middleRows(n, n).array() = da * (cc - s.aPrev.array()) * sigmoidGradFromOutput(u);
        // d(r*a_prev) = Wc_a^T dz_c, then through r*a_prev to r and to a_prev.
        daPrev.noalias() = Wa.bottomRows(n).transpose() * dz.bottomRows(n);
        dz.topRows(n).array() = daPrev.array() * s.aPrev.array() * sigmoidGradFromOutput(r);
        daPrev.array() = daPrev.array() * r + da * (1 - u);
        daPrev.noalias() += Wa.topRows(2 * n).transpose() * dz.topRows(2 * n);
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
        daPrev.noalias() += Wa.topRows(2 * n).transpose() * dz.topRows(2 * n);
        daPrev.noalias() += Wa.bottomRows(n).transpose() * dAux;
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
    case CellKind::Lstm: dWa.noalias() += in.dz * in.aPrev.transpose(); break;
    case CellKind::Gru:
        dWa.topRows(2 * n).noalias() += in.dz.topRows(2 * n) * in.aPrev.transpose();
        dWa.bottomRows(n).noalias() += in.dz.bottomRows(n) * in.aux.transpose();
        break;
    case CellKind::GruKeras:
        dWa.topRows(2 * n).noalias() += in.dz.topRows(2 * n) * in.aPrev.transpose();
        dWa.bottomRows(n).noalias() += in.dAux * in.aPrev.transpose();
        dbRec.col(0).head(2 * n) += in.dz.topRows(2 * n).rowwise().sum();
        dbRec.col(0).tail(n) += in.dAux.rowwise().sum();
        break;
    }
}

#define UNROLL_INSTANTIATE_CELLS(T)                                                                                   \
    template void cellForward<T>(CellKind, const RecurrentWeights<T>&, CellStep<T>);                          \
    template void cellBackward<T>(CellKind, const RecurrentWeights<T>&, CellStep<T>, CellStepGrad<T>); \
    template void accumulateRecurrentGrad<T>(CellKind, const RecurrentGradInput<T>&, MatRef<T>, MatRef<T>);
UNROLL_INSTANTIATE_CELLS(float)
UNROLL_INSTANTIATE_CELLS(double)

} // namespace unroll
