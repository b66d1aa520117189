// Training V1 and V2 side by side, one epoch of each per step.
#include "emojify/EmojifyTask.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"

#include <charconv>
#include <chrono>
#include <numeric>

namespace unroll::emojify {

Variant parseVariant(std::string_view id)
{
    for (std::size_t i = 0; i < variantIds.size(); ++i)
        if (variantIds[i] == id) return Variant(i);
    throw InputError("unknown variant \"" + std::string(id) + "\" (known: v1, v2, both)");
}

namespace {

std::string number(double v)
{
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

double seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void checkClasses(const SentenceSet& set, int classes)
{
    for (const auto& s : set.sentences)
        if (s.label >= classes)
            throw InputError(set.source + ": line " + std::to_string(s.line) + ": the label " +
                             std::to_string(s.label) + " is beyond the training data's " + std::to_string(classes) +
                             " classes");
}

} // namespace

EmojifyTask::EmojifyTask(EmojifyData data, std::shared_ptr<const WordVectors> vectors, const EmojifyOptions& options)
    : data_(std::move(data)), vectors_(std::move(vectors)), options_(options)
{
    if (data_.train.sentences.empty()) throw InputError("no training sentences");
    if (!vectors_ || vectors_->empty()) throw InputError("no word vectors");
    const int n_y = data_.train.classCount();
    for (const auto* set : {&data_.validation, &data_.test, &data_.negations}) checkClasses(*set, n_y);
    const auto& o = options_;
    if (o.v1.epochs < 1 || o.v1.epochs > 1'000'000)
        throw InputError("V1 epochs " + std::to_string(o.v1.epochs) + " must be in 1..1000000");
    if (o.v2.epochs < 1 || o.v2.epochs > 1'000'000)
        throw InputError("V2 epochs " + std::to_string(o.v2.epochs) + " must be in 1..1000000");
    if (o.v2.batch < 1) throw InputError("batch size " + std::to_string(o.v2.batch) + " must be at least 1");
    if (!(o.v1.learningRate > 0) || !(o.v2.learningRate > 0))
        throw InputError("the learning rates must be above 0 (V1 " + number(o.v1.learningRate) + ", V2 " +
                         number(o.v2.learningRate) + ")");

    std::vector<Sentence> all = data_.train.sentences;
    for (const auto* set : {&data_.validation, &data_.test, &data_.negations})
        all.insert(all.end(), set->sentences.begin(), set->sentences.end());
    missing_ = emojify::missingWords(all, *vectors_);
    maxLength_ = std::max<Eigen::Index>(1, maxKnownLength(data_.train.sentences, *vectors_));

    if (has(Variant::V1)) {
        v1_.emplace(vectors_, n_y);
        Rng rng(o.seed); // np.random.seed(1) before model(): W's draw
        v1_->initialize(rng);
    }
    if (has(Variant::V2)) {
        v2_ = std::make_unique<LstmEmojifier<float>>(
            vectors_, LstmEmojifierConfig{.classes = n_y,
                                          .hidden = o.v2.hidden,
                                          .dropout = o.v2.dropout,
                                          .maxLength = maxLength_,
                                          .trainableEmbedding = o.v2.trainableEmbedding});
        Rng init(o.seed + 1000u);
        v2_->initialize(init);
        adam_ = std::make_unique<Optimizer<float>>(
            OptimizerOptions{.kind = OptimizerKind::Adam, .learningRate = o.v2.learningRate}, v2_->parameters());
        shuffleRng_ = std::make_unique<Rng>(o.seed + 2000u);
        dropoutRng_ = std::make_unique<Rng>(o.seed + 3000u);
        order_.resize(data_.train.size());
        std::iota(order_.begin(), order_.end(), 0);
    }
}

EmojifyTask::~EmojifyTask() = default;

bool EmojifyTask::has(Variant v) const
{
    return options_.variant == Variant::Both || options_.variant == v;
}

int EmojifyTask::epochs(Variant v) const
{
    if (!has(v)) return 0;
    return v == Variant::V1 ? options_.v1.epochs : options_.v2.epochs;
}

std::int64_t EmojifyTask::totalSteps() const
{
    return std::max(epochs(Variant::V1), epochs(Variant::V2));
}

const std::vector<EmojifyEpoch>& EmojifyTask::history(Variant v) const
{
    return v == Variant::V1 ? history1_ : history2_;
}

std::vector<std::int32_t> EmojifyTask::predict(Variant v, const SentenceSet& set) const
{
    if (v == Variant::V1 && v1_) return v1_->predictLabels(set.sentences);
    if (v == Variant::V2 && v2_) return v2_->predictLabels(set.sentences);
    throw InputError(std::string("this run has no ") + std::string(variantIds[size_t(v)]) + " model");
}

Eigen::MatrixXi EmojifyTask::confusion(Variant v, const SentenceSet& set) const
{
    return confusionMatrix(set.labels(), predict(v, set), data_.train.classCount());
}

void EmojifyTask::evaluate(Variant v, EmojifyEpoch& r) const
{
    auto acc = [&](const SentenceSet& set) {
        return set.sentences.empty() ? 0.0 : accuracy(set.labels(), predict(v, set));
    };
    r.trainAccuracy = acc(data_.train);
    r.validationAccuracy = acc(data_.validation);
    r.testAccuracy = acc(data_.test);
}

StepMetrics EmojifyTask::step()
{
    if (finished()) throw InputError("the run is finished (" + std::to_string(totalSteps()) + " epochs)");
    const int epoch = int(steps_) + 1;
    StepMetrics metrics;
    metrics.step = ++steps_;
    const auto& train = data_.train.sentences;

    if (v1_ && epoch <= options_.v1.epochs) {
        const auto t0 = std::chrono::steady_clock::now();
        EmojifyEpoch r;
        r.epoch = epoch;
        r.loss = v1_->trainEpoch(train, options_.v1.learningRate);
        r.seconds = seconds(t0);
        evaluate(Variant::V1, r);
        history1_.push_back(r);
        metrics.loss = r.loss;
        metrics.learningRate = options_.v1.learningRate;
        metrics.examples += std::int64_t(train.size());
    }
    if (v2_ && epoch <= options_.v2.epochs) {
        const auto t0 = std::chrono::steady_clock::now();
        shuffleRng_->shuffle(std::span<std::int32_t>(order_));
        const Eigen::Index n = Eigen::Index(order_.size()), B = options_.v2.batch;
        double total = 0, norm = 0;
        std::vector<std::string> texts;
        std::vector<std::int32_t> labels;
        for (Eigen::Index begin = 0; begin < n; begin += B) {
            const Eigen::Index end = std::min(n, begin + B);
            texts.clear();
            labels.clear();
            for (Eigen::Index i = begin; i < end; ++i) {
                texts.push_back(train[std::size_t(order_[std::size_t(i)])].text);
                labels.push_back(train[std::size_t(order_[std::size_t(i)])].label);
            }
            const SentenceBatch batch = v2_->encode(texts, maxLength_);
            v2_->zeroGrads();
            const double loss = v2_->forwardBackward(batch, labels, Mode::Train, *dropoutRng_, true);
            checkFiniteLoss(loss, steps_);
            norm = adam_->step();
            total += loss * double(end - begin);
        }
        EmojifyEpoch r;
        r.epoch = epoch;
        r.loss = total / double(n);
        r.seconds = seconds(t0);
        evaluate(Variant::V2, r);
        history2_.push_back(r);
        metrics.loss = r.loss; // V2's while it trains
        metrics.gradNorm = norm;
        metrics.learningRate = options_.v2.learningRate;
        metrics.examples += n;
    }
    return metrics;
}

EmojifyModels EmojifyTask::models() const
{
    EmojifyModels m;
    m.classes = classes();
    m.vectors = vectors_;
    if (v1_) m.v1 = *v1_;
    if (v2_) m.v2 = *v2_;
    return m;
}

void EmojifyTask::saveModels(const std::filesystem::path& path) const
{
    saveEmojifyModels(path, models());
}

} // namespace unroll::emojify
