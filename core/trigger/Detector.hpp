// The trigger-word detector of the course ("Trigger word detection", § "Model"), composed from the layers of core/nn
// and readable top to bottom in forward() and backward() (Detector.cpp):
//
//   X (nFreq, Tx) power spectrogram  -> features (Power: as is, the course's; Log: ln(p + 1e-10))
//   Conv1D(filters, kernel, stride, 'valid') -> BatchNorm -> ReLU -> Dropout
//   GRU(gru1, Keras reset_after) -> Dropout -> BatchNorm
//   GRU(gru2) -> Dropout -> BatchNorm -> Dropout          (absent when gru2 == 0)
//   Dense(1, sigmoid) per step                            -> Ty = (Tx - kernel) / stride + 1 probabilities
//
// The course preset is the notebook's model exactly: 196 filters, kernel 15, stride 4, two GRUs of 128, Dropout(0.8)
// (rate = the fraction dropped, as Keras' argument), BatchNorm eps 1e-3 momentum 0.99 with statistics over batch x
// time: 523,329 values, 522,425 trainable and 904 moving statistics. The small preset is ours, at most 0.5 GFLOP per
// training example (forward + backward on 5511 x 101), sized so `unroll-cli train trigger` learns a useful detector
// from scratch in minutes on two cores.
//
//   TriggerDetector<float> model(smallTriggerConfig());
//   model.initialize(rng);
//   double L = model.forward(X, m, labels, dropoutRng);   // training pass: mean binary cross-entropy over m*Ty
//   model.backward();                                     // gradients into every parameter
//   model.updateMovingStatistics();                       // BatchNorm's moving mean / variance
//   std::vector<float> p = detectorProbabilities(model, spectrogram.power);   // inference, const, any thread
//
// Layout of a batch: step-major as everywhere in core/nn: frame t of example i is column t*m + i; labels likewise.
#pragma once

#include "io/ModelFile.hpp"
#include "nn/BatchNorm.hpp"
#include "nn/Conv1D.hpp"
#include "nn/Dropout.hpp"
#include "nn/Linear.hpp"
#include "nn/Mode.hpp"
#include "nn/Recurrent.hpp"
#include "trigger/Detection.hpp"

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace unroll {

class Rng;

enum class TriggerFeatures { Power, Log };
inline constexpr std::array<std::string_view, 2> triggerFeatureIds = {"power", "log"};

struct TriggerConfig {
    Index nFreq = 101;
    Index filters = 196, kernel = 15, stride = 4;
    Index gru1 = 128, gru2 = 128; // gru2 = 0: one GRU
    double dropout = 0.8;         // Keras' rate: the fraction dropped
    TriggerFeatures features = TriggerFeatures::Power;
    friend bool operator==(const TriggerConfig&, const TriggerConfig&) = default;
};

TriggerConfig courseTriggerConfig();
TriggerConfig smallTriggerConfig();
inline constexpr std::array<std::string_view, 2> triggerPresetIds = {"small", "course"};
TriggerConfig triggerPreset(std::string_view id); // "small" | "course", else InputError naming them

std::int64_t triggerParameterCount(const TriggerConfig& config);  // trainable + moving statistics: 523,329 (course)
std::int64_t triggerTrainableCount(const TriggerConfig& config);  // 522,425 (course)
Index triggerOutputLength(const TriggerConfig& config, Index Tx); // (Tx - kernel) / stride + 1
// Multiply-adds x 2 of one example's forward + backward (about 3x the forward) on Tx frames.
double triggerTrainingFlops(const TriggerConfig& config, Index Tx = 5511);

template <class T> class TriggerDetector {
public:
    explicit TriggerDetector(const TriggerConfig& config = courseTriggerConfig());

    const TriggerConfig& config() const { return config_; }

    Conv1D<T> conv;
    BatchNorm<T> convNorm;
    RecurrentLayer<T> gru1, gru2; // CellKind::GruKeras; gru2 empty when config.gru2 == 0
    BatchNorm<T> norm1, norm2;
    Linear<T> output;             // (last GRU size -> 1), identity: the loss takes logits (sigmoid BCE)
    Dropout<T> dropout;

    // Keras' defaults: Glorot-uniform kernels, orthogonal recurrent kernels, zero biases, BatchNorm gamma 1 beta 0.
    void initialize(Rng& rng);
    ParamList<T> parameters(); // "conv.W", "conv.b", "conv_norm.gamma", "conv_norm.beta", "gru1.W", "gru1.b", …
    std::int64_t parameterCount() const;
    void zeroGrads();
    TriggerDetector<T> copyWeights() const; // the same values in a fresh model without training buffers

    // X: power spectrograms (nFreq, m*Tx); labels: m*Ty values in {0, 1} (step-major), or empty to skip the loss.
    // Returns the mean binary cross-entropy over the m*Ty outputs (Keras' binary_crossentropy), 0 without labels.
    // mode Train draws the dropout masks from dropoutRng; Infer leaves it untouched.
    double forward(ConstMatRef<T> X, Index m, std::span<const float> labels, Rng& dropoutRng, Mode mode = Mode::Train);
    void backward();                // gradients of the last forward's loss (Train or Infer), accumulated
    void updateMovingStatistics();  // after a Train forward: every BatchNorm's moving mean and variance
    const Mat<T>& probabilities() const; // (1, m*Ty) after forward

private:
    TriggerConfig config_;
    struct Buffers;
    std::shared_ptr<Buffers> buffers_;
public:
    TriggerDetector(const TriggerDetector&);
    TriggerDetector& operator=(const TriggerDetector&);
    TriggerDetector(TriggerDetector&&) noexcept;
    TriggerDetector& operator=(TriggerDetector&&) noexcept;
    ~TriggerDetector();
};

extern template class TriggerDetector<float>;
extern template class TriggerDetector<double>;

// Inference (BatchNorm's moving statistics, no dropout), const: the Ty probabilities of one power spectrogram
// (nFreq, Tx >= kernel), else InputError naming the shape.
std::vector<float> detectorProbabilities(const TriggerDetector<float>& model, ConstMatRef<float> power);
// Several at once, in parallel on the thread pool; each result equal to the single call's.
std::vector<std::vector<float>> detectorProbabilities(const TriggerDetector<float>& model,
                                                      const std::vector<const MatF*>& powers);

// The detector over a spectrogram that arrives in pieces (a long file read block by block, a microphone): carries
// the unused frames and the GRU states from one push to the next, so the outputs are those of one pass over the
// whole spectrogram (equal within float rounding; tested).
class TriggerStream {
public:
    explicit TriggerStream(const TriggerDetector<float>& model); // keeps a reference: the model must outlive it
    ~TriggerStream();
    // frames: (nFreq, n) power, n >= 0. Returns the probabilities of the output steps those frames complete.
    std::vector<float> push(ConstMatRef<float> frames);
    std::int64_t outputsDone() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Model files (docs/formats.md): kind "trigger"; hyper-parameters as TriggerConfig (n_freq, filters, kernel, stride,
// gru1, gru2, dropout, features) plus the spectrogram the model expects (nfft, hop, sample_rate); tensors as
// parameters() plus "conv_norm.moving_mean", … for every BatchNorm's moving statistics. Atomic write.
void saveTriggerDetector(const std::filesystem::path& path, const TriggerDetector<float>& model);
std::unique_ptr<TriggerDetector<float>> loadTriggerDetector(const std::filesystem::path& path); // InputError/FormatError

// The same file with the detection rule its held-out scores were measured at (hyper-parameters "threshold" and
// "consecutive"), so `unroll-cli detect` can use it. A file without them (saved before they were recorded, or by the
// two-argument save) reads with rule empty; a malformed value is an InputError naming the file and the key.
struct TriggerModelFile {
    std::unique_ptr<TriggerDetector<float>> model;
    std::optional<DetectionOptions> rule;
};
void saveTriggerDetector(const std::filesystem::path& path, const TriggerDetector<float>& model,
                         const DetectionOptions& scoredWith);
TriggerModelFile readTriggerModelFile(const std::filesystem::path& path);

} // namespace unroll
