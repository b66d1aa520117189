// Training the trigger-word detector on examples synthesized as it goes; see TriggerTask.hpp.
#include "trigger/TriggerTask.hpp"

#include "math/Rng.hpp"
#include "trigger/Backgrounds.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <set>

namespace unroll {

namespace {

// Before every evaluation the BatchNorms' moving statistics are recomputed from this many fresh training batches
// (see TriggerTask::State::recalibrate): with momentum 0.99 the moving averages remember the last ~100 steps, which
// early in training describe a network that no longer exists, and they were taken with dropout on, which inference
// does not use.
constexpr int kRecalibrationBatches = 4;

// A seed for clip i of step `step` (0-based; held-out clips use step -1 - i's own stream): the run's seed, the step
// and the clip mixed by splitmix64, so every clip has its own Rng whichever thread makes it.
std::uint32_t clipSeed(std::uint32_t seed, std::int64_t step, std::int64_t clip)
{
    std::uint64_t z = (std::uint64_t(seed) << 32) ^ (std::uint64_t(step) * 0x9E3779B97F4A7C15ull) ^
                      (std::uint64_t(clip) * 0xD1B54A32D192ED03ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return std::uint32_t((z ^ (z >> 31)) & 0xffffffffu);
}

constexpr std::int64_t kHeldOutStream = -1; // the step value of the held-out clips' seeds (training steps are >= 0)
constexpr std::int64_t kRecalibrationStream = -2;
constexpr std::int64_t kPoolStream = -3;
constexpr std::int64_t kWordStream = -4;
constexpr std::int64_t kValidationStream = -5; // (the word streams, kWordStream - step, mix another seed)

// Augmentation (options.augment), from the speech-recognition recipes that fight a small set of speakers:
// - speed perturbation (Ko et al. 2015, "Audio augmentation for speech recognition"): each word resampled by a factor
//   in [0.85, 1.15], which changes tempo and pitch together (sox's `speed`), by linear interpolation (the words'
//   energy lies far below the 22 kHz Nyquist, so the interpolation's aliasing is negligible);
// - level: each word's gain in [-6, +6] dB, so the words stand at different heights over the background;
// - vocal tract length perturbation (Jaitly & Hinton 2013, "VTLP"): each clip's spectrogram stretched along frequency
//   by a factor in [0.9, 1.1] (bin k takes the power at k / alpha, linearly interpolated; beyond the top, the top).
// - timbre (options.equalize): each word through two peaking filters (the "Audio EQ Cookbook" biquad of R. Bristow-
//   Johnson) at centres log-uniform in [150, 7000] Hz with gains in [-8, +8] dB and Q 1: a word's spectral envelope
//   tilted and bumped as another voice or microphone would, where VTLP only stretches it. The built-in voices are few
//   (49 training speakers, 46 of them espeak-ng's). Not yet shown to help (docs/trigger.md), so off by default.
constexpr double kSpeedRange = 0.15, kGainRangeDb = 6.0, kWarpRange = 0.1;
constexpr int kMaskBins = 12; // up to 12 of the 101 rows a mask (2.6 kHz: a row is 44100 / 200 = 220.5 Hz wide)
constexpr int kEqBands = 2;
constexpr double kEqLowHz = 150, kEqHighHz = 7000, kEqGainDb = 8, kEqQ = 1;

// One peaking filter (centre hz, gain dB, Q) applied to samples in place: the cookbook's direct form I.
void peakingFilter(std::vector<float>& x, int rate, double hz, double gainDb, double q)
{
    const double A = std::pow(10.0, gainDb / 40), w0 = 2 * std::numbers::pi * hz / rate;
    const double alpha = std::sin(w0) / (2 * q), c = std::cos(w0);
    const double a0 = 1 + alpha / A;
    const double b0 = (1 + alpha * A) / a0, b1 = -2 * c / a0, b2 = (1 - alpha * A) / a0;
    const double a1 = -2 * c / a0, a2 = (1 - alpha / A) / a0;
    double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (float& v : x) {
        const double y = b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1;
        x1 = v;
        y2 = y1;
        y1 = y;
        v = float(y);
    }
}

// clip resampled by `factor` (> 1: faster and higher) with linear interpolation, then scaled by `gain`.
void perturbWord(const AudioClip& in, double factor, double gain, AudioClip& out)
{
    const std::int64_t n = in.size();
    const std::int64_t m = std::max<std::int64_t>(1, std::int64_t(std::floor(double(n - 1) / factor)) + 1);
    out.sampleRate = in.sampleRate;
    out.samples.resize(size_t(m));
    for (std::int64_t j = 0; j < m; ++j) {
        const double x = double(j) * factor;
        const std::int64_t i = std::min<std::int64_t>(std::int64_t(x), n - 1);
        const double f = x - double(i);
        const float a = in.samples[size_t(i)], b = in.samples[size_t(std::min(i + 1, n - 1))];
        out.samples[size_t(j)] = float(gain * ((1 - f) * a + f * b));
    }
}

} // namespace

// SpecAugment's frequency masks (TriggerOptions::frequencyMasks): `masks` times, a band of width w uniform in
// [0, kMaskBins] starting at a uniform row gets each row replaced by its mean over the frames.
void maskFrequencies(MatF& power, int masks, Rng& rng)
{
    const Index bins = power.rows();
    for (int k = 0; k < masks; ++k) {
        const Index width = Index(rng.randint(0, std::min<std::int64_t>(kMaskBins, bins) + 1));
        const Index first = Index(rng.randint(0, bins - width + 1));
        for (Index r = first; r < first + width; ++r) power.row(r).setConstant(power.row(r).mean());
    }
}

namespace {

// power (bins, frames) warped along frequency by alpha, in place: row k <- the power at k / alpha.
void warpFrequency(MatF& power, double alpha)
{
    const Index bins = power.rows();
    const MatF source = power;
    for (Index k = 0; k < bins; ++k) {
        const double x = std::min(double(k) / alpha, double(bins - 1));
        const Index i = std::min<Index>(Index(x), bins - 2);
        const float f = float(x - double(i));
        power.row(k) = (1 - f) * source.row(i) + f * source.row(i + 1);
    }
}

// Generated training backgrounds come from a pool rather than one per clip: a 10 s texture takes about 80 ms to make
// (its Gaussian draws dominate), several times the detector's own work on the clip. The pool holds kPoolSize of them,
// kPoolRefresh are replaced by new ones at every step (2,000 different backgrounds over 1,000 steps), and each clip
// reads its pool entry from a random starting point, wrapping around. Held-out clips get backgrounds of their own.
constexpr std::int64_t kPoolSize = 48;
constexpr std::int64_t kPoolRefresh = 2;

std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

void checkOptions(const TriggerOptions& o)
{
    auto inRange = [](const char* name, std::int64_t v, std::int64_t low, std::int64_t high) {
        if (v < low || v > high)
            throw InputError(std::string("trigger training: ") + name + " " + std::to_string(v) + " is outside " +
                             std::to_string(low) + " … " + std::to_string(high));
    };
    inRange("batch", o.batch, 1, 1024);
    inRange("steps per epoch", o.stepsPerEpoch, 1, 1000000);
    inRange("epochs", o.epochs, 1, 100000);
    inRange("held-out clips", o.heldOut, 0, 2000);
    inRange("validation clips", o.validation, 0, 2000);
    inRange("frequency masks", o.frequencyMasks, 0, 100);
    inRange("validation period", o.validationPeriod, 2, 1000);
    if (!(o.optimizer.learningRate > 0) || !std::isfinite(o.optimizer.learningRate))
        throw InputError("trigger training: learning rate " + num(o.optimizer.learningRate) + " must be positive");
    inRange("clip length (ms)", o.synthesis.clipMs, 500, 60000);
    if (!(o.finalLearningRate >= 0) || !(o.finalLearningRate <= o.optimizer.learningRate))
        throw InputError("trigger training: final learning rate " + num(o.finalLearningRate) + " must be in [0, " +
                         num(o.optimizer.learningRate) + "] (0: constant)");
    if (!(o.averageDecay >= 0 && o.averageDecay < 1))
        throw InputError("trigger training: weight-average decay " + num(o.averageDecay) + " is outside [0, 1) (0: off)");
    if (!(o.detection.threshold >= 0 && o.detection.threshold <= 1) || o.detection.consecutive < 1)
        throw InputError("trigger training: detection threshold " + num(o.detection.threshold) + " must be in [0, 1] "
                         "and consecutive " + std::to_string(o.detection.consecutive) + " at least 1");
}

// The power spectrogram's frames the detector reads and the time of one output step.
double frameSecondsOf(const TriggerConfig& c, const SpectrogramOptions& s, int rate)
{
    return double(c.stride) * s.hop / double(rate);
}

} // namespace

struct TriggerTask::State {
    ClipSplit split;
    SpectrogramEngine engine{courseSpectrogramOptions()};
    std::unique_ptr<TriggerDetector<float>> model;
    ParamList<float> params;
    std::unique_ptr<TriggerDetector<float>> averaged; // options.averageDecay > 0: the weights' moving average
    ParamList<float> averagedParams;
    std::unique_ptr<Optimizer<float>> optimizer;
    Rng dropoutRng;
    Index Tx = 0, Ty = 0;
    double frameSeconds = 0;
    // The batch: clips, X (nFreq, m*Tx) and labels (m*Ty), step-major as the detector reads them.
    std::vector<SynthesizedClip> clips;
    MatF X;
    std::vector<float> labels;
    std::vector<TriggerEpoch> history;
    TriggerEpoch current;
    double epochLoss = 0, epochAccuracy = 0;
    std::int64_t epochSteps = 0;
    std::vector<HeldOutClip> heldOut;
    std::vector<HeldOutClip> validation; // options.validation clips of the validation speakers
    ClipLibrary validationSide;
    std::unique_ptr<TriggerDetector<float>> best; // the evaluated detector at the epoch of lowest validation loss
    double bestLoss = 0;
    int bestEpoch = 0;
    std::vector<SweepPoint> sweep;
    HeldOutClip lastTraining;
    std::vector<AudioClip> pool; // generated training backgrounds (empty with the user's backgrounds)
    ClipLibrary perturbed;       // the training words as this step's augmentation made them

    explicit State(std::uint32_t seed) : dropoutRng(seed ^ 0x5bd1e995u) {}

    // The detector evaluations and saves use.
    TriggerDetector<float>& evaluated() { return averaged ? *averaged : *model; }
    const TriggerDetector<float>& evaluated() const { return averaged ? *averaged : *model; }

    // After update n (1-based): every averaged value (weights and BatchNorm statistics) moves toward the training
    // model's by 1 - d. The warm-up min(decay, (1 + n) / (10 + n)) lets the average forget the random start quickly.
    void updateAverage(double decay, std::int64_t n)
    {
        const float d = float(std::min(decay, (1.0 + double(n)) / (10.0 + double(n))));
        for (size_t k = 0; k < params.size(); ++k)
            averagedParams[k].valueBlock() = d * averagedParams[k].valueBlock() + (1 - d) * params[k].valueBlock();
        const BatchNorm<float>* from[] = {&model->convNorm, &model->norm1, &model->norm2};
        BatchNorm<float>* to[] = {&averaged->convNorm, &averaged->norm1, &averaged->norm2};
        for (int i = 0; i < 3; ++i) {
            to[i]->movingMean = d * to[i]->movingMean + (1 - d) * from[i]->movingMean;
            to[i]->movingVar = d * to[i]->movingVar + (1 - d) * from[i]->movingVar;
        }
    }

    // One clip from its own seed: a background (the user's; a generated one from `generated`, read from a random
    // start; or a new one, with babble of `side`'s voices) and the course's synthesis over it.
    SynthesizedClip synthesize(const ClipLibrary& side, std::uint32_t seed, const SynthesisOptions& options,
                               const std::vector<AudioClip>* generated = nullptr) const
    {
        Rng rng(seed);
        const double seconds = options.clipMs / 1000.0;
        AudioClip background;
        if (!side.backgrounds.empty()) {
            background = side.backgrounds[size_t(rng.randint(0, std::int64_t(side.backgrounds.size())))];
        } else if (generated && !generated->empty()) {
            const AudioClip& g = (*generated)[size_t(rng.randint(0, std::int64_t(generated->size())))];
            const std::int64_t start = rng.randint(0, g.size());
            background.sampleRate = g.sampleRate;
            background.samples.resize(g.samples.size());
            std::rotate_copy(g.samples.begin(), g.samples.begin() + start, g.samples.end(),
                             background.samples.begin());
        } else {
            background = randomBackground(seconds, side.sampleRate, rng, side.negatives);
        }
        return createTrainingExample(background, side.positives, side.negatives, rng, options);
    }

    // Pool entries [first, first + n) (modulo its size) replaced by new backgrounds, in parallel.
    void refreshPool(const ClipLibrary& side, std::uint32_t seed, std::int64_t first, std::int64_t n, double seconds)
    {
        parallelFor(n, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t k = begin; k < end; ++k) {
                Rng rng(clipSeed(seed, kPoolStream, first + k));
                pool[size_t((first + k) % kPoolSize)] = randomBackground(seconds, side.sampleRate, rng, side.negatives);
            }
        }, 4);
    }

    // This step's words: each training word at its own speed and level (seeded by the step and the word).
    void perturbWords(std::uint32_t seed, std::int64_t step, bool equalize)
    {
        const ClipLibrary& train = split.train;
        if (perturbed.positives.size() != train.positives.size()) perturbed = train;
        const std::int64_t nPos = std::int64_t(train.positives.size()),
                           n = nPos + std::int64_t(train.negatives.size());
        parallelFor(n, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t w = begin; w < end; ++w) {
                const bool positive = w < nPos;
                const auto k = size_t(positive ? w : w - nPos);
                Rng rng(clipSeed(seed ^ 0x9e3779b9u, kWordStream - step, w));
                const double factor = 1 + kSpeedRange * (2 * rng.randomSample() - 1);
                const double gain = std::pow(10.0, kGainRangeDb * (2 * rng.randomSample() - 1) / 20);
                AudioClip& out = (positive ? perturbed.positives : perturbed.negatives)[k].audio;
                perturbWord((positive ? train.positives : train.negatives)[k].audio, factor, gain, out);
                if (equalize)
                    for (int b = 0; b < kEqBands; ++b) {
                        const double hz = kEqLowHz * std::pow(kEqHighHz / kEqLowHz, rng.randomSample());
                        const double db = kEqGainDb * (2 * rng.randomSample() - 1);
                        peakingFilter(out.samples, out.sampleRate, hz, db, kEqQ);
                    }
            }
        }, 4);
    }

    // Clips [0, m) of a batch: synthesized and transformed in parallel, one clip per task, each writing its own columns
    // of X and entries of labels. warp: each clip's spectrogram warped in frequency by a factor from its seed.
    void makeBatch(const ClipLibrary& side, std::uint32_t seed, std::int64_t stream, Index m,
                   const SynthesisOptions& options, bool warp = false, int masks = 0)
    {
        const Index nFreq = model->config().nFreq;
        clips.resize(size_t(m));
        X.resize(nFreq, m * Tx);
        labels.resize(size_t(m * Ty));
        parallelFor(m, [&](std::int64_t begin, std::int64_t end) {
            MatF power(nFreq, Tx);
            for (std::int64_t i = begin; i < end; ++i) {
                SynthesizedClip& clip = clips[size_t(i)];
                clip = synthesize(side, clipSeed(seed, stream, i), options, &pool);
                engine.computeFrames(clip.audio.samples, clip.audio.sampleRate, 0, power);
                if (warp) {
                    Rng rng(clipSeed(seed ^ 0x85ebca6bu, stream, i));
                    warpFrequency(power, 1 + kWarpRange * (2 * rng.randomSample() - 1));
                    if (masks > 0) maskFrequencies(power, masks, rng);
                }
                for (Index t = 0; t < Tx; ++t) X.col(t * m + i) = power.col(t);
                for (Index t = 0; t < Ty; ++t) labels[size_t(t * m + i)] = clip.labels[size_t(t)];
            }
        }, int(std::max<Index>(1, m / std::max(1, threadCount()))));
    }

    // The BatchNorms' moving statistics as the plain average of the batch statistics over kRecalibrationBatches fresh
    // training batches, taken with dropout off (the inputs inference will see): momentum (k-1)/k at the k-th batch
    // makes the moving average the running mean. Batches from their own seed stream, so training's are unchanged.
    void recalibrate(const ClipLibrary& side, const TriggerOptions& options, std::int64_t step)
    {
        TriggerDetector<float>& net = evaluated();
        const Dropout<float> kept = net.dropout;
        net.dropout = Dropout<float>(0.0);
        BatchNorm<float>* norms[] = {&net.convNorm, &net.norm1, &net.norm2};
        Rng noMasks(0); // rate 0 keeps everything; its own Rng leaves training's dropout stream as it was
        for (int k = 1; k <= kRecalibrationBatches; ++k) {
            makeBatch(side, clipSeed(options.seed, kRecalibrationStream, step), k, options.batch, options.synthesis);
            net.forward(X, options.batch, {}, noMasks, Mode::Train);
            for (auto* bn : norms) bn->options.momentum = double(k - 1) / k;
            net.updateMovingStatistics();
        }
        for (auto* bn : norms) bn->options.momentum = BatchNormOptions{}.momentum;
        net.dropout = kept;
    }

    void scoreClips(std::vector<HeldOutClip>& set, const TriggerOptions& options, double& loss, double& accuracy,
                    DetectionScore& score, std::vector<ScoredTrack>* tracks);
    void scoreHeldOut(const TriggerOptions& options);
    void evaluate(const TriggerOptions& options, std::int64_t step);
    void restoreBest(const TriggerOptions& options);
};

TriggerTask::TriggerTask(ClipLibrary library, const TriggerOptions& options) : options_(options)
{
    checkOptions(options);
    if (library.positives.empty())
        throw InputError("trigger training: the clip library (" + library.origin + ") has no positive clips");
    if (library.sampleRate != kLabRate)
        throw InputError("trigger training: clips at " + std::to_string(library.sampleRate) + " Hz; the detector " +
                         "reads spectrograms of " + std::to_string(kLabRate) + " Hz audio");
    state_ = std::make_unique<State>(options.seed);
    State& s = *state_;
    s.split = splitByVoice(library);
    if (s.split.train.positives.empty() || s.split.heldOut.positives.empty())
        throw InputError("trigger training: the " + std::to_string(library.positives.size()) +
                         " positive clips do not split into training and held-out voices (need at least 2 speakers or "
                         "2 clips)");
    if (options.validation > 0) {
        ClipSplit v = splitByVoice(s.split.train, options.validationPeriod);
        if (v.train.positives.empty() || v.heldOut.positives.empty())
            throw InputError("trigger training: the training voices' " +
                             std::to_string(s.split.train.positives.size()) + " positive clips do not split into "
                             "training and validation voices (every " + std::to_string(options.validationPeriod) +
                             "th speaker); turn validation off");
        s.split.train = std::move(v.train);
        s.validationSide = std::move(v.heldOut);
    }
    const SpectrogramOptions& spec = s.engine.options();
    s.Tx = spectrogramFrames(std::int64_t(options.synthesis.clipMs) * kLabRate / 1000, spec.nfft, spec.hop);
    s.model = std::make_unique<TriggerDetector<float>>(options.model);
    if (options.model.nFreq != s.engine.bins())
        throw InputError("trigger training: the detector reads " + std::to_string(options.model.nFreq) +
                         " frequency rows, the course's spectrogram has " + std::to_string(s.engine.bins()));
    s.Ty = triggerOutputLength(options.model, s.Tx);
    if (s.Ty != options.synthesis.Ty)
        throw InputError("trigger training: the detector gives " + std::to_string(s.Ty) + " outputs for " +
                         std::to_string(s.Tx) + " frames, the labels have " + std::to_string(options.synthesis.Ty) +
                         " (the course's kernel 15 and stride 4 give 1375 for 10 s)");
    s.frameSeconds = frameSecondsOf(options.model, spec, kLabRate);
    Rng rng(options.seed);
    s.model->initialize(rng);
    s.params = s.model->parameters();
    OptimizerOptions optimizer = options.optimizer;
    if (options.finalLearningRate > 0 && !optimizer.schedule) {
        const double high = optimizer.learningRate, low = options.finalLearningRate;
        const double total = double(options.stepsPerEpoch * options.epochs);
        optimizer.schedule = [high, low, total](std::int64_t step) {
            return low + 0.5 * (high - low) * (1 + std::cos(std::numbers::pi * double(step - 1) / total));
        };
    }
    s.optimizer = std::make_unique<Optimizer<float>>(optimizer, s.params);
    if (options.averageDecay > 0) {
        s.averaged = std::make_unique<TriggerDetector<float>>(s.model->copyWeights());
        s.averagedParams = s.averaged->parameters();
    }

    if (s.split.train.backgrounds.empty()) {
        s.pool.resize(size_t(kPoolSize));
        s.refreshPool(s.split.train, options.seed, 0, kPoolSize, options.synthesis.clipMs / 1000.0);
    }
    // The held-out clips, once: held-out voices over held-out backgrounds (the user's held-out ones, or generated
    // from seeds training never draws, with babble of the held-out voices).
    s.heldOut.resize(size_t(options.heldOut));
    parallelFor(options.heldOut, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i)
            s.heldOut[size_t(i)].clip =
                s.synthesize(s.split.heldOut, clipSeed(options.seed, kHeldOutStream, i), options.synthesis);
    });
    // The validation clips, once: validation voices over backgrounds of their own (seeds of their own stream).
    s.validation.resize(size_t(options.validation));
    parallelFor(options.validation, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i)
            s.validation[size_t(i)].clip = s.synthesize(
                s.validationSide, clipSeed(options.seed, kValidationStream, i), options.synthesis);
    });
}

TriggerTask::~TriggerTask() = default;

const TriggerDetector<float>& TriggerTask::model() const { return state_->evaluated(); }
const TriggerDetector<float>& TriggerTask::trainingModel() const { return *state_->model; }
const std::vector<TriggerEpoch>& TriggerTask::history() const { return state_->history; }
int TriggerTask::bestEpoch() const { return state_->bestEpoch; }

std::vector<std::string> TriggerTask::validationSpeakers() const
{
    std::set<std::string> names;
    for (const WordClip& c : state_->validationSide.positives) names.insert(c.speaker);
    for (const WordClip& c : state_->validationSide.negatives) names.insert(c.speaker);
    return {names.begin(), names.end()};
}
const std::vector<HeldOutClip>& TriggerTask::heldOut() const { return state_->heldOut; }
const std::vector<SweepPoint>& TriggerTask::sweep() const { return state_->sweep; }
const HeldOutClip& TriggerTask::lastTrainingClip() const { return state_->lastTraining; }

void TriggerTask::saveModel(const std::filesystem::path& path) const
{
    saveTriggerDetector(path, state_->evaluated(), options_.detection);
}

std::vector<TriggerTask::Tally> TriggerTask::heldOutBySpeaker() const
{
    const State& s = *state_;
    std::map<std::string, Tally> bySpeaker;
    for (const HeldOutClip& h : s.heldOut) {
        if (h.probability.empty()) continue;
        const auto times = triggerTimes(detectTriggers(h.probability, options_.detection), s.frameSeconds);
        const DetectionMatch m = matchDetections(times, h.clip.words, h.clip.audio.seconds());
        for (size_t k = 0; k < h.clip.words.size(); ++k) {
            const PlacedWord& w = h.clip.words[k];
            if (!w.positive || double(w.segment.startMs) >= h.clip.audio.seconds() * 1000) continue;
            Tally& t = bySpeaker[s.split.heldOut.positives[w.clip].speaker];
            ++t.words;
            t.hits += m.wordFound[k];
        }
    }
    std::vector<Tally> out;
    for (auto& [name, t] : bySpeaker) {
        t.name = name;
        out.push_back(t);
    }
    return out;
}

std::vector<TriggerTask::Tally> TriggerTask::falseAcceptsByWord() const
{
    const State& s = *state_;
    std::map<std::string, Tally> byWord;
    for (const HeldOutClip& h : s.heldOut) {
        if (h.probability.empty()) continue;
        const auto times = triggerTimes(detectTriggers(h.probability, options_.detection), s.frameSeconds);
        const DetectionMatch m = matchDetections(times, h.clip.words, h.clip.audio.seconds());
        for (size_t j = 0; j < times.size(); ++j) {
            if (m.detectionWord[j] >= 0) continue;
            std::string under = "(background)";
            for (const PlacedWord& w : h.clip.words) {
                if (times[j] < w.segment.startMs / 1000.0 || times[j] > w.segment.endMs / 1000.0 + kMatchToleranceS)
                    continue;
                under = w.positive ? w.word + " (again)" : w.word;
                if (!w.positive) break; // a negative word under it names it, even beside a positive's tail
            }
            ++byWord[under].falseAccepts;
        }
    }
    std::vector<Tally> out;
    for (auto& [name, t] : byWord) {
        t.name = name;
        out.push_back(t);
    }
    return out;
}

StepMetrics TriggerTask::step()
{
    State& s = *state_;
    const std::int64_t m = options_.batch, inEpoch = steps_ % options_.stepsPerEpoch;
    if (inEpoch == 0) {
        s.current = TriggerEpoch();
        s.current.epoch = int(steps_ / options_.stepsPerEpoch) + 1;
        s.epochLoss = s.epochAccuracy = 0;
        s.epochSteps = 0;
    }
    const auto started = std::chrono::steady_clock::now();
    if (!s.pool.empty())
        s.refreshPool(s.split.train, options_.seed, kPoolSize + steps_ * kPoolRefresh, kPoolRefresh,
                      options_.synthesis.clipMs / 1000.0);
    if (options_.augment) s.perturbWords(options_.seed, steps_, options_.equalize);
    s.makeBatch(options_.augment ? s.perturbed : s.split.train, options_.seed, steps_, m, options_.synthesis,
                options_.augment, options_.frequencyMasks);
    s.model->zeroGrads();
    const double loss = s.model->forward(s.X, m, s.labels, s.dropoutRng, Mode::Train);
    checkFiniteLoss(loss, steps_ + 1);
    s.model->backward();
    s.model->updateMovingStatistics();
    StepMetrics metrics;
    metrics.learningRate = s.optimizer->currentLearningRate();
    metrics.gradNorm = s.optimizer->step();
    ++steps_;
    if (s.averaged) s.updateAverage(options_.averageDecay, steps_);

    const MatF& P = s.model->probabilities(); // (1, m*Ty)
    std::int64_t right = 0;
    for (Index j = 0; j < P.cols(); ++j) right += (P(0, j) >= 0.5f) == (s.labels[size_t(j)] >= 0.5f);
    s.lastTraining.clip = s.clips[0];
    s.lastTraining.probability.resize(size_t(s.Ty));
    for (Index t = 0; t < s.Ty; ++t) s.lastTraining.probability[size_t(t)] = P(0, t * m);

    metrics.step = steps_;
    metrics.loss = loss;
    metrics.examples = m;
    metrics.predictions = m * s.Ty;
    s.epochLoss += loss;
    s.epochAccuracy += double(right) / double(P.cols());
    ++s.epochSteps;
    s.current.step = steps_;
    s.current.loss = s.epochLoss / double(s.epochSteps);
    s.current.frameAccuracy = s.epochAccuracy / double(s.epochSteps);
    s.current.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (inEpoch == options_.stepsPerEpoch - 1) {
        s.evaluate(options_, steps_);
        s.history.push_back(s.current);
        if (steps_ == totalSteps()) s.restoreBest(options_);
    }
    return metrics;
}

// The evaluated detector on `clips` (probabilities stored in them): mean loss and frame accuracy over all outputs,
// and the detections at options.detection scored; tracks (optional) gets what the threshold sweep needs.
void TriggerTask::State::scoreClips(std::vector<HeldOutClip>& set, const TriggerOptions& options, double& loss,
                                    double& accuracy, DetectionScore& score, std::vector<ScoredTrack>* tracks)
{
    // Spectrograms again rather than kept: 2.2 MB per clip, and a few milliseconds each to recompute.
    const Index n = Index(set.size());
    std::vector<MatF> powers(static_cast<size_t>(n));
    parallelFor(n, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) {
            const AudioClip& a = set[size_t(i)].clip.audio;
            powers[size_t(i)].resize(model->config().nFreq, Tx);
            engine.computeFrames(a.samples, a.sampleRate, 0, powers[size_t(i)]);
        }
    });
    std::vector<const MatF*> ptrs;
    for (const auto& p : powers) ptrs.push_back(&p);
    const auto probabilities = detectorProbabilities(evaluated(), ptrs);
    double sum = 0;
    std::int64_t right = 0, outputs = 0;
    score = DetectionScore();
    for (Index i = 0; i < n; ++i) {
        HeldOutClip& h = set[size_t(i)];
        h.probability = probabilities[size_t(i)];
        for (size_t t = 0; t < h.probability.size(); ++t) {
            const double p = std::clamp(double(h.probability[t]), 1e-7, 1 - 1e-7), y = h.clip.labels[t];
            sum -= y * std::log(p) + (1 - y) * std::log(1 - p);
            right += (h.probability[t] >= 0.5f) == (y >= 0.5);
            ++outputs;
        }
        const auto times = triggerTimes(detectTriggers(h.probability, options.detection), frameSeconds);
        score += scoreDetections(times, h.clip.words, h.clip.audio.seconds());
        if (tracks) tracks->push_back({h.probability, h.clip.words, h.clip.audio.seconds(), frameSeconds});
    }
    loss = sum / double(std::max<std::int64_t>(1, outputs));
    accuracy = double(right) / double(std::max<std::int64_t>(1, outputs));
}

// The held-out clips scored into current (loss, frame accuracy, detections at the options' rule) and the sweep.
void TriggerTask::State::scoreHeldOut(const TriggerOptions& options)
{
    if (heldOut.empty()) return;
    std::vector<ScoredTrack> tracks;
    scoreClips(heldOut, options, current.heldOutLoss, current.heldOutFrameAccuracy, current.heldOut, &tracks);
    std::vector<double> thresholds;
    for (int k = 1; k <= 19; ++k) thresholds.push_back(0.05 * k);
    sweep = sweepThresholds(tracks, thresholds, options.detection.consecutive);
}

// After an epoch: the moving statistics recalibrated, then the validation clips scored (keeping the detector when its
// loss is the lowest yet) and the held-out ones.
void TriggerTask::State::evaluate(const TriggerOptions& options, std::int64_t step)
{
    recalibrate(split.train, options, step);
    if (!validation.empty()) {
        double accuracy = 0;
        scoreClips(validation, options, current.validationLoss, accuracy, current.validation, nullptr);
        if (bestEpoch == 0 || current.validationLoss < bestLoss) {
            bestLoss = current.validationLoss;
            bestEpoch = current.epoch;
            best = std::make_unique<TriggerDetector<float>>(evaluated().copyWeights());
        }
    }
    scoreHeldOut(options);
}

// At the end of training with validation: the best epoch's weights and moving statistics copied into the evaluated
// detector (values only: the optimizer and the average keep their references), and the held-out clips scored again
// so the per-clip probabilities, the sweep and the tallies describe the detector that is saved.
void TriggerTask::State::restoreBest(const TriggerOptions& options)
{
    if (!best || bestEpoch == history.back().epoch) return;
    TriggerDetector<float>& to = evaluated();
    ParamList<float> from = best->parameters(), into = to.parameters();
    for (size_t k = 0; k < into.size(); ++k) into[k].valueBlock() = from[k].valueBlock();
    const BatchNorm<float>* a[] = {&best->convNorm, &best->norm1, &best->norm2};
    BatchNorm<float>* b[] = {&to.convNorm, &to.norm1, &to.norm2};
    for (int i = 0; i < 3; ++i) {
        b[i]->movingMean = a[i]->movingMean;
        b[i]->movingVar = a[i]->movingVar;
    }
    const TriggerEpoch kept = current;
    current = history[size_t(bestEpoch - 1)];
    scoreHeldOut(options);
    current = kept;
}

} // namespace unroll
