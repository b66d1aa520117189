// The Emojify lab from the command line (unroll-cli train emojify, unroll-cli emojify, course-examples, gradcheck):
// a short run of both models on the built-in sentences saved and read back; the JSON shapes the issue fixes
// (per-epoch loss and accuracies, the test confusion matrix, results in input order with label, emoji and
// probabilities); a user's TSV with its own classes; bad input (exit 2, one line naming the file, the line or the
// option).
#include "CliProcess.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using unroll::test::cli;
using unroll::test::writeFile;
using unroll::test::oneLineNaming;
using unroll::test::json;

class TestEmojifyCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    QString both_, v1only_;

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        both_ = dir_.filePath("both.safetensors");
        v1only_ = dir_.filePath("v1.safetensors");
    }

    void trainPrintsEpochsAndTheConfusionMatrix()
    {
        // A short run: 3 epochs of each model, V2 with 16 units.
        const auto r = cli({"train", "emojify", "--variant", "both", "--epochs", "3", "--hidden", "16", "--seed", "1",
                            "--save", both_, "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = json(r);
        QCOMPARE(o["variant"].toString(), QString("both"));
        QCOMPARE(o["classes"].toArray().size(), 5);
        QCOMPARE(o["classes"].toArray()[3].toObject()["name"].toString(), QString("sad"));
        QCOMPARE(o["classes"].toArray()[3].toObject()["emoji"].toString(), QString::fromUtf8("\U0001F61E"));
        const QJsonObject data = o["data"].toObject();
        QCOMPARE(data["train"].toInt(), 130);
        QCOMPARE(data["test"].toInt(), 56);
        QCOMPARE(data["missing_words"].toArray().size(), 3);
        QCOMPARE(o["vectors"].toObject()["dimension"].toInt(), 50);
        QCOMPARE(o["saved"].toString(), both_);
        for (const char* key : {"v1", "v2"}) {
            const QJsonObject m = o[key].toObject();
            const QJsonArray epochs = m["epochs"].toArray();
            QCOMPARE(epochs.size(), 3);
            for (int i = 0; i < 3; ++i) {
                const QJsonObject e = epochs[i].toObject();
                QCOMPARE(e["epoch"].toInt(), i + 1);
                QVERIFY(std::isfinite(e["loss"].toDouble()) && e["loss"].toDouble() > 0);
                for (const char* acc : {"train_accuracy", "validation_accuracy", "test_accuracy"})
                    QVERIFY(e[acc].toDouble() >= 0 && e[acc].toDouble() <= 1);
            }
            const QJsonArray C = m["confusion"].toArray();
            QCOMPARE(C.size(), 5);
            int total = 0, right = 0;
            for (int i = 0; i < 5; ++i) {
                QCOMPARE(C[i].toArray().size(), 5);
                for (int j = 0; j < 5; ++j) total += C[i].toArray()[j].toInt();
                right += C[i].toArray()[i].toInt();
            }
            QCOMPARE(total, 56);
            QVERIFY(std::abs(double(right) / 56 - m["test_accuracy"].toDouble()) < 1e-12);
            QVERIFY(m.contains("negations_accuracy"));
        }
        // V2's trainable parameters: two LSTMs and the dense layer (the embedding is frozen).
        QCOMPARE(o["v2"].toObject()["parameters"].toInt(), 4 * (16 * (16 + 50) + 16) + 4 * (16 * 32 + 16) + 5 * 16 + 5);
    }

    void emojifyLabelsSentencesInInputOrder()
    {
        const QStringList sentences = {"i love you", "not feeling happy", "funny lol", "food is ready"};
        for (const QString& variant : {QString("v1"), QString("v2")}) {
            const auto r = cli(QStringList{"emojify", "--model", both_, "--variant", variant, "--json"} + sentences);
            QVERIFY2(r.code == 0, r.err.constData());
            const QJsonObject o = json(r);
            QCOMPARE(o["variant"].toString(), variant);
            const QJsonArray results = o["results"].toArray();
            QCOMPARE(results.size(), sentences.size());
            const QJsonArray classes = o["classes"].toArray();
            for (int i = 0; i < results.size(); ++i) {
                const QJsonObject x = results[i].toObject();
                QCOMPARE(x["sentence"].toString(), sentences[i]);
                const QJsonArray p = x["probabilities"].toArray();
                QCOMPARE(p.size(), 5);
                double sum = 0, best = -1;
                int arg = -1;
                for (int k = 0; k < 5; ++k) {
                    sum += p[k].toDouble();
                    if (p[k].toDouble() > best) best = p[k].toDouble(), arg = k;
                }
                QVERIFY(std::abs(sum - 1) < 1e-5);
                QCOMPARE(x["label"].toInt(), arg);
                QCOMPARE(x["emoji"].toString(), classes[arg].toObject()["emoji"].toString());
            }
            QCOMPARE(results[2].toObject()["missing_words"].toArray().first().toString(), QString("lol"));
        }
        // The default model is V2; --explain adds each word's pull (V1) or the prediction per prefix (V2).
        auto r = cli({"emojify", "--model", both_, "--explain", "--json", "not feeling happy"});
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(json(r)["variant"].toString(), QString("v2"));
        QCOMPARE(json(r)["results"].toArray()[0].toObject()["prefix_probabilities"].toArray().size(), 3);
        r = cli({"emojify", "--model", both_, "--variant", "v1", "--explain", "--json", "i adore you"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject x = json(r)["results"].toArray()[0].toObject();
        QCOMPARE(x["contributions"].toArray().size(), 3);                      // one row per token
        QCOMPARE(x["contributions"].toArray()[1].toArray()[0].toDouble(), 0.0); // "adore" is unknown
    }

    void emojifyPrintsCsv()
    {
        const auto r = cli({"emojify", "--model", both_, "--csv", "i love you", "pizza, please"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QStringList lines = QString::fromUtf8(r.out).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].startsWith("sentence,label,v1,v1_emoji,v1_p0,"));
        QCOMPARE(lines[0].split(',').size(), 2 + 2 * 7);
        QVERIFY(lines[1].startsWith("i love you,,"));
        QVERIFY(lines[2].startsWith("\"pizza, please\",,"));
        QCOMPARE(cli({"emojify", "--model", both_, "--csv", "--json", "hi"}).code, 2);
    }

    void trainReadsAUsersTsvWithItsClasses()
    {
        // Three classes named in the file; no --test: the last 30% of rows are held out.
        QByteArray tsv = "# class 0 cold \xe2\x9d\x84\n# class 1 warm\n# class 2 hot\nsentence\tlabel\n";
        const char* rows[][2] = {{"ice and snow", "0"}, {"a cold winter", "0"}, {"the sun is hot", "2"},
                                 {"fire is hot", "2"},  {"a warm day", "1"},    {"warm water", "1"},
                                 {"snow in winter", "0"}, {"hot fire", "2"},    {"a warm room", "1"},
                                 {"cold ice", "0"}};
        for (const auto& row : rows) tsv += QByteArray(row[0]) + "\t" + row[1] + "\t\t\n";
        const QString data = dir_.filePath("weather.tsv");
        writeFile(data, tsv);
        const auto r = cli({"train", "emojify", "--data", data, "--variant", "v1", "--epochs", "5", "--save", v1only_,
                            "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = json(r);
        QCOMPARE(o["data"].toObject()["train"].toInt(), 7);
        QCOMPARE(o["data"].toObject()["test"].toInt(), 3);
        QCOMPARE(o["classes"].toArray().size(), 3);
        QCOMPARE(o["classes"].toArray()[0].toObject()["emoji"].toString(), QString::fromUtf8("\xe2\x9d\x84"));
        QCOMPARE(o["v1"].toObject()["confusion"].toArray().size(), 3);
        QVERIFY(!o.contains("v2"));
        const auto p = cli({"emojify", "--model", v1only_, "--json", "hot fire"});
        QVERIFY2(p.code == 0, p.err.constData());
        QCOMPARE(json(p)["results"].toArray()[0].toObject()["probabilities"].toArray().size(), 3);
    }

    void courseExamplesHoldTheToyCases()
    {
        const auto r = cli({"course-examples", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = json(r);
        const QJsonArray avg1 = o["sentence_to_avg"].toObject()["avg_1"].toArray();
        QCOMPARE(avg1.size(), 2);
        QCOMPARE(avg1[0].toDouble(), 1.25);
        QCOMPARE(avg1[1].toDouble(), 2.5);
        const QJsonArray avg3 = o["sentence_to_avg"].toObject()["avg_3"].toArray();
        QVERIFY(std::abs(avg3[0].toDouble() - 0.1666667) < 1e-7);
        const QJsonArray X = o["sentences_to_indices"].toObject()["X1_indices"].toArray();
        QCOMPARE(X.size(), 3);
        QCOMPARE(X[1].toArray(), (QJsonArray{3, 7, 5, 4}));
        QCOMPARE(X[2].toArray(), (QJsonArray{4, 2, 6, 0}));
    }

    void gradcheckCoversTheLstmModel()
    {
        const auto r = cli({"gradcheck", "--filter", "emojify", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.out.contains("emojify_v2_trainable"));
    }

    void badInputExitsTwoWithOneLine()
    {
        auto r = cli({"emojify", "--json", "i love you"});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"--model"}));
        r = cli({"emojify", "--model", dir_.filePath("missing.safetensors"), "hi"});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"missing.safetensors"}));
        r = cli({"emojify", "--model", v1only_, "--variant", "v2", "hi"});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"v1.safetensors", "no v2 model"}));
        r = cli({"emojify", "--model", both_});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"nothing to label"}));
        r = cli({"train", "emojify", "--variant", "v3"});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"v3", "v1, v2, both"}));
        const QString bad = dir_.filePath("bad.csv");
        writeFile(bad, "i love you,0\nno label here\n");
        r = cli({"train", "emojify", "--data", bad});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"bad.csv", "line 2", "no label"}));
        writeFile(bad, "i love you,0\nfood,-4\n");
        r = cli({"train", "emojify", "--data", bad, "--json"});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"bad.csv", "line 2", "-4"}));
        r = cli({"train", "emojify", "--test", bad});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"--test", "--data"}));
        r = cli({"train", "emojify", "--epochs", "0"});
        QCOMPARE(r.code, 2);
        QVERIFY(oneLineNaming(r, {"--epochs"}));
    }
};

QTEST_GUILESS_MAIN(TestEmojifyCli)
#include "tst_emojifycli.moc"
