// The curated word lists; see WordLists.hpp.
#include "labs/vectors/WordLists.hpp"

#include "util/Error.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace unroll {

namespace {

struct Line {
    std::string section;            // set when the line names a section
    bool isSection = false;
    std::vector<std::string> words; // the words on the line (after a "name:" prefix)
};

std::string trimmed(std::string_view s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> splitWords(std::string_view s)
{
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n') {
            if (!cur.empty()) out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(std::move(cur));
    return out;
}

std::vector<Line> lines(std::string_view text)
{
    std::vector<Line> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string raw(text.substr(start, end - start));
        start = end + 1;
        Line l;
        std::string t = trimmed(raw);
        if (!t.empty() && t.front() == '#') { // a whole-line comment names the section that follows ("# animals")
            l.isSection = true;
            l.section = trimmed(std::string_view(t).substr(t.find_first_not_of('#')  == std::string::npos
                                                                ? t.size()
                                                                : t.find_first_not_of('#')));
            if (!l.section.empty()) out.push_back(l);
            continue;
        }
        if (const auto hash = t.find('#'); hash != std::string::npos) t = trimmed(std::string_view(t).substr(0, hash));
        if (t.empty()) continue;
        if (t.front() == '[' && t.back() == ']') {
            l.isSection = true;
            l.section = trimmed(std::string_view(t).substr(1, t.size() - 2));
            out.push_back(l);
            continue;
        }
        if (const auto colon = t.find(':'); colon != std::string::npos && colon > 0) {
            const std::string name = trimmed(std::string_view(t).substr(0, colon));
            const std::string rest = trimmed(std::string_view(t).substr(colon + 1));
            if (name.find(' ') == std::string::npos || rest.empty()) { // "name:" or "name: words"
                Line s;
                s.isSection = true;
                s.section = name;
                out.push_back(s);
                if (!rest.empty()) {
                    l.words = splitWords(rest);
                    out.push_back(l);
                }
                continue;
            }
        }
        l.words = splitWords(t);
        out.push_back(l);
        if (start > text.size()) break;
    }
    return out;
}

} // namespace

WordGroups parseWordGroups(std::string_view text)
{
    WordGroups g;
    std::set<std::string> seen;
    int current = -1;
    for (const auto& l : lines(text)) {
        if (l.isSection) {
            g.groupNames.push_back(l.section);
            current = int(g.groupNames.size()) - 1;
            continue;
        }
        for (const auto& w : l.words)
            if (seen.insert(w).second) {
                g.words.push_back(w);
                g.group.push_back(current);
            }
    }
    // Sections that ended up empty would be legend entries without points.
    std::vector<int> used(g.groupNames.size(), 0), remap(g.groupNames.size(), -1);
    for (int k : g.group)
        if (k >= 0) used[size_t(k)] = 1;
    std::vector<std::string> names;
    for (size_t k = 0; k < g.groupNames.size(); ++k)
        if (used[k]) {
            remap[k] = int(names.size());
            names.push_back(g.groupNames[k]);
        }
    for (int& k : g.group)
        if (k >= 0) k = remap[size_t(k)];
    g.groupNames = std::move(names);
    return g;
}

BiasLists parseBiasLists(std::string_view text)
{
    BiasLists b;
    std::set<std::string> seen;
    for (const auto& l : lines(text)) {
        if (l.isSection) continue;
        if (l.words.size() == 2) {
            b.pairs.emplace_back(l.words[0], l.words[1]);
            continue;
        }
        for (const auto& w : l.words)
            if (seen.insert(w).second) b.words.push_back(w);
    }
    return b;
}

std::vector<AnalogyItem> parseAnalogies(std::string_view text)
{
    std::vector<AnalogyItem> out;
    std::string section;
    for (const auto& l : lines(text)) {
        if (l.isSection) {
            section = l.section;
            continue;
        }
        if (l.words.size() >= 4) out.push_back({l.words[0], l.words[1], l.words[2], l.words[3], section});
    }
    return out;
}

std::string readTextFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot read '" + path + "'");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace unroll
