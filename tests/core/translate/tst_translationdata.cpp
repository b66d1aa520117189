// The course's vocabularies and string_to_int encoding (checked against the course notebook's example 0), the target
// encoding with <end> and kNoTarget, the held-out split, and the pair-file reader: its structure, its messages (file
// and line), its limits and the vocabularies, Tx and Ty it derives.
#include "../InputErrorOf.hpp"
#include "nn/Loss.hpp"
#include "translate/TranslationData.hpp"
#include "util/Error.hpp"

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <fstream>
#include <set>

using namespace unroll;
using unroll::test::inputErrorOf;

namespace {

std::vector<std::int32_t> ids(std::initializer_list<std::int32_t> v) { return v; }

} // namespace

class TestTranslationData : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    std::filesystem::path write(const std::string& name, const std::string& bytes)
    {
        const std::filesystem::path p = std::filesystem::path(dir_.path().toStdString()) / name;
        std::ofstream(p, std::ios::binary) << bytes;
        return p;
    }
    QString errorOf(const std::string& name, const std::string& bytes, const PairFileOptions& o = {})
    {
        const auto p = write(name, bytes);
        return inputErrorOf([&] { loadPairFile(p, o); }).remove(QString::fromStdString(dir_.path().toStdString() + "/"));
    }

private slots:
    void courseVocabulariesAreTheNotebooks()
    {
        // The course notebook prints human_vocab and machine_vocab; every index checked.
        const SymbolVocab h = courseSourceVocab();
        QCOMPARE(int(h.size()), 37);
        const std::vector<std::pair<std::string, int>> expected = {
            {" ", 0},  {".", 1},  {"/", 2},  {"0", 3},  {"9", 12}, {"a", 13}, {"b", 14}, {"c", 15}, {"d", 16},
            {"e", 17}, {"f", 18}, {"g", 19}, {"h", 20}, {"i", 21}, {"j", 22}, {"l", 23}, {"m", 24}, {"n", 25},
            {"o", 26}, {"p", 27}, {"r", 28}, {"s", 29}, {"t", 30}, {"u", 31}, {"v", 32}, {"w", 33}, {"y", 34},
            {"<unk>", 35}, {"<pad>", 36}};
        for (const auto& [s, i] : expected) QCOMPARE(h.find(s).value_or(-1), i);
        for (const char* absent : {"k", "q", "x", "z", ","}) QVERIFY(!h.find(absent));
        const SymbolVocab m = courseTargetVocab();
        QCOMPARE(int(m.size()), 11);
        QCOMPARE(m.find("-").value_or(-1), 0);
        for (char c = '0'; c <= '9'; ++c) QCOMPARE(m.find(std::string(1, c)).value_or(-1), 1 + (c - '0'));
    }

    void encodesTheCoursesFirstExample()
    {
        // Course notebook, example 0: X[0] and Y[0] for ('9 may 1998', '1998-05-09').
        std::vector<std::int32_t> x = {12, 0, 24, 13, 34, 0, 4, 12, 12, 11};
        x.resize(30, 36);
        QCOMPARE(encodeSource(courseSourceVocab(), 30, "9 may 1998"), x);
        QCOMPARE(encodeTarget(courseTargetVocab(), 10, "1998-05-09"), ids({2, 10, 10, 9, 0, 1, 6, 0, 1, 10}));
        QCOMPARE(decodeTarget(courseTargetVocab(), ids({2, 10, 10, 9, 0, 1, 6, 0, 1, 10})), std::string("1998-05-09"));
    }

    void sourceIsNormalisedTruncatedAndPadded()
    {
        const SymbolVocab h = courseSourceVocab();
        QCOMPARE(normalizeSource("Saturday, 9 May 2018"), std::string("saturday 9 may 2018"));
        QCOMPARE(normalizeSource("ÉÉ, X"), std::string("ÉÉ x")); // only ASCII letters are lower-cased
        // Unknown characters (k, z, é, '!') map to <unk> = 35; upper case is lower-cased first.
        const auto e = encodeSource(h, 6, "KéZ!A,b");
        QCOMPARE(e, ids({35, 35, 35, 35, 13, 14}));
        // Longer than Tx: cut; shorter: <pad> = 36.
        QCOMPARE(encodeSource(h, 3, "12345"), ids({4, 5, 6}));
        QCOMPARE(encodeSource(h, 4, "1"), ids({4, 36, 36, 36}));
        QCOMPARE(encodeSource(h, 2, ""), ids({36, 36}));
        QVERIFY(inputErrorOf([&] { encodeSource(courseTargetVocab(), 5, "1"); }).contains("no <unk>"));
    }

    void utf8CharactersKeepsInvalidBytesApart()
    {
        QCOMPARE(utf8Characters("a\xc3\xa9\xe2\x82\xac"), (std::vector<std::string>{"a", "\xc3\xa9", "\xe2\x82\xac"}));
        QCOMPARE(utf8Characters("x\xe9y"), (std::vector<std::string>{"x", "\xe9", "y"}));
        QCOMPARE(utf8Characters("\xe2\x82"), (std::vector<std::string>{"\xe2", "\x82"}));
        QCOMPARE(utf8Characters("\xc0\xaf"), (std::vector<std::string>{"\xc0", "\xaf"})); // overlong
    }

    void targetWithEndAndNoTarget()
    {
        const SymbolVocab v({"a", "b", "<end>"});
        QCOMPARE(encodeTarget(v, 4, "ab"), ids({0, 1, 2, kNoTarget}));
        QCOMPARE(encodeTarget(v, 3, "ab"), ids({0, 1, 2}));
        QVERIFY(inputErrorOf([&] { encodeTarget(v, 2, "ab"); }).contains("more than Ty = 2"));
        QVERIFY(inputErrorOf([&] { encodeTarget(v, 4, "ac"); }).contains("\"c\""));
        QCOMPARE(decodeTarget(v, ids({0, 1, 2, 0})), std::string("ab"));
        QCOMPARE(decodeTarget(v, ids({1, kNoTarget, 0})), std::string("b"));
        QVERIFY(!inputErrorOf([&] { decodeTarget(v, ids({7})); }).isEmpty());
    }

    void symbolVocabRejectsEmptyAndRepeated()
    {
        QVERIFY(inputErrorOf([] { SymbolVocab({"a", ""}); }).contains("empty"));
        QVERIFY(inputErrorOf([] { SymbolVocab({"a", "b", "a"}); }).contains("\"a\" appears twice"));
    }

    void courseDateDataUsesTheCoursesShapes()
    {
        const TranslationData d = courseDateData(500, 3);
        QCOMPARE(int(d.pairs.size()), 500);
        QCOMPARE(d.Tx, std::int64_t(30));
        QCOMPARE(d.Ty, std::int64_t(10));
        QVERIFY(!d.targetEnd);
        QVERIFY(d.source == courseSourceVocab());
        QVERIFY(d.target == courseTargetVocab());
        QCOMPARE(d.sourceName, std::string("generated dates (seed 3)"));
        // Every generated character is in the course's vocabulary (no <unk>, no truncation), every target encodes.
        for (const DatePair& p : d.pairs) {
            const auto x = encodeSource(d.source, d.Tx, p.source);
            QVERIFY2(std::find(x.begin(), x.end(), 35) == x.end(), p.source.c_str());
            QVERIFY(x.back() == 36);
            QCOMPARE(decodeTarget(d.target, encodeTarget(d.target, d.Ty, p.target)), p.target);
        }
    }

    void splitKeepsGeneratedOrderAndShufflesFiles()
    {
        const TranslationData d = courseDateData(50, 1);
        const DataSplit s = splitHeldOut(d, 10, 7);
        QCOMPARE(int(s.train.size()), 40);
        QCOMPARE(int(s.heldOut.size()), 10);
        QCOMPARE(s.heldOut.front().source, d.pairs[40].source);
        QCOMPARE(s.train.front().source, d.pairs[0].source);

        std::string text;
        for (int i = 0; i < 20; ++i) text += std::to_string(i) + "\t" + std::to_string(i * 2) + "\n";
        const TranslationData f = loadPairFile(write("numbers.tsv", text));
        const DataSplit a = splitHeldOut(f, 5, 1), b = splitHeldOut(f, 5, 1), c = splitHeldOut(f, 5, 2);
        QCOMPARE(int(a.train.size()), 15);
        QCOMPARE(a.heldOut.size(), b.heldOut.size());
        for (std::size_t i = 0; i < a.heldOut.size(); ++i) QCOMPARE(a.heldOut[i].source, b.heldOut[i].source);
        bool differs = false, shuffled = false;
        for (std::size_t i = 0; i < a.heldOut.size(); ++i) {
            differs |= a.heldOut[i].source != c.heldOut[i].source;
            shuffled |= a.heldOut[i].source != f.pairs[15 + i].source;
        }
        QVERIFY(differs && shuffled);
        std::set<std::string> all;
        for (const auto& p : a.train) all.insert(p.source);
        for (const auto& p : a.heldOut) all.insert(p.source);
        QCOMPARE(int(all.size()), 20);
        QVERIFY(inputErrorOf([&] { splitHeldOut(f, 20, 1); }).contains("holding out 20 of 20 pairs"));
    }

    // --- pair files ---------------------------------------------------------------------------------------------

    void readsTsvWithHeaderCommentsAndEmptyLines()
    {
        const auto p = write("pairs.tsv", "\xEF\xBB\xBF# numbers\nSource\tTarget\r\n\none\t1\r\nTwo, Three\t2,3\n  \n# end\n");
        const TranslationData d = loadPairFile(p);
        QCOMPARE(int(d.pairs.size()), 2);
        QCOMPARE(d.pairs[0].source, std::string("one"));
        QCOMPARE(d.pairs[0].target, std::string("1"));
        QCOMPARE(d.pairs[1].source, std::string("two three")); // normalised
        QCOMPARE(d.pairs[1].target, std::string("2,3"));      // targets are not
        QCOMPARE(d.sourceName, p.string());
        // Sources "one", "two three": characters sorted by code point, then <unk>, <pad>.
        QCOMPARE(d.source.symbols(), (std::vector<std::string>{" ", "e", "h", "n", "o", "r", "t", "w", "<unk>", "<pad>"}));
        QCOMPARE(d.Tx, std::int64_t(9));
        // Targets "1" and "2,3" differ in length: <end>, Ty = 3 + 1.
        QVERIFY(d.targetEnd);
        QCOMPARE(d.target.symbols(), (std::vector<std::string>{",", "1", "2", "3", "<end>"}));
        QCOMPARE(d.Ty, std::int64_t(4));
        QCOMPARE(encodeTarget(d.target, d.Ty, "1"), ids({1, 4, kNoTarget, kNoTarget}));
    }

    void readsCsvOnTheFirstComma()
    {
        const TranslationData d = loadPairFile(write("pairs.CSV", "source,target\nab,xy,z\nb,uv,w\n"));
        QCOMPARE(int(d.pairs.size()), 2);
        QCOMPARE(d.pairs[0].target, std::string("xy,z"));
        QVERIFY(!d.targetEnd); // both targets have 4 characters
        QCOMPARE(d.Ty, std::int64_t(4));
        QCOMPARE(d.Tx, std::int64_t(2));
        QCOMPARE(d.target.symbols(), (std::vector<std::string>{",", "u", "v", "w", "x", "y", "z"}));
    }

    void headerOnlyOnTheFirstRow()
    {
        const TranslationData d = loadPairFile(write("h.tsv", "a\tb\nsource\ttarget\n"));
        QCOMPARE(int(d.pairs.size()), 2);
        QCOMPARE(d.pairs[1].source, std::string("source"));
    }

    void utf8CharactersAreSymbols()
    {
        const TranslationData d = loadPairFile(write("u.tsv", "\xc3\xa9t\xc3\xa9\tsummer\nhiver\twinter\n"));
        QCOMPARE(d.Tx, std::int64_t(5));
        QCOMPARE(d.source.symbols().at(6), std::string("\xc3\xa9")); // e h i r t v, then é
        QCOMPARE(encodeSource(d.source, d.Tx, "\xc3\xa9t\xc3\xa9").at(0), *d.source.find("\xc3\xa9"));
    }

    void badRowsNameTheirLine_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("message");
        QTest::newRow("no tab") << "p.tsv" << QByteArray("a\tb\n# c\n\nno separator\n")
                                << "p.tsv: line 4: no tab between source and target";
        QTest::newRow("no comma") << "p.csv" << QByteArray("a,b\na\tb\n") << "p.csv: line 2: no comma between source";
        QTest::newRow("empty source") << "p.tsv" << QByteArray("a\tb\n\tb\n") << "p.tsv: line 2: the source is empty";
        QTest::newRow("only commas") << "p.tsv" << QByteArray(",,\tb\n") << "p.tsv: line 1: the source is empty";
        QTest::newRow("empty target") << "p.tsv" << QByteArray("a\tb\r\nc\t\r\n") << "p.tsv: line 2: the target is empty";
        QTest::newRow("no valid row") << "p.tsv" << QByteArray("# only\n\nsource\ttarget\n")
                                      << "p.tsv: the file has no valid row (3 lines";
        QTest::newRow("empty file") << "p.tsv" << QByteArray("") << "p.tsv: the file has no valid row (0 lines";
        QTest::newRow("one blank line") << "p.tsv" << QByteArray(" \t\r\n") << "p.tsv: the file has no valid row (1 line,";
    }
    void badRowsNameTheirLine()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, message);
        const QString e = errorOf(name.toStdString(), bytes.toStdString());
        QVERIFY2(e.startsWith(message), qPrintable(e));
    }

    void invalidUtf8IsAFormatErrorNamingLineAndByte()
    {
        const auto p = write("latin1.tsv", "ok\tfine\ncaf\xe9\tcoffee\n");
        try {
            loadPairFile(p);
            QFAIL("accepted invalid UTF-8");
        } catch (const FormatError& e) {
            QCOMPARE(QString(e.what()),
                     QString::fromStdString(p.string()) + ": line 2: invalid UTF-8 at byte 11 of the file (the file must "
                                                          "be UTF-8 encoded)");
        }
    }

    void limitsAreNamed()
    {
        QVERIFY(errorOf("big.tsv", "abcdef\tx\n", {.maxBytes = 5}).contains("big.tsv: 9 bytes is larger than the limit of 5"));
        QVERIFY(errorOf("rows.tsv", "a\tb\nc\td\ne\tf\n", {.maxRows = 2}).contains("rows.tsv: more than 2 rows"));
        QVERIFY(errorOf("long.tsv", "a\tb\nabcdef\tx\n", {.maxLength = 5})
                    .contains("long.tsv: line 2: the source has 6 characters, more than the limit of 5"));
        QVERIFY(errorOf("long.tsv", "a\tabcdef\n", {.maxLength = 5}).contains("long.tsv: line 1: the target has 6 characters"));
        // Commas removed before the length counts.
        QCOMPARE(int(loadPairFile(write("ok.tsv", "a,b,c,d,e,f\tx\n"), {.maxLength = 6}).pairs.size()), 1);
        QVERIFY(inputErrorOf([&] { loadPairFile(dir_.path().toStdString() + "/missing.tsv"); }).contains("missing.tsv: no such file"));
    }

    void conflictingTargetsAreAWarning()
    {
        const TranslationData d = loadPairFile(write("w.tsv", "A\t1\na\t2\nb\t3\nb\t3\n"));
        QCOMPARE(int(d.warnings.size()), 1);
        QVERIFY(QString::fromStdString(d.warnings[0]).contains("1 sources appear with different targets"));
        QVERIFY(loadPairFile(write("n.tsv", "a\t1\nb\t3\n")).warnings.empty());
    }
};

QTEST_GUILESS_MAIN(TestTranslationData)
#include "tst_translationdata.moc"
