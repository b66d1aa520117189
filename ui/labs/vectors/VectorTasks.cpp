// The lab's training tasks; see VectorTasks.hpp.
#include "labs/vectors/VectorTasks.hpp"

#include "vectors/Operations.hpp"

#include <cmath>
#include <cstdio>

namespace unroll {

using namespace vectors;

TsneTask::TsneTask(Eigen::MatrixXd points, const TsneOptions& options)
    : points_(std::move(points)), options_(options)
{
}

TsneTask::~TsneTask() = default;

std::int64_t TsneTask::totalSteps() const
{
    return (options_.iterations + kIterationsPerStep - 1) / kIterationsPerStep;
}

StepMetrics TsneTask::step()
{
    if (!tsne_) tsne_ = std::make_unique<Tsne>(points_, options_); // the perplexity calibration, on this thread
    tsne_->step(kIterationsPerStep);
    ++steps_;
    // Exact t-SNE is O(N^2) anyway: its KL costs one more such pass. Barnes-Hut reports its cheap estimate.
    lastKl_ = options_.theta <= 0 ? tsne_->klDivergence() : tsne_->klEstimate();
    StepMetrics m;
    m.step = steps_;
    m.loss = lastKl_;
    m.examples = points_.rows();
    m.learningRate = options_.learningRate;
    return m;
}

TsneTask::Frame TsneTask::frame() const
{
    Frame f;
    if (!tsne_) return f;
    f.layout = tsne_->embedding();
    f.iteration = tsne_->iteration();
    f.kl = lastKl_;
    return f;
}

Eigen::MatrixXd alignedPca(const Eigen::MatrixXd& rows, const Eigen::MatrixXd& previous)
{
    if (rows.rows() < 2) return Eigen::MatrixXd::Zero(rows.rows(), 2);
    Eigen::MatrixXd xy = pca(rows, 2).coordinates;
    if (xy.cols() < 2) {
        Eigen::MatrixXd padded = Eigen::MatrixXd::Zero(xy.rows(), 2);
        padded.leftCols(xy.cols()) = xy;
        xy = padded;
    }
    if (previous.rows() == xy.rows() && previous.cols() == 2)
        for (int c = 0; c < 2; ++c)
            if (xy.col(c).dot(previous.col(c)) < 0) xy.col(c) *= -1;
    return xy;
}

EmbeddingTask::EmbeddingTask(std::shared_ptr<const Corpus> corpus, Settings settings)
    : corpus_(std::move(corpus)), settings_(std::move(settings))
{
}

EmbeddingTask::~EmbeddingTask() = default;

std::int64_t EmbeddingTask::totalSteps() const
{
    if (settings_.method == EmbeddingMethod::Glove)
        return settings_.glove.stepsPerEpoch * settings_.glove.epochs;
    return settings_.skipGram.stepsPerEpoch * settings_.skipGram.epochs;
}

StepMetrics EmbeddingTask::step()
{
    if (!trainer_) { // GloVe counts its co-occurrences here, on the training thread
        struct Counting : TrainingObserver {
            const std::atomic<bool>* cancel;
            bool stopRequested() override { return cancel->load(); }
        } counting;
        counting.cancel = &cancelCounting_;
        if (settings_.method == EmbeddingMethod::Glove)
            trainer_ = std::make_unique<GloveTrainer>(*corpus_, settings_.glove, &counting);
        else
            trainer_ = std::make_unique<SkipGramTrainer>(*corpus_, settings_.skipGram);
    }
    StepMetrics m = trainer_->step();
    ++steps_;
    m.step = steps_;
    return m;
}

EmbeddingTask::Frame EmbeddingTask::frame()
{
    Frame f;
    f.step = steps_;
    f.totalSteps = totalSteps();
    if (!trainer_ || settings_.shown.size() < 2) return f;
    const Eigen::MatrixXd rows = trainer_->rows(settings_.shown);
    if (settings_.tsne && rows.rows() > 4 && double(rows.rows()) > settings_.perplexity * 3) {
        TsneOptions o;
        o.perplexity = settings_.perplexity;
        o.seed = settings_.seed;
        if (layout_.rows() == rows.rows()) {
            // A warm start: no second early exaggeration, the final momentum, a few dozen iterations per frame.
            o.exaggerationIterations = 0;
            o.earlyExaggeration = 1;
            o.momentumSwitchIteration = 0;
            o.momentum = o.finalMomentum;
            o.iterations = 40;
            Tsne t(rows, o, layout_);
            t.step(o.iterations);
            layout_ = t.embedding();
        } else {
            o.iterations = 300;
            Tsne t(rows, o);
            t.step(o.iterations);
            layout_ = t.embedding();
        }
    } else {
        layout_ = alignedPca(rows, layout_);
    }
    f.layout = layout_;

    const auto now = std::chrono::steady_clock::now();
    const bool last = steps_ >= totalSteps();
    if (!settings_.probes.empty() && (last || now - lastProbes_ > std::chrono::milliseconds(1200))) {
        lastProbes_ = now;
        const WordVectors v = trainer_->vectors();
        for (Index p : settings_.probes) {
            if (p < 0 || p >= v.size()) continue;
            std::string line = v.word(p) + ":";
            const auto near = nearestNeighbors(v, Eigen::VectorXd(v.row(p).transpose()), 6, Metric::Cosine, {p});
            for (size_t k = 0; k < near.size(); ++k) {
                char score[32];
                std::snprintf(score, sizeof score, " %.2f", near[k].score);
                line += (k ? ", " : " ") + v.word(near[k].index) + score;
            }
            f.probeLines.push_back(line);
        }
        f.probesFresh = true;
    }
    return f;
}

WordVectors EmbeddingTask::vectors() const
{
    if (!trainer_) return {};
    return trainer_->vectors();
}

} // namespace unroll
