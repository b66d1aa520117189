// The curated word lists shipped beside the built-in vectors (resources/data/vectors/, described in its README.md),
// read leniently: blank lines are ignored, words are separated by white space or commas, '#' after words starts a
// comment. A whole-line comment ("# animals") names the group of the words that follow (a colour in the scatter, a
// section of analogies); "[name]" and "name: w1 w2 …" do too. Groups left without words are dropped.
//
//   WordGroups g = parseWordGroups(readTextFile(dataFile("vectors/words.txt").string()));
//   BiasLists b = parseBiasLists(text);   // a line of two words is a pair (female male); other lines hold words to
//                                         // project on the bias direction (occupations)
//   auto items = parseAnalogies(text);    // lines of four words a b c d
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace unroll {

struct WordGroups {
    std::vector<std::string> words;      // in file order, each once
    std::vector<int> group;              // per word; -1 outside any group
    std::vector<std::string> groupNames;
};
WordGroups parseWordGroups(std::string_view text);

struct BiasLists {
    std::vector<std::pair<std::string, std::string>> pairs; // (female, male) as written
    std::vector<std::string> words;                         // occupations and other words to project
};
BiasLists parseBiasLists(std::string_view text);

struct AnalogyItem {
    std::string a, b, c, d;
    std::string section;
};
std::vector<AnalogyItem> parseAnalogies(std::string_view text);

// The whole file as bytes; throws InputError naming the file when it cannot be read.
std::string readTextFile(const std::string& path);

} // namespace unroll
