// PCA and t-SNE (exact and Barnes-Hut); see Tsne.hpp.
//
// The t-SNE schedule is scikit-learn 1.2's (sklearn/manifold/_t_sne.py), so the two can be compared KL for KL:
// - input affinities from squared Euclidean distances; per point a binary search on the Gaussian precision beta
//   (start 1, doubling/halving until bracketed, then bisection; at most 100 steps; tolerance 1e-5 on the entropy in
//   nats), over all other points (exact) or over the k = min(N - 1, floor(3 perplexity + 1)) nearest neighbours
//   (Barnes-Hut: exact neighbours, from the vantage-point tree of detail/VpTree.hpp up to 10 dimensions and from the
//   blocked scan of detail/BlockKnn.hpp above, where the tree cannot prune); then P = (P_cond + P_cond^T) / sum.
//   The exact P is clipped below at DBL_EPSILON as scikit-learn's is.
// - gradient dC/dy_i = 4 sum_j (p_ij - q_ij) (1 + |y_i - y_j|^2)^-1 (y_i - y_j), P multiplied by the early
//   exaggeration during the first iterations;
// - gradient descent with momentum and per-coordinate gains (+0.2 when the gradient changes sign against the
//   update, x0.8 otherwise, at least 0.01). scikit-learn runs the two phases as two calls of _gradient_descent, so the
//   update and the gains start again from 0 and 1 when the exaggeration ends; we do the same at that iteration.
// - Barnes-Hut: repulsion through detail/QuadTree.hpp (grouped walk, at least as accurate as the per-point walk with
//   the same theta), attraction over the sparse P, both in parallel; every per-point sum runs in a fixed order and Z
//   is the sum of the per-point sums in point order, so a run is the same on any number of threads.
#include "vectors/Tsne.hpp"

#include "math/Rng.hpp"
#include "train/Observer.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"
#include "vectors/detail/BlockKnn.hpp"
#include "vectors/detail/QuadTree.hpp"
#include "vectors/detail/VpTree.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <limits>
#include <string>
#include <vector>

namespace unroll::vectors {

namespace {

// The exact method keeps P as a dense N x N matrix of doubles: 8 N^2 bytes (800 MB at 10,000 points).
constexpr Index kMaxExactPoints = 10000;
constexpr double kMachineEpsilon = DBL_EPSILON; // scikit-learn's MACHINE_EPSILON
constexpr double kPerplexityTolerance = 1e-5;
constexpr int kPerplexitySteps = 100;
constexpr double kMinGain = 0.01;
// Up to this many input dimensions the vantage-point tree finds the neighbours; above, a blocked scan does
// (detail/BlockKnn.hpp says why).
constexpr int kTreeMaxDimension = 10;

std::string str(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

void checkFinite(const Eigen::MatrixXd& m, const char* what)
{
    for (Index i = 0; i < m.rows(); ++i)
        for (Index j = 0; j < m.cols(); ++j)
            if (!std::isfinite(m(i, j)))
                throw InputError(std::string(what) + ": row " + std::to_string(i + 1) + ", column " +
                                 std::to_string(j + 1) + " is not a finite number");
}

// Conditional probabilities p_{j|i} of one point from its squared distances to `count` others, by scikit-learn's
// binary search on beta = 1 / (2 sigma^2) (_utils._binary_search_perplexity). Writes p[0 .. count).
void calibrateRow(const double* sqdist, Index count, double logPerplexity, double* p)
{
    double beta = 1.0, betaMin = -std::numeric_limits<double>::infinity(),
           betaMax = std::numeric_limits<double>::infinity();
    for (int step = 0; step < kPerplexitySteps; ++step) {
        double sumP = 0;
        for (Index j = 0; j < count; ++j) {
            p[j] = std::exp(-sqdist[j] * beta);
            sumP += p[j];
        }
        if (sumP == 0.0) sumP = 1e-8; // scikit-learn's EPSILON_DBL
        double sumDistP = 0;
        for (Index j = 0; j < count; ++j) {
            p[j] /= sumP;
            sumDistP += sqdist[j] * p[j];
        }
        const double entropyDiff = std::log(sumP) + beta * sumDistP - logPerplexity;
        if (std::fabs(entropyDiff) <= kPerplexityTolerance) break;
        if (entropyDiff > 0) {
            betaMin = beta;
            beta = betaMax == std::numeric_limits<double>::infinity() ? beta * 2.0 : (beta + betaMax) / 2.0;
        } else {
            betaMax = beta;
            beta = betaMin == -std::numeric_limits<double>::infinity() ? beta / 2.0 : (beta + betaMin) / 2.0;
        }
    }
}

using detail::squaredDistance;

// Runs body over [0, n) in blocks, reporting progress and checking for cancellation between blocks on this thread
// (the observer is never called from a pool thread).
void observedParallelFor(Index n, TrainingObserver* observer,
                         const std::function<void(std::int64_t, std::int64_t)>& body)
{
    const Index block = observer ? std::max<Index>(256, n / 50) : n;
    for (Index begin = 0; begin < n; begin += block) {
        if (observer && observer->stopRequested()) throw CancelledError();
        const Index end = std::min(n, begin + block);
        parallelFor(
            end - begin, [&](std::int64_t b, std::int64_t e) { body(begin + b, begin + e); }, 8);
        if (observer) observer->onProgress(end, n);
    }
    if (observer && observer->stopRequested()) throw CancelledError();
}

} // namespace

PcaResult pca(const Eigen::MatrixXd& points, int components)
{
    const Index n = points.rows(), d = points.cols();
    if (n < 2) throw InputError("PCA needs at least 2 points, got " + std::to_string(n));
    if (components < 1 || components > std::min(n, d))
        throw InputError("PCA of " + std::to_string(n) + " points of dimension " + std::to_string(d) + ": " +
                         std::to_string(components) + " components asked, at most " +
                         std::to_string(std::min(n, d)) + " possible");
    checkFinite(points, "PCA input");
    PcaResult r;
    r.mean = points.colwise().mean().transpose();
    const Eigen::MatrixXd centred = points.rowwise() - r.mean.transpose();
    // The principal axes are the eigenvectors of the d x d covariance; with more dimensions than points, the same
    // axes come from the n x n Gram matrix (X^T u / |X^T u| for its eigenvectors u), which is smaller.
    Eigen::VectorXd values;
    Eigen::MatrixXd axes(d, components);
    if (d <= n) {
        const Eigen::MatrixXd cov = (centred.transpose() * centred) / double(n - 1);
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(cov);
        values = es.eigenvalues().reverse();
        axes = es.eigenvectors().rowwise().reverse().leftCols(components);
    } else {
        const Eigen::MatrixXd gram = (centred * centred.transpose()) / double(n - 1);
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(gram);
        values = es.eigenvalues().reverse();
        const Eigen::MatrixXd u = es.eigenvectors().rowwise().reverse().leftCols(components);
        for (int c = 0; c < components; ++c) {
            Eigen::VectorXd a = centred.transpose() * u.col(c);
            const double norm = a.norm();
            axes.col(c) = norm > 0 ? Eigen::VectorXd(a / norm) : Eigen::VectorXd::Unit(d, std::min<Index>(c, d - 1));
        }
    }
    // Sign: the loading of largest magnitude is positive (the first one on a tie), so the result is reproducible
    // whatever the eigen solver's convention.
    for (int c = 0; c < components; ++c) {
        Index best = 0;
        for (Index k = 1; k < d; ++k)
            if (std::fabs(axes(k, c)) > std::fabs(axes(best, c))) best = k;
        if (axes(best, c) < 0) axes.col(c) = -axes.col(c);
    }
    const double total = std::max(0.0, values.sum());
    r.components = axes;
    r.coordinates = centred * axes;
    r.explainedVarianceRatio.resize(components);
    for (int c = 0; c < components; ++c)
        r.explainedVarianceRatio(c) = total > 0 ? std::max(0.0, values(c)) / total : 0.0;
    return r;
}

struct Tsne::State {
    TsneOptions o;
    Index n = 0;
    bool exact = false;
    double learningRate = 0;

    // P: dense (exact) or a symmetric sparse matrix in compressed rows (Barnes-Hut).
    std::vector<double> dense;
    std::vector<std::int64_t> rowStart;
    std::vector<std::int32_t> column;
    std::vector<double> value;
    double sumPLogP = 0; // sum of p log p over the stored entries (for the KL)
    double sumP = 0;

    std::vector<double> y, update, gains, grad; // 2N each, interleaved x0 y0 x1 y1 …
    std::vector<double> perPoint;               // per-point partial sums (Z, KL), summed in point order
    detail::QuadTree tree;
    Eigen::MatrixXd embedding;
    int iteration = 0;
    double lastZ = 0; // Z of the last gradient (0: none yet)

    void computeAffinities(const Eigen::MatrixXd& points, TrainingObserver* observer);
    void gradient(double exaggeration);
    double normalisation(std::vector<double>& rows) const; // exact Z, parallel; rows: per-point sums
    void syncEmbedding();
};

void Tsne::State::computeAffinities(const Eigen::MatrixXd& points, TrainingObserver* observer)
{
    const int dim = int(points.cols());
    // Row-major copy: each point's coordinates contiguous.
    std::vector<double> data(std::size_t(n) * std::size_t(dim));
    for (Index i = 0; i < n; ++i)
        for (int j = 0; j < dim; ++j) data[std::size_t(i) * std::size_t(dim) + std::size_t(j)] = points(i, j);
    const double logPerplexity = std::log(o.perplexity);

    if (exact) {
        dense.assign(std::size_t(n) * std::size_t(n), 0.0);
        observedParallelFor(n, observer, [&](std::int64_t begin, std::int64_t end) {
            std::vector<double> sq(static_cast<std::size_t>(n - 1)), p(std::size_t(n - 1));
            for (Index i = begin; i < end; ++i) {
                const double* xi = data.data() + std::size_t(i) * std::size_t(dim);
                Index k = 0;
                for (Index j = 0; j < n; ++j)
                    if (j != i) sq[std::size_t(k++)] = squaredDistance(xi, data.data() + std::size_t(j) * std::size_t(dim), dim);
                calibrateRow(sq.data(), n - 1, logPerplexity, p.data());
                double* row = dense.data() + std::size_t(i) * std::size_t(n);
                k = 0;
                for (Index j = 0; j < n; ++j)
                    if (j != i) row[j] = p[std::size_t(k++)];
            }
        });
        // Symmetrise in place (upper triangle against lower), then normalise and clip as scikit-learn does.
        double total = 0;
        for (Index i = 0; i < n; ++i)
            for (Index j = i + 1; j < n; ++j) {
                const double s = dense[std::size_t(i * n + j)] + dense[std::size_t(j * n + i)];
                dense[std::size_t(i * n + j)] = dense[std::size_t(j * n + i)] = s;
                total += 2 * s;
            }
        total = std::max(total, kMachineEpsilon);
        sumP = 0;
        sumPLogP = 0;
        for (Index i = 0; i < n; ++i)
            for (Index j = 0; j < n; ++j) {
                double& v = dense[std::size_t(i * n + j)];
                if (i == j) continue;
                v = std::max(v / total, kMachineEpsilon);
                sumP += v;
                sumPLogP += v * std::log(v);
            }
        return;
    }

    const int k = int(std::min<Index>(n - 1, Index(std::floor(3.0 * o.perplexity + 1.0))));
    std::vector<std::int32_t> nbr(std::size_t(n) * std::size_t(k));
    std::vector<double> cond(std::size_t(n) * std::size_t(k));
    std::vector<double> sqd(std::size_t(n) * std::size_t(k));
    if (dim <= kTreeMaxDimension) {
        detail::VpTree vp(data.data(), n, dim, o.seed);
        observedParallelFor(n, observer, [&](std::int64_t begin, std::int64_t end) {
            std::vector<detail::VpTree::Hit> hits(static_cast<std::size_t>(k));
            for (Index i = begin; i < end; ++i) {
                vp.search(std::int32_t(i), k, hits.data());
                for (int t = 0; t < k; ++t) {
                    nbr[std::size_t(i) * std::size_t(k) + std::size_t(t)] = hits[std::size_t(t)].index;
                    sqd[std::size_t(i) * std::size_t(k) + std::size_t(t)] =
                        hits[std::size_t(t)].distance * hits[std::size_t(t)].distance;
                }
            }
        });
    } else {
        const detail::BlockKnn scan(data.data(), n, dim);
        observedParallelFor(scan.blocks(), observer, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t b = begin; b < end; ++b) scan.searchBlock(b, k, nbr.data(), sqd.data());
        });
    }
    parallelFor(
        n,
        [&](std::int64_t begin, std::int64_t end) {
            for (Index i = begin; i < end; ++i)
                calibrateRow(sqd.data() + std::size_t(i) * std::size_t(k), k, logPerplexity,
                             cond.data() + std::size_t(i) * std::size_t(k));
        },
        8);
    // P + P^T in compressed rows: every (i, j, p) lands in row i and row j; each row is then sorted by column and
    // duplicates (j a neighbour of i and i of j) merged. Deterministic: no hashing, fixed order.
    std::vector<std::int64_t> counts(std::size_t(n) + 1, 0);
    for (Index i = 0; i < n; ++i)
        for (int t = 0; t < k; ++t) {
            ++counts[std::size_t(i) + 1];
            ++counts[std::size_t(nbr[std::size_t(i) * std::size_t(k) + std::size_t(t)]) + 1];
        }
    for (Index i = 0; i < n; ++i) counts[std::size_t(i) + 1] += counts[std::size_t(i)];
    std::vector<std::pair<std::int32_t, double>> entries(std::size_t(counts[std::size_t(n)]));
    std::vector<std::int64_t> fill(counts.begin(), counts.end() - 1);
    for (Index i = 0; i < n; ++i)
        for (int t = 0; t < k; ++t) {
            const std::int32_t j = nbr[std::size_t(i) * std::size_t(k) + std::size_t(t)];
            const double p = cond[std::size_t(i) * std::size_t(k) + std::size_t(t)];
            entries[std::size_t(fill[std::size_t(i)]++)] = {j, p};
            entries[std::size_t(fill[std::size_t(j)]++)] = {std::int32_t(i), p};
        }
    rowStart.assign(std::size_t(n) + 1, 0);
    column.clear();
    value.clear();
    double total = 0;
    for (Index i = 0; i < n; ++i) {
        auto* b = entries.data() + counts[std::size_t(i)];
        auto* e = entries.data() + counts[std::size_t(i) + 1];
        std::sort(b, e, [](const auto& x, const auto& y) { return x.first < y.first; });
        for (auto* it = b; it != e;) {
            const std::int32_t j = it->first;
            double s = 0;
            for (; it != e && it->first == j; ++it) s += it->second;
            column.push_back(j);
            value.push_back(s);
            total += s;
        }
        rowStart[std::size_t(i) + 1] = std::int64_t(column.size());
    }
    total = std::max(total, kMachineEpsilon);
    sumP = 0;
    sumPLogP = 0;
    for (double& v : value) {
        v /= total;
        sumP += v;
        if (v > 0) sumPLogP += v * std::log(v);
    }
}

double Tsne::State::normalisation(std::vector<double>& rows) const
{
    rows.resize(std::size_t(n));
    const double* yy = y.data();
    parallelFor(
        n,
        [&](std::int64_t begin, std::int64_t end) {
            for (Index i = begin; i < end; ++i) {
                const double xi = yy[2 * i], yi = yy[2 * i + 1];
                double z = 0;
                for (Index j = 0; j < n; ++j) {
                    const double dx = xi - yy[2 * j], dy = yi - yy[2 * j + 1];
                    z += 1.0 / (1.0 + dx * dx + dy * dy);
                }
                rows[std::size_t(i)] = z - 1.0; // j == i added 1
            }
        },
        8);
    double z = 0;
    for (double v : rows) z += v;
    return z;
}

void Tsne::State::gradient(double exaggeration)
{
    const double* yy = y.data();
    if (exact) {
        const double z = normalisation(perPoint);
        parallelFor(
            n,
            [&](std::int64_t begin, std::int64_t end) {
                for (Index i = begin; i < end; ++i) {
                    const double xi = yy[2 * i], yi = yy[2 * i + 1];
                    const double* prow = dense.data() + std::size_t(i) * std::size_t(n);
                    double gx = 0, gy = 0;
                    for (Index j = 0; j < n; ++j) {
                        if (j == i) continue;
                        const double dx = xi - yy[2 * j], dy = yi - yy[2 * j + 1];
                        const double num = 1.0 / (1.0 + dx * dx + dy * dy);
                        const double m = (exaggeration * prow[j] - num / z) * num;
                        gx += m * dx;
                        gy += m * dy;
                    }
                    grad[std::size_t(2 * i)] = 4.0 * gx;
                    grad[std::size_t(2 * i + 1)] = 4.0 * gy;
                }
            },
            8);
        lastZ = z;
        return;
    }

    tree.build(yy, std::int32_t(n));
    const double thetaSq = o.theta * o.theta;
    perPoint.resize(std::size_t(n));
    // Repulsion per group of nearby points (detail/QuadTree.hpp); the repulsive sum is kept in grad until Z is known.
    double* g = grad.data();
    double* zs = perPoint.data();
    parallelFor(
        tree.groups(),
        [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t k = begin; k < end; ++k) tree.groupRepulsion(std::int32_t(k), thetaSq, g, zs);
        },
        8);
    double z = 0;
    for (double v : perPoint) z += v;
    const double invZ = 1.0 / z;
    parallelFor(
        n,
        [&](std::int64_t begin, std::int64_t end) {
            for (Index i = begin; i < end; ++i) {
                const double xi = yy[2 * i], yi = yy[2 * i + 1];
                // Four partial sums in a fixed order (vector code without reordering), then the remainder.
                double lx[4] = {}, ly[4] = {};
                const std::int64_t e0 = rowStart[std::size_t(i)], e1 = rowStart[std::size_t(i) + 1];
                std::int64_t e = e0;
                for (; e + 4 <= e1; e += 4)
                    for (int l = 0; l < 4; ++l) {
                        const std::int32_t j = column[std::size_t(e + l)];
                        const double dx = xi - yy[2 * j], dy = yi - yy[2 * j + 1];
                        const double m = value[std::size_t(e + l)] / (1.0 + dx * dx + dy * dy);
                        lx[l] += m * dx;
                        ly[l] += m * dy;
                    }
                double ax = (lx[0] + lx[1]) + (lx[2] + lx[3]), ay = (ly[0] + ly[1]) + (ly[2] + ly[3]);
                for (; e < e1; ++e) {
                    const std::int32_t j = column[std::size_t(e)];
                    const double dx = xi - yy[2 * j], dy = yi - yy[2 * j + 1];
                    const double m = value[std::size_t(e)] / (1.0 + dx * dx + dy * dy);
                    ax += m * dx;
                    ay += m * dy;
                }
                grad[std::size_t(2 * i)] = 4.0 * (exaggeration * ax - grad[std::size_t(2 * i)] * invZ);
                grad[std::size_t(2 * i + 1)] = 4.0 * (exaggeration * ay - grad[std::size_t(2 * i + 1)] * invZ);
            }
        },
        8);
    lastZ = z;
}

void Tsne::State::syncEmbedding()
{
    embedding.resize(n, 2);
    for (Index i = 0; i < n; ++i) {
        embedding(i, 0) = y[std::size_t(2 * i)];
        embedding(i, 1) = y[std::size_t(2 * i + 1)];
    }
}

namespace {

void validate(const Eigen::MatrixXd& points, const TsneOptions& o)
{
    const Index n = points.rows();
    if (n < 4) throw InputError("t-SNE needs at least 4 points, got " + std::to_string(n));
    if (points.cols() < 1) throw InputError("t-SNE: the points have no coordinates");
    if (!(o.perplexity > 0) || !(o.perplexity < double(n)))
        throw InputError("t-SNE: perplexity " + str(o.perplexity) + " must be above 0 and below the number of points (" +
                         std::to_string(n) + ")");
    if (!(o.theta >= 0) || !std::isfinite(o.theta))
        throw InputError("t-SNE: theta " + str(o.theta) + " must be 0 (exact) or positive");
    if (o.theta == 0 && n > kMaxExactPoints)
        throw InputError("t-SNE: the exact method (theta 0) is limited to " + std::to_string(kMaxExactPoints) +
                         " points, got " + std::to_string(n) + "; use Barnes-Hut (theta > 0)");
    if (!std::isfinite(o.learningRate)) throw InputError("t-SNE: the learning rate is not a finite number");
    if (!(o.earlyExaggeration > 0) || !std::isfinite(o.earlyExaggeration))
        throw InputError("t-SNE: early exaggeration " + str(o.earlyExaggeration) + " must be positive");
    if (!(o.momentum >= 0 && o.momentum < 1) || !(o.finalMomentum >= 0 && o.finalMomentum < 1))
        throw InputError("t-SNE: momentum must be in [0, 1)");
    if (o.iterations < 0 || o.exaggerationIterations < 0 || o.momentumSwitchIteration < 0)
        throw InputError("t-SNE: iteration counts must not be negative");
    checkFinite(points, "t-SNE input");
}

} // namespace

Tsne::Tsne(const Eigen::MatrixXd& points, const TsneOptions& options, TrainingObserver* observer)
    : s_(std::make_unique<State>())
{
    validate(points, options);
    s_->o = options;
    s_->n = points.rows();
    s_->exact = options.theta == 0;
    s_->learningRate = options.learningRate > 0 ? options.learningRate
                                                : std::max(double(s_->n) / options.earlyExaggeration / 4.0, 50.0);
    s_->computeAffinities(points, observer);
    const Index n = s_->n;
    s_->y.resize(std::size_t(2 * n));
    if (options.pcaInit) {
        // scikit-learn: PCA coordinates divided by the standard deviation (ddof 0) of the first, times 1e-4.
        const PcaResult p = pca(points, 2);
        const Eigen::VectorXd c0 = p.coordinates.col(0);
        const double sd = std::sqrt((c0.array() - c0.mean()).square().mean());
        const double scale = sd > 0 ? 1e-4 / sd : 1.0;
        for (Index i = 0; i < n; ++i) {
            s_->y[std::size_t(2 * i)] = p.coordinates(i, 0) * scale;
            s_->y[std::size_t(2 * i + 1)] = p.coordinates(i, 1) * scale;
        }
    } else {
        // numpy's legacy RandomState, as scikit-learn's init='random' draws it: 1e-4 * standard_normal((N, 2)).
        Rng rng(std::uint32_t(options.seed ^ (options.seed >> 32)));
        for (double& v : s_->y) v = 1e-4 * rng.randn();
    }
    s_->update.assign(std::size_t(2 * n), 0.0);
    s_->gains.assign(std::size_t(2 * n), 1.0);
    s_->grad.assign(std::size_t(2 * n), 0.0);
    s_->syncEmbedding();
}

Tsne::Tsne(const Eigen::MatrixXd& points, const TsneOptions& options, const Eigen::MatrixXd& initialLayout,
           TrainingObserver* observer)
    : Tsne(points,
           [&] {
               // The layout is checked before the affinities are computed; the initialisation is skipped.
               if (initialLayout.rows() != points.rows() || initialLayout.cols() != 2)
                   throw InputError("t-SNE: the initial layout is " + std::to_string(initialLayout.rows()) + " x " +
                                    std::to_string(initialLayout.cols()) + ", expected " +
                                    std::to_string(points.rows()) + " x 2");
               checkFinite(initialLayout, "t-SNE initial layout");
               TsneOptions o = options;
               o.pcaInit = false;
               return o;
           }(),
           observer)
{
    s_->o.pcaInit = options.pcaInit;
    for (Index i = 0; i < s_->n; ++i) {
        s_->y[std::size_t(2 * i)] = initialLayout(i, 0);
        s_->y[std::size_t(2 * i + 1)] = initialLayout(i, 1);
    }
    s_->syncEmbedding();
}

Tsne::~Tsne() = default;
Tsne::Tsne(Tsne&&) noexcept = default;
Tsne& Tsne::operator=(Tsne&&) noexcept = default;

void Tsne::step(int iterations)
{
    State& s = *s_;
    const std::size_t m = s.y.size();
    for (int k = 0; k < iterations && s.iteration < s.o.iterations; ++k) {
        const int t = s.iteration;
        if (t == s.o.exaggerationIterations && t > 0) {
            std::fill(s.update.begin(), s.update.end(), 0.0);
            std::fill(s.gains.begin(), s.gains.end(), 1.0);
        }
        const double exaggeration = t < s.o.exaggerationIterations ? s.o.earlyExaggeration : 1.0;
        const double momentum = t < s.o.momentumSwitchIteration ? s.o.momentum : s.o.finalMomentum;
        s.gradient(exaggeration);
        const double lr = s.learningRate;
        for (std::size_t c = 0; c < m; ++c) {
            const double g = s.grad[c];
            double gain = s.gains[c];
            gain = (s.update[c] * g < 0.0) ? gain + 0.2 : gain * 0.8;
            gain = std::max(gain, kMinGain);
            s.gains[c] = gain;
            s.update[c] = momentum * s.update[c] - lr * gain * g;
            s.y[c] += s.update[c];
        }
        ++s.iteration;
    }
    s.syncEmbedding();
}

int Tsne::iteration() const { return s_->iteration; }
bool Tsne::finished() const { return s_->iteration >= s_->o.iterations; }
const Eigen::MatrixXd& Tsne::embedding() const { return s_->embedding; }
const TsneOptions& Tsne::options() const { return s_->o; }

double Tsne::klDivergence() const
{
    const State& s = *s_;
    std::vector<double> rows;
    const double z = s.normalisation(rows);
    const double logZ = std::log(z);
    const Index n = s.n;
    const double* yy = s.y.data();
    // KL = sum p log(p / q) with q = num / Z: sum p log p - sum p log num + log Z sum p.
    // scikit-learn clips q below at DBL_EPSILON; with q = num / Z that changes nothing at the sizes t-SNE runs on.
    parallelFor(
        n,
        [&](std::int64_t begin, std::int64_t end) {
            for (Index i = begin; i < end; ++i) {
                const double xi = yy[2 * i], yi = yy[2 * i + 1];
                double acc = 0;
                if (s.exact) {
                    const double* prow = s.dense.data() + std::size_t(i) * std::size_t(n);
                    for (Index j = 0; j < n; ++j) {
                        if (j == i) continue;
                        const double dx = xi - yy[2 * j], dy = yi - yy[2 * j + 1];
                        acc += prow[j] * std::log1p(dx * dx + dy * dy); // -p log num
                    }
                } else {
                    for (std::int64_t e = s.rowStart[std::size_t(i)]; e < s.rowStart[std::size_t(i) + 1]; ++e) {
                        const std::int32_t j = s.column[std::size_t(e)];
                        const double dx = xi - yy[2 * j], dy = yi - yy[2 * j + 1];
                        acc += s.value[std::size_t(e)] * std::log1p(dx * dx + dy * dy);
                    }
                }
                rows[std::size_t(i)] = acc;
            }
        },
        8);
    double minusPLogNum = 0;
    for (Index i = 0; i < n; ++i) minusPLogNum += rows[std::size_t(i)];
    return s.sumPLogP + minusPLogNum + logZ * s.sumP;
}

double Tsne::klEstimate() const
{
    const State& s = *s_;
    if (s.exact || s.lastZ <= 0) return klDivergence();
    // The same sum over the sparse P with the last gradient's (Barnes-Hut) Z instead of the exact one: O(nnz).
    const double* yy = s.y.data();
    double acc = 0;
    for (Index i = 0; i < s.n; ++i) {
        const double xi = yy[2 * i], yi = yy[2 * i + 1];
        for (std::int64_t e = s.rowStart[std::size_t(i)]; e < s.rowStart[std::size_t(i) + 1]; ++e) {
            const std::int32_t j = s.column[std::size_t(e)];
            const double dx = xi - yy[2 * j], dy = yi - yy[2 * j + 1];
            acc += s.value[std::size_t(e)] * std::log1p(dx * dx + dy * dy);
        }
    }
    return s.sumPLogP + acc + std::log(s.lastZ) * s.sumP;
}

Eigen::MatrixXd runTsne(const Eigen::MatrixXd& points, const TsneOptions& options, double* kl,
                        TrainingObserver* observer)
{
    Tsne t(points, options, observer);
    while (!t.finished()) {
        if (observer && observer->stopRequested()) throw CancelledError();
        t.step(1);
        if (observer) observer->onProgress(t.iteration(), options.iterations);
    }
    if (kl) *kl = t.klDivergence();
    return t.embedding();
}

} // namespace unroll::vectors
