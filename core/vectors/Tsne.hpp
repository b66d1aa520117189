// Two-dimensional maps of vectors: PCA and t-SNE (van der Maaten & Hinton 2008), exact or Barnes-Hut (van der Maaten
// 2014), stepped so a view can animate it.
//
//   PcaResult p = pca(points, 2);                 // p.coordinates (N, 2), p.explainedVarianceRatio
//   Tsne t(points, {.perplexity = 30, .theta = 0.5, .seed = 7});   // input affinities computed here
//   while (!t.finished()) { t.step(10); show(t.embedding()); }
//   double kl = t.klDivergence();                 // exact KL(P || Q) of the current layout
//
// Points are rows. Input similarities come from Euclidean distances between the rows as given. Defaults follow
// scikit-learn 1.2's TSNE (the reference in scripts/bench/): perplexity 30, early exaggeration 12 for 250 iterations,
// learning rate 'auto' = max(N / early exaggeration / 4, 50), momentum 0.5 then 0.8 from iteration 250, gains with
// min gain 0.01, PCA initialisation scaled to a standard deviation of 1e-4, 1000 iterations. theta = 0: exact
// O(N^2) gradient; theta > 0: Barnes-Hut over the 3*perplexity nearest neighbours (found exactly: a vantage-point
// tree in up to 10 input dimensions, a blocked product scan above, where the tree cannot prune) and a quad-tree for
// the repulsive forces. The gradient runs on the thread pool. Same seed and options: the same result on any number
// of threads.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <memory>

namespace unroll {
class TrainingObserver;
}

namespace unroll::vectors {

struct PcaResult {
    Eigen::MatrixXd coordinates;            // (N, k)
    Eigen::MatrixXd components;             // (d, k), unit columns, sign fixed (largest |loading| positive)
    Eigen::VectorXd mean;                   // (d)
    Eigen::VectorXd explainedVarianceRatio; // (k)
};
PcaResult pca(const Eigen::MatrixXd& points, int components = 2);

struct TsneOptions {
    double perplexity = 30;
    double theta = 0.5;         // 0: exact
    double learningRate = 0;    // <= 0: 'auto'
    double earlyExaggeration = 12;
    int exaggerationIterations = 250;
    double momentum = 0.5;
    double finalMomentum = 0.8;
    int momentumSwitchIteration = 250;
    int iterations = 1000;
    std::uint64_t seed = 0;
    bool pcaInit = true;        // false: Gaussian initialisation with standard deviation 1e-4 from the seed
};

class Tsne {
public:
    // Computes the input affinities P (perplexity calibration); observer: progress of that phase and cancellation
    // (CancelledError). InputError when there are fewer than 4 points or the perplexity is not below N.
    Tsne(const Eigen::MatrixXd& points, const TsneOptions& options, TrainingObserver* observer = nullptr);
    // Start from a given layout (N, 2) instead of the initialisation (a warm start between snapshots).
    Tsne(const Eigen::MatrixXd& points, const TsneOptions& options, const Eigen::MatrixXd& initialLayout,
         TrainingObserver* observer = nullptr);
    ~Tsne();
    Tsne(Tsne&&) noexcept;
    Tsne& operator=(Tsne&&) noexcept;

    void step(int iterations = 1); // up to options.iterations in all
    int iteration() const;
    bool finished() const;
    const Eigen::MatrixXd& embedding() const; // (N, 2)
    double klDivergence() const;              // exact KL(P || Q), O(N^2)
    double klEstimate() const;                // cheap estimate from the last gradient (Barnes-Hut), for live plots
    const TsneOptions& options() const;

private:
    struct State;
    std::unique_ptr<State> s_;
};

// The whole run at once (the CLI): steps to the end, observer for progress (iterations) and cancellation.
Eigen::MatrixXd runTsne(const Eigen::MatrixXd& points, const TsneOptions& options, double* kl = nullptr,
                        TrainingObserver* observer = nullptr);

} // namespace unroll::vectors
