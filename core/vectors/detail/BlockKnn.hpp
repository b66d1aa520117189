// Exact k nearest neighbours by a blocked scan: the squared distances of a block of query rows to every point come
// from one matrix product (|x|^2 + |y|^2 - 2 x.y), and each row keeps its k best in a heap. Private to Tsne.cpp.
//
//   BlockKnn scan(data, n, dim);                       // data: n rows of dim doubles, row-major; kept by pointer
//   scan.searchBlock(b, k, index, sqdist);             // rows [b * kBlock, …): k neighbours each, nearest first
//
// Why not only the vantage-point tree (VpTree.hpp): in 50 dimensions it cannot prune. Measured on this project's
// inputs, a VP-tree search for the 91 nearest neighbours computed the distance to 82% of the points (10,000
// clustered points) and to all of them (2,400 GloVe words): the tree's bookkeeping then only adds cost, while the
// scan runs at matrix-product speed. Tsne.cpp uses the tree for low-dimensional inputs, where it prunes well.
//
// The k returned distances are recomputed directly (sum of squared differences), not taken from the product, whose
// cancellation loses digits for near points. Ties are broken by the point index. A block is always the same rows
// whatever thread runs it, so the result does not depend on the thread count.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace unroll::vectors::detail {

class BlockKnn {
public:
    static constexpr std::int64_t kBlock = 64;
    static constexpr std::int64_t kTile = 2048;
    using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

    BlockKnn(const double* data, std::int64_t n, int dim) : x_(data, n, dim), n_(n), dim_(dim)
    {
        norms_ = x_.rowwise().squaredNorm();
    }

    std::int64_t blocks() const { return (n_ + kBlock - 1) / kBlock; }

    // For every row i of block b: index[i * k + t] and sqdist[i * k + t], t = 0 .. k-1, nearest first.
    // requires: 0 < k < n.
    void searchBlock(std::int64_t b, int k, std::int32_t* index, double* sqdist) const
    {
        const std::int64_t begin = b * kBlock, rows = std::min(kBlock, n_ - begin);
        // One heap of the k best (squared distance, index) per row, filled tile by tile: a tile of the products
        // (rows x kTile doubles, 1 MB) stays in cache while it is scanned.
        std::vector<std::pair<double, std::int32_t>> heaps(static_cast<std::size_t>(rows * k));
        std::vector<int> sizes(static_cast<std::size_t>(rows), 0);
        RowMatrix dots(rows, kTile);
        for (std::int64_t c0 = 0; c0 < n_; c0 += kTile) {
            const std::int64_t cols = std::min(kTile, n_ - c0);
            dots.leftCols(cols).noalias() = x_.middleRows(begin, rows) * x_.middleRows(c0, cols).transpose();
            for (std::int64_t r = 0; r < rows; ++r) {
                const std::int64_t i = begin + r;
                const double ni = norms_(i);
                auto* heap = heaps.data() + r * k;
                int& size = sizes[std::size_t(r)];
                const double* d = dots.data() + r * kTile;
                const double* nj = norms_.data() + c0;
                // Only a distance below the heap's worst can enter (equal ones too, for the index tie-break).
                double worst = size < k ? std::numeric_limits<double>::infinity() : heap[0].first;
                for (std::int64_t c = 0; c < cols; ++c) {
                    const double dist = ni + nj[c] - 2.0 * d[c];
                    if (dist > worst) continue;
                    const std::int64_t j = c0 + c;
                    if (j == i) continue;
                    const std::pair<double, std::int32_t> h{dist, std::int32_t(j)};
                    if (size < k) {
                        heap[size++] = h;
                        std::push_heap(heap, heap + size);
                        if (size == k) worst = heap[0].first;
                    } else if (h < heap[0]) {
                        std::pop_heap(heap, heap + k);
                        heap[k - 1] = h;
                        std::push_heap(heap, heap + k);
                        worst = heap[0].first;
                    }
                }
            }
        }
        for (std::int64_t r = 0; r < rows; ++r) {
            const std::int64_t i = begin + r;
            auto* heap = heaps.data() + r * k;
            for (int t = 0; t < k; ++t) heap[t].first = (x_.row(i) - x_.row(heap[t].second)).squaredNorm();
            std::sort(heap, heap + k);
            for (int t = 0; t < k; ++t) {
                index[i * k + t] = heap[t].second;
                sqdist[i * k + t] = heap[t].first;
            }
        }
    }

private:
    Eigen::Map<const RowMatrix> x_;
    Eigen::VectorXd norms_;
    std::int64_t n_;
    int dim_;
};

} // namespace unroll::vectors::detail
