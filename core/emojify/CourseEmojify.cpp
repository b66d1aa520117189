// The Emojify notebook's toy tests on our sentenceToAvg and sentencesToIndices; see CourseEmojify.hpp.
#include "emojify/CourseEmojify.hpp"

#include "emojify/EmojifyData.hpp"

#include <string>

namespace unroll {

namespace {

using emojify::sentencesToIndices;
using emojify::sentenceToAvg;
using vectors::WordVectors;

WordVectors wordMap(const std::vector<std::pair<std::string, std::vector<double>>>& entries)
{
    std::vector<std::string> words;
    vectors::VectorMatrix values(Index(entries.size()), Index(entries.front().second.size()));
    for (std::size_t i = 0; i < entries.size(); ++i) {
        words.push_back(entries[i].first);
        for (std::size_t j = 0; j < entries[i].second.size(); ++j) values(Index(i), Index(j)) = entries[i].second[j];
    }
    return WordVectors(words, values, "the course's toy map");
}

CourseExample sentenceToAvgExample()
{
    // The 2021 notebook's sentence_to_avg_test word map.
    const WordVectors map = wordMap({{"a", {3, 3}}, {"synonym_of_a", {3, 3}}, {"a_nw", {2, 4}}, {"a_s", {3, 2}},
                                     {"c", {-2, 1}}, {"c_n", {-2, 2}}, {"c_ne", {-1, 2}}, {"c_e", {-1, 1}},
                                     {"c_se", {-1, 0}}, {"c_s", {-2, 0}}, {"c_sw", {-3, 0}}, {"c_w", {-3, 1}},
                                     {"c_nw", {-3, 2}}});
    const char* sentences[] = {"a a_nw c_w a_s", "love", "c_se foo a a_nw c_w a_s deeplearning c_nw"};
    CourseExample ex{"sentence_to_avg", {}, {}};
    for (int i = 0; i < 3; ++i) {
        const Eigen::VectorXd avg = sentenceToAvg(sentences[i], map);
        NdArray a{{avg.size()}, std::vector<double>(avg.data(), avg.data() + avg.size())};
        ex.printed.push_back("avg(\"" + std::string(sentences[i]) + "\") = " + numpyArrayString(a.data));
        ex.arrays.emplace_back("avg_" + std::to_string(i + 1), std::move(a));
    }
    return ex;
}

CourseExample sentencesToIndicesExample()
{
    std::vector<std::pair<std::string, std::vector<double>>> entries;
    for (const char* w : {"i", "like", "learning", "deep", "machine", "love", "smile", "\u00b40.="})
        entries.push_back({w, {0.0}});
    const WordVectors vocab = wordMap(entries);
    const std::vector<std::string> X1 = {"I like deep learning", "deep \u00b40.= love machine",
                                         "machine learning smile"};
    const auto X = sentencesToIndices(X1, vocab, 4);
    NdArray indices{{X.rows(), X.cols()}, {}, true};
    CourseExample ex{"sentences_to_indices", {}, {}};
    ex.printed.push_back("X1 = ['I like deep learning', 'deep \u00b40.= love machine', 'machine learning smile']");
    std::string line = "X1_indices = [";
    for (Index i = 0; i < X.rows(); ++i) {
        line += i ? ", [" : "[";
        for (Index j = 0; j < X.cols(); ++j) {
            indices.data.push_back(X(i, j));
            line += (j ? ", " : "") + std::to_string(X(i, j));
        }
        line += "]";
    }
    ex.printed.push_back(line + "]");
    ex.arrays.emplace_back("X1_indices", std::move(indices));
    return ex;
}

} // namespace

std::vector<CourseExample> runEmojifyExamples()
{
    return {sentenceToAvgExample(), sentencesToIndicesExample()};
}

} // namespace unroll
