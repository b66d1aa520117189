// Corpus BLEU as nltk 3.8's corpus_bleu computes it with its defaults; see Bleu.hpp.
#include "translate/Bleu.hpp"

#include "translate/TranslationData.hpp"
#include "util/Error.hpp"

#include <cfloat>
#include <cmath>
#include <map>
#include <unordered_map>

namespace unroll {

namespace {

using Ngram = std::array<std::int32_t, 4>; // an n-gram of token ids, unused places -1

std::map<Ngram, std::int64_t> countNgrams(const std::vector<std::int32_t>& ids, int n)
{
    std::map<Ngram, std::int64_t> counts;
    for (std::size_t i = 0; i + std::size_t(n) <= ids.size(); ++i) {
        Ngram g;
        g.fill(-1);
        for (int k = 0; k < n; ++k) g[std::size_t(k)] = ids[i + std::size_t(k)];
        ++counts[g];
    }
    return counts;
}

// Python's math.fsum: the correctly rounded sum (Shewchuk's exact partials), so the last bit matches nltk's.
double exactSum(const std::vector<double>& values)
{
    std::vector<double> partials;
    for (double x : values) {
        std::size_t i = 0;
        for (double y : partials) {
            if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
            const double hi = x + y, lo = y - (hi - x);
            if (lo != 0) partials[i++] = lo;
            x = hi;
        }
        partials.resize(i);
        partials.push_back(x);
    }
    // Round the partials' sum once, as CPython's fsum does (with its half-way correction).
    if (partials.empty()) return 0;
    std::size_t n = partials.size();
    double hi = partials[--n], lo = 0;
    while (n > 0) {
        const double x = hi, y = partials[--n];
        hi = x + y;
        const double yr = hi - x;
        lo = y - yr;
        if (lo != 0) break;
    }
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
        const double y = lo * 2, x = hi + y;
        if (y == x - hi) hi = x;
    }
    return hi;
}

} // namespace

BleuScore corpusBleu(const std::vector<Tokens>& references, const std::vector<Tokens>& hypotheses)
{
    if (references.size() != hypotheses.size())
        throw InputError("BLEU needs one reference per hypothesis: " + std::to_string(references.size()) +
                         " references for " + std::to_string(hypotheses.size()) + " hypotheses");
    BleuScore s;
    for (std::size_t i = 0; i < hypotheses.size(); ++i) {
        // Token ids shared by the pair, so n-grams compare as small integer arrays.
        std::unordered_map<std::string, std::int32_t> idOf;
        auto idsOf = [&](const Tokens& tokens) {
            std::vector<std::int32_t> out;
            out.reserve(tokens.size());
            for (const std::string& t : tokens) out.push_back(idOf.emplace(t, std::int32_t(idOf.size())).first->second);
            return out;
        };
        const auto hyp = idsOf(hypotheses[i]), ref = idsOf(references[i]);
        for (int n = 1; n <= 4; ++n) {
            const auto h = countNgrams(hyp, n), r = countNgrams(ref, n);
            std::int64_t clipped = 0, total = 0;
            for (const auto& [g, count] : h) {
                const auto it = r.find(g);
                clipped += std::min(count, it == r.end() ? std::int64_t(0) : it->second);
                total += count;
            }
            s.matches[std::size_t(n - 1)] += clipped;
            s.totals[std::size_t(n - 1)] += std::max<std::int64_t>(1, total); // nltk: max(1, count)
        }
        s.hypothesisLength += std::int64_t(hyp.size());
        s.referenceLength += std::int64_t(ref.size());
    }
    for (std::size_t n = 0; n < 4; ++n)
        s.precisions[n] = s.totals[n] > 0 ? double(s.matches[n]) / double(s.totals[n]) : 0.0;

    const std::int64_t c = s.hypothesisLength, r = s.referenceLength;
    s.brevityPenalty = c > r ? 1.0 : c == 0 ? 0.0 : std::exp(1.0 - double(r) / double(c));
    if (s.matches[0] == 0) return s; // nltk returns 0 when no unigram matches
    std::vector<double> terms;
    for (std::size_t n = 0; n < 4; ++n)
        terms.push_back(0.25 * std::log(s.matches[n] > 0 ? s.precisions[n] : DBL_MIN)); // method0's substitute
    s.bleu = s.brevityPenalty * std::exp(exactSum(terms));
    return s;
}

Tokens tokenize(std::string_view text, BleuTokens mode)
{
    if (mode == BleuTokens::Chars) return utf8Characters(text);
    Tokens out;
    auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    for (std::size_t i = 0; i < text.size();) {
        while (i < text.size() && isSpace(text[i])) ++i;
        std::size_t j = i;
        while (j < text.size() && !isSpace(text[j])) ++j;
        if (j > i) out.emplace_back(text.substr(i, j - i));
        i = j;
    }
    return out;
}

} // namespace unroll
