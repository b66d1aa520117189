// Corpus BLEU (Papineni et al. 2002) as nltk 3.8's corpus_bleu computes it with its defaults: cases worked by hand
// from the definition, then a few values computed with nltk itself.
#include "../InputErrorOf.hpp"
#include "translate/Bleu.hpp"

#include <QTest>

#include <cfloat>
#include <cmath>

using namespace unroll;
using unroll::test::inputErrorOf;

namespace {

Tokens words(std::string_view s) { return tokenize(s, BleuTokens::Words); }
Tokens chars(std::string_view s) { return tokenize(s, BleuTokens::Chars); }

BleuScore bleuOf(const std::vector<std::string_view>& refs, const std::vector<std::string_view>& hyps,
                 BleuTokens mode = BleuTokens::Words)
{
    std::vector<Tokens> r, h;
    for (auto s : refs) r.push_back(tokenize(s, mode));
    for (auto s : hyps) h.push_back(tokenize(s, mode));
    return corpusBleu(r, h);
}

bool close(double a, double b, double rel = 1e-13) { return std::fabs(a - b) <= rel * std::fabs(b); }

} // namespace

class TestBleu : public QObject {
    Q_OBJECT
private slots:
    void tokenizes()
    {
        QCOMPARE(words("  the cat\tsat\n on "), (Tokens{"the", "cat", "sat", "on"}));
        QVERIFY(words(" \t ").empty());
        QCOMPARE(chars("a b"), (Tokens{"a", " ", "b"}));
        QCOMPARE(chars("\xc3\xa9t\xc3\xa9"), (Tokens{"\xc3\xa9", "t", "\xc3\xa9"}));
        QCOMPARE(chars("x\xe9"), (Tokens{"x", "\xe9"})); // an invalid byte is a token of its own
    }

    void perfectMatchIsOne()
    {
        const BleuScore s = bleuOf({"the cat sat on the mat"}, {"the cat sat on the mat"});
        QCOMPARE(s.bleu, 1.0);
        QCOMPARE(s.brevityPenalty, 1.0);
        QCOMPARE(s.matches, (std::array<std::int64_t, 4>{6, 5, 4, 3}));
        QCOMPARE(s.totals, (std::array<std::int64_t, 4>{6, 5, 4, 3}));
    }

    void noUnigramMatchIsZero()
    {
        const BleuScore s = bleuOf({"a b c d"}, {"x y z w"});
        QCOMPARE(s.bleu, 0.0);
        QCOMPARE(s.precisions[0], 0.0);
        QCOMPARE(s.brevityPenalty, 1.0); // c = r = 4: exp(1 - 1)
    }

    void noFourGramMatchIsNltksTinyValue()
    {
        // hyp "a b c e d", ref "a b c d e": p1 = 5/5, p2 = 2/4 (ab bc), p3 = 1/3 (abc), p4 = 0/2; BP = 1.
        // nltk's method0 puts DBL_MIN for p4: exp((ln 1 + ln 1/2 + ln 1/3 + ln DBL_MIN) / 4).
        const BleuScore s = bleuOf({"a b c d e"}, {"a b c e d"});
        QCOMPARE(s.matches, (std::array<std::int64_t, 4>{5, 2, 1, 0}));
        QCOMPARE(s.totals, (std::array<std::int64_t, 4>{5, 4, 3, 2}));
        const double expected = std::exp(0.25 * (std::log(0.5) + std::log(1.0 / 3) + std::log(DBL_MIN)));
        QVERIFY(close(s.bleu, expected, 1e-12));
        QVERIFY(s.bleu > 0 && s.bleu < 1e-76);
        QVERIFY(close(s.bleu, 7.803659209895733e-78)); // nltk 3.8
    }

    void shortHypothesisIsPenalised()
    {
        // Every n-gram of "the cat sat on" is in the reference; c = 4, r = 6: BP = exp(1 - 6/4).
        const BleuScore s = bleuOf({"the cat sat on the mat"}, {"the cat sat on"});
        QCOMPARE(s.precisions, (std::array<double, 4>{1, 1, 1, 1}));
        QVERIFY(close(s.brevityPenalty, std::exp(-0.5)));
        QVERIFY(close(s.bleu, std::exp(-0.5)));
        QCOMPARE(s.hypothesisLength, std::int64_t(4));
        QCOMPARE(s.referenceLength, std::int64_t(6));
        // A longer hypothesis is not penalised, an empty one scores 0.
        QCOMPARE(bleuOf({"a b"}, {"a b a b a"}).brevityPenalty, 1.0);
        QCOMPARE(bleuOf({"a b c d"}, {""}).brevityPenalty, 0.0);
        QCOMPARE(bleuOf({"a b c d"}, {""}).bleu, 0.0);
    }

    void matchesAreClipped()
    {
        // Papineni's example: "the the the the" against "the cat" matches "the" once, not four times: p1 = 1/4.
        const BleuScore s = bleuOf({"the cat"}, {"the the the the"});
        QCOMPARE(s.matches[0], std::int64_t(1));
        QCOMPARE(s.totals[0], std::int64_t(4));
        QCOMPARE(s.precisions[0], 0.25);
        QCOMPARE(s.matches[1], std::int64_t(0));
        QVERIFY(close(s.bleu, std::exp(0.25 * (std::log(0.25) + 3 * std::log(DBL_MIN))), 1e-12));
        QVERIFY(close(s.bleu, 1.2882297539194154e-231, 1e-12)); // nltk 3.8
    }

    void corpusSumsCountsOverSentences()
    {
        // hyp "a b c d" / ref "a b c d e f": 4/4 3/3 2/2 1/1; hyp "p q r s t u" / ref "p q r s": 4/6 3/5 2/4 1/3.
        // Corpus: 8/10, 6/8, 4/6, 2/4 (not the mean of sentence scores); c = r = 10, BP = 1; BLEU = 0.2^(1/4).
        const BleuScore s = bleuOf({"a b c d e f", "p q r s"}, {"a b c d", "p q r s t u"});
        QCOMPARE(s.matches, (std::array<std::int64_t, 4>{8, 6, 4, 2}));
        QCOMPARE(s.totals, (std::array<std::int64_t, 4>{10, 8, 6, 4}));
        QCOMPARE(s.brevityPenalty, 1.0);
        QVERIFY(close(s.bleu, std::pow(0.2, 0.25), 1e-14));
        QVERIFY(close(s.bleu, 0.668740304976422)); // nltk 3.8
    }

    void shortSentencesCountOneInTheDenominator()
    {
        // A 2-token hypothesis has no 3- or 4-grams: nltk counts max(1, 0) = 1 for each.
        const BleuScore s = bleuOf({"a b", "a b c d"}, {"a b", "a b c d"});
        QCOMPARE(s.totals, (std::array<std::int64_t, 4>{6, 4, 3, 2}));
        QCOMPARE(s.matches, (std::array<std::int64_t, 4>{6, 4, 2, 1}));
    }

    void matchesNltk_data()
    {
        // Computed with nltk 3.8 (Debian's python3-nltk): corpus_bleu([[r] for r in refs], hyps) with the defaults,
        // tokens = list(s) for characters, s.split() for words.
        QTest::addColumn<QStringList>("refs");
        QTest::addColumn<QStringList>("hyps");
        QTest::addColumn<bool>("words");
        QTest::addColumn<double>("expected");
        QTest::newRow("dates, characters")
            << QStringList{"1998-05-09", "2019-11-10", "1970-09-10"}
            << QStringList{"1998-05-08", "2019-11-10", "1970-10-09"} << false << 0.8789019583509408;
        QTest::newRow("sentences, words")
            << QStringList{"it is a guide to action which ensures that the military always obeys the commands of the "
                           "party",
                           "he read the book because he was interested in world history"}
            << QStringList{"it is a guide to action that ensures that the military will forever heed party commands",
                           "he was interested in world history because he read the book"}
            << true << 0.5409153551587962;
        QTest::newRow("longer hypothesis") << QStringList{"a b c d"} << QStringList{"a b c d a b c d e"} << true
                                           << 0.2984745896009823;
        QTest::newRow("UTF-8 characters") << QStringList{"été 2001"} << QStringList{"ete 2001"} << false
                                          << 0.5410822690539396;
    }
    void matchesNltk()
    {
        QFETCH(QStringList, refs);
        QFETCH(QStringList, hyps);
        QFETCH(bool, words);
        QFETCH(double, expected);
        std::vector<Tokens> r, h;
        const BleuTokens mode = words ? BleuTokens::Words : BleuTokens::Chars;
        for (const QString& s : refs) r.push_back(tokenize(s.toStdString(), mode));
        for (const QString& s : hyps) h.push_back(tokenize(s.toStdString(), mode));
        const double bleu = corpusBleu(r, h).bleu;
        QVERIFY2(close(bleu, expected), qPrintable(QString::number(bleu, 'g', 17)));
    }

    void sizesMustAgree()
    {
        QVERIFY(inputErrorOf([] { corpusBleu({words("a")}, {}); }).contains("1 references for 0 hypotheses"));
        QCOMPARE(corpusBleu({}, {}).bleu, 0.0);
    }
};

QTEST_GUILESS_MAIN(TestBleu)
#include "tst_bleu.moc"
