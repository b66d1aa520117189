// Rng: numpy 1.24 legacy RandomState, step for step. The sources followed are numpy/random/src/mt19937 (seed, gen,
// next32/next64/next_double), src/legacy/legacy-distributions.c (legacy_gauss), src/distributions/distributions.c
// (random_bounded_uint64_fill, random_interval) and mtrand.pyx (randint, choice, shuffle).
// Compiled with -ffp-contract=off: a fused x1*x1 + x2*x2 would change the last bit of some randn draws.
#include "math/Rng.hpp"

#include "util/Error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace unroll {

namespace {

// Smallest all-ones bit mask >= max (numpy's gen_mask).
std::uint64_t genMask(std::uint64_t max)
{
    std::uint64_t mask = max;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    mask |= mask >> 32;
    return mask;
}

// numpy's kahan_sum, used only for choice's "sums to 1" check (the cdf itself is a plain running sum).
double kahanSum(std::span<const double> p)
{
    double sum = p[0];
    double c = 0.0;
    for (std::size_t i = 1; i < p.size(); ++i) {
        const double y = p[i] - c;
        const double t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    return sum;
}

std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

} // namespace

Rng::Rng(std::uint32_t s)
{
    seed(s);
}

void Rng::seed(std::uint32_t s)
{
    // Knuth's initialiser from the MT reference code (init_genrand), as numpy's mt19937_seed.
    mt_[0] = s;
    for (int i = 1; i < kStateSize; ++i) {
        const std::uint32_t prev = mt_[i - 1];
        mt_[i] = 1812433253u * (prev ^ (prev >> 30)) + static_cast<std::uint32_t>(i);
    }
    pos_ = kStateSize;
    hasGauss_ = false;
    gauss_ = 0.0;
}

void Rng::twist()
{
    constexpr int n = kStateSize, m = 397;
    constexpr std::uint32_t upper = 0x80000000u, lower = 0x7fffffffu, matrixA = 0x9908b0dfu;
    auto mix = [&](std::uint32_t hi, std::uint32_t lo, std::uint32_t far) {
        const std::uint32_t y = (hi & upper) | (lo & lower);
        return far ^ (y >> 1) ^ ((y & 1u) ? matrixA : 0u);
    };
    int i = 0;
    for (; i < n - m; ++i) mt_[i] = mix(mt_[i], mt_[i + 1], mt_[i + m]);
    for (; i < n - 1; ++i) mt_[i] = mix(mt_[i], mt_[i + 1], mt_[i + m - n]);
    mt_[n - 1] = mix(mt_[n - 1], mt_[0], mt_[m - 1]);
    pos_ = 0;
}

std::uint32_t Rng::nextU32()
{
    if (pos_ == kStateSize) twist();
    std::uint32_t y = mt_[pos_++];
    // Tempering.
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= (y >> 18);
    return y;
}

std::uint64_t Rng::nextU64()
{
    const std::uint64_t hi = nextU32();
    return (hi << 32) | nextU32();
}

double Rng::randomSample()
{
    // 53 random bits: 27 from the first word, 26 from the second. Exact in double, so no rounding to match.
    const std::uint32_t a = nextU32() >> 5;
    const std::uint32_t b = nextU32() >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

double Rng::randn()
{
    if (hasGauss_) {
        hasGauss_ = false;
        const double cached = gauss_;
        gauss_ = 0.0;
        return cached;
    }
    double x1, x2, r2;
    do {
        x1 = 2.0 * randomSample() - 1.0;
        x2 = 2.0 * randomSample() - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    // Polar Box-Muller (Marsaglia); numpy evaluates -2 log(r2) / r2 in this order.
    const double f = std::sqrt(-2.0 * std::log(r2) / r2);
    gauss_ = f * x1;
    hasGauss_ = true;
    return f * x2;
}

std::int64_t Rng::randint(std::int64_t low, std::int64_t high)
{
    if (high <= low)
        throw InputError("randint: high " + std::to_string(high) + " must be greater than low " +
                         std::to_string(low) + " (the range [low, high) is empty)");
    // numpy works on the closed interval [low, high - 1]: rng = high - 1 - low, as unsigned so that the full int64
    // range does not overflow; the result wraps back into int64.
    const std::uint64_t off = static_cast<std::uint64_t>(low);
    const std::uint64_t rng = static_cast<std::uint64_t>(high) - off - 1u;
    std::uint64_t val;
    if (rng == 0) {
        val = 0; // a single value: nothing is drawn
    } else if (rng <= 0xffffffffu) {
        if (rng == 0xffffffffu) {
            val = nextU32();
        } else {
            // buffered_bounded_masked_uint32: the buffer is unused for 32-bit words, one fresh word per try.
            const std::uint32_t mask = static_cast<std::uint32_t>(genMask(rng));
            std::uint32_t v;
            while ((v = nextU32() & mask) > rng) {
            }
            val = v;
        }
    } else if (rng == std::numeric_limits<std::uint64_t>::max()) {
        val = nextU64(); // unreachable with an exclusive int64 high, kept to mirror numpy
    } else {
        const std::uint64_t mask = genMask(rng);
        while ((val = nextU64() & mask) > rng) {
        }
    }
    return static_cast<std::int64_t>(off + val);
}

std::uint64_t Rng::randomInterval(std::uint64_t max)
{
    if (max == 0) return 0;
    const std::uint64_t mask = genMask(max);
    std::uint64_t value;
    if (max <= 0xffffffffu) {
        while ((value = (nextU32() & mask)) > max) {
        }
    } else {
        while ((value = (nextU64() & mask)) > max) {
        }
    }
    return value;
}

std::int64_t Rng::choice(std::span<const double> p)
{
    // Checks in numpy's spirit (mtrand.pyx choice), all before anything is drawn.
    if (p.empty()) throw InputError("choice: the probability vector p is empty; it needs at least one entry");
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (std::isnan(p[i])) throw InputError("choice: probability p[" + std::to_string(i) + "] is NaN");
        if (p[i] < 0.0)
            throw InputError("choice: probability p[" + std::to_string(i) + "] = " + num(p[i]) +
                             " is negative; probabilities must be >= 0");
    }
    const double tolerance = std::sqrt(std::numeric_limits<double>::epsilon());
    const double sum = kahanSum(p);
    if (!(std::abs(sum - 1.0) <= tolerance))
        throw InputError("choice: probabilities sum to " + num(sum) + ", not 1 (numpy's tolerance is " +
                         num(tolerance) + ")");

    // cdf = cumsum(p) (a plain running sum, as np.cumsum); cdf /= cdf[-1]. searchsorted(cdf, u, 'right') on a
    // non-decreasing cdf is the first i with cdf[i] > u, so the cdf is recomputed on the fly instead of stored.
    double total = 0.0;
    for (double v : p) total += v;
    const double u = randomSample();
    double running = 0.0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        running += p[i];
        if (running / total > u) return static_cast<std::int64_t>(i);
    }
    return static_cast<std::int64_t>(p.size() - 1); // not reached: the last cdf entry is exactly 1 > u
}

void Rng::fillRandn(double* out, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) out[i] = randn();
}

std::vector<double> Rng::randnVector(std::size_t n)
{
    std::vector<double> v(n);
    fillRandn(v.data(), n);
    return v;
}

Eigen::MatrixXd Rng::randn(Eigen::Index rows, Eigen::Index cols)
{
    // numpy fills C order (the last axis fastest); draw into a row-major buffer, then convert to Eigen's column-major.
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rowMajor(rows, cols);
    fillRandn(rowMajor.data(), static_cast<std::size_t>(rowMajor.size()));
    return rowMajor;
}

} // namespace unroll
