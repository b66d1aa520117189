// Gradient check of the Embedding: a sequence with a repeated word (its gradient is the sum of both uses), the unknown
// word and padding, under a Linear layer so the loss depends on the vectors non-trivially. See GradCheckSuite.hpp.
#include "nn/GradCheckSuite.hpp"

#include "math/Rng.hpp"
#include "nn/Embedding.hpp"
#include "nn/Linear.hpp"
#include "nn/Recurrent.hpp"

namespace unroll {

namespace {

struct EmbeddingCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const Index V = 5, n_e = 3;
        Embedding<T> emb(V, n_e);
        emb.initialize(rng, 1.0);
        Linear<T> dense(n_e, 2, Activation::Tanh);
        dense.initialize(rng, 1.5);
        const std::vector<std::int32_t> ids = {2, 0, 2, emb.unknownId(), kNoInput, 4};
        const Mat<T> R = randomMatrix<T>(rng, 2, Index(ids.size()));
        Mat<T> X, dX;
        LinearCache<T> cache;
        auto loss = [&] {
            emb.forward(ids, X);
            dense.forward(X, cache);
            return double((R.array() * cache.Y.array()).sum());
        };
        auto lossAndGrad = [&] {
            emb.zeroGrads();
            dense.zeroGrads();
            loss();
            dense.backward(X, cache, R, &dX);
            emb.backward(ids, dX);
        };
        run.check(emb.parameters(), loss, lossAndGrad);
    }
};

} // namespace

void addEmbeddingChecks(std::vector<GradCheckDefinition>& defs)
{
    defs.push_back(defineCheck<EmbeddingCheck>("embedding"));
}

} // namespace unroll
