// Exact k nearest neighbours (Euclidean) of points given as rows, with a vantage-point tree (Yianilos 1993), the
// structure van der Maaten 2014 uses for Barnes-Hut t-SNE's input similarities. Private to Tsne.cpp.
//
//   VpTree tree(data, n, dim, seed);              // data: n rows of dim doubles, row-major; kept by pointer
//   std::vector<VpTree::Hit> hits(k);
//   tree.search(i, k, hits.data());               // the k nearest other points of point i, nearest first
//
// Layout: the tree is implicit in one array of point indices. The node of range [lo, hi) is its first item (the
// vantage point); the items within `radius` of it follow in [lo + 1, mid), the others in [mid, hi). A range of at
// most kLeafSize items is a bucket scanned directly. The coordinates are copied in that order, so a search reads
// memory mostly forward. The tree is immutable after construction: any number of threads may search it.
//
// Determinism: the vantage points come from a seeded generator, and ties in distance are broken by the point index,
// so the neighbours of a point depend only on the data and the seed (not on the thread that asks).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace unroll::vectors::detail {

// |a - b|^2 over dim values. Four partial sums: the compiler may not reorder a floating-point sum by itself, and one
// chain of dependent adds is four times slower than the multiplies feeding it.
inline double squaredDistance(const double* a, const double* b, int dim)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int j = 0;
    for (; j + 4 <= dim; j += 4) {
        const double d0 = a[j] - b[j], d1 = a[j + 1] - b[j + 1], d2 = a[j + 2] - b[j + 2], d3 = a[j + 3] - b[j + 3];
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
    }
    for (; j < dim; ++j) {
        const double d = a[j] - b[j];
        s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
}

class VpTree {
public:
    struct Hit {
        double distance = 0; // Euclidean
        std::int32_t index = -1;
        bool operator<(const Hit& o) const { return distance < o.distance || (distance == o.distance && index < o.index); }
    };

    VpTree(const double* data, std::int64_t n, int dim, std::uint64_t seed) : n_(n), dim_(dim)
    {
        items_.resize(std::size_t(n));
        for (std::int64_t i = 0; i < n; ++i) items_[std::size_t(i)] = std::int32_t(i);
        radius_.assign(std::size_t(n), 0.0);
        mid_.assign(std::size_t(n), 0);
        rng_ = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
        std::vector<double> scratch(static_cast<std::size_t>(n));
        build(data, 0, std::int32_t(n), scratch);
        ordered_.resize(std::size_t(n) * std::size_t(dim));
        slotOf_.resize(std::size_t(n));
        for (std::int64_t k = 0; k < n; ++k) {
            std::copy_n(data + std::size_t(items_[std::size_t(k)]) * std::size_t(dim), dim,
                        ordered_.data() + std::size_t(k) * std::size_t(dim));
            slotOf_[std::size_t(items_[std::size_t(k)])] = std::int32_t(k);
        }
    }

    // The k nearest points other than `query` (a point of the tree), nearest first, into out[0 .. k).
    // requires: 0 < k < n.
    void search(std::int32_t query, int k, Hit* out) const
    {
        const double* q = row(slotOf_[std::size_t(query)]);
        Heap heap{out, k};
        // A range still to search and a lower bound on the distance from the query to anything in it: tau only
        // shrinks, so a range pushed early is tested again when it is popped.
        struct Range {
            std::int32_t lo, hi;
            double bound;
        };
        Range stack[160]; // depth <= log2(n) + 1 levels, at most two entries per level
        int top = 0;
        stack[top++] = {0, std::int32_t(n_), 0.0};
        while (top > 0) {
            const Range r = stack[--top];
            if (r.bound > heap.tau()) continue;
            if (r.hi - r.lo <= kLeafSize) {
                for (std::int32_t t = r.lo; t < r.hi; ++t)
                    if (items_[std::size_t(t)] != query)
                        heap.offer(std::sqrt(squaredDistance(q, row(t))), items_[std::size_t(t)]);
                continue;
            }
            const double d = std::sqrt(squaredDistance(q, row(r.lo)));
            if (items_[std::size_t(r.lo)] != query) heap.offer(d, items_[std::size_t(r.lo)]);
            const double radius = radius_[std::size_t(r.lo)];
            const std::int32_t mid = mid_[std::size_t(r.lo)];
            // Everything inside is within `radius` of the vantage point, so at least d - radius from the query;
            // everything outside is at least radius - d from it (triangle inequality).
            const Range inside{r.lo + 1, mid, d - radius}, outside{mid, r.hi, radius - d};
            // The near side is pushed last, so it is searched first and shrinks tau sooner.
            if (d < radius) {
                if (d + heap.tau() >= radius && outside.hi > outside.lo) stack[top++] = outside;
                if (inside.hi > inside.lo) stack[top++] = inside;
            } else {
                if (d - heap.tau() <= radius && inside.hi > inside.lo) stack[top++] = inside;
                if (outside.hi > outside.lo) stack[top++] = outside;
            }
        }
        std::sort_heap(out, out + k);
    }

private:
    static constexpr std::int32_t kLeafSize = 8;

    // A max-heap of the best k hits so far in out[0 .. size).
    struct Heap {
        Hit* out;
        int k;
        int size = 0;
        double tau() const { return size < k ? std::numeric_limits<double>::infinity() : out[0].distance; }
        void offer(double distance, std::int32_t index)
        {
            const Hit h{distance, index};
            if (size < k) {
                out[size++] = h;
                std::push_heap(out, out + size);
            } else if (h < out[0]) {
                std::pop_heap(out, out + k);
                out[k - 1] = h;
                std::push_heap(out, out + k);
            }
        }
    };

    double squaredDistance(const double* a, const double* b) const { return detail::squaredDistance(a, b, dim_); }
    const double* row(std::int32_t slot) const { return ordered_.data() + std::size_t(slot) * std::size_t(dim_); }

    std::uint64_t nextRandom()
    {
        // splitmix64: a fixed, portable sequence (std:: distributions differ between standard libraries).
        std::uint64_t z = (rng_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    // Builds the node of [lo, hi) in place (iteratively over the outside branch to bound the recursion).
    void build(const double* data, std::int32_t lo, std::int32_t hi, std::vector<double>& scratch)
    {
        while (hi - lo > kLeafSize) {
            const std::int32_t pick = lo + std::int32_t(nextRandom() % std::uint64_t(hi - lo));
            std::swap(items_[std::size_t(lo)], items_[std::size_t(pick)]);
            const double* v = data + std::size_t(items_[std::size_t(lo)]) * std::size_t(dim_);
            for (std::int32_t t = lo + 1; t < hi; ++t)
                scratch[std::size_t(items_[std::size_t(t)])] =
                    squaredDistance(v, data + std::size_t(items_[std::size_t(t)]) * std::size_t(dim_));
            const std::int32_t mid = lo + 1 + (hi - lo - 1) / 2;
            auto closer = [&](std::int32_t a, std::int32_t b) {
                const double da = scratch[std::size_t(a)], db = scratch[std::size_t(b)];
                return da < db || (da == db && a < b);
            };
            std::nth_element(items_.begin() + lo + 1, items_.begin() + mid, items_.begin() + hi, closer);
            // Inside: [lo + 1, mid), at most the median distance; outside: [mid, hi), at least it (the median item first).
            radius_[std::size_t(lo)] = std::sqrt(scratch[std::size_t(items_[std::size_t(mid)])]);
            mid_[std::size_t(lo)] = mid;
            build(data, lo + 1, mid, scratch);
            lo = mid;
        }
    }

    std::int64_t n_;
    int dim_;
    std::uint64_t rng_ = 0;
    std::vector<std::int32_t> items_; // point index at each slot
    std::vector<double> radius_;      // per node slot
    std::vector<std::int32_t> mid_;   // per node slot: where the outside range starts
    std::vector<double> ordered_;     // coordinates in slot order
    std::vector<std::int32_t> slotOf_; // point index -> slot
};

} // namespace unroll::vectors::detail
