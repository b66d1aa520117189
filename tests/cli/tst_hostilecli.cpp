// Hostile input through unroll-cli (issue 13): every case a hostile-input pass found, each named for its symptom.
// Each bad input exits 2 with one line on stderr that names the file and what is wrong; nothing is destroyed; a run
// stopped by Ctrl-C exits 130. Model files are made with the core (linked for that only) and then broken on purpose.
#include "CliProcess.hpp"

#include "io/ModelFile.hpp"
#include "io/Safetensors.hpp"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

#include <csignal>
#include <sys/stat.h>

using unroll::test::cli;
using unroll::test::writeFile;
using unroll::test::run;

namespace {
QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Exit 2, nothing on stdout, one line on stderr containing every one of `parts`.
#define EXPECT_REFUSED(r, ...)                                                                                         \
    do {                                                                                                               \
        const auto& res_ = (r);                                                                                        \
        QVERIFY2(res_.code == 2, qPrintable(QString("exit %1: %2").arg(res_.code).arg(QString::fromUtf8(res_.err)))); \
        QVERIFY2(res_.err.startsWith("unroll-cli: error: "), res_.err.constData());                                    \
        QCOMPARE(res_.err.count('\n'), 1);                                                                             \
        for (const char* part_ : {__VA_ARGS__}) QVERIFY2(res_.err.contains(part_), res_.err.constData());             \
    } while (0)

// A small model saved by the CLI, loaded back with the core so that a test can break one thing in it.
unroll::ModelFile trainedModel(const QTemporaryDir& dir)
{
    const QString path = dir.filePath("base.safetensors");
    if (!QFile::exists(path)) cli({"train", "charlm", "--iterations", "3", "--hidden", "8", "--save", path, "--json"});
    return unroll::loadModel(path.toStdString());
}

} // namespace

class TestHostileCli : public QObject {
    Q_OBJECT
private slots:
    // --- an abort instead of an error -------------------------------------------------------------------------------
    void aMegabyteLineIsRefusedNotAborted()
    {
        QTemporaryDir dir;
        const QString data = dir.filePath("long.txt");
        writeFile(data, "short\n" + QByteArray(1 << 20, 'a') + "\nother\n");
        EXPECT_REFUSED(cli({"train", "charlm", "--data", data, "--iterations", "2"}), "long.txt: line 2 has 1048576",
                       "at most 4096");
    }

    void aStepTooLargeForMemoryIsRefusedWithWhatToChange()
    {
        QTemporaryDir dir;
        const QString data = dir.filePath("lines.txt");
        writeFile(data, QByteArray(4000, 'a') + "\n" + QByteArray(4000, 'b') + "\n");
        EXPECT_REFUSED(cli({"train", "charlm", "--data", data, "--cell", "lstm", "--hidden", "2048", "--batch", "64",
                            "--held-out", "0", "--iterations", "1"}),
                       "one training step would need about", "lower the batch");
    }

    void runningOutOfAddressSpaceIsAMessageNotACrash()
    {
        // Within the step bound, but not within 700 MB of address space: the allocation fails mid-step.
        QTemporaryDir dir;
        const QString data = dir.filePath("lines.txt");
        writeFile(data, QByteArray(4000, 'a') + "b\n" + QByteArray(4000, 'b') + "a\n");
        const QString command = QString("ulimit -v 700000; exec '%1' train charlm --data '%2' --cell lstm --hidden "
                                        "1024 --batch 4 --held-out 0 --iterations 2 --threads 1")
                                    .arg(UNROLL_CLI_PATH, data);
        const auto r = run("/bin/sh", {"-c", command});
        EXPECT_REFUSED(r, "out of memory");
    }

    // --- unbounded reads ------------------------------------------------------------------------------------------------
    void aDeviceOrPipeIsRefusedNotReadForever()
    {
        QTemporaryDir dir;
        const QString fifo = dir.filePath("pipe");
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        EXPECT_REFUSED(cli({"train", "charlm", "--data", fifo, "--iterations", "1"}), "pipe: is a named pipe");
        EXPECT_REFUSED(cli({"train", "charlm", "--data", "/dev/zero", "--iterations", "1"}),
                       "/dev/zero: is a character device");
        EXPECT_REFUSED(cli({"sample", "--model", "/dev/zero"}), "/dev/zero: is a character device");
        EXPECT_REFUSED(cli({"eval", "--model", fifo, "--data", "/dev/zero"}), "/dev/zero");
        EXPECT_REFUSED(cli({"train", "charlm", "--resume", fifo, "--iterations", "1"}), "is a named pipe");
    }

    void aModelClaimingAHugeHiddenSizeIsRefusedBeforeAllocating_data()
    {
        QTest::addColumn<QString>("n_a");
        QTest::addColumn<QString>("message");
        QTest::newRow("20000") << "20000" << "hyper-parameter n_a \"20000\": expected an integer from 1 to 2048";
        QTest::newRow("3e9") << "3000000000" << "n_a \"3000000000\"";
        QTest::newRow("negative") << "-5" << "n_a \"-5\"";
        QTest::newRow("2048 in a small file") << "2048" << "need";
    }
    void aModelClaimingAHugeHiddenSizeIsRefusedBeforeAllocating()
    {
        QFETCH(QString, n_a);
        QFETCH(QString, message);
        QTemporaryDir dir;
        auto m = trainedModel(dir);
        m.hyper["n_a"] = n_a.toStdString();
        const QString path = dir.filePath("huge.safetensors");
        unroll::saveModel(path.toStdString(), m);
        QVERIFY(QFileInfo(path).size() < 64 * 1024);
        EXPECT_REFUSED(cli({"sample", "--model", path}), "huge.safetensors", message.toUtf8().constData());
    }

    // --- nonsense accepted with exit 0 ----------------------------------------------------------------------------------
    void nanOrInfWeightsAreRefused_data()
    {
        QTest::addColumn<float>("value");
        QTest::newRow("NaN") << std::numeric_limits<float>::quiet_NaN();
        QTest::newRow("Inf") << std::numeric_limits<float>::infinity();
    }
    void nanOrInfWeightsAreRefused()
    {
        QFETCH(float, value);
        QTemporaryDir dir;
        auto m = trainedModel(dir);
        m.tensors.at("Waa").data[3] = value;
        const QString path = dir.filePath("nan.safetensors");
        unroll::saveModel(path.toStdString(), m);
        const QString text = dir.filePath("t.txt");
        writeFile(text, "abc\n");
        EXPECT_REFUSED(cli({"eval", "--model", path, "--data", text}), "nan.safetensors: tensor Waa holds",
                       "must be finite");
        EXPECT_REFUSED(cli({"sample", "--model", path}), "tensor Waa holds");
    }

    void unknownKindsAndCellsAreRefused()
    {
        QTemporaryDir dir;
        auto m = trainedModel(dir);
        const QString path = dir.filePath("odd.safetensors");
        m.kind = "wordlm";
        unroll::saveModel(path.toStdString(), m);
        EXPECT_REFUSED(cli({"sample", "--model", path}), "odd.safetensors: a 'wordlm' model");
        m.kind = "charlm";
        m.hyper["cell"] = "transformer";
        unroll::saveModel(path.toStdString(), m);
        EXPECT_REFUSED(cli({"sample", "--model", path}), "odd.safetensors: hyper-parameter cell", "transformer");
        // Format version 1 named the cell in the kind: a kind that disagrees with the cell is refused.
        auto file = unroll::toTensorFile(m);
        file.metadata["format_version"] = "1";
        file.metadata.erase("vocab_type");
        file.metadata["kind"] = "char-lstm";
        file.metadata["cell"] = "rnn";
        unroll::writeSafetensors(path.toStdString(), file);
        EXPECT_REFUSED(cli({"sample", "--model", path}), "kind \"char-lstm\" names the cell \"lstm\"",
                       "cell is \"rnn\"");
    }

    void evalOnNothingToScoreIsRefused()
    {
        QTemporaryDir dir;
        const QString model = dir.filePath("m.safetensors");
        QCOMPARE(cli({"train", "charlm", "--iterations", "3", "--save", model, "--json"}).code, 0);
        const QString empty = dir.filePath("empty.txt"), blank = dir.filePath("blank.txt"),
                      foreign = dir.filePath("greek.txt");
        writeFile(empty, "");
        writeFile(blank, "  \n\n\t\r\n");
        writeFile(foreign, "ΑΒΓ\n123\n"); // nothing of it is in the dinosaur names' vocabulary
        EXPECT_REFUSED(cli({"eval", "--model", model, "--data", empty}), "empty.txt: the file is empty");
        EXPECT_REFUSED(cli({"eval", "--model", model, "--data", blank}), "blank.txt: no non-blank lines");
        EXPECT_REFUSED(cli({"eval", "--model", model, "--data", dir.path()}), "is a folder");
        EXPECT_REFUSED(cli({"eval", "--model", model, "--data", foreign}), "greek.txt: no line can be scored");
    }

    void optionsThatDoNotApplyAreRefused()
    {
        EXPECT_REFUSED(cli({"train", "charlm", "--mode", "continuous", "--iterations", "1"}),
                       "--mode applies to --data FILE");
        EXPECT_REFUSED(cli({"train", "charlm", "--lowercase", "--iterations", "1"}), "--lowercase applies to --data");
        EXPECT_REFUSED(cli({"train", "charlm", "--window", "32", "--iterations", "1"}), "--window applies to continuous");
    }

    void resumingAnAdamCheckpointWithSgdIsRefused()
    {
        QTemporaryDir dir;
        const QString ckpt = dir.filePath("adam.ckpt");
        QCOMPARE(cli({"train", "charlm", "--iterations", "5", "--optimizer", "adam", "--lr", "0.005", "--checkpoint",
                      ckpt, "--json"})
                     .code,
                 0);
        EXPECT_REFUSED(cli({"train", "charlm", "--iterations", "10", "--lr", "0.005", "--resume", ckpt}),
                       "adam.ckpt: the checkpoint's optimizer is adam, this run's is sgd");
    }

    // --- internal errors for user mistakes ------------------------------------------------------------------------------
    void aDivergingRunSaysWhatToChange()
    {
        auto r = cli({"train", "charlm", "--lr", "10", "--clip", "0", "--iterations", "3000", "--print-every", "100000"});
        EXPECT_REFUSED(r, "training diverged", "--lr 10", "--clip 5");
        r = cli({"train", "charlm", "--lr", "10", "--clip", "0", "--iterations", "3000", "--json"});
        QCOMPARE(r.code, 2);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value("diverged").toBool(), true);
        QVERIFY(o.value("error").toString().contains("lower the learning rate"));
    }

    // --- data destroyed ---------------------------------------------------------------------------------------------------
    void savingOntoTheDataOrTheCheckpointIsRefused()
    {
        QTemporaryDir dir;
        const QString data = dir.filePath("names.txt");
        const QByteArray text = "alpha\nbeta\ngamma\ndelta\n";
        writeFile(data, text);
        EXPECT_REFUSED(cli({"train", "charlm", "--data", data, "--save", data, "--iterations", "2"}),
                       "is the training text (--data)");
        EXPECT_REFUSED(cli({"train", "charlm", "--data", data, "--checkpoint", dir.path() + "/./names.txt",
                            "--iterations", "2"}),
                       "is the training text");
        QCOMPARE(readAll(data), text);
        const QString model = dir.filePath("m.safetensors");
        EXPECT_REFUSED(cli({"train", "charlm", "--save", model, "--checkpoint", model, "--iterations", "2"}),
                       "--save and --checkpoint name the same file");
        QVERIFY(!QFile::exists(model));
    }

    void savingOntoADeviceOrPipeIsRefused()
    {
        QTemporaryDir dir;
        const QString fifo = dir.filePath("pipe");
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        EXPECT_REFUSED(cli({"train", "charlm", "--save", fifo, "--iterations", "2"}), "is a named pipe");
        EXPECT_REFUSED(cli({"train", "charlm", "--checkpoint", "/dev/null", "--iterations", "2"}), "is a device");
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(fifo).constData(), &st), 0);
        QVERIFY(S_ISFIFO(st.st_mode)); // still a pipe
    }

    // --- text ---------------------------------------------------------------------------------------------------------------
    void aByteOrderMarkIsNotAVocabularyCharacter()
    {
        QTemporaryDir dir;
        const QString plain = dir.filePath("plain.txt"), bom = dir.filePath("bom.txt");
        writeFile(plain, "alpha\nbeta\ngamma\n");
        writeFile(bom, "\xEF\xBB\xBF" "alpha\nbeta\ngamma\n");
        const auto a = cli({"train", "charlm", "--data", plain, "--iterations", "1", "--held-out", "0", "--json"});
        const auto b = cli({"train", "charlm", "--data", bom, "--iterations", "1", "--held-out", "0", "--json"});
        QCOMPARE(a.code, 0);
        QCOMPARE(b.code, 0);
        QCOMPARE(QJsonDocument::fromJson(b.out).object().value("vocabulary_size").toInt(),
                 QJsonDocument::fromJson(a.out).object().value("vocabulary_size").toInt());
    }

    void aLargeAlphabetWithTheReplacementCharacterTrains()
    {
        // 300 distinct characters (more than the 200 kept) and U+FFFD itself among the most frequent.
        QTemporaryDir dir;
        const QString data = dir.filePath("wide.txt");
        QString text;
        for (int line = 0; line < 20; ++line) {
            text += QChar(0xFFFD);
            text += QChar(0xFFFD);
            for (int k = 0; k < 15; ++k) text += QChar(0x4E00 + line * 15 + k);
            text += '\n';
        }
        writeFile(data, text.toUtf8());
        const auto r = cli({"train", "charlm", "--data", data, "--iterations", "2", "--held-out", "0", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value("vocabulary_size").toInt(), 200);
    }

    // --- checks that fail by chance ------------------------------------------------------------------------------------
    void gradcheckPassesForSeedsThatFailedBefore()
    {
        // Seeds that failed before the noise floor and the extrapolation (GradCheck.hpp): 7, 11, 26 on lstm_stack's
        // layer1.Wf (1.1–2.2e-7), 8 and 53 on attention's b2 (analytically 0: error 1.0). Seeds 1–80 all pass.
        for (const char* seed : {"7", "8", "11", "26", "53"}) {
            const auto r = cli({"gradcheck", "--seed", seed});
            QVERIFY2(r.code == 0, (QByteArray("seed ") + seed + ": " + r.err).constData());
        }
    }

    // --- interrupted runs --------------------------------------------------------------------------------------------------
    void ctrlCExitsOneThirtyAfterSaving()
    {
        QTemporaryDir dir;
        const QString model = dir.filePath("m.safetensors"), ckpt = dir.filePath("run.ckpt");
        QProcess p;
        p.start(UNROLL_CLI_PATH, {"train", "charlm", "--iterations", "100000000", "--print-every", "1", "--save", model,
                                  "--checkpoint", ckpt});
        QVERIFY(p.waitForStarted());
        QVERIFY(p.waitForReadyRead(60000)); // training has begun (step 1 printed)
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY(p.readAllStandardOutput().contains("(interrupted)"));
        QVERIFY(QFile::exists(model));
        QVERIFY(QFile::exists(ckpt));
    }
};

QTEST_GUILESS_MAIN(TestHostileCli)
#include "tst_hostilecli.moc"
