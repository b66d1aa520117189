// Sampling from a character model; see Sampling.hpp.
#include "charlm/Sampling.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace unroll {

std::vector<double> adjustedDistribution(std::span<const float> p, const SamplingOptions& o)
{
    if (!(o.temperature > 0) || !std::isfinite(o.temperature))
        throw InputError("temperature must be positive, got " + std::to_string(o.temperature));
    std::vector<double> q(p.size());
    double mx = -1e300;
    for (size_t i = 0; i < p.size(); ++i) {
        q[i] = std::log(std::max(double(p[i]), 1e-300)) / o.temperature;
        mx = std::max(mx, q[i]);
    }
    for (auto& v : q) v = std::exp(v - mx);
    if (o.topK > 0 && size_t(o.topK) < q.size()) {
        std::vector<double> sorted = q;
        std::nth_element(sorted.begin(), sorted.begin() + (o.topK - 1), sorted.end(), std::greater<>());
        const double kth = sorted[size_t(o.topK - 1)];
        int kept = 0;
        for (auto& v : q) {
            if (v >= kth && kept < o.topK)
                ++kept;
            else
                v = 0;
        }
    }
    const double sum = std::accumulate(q.begin(), q.end(), 0.0);
    for (auto& v : q) v /= sum;
    return q;
}

CharSampler::CharSampler(std::shared_ptr<const SequenceModel<float>> model, const Vocabulary& vocab)
    : model_(std::move(model)), vocab_(vocab)
{
    start();
}

void CharSampler::start(std::u32string_view prime)
{
    ws_.reset();
    text_.clear();
    const std::int32_t none = kNoInput;
    const auto& probs = model_->predict(std::span<const std::int32_t>(&none, 1), 1, ws_);
    p_.assign(probs.data(), probs.data() + probs.rows());
    for (char32_t c : prime) feed(vocab_.indexOf(c));
}

void CharSampler::feed(std::int32_t index)
{
    text_.push_back(vocab_.symbol(index));
    const auto& probs = model_->predict(std::span<const std::int32_t>(&index, 1), 1, ws_);
    p_.assign(probs.data(), probs.data() + probs.rows());
}

std::int32_t CharSampler::next(Rng& rng, const SamplingOptions& options)
{
    std::int32_t index;
    if (options.greedy) {
        index = std::int32_t(std::max_element(p_.begin(), p_.end()) - p_.begin());
    } else {
        const auto q = adjustedDistribution(p_, options);
        index = std::int32_t(rng.choice(q));
    }
    feed(index);
    return index;
}

std::u32string sampleLine(const SequenceModel<float>& model, const Vocabulary& vocab, std::u32string_view prime,
                          const SamplingOptions& options, Rng& rng)
{
    // Not owned: the sampler lives only inside this call.
    CharSampler s(std::shared_ptr<const SequenceModel<float>>(std::shared_ptr<void>(), &model), vocab);
    s.start(prime);
    std::u32string out;
    for (int k = 0; k < options.maxLength; ++k) {
        const char32_t c = vocab.symbol(s.next(rng, options));
        if (c == U'\n') break;
        out.push_back(c);
    }
    return out;
}

} // namespace unroll
