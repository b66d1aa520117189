// The adaptive guard and the chunking of util/Parallel.hpp.
#include "util/Parallel.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace unroll::detail {

namespace {

using Clock = std::chrono::steady_clock;

// Chunks per thread: enough that the calling thread can take over the share of a worker that is descheduled or slow
// to wake, few enough that each chunk stays a decent GEMM. No chunk below kMinChunkFlops.
constexpr std::int64_t kChunksPerThread = 4;
constexpr double kMinChunkFlops = 0.25e6;

constexpr int kWarmupCalls = 8;         // alternate parallel and serial, the first call of each not counted
constexpr std::int64_t kTrialEvery = 32; // calls between trials of the mode that is currently losing
constexpr double kTrialBudget = 50;      // ... and, for a losing parallel mode, after 50x the trial's cost
constexpr double kAlpha = 0.25;          // weight of a new sample in the moving averages
// Parallel keeps two cores busy for the same work, so it must be clearly faster: by 10%, more than the call-to-call
// noise of a shared machine (measured in docs/benchmarks.md).
constexpr double kParallelMargin = 1.1;

struct Guard {
    double serialNs = 0, parallelNs = 0; // moving averages of one call's time
    int serialSeen = 0, parallelSeen = 0;
    std::int64_t calls = 0, lastTrial = 0;
    int burstLeft = 0; // calls left in the current trial of the losing mode
    bool burstParallel = false;
};

struct Key {
    const void* site;
    std::int64_t m, n, k;
    bool add;
    bool operator==(const Key&) const = default;
};

struct KeyHash {
    size_t operator()(const Key& key) const
    {
        size_t h = std::hash<const void*>()(key.site);
        for (std::int64_t v : {key.m, key.n, key.k, std::int64_t(key.add)})
            h = h * 0x9E3779B97F4A7C15ull + std::hash<std::int64_t>()(v);
        return h;
    }
};

// Per thread: each thread that calls products (the training worker, the GUI thread) learns its own timings.
thread_local std::unordered_map<Key, Guard, KeyHash> t_guards;
// No parallel trial of any shape before this time: the budget for trials that may lose is shared by all shapes, so a
// model with many product shapes does not multiply it.
thread_local Clock::time_point t_nextParallelTrial{};

void addSample(double& average, int& seen, double ns)
{
    // The first call of a mode is not counted: it pays for starting or waking the workers and for cold caches.
    if (++seen == 1) return;
    average = seen == 2 ? ns : (1 - kAlpha) * average + kAlpha * ns;
}

} // namespace

ProductDecision decideProduct(const void* site, std::int64_t m, std::int64_t n, std::int64_t k, bool add)
{
    if (t_guards.size() > 4096) t_guards.clear(); // a program that keeps changing shapes: start over
    Guard& g = t_guards[Key{site, m, n, k, add}];
    ++g.calls;
    if (g.calls <= kWarmupCalls || g.serialSeen < 2 || g.parallelSeen < 2)
        return {g.calls % 2 == 1, &g};
    if (g.burstLeft > 0) {
        --g.burstLeft;
        return {g.burstParallel, &g};
    }
    const bool parallelWins = kParallelMargin * g.parallelNs < g.serialNs;
    if (g.calls - g.lastTrial >= kTrialEvery && (parallelWins || Clock::now() >= t_nextParallelTrial)) {
        g.lastTrial = g.calls;
        if (!parallelWins) // three parallel calls, each at most about as slow as the last ones measured
            t_nextParallelTrial = Clock::now() + std::chrono::nanoseconds(std::int64_t(
                                                     kTrialBudget * 3 * std::max(g.parallelNs, g.serialNs)));
        g.burstParallel = !parallelWins;
        // A parallel trial after a serial stretch first has to wake the workers: run two more parallel calls and
        // count only those, since in a run of parallel calls the workers are still awake.
        g.burstLeft = g.burstParallel ? 2 : 0;
        return {g.burstParallel, g.burstParallel ? nullptr : &g};
    }
    return {parallelWins, &g};
}

void recordProduct(void* guard, bool parallel, Clock::duration elapsed)
{
    auto& g = *static_cast<Guard*>(guard);
    const double ns = double(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
    if (parallel)
        addSample(g.parallelNs, g.parallelSeen, ns);
    else
        addSample(g.serialNs, g.serialSeen, ns);
}

ProductSplit splitProduct(std::int64_t extent, std::int64_t align, double flops)
{
    const std::int64_t byWork = std::max<std::int64_t>(1, std::int64_t(flops / kMinChunkFlops));
    const std::int64_t byAlign = std::max<std::int64_t>(1, extent / align);
    std::int64_t chunks = std::min({std::int64_t(threadCount()) * kChunksPerThread, byWork, byAlign});
    chunks = std::max<std::int64_t>(1, chunks);
    const std::int64_t step = ((extent + chunks - 1) / chunks + align - 1) / align * align;
    return {(extent + step - 1) / step, step};
}

} // namespace unroll::detail
