// One owner for the cores at a time.
//
// The thread budget (setThreadCount, the CLI's --threads) is shared by two kinds of parallelism that must never
// stack: Eigen's own parallel matrix products (worth it for large GEMMs) and parallelFor over independent work items
// (examples of a batch, rows of a t-SNE gradient). parallelFor runs on an OpenMP team, and Eigen does not parallelise
// a product that is already inside a team, so work inside parallelFor is single-threaded by construction. Built without
// OpenMP (the CMake option UNROLL_OPENMP=OFF) parallelFor uses plain threads and Eigen stays single-threaded.
#pragma once

#include <cstdint>
#include <functional>

namespace unroll {

// The default is one thread. Measured on a 2-core machine (docs/benchmarks.md): Eigen's two-thread products gain up
// to 1.4x on the largest settings when the machine is idle but lose up to 10x as soon as anything else wants the other
// core (the GUI thread, a build, another tenant), because every product waits for the slower thread. More threads
// are an explicit choice: --threads N in the CLI.
int hardwareThreads();
void setThreadCount(int n); // n <= 0: all hardware threads
int threadCount();
void useDefaultThreads();   // one thread; both executables call it at start-up

// Calls body(begin, end) on contiguous chunks covering [0, n), on up to threadCount() threads.
// Exceptions thrown by body are rethrown (the first one) after every chunk has finished.
void parallelFor(std::int64_t n, const std::function<void(std::int64_t begin, std::int64_t end)>& body);

} // namespace unroll
