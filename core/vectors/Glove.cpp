// GloVe (Pennington, Socher & Manning 2014) as the authors' reference tool does it, in three phases:
//   1. count: X_ij = sum over the occurrences of j within `window` words of i (same sentence) of 1/distance,
//      symmetric (cooccur.c with -symmetric 1);
//   2. shuffle the non-zero entries once (shuffle.c);
//   3. fit w_i . w~_j + b_i + b~_j = log X_ij by weighted least squares, f(x) = min(1, (x / x_max)^alpha), with AdaGrad
//      (initial squared-gradient sums 1, learning rate 0.05) over the shuffled entries each epoch (glove.c); the
//      threads take slices of the entries and update the shared parameters without locks (Hogwild), as glove.c does.
// The vectors are W + W~ (glove.c's -model 2).
//
// Counting runs in parallel by rows: partition p of P owns the rows i with i % P == p and keeps them in its own
// open-addressing hash table; every partition scans the whole text (cheap) but updates only its rows, so no table is
// shared and none needs merging. Parameters are floats in rows padded to 16 floats (EmbeddingTrainingInternal.hpp).
#include "vectors/EmbeddingTrainingInternal.hpp"

#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <Eigen/Core>

#include <atomic>
#include <bit>
#include <cmath>
#include <thread>

namespace unroll::vectors {

using namespace detail_training;

namespace {

// Open addressing with linear probing; key (i << 32 | j), value the weighted count.
class PairTable {
public:
    PairTable() { rehash(1 << 12); }
    void add(std::uint32_t i, std::uint32_t j, double x)
    {
        const std::uint64_t key = (std::uint64_t(i) << 32) | j;
        std::size_t h = slotOf(key);
        while (true) {
            Slot& s = slots_[h];
            if (s.key == key) {
                s.value += x;
                return;
            }
            if (s.key == kEmpty) {
                s.key = key;
                s.value = x;
                if (++size_ * 2 > slots_.size()) rehash(slots_.size() * 2);
                return;
            }
            h = (h + 1) & mask_;
        }
    }
    std::size_t size() const { return size_; }
    template <class F> void forEach(F&& f) const
    {
        for (const Slot& s : slots_)
            if (s.key != kEmpty) f(std::uint32_t(s.key >> 32), std::uint32_t(s.key & 0xffffffffu), s.value);
    }

private:
    static constexpr std::uint64_t kEmpty = ~std::uint64_t(0);
    struct Slot {
        std::uint64_t key = kEmpty;
        double value = 0;
    };
    std::size_t slotOf(std::uint64_t key) const { return std::size_t((key * 0x9e3779b97f4a7c15ull) >> shift_); }
    void rehash(std::size_t capacity)
    {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(capacity, Slot{});
        mask_ = capacity - 1;
        shift_ = 64 - std::countr_zero(capacity);
        for (const Slot& s : old) {
            if (s.key == kEmpty) continue;
            std::size_t h = slotOf(s.key);
            while (slots_[h].key != kEmpty) h = (h + 1) & mask_;
            slots_[h] = s;
        }
    }
    std::vector<Slot> slots_;
    std::size_t size_ = 0, mask_ = 0;
    int shift_ = 0;
};

struct Entry {
    std::int32_t i, j;
    float logX;   // log X_ij
    float weight; // f(X_ij)
};

} // namespace

struct GloveTrainer::State {
    Corpus corpus; // a copy: the trainer outlives whatever the caller loaded it into
    GloveOptions options;
    std::vector<Entry> entries;
    FloatRows w, wt, gw, gwt; // W, W~ and their AdaGrad squared-gradient sums
    std::vector<float> b, bt, gb, gbt;
    std::int64_t steps = 0;

    State(const Corpus& c, const GloveOptions& o) : corpus(c), options(o) {}
    void count(TrainingObserver* observer);
    double train(std::size_t begin, std::size_t end);
};

void GloveTrainer::State::count(TrainingObserver* observer)
{
    const auto& tokens = corpus.tokens;
    const int window = options.window;
    const int parts = std::max(1, threadCount());
    std::vector<PairTable> tables(static_cast<std::size_t>(parts));
    // The observer is called on the calling thread only; the workers see its answer through `stop`.
    const auto caller = std::this_thread::get_id();
    std::atomic<bool> stop{false};
    std::atomic<std::int64_t> done{0};
    const std::int64_t total = std::int64_t(tokens.size()) * parts;
    constexpr std::int64_t kBlock = 1 << 18;

    parallelFor(parts, [&](std::int64_t pb, std::int64_t pe) {
        for (std::int64_t p = pb; p < pe; ++p) {
            PairTable& table = tables[std::size_t(p)];
            const std::int64_t n = std::int64_t(tokens.size());
            for (std::int64_t block = 0; block < n; block += kBlock) {
                if (std::this_thread::get_id() == caller && observer) {
                    if (observer->stopRequested()) stop = true;
                    observer->onProgress(done.load(), total);
                }
                if (stop.load(std::memory_order_relaxed)) throw CancelledError();
                const std::int64_t blockEnd = std::min(n, block + kBlock);
                for (std::int64_t k = block; k < blockEnd; ++k) {
                    const std::int32_t b2 = tokens[std::size_t(k)];
                    if (b2 < 0) continue;
                    // Pairs (earlier word, this word) at distance d, stopping at a sentence end.
                    for (int d = 1; d <= window && k - d >= 0; ++d) {
                        const std::int32_t a2 = tokens[std::size_t(k - d)];
                        if (a2 < 0) break;
                        const double x = 1.0 / d;
                        if (a2 % parts == p) table.add(std::uint32_t(a2), std::uint32_t(b2), x);
                        if (b2 % parts == p) table.add(std::uint32_t(b2), std::uint32_t(a2), x);
                    }
                }
                done += blockEnd - block;
            }
        }
    });

    double xMax = options.xMax;
    if (xMax <= 0) xMax = corpus.rawTokens >= 100000000 ? 100 : 10;
    std::size_t count = 0;
    for (const auto& t : tables) count += t.size();
    entries.reserve(count);
    for (auto& t : tables) {
        t.forEach([&](std::uint32_t i, std::uint32_t j, double x) {
            const double f = x < xMax ? std::pow(x / xMax, options.alpha) : 1.0;
            entries.push_back({std::int32_t(i), std::int32_t(j), float(std::log(x)), float(f)});
        });
        t = PairTable(); // free as we go
    }
    if (entries.empty())
        throw InputError(corpus.source + ": no two words occur together within a window of " +
                         std::to_string(window) + " (every sentence is a single word)");
    // Shuffled once, as shuffle.c does; every epoch then visits the entries in this order.
    FastRng rng(FastRng::combine(options.seed, 0x5fu));
    for (std::size_t k = entries.size() - 1; k > 0; --k) {
        const std::size_t r = k < 0xffffffffu ? rng.below(std::uint32_t(k + 1))
                                              : std::size_t(rng.next() % (std::uint64_t(k) + 1));
        std::swap(entries[k], entries[r]);
    }
    if (observer) observer->onProgress(total, total);
}

namespace {

// One AdaGrad update of the entry (i, j); returns its cost 1/2 f (w.w~ + b + b~ - log x)^2. `S` is the padded
// dimension when known at compile time (64 for 50-d vectors), Eigen::Dynamic otherwise. Eigen's maps vectorise the dot
// product (a reduction the compiler may not reorder by itself) and the square roots.
template <int S>
inline double updatePair(float* wi, float* wj, float* gi, float* gj, float& bi, float& bj, float& gbi, float& gbj,
                         const Entry& e, float eta, int stride)
{
    using Row = Eigen::Array<float, S, 1>;
    Eigen::Map<Row, Eigen::Aligned64> Wi(wi, stride), Wj(wj, stride), Gi(gi, stride), Gj(gj, stride);
    const float diff = Wi.matrix().dot(Wj.matrix()) + bi + bj - e.logX;
    const float fdiff = e.weight * diff;
    const double cost = 0.5 * double(fdiff) * double(diff);
    const float g = eta * fdiff;
    const Row t1 = g * Wj, t2 = g * Wi;
    Wi -= t1 / Gi.sqrt();
    Wj -= t2 / Gj.sqrt();
    Gi += t1.square();
    Gj += t2.square();
    bi -= g / std::sqrt(gbi);
    bj -= g / std::sqrt(gbj);
    gbi += g * g;
    gbj += g * g;
    return cost;
}

} // namespace

double GloveTrainer::State::train(std::size_t begin, std::size_t end)
{
    const float eta = float(options.learningRate);
    const int stride = w.stride();
    std::atomic<double> cost{0.0};
    parallelFor(std::int64_t(end - begin), [&](std::int64_t lo, std::int64_t hi) {
        double local = 0;
        for (std::int64_t k = lo; k < hi; ++k) {
            const Entry& e = entries[begin + std::size_t(k)];
            float *wi = w.row(e.i), *wj = wt.row(e.j), *gi = gw.row(e.i), *gj = gwt.row(e.j);
            auto& bi = b[std::size_t(e.i)];
            auto& bj = bt[std::size_t(e.j)];
            auto& gbi = gb[std::size_t(e.i)];
            auto& gbj = gbt[std::size_t(e.j)];
            local += stride == 64 ? updatePair<64>(wi, wj, gi, gj, bi, bj, gbi, gbj, e, eta, stride)
                                  : updatePair<Eigen::Dynamic>(wi, wj, gi, gj, bi, bj, gbi, gbj, e, eta, stride);
        }
        cost.fetch_add(local);
    });
    return cost.load();
}

GloveTrainer::GloveTrainer(const Corpus& corpus, const GloveOptions& options, TrainingObserver* countingObserver)
    : s_(std::make_unique<State>(corpus, options))
{
    if (options.dimension < 1 || options.dimension > 4096)
        throw InputError("dimension " + std::to_string(options.dimension) + ": expected 1 to 4096");
    if (options.window < 1 || options.window > 1000)
        throw InputError("window " + std::to_string(options.window) + ": expected 1 to 1000");
    if (options.epochs < 1) throw InputError("epochs " + std::to_string(options.epochs) + ": expected at least 1");
    if (options.stepsPerEpoch < 1)
        throw InputError("steps per epoch " + std::to_string(options.stepsPerEpoch) + ": expected at least 1");
    if (!(options.learningRate > 0)) throw InputError("learning rate: must be positive");
    if (!(options.alpha > 0)) throw InputError("alpha: must be positive");
    if (corpus.words.empty()) throw InputError(corpus.source + ": an empty vocabulary");

    s_->count(countingObserver);

    // glove.c: W, W~ and the biases uniform in [-0.5, 0.5] / dimension; squared-gradient sums 1 (so the first step
    // is a plain gradient step). The padding columns stay zero in W and 1 in the sums.
    const Index v = Index(corpus.words.size());
    const int dim = options.dimension;
    State& s = *s_;
    s.w = FloatRows(v, dim);
    s.wt = FloatRows(v, dim);
    s.gw = FloatRows(v, dim);
    s.gwt = FloatRows(v, dim);
    FastRng rng(FastRng::combine(options.seed, 0x1au));
    for (FloatRows* m : {&s.w, &s.wt})
        for (Index i = 0; i < v; ++i)
            for (int k = 0; k < dim; ++k) m->row(i)[k] = (rng.uniform() - 0.5f) / float(dim);
    for (FloatRows* m : {&s.gw, &s.gwt})
        for (Index i = 0; i < v; ++i) std::fill_n(m->row(i), m->stride(), 1.0f);
    s.b.resize(std::size_t(v));
    s.bt.resize(std::size_t(v));
    for (auto* bias : {&s.b, &s.bt})
        for (auto& x : *bias) x = (rng.uniform() - 0.5f) / float(dim);
    s.gb.assign(std::size_t(v), 1.0f);
    s.gbt.assign(std::size_t(v), 1.0f);
}

GloveTrainer::~GloveTrainer() = default;

StepMetrics GloveTrainer::step()
{
    State& s = *s_;
    const std::size_t n = s.entries.size();
    const auto slice = std::size_t(s.steps % s.options.stepsPerEpoch);
    const std::size_t per = std::size_t(s.options.stepsPerEpoch);
    const std::size_t begin = n * slice / per, end = n * (slice + 1) / per;
    const double cost = s.train(begin, end);
    ++s.steps;
    StepMetrics m;
    m.loss = end > begin ? cost / double(end - begin) : 0.0;
    m.examples = std::int64_t(end - begin);
    m.learningRate = s.options.learningRate;
    return m;
}

Index GloveTrainer::stepsPerEpoch() const { return s_->options.stepsPerEpoch; }
int GloveTrainer::epochs() const { return s_->options.epochs; }
const Corpus& GloveTrainer::corpus() const { return s_->corpus; }
Index GloveTrainer::cooccurrenceEntries() const { return Index(s_->entries.size()); }
WordVectors GloveTrainer::vectors() const { return toWordVectors(s_->corpus, s_->w, &s_->wt); }
VectorMatrix GloveTrainer::rows(const std::vector<Index>& words) const { return gatherRows(s_->w, &s_->wt, words); }

} // namespace unroll::vectors
