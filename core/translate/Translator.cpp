// The date translator: the model, its training pass, decoding and files; see Translator.hpp.
#include "translate/Translator.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <Eigen/QR>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

namespace unroll {

namespace {

constexpr const char* kTranslatorKind = "translator";
constexpr const char* kSourceNormalization = "lowercase-nocomma";
// The initial bias of the attention's Dense(1, relu) (Keras would start it at 0; see initialize in Translator.hpp).
constexpr double kEnergyBias = 1.0;

// Parameters of an LSTM layer reading n_x inputs into n_a units: W (4 n_a, n_a + n_x), b (4 n_a, 1).
std::int64_t lstmParameters(std::int64_t n_x, std::int64_t n_a) { return 4 * n_a * (n_a + n_x) + 4 * n_a; }

std::int64_t decoderInputs(const TranslatorConfig& c) { return 2 * c.n_a + (c.feedPrevious ? c.targetVocab : 0); }

void checkConfig(const TranslatorConfig& c)
{
    auto positive = [](const char* name, std::int64_t v, std::int64_t limit) {
        if (v < 1 || v > limit)
            throw InputError(std::string("translator: ") + name + " = " + std::to_string(v) + " is outside 1 … " +
                             std::to_string(limit));
    };
    positive("source vocabulary", c.sourceVocab, 1 << 20);
    positive("target vocabulary", c.targetVocab, 1 << 20);
    positive("Tx", c.Tx, 10000);
    positive("Ty", c.Ty, 10000);
    positive("n_a", c.n_a, 4096);
    positive("n_s", c.n_s, 4096);
    positive("n_h", c.n_h, 4096);
    if (c.endId != kNoTarget && (c.endId < 0 || c.endId >= c.targetVocab))
        throw InputError("translator: the end symbol " + std::to_string(c.endId) + " is outside the " +
                         std::to_string(c.targetVocab) + " target symbols");
}

// Keras' glorot_uniform for a kernel mapping n_in to n_out units: U(-l, l), l = sqrt(6 / (n_in + n_out)).
template <class T> void glorotUniform(Rng& rng, MatRef<T> W, Index n_in, Index n_out)
{
    const double limit = std::sqrt(6.0 / double(n_in + n_out));
    for (Index i = 0; i < W.rows(); ++i)
        for (Index j = 0; j < W.cols(); ++j) W(i, j) = T(limit * (2 * rng.randomSample() - 1));
}

// Keras' Orthogonal initializer for an LSTM's recurrent kernel (n_a, 4 n_a): the QR of a (4 n_a, n_a) Gaussian matrix,
// Q's columns signed by R's diagonal, transposed. The layer keeps the kernel transposed, W_a = Q itself: (4 n_a, n_a)
// with orthonormal columns.
template <class T> void orthogonal(Rng& rng, MatRef<T> Wa)
{
    const Eigen::MatrixXd G = rng.randn(Wa.rows(), Wa.cols());
    const Eigen::HouseholderQR<Eigen::MatrixXd> qr(G);
    Eigen::MatrixXd Q = qr.householderQ() * Eigen::MatrixXd::Identity(Wa.rows(), Wa.cols());
    for (Index j = 0; j < Wa.cols(); ++j)
        if (qr.matrixQR()(j, j) < 0) Q.col(j) = -Q.col(j);
    Wa = Q.cast<T>();
}

// An LSTM as Keras builds it: glorot-uniform kernel, orthogonal recurrent kernel, zero biases, forget bias 1.
template <class T> void initializeLstm(Rng& rng, RecurrentLayer<T>& layer)
{
    const Index n_a = layer.hiddenSize(), n_x = layer.inputSize();
    glorotUniform<T>(rng, layer.W.rightCols(n_x), n_x, 4 * n_a);
    orthogonal<T>(rng, layer.W.leftCols(n_a));
    layer.b.setZero();
    layer.b.topRows(n_a).setConstant(T(1)); // rows [0, n_a): the forget gate (Cells.hpp's order f, i, c, o)
}

template <class T> void initializeDense(Rng& rng, Linear<T>& dense)
{
    glorotUniform<T>(rng, dense.W, dense.inputSize(), dense.outputSize());
    dense.b.setZero();
}

// ln softmax of a column of logits, in double: z_y - max - ln sum exp(z - max) (finite where p underflows).
template <class T> void logSoftmax(const Eigen::Ref<const Mat<T>>& z, std::vector<double>& out)
{
    const Index n = z.rows();
    out.resize(size_t(n));
    const double mx = double(z.maxCoeff());
    double total = 0;
    for (Index y = 0; y < n; ++y) total += std::exp(double(z(y, 0)) - mx);
    const double lnTotal = std::log(total);
    for (Index y = 0; y < n; ++y) out[size_t(y)] = double(z(y, 0)) - mx - lnTotal;
}

// The first index of the largest value (argmax's ties go to the lower index).
std::int32_t argmax(const std::vector<double>& v)
{
    return std::int32_t(std::max_element(v.begin(), v.end()) - v.begin());
}

void checkIds(std::span<const std::int32_t> ids, std::int64_t vocab, bool allowNoTarget, const std::string& what)
{
    for (size_t j = 0; j < ids.size(); ++j) {
        const std::int32_t id = ids[j];
        if ((id < 0 || id >= vocab) && !(allowNoTarget && id == kNoTarget))
            throw InputError(what + ": symbol " + std::to_string(id) + " at position " + std::to_string(j) +
                             " is outside the vocabulary of " + std::to_string(vocab));
    }
}

} // namespace

std::int64_t translatorParameterCount(const TranslatorConfig& c)
{
    const std::int64_t encoder = 2 * lstmParameters(c.sourceVocab, c.n_a);
    const std::int64_t attention = c.attention ? c.n_h * (2 * c.n_a + c.n_s) + c.n_h + c.n_h + 1 : 0;
    const std::int64_t decoder = lstmParameters(decoderInputs(c), c.n_s);
    const std::int64_t output = c.targetVocab * c.n_s + c.targetVocab;
    return encoder + attention + decoder + output;
}

// The training pass's caches. Shapes for m examples: A (2 n_a, m*Tx) lives in the encoder; K, dK (n_h, m*Tx);
// dA (2 n_a, m*Tx); one attention cache per output step.
template <class T> struct Translator<T>::Buffers {
    Index m = 0;
    bool forwarded = false;
    std::vector<std::int32_t> source, target;
    Mat<T> K, dK, dA;                      // attention keys W1a A + b1, their gradient; dL/dA
    std::vector<AttentionCache<T>> att;    // Ty
    Mat<T> context;                        // without attention: [a_fwd<Tx>; a_bwd<1>], (2 n_a, m)
    Mat<T> zeros;                          // s<0> = c<0> = 0: (n_s, m)
    Mat<T> x;                              // one step's decoder input (decoderInputSize, m)
    LinearCache<T> logits;                 // (Vy, m*Ty)
    SoftmaxCrossEntropyCache<T> ce;
    std::vector<Mat<T>> probabilities;     // Ty of (Vy, m)
    Mat<T> dLogits, dS, ds, da, dx;        // backward scratch
    Mat<T> none;                           // alpha() without attention
};

template <class T>
Translator<T>::Translator(const TranslatorConfig& config) : config_(config)
{
    checkConfig(config);
    encoder = Bidirectional<T>(CellKind::Lstm, config.sourceVocab, config.n_a);
    if (config.attention) attention = Attention<T>(2 * config.n_a, config.n_s, config.n_h);
    decoder = RecurrentLayer<T>(CellKind::Lstm, decoderInputs(config), config.n_s);
    output = Linear<T>(config.n_s, config.targetVocab);
    buffers_ = std::make_shared<Buffers>();
}

template <class T> Index Translator<T>::decoderInputSize() const { return decoderInputs(config_); }

template <class T>
Translator<T>::Translator(const Translator& other)
    : encoder(other.encoder), attention(other.attention), decoder(other.decoder), output(other.output),
      config_(other.config_), buffers_(std::make_shared<Buffers>())
{
}

template <class T> Translator<T>& Translator<T>::operator=(const Translator& other)
{
    if (this != &other) {
        encoder = other.encoder;
        attention = other.attention;
        decoder = other.decoder;
        output = other.output;
        config_ = other.config_;
        buffers_ = std::make_shared<Buffers>();
    }
    return *this;
}

template <class T> Translator<T>::Translator(Translator&&) noexcept = default;
template <class T> Translator<T>& Translator<T>::operator=(Translator&&) noexcept = default;
template <class T> Translator<T>::~Translator() = default;

template <class T> void Translator<T>::initialize(Rng& rng)
{
    initializeLstm(rng, encoder.forwardLayer);
    initializeLstm(rng, encoder.backwardLayer);
    if (config_.attention) {
        initializeDense(rng, attention.dense1);
        initializeDense(rng, attention.dense2);
        // The energies' bias starts at 1, not Keras' 0, so that every energy starts on the active side of its relu
        // (see Translator.hpp): where they all fall below it the weights are uniform and no gradient reaches the block.
        attention.dense2.b.setConstant(T(kEnergyBias));
    }
    initializeLstm(rng, decoder);
    initializeDense(rng, output);
}

template <class T> ParamList<T> Translator<T>::parameters()
{
    ParamList<T> out = prefixed(encoder.parameters(), "encoder.");
    if (config_.attention) {
        const auto a = prefixed(attention.parameters(), "attention.");
        out.insert(out.end(), a.begin(), a.end());
    }
    for (auto p : prefixed(decoder.parameters(), "decoder.")) out.push_back(p);
    for (auto p : prefixed(output.parameters(), "output.")) out.push_back(p);
    return out;
}

template <class T> std::int64_t Translator<T>::parameterCount() const { return translatorParameterCount(config_); }

template <class T> void Translator<T>::zeroGrads()
{
    encoder.zeroGrads();
    if (config_.attention) attention.zeroGrads();
    decoder.zeroGrads();
    output.zeroGrads();
}

template <class T> Translator<T> Translator<T>::copyWeights() const
{
    Translator<T> out(config_);
    out.encoder.forwardLayer.W = encoder.forwardLayer.W;
    out.encoder.forwardLayer.b = encoder.forwardLayer.b;
    out.encoder.backwardLayer.W = encoder.backwardLayer.W;
    out.encoder.backwardLayer.b = encoder.backwardLayer.b;
    if (config_.attention) {
        out.attention.dense1.W = attention.dense1.W;
        out.attention.dense1.b = attention.dense1.b;
        out.attention.dense2.W = attention.dense2.W;
        out.attention.dense2.b = attention.dense2.b;
    }
    out.decoder.W = decoder.W;
    out.decoder.b = decoder.b;
    out.output.W = output.W;
    out.output.b = output.b;
    return out;
}

// --- training ---------------------------------------------------------------------------------------------------

template <class T>
double Translator<T>::forward(std::span<const std::int32_t> source, std::span<const std::int32_t> target, Index m)
{
    const auto& c = config_;
    if (m < 1 || Index(source.size()) != m * c.Tx || Index(target.size()) != m * c.Ty)
        throw InputError("translator: " + std::to_string(source.size()) + " source and " +
                         std::to_string(target.size()) + " target symbols for m = " + std::to_string(m) +
                         " examples, expected m*Tx = " + std::to_string(m * c.Tx) + " and m*Ty = " +
                         std::to_string(m * c.Ty));
    checkIds(source, c.sourceVocab, false, "translator source");
    checkIds(target, c.targetVocab, true, "translator target");
    if (!buffers_) buffers_ = std::make_shared<Buffers>();
    Buffers& B = *buffers_;
    B.forwarded = false;
    B.m = m;
    B.source.assign(source.begin(), source.end());
    B.target.assign(target.begin(), target.end());
    const Index n_a = c.n_a, Tx = c.Tx, Ty = c.Ty;

    // Encoder: a<1..Tx> = [forward LSTM; backward LSTM](onehot(x)), (2 n_a, m*Tx).
    encoder.forward(B.source, m);
    const Mat<T>& A = encoder.outputs();
    if (c.attention) {
        attention.precompute(A, m, B.K); // W1a A + b1, shared by the Ty steps
        B.att.resize(size_t(Ty));
    } else {
        B.context.resize(2 * n_a, m);
        B.context.topRows(n_a) = A.topRows(n_a).middleCols((Tx - 1) * m, m); // the forward reader's last state
        B.context.bottomRows(n_a) = A.bottomRows(n_a).leftCols(m);           // the backward reader's last state
    }

    // Decoder, one output step at a time: the context of step t depends on s<t-1>.
    B.zeros.setZero(c.n_s, m);
    decoder.beginStepwise(m, Ty, B.zeros, B.zeros);
    B.x.setZero(decoderInputSize(), m);
    for (Index t = 0; t < Ty; ++t) {
        if (c.attention) {
            attention.forwardStep(A, B.K, m, decoder.stepA(t - 1), B.att[size_t(t)]); // stepA(-1) is s<0>
            B.x.topRows(2 * n_a) = B.att[size_t(t)].context;
        } else {
            B.x.topRows(2 * n_a) = B.context;
        }
        if (c.feedPrevious) { // teacher forcing: the true previous symbol, zero at t = 0 and after the end
            auto prev = B.x.bottomRows(c.targetVocab);
            prev.setZero();
            if (t > 0)
                for (Index i = 0; i < m; ++i) {
                    const std::int32_t y = B.target[size_t((t - 1) * m + i)];
                    if (y != kNoTarget) prev(y, i) = T(1);
                }
        }
        decoder.forwardStep(t, B.x);
    }

    // Output: logits for all Ty steps at once, (Vy, m*Ty); the loss sums every scored -ln p and divides by m.
    output.forward(decoder.outputs(), B.logits);
    const double sum = softmaxCrossEntropyForward<T>(B.logits.Y, B.target, {}, Reduction::Sum, B.ce);
    B.ce.scale = 1.0 / double(m); // backward: dL/dlogits = (P - onehot(y)) / m
    B.probabilities.resize(size_t(Ty));
    for (Index t = 0; t < Ty; ++t) B.probabilities[size_t(t)] = B.ce.P.middleCols(t * m, m);
    B.forwarded = true;
    return sum / double(m);
}

template <class T> void Translator<T>::backward()
{
    if (!buffers_ || !buffers_->forwarded) throw InputError("translator: backward needs a forward pass first");
    const auto& c = config_;
    Buffers& B = *buffers_;
    const Index m = B.m, n_a = c.n_a, Tx = c.Tx, Ty = c.Ty;
    const Mat<T>& A = encoder.outputs();

    softmaxCrossEntropyBackward<T>(B.ce, B.target, {}, B.dLogits); // (Vy, m*Ty)
    output.backward(decoder.outputs(), B.logits, B.dLogits, &B.dS); // dS: (n_s, m*Ty) = dL/ds<1..Ty> from the output
    B.dA.setZero(2 * n_a, m * Tx);
    if (c.attention) B.dK.setZero(c.n_h, m * Tx);
    B.ds.setZero(c.n_s, m); // dL/ds<t> through the attention of step t+1 (none after the last step)
    decoder.beginBackward();
    for (Index t = Ty - 1; t >= 0; --t) {
        // s<t+1> (the output of step t) feeds the output layer and the attention of the next step.
        B.da = B.dS.middleCols(t * m, m) + B.ds;
        decoder.backwardStep(t, B.da, &B.dx); // dx: dL/dx<t>, (decoderInputSize, m)
        if (c.attention) {
            attention.backwardStep(A, m, decoder.stepA(t - 1), B.att[size_t(t)], B.dx.topRows(2 * n_a), B.dA, B.dK,
                                   t > 0 ? &B.ds : nullptr);
        } else {
            B.dA.topRows(n_a).middleCols((Tx - 1) * m, m) += B.dx.topRows(n_a);
            B.dA.bottomRows(n_a).leftCols(m) += B.dx.middleRows(n_a, n_a);
        }
    }
    if (c.attention) attention.finishBackward(A, B.dK, B.dA);
    decoder.finishBackward();
    encoder.backward(B.dA);
}

template <class T> const Mat<T>& Translator<T>::alpha(Index t) const
{
    if (!buffers_ || !buffers_->forwarded || t < 0 || t >= config_.Ty)
        throw InputError("translator: no attention weights of step " + std::to_string(t) + " (after a forward, 0 … " +
                         std::to_string(config_.Ty - 1) + ")");
    return config_.attention ? buffers_->att[size_t(t)].alpha : buffers_->none;
}

template <class T> const Mat<T>& Translator<T>::probabilities(Index t) const
{
    if (!buffers_ || !buffers_->forwarded || t < 0 || t >= config_.Ty)
        throw InputError("translator: no probabilities of step " + std::to_string(t) + " (after a forward, 0 … " +
                         std::to_string(config_.Ty - 1) + ")");
    return buffers_->probabilities[size_t(t)];
}

template class Translator<float>;
template class Translator<double>;

// --- inference --------------------------------------------------------------------------------------------------
// One source at a time, its n candidates (1 for greedy, up to the beam's width) side by side as n columns. Each source
// is decoded on its own because a matrix product's kernel sums in an order that depends on the number of columns: a
// source translated alone or among others, greedily or with a beam of width 1, then gives the same bits.

namespace {

template <class T> struct Decoder {
    const Translator<T>& model;
    BidirectionalTrace<T> encoderTrace;
    Mat<T> A1, K1;           // one source: encoder states (2 n_a, Tx), keys (n_h, Tx)
    Mat<T> A, K;             // replicated for n columns: column t*n + j
    Index n = 0;
    Mat<T> s, c;             // (n_s, n)
    Mat<T> z, aux, sNext, cNext, x, logits;
    AttentionCache<T> att;
    std::vector<std::vector<double>> logProbs; // per column: ln p of each of the Vy symbols

    explicit Decoder(const Translator<T>& m) : model(m) {}

    const TranslatorConfig& config() const { return model.config(); }

    void encode(const std::vector<std::int32_t>& source)
    {
        const auto& cf = config();
        model.encoder.forward(std::span<const std::int32_t>(source), 1, encoderTrace);
        A1 = encoderTrace.Y; // (2 n_a, Tx)
        if (cf.attention) model.attention.precompute(A1, 1, K1);
        n = 0;
    }

    // n columns of the same source, from s = c = 0.
    void start(Index columns)
    {
        setColumns(columns);
        s.setZero(config().n_s, n);
        c.setZero(config().n_s, n);
    }

    void setColumns(Index columns)
    {
        if (columns == n) return;
        n = columns;
        const Index Tx = config().Tx;
        A.resize(A1.rows(), n * Tx);
        for (Index t = 0; t < Tx; ++t) A.middleCols(t * n, n) = A1.col(t).replicate(1, n);
        if (config().attention) {
            K.resize(K1.rows(), n * Tx);
            for (Index t = 0; t < Tx; ++t) K.middleCols(t * n, n) = K1.col(t).replicate(1, n);
        }
    }

    // Keeps the states of the given columns, in that order (the beam's survivors).
    void selectColumns(const std::vector<Index>& parents)
    {
        Mat<T> s2(s.rows(), Index(parents.size())), c2(c.rows(), Index(parents.size()));
        for (size_t j = 0; j < parents.size(); ++j) {
            s2.col(Index(j)) = s.col(parents[j]);
            c2.col(Index(j)) = c.col(parents[j]);
        }
        setColumns(Index(parents.size()));
        s = std::move(s2);
        c = std::move(c2);
    }

    // One output step for the n columns: prev[j] the symbol fed to column j (kNoTarget: none). Fills logProbs and,
    // with attention, att.alpha (Tx, n); advances s and c.
    void step(const std::vector<std::int32_t>& prev)
    {
        const auto& cf = config();
        const Index n_a = cf.n_a, n_s = cf.n_s;
        x.resize(model.decoderInputSize(), n);
        if (cf.attention) {
            model.attention.forwardStep(A, K, n, s, att);
            x.topRows(2 * n_a) = att.context;
        } else {
            for (Index j = 0; j < n; ++j) {
                x.col(j).head(n_a) = A1.col(cf.Tx - 1).head(n_a);
                x.col(j).segment(n_a, n_a) = A1.col(0).tail(n_a);
            }
        }
        if (cf.feedPrevious) {
            x.bottomRows(cf.targetVocab).setZero();
            for (Index j = 0; j < n; ++j)
                if (prev[size_t(j)] != kNoTarget) x(2 * n_a + prev[size_t(j)], j) = T(1);
        }
        const auto& W = model.decoder.W;
        z.noalias() = W.rightCols(x.rows()) * x; // W_x x + b: (4 n_s, n)
        z.colwise() += model.decoder.b.col(0);
        aux.resize(n_s, n);
        sNext.resize(n_s, n);
        cNext.resize(n_s, n);
        cellForward<T>(CellKind::Lstm, RecurrentWeights<T>{W.leftCols(n_s)},
                       CellStep<T>{.aPrev = s, .cPrev = c, .z = z, .aux = aux, .a = sNext, .c = cNext});
        std::swap(s, sNext);
        std::swap(c, cNext);
        logits.noalias() = model.output.W * s; // (Vy, n)
        logits.colwise() += model.output.b.col(0);
        logProbs.resize(size_t(n));
        for (Index j = 0; j < n; ++j) logSoftmax<T>(logits.col(j), logProbs[size_t(j)]);
    }
};

template <class T> void checkSource(const TranslatorConfig& c, const std::vector<std::int32_t>& source, size_t index)
{
    if (Index(source.size()) != c.Tx)
        throw InputError("source " + std::to_string(index) + " has " + std::to_string(source.size()) +
                         " symbols, the model reads Tx = " + std::to_string(c.Tx));
    checkIds(source, c.sourceVocab, false, "source " + std::to_string(index));
}

template <class T> Decoded greedyOne(Decoder<T>& d, const std::vector<std::int32_t>& source)
{
    const auto& c = d.config();
    d.encode(source);
    d.start(1);
    Decoded out;
    out.ids.assign(size_t(c.Ty), kNoTarget);
    if (c.attention) out.attention.resize(c.Ty, c.Tx);
    std::vector<std::int32_t> prev{kNoTarget};
    bool ended = false;
    for (Index t = 0; t < c.Ty; ++t) {
        d.step(prev);
        const auto& lp = d.logProbs[0];
        const std::int32_t y = argmax(lp);
        if (!ended) {
            out.ids[size_t(t)] = y;
            out.logProb += lp[size_t(y)];
            ended = y == c.endId;
        }
        if (c.attention) out.attention.row(t) = d.att.alpha.col(0).transpose().template cast<float>();
        prev[0] = y; // after the end too: the decoder runs on as it would without an end symbol
    }
    return out;
}

} // namespace

template <class T>
std::vector<Decoded> translateGreedy(const Translator<T>& model, const std::vector<std::vector<std::int32_t>>& sources)
{
    for (size_t i = 0; i < sources.size(); ++i) checkSource<T>(model.config(), sources[i], i);
    std::vector<Decoded> out(sources.size());
    parallelFor(
        std::int64_t(sources.size()),
        [&](std::int64_t begin, std::int64_t end) {
            Decoder<T> d(model);
            for (std::int64_t i = begin; i < end; ++i) out[size_t(i)] = greedyOne(d, sources[size_t(i)]);
        },
        4);
    return out;
}

namespace {

// A beam entry while searching: the candidate, its attention rows so far, and the symbol its column reads next.
struct BeamEntry {
    BeamCandidate candidate;
    std::vector<float> attention; // t*Tx values after step t
    std::int32_t next = kNoTarget;
};

// A possible successor: the parent's index in the beam, the symbol added (-1: a finished parent carried on), its
// total log-prob and the step's ln p. Order: higher total first, then the lower parent, then the higher step ln p,
// then the lower symbol. With width 1 that picks the greedy argmax exactly: one parent, and ln p decides the ties of
// the rounded totals.
struct Successor {
    Index parent = 0;
    std::int32_t symbol = -1;
    double total = 0, step = 0;
};
bool better(const Successor& a, const Successor& b)
{
    if (a.total != b.total) return a.total > b.total;
    if (a.parent != b.parent) return a.parent < b.parent;
    if (a.step != b.step) return a.step > b.step;
    return a.symbol < b.symbol;
}

Decoded decodedOf(const BeamEntry& e, const TranslatorConfig& c)
{
    Decoded d;
    d.ids.assign(size_t(c.Ty), kNoTarget);
    std::copy(e.candidate.ids.begin(), e.candidate.ids.end(), d.ids.begin());
    d.logProb = e.candidate.logProb;
    if (c.attention)
        d.attention = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            e.attention.data(), c.Ty, c.Tx);
    return d;
}

} // namespace

template <class T>
BeamResult beamSearch(const Translator<T>& model, const std::vector<std::int32_t>& source, int width)
{
    const auto& c = model.config();
    if (width < 1) throw InputError("beam width " + std::to_string(width) + " must be at least 1");
    checkSource<T>(c, source, 0);
    Decoder<T> d(model);
    d.encode(source);
    d.start(1);
    std::vector<BeamEntry> beam(1);
    BeamResult result;
    std::vector<Successor> successors;
    std::vector<std::int32_t> prev;
    for (Index t = 0; t < c.Ty; ++t) {
        prev.clear();
        for (const auto& e : beam) prev.push_back(e.next);
        d.step(prev);
        successors.clear();
        for (Index j = 0; j < Index(beam.size()); ++j) {
            const auto& e = beam[size_t(j)].candidate;
            if (e.finished) {
                successors.push_back({j, -1, e.logProb, 0});
                continue;
            }
            const auto& lp = d.logProbs[size_t(j)];
            for (std::int32_t y = 0; y < std::int32_t(lp.size()); ++y)
                successors.push_back({j, y, e.logProb + lp[size_t(y)], lp[size_t(y)]});
        }
        const size_t keep = std::min(successors.size(), size_t(width));
        std::partial_sort(successors.begin(), successors.begin() + std::ptrdiff_t(keep), successors.end(), better);
        std::vector<BeamEntry> next;
        std::vector<Index> parents;
        for (size_t k = 0; k < keep; ++k) {
            const Successor& s = successors[k];
            const Index p = s.parent;
            BeamEntry e = beam[size_t(p)];
            if (s.symbol >= 0) {
                e.candidate.ids.push_back(s.symbol);
                e.candidate.logProb = s.total;
                e.candidate.finished = s.symbol == c.endId;
                e.next = s.symbol;
            } else {
                e.next = argmax(d.logProbs[size_t(p)]); // a finished candidate's column runs on as greedy's does
            }
            if (c.attention)
                for (Index i = 0; i < c.Tx; ++i) e.attention.push_back(float(d.att.alpha(i, p)));
            next.push_back(std::move(e));
            parents.push_back(p);
        }
        beam = std::move(next);
        d.selectColumns(parents);
        std::vector<BeamCandidate> stepBeam;
        for (const auto& e : beam) stepBeam.push_back(e.candidate);
        result.steps.push_back(std::move(stepBeam));
    }
    for (const auto& e : beam) result.best.push_back(decodedOf(e, c));
    return result;
}

template std::vector<Decoded> translateGreedy<float>(const Translator<float>&,
                                                     const std::vector<std::vector<std::int32_t>>&);
template std::vector<Decoded> translateGreedy<double>(const Translator<double>&,
                                                      const std::vector<std::vector<std::int32_t>>&);
template BeamResult beamSearch<float>(const Translator<float>&, const std::vector<std::int32_t>&, int);
template BeamResult beamSearch<double>(const Translator<double>&, const std::vector<std::int32_t>&, int);

// --- files ------------------------------------------------------------------------------------------------------

ModelFile describeTranslator(const Translator<float>& model, const SymbolVocab& source, const SymbolVocab& target)
{
    const auto& c = model.config();
    if (std::int64_t(source.size()) != c.sourceVocab || std::int64_t(target.size()) != c.targetVocab)
        throw InputError("translator: vocabularies of " + std::to_string(source.size()) + " and " +
                         std::to_string(target.size()) + " symbols for a model of " + std::to_string(c.sourceVocab) +
                         " and " + std::to_string(c.targetVocab));
    ModelFile f;
    f.kind = kTranslatorKind;
    f.hyper = {{"n_a", std::to_string(c.n_a)},
               {"n_s", std::to_string(c.n_s)},
               {"n_h", std::to_string(c.n_h)},
               {"Tx", std::to_string(c.Tx)},
               {"Ty", std::to_string(c.Ty)},
               {"attention", c.attention ? "1" : "0"},
               {"feed_previous", c.feedPrevious ? "1" : "0"},
               {"target_vocab", nlohmann::json(target.symbols()).dump()}};
    f.vocabType = VocabType::Words; // "<unk>" and "<pad>" are symbols of more than one character
    f.vocab = source.symbols();
    f.normalization = kSourceNormalization;
    Translator<float> copy = model.copyWeights(); // parameters() hands out writable views: read them from a copy
    for (const auto& p : copy.parameters()) f.tensors[p.name] = tensorFromMatrix(*p.value);
    return f;
}

void saveTranslator(const std::filesystem::path& path, const Translator<float>& model, const SymbolVocab& source,
                    const SymbolVocab& target)
{
    saveModel(path, describeTranslator(model, source, target));
}

LoadedTranslator loadTranslator(const std::filesystem::path& path)
{
    const ModelFile f = loadModel(path);
    const std::string name = path.filename().string();
    if (f.kind != kTranslatorKind)
        throw InputError(name + ": a '" + f.kind + "' model, not a translator (kind 'translator')");
    if (f.vocabType != VocabType::Words)
        throw InputError(name + ": a translator's source vocabulary is of symbols (vocab_type words), this file's is " +
                         "of characters");
    auto hyper = [&](const std::string& key) {
        const auto it = f.hyper.find(key);
        if (it == f.hyper.end()) throw InputError(name + ": hyper-parameter " + key + " is missing");
        return it->second;
    };
    auto count = [&](const std::string& key, std::int64_t limit) {
        const std::string text = hyper(key);
        std::int64_t v = 0;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < 1 || v > limit)
            throw InputError(name + ": hyper-parameter " + key + " = \"" + text + "\" is not a count in 1 … " +
                             std::to_string(limit));
        return v;
    };
    auto flag = [&](const std::string& key) {
        const std::string text = hyper(key);
        if (text != "0" && text != "1")
            throw InputError(name + ": hyper-parameter " + key + " = \"" + text + "\" is not 0 or 1");
        return text == "1";
    };
    if (f.normalization != kSourceNormalization)
        throw InputError(name + ": normalization \"" + f.normalization + "\", a translator's is \"" +
                         kSourceNormalization + "\"");
    LoadedTranslator out;
    try {
        out.source = SymbolVocab(f.vocab);
    } catch (const InputError& e) {
        throw InputError(name + ": source vocabulary: " + e.what());
    }
    std::vector<std::string> targetSymbols;
    try {
        const auto j = nlohmann::json::parse(hyper("target_vocab"));
        targetSymbols = j.get<std::vector<std::string>>();
        out.target = SymbolVocab(targetSymbols);
    } catch (const nlohmann::json::exception&) {
        throw InputError(name + ": hyper-parameter target_vocab is not a JSON list of strings");
    } catch (const InputError& e) {
        throw InputError(name + ": target vocabulary: " + e.what());
    }
    TranslatorConfig c;
    c.sourceVocab = std::int64_t(out.source.size());
    c.targetVocab = std::int64_t(out.target.size());
    c.n_a = count("n_a", 4096);
    c.n_s = count("n_s", 4096);
    c.n_h = count("n_h", 4096);
    c.Tx = count("Tx", 10000);
    c.Ty = count("Ty", 10000);
    c.attention = flag("attention");
    c.feedPrevious = flag("feed_previous");
    const auto end = out.target.find(kEndSymbol);
    c.endId = end ? *end : kNoTarget;
    try {
        out.model = std::make_unique<Translator<float>>(c);
    } catch (const InputError& e) {
        throw InputError(name + ": " + e.what());
    }
    for (const auto& p : out.model->parameters()) {
        const auto it = f.tensors.find(p.name);
        if (it == f.tensors.end()) throw InputError(name + ": tensor " + p.name + " is missing");
        const MatF m = matrixFromTensor<float>(it->second);
        if (m.rows() != p.value->rows() || m.cols() != p.value->cols())
            throw InputError(name + ": tensor " + p.name + " is " + std::to_string(m.rows()) + " x " +
                             std::to_string(m.cols()) + ", expected " + std::to_string(p.value->rows()) + " x " +
                             std::to_string(p.value->cols()) + " for n_a " + std::to_string(c.n_a) + ", n_s " +
                             std::to_string(c.n_s) + ", n_h " + std::to_string(c.n_h) + " and vocabularies of " +
                             std::to_string(c.sourceVocab) + " and " + std::to_string(c.targetVocab) + " symbols");
        *p.value = m;
    }
    return out;
}

} // namespace unroll
