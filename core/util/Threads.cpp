// Thread budget and parallelFor; see Threads.hpp.
#include "util/Threads.hpp"

#include <Eigen/Core>
#ifdef _OPENMP
#include <omp.h>
#endif

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace unroll {

namespace {
std::atomic<int> g_threads{0};
}

int hardwareThreads() { return std::max(1, int(std::thread::hardware_concurrency())); }

void setThreadCount(int n)
{
    const int k = n <= 0 ? hardwareThreads() : n;
    g_threads = k;
    Eigen::setNbThreads(k);
}

void useDefaultThreads() { setThreadCount(1); }

int threadCount()
{
    const int k = g_threads.load();
    return k > 0 ? k : hardwareThreads();
}

void parallelFor(std::int64_t n, const std::function<void(std::int64_t, std::int64_t)>& body)
{
    if (n <= 0) return;
    const int workers = int(std::min<std::int64_t>(threadCount(), n));
    if (workers <= 1) {
        body(0, n);
        return;
    }
    std::exception_ptr error;
    std::mutex errorMutex;
    const auto chunk = [&](std::int64_t w, std::int64_t k) {
        const std::int64_t begin = n * w / k, end = n * (w + 1) / k;
        try {
            if (begin < end) body(begin, end);
        } catch (...) {
            std::lock_guard lock(errorMutex);
            if (!error) error = std::current_exception();
        }
    };
#ifdef _OPENMP
#pragma omp parallel num_threads(workers)
    chunk(omp_get_thread_num(), omp_get_num_threads());
#else
    // Built without OpenMP (UNROLL_OPENMP=OFF, e.g. for ThreadSanitizer, which does not understand libgomp's
    // synchronisation): plain threads, one chunk on this one. Eigen is then single-threaded, so nothing nests.
    std::vector<std::thread> threads;
    for (int w = 1; w < workers; ++w) threads.emplace_back(chunk, w, workers);
    chunk(0, workers);
    for (auto& t : threads) t.join();
#endif
    if (error) std::rethrow_exception(error);
}

} // namespace unroll
