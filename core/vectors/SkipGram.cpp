// Skip-gram with negative sampling (Mikolov et al. 2013) as word2vec.c does it:
//   - frequent words are dropped at random, kept with probability (sqrt(c / (t N)) + 1) t N / c (word2vec's formula,
//     t = `sample`, c the word's count, N all tokens), before windows are formed;
//   - each centre word draws its window b uniformly from 1..window and pairs with the words within b of it (same
//     sentence; word2vec also cuts sentences at 1000 words);
//   - for a pair (centre w, context c) the input vector of c is pulled towards the output vector of w and pushed from
//     the output vectors of `negative` noise words drawn from unigram^0.75 (a noise word equal to w is skipped);
//   - the learning rate decays linearly from 0.025 to 0.025e-4 over all epochs;
//   - input vectors start uniform in [-0.5, 0.5] / dimension, output vectors at zero; sigmoid from a table over
//     [-6, 6] with word2vec's clamping outside it.
// The noise distribution is sampled with an alias table (Walker/Vose): the exact unigram^0.75 distribution in 8 bytes
// per word, so it stays in cache, where word2vec's 10^8-entry table costs a cache miss per noise word.
//
// A step is a slice of the text cut into chunks; the chunks run on the thread pool and update the shared vectors
// without locks (Hogwild, as word2vec's threads do). Each chunk has its own RNG seeded from (seed, step, chunk), so a
// one-thread run is reproducible exactly.
#include "vectors/EmbeddingTrainingInternal.hpp"

#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <Eigen/Core>

#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <string>

namespace unroll::vectors {

using namespace detail_training;

namespace {

std::string shortNumber(double x) // 1e-05 -> "1e-05", 0.001 -> "0.001"
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

constexpr int kMaxSentence = 1000; // word2vec's MAX_SENTENCE_LENGTH
constexpr float kMaxExp = 6;       // word2vec's MAX_EXP
constexpr int kTableSize = 1000;   // word2vec's EXP_TABLE_SIZE

struct Tables {
    std::array<float, kTableSize + 1> sigmoid{};
    std::array<float, kTableSize + 1> minusLogSigmoid{}; // -log sigma(x), for the reported loss
    Tables()
    {
        for (int i = 0; i <= kTableSize; ++i) {
            const double x = (double(i) / kTableSize * 2 - 1) * kMaxExp;
            sigmoid[std::size_t(i)] = float(1 / (1 + std::exp(-x)));
            minusLogSigmoid[std::size_t(i)] = float(std::log1p(std::exp(-x)));
        }
    }
};
const Tables& tables()
{
    static const Tables t;
    return t;
}

// Walker's alias method (Vose's construction): draw a column uniformly, then it or its alias.
struct AliasTable {
    std::vector<float> keep;
    std::vector<std::int32_t> alias;
    explicit AliasTable(const std::vector<double>& weights)
    {
        const std::size_t n = weights.size();
        keep.assign(n, 1.0f);
        alias.resize(n);
        double total = 0;
        for (double w : weights) total += w;
        std::vector<double> scaled(n);
        std::vector<std::int32_t> small, large;
        for (std::size_t i = 0; i < n; ++i) {
            alias[i] = std::int32_t(i);
            scaled[i] = weights[i] * double(n) / total;
            (scaled[i] < 1 ? small : large).push_back(std::int32_t(i));
        }
        while (!small.empty() && !large.empty()) {
            const std::int32_t s = small.back(), l = large.back();
            small.pop_back();
            keep[std::size_t(s)] = float(scaled[std::size_t(s)]);
            alias[std::size_t(s)] = l;
            scaled[std::size_t(l)] -= 1 - scaled[std::size_t(s)];
            if (scaled[std::size_t(l)] < 1) {
                large.pop_back();
                small.push_back(l);
            }
        }
        // What is left is 1 up to rounding: keep itself.
    }
    std::int32_t draw(FastRng& rng) const
    {
        const std::uint64_t r = rng.next();
        const auto column = std::uint32_t(((r >> 32) * std::uint64_t(keep.size())) >> 32);
        const float u = float((r >> 8) & 0xffffffu) * (1.0f / 16777216.0f);
        return u < keep[column] ? std::int32_t(column) : alias[column];
    }
};

std::vector<double> noiseWeights(const Corpus& corpus)
{
    std::vector<double> w(corpus.counts.size());
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = std::pow(double(corpus.counts[i]), 0.75);
    return w;
}

// One (context input row, centre word) pair with its noise words: word2vec's inner loop. `S` is the padded dimension
// when known at compile time (64 for 50-d vectors), Eigen::Dynamic otherwise; Eigen's maps vectorise the dot products
// (reductions the compiler may not reorder by itself). Returns the pair's loss.
template <int S>
inline float trainPair(float* inRow, FloatRows& out, std::int32_t centre, const AliasTable& noise, int negative,
                       float alpha, FastRng& rng, float* neu1eRow, int stride)
{
    using Row = Eigen::Matrix<float, S, 1>;
    const Tables& t = tables();
    Eigen::Map<Row, Eigen::Aligned64> in(inRow, stride), neu1e(neu1eRow, stride);
    neu1e.setZero();
    float loss = 0;
    for (int d = 0; d <= negative; ++d) {
        std::int32_t target;
        float label;
        if (d == 0) {
            target = centre;
            label = 1;
        } else {
            target = noise.draw(rng);
            if (target == centre) continue;
            label = 0;
        }
        Eigen::Map<Row, Eigen::Aligned64> o(out.row(target), stride);
        const float f = in.dot(o);
        // The loss of this output: -log sigma(f) for the true word, -log sigma(-f) for a noise word.
        const float z = label > 0 ? f : -f;
        float g;
        if (f > kMaxExp)
            g = label - 1;
        else if (f < -kMaxExp)
            g = label;
        else
            g = label - t.sigmoid[std::size_t(int((f + kMaxExp) * (kTableSize / kMaxExp / 2)))];
        if (z < -kMaxExp)
            loss += -z;
        else if (z <= kMaxExp) // beyond, -log sigma(z) < 0.0025
            loss += t.minusLogSigmoid[std::size_t(int((z + kMaxExp) * (kTableSize / kMaxExp / 2)))];
        g *= alpha;
        neu1e += g * o;
        o += g * in;
    }
    in += neu1e;
    return loss;
}

} // namespace

struct SkipGramTrainer::State {
    Corpus corpus; // a copy: the trainer outlives whatever the caller loaded it into
    SkipGramOptions options;
    FloatRows in, out;
    AliasTable noise;
    std::vector<float> keep; // sub-sampling: probability of keeping each word (>= 1: always)
    std::int64_t steps = 0;
    std::int64_t trainWords = 0;
    std::int64_t epochPairs = 0; // (word, context) pairs trained so far in this epoch
    double lastLoss = 0;         // shown for a slice that sub-sampling left without a pair

    State(const Corpus& c, const SkipGramOptions& o) : corpus(c), options(o), noise(noiseWeights(c)) {}

    struct Totals {
        double loss = 0;
        std::int64_t pairs = 0, words = 0;
    };
    template <int S> Totals runChunk(std::size_t begin, std::size_t end, std::int64_t epoch, FastRng& rng);
};

template <int S>
SkipGramTrainer::State::Totals SkipGramTrainer::State::runChunk(std::size_t begin, std::size_t end,
                                                                std::int64_t epoch, FastRng& rng)
{
    Totals totals;
    const auto& tokens = corpus.tokens;
    const int window = options.window, negative = options.negative, stride = in.stride();
    const double start = options.learningRate;
    const double allTokens = double(tokens.size()) * options.epochs;
    FloatRows neu1e(1, stride); // the pair's accumulated input gradient, aligned like the rows
    float* buffer = neu1e.row(0);
    std::int32_t sentence[kMaxSentence];
    std::size_t pos = begin;
    while (pos < end) {
        // The learning rate for this sentence, by where it stands in the whole run (word2vec updates it every 10k
        // words from the words done so far).
        const double progress = (double(epoch) * double(tokens.size()) + double(pos)) / allTokens;
        const float alpha = float(start * std::max(1e-4, 1 - progress));
        int len = 0;
        while (pos < end && len < kMaxSentence) {
            const std::int32_t w = tokens[pos++];
            if (w < 0) break;
            ++totals.words;
            const float k = keep[std::size_t(w)];
            if (k < 1 && k < rng.uniform()) continue;
            sentence[len++] = w;
        }
        for (int a = 0; a < len; ++a) {
            const int b = int(rng.below(std::uint32_t(window))); // window - b is in 1..window
            const int lo = std::max(0, a - (window - b)), hi = std::min(len - 1, a + (window - b));
            for (int c = lo; c <= hi; ++c) {
                if (c == a) continue;
                totals.loss += trainPair<S>(in.row(sentence[c]), out, sentence[a], noise, negative, alpha, rng,
                                            buffer, stride);
                ++totals.pairs;
            }
        }
    }
    return totals;
}

SkipGramTrainer::SkipGramTrainer(const Corpus& corpus, const SkipGramOptions& options)
    : s_(std::make_unique<State>(corpus, options))
{
    if (options.dimension < 1 || options.dimension > 4096)
        throw InputError("dimension " + std::to_string(options.dimension) + ": expected 1 to 4096");
    if (options.window < 1 || options.window > kMaxSentence)
        throw InputError("window " + std::to_string(options.window) + ": expected 1 to 1000");
    if (options.negative < 0 || options.negative > 100)
        throw InputError("negative samples " + std::to_string(options.negative) + ": expected 0 to 100");
    if (options.epochs < 1) throw InputError("epochs " + std::to_string(options.epochs) + ": expected at least 1");
    if (options.stepsPerEpoch < 1)
        throw InputError("steps per epoch " + std::to_string(options.stepsPerEpoch) + ": expected at least 1");
    if (!(options.learningRate > 0)) throw InputError("learning rate: must be positive");
    if (!(options.sample >= 0)) throw InputError("sample: must be >= 0");
    if (corpus.words.empty()) throw InputError(corpus.source + ": an empty vocabulary");

    State& s = *s_;
    const Index v = Index(corpus.words.size());
    const int dim = options.dimension;
    s.in = FloatRows(v, dim);
    s.out = FloatRows(v, dim);
    FastRng rng(FastRng::combine(options.seed, 0x2bu));
    for (Index i = 0; i < v; ++i)
        for (int k = 0; k < dim; ++k) s.in.row(i)[k] = (rng.uniform() - 0.5f) / float(dim);

    for (auto c : corpus.counts) s.trainWords += c;
    s.keep.assign(std::size_t(v), 2.0f);
    if (options.sample > 0) {
        const double tn = options.sample * double(s.trainWords);
        for (std::size_t i = 0; i < s.keep.size(); ++i) {
            const double c = double(corpus.counts[i]);
            s.keep[i] = float((std::sqrt(c / tn) + 1) * tn / c);
        }
    }
}

SkipGramTrainer::~SkipGramTrainer() = default;

StepMetrics SkipGramTrainer::step()
{
    State& s = *s_;
    const std::size_t n = s.corpus.tokens.size();
    const std::size_t per = std::size_t(s.options.stepsPerEpoch);
    const auto slice = std::size_t(s.steps % s.options.stepsPerEpoch);
    const std::int64_t epoch = s.steps / s.options.stepsPerEpoch;
    // Slice and chunk boundaries move forward to the next sentence end, so no sentence is cut in two (word2vec's
    // per-thread offsets cut one sentence per thread; on a small text that would leave no window at all). The same
    // position always snaps to the same place, so the chunks still cover the slices, and the slices the text, exactly.
    const auto& tokens = s.corpus.tokens;
    const auto snap = [&](std::size_t p) {
        while (p > 0 && p < n && tokens[p - 1] != Corpus::kSentenceEnd) ++p;
        return std::min(p, n);
    };
    const std::size_t begin = snap(n * slice / per), end = snap(n * (slice + 1) / per);
    // A fixed number of chunks (several per thread, claimed dynamically, so a descheduled thread holds up little).
    const int chunks = std::max(8, 4 * threadCount());
    std::atomic<double> loss{0.0};
    std::atomic<std::int64_t> pairs{0}, words{0};
    const std::int64_t stepIndex = s.steps;
    parallelFor(chunks, [&](std::int64_t cb, std::int64_t ce) {
        for (std::int64_t c = cb; c < ce; ++c) {
            const std::size_t lo = snap(begin + (end - begin) * std::size_t(c) / std::size_t(chunks));
            const std::size_t hi = std::min(end, snap(begin + (end - begin) * std::size_t(c + 1) / std::size_t(chunks)));
            FastRng rng(FastRng::combine(FastRng::combine(s.options.seed, std::uint64_t(stepIndex)), std::uint64_t(c)));
            const auto t = s.in.stride() == 64 ? s.runChunk<64>(lo, hi, epoch, rng) : s.runChunk<Eigen::Dynamic>(lo, hi, epoch, rng);
            loss.fetch_add(t.loss);
            pairs += t.pairs;
            words += t.words;
        }
    }, chunks);
    ++s.steps;
    s.epochPairs += pairs.load();
    if (slice + 1 == per) { // the end of an epoch
        if (s.epochPairs == 0)
            throw InputError("skip-gram: sub-sampling with t = " + shortNumber(s.options.sample) +
                             " left no word pairs in a whole epoch of " + std::to_string(n) +
                             " tokens; the text is too small for this t (raise the sub-sampling threshold, e.g. "
                             "--sample 1e-3, or train on a larger text)");
        s.epochPairs = 0;
    }
    if (pairs > 0) s.lastLoss = loss.load() / double(pairs.load());
    StepMetrics m;
    m.loss = s.lastLoss;
    m.examples = words.load();
    const double progress = std::min(1.0, double(s.steps) / double(totalSteps()));
    m.learningRate = s.options.learningRate * std::max(1e-4, 1 - progress);
    return m;
}

Index SkipGramTrainer::stepsPerEpoch() const { return s_->options.stepsPerEpoch; }
int SkipGramTrainer::epochs() const { return s_->options.epochs; }
const Corpus& SkipGramTrainer::corpus() const { return s_->corpus; }
WordVectors SkipGramTrainer::vectors() const { return toWordVectors(s_->corpus, s_->in, nullptr); }
VectorMatrix SkipGramTrainer::rows(const std::vector<Index>& words) const { return gatherRows(s_->in, nullptr, words); }

} // namespace unroll::vectors
