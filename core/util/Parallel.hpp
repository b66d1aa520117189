// Large matrix products on every core of the thread budget, without ever being slower than one core.
//
//   parallelProduct(C, A, B);      // C.noalias() = A * B    (C: (M, N), A: (M, K), B: (K, N))
//   parallelProductAdd(C, A, B);   // C.noalias() += A * B
//
// A product of at least kMinParallelFlops is cut into independent blocks of C -- blocks of rows when C is taller than
// wide (each thread then packs only its rows of A), else blocks of columns -- several per thread, aligned to Eigen's
// micro-kernel, each one single-threaded Eigen GEMM run on the pool of util/Threads.hpp. The results are the same
// as the plain product's up to rounding (Eigen may block the K sum differently for a block than for the whole).
//
// An adaptive guard keeps it from ever costing more than it gains: for each call site and shape it times the parallel
// and the serial product (a few calls each at first, then one call in 32, and a parallel trial at most once per ~50x
// its own cost while serial is winning) and goes parallel only while its moving average is 10% below serial's. When
// another process takes a core, parallel calls slow down and the guard switches that shape to serial within a few
// calls.
// Smaller products, threadCount() == 1, and calls from inside a parallel region are the plain Eigen product.
//
// What it leaves out: no aliasing check (as with noalias(), C must not overlap A or B) and no coefficient-wise
// products; inputs are any Eigen expressions Eigen's GEMM can read directly (matrices, blocks, Refs, transposes).
#pragma once

#include "util/Threads.hpp"

#include <Eigen/Core>

#include <chrono>
#include <cstdint>

namespace unroll {

// 2*M*N*K below which a product always stays on the calling thread (measured in docs/benchmarks.md: about 10 us of
// work on one core; splitting less than that costs more in hand-over than it gains).
inline constexpr double kMinParallelFlops = 1.0e6;

namespace detail {

// What the guard decided for one call: split or not, and (if timing) where to report the elapsed time.
struct ProductDecision {
    bool parallel = false;
    void* guard = nullptr; // null: do not time this call
};
ProductDecision decideProduct(const void* site, std::int64_t m, std::int64_t n, std::int64_t k, bool add);
void recordProduct(void* guard, bool parallel, std::chrono::steady_clock::duration elapsed);

// Number of chunks and their size along the split dimension `extent` (a multiple of `align` except the last).
struct ProductSplit {
    std::int64_t chunks = 1, step = 0;
};
ProductSplit splitProduct(std::int64_t extent, std::int64_t align, double flops);

template <class Dst, class Lhs, class Rhs> void serialProduct(Dst& C, const Lhs& A, const Rhs& B, bool add)
{
    if (add)
        C.noalias() += A * B;
    else
        C.noalias() = A * B;
}

template <class Dst, class Lhs, class Rhs> void splitProductOverPool(Dst& C, const Lhs& A, const Rhs& B, bool add)
{
    using Scalar = typename std::decay_t<Dst>::Scalar;
    const std::int64_t M = A.rows(), N = B.cols(), K = A.cols();
    const bool byRows = M >= N;
    // Rows in multiples of Eigen's register block (3 packets), columns in multiples of its nr (4).
    const std::int64_t align = byRows ? 3 * Eigen::internal::packet_traits<Scalar>::size : 4;
    const ProductSplit split = splitProduct(byRows ? M : N, align, 2.0 * double(M) * double(N) * double(K));
    const auto chunk = [&](std::int64_t i) {
        const std::int64_t begin = i * split.step, size = std::min(split.step, (byRows ? M : N) - begin);
        if (byRows) {
            auto Ci = C.middleRows(begin, size);
            serialProduct(Ci, A.middleRows(begin, size), B, add);
        } else {
            auto Ci = C.middleCols(begin, size);
            serialProduct(Ci, A, B.middleCols(begin, size), add);
        }
    };
    runChunks(
        split.chunks, [](void* c, std::int64_t i) { (*static_cast<decltype(chunk)*>(c))(i); },
        const_cast<void*>(static_cast<const void*>(&chunk)));
}

template <class Dst, class Lhs, class Rhs> void guardedProduct(Dst& C, const Lhs& A, const Rhs& B, bool add)
{
    const std::int64_t M = A.rows(), N = B.cols(), K = A.cols();
    if (!add) C.resize(M, N); // a plain matrix takes the shape; a block or Ref only asserts it
    if (2.0 * double(M) * double(N) * double(K) < kMinParallelFlops || threadCount() <= 1 || insideParallelRegion()) {
        serialProduct(C, A, B, add);
        return;
    }
    static const char site = 0; // one per instantiation: tells call sites of the same shape apart
    const ProductDecision d = decideProduct(&site, M, N, K, add);
    const auto start = std::chrono::steady_clock::now();
    if (d.parallel)
        splitProductOverPool(C, A, B, add);
    else
        serialProduct(C, A, B, add);
    if (d.guard) recordProduct(d.guard, d.parallel, std::chrono::steady_clock::now() - start);
}

} // namespace detail

// C.noalias() = A * B, split over the thread pool when large (see above). C: a matrix (resized), a block or a Ref.
template <class Dst, class Lhs, class Rhs> void parallelProduct(Dst&& C, const Lhs& A, const Rhs& B)
{
    detail::guardedProduct(C, A, B, false);
}

// C.noalias() += A * B, split over the thread pool when large (see above).
template <class Dst, class Lhs, class Rhs> void parallelProductAdd(Dst&& C, const Lhs& A, const Rhs& B)
{
    detail::guardedProduct(C, A, B, true);
}

} // namespace unroll
