// Training word vectors on a text: GloVe (Pennington et al. 2014) and skip-gram with negative sampling (Mikolov et al.
// 2013), both as training tasks so the CLI and the GUI drive them with runTraining like every other lab.
//
//   Corpus c = loadCorpus("text.txt", {.minCount = 5});
//   GloveTrainer t(c, {.dimension = 50, .epochs = 15});  // counts co-occurrences here (parallel)
//   runTraining(t, observer, {.steps = t.totalSteps()});
//   saveGloveText(t.vectors(), "vectors.txt");
//
// A step is a slice of an epoch (stepsPerEpoch() slices per epoch), so a view refreshes many times per epoch; its
// StepMetrics carry the slice's mean loss, `examples` = the tokens (SGNS) or co-occurrence entries (GloVe) it
// consumed, and the learning rate. Work inside a step is split over the thread pool lock-free, as the reference
// implementations do (Hogwild updates of shared vectors), so results with more than one thread are not bit-identical
// run to run; with --threads 1 they are.
#pragma once

#include "train/Observer.hpp"
#include "vectors/WordVectors.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace unroll::vectors {

// Tokens: maximal runs of non-white-space bytes (ASCII space, tab, \r, \n, \f, \v); a line break ends a sentence
// (windows do not cross it). Bytes are kept; lowercase folds ASCII letters only.
struct CorpusOptions {
    Index minCount = 5;          // rarer words are dropped from the text
    Index maxVocabulary = 0;     // > 0: only the most frequent words
    bool lowercase = true;
    std::uint64_t maxBytes = 2ull << 30;
    TrainingObserver* observer = nullptr; // progress (bytes) and cancellation (CancelledError)
};

struct Corpus {
    std::string source;
    std::vector<std::string> words;   // by descending count (ties by first appearance)
    std::vector<std::int64_t> counts; // per word
    std::vector<std::int32_t> tokens; // the text as word ids, rare words removed; kSentenceEnd between sentences
    std::int64_t rawTokens = 0;       // before removing rare words
    static constexpr std::int32_t kSentenceEnd = -1;
};

Corpus loadCorpus(const std::filesystem::path& path, const CorpusOptions& options = {});
Corpus corpusFromText(std::string_view text, const std::string& sourceName, const CorpusOptions& options = {});

// What the GUI and CLI see of either trainer.
class EmbeddingTrainer : public TrainingTask {
public:
    virtual Index stepsPerEpoch() const = 0;
    Index totalSteps() const { return stepsPerEpoch() * epochs(); }
    virtual int epochs() const = 0;
    virtual const Corpus& corpus() const = 0;
    // The vectors as they are now (GloVe: W + W~; SGNS: the input vectors), all words or the given rows.
    virtual WordVectors vectors() const = 0;
    virtual VectorMatrix rows(const std::vector<Index>& words) const = 0;
};

struct GloveOptions {
    int dimension = 50;
    int window = 10;             // symmetric, each pair weighted 1/distance
    double xMax = 0;             // <= 0: 100 for corpora of 1e8 tokens or more, else 10 (as GloVe's demo)
    double alpha = 0.75;
    double learningRate = 0.05;  // AdaGrad
    int epochs = 15;
    std::uint64_t seed = 1;
    Index stepsPerEpoch = 20;
};

class GloveTrainer : public EmbeddingTrainer {
public:
    GloveTrainer(const Corpus& corpus, const GloveOptions& options, TrainingObserver* countingObserver = nullptr);
    ~GloveTrainer() override;
    StepMetrics step() override;
    Index stepsPerEpoch() const override;
    int epochs() const override;
    const Corpus& corpus() const override;
    WordVectors vectors() const override;
    VectorMatrix rows(const std::vector<Index>& words) const override;
    Index cooccurrenceEntries() const; // non-zero X_ij

private:
    struct State;
    std::unique_ptr<State> s_;
};

struct SkipGramOptions {
    int dimension = 50;
    int window = 5;              // the window of each word is drawn uniformly from 1..window
    int negative = 5;            // noise words per positive pair, from the unigram^0.75 table
    double sample = 1e-5;        // sub-sampling threshold t of frequent words
    double learningRate = 0.025; // decays linearly to learningRate * 1e-4 over the run
    int epochs = 5;
    std::uint64_t seed = 1;
    Index stepsPerEpoch = 50;
};

class SkipGramTrainer : public EmbeddingTrainer {
public:
    SkipGramTrainer(const Corpus& corpus, const SkipGramOptions& options);
    ~SkipGramTrainer() override;
    StepMetrics step() override;
    Index stepsPerEpoch() const override;
    int epochs() const override;
    const Corpus& corpus() const override;
    WordVectors vectors() const override;
    VectorMatrix rows(const std::vector<Index>& words) const override;

private:
    struct State;
    std::unique_ptr<State> s_;
};

} // namespace unroll::vectors
