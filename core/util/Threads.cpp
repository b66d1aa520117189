// The thread pool, the thread budget and parallelFor; see Threads.hpp.
#include "util/Threads.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#ifdef __linux__
#include <sched.h>
#endif

namespace unroll {

namespace {

std::atomic<int> g_threads{0};
thread_local bool t_inside = false;
// Eigen's own parallel products stay off even in a program that never calls setThreadCount (see Threads.hpp).
[[maybe_unused]] const bool g_eigenSerial = (Eigen::setNbThreads(1), true);

// How long an idle thread polls before it sleeps on a futex. Long enough to bridge the element-wise work between two
// products of a training step (a worker that has to be woken from sleep costs tens of microseconds in a VM), short
// enough that a thread waiting for a descheduled one gives its core back almost at once.
constexpr std::chrono::nanoseconds kSpin{50'000};

void cpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// Returns once `a` no longer holds `old`: polls for up to kSpin (yielding every ~microsecond), then blocks (a futex
// on Linux).
template <class V> void waitWhileEquals(const std::atomic<V>& a, V old)
{
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
        for (int i = 0; i < 64; ++i) {
            if (a.load(std::memory_order_acquire) != old) return;
            cpuRelax();
        }
        if (std::chrono::steady_clock::now() - start > kSpin) break;
        // Poll politely: if this thread shares its core with the caller (or anyone), let them run.
        std::this_thread::yield();
    }
    a.wait(old, std::memory_order_acquire);
}

// One call of runChunks. Shared (shared_ptr) between the caller and the workers that joined it, so a worker that is
// descheduled while the caller returns never touches freed memory; it only finds no chunk left.
struct Job {
    std::int64_t chunks = 0;
    void (*task)(void*, std::int64_t) = nullptr;
    void* context = nullptr;
    std::atomic<std::int64_t> next{0}; // the next unclaimed chunk
    std::atomic<int> seats{0};         // workers that may still join
    std::atomic<int> pending{0};       // chunks not yet finished
    std::atomic<bool> failed{false};
    std::mutex errorMutex;
    std::exception_ptr error;
};

// Claims chunks until none is left. After a failure the remaining chunks are claimed but not run.
void work(Job& job)
{
    for (;;) {
        const std::int64_t i = job.next.fetch_add(1, std::memory_order_relaxed);
        if (i >= job.chunks) return;
        if (!job.failed.load(std::memory_order_relaxed)) {
            try {
                job.task(job.context, i);
            } catch (...) {
                std::lock_guard lock(job.errorMutex);
                if (!job.error) job.error = std::current_exception();
                job.failed = true;
            }
        }
        if (job.pending.fetch_sub(1, std::memory_order_acq_rel) == 1) job.pending.notify_all();
    }
}

// Workers are started on first use and added when the budget grows; they live until the program ends.
class Pool {
public:
    static Pool& instance()
    {
        static Pool pool;
        return pool;
    }

    ~Pool()
    {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        generation_.fetch_add(1, std::memory_order_release);
        generation_.notify_all();
        for (auto& t : workers_) t.join();
    }

    // Publishes `job` to the workers (at most `helpers` of them join) and wakes the sleeping ones.
    void submit(const std::shared_ptr<Job>& job, int helpers)
    {
        {
            std::lock_guard lock(mutex_);
            while (int(workers_.size()) < helpers) workers_.emplace_back([this] { workerLoop(); });
            current_ = job;
        }
        generation_.fetch_add(1, std::memory_order_release);
        generation_.notify_all();
    }

    void retire(const std::shared_ptr<Job>& job)
    {
        std::lock_guard lock(mutex_);
        if (current_ == job) current_.reset();
    }

private:
    Pool() { Eigen::setNbThreads(1); }

    void workerLoop()
    {
        t_inside = true;
        std::uint32_t seen = generation_.load(std::memory_order_acquire);
        {
            // A worker started just before the program ends may read the generation after the destructor's last
            // increment and would wait for a change that never comes: stopping_ is set before that increment, so
            // checking it after reading the generation closes the gap.
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        for (;;) {
            waitWhileEquals(generation_, seen);
            seen = generation_.load(std::memory_order_acquire);
            std::shared_ptr<Job> job;
            {
                std::lock_guard lock(mutex_);
                if (stopping_) return;
                job = current_;
            }
            if (job && job->seats.fetch_sub(1, std::memory_order_relaxed) > 0) work(*job);
        }
    }

    std::mutex mutex_;
    std::vector<std::thread> workers_;
    std::shared_ptr<Job> current_;
    bool stopping_ = false;
    std::atomic<std::uint32_t> generation_{0};
};

} // namespace

int hardwareThreads()
{
#ifdef __linux__
    // The CPUs this process may run on (taskset, cgroups' cpusets), not all the machine's.
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
#endif
    return std::max(1, int(std::thread::hardware_concurrency()));
}

void setThreadCount(int n)
{
    g_threads = n <= 0 ? hardwareThreads() : n;
    Eigen::setNbThreads(1); // every product is split by util/Parallel.hpp, never by Eigen (see Threads.hpp)
}

void useDefaultThreads() { setThreadCount(0); }

int threadCount()
{
    const int k = g_threads.load();
    return k > 0 ? k : hardwareThreads();
}

bool insideParallelRegion() { return t_inside; }

namespace detail {

void runChunks(std::int64_t chunks, void (*task)(void*, std::int64_t), void* context)
{
    if (chunks <= 0) return;
    const int threads = threadCount();
    if (threads <= 1 || chunks == 1 || t_inside) {
        for (std::int64_t i = 0; i < chunks; ++i) task(context, i);
        return;
    }
    auto job = std::make_shared<Job>();
    job->chunks = chunks;
    job->task = task;
    job->context = context;
    job->pending = int(chunks);
    const int helpers = int(std::min<std::int64_t>(threads - 1, chunks - 1));
    job->seats = helpers;
    Pool& pool = Pool::instance();
    pool.submit(job, helpers);

    t_inside = true;
    work(*job); // the calling thread claims chunks too, so nothing waits for a worker that has not woken yet
    for (int left = job->pending.load(std::memory_order_acquire); left != 0;
         left = job->pending.load(std::memory_order_acquire))
        waitWhileEquals(job->pending, left);
    t_inside = false;
    pool.retire(job);
    if (job->error) std::rethrow_exception(job->error);
}

} // namespace detail

void parallelFor(std::int64_t n, const std::function<void(std::int64_t, std::int64_t)>& body, int chunksPerThread)
{
    if (n <= 0) return;
    const int threads = t_inside ? 1 : threadCount();
    const std::int64_t chunks = std::min<std::int64_t>(n, std::int64_t(threads) * std::max(1, chunksPerThread));
    if (chunks <= 1) {
        body(0, n);
        return;
    }
    struct Context {
        std::int64_t n, chunks;
        const std::function<void(std::int64_t, std::int64_t)>& body;
    } context{n, chunks, body};
    detail::runChunks(
        chunks,
        [](void* c, std::int64_t i) {
            const auto& x = *static_cast<const Context*>(c);
            x.body(x.n * i / x.chunks, x.n * (i + 1) / x.chunks);
        },
        &context);
}

} // namespace unroll
