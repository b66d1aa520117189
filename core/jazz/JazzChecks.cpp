// Gradient check of the jazz model (JazzTask.hpp) at a tiny size: the course's training graph of two windows side by
// side, x<1> = 0 (kNoInput) and x<t+1> = y<t>, zero initial state, LSTM -> Dense softmax, cross-entropy summed over
// the steps and averaged over the windows. See nn/GradCheckSuite.hpp.
#include "nn/GradCheckSuite.hpp"

#include "jazz/JazzTask.hpp"
#include "math/Rng.hpp"
#include "nn/Recurrent.hpp"

namespace unroll {

namespace {

struct JazzModelCheck {
    template <class T> void operator()(Rng& rng, CheckRun<T>& run) const
    {
        const int V = 5;
        const Index m = 2;
        SequenceModel<T> model(jazz::jazzModelOptions(V, 3));
        model.initialize(rng);
        // Random biases exercise every gate.
        model.layers[0].b = randomMatrix<T>(rng, model.layers[0].b.rows(), model.layers[0].b.cols(), 0.5);
        model.output.b = randomMatrix<T>(rng, model.output.b.rows(), model.output.b.cols(), 0.5);
        const std::vector<std::int32_t> y = {1, 4, 0, 2, 3, 3, 2, 0}; // (t, i) at t*m + i
        std::vector<std::int32_t> x(y.size(), kNoInput);
        for (std::size_t c = std::size_t(m); c < y.size(); ++c) x[c] = y[c - std::size_t(m)];
        auto loss = [&] {
            model.resetState();
            return model.forward(x, y, m);
        };
        auto lossAndGrad = [&] {
            model.resetState();
            model.zeroGrads();
            model.forward(x, y, m);
            model.backward();
        };
        run.check(model.parameters(), loss, lossAndGrad);
    }
};

} // namespace

void addJazzChecks(std::vector<GradCheckDefinition>& defs)
{
    defs.push_back(defineCheck<JazzModelCheck>("jazz"));
}

} // namespace unroll
