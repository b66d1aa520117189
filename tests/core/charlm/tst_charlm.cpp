// The character language model: the text loader's checks, the course's training loop learning the built-in names,
// reproducible sampling, save → open → eval, and exact resumption from a checkpoint.
#include "charlm/CharLmTask.hpp"
#include "charlm/Sampling.hpp"
#include "io/ModelFile.hpp"
#include "io/Safetensors.hpp"
#include "math/Rng.hpp"
#include "util/Error.hpp"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace unroll;

namespace {
CharCorpus names(const char* text, double heldOut = 0.0)
{
    return loadCharCorpus(text, "names.txt", {.mode = TextMode::Lines, .lowercase = true, .heldOut = heldOut});
}
} // namespace

class TestCharLm : public QObject {
    Q_OBJECT
private slots:
    void loaderSplitsCleansAndCounts()
    {
        const auto c = names("  Tyrannosaurus \r\nallosaurus\n\n\t\ntriceratops\n");
        QCOMPARE(int(c.train.size()), 3);
        QCOMPARE(c.train[0], std::u32string(U"tyrannosaurus"));
        QCOMPARE(c.vocab.symbol(0), U'\n');
        QCOMPARE(c.counts.at(U'\n'), size_t(3));
        QCOMPARE(c.characters, size_t(13 + 10 + 11 + 3));
        QCOMPARE(c.lengthHistogram.at(10), size_t(1));
    }

    void loaderRejectsBadFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << QByteArray() << "the file is empty";
        QTest::newRow("binary") << QByteArray("abc\0def", 7) << "NUL byte at offset 3";
        QTest::newRow("latin-1") << QByteArray("caf\xe9\n") << "invalid UTF-8 at byte 3";
        QTest::newRow("blank") << QByteArray(" \n\n\t\n") << "no non-blank lines";
    }
    void loaderRejectsBadFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        try {
            loadCharCorpus(std::string_view(bytes.constData(), size_t(bytes.size())), "x.txt",
                           {.mode = TextMode::Lines, .heldOut = 0});
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(message) && QString(e.what()).startsWith("x.txt"), e.what());
        }
    }

    void loaderRefusesMissingAndHugeFiles()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, loadCharCorpusFile("/nonexistent/names.txt", {}));
        QVERIFY_THROWS_EXCEPTION(InputError, loadCharCorpusFile(QDir::tempPath().toStdString(), {}));
        QVERIFY_THROWS_EXCEPTION(InputError, loadCharCorpus(std::string(5000, 'a') + "b", "big.txt",
                                                            {.maxBytes = 4096}));
        QVERIFY_THROWS_EXCEPTION(InputError, loadCharCorpus("aaaaaaaa", "one.txt", {.mode = TextMode::Continuous}));
    }

    void vocabularyCapMapsTheRareToOther()
    {
        const auto c = loadCharCorpus("aaaa\nbbbb\ncccz\nq\n", "x", {.heldOut = 0, .maxVocabulary = 4});
        QCOMPARE(int(c.vocab.size()), 4); // \n, a, b + other
        QVERIFY(c.vocab.contains(Vocabulary::kOther));
        QVERIFY(c.otherCount > 0);
    }

    void heldOutSplitIsDeterministic()
    {
        const auto a = builtInDinosaurs(0.05, 3), b = builtInDinosaurs(0.05, 3);
        QVERIFY(a.train.size() > 1000);
        QCOMPARE(a.validation.size(), size_t(double(a.train.size() + a.validation.size()) * 0.05));
        QCOMPARE(a.validation, b.validation);
        QCOMPARE(int(a.vocab.size()), 27); // '\n' + a..z, as in the course
    }

    void courseLoopLearnsTheNames()
    {
        CharLmTask task(builtInDinosaurs(0.05), {});
        const double before = task.validation().perPrediction();
        QVERIFY(std::abs(before - std::log(27.0)) < 0.05); // weights * 0.01: nearly uniform
        QVERIFY(std::abs(task.smoothedLoss() - 7 * std::log(27.0)) < 1e-12); // the course's starting value
        double first = 0, last = 0;
        for (int i = 0; i < 5000; ++i) {
            const double loss = task.step().loss;
            if (i < 200) first += loss / 200;
            if (i >= 4500) last += loss / 500;
        }
        QVERIFY2(last < 0.8 * first, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
        QVERIFY2(task.validation().perPrediction() < 2.4, qPrintable(QString::number(task.validation().perPrediction())));
    }

    void miniBatchesAndContinuousTextTrain()
    {
        CharLmTask batched(builtInDinosaurs(0.0), {.cell = CellKind::Gru, .hidden = 32,
                                                   .optimizer = {.kind = OptimizerKind::Adam, .learningRate = 0.01},
                                                   .batch = 16});
        const double b0 = batched.step().loss;
        for (int i = 0; i < 300; ++i) batched.step();
        QVERIFY(batched.lastLoss() < 0.85 * b0);
        const auto prose = loadCharCorpus(std::string(40, ' ') + "the cat sat on the mat and the dog sat on the log. " +
                                              std::string("the cat sat on the mat and the dog sat on the log. ") +
                                              std::string("the cat sat on the mat and the dog sat on the log. "),
                                          "prose", {.mode = TextMode::Continuous, .heldOut = 0.1});
        CharLmTask stream(prose, {.cell = CellKind::Lstm, .hidden = 24,
                                  .optimizer = {.kind = OptimizerKind::Adam, .learningRate = 0.02},
                                  .batch = 2, .window = 16});
        const double s0 = stream.step().loss;
        for (int i = 0; i < 300; ++i) stream.step();
        QVERIFY(stream.lastLoss() < 0.5 * s0);
        QVERIFY(stream.validation().predictions > 0);
    }

    void samplingIsReproducible()
    {
        CharLmTask task(builtInDinosaurs(0.0), {});
        for (int i = 0; i < 2000; ++i) task.step();
        QCOMPARE(task.sampleNames(7), task.sampleNames(7));
        Rng r1(11), r2(11);
        const SamplingOptions o{.temperature = 0.8, .topK = 5};
        QCOMPARE(sampleLine(task.model(), task.vocabulary(), U"ty", o, r1),
                 sampleLine(task.model(), task.vocabulary(), U"ty", o, r2));
    }

    void temperatureTopKAndGreedy()
    {
        const std::vector<float> p = {0.1f, 0.2f, 0.3f, 0.4f};
        const auto top2 = adjustedDistribution(p, {.topK = 2});
        QCOMPARE(top2[0], 0.0);
        QCOMPARE(top2[1], 0.0);
        QVERIFY(std::abs(top2[3] - 4.0 / 7) < 1e-7);
        const auto cold = adjustedDistribution(p, {.temperature = 0.05});
        QVERIFY(cold[3] > 0.99);
        const auto same = adjustedDistribution(p, {.temperature = 1.0});
        QVERIFY(std::abs(same[2] - 0.3) < 1e-7);
        QVERIFY_THROWS_EXCEPTION(InputError, adjustedDistribution(p, {.temperature = 0}));
    }

    void saveOpenEvalGivesTheSameLoss()
    {
        QTemporaryDir dir;
        CharLmTask task(builtInDinosaurs(0.05), {.cell = CellKind::Lstm, .hidden = 16, .layers = 2});
        for (int i = 0; i < 200; ++i) task.step();
        const std::string path = dir.filePath("m.safetensors").toStdString();
        task.saveModel(path);
        const auto loaded = loadCharModel(path);
        QVERIFY(loaded.lowercase);
        QCOMPARE(loaded.kind, std::string("charlm"));
        const auto a = evaluateLines(task.model(), task.vocabulary(), task.corpus().validation);
        const auto b = evaluateLines(*loaded.model, loaded.vocab, task.corpus().validation);
        QCOMPARE(a.total, b.total);
        QCOMPARE(a.predictions, b.predictions);
        // A line with a character outside the vocabulary is counted, not silently mapped.
        const auto c = evaluateLines(*loaded.model, loaded.vocab, {U"abc", U"ab1"});
        QCOMPARE(c.lines, std::int64_t(1));
        QCOMPARE(c.unknown, std::int64_t(1));
    }

    void modelOfVersionOneStillOpens()
    {
        // A model as format_version 1 wrote it (kind "char-gru", no vocab_type) opens and scores the same.
        QTemporaryDir dir;
        CharLmTask task(builtInDinosaurs(0.05), {.cell = CellKind::Gru, .hidden = 8});
        for (int i = 0; i < 50; ++i) task.step();
        const std::string path = dir.filePath("old.safetensors").toStdString();
        task.saveModel(path);
        TensorFile f = readSafetensors(path);
        QCOMPARE(f.metadata.at("kind"), std::string("charlm"));
        f.metadata.insert_or_assign("format_version", std::string("1"));
        f.metadata["kind"] = "char-gru";
        f.metadata.erase("vocab_type");
        writeSafetensors(path, f);
        const auto loaded = loadCharModel(path);
        QCOMPARE(loaded.kind, std::string("charlm"));
        QCOMPARE(evaluateLines(*loaded.model, loaded.vocab, task.corpus().validation).total,
                 task.validation().total);
    }

    void fileOfAnotherKindIsRefusedByName()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("other.safetensors").toStdString();
        ModelFile bptt{.kind = "bptt", .hyper = {{"cell", "rnn"}}, .vocab = {"a", "b"}, .tensors = {}};
        saveModel(path, bptt);
        const auto message = [&] {
            try {
                loadCharModel(path);
            } catch (const InputError& e) {
                return QString(e.what());
            }
            return QString("no exception");
        };
        QCOMPARE(message(), QString("other.safetensors: a 'bptt' model, not a character language model (kind 'charlm')"));
        CharLmTask task(builtInDinosaurs(0.0), {});
        QVERIFY_THROWS_EXCEPTION(InputError, task.restoreCheckpoint(path));

        ModelFile words{.kind = "charlm", .hyper = {{"cell", "rnn"}}, .vocabType = VocabType::Words, .vocab = {"ab"}, .tensors = {}};
        saveModel(path, words);
        QVERIFY(message().contains("needs a character vocabulary; this file's is of words"));
    }

    void checkpointResumesExactly()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("run.ckpt").toStdString();
        const CharLmOptions o{.cell = CellKind::Gru, .hidden = 12,
                              .optimizer = {.kind = OptimizerKind::Adam, .learningRate = 0.01, .clip = ClipMode::Value}};
        CharLmTask straight(builtInDinosaurs(0.0), o);
        std::vector<double> expected;
        for (int i = 0; i < 300; ++i) {
            const double l = straight.step().loss;
            if (i >= 150) expected.push_back(l);
        }
        CharLmTask first(builtInDinosaurs(0.0), o);
        for (int i = 0; i < 150; ++i) first.step();
        first.saveCheckpoint(path);
        CharLmTask resumed(builtInDinosaurs(0.0), o);
        resumed.restoreCheckpoint(path);
        QCOMPARE(resumed.stepsDone(), std::int64_t(150));
        for (int i = 0; i < 150; ++i) QCOMPARE(resumed.step().loss, expected[size_t(i)]);
        QCOMPARE(resumed.smoothedLoss(), straight.smoothedLoss());
        // A checkpoint of another model is refused.
        CharLmTask other(builtInDinosaurs(0.0), {.cell = CellKind::Lstm, .hidden = 12});
        try {
            other.restoreCheckpoint(path);
            QFAIL("no exception");
        } catch (const InputError& e) {
            QCOMPARE(QString(e.what()), QString("run.ckpt: the checkpoint's cell is gru, this run's is lstm"));
        }
    }
};

QTEST_GUILESS_MAIN(TestCharLm)
#include "tst_charlm.moc"
