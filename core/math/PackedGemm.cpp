// PackedMatrix: Eigen's GEMM with the left-hand side packed once; see PackedGemm.hpp.
#include "math/PackedGemm.hpp"

#include <Eigen/Core>

#include <algorithm>

namespace unroll {

namespace {
template <class T> using Traits = Eigen::internal::gebp_traits<T, T>;
template <class T> using LhsMapper = Eigen::internal::const_blas_data_mapper<T, Index, Eigen::ColMajor>;
template <class T> using ResMapper = Eigen::internal::blas_data_mapper<T, Index, Eigen::ColMajor, Eigen::Unaligned, 1>;
} // namespace

template <class T> void PackedMatrix<T>::pack(ConstMatRef<T> A, bool transpose)
{
    const T* data = A.data();
    Index ld = A.outerStride();
    if (transpose) {
        transposed_ = A.transpose(); // contiguous column-major A^T, packed below
        data = transposed_.data();
        ld = transposed_.outerStride();
    }
    rows_ = transpose ? A.cols() : A.rows();
    depth_ = transpose ? A.rows() : A.cols();
    Index kc = depth_, mc = rows_, nc = 64; // Eigen's own choice of cache blocks for this shape
    Eigen::internal::computeProductBlockingSizes<T, T, 1, Index>(kc, mc, nc, 1);
    kc_ = std::max<Index>(1, kc);
    mc_ = std::max<Index>(1, mc);
    nc_ = std::max<Index>(1, nc);
    Eigen::internal::gemm_pack_lhs<T, Index, LhsMapper<T>, Traits<T>::mr, Traits<T>::LhsProgress,
                                   typename Traits<T>::LhsPacket4Packing, Eigen::ColMajor>
        packLhs;
    const LhsMapper<T> lhs(data, ld);
    offsets_.clear();
    packed_.resize(size_t(rows_ * depth_));
    Index at = 0;
    for (Index i2 = 0; i2 < rows_; i2 += mc_) {
        const Index mcA = std::min(i2 + mc_, rows_) - i2;
        for (Index k2 = 0; k2 < depth_; k2 += kc_) {
            const Index kcA = std::min(k2 + kc_, depth_) - k2;
            offsets_.push_back(at);
            packLhs(packed_.data() + at, lhs.getSubMapper(i2, k2), kcA, mcA);
            at += mcA * kcA;
        }
    }
    blockB_.resize(size_t(kc_ * nc_));
}

template <class T> void PackedMatrix<T>::multiply(ConstMatRef<T> B, MatRef<T> C, bool accumulate) const
{
    eigen_assert(B.rows() == depth_ && C.rows() == rows_ && C.cols() == B.cols());
    if (!accumulate) C.setZero();
    if (rows_ == 0 || depth_ == 0 || B.cols() == 0) return;
    Eigen::internal::gemm_pack_rhs<T, Index, LhsMapper<T>, Traits<T>::nr, Eigen::ColMajor> packRhs;
    Eigen::internal::gebp_kernel<T, T, Index, ResMapper<T>, Traits<T>::mr, Traits<T>::nr, false, false> gebp;
    const LhsMapper<T> rhs(B.data(), B.outerStride());
    const ResMapper<T> res(C.data(), C.outerStride());
    const Index n = B.cols(), kBlocks = (depth_ + kc_ - 1) / kc_;
    for (Index j2 = 0; j2 < n; j2 += nc_) {
        const Index ncA = std::min(j2 + nc_, n) - j2;
        for (Index k2 = 0, kb = 0; k2 < depth_; k2 += kc_, ++kb) {
            const Index kcA = std::min(k2 + kc_, depth_) - k2;
            packRhs(blockB_.data(), rhs.getSubMapper(k2, j2), kcA, ncA);
            for (Index i2 = 0, ib = 0; i2 < rows_; i2 += mc_, ++ib) {
                const Index mcA = std::min(i2 + mc_, rows_) - i2;
                gebp(res.getSubMapper(i2, j2), packed_.data() + offsets_[size_t(ib * kBlocks + kb)], blockB_.data(),
                     mcA, kcA, ncA, T(1));
            }
        }
    }
}

template class PackedMatrix<float>;
template class PackedMatrix<double>;

} // namespace unroll
