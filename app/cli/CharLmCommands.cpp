// The character language model from the command line (the charlm lab's work without a display):
//   unroll-cli train charlm [--data FILE] … [--save MODEL] [--checkpoint FILE] [--resume FILE] [--json]
//   unroll-cli sample --model MODEL [--n 10] [--temperature T] [--top-k K] [--greedy] [--prime TEXT] [--seed S]
//   unroll-cli eval --model MODEL --data FILE [--json]
//   unroll-cli bench charlm-course [--json]     (the course's loop; docs/benchmarks.md times it against numpy)
// Ctrl-C during training stops at the next step boundary and still writes --save and --checkpoint.
#include "Cli.hpp"
#include "Registry.hpp"

#include "charlm/CharLmTask.hpp"
#include "charlm/Sampling.hpp"
#include "math/Rng.hpp"
#include "util/Error.hpp"
#include "util/ReadFile.hpp"

#include <QJsonArray>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace unroll::cli {

namespace {

// eval reads the text whole: the lines mode's corpus limit.
constexpr std::size_t kMaxEvalBytes = 8u << 20;

std::atomic<bool> g_interrupted{false};
extern "C" void onInterrupt(int) { g_interrupted = true; }

QString q(const std::u32string& s) { return QString::fromStdString(encodeUtf8(s)); }

CharCorpus loadData(const QCommandLineParser& p, double heldOut)
{
    if (!p.isSet("data")) {
        for (const char* option : {"mode", "lowercase"})
            if (p.isSet(option))
                throw InputError(std::string("--") + option +
                                 " applies to --data FILE; the built-in dinosaur names are lines, lower-cased");
        if (p.isSet("window")) throw InputError("--window applies to continuous mode (--data FILE --mode continuous)");
        return builtInDinosaurs(heldOut);
    }
    const QString mode = p.value("mode");
    if (mode == "lines" && p.isSet("window"))
        throw InputError("--window applies to continuous mode; in lines mode each example is one line");
    if (mode != "lines" && mode != "continuous")
        throw InputError(("--mode " + mode + ": expected lines or continuous").toStdString());
    return loadCharCorpusFile(p.value("data").toStdString(),
                              {.mode = mode == "lines" ? TextMode::Lines : TextMode::Continuous,
                               .lowercase = p.isSet("lowercase"),
                               .heldOut = heldOut});
}

// Refuses output paths that would destroy data or each other before any work is done: --save or --checkpoint onto
// the training text, onto each other, or onto a device or a named pipe (writeFileAtomically refuses those too, but
// only after training).
void checkOutputPaths(const QCommandLineParser& p)
{
    namespace fs = std::filesystem;
    auto path = [&](const char* option) { return fs::path(p.value(option).toStdString()); };
    auto same = [](const fs::path& a, const fs::path& b) {
        std::error_code ec;
        if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
        return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
    };
    for (const char* out : {"save", "checkpoint"}) {
        if (!p.isSet(out)) continue;
        const fs::path target = path(out);
        std::error_code ec;
        const auto status = fs::status(target, ec);
        if (!ec && fs::exists(status) && !fs::is_regular_file(status))
            throw InputError("--" + std::string(out) + " " + target.string() + ": " +
                             (fs::is_directory(status) ? "is a folder"
                              : fs::is_fifo(status)    ? "is a named pipe"
                              : fs::is_character_file(status) || fs::is_block_file(status) ? "is a device"
                                                                                           : "is not a regular file") +
                             ", not a file to write");
        if (p.isSet("data") && same(target, path("data")))
            throw InputError("--" + std::string(out) + " " + target.string() +
                             " is the training text (--data): writing it would destroy the data");
    }
    if (p.isSet("save") && p.isSet("checkpoint") && same(path("save"), path("checkpoint")))
        throw InputError("--save and --checkpoint name the same file " + p.value("save").toStdString() +
                         ": each would overwrite the other");
}

struct TrainObserver : TrainingObserver {
    CharLmTask* task = nullptr;
    std::int64_t printEvery = 1000;
    bool json = false;
    QJsonArray trace;
    void onStep(const StepMetrics& m) override
    {
        if (m.step % printEvery != 0 && m.step != 1) return;
        trace.append(QJsonArray{double(m.step), task->smoothedLoss()});
        if (json) return;
        QString text = QString("Iteration: %1, Loss: %2\n").arg(m.step).arg(task->smoothedLoss(), 0, 'f', 6);
        for (const auto& name : task->sampleNames(7)) {
            QString s = q(name);
            if (!s.isEmpty()) s[0] = s[0].toUpper(); // the course prints names capitalised
            text += s + "\n";
        }
        printText(text);
    }
    bool stopRequested() override { return g_interrupted.load(); }
};

int trainCharlm(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"data", "Training text (default: the built-in dinosaur names).", "FILE"});
    p.addOption({"mode", "lines (one example per line) or continuous (prose).", "MODE", "lines"});
    p.addOption({"lowercase", "Lower-case the text (the built-in names always are)."});
    p.addOption({"held-out", "Fraction of the lines kept for validation.", "F", "0.05"});
    p.addOption({"cell", "rnn, gru or lstm.", "CELL", "rnn"});
    p.addOption({"hidden", "Hidden units n_a.", "N", "50"});
    p.addOption({"layers", "Stacked layers.", "N", "1"});
    p.addOption({"iterations", "Training steps.", "N", "22001"});
    p.addOption({"optimizer", "sgd or adam.", "OPT", "sgd"});
    p.addOption({"lr", "Learning rate.", "X", "0.01"});
    p.addOption({"batch", "Examples (lines) or streams (continuous) per step.", "B", "1"});
    p.addOption({"window", "Continuous mode: characters per BPTT window.", "T", "64"});
    p.addOption({"clip", "Element-wise gradient clipping threshold (0: none).", "X", "5"});
    p.addOption({"seed", "Seed of the initial weights.", "S", "1"});
    p.addOption({"print-every", "Report the smoothed loss and samples every N steps.", "N", "1000"});
    p.addOption({"save", "Write the trained model (safetensors) here.", "MODEL"});
    p.addOption({"checkpoint", "Write a resumable checkpoint here (at the end, and on Ctrl-C).", "FILE"});
    p.addOption({"resume", "Continue the run saved in this checkpoint.", "FILE"});
    if (!parseCommandLine(p, args, "Train a character language model; by default the course's Dinosaur Island "
                                   "setting (RNN n_a = 50, SGD 0.01, clip ±5, one name per step)."))
        return Ok;
    if (!p.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + p.positionalArguments().first().toStdString() + "'");
    checkOutputPaths(p);
    const CharCorpus corpus = loadData(p, doubleOption(p, "held-out", 0, 0.45));
    CharLmOptions o;
    o.cell = parseCellKind(p.value("cell").toStdString());
    o.hidden = intOption(p, "hidden", 1, 2048);
    o.layers = int(intOption(p, "layers", 1, 3));
    o.optimizer.kind = parseOptimizerKind(p.value("optimizer").toStdString());
    o.optimizer.learningRate = doubleOption(p, "lr", 1e-9, 10);
    const double clip = doubleOption(p, "clip", 0, 1e9);
    o.optimizer.clip = clip > 0 ? ClipMode::Value : ClipMode::None;
    o.optimizer.clipValue = clip > 0 ? clip : 5;
    o.batch = intOption(p, "batch", 1, 1024);
    o.window = intOption(p, "window", 2, 4096);
    o.seed = std::uint32_t(intOption(p, "seed", 0, 4294967295LL));
    const auto iterations = intOption(p, "iterations", 1, 100000000);
    CharLmTask task(corpus, o);
    const double untrainedLoss = task.smoothedLoss(); // the loss of uniform guessing, before any step
    if (p.isSet("resume")) task.restoreCheckpoint(p.value("resume").toStdString());

    TrainObserver observer;
    observer.task = &task;
    observer.printEvery = intOption(p, "print-every", 1, 100000000);
    observer.json = jsonRequested(p);
    std::signal(SIGINT, onInterrupt);
    // A resumed run continues to --iterations in all; it may already be there.
    const auto remaining = std::max<std::int64_t>(0, iterations - task.stepsDone());
    RunResult result;
    // A run that diverged is refused with what to change (and a JSON document with --json), never saved as a model.
    const auto diverged = [&](const std::string& what) {
        const std::string message = "training diverged: " + what + "; lower the learning rate (--lr " +
                                    p.value("lr").toStdString() + ")" +
                                    (clip > 0 ? " or the clipping threshold (--clip " + p.value("clip").toStdString() + ")"
                                              : std::string(" or clip the gradients (--clip 5)"));
        if (observer.json)
            printJson({{"ok", false}, {"diverged", true}, {"error", QString::fromStdString(message)},
                       {"iterations", double(task.stepsDone())}, {"smoothed_loss_trace", observer.trace}});
        return InputError(message);
    };
    try {
        if (remaining > 0) result = runTraining(task, observer, {.steps = remaining, .firstStep = task.stepsDone() + 1});
    } catch (const NumericError& e) {
        std::signal(SIGINT, SIG_DFL);
        throw diverged(e.what());
    }
    std::signal(SIGINT, SIG_DFL);
    // Finite but exploded: far above uniform guessing, or a held-out character the model gives probability 0.
    if (!(task.smoothedLoss() <= 10 * untrainedLoss))
        throw diverged("the smoothed loss rose to " + QString::number(task.smoothedLoss(), 'g', 4).toStdString() +
                       ", over 10 times the untrained model's " + QString::number(untrainedLoss, 'g', 4).toStdString());
    const EvalResult v = task.validation();
    if (!std::isfinite(v.total)) throw diverged("the held-out loss is infinite (a character has probability 0)");
    if (p.isSet("save")) task.saveModel(p.value("save").toStdString());
    if (p.isSet("checkpoint")) task.saveCheckpoint(p.value("checkpoint").toStdString());
    const auto samples = task.sampleNames(7);
    if (observer.json) {
        QJsonArray names;
        for (const auto& s : samples) names.append(q(s));
        printJson({{"iterations", double(task.stepsDone())},
                   {"interrupted", result.status == RunStatus::Cancelled},
                   {"seconds", result.seconds},
                   {"smoothed_loss", task.smoothedLoss()},
                   {"smoothed_loss_trace", observer.trace},
                   {"validation", QJsonObject{{"nats_per_prediction", v.perPrediction()},
                                              {"bits_per_character", v.bitsPerCharacter()},
                                              {"predictions", double(v.predictions)},
                                              {"lines", double(v.lines)}}},
                   {"samples", names},
                   {"vocabulary_size", int(task.vocabulary().size())},
                   {"training_examples", int(corpus.train.size())}});
    } else {
        printText(QString("%1 steps in %2 s; smoothed loss %3; validation %4 nats per character (%5 bits)%6")
                      .arg(task.stepsDone()).arg(result.seconds, 0, 'f', 1).arg(task.smoothedLoss(), 0, 'f', 4)
                      .arg(v.perPrediction(), 0, 'f', 4).arg(v.bitsPerCharacter(), 0, 'f', 4)
                      .arg(result.status == RunStatus::Cancelled ? " (interrupted)" : ""));
    }
    return result.status == RunStatus::Cancelled ? Interrupted : Ok; // scripts tell a stopped run from a finished one
}

int runSample(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"model", "A character model saved by train --save or the lab.", "MODEL"});
    p.addOption({"n", "How many samples.", "N", "10"});
    p.addOption({"temperature", "Sampling temperature (> 0).", "T", "1"});
    p.addOption({"top-k", "Draw only among the K most likely characters (0: all).", "K", "0"});
    p.addOption({"greedy", "Always take the most likely character."});
    p.addOption({"prime", "Start every sample with this text.", "TEXT"});
    p.addOption({"length", "Maximum characters per sample.", "N", "50"});
    p.addOption({"seed", "Seed of the first sample (sample k uses seed + k).", "S", "0"});
    if (!parseCommandLine(p, args, "Sample text from a character model.")) return Ok;
    if (!p.isSet("model")) throw InputError("--model is required");
    const auto loaded = loadCharModel(p.value("model").toStdString());
    const QByteArray primeUtf8 = p.value("prime").toUtf8();
    std::u32string prime = decodeUtf8(std::string(primeUtf8.constData(), size_t(primeUtf8.size())), "--prime");
    if (loaded.lowercase)
        for (auto& c : prime) c = lowercaseChar(c);
    for (char32_t c : prime)
        if (!loaded.vocab.contains(c))
            throw InputError("--prime: character '" + encodeUtf8(c) + "' is not in the model's vocabulary");
    const SamplingOptions so{.temperature = doubleOption(p, "temperature", 1e-3, 100),
                             .topK = int(intOption(p, "top-k", 0, 100000)),
                             .greedy = p.isSet("greedy"),
                             .maxLength = int(intOption(p, "length", 1, 100000))};
    const auto n = intOption(p, "n", 1, 100000);
    const auto seed = std::uint32_t(intOption(p, "seed", 0, 4294967295LL));
    QJsonArray out;
    QString text;
    for (long long k = 0; k < n; ++k) {
        Rng rng{std::uint32_t(seed + k)};
        const QString s = q(prime + sampleLine(*loaded.model, loaded.vocab, prime, so, rng));
        out.append(s);
        text += s + "\n";
    }
    if (jsonRequested(p))
        printJson({{"samples", out}});
    else
        printText(text);
    return Ok;
}

int runEval(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"model", "A character model.", "MODEL"});
    p.addOption({"data", "Text to score, one example per line.", "FILE"});
    if (!parseCommandLine(p, args,
                          "Negative log-likelihood of a text under a character model: each line on its own from a "
                          "zero state, predicting every character and then the newline (nats)."))
        return Ok;
    if (!p.isSet("model") || !p.isSet("data")) throw InputError("--model and --data are required");
    if (!p.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + p.positionalArguments().first().toStdString() + "'");
    const std::string path = p.value("data").toStdString();
    const std::string bytes = readFileBounded(path, kMaxEvalBytes, "a text to score");
    if (const auto nul = bytes.find('\0'); nul != std::string::npos)
        throw InputError(path + ": a NUL byte at offset " + std::to_string(nul) + ": a binary file, not text");
    const std::u32string text = decodeUtf8(stripUtf8Bom(bytes), path);
    const auto loaded = loadCharModel(p.value("model").toStdString());
    checkLineLengths(text, path, TextLoadOptions{}.maxLineLength);
    const auto lines = splitExampleLines(text, loaded.lowercase);
    if (lines.empty()) throw InputError(path + ": " + (bytes.empty() ? "the file is empty" : "no non-blank lines"));
    const EvalResult r = evaluateLines(*loaded.model, loaded.vocab, lines);
    if (r.lines == 0) {
        // Nothing scored would print a perfect-looking 0: name the first character the model does not know.
        for (size_t i = 0; i < lines.size(); ++i)
            for (char32_t c : lines[i])
                if (!loaded.vocab.contains(c))
                    throw InputError(path + ": no line can be scored: every line has a character outside the model's "
                                            "vocabulary (the first: '" + encodeUtf8(c) + "' in non-blank line " +
                                     std::to_string(i + 1) + ")");
    }
    if (jsonRequested(p)) {
        printJson({{"total", r.total},
                   {"per_prediction", r.perPrediction()},
                   {"per_line", r.perLine()},
                   {"predictions", double(r.predictions)},
                   {"lines", double(r.lines)},
                   {"unknown", double(r.unknown)}});
    } else {
        printText(QString("%1 nats over %2 predictions in %3 lines: %4 per prediction (%5 bits), %6 per line; "
                          "%7 lines skipped (characters outside the vocabulary)")
                      .arg(r.total, 0, 'f', 3).arg(r.predictions).arg(r.lines).arg(r.perPrediction(), 0, 'f', 4)
                      .arg(r.bitsPerCharacter(), 0, 'f', 4).arg(r.perLine(), 0, 'f', 4).arg(r.unknown));
    }
    return Ok;
}

int benchCharlmCourse(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"steps", "Names per repetition.", "N", "3000"});
    p.addOption({"reps", "Repetitions (the median is reported).", "K", "5"});
    if (!parseCommandLine(p, args, "Throughput of the course's loop: RNN n_a = 50 on the built-in names, one name "
                                   "per SGD step, clipping, carried state."))
        return Ok;
    const auto steps = intOption(p, "steps", 1, 100000000);
    const int reps = int(intOption(p, "reps", 1, 1000));
    CharLmTask task(builtInDinosaurs(0.0), {});
    struct Rate {
        double names, chars;
    };
    std::vector<Rate> rates;
    for (int r = 0; r < reps + 1; ++r) { // the first repetition warms up
        std::int64_t predictions = 0;
        const auto t0 = std::chrono::steady_clock::now();
        for (long long k = 0; k < steps; ++k) predictions += task.step().predictions;
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (r > 0) rates.push_back({double(steps) / s, double(predictions) / s});
    }
    std::sort(rates.begin(), rates.end(), [](const Rate& a, const Rate& b) { return a.chars < b.chars; });
    const Rate median = rates[rates.size() / 2];
    if (jsonRequested(p)) {
        printJson({{"names_per_s", median.names}, {"chars_per_s", median.chars}});
    } else {
        printText(QString("course loop: %1 names/s, %2 chars/s (median of %3)")
                      .arg(median.names, 0, 'f', 0).arg(median.chars, 0, 'f', 0).arg(reps));
    }
    return Ok;
}

const LabCommands reg{{
    .lab = "charlm",
    .title = "character language model (the course's Dinosaur Island; char-rnn on any text)",
    .train = trainCharlm,
    .benches = {{"charlm-course", "the course's Dinosaur Island loop: names and characters per second",
                 benchCharlmCourse}},
    .verbs = {{"sample", "sample text from a character model", runSample},
              {"eval", "negative log-likelihood of a text file under a character model", runEval}},
}};

} // namespace

} // namespace unroll::cli
