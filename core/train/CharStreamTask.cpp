// Character model on a continuous text; see CharStreamTask.hpp.
#include "train/CharStreamTask.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"

#include <cmath>

namespace unroll {

CharStreamTask::CharStreamTask(std::u32string text, const CharStreamOptions& o)
    : text_(std::move(text)), options_(o)
{
    if (o.window < 1 || o.batch < 1) throw InputError("window and batch must be positive");
    if (Index(text_.size()) < o.batch * (o.window + 1))
        throw InputError("the text has " + std::to_string(text_.size()) + " characters; " +
                         std::to_string(o.batch * (o.window + 1)) + " are needed for " + std::to_string(o.batch) +
                         " streams of windows of " + std::to_string(o.window));
    vocab_ = Vocabulary::fromText(text_);
    if (vocab_.size() < 2) throw InputError("the text needs at least two different characters");
    ids_ = vocab_.encode(text_);
    const Index V = Index(vocab_.size());
    model_ = std::make_unique<SequenceModel<float>>(SequenceModelOptions{
        .cell = o.cell, .inputSize = V, .hiddenSize = o.hidden, .outputSize = V, .layers = o.layers,
        .reduction = LossReduction::Mean});
    Rng rng(o.seed);
    model_->initialize(rng, o.init);
    params_ = model_->parameters();
    optimizer_ = std::make_unique<Optimizer<float>>(o.optimizer, params_);
    x_.resize(size_t(o.batch * o.window));
    y_.resize(x_.size());
}

StepMetrics CharStreamTask::step()
{
    const Index B = options_.batch, T = options_.window, len = Index(ids_.size()) / B;
    if (pos_ + T + 1 > len) {
        pos_ = 0;
        model_->resetState();
    }
    for (Index t = 0; t < T; ++t)
        for (Index j = 0; j < B; ++j) {
            x_[size_t(t * B + j)] = ids_[size_t(j * len + pos_ + t)];
            y_[size_t(t * B + j)] = ids_[size_t(j * len + pos_ + t + 1)];
        }
    ++steps_;
    StepMetrics m;
    m.loss = model_->forward(x_, y_, B);
    checkFiniteLoss(m.loss, steps_);
    model_->backward();
    checkFiniteGradients(params_, steps_);
    m.learningRate = optimizer_->currentLearningRate();
    m.gradNorm = optimizer_->step();
    model_->zeroGrads();
    m.examples = B * T;
    lastPos_ = pos_;
    pos_ += T;
    return m;
}

std::u32string CharStreamTask::lastWindowText() const
{
    if (steps_ == 0) return {};
    return text_.substr(size_t(lastPos_), size_t(options_.window));
}

MatF CharStreamTask::lastHidden() const
{
    if (steps_ == 0) return {};
    const auto& top = model_->layers.back();
    const Index B = options_.batch, T = options_.window;
    MatF h(top.hiddenSize(), T);
    for (Index t = 0; t < T; ++t) h.col(t) = top.A().col((t + 1) * B); // stream 0 of step t
    return h;
}

std::vector<float> CharStreamTask::lastTargetProbabilities() const
{
    std::vector<float> p;
    if (steps_ == 0) return p;
    const Index B = options_.batch;
    for (Index t = 0; t < options_.window; ++t) p.push_back(model_->probs()(y_[size_t(t * B)], t * B));
    return p;
}

std::u32string sampleText(SequenceModel<float> model, const Vocabulary& vocab, std::u32string_view prime,
                          std::size_t n, double temperature, Rng& rng)
{
    if (!(temperature > 0)) throw InputError("temperature must be positive");
    model.resetState();
    std::vector<std::int32_t> in(1);
    std::u32string out;
    std::vector<double> p(vocab.size());
    const MatF* probs = nullptr;
    for (char32_t c : prime.empty() ? std::u32string_view(U"\n") : prime) {
        in[0] = vocab.indexOf(c);
        probs = &model.predict(in, 1);
    }
    for (std::size_t k = 0; k < n; ++k) {
        // Temperature in log space, in double, so choice() sees probabilities that sum to 1.
        double mx = -1e300;
        for (size_t i = 0; i < p.size(); ++i) {
            p[i] = std::log(std::max(double((*probs)(Index(i), 0)), 1e-300)) / temperature;
            mx = std::max(mx, p[i]);
        }
        double sum = 0;
        for (auto& v : p) sum += (v = std::exp(v - mx));
        for (auto& v : p) v /= sum;
        in[0] = std::int32_t(rng.choice(p));
        out.push_back(vocab.symbol(in[0]));
        probs = &model.predict(in, 1);
    }
    return out;
}

} // namespace unroll
