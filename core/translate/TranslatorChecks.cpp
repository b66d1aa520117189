// Gradient checks of the whole translator (Translator.hpp) at a tiny size: the Bi-LSTM encoder, the attention block
// at every output step (its context depends on the previous decoder state, so the check covers the gradient routed
// from d(context) back into s<t-1> and into the encoder), the decoder, the output layer and the masked loss. With
// attention, without it (the final encoder states as the context), and with the previous symbol fed to the decoder.
// See nn/GradCheckSuite.hpp.
#include "nn/GradCheckSuite.hpp"

#include "math/Rng.hpp"
#include "translate/Translator.hpp"

namespace unroll {

namespace {

template <class T> void checkTranslator(Rng& rng, CheckRun<T>& run, bool attention, bool feedPrevious)
{
    const TranslatorConfig config{.sourceVocab = 5,
                                  .targetVocab = 4,
                                  .Tx = 4,
                                  .Ty = 3,
                                  .n_a = 3,
                                  .n_s = 4,
                                  .n_h = 3,
                                  .attention = attention,
                                  .feedPrevious = feedPrevious,
                                  .endId = 3};
    const Index m = 2;
    Translator<T> model(config);
    model.initialize(rng);
    // Keras' zero biases leave the recurrent layers near-linear at these sizes; random ones exercise every gate.
    for (auto* b : {&model.encoder.forwardLayer.b, &model.encoder.backwardLayer.b, &model.decoder.b, &model.output.b})
        *b = randomMatrix<T>(rng, b->rows(), b->cols(), 0.5);
    // Larger input weights and a sharper attention than Keras' start: the attention's gradients then stand well above
    // the finite differences' rounding noise (below 3e-8 relative error over seeds 1 … 12, against 1e-6 at Keras'
    // scale).
    model.encoder.forwardLayer.W.rightCols(config.sourceVocab) *= T(2);
    model.encoder.backwardLayer.W.rightCols(config.sourceVocab) *= T(2);
    model.decoder.W.rightCols(model.decoderInputSize()) *= T(3);
    auto params = model.parameters();
    if (attention) {
        model.attention.dense1.b = randomMatrix<T>(rng, config.n_h, 1, 0.5);
        model.attention.dense1.W *= T(4);
        model.attention.dense2.W *= T(4);
        // Every energy above the relu's kink, whatever the seed: |W2 e| <= sum |W2| as |e| < 1. The softmax over t'
        // then cancels b2 (its gradient is exactly 0, which a relative error cannot check), so b2 is left out here;
        // the attention block's own checks (AttentionChecks.cpp) cover it and the relu on both sides of the kink.
        model.attention.dense2.b.setConstant(model.attention.dense2.W.cwiseAbs().sum() + T(0.5));
        std::erase_if(params, [](const Param<T>& p) { return p.name == "attention.b2"; });
    }
    std::vector<std::int32_t> source(size_t(m * config.Tx));
    for (auto& x : source) x = std::int32_t(rng.randint(0, config.sourceVocab));
    // Step-major (t*m + i). Example 0 ends at step 1 (<end> = 3), so its step 2 is not scored; example 1 is scored at
    // every step.
    const std::vector<std::int32_t> target = {1, 2, 3, 0, kNoTarget, 3};
    auto loss = [&] { return model.forward(source, target, m); };
    auto lossAndGrad = [&] {
        model.zeroGrads();
        model.forward(source, target, m);
        model.backward();
    };
    run.check(params, loss, lossAndGrad);
}

struct TranslatorCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const { checkTranslator(rng, run, true, false); }
};
struct TranslatorNoAttentionCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const { checkTranslator(rng, run, false, false); }
};
struct TranslatorFeedPreviousCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const { checkTranslator(rng, run, true, true); }
};

} // namespace

void addTranslatorChecks(std::vector<GradCheckDefinition>& defs)
{
    defs.push_back(defineCheck<TranslatorCheck>("translator"));
    defs.push_back(defineCheck<TranslatorNoAttentionCheck>("translator_no_attention"));
    defs.push_back(defineCheck<TranslatorFeedPreviousCheck>("translator_feed_previous"));
}

} // namespace unroll
