// The scan structure behind nearest neighbours and analogies (vectors/Operations.hpp): a float copy of the table with
// every row scaled to unit length, and each row's norm, so that one matrix-vector product over `unit` gives the
// cosines with a query, and `norms` turns them back into dot products with the raw vectors (e_w . q = |e_w| u_w . q).
//
//   const NeighborIndex& ix = vectors.neighborIndex();   // built on first use, once per table, thread-safely
//   Eigen::VectorXf cosines = ix.unit * q.normalized().cast<float>();
//
// Internal to the vectors module (WordVectors.cpp builds it lazily, Operations.cpp reads it). Floats halve the bytes a
// scan reads; the few best candidates of a scan are rescored in double from the table itself, so the scores callers
// see are exact and only the ranking among near-ties below float precision could differ.
#pragma once

#include "vectors/WordVectors.hpp"

#include <Eigen/Core>

namespace unroll::vectors {

struct NeighborIndex {
    using FloatMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    FloatMatrix unit;        // (words, dimension); a zero row stays zero
    Eigen::VectorXf norms;   // |e_w|, from the double values
    Eigen::VectorXf squaredNorms;
    // The unit rows again in IEEE half precision, each padded with zeros to `halfStride` values (a multiple of 8),
    // for the cosine scans: half the bytes of `unit` to read, and memory bandwidth is what bounds a scan of 400,000
    // rows. Empty where the CPU lacks F16C (a portable build). Half rounds each value to a relative 2^-11, so a
    // cosine of unit vectors read from it is within 2^-11 + float rounding of the exact one; the scans use that bound
    // to prove their top k, and rescan in float when they cannot (Operations.cpp).
    std::vector<std::uint16_t> half;
    int halfStride = 0;
};

// Defined in Operations.cpp (runs on the thread pool).
NeighborIndex buildNeighborIndex(const VectorMatrix& values);

// Prepares a large fresh allocation that is about to be written in full: asks for transparent huge pages and maps
// all its pages in one call. A first write to a fresh 4 KB page costs a page fault, measured ~20 us each on this
// project's (virtualised) machines: 0.9 s for the 160 MB of a 400,000 x 50 table, against 0.04 s with huge pages
// mapped up front. Linux only; elsewhere, and when the kernel declines, the pages fault in as usual.
void prepareLargeWrite(void* data, std::size_t bytes);

} // namespace unroll::vectors
