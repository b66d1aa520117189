// The translator lab's data verbs through unroll-cli: `dates` (JSON shape, reproducible from the seed, text lines,
// course formats only) and `bleu` (nltk's number for a small corpus, the JSON shape, word tokens), and bad input:
// exit 2 with one line naming the file, the counts or the option.
//
// Expected BLEU from nltk 3.8: corpus_bleu([[list(r)] for r in refs], [list(h) for h in hyps]) with
// refs = ['1998-05-09', '2019-11-10', '1970-09-10'], hyps = ['1998-05-08', '2019-11-10', '1970-10-09']
// gives 0.8789019583509408 (p_n = 29/30, 25/27, 21/24, 16/21; BP = 1).
#include "CliProcess.hpp"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using unroll::test::cli;
using unroll::test::json;

namespace {
bool oneLine(const QByteArray& err) { return err.count('\n') == 1 && err.startsWith("unroll-cli: error: "); }
} // namespace

class TestTranslatorDataCli : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString write(const QString& name, const QByteArray& bytes)
    {
        const QString path = dir_.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
        f.write(bytes);
        return path;
    }

private slots:
    void datesJsonIsReproducible()
    {
        const auto a = cli({"dates", "--n", "50", "--seed", "4", "--json"});
        QCOMPARE(a.code, 0);
        QVERIFY(a.err.isEmpty());
        const QJsonArray pairs = json(a).value("pairs").toArray();
        QCOMPARE(pairs.size(), 50);
        const QRegularExpression iso("^(19|20)\\d\\d-\\d\\d-\\d\\d$");
        for (const auto& v : pairs) {
            const QJsonObject o = v.toObject();
            QCOMPARE(o.keys(), (QStringList{"source", "target"}));
            QVERIFY(iso.match(o.value("target").toString()).hasMatch());
            const QString s = o.value("source").toString();
            QVERIFY(!s.isEmpty() && s.size() <= 30 && s == s.toLower());
        }
        QCOMPARE(cli({"dates", "--n", "50", "--seed", "4", "--json"}).out, a.out);
        QVERIFY(cli({"dates", "--n", "50", "--seed", "5", "--json"}).out != a.out);
        // The lab's namespace works too.
        QCOMPARE(cli({"translator", "dates", "--n", "50", "--seed", "4", "--json"}).out, a.out);
    }

    void datesTextIsTabSeparated()
    {
        // Seed 1 starts with 1914-03-21 in the course's 'full' format (tst_dates checks the stream against numpy).
        const auto r = cli({"dates", "--n", "3"});
        QCOMPARE(r.code, 0);
        const QStringList lines = QString::fromUtf8(r.out).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QString("saturday march 21 1914\t1914-03-21"));
        for (const QString& l : lines) QCOMPARE(l.count('\t'), 1);
    }

    void courseFormatsOnly()
    {
        // None of the typed forms (ordinals, "of", abbreviated weekdays, "2001/3/3") among 2,000 course-only pairs.
        const auto r = cli({"dates", "--n", "2000", "--seed", "2", "--course-formats"});
        QCOMPARE(r.code, 0);
        const QString text = QString::fromUtf8(r.out);
        QVERIFY(!text.contains(" of ") && !text.contains(QRegularExpression("\\d(st|nd|rd|th)\\b")));
        QVERIFY(!text.contains(QRegularExpression("^(mon|tue|wed|thu|fri|sat|sun) ", QRegularExpression::MultilineOption)));
        QVERIFY(!text.contains(QRegularExpression("^\\d{4}/", QRegularExpression::MultilineOption)));
        const auto all = cli({"dates", "--n", "2000", "--seed", "2"});
        QVERIFY(QString::fromUtf8(all.out).contains(" of "));
    }

    void bleuMatchesNltk()
    {
        const QString ref = write("ref.txt", "1998-05-09\n2019-11-10\n1970-09-10\n");
        const QString hyp = write("hyp.txt", "1998-05-08\r\n2019-11-10\r\n1970-10-09"); // CRLF, no final newline
        auto r = cli({"bleu", "--ref", ref, "--hyp", hyp, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject o = json(r);
        QCOMPARE(o.keys(), (QStringList{"bleu", "brevity_penalty", "precisions"}));
        QVERIFY(std::abs(o.value("bleu").toDouble() - 0.8789019583509408) < 1e-14);
        QCOMPARE(o.value("brevity_penalty").toDouble(), 1.0);
        const QJsonArray p = o.value("precisions").toArray();
        QCOMPARE(p.size(), 4);
        const double expected[4] = {29.0 / 30, 25.0 / 27, 21.0 / 24, 16.0 / 21};
        for (int n = 0; n < 4; ++n) QVERIFY(std::abs(p[n].toDouble() - expected[n]) < 1e-15);

        r = cli({"bleu", "--ref", ref, "--hyp", hyp});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.startsWith("BLEU 0.878902 ") && r.out.count('\n') == 1, r.out.constData());

        // Words: "the cat sat on" against "the cat sat on the mat": every n-gram matches, BP = exp(1 - 6/4).
        const QString wr = write("wr.txt", "the cat sat on the mat\n"), wh = write("wh.txt", "the cat sat on\n");
        r = cli({"bleu", "--ref", wr, "--hyp", wh, "--tokenize", "words", "--json"});
        QCOMPARE(r.code, 0);
        QVERIFY(std::abs(json(r).value("bleu").toDouble() - std::exp(-0.5)) < 1e-14);
    }

    void badInputExitsTwoWithOneLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString ref = write("r.txt", "a\nb\nc\n"), two = write("two.txt", "a\nb\n");
        const QString latin = write("latin1.txt", "ok\ncaf\xe9\n");
        QTest::newRow("missing hyp file") << QStringList{"bleu", "--ref", ref, "--hyp", dir_.filePath("nope.txt")}
                                          << "nope.txt: no such file";
        QTest::newRow("missing ref file") << QStringList{"bleu", "--ref", dir_.filePath("gone.txt"), "--hyp", ref}
                                          << "gone.txt: no such file";
        QTest::newRow("line counts") << QStringList{"bleu", "--ref", ref, "--hyp", two}
                                     << "r.txt has 3 lines but " + two + " has 2";
        QTest::newRow("no --hyp") << QStringList{"bleu", "--ref", ref} << "bleu needs --ref REF.txt and --hyp HYP.txt";
        QTest::newRow("tokenize") << QStringList{"bleu", "--ref", ref, "--hyp", ref, "--tokenize", "bytes"}
                                  << "--tokenize bytes: expected chars or words";
        QTest::newRow("not UTF-8") << QStringList{"bleu", "--ref", latin, "--hyp", latin}
                                   << "latin1.txt: invalid UTF-8 at byte 6";
        QTest::newRow("n zero") << QStringList{"dates", "--n", "0"} << "--n 0: expected an integer from 1 to 1000000";
        QTest::newRow("bad seed") << QStringList{"dates", "--seed", "-1"} << "--seed -1: expected an integer";
        QTest::newRow("stray argument") << QStringList{"dates", "10"} << "unexpected argument 10";
    }
    void badInputExitsTwoWithOneLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto r = cli(args);
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(oneLine(r.err), r.err.constData());
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    }

    void helpListsTheVerbs()
    {
        const auto r = cli({"translator", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("dates") && r.out.contains("bleu"));
        QVERIFY(cli({"bleu", "--help"}).out.contains("--tokenize"));
    }
};

QTEST_GUILESS_MAIN(TestTranslatorDataCli)
#include "tst_translatordatacli.moc"
