// Cell step implementations; see Cells.hpp for the equations and shapes.
#include "nn/Cells.hpp"

#include "math/Activations.hpp"
#include "util/Error.hpp"
#include "util/Parallel.hpp"

namespace unroll {

CellKind parseCellKind(std::string_view id)
{
    for (size_t i = 0; i < cellKindIds.size(); ++i)
        if (cellKindIds[i] == id) return CellKind(i);
    throw InputError("unknown cell '" + std::string(id) + "': expected rnn, gru or lstm");
}

std::vector<std::string> gateNames(CellKind k)
{
    switch (k) {
    case CellKind::Rnn: return {"a"};
    case CellKind::Gru: return {"r", "u", "c"};
    case CellKind::Lstm: return {"f", "i", "c", "o"};
    }
    return {};
}

std::vector<CellTensor> cellTensorNames(CellKind kind, Index n_x, Index n_a)
{
    if (kind == CellKind::Rnn)
        return {{"Wax", false, 0, n_a, n_a, n_x}, {"Waa", false, 0, n_a, 0, n_a}, {"ba", true, 0, n_a, 0, 1}};
    std::vector<CellTensor> out;
    const auto gates = gateNames(kind);
    for (size_t g = 0; g < gates.size(); ++g)
        out.push_back({"W" + gates[g], false, Index(g) * n_a, n_a, 0, n_a + n_x});
    for (size_t g = 0; g < gates.size(); ++g)
        out.push_back({"b" + gates[g], true, Index(g) * n_a, n_a, 0, 1});
    return out;
}

template <class T>
void cellForward(CellKind kind, MatRef<T> z, ConstMatRef<T> Wa, ConstMatRef<T> aPrev, ConstMatRef<T> cPrev,
                 MatRef<T> a, MatRef<T> c, MatRef<T> aux)
{
    const Index n = a.rows();
    switch (kind) {
    case CellKind::Rnn:
        parallelProductAdd(z, Wa, aPrev);
        tanhInPlace<T>(z);
        a = z;
        break;
    case CellKind::Lstm: {
        parallelProductAdd(z, Wa, aPrev);
        sigmoidInPlace<T>(z.topRows(2 * n));   // f, i
        tanhInPlace<T>(z.middleRows(2 * n, n)); // c~
        sigmoidInPlace<T>(z.bottomRows(n));    // o
        c.array() = z.topRows(n).array() * cPrev.array() + z.middleRows(n, n).array() * z.middleRows(2 * n, n).array();
        aux.array() = c.array().tanh();
        a.array() = z.bottomRows(n).array() * aux.array();
        break;
    }
    case CellKind::Gru: {
        parallelProductAdd(z.topRows(2 * n), Wa.topRows(2 * n), aPrev);
        sigmoidInPlace<T>(z.topRows(2 * n)); // r, u
        aux.array() = z.topRows(n).array() * aPrev.array();
        parallelProductAdd(z.bottomRows(n), Wa.bottomRows(n), aux);
        tanhInPlace<T>(z.bottomRows(n)); // c~
        const auto u = z.middleRows(n, n).array();
        a.array() = u * z.bottomRows(n).array() + (1 - u) * aPrev.array();
        break;
    }
    }
}

template <class T>
void cellBackward(CellKind kind, ConstMatRef<T> z, ConstMatRef<T> Wa, ConstMatRef<T> aPrev, ConstMatRef<T> cPrev,
                  ConstMatRef<T> aux, ConstMatRef<T> da, ConstMatRef<T> dcNext, MatRef<T> dz, MatRef<T> daPrev,
                  MatRef<T> dcPrev)
{
    const Index n = da.rows();
    switch (kind) {
    case CellKind::Rnn:
        dz.array() = da.array() * tanhGradFromOutput(z.array());
        parallelProduct(daPrev, Wa.transpose(), dz);
        break;
    case CellKind::Lstm: {
        const auto f = z.topRows(n).array(), i = z.middleRows(n, n).array();
        const auto cc = z.middleRows(2 * n, n).array(), o = z.bottomRows(n).array();
        const auto tc = aux.array();
        // dc: the gradient reaching c_t, through a_t = o*tanh(c_t) and from step t+1 (the course's "common").
        dcPrev.array() = da.array() * o * tanhGradFromOutput(tc) + dcNext.array();
        const auto dc = dcPrev.array();
        dz.bottomRows(n).array() = da.array() * tc * sigmoidGradFromOutput(o);
        dz.middleRows(2 * n, n).array() = dc * i * tanhGradFromOutput(cc);
        dz.middleRows(n, n).array() = dc * cc * sigmoidGradFromOutput(i);
        dz.topRows(n).array() = dc * cPrev.array() * sigmoidGradFromOutput(f);
        dcPrev.array() *= f; // dc_prev = dc * f, computed last because it reuses dc's storage
        parallelProduct(daPrev, Wa.transpose(), dz);
        break;
    }
    case CellKind::Gru: {
        const auto r = z.topRows(n).array(), u = z.middleRows(n, n).array(), cc = z.bottomRows(n).array();
        dz.bottomRows(n).array() = da.array() * u * tanhGradFromOutput(cc);
        dz.middleRows(n, n).array() = da.array() * (cc - aPrev.array()) * sigmoidGradFromOutput(u);
        // d(r*a_prev) = Wc_a^T dz_c, then through r*a_prev to r and to a_prev.
        parallelProduct(daPrev, Wa.bottomRows(n).transpose(), dz.bottomRows(n));
        dz.topRows(n).array() = daPrev.array() * aPrev.array() * sigmoidGradFromOutput(r);
        daPrev.array() = daPrev.array() * r + da.array() * (1 - u);
        parallelProductAdd(daPrev, Wa.topRows(2 * n).transpose(), dz.topRows(2 * n));
        break;
    }
    }
}

template <class T>
void accumulateRecurrentGrad(CellKind kind, MatRef<T> dWa, ConstMatRef<T> dz, ConstMatRef<T> aPrev,
                             ConstMatRef<T> aux)
{
    if (kind != CellKind::Gru) {
        parallelProductAdd(dWa, dz, aPrev.transpose());
        return;
    }
    const Index n = aPrev.rows();
    parallelProductAdd(dWa.topRows(2 * n), dz.topRows(2 * n), aPrev.transpose());
    parallelProductAdd(dWa.bottomRows(n), dz.bottomRows(n), aux.transpose());
}

#define UNROLL_INSTANTIATE_CELLS(T)                                                                                   \
    template void cellForward<T>(CellKind, MatRef<T>, ConstMatRef<T>, ConstMatRef<T>, ConstMatRef<T>, MatRef<T>,      \
                                 MatRef<T>, MatRef<T>);                                                               \
    template void cellBackward<T>(CellKind, ConstMatRef<T>, ConstMatRef<T>, ConstMatRef<T>, ConstMatRef<T>,          \
                                  ConstMatRef<T>, ConstMatRef<T>, ConstMatRef<T>, MatRef<T>, MatRef<T>, MatRef<T>);   \
    template void accumulateRecurrentGrad<T>(CellKind, MatRef<T>, ConstMatRef<T>, ConstMatRef<T>, ConstMatRef<T>);
UNROLL_INSTANTIATE_CELLS(float)
UNROLL_INSTANTIATE_CELLS(double)

} // namespace unroll
