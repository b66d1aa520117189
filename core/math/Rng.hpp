// Rng: numpy's legacy RandomState (np.random.seed / rand / randn / randint / choice / shuffle) reproduced bit for bit,
// so seeded runs give the course notebooks' "expected output" numbers. Matched against numpy 1.24.2 (Debian 12) by
// tests/core/math/tst_rng.cpp (np.random.seed(1); randn(3) starts 1.6243453636632417).
//
// Leaves out: numpy's other distributions, the new Generator/PCG64 API, init_by_array seeding (array seeds) and
// get_state/set_state. Not thread-safe: one Rng per thread.
//
// Usage: `Rng rng(1); Eigen::MatrixXd W = rng.randn(n_a, n_x) * 0.01;` is `np.random.seed(1); np.random.randn(n_a, n_x) * 0.01`.
#pragma once

#include <Eigen/Core>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace unroll {

// The object represents one MT19937 stream plus numpy's cached second Box-Muller value (has_gauss / gauss). Every
// method draws exactly the 32-bit words numpy draws for the same call, in the same order, so calls may be mixed freely
// (a cached gaussian survives calls to other methods, as in numpy).
class Rng {
public:
    // ensures: the state equals np.random.seed(seed).
    explicit Rng(std::uint32_t seed = 0);

    // MT19937 init_genrand: mt[0] = s, mt[i] = 1812433253 * (mt[i-1] ^ (mt[i-1] >> 30)) + i (NOT init_by_array).
    // ensures: the cached gaussian is cleared, so the next randn() starts a fresh Box-Muller pair.
    void seed(std::uint32_t s);

    // One tempered MT19937 output word (numpy's next_uint32).
    std::uint32_t nextU32();

    // np.random.random_sample(): ((a >> 5) * 67108864 + (b >> 6)) / 9007199254740992 from two words; in [0, 1).
    double randomSample();

    // np.random.randn() (legacy gauss): polar Box-Muller; returns f * x2 and caches f * x1 for the next call.
    double randn();

    // np.random.randint(low, high) with the default int64 dtype: uniform in [low, high), numpy's masked rejection
    // sampling (32-bit words when high - low - 1 fits in 32 bits, else 64-bit words, high word first).
    // requires: low < high, else InputError. A one-value range [low, low + 1) draws nothing.
    std::int64_t randint(std::int64_t low, std::int64_t high);

    // np.random.choice(len(p), p=p) (legacy): cdf = cumsum(p); cdf /= cdf[-1]; u = random_sample();
    // returns searchsorted(cdf, u, side='right'), an index in [0, len(p)).
    // requires (as numpy): p non-empty, no NaN, no negative entry, and |sum(p) - 1| <= sqrt(DBL_EPSILON) ~ 1.5e-8
    // (numpy's Kahan sum), else InputError before anything is drawn. Within that tolerance the cdf normalisation
    // decides, exactly as in numpy.
    std::int64_t choice(std::span<const double> p);

    // np.random.shuffle(x) of a 1-D array, in place: for i = n-1 .. 1, j = random_interval(i), swap(x[i], x[j]).
    template <class T>
    void shuffle(std::span<T> items);

    // np.random.randn(rows, cols): (rows, cols), filled in numpy's row-major (C) order, so W(0, 1) is the 2nd draw.
    Eigen::MatrixXd randn(Eigen::Index rows, Eigen::Index cols);

    // n draws of randn() in order. For a 3-D numpy shape (a, b, c) the caller maps flat index (i * b + j) * c + k.
    std::vector<double> randnVector(std::size_t n);

    // out[0 .. n) = n draws of randn() in order.
    void fillRandn(double* out, std::size_t n);

private:
    static constexpr int kStateSize = 624;

    // numpy's next_uint64: two words, the first one is the high half.
    std::uint64_t nextU64();
    // numpy's random_interval(max): uniform in [0, max] by masked rejection (32-bit words when max fits).
    std::uint64_t randomInterval(std::uint64_t max);
    // Regenerates all 624 state words (MT19937 "generate").
    void twist();

    std::array<std::uint32_t, kStateSize> mt_{};
    int pos_ = kStateSize;
    bool hasGauss_ = false;
    double gauss_ = 0.0;
};

template <class T>
void Rng::shuffle(std::span<T> items)
{
    // numpy (mtrand.pyx, _shuffle_raw): for i in reversed(range(1, n)): j = random_interval(i); swap x[i], x[j].
    for (std::size_t i = items.size(); i-- > 1;) {
        const auto j = static_cast<std::size_t>(randomInterval(i));
        using std::swap;
        swap(items[i], items[j]);
    }
}

} // namespace unroll
