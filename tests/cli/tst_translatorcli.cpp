// The translator lab from the command line (unroll-cli train translator, translate, bench translator): a tiny run on
// tests/data/translator-cli/numbers.tsv (40 numbers in words → digits, small unit counts, a few epochs) saved and
// read back by translate; the JSON shapes the issue fixes (per-epoch records, results in input order, attention rows
// that sum to 1, null attention without it, --beam 1 equal to greedy); bad input (exit 2, one line naming the file,
// the line or the option).
#include "CliProcess.hpp"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

#include <signal.h>

using unroll::test::cli;
using unroll::test::oneLineNaming;
using unroll::test::json;

namespace {
const QString kData = QStringLiteral(UNROLL_TEST_DATA_DIR "/translator-cli/");

// Small enough to train in a fraction of a second: 40 pairs, 8 + 8 encoder units, 16 decoder units, 40 epochs of 5
// steps, enough for the model to learn part of the task (so its outputs are not all empty).
constexpr int kEpochs = 40;
QStringList tinyRun(const QString& save)
{
    return {"train", "translator", "--data", kData + "numbers.tsv", "--held-out", "5",
            "--epochs", QString::number(kEpochs), "--batch", "8", "--lr", "0.02",
            "--n-a", "8", "--n-s", "16", "--n-h", "4", "--seed", "3", "--save", save, "--json"};
}

// The parameter count of the model the JSON describes, by the layer sizes (LSTM: 4 (n (n + n_x) + n)).
double expectedParameters(const QJsonObject& m)
{
    const double V = m["source_vocab"].toDouble(), Vy = m["target_vocab"].toDouble(), n_a = m["n_a"].toDouble(),
                 n_s = m["n_s"].toDouble(), n_h = m["n_h"].toDouble();
    const double decoderIn = 2 * n_a + (m["feed_previous"].toBool() ? Vy : 0);
    const double encoder = 2 * 4 * (n_a * (n_a + V) + n_a);
    const double attention = m["attention"].toBool() ? (2 * n_a + n_s) * n_h + n_h + n_h + 1 : 0;
    return encoder + attention + 4 * (n_s * (n_s + decoderIn) + n_s) + n_s * Vy + Vy;
}

} // namespace

class TestTranslatorCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    QString model_; // trained once in initTestCase, with attention

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        model_ = dir_.filePath("numbers.safetensors");
    }

    void trainPrintsEpochsAndSaves()
    {
        const auto r = cli(tinyRun(model_));
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = json(r);
        const QJsonArray epochs = o["epochs"].toArray();
        QCOMPARE(epochs.size(), kEpochs);
        for (int i = 0; i < kEpochs; ++i) {
            const QJsonObject e = epochs[i].toObject();
            QCOMPARE(e["epoch"].toInt(), i + 1);
            for (const char* key : {"loss", "exact_match", "char_accuracy", "bleu", "learning_rate", "seconds"})
                QVERIFY2(e[key].isDouble(), key);
            QVERIFY(e["loss"].toDouble() > 0);
            QVERIFY(e["exact_match"].toDouble() >= 0 && e["exact_match"].toDouble() <= 1);
            QVERIFY(e["char_accuracy"].toDouble() >= 0 && e["char_accuracy"].toDouble() <= 1);
        }
        // It learns: the last epoch's loss is well below the first's.
        QVERIFY(epochs[kEpochs - 1].toObject()["loss"].toDouble() < 0.5 * epochs[0].toObject()["loss"].toDouble());
        // lr / (1 + 0.01 e) in epoch e = 0, 1, …
        QVERIFY(std::abs(epochs[0].toObject()["learning_rate"].toDouble() - 0.02) < 1e-12);
        QVERIFY(std::abs(epochs[2].toObject()["learning_rate"].toDouble() - 0.02 / 1.02) < 1e-12);
        const QJsonObject m = o["model"].toObject();
        QCOMPARE(m["n_a"].toInt(), 8);
        QCOMPARE(m["n_s"].toInt(), 16);
        QCOMPARE(m["attention"].toBool(), true);
        QCOMPARE(o["parameters"].toDouble(), expectedParameters(m));
        QCOMPARE(o["data"].toObject()["training_pairs"].toInt(), 35);
        QCOMPARE(o["data"].toObject()["held_out_pairs"].toInt(), 5);
        QVERIFY(!o.contains("baseline_epochs"));
        QCOMPARE(o["interrupted"].toBool(), false);
        QVERIFY(QFile::exists(model_));
        QVERIFY(QDir(dir_.path()).entryList(QDir::Files).size() == 1); // atomic save: no temporary left behind
    }

    void textModePrintsOneLinePerEpoch()
    {
        QStringList args = tinyRun(dir_.filePath("text.safetensors"));
        args.removeAll("--json");
        const auto r = cli(args);
        QVERIFY2(r.code == 0, r.err.constData());
        const QString out = QString::fromUtf8(r.out);
        for (int e = 1; e <= kEpochs; ++e)
            QVERIFY2(out.contains(QString("epoch %1/%2: loss").arg(e).arg(kEpochs)), r.out.constData());
        // Each epoch's line is printed after its held-out scoring: the last one agrees with the summary.
        const QRegularExpression last(QString("epoch %1/%1: .*exact match ([0-9.]+)%").arg(kEpochs)),
            summary("held-out exact match ([0-9.]+)%");
        const auto a = last.match(out), b = summary.match(out);
        QVERIFY(a.hasMatch() && b.hasMatch());
        QCOMPARE(a.captured(1), b.captured(1));
        QVERIFY2(a.captured(1).toDouble() > 0, r.out.constData());
    }

    void baselineTrainsSideBySide()
    {
        QStringList args = tinyRun(dir_.filePath("baseline.safetensors"));
        args << "--baseline";
        const auto r = cli(args);
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = json(r);
        QCOMPARE(o["baseline_epochs"].toArray().size(), kEpochs);
        QCOMPARE(o["epochs"].toArray().size(), kEpochs);
        QVERIFY(o["baseline_parameters"].toDouble() < o["parameters"].toDouble());
    }

    void ctrlCStopsAtAStepAndStillSaves()
    {
        // A run far too long to finish: interrupted (SIGINT, as Ctrl-C sends) once its first epoch is printed.
        const QString model = dir_.filePath("interrupted.safetensors");
        QStringList args = tinyRun(model);
        args.removeAll("--json");
        args[args.indexOf("--epochs") + 1] = "100000";
        QProcess p;
        p.start(UNROLL_CLI_PATH, args);
        QVERIFY(p.waitForStarted());
        QByteArray out;
        while (!out.contains("epoch 1/") && p.state() == QProcess::Running && p.waitForReadyRead(30000))
            out += p.readAllStandardOutput();
        QVERIFY2(out.contains("epoch 1/"), out.constData());
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(30000));
        out += p.readAllStandardOutput();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(out.contains("(interrupted)") && out.contains("saved to"), out.constData());
        QVERIFY(QFile::exists(model));
        const auto r = cli({"translate", "--model", model, "seven", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
    }

    void translateGivesResultsInOrderWithAttention()
    {
        QVERIFY(QFile::exists(model_));
        const auto r = cli({"translate", "--model", model_, "thirty one", "Seven, ", "zzz", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonArray results = json(r)["results"].toArray();
        QCOMPARE(results.size(), 3);
        QCOMPARE(results[0].toObject()["input"].toString(), QString("thirty one"));
        QCOMPARE(results[1].toObject()["input"].toString(), QString("Seven, "));
        for (const auto& v : results) {
            const QJsonObject x = v.toObject();
            QVERIFY(x["output"].isString());
            QVERIFY(x["log_prob"].toDouble() <= 0);
            const QJsonArray source = x["source"].toArray();
            const QJsonArray rows = x["attention"].toArray();
            QVERIFY(!rows.isEmpty());
            for (const auto& row : rows) {
                const QJsonArray a = row.toArray();
                QCOMPARE(a.size(), source.size()); // Tx columns
                double sum = 0;
                for (const auto& w : a) {
                    QVERIFY(w.toDouble() >= 0);
                    sum += w.toDouble();
                }
                QVERIFY2(std::abs(sum - 1) < 1e-5, qPrintable(QString::number(sum)));
            }
        }
        // Normalisation as in training: "Seven, " reads as "seven " then <pad>; 'z' is not in the vocabulary.
        const QJsonArray seven = results[1].toObject()["source"].toArray();
        QCOMPARE(seven[0].toString(), QString("s"));
        QCOMPARE(seven[5].toString(), QString(" "));
        QCOMPARE(seven[6].toString(), QString("<pad>"));
        QCOMPARE(results[2].toObject()["source"].toArray()[0].toString(), QString("<unk>"));
    }

    void beamOneEqualsGreedy()
    {
        const QStringList inputs = {"thirty one", "seven", "forty", "twelve"};
        const auto greedy = cli(QStringList{"translate", "--model", model_, "--json"} + inputs);
        const auto beam = cli(QStringList{"translate", "--model", model_, "--beam", "1", "--json"} + inputs);
        QVERIFY2(greedy.code == 0 && beam.code == 0, beam.err.constData());
        const QJsonArray g = json(greedy)["results"].toArray(), b = json(beam)["results"].toArray();
        QCOMPARE(b.size(), g.size());
        for (int i = 0; i < g.size(); ++i) {
            const QJsonObject gi = g[i].toObject(), bi = b[i].toObject();
            QCOMPARE(bi["output"].toString(), gi["output"].toString());
            QVERIFY(std::abs(bi["log_prob"].toDouble() - gi["log_prob"].toDouble()) < 1e-5);
            QCOMPARE(bi["beam"].toArray().size(), 1);
            QVERIFY(!gi.contains("beam"));
        }
    }

    void wideBeamListsCandidatesBestFirst()
    {
        const auto r = cli({"translate", "--model", model_, "--beam", "4", "thirty one", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject x = json(r)["results"].toArray()[0].toObject();
        const QJsonArray c = x["beam"].toArray();
        QVERIFY(c.size() >= 1 && c.size() <= 4);
        QCOMPARE(c[0].toObject()["output"].toString(), x["output"].toString());
        for (int k = 1; k < c.size(); ++k)
            QVERIFY(c[k].toObject()["log_prob"].toDouble() <= c[k - 1].toObject()["log_prob"].toDouble());
    }

    void inputFileAndTextMode()
    {
        auto r = cli({"translate", "--model", model_, "twelve", "--input", kData + "inputs.txt", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonArray results = json(r)["results"].toArray();
        QCOMPARE(results.size(), 4); // the argument, then the file's non-empty lines ('\r' dropped)
        QCOMPARE(results[0].toObject()["input"].toString(), QString("twelve"));
        QCOMPARE(results[1].toObject()["input"].toString(), QString("thirty one"));
        QCOMPARE(results[2].toObject()["input"].toString(), QString("Seven"));
        QCOMPARE(results[3].toObject()["input"].toString(), QString("forty"));

        r = cli({"translate", "--model", model_, "thirty one"});
        QCOMPARE(r.code, 0);
        const QString line = QString::fromUtf8(r.out).trimmed();
        QVERIFY2(line.startsWith(QString::fromUtf8("thirty one → ")) && line.contains("(log p = "),
                 r.out.constData());
    }

    void noAttentionGivesNullAttention()
    {
        const QString model = dir_.filePath("plain.safetensors");
        QStringList args = tinyRun(model);
        args << "--no-attention";
        auto r = cli(args);
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(json(r)["model"].toObject()["attention"].toBool(), false);
        QCOMPARE(json(r)["parameters"].toDouble(), expectedParameters(json(r)["model"].toObject()));
        r = cli({"translate", "--model", model, "seven", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject x = json(r)["results"].toArray()[0].toObject();
        QVERIFY(x.contains("attention"));
        QVERIFY(x["attention"].isNull());
    }

    void feedPreviousBeamOneEqualsGreedy()
    {
        const QString model = dir_.filePath("feed.safetensors");
        QStringList args = tinyRun(model);
        args << "--feed-previous";
        auto r = cli(args);
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(json(r)["parameters"].toDouble(), expectedParameters(json(r)["model"].toObject()));
        const auto g = cli({"translate", "--model", model, "twenty two", "--json"});
        const auto b = cli({"translate", "--model", model, "twenty two", "--beam", "1", "--json"});
        QVERIFY(g.code == 0 && b.code == 0);
        QCOMPARE(json(b)["results"].toArray()[0].toObject()["output"].toString(),
                 json(g)["results"].toArray()[0].toObject()["output"].toString());
    }

    void badInputExitsTwoWithOneLine()
    {
        const QString missing = dir_.filePath("no-such.tsv");
        auto r = cli({"train", "translator", "--data", missing, "--json"});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {missing}), r.err.constData());
        QVERIFY(r.out.isEmpty());

        r = cli({"train", "translator", "--data", kData + "bad-row.tsv", "--json"});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"bad-row.tsv", "line 3"}), r.err.constData());

        const QString noModel = dir_.filePath("no-such.safetensors");
        r = cli({"translate", "--model", noModel, "seven"});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {noModel}), r.err.constData());

        // A valid model file of another lab.
        const QString other = QStringLiteral(UNROLL_TEST_DATA_DIR "/model_fixture.safetensors");
        r = cli({"translate", "--model", other, "seven"});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"model_fixture.safetensors"}), r.err.constData());

        // Not a model at all.
        r = cli({"translate", "--model", kData + "numbers.tsv", "seven"});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"numbers.tsv"}), r.err.constData());

        QVERIFY(QFile::exists(model_));
        r = cli({"translate", "--model", model_, "--beam", "0", "seven"});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"--beam"}), r.err.constData());

        r = cli({"translate", "--model", model_});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"nothing to translate"}), r.err.constData());

        r = cli({"translate", "--model", model_, "--input", dir_.filePath("absent.txt")});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"absent.txt"}), r.err.constData());

        r = cli(tinyRun(dir_.filePath("no-such-folder/model.safetensors")));
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"--save", "no-such-folder"}), r.err.constData());

        r = cli({"train", "translator", "--epochs", "0"});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {"--epochs"}), r.err.constData());

        r = cli({"train", "translator", "--data", kData + "numbers.tsv", "--held-out", "40"});
        QCOMPARE(r.code, 2);
        QVERIFY2(oneLineNaming(r, {}), r.err.constData());
    }

    void helpWorksWithoutRunning()
    {
        auto r = cli({"bench", "translator", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("--epochs"));
        r = cli({"train", "translator", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("--no-attention") && r.out.contains("--baseline") && r.out.contains("--feed-previous"));
        r = cli({"translate", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("--beam") && r.out.contains("--input"));
        r = cli({"translator", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("translate"));
    }
};

QTEST_GUILESS_MAIN(TestTranslatorCli)
#include "tst_translatorcli.moc"
