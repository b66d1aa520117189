// The learner functions of the notebook "Dinosaur Island — character-level language model" (Sequence Models course by
// deeplearning.ai, week 1) on our SequenceModel, exact to the notebook's numbers, and its three seeded examples.
//
//   auto ids = courseSample(model, /*newline*/ 0, /*seed*/ 0);          // sample(parameters, char_to_ix, 0)
//   auto r = courseOptimize(X, Y, aPrev, rnn, 0.01);                   // optimize(X, Y, a_prev, parameters, 0.01)
//   const auto examples = runDinosaurExamples();                        // clip, sample, optimize (2021 notebook)
//
// The course's dictionary of RNN parameters maps onto a one-layer SequenceModel<double> with CellKind::Rnn:
//   Wax (n_a, n_x), Waa (n_a, n_a)  -> the layer's stacked W = [Waa | Wax] (n_a, n_a + n_x), tensors "Waa", "Wax"
//   b (n_a, 1)                      -> the layer's b, tensor "ba" (see cellTensorNames, nn/Cells.hpp)
//   Wya (n_y, n_a), by (n_y, 1)     -> the Dense output layer's Wya, by
// The notebook's forward adds Wax x + Waa a_prev + b; ours adds (Wax x + b) + Waa a_prev, and dot products are summed
// in another order (Eigen's, not numpy's BLAS), so results can differ in the last bits. Of the notebook's prints only
// the 17-digit ones notice: optimize's loss and two gradients agree to ~13-15 digits (numpy 1.24.2 itself gives
// Loss = 126.50397572165356 where the 2021 notebook printed …389; ours is …392). See also courseSample on chaotic
// models.
//
// Leaves out: the training loop `model()` (its names need bit-exact np.random.shuffle over dinos.txt),
// the data helpers of utils.py, and the optional Keras part (Shakespeare). Nothing here prints.
#pragma once

#include "course/CourseExamples.hpp"
#include "nn/SequenceModel.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace unroll {

class Rng;

// The course's 27-symbol vocabulary (the notebook): '\n' -> 0, 'a' -> 1, …, 'z' -> 26.
inline constexpr std::int32_t kDinosaurVocabularySize = 27;
inline constexpr std::int32_t kDinosaurNewline = 0;
char dinosaurChar(std::int32_t index); // ix_to_char; InputError outside [0, 27)

// The course's sample() (the notebook) for any SequenceModel (RNN, GRU, LSTM, stacked), on a copy of the model:
//   x<1> = 0 (kNoInput), a<0> = 0 (and c<0> = 0); at step k = 0, 1, …: p = the model's softmax output (n_y,);
//   np.random.seed(k + seed_k) with seed_k = seed + k, i.e. Rng(seed + 2k); idx = np.random.choice(n_y, p = p);
//   append idx; feed it back as x<k+2>. Stops after the newline index or after maxLength characters, and then — as
//   the course's `if counter == 50` does — appends newlineIndex (even when the last sampled index was a newline).
// For T = double the probabilities go to Rng::choice as they are (numpy's choice, bit for bit). For float they are
// widened to double and divided by their sum, since numpy's choice rejects p whose sum is off by more than ~1.5e-8.
// A model with large recurrent weights is chaotic: a last-bit difference in a<t> grows about 2.3x per step in the
// notebook's v3a setup, so indices past ~40 steps depend on the order of the sums (numpy's, BLAS's, Eigen's).
// requires: inputSize == outputSize (the sample is fed back), newlineIndex in [0, n_y), maxLength >= 1, seed + 2
// (maxLength - 1) below 2^32; else InputError.
// ensures: 1 .. maxLength + 1 indices in [0, n_y); the last one is newlineIndex. The model is not changed.
template <class T>
std::vector<std::int32_t> courseSample(const SequenceModel<T>& model, std::int32_t newlineIndex, std::uint32_t seed,
                                       int maxLength = 50);

// The course's parameter dictionary (the notebook, utils.py), in numpy's shapes.
struct CourseRnnParameters {
    MatD Wax, Waa, Wya, b, by; // (n_a, n_x), (n_a, n_a), (n_y, n_a), (n_a, 1), (n_y, 1)
};

// The course's gradient dictionary as optimize() returns it (clip's keys, the notebook).
struct CourseRnnGradients {
    MatD dWaa, dWax, dWya, db, dby; // (n_a, n_a), (n_a, n_x), (n_y, n_a), (n_a, 1), (n_y, 1)
};

// np.random.randn draws in the notebook tests' order: Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), b (n_a, 1),
// by (n_y, 1), unscaled.
CourseRnnParameters drawCourseRnnParameters(Rng& rng, Index n_x, Index n_a, Index n_y);

// A one-layer RNN SequenceModel<double> (LossReduction::Sum, the course's loss) holding `p`; sizes from p's shapes.
// requires: consistent shapes, else InputError.
SequenceModel<double> courseRnnModel(const CourseRnnParameters& p);
// The model's parameters / gradients under the course's names. requires: a one-layer RNN, else InputError.
CourseRnnParameters courseRnnParameters(SequenceModel<double>& model);
CourseRnnGradients courseRnnGradients(SequenceModel<double>& model);

struct CourseOptimizeResult {
    double loss = 0;              // sum over t of -ln ŷ<t>[Y[t]], computed before the update
    CourseRnnGradients gradients; // clipped element-wise to [-5, 5]
    MatD aLast;                   // a<T_x> (n_a, 1), the course's a[len(X) - 1]
};

// The course's optimize(X, Y, a_prev, parameters, learning_rate) (the notebook): rnn_forward from a_prev, the
// summed loss, rnn_backward, clip(gradients, 5) element-wise (ClipMode::Value), then SGD θ -= lr dθ — the model's
// parameters are updated in place, as the course's dictionary is.
//   X: T_x input indices, kNoInput for the course's None (a zero input); Y: T_x targets; aPrev: (n_a, 1).
// The model's gradients are zeroed first and hold the clipped gradients afterwards. Its carried state (the one
// forward() and predict() start from) is neither read nor changed: the course passes a_prev explicitly.
// requires: a one-layer RNN with LossReduction::Sum; X, Y of equal non-zero length with indices in range; aPrev of
// shape (n_a, 1); learningRate > 0; else InputError.
CourseOptimizeResult courseOptimize(std::span<const std::int32_t> X, std::span<const std::int32_t> Y,
                                    const MatD& aPrev, SequenceModel<double>& model, double learningRate = 0.01);

// The notebook's three seeded examples (2021 version), in its order, with the lines its tests print:
//   clip      keys "maxValue_10/dWaa" … "maxValue_10/dby", "maxValue_5/dWaa" … (a key "group/name" is array `name`
//             of group `group`): np.random.seed(3); dWax (5,3), dWaa (5,5), dWya (2,5), db (5,1), dby (2,1) = randn
//             * 10; clipped to ±10 and to ±5.
//   sample    "indices" (integers): seed 24, vocabulary 27, n_a 100, drawCourseRnnParameters, courseSample(…, 0).
//   optimize  "loss" (a scalar, shape ()), "dWaa", "dWax", "dWya", "db", "dby", "a_last" (n_a, 1): seed 1; a_prev =
//             randn(100, 1), then the parameters; X = [12, 3, 5, 11, 22, 3] (no None: the test's X starts with 12),
//             Y = [4, 14, 11, 22, 25, 26], lr 0.01.
std::vector<CourseExample> runDinosaurExamples();

// The sample test's model: np.random.seed(seed); drawCourseRnnParameters(27, 100, 27). Seed 24 is the 2021 test,
// seed 2 the v3a one.
SequenceModel<double> dinosaurSampleModel(std::uint32_t seed);

} // namespace unroll
