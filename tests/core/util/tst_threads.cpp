// parallelFor covers its range exactly once, rethrows a worker's exception, and honours the thread budget.
#include "util/Threads.hpp"

#include <QTest>

#include <atomic>
#include <stdexcept>
#include <vector>

using namespace unroll;

class TestThreads : public QObject {
    Q_OBJECT
private slots:
    void coversEveryIndexOnce()
    {
        setThreadCount(2);
        std::vector<std::atomic<int>> hits(1001);
        parallelFor(1001, [&](std::int64_t b, std::int64_t e) {
            for (auto i = b; i < e; ++i) hits[size_t(i)]++;
        });
        for (auto& h : hits) QCOMPARE(h.load(), 1);
    }

    void rethrowsTheFirstError()
    {
        setThreadCount(2);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, parallelFor(10, [](std::int64_t b, std::int64_t) {
                                     if (b == 0) throw std::runtime_error("boom");
                                 }));
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
};

QTEST_GUILESS_MAIN(TestThreads)
#include "tst_threads.moc"
