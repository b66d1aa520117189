// The jazz lab's model, training and improvisation: the course's "Improvise a Jazz Solo with an LSTM Network"
// (djmodel, music_inference_model) over the root-relative melody tokens of jazz/Tokens.hpp.
//
//   JazzCorpus corpus = loadCorpus(builtInCorpusFiles());
//   JazzTask task(corpus, {.seed = 1});
//   runTraining(task, observer, {.steps = task.options().epochs});     // one step = one epoch
//   Improvisation solo = improvise(task.model(), corpus.vocab, parseProgression("F7 Bb7 F7 F7"), {.notes = 50});
//
// The model (course §3.2, 41,678 parameters for 78 tokens at n_a = 64): one-hot token x<t> -> LSTM(n_a) -> Dense
// softmax over the tokens, the toolkit's SequenceModel; optionally more layers. Training data as the course's
// data_processing: `windows` windows of T_x consecutive tokens at seeded random starts in the concatenated corpus;
// x<1> is the zero vector and x<t+1> = y<t> (the targets shifted right), every window starts from a = c = 0. Loss: the
// categorical cross-entropy summed over the T_x outputs, averaged over the batch (Keras' loss of a T_x-output model).
// Adam (0.01, betas 0.9 / 0.999) in batches of 32 from a seeded shuffle each epoch, with Keras' time-based decay
// applied per epoch: lr = 0.01 / (1 + 0.01 * epoch).
// Inference (music_inference_model): from x<1> = 0 and zero state, each step's softmax is sampled (argmax at
// temperature 0, the course's choice) and the token fed back as the next one-hot input, until the requested number of
// sounded notes; at most `maxRests` rests in a row (then rests are left out of the draw) so it always ends.
#pragma once

#include "jazz/Tokens.hpp"
#include "nn/SequenceModel.hpp"
#include "train/Observer.hpp"
#include "train/Optimizer.hpp"

#include <filesystem>
#include <memory>

namespace unroll {
class Rng;
}

namespace unroll::jazz {

inline constexpr const char* kJazzModelKind = "jazz";

struct JazzCorpus {
    std::vector<Melody> melodies;
    std::vector<std::vector<Token>> songs; // the tokens of each melody
    TokenVocabulary vocab;
    std::vector<std::int32_t> ids;          // every song's token indices, concatenated (the course's corpus)
    double bpm = 120;                       // the first file's tempo
};

// The .mid / .midi files of the built-in corpus, sorted by name.
std::vector<std::filesystem::path> builtInCorpusFiles();
// Files and folders (a folder's *.mid / *.midi, sorted). InputError naming a file that does not read or has no melody,
// or when nothing was given.
JazzCorpus loadCorpus(const std::vector<std::filesystem::path>& paths);

struct JazzOptions {
    Index hidden = 64; // n_a
    int layers = 1;
    int Tx = 30;
    int windows = 60; // m, the course's 60
    int batch = 32;
    double learningRate = 0.01;
    double decay = 0.01; // per epoch
    int epochs = 100;
    std::uint32_t seed = 0; // windows (the course's np.random.seed(0)), initial weights, shuffles
};

struct JazzEpoch {
    int epoch = 0;
    double loss = 0;     // mean over the epoch's windows of the summed T_x cross-entropies
    double accuracy = 0; // of the argmax over every scored step
};

class JazzTask : public TrainingTask {
public:
    // InputError for options out of range or a corpus of fewer than T_x tokens.
    JazzTask(JazzCorpus corpus, const JazzOptions& options = {});
    ~JazzTask() override;
    StepMetrics step() override; // one epoch

    const JazzOptions& options() const { return options_; }
    const JazzCorpus& corpus() const { return corpus_; }
    const SequenceModel<float>& model() const { return *model_; }
    std::shared_ptr<const SequenceModel<float>> modelSnapshot() const; // a copy
    const std::vector<JazzEpoch>& history() const { return history_; }
    bool finished() const { return int(history_.size()) >= options_.epochs; }
    // The windows' token indices: window i, step t at [i * T_x + t] (targets; inputs are them shifted right).
    const std::vector<std::int32_t>& windows() const { return windows_; }
    void save(const std::filesystem::path& path) const;

private:
    JazzCorpus corpus_;
    JazzOptions options_;
    std::unique_ptr<SequenceModel<float>> model_;
    std::unique_ptr<Optimizer<float>> adam_;
    std::unique_ptr<Rng> shuffle_;
    std::vector<std::int32_t> windows_, order_, inputs_, targets_;
    std::vector<JazzEpoch> history_;
};

// The course's model as a SequenceModel (LSTM, SumPerExample loss).
SequenceModelOptions jazzModelOptions(int vocabulary, Index hidden, int layers = 1);

struct LoadedJazzModel {
    std::unique_ptr<SequenceModel<float>> model;
    TokenVocabulary vocab;
    double bpm = 120;
};
void saveJazzModel(const std::filesystem::path& path, const SequenceModel<float>& model, const TokenVocabulary& vocab,
                   double bpm);
// InputError / FormatError naming the file when it is not a jazz model or its tensors do not fit.
LoadedJazzModel loadJazzModel(const std::filesystem::path& path);

struct ImproviseOptions {
    int notes = 50;           // sounded notes to generate (rests come on top)
    double temperature = 1.0; // 0: argmax (the course's)
    int topK = 0;             // 0: all tokens
    std::uint32_t seed = 0;
    int maxRests = 2;         // rests in a row before rests are left out of the draw
};

struct Improvisation {
    std::vector<Token> tokens;
    std::vector<std::int32_t> ids;
    std::vector<std::vector<float>> probabilities; // the softmax each token was drawn from (before temperature)
    std::vector<MelodyNote> notes;                  // decoded over the chords
};

// The distribution drawn from: p^(1/T) normalised, top-k kept, disallowed entries zeroed. (temperature > 0)
std::vector<double> adjustedDistribution(const std::vector<float>& p, double temperature, int topK,
                                         const std::vector<bool>& allowed);
Improvisation improvise(const SequenceModel<float>& model, const TokenVocabulary& vocab, const ChordTrack& chords,
                        const ImproviseOptions& options);

} // namespace unroll::jazz
