// Training the date translator on both cores, validating it after each epoch; see TranslatorTask.hpp.
#include "translate/TranslatorTask.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>

namespace unroll {

namespace {

// Shards per batch. Fixed (not the thread count) so that a run gives the same numbers on any number of threads;
// four keep both cores busy when one of them is slowed by another process (a core claims the next shard as soon as it
// is free) while leaving 25 examples per shard at the course's batch of 100, enough for the products to run well.
constexpr std::int64_t kShards = 4;

TranslatorConfig modelConfig(const TranslationData& data, const TranslatorConfig& units)
{
    TranslatorConfig c = units;
    c.sourceVocab = std::int64_t(data.source.size());
    c.targetVocab = std::int64_t(data.target.size());
    c.Tx = data.Tx;
    c.Ty = data.Ty;
    const auto end = data.target.find(kEndSymbol);
    c.endId = data.targetEnd && end ? *end : kNoTarget;
    return c;
}

} // namespace

ValidationReport validateTranslator(const Translator<float>& model, const SymbolVocab& source,
                                    const SymbolVocab& target, const std::vector<DatePair>& pairs,
                                    BleuTokens bleuTokens)
{
    const auto& c = model.config();
    ValidationReport report;
    report.pairs = pairs;
    if (pairs.empty()) return report;
    std::vector<std::vector<std::int32_t>> sources;
    sources.reserve(pairs.size());
    for (const auto& p : pairs) sources.push_back(encodeSource(source, c.Tx, p.source));
    const auto decoded = translateGreedy(model, sources);
    std::int64_t exact = 0, positions = 0, right = 0;
    std::vector<Tokens> references, hypotheses;
    for (size_t i = 0; i < pairs.size(); ++i) {
        const std::string out = decodeTarget(target, decoded[i].ids);
        const auto expected = encodeTarget(target, c.Ty, pairs[i].target);
        for (size_t t = 0; t < expected.size(); ++t) {
            if (expected[t] == kNoTarget) continue;
            ++positions;
            right += decoded[i].ids[t] == expected[t];
        }
        exact += out == pairs[i].target;
        references.push_back(tokenize(pairs[i].target, bleuTokens));
        hypotheses.push_back(tokenize(out, bleuTokens));
        report.outputs.push_back(out);
    }
    report.metrics.exactMatch = double(exact) / double(pairs.size());
    report.metrics.charAccuracy = positions ? double(right) / double(positions) : 0.0;
    report.metrics.bleu = corpusBleu(references, hypotheses).bleu;
    return report;
}

// One model being trained: the master weights the optimizer steps, one replica per shard that runs forward and
// backward, and what the epochs recorded.
struct TranslatorTask::Run {
    std::unique_ptr<Translator<float>> model;
    ParamList<float> params;
    std::vector<Translator<float>> replicas;
    std::vector<ParamList<float>> replicaParams;
    std::unique_ptr<Optimizer<float>> optimizer;
    std::vector<double> shardLoss;
    std::vector<std::vector<std::int32_t>> shardSource, shardTarget; // each shard's ids, sized at the first batch
    EpochRecord current;              // the epoch in progress, appended to history when it ends
    std::vector<EpochRecord> history;
    ValidationReport report;
    double epochLoss = 0;     // sum of the epoch's batch losses so far
    std::int64_t epochBatches = 0;

    Run(const TranslatorConfig& config, const TranslatorOptions& options)
    {
        model = std::make_unique<Translator<float>>(config);
        Rng rng(options.seed);
        model->initialize(rng);
        params = model->parameters();
        optimizer = std::make_unique<Optimizer<float>>(options.optimizer, params);
        replicas.assign(size_t(kShards), model->copyWeights());
        for (auto& r : replicas) replicaParams.push_back(r.parameters());
        shardLoss.assign(size_t(kShards), 0.0);
        shardSource.resize(size_t(kShards));
        shardTarget.resize(size_t(kShards));
    }
};

TranslatorTask::TranslatorTask(const TranslationData& data, const TranslatorOptions& options)
    : data_(data), options_(options)
{
    if (options.batch < 1 || options.batch > 100000)
        throw InputError("batch " + std::to_string(options.batch) + " is outside 1 … 100000");
    if (options.epochs < 1) throw InputError("epochs " + std::to_string(options.epochs) + " must be at least 1");
    if (!(options.decay >= 0)) throw InputError("learning-rate decay " + std::to_string(options.decay) + " is negative");
    if (!(options.optimizer.learningRate > 0))
        throw InputError("learning rate " + std::to_string(options.optimizer.learningRate) + " must be positive");
    split_ = splitHeldOut(data_, options.heldOut, options.seed);
    if (split_.train.empty()) throw InputError("no pairs left to train on after holding out " +
                                               std::to_string(options.heldOut));
    const TranslatorConfig config = modelConfig(data_, options.model);
    for (const auto& p : split_.train) {
        sources_.push_back(encodeSource(data_.source, config.Tx, p.source));
        targets_.push_back(encodeTarget(data_.target, config.Ty, p.target));
    }
    main_ = std::make_unique<Run>(config, options);
    if (options.baseline) {
        TranslatorConfig b = config;
        b.attention = false;
        baseline_ = std::make_unique<Run>(b, options);
    }
    order_.resize(split_.train.size());
    std::iota(order_.begin(), order_.end(), 0);
}

TranslatorTask::~TranslatorTask() = default;

std::int64_t TranslatorTask::stepsPerEpoch() const
{
    const auto n = std::int64_t(split_.train.size());
    return (n + options_.batch - 1) / options_.batch;
}

int TranslatorTask::epochsDone() const { return int(steps_ / stepsPerEpoch()); }

double TranslatorTask::currentLearningRate() const
{
    // The rate of the epoch the next step belongs to.
    return options_.optimizer.learningRate / (1 + options_.decay * double(epochsDone()));
}

const Translator<float>& TranslatorTask::model() const { return *main_->model; }
const Translator<float>* TranslatorTask::baseline() const { return baseline_ ? baseline_->model.get() : nullptr; }
const std::vector<EpochRecord>& TranslatorTask::history() const { return main_->history; }
const std::vector<EpochRecord>& TranslatorTask::baselineHistory() const
{
    static const std::vector<EpochRecord> none;
    return baseline_ ? baseline_->history : none;
}
const ValidationReport& TranslatorTask::lastReport() const { return main_->report; }
const ValidationReport& TranslatorTask::lastBaselineReport() const
{
    static const ValidationReport none;
    return baseline_ ? baseline_->report : none;
}

void TranslatorTask::saveModel(const std::filesystem::path& path) const
{
    saveTranslator(path, *main_->model, data_.source, data_.target);
}

StepMetrics TranslatorTask::trainBatch(Run& run, std::int64_t begin, std::int64_t end)
{
    const auto& c = run.model->config();
    const std::int64_t m = end - begin, shards = std::min(kShards, m);
    // The master's weights into every replica (53k floats each for the course's model).
    for (std::int64_t s = 0; s < shards; ++s)
        for (size_t k = 0; k < run.params.size(); ++k) *run.replicaParams[size_t(s)][k].value = *run.params[k].value;
    // Shard s holds examples [m s / S, m (s+1) / S) of the batch; each runs forward and backward on its replica.
    parallelFor(
        shards,
        [&](std::int64_t first, std::int64_t last) {
            for (std::int64_t s = first; s < last; ++s) {
                const std::int64_t b = begin + m * s / shards, e = begin + m * (s + 1) / shards, ms = e - b;
                auto& x = run.shardSource[size_t(s)];
                auto& y = run.shardTarget[size_t(s)];
                x.resize(size_t(ms * c.Tx));
                y.resize(size_t(ms * c.Ty));
                for (std::int64_t i = 0; i < ms; ++i) {
                    const auto& src = sources_[size_t(order_[size_t(b + i)])];
                    const auto& tgt = targets_[size_t(order_[size_t(b + i)])];
                    for (std::int64_t t = 0; t < c.Tx; ++t) x[size_t(t * ms + i)] = src[size_t(t)];
                    for (std::int64_t t = 0; t < c.Ty; ++t) y[size_t(t * ms + i)] = tgt[size_t(t)];
                }
                auto& replica = run.replicas[size_t(s)];
                replica.zeroGrads();
                run.shardLoss[size_t(s)] = replica.forward(x, y, ms);
                replica.backward();
            }
        },
        int(shards)); // one chunk per shard, claimed by whichever thread is free
    // The batch's loss and gradient: each shard's mean over its examples, weighted by its share, summed in shard order.
    double loss = 0;
    for (const auto& p : run.params) p.grad->setZero();
    for (std::int64_t s = 0; s < shards; ++s) {
        const std::int64_t ms = m * (s + 1) / shards - m * s / shards;
        const double w = double(ms) / double(m);
        loss += w * run.shardLoss[size_t(s)];
        for (size_t k = 0; k < run.params.size(); ++k)
            *run.params[k].grad += float(w) * *run.replicaParams[size_t(s)][k].grad;
    }
    StepMetrics metrics;
    metrics.loss = loss;
    checkFiniteLoss(loss, steps_ + 1);
    metrics.learningRate = run.optimizer->currentLearningRate();
    metrics.gradNorm = run.optimizer->step();
    metrics.examples = m;
    for (std::int64_t i = begin; i < end; ++i)
        for (auto y : targets_[size_t(order_[size_t(i)])]) metrics.predictions += y != kNoTarget;
    run.epochLoss += loss;
    ++run.epochBatches;
    return metrics;
}

StepMetrics TranslatorTask::step()
{
    const std::int64_t perEpoch = stepsPerEpoch(), inEpoch = steps_ % perEpoch;
    const int epoch = epochsDone(); // 0-based: the epoch this step belongs to
    if (inEpoch == 0) {
        // A new epoch: a fresh order of the examples (seeded by the epoch) and the epoch's learning rate.
        std::iota(order_.begin(), order_.end(), 0);
        Rng shuffle(options_.seed + 1000003u * std::uint32_t(epoch + 1));
        shuffle.shuffle(std::span<std::int32_t>(order_));
        const double lr = currentLearningRate();
        for (Run* run : {main_.get(), baseline_.get()})
            if (run) {
                run->optimizer->setLearningRate(lr);
                run->epochLoss = 0;
                run->epochBatches = 0;
                run->current = EpochRecord();
                run->current.epoch = epoch + 1;
                run->current.learningRate = lr;
            }
    }
    const auto started = std::chrono::steady_clock::now();
    const std::int64_t begin = inEpoch * options_.batch,
                       end = std::min<std::int64_t>(begin + options_.batch, std::int64_t(order_.size()));
    StepMetrics metrics = trainBatch(*main_, begin, end);
    if (baseline_) trainBatch(*baseline_, begin, end);
    ++steps_;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (Run* run : {main_.get(), baseline_.get()})
        if (run) {
            auto& record = run->current;
            record.seconds += seconds;
            record.step = steps_;
            record.loss = run->epochLoss / double(run->epochBatches);
        }
    metrics.step = steps_;
    if (inEpoch == perEpoch - 1) endEpoch();
    return metrics;
}

void TranslatorTask::endEpoch()
{
    for (Run* run : {main_.get(), baseline_.get()}) {
        if (!run) continue;
        if (!split_.heldOut.empty()) {
            run->report = validateTranslator(*run->model, data_.source, data_.target, split_.heldOut,
                                             options_.bleuTokens);
            run->current.metrics = run->report.metrics;
        }
        run->history.push_back(run->current);
    }
}

TranslatorBench benchTranslator(int epochs, std::uint32_t seed)
{
    if (epochs < 1) throw InputError("bench: epochs " + std::to_string(epochs) + " must be at least 1");
    TranslatorOptions options;
    options.epochs = epochs;
    options.seed = seed;
    options.heldOut = 0; // the course trains on all 10,000
    TranslatorTask task(courseDateData(10000, seed), options);
    for (std::int64_t s = 0; s < task.totalSteps(); ++s) task.step();
    TranslatorBench bench;
    for (const auto& r : task.history()) bench.epochSeconds.push_back(r.seconds);
    std::vector<double> timed(bench.epochSeconds.begin() + (epochs > 1 ? 1 : 0), bench.epochSeconds.end());
    std::sort(timed.begin(), timed.end());
    const size_t n = timed.size();
    bench.secondsPerEpoch = n % 2 ? timed[n / 2] : (timed[n / 2 - 1] + timed[n / 2]) / 2;
    bench.examplesPerSecond = bench.secondsPerEpoch > 0 ? 10000.0 / bench.secondsPerEpoch : 0.0;
    return bench;
}

} // namespace unroll
