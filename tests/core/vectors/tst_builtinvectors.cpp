// The vectors Unroll ships (resources/data/vectors/, made by scripts/make_builtin_vectors.sh) and the curated lists
// beside them: the lists must only use words the vectors have, and the vectors must demonstrate what the lists and the
// README promise: analogies solved by the course's rule, the neighbours the README quotes, a gender direction that
// separates the occupations the way bias-pairs.txt says.
#include "util/Resources.hpp"
#include "vectors/Operations.hpp"
#include "vectors/VectorFile.hpp"

#include <QTest>

#include <fstream>
#include <set>
#include <sstream>

using namespace unroll;
using namespace unroll::vectors;

namespace {

// The non-comment lines of a list, split into words.
std::vector<std::vector<std::string>> readList(const char* name)
{
    std::ifstream in(dataFile(std::string("vectors/") + name));
    std::vector<std::vector<std::string>> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream words(line);
        std::vector<std::string> w;
        for (std::string s; words >> s;) w.push_back(s);
        if (!w.empty()) lines.push_back(w);
    }
    return lines;
}

const WordVectors& builtIn()
{
    static const WordVectors v = builtInVectors();
    return v;
}

std::vector<std::string> neighbourWords(const WordVectors& v, const std::string& word, int k)
{
    std::vector<std::string> out;
    for (const Scored& s : nearestNeighbors(v, v.vector(word), k, Metric::Cosine, {v.indexOf(word)}))
        out.push_back(v.word(s.index));
    return out;
}

bool contains(const std::vector<std::string>& list, const std::string& w)
{
    return std::find(list.begin(), list.end(), w) != list.end();
}

} // namespace

class TestBuiltInVectors : public QObject {
    Q_OBJECT
private slots:
    void shape()
    {
        const WordVectors& v = builtIn();
        QCOMPARE(v.size(), Index(10000));
        QCOMPARE(v.dimension(), 50);
        QCOMPARE(v.word(0), std::string("the")); // most frequent first
    }

    void analogiesHold()
    {
        const WordVectors& v = builtIn();
        const auto lines = readList("analogies.txt");
        QVERIFY(lines.size() >= 50);
        int solved = 0;
        QStringList failed;
        for (const auto& l : lines) {
            QCOMPARE(l.size(), std::size_t(4));
            for (const auto& w : l) QVERIFY2(v.find(w) >= 0, w.c_str());
            const auto best = analogy(v, l[0], l[1], l[2], 1, AnalogyRule::Course);
            if (v.word(best.at(0).index) == l[3])
                ++solved;
            else
                failed << QString::fromStdString(l[0] + " " + l[1] + " " + l[2] + " -> " + v.word(best[0].index));
        }
        qInfo("%d of %d analogies solved (course rule, top 1)%s", solved, int(lines.size()),
              failed.isEmpty() ? "" : qPrintable("; missed: " + failed.join(", ")));
        QVERIFY(solved >= 0.8 * double(lines.size()));
    }

    void neighboursTheReadmeQuotes()
    {
        const WordVectors& v = builtIn();
        const auto dog = neighbourWords(v, "dog", 5);
        QVERIFY(contains(dog, "cat") && contains(dog, "hound"));
        const auto red = neighbourWords(v, "red", 5);
        QVERIFY(contains(red, "yellow") && contains(red, "blue"));
        const auto computer = neighbourWords(v, "computer", 5);
        QVERIFY(contains(computer, "program") && contains(computer, "computers"));
        const auto three = neighbourWords(v, "three", 5);
        QVERIFY(contains(three, "four") && contains(three, "five"));
    }

    void biasPairsSeparateOccupations()
    {
        const WordVectors& v = builtIn();
        std::vector<std::pair<std::string, std::string>> pairs;
        std::vector<std::string> words;
        for (const auto& l : readList("bias-pairs.txt")) {
            QVERIFY(l.size() == 1 || l.size() == 2);
            for (const auto& w : l) QVERIFY2(v.find(w) >= 0, w.c_str());
            if (l.size() == 2)
                pairs.emplace_back(l[0], l[1]);
            else
                words.push_back(l[0]);
        }
        QVERIFY(pairs.size() >= 8);
        QVERIFY(words.size() >= 20);
        // The claim in bias-pairs.txt: along the pairs' principal direction (oriented like woman - man) the female-coded
        // occupations lie well above the male-coded ones.
        const Eigen::VectorXd g = principalDirection(v, pairs);
        auto mean = [&](std::initializer_list<const char*> ws) {
            double s = 0;
            for (const char* w : ws) s += cosineSimilarity(v.vector(w), g);
            return s / double(ws.size());
        };
        const double female = mean({"nurse", "maid", "dancer", "singer"});
        const double male = mean({"judge", "farmer", "priest", "warrior", "pilot"});
        qInfo("mean cosine with the gender direction: nurse, maid, dancer, singer %.3f; judge, farmer, priest, "
              "warrior, pilot %.3f", female, male);
        QVERIFY(female > male + 0.2);
        QVERIFY(male < 0);
    }

    void projectionWords()
    {
        const WordVectors& v = builtIn();
        std::ifstream in(dataFile("vectors/words.txt"));
        std::set<std::string> seen;
        int groups = 0;
        std::string line;
        while (std::getline(in, line)) {
            if (line.rfind("# ", 0) == 0 && line.find(' ', 2) == std::string::npos) ++groups;
            if (line.empty() || line[0] == '#') continue;
            QVERIFY2(line.find(' ') == std::string::npos, line.c_str());
            QVERIFY2(v.find(line) >= 0, line.c_str());
            QVERIFY2(seen.insert(line).second, line.c_str());
        }
        QVERIFY(seen.size() >= 150 && seen.size() <= 250);
        QVERIFY(groups >= 8);
    }
};

QTEST_GUILESS_MAIN(TestBuiltInVectors)
#include "tst_builtinvectors.moc"
