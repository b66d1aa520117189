// Training the Emojify lab: V1 and V2 side by side (or one of them) on the same sentences, with the loss and the
// train / validation / test accuracy of each model recorded after every epoch (course §5.2, §5.3).
//
//   EmojifyTask task(builtInData(), std::make_shared<WordVectors>(builtInVectors()), {});
//   runTraining(task, observer, {.steps = task.totalSteps()});
//   task.history(Variant::V2).back().testAccuracy;
//
// One step is one epoch of every model that still has epochs to run: step k is V1's epoch k (of 400) and V2's epoch k
// (of 50), so after step 50 only V1 trains. V1: the course's per-example SGD in data order. V2: Adam (lr 0.001),
// batches of 32 from a seeded shuffle each epoch (Keras' shuffle=True), the course's padded length (the longest
// training sentence in known words). Seeds: V1's W from Rng(seed) (the course's np.random.seed(1)); V2's weights,
// shuffles and dropout masks from their own streams derived from the seed.
#pragma once

#include "emojify/Emojifier.hpp"
#include "train/Observer.hpp"
#include "train/Optimizer.hpp"

#include <array>
#include <filesystem>
#include <memory>
#include <string_view>

namespace unroll::emojify {

enum class Variant { V1, V2, Both };
inline constexpr std::array<std::string_view, 3> variantIds = {"v1", "v2", "both"};
inline constexpr std::array<std::string_view, 3> variantNames = {"V1 (average + softmax)", "V2 (two-layer LSTM)",
                                                                 "V1 and V2"};
Variant parseVariant(std::string_view id); // else InputError naming the known ones

struct AverageOptions {
    double learningRate = 0.01;
    int epochs = 400;
};

struct LstmOptions {
    Eigen::Index hidden = 128;
    double dropout = 0.5;
    int epochs = 50;
    Eigen::Index batch = 32;
    double learningRate = 0.001;
    bool trainableEmbedding = false;
};

struct EmojifyOptions {
    Variant variant = Variant::Both;
    std::uint32_t seed = 1;
    AverageOptions v1;
    LstmOptions v2;
};

struct EmojifyEpoch {
    int epoch = 0;          // 1-based
    double loss = 0;        // mean training loss over the epoch
    double trainAccuracy = 0, validationAccuracy = 0, testAccuracy = 0; // after the epoch, inference mode
    double seconds = 0;     // this model's training time in the epoch
};

class EmojifyTask : public TrainingTask {
public:
    // data.train must not be empty; validation and test may be. The data's classes decide n_y. InputError on
    // options out of range (epochs < 1, batch < 1, learning rate <= 0, dropout outside [0, 1)).
    EmojifyTask(EmojifyData data, std::shared_ptr<const WordVectors> vectors, const EmojifyOptions& options = {});
    ~EmojifyTask() override;

    StepMetrics step() override; // loss: V2's epoch loss while V2 trains, else V1's

    const EmojifyOptions& options() const { return options_; }
    const EmojifyData& data() const { return data_; }
    const std::vector<EmojiClass>& classes() const { return data_.train.classes; }
    std::shared_ptr<const WordVectors> vectors() const { return vectors_; }
    // Words of the data the vectors do not know (shown as such).
    const std::vector<std::string>& missingWords() const { return missing_; }
    Eigen::Index maxLength() const { return maxLength_; }

    bool has(Variant v) const; // V1 or V2
    int epochs(Variant v) const;
    std::int64_t totalSteps() const;
    std::int64_t stepsDone() const { return steps_; }
    bool finished() const { return steps_ >= totalSteps(); }

    const AverageEmojifier* v1() const { return v1_ ? &*v1_ : nullptr; }
    const LstmEmojifier<float>* v2() const { return v2_.get(); }
    const std::vector<EmojifyEpoch>& history(Variant v) const;

    // Predictions and the confusion matrix of one model on a set (rows actual, columns predicted).
    std::vector<std::int32_t> predict(Variant v, const SentenceSet& set) const;
    Eigen::MatrixXi confusion(Variant v, const SentenceSet& set) const;

    // A copy of the models as they are now (for the GUI's snapshot and for saving).
    EmojifyModels models() const;
    void saveModels(const std::filesystem::path& path) const;

private:
    void evaluate(Variant v, EmojifyEpoch& record) const;

    EmojifyData data_;
    std::shared_ptr<const WordVectors> vectors_;
    EmojifyOptions options_;
    std::vector<std::string> missing_;
    Eigen::Index maxLength_ = 1;
    std::optional<AverageEmojifier> v1_;
    std::unique_ptr<LstmEmojifier<float>> v2_;
    std::unique_ptr<Optimizer<float>> adam_;
    std::unique_ptr<Rng> shuffleRng_, dropoutRng_;
    std::vector<std::int32_t> order_;
    std::vector<EmojifyEpoch> history1_, history2_;
    std::int64_t steps_ = 0;
};

} // namespace unroll::emojify
