// UTF-8 decoding is strict and names the byte offset; the vocabulary is sorted, capped with an "other" symbol, and
// round-trips text.
#include "text/Vocabulary.hpp"
#include "util/Error.hpp"

#include <QTest>

using namespace unroll;

class TestVocabulary : public QObject {
    Q_OBJECT
private slots:
    void decodesMultiByteCharacters()
    {
        const std::string s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"; // a é € 😀
        QCOMPARE(decodeUtf8(s, "x"), std::u32string(U"a\u00e9\u20ac\U0001F600"));
        QCOMPARE(encodeUtf8(decodeUtf8(s, "x")), s);
    }

    void invalidUtf8NamesTheOffset_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("offset");
        QTest::newRow("latin-1 byte") << QByteArray("abc\xe9z") << 3;
        QTest::newRow("truncated") << QByteArray("ab\xe2\x82") << 2;
        QTest::newRow("overlong") << QByteArray("\xc0\xaf") << 0;
        QTest::newRow("surrogate") << QByteArray("x\xed\xa0\x80") << 1;
        QTest::newRow("stray continuation") << QByteArray("ok\x80") << 2;
    }
    void invalidUtf8NamesTheOffset()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, offset);
        try {
            decodeUtf8(std::string(bytes.constData(), size_t(bytes.size())), "names.txt");
            QFAIL("accepted invalid UTF-8");
        } catch (const FormatError& e) {
            QCOMPARE(QString(e.what()),
                     QString("names.txt: invalid UTF-8 at byte %1 (the text must be UTF-8 encoded)").arg(offset));
        }
    }

    void vocabularyIsSortedWithNewlineFirst()
    {
        const auto v = Vocabulary::fromText(U"cab\nba");
        QCOMPARE(int(v.size()), 4);
        QCOMPARE(v.symbol(0), U'\n');
        QCOMPARE(v.symbol(1), U'a');
        QCOMPARE(v.decode(v.encode(U"abc\n")), std::u32string(U"abc\n"));
    }

    void capKeepsTheMostFrequentAndAddsOther()
    {
        const auto v = Vocabulary::fromText(U"aaaabbbcczy", 3);
        QCOMPARE(int(v.size()), 3);
        QVERIFY(v.contains(U'a') && v.contains(U'b') && v.contains(Vocabulary::kOther));
        QCOMPARE(v.indexOf(U'z'), v.indexOf(Vocabulary::kOther));
        const auto plain = Vocabulary::fromText(U"ab");
        QVERIFY_THROWS_EXCEPTION(InputError, plain.indexOf(U'q'));
    }
};

QTEST_GUILESS_MAIN(TestVocabulary)
#include "tst_vocabulary.moc"
