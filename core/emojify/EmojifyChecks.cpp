// Gradient checks of the whole Emojify V2 model (Emojifier.hpp) at a tiny size: embedding → LSTM (sequences) →
// dropout → LSTM read at each sentence's last word → dropout → dense → mean softmax cross-entropy. Three sentences of
// different lengths in one batch (one padded by two steps, one with no known word at all), so the check covers the
// masked read-out: no gradient may reach the padding steps. Dropout at rate 0.5 with the same mask in every
// evaluation (the mask's rng is re-seeded), frozen and trainable embeddings. See nn/GradCheckSuite.hpp.
#include "nn/GradCheckSuite.hpp"

#include "emojify/Emojifier.hpp"
#include "math/Rng.hpp"

namespace unroll {

namespace {

template <class T> void checkEmojifier(Rng& rng, CheckRun<T>& run, bool trainable)
{
    using namespace emojify;
    const std::vector<std::string> words = {"i", "love", "not", "happy", "ball", "food"};
    vectors::VectorMatrix values(Index(words.size()), 3);
    for (Index r = 0; r < values.rows(); ++r)
        for (Index c = 0; c < values.cols(); ++c) values(r, c) = rng.randn();
    auto vectors = std::make_shared<const vectors::WordVectors>(words, values, "check vectors");
    LstmEmojifier<T> model(vectors, {.classes = 3, .hidden = 3, .dropout = 0.5, .maxLength = 5,
                                     .trainableEmbedding = trainable});
    model.initialize(rng);
    // Random biases exercise every gate (zero ones leave the LSTMs near-linear at this size).
    for (auto* b : {&model.lstm1.b, &model.lstm2.b, &model.dense.b})
        *b = randomMatrix<T>(rng, b->rows(), b->cols(), 0.5);
    model.lstm1.W *= T(2);
    const SentenceBatch batch =
        model.encode({"i love food and ball", "not happy", "unknown words only", "happy ball i"}, 5);
    const std::vector<std::int32_t> labels = {0, 2, 1, 2};
    const std::uint32_t maskSeed = std::uint32_t(rng.randint(1, 1000000));
    auto loss = [&] {
        Rng masks(maskSeed);
        return model.forwardBackward(batch, labels, Mode::Train, masks, false);
    };
    auto lossAndGrad = [&] {
        Rng masks(maskSeed);
        model.zeroGrads();
        model.forwardBackward(batch, labels, Mode::Train, masks, true);
    };
    run.check(model.parameters(), loss, lossAndGrad);
}

struct EmojifierCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const { checkEmojifier(rng, run, false); }
};
struct EmojifierTrainableCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const { checkEmojifier(rng, run, true); }
};

} // namespace

void addEmojifyChecks(std::vector<GradCheckDefinition>& defs)
{
    defs.push_back(defineCheck<EmojifierCheck>("emojify_v2"));
    defs.push_back(defineCheck<EmojifierTrainableCheck>("emojify_v2_trainable"));
}

} // namespace unroll
