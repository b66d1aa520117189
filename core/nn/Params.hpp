// Named views of trainable tensors and their gradients.
//
// A Param names a block of a value matrix and the same block of its gradient matrix. Whole buffers ("layer0.W") are
// what optimizers step; course-named blocks ("Wf" = the first n_a rows of an LSTM's stacked W) are what files, the
// gradient checker and the GUI show. One mechanism serves both: a block that covers the whole matrix.
#pragma once

#include "nn/Types.hpp"

#include <string>
#include <vector>

namespace unroll {

template <class T> struct Param {
    std::string name;
    Mat<T>* value = nullptr;
    Mat<T>* grad = nullptr;
    Index row = 0, col = 0, rows = -1, cols = -1; // block within value/grad; -1 = to the end

    Index blockRows() const { return rows < 0 ? value->rows() - row : rows; }
    Index blockCols() const { return cols < 0 ? value->cols() - col : cols; }
    auto valueBlock() const { return value->block(row, col, blockRows(), blockCols()); }
    auto gradBlock() const { return grad->block(row, col, blockRows(), blockCols()); }
    Index size() const { return blockRows() * blockCols(); }
};

template <class T> using ParamList = std::vector<Param<T>>;

template <class T> Param<T> wholeParam(std::string name, Mat<T>& value, Mat<T>& grad)
{
    return Param<T>{std::move(name), &value, &grad};
}

// Prefix every name, e.g. "layer0." for stacked layers.
template <class T> ParamList<T> prefixed(ParamList<T> list, const std::string& prefix)
{
    for (auto& p : list) p.name = prefix + p.name;
    return list;
}

template <class T> void zeroGrads(const ParamList<T>& list)
{
    for (const auto& p : list) p.gradBlock().setZero();
}

} // namespace unroll
