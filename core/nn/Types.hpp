// Matrix aliases shared by the numeric core. Column-vector convention of the course: a state is (n_a, m), one column
// per example in the batch; a sequence of T steps is stored as (n, m*T) with step t in columns [t*m, (t+1)*m).
#pragma once

#include <Eigen/Core>

#include <vector>

namespace unroll {

using Index = Eigen::Index;

template <class T> using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T> using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <class T> using MatRef = Eigen::Ref<Mat<T>>;
template <class T> using ConstMatRef = const Eigen::Ref<const Mat<T>>&;

using MatF = Mat<float>;
using MatD = Mat<double>;

// The values of M in row-major (C, numpy) order, converted to Out: M(i, j) lands at i * cols + j. Eigen stores
// column-major; files, numpy arrays and the heatmap views want rows first.
template <class Out, class Derived> std::vector<Out> rowMajorValues(const Eigen::MatrixBase<Derived>& M)
{
    const Eigen::Matrix<Out, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> r = M.template cast<Out>();
    return std::vector<Out>(r.data(), r.data() + r.size());
}

} // namespace unroll
