// The date translator from the command line (the translator lab's work without a display; the data verbs `dates`
// and `bleu` are in TranslatorDataCommands.cpp):
//   unroll-cli train translator [--data FILE.tsv] [--examples 10000] [--held-out 1000] [--epochs 20] [--batch 100]
//                               [--lr 0.005] [--no-attention] [--baseline] [--feed-previous] [--seed S]
//                               [--save MODEL] [--json]
//   unroll-cli translate --model MODEL [--beam K] [--input FILE] "saturday 9 may 2018" … [--json]
//   unroll-cli bench translator [--epochs 3] [--json]   (one epoch of the course's model; docs/benchmarks.md times it
//                                                        against scripts/bench/translator_torch.py)
// Ctrl-C during training stops at the next step boundary and still writes --save.
#include "Cli.hpp"
#include "Registry.hpp"

#include "translate/TranslatorTask.hpp"
#include "util/Error.hpp"

#include <QJsonArray>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace unroll::cli {

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void onTranslatorInterrupt(int) { g_interrupted = true; }

QString q(const std::string& s) { return QString::fromStdString(s); }
std::string utf8(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    return {bytes.constData(), std::size_t(bytes.size())};
}

QJsonObject epochJson(const EpochRecord& e)
{
    return {{"epoch", e.epoch},
            {"step", double(e.step)},
            {"loss", e.loss},
            {"exact_match", e.metrics.exactMatch},
            {"char_accuracy", e.metrics.charAccuracy},
            {"bleu", e.metrics.bleu},
            {"learning_rate", e.learningRate},
            {"seconds", e.seconds}};
}

QString epochText(const EpochRecord& e)
{
    return QString("loss %1, exact match %2%, char accuracy %3%, BLEU %4, lr %5, %6 s")
        .arg(e.loss, 0, 'f', 4).arg(100 * e.metrics.exactMatch, 0, 'f', 1).arg(100 * e.metrics.charAccuracy, 0, 'f', 1)
        .arg(e.metrics.bleu, 0, 'f', 4).arg(e.learningRate, 0, 'g', 4).arg(e.seconds, 0, 'f', 1);
}

QJsonObject configJson(const TranslatorConfig& c)
{
    return {{"source_vocab", double(c.sourceVocab)}, {"target_vocab", double(c.targetVocab)},
            {"Tx", double(c.Tx)},                    {"Ty", double(c.Ty)},
            {"n_a", double(c.n_a)},                  {"n_s", double(c.n_s)},
            {"n_h", double(c.n_h)},                  {"attention", c.attention},
            {"feed_previous", c.feedPrevious}};
}

// Prints each epoch as it ends (text mode) and a progress line on stderr when that is a terminal.
class EpochPrinter : public TrainingObserver {
public:
    EpochPrinter(const TranslatorTask& task, bool json) : task_(task), json_(json), live_(isatty(STDERR_FILENO) != 0) {}
    ~EpochPrinter() override { endLine(); }
    bool stopRequested() override { return g_interrupted.load(); }
    void onStep(const StepMetrics& m) override
    {
        const auto& history = task_.history();
        const auto finished = std::min(history.size(), std::size_t(task_.epochsDone()));
        while (printed_ < finished) {
            const EpochRecord& e = history[printed_++];
            if (json_) continue;
            endLine();
            QString line = QString("epoch %1/%2: %3").arg(e.epoch).arg(task_.options().epochs).arg(epochText(e));
            if (task_.baseline() && printed_ <= task_.baselineHistory().size())
                line += QString("  | baseline: %1").arg(epochText(task_.baselineHistory()[printed_ - 1]));
            printText(line);
        }
        if (!live_) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        const std::int64_t per = task_.stepsPerEpoch();
        std::fprintf(stderr, "\repoch %d/%d  step %lld/%lld  loss %.4f   ", int((m.step - 1) / per + 1),
                     task_.options().epochs, static_cast<long long>((m.step - 1) % per + 1),
                     static_cast<long long>(per), m.loss);
        std::fflush(stderr);
        open_ = true;
    }
    void endLine()
    {
        if (open_) std::fprintf(stderr, "\r%-60s\r", "");
        std::fflush(stderr);
        open_ = false;
    }

private:
    const TranslatorTask& task_;
    bool json_, live_;
    bool open_ = false;
    std::size_t printed_ = 0;
    std::chrono::steady_clock::time_point last_{};
};

int trainTranslator(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"data", "Pairs to learn, one per line: source<TAB>target (.tsv, .txt) or source,target (.csv). "
                         "Default: generated dates.", "FILE"});
    p.addOption({"examples", "Generated dates to train on (without --data).", "N", "10000"});
    p.addOption({"held-out", "Pairs kept out of training and scored after each epoch (default: 1000; with --data, "
                             "a tenth of the rows, at most 1000).", "N"});
    p.addOption({"epochs", "Passes over the training pairs.", "N", "20"});
    p.addOption({"batch", "Examples per step.", "B", "100"});
    p.addOption({"lr", "Adam's learning rate.", "X", "0.005"});
    p.addOption({"decay", "Learning-rate decay per epoch: lr / (1 + decay * epoch).", "X", "0.01"});
    p.addOption({"no-attention", "Train the model without attention (the decoder sees the encoder's last states)."});
    p.addOption({"baseline", "Also train the model without attention on the same batches, side by side."});
    p.addOption({"feed-previous", "The decoder also reads the previous output symbol."});
    p.addOption({"n-a", "Encoder units per direction.", "N", "32"});
    p.addOption({"n-s", "Decoder units.", "N", "64"});
    p.addOption({"n-h", "Units of the attention's hidden layer.", "N", "10"});
    p.addOption({"bleu", "BLEU tokens: chars or words.", "TOKENS", "chars"});
    p.addOption({"seed", "Seed of the generated dates, the initial weights and the shuffles.", "S", "1"});
    p.addOption({"save", "Write the trained model (safetensors) here, also after Ctrl-C.", "MODEL"});
    if (!parseCommandLine(p, args, "Train the date translator of the course's \"Neural machine translation with "
                                   "attention\" (Bi-LSTM encoder, attention, LSTM decoder) on generated dates or on "
                                   "your own pairs; prints the loss and held-out accuracy after every epoch."))
        return Ok;
    if (!p.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + utf8(p.positionalArguments().first()) + "'");
    const auto seed = std::uint32_t(intOption(p, "seed", 0, 4294967295LL));
    const QString bleu = p.value("bleu");
    if (bleu != "chars" && bleu != "words") throw InputError(("--bleu " + utf8(bleu) + ": expected chars or words"));

    TranslatorOptions o;
    o.epochs = int(intOption(p, "epochs", 1, 100000));
    o.batch = intOption(p, "batch", 1, 100000);
    o.optimizer.learningRate = doubleOption(p, "lr", 1e-9, 10);
    o.decay = doubleOption(p, "decay", 0, 1e6);
    o.seed = seed;
    o.baseline = p.isSet("baseline");
    o.bleuTokens = bleu == "words" ? BleuTokens::Words : BleuTokens::Chars;
    o.model.attention = !p.isSet("no-attention");
    o.model.feedPrevious = p.isSet("feed-previous");
    o.model.n_a = Index(intOption(p, "n-a", 1, 4096));
    o.model.n_s = Index(intOption(p, "n-s", 1, 4096));
    o.model.n_h = Index(intOption(p, "n-h", 1, 4096));
    if (o.baseline && !o.model.attention)
        throw InputError("--baseline trains a model without attention beside the main one; it needs attention "
                         "(drop --no-attention)");

    TranslationData data;
    if (p.isSet("data")) {
        if (p.isSet("examples"))
            throw InputError("--examples sets how many dates to generate; with --data every row of the file is used");
        data = loadPairFile(utf8(p.value("data")));
        o.heldOut = p.isSet("held-out") ? std::size_t(intOption(p, "held-out", 1, 100000000))
                                        : std::clamp<std::size_t>(data.pairs.size() / 10, 1, 1000);
    } else {
        o.heldOut = std::size_t(p.isSet("held-out") ? intOption(p, "held-out", 1, 100000000) : 1000);
        const auto examples = std::size_t(intOption(p, "examples", 1, 10000000));
        data = courseDateData(examples + o.heldOut, seed);
    }
    const bool json = jsonRequested(p);
    for (const auto& w : data.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());

    TranslatorTask task(data, o);
    const std::string savePath = utf8(p.value("save"));
    if (!savePath.empty()) { // before training, not after it
        const auto dir = std::filesystem::absolute(savePath).parent_path();
        if (!std::filesystem::is_directory(dir))
            throw InputError("--save " + savePath + ": the folder " + dir.string() + " does not exist");
    }
    if (!json)
        printText(QString("%1: %2 training pairs, %3 held out; Tx %4, Ty %5; %6 parameters%7")
                      .arg(q(data.sourceName)).arg(task.trainingPairs().size()).arg(task.heldOutPairs().size())
                      .arg(data.Tx).arg(data.Ty).arg(task.model().parameterCount())
                      .arg(o.model.attention ? "" : " (no attention)"));

    g_interrupted = false;
    std::signal(SIGINT, onTranslatorInterrupt);
    EpochPrinter printer(task, json);
    RunResult result;
    try {
        result = runTraining(task, printer, {.steps = task.totalSteps()});
    } catch (...) {
        std::signal(SIGINT, SIG_DFL);
        throw;
    }
    std::signal(SIGINT, SIG_DFL);
    printer.endLine();
    const bool interrupted = result.status == RunStatus::Cancelled;
    if (!savePath.empty()) task.saveModel(savePath);

    const ValidationReport& report = task.lastReport();
    // Finished epochs only: after Ctrl-C the history may end with the record of an epoch cut short.
    const auto finished = std::size_t(task.epochsDone());
    if (json) {
        QJsonArray epochs, baselineEpochs, samples, warnings;
        for (std::size_t i = 0; i < std::min(finished, task.history().size()); ++i)
            epochs.append(epochJson(task.history()[i]));
        for (std::size_t i = 0; i < std::min(finished, task.baselineHistory().size()); ++i)
            baselineEpochs.append(epochJson(task.baselineHistory()[i]));
        for (std::size_t i = 0; i < std::min<std::size_t>(report.pairs.size(), 10); ++i)
            samples.append(QJsonObject{{"input", q(report.pairs[i].source)},
                                       {"expected", q(report.pairs[i].target)},
                                       {"output", q(report.outputs[i])}});
        for (const auto& w : data.warnings) warnings.append(q(w));
        QJsonObject out{{"epochs", epochs},
                        {"parameters", double(task.model().parameterCount())},
                        {"model", configJson(task.model().config())},
                        {"data", QJsonObject{{"source", q(data.sourceName)},
                                             {"training_pairs", double(task.trainingPairs().size())},
                                             {"held_out_pairs", double(task.heldOutPairs().size())},
                                             {"warnings", warnings}}},
                        {"batch", double(o.batch)},
                        {"steps", double(task.stepsDone())},
                        {"interrupted", interrupted},
                        {"seconds", result.seconds},
                        {"samples", samples},
                        {"saved", savePath.empty() ? QJsonValue() : QJsonValue(q(savePath))}};
        if (const auto* b = task.baseline()) {
            out["baseline_epochs"] = baselineEpochs;
            out["baseline_parameters"] = double(b->parameterCount());
        }
        printJson(out);
        return Ok;
    }
    QString text;
    for (std::size_t i = 0; i < std::min<std::size_t>(report.pairs.size(), 5); ++i)
        text += QString("  %1 → %2 %3\n").arg(q(report.pairs[i].source), q(report.outputs[i]))
                    .arg(report.outputs[i] == report.pairs[i].target ? QString("✓")
                                                                     : "(expected " + q(report.pairs[i].target) + ")");
    text += QString("%1 epochs (%2 steps) in %3 s%4").arg(finished).arg(task.stepsDone())
                .arg(result.seconds, 0, 'f', 1).arg(interrupted ? " (interrupted)" : "");
    if (finished > 0)
        text += QString("; held-out exact match %1%")
                    .arg(100 * task.history()[finished - 1].metrics.exactMatch, 0, 'f', 1);
    if (!savePath.empty()) text += "; saved to " + q(savePath);
    printText(text);
    return Ok;
}

// The model, or an InputError naming the file whatever went wrong in reading it (the core's messages name it; this
// makes sure of it).
LoadedTranslator loadModel(const std::string& path)
{
    const std::string name = std::filesystem::path(path).filename().string();
    try {
        return loadTranslator(path);
    } catch (const FormatError& e) {
        if (std::string(e.what()).find(name) != std::string::npos) throw;
        throw FormatError(path + ": " + e.what());
    } catch (const InputError& e) {
        if (std::string(e.what()).find(name) != std::string::npos) throw;
        throw InputError(path + ": " + e.what());
    }
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

QJsonValue attentionJson(const MatF& a)
{
    if (a.size() == 0) return QJsonValue(); // a model without attention
    QJsonArray rows;
    for (Index t = 0; t < a.rows(); ++t) {
        QJsonArray row;
        for (Index j = 0; j < a.cols(); ++j) row.append(double(a(t, j)));
        rows.append(row);
    }
    return rows;
}

int runTranslate(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"model", "A translator saved by train translator --save or the lab.", "MODEL"});
    p.addOption({"beam", "Beam search of width K instead of greedy decoding.", "K"});
    p.addOption({"input", "Also translate each non-empty line of this file.", "FILE"});
    p.addPositionalArgument("text", "Dates (or whatever the model learnt) to translate.", "[text…]");
    if (!parseCommandLine(p, args, "Translate with a trained translator: for each input the output, its log "
                                   "probability and the attention map (output step × input character). Inputs are "
                                   "normalised as in training: lower-cased, commas removed, unknown characters "
                                   "<unk>, cut or padded to the model's Tx."))
        return Ok;
    if (!p.isSet("model")) throw InputError("--model is required");
    const int beam = p.isSet("beam") ? int(intOption(p, "beam", 1, 1000)) : 0;
    std::vector<std::string> inputs;
    for (const auto& a : p.positionalArguments()) inputs.push_back(utf8(a));
    if (p.isSet("input"))
        for (auto& line : readInputLines(utf8(p.value("input")))) inputs.push_back(std::move(line));
    const std::string modelPath = utf8(p.value("model"));
    const LoadedTranslator loaded = loadModel(modelPath);
    if (inputs.empty()) throw InputError("nothing to translate: give the texts as arguments or --input FILE");

    const TranslatorConfig& c = loaded.model->config();
    std::vector<std::vector<std::int32_t>> sources;
    for (const auto& text : inputs) sources.push_back(encodeSource(loaded.source, c.Tx, text));

    QJsonArray results;
    QString text;
    auto add = [&](std::size_t i, const Decoded& d, const QJsonArray* candidates) {
        const QString output = q(decodeTarget(loaded.target, d.ids));
        QJsonArray seen; // the Tx symbols the model read: the attention map's columns
        for (auto id : sources[i]) seen.append(q(loaded.source.symbol(id)));
        QJsonObject r{{"input", q(inputs[i])},
                      {"source", seen},
                      {"output", output},
                      {"log_prob", d.logProb},
                      {"attention", attentionJson(d.attention)}};
        if (candidates) r["beam"] = *candidates;
        results.append(r);
        text += QString("%1 → %2 (log p = %3)\n").arg(q(inputs[i]), output).arg(d.logProb, 0, 'f', 4);
    };
    if (beam == 0) {
        const auto decoded = translateGreedy(*loaded.model, sources);
        for (std::size_t i = 0; i < inputs.size(); ++i) add(i, decoded[i], nullptr);
    } else {
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const BeamResult b = beamSearch(*loaded.model, sources[i], beam);
            QJsonArray candidates;
            for (const auto& d : b.best)
                candidates.append(
                    QJsonObject{{"output", q(decodeTarget(loaded.target, d.ids))}, {"log_prob", d.logProb}});
            add(i, b.best.front(), &candidates);
            if (beam > 1)
                for (std::size_t k = 1; k < b.best.size(); ++k)
                    text += QString("    %1 (log p = %2)\n").arg(q(decodeTarget(loaded.target, b.best[k].ids)))
                                .arg(b.best[k].logProb, 0, 'f', 4);
        }
    }
    if (jsonRequested(p)) {
        QJsonObject out{{"results", results}, {"model", q(modelPath)}};
        if (beam > 0) out["beam_width"] = beam;
        printJson(out);
    } else {
        printText(text);
    }
    return Ok;
}

int benchTranslatorCommand(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"epochs", "Training epochs to time; the first warms up, the median of the rest is reported.", "N",
                 "3"});
    p.addOption({"seed", "Seed of the generated dates and the initial weights.", "S", "1"});
    if (!parseCommandLine(p, args, "Training throughput of the course's date translator: epochs over 10,000 "
                                   "generated dates at batch 100 (Bi-LSTM n_a 32, attention, LSTM n_s 64, Adam), "
                                   "held-out scoring excluded. scripts/bench/translator_torch.py is the same run in "
                                   "PyTorch."))
        return Ok;
    const int epochs = int(intOption(p, "epochs", 2, 1000));
    const auto seed = std::uint32_t(intOption(p, "seed", 0, 4294967295LL));
    const TranslatorBench b = benchTranslator(epochs, seed);
    if (jsonRequested(p)) {
        QJsonArray each;
        for (double e : b.epochSeconds) each.append(e);
        printJson({{"sec_per_epoch", b.secondsPerEpoch}, {"examples_per_s", b.examplesPerSecond},
                   {"epoch_seconds", each}, {"epochs", epochs}});
    } else {
        printText(QString("translator: %1 s per epoch, %2 examples/s (median of %3 epochs after a warm-up)")
                      .arg(b.secondsPerEpoch, 0, 'f', 3).arg(b.examplesPerSecond, 0, 'f', 0).arg(epochs - 1));
    }
    return Ok;
}

const LabCommands reg{{
    .lab = "translator",
    .title = "date translation with attention",
    .train = trainTranslator,
    .benches = {{"translator", "training throughput of the course's date translator (against PyTorch)",
                 benchTranslatorCommand}},
    .verbs = {{"translate", "translate texts with a trained translator: output, log p, attention map",
               runTranslate}},
}};

} // namespace

} // namespace unroll::cli
