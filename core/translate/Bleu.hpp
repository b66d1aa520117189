// BLEU (Papineni et al. 2002): corpus-level, up to 4-grams, uniform weights, no smoothing — the same number as
// nltk 3.8's nltk.translate.bleu_score.corpus_bleu(references, hypotheses) with its defaults, for one reference per
// hypothesis.
//
//   const BleuScore s = corpusBleu(refs, hyps);   // refs[i], hyps[i]: token lists
//
// For each order n = 1..4 and each sentence: the hypothesis's n-grams, each counted at most as often as the reference
// has it (clipped matches), over max(1, the hypothesis's n-gram count); the corpus p_n sums numerators and
// denominators over sentences. BP = 1 if c > r, 0 if c = 0, else exp(1 - r/c), with c and r the total hypothesis and
// reference lengths. BLEU = BP * exp(sum_n 1/4 ln p_n). As nltk 3.8 without smoothing: BLEU is exactly 0 when no
// 1-gram matches; a higher-order p_n with no match enters the sum as ln(DBL_MIN) (nltk's method0 substitutes
// sys.float_info.min and warns), so BLEU is then tiny (~1e-77 and below) but not 0.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace unroll {

struct BleuScore {
    double bleu = 0;
    std::array<double, 4> precisions{};      // p_1 .. p_4 (0 when the denominator is 0)
    std::array<std::int64_t, 4> matches{}, totals{}; // numerators and denominators of p_n
    double brevityPenalty = 0;
    std::int64_t hypothesisLength = 0, referenceLength = 0;
};

using Tokens = std::vector<std::string>;

// references.size() must equal hypotheses.size() (else InputError naming both sizes).
BleuScore corpusBleu(const std::vector<Tokens>& references, const std::vector<Tokens>& hypotheses);

enum class BleuTokens { Chars, Words };
// Characters: each UTF-8 code point one token (invalid bytes one token each); spaces are tokens too. Words: split
// on runs of ASCII whitespace.
Tokens tokenize(std::string_view text, BleuTokens mode);

} // namespace unroll
