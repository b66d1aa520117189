// tst_rng: unroll::Rng against numpy's legacy RandomState, bit for bit. Expected values come from the course
// notebooks (seed 1) and from tests/data/rng_reference.json, written by scripts/refs/make_rng_reference.py with
// numpy 1.24.2 (Debian 12): per stream the first 8 values and an FNV-1a 64 hash over all 10^6 values, so no Python is
// needed here.
#include "math/Rng.hpp"
#include "util/Error.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <bit>
#include <cstdint>
#include <limits>
#include <numeric>
#include <span>
#include <vector>

using unroll::Rng;

// QCOMPARE on doubles is fuzzy (qFuzzyCompare), which would hide a wrong last bit: compare the IEEE bits and print
// both values with 17 significant digits on failure.
#define COMPARE_EXACT(actual, expected)                                                                              \
    do {                                                                                                             \
        const double actual_ = (actual);                                                                             \
        const double expected_ = (expected);                                                                         \
        QVERIFY2(std::bit_cast<quint64>(actual_) == std::bit_cast<quint64>(expected_),                               \
                 qPrintable(QStringLiteral("actual %1, expected %2").arg(actual_, 0, 'g', 17).arg(expected_, 0, 'g', 17))); \
    } while (false)

namespace {

quint64 bitsOf(double v) { return std::bit_cast<quint64>(v); }
quint64 bitsOf(std::int64_t v) { return static_cast<quint64>(v); }
double doubleFromHex(const QJsonValue& v) { return std::bit_cast<double>(v.toString().toULongLong(nullptr, 16)); }
std::int64_t int64Of(const QJsonValue& v) { return v.toString().toLongLong(); }

std::vector<double> probabilitiesOf(const QJsonObject& o)
{
    std::vector<double> p;
    for (const QJsonValue& b : o.value("p_bits").toArray()) p.push_back(doubleFromHex(b));
    return p;
}

// FNV-1a 64 over the little-endian bytes of 8-byte words, as in make_rng_reference.py.
quint64 fnv1a64(const std::vector<quint64>& words)
{
    quint64 h = 0xcbf29ce484222325ull;
    for (quint64 w : words) {
        for (int i = 0; i < 8; ++i) {
            h ^= (w >> (8 * i)) & 0xffu;
            h *= 0x100000001b3ull;
        }
    }
    return h;
}

const QJsonObject& reference()
{
    static const QJsonObject doc = [] {
        QFile f(QStringLiteral(UNROLL_TEST_DATA_DIR "/rng_reference.json"));
        if (!f.open(QIODevice::ReadOnly)) qFatal("cannot open %s", qPrintable(f.fileName()));
        return QJsonDocument::fromJson(f.readAll()).object();
    }();
    return doc;
}

// One data row per reference stream of the given kind.
void addStreamRows(const QString& kind)
{
    QTest::addColumn<QJsonObject>("stream");
    int rows = 0;
    for (const QJsonValue& v : reference().value("streams").toArray()) {
        const QJsonObject s = v.toObject();
        if (s.value("kind").toString() != kind) continue;
        QTest::newRow(qPrintable(s.value("name").toString())) << s;
        ++rows;
    }
    if (rows == 0) qFatal("rng_reference.json has no '%s' stream", qPrintable(kind));
}

// The stream's values from our Rng, each as the 8-byte word numpy's bytes hold (float64 bits or int64).
std::vector<quint64> drawStream(const QJsonObject& s)
{
    const QString kind = s.value("kind").toString();
    const auto count = static_cast<std::size_t>(s.value("count").toInteger());
    Rng rng(static_cast<std::uint32_t>(s.value("seed").toInteger()));
    std::vector<quint64> words;
    words.reserve(count);

    if (kind == "random_sample") {
        for (std::size_t i = 0; i < count; ++i) words.push_back(bitsOf(rng.randomSample()));
    } else if (kind == "randn") {
        std::vector<double> x(count);
        rng.fillRandn(x.data(), count);
        for (double v : x) words.push_back(bitsOf(v));
    } else if (kind == "randint") {
        const std::int64_t low = int64Of(s.value("low")), high = int64Of(s.value("high"));
        for (std::size_t i = 0; i < count; ++i) words.push_back(bitsOf(rng.randint(low, high)));
    } else if (kind == "choice") {
        const std::vector<double> p = probabilitiesOf(s);
        for (std::size_t i = 0; i < count; ++i) words.push_back(bitsOf(rng.choice(p)));
    } else if (kind == "shuffle") {
        // arange(n) shuffled in place count / n times, recorded after every shuffle.
        std::vector<std::int64_t> x(static_cast<std::size_t>(s.value("n").toInteger()));
        std::iota(x.begin(), x.end(), std::int64_t{0});
        for (std::size_t rep = 0; rep < count / x.size(); ++rep) {
            rng.shuffle(std::span<std::int64_t>(x));
            for (std::int64_t v : x) words.push_back(bitsOf(v));
        }
    } else if (kind == "mixed") {
        // The op cycle, parsed once: {"op": "randint", "low": "0", "high": "10"}, {"op": "choice", "p_bits": [...]}, ...
        struct Op {
            QString name;
            std::int64_t low = 0, high = 0;
            std::vector<double> p;
        };
        std::vector<Op> ops;
        for (const QJsonValue& v : s.value("ops").toArray()) {
            const QJsonObject o = v.toObject();
            ops.push_back({o.value("op").toString(), int64Of(o.value("low")), int64Of(o.value("high")), probabilitiesOf(o)});
        }
        for (std::size_t i = 0; i < count; ++i) {
            const Op& op = ops[i % ops.size()];
            if (op.name == "randn") words.push_back(bitsOf(rng.randn()));
            else if (op.name == "random_sample") words.push_back(bitsOf(rng.randomSample()));
            else if (op.name == "randint") words.push_back(bitsOf(rng.randint(op.low, op.high)));
            else if (op.name == "choice") words.push_back(bitsOf(rng.choice(op.p)));
            else qFatal("unknown op '%s' in the mixed stream", qPrintable(op.name));
        }
    } else {
        qFatal("unknown stream kind '%s'", qPrintable(kind));
    }
    return words;
}

// Empty if our words match the stream's first values and hash; otherwise what differs.
QString mismatchWithNumpy(const QJsonObject& s, const std::vector<quint64>& words)
{
    const auto count = static_cast<std::size_t>(s.value("count").toInteger());
    if (words.size() != count) return QStringLiteral("drew %1 values, numpy %2").arg(words.size()).arg(count);
    const QJsonArray first = s.value("first_bits").toArray();
    const QString kind = s.value("kind").toString();
    for (qsizetype i = 0; i < first.size(); ++i) {
        const quint64 expected = first[i].toString().toULongLong(nullptr, 16);
        const quint64 ours = words[static_cast<std::size_t>(i)];
        if (ours == expected) continue;
        auto show = [&](quint64 w) {
            if (kind == "random_sample" || kind == "randn") return QString::number(std::bit_cast<double>(w), 'g', 17);
            if (kind == "mixed") return QStringLiteral("0x%1").arg(w, 16, 16, QLatin1Char('0')); // double or int64
            return QString::number(static_cast<qint64>(w));
        };
        return QStringLiteral("value %1: ours %2, numpy %3").arg(i).arg(show(ours), show(expected));
    }
    const QString ours = QStringLiteral("%1").arg(fnv1a64(words), 16, 16, QLatin1Char('0'));
    const QString expected = s.value("fnv1a64").toString();
    if (ours != expected)
        return QStringLiteral("first %1 values agree but the FNV-1a hash of all %2 differs: ours %3, numpy %4")
            .arg(first.size()).arg(count).arg(ours, expected);
    return {};
}

} // namespace

class TestRng : public QObject {
    Q_OBJECT

private slots:
    void seedOneRandnMatchesCourseSpec()
    {
        // The course notebooks: np.random.seed(1); np.random.randn(3)
        Rng rng(1);
        COMPARE_EXACT(rng.randn(), 1.6243453636632417);
        COMPARE_EXACT(rng.randn(), -0.6117564136500754);
        COMPARE_EXACT(rng.randn(), -0.5281717522634557);
    }

    void defaultSeedIsZero()
    {
        // numpy reference: np.random.seed(0); np.random.randn() -> 1.764052345967664
        Rng rng;
        COMPARE_EXACT(rng.randn(), 1.764052345967664);
    }

    void randnMatrixIsFilledInRowMajorOrderLikeNumpy()
    {
        // numpy reference (rng_reference.json "randn_5x10_seed1"): np.random.seed(1); np.random.randn(5, 10)
        const QJsonObject ref = reference().value("randn_5x10_seed1").toObject();
        const QJsonArray bits = ref.value("bits").toArray();
        Rng rng(1);
        const Eigen::MatrixXd W = rng.randn(5, 10); // (5, 10)
        QCOMPARE(W.rows(), Eigen::Index{5});
        QCOMPARE(W.cols(), Eigen::Index{10});
        COMPARE_EXACT(W(0, 0), 1.6243453636632417);  // 1st draw
        COMPARE_EXACT(W(0, 1), -0.6117564136500754); // 2nd draw: along the row, not down the column
        COMPARE_EXACT(W(1, 0), 1.4621079370449741);  // 11th draw
        COMPARE_EXACT(W(4, 9), 0.61720310970741921); // 50th draw
        for (Eigen::Index r = 0; r < 5; ++r)
            for (Eigen::Index c = 0; c < 10; ++c) COMPARE_EXACT(W(r, c), doubleFromHex(bits[r * 10 + c]));
        // The next draw continues the stream: the 51st value from np.random.randn(51) after seed(1).
        Rng flat(1);
        const std::vector<double> v = flat.randnVector(51);
        COMPARE_EXACT(rng.randn(), v[50]);
    }

    void randomSampleMatchesNumpyBitForBit_data() { addStreamRows("random_sample"); }
    void randomSampleMatchesNumpyBitForBit() { checkStream(); }

    void randnMatchesNumpyBitForBit_data() { addStreamRows("randn"); }
    void randnMatchesNumpyBitForBit() { checkStream(); }

    void randintMatchesNumpyBitForBit_data() { addStreamRows("randint"); }
    void randintMatchesNumpyBitForBit() { checkStream(); }

    void choiceMatchesNumpyBitForBit_data() { addStreamRows("choice"); }
    void choiceMatchesNumpyBitForBit() { checkStream(); }

    void shuffleMatchesNumpyBitForBit_data() { addStreamRows("shuffle"); }
    void shuffleMatchesNumpyBitForBit() { checkStream(); }

    // Cycling randn / random_sample / randint / choice on one generator: each call consumes numpy's words, and a
    // cached gaussian survives the calls in between, as in numpy.
    void mixedCallsMatchNumpyBitForBit_data() { addStreamRows("mixed"); }
    void mixedCallsMatchNumpyBitForBit() { checkStream(); }

    void seedClearsTheCachedGaussian()
    {
        // After an odd number of randn() the second value of a pair is cached; seed(1) must drop it so the stream
        // restarts at the course's values (numpy resets has_gauss in seed()).
        Rng rng(1);
        for (int i = 0; i < 3; ++i) rng.randn();
        rng.seed(1);
        COMPARE_EXACT(rng.randn(), 1.6243453636632417);
        COMPARE_EXACT(rng.randn(), -0.6117564136500754);
        COMPARE_EXACT(rng.randn(), -0.5281717522634557);
    }

    void reseedingRestartsEveryMethod()
    {
        Rng a(123);
        a.randn();
        a.randint(0, 1000);
        a.seed(123);
        Rng b(123);
        for (int i = 0; i < 2000; ++i) QCOMPARE(a.nextU32(), b.nextU32()); // crosses a 624-word twist
    }

    void choiceNormalisesByTheLastCdfEntryLikeNumpy()
    {
        // numpy reference (rng_reference.json "choice_normalisation"): p sums to 1 - 5e-9 and p[0] lies 1e-10 below
        // the first uniform draw u. numpy's cdf[0] = p[0] / cdf[-1] ends above u, so it picks 0, where an
        // unnormalised cdf would pick 1.
        const QJsonObject ref = reference().value("choice_normalisation").toObject();
        const std::vector<double> p = probabilitiesOf(ref);
        const auto seed = static_cast<std::uint32_t>(ref.value("seed").toInteger());
        QVERIFY(p[0] + p[1] != 1.0);
        QVERIFY(p[0] < Rng(seed).randomSample()); // the premise: raw cdf[0] <= u
        Rng rng(seed);
        QCOMPARE(rng.choice(p), static_cast<std::int64_t>(ref.value("numpy_picks").toInteger()));
    }

    void choiceRejectsInvalidProbabilities_data()
    {
        QTest::addColumn<std::vector<double>>("p");
        QTest::addColumn<QString>("messagePart");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        QTest::newRow("empty") << std::vector<double>{} << "empty";
        QTest::newRow("negative") << std::vector<double>{0.5, -0.25, 0.75} << "p[1] = -0.25 is negative";
        QTest::newRow("NaN") << std::vector<double>{0.5, nan, 0.5} << "p[1] is NaN";
        QTest::newRow("all zero") << std::vector<double>{0.0, 0.0, 0.0} << "sum to 0, not 1";
        // numpy: "probabilities do not sum to 1" beyond sqrt(eps) ~ 1.5e-8, so unnormalised weights are refused too.
        QTest::newRow("weights summing to 2") << std::vector<double>{1.0, 1.0} << "sum to 2, not 1";
        QTest::newRow("off by 1e-7") << std::vector<double>{0.5, 0.5 + 1e-7} << "not 1";
        QTest::newRow("infinite") << std::vector<double>{0.5, std::numeric_limits<double>::infinity()} << "not 1";
    }

    void choiceRejectsInvalidProbabilities()
    {
        QFETCH(std::vector<double>, p);
        QFETCH(QString, messagePart);
        Rng rng(5);
        try {
            rng.choice(p);
            QFAIL("choice accepted an invalid p");
        } catch (const unroll::InputError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(messagePart), e.what());
        }
        // Rejected before drawing, as numpy: the stream is untouched.
        QCOMPARE(rng.nextU32(), Rng(5).nextU32());
    }

    void randintRejectsEmptyRange()
    {
        Rng rng(1);
        QVERIFY_THROWS_EXCEPTION(unroll::InputError, rng.randint(3, 3));
        QVERIFY_THROWS_EXCEPTION(unroll::InputError, rng.randint(5, -5));
        try {
            rng.randint(7, 2);
            QFAIL("randint(7, 2) did not throw");
        } catch (const unroll::InputError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("high 2 must be greater than low 7"), e.what());
        }
        QCOMPARE(rng.nextU32(), Rng(1).nextU32());
    }

    void randintOfOneValueDrawsNothing()
    {
        // numpy's random_bounded_uint64_fill returns off without a draw when rng == 0.
        Rng rng(9);
        QCOMPARE(rng.randint(-4, -3), std::int64_t{-4});
        QCOMPARE(rng.nextU32(), Rng(9).nextU32());
    }

private:
    void checkStream()
    {
        QFETCH(QJsonObject, stream);
        const QString mismatch = mismatchWithNumpy(stream, drawStream(stream));
        QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
    }
};

QTEST_GUILESS_MAIN(TestRng)
#include "tst_rng.moc"
