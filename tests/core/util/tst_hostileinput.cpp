// Hostile input at the core boundary (issue 13), each test named for the symptom it guards against: bounded reads
// that refuse pipes and devices, text edge cases (BOM, U+FFFD, non-ASCII capitals, a megabyte line), model files
// whose metadata lies, atomic writes that would replace a device, and a gradient check that fails by chance.
#include "charlm/CharLmTask.hpp"
#include "io/AtomicFile.hpp"
#include "io/ModelFile.hpp"
#include "io/Safetensors.hpp"
#include "nn/GradCheck.hpp"
#include "text/Vocabulary.hpp"
#include "util/Error.hpp"
#include "util/ReadFile.hpp"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

#include <sys/stat.h>

using namespace unroll;

namespace {

std::string pathIn(const QTemporaryDir& dir, const char* name) { return dir.filePath(name).toStdString(); }

void writeFile(const std::string& path, const std::string& bytes)
{
    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes.data(), qint64(bytes.size()));
}

// The message of the InputError that f throws ("" if it throws none).
template <class F> std::string inputErrorOf(F&& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

#define VERIFY_CONTAINS(text, part) QVERIFY2(std::string(text).find(part) != std::string::npos, std::string(text).c_str())

} // namespace

class TestHostileInput : public QObject {
    Q_OBJECT
private slots:
    // --- bounded reads ---------------------------------------------------------------------------------------------
    void boundedReadRefusesPipesDevicesFoldersAndExcess()
    {
        QTemporaryDir dir;
        const std::string fifo = pathIn(dir, "pipe");
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        VERIFY_CONTAINS(inputErrorOf([&] { readFileBounded(fifo, 100, "a corpus"); }), "pipe: is a named pipe");
        VERIFY_CONTAINS(inputErrorOf([&] { readFileBounded("/dev/zero", 100, "a corpus"); }), "is a character device");
        VERIFY_CONTAINS(inputErrorOf([&] { readFileBounded(dir.path().toStdString(), 100, "a corpus"); }), "is a folder");
        VERIFY_CONTAINS(inputErrorOf([&] { readFileBounded(pathIn(dir, "none"), 100, "a corpus"); }), "no such file");
        const std::string small = pathIn(dir, "small.txt");
        writeFile(small, std::string(101, 'x'));
        VERIFY_CONTAINS(inputErrorOf([&] { readFileBounded(small, 100, "a corpus"); }),
                        "101 bytes is too large for a corpus (limit 100 bytes)");
        QCOMPARE(readFileBounded(small, 101, "a corpus"), std::string(101, 'x'));
    }

    // --- text -----------------------------------------------------------------------------------------------------
    void byteOrderMarkIsNotACharacter()
    {
        const auto c = loadCharCorpus("\xEF\xBB\xBF" "ab\nba\n", "bom.txt", {.heldOut = 0});
        QVERIFY(!c.vocab.contains(0xFEFF));
        QCOMPARE(c.vocab.size(), size_t(3)); // '\n', 'a', 'b'
    }

    void replacementCharacterDoesNotCollideWithTheCatchAll()
    {
        std::map<char32_t, std::size_t> counts;
        counts[Vocabulary::kOther] = 1000; // the text's own U+FFFD, the most frequent character
        for (char32_t c = 0x4E00; c < 0x4E00 + 300; ++c) counts[c] = 5;
        const Vocabulary v = Vocabulary::fromCounts(counts, 200);
        QCOMPARE(v.size(), size_t(200));
        QVERIFY(v.contains(Vocabulary::kOther));
    }

    void lowercaseCoversNonAsciiCapitals_data()
    {
        QTest::addColumn<uint>("capital");
        QTest::addColumn<uint>("small");
        QTest::newRow("A") << uint('A') << uint('a');
        QTest::newRow("É Latin-1") << 0xC9u << 0xE9u;
        QTest::newRow("× not a letter") << 0xD7u << 0xD7u;
        QTest::newRow("Ł Latin Ext-A odd pair") << 0x141u << 0x142u;
        QTest::newRow("Ą Latin Ext-A even pair") << 0x104u << 0x105u;
        QTest::newRow("İ") << 0x130u << uint('i');
        QTest::newRow("Ÿ") << 0x178u << 0xFFu;
        QTest::newRow("Ž") << 0x17Du << 0x17Eu;
        QTest::newRow("Σ Greek") << 0x3A3u << 0x3C3u;
        QTest::newRow("Ώ Greek tonos") << 0x38Fu << 0x3CEu;
        QTest::newRow("Ж Cyrillic") << 0x416u << 0x436u;
        QTest::newRow("Ё Cyrillic") << 0x401u << 0x451u;
        QTest::newRow("Ґ Cyrillic pair") << 0x490u << 0x491u;
        QTest::newRow("ß stays") << 0xDFu << 0xDFu;
        QTest::newRow("lower stays") << 0x3C3u << 0x3C3u;
    }
    void lowercaseCoversNonAsciiCapitals()
    {
        QFETCH(uint, capital);
        QFETCH(uint, small);
        QCOMPARE(uint(lowercaseChar(char32_t(capital))), small);
    }

    void aMegabyteLineIsRefusedWithItsLineNumber()
    {
        const std::string text = "ok\n" + std::string(1 << 20, 'a') + "\n";
        const auto message = inputErrorOf([&] { loadCharCorpus(text, "long.txt", {.heldOut = 0}); });
        VERIFY_CONTAINS(message, "long.txt: line 2 has 1048576 characters");
        QCOMPARE(loadCharCorpus(text, "long.txt", {.heldOut = 0, .maxLineLength = 0}).train.size(), size_t(2));
    }

    void aStepBeyondTheMemoryBoundIsRefusedBeforeTraining()
    {
        const std::string text = std::string(4000, 'a') + "\n" + std::string(4000, 'b') + "\n";
        const auto corpus = loadCharCorpus(text, "wide.txt", {.heldOut = 0});
        CharLmOptions o;
        o.cell = CellKind::Lstm;
        o.hidden = 2048;
        o.batch = 64;
        VERIFY_CONTAINS(inputErrorOf([&] { CharLmTask task(corpus, o); }), "one training step would need about");
        o.hidden = 16;
        o.batch = 1;
        CharLmTask task(corpus, o); // the same lines with a small model train
        QVERIFY(std::isfinite(task.step().loss));
    }

    // --- model files whose metadata lies ---------------------------------------------------------------------------
    void modelSizeFieldsAreCheckedBeforeAllocating()
    {
        QTemporaryDir dir;
        CharLmTask task(loadCharCorpus("abc\ncab\n", "t.txt", {.heldOut = 0}), {.hidden = 4});
        ModelFile f = describeCharModel(task.model(), task.corpus(), task.options());
        const std::string path = pathIn(dir, "m.safetensors");
        for (const char* bad : {"20000", "3000000000", "0", "4x"}) {
            f.hyper["n_a"] = bad;
            saveModel(path, f);
            VERIFY_CONTAINS(inputErrorOf([&] { loadCharModel(path); }), "m.safetensors: hyper-parameter n_a");
        }
        f.hyper["n_a"] = "2048"; // in range, but the tensors are those of n_a 4
        saveModel(path, f);
        VERIFY_CONTAINS(inputErrorOf([&] { loadCharModel(path); }), "need");
        f.hyper["n_a"] = "4";
        f.hyper["layers"] = "1000";
        saveModel(path, f);
        VERIFY_CONTAINS(inputErrorOf([&] { loadCharModel(path); }), "hyper-parameter layers");
        f.hyper["layers"] = "1";
        f.tensors.at("Wya").data[0] = std::numeric_limits<float>::infinity();
        saveModel(path, f);
        VERIFY_CONTAINS(inputErrorOf([&] { loadCharModel(path); }), "tensor Wya holds Inf at (0, 0)");
        f.tensors.at("Wya").data[0] = 0.5f;
        saveModel(path, f);
        QVERIFY(loadCharModel(path).model);
    }

    // --- writes ---------------------------------------------------------------------------------------------------------
    void atomicWriteRefusesToReplaceAPipe()
    {
        QTemporaryDir dir;
        const std::string fifo = pathIn(dir, "pipe");
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        VERIFY_CONTAINS(inputErrorOf([&] { writeFileAtomically(fifo, "data"); }), "a named pipe");
        struct stat st {};
        QCOMPARE(::stat(fifo.c_str(), &st), 0);
        QVERIFY(S_ISFIFO(st.st_mode));
    }

    // --- gradient checks -----------------------------------------------------------------------------------------------
    void gradCheckRecoversFromTruncationError()
    {
        // L(w) = exp(150 w): a correct gradient whose plain central difference at h = 1e-5 misses 1e-7 by truncation
        // (error (150 h)²/12 = 1.9e-7); Richardson extrapolation at H = 1e-4 leaves about (150 H)⁴/960 ≈ 5e-11.
        MatD w(1, 1), dw(1, 1);
        w(0, 0) = 0.02;
        ParamList<double> params{wholeParam<double>("w", w, dw)};
        auto loss = [&] { return std::exp(150 * w(0, 0)); };
        auto lossAndGrad = [&] { dw(0, 0) = 150 * std::exp(150 * w(0, 0)); };
        const auto r = gradCheck(params, loss, lossAndGrad);
        QVERIFY2(r[0].error < 1e-7, std::to_string(r[0].error).c_str());
        QVERIFY(r[0].extrapolated);
        // A gradient wrong by 1e-5 still fails.
        auto wrong = [&] { dw(0, 0) = 150.0015 * std::exp(150 * w(0, 0)); };
        QVERIFY(gradCheck(params, loss, wrong)[0].error > 1e-7);
    }

    void gradCheckSamplesLargeTensors()
    {
        // A sampled check evaluates the loss 2 (or 4) times per sampled entry, not per entry.
        MatD w = MatD::Random(50, 40), dw = MatD::Zero(50, 40);
        ParamList<double> params{wholeParam<double>("w", w, dw)};
        int evaluations = 0;
        auto loss = [&] {
            ++evaluations;
            return 0.5 * w.squaredNorm();
        };
        auto lossAndGrad = [&] { dw = w; };
        const auto r = gradCheck(params, loss, lossAndGrad, {.maxEntries = 64});
        QVERIFY(r[0].error < 1e-7);
        QVERIFY2(evaluations <= 4 * 64, std::to_string(evaluations).c_str());
        dw = w;
        auto wrong = [&] { dw = w * 1.01; };
        QVERIFY(gradCheck(params, loss, wrong, {.maxEntries = 64})[0].error > 1e-4);
    }
};

QTEST_GUILESS_MAIN(TestHostileInput)
#include "tst_hostileinput.moc"
