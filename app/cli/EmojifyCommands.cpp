// The Emojify lab from the command line (course §5):
//   unroll-cli train emojify [--variant v1|v2|both] [--data FILE] [--test FILE] [--validation FILE] [--classes FILE]
//                            [--vectors FILE] [--vector-limit N] [--epochs N] [--hidden N] [--trainable-embedding]
//                            [--seed S] [--save MODEL] [--json]
//   unroll-cli emojify --model MODEL [--variant v1|v2] [--explain] [--input FILE] "i love you" … [--json | --csv]
// Defaults: the built-in sentences and vectors, V2. Ctrl-C during training stops at the next epoch and still writes
// --save.
#include "Cli.hpp"
#include "Registry.hpp"

#include "emojify/EmojifyTask.hpp"
#include "util/Error.hpp"
#include "vectors/VectorFile.hpp"

#include <QJsonArray>

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace unroll::cli {

namespace {

using namespace unroll::emojify;

std::atomic<bool> g_interrupted{false};
extern "C" void onEmojifyInterrupt(int) { g_interrupted = true; }

QString q(const std::string& s) { return QString::fromStdString(s); }
std::string utf8(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    return {bytes.constData(), std::size_t(bytes.size())};
}

QJsonArray matrixJson(const Eigen::MatrixXi& m)
{
    QJsonArray rows;
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        QJsonArray row;
        for (Eigen::Index j = 0; j < m.cols(); ++j) row.append(m(i, j));
        rows.append(row);
    }
    return rows;
}

QJsonArray matrixJson(const Eigen::MatrixXd& m)
{
    QJsonArray rows;
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        QJsonArray row;
        for (Eigen::Index j = 0; j < m.cols(); ++j) row.append(m(i, j));
        rows.append(row);
    }
    return rows;
}

QJsonArray vectorJson(const Eigen::VectorXd& v)
{
    QJsonArray out;
    for (Eigen::Index i = 0; i < v.size(); ++i) out.append(v(i));
    return out;
}

QJsonArray stringsJson(const std::vector<std::string>& words)
{
    QJsonArray out;
    for (const auto& w : words) out.append(q(vectors::displayWord(w)));
    return out;
}

QJsonArray classesJson(const std::vector<EmojiClass>& classes)
{
    QJsonArray out;
    for (const auto& c : classes) out.append(QJsonObject{{"name", q(c.name)}, {"emoji", q(c.emoji)}});
    return out;
}

QJsonObject epochJson(const EmojifyEpoch& e)
{
    return {{"epoch", e.epoch},
            {"loss", e.loss},
            {"train_accuracy", e.trainAccuracy},
            {"validation_accuracy", e.validationAccuracy},
            {"test_accuracy", e.testAccuracy},
            {"seconds", e.seconds}};
}

// " (dearly, adore, lol)": the first few words the vectors do not know.
QString missingText(const std::vector<std::string>& missing)
{
    if (missing.empty()) return {};
    QStringList words;
    for (std::size_t i = 0; i < std::min<std::size_t>(missing.size(), 8); ++i)
        words << q(vectors::displayWord(missing[i]));
    return " (" + words.join(", ") + (missing.size() > 8 ? ", …)" : ")");
}

QString percent(double x) { return QString::number(100 * x, 'f', 1) + "%"; }

class EpochPrinter : public TrainingObserver {
public:
    EpochPrinter(const EmojifyTask& task, bool json) : task_(task), json_(json) {}
    bool stopRequested() override { return g_interrupted.load(); }
    void onStep(const StepMetrics&) override
    {
        if (json_) return;
        for (Variant v : {Variant::V1, Variant::V2}) {
            const auto& h = task_.history(v);
            std::size_t& printed = v == Variant::V1 ? printed1_ : printed2_;
            while (printed < h.size()) {
                const auto& e = h[printed++];
                // V1 runs 400 short epochs: every 50th and the last; V2 every epoch.
                if (v == Variant::V1 && e.epoch % 50 != 0 && e.epoch != 1 && e.epoch != task_.epochs(v)) continue;
                printText(QString("%1 epoch %2/%3: loss %4, train %5, validation %6, test %7")
                              .arg(v == Variant::V1 ? "V1" : "V2").arg(e.epoch).arg(task_.epochs(v))
                              .arg(e.loss, 0, 'f', 4).arg(percent(e.trainAccuracy), percent(e.validationAccuracy),
                                                         percent(e.testAccuracy)));
            }
        }
    }

private:
    const EmojifyTask& task_;
    bool json_;
    std::size_t printed1_ = 0, printed2_ = 0;
};

std::shared_ptr<const WordVectors> loadWordVectors(const QCommandLineParser& p)
{
    if (!p.isSet("vectors")) return std::make_shared<const WordVectors>(vectors::builtInVectors());
    vectors::LoadOptions o;
    if (p.isSet("vector-limit")) o.limit = intOption(p, "vector-limit", 1, 100000000);
    return std::make_shared<const WordVectors>(vectors::loadVectors(utf8(p.value("vectors")), o));
}

int trainEmojify(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"variant", "v1 (average of word vectors + softmax), v2 (two-layer LSTM) or both, side by side.",
                 "V", "v2"});
    p.addOption({"data", "Training sentences: CSV or TSV rows sentence,label (a header, trailing empty fields and "
                         "'# class <i> <name> [emoji]' lines allowed). Default: the built-in sentences.", "FILE"});
    p.addOption({"test", "Test sentences, same format (with --data; default: the last 30% of --data's rows).",
                 "FILE"});
    p.addOption({"validation", "Validation sentences, same format (with --data; default: none).", "FILE"});
    p.addOption({"classes", "Class names: lines <index>,<name>[,<emoji>] (default: from the data, its side file "
                            "FILE.classes, or the course's five when the labels are 0..4).", "FILE"});
    p.addOption({"vectors", "Word vectors: GloVe text, word2vec text or binary (default: the built-in 50-d ones).",
                 "FILE"});
    p.addOption({"vector-limit", "Read only the first N words of --vectors.", "N"});
    p.addOption({"epochs", "Epochs of the chosen variant(s) (default: V1 400, V2 50, as the course).", "N"});
    p.addOption({"hidden", "Units of each of V2's LSTMs.", "N", "128"});
    p.addOption({"trainable-embedding", "V2 also trains its word vectors (the course freezes them)."});
    p.addOption({"seed", "Seed of the initial weights (V1's W as np.random.seed(S)), V2's shuffles and dropout.", "S",
                 "1"});
    p.addOption({"save", "Write the trained model(s) (safetensors) here, also after Ctrl-C.", "MODEL"});
    if (!parseCommandLine(p, args, "Train the course's Emojify models: V1 averages the words' vectors and applies a "
                                   "softmax (per-example SGD, lr 0.01, 400 epochs), V2 reads them with two LSTMs "
                                   "(Adam 0.001, batch 32, 50 epochs). Prints the loss and the train, validation "
                                   "and test accuracy after every epoch and the test confusion matrix."))
        return Ok;
    if (!p.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + utf8(p.positionalArguments().first()) + "'");

    EmojifyOptions o;
    o.variant = parseVariant(utf8(p.value("variant")));
    o.seed = std::uint32_t(intOption(p, "seed", 0, 4294967295LL));
    o.v2.hidden = Eigen::Index(intOption(p, "hidden", 1, 4096));
    o.v2.trainableEmbedding = p.isSet("trainable-embedding");
    if (p.isSet("epochs")) {
        const int epochs = int(intOption(p, "epochs", 1, 1000000));
        o.v1.epochs = epochs;
        o.v2.epochs = epochs;
    }

    EmojifyData data;
    if (p.isSet("data")) {
        SentenceLoadOptions lo;
        if (p.isSet("classes")) lo.classesFile = utf8(p.value("classes"));
        data.train = loadSentences(utf8(p.value("data")), lo);
        const auto classes = data.train.classes;
        auto loadOther = [&](const char* option) {
            SentenceLoadOptions so = lo;
            SentenceSet set = loadSentences(utf8(p.value(option)), so);
            if (set.classCount() > int(classes.size()))
                throw InputError("--" + std::string(option) + " " + set.source + " has " +
                                 std::to_string(set.classCount()) + " classes, the training data " +
                                 std::to_string(classes.size()));
            set.classes = classes;
            return set;
        };
        if (p.isSet("test")) data.test = loadOther("test");
        else {
            const std::size_t n = data.train.size(), held = n * 3 / 10;
            if (held == 0 || held == n)
                throw InputError("--data " + data.train.source + " has " + std::to_string(n) +
                                 " sentences, too few to hold out 30% for testing (give --test FILE)");
            data.test.classes = classes;
            data.test.source = data.train.source + " (last 30%)";
            data.test.sentences.assign(data.train.sentences.end() - std::ptrdiff_t(held), data.train.sentences.end());
            data.train.sentences.resize(n - held);
        }
        if (p.isSet("validation")) data.validation = loadOther("validation");
        else data.validation.classes = classes;
        data.negations.classes = classes;
    } else {
        for (const char* option : {"test", "validation", "classes"})
            if (p.isSet(option))
                throw InputError("--" + std::string(option) + " goes with --data (the built-in data has its own)");
        data = builtInData();
    }
    const auto vectors = loadWordVectors(p);
    const bool json = jsonRequested(p);
    const std::string savePath = utf8(p.value("save"));
    if (!savePath.empty()) {
        const auto dir = std::filesystem::absolute(savePath).parent_path();
        if (!std::filesystem::is_directory(dir))
            throw InputError("--save " + savePath + ": the folder " + dir.string() + " does not exist");
    }

    EmojifyTask task(data, vectors, o);
    if (!json)
        printText(QString("%1: %2 training, %3 validation, %4 test sentences; %5 classes; vectors %6 (%7 words, "
                          "%8-d); %9 words unknown to them%10")
                      .arg(q(data.train.source)).arg(data.train.size()).arg(data.validation.size())
                      .arg(data.test.size()).arg(data.train.classCount()).arg(q(vectors->source()))
                      .arg(vectors->size()).arg(vectors->dimension()).arg(task.missingWords().size())
                      .arg(missingText(task.missingWords())));

    g_interrupted = false;
    std::signal(SIGINT, onEmojifyInterrupt);
    EpochPrinter printer(task, json);
    RunResult result;
    try {
        result = runTraining(task, printer, {.steps = task.totalSteps()});
    } catch (...) {
        std::signal(SIGINT, SIG_DFL);
        throw;
    }
    std::signal(SIGINT, SIG_DFL);
    if (!savePath.empty()) task.saveModels(savePath);

    QJsonObject out{{"variant", q(std::string(variantIds[size_t(o.variant)]))},
                    {"classes", classesJson(task.classes())},
                    {"data", QJsonObject{{"source", q(data.train.source)},
                                         {"train", double(data.train.size())},
                                         {"validation", double(data.validation.size())},
                                         {"test", double(data.test.size())},
                                         {"negations", double(data.negations.size())},
                                         {"max_len", double(task.maxLength())},
                                         {"missing_words", stringsJson(task.missingWords())}}},
                    {"vectors", QJsonObject{{"source", q(vectors->source())},
                                            {"words", double(vectors->size())},
                                            {"dimension", vectors->dimension()}}},
                    {"seed", double(o.seed)},
                    {"interrupted", result.status == RunStatus::Cancelled},
                    {"seconds", result.seconds},
                    {"saved", savePath.empty() ? QJsonValue() : QJsonValue(q(savePath))}};
    QString text;
    for (Variant v : {Variant::V1, Variant::V2}) {
        if (!task.has(v)) continue;
        const char* key = v == Variant::V1 ? "v1" : "v2";
        QJsonArray epochs;
        for (const auto& e : task.history(v)) epochs.append(epochJson(e));
        QJsonObject m{{"epochs", epochs}};
        if (!task.history(v).empty()) {
            const auto& last = task.history(v).back();
            m["train_accuracy"] = last.trainAccuracy;
            m["validation_accuracy"] = last.validationAccuracy;
            m["test_accuracy"] = last.testAccuracy;
            text += QString("%1: train %2, validation %3, test %4").arg(key).arg(percent(last.trainAccuracy),
                        percent(last.validationAccuracy), percent(last.testAccuracy));
        }
        if (!data.test.sentences.empty()) m["confusion"] = matrixJson(task.confusion(v, data.test));
        if (!data.negations.sentences.empty()) {
            const double acc = accuracy(data.negations.labels(), task.predict(v, data.negations));
            m["negations_accuracy"] = acc;
            text += QString(", negations %1").arg(percent(acc));
        }
        if (v == Variant::V2) m["parameters"] = double(task.v2()->parameterCount());
        out[key] = m;
        text += "\n";
        if (!data.test.sentences.empty()) {
            const auto C = task.confusion(v, data.test);
            text += "  test confusion (rows actual, columns predicted):\n";
            for (Eigen::Index i = 0; i < C.rows(); ++i) {
                QString row = "   ";
                for (Eigen::Index j = 0; j < C.cols(); ++j) row += QString(" %1").arg(C(i, j), 3);
                text += row + "  " + q(task.classes()[std::size_t(i)].name) + "\n";
            }
        }
    }
    if (json) printJson(out);
    else {
        if (result.status == RunStatus::Cancelled) text += "(interrupted)\n";
        if (!savePath.empty()) text += "saved to " + q(savePath) + "\n";
        printText(text.trimmed());
    }
    return Ok;
}

std::vector<std::string> readInputLines(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot be opened");
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find('\0') != std::string::npos)
            throw InputError(path + ": line " + std::to_string(lines.size() + 1) + " holds a NUL byte (not text)");
        if (!line.empty()) lines.push_back(line);
    }
    return lines;
}

int runEmojify(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"model", "Models saved by train emojify --save (or the lab).", "MODEL"});
    p.addOption({"variant", "The model to ask: v1 or v2 (default: v2 when the file has it, else v1).", "V"});
    p.addOption({"explain", "Also each word's pull (V1: W·e_word / n per class) or the prediction after each word "
                            "(V2: probabilities per prefix)."});
    p.addOption({"input", "Also label each non-empty line of this file.", "FILE"});
    p.addOption({"csv", "Print CSV instead: one row per sentence with every model's label, emoji and probabilities."});
    p.addPositionalArgument("sentences", "Sentences to label.", "[sentence…]");
    if (!parseCommandLine(p, args, "Label sentences with a trained Emojify model: for each, the class (argmax), its "
                                   "emoji and the class probabilities, in input order."))
        return Ok;
    if (!p.isSet("model")) throw InputError("--model is required");
    std::vector<std::string> inputs;
    for (const auto& a : p.positionalArguments()) inputs.push_back(utf8(a));
    if (p.isSet("input"))
        for (auto& line : readInputLines(utf8(p.value("input")))) inputs.push_back(std::move(line));
    const std::string modelPath = utf8(p.value("model"));
    const EmojifyModels models = loadEmojifyModels(modelPath);
    Variant variant = models.v2 ? Variant::V2 : Variant::V1;
    if (p.isSet("variant")) {
        variant = parseVariant(utf8(p.value("variant")));
        if (variant == Variant::Both) throw InputError("--variant both: ask one model, v1 or v2");
        if ((variant == Variant::V1 && !models.v1) || (variant == Variant::V2 && !models.v2))
            throw InputError(modelPath + ": holds no " + std::string(variantIds[size_t(variant)]) + " model");
    }
    if (inputs.empty()) throw InputError("nothing to label: give the sentences as arguments or --input FILE");
    const bool explain = p.isSet("explain");
    if (p.isSet("csv")) {
        if (jsonRequested(p) || explain || p.isSet("variant"))
            throw InputError("--csv prints every model's predictions; it goes without --json, --explain and --variant");
        std::vector<Sentence> rows;
        for (const auto& text : inputs) rows.push_back({text, -1, 0});
        std::fputs(predictionsCsv(models, rows).c_str(), stdout);
        return Ok;
    }

    QJsonArray results;
    QString text;
    for (const auto& sentence : inputs) {
        QJsonObject r{{"sentence", q(sentence)}};
        Eigen::VectorXd probs;
        std::int32_t label = 0;
        std::vector<std::string> missing;
        if (variant == Variant::V1) {
            const AverageExplanation e = models.v1->explain(sentence);
            probs = e.probabilities;
            label = e.label;
            for (std::size_t i = 0; i < e.tokens.size(); ++i)
                if (!e.known[i]) missing.push_back(e.tokens[i]);
            if (explain) {
                r["tokens"] = stringsJson(e.tokens);
                r["contributions"] = matrixJson(Eigen::MatrixXd(e.contributions.transpose())); // per token
                r["bias"] = vectorJson(e.bias);
            }
        } else {
            const LstmExplanation e = models.v2->explain(sentence);
            probs = e.probabilities;
            label = e.label;
            for (std::size_t i = 0; i < e.tokens.size(); ++i)
                if (!e.known[i]) missing.push_back(e.tokens[i]);
            if (explain) {
                QJsonArray steps;
                for (std::size_t i = 0; i < e.tokens.size(); ++i)
                    if (e.steps[i] >= 0) steps.append(q(e.tokens[i]));
                r["steps"] = steps;
                r["prefix_probabilities"] = matrixJson(Eigen::MatrixXd(e.prefixProbabilities.transpose()));
            }
        }
        const auto& c = models.classes[std::size_t(label)];
        r["label"] = label;
        r["emoji"] = q(c.emoji);
        r["class"] = q(c.name);
        r["probabilities"] = vectorJson(probs);
        r["missing_words"] = stringsJson(missing);
        results.append(r);
        text += QString("%1 %2  %3 (%4, p = %5)").arg(q(sentence), q(c.emoji.empty() ? c.name : c.emoji))
                    .arg(label).arg(q(c.name)).arg(probs(label), 0, 'f', 3);
        if (!missing.empty()) text += "  [unknown: " + q(missing.front()) + (missing.size() > 1 ? " …]" : "]");
        text += "\n";
    }
    if (jsonRequested(p))
        printJson({{"results", results},
                   {"model", q(modelPath)},
                   {"variant", q(std::string(variantIds[size_t(variant)]))},
                   {"classes", classesJson(models.classes)}});
    else
        printText(text.trimmed());
    return Ok;
}

const LabCommands reg{{
    .lab = "emojify",
    .title = "sentences to emoji: averaged word vectors (V1) and a two-layer LSTM (V2)",
    .train = trainEmojify,
    .benches = {},
    .verbs = {},
    .run = runEmojify,
    .runSummary = "label sentences with a trained Emojify model: class, emoji, probabilities",
}};

} // namespace

} // namespace unroll::cli
