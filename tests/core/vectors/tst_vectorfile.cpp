// Tests for vectors/VectorFile and vectors/WordVectors: loading GloVe text, word2vec text and word2vec binary, the
// structural errors (each message must name the file and the line, or the byte offset, and what was expected), the
// lenient cases (invalid UTF-8, duplicates, CRLF, a last line without newline), limit, progress and cancellation,
// and saving.
//
// Fixtures (tests/data/vectors/):
//   small.glove.txt   6 words x 3, values written by hand (GloVe text: no header);
//   small.w2v.txt     the same with a "6 3" header (word2vec text);
//   small.gensim.bin  the same written by gensim 4.2, the independent reference for word2vec binary:
//       kv = KeyedVectors.load_word2vec_format('small.glove.txt', binary=False, no_header=True)
//       kv.save_word2vec_format('small.gensim.bin', binary=True)
//     (gensim writes "word " + 3 float32 with no newline between records; the variant with a newline after each
//     vector, as the original word2vec C tool writes it, is made by the test itself);
//   messy.glove.txt   CRLF lines, cp1252 bytes in two words, a duplicate word twice, tabs and runs of spaces, a
//                     trailing space, and a last line without newline.
// Expected values are the decimal literals of the files: the C++ compiler, std::from_chars and Python's float() (what
// numpy and gensim parse with) all round a decimal to the nearest double, so the doubles are the same.
#include "train/Observer.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"
#include "vectors/VectorFile.hpp"
#include "vectors/WordVectors.hpp"

#include <QTemporaryDir>
#include <QtTest>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

using namespace unroll;
using namespace unroll::vectors;
namespace fs = std::filesystem;

namespace unroll::vectors::detail {
std::from_chars_result parseVectorValue(const char* first, const char* last, double& value); // VectorFile.cpp
}

namespace {

fs::path dataPath(const char* name) { return fs::path(UNROLL_TEST_DATA_DIR) / "vectors" / name; }

void writeBytes(const fs::path& path, std::string_view bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

std::string f32le(float v)
{
    const auto bits = std::bit_cast<std::uint32_t>(v);
    std::string s;
    for (int i = 0; i < 4; ++i) s += char((bits >> (8 * i)) & 0xFF);
    return s;
}

// The small fixture's words and values.
const std::vector<std::string> kWords = {"the", "of", "king", "queen", "man", "woman"};
const double kValues[6][3] = {{0.41, 0.2497, -0.41243},     {0.013442, 0.23683, -0.169},
                              {-0.32306, -0.87615, 0.21976}, {-0.50044, -0.70825, 0.55387},
                              {-0.094387, 0.43006, -0.17225}, {-0.18152, 0.64826, -5.82e-01}};

// A word2vec binary file of the small fixture's values, written here; newlineAfterVector as word2vec's C tool does.
std::string smallBinary(bool newlineAfterVector, int count = 6)
{
    std::string s = std::to_string(count) + " 3\n";
    for (int i = 0; i < 6; ++i) {
        s += kWords[std::size_t(i)] + " ";
        for (double v : kValues[i]) s += f32le(float(v));
        if (newlineAfterVector) s += "\n";
    }
    return s;
}

// The message of the FormatError (or InputError) that f throws; fails the test if none is thrown.
template <class F> QString errorOf(F&& f)
{
    try {
        f();
    } catch (const CancelledError&) {
        return "cancelled";
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return "(no error)";
}

// A multi-chunk GloVe file (> 1 MB, the parse's unit of work) of n words x dim.
std::string bigGlove(int n, int dim, std::uint32_t seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-1, 1);
    std::string s;
    char buf[32];
    for (int i = 0; i < n; ++i) {
        s += 'w';
        s += std::to_string(i);
        for (int j = 0; j < dim; ++j) {
            const auto r = std::to_chars(buf, buf + sizeof buf, u(rng), std::chars_format::general, 6);
            s += ' ';
            s.append(buf, r.ptr);
        }
        s += '\n';
    }
    return s;
}

struct RecordingObserver : TrainingObserver {
    std::vector<std::pair<std::int64_t, std::int64_t>> progress;
    int stopAfter = -1; // stopRequested() turns true after this many progress calls (-1: never)
    void onProgress(std::int64_t done, std::int64_t total) override { progress.push_back({done, total}); }
    bool stopRequested() override { return stopAfter >= 0 && int(progress.size()) >= stopAfter; }
};

} // namespace

class TestVectorFile : public QObject {
    Q_OBJECT

private:
    void checkSmall(const WordVectors& v, bool float32)
    {
        QCOMPARE(v.size(), Index(6));
        QCOMPARE(v.dimension(), 3);
        for (int i = 0; i < 6; ++i) {
            QCOMPARE(v.word(i), kWords[std::size_t(i)]);
            for (int j = 0; j < 3; ++j)
                QCOMPARE(v.values()(i, j), float32 ? double(float(kValues[i][j])) : kValues[i][j]);
        }
        QCOMPARE(v.find("queen"), Index(3));
    }

private slots:
    void gloveText()
    {
        LoadReport report;
        const WordVectors v = loadVectors(dataPath("small.glove.txt"), {}, &report);
        checkSmall(v, false);
        QCOMPARE(report.format, VectorFormat::GloveText);
        QVERIFY(report.warnings.empty());
        QCOMPARE(v.source(), dataPath("small.glove.txt").string());
    }

    void word2vecText()
    {
        LoadReport report;
        const WordVectors v = loadVectors(dataPath("small.w2v.txt"), {}, &report);
        checkSmall(v, false);
        QCOMPARE(report.format, VectorFormat::Word2VecText);
    }

    void word2vecBinaryFromGensim()
    {
        LoadReport report;
        const WordVectors v = loadVectors(dataPath("small.gensim.bin"), {}, &report);
        checkSmall(v, true);
        QCOMPARE(report.format, VectorFormat::Word2VecBinary);
        // Explicitly asked for, the same.
        checkSmall(loadVectors(dataPath("small.gensim.bin"), {.format = VectorFormat::Word2VecBinary}), true);
    }

    void word2vecBinaryWithNewlines()
    {
        LoadReport report;
        checkSmall(parseVectors(smallBinary(true), "c.bin", {}, &report), true);
        QCOMPARE(report.format, VectorFormat::Word2VecBinary);
        checkSmall(parseVectors(smallBinary(false), "c.bin"), true);
    }

    void anyDimension()
    {
        const WordVectors one = parseVectors("a 0.5\nb -1\n", "one.txt");
        QCOMPARE(one.dimension(), 1);
        QCOMPARE(one.values()(1, 0), -1.0);
        const std::string wide = bigGlove(3, 300, 7);
        const WordVectors w = parseVectors(wide, "wide.txt");
        QCOMPARE(w.dimension(), 300);
        QCOMPARE(w.size(), Index(3));
    }

    void messyFile()
    {
        // CRLF, tabs, runs of spaces, a trailing space, no final newline; cp1252 bytes kept; duplicates dropped.
        LoadReport report;
        const WordVectors v = loadVectors(dataPath("messy.glove.txt"), {}, &report);
        QCOMPARE(v.size(), Index(5));
        const std::vector<std::string> words = {"the", "caf\xe9", "good", "na\xefve", "last"};
        QCOMPARE(v.words(), words);
        QCOMPARE(v.values()(0, 0), 1.5); // the first "the" is kept, not 9 or 8
        QCOMPARE(v.values()(2, 0), 1e-3);
        QCOMPARE(v.values()(2, 1), 25.0);
        QVERIFY(std::signbit(v.values()(2, 2))); // "-0"
        QCOMPARE(v.values()(4, 2), 1.0);
        QCOMPARE(v.find("caf\xe9"), Index(1)); // byte-exact lookup
        QCOMPARE(report.invalidUtf8, Index(2));
        QCOMPARE(report.duplicates, Index(3));
        QCOMPARE(report.warnings.size(), std::size_t(2));
        const QString utf8 = QString::fromStdString(report.warnings[0]);
        const QString dups = QString::fromStdString(report.warnings[1]);
        QVERIFY2(utf8.contains("messy.glove.txt") && utf8.contains("2 words are not valid UTF-8") &&
                     utf8.contains("line 2") && utf8.contains("caf\xEF\xBF\xBD"),
                 qPrintable(utf8));
        QVERIFY2(dups.contains("messy.glove.txt") && dups.contains("3 duplicate words") && dups.contains("line 3") &&
                     dups.contains("'the'"),
                 qPrintable(dups));
    }

    void limit()
    {
        for (const char* file : {"small.glove.txt", "small.w2v.txt", "small.gensim.bin"}) {
            const WordVectors v = loadVectors(dataPath(file), {.limit = 2});
            QCOMPARE(v.size(), Index(2));
            QCOMPARE(v.word(1), std::string("of"));
            QCOMPARE(loadVectors(dataPath(file), {.limit = 100}).size(), Index(6));
        }
        // A limit stops before a later bad line (the loader looks no further) ...
        const std::string bad = "a 1 2\nb 3 4\nc x y\n";
        QCOMPARE(parseVectors(bad, "bad.txt", {.limit = 2}).size(), Index(2));
        // ... and from a file too, where only a prefix is mapped and looked at.
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "big.txt";
        writeBytes(path, bigGlove(20000, 20, 3) + "broken line\n");
        QCOMPARE(loadVectors(path, {.limit = 10000}).size(), Index(10000));
        QVERIFY(errorOf([&] { loadVectors(path); }).contains("line 20001"));
        // With a header, the header's count is not checked against a prefix.
        QCOMPARE(parseVectors("5 2\na 1 2\nb 3 4\n", "h.txt", {.limit = 1}).size(), Index(1));
    }

    void badFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QStringList>("expected"); // all must appear in the message
        QTest::addColumn<int>("maxDimension");
        const auto row = [](const char* name, QByteArray bytes, QStringList expected, int maxDimension = 4096) {
            QTest::newRow(name) << bytes << expected << maxDimension;
        };
        row("empty", "", {"bad.vec", "empty file"});
        row("whitespace", " \n\n \r\n", {"bad.vec", "only whitespace"});
        row("ragged short", "a 1 2 3\nb 4 5 6\nc 7 8\n", {"bad.vec: line 3", "2 values", "'c'", "expected 3"});
        row("ragged long", "a 1 2\nb 4 5 6\n", {"bad.vec: line 2", "3 values", "expected 2"});
        row("non-numeric", "a 1 2\nb 3 x1\n", {"bad.vec: line 2", "value 2 of 'b' is 'x1', not a number"});
        row("trailing junk", "a 1 2\nb 3 4abc\n", {"line 2", "'4abc', not a number"});
        row("nan", "a 1 2\nb nan 2\n", {"line 2", "'nan'", "expected a finite number"});
        row("inf", "a 1 2\nb 1 -inf\n", {"line 2", "'-inf'", "expected a finite number"});
        row("out of range", "a 1 1e999\n", {"line 1", "'1e999', out of the range of a double"});
        row("empty line", "a 1 2\n\nb 3 4\n", {"line 2", "an empty line"});
        row("leading space", "a 1 2\n b 3 4\n", {"line 2", "starts with a space"});
        row("word only", "a\nb 1\n", {"line 1", "1 field", "expected a word followed by its values"});
        row("header count high", "5 2\na 1 2\nb 3 4\n",
            {"bad.vec: line 1", "the header announces 5 words but the file has 2"});
        row("header count low", "1 2\na 1 2\nb 3 4\n", {"bad.vec: line 3", "more lines than the header's count of 1"});
        row("header dimension", "2 3\na 1 2 3\nb 3 4\n", {"line 3", "2 values", "expected 3 (the header's dimension)"});
        row("header dimension 0", "2 0\na\nb\n", {"line 1", "dimension is 0"});
        row("header dimension over limit", "2 5000\n", {"line 1", "5000 is over the limit of 4096"});
        row("header only", "3 2\n", {"line 2", "no vectors after the header; it announces 3 words"});
        row("header without newline", "3 2", {"line 1", "nothing after it"});
        row("dimension over limit", "a 1 2 3\n", {"line 1", "3 values; the limit is 2"}, 2);
        row("NUL byte", QByteArray("a 1 2\nb 3\0 4\n", 13), {"bad.vec: line 2", "NUL byte", "binary file"});
        row("NUL in word", QByteArray("a 1 2\nx\0y 3 4\n", 14), {"line 2", "NUL byte in the word"});
        QByteArray garbage;
        std::mt19937 rng(5);
        for (int i = 0; i < 3000; ++i) garbage += char(rng() & 0xFF);
        garbage.prepend("x 1 2\n");
        row("binary garbage", garbage, {"bad.vec: line"});
        // word2vec binary
        const QByteArray good = QByteArray::fromStdString(smallBinary(false));
        row("binary truncated", good.left(good.size() - 5),
            {"bad.vec: byte offset", "the file ends inside the vector of record 6 of 6 ('woman')", "expected 3 float32"});
        row("binary fewer records", QByteArray::fromStdString(smallBinary(false, 7)),
            {"byte offset 104", "the file ends before record 7 of 7; the header announces 7 words"});
        row("binary implausible count", QByteArray::fromStdString(smallBinary(false, 900)),
            {"byte offset 106", "at most 7 records of 3 float32 values; the header announces 900"});
        row("binary extra data", good + "extra", {"byte offset " + QString::number(good.size()), "5 bytes after"});
        QByteArray nan = QByteArray::fromStdString(smallBinary(false));
        const std::string qnan = f32le(std::numeric_limits<float>::quiet_NaN());
        nan.replace(nan.indexOf("of ") + 3 + 4, 4, qnan.data(), 4); // "of"'s second value
        row("binary NaN", nan, {"byte offset 27", "value 2 of 'of' is NaN"});
        QByteArray ctrl = good;
        ctrl[ctrl.indexOf("king") + 1] = '\x01';
        row("binary control byte", ctrl, {"byte offset", "a control byte (1) in the word of record 3"});
    }

    void badFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QStringList, expected);
        QFETCH(int, maxDimension);
        const LoadOptions options{.maxDimension = maxDimension};
        // From memory and from a file: the same message, naming the file.
        const QString fromMemory = errorOf([&] {
            parseVectors(std::string_view(bytes.constData(), std::size_t(bytes.size())), "bad.vec", options);
        });
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "bad.vec";
        writeBytes(path, std::string_view(bytes.constData(), std::size_t(bytes.size())));
        const QString fromFile = errorOf([&] { loadVectors(path, options); });
        for (const QString& e : expected) {
            QVERIFY2(fromMemory.contains(e), qPrintable(fromMemory + "  [expected: " + e + "]"));
            QVERIFY2(fromFile.contains(e.mid(e.startsWith("bad.vec") ? 7 : 0)), qPrintable(fromFile));
        }
        QVERIFY2(fromFile.startsWith(QString::fromStdString(path.string())), qPrintable(fromFile));
    }

    void explicitFormats()
    {
        // A header file read as GloVe: the header is a row of 1 value, so line 2 is ragged.
        QVERIFY(errorOf([] { loadVectors(dataPath("small.w2v.txt"), {.format = VectorFormat::GloveText}); })
                    .contains("line 2: 3 values after the word 'the'; expected 1"));
        const QString e = errorOf([] { loadVectors(dataPath("small.glove.txt"), {.format = VectorFormat::Word2VecText}); });
        QVERIFY2(e.contains("line 1: expected a header \"count dimension\""), qPrintable(e));
        // word2vec text forced to binary: misread records fail somewhere with a byte offset, never crash.
        const QString b = errorOf([] { loadVectors(dataPath("small.w2v.txt"), {.format = VectorFormat::Word2VecBinary}); });
        QVERIFY2(b.contains("byte offset"), qPrintable(b));
    }

    void limits()
    {
        QVERIFY(errorOf([] { loadVectors(dataPath("small.glove.txt"), {.maxBytes = 100}); })
                    .contains("179 bytes is over the limit of 100 bytes"));
        QVERIFY(errorOf([] { loadVectors("/nonexistent/vectors.txt"); }).contains("/nonexistent/vectors.txt: cannot be opened"));
        QVERIFY(errorOf([] { loadVectors(UNROLL_TEST_DATA_DIR); }).contains("is a directory"));
    }

    void firstErrorWinsAcrossChunks()
    {
        // Errors in several ~1 MB chunks: the first line's is reported, whatever the threads do.
        std::string text = bigGlove(40000, 20, 11); // ~8 MB
        const auto breakLine = [&](int line) {
            std::size_t at = 0;
            for (int i = 1; i < line; ++i) at = text.find('\n', at) + 1;
            text.replace(text.find(' ', at) + 1, 1, "?");
        };
        breakLine(39000);
        breakLine(31234);
        breakLine(35000);
        for (int threads : {1, 2, 4}) {
            setThreadCount(threads);
            const QString e = errorOf([&] { parseVectors(text, "big.txt"); });
            QVERIFY2(e.startsWith("big.txt: line 31234: value 1 of 'w31233'"), qPrintable(e));
        }
        useDefaultThreads();
    }

    void parallelEqualsSerial()
    {
        const std::string text = bigGlove(30000, 25, 12);
        setThreadCount(1);
        const WordVectors serial = parseVectors(text, "a.txt");
        useDefaultThreads();
        setThreadCount(3);
        const WordVectors parallel = parseVectors(text, "a.txt");
        useDefaultThreads();
        QCOMPARE(parallel.words(), serial.words());
        QVERIFY(parallel.values() == serial.values());
        // And every value is std::from_chars' own parse of its token.
        std::size_t at = 0;
        for (Index r = 0; r < 3; ++r) {
            at = text.find(' ', at) + 1;
            double v = 0;
            std::from_chars(text.data() + at, text.data() + text.size(), v);
            QCOMPARE(serial.values()(r, 0), v);
            at = text.find('\n', at) + 1;
        }
    }

    void progressAndCancel()
    {
        const std::string text = bigGlove(40000, 20, 13); // ~5 MB: several chunks
        RecordingObserver observer;
        parseVectors(text, "p.txt", {.observer = &observer});
        QVERIFY(observer.progress.size() >= 2);
        for (std::size_t i = 1; i < observer.progress.size(); ++i)
            QVERIFY(observer.progress[i].first >= observer.progress[i - 1].first);
        QCOMPARE(observer.progress.back().first, observer.progress.back().second);

        RecordingObserver stopper;
        stopper.stopAfter = 1;
        QCOMPARE(errorOf([&] { parseVectors(text, "p.txt", {.observer = &stopper}); }), QString("cancelled"));
        RecordingObserver immediately;
        immediately.stopAfter = 0;
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "p.txt";
        writeBytes(path, text);
        QCOMPARE(errorOf([&] { loadVectors(path, {.observer = &immediately}); }), QString("cancelled"));
        // word2vec binary too.
        RecordingObserver binaryStopper;
        binaryStopper.stopAfter = 0;
        QCOMPARE(errorOf([&] { parseVectors(smallBinary(false), "b.bin", {.observer = &binaryStopper}); }),
                 QString("cancelled"));
    }

    void saveRoundTrip()
    {
        // Shortest round-trip digits: the exact doubles back, words byte-exact (invalid UTF-8 included).
        std::mt19937 rng(3);
        std::normal_distribution<double> n(0, 1);
        VectorMatrix m(4, 5);
        for (Index i = 0; i < m.size(); ++i) m.data()[i] = n(rng) * std::pow(10.0, double(i % 7) - 3);
        m(3, 4) = -0.0;
        const WordVectors v({"alpha", "caf\xe9", "\xe2\x82\xac", "z"}, m, "test");
        QTemporaryDir dir;
        const fs::path path = fs::path(dir.path().toStdString()) / "out.txt";
        saveGloveText(v, path);
        LoadReport report;
        const WordVectors back = loadVectors(path, {}, &report);
        QCOMPARE(back.words(), v.words());
        QVERIFY(back.values() == v.values());
        QVERIFY(std::signbit(back.values()(3, 4)));
        QCOMPARE(report.invalidUtf8, Index(1));
        // Six significant digits: within half a unit of the sixth digit.
        saveGloveText(v, path, 6);
        const WordVectors six = loadVectors(path);
        for (Index i = 0; i < m.size(); ++i)
            QVERIFY(std::abs(six.values().data()[i] - m.data()[i]) <= 5e-6 * std::abs(m.data()[i]));
        // Atomic: nothing else left in the directory.
        QCOMPARE(std::distance(fs::directory_iterator(dir.path().toStdString()), fs::directory_iterator()), 1L);
        // A word GloVe text cannot hold.
        const WordVectors spaced({"a b"}, VectorMatrix::Zero(1, 2));
        QVERIFY(errorOf([&] { saveGloveText(spaced, path); }).contains("contains whitespace"));
        QVERIFY(errorOf([&] { saveGloveText(v, path, 18); }).contains("significant digits 18"));
    }

    void builtInFromDataDirectory()
    {
        // The built-in file is found through util/Resources ($UNROLL_DATA_DIR first); here a fixture stands in.
        QTemporaryDir dir;
        fs::create_directories(fs::path(dir.path().toStdString()) / "vectors");
        fs::copy_file(dataPath("small.glove.txt"), fs::path(dir.path().toStdString()) / "vectors" / "builtin-50d.txt");
        const QByteArray old = qgetenv("UNROLL_DATA_DIR");
        qputenv("UNROLL_DATA_DIR", dir.path().toUtf8());
        const WordVectors v = builtInVectors();
        const fs::path where = builtInVectorsPath();
        if (old.isNull())
            qunsetenv("UNROLL_DATA_DIR");
        else
            qputenv("UNROLL_DATA_DIR", old);
        checkSmall(v, false);
        QCOMPARE(v.source(), std::string("built-in vectors"));
        QCOMPARE(where.filename().string(), std::string("builtin-50d.txt"));
    }

    void wordVectorsTable()
    {
        VectorMatrix m(3, 2);
        m << 1, 2, 3, 4, 5, 6;
        const WordVectors v({"Paris", "paris", "Rome"}, m);
        QCOMPARE(v.find("Paris"), Index(0)); // exact first
        QCOMPARE(v.find("paris"), Index(1));
        QCOMPARE(v.find("PARIS"), Index(1)); // then lower-cased
        QCOMPARE(v.find("rome"), Index(-1)); // lower-casing the query only
        QCOMPARE(v.find("ROME"), Index(-1));
        QVERIFY(v.vector("Rome") == Eigen::Vector2d(5, 6));
        QCOMPARE(errorOf([&] { v.indexOf("caf\xe9"); }), QString("unknown word 'caf\xEF\xBF\xBD'"));
        QVERIFY(errorOf([] { WordVectors({"a", "b"}, VectorMatrix::Zero(3, 2)); }).contains("2 words but 3 rows"));
        QVERIFY(errorOf([] { WordVectors({"a", ""}, VectorMatrix::Zero(2, 2)); }).contains("word 2 is empty"));
        QVERIFY(errorOf([] { WordVectors({"a", "b", "a"}, VectorMatrix::Zero(3, 2), "t.txt"); })
                    .contains("t.txt: the word 'a' appears twice (1. and 3. word)"));
        const WordVectors empty;
        QCOMPARE(empty.find("a"), Index(-1));
        // A copy shares nothing that could dangle: look up in the copy after the original is gone.
        auto* original = new WordVectors({"x", "y"}, VectorMatrix::Zero(2, 1));
        const WordVectors copy = *original;
        delete original;
        QCOMPARE(copy.find("y"), Index(1));
    }

    void neighborIndexBuiltOnce()
    {
        const WordVectors v = parseVectors(bigGlove(2000, 8, 4), "n.txt");
        std::vector<const void*> seen(64);
        parallelFor(64, [&](std::int64_t b, std::int64_t e) {
            for (std::int64_t i = b; i < e; ++i) seen[std::size_t(i)] = &v.neighborIndex();
        });
        for (const void* p : seen) QCOMPARE(p, static_cast<const void*>(&v.neighborIndex()));
        const WordVectors copy = v; // a copy shares it
        QCOMPARE(static_cast<const void*>(&copy.neighborIndex()), static_cast<const void*>(&v.neighborIndex()));
    }

    void numbersAreFromCharsOwn()
    {
        // The loader's shortcut for plain decimals must give exactly std::from_chars' value, end and error.
        std::vector<std::string> tokens = {"0", "-0", "1", "0.418", "-0.00066023", "4.0071", "1e-05", "2.5e+1", "1E3",
                                           ".5", "-.5", "1.", "-", ".", "e5", "1e", "1e+", "1e-", "5e-324", "1e308",
                                           "1e309", "1e-400", "123456789012345678901", "9007199254740993",
                                           "9007199254740992", "0.30000000000000004", "1e22", "1e23", "1.5e-22",
                                           "1.5e-23", "00000000000000000001.5", "nan", "inf", "-infinity", "0x10",
                                           "1.5.5", "1e5e5", "12abc", "-+1", "1e00001", "0.000000000000000000001"};
        std::mt19937 rng(17);
        char buf[64];
        for (int i = 0; i < 20000; ++i) {
            const double v = std::ldexp(double(rng()) / 4294967296.0 - 0.5, int(rng() % 40) - 20);
            const int precision = 1 + int(rng() % 19);
            const auto format = (i % 3 == 0)   ? std::chars_format::scientific
                                : (i % 3 == 1) ? std::chars_format::fixed
                                               : std::chars_format::general;
            const auto r = std::to_chars(buf, buf + sizeof buf, v, format, precision);
            if (r.ec == std::errc()) tokens.emplace_back(buf, r.ptr);
        }
        for (const std::string& t : tokens) {
            std::string variants[3] = {t, t, t}; // the token alone, before a separator, before a line end
            variants[1].append(" 7");
            variants[2].push_back('\n');
            for (const std::string& text : variants) {
                double mine = -42, theirs = -42;
                const char* b = text.data();
                const char* e = b + text.size();
                const auto x = unroll::vectors::detail::parseVectorValue(b, e, mine);
                const auto y = std::from_chars(b, e, theirs);
                QVERIFY2(x.ec == y.ec && x.ptr == y.ptr, qPrintable(QString::fromStdString(text)));
                if (y.ec == std::errc())
                    QVERIFY2(std::bit_cast<std::uint64_t>(mine) == std::bit_cast<std::uint64_t>(theirs) ||
                                 (std::isnan(mine) && std::isnan(theirs)),
                             qPrintable(QString::fromStdString(text)));
            }
        }
        double plus = 0;
        const std::string p = "+0.5";
        QCOMPARE(unroll::vectors::detail::parseVectorValue(p.data(), p.data() + p.size(), plus).ptr, p.data() + p.size());
        QCOMPARE(plus, 0.5);
    }

    void utf8Display()
    {
        // Expected: Python's bytes.decode('utf-8', 'replace') (Unicode's "maximal subpart" replacement):
        //   b'caf\xe9' -> 'caf\ufffd'; b'\xe2\x82a' -> '\ufffda'; b'\xc0\xaf' -> '\ufffd\ufffd';
        //   b'\xed\xa0\x80' -> '\ufffd\ufffd\ufffd'; b'\xf4\x90\x80\x80' -> 4 x '\ufffd';
        //   b'\xf0\x9f\x98\x80x\xf0\x9f\x98' -> '\U0001f600x\ufffd'; b'\x80\xbf' -> '\ufffd\ufffd'
        const std::string r = "\xEF\xBF\xBD";
        QCOMPARE(displayWord("caf\xe9"), "caf" + r);
        QCOMPARE(displayWord("\xe2\x82" "a"), r + "a");
        QCOMPARE(displayWord("\xc0\xaf"), r + r);
        QCOMPARE(displayWord("\xed\xa0\x80"), r + r + r);
        QCOMPARE(displayWord("\xf4\x90\x80\x80"), r + r + r + r);
        QCOMPARE(displayWord("\xf0\x9f\x98\x80x\xf0\x9f\x98"), std::string("\xf0\x9f\x98\x80x") + r);
        QCOMPARE(displayWord("\x80\xbf"), r + r);
        QCOMPARE(displayWord("na\xc3\xafve \xe2\x82\xac"), std::string("na\xc3\xafve \xe2\x82\xac"));
        QVERIFY(isValidUtf8("plain ascii words of some length"));
        QVERIFY(isValidUtf8("\xf0\x9f\x98\x80"));
        QVERIFY(!isValidUtf8("long ascii prefix, then \xff"));
        QVERIFY(!isValidUtf8("\xed\xa0\x80"));
    }
};

QTEST_GUILESS_MAIN(TestVectorFile)
#include "tst_vectorfile.moc"
