// The jazz lab's corpus, training task, model file and improvisation; see JazzTask.hpp.
#include "jazz/JazzTask.hpp"

#include "io/ModelFile.hpp"
#include "math/Rng.hpp"
#include "util/Error.hpp"
#include "util/Resources.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

namespace unroll::jazz {

namespace {

bool isMidiName(const std::filesystem::path& p)
{
    std::string ext = p.extension().string();
    for (auto& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
    return ext == ".mid" || ext == ".midi";
}

std::vector<std::filesystem::path> midiFilesIn(const std::filesystem::path& dir)
{
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.is_regular_file() && isMidiName(e.path())) out.push_back(e.path());
    if (ec) throw InputError(dir.string() + ": cannot be listed (" + ec.message() + ")");
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

std::vector<std::filesystem::path> builtInCorpusFiles()
{
    return midiFilesIn(dataDirectory() / "jazz");
}

JazzCorpus loadCorpus(const std::vector<std::filesystem::path>& paths)
{
    std::vector<std::filesystem::path> files;
    for (const auto& p : paths) {
        if (std::filesystem::is_directory(p)) {
            auto in = midiFilesIn(p);
            if (in.empty()) throw InputError(p.string() + ": holds no .mid files");
            files.insert(files.end(), in.begin(), in.end());
        } else {
            files.push_back(p);
        }
    }
    if (files.empty()) throw InputError("no MIDI files given");
    JazzCorpus c;
    std::vector<Token> all;
    for (const auto& f : files) {
        const MidiFile midi = readMidi(f);
        c.melodies.push_back(extractMelody(midi, f.string()));
        c.songs.push_back(encodeMelody(c.melodies.back()));
        all.insert(all.end(), c.songs.back().begin(), c.songs.back().end());
    }
    c.bpm = c.melodies.front().bpm;
    c.vocab = TokenVocabulary(all);
    for (const auto& song : c.songs)
        for (const auto& t : song) c.ids.push_back(c.vocab.indexOf(t));
    return c;
}

SequenceModelOptions jazzModelOptions(int vocabulary, Index hidden, int layers)
{
    return {.cell = CellKind::Lstm, .inputSize = vocabulary, .hiddenSize = hidden, .outputSize = vocabulary,
            .layers = layers, .reduction = LossReduction::SumPerExample};
}

JazzTask::JazzTask(JazzCorpus corpus, const JazzOptions& o) : corpus_(std::move(corpus)), options_(o)
{
    auto range = [](const char* what, long long v, long long lo, long long hi) {
        if (v < lo || v > hi)
            throw InputError(std::string(what) + " " + std::to_string(v) + " must be in " + std::to_string(lo) + ".." +
                             std::to_string(hi));
    };
    range("hidden size", o.hidden, 1, 4096);
    range("layers", o.layers, 1, 8);
    range("T_x", o.Tx, 2, 10000);
    range("windows", o.windows, 1, 1000000);
    range("batch size", o.batch, 1, 100000);
    range("epochs", o.epochs, 1, 1000000);
    if (!(o.learningRate > 0) || !(o.decay >= 0))
        throw InputError("the learning rate must be above 0 and the decay at least 0");
    const auto N = std::int64_t(corpus_.ids.size());
    if (N < o.Tx + 1)
        throw InputError("the melodies hold " + std::to_string(N) + " tokens, fewer than T_x + 1 = " +
                         std::to_string(o.Tx + 1) + " needed for one window");
    // data_processing: np.random.seed(0); each window starts at np.random.choice(len(corpus) - Tx).
    Rng data(o.seed);
    windows_.resize(std::size_t(o.windows) * std::size_t(o.Tx));
    for (int i = 0; i < o.windows; ++i) {
        const std::int64_t start = data.randint(0, N - o.Tx);
        for (int t = 0; t < o.Tx; ++t)
            windows_[std::size_t(i * o.Tx + t)] = corpus_.ids[std::size_t(start + t)];
    }
    model_ = std::make_unique<SequenceModel<float>>(jazzModelOptions(corpus_.vocab.size(), o.hidden, o.layers));
    Rng init(o.seed + 1000u);
    model_->initialize(init);
    adam_ = std::make_unique<Optimizer<float>>(
        OptimizerOptions{.kind = OptimizerKind::Adam, .learningRate = o.learningRate, .epsilon = 1e-7},
        model_->parameters());
    shuffle_ = std::make_unique<Rng>(o.seed + 2000u);
    order_.resize(std::size_t(o.windows));
    std::iota(order_.begin(), order_.end(), 0);
}

JazzTask::~JazzTask() = default;

std::shared_ptr<const SequenceModel<float>> JazzTask::modelSnapshot() const
{
    return std::make_shared<const SequenceModel<float>>(*model_);
}

StepMetrics JazzTask::step()
{
    if (finished()) throw InputError("the run is finished (" + std::to_string(options_.epochs) + " epochs)");
    const int epoch = int(history_.size());
    const double lr = options_.learningRate / (1.0 + options_.decay * epoch); // Keras decay, per epoch
    adam_->setLearningRate(lr);
    shuffle_->shuffle(std::span<std::int32_t>(order_));
    const int W = options_.windows, Tx = options_.Tx, B = options_.batch;
    double total = 0, norm = 0;
    std::int64_t correct = 0;
    for (int begin = 0; begin < W; begin += B) {
        const int m = std::min(W, begin + B) - begin;
        // Column t*m + i: step t of window i. x<1> = 0 (kNoInput), x<t+1> = y<t>.
        inputs_.assign(std::size_t(m * Tx), kNoInput);
        targets_.assign(std::size_t(m * Tx), 0);
        for (int i = 0; i < m; ++i) {
            const std::int32_t* w = &windows_[std::size_t(order_[std::size_t(begin + i)] * Tx)];
            for (int t = 0; t < Tx; ++t) {
                targets_[std::size_t(t * m + i)] = w[t];
                if (t > 0) inputs_[std::size_t(t * m + i)] = w[t - 1];
            }
        }
        model_->resetState(); // a0 = c0 = 0 for every window
        model_->zeroGrads();
        const double loss = model_->forward(inputs_, targets_, m);
        checkFiniteLoss(loss, std::int64_t(epoch) + 1);
        model_->backward();
        norm = adam_->step();
        total += loss * m;
        const auto& P = model_->probs();
        for (Index col = 0; col < P.cols(); ++col) {
            Index arg;
            P.col(col).maxCoeff(&arg);
            correct += arg == targets_[std::size_t(col)];
        }
    }
    JazzEpoch e{epoch + 1, total / W, double(correct) / (double(W) * Tx)};
    history_.push_back(e);
    StepMetrics s;
    s.step = e.epoch;
    s.loss = e.loss;
    s.gradNorm = norm;
    s.learningRate = lr;
    s.examples = W;
    s.predictions = std::int64_t(W) * Tx;
    return s;
}

void JazzTask::save(const std::filesystem::path& path) const
{
    saveJazzModel(path, *model_, corpus_.vocab, corpus_.bpm);
}

void saveJazzModel(const std::filesystem::path& path, const SequenceModel<float>& model, const TokenVocabulary& vocab,
                   double bpm)
{
    ModelFile f;
    f.kind = kJazzModelKind;
    f.vocabType = VocabType::Words;
    f.vocab = vocab.texts();
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, bpm).ptr;
    f.hyper = {{"cell", "lstm"},
               {"n_a", std::to_string(model.options().hiddenSize)},
               {"layers", std::to_string(model.options().layers)},
               {"bpm", std::string(buf, end)},
               {"encoding", "root-relative"}};
    for (const auto& [name, value] : model.namedValues()) f.tensors[name] = tensorFromMatrix(value);
    saveModel(path, f);
}

LoadedJazzModel loadJazzModel(const std::filesystem::path& path)
{
    const ModelFile f = loadModel(path);
    const std::string name = path.string();
    if (f.kind != kJazzModelKind)
        throw InputError(name + ": holds a \"" + f.kind + "\" model, not a jazz model (kind \"jazz\")");
    auto hyper = [&](const std::string& key) {
        const auto it = f.hyper.find(key);
        if (it == f.hyper.end()) throw InputError(name + ": hyper-parameter " + key + " is missing");
        return it->second;
    };
    auto integer = [&](const std::string& key, long long lo, long long hi) {
        const std::string s = hyper(key);
        long long v = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < lo || v > hi)
            throw InputError(name + ": " + key + " \"" + s + "\" must be a whole number in " + std::to_string(lo) +
                             ".." + std::to_string(hi));
        return v;
    };
    LoadedJazzModel out;
    try {
        out.vocab = TokenVocabulary::fromTexts(f.vocab);
    } catch (const InputError& e) {
        throw InputError(name + ": vocabulary: " + e.what());
    }
    if (out.vocab.size() != int(f.vocab.size()) || out.vocab.texts() != f.vocab)
        throw InputError(name + ": the vocabulary is not in the encoding's order");
    const std::string bpm = hyper("bpm");
    const auto r = std::from_chars(bpm.data(), bpm.data() + bpm.size(), out.bpm);
    if (r.ec != std::errc() || !(out.bpm >= 10 && out.bpm <= 400))
        throw InputError(name + ": bpm \"" + bpm + "\" must be a number in 10..400");
    out.model = std::make_unique<SequenceModel<float>>(
        jazzModelOptions(out.vocab.size(), Index(integer("n_a", 1, 4096)), int(integer("layers", 1, 8))));
    for (const auto& p : out.model->namedTensors()) {
        const auto it = f.tensors.find(p.name);
        if (it == f.tensors.end()) throw InputError(name + ": tensor " + p.name + " is missing");
        const MatF m = matrixFromTensor<float>(it->second);
        if (m.rows() != p.blockRows() || m.cols() != p.blockCols())
            throw InputError(name + ": tensor " + p.name + " is " + std::to_string(m.rows()) + " x " +
                             std::to_string(m.cols()) + ", the model needs " + std::to_string(p.blockRows()) + " x " +
                             std::to_string(p.blockCols()));
        p.valueBlock() = m;
    }
    return out;
}

std::vector<double> adjustedDistribution(const std::vector<float>& p, double temperature, int topK,
                                         const std::vector<bool>& allowed)
{
    std::vector<double> q(p.size(), 0.0);
    double mx = -1e300;
    for (std::size_t i = 0; i < p.size(); ++i)
        if (allowed[i]) {
            q[i] = std::log(std::max(double(p[i]), 1e-300)) / temperature;
            mx = std::max(mx, q[i]);
        }
    for (std::size_t i = 0; i < p.size(); ++i) q[i] = allowed[i] ? std::exp(q[i] - mx) : 0.0;
    if (topK > 0 && std::size_t(topK) < q.size()) {
        std::vector<double> sorted = q;
        std::nth_element(sorted.begin(), sorted.begin() + (topK - 1), sorted.end(), std::greater<>());
        const double kth = sorted[std::size_t(topK - 1)];
        int kept = 0;
        for (auto& v : q) {
            if (v >= kth && v > 0 && kept < topK) ++kept;
            else v = 0;
        }
    }
    const double sum = std::accumulate(q.begin(), q.end(), 0.0);
    for (auto& v : q) v /= sum;
    return q;
}

Improvisation improvise(const SequenceModel<float>& model, const TokenVocabulary& vocab, const ChordTrack& chords,
                        const ImproviseOptions& o)
{
    if (o.notes < 1 || o.notes > 100000) throw InputError("length " + std::to_string(o.notes) + " must be in 1..100000");
    if (!(o.temperature >= 0) || !std::isfinite(o.temperature))
        throw InputError("temperature " + std::to_string(o.temperature) + " must be 0 (argmax) or above");
    if (o.topK < 0) throw InputError("top-k " + std::to_string(o.topK) + " must be 0 (all) or above");
    if (o.maxRests < 0) throw InputError("rests in a row " + std::to_string(o.maxRests) + " must be 0 or above");
    const int V = vocab.size();
    if (V != model.options().outputSize) throw InputError("the vocabulary does not fit the model");
    std::vector<bool> notes(static_cast<std::size_t>(V), false), all(static_cast<std::size_t>(V), true);
    bool anyNote = false;
    for (int i = 0; i < V; ++i) anyNote |= bool(notes[std::size_t(i)] = vocab.token(i).isNote());
    if (!anyNote) throw InputError("the vocabulary has no note tokens");
    Rng rng(o.seed);
    SequenceWorkspace<float> ws;
    Improvisation out;
    std::int32_t x = kNoInput;
    int sounded = 0, restsInRow = 0;
    while (sounded < o.notes) {
        const Mat<float>& P = model.predict(std::span<const std::int32_t>(&x, 1), 1, ws);
        std::vector<float> p(P.data(), P.data() + V);
        const std::vector<bool>& allowed = restsInRow >= o.maxRests ? notes : all;
        std::int32_t next = -1;
        if (o.temperature == 0) {
            float best = -1;
            for (int i = 0; i < V; ++i)
                if (allowed[std::size_t(i)] && p[std::size_t(i)] > best) best = p[std::size_t(i)], next = i;
        } else {
            next = std::int32_t(rng.choice(adjustedDistribution(p, o.temperature, o.topK, allowed)));
        }
        const Token& t = vocab.token(next);
        out.tokens.push_back(t);
        out.ids.push_back(next);
        out.probabilities.push_back(std::move(p));
        if (t.isNote()) ++sounded, restsInRow = 0;
        else ++restsInRow;
        x = next;
    }
    out.notes = decodeTokens(out.tokens, chords);
    return out;
}

} // namespace unroll::jazz
