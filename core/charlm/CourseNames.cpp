// The Dinosaur Island learner functions and their seeded examples; see CourseNames.hpp.
#include "charlm/CourseNames.hpp"

#include "math/Rng.hpp"
#include "train/Optimizer.hpp"
#include "util/Error.hpp"

#include <string>
#include <string_view>
#include <type_traits>

namespace unroll {

char dinosaurChar(std::int32_t index)
{
    if (index < 0 || index >= kDinosaurVocabularySize)
        throw InputError("index " + std::to_string(index) + " outside the dinosaur vocabulary of " +
                         std::to_string(kDinosaurVocabularySize));
    return index == kDinosaurNewline ? '\n' : char('a' + index - 1);
}

// --- sample ----------------------------------------------------------------------------------------------------

template <class T>
std::vector<std::int32_t> courseSample(const SequenceModel<T>& model, std::int32_t newlineIndex, std::uint32_t seed,
                                       int maxLength)
{
    const auto& o = model.options();
    if (o.inputSize != o.outputSize)
        throw InputError("sampling feeds each output back as the next input, but the model has " +
                         std::to_string(o.inputSize) + " inputs and " + std::to_string(o.outputSize) + " outputs");
    if (newlineIndex < 0 || newlineIndex >= o.outputSize)
        throw InputError("newline index " + std::to_string(newlineIndex) + " outside the " +
                         std::to_string(o.outputSize) + " classes");
    if (maxLength < 1) throw InputError("maxLength must be at least 1, got " + std::to_string(maxLength));
    // np.random.seed takes 0 .. 2^32 - 1; the last step seeds with seed + 2 (maxLength - 1).
    if (std::uint64_t(seed) + 2 * std::uint64_t(maxLength - 1) > 0xFFFFFFFFull)
        throw InputError("seed " + std::to_string(seed) + " + 2 * (maxLength - 1) passes numpy's largest seed 2^32 - 1");

    SequenceWorkspace<T> ws; // starts from a<0> = 0 and carries the state from one character to the next
    std::vector<std::int32_t> indices;
    std::vector<double> p(std::size_t(o.outputSize));
    std::int32_t x = kNoInput; // x<1> = 0, the course's "dummy" first input
    std::int32_t idx = -1;
    int counter = 0;
    while (idx != newlineIndex && counter != maxLength) {
        const Mat<T>& probs = model.predict(std::span<const std::int32_t>(&x, 1), 1, ws); // (n_y, 1): one step, one example
        for (Index i = 0; i < probs.rows(); ++i) p[std::size_t(i)] = double(probs(i, 0));
        if constexpr (!std::is_same_v<T, double>) {
            double sum = 0;
            for (double v : p) sum += v;
            for (double& v : p) v /= sum;
        }
        // The course seeds with counter + seed and increments both, so step k uses seed0 + 2k.
        Rng rng(seed + 2u * std::uint32_t(counter));
        idx = std::int32_t(rng.choice(p));
        indices.push_back(idx);
        x = idx;
        ++counter;
    }
    if (counter == maxLength) indices.push_back(newlineIndex); // the course's `if (counter == 50)`, as it is
    return indices;
}

template std::vector<std::int32_t> courseSample<float>(const SequenceModel<float>&, std::int32_t, std::uint32_t, int);
template std::vector<std::int32_t> courseSample<double>(const SequenceModel<double>&, std::int32_t, std::uint32_t,
                                                        int);

// --- the course's dictionaries on our model ----------------------------------------------------------------------

namespace {

void requireCourseRnn(const SequenceModel<double>& model, const char* what)
{
    const auto& o = model.options();
    if (o.cell != CellKind::Rnn || o.layers != 1)
        throw InputError(std::string(what) + " needs a one-layer RNN (the course's parameters), got " +
                         std::to_string(o.layers) + " " + std::string(cellKindName(o.cell)) + " layer(s)");
}

// The course-named block "Wax", "Waa" or "ba" of the RNN layer's stacked W / b, with its gradient block.
Param<double> rnnTensor(SequenceModel<double>& model, std::string_view name)
{
    for (const auto& p : model.layers.front().namedTensors())
        if (p.name == name) return p;
    throw std::logic_error("an RNN layer has no tensor '" + std::string(name) + "'");
}

void requireShape(const MatD& M, Index rows, Index cols, const char* name)
{
    if (M.rows() != rows || M.cols() != cols)
        throw InputError(std::string(name) + " is " + std::to_string(M.rows()) + " x " + std::to_string(M.cols()) +
                         ", expected " + std::to_string(rows) + " x " + std::to_string(cols));
}

// Writes the course's gradient dictionary into the model's gradient buffers (the clip example).
void setCourseRnnGradients(SequenceModel<double>& model, const CourseRnnGradients& g)
{
    rnnTensor(model, "Waa").gradBlock() = g.dWaa;
    rnnTensor(model, "Wax").gradBlock() = g.dWax;
    rnnTensor(model, "ba").gradBlock() = g.db;
    model.output.dW = g.dWya;
    model.output.db = g.dby;
}

} // namespace

CourseRnnParameters drawCourseRnnParameters(Rng& rng, Index n_x, Index n_a, Index n_y)
{
    CourseRnnParameters p;
    p.Wax = rng.randn(n_a, n_x);
    p.Waa = rng.randn(n_a, n_a);
    p.Wya = rng.randn(n_y, n_a);
    p.b = rng.randn(n_a, 1);
    p.by = rng.randn(n_y, 1);
    return p;
}

SequenceModel<double> courseRnnModel(const CourseRnnParameters& p)
{
    const Index n_a = p.Waa.rows(), n_x = p.Wax.cols(), n_y = p.Wya.rows();
    requireShape(p.Waa, n_a, n_a, "Waa");
    requireShape(p.Wax, n_a, n_x, "Wax");
    requireShape(p.Wya, n_y, n_a, "Wya");
    requireShape(p.b, n_a, 1, "b");
    requireShape(p.by, n_y, 1, "by");
    SequenceModel<double> model({.cell = CellKind::Rnn,
                                 .inputSize = n_x,
                                 .hiddenSize = n_a,
                                 .outputSize = n_y,
                                 .layers = 1,
                                 .reduction = LossReduction::Sum});
    rnnTensor(model, "Waa").valueBlock() = p.Waa;
    rnnTensor(model, "Wax").valueBlock() = p.Wax;
    rnnTensor(model, "ba").valueBlock() = p.b;
    model.output.W = p.Wya;
    model.output.b = p.by;
    return model;
}

CourseRnnParameters courseRnnParameters(SequenceModel<double>& model)
{
    requireCourseRnn(model, "courseRnnParameters");
    return {rnnTensor(model, "Wax").valueBlock(), rnnTensor(model, "Waa").valueBlock(), model.output.W,
            rnnTensor(model, "ba").valueBlock(), model.output.b};
}

CourseRnnGradients courseRnnGradients(SequenceModel<double>& model)
{
    requireCourseRnn(model, "courseRnnGradients");
    return {rnnTensor(model, "Waa").gradBlock(), rnnTensor(model, "Wax").gradBlock(), model.output.dW,
            rnnTensor(model, "ba").gradBlock(), model.output.db};
}

// --- optimize ----------------------------------------------------------------------------------------------------

CourseOptimizeResult courseOptimize(std::span<const std::int32_t> X, std::span<const std::int32_t> Y,
                                    const MatD& aPrev, SequenceModel<double>& model, double learningRate)
{
    requireCourseRnn(model, "courseOptimize");
    if (model.options().reduction != LossReduction::Sum)
        throw InputError("courseOptimize needs LossReduction::Sum, the course's loss (a sum over the steps)");
    if (X.empty() || X.size() != Y.size())
        throw InputError("X and Y must have the same non-zero length, got " + std::to_string(X.size()) + " and " +
                         std::to_string(Y.size()));
    auto& layer = model.layers.front();
    model.zeroGrads();

    // rnn_forward: a<t> = tanh(Wax x<t> + Waa a<t-1> + b) from a<0> = a_prev, ŷ<t> = softmax(Wya a<t> + by).
    // X: T_x ids -> layer outputs (n_a, T_x) -> probs (n_y, T_x). m = 1; c0 is ignored by an RNN.
    layer.forward(X, 1, aPrev, aPrev);
    LinearCache<double> logits;                   // (n_y, T_x)
    SoftmaxCrossEntropyCache<double> ce;
    model.output.forward(layer.outputs(), logits);
    CourseOptimizeResult r;
    // The sum over t of -ln ŷ<t>[Y[t]], not averaged (the notebook's utils.py).
    r.loss = softmaxCrossEntropyForward<double>(logits.Y, Y, {}, Reduction::Sum, ce);
    r.aLast = layer.lastA();

    // rnn_backward: dy = ŷ - onehot(Y) unscaled (the summed loss), then BPTT through the layer.
    MatD dZ, dA; // (n_y, T_x), (n_a, T_x)
    softmaxCrossEntropyBackward<double>(ce, Y, {}, dZ);
    model.output.backward(layer.outputs(), logits, dZ, &dA);
    layer.backward(dA);

    // clip(gradients, 5) element-wise, then update_parameters: θ += -lr dθ.
    Optimizer<double> sgd({.kind = OptimizerKind::Sgd,
                           .learningRate = learningRate,
                           .clip = ClipMode::Value,
                           .clipValue = 5.0},
                          model.parameters());
    sgd.step();
    r.gradients = courseRnnGradients(model);
    return r;
}

// --- the seeded examples ----------------------------------------------------------------------------------------

SequenceModel<double> dinosaurSampleModel(std::uint32_t seed)
{
    Rng rng(seed);
    return courseRnnModel(drawCourseRnnParameters(rng, kDinosaurVocabularySize, 100, kDinosaurVocabularySize));
}

namespace {


void addGradients(CourseExample& ex, const std::string& prefix, const CourseRnnGradients& g)
{
    ex.arrays.emplace_back(prefix + "dWaa", fromMatrix(g.dWaa));
    ex.arrays.emplace_back(prefix + "dWax", fromMatrix(g.dWax));
    ex.arrays.emplace_back(prefix + "dWya", fromMatrix(g.dWya));
    ex.arrays.emplace_back(prefix + "db", fromMatrix(g.db));
    ex.arrays.emplace_back(prefix + "dby", fromMatrix(g.dby));
}

// 'gradients["dWaa"][1][2] = 0.19…': the notebook's print of one element (a scalar) or one row (an array, "[5.]").
std::string gradientLine(const std::string& name, const MatD& M, Index i, Index j)
{
    return "gradients[\"" + name + "\"][" + std::to_string(i) + "][" + std::to_string(j) +
           "] = " + numpyScalarString(M(i, j));
}
std::string gradientRowLine(const std::string& name, const MatD& M, Index i)
{
    return "gradients[\"" + name + "\"][" + std::to_string(i) + "] = " + numpyArrayString(std::vector<double>{M(i, 0)});
}

CourseExample clipExample()
{
    CourseExample ex{"clip", {}, {}};
    for (const int maxValue : {10, 5}) {
        // clip_test: np.random.seed(3), then the five gradients, each randn * 10.
        Rng rng(3);
        CourseRnnGradients g;
        g.dWax = rng.randn(5, 3) * 10.0;
        g.dWaa = rng.randn(5, 5) * 10.0;
        g.dWya = rng.randn(2, 5) * 10.0;
        g.db = rng.randn(5, 1) * 10.0;
        g.dby = rng.randn(2, 1) * 10.0;
        // They are the gradients of an RNN with n_x 3, n_a 5, n_y 2: clip them where training clips, in the model.
        SequenceModel<double> model(
            {.cell = CellKind::Rnn, .inputSize = 3, .hiddenSize = 5, .outputSize = 2, .reduction = LossReduction::Sum});
        setCourseRnnGradients(model, g);
        clipGradients(model.parameters(), ClipMode::Value, double(maxValue));
        const CourseRnnGradients c = courseRnnGradients(model);
        addGradients(ex, "maxValue_" + std::to_string(maxValue) + "/", c);
        if (maxValue != 10) ex.printed.emplace_back(); // print(f"\nGradients for mValue={mValue}")
        ex.printed.push_back("Gradients for mValue=" + std::to_string(maxValue));
        ex.printed.push_back(gradientLine("dWaa", c.dWaa, 1, 2));
        ex.printed.push_back(gradientLine("dWax", c.dWax, 3, 1));
        ex.printed.push_back(gradientLine("dWya", c.dWya, 1, 2));
        ex.printed.push_back(gradientRowLine("db", c.db, 4));
        ex.printed.push_back(gradientRowLine("dby", c.dby, 1));
    }
    return ex;
}

CourseExample sampleExample()
{
    const SequenceModel<double> model = dinosaurSampleModel(24); // sample_test (2021): np.random.seed(24)
    const auto indices = courseSample(model, kDinosaurNewline, 0);
    NdArray a{{std::int64_t(indices.size())}, {}, true};
    std::string ids = " [", chars = " [";
    for (std::size_t k = 0; k < indices.size(); ++k) {
        a.data.push_back(double(indices[k]));
        const char c = dinosaurChar(indices[k]);
        ids += (k ? ", " : "") + std::to_string(indices[k]);
        chars += std::string(k ? ", " : "") + (c == '\n' ? "'\\n'" : std::string("'") + c + "'"); // Python's repr
    }
    CourseExample ex{"sample", {{"indices", a}}, {}};
    ex.printed = {"Sampling:", "list of sampled indices:", ids + "]", "list of sampled characters:", chars + "]"};
    return ex;
}

CourseExample optimizeExample()
{
    // optimize_test: np.random.seed(1); a_prev = randn(100, 1); Wax, Waa, Wya, b, by = randn …
    Rng rng(1);
    const MatD aPrev = rng.randn(100, 1);
    SequenceModel<double> model =
        courseRnnModel(drawCourseRnnParameters(rng, kDinosaurVocabularySize, 100, kDinosaurVocabularySize));
    const std::vector<std::int32_t> X = {12, 3, 5, 11, 22, 3}, Y = {4, 14, 11, 22, 25, 26};
    const CourseOptimizeResult r = courseOptimize(X, Y, aPrev, model, 0.01);
    const CourseRnnGradients& g = r.gradients;
    CourseExample ex{"optimize", {{"loss", NdArray{{}, {r.loss}}}}, {}};
    addGradients(ex, "", g);
    ex.arrays.emplace_back("a_last", fromMatrix(r.aLast));

    // np.argmax: the first maximum in C (row-major) order of dWax (n_a, n_x).
    Index argmax = 0;
    for (Index i = 0; i < g.dWax.rows(); ++i)
        for (Index j = 0; j < g.dWax.cols(); ++j)
            if (g.dWax(i, j) > g.dWax(argmax / g.dWax.cols(), argmax % g.dWax.cols())) argmax = i * g.dWax.cols() + j;
    ex.printed = {"Loss = " + numpyScalarString(r.loss),
                  gradientLine("dWaa", g.dWaa, 1, 2),
                  "np.argmax(gradients[\"dWax\"]) = " + std::to_string(argmax),
                  gradientLine("dWya", g.dWya, 1, 2),
                  gradientRowLine("db", g.db, 4),
                  gradientRowLine("dby", g.dby, 1),
                  "a_last[4] = " + numpyArrayString(std::vector<double>{r.aLast(4, 0)})};
    return ex;
}

} // namespace

std::vector<CourseExample> runDinosaurExamples() { return {clipExample(), sampleExample(), optimizeExample()}; }

} // namespace unroll
