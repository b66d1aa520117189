// The word-vectors lab from the command line (unroll-cli vectors …): the JSON shapes the issue fixes, the course's
// formulas through the whole program, bad input (exit 2, one line naming the file or the word), non-UTF-8 words in
// JSON, t-SNE determinism, and a train → load round trip.
//
// Expected values were computed with numpy on tests/data/vectors-cli/small.txt:
//   m = {l.split()[0]: np.array(l.split()[1:], float) for l in open('small.txt')}
//   cos = lambda u, v: u @ v / np.linalg.norm(u) / np.linalg.norm(v)
//   cos(m['man'], m['woman'])                       # -0.9801980198019804
//   g = m['woman'] - m['man']; cos(m['receptionist'], g)   # 0.7453559924999299
//   (equalize man, woman by the course's formula: cosines with g -0.99498743710662 / +0.99498743710662)
#include "CliProcess.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using unroll::test::cli;
using unroll::test::json;

namespace {
const QString kData = QStringLiteral(UNROLL_TEST_DATA_DIR "/vectors-cli/");
} // namespace

class TestVectorsCli : public QObject {
    Q_OBJECT
private slots:
    void similarityNeighborsAnalogy()
    {
        auto r = cli({"vectors", "similarity", "--vectors", kData + "small.txt", "man", "woman", "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY(std::abs(json(r).value("similarity").toDouble() - -0.9801980198019804) < 1e-12);

        r = cli({"neighbors", "--vectors", kData + "small.txt", "apple", "--top", "2", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonArray n = json(r).value("neighbors").toArray();
        QCOMPARE(n.size(), 2);
        QCOMPARE(n[0].toObject().value("word").toString(), QString("pear"));
        QVERIFY(std::abs(n[0].toObject().value("score").toDouble() - 0.9996764453169584) < 1e-6);
        QCOMPARE(n[1].toObject().value("word").toString(), QString("receptionist"));

        r = cli({"analogy", "--vectors", kData + "small.txt", "man", "woman", "boy", "--top", "3", "--json"});
        QCOMPARE(r.code, 0);
        const QJsonArray c = json(r).value("candidates").toArray();
        QCOMPARE(c.size(), 3);
        QCOMPARE(c[0].toObject().value("word").toString(), QString("girl"));
        QVERIFY(std::abs(c[0].toObject().value("score").toDouble() - 1.0) < 1e-12);
        QVERIFY(c[1].toObject().value("score").toDouble() <= c[0].toObject().value("score").toDouble());
        for (const auto& w : c) // a, b and c are never candidates
            QVERIFY(!QStringList({"man", "woman", "boy"}).contains(w.toObject().value("word").toString()));
    }

    void neutralizeAndEqualizeByTheCoursesFormulas()
    {
        auto r = cli({"neutralize", "--vectors", kData + "small.txt", "receptionist", "--json"});
        QCOMPARE(r.code, 0);
        auto o = json(r);
        QCOMPARE(o.value("word").toString(), QString("receptionist"));
        QVERIFY(std::abs(o.value("before").toDouble() - 0.7453559924999299) < 1e-12);
        QVERIFY(std::abs(o.value("after").toDouble()) < 1e-12);

        // --bias takes exactly two words, wherever it stands; the reversed axis flips the sign.
        r = cli({"neutralize", "--bias", "man", "woman", "--vectors", kData + "small.txt", "receptionist", "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY(std::abs(json(r).value("before").toDouble() + 0.7453559924999299) < 1e-12);

        r = cli({"equalize", "--vectors", kData + "small.txt", "man", "woman", "--json"});
        QCOMPARE(r.code, 0);
        o = json(r);
        QCOMPARE(o.value("words").toArray().size(), 2);
        QCOMPARE(o.value("words").toArray()[0].toString(), QString("man"));
        const QJsonArray before = o.value("before").toArray(), after = o.value("after").toArray();
        QVERIFY(std::abs(before[0].toDouble() + 0.9950371902099893) < 1e-12);
        QVERIFY(std::abs(before[1].toDouble() - 0.9950371902099893) < 1e-12);
        QVERIFY(std::abs(after[0].toDouble() + 0.99498743710662) < 1e-9);
        QVERIFY(std::abs(after[1].toDouble() - 0.99498743710662) < 1e-9);
    }

    void badInputExitsTwoWithOneLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("missing file") << QStringList{"similarity", "--vectors", kData + "nonesuch.txt", "a", "b"}
                                      << "nonesuch.txt";
        QTest::newRow("unknown word") << QStringList{"similarity", "--vectors", kData + "small.txt", "man", "zebra"}
                                      << "zebra";
        QTest::newRow("not a vector file") << QStringList{"neighbors", "--vectors", kData + "corpus.txt", "cat"}
                                           << "corpus.txt";
        QTest::newRow("one bias word") << QStringList{"neutralize", "--vectors", kData + "small.txt", "--bias", "man"}
                                       << "bias";
        QTest::newRow("tsne unknown word file") << QStringList{"tsne", "--vectors", kData + "small.txt", "--words",
                                                               kData + "nonesuch-words.txt"}
                                                << "nonesuch-words.txt";
    }
    void badInputExitsTwoWithOneLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const auto r = cli(args);
        QCOMPARE(r.code, 2);
        const QString err = QString::fromUtf8(r.err).trimmed();
        QVERIFY2(!err.contains('\n'), qPrintable(err));
        QVERIFY2(err.contains(mentions), qPrintable(err));
        QVERIFY(r.out.isEmpty());
    }

    void aWordThatIsNotUtf8IsKeptAndShownWithAReplacementCharacter()
    {
        const auto r = cli({"neighbors", "--vectors", kData + "latin1.txt", "boy", "--top", "4", "--json"});
        QCOMPARE(r.code, 0);
        QStringList words;
        for (const auto& n : json(r).value("neighbors").toArray()) words << n.toObject().value("word").toString();
        QVERIFY2(words.contains(QString::fromUtf8("caf\xEF\xBF\xBD")), qPrintable(words.join(',')));
        QVERIFY(QJsonDocument::fromJson(r.out).isObject()); // the output stays valid UTF-8 JSON
        QVERIFY(!r.err.isEmpty());                          // one warning about the bytes
    }

    void tsneIsDeterministicForASeed()
    {
        const QStringList args{"tsne", "--vectors", kData + "small.txt", "--perplexity", "2", "--iterations", "300",
                               "--exact", "--seed", "3", "--json"};
        const auto a = cli(args), b = cli(args);
        QCOMPARE(a.code, 0);
        const auto o = json(a);
        QCOMPARE(o.value("words").toArray().size(), 9);
        QCOMPARE(o.value("words").toArray()[0].toString(), QString("man")); // input order
        QCOMPARE(o.value("coordinates").toArray().size(), 9);
        QCOMPARE(o.value("coordinates").toArray()[4].toArray().size(), 2);
        QCOMPARE(o.value("iterations").toInt(), 300);
        QVERIFY(o.value("kl").toDouble() >= 0 && std::isfinite(o.value("kl").toDouble()));
        QCOMPARE(o.value("coordinates"), json(b).value("coordinates"));

        // The schedule is the user's: an earlier momentum switch and a shorter exaggeration give another layout.
        const auto c = cli(QStringList(args) << "--momentum-switch" << "100" << "--exaggeration-iterations" << "50");
        QCOMPARE(c.code, 0);
        QVERIFY(json(c).value("coordinates") != o.value("coordinates"));

        const auto top = cli({"tsne", "--vectors", kData + "small.txt", "--top", "6", "--perplexity", "2",
                              "--iterations", "250", "--seed", "3", "--json"}); // Barnes-Hut by default
        QCOMPARE(top.code, 0);
        QCOMPARE(json(top).value("words").toArray().size(), 6);
    }

    void trainedVectorsLoadBack()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("mine.txt");
        auto r = cli({"vectors", "train", "--corpus", kData + "corpus.txt", "--method", "glove", "--dim", "8",
                      "--epochs", "3", "--min-count", "1", "--window", "2", "--seed", "5", "--out", out, "--json"});
        QCOMPARE(r.code, 0);
        const auto o = json(r);
        QCOMPARE(o.value("epochs").toArray().size(), 3);
        QVERIFY(o.value("epochs").toArray()[0].toObject().contains("loss"));
        QVERIFY(QFile::exists(out));
        r = cli({"similarity", "--vectors", out, "cat", "dog", "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY(std::abs(json(r).value("similarity").toDouble()) <= 1.0);

        r = cli({"train", "vectors", "--corpus", kData + "corpus.txt", "--method", "sgns", "--dim", "8", "--epochs",
                 "2", "--min-count", "1", "--sample", "0.5", "--out", dir.filePath("sg.txt"), "--json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(json(r).value("epochs").toArray().size(), 2);
        QCOMPARE(cli({"vectors", "train", "--corpus", dir.filePath("none.txt"), "--out", out}).code, 2);
        // t = 1e-5 on 24 tokens keeps no pair: a message, not a curve of zeros.
        r = cli({"vectors", "train", "--corpus", kData + "corpus.txt", "--method", "sgns", "--min-count", "1",
                 "--out", dir.filePath("none.txt")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--sample"), r.err.constData());
        QVERIFY(!QFile::exists(dir.filePath("none.txt")));
    }
};

QTEST_GUILESS_MAIN(TestVectorsCli)
#include "tst_vectorscli.moc"
