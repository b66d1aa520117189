// Character language model training, evaluation, checkpoints; see CharLmTask.hpp.
#include "charlm/CharLmTask.hpp"

#include "charlm/CourseNames.hpp"
#include "charlm/Sampling.hpp"
#include "io/ModelFile.hpp"
#include "io/Safetensors.hpp"
#include "math/Rng.hpp"
#include "train/OptimizerState.hpp"
#include "util/Error.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <new>
#include <numeric>

namespace unroll {

namespace {

// The model kind this lab writes and reads (docs/formats.md); the cell is the hyper-parameter "cell".
constexpr const char* kCharLmKind = "charlm";

// Throws unless the file holds a character language model: another lab's kind or a word vocabulary is named.
void requireCharModel(const ModelFile& f, const std::string& name)
{
    if (f.kind != kCharLmKind)
        throw InputError(name + ": a '" + f.kind + "' model, not a character language model (kind 'charlm')");
    if (f.vocabType != VocabType::Chars)
        throw InputError(name + ": a character language model needs a character vocabulary; this file's is of words");
}

SequenceModelOptions modelOptions(const CharCorpus& corpus, const CharLmOptions& o)
{
    const Index V = Index(corpus.vocab.size());
    return {.cell = o.cell,
            .inputSize = V,
            .hiddenSize = o.hidden,
            .outputSize = V,
            .layers = o.layers,
            .reduction = corpus.options.mode == TextMode::Lines ? LossReduction::SumPerExample : LossReduction::Mean};
}

// The encoded example, or empty if a character is outside the vocabulary and there is no "other" symbol.
std::vector<std::int32_t> encodeOrEmpty(const Vocabulary& vocab, std::u32string_view text)
{
    std::vector<std::int32_t> ids;
    ids.reserve(text.size());
    for (char32_t c : text) {
        if (!vocab.contains(c) && !vocab.contains(Vocabulary::kOther)) return {};
        ids.push_back(vocab.indexOf(c));
    }
    return ids;
}

} // namespace

EvalResult evaluateLines(const SequenceModel<float>& trained, const Vocabulary& vocab,
                         const std::vector<std::u32string>& lines)
{
    EvalResult r;
    if (!vocab.contains(U'\n')) throw InputError("the model has no end-of-line symbol: it was not trained on lines");
    const std::int32_t newline = vocab.indexOf(U'\n');
    SequenceWorkspace<float> ws;
    std::vector<std::int32_t> x, y;
    for (const auto& line : lines) {
        bool known = true;
        for (char32_t c : line) known = known && vocab.contains(c);
        if (!known) {
            ++r.unknown; // never silently mapped to another character
            continue;
        }
        const auto ids = vocab.encode(line);
        x.assign(1, kNoInput);
        x.insert(x.end(), ids.begin(), ids.end());
        y.assign(ids.begin(), ids.end());
        y.push_back(newline);
        ws.reset();
        const auto& p = trained.predict(x, 1, ws);
        for (size_t t = 0; t < y.size(); ++t) r.total -= std::log(double(p(y[t], Index(t))));
        r.predictions += std::int64_t(y.size());
        ++r.lines;
    }
    return r;
}

EvalResult evaluateText(const SequenceModel<float>& trained, const Vocabulary& vocab, const std::u32string& text,
                        Index window)
{
    EvalResult r;
    const auto ids = encodeOrEmpty(vocab, text);
    if (ids.size() < 2) return r;
    SequenceWorkspace<float> ws; // the state carries from one window to the next
    for (size_t start = 0; start + 1 < ids.size(); start += size_t(window)) {
        const size_t end = std::min(ids.size() - 1, start + size_t(window));
        std::vector<std::int32_t> x(ids.begin() + std::ptrdiff_t(start), ids.begin() + std::ptrdiff_t(end));
        const auto& p = trained.predict(x, 1, ws);
        for (size_t t = 0; t < x.size(); ++t) r.total -= std::log(double(p(ids[start + t + 1], Index(t))));
        r.predictions += std::int64_t(x.size());
    }
    r.lines = 1;
    return r;
}

CharLmTask::CharLmTask(CharCorpus corpus, const CharLmOptions& o) : corpus_(std::move(corpus)), options_(o)
{
    if (o.hidden < 1 || o.hidden > kMaxCharLmHidden)
        throw InputError("hidden size " + std::to_string(o.hidden) + " must be 1 … " + std::to_string(kMaxCharLmHidden));
    if (o.layers < 1 || o.layers > kMaxCharLmLayers)
        throw InputError("layers " + std::to_string(o.layers) + " must be 1 … " + std::to_string(kMaxCharLmLayers));
    if (o.batch < 1 || o.batch > 1024) throw InputError("batch must be 1 … 1024");
    if (!(o.smoothing >= 0 && o.smoothing < 1)) throw InputError("loss smoothing must be in [0, 1)");
    if (corpus_.train.empty()) throw InputError("no training data");
    {
        // Bound what one step may cost before it runs out of memory mid-step: BPTT keeps every step's activations
        // (gates, states, their gradients) for the whole example or window, plus logits, probabilities and dZ.
        const bool lines = corpus_.options.mode == TextMode::Lines;
        std::size_t longest = 0;
        if (lines)
            for (const auto& e : corpus_.train) longest = std::max(longest, e.size());
        const double T = lines ? double(longest + 1) : double(o.window), V = double(corpus_.vocab.size());
        const double n = double(o.hidden), G = gateCount(o.cell);
        const double perColumn = double(o.layers) * (n * (2 * G + 6) + std::max(n, V)) + 3 * V;
        const double bytes = T * double(o.batch) * perColumn * sizeof(float);
        if (bytes > kMaxCharLmStepBytes)
            throw InputError("one training step would need about " + std::to_string(std::int64_t(bytes / (1 << 20))) +
                             " MB (" + (lines ? "the longest line has " + std::to_string(longest) + " characters"
                                              : "windows of " + std::to_string(o.window) + " characters") +
                             ", batch " + std::to_string(o.batch) + ", n_a " + std::to_string(o.hidden) + ", " +
                             std::to_string(o.layers) + " layers); the limit is " +
                             std::to_string(std::int64_t(kMaxCharLmStepBytes / (1 << 20))) +
                             " MB: lower the batch, the hidden size or the " + (lines ? "line length" : "window"));
    }
    model_ = std::make_unique<SequenceModel<float>>(modelOptions(corpus_, o));
    Rng rng(o.seed);
    if (o.cell == CellKind::Rnn && o.layers == 1) {
        // The course's initialize_parameters: Wax, Waa, Wya ~ N(0, 1) * 0.01 in that order, biases 0.
        auto& layer = model_->layers[0];
        const Index n = o.hidden, V = Index(corpus_.vocab.size());
        layer.W.rightCols(V) = (rng.randn(n, V) * 0.01).cast<float>();
        layer.W.leftCols(n) = (rng.randn(n, n) * 0.01).cast<float>();
        layer.b.setZero();
        model_->output.W = (rng.randn(V, n) * 0.01).cast<float>();
        model_->output.b.setZero();
    } else {
        model_->initialize(rng);
    }
    params_ = model_->parameters();
    optimizer_ = std::make_unique<Optimizer<float>>(o.optimizer, params_);

    if (corpus_.options.mode == TextMode::Lines) {
        std::vector<size_t> order(corpus_.train.size());
        std::iota(order.begin(), order.end(), size_t(0));
        Rng shuffle(o.shuffleSeed);
        shuffle.shuffle(std::span<size_t>(order)); // the course: np.random.seed(0); np.random.shuffle(examples)
        for (size_t i : order) examples_.push_back(corpus_.vocab.encode(corpus_.train[i]));
        smoothed_ = -std::log(1.0 / double(corpus_.vocab.size())) * 7; // the course's get_initial_loss(V, 7)
    } else {
        stream_ = corpus_.vocab.encode(corpus_.train.front());
        if (Index(stream_.size()) < o.batch * (o.window + 1))
            throw InputError("the text is too short for " + std::to_string(o.batch) + " streams of " +
                             std::to_string(o.window) + " characters");
        smoothed_ = std::log(double(corpus_.vocab.size()));
    }
}

void CharLmTask::fillLinesBatch()
{
    const Index B = options_.batch, n = Index(examples_.size());
    Index T = 0;
    for (Index k = 0; k < B; ++k) T = std::max(T, Index(examples_[size_t((position_ + k) % n)].size()) + 1);
    x_.assign(size_t(T * B), kNoInput);
    y_.assign(size_t(T * B), kNoTarget);
    const std::int32_t newline = corpus_.newline();
    for (Index k = 0; k < B; ++k) {
        const auto& ex = examples_[size_t((position_ + k) % n)];
        const Index len = Index(ex.size());
        for (Index t = 0; t <= len; ++t) {
            x_[size_t(t * B + k)] = t == 0 ? kNoInput : ex[size_t(t - 1)];
            y_[size_t(t * B + k)] = t < len ? ex[size_t(t)] : newline;
        }
    }
    position_ = (position_ + B) % n;
    if (B > 1) model_->resetState(); // padded examples end at different steps: each batch starts from zero
}

void CharLmTask::fillStreamWindow()
{
    const Index B = options_.batch, T = options_.window, len = Index(stream_.size()) / B;
    if (position_ + T + 1 > len) {
        position_ = 0;
        model_->resetState();
    }
    x_.resize(size_t(B * T));
    y_.resize(size_t(B * T));
    for (Index t = 0; t < T; ++t)
        for (Index j = 0; j < B; ++j) {
            x_[size_t(t * B + j)] = stream_[size_t(j * len + position_ + t)];
            y_[size_t(t * B + j)] = stream_[size_t(j * len + position_ + t + 1)];
        }
    position_ += T;
}

StepMetrics CharLmTask::step()
{
    try {
        return stepUnguarded();
    } catch (const std::bad_alloc&) {
        // Eigen's DenseStorage::resize frees a matrix's buffer before allocating the new one; when that allocation
        // fails the matrix keeps the freed pointer, and destroying it would free it twice ("double free or
        // corruption" while the exception unwinds). The model's caches may be in that state: leak the model and its
        // optimizer on purpose and continue from a fresh model holding a copy of the weights (the weights are
        // never resized). The optimizer's moments start again.
        SequenceModel<float>* old = model_.release();
        (void)optimizer_.release();
        model_ = std::make_unique<SequenceModel<float>>(modelOptions(corpus_, options_));
        auto from = old->namedTensors(), to = model_->namedTensors();
        for (size_t i = 0; i < from.size() && i < to.size(); ++i) to[i].valueBlock() = from[i].valueBlock();
        params_ = model_->parameters();
        optimizer_ = std::make_unique<Optimizer<float>>(options_.optimizer, params_);
        throw InputError("out of memory in training step " + std::to_string(steps_) +
                         ": lower the batch, the hidden size, the layers or the " +
                         (corpus_.options.mode == TextMode::Lines ? "line length" : "window"));
    }
}

StepMetrics CharLmTask::stepUnguarded()
{
    const bool lines = corpus_.options.mode == TextMode::Lines;
    lines ? fillLinesBatch() : fillStreamWindow();
    ++steps_;
    StepMetrics m;
    m.loss = model_->forward(x_, y_, options_.batch);
    checkFiniteLoss(m.loss, steps_);
    model_->backward(); // a NaN or Inf gradient stops optimizer_->step() before it updates anything
    m.learningRate = optimizer_->currentLearningRate();
    m.gradNorm = optimizer_->step();
    model_->zeroGrads();
    m.examples = lines ? options_.batch : options_.batch * options_.window;
    m.predictions = std::count_if(y_.begin(), y_.end(), [](std::int32_t y) { return y != kNoTarget; });
    lastLoss_ = m.loss;
    smoothed_ = options_.smoothing * smoothed_ + (1 - options_.smoothing) * m.loss;
    return m;
}

EvalResult CharLmTask::validation() const
{
    if (corpus_.validation.empty()) return {};
    if (corpus_.options.mode == TextMode::Lines) return evaluateLines(*model_, corpus_.vocab, corpus_.validation);
    return evaluateText(*model_, corpus_.vocab, corpus_.validation.front());
}

std::u32string CharLmTask::lastInputText() const
{
    std::u32string out;
    const Index B = options_.batch;
    for (size_t k = 0; k < x_.size(); k += size_t(B)) {
        if (x_[k] == kNoInput && k > 0) break; // padding after the example's end
        out.push_back(x_[k] == kNoInput ? U'\0' : corpus_.vocab.symbol(x_[k]));
    }
    return out;
}

MatF CharLmTask::lastHidden() const
{
    if (steps_ == 0) return {};
    const auto& top = model_->layers.back();
    const Index B = options_.batch, T = Index(lastInputText().size());
    MatF h(top.hiddenSize(), T);
    for (Index t = 0; t < T; ++t) h.col(t) = top.A().col((t + 1) * B); // example 0 at step t
    return h;
}

std::vector<std::u32string> CharLmTask::sampleNames(int count) const
{
    std::vector<std::u32string> out;
    const bool lines = corpus_.options.mode == TextMode::Lines;
    for (int k = 0; k < count; ++k) {
        if (lines) {
            auto ids = courseSample<float>(*model_, corpus_.newline(), std::uint32_t(k));
            if (!ids.empty() && ids.back() == corpus_.newline()) ids.pop_back();
            out.push_back(corpus_.vocab.decode(ids));
        } else {
            Rng rng{std::uint32_t(k)};
            out.push_back(sampleLine(*model_, corpus_.vocab, {}, {.temperature = 1.0, .maxLength = 80}, rng));
        }
    }
    return out;
}

// --- files ----------------------------------------------------------------------------------------------------------

namespace {
// Every course-named tensor of the model from the file, shapes checked.
void readNamedTensors(SequenceModel<float>& model, const ModelFile& f, const std::string& name)
{
    for (const auto& p : model.namedTensors()) {
        const auto it = f.tensors.find(p.name);
        if (it == f.tensors.end()) throw InputError(name + ": tensor " + p.name + " is missing");
        const MatF m = matrixFromTensor<float>(it->second);
        if (m.rows() != p.blockRows() || m.cols() != p.blockCols())
            throw InputError(name + ": tensor " + p.name + " has shape (" + std::to_string(m.rows()) + ", " +
                             std::to_string(m.cols()) + "), the model needs (" + std::to_string(p.blockRows()) + ", " +
                             std::to_string(p.blockCols()) + ")");
        for (Index j = 0; j < m.cols(); ++j)
            for (Index i = 0; i < m.rows(); ++i)
                if (!std::isfinite(m(i, j)))
                    throw InputError(name + ": tensor " + p.name + " holds " + (std::isnan(m(i, j)) ? "NaN" : "Inf") +
                                     " at (" + std::to_string(i) + ", " + std::to_string(j) +
                                     "): a model's weights must be finite numbers");
        p.valueBlock() = m;
    }
}
} // namespace

ModelFile describeCharModel(const SequenceModel<float>& model, const CharCorpus& corpus, const CharLmOptions& o)
{
    ModelFile f;
    f.kind = kCharLmKind;
    f.hyper = {{"cell", std::string(cellKindId(o.cell))},
               {"n_a", std::to_string(o.hidden)},
               {"layers", std::to_string(o.layers)},
               {"mode", textModeIds[int(corpus.options.mode)]}};
    f.vocab = corpus.vocab.symbolsUtf8();
    f.normalization = corpus.options.lowercase ? "lowercase" : "none";
    for (const auto& [name, value] : model.namedValues()) f.tensors[name] = tensorFromMatrix(value);
    return f;
}

void saveCharModel(const std::filesystem::path& path, const SequenceModel<float>& model, const CharCorpus& corpus,
                   const CharLmOptions& options)
{
    unroll::saveModel(path, describeCharModel(model, corpus, options));
}

void CharLmTask::saveModel(const std::filesystem::path& path) const
{
    saveCharModel(path, *model_, corpus_, options_);
}

MatF hiddenStates(const SequenceModel<float>& trained, const Vocabulary& vocab, std::u32string_view text)
{
    SequenceWorkspace<float> ws;
    std::vector<std::int32_t> x(1, kNoInput);
    for (char32_t c : text) {
        if (!vocab.contains(c)) throw InputError("'" + encodeUtf8(c) + "' is not in the model's vocabulary");
        x.push_back(vocab.indexOf(c));
    }
    trained.predict(x, 1, ws);
    // a<t> after reading x<t>: A's block t+1. Block 1 is after the zero input; character k is read at step k+1.
    return ws.layers.back().A.middleCols(2, Index(text.size()));
}

void CharLmTask::saveCheckpoint(const std::filesystem::path& path) const
{
    ModelFile f = describeCharModel(*model_, corpus_, options_);
    f.hyper["checkpoint_step"] = std::to_string(steps_);
    f.hyper["checkpoint_position"] = std::to_string(position_);
    char exact[32];
    const auto end = std::to_chars(exact, exact + sizeof exact, smoothed_).ptr; // shortest round-trip form
    f.hyper["checkpoint_smoothed_loss"] = std::string(exact, end);
    f.hyper["checkpoint_carries_state"] = model_->carriesState() ? "1" : "0";
    saveOptimizerState(*optimizer_, f);
    if (model_->carriesState())
        for (int l = 0; l < options_.layers; ++l) {
            f.tensors["state.a." + std::to_string(l)] = tensorFromMatrix(model_->stateA(l));
            f.tensors["state.c." + std::to_string(l)] = tensorFromMatrix(model_->stateC(l));
        }
    unroll::saveModel(path, f);
}

void CharLmTask::restoreCheckpoint(const std::filesystem::path& path)
{
    const ModelFile f = loadModel(path);
    const std::string name = path.filename().string();
    requireCharModel(f, name);
    const auto cell = f.hyper.find("cell");
    const std::string runCell(cellKindId(options_.cell));
    if (cell == f.hyper.end() || cell->second != runCell)
        throw InputError(name + ": the checkpoint's cell is " + (cell == f.hyper.end() ? "not named" : cell->second) +
                         ", this run's is " + runCell);
    if (f.vocab != corpus_.vocab.symbolsUtf8())
        throw InputError(name + ": the checkpoint was made with other data (another vocabulary)");
    auto need = [&](const std::string& key) {
        const auto it = f.hyper.find(key);
        if (it == f.hyper.end()) throw InputError(name + ": not a checkpoint (no " + key + ")");
        return it->second;
    };
    auto count = [&](const std::string& key) -> std::int64_t {
        const std::string text = need(key);
        std::int64_t v = -1;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < 0)
            throw InputError(name + ": " + key + " \"" + text + "\" is not a count");
        return v;
    };
    auto tensor = [&](const std::string& key) {
        const auto it = f.tensors.find(key);
        if (it == f.tensors.end()) throw InputError(name + ": tensor " + key + " is missing");
        return matrixFromTensor<float>(it->second);
    };
    const std::int64_t steps = count("checkpoint_step"), position = count("checkpoint_position");
    double smoothed = 0;
    const std::string smoothedText = need("checkpoint_smoothed_loss");
    const auto r = std::from_chars(smoothedText.data(), smoothedText.data() + smoothedText.size(), smoothed);
    if (r.ec != std::errc() || r.ptr != smoothedText.data() + smoothedText.size())
        throw InputError(name + ": checkpoint_smoothed_loss \"" + smoothedText + "\" is not a number");
    restoreOptimizerState(*optimizer_, f, name); // first: it changes nothing when it refuses
    readNamedTensors(*model_, f, name);
    steps_ = steps;
    position_ = position;
    smoothed_ = smoothed;
    model_->resetState();
    if (need("checkpoint_carries_state") == "1")
        for (int l = 0; l < options_.layers; ++l)
            model_->setState(l, tensor("state.a." + std::to_string(l)), tensor("state.c." + std::to_string(l)));
}

LoadedCharModel loadCharModel(const std::filesystem::path& path)
{
    const ModelFile f = loadModel(path);
    const std::string name = path.filename().string();
    requireCharModel(f, name);
    auto hyper = [&](const std::string& key) {
        const auto it = f.hyper.find(key);
        if (it == f.hyper.end()) throw InputError(name + ": hyper-parameter " + key + " is missing");
        return it->second;
    };
    // A count within the range training allows; a file is never trusted with a size it could not have been made with.
    auto count = [&](const std::string& key, std::int64_t min, std::int64_t max) {
        const std::string text = hyper(key);
        std::int64_t v = 0;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < min || v > max)
            throw InputError(name + ": hyper-parameter " + key + " \"" + text + "\": expected an integer from " +
                             std::to_string(min) + " to " + std::to_string(max));
        return v;
    };
    LoadedCharModel out;
    out.kind = f.kind;
    out.lowercase = f.normalization == "lowercase";
    std::vector<char32_t> symbols;
    for (const auto& s : f.vocab) {
        const auto cps = decodeUtf8(s, name);
        if (cps.size() != 1) throw InputError(name + ": a vocabulary entry is not one character");
        symbols.push_back(cps[0]);
    }
    out.vocab = Vocabulary::fromSymbols(symbols);
    const Index V = Index(symbols.size());
    if (V < 2) throw InputError(name + ": the vocabulary has " + std::to_string(V) + " characters; at least 2 needed");
    const CellKind cell = [&] {
        try {
            return parseCellKind(hyper("cell"));
        } catch (const InputError& e) {
            throw InputError(name + ": hyper-parameter cell: " + e.what());
        }
    }();
    const Index hidden = count("n_a", 1, kMaxCharLmHidden);
    const int layers = int(count("layers", 1, kMaxCharLmLayers));
    // Before allocating: the sizes the metadata claims must fit the tensors the file really holds.
    std::int64_t need = V * (hidden + 1), have = 0;
    for (int l = 0; l < layers; ++l)
        need += std::int64_t(gateCount(cell)) * hidden * (hidden + (l == 0 ? V : hidden) + 1);
    for (const auto& [key, t] : f.tensors)
        if (key.rfind("optimizer.", 0) != 0 && key.rfind("state.", 0) != 0) have += std::int64_t(t.data.size());
    if (have < need)
        throw InputError(name + ": the hyper-parameters (cell " + std::string(cellKindId(cell)) + ", n_a " +
                         std::to_string(hidden) + ", " + std::to_string(layers) + " layers, " + std::to_string(V) +
                         " characters) need " + std::to_string(need) + " weights; the file's tensors hold " +
                         std::to_string(have));
    out.model = std::make_unique<SequenceModel<float>>(
        SequenceModelOptions{.cell = cell, .inputSize = V, .hiddenSize = hidden, .outputSize = V, .layers = layers,
                             .reduction = LossReduction::SumPerExample});
    readNamedTensors(*out.model, f, name);
    return out;
}

} // namespace unroll
