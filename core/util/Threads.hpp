// One owner for the cores: a small persistent thread pool, the thread budget, and parallelFor.
//
// Everything parallel in the core runs on this pool: parallelFor over independent work items (examples of a batch,
// rows of a t-SNE gradient) and the large matrix products of util/Parallel.hpp. Eigen's own OpenMP-parallel products
// are switched off (Eigen::setNbThreads(1)): they synchronise their threads with busy-wait loops on shared packed
// blocks, so one descheduled thread stalls the others, and measured 27x slower than one thread on a shared 2-core
// machine (docs/benchmarks.md). Work inside a pool task is single-threaded by construction: a parallel call made from
// a pool task (or from within another parallel call) runs serially on the calling thread.
//
// Why the pool stays safe when another process wants a core:
// - idle workers spin for at most ~50 microseconds (long enough to bridge the gap between two products of a training
//   step) and then block on a futex (std::atomic::wait), so they do not burn a core anyone else wants;
// - work is cut into several chunks per thread and claimed dynamically, and the calling thread claims chunks too, so
//   a worker that is descheduled holds up at most the one chunk it is running;
// - util/Parallel.hpp times parallel against serial per product shape and keeps whichever is faster.
#pragma once

#include <cstdint>
#include <functional>

namespace unroll {

// The default is every hardware thread (see above for why that is safe on a shared machine). n = 1 makes everything
// serial on the calling thread (the CLI's --threads 1).
int hardwareThreads();
void setThreadCount(int n); // n <= 0: all hardware threads
int threadCount();
void useDefaultThreads();   // all hardware threads; both executables call it at start-up

// Calls body(begin, end) on contiguous chunks covering [0, n) exactly once, on up to threadCount() threads (the
// calling thread included), with `chunksPerThread` chunks per thread claimed dynamically.
// Exceptions thrown by body are rethrown (the first one) after every claimed chunk has finished; chunks not yet
// claimed when the first exception is thrown are skipped.
void parallelFor(std::int64_t n, const std::function<void(std::int64_t begin, std::int64_t end)>& body,
                 int chunksPerThread = 1);

// True on a pool worker, and on the calling thread while it takes part in a parallel call: parallel calls made there
// run serially.
bool insideParallelRegion();

namespace detail {
// The pool's primitive: runs task(context, i) for every i in [0, chunks) on the calling thread and up to
// threadCount() - 1 workers, each chunk claimed by exactly one thread; returns when all have finished and rethrows
// the first exception. Serial (in order, on this thread) when threadCount() is 1 or inside a parallel region.
void runChunks(std::int64_t chunks, void (*task)(void* context, std::int64_t chunk), void* context);
} // namespace detail

} // namespace unroll
