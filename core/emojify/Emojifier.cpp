// The Emojify lab's models: V1 (average + softmax, course §5.2) and V2 (two stacked LSTMs, course §5.3).
#include "emojify/Emojifier.hpp"

#include "io/ModelFile.hpp"
#include "math/Rng.hpp"
#include "nn/Loss.hpp"
#include "util/Error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace unroll::emojify {

namespace {

// The shortest decimal that reads back as v ("0.5", not "0.500000").
std::string number(double v)
{
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// emo_utils.softmax: e^(x - max) / sum.
Eigen::VectorXd softmax(const Eigen::VectorXd& z)
{
    const Eigen::VectorXd e = (z.array() - z.maxCoeff()).exp();
    return e / e.sum();
}

std::int32_t argmax(const Eigen::VectorXd& p)
{
    Eigen::Index k = 0;
    p.maxCoeff(&k);
    return std::int32_t(k);
}

template <class T> void softmaxColumns(Mat<T>& Z)
{
    for (Index j = 0; j < Z.cols(); ++j) {
        auto col = Z.col(j);
        col = (col.array() - col.maxCoeff()).exp();
        col /= col.sum();
    }
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------
// V1

AverageEmojifier::AverageEmojifier(std::shared_ptr<const WordVectors> vectors, int classes)
    : vectors_(std::move(vectors))
{
    if (!vectors_ || vectors_->empty()) throw InputError("the average model needs word vectors (none given)");
    if (classes < 2) throw InputError("the average model needs at least 2 classes, not " + std::to_string(classes));
    W = Eigen::MatrixXd::Zero(classes, vectors_->dimension());
    b = Eigen::VectorXd::Zero(classes);
}

void AverageEmojifier::initialize(Rng& rng)
{
    // W = np.random.randn(n_y, n_h) / np.sqrt(n_h); b = np.zeros((n_y,))
    W = rng.randn(W.rows(), W.cols()) / std::sqrt(double(W.cols()));
    b.setZero();
}

double AverageEmojifier::trainEpoch(const std::vector<Sentence>& sentences, double learningRate)
{
    double total = 0;
    for (const auto& s : sentences) {
        if (s.label < 0 || s.label >= classes())
            throw InputError("the label " + std::to_string(s.label) + " of \"" + s.text + "\" is outside 0.." +
                             std::to_string(classes() - 1));
        const Eigen::VectorXd avg = sentenceToAvg(s.text, *vectors_); // (n_h)
        const Eigen::VectorXd z = W * avg + b;                          // (n_y)
        const Eigen::VectorXd a = softmax(z);
        total += -std::log(a(s.label));
        Eigen::VectorXd dz = a; // dz = a - Y_oh
        dz(s.label) -= 1;
        W.noalias() -= learningRate * dz * avg.transpose(); // dW = dz avg^T
        b -= learningRate * dz;                             // db = dz
    }
    return sentences.empty() ? 0 : total / double(sentences.size());
}

Eigen::VectorXd AverageEmojifier::probabilities(std::string_view sentence) const
{
    return softmax(W * sentenceToAvg(sentence, *vectors_) + b);
}

Prediction AverageEmojifier::predict(std::string_view sentence) const
{
    Prediction p;
    p.probabilities = probabilities(sentence);
    p.label = argmax(p.probabilities);
    return p;
}

std::vector<std::int32_t> AverageEmojifier::predictLabels(const std::vector<Sentence>& sentences) const
{
    std::vector<std::int32_t> out;
    out.reserve(sentences.size());
    for (const auto& s : sentences) out.push_back(predict(s.text).label);
    return out;
}

AverageExplanation AverageEmojifier::explain(std::string_view sentence) const
{
    AverageExplanation e;
    e.tokens = tokenize(sentence);
    e.contributions = Eigen::MatrixXd::Zero(classes(), Index(e.tokens.size()));
    int n = 0;
    for (const auto& w : e.tokens) {
        e.known.push_back(vectors_->find(w) >= 0);
        n += e.known.back();
    }
    // logits = W (sum_w e_w / n) + b = sum_w (W e_w / n) + b
    for (std::size_t j = 0; j < e.tokens.size(); ++j)
        if (e.known[j])
            e.contributions.col(Index(j)) = W * vectors_->row(vectors_->find(e.tokens[j])).transpose() / double(n);
    e.bias = b;
    e.probabilities = softmax(e.contributions.rowwise().sum() + b);
    e.label = argmax(e.probabilities);
    return e;
}

// ---------------------------------------------------------------------------------------------------------------
// V2

template <class T>
LstmEmojifier<T>::LstmEmojifier(std::shared_ptr<const WordVectors> vectors, const LstmEmojifierConfig& config)
    : vectors_(std::move(vectors)), config_(config)
{
    if (!vectors_ || vectors_->empty()) throw InputError("the LSTM model needs word vectors (none given)");
    if (config.classes < 2) throw InputError("the LSTM model needs at least 2 classes, not " +
                                             std::to_string(config.classes));
    if (config.hidden < 1 || config.hidden > 4096)
        throw InputError("LSTM units " + std::to_string(config.hidden) + " must be in 1..4096");
    if (!(config.dropout >= 0 && config.dropout < 1))
        throw InputError("dropout rate " + number(config.dropout) + " must be in [0, 1)");
    if (config.maxLength < 1) throw InputError("max length " + std::to_string(config.maxLength) + " must be >= 1");
    const Index V = vectors_->size(), n_e = vectors_->dimension();
    embedding = Embedding<T>(V, n_e);
    embedding.setVectors(vectors_->values().transpose().template cast<T>());
    embedding.trainable = config.trainableEmbedding;
    lstm1 = RecurrentLayer<T>(CellKind::Lstm, n_e, config.hidden);
    lstm2 = RecurrentLayer<T>(CellKind::Lstm, config.hidden, config.hidden);
    drop1 = Dropout<T>(config.dropout);
    drop2 = Dropout<T>(config.dropout);
    dense = Linear<T>(config.hidden, config.classes, Activation::Identity);
}

template <class T> void LstmEmojifier<T>::initialize(Rng& rng)
{
    lstm1.initialize(rng);
    lstm2.initialize(rng);
    dense.initialize(rng);
}

template <class T> ParamList<T> LstmEmojifier<T>::parameters()
{
    ParamList<T> all;
    auto add = [&](ParamList<T> list, const std::string& prefix) {
        for (auto& p : prefixed(std::move(list), prefix)) all.push_back(std::move(p));
    };
    add(embedding.parameters(), "embedding.");
    add(lstm1.parameters(), "lstm1.");
    add(lstm2.parameters(), "lstm2.");
    add(dense.parameters(), "dense.");
    return all;
}

template <class T> void LstmEmojifier<T>::zeroGrads()
{
    embedding.zeroGrads();
    lstm1.zeroGrads();
    lstm2.zeroGrads();
    dense.zeroGrads();
}

template <class T> Index LstmEmojifier<T>::parameterCount() const
{
    return (embedding.trainable ? embedding.E.size() : 0) + lstm1.parameterCount() + lstm2.parameterCount() +
           dense.W.size() + dense.b.size();
}

template <class T>
SentenceBatch LstmEmojifier<T>::encode(const std::vector<std::string>& sentences, Index steps) const
{
    SentenceBatch batch;
    batch.m = Index(sentences.size());
    std::vector<std::vector<std::int32_t>> known(sentences.size());
    Index longest = 0;
    for (std::size_t i = 0; i < sentences.size(); ++i) {
        for (const auto& w : tokenize(sentences[i])) {
            const auto idx = vectors_->find(w);
            if (idx >= 0) known[i].push_back(std::int32_t(idx));
        }
        if (steps > 0 && Index(known[i].size()) > steps) known[i].resize(std::size_t(steps));
        longest = std::max(longest, Index(known[i].size()));
    }
    batch.steps = steps > 0 ? steps : std::max<Index>(longest, 1);
    batch.ids.assign(std::size_t(batch.m * batch.steps), kNoInput);
    for (Index i = 0; i < batch.m; ++i) {
        const auto& k = known[std::size_t(i)];
        batch.lengths.push_back(Index(k.size()));
        for (std::size_t t = 0; t < k.size(); ++t) batch.ids[std::size_t(Index(t) * batch.m + i)] = k[t];
    }
    return batch;
}

template <class T>
double LstmEmojifier<T>::forwardBackward(const SentenceBatch& batch, std::span<const std::int32_t> labels, Mode mode,
                                         Rng& rng, bool backward, Mat<T>* probabilities)
{
    const Index m = batch.m, Tn = batch.steps, n_a = config_.hidden;
    if (Index(labels.size()) != m)
        throw InputError(std::to_string(labels.size()) + " labels for a batch of " + std::to_string(m));
    const Mat<T> zeros = Mat<T>::Zero(n_a, m);
    // x: (n_e, m*T)
    embedding.forward(batch.ids, X1_);
    // a1: (n_a, m*T), every step
    lstm1.forward(X1_, m, zeros, zeros);
    drop1.forward(lstm1.outputs(), dc1_, mode, rng);
    // a2: (n_a, m*T); the state at each sentence's last word: (n_a, m)
    lstm2.forward(dc1_.Y, m, zeros, zeros);
    last_.resize(n_a, m);
    for (Index i = 0; i < m; ++i) last_.col(i) = lstm2.A().col(batch.lengths[std::size_t(i)] * m + i);
    drop2.forward(last_, dc2_, mode, rng);
    // logits: (n_y, m)
    dense.forward(dc2_.Y, lc_);
    SoftmaxCrossEntropyCache<T> ce;
    const double loss = softmaxCrossEntropyForward<T>(lc_.Y, labels, {}, Reduction::Mean, ce);
    if (probabilities) *probabilities = ce.P;
    if (!backward) return loss;

    Mat<T> dZ;
    softmaxCrossEntropyBackward<T>(ce, labels, {}, dZ);
    dense.backward(dc2_.Y, lc_, dZ, &dD2_);
    drop2.backward(last_, dc2_, dD2_, &dLast_);
    // Scatter dL/d(last state) back to each sentence's last step; nothing flows into padding steps.
    Mat<T> dA2 = Mat<T>::Zero(n_a, m * Tn);
    for (Index i = 0; i < m; ++i) {
        const Index len = batch.lengths[std::size_t(i)];
        if (len > 0) dA2.col((len - 1) * m + i) = dLast_.col(i);
    }
    lstm2.backward(dA2, &dD1_);
    drop1.backward(lstm1.outputs(), dc1_, dD1_, &dX1_);
    if (embedding.trainable) {
        Mat<T> dX;
        lstm1.backward(dX1_, &dX);
        embedding.backward(batch.ids, dX);
    } else {
        lstm1.backward(dX1_, nullptr);
    }
    return loss;
}

template <class T> Mat<T> LstmEmojifier<T>::probabilities(const SentenceBatch& batch) const
{
    const Index m = batch.m, n_a = config_.hidden;
    const Mat<T> zeros = Mat<T>::Zero(n_a, m);
    Mat<T> X;
    embedding.forward(batch.ids, X);
    RecurrentTrace<T> t1, t2;
    lstm1.forward(X, m, zeros, zeros, t1);
    const Mat<T> a1 = t1.A.rightCols(m * batch.steps);
    lstm2.forward(a1, m, zeros, zeros, t2);
    Mat<T> last(n_a, m);
    for (Index i = 0; i < m; ++i) last.col(i) = t2.A.col(batch.lengths[std::size_t(i)] * m + i);
    Mat<T> Z = dense.W * last;
    Z.colwise() += dense.b.col(0);
    softmaxColumns(Z);
    return Z;
}

template <class T> Prediction LstmEmojifier<T>::predict(std::string_view sentence) const
{
    const Mat<T> P = probabilities(encode({std::string(sentence)}));
    Prediction p;
    p.probabilities = P.col(0).template cast<double>();
    p.label = argmax(p.probabilities);
    return p;
}

template <class T>
std::vector<std::int32_t> LstmEmojifier<T>::predictLabels(const std::vector<Sentence>& sentences) const
{
    std::vector<std::int32_t> out;
    constexpr std::size_t kChunk = 64;
    for (std::size_t begin = 0; begin < sentences.size(); begin += kChunk) {
        std::vector<std::string> texts;
        for (std::size_t i = begin; i < std::min(sentences.size(), begin + kChunk); ++i)
            texts.push_back(sentences[i].text);
        const Mat<T> P = probabilities(encode(texts));
        for (Index j = 0; j < P.cols(); ++j) {
            Index k = 0;
            P.col(j).maxCoeff(&k);
            out.push_back(std::int32_t(k));
        }
    }
    return out;
}

template <class T> LstmExplanation LstmEmojifier<T>::explain(std::string_view sentence) const
{
    LstmExplanation e;
    e.tokens = tokenize(sentence);
    std::vector<std::int32_t> ids;
    for (const auto& w : e.tokens) {
        const auto idx = vectors_->find(w);
        e.known.push_back(idx >= 0);
        e.steps.push_back(idx >= 0 ? int(ids.size()) : -1);
        if (idx >= 0) ids.push_back(std::int32_t(idx));
    }
    const Index Tn = Index(ids.size()), n_a = config_.hidden;
    Mat<T> Z;
    if (Tn > 0) {
        const Mat<T> zeros = Mat<T>::Zero(n_a, 1);
        Mat<T> X;
        embedding.forward(ids, X);
        RecurrentTrace<T> t1, t2;
        lstm1.forward(X, 1, zeros, zeros, t1);
        const Mat<T> a1 = t1.A.rightCols(Tn);
        lstm2.forward(a1, 1, zeros, zeros, t2);
        e.hidden1 = a1.template cast<double>();
        e.hidden2 = t2.A.rightCols(Tn).template cast<double>();
        Z = dense.W * t2.A.rightCols(Tn);
        Z.colwise() += dense.b.col(0);
        softmaxColumns(Z);
        e.prefixProbabilities = Z.template cast<double>();
        e.probabilities = e.prefixProbabilities.col(Tn - 1);
    } else {
        e.hidden1.resize(n_a, 0);
        e.hidden2.resize(n_a, 0);
        e.prefixProbabilities.resize(config_.classes, 0);
        e.probabilities = softmax(dense.b.col(0).template cast<double>()); // a<0> = 0: Dense(0) = b
    }
    e.label = argmax(e.probabilities);
    return e;
}

template class LstmEmojifier<float>;
template class LstmEmojifier<double>;

// ---------------------------------------------------------------------------------------------------------------
// Files

namespace {

constexpr const char* kKind = "emojify";

} // namespace

ModelFile toModelFile(const EmojifyModels& models)
{
    if (!models.vectors) throw InputError("an emojify model file needs the word vectors");
    if (!models.v1 && !models.v2) throw InputError("an emojify model file needs V1, V2 or both");
    ModelFile f;
    f.kind = kKind;
    f.vocabType = VocabType::Words;
    f.vocab = models.vectors->words();
    f.normalization = "lowercase";
    nlohmann::json classes = nlohmann::json::array();
    for (const auto& c : models.classes) classes.push_back({{"name", c.name}, {"emoji", c.emoji}});
    f.hyper["classes"] = classes.dump();
    std::string variants = models.v1 ? (models.v2 ? "v1,v2" : "v1") : "v2";
    f.hyper["variants"] = variants;
    f.hyper["n_e"] = std::to_string(models.vectors->dimension());
    f.tensors["vectors"] = tensorFromMatrix(Eigen::MatrixXd(models.vectors->values()));
    if (models.v1) {
        f.tensors["v1.W"] = tensorFromMatrix(models.v1->W);
        f.tensors["v1.b"] = tensorFromMatrix(Eigen::MatrixXd(models.v1->b));
    }
    if (models.v2) {
        const auto& v2 = *models.v2;
        const auto& c = v2.config();
        f.hyper["n_a"] = std::to_string(c.hidden);
        f.hyper["dropout"] = std::to_string(c.dropout);
        f.hyper["max_len"] = std::to_string(c.maxLength);
        f.hyper["trainable_embedding"] = c.trainableEmbedding ? "true" : "false";
        for (const auto& [name, value] : v2.lstm1.namedValues()) f.tensors["v2.lstm1." + name] = tensorFromMatrix(value);
        for (const auto& [name, value] : v2.lstm2.namedValues()) f.tensors["v2.lstm2." + name] = tensorFromMatrix(value);
        f.tensors["v2.dense.W"] = tensorFromMatrix(v2.dense.W);
        f.tensors["v2.dense.b"] = tensorFromMatrix(v2.dense.b);
        if (c.trainableEmbedding) {
            const MatF E = v2.embedding.E.leftCols(v2.embedding.vocabularySize()).transpose();
            f.tensors["v2.E"] = tensorFromMatrix(E);
        }
    }
    return f;
}

EmojifyModels modelsFromFile(const ModelFile& f, const std::string& name)
{
    if (f.kind != kKind) throw FormatError(name + ": holds a \"" + f.kind + "\" model, not an emojify model");
    if (f.vocabType != VocabType::Words) throw FormatError(name + ": the vocabulary is not of words");
    auto hyper = [&](const char* key) -> const std::string& {
        const auto it = f.hyper.find(key);
        if (it == f.hyper.end()) throw FormatError(name + ": the hyper-parameter \"" + key + "\" is missing");
        return it->second;
    };
    auto tensor = [&](const std::string& key) -> const Tensor& {
        const auto it = f.tensors.find(key);
        if (it == f.tensors.end()) throw FormatError(name + ": the tensor \"" + key + "\" is missing");
        return it->second;
    };
    auto count = [&](const char* key, long long limit) {
        const std::string& s = hyper(key);
        long long v = -1;
        try {
            std::size_t used = 0;
            v = std::stoll(s, &used);
            if (used != s.size()) v = -1;
        } catch (const std::exception&) {
        }
        if (v < 1 || v > limit)
            throw FormatError(name + ": " + key + " = \"" + s + "\" is not a count in 1.." + std::to_string(limit));
        return Index(v);
    };
    auto shaped = [&](const std::string& key, Index rows, Index cols) {
        Eigen::MatrixXd m = matrixFromTensor<double>(tensor(key));
        if (m.rows() != rows || m.cols() != cols)
            throw FormatError(name + ": the tensor \"" + key + "\" is " + std::to_string(m.rows()) + " x " +
                              std::to_string(m.cols()) + ", expected " + std::to_string(rows) + " x " +
                              std::to_string(cols));
        return m;
    };

    EmojifyModels out;
    try {
        const auto j = nlohmann::json::parse(hyper("classes"));
        for (const auto& c : j) out.classes.push_back({c.at("name").get<std::string>(), c.value("emoji", "")});
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(name + ": the classes are not a JSON list of {name, emoji} (" + e.what() + ")");
    }
    const int n_y = int(out.classes.size());
    if (n_y < 2) throw FormatError(name + ": " + std::to_string(n_y) + " class(es); at least 2 are needed");
    const Index V = Index(f.vocab.size()), n_e = count("n_e", 4096);
    if (V < 1) throw FormatError(name + ": the vocabulary is empty");
    const Eigen::MatrixXd values = shaped("vectors", V, n_e);
    try {
        out.vectors = std::make_shared<const WordVectors>(f.vocab, vectors::VectorMatrix(values), name);
    } catch (const InputError& e) {
        throw FormatError(name + ": " + e.what());
    }
    const std::string& variants = hyper("variants");
    if (variants != "v1" && variants != "v2" && variants != "v1,v2")
        throw FormatError(name + ": variants \"" + variants + "\" is not v1, v2 or v1,v2");
    if (variants != "v2") {
        out.v1.emplace(out.vectors, n_y);
        out.v1->W = shaped("v1.W", n_y, n_e);
        out.v1->b = shaped("v1.b", n_y, 1).col(0);
    }
    if (variants != "v1") {
        LstmEmojifierConfig c;
        c.classes = n_y;
        c.hidden = count("n_a", 4096);
        c.maxLength = count("max_len", 100000);
        try {
            c.dropout = std::stod(hyper("dropout"));
        } catch (const std::exception&) {
            throw FormatError(name + ": dropout \"" + hyper("dropout") + "\" is not a number");
        }
        c.trainableEmbedding = hyper("trainable_embedding") == "true";
        try {
            out.v2.emplace(out.vectors, c);
        } catch (const InputError& e) {
            throw FormatError(name + ": " + e.what());
        }
        auto& v2 = *out.v2;
        auto load = [&](RecurrentLayer<float>& layer, const std::string& prefix) {
            for (auto& p : layer.namedTensors())
                p.valueBlock() = shaped(prefix + p.name, p.blockRows(), p.blockCols()).cast<float>();
        };
        load(v2.lstm1, "v2.lstm1.");
        load(v2.lstm2, "v2.lstm2.");
        v2.dense.W = shaped("v2.dense.W", n_y, c.hidden).cast<float>();
        v2.dense.b = shaped("v2.dense.b", n_y, 1).cast<float>();
        if (c.trainableEmbedding)
            v2.embedding.E.leftCols(V) = shaped("v2.E", V, n_e).transpose().cast<float>();
    }
    return out;
}

std::string predictionsCsv(const EmojifyModels& models, const std::vector<Sentence>& sentences)
{
    auto quoted = [](const std::string& text) {
        if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
        std::string q = "\"";
        for (char c : text) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    };
    const int n_y = int(models.classes.size());
    std::string out = "sentence,label";
    for (const char* v : {"v1", "v2"}) {
        if ((v[1] == '1' && !models.v1) || (v[1] == '2' && !models.v2)) continue;
        out += std::string(",") + v + "," + v + "_emoji";
        for (int k = 0; k < n_y; ++k) out += std::string(",") + v + "_p" + std::to_string(k);
    }
    out += "\n";
    auto add = [&](const Prediction& p) {
        const auto& c = models.classes[std::size_t(p.label)];
        // Appended piecewise: "," + std::to_string(…) trips GCC 12's -Wrestrict false positive.
        out += ',';
        out += std::to_string(p.label);
        out += ',';
        out += quoted(c.emoji.empty() ? c.name : c.emoji);
        for (int k = 0; k < n_y; ++k) {
            out += ',';
            out += number(p.probabilities(k));
        }
    };
    for (const auto& s : sentences) {
        out += quoted(s.text);
        out += ',';
        if (s.label >= 0) out += std::to_string(s.label);
        if (models.v1) add(models.v1->predict(s.text));
        if (models.v2) add(models.v2->predict(s.text));
        out += "\n";
    }
    return out;
}

void saveEmojifyModels(const std::filesystem::path& path, const EmojifyModels& models)
{
    saveModel(path, toModelFile(models));
}

EmojifyModels loadEmojifyModels(const std::filesystem::path& path)
{
    return modelsFromFile(loadModel(path), path.string());
}

} // namespace unroll::emojify
