// A matrix packed once for Eigen's GEMM kernel, multiplied many times: the recurrent weights of a layer, used by every
// time step's product W_a a<t-1> (and W_a^T dz<t> backward).
//
//   PackedMatrix<float> Wp;
//   Wp.pack(Wa);                    // once per forward: Wa (rows, depth), or pack(Wa, true) for Wa^T
//   Wp.multiply(aPrev, z, true);    // per step: z (rows, m) += Wa aPrev, aPrev (depth, m)
//
// Why: a plain `z.noalias() += Wa * aPrev` packs Wa into the kernel's panel layout on every call, a full copy of the
// weights per step (about a quarter of the time of a 512-unit LSTM at batch 32). Packing is the plan, the product the
// execution (kissfft's plan/execute split). It calls Eigen 3.4's internal blocks (gemm_pack_lhs, gemm_pack_rhs,
// gebp_kernel) the way its sequential general_matrix_matrix_product does, so results match Eigen's own product up to
// rounding. Single-threaded: callers keep Eigen's product when Eigen runs several threads.
#pragma once

#include "nn/Types.hpp"

#include <vector>

namespace unroll {

template <class T> class PackedMatrix {
public:
    // A: (rows, depth), or with transpose the matrix A^T of A (depth, rows).
    void pack(ConstMatRef<T> A, bool transpose = false);
    Index rows() const { return rows_; }
    Index depth() const { return depth_; }
    bool empty() const { return packed_.empty(); }
    // C (rows, n) = (or += when accumulate) packed * B, B: (depth, n). C must not alias B.
    void multiply(ConstMatRef<T> B, MatRef<T> C, bool accumulate) const;

private:
    Index rows_ = 0, depth_ = 0, kc_ = 0, mc_ = 0, nc_ = 0;
    std::vector<Index> offsets_; // start of block (i2, k2) in packed_, i2-major
    std::vector<T, Eigen::aligned_allocator<T>> packed_;
    mutable std::vector<T, Eigen::aligned_allocator<T>> blockB_; // the right-hand side's packing (kc x nc)
    Mat<T> transposed_;
};

extern template class PackedMatrix<float>;
extern template class PackedMatrix<double>;

} // namespace unroll
