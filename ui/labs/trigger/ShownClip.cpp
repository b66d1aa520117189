// ShownClip; see ShownClip.hpp.
#include "labs/trigger/ShownClip.hpp"

#include "audio/AudioFile.hpp"
#include "util/Error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace unroll {

namespace {

std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

// Frames max-pooled into display columns as they arrive, in dB.
class ColumnPooler {
public:
    ColumnPooler(Index bins, std::int64_t pool) : pool_(std::max<std::int64_t>(1, pool)), acc_(bins) {}
    void add(ConstMatRef<float> power) // (bins, n)
    {
        for (Index t = 0; t < power.cols(); ++t) {
            if (count_ == 0) acc_ = power.col(t);
            else acc_ = acc_.cwiseMax(power.col(t));
            if (++count_ == pool_) flush();
        }
    }
    // The columns in dB (a last, partial group included).
    MatF finish()
    {
        if (count_ > 0) flush();
        MatF db(acc_.size(), Index(columns_.size()));
        for (Index c = 0; c < db.cols(); ++c) db.col(c) = columns_[size_t(c)];
        return db;
    }
    std::int64_t pool() const { return pool_; }

private:
    void flush()
    {
        Eigen::VectorXf db = acc_.unaryExpr([](float p) { return 10.0f * std::log10(std::max(p, 1e-12f)); });
        columns_.push_back(std::move(db));
        count_ = 0;
    }
    std::int64_t pool_;
    std::int64_t count_ = 0;
    Eigen::VectorXf acc_;
    std::vector<Eigen::VectorXf> columns_;
};

void setAxes(ShownClip& clip, const SpectrogramEngine& engine, std::int64_t pool)
{
    const SpectrogramOptions& o = engine.options();
    const double rate = clip.audio.sampleRate;
    clip.firstColumnS = ((double(pool) - 1) / 2 * o.hop + o.nfft / 2.0) / rate;
    clip.columnS = double(pool) * o.hop / rate;
    clip.binHz = rate / o.nfft;
}

void checkModel(const TriggerDetector<float>& model, const SpectrogramEngine& engine)
{
    if (model.config().nFreq != engine.bins())
        throw InputError("the detector reads " + std::to_string(model.config().nFreq) +
                         " frequency rows; the course spectrogram has " + std::to_string(engine.bins()));
}

} // namespace

double outputStepSeconds(const TriggerConfig& config)
{
    return double(config.stride) * courseSpectrogramOptions().hop / kLabRate;
}

void setSpectrogram(ShownClip& clip, const SpectrogramEngine& engine)
{
    const Spectrogram s = engine.compute(clip.audio.samples, clip.audio.sampleRate);
    const std::int64_t pool = std::max<std::int64_t>(1, (s.frames() + kMaxDisplayColumns - 1) / kMaxDisplayColumns);
    ColumnPooler pooler(s.bins(), pool);
    pooler.add(s.power);
    clip.db = pooler.finish();
    setAxes(clip, engine, pool);
}

std::vector<float> probabilityOf(const TriggerDetector<float>& model, const AudioClip& audio,
                                 const SpectrogramEngine& engine)
{
    checkModel(model, engine);
    const SpectrogramOptions& o = engine.options();
    const std::int64_t frames = spectrogramFrames(audio.size(), o.nfft, o.hop);
    if (frames < model.config().kernel) return {};
    if (audio.seconds() <= 60) {
        const Spectrogram s = engine.compute(audio.samples, audio.sampleRate);
        return detectorProbabilities(model, s.power);
    }
    // Long clips in pieces through the stream, as a file is read (bounded spectrogram memory).
    TriggerStream stream(model);
    std::vector<float> out;
    const std::int64_t block = 4096;
    MatF power;
    for (std::int64_t first = 0; first < frames; first += block) {
        const std::int64_t n = std::min(block, frames - first);
        power.resize(engine.bins(), n);
        engine.computeFrames(audio.samples, audio.sampleRate, first, power);
        const auto p = stream.push(power);
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

ShownClip analyzeAudioFile(const std::filesystem::path& path, const TriggerDetector<float>* model,
                           TrainingObserver& observer, double maxSeconds)
{
    const SpectrogramEngine engine(courseSpectrogramOptions());
    if (model) checkModel(*model, engine);
    AudioStream audio(path, kLabRate);
    const AudioInfo& info = audio.info();
    if (info.seconds() > maxSeconds)
        throw InputError(path.string() + ": " + num(info.seconds()) + " s is longer than the lab opens (" +
                         num(maxSeconds) + " s); unroll-cli detect reads files of any length");
    ShownClip clip;
    clip.title = QString::fromStdString(path.filename().string());
    clip.audio.sampleRate = kLabRate;
    const auto total = std::int64_t(std::ceil(info.seconds() * kLabRate));
    clip.audio.samples.reserve(size_t(std::max<std::int64_t>(0, total)));
    const int nfft = engine.options().nfft, hop = engine.options().hop;
    ColumnPooler pooler(engine.bins(), std::max<std::int64_t>(1, (spectrogramFrames(total, nfft, hop) +
                                                                  kMaxDisplayColumns - 1) / kMaxDisplayColumns));
    std::unique_ptr<TriggerStream> stream;
    if (model) stream = std::make_unique<TriggerStream>(*model);
    const std::size_t block = std::size_t(hop) * 4096; // about 7.4 s per read
    std::vector<float> pending;                       // samples from the next frame's start on
    MatF frames;
    while (true) {
        if (observer.stopRequested()) throw CancelledError();
        const std::size_t before = pending.size();
        const std::size_t got = audio.read(pending, block);
        clip.audio.samples.insert(clip.audio.samples.end(), pending.begin() + std::ptrdiff_t(before), pending.end());
        if (clip.audio.seconds() > maxSeconds + 1)
            throw InputError(path.string() + ": longer than the lab opens (" + num(maxSeconds) + " s)");
        if (pending.size() >= std::size_t(nfft)) {
            const std::int64_t n = spectrogramFrames(std::int64_t(pending.size()), nfft, hop);
            frames.resize(engine.bins(), n);
            engine.computeFrames(pending, kLabRate, 0, frames);
            pooler.add(frames);
            if (stream) {
                const auto p = stream->push(frames);
                clip.probability.insert(clip.probability.end(), p.begin(), p.end());
            }
            pending.erase(pending.begin(), pending.begin() + std::ptrdiff_t(n * hop));
        }
        observer.onProgress(clip.audio.size(), std::max(total, clip.audio.size()));
        if (got == 0) break;
    }
    if (clip.audio.size() < nfft)
        throw InputError(path.string() + ": " + std::to_string(clip.audio.size()) +
                         " samples at 44.1 kHz, fewer than one spectrogram frame (" + std::to_string(nfft) + ")");
    clip.db = pooler.finish();
    setAxes(clip, engine, pooler.pool());
    if (model) clip.frameSeconds = outputStepSeconds(model->config());
    return clip;
}

} // namespace unroll
