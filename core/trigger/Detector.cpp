// The trigger-word detector: the model, its training pass, inference, the stream and files; see Detector.hpp.
#include "trigger/Detector.hpp"

#include "audio/Audio.hpp"
#include "audio/Spectrogram.hpp"
#include "math/Rng.hpp"
#include "nn/Loss.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <Eigen/QR>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace unroll {

namespace {

constexpr const char* kTriggerKind = "trigger";
// Log features: ln(p + kLogFloor). The floor keeps silence (p = 0 in digital silence) finite; 1e-10 is far below the
// quietest power of the course's spectrogram of -20 dBFS speech over a -40 dB background.
constexpr double kLogFloor = 1e-10;

std::string str(std::int64_t v) { return std::to_string(v); }
std::string num(double v)
{
    char buf[32];
    // The shortest decimal that reads back as exactly v ("0.7", not 0.69999999999999996).
    for (int digits = 1; digits <= 17; ++digits) {
        std::snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    return buf;
}

// The spectrogram a detector reads: the course's frames (SpectrogramOptions' defaults are its nfft and hop) at the
// lab's rate.
const SpectrogramOptions kCourseFrames{};

const TriggerConfig& checkConfig(const TriggerConfig& c)
{
    auto inRange = [](const char* name, Index v, Index low, Index high) {
        if (v < low || v > high)
            throw InputError(std::string("trigger detector: ") + name + " = " + str(v) + " is outside " + str(low) +
                             " … " + str(high));
    };
    inRange("n_freq", c.nFreq, 1, 8192);
    inRange("filters", c.filters, 1, 4096);
    inRange("kernel", c.kernel, 1, 1024);
    inRange("stride", c.stride, 1, 1024);
    inRange("gru1", c.gru1, 1, 4096);
    inRange("gru2", c.gru2, 0, 4096);
    if (!(c.dropout >= 0 && c.dropout < 1))
        throw InputError("trigger detector: dropout " + num(c.dropout) + " must be in [0, 1) (the fraction dropped)");
    return c;
}

Index lastSize(const TriggerConfig& c) { return c.gru2 > 0 ? c.gru2 : c.gru1; }

// Keras' glorot_uniform for a kernel of fan_in inputs and fan_out outputs: U(-l, l), l = sqrt(6 / (fan_in + fan_out)).
template <class T> void glorotUniform(Rng& rng, MatRef<T> W, Index fanIn, Index fanOut)
{
    const double limit = std::sqrt(6.0 / double(fanIn + fanOut));
    for (Index j = 0; j < W.cols(); ++j)
        for (Index i = 0; i < W.rows(); ++i) W(i, j) = T(limit * (2 * rng.randomSample() - 1));
}

// Keras' Orthogonal initializer for a GRU's recurrent kernel (n_a, 3 n_a): the QR of a Gaussian (3 n_a, n_a), Q's
// columns signed by R's diagonal. The layer keeps the kernel transposed, W_a (3 n_a, n_a), with orthonormal columns.
template <class T> void orthogonal(Rng& rng, MatRef<T> Wa)
{
    const Eigen::MatrixXd G = rng.randn(Wa.rows(), Wa.cols());
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(G);
    Eigen::MatrixXd Q = qr.householderQ() * Eigen::MatrixXd::Identity(Wa.rows(), Wa.cols());
    for (Index j = 0; j < Wa.cols(); ++j)
        if (qr.matrixQR()(j, j) < 0) Q.col(j) = -Q.col(j);
    Wa = Q.cast<T>();
}

template <class T> void initializeGru(Rng& rng, RecurrentLayer<T>& gru)
{
    const Index n_a = gru.hiddenSize(), n_x = gru.inputSize();
    glorotUniform<T>(rng, gru.W.rightCols(n_x), n_x, 3 * n_a);
    orthogonal<T>(rng, gru.W.leftCols(n_a));
    gru.b.setZero();
}

} // namespace

TriggerConfig courseTriggerConfig() { return {}; }

// The small preset: what `unroll-cli train trigger` trains from scratch by default (docs/trigger.md says how it was
// chosen). The Conv1D reads 15 x 101 = 1,515 values per window, so its filters dominate the cost; 32 of them and one
// GRU of 64 come to 0.42 GFLOP per training example. Log features: the power spans ten decades, which a Conv1D with
// Glorot-scaled weights cannot take as it is from scratch.
TriggerConfig smallTriggerConfig()
{
    return {.nFreq = 101,
            .filters = 32,
            .kernel = 15,
            .stride = 4,
            .gru1 = 64,
            .gru2 = 0,
            .dropout = 0.25,
            .features = TriggerFeatures::Log};
}

TriggerConfig triggerPreset(std::string_view id)
{
    if (id == "small") return smallTriggerConfig();
    if (id == "course") return courseTriggerConfig();
    throw InputError("unknown trigger preset '" + std::string(id) + "' (known: small, course)");
}

std::int64_t triggerTrainableCount(const TriggerConfig& c)
{
    const std::int64_t nf = c.filters, n1 = c.gru1, n2 = c.gru2;
    std::int64_t n = nf * c.kernel * c.nFreq + nf + 2 * nf;  // Conv1D W, b; BatchNorm gamma, beta
    n += 3 * n1 * (nf + n1) + 6 * n1 + 2 * n1;               // GRU (kernel, recurrent kernel, two biases); BatchNorm
    if (n2 > 0) n += 3 * n2 * (n1 + n2) + 6 * n2 + 2 * n2;
    return n + lastSize(c) + 1;                               // Dense(1)
}

std::int64_t triggerParameterCount(const TriggerConfig& c)
{
    return triggerTrainableCount(c) + 2 * (c.filters + c.gru1 + c.gru2); // + every BatchNorm's moving mean, variance
}

Index triggerOutputLength(const TriggerConfig& c, Index Tx)
{
    if (Tx < c.kernel)
        throw InputError("a spectrogram of " + str(Tx) + " frames is shorter than the detector's kernel of " +
                         str(c.kernel) + " frames");
    return (Tx - c.kernel) / c.stride + 1;
}

// Forward multiply-adds per output step: the Conv1D's window, the GRUs' three gates over [x; a], the Dense(1).
// Backward: the Conv1D's dW only (the spectrogram needs no gradient: 1x the forward), every later layer's dW and dX
// (2x). Element-wise work (BatchNorm, ReLU, dropout, the gates' nonlinearities) is left out: it is a few percent.
double triggerTrainingFlops(const TriggerConfig& c, Index Tx)
{
    const double Ty = double(triggerOutputLength(c, Tx));
    const double conv = double(c.filters) * double(c.kernel * c.nFreq);
    double rest = 3.0 * double(c.gru1) * double(c.filters + c.gru1) + double(lastSize(c));
    if (c.gru2 > 0) rest += 3.0 * double(c.gru2) * double(c.gru1 + c.gru2);
    return 2.0 * Ty * (2.0 * conv + 3.0 * rest);
}

// --- the passes ---------------------------------------------------------------------------------------------------

namespace {

// One forward's caches, for training (in the model's Buffers, with the GRUs' traces inside the layers) and for
// inference (on the caller's stack, with the traces here).
template <class T> struct TriggerPass {
    Index m = 0, N = 0;      // examples, m * Ty output columns
    Mat<T> features;         // (nFreq, m*Tx): the spectrogram as the Conv1D reads it
    Conv1DCache<T> conv;     // Y: (filters, N)
    BatchNormCache<T> convNorm, norm1, norm2; // convNorm.Y holds the ReLU's output (applied in place)
    DropoutCache<T> drop0, drop1, drop2, drop3;
    RecurrentTrace<T> gru1, gru2; // inference only
    LinearCache<T> logits;   // (1, N)
    Mat<T> a1, a2;           // initial GRU states (n, m): zeros, or the stream's carried ones
};

template <class T> void computeFeatures(TriggerFeatures kind, ConstMatRef<T> X, Mat<T>& out)
{
    out.resize(X.rows(), X.cols());
    if (kind == TriggerFeatures::Log)
        out.array() = (X.array() + T(kLogFloor)).log();
    else
        out = X;
}

// The whole forward, top to bottom, into pass. runGru(layer, input, a0) runs GRU `layer` (1 or 2) and returns its
// outputs (n, N): the layer's own trace in training (its backward reads it), pass.gru1 / gru2 in inference.
template <class T, class RunGru>
void forwardPass(const TriggerDetector<T>& model, ConstMatRef<T> X, Index m, Mode mode, Rng& dropoutRng,
                 TriggerPass<T>& P, RunGru&& runGru)
{
    const TriggerConfig& c = model.config();
    computeFeatures<T>(c.features, X, P.features);                       // (nFreq, m*Tx)
    model.conv.forward(P.features, m, P.conv);                          // (filters, N)
    P.m = m;
    P.N = P.conv.Y.cols();
    model.convNorm.forward(P.conv.Y, P.convNorm, mode);
    activateInPlace<T>(Activation::Relu, P.convNorm.Y);                 // BatchNorm's backward reads xhat, not Y
    model.dropout.forward(P.convNorm.Y, P.drop0, mode, dropoutRng);
    const auto& h1 = runGru(1, P.drop0.Y, P.a1);                          // (gru1, N)
    model.dropout.forward(h1, P.drop1, mode, dropoutRng);
    model.norm1.forward(P.drop1.Y, P.norm1, mode);
    if (c.gru2 > 0) {
        const auto& h2 = runGru(2, P.norm1.Y, P.a2);                      // (gru2, N)
        model.dropout.forward(h2, P.drop2, mode, dropoutRng);
        model.norm2.forward(P.drop2.Y, P.norm2, mode);
        model.dropout.forward(P.norm2.Y, P.drop3, mode, dropoutRng);
        model.output.forward(P.drop3.Y, P.logits);                      // (1, N)
    } else {
        model.output.forward(P.norm1.Y, P.logits);
    }
}

template <class T> void zeroStates(const TriggerConfig& c, Index m, TriggerPass<T>& P)
{
    P.a1.setZero(c.gru1, m);
    if (c.gru2 > 0) P.a2.setZero(c.gru2, m);
}

// Inference into pass: the GRUs run on pass's traces from pass.a1 / a2.
template <class T> void inferPass(const TriggerDetector<T>& model, ConstMatRef<T> X, Index m, TriggerPass<T>& P)
{
    Rng unused(0);
    forwardPass<T>(model, X, m, Mode::Infer, unused, P, [&](int layer, ConstMatRef<T> in, const Mat<T>& a0) {
        RecurrentTrace<T>& tr = layer == 1 ? P.gru1 : P.gru2;
        (layer == 1 ? model.gru1 : model.gru2).forward(in, P.m, a0, a0, tr);
        return tr.A.rightCols(tr.A.cols() - P.m);
    });
}

void checkSpectrogram(const TriggerConfig& c, Index rows, Index cols, const std::string& what)
{
    if (rows != c.nFreq || cols < c.kernel)
        throw InputError(what + " is " + str(rows) + " x " + str(cols) + ", the detector reads " + str(c.nFreq) +
                         " frequency rows and at least " + str(c.kernel) + " frames");
}

} // namespace

template <class T> struct TriggerDetector<T>::Buffers {
    TriggerPass<T> pass;
    Mat<T> labels;                 // (1, N)
    bool hasLabels = false, forwarded = false;
    Mode mode = Mode::Train;
    SigmoidBceCache<T> bce;
    Mat<T> probabilities;          // (1, N)
    // Backward: dL/d(each layer's output), one buffer per shape so none is resized within a step.
    Mat<T> dLogits, dLast, dN2, dD2, dG2, dN1, dD1, dG1, dRelu, dRelu2, dConv;
};

template <class T>
TriggerDetector<T>::TriggerDetector(const TriggerConfig& config)
    : dropout(checkConfig(config).dropout), config_(config), buffers_(std::make_shared<Buffers>())
{
    const auto& c = config;
    conv = Conv1D<T>(c.nFreq, {.filters = c.filters, .kernel = c.kernel, .stride = c.stride});
    convNorm = BatchNorm<T>(c.filters);
    gru1 = RecurrentLayer<T>(CellKind::GruKeras, c.filters, c.gru1);
    norm1 = BatchNorm<T>(c.gru1);
    if (c.gru2 > 0) {
        gru2 = RecurrentLayer<T>(CellKind::GruKeras, c.gru1, c.gru2);
        norm2 = BatchNorm<T>(c.gru2);
    }
    output = Linear<T>(lastSize(c), 1, Activation::Identity);
}

template <class T>
TriggerDetector<T>::TriggerDetector(const TriggerDetector& o)
    : conv(o.conv), convNorm(o.convNorm), gru1(o.gru1), gru2(o.gru2), norm1(o.norm1), norm2(o.norm2),
      output(o.output), dropout(o.dropout), config_(o.config_), buffers_(std::make_shared<Buffers>())
{
}

template <class T> TriggerDetector<T>& TriggerDetector<T>::operator=(const TriggerDetector& o)
{
    if (this != &o) {
        conv = o.conv;
        convNorm = o.convNorm;
        gru1 = o.gru1;
        gru2 = o.gru2;
        norm1 = o.norm1;
        norm2 = o.norm2;
        output = o.output;
        dropout = o.dropout;
        config_ = o.config_;
        buffers_ = std::make_shared<Buffers>();
    }
    return *this;
}

template <class T> TriggerDetector<T>::TriggerDetector(TriggerDetector&&) noexcept = default;
template <class T> TriggerDetector<T>& TriggerDetector<T>::operator=(TriggerDetector&&) noexcept = default;
template <class T> TriggerDetector<T>::~TriggerDetector() = default;

template <class T> void TriggerDetector<T>::initialize(Rng& rng)
{
    conv.initialize(rng); // glorot_uniform over fan_in k n_x, fan_out k n_f (Keras' Conv1D), b = 0
    for (BatchNorm<T>* bn : {&convNorm, &norm1, &norm2}) {
        if (bn->size() == 0) continue;
        bn->gamma.setOnes();
        bn->beta.setZero();
        bn->movingMean.setZero();
        bn->movingVar.setOnes();
    }
    initializeGru(rng, gru1);
    if (config_.gru2 > 0) initializeGru(rng, gru2);
    glorotUniform<T>(rng, output.W, output.inputSize(), 1);
    output.b.setZero();
}

template <class T> ParamList<T> TriggerDetector<T>::parameters()
{
    ParamList<T> out = prefixed(conv.parameters(), "conv.");
    auto add = [&](ParamList<T> list, const std::string& prefix) {
        for (auto& p : prefixed(std::move(list), prefix)) out.push_back(p);
    };
    add(convNorm.parameters(), "conv_norm.");
    add(gru1.parameters(), "gru1.");
    add(norm1.parameters(), "norm1.");
    if (config_.gru2 > 0) {
        add(gru2.parameters(), "gru2.");
        add(norm2.parameters(), "norm2.");
    }
    add(output.parameters(), "output.");
    return out;
}

template <class T> std::int64_t TriggerDetector<T>::parameterCount() const { return triggerParameterCount(config_); }

template <class T> void TriggerDetector<T>::zeroGrads()
{
    for (const auto& p : parameters()) p.gradBlock().setZero();
}

template <class T> TriggerDetector<T> TriggerDetector<T>::copyWeights() const
{
    TriggerDetector<T> out(config_);
    out.conv = conv;
    out.convNorm = convNorm;
    out.norm1 = norm1;
    out.norm2 = norm2;
    out.output = output;
    out.gru1.W = gru1.W; // the layers themselves would bring their training traces along
    out.gru1.b = gru1.b;
    if (config_.gru2 > 0) {
        out.gru2.W = gru2.W;
        out.gru2.b = gru2.b;
    }
    return out;
}

// --- training ---------------------------------------------------------------------------------------------------

template <class T>
double TriggerDetector<T>::forward(ConstMatRef<T> X, Index m, std::span<const float> labels, Rng& dropoutRng,
                                   Mode mode)
{
    const auto& c = config_;
    if (m < 1 || X.cols() % m != 0)
        throw InputError("trigger detector: " + str(X.cols()) + " columns are not m = " + str(m) +
                         " spectrograms of equal length");
    checkSpectrogram(c, X.rows(), X.cols() / m, "trigger detector: each spectrogram");
    const Index N = m * triggerOutputLength(c, X.cols() / m);
    if (!labels.empty() && Index(labels.size()) != N)
        throw InputError("trigger detector: " + str(Index(labels.size())) + " labels for m*Ty = " + str(N) +
                         " outputs");
    if (!buffers_) buffers_ = std::make_shared<Buffers>();
    Buffers& B = *buffers_;
    B.forwarded = false;
    B.mode = mode;
    TriggerPass<T>& P = B.pass;
    zeroStates(c, m, P);
    forwardPass<T>(*this, X, m, mode, dropoutRng, P, [&](int layer, ConstMatRef<T> in, const Mat<T>& a0) {
        RecurrentLayer<T>& gru = layer == 1 ? gru1 : gru2;
        gru.forward(in, m, a0, a0); // into the layer's trace, which its backward reads
        return gru.outputs();
    });
    double loss = 0;
    B.hasLabels = !labels.empty();
    if (B.hasLabels) {
        B.labels = Eigen::Map<const Eigen::Matrix<float, 1, Eigen::Dynamic>>(labels.data(), N).template cast<T>();
        loss = sigmoidBceForward<T>(P.logits.Y, B.labels, noMatrix<T>(), Reduction::Mean, B.bce);
        B.probabilities = B.bce.P;
    } else {
        B.probabilities = P.logits.Y;
        activateInPlace<T>(Activation::Sigmoid, B.probabilities);
    }
    B.forwarded = true;
    return loss;
}

template <class T> void TriggerDetector<T>::backward()
{
    if (!buffers_ || !buffers_->forwarded || !buffers_->hasLabels)
        throw InputError("trigger detector: backward needs a forward pass with labels first");
    Buffers& B = *buffers_;
    TriggerPass<T>& P = B.pass;
    const bool two = config_.gru2 > 0;

    sigmoidBceBackward<T>(B.bce, B.labels, noMatrix<T>(), B.dLogits);          // (1, N)
    if (two) {
        output.backward(P.drop3.Y, P.logits, B.dLogits, &B.dLast);              // (gru2, N)
        dropout.backward(P.norm2.Y, P.drop3, B.dLast, &B.dN2);
        norm2.backward(P.drop2.Y, P.norm2, B.dN2, &B.dD2);
        dropout.backward(gru2.outputs(), P.drop2, B.dD2, &B.dG2);
        gru2.backward(B.dG2, &B.dN1);                                           // (gru1, N)
    } else {
        output.backward(P.norm1.Y, P.logits, B.dLogits, &B.dN1);
    }
    norm1.backward(P.drop1.Y, P.norm1, B.dN1, &B.dD1);
    dropout.backward(gru1.outputs(), P.drop1, B.dD1, &B.dG1);
    gru1.backward(B.dG1, &B.dRelu);                                             // (filters, N)
    dropout.backward(P.convNorm.Y, P.drop0, B.dRelu, &B.dRelu2);
    activationBackward<T>(Activation::Relu, P.convNorm.Y, B.dRelu2, B.dRelu2);   // through the ReLU, in place
    convNorm.backward(P.conv.Y, P.convNorm, B.dRelu2, &B.dConv);
    conv.backward(P.features, P.conv, B.dConv, nullptr);                        // the spectrogram needs no gradient
}

template <class T> void TriggerDetector<T>::updateMovingStatistics()
{
    if (!buffers_ || !buffers_->forwarded || buffers_->mode != Mode::Train)
        throw InputError("trigger detector: the moving statistics move after a training forward only");
    const TriggerPass<T>& P = buffers_->pass;
    convNorm.updateMovingStatistics(P.convNorm);
    norm1.updateMovingStatistics(P.norm1);
    if (config_.gru2 > 0) norm2.updateMovingStatistics(P.norm2);
}

template <class T> const Mat<T>& TriggerDetector<T>::probabilities() const
{
    if (!buffers_ || !buffers_->forwarded) throw InputError("trigger detector: no probabilities before a forward");
    return buffers_->probabilities;
}

template class TriggerDetector<float>;
template class TriggerDetector<double>;

// --- inference --------------------------------------------------------------------------------------------------

namespace {

std::vector<float> probabilitiesOf(const MatF& logits)
{
    std::vector<float> p(size_t(logits.cols()));
    for (Index j = 0; j < logits.cols(); ++j) p[size_t(j)] = float(1 / (1 + std::exp(-double(logits(0, j)))));
    return p;
}

} // namespace

std::vector<std::vector<float>> detectorProbabilities(const TriggerDetector<float>& model,
                                                      const std::vector<const MatF*>& powers)
{
    for (size_t i = 0; i < powers.size(); ++i) {
        if (!powers[i]) throw InputError("detector input " + str(Index(i)) + " is missing");
        checkSpectrogram(model.config(), powers[i]->rows(), powers[i]->cols(), "spectrogram " + str(Index(i)));
    }
    // One clip per task, each on one thread (products inside a pool task are serial): a clip's result is the same
    // bits alone or among others, on any number of threads.
    std::vector<std::vector<float>> out(powers.size());
    parallelFor(std::int64_t(powers.size()), [&](std::int64_t begin, std::int64_t end) {
        TriggerPass<float> pass;
        for (std::int64_t i = begin; i < end; ++i) {
            zeroStates(model.config(), 1, pass);
            inferPass<float>(model, *powers[size_t(i)], 1, pass);
            out[size_t(i)] = probabilitiesOf(pass.logits.Y);
        }
    }, 4);
    return out;
}

std::vector<float> detectorProbabilities(const TriggerDetector<float>& model, ConstMatRef<float> power)
{
    checkSpectrogram(model.config(), power.rows(), power.cols(), "the spectrogram");
    const MatF copy = power;
    return detectorProbabilities(model, std::vector<const MatF*>{&copy})[0];
}

// --- stream -----------------------------------------------------------------------------------------------------

struct TriggerStream::Impl {
    const TriggerDetector<float>& model;
    MatF pending;        // (nFreq, capacity): frames not yet consumed by a whole window, in the first `held` columns
    Index held = 0;
    TriggerPass<float> pass;
    MatF a1, a2;         // the GRUs' states after the last output step: (n, 1)
    std::int64_t done = 0;
    explicit Impl(const TriggerDetector<float>& m) : model(m) {}
};

TriggerStream::TriggerStream(const TriggerDetector<float>& model) : impl_(std::make_unique<Impl>(model))
{
    const auto& c = model.config();
    impl_->pending.resize(c.nFreq, 0);
    impl_->a1.setZero(c.gru1, 1);
    impl_->a2.setZero(std::max<Index>(c.gru2, 0), 1);
}

TriggerStream::~TriggerStream() = default;

std::int64_t TriggerStream::outputsDone() const { return impl_->done; }

std::vector<float> TriggerStream::push(ConstMatRef<float> frames)
{
    Impl& s = *impl_;
    const auto& c = s.model.config();
    if (frames.rows() != c.nFreq)
        throw InputError("trigger stream: frames have " + str(frames.rows()) + " frequency rows, the detector reads " +
                         str(c.nFreq));
    if (frames.cols() == 0) return {};
    if (s.pending.cols() < s.held + frames.cols()) s.pending.conservativeResize(c.nFreq, s.held + frames.cols());
    s.pending.middleCols(s.held, frames.cols()) = frames;
    s.held += frames.cols();
    if (s.held < c.kernel) return {};
    const Index n = (s.held - c.kernel) / c.stride + 1;  // output steps the held frames complete
    const Index used = (n - 1) * c.stride + c.kernel;    // frames those windows read
    s.pass.a1 = s.a1;
    if (c.gru2 > 0) s.pass.a2 = s.a2;
    inferPass<float>(s.model, s.pending.leftCols(used), 1, s.pass);
    s.a1 = s.pass.gru1.A.rightCols(1);
    if (c.gru2 > 0) s.a2 = s.pass.gru2.A.rightCols(1);
    // The next window starts n strides on: keep the frames from there.
    const Index keep = s.held - n * c.stride;
    if (keep > 0) s.pending.leftCols(keep) = s.pending.middleCols(n * c.stride, keep).eval();
    s.held = keep;
    s.done += n;
    return probabilitiesOf(s.pass.logits.Y);
}

// --- files ------------------------------------------------------------------------------------------------------

namespace {

// The moving statistics of every BatchNorm, named as parameters() names the layer.
template <class Fn> void forEachNorm(const TriggerConfig& c, Fn&& fn)
{
    fn("conv_norm.", 0);
    fn("norm1.", 1);
    if (c.gru2 > 0) fn("norm2.", 2);
}

} // namespace

namespace {

ModelFile triggerModelFile(const TriggerDetector<float>& model)
{
    const auto& c = model.config();
    const SpectrogramOptions& spec = kCourseFrames;
    ModelFile f;
    f.kind = kTriggerKind;
    f.hyper = {{"n_freq", str(c.nFreq)},
               {"filters", str(c.filters)},
               {"kernel", str(c.kernel)},
               {"stride", str(c.stride)},
               {"gru1", str(c.gru1)},
               {"gru2", str(c.gru2)},
               {"dropout", num(c.dropout)},
               {"features", std::string(triggerFeatureIds[size_t(c.features)])},
               {"nfft", str(spec.nfft)},
               {"hop", str(spec.hop)},
               {"sample_rate", str(kLabRate)}};
    TriggerDetector<float> copy = model.copyWeights(); // parameters() hands out writable views: read them from a copy
    for (const auto& p : copy.parameters()) f.tensors[p.name] = tensorFromMatrix(*p.value);
    const BatchNorm<float>* norms[] = {&model.convNorm, &model.norm1, &model.norm2};
    forEachNorm(c, [&](const std::string& prefix, int i) {
        f.tensors[prefix + "moving_mean"] = tensorFromMatrix(norms[i]->movingMean);
        f.tensors[prefix + "moving_variance"] = tensorFromMatrix(norms[i]->movingVar);
    });
    return f;
}

} // namespace

void saveTriggerDetector(const std::filesystem::path& path, const TriggerDetector<float>& model)
{
    saveModel(path, triggerModelFile(model));
}

void saveTriggerDetector(const std::filesystem::path& path, const TriggerDetector<float>& model,
                         const DetectionOptions& scoredWith)
{
    ModelFile f = triggerModelFile(model);
    f.hyper["threshold"] = num(scoredWith.threshold);
    f.hyper["consecutive"] = str(scoredWith.consecutive);
    saveModel(path, f);
}

std::unique_ptr<TriggerDetector<float>> loadTriggerDetector(const std::filesystem::path& path)
{
    return readTriggerModelFile(path).model;
}

TriggerModelFile readTriggerModelFile(const std::filesystem::path& path)
{
    const ModelFile f = loadModel(path);
    const std::string name = path.filename().string();
    if (f.kind != kTriggerKind)
        throw InputError(name + ": a '" + f.kind + "' model, not a trigger-word detector (kind 'trigger')");
    auto hyper = [&](const std::string& key) {
        const auto it = f.hyper.find(key);
        if (it == f.hyper.end()) throw InputError(name + ": hyper-parameter " + key + " is missing");
        return it->second;
    };
    auto count = [&](const std::string& key, std::int64_t low, std::int64_t high) {
        const std::string text = hyper(key);
        std::int64_t v = 0;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < low || v > high)
            throw InputError(name + ": hyper-parameter " + key + " = \"" + text + "\" is not a count in " + str(low) +
                             " … " + str(high));
        return v;
    };
    TriggerConfig c;
    c.nFreq = count("n_freq", 1, 8192);
    c.filters = count("filters", 1, 4096);
    c.kernel = count("kernel", 1, 1024);
    c.stride = count("stride", 1, 1024);
    c.gru1 = count("gru1", 1, 4096);
    c.gru2 = count("gru2", 0, 4096);
    {
        const std::string text = hyper("dropout");
        char* end = nullptr;
        c.dropout = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || !(c.dropout >= 0 && c.dropout < 1))
            throw InputError(name + ": hyper-parameter dropout = \"" + text + "\" is not a rate in [0, 1)");
    }
    const std::string features = hyper("features");
    const auto known = std::find(triggerFeatureIds.begin(), triggerFeatureIds.end(), features);
    if (known == triggerFeatureIds.end())
        throw InputError(name + ": hyper-parameter features = \"" + features + "\" is not power or log");
    c.features = TriggerFeatures(known - triggerFeatureIds.begin());
    const SpectrogramOptions& spec = kCourseFrames;
    if (count("nfft", 1, 1 << 20) != spec.nfft || count("hop", 1, 1 << 20) != spec.hop ||
        count("sample_rate", 1, 1 << 22) != kLabRate)
        throw InputError(name + ": the model expects spectrograms of nfft " + hyper("nfft") + ", hop " + hyper("hop") +
                         " at " + hyper("sample_rate") + " Hz; this build computes the course's (nfft " +
                         str(spec.nfft) + ", hop " + str(spec.hop) + " at " + str(kLabRate) + " Hz)");
    auto model = std::make_unique<TriggerDetector<float>>(c);
    auto load = [&](const std::string& tensor, MatF& into) {
        const auto it = f.tensors.find(tensor);
        if (it == f.tensors.end()) throw InputError(name + ": tensor " + tensor + " is missing");
        const MatF m = matrixFromTensor<float>(it->second);
        if (m.rows() != into.rows() || m.cols() != into.cols())
            throw InputError(name + ": tensor " + tensor + " is " + str(m.rows()) + " x " + str(m.cols()) +
                             ", expected " + str(into.rows()) + " x " + str(into.cols()) + " for filters " +
                             str(c.filters) + ", kernel " + str(c.kernel) + ", gru1 " + str(c.gru1) + ", gru2 " +
                             str(c.gru2) + " and " + str(c.nFreq) + " frequency rows");
        if (!m.allFinite()) throw InputError(name + ": tensor " + tensor + " holds a NaN or an infinity");
        into = m;
    };
    for (const auto& p : model->parameters()) load(p.name, *p.value);
    BatchNorm<float>* norms[] = {&model->convNorm, &model->norm1, &model->norm2};
    forEachNorm(c, [&](const std::string& prefix, int i) {
        load(prefix + "moving_mean", norms[i]->movingMean);
        load(prefix + "moving_variance", norms[i]->movingVar);
        if ((norms[i]->movingVar.array() < 0).any())
            throw InputError(name + ": tensor " + prefix + "moving_variance has a negative variance");
    });
    TriggerModelFile out{std::move(model), std::nullopt};
    if (f.hyper.count("threshold") || f.hyper.count("consecutive")) {
        DetectionOptions rule;
        const std::string text = hyper("threshold");
        char* end = nullptr;
        rule.threshold = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || !(rule.threshold >= 0 && rule.threshold <= 1))
            throw InputError(name + ": hyper-parameter threshold = \"" + text + "\" is not a probability in [0, 1]");
        rule.consecutive = int(count("consecutive", 1, 1000000));
        out.rule = rule;
    }
    return out;
}

} // namespace unroll
