// The thread pool: parallelFor covers its range exactly once, rethrows a worker's exception, honours the thread
// budget and finishes while another thread hogs a core; parallelProduct gives the plain Eigen product.
// No timing assertions: speed is measured by `unroll-cli bench rnn` (docs/benchmarks.md), never in a test.
#include "util/Parallel.hpp"
#include "util/Threads.hpp"

#include <QTest>

#include <Eigen/Core>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace unroll;

namespace {
template <class T> using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

// Relative difference in the max norm, the tolerance of a float GEMM whose K sum is blocked differently.
template <class T> double relativeError(const Mat<T>& a, const Mat<T>& b)
{
    const double scale = std::max<double>(1e-30, b.cwiseAbs().maxCoeff());
    return double((a - b).cwiseAbs().maxCoeff()) / scale;
}

// Keeps one thread busy (a spinning loop) for as long as it lives: the "another process wants a core" situation.
class CoreHog {
public:
    CoreHog()
        : thread_([this] {
              while (!stop_.load(std::memory_order_relaxed)) {
              }
          })
    {
    }
    ~CoreHog()
    {
        stop_ = true;
        thread_.join();
    }

private:
    std::atomic<bool> stop_{false};
    std::thread thread_;
};
} // namespace

class TestThreads : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { useDefaultThreads(); }

    void coversEveryIndexOnce()
    {
        setThreadCount(2);
        for (int chunksPerThread : {1, 3, 64}) {
            std::vector<std::atomic<int>> hits(1001);
            parallelFor(
                1001,
                [&](std::int64_t b, std::int64_t e) {
                    for (auto i = b; i < e; ++i) hits[size_t(i)]++;
                },
                chunksPerThread);
            for (auto& h : hits) QCOMPARE(h.load(), 1);
        }
    }

    void rethrowsTheFirstError()
    {
        setThreadCount(2);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, parallelFor(10, [](std::int64_t b, std::int64_t) {
                                     if (b == 0) throw std::runtime_error("boom");
                                 }));
        // Every chunk throwing: still exactly one exception, and the pool keeps working afterwards.
        QVERIFY_THROWS_EXCEPTION(
            std::logic_error,
            parallelFor(
                100, [](std::int64_t, std::int64_t) { throw std::logic_error("all"); }, 8));
        std::atomic<std::int64_t> sum{0};
        parallelFor(100, [&](std::int64_t b, std::int64_t e) {
            for (auto i = b; i < e; ++i) sum += i;
        });
        QCOMPARE(sum.load(), std::int64_t(4950));
    }

    void oneThreadRunsInline()
    {
        setThreadCount(1);
        QCOMPARE(threadCount(), 1);
        int calls = 0;
        parallelFor(50, [&](std::int64_t b, std::int64_t e) {
            ++calls;
            QCOMPARE(b, std::int64_t(0));
            QCOMPARE(e, std::int64_t(50));
        });
        QCOMPARE(calls, 1);
        setThreadCount(0);
        QCOMPARE(threadCount(), hardwareThreads());
    }

    void defaultUsesEveryCore()
    {
        useDefaultThreads();
        QCOMPARE(threadCount(), hardwareThreads());
    }

    void nestedCallsRunSerially()
    {
        setThreadCount(4);
        std::atomic<int> nestedSplits{0};
        parallelFor(
            8,
            [&](std::int64_t, std::int64_t) {
                QVERIFY(insideParallelRegion());
                parallelFor(100, [&](std::int64_t b, std::int64_t e) {
                    if (b != 0 || e != 100) ++nestedSplits;
                });
            },
            2);
        QCOMPARE(nestedSplits.load(), 0);
        QVERIFY(!insideParallelRegion());
    }

    void productMatchesEigen_data()
    {
        QTest::addColumn<int>("m");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("threads");
        // Below the threshold, tall (row split), wide (column split), odd sizes, 1 row, 1 column, K = 1.
        QTest::newRow("small 7x5x3") << 7 << 5 << 3 << 2;
        QTest::newRow("tall 517x33x129") << 517 << 33 << 129 << 2;
        QTest::newRow("wide 65x1601x131") << 65 << 1601 << 131 << 2;
        QTest::newRow("square 301x299x257 on 3") << 301 << 299 << 257 << 3;
        QTest::newRow("one row 1x4099x513") << 1 << 4099 << 513 << 2;
        QTest::newRow("one column 2049x1x513") << 2049 << 1 << 513 << 2;
        QTest::newRow("K one 1025x1023x1") << 1025 << 1023 << 1 << 2;
        QTest::newRow("one thread 517x33x129") << 517 << 33 << 129 << 1;
    }

    void productMatchesEigen()
    {
        QFETCH(int, m);
        QFETCH(int, n);
        QFETCH(int, k);
        QFETCH(int, threads);
        setThreadCount(threads);
        const Mat<float> A = Mat<float>::Random(m, k), B = Mat<float>::Random(k, n), C0 = Mat<float>::Random(m, n);
        const Mat<float> expectSet = A * B, expectAdd = C0 + A * B;
        // Enough calls that the guard has tried both the parallel and the serial path.
        for (int call = 0; call < 12; ++call) {
            Mat<float> C;
            parallelProduct(C, A, B);
            QCOMPARE(C.rows(), m);
            QCOMPARE(C.cols(), n);
            QVERIFY2(relativeError(C, expectSet) < 1e-5, qPrintable(QString("call %1").arg(call)));
            Mat<float> D = C0;
            parallelProductAdd(D, A, B);
            QVERIFY2(relativeError(D, expectAdd) < 1e-5, qPrintable(QString("call %1").arg(call)));
        }
    }

    void productOfBlocksAndTransposes()
    {
        // The shapes of the recurrent layer: z(:, block) += W_a^T dz into a block of a wider matrix, in double.
        setThreadCount(2);
        const Mat<double> W = Mat<double>::Random(515, 700), dz = Mat<double>::Random(515, 97);
        Mat<double> out = Mat<double>::Random(300, 200), expect = out;
        expect.middleCols(50, 97).noalias() += W.leftCols(300).transpose() * dz;
        for (int call = 0; call < 10; ++call) {
            Mat<double> got = out;
            parallelProductAdd(got.middleCols(50, 97), W.leftCols(300).transpose(), dz);
            QVERIFY(relativeError(got, expect) < 1e-12);
        }
        Mat<double> grad = Mat<double>::Zero(515, 300), gradExpect = dz * W.topLeftCorner(300, 97).transpose();
        Eigen::Ref<Mat<double>> gradRef(grad);
        parallelProduct(gradRef, dz, W.topLeftCorner(300, 97).transpose());
        QVERIFY(relativeError(grad, gradExpect) < 1e-12);
    }

    void finishesWhileAnotherThreadHogsACore()
    {
        // More threads than cores and one core taken: the pool must still finish (no lost wake-up, no deadlock
        // when a worker is descheduled), with correct results. The test's timeout catches a hang.
        setThreadCount(hardwareThreads() + 1);
        CoreHog hog;
        const Mat<float> A = Mat<float>::Random(640, 256), B = Mat<float>::Random(256, 64);
        const Mat<float> expect = A * B;
        for (int call = 0; call < 200; ++call) {
            Mat<float> C;
            parallelProduct(C, A, B);
            QVERIFY(relativeError(C, expect) < 1e-5);
            std::atomic<int> count{0};
            parallelFor(
                1000, [&](std::int64_t b, std::int64_t e) { count += int(e - b); }, 4);
            QCOMPARE(count.load(), 1000);
        }
    }
};

QTEST_GUILESS_MAIN(TestThreads)
#include "tst_threads.moc"
