// The course's operations on word vectors; see Operations.hpp.
//
// Scans (nearest neighbours, analogies) read the table's NeighborIndex: unit rows as floats and each row's norm. One
// block of rows times a (dimension, m) matrix of query columns gives m dot products per word; a rule turns them into a
// float score, and a small heap per thread keeps the best few. Those candidates (the k wanted plus a margin) are then
// rescored in double from the table's own values with the plain formulas, so the scores returned are the exact ones
// (numpy's to ~1e-15) and the float scan only has to rank well enough to keep the true top k among its candidates.
#include "vectors/Operations.hpp"

#include "util/Error.hpp"
#include "util/Threads.hpp"
#include "vectors/NeighborIndex.hpp"

#include <Eigen/Eigenvalues>

#if defined(__F16C__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define UNROLL_HALF_SCAN 1
#endif

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>

namespace unroll::vectors {

namespace {

constexpr int kRescoreMargin = 16; // float candidates kept beyond the k wanted
constexpr Index kBlockRows = 2048;  // rows per matrix-vector product in a scan

// A total order on candidates: higher score first, then lower row (the course's loop keeps the first maximum).
bool better(const Scored& x, const Scored& y) { return x.score > y.score || (x.score == y.score && x.index < y.index); }

struct FloatCandidate {
    float score;
    Index index;
};
bool betterF(const FloatCandidate& x, const FloatCandidate& y)
{
    return x.score > y.score || (x.score == y.score && x.index < y.index);
}

// The `keep` best candidates offered to it, skipping the rows in `exclude`: a min-heap under betterF whose front is the
// worst kept, so most offers cost one comparison. One per thread of a scan; `into` merges them under a lock.
class TopCandidates {
public:
    TopCandidates(int keep, const std::vector<Index>& exclude) : keep_(std::size_t(keep)), exclude_(exclude)
    {
        heap_.reserve(keep_ + 1);
    }
    void offer(const FloatCandidate& c)
    {
        if (heap_.size() == keep_ && !betterF(c, heap_.front())) return;
        if (std::find(exclude_.begin(), exclude_.end(), c.index) != exclude_.end()) return;
        heap_.push_back(c);
        std::push_heap(heap_.begin(), heap_.end(), betterF);
        if (heap_.size() > keep_) {
            std::pop_heap(heap_.begin(), heap_.end(), betterF);
            heap_.pop_back();
        }
    }
    void into(std::vector<FloatCandidate>& merged, std::mutex& mutex) const
    {
        std::lock_guard lock(mutex);
        merged.insert(merged.end(), heap_.begin(), heap_.end());
    }

private:
    std::size_t keep_;
    const std::vector<Index>& exclude_;
    std::vector<FloatCandidate> heap_;
};

// The `keep` best of the threads' candidates, best first.
std::vector<FloatCandidate> bestOf(std::vector<FloatCandidate> merged, int keep)
{
    std::sort(merged.begin(), merged.end(), betterF);
    if (merged.size() > std::size_t(keep)) merged.resize(std::size_t(keep));
    return merged;
}

// The `keep` best rows by score(dots of row i with the m columns of Q, i), skipping `exclude`.
template <class ScoreFn>
std::vector<FloatCandidate> scanTop(const NeighborIndex& ix, const Eigen::MatrixXf& Q, int keep,
                                    const std::vector<Index>& exclude, const ScoreFn& score)
{
    const Index n = ix.unit.rows();
    std::vector<FloatCandidate> merged;
    if (n == 0 || keep <= 0) return merged;
    std::mutex mutex;
    const Index blocks = (n + kBlockRows - 1) / kBlockRows;
    parallelFor(
        blocks,
        [&](std::int64_t b0, std::int64_t b1) {
            TopCandidates top(keep, exclude);
            Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> R(kBlockRows, Q.cols());
            for (std::int64_t b = b0; b < b1; ++b) {
                const Index r0 = b * kBlockRows, rows = std::min(kBlockRows, n - r0);
                R.topRows(rows).noalias() = ix.unit.middleRows(r0, rows) * Q;
                for (Index i = 0; i < rows; ++i) {
                    float s = score(R.row(i).data(), r0 + i);
                    if (!(s == s)) s = -std::numeric_limits<float>::infinity(); // NaN ranks last
                    top.offer({s, r0 + i});
                }
            }
            top.into(merged, mutex);
        },
        4);
    return bestOf(std::move(merged), keep);
}

#ifdef UNROLL_HALF_SCAN
// The `keep` rows of largest unit_w . q from the half-precision copy (q unit, padded to halfStride), skipping exclude.
std::vector<FloatCandidate> scanTopHalf(const NeighborIndex& ix, const std::vector<float>& q, int keep,
                                        const std::vector<Index>& exclude)
{
    const Index n = ix.unit.rows();
    const int stride = ix.halfStride;
    std::vector<FloatCandidate> merged;
    std::mutex mutex;
    const Index blocks = (n + kBlockRows - 1) / kBlockRows;
    parallelFor(
        blocks,
        [&](std::int64_t b0, std::int64_t b1) {
            TopCandidates top(keep, exclude);
            const Index r1 = std::min(n, b1 * kBlockRows);
            for (Index r = b0 * kBlockRows; r < r1; ++r) {
                const std::uint16_t* row = ix.half.data() + std::size_t(r) * std::size_t(stride);
                __m256 acc = _mm256_setzero_ps();
                for (int j = 0; j < stride; j += 8) {
                    const __m256 x = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + j)));
                    acc = _mm256_fmadd_ps(x, _mm256_loadu_ps(q.data() + j), acc);
                }
                const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
                const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
                const float s = _mm_cvtss_f32(_mm_add_ss(s2, _mm_movehdup_ps(s2)));
                top.offer({s, r});
            }
            top.into(merged, mutex);
        },
        4);
    return bestOf(std::move(merged), keep);
}
#endif

// The k best rows by cosine with the direction `t` (exact scores, rescored in double by `exact`). From the half copy
// when there is one: a word left out of its `keep` candidates has an approximate cosine at most the worst kept one's,
// so an exact cosine at most that plus the error bound; when the k-th exact score beats that, nothing left out can
// rank above it and the answer is exact. Otherwise (near-ties at the boundary) the float scan decides.
template <class ExactFn>
std::vector<Scored> cosineTop(const NeighborIndex& ix, const Eigen::VectorXd& t, int k,
                              const std::vector<Index>& exclude, const ExactFn& exact)
{
    const double tn = std::sqrt(t.squaredNorm());
    const Eigen::VectorXd unitT = tn > 0 ? Eigen::VectorXd(t / tn) : t;
#ifdef UNROLL_HALF_SCAN
    if (!ix.half.empty()) {
        const int keep = k + 4 * kRescoreMargin;
        std::vector<float> q(std::size_t(ix.halfStride), 0.0f);
        for (Eigen::Index j = 0; j < unitT.size(); ++j) q[std::size_t(j)] = float(unitT[j]);
        const auto candidates = scanTopHalf(ix, q, keep, exclude);
        auto out = rescore(candidates, k, exact);
        // Half rounding: |sum (h_i - u_i) q_i| <= 2^-11 sum |u_i q_i| <= 2^-11; float products and sums add < 1e-5.
        constexpr double bound = 1.0 / 2048 + 1e-5;
        if (candidates.size() < std::size_t(keep) ||
            (out.size() == std::size_t(k) && out.back().score > double(candidates.back().score) + bound))
            return out;
    }
#endif
    const Eigen::MatrixXf Q = unitT.cast<float>();
    const auto candidates =
        scanTop(ix, Q, k + kRescoreMargin, exclude, [](const float* dots, Index) { return dots[0]; });
    return rescore(candidates, k, exact);
}

// Rescores candidates in double (higher is better) and returns the best `k`, best first.
template <class ExactFn>
std::vector<Scored> rescore(const std::vector<FloatCandidate>& candidates, int k, const ExactFn& exact)
{
    std::vector<Scored> out;
    out.reserve(candidates.size());
    for (const auto& c : candidates) out.push_back({c.index, exact(c.index)});
    std::sort(out.begin(), out.end(), better);
    if (out.size() > std::size_t(k)) out.resize(std::size_t(k));
    return out;
}

void checkDimension(const WordVectors& v, const Eigen::VectorXd& x, const char* what)
{
    if (x.size() != v.dimension())
        throw InputError(std::string(what) + " has " + std::to_string(x.size()) + " values; the vectors have " +
                         std::to_string(v.dimension()));
}

double norm(const Eigen::VectorXd& x) { return std::sqrt(x.squaredNorm()); }

} // namespace

NeighborIndex buildNeighborIndex(const VectorMatrix& values)
{
    NeighborIndex ix;
    const Index n = values.rows();
    ix.unit.resize(n, values.cols());
    prepareLargeWrite(ix.unit.data(), std::size_t(ix.unit.size()) * sizeof(float));
    ix.norms.resize(n);
    ix.squaredNorms.resize(n);
    parallelFor(n, [&](std::int64_t r0, std::int64_t r1) {
        for (Index r = r0; r < r1; ++r) {
            const double sq = values.row(r).squaredNorm();
            const double nr = std::sqrt(sq);
            ix.norms[r] = float(nr);
            ix.squaredNorms[r] = float(sq);
            if (nr > 0)
                ix.unit.row(r) = (values.row(r) / nr).cast<float>();
            else
                ix.unit.row(r).setZero();
        }
    });
#ifdef UNROLL_HALF_SCAN
    const int dim = int(values.cols());
    ix.halfStride = (dim + 7) / 8 * 8;
    ix.half.reserve(std::size_t(n) * std::size_t(ix.halfStride));
    prepareLargeWrite(ix.half.data(), ix.half.capacity() * sizeof(std::uint16_t));
    ix.half.resize(std::size_t(n) * std::size_t(ix.halfStride));
    parallelFor(n, [&](std::int64_t r0, std::int64_t r1) {
        float buf[8];
        for (Index r = r0; r < r1; ++r) {
            std::uint16_t* out = ix.half.data() + std::size_t(r) * std::size_t(ix.halfStride);
            for (int j = 0; j < ix.halfStride; j += 8) {
                for (int i = 0; i < 8; ++i) buf[i] = j + i < dim ? ix.unit(r, j + i) : 0.0f;
                const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(buf), _MM_FROUND_TO_NEAREST_INT);
                _mm_storeu_si128(reinterpret_cast<__m128i*>(out + j), h);
            }
        }
    });
#endif
    return ix;
}

double cosineSimilarity(const Eigen::VectorXd& u, const Eigen::VectorXd& v)
{
    if (u.size() != v.size())
        throw InputError("cosine of vectors of " + std::to_string(u.size()) + " and " + std::to_string(v.size()) +
                         " values");
    // As the course computes it: dot / (sqrt(sum(u*u)) * sqrt(sum(v*v))). A zero vector has no direction: 0.
    const double d = norm(u) * norm(v);
    return d == 0 ? 0.0 : u.dot(v) / d;
}

std::vector<Scored> nearestNeighbors(const WordVectors& v, const Eigen::VectorXd& query, int k, Metric metric,
                                     const std::vector<Index>& exclude)
{
    checkDimension(v, query, "the query");
    if (k < 1) throw InputError("k = " + std::to_string(k) + ": expected at least 1 neighbour");
    const NeighborIndex& ix = v.neighborIndex();
    const int keep = k + kRescoreMargin;
    const VectorMatrix& values = v.values();
    if (metric == Metric::Cosine)
        return cosineTop(ix, query, k, exclude,
                         [&](Index w) { return cosineSimilarity(values.row(w).transpose(), query); });
    // Euclidean: |e_w - q|^2 = |e_w|^2 - 2 |e_w| (u_w . q) + |q|^2, smallest first; the scan maximises the part that
    // depends on w, 2 |e_w| (u_w . q) - |e_w|^2.
    const Eigen::MatrixXf Q = query.cast<float>();
    const auto candidates = scanTop(ix, Q, keep, exclude, [&](const float* dots, Index w) {
        return 2 * ix.norms[w] * dots[0] - ix.squaredNorms[w];
    });
    auto out = rescore(candidates, k, [&](Index w) { return -(values.row(w).transpose() - query).norm(); });
    for (auto& s : out) s.score = -s.score;
    return out;
}

std::vector<Scored> analogy(const WordVectors& v, std::string_view a, std::string_view b, std::string_view c, int top,
                            AnalogyRule rule)
{
    if (top < 1) throw InputError("top = " + std::to_string(top) + ": expected at least 1 candidate");
    const Index ia = v.indexOf(a), ib = v.indexOf(b), ic = v.indexOf(c);
    const std::vector<Index> skip{ia, ib, ic};
    const NeighborIndex& ix = v.neighborIndex();
    const VectorMatrix& values = v.values();
    const int keep = top + kRescoreMargin;
    const Eigen::VectorXd ea = values.row(ia).transpose(), eb = values.row(ib).transpose(),
                          ec = values.row(ic).transpose();
    switch (rule) {
    case AnalogyRule::Course: {
        // cos(d, e_w - e_c) with d = e_b - e_a
        //   = (d.e_w - d.e_c) / (|d| sqrt(|e_w|^2 - 2 e_w.e_c + |e_c|^2)),  e_w.x = |e_w| (u_w . x):
        // two dot products per word, with d and with e_c.
        const Eigen::VectorXd d = eb - ea;
        const double dn = norm(d), dec = d.dot(ec), ecSq = ec.squaredNorm();
        Eigen::MatrixXf Q(v.dimension(), 2);
        Q.col(0) = d.cast<float>();
        Q.col(1) = ec.cast<float>();
        const auto candidates = scanTop(ix, Q, keep, skip, [&](const float* dots, Index w) -> float {
            if (dn == 0) return 0.0f; // a = b: no direction, every cosine is 0 (as the course's cosine of a zero vector)
            const float r = ix.norms[w];
            const float sq = ix.squaredNorms[w] - 2 * r * dots[1] + float(ecSq);
            if (sq <= 1e-6f * (ix.squaredNorms[w] + float(ecSq))) return 0.0f; // e_w = e_c up to rounding
            return (r * dots[0] - float(dec)) / (float(dn) * std::sqrt(sq));
        });
        return rescore(candidates, top,
                       [&](Index w) { return cosineSimilarity(d, values.row(w).transpose() - ec); });
    }
    case AnalogyRule::CosAdd: {
        // cos(e_w, t) with t = b^ - a^ + c^ (unit vectors): one dot product per word.
        const auto unit = [](const Eigen::VectorXd& x) {
            const double n = x.norm();
            return n > 0 ? Eigen::VectorXd(x / n) : x;
        };
        const Eigen::VectorXd t = unit(eb) - unit(ea) + unit(ec);
        return cosineTop(ix, t, top, skip, [&](Index w) { return cosineSimilarity(values.row(w).transpose(), t); });
    }
    case AnalogyRule::CosMul: {
        // cos'(w,b) cos'(w,c) / (cos'(w,a) + 1e-3) with cos' = (cos + 1) / 2 (Levy & Goldberg 2014, section 4's
        // shift of cosines to [0, 1] and epsilon = 0.001): three dot products per word.
        Eigen::MatrixXf Q(v.dimension(), 3);
        const auto unitF = [](const Eigen::VectorXd& x) {
            const double n = x.norm();
            return (n > 0 ? Eigen::VectorXd(x / n) : x).cast<float>().eval();
        };
        Q.col(0) = unitF(ea);
        Q.col(1) = unitF(eb);
        Q.col(2) = unitF(ec);
        const auto candidates = scanTop(ix, Q, keep, skip, [](const float* dots, Index) {
            return (dots[1] + 1) * 0.5f * (dots[2] + 1) * 0.5f / ((dots[0] + 1) * 0.5f + 1e-3f);
        });
        return rescore(candidates, top, [&](Index w) {
            const Eigen::VectorXd ew = values.row(w).transpose();
            const auto shifted = [&](const Eigen::VectorXd& x) { return (cosineSimilarity(ew, x) + 1) / 2; };
            return shifted(eb) * shifted(ec) / (shifted(ea) + 1e-3);
        });
    }
    }
    throw InputError("unknown analogy rule");
}

Eigen::VectorXd pairDirection(const WordVectors& v, std::string_view a, std::string_view b)
{
    return v.vector(a) - v.vector(b);
}

Eigen::VectorXd principalDirection(const WordVectors& v, const std::vector<std::pair<std::string, std::string>>& pairs)
{
    if (pairs.empty()) throw InputError("a bias direction from pairs needs at least one pair");
    // Bolukbasi et al. (2016, section 5) centre each pair on its mean and take the first principal component of the
    // centred vectors {(e_a - e_b)/2, (e_b - e_a)/2}: their mean is zero, so that is the top eigenvector of
    // sum_i d_i d_i^T over the differences d_i = e_a - e_b.
    const int dim = v.dimension();
    Eigen::MatrixXd scatter = Eigen::MatrixXd::Zero(dim, dim);
    Eigen::VectorXd first;
    for (const auto& [a, b] : pairs) {
        const Eigen::VectorXd d = pairDirection(v, a, b);
        if (first.size() == 0) first = d;
        scatter.selfadjointView<Eigen::Lower>().rankUpdate(d);
    }
    scatter = scatter.selfadjointView<Eigen::Lower>();
    if (scatter.norm() == 0) throw InputError("every pair's two words have the same vector: no bias direction");
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(scatter);
    Eigen::VectorXd g = eig.eigenvectors().col(dim - 1); // eigenvalues ascend
    if (g.dot(first) < 0) g = -g;
    return g;
}

Eigen::VectorXd neutralize(const Eigen::VectorXd& e, const Eigen::VectorXd& g)
{
    if (e.size() != g.size())
        throw InputError("neutralize: a vector of " + std::to_string(e.size()) + " values and a direction of " +
                         std::to_string(g.size()));
    const double gg = g.squaredNorm();
    if (gg == 0) throw InputError("neutralize: the bias direction is zero");
    // e_bias = (e.g / |g|^2) g; e_debiased = e - e_bias
    return e - (e.dot(g) / gg) * g;
}

std::pair<Eigen::VectorXd, Eigen::VectorXd> equalize(const Eigen::VectorXd& e1, const Eigen::VectorXd& e2,
                                                     const Eigen::VectorXd& g, EqualizeRule rule)
{
    if (e1.size() != g.size() || e2.size() != g.size())
        throw InputError("equalize: vectors of " + std::to_string(e1.size()) + " and " + std::to_string(e2.size()) +
                         " values and a direction of " + std::to_string(g.size()));
    const double gg = g.squaredNorm();
    if (gg == 0) throw InputError("equalize: the bias direction is zero");
    const auto onG = [&](const Eigen::VectorXd& x) -> Eigen::VectorXd { return (x.dot(g) / gg) * g; };
    if (rule == EqualizeRule::Course) {
        // The course's notebook:
        //   mu = (e_w1 + e_w2) / 2;  mu_B = (mu.g / |g|^2) g;  mu_orth = mu - mu_B
        //   e_wiB = (e_wi.g / |g|^2) g
        //   corrected_e_wiB = sqrt(|1 - |mu_orth|^2|) (e_wiB - mu_B) / |(e_wi - mu_orth) - mu_B|   (a vector norm)
        //   e_i = corrected_e_wiB + mu_orth
        const Eigen::VectorXd mu = (e1 + e2) / 2;
        const Eigen::VectorXd muB = onG(mu);
        const Eigen::VectorXd muOrth = mu - muB;
        const double scale = std::sqrt(std::abs(1 - muOrth.squaredNorm()));
        const auto corrected = [&](const Eigen::VectorXd& e) -> Eigen::VectorXd {
            const double den = norm((e - muOrth) - muB);
            if (den == 0) throw InputError("equalize: a word's vector equals the pair's mean");
            return scale * (onG(e) - muB) / den + muOrth;
        };
        return {corrected(e1), corrected(e2)};
    }
    // Bolukbasi et al. 2016 (section 5, "equalize"), on unit vectors and the unit direction B:
    //   mu = (w1 + w2) / 2;  nu = mu - mu_B;  w_i = nu + sqrt(1 - |nu|^2) (w_iB - mu_B) / |w_iB - mu_B|
    const auto unit = [](const Eigen::VectorXd& x) -> Eigen::VectorXd {
        const double n = norm(x);
        if (n == 0) throw InputError("equalize: a word's vector is zero");
        return x / n;
    };
    const Eigen::VectorXd w1 = unit(e1), w2 = unit(e2);
    const Eigen::VectorXd mu = (w1 + w2) / 2;
    const Eigen::VectorXd muB = onG(mu);
    const Eigen::VectorXd nu = mu - muB;
    const double scale = std::sqrt(std::max(0.0, 1 - nu.squaredNorm()));
    const auto moved = [&](const Eigen::VectorXd& w) -> Eigen::VectorXd {
        const Eigen::VectorXd off = onG(w) - muB;
        const double n = norm(off);
        if (n == 0) throw InputError("equalize: the two words project equally on the bias direction");
        return nu + scale * off / n;
    };
    return {moved(w1), moved(w2)};
}

} // namespace unroll::vectors
