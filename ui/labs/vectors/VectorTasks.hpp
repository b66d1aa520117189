// The word-vectors lab's two training tasks, both run by TrainingLab's worker:
//   TsneTask       a t-SNE of the words shown, a few iterations per step; its loss is the KL divergence, so the
//                  curve shows the layout settling; frame() copies the layout.
//   EmbeddingTask  GloVe or skip-gram training on a corpus; frame() re-projects the words shown from the trainer's
//                  current rows (PCA every frame, or t-SNE warm-started from the previous frame's layout) and lists a
//                  few probe words' nearest neighbours.
//
//   auto task = std::make_shared<TsneTask>(points, TsneOptions{.perplexity = 30, .seed = 7});
//   TrainingRun{task, task->stepsDone(), task->totalSteps() - task->stepsDone(), [t = task.get()] { … t->frame() … }}
//
// Threads: everything heavy (the perplexity calibration, GloVe's co-occurrence counting) happens in the first step(),
// on the training thread, never in the constructor, which the GUI thread calls. step() and frame() run on the
// training thread; stepsDone(), totalSteps() and vectors() only with no run going (TrainingLab's rule).
#pragma once

#include "train/Observer.hpp"
#include "vectors/EmbeddingTraining.hpp"
#include "vectors/Tsne.hpp"

#include <Eigen/Core>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace unroll {

class TsneTask : public TrainingTask {
public:
    static constexpr int kIterationsPerStep = 5;
    TsneTask(Eigen::MatrixXd points, const vectors::TsneOptions& options);
    ~TsneTask() override;
    StepMetrics step() override;

    struct Frame {
        Eigen::MatrixXd layout; // (N, 2); empty before the first step
        int iteration = 0;
        double kl = 0;
    };
    Frame frame() const;
    std::int64_t stepsDone() const { return steps_; }
    std::int64_t totalSteps() const;
    const vectors::TsneOptions& options() const { return options_; }

private:
    Eigen::MatrixXd points_;
    vectors::TsneOptions options_;
    std::unique_ptr<vectors::Tsne> tsne_;
    std::int64_t steps_ = 0;
    double lastKl_ = 0;
};

enum class EmbeddingMethod { Glove, SkipGram };

class EmbeddingTask : public TrainingTask {
public:
    struct Settings {
        EmbeddingMethod method = EmbeddingMethod::Glove;
        vectors::GloveOptions glove;
        vectors::SkipGramOptions skipGram;
        std::vector<vectors::Index> shown;  // corpus word ids projected in each frame
        std::vector<vectors::Index> probes; // corpus word ids whose neighbours each frame lists (every second or so)
        bool tsne = false;                  // project by t-SNE (warm-started) instead of PCA
        double perplexity = 30;
        std::uint64_t seed = 1;
    };
    EmbeddingTask(std::shared_ptr<const vectors::Corpus> corpus, Settings settings);
    ~EmbeddingTask() override;
    StepMetrics step() override;

    struct Frame {
        Eigen::MatrixXd layout;       // (shown, 2)
        std::vector<std::string> probeLines; // "king: queen 0.71, prince 0.69, …"
        bool probesFresh = false;
        std::int64_t step = 0, totalSteps = 0;
    };
    Frame frame(); // training thread: updates the warm-start layout it keeps
    std::int64_t stepsDone() const { return steps_; }
    std::int64_t totalSteps() const;
    bool started() const { return bool(trainer_); }
    vectors::WordVectors vectors() const; // the trained vectors (no run going); empty before the first step
    // Any thread: stops GloVe's co-occurrence counting in the first step (CancelledError), which may take long on a
    // big corpus and would otherwise hold up a stop until it ends. No effect once training has started.
    void cancelCounting() { cancelCounting_.store(true); }
    const Settings& settings() const { return settings_; }

private:
    std::shared_ptr<const vectors::Corpus> corpus_;
    Settings settings_;
    std::unique_ptr<vectors::EmbeddingTrainer> trainer_;
    std::int64_t steps_ = 0;
    Eigen::MatrixXd layout_; // the previous frame's, for sign alignment (PCA) and the warm start (t-SNE)
    std::chrono::steady_clock::time_point lastProbes_{};
    std::atomic<bool> cancelCounting_{false};
};

// The PCA layout of `rows` with each axis' sign chosen to agree with `previous` (same rows), so a layout refreshed
// every frame does not flip back and forth.
Eigen::MatrixXd alignedPca(const Eigen::MatrixXd& rows, const Eigen::MatrixXd& previous);

} // namespace unroll
