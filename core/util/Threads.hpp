// One owner for the cores at a time.
//
// The thread budget (setThreadCount, the CLI's --threads) is shared by two kinds of parallelism that must never
// stack: Eigen's own parallel matrix products (worth it for large GEMMs) and parallelFor over independent work items
// (examples of a batch, rows of a t-SNE gradient). parallelFor runs on an OpenMP team, and Eigen does not parallelise
// a product that is already inside a team, so work inside parallelFor is single-threaded by construction.
#pragma once

#include <cstdint>
#include <functional>

namespace unroll {

int hardwareThreads();
void setThreadCount(int n); // n <= 0: all hardware threads
int threadCount();

// Calls body(begin, end) on contiguous chunks covering [0, n), on up to threadCount() threads.
// Exceptions thrown by body are rethrown (the first one) after every chunk has finished.
void parallelFor(std::int64_t n, const std::function<void(std::int64_t begin, std::int64_t end)>& body);

} // namespace unroll
