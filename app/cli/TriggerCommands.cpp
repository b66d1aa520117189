// The trigger-word detector from the command line (the trigger lab's model work without a display; the data verbs
// are in other files of the same lab):
//   unroll-cli train trigger [--preset small|course] [--examples N] [--epochs N] [--batch N] [--steps N] [--lr X]
//                            [--held-out N] [--threshold X] [--consecutive K] [--ema DECAY] [--lr-final X]
//                            [--equalize] [--freq-masks N] [--dropout RATE] [--validation N] [--seed S] [--save MODEL] [--json]
//   unroll-cli detect --model MODEL FILE… [--threshold X] [--consecutive K] [--chime OUT.wav | --chime-dir DIR]
//                     [--json]    (the rule defaults to the one the model file records, else 0.5 and 20)
//   unroll-cli bench audio [--repeats N] [--json]   (the course spectrogram, detector inference and a training step;
//                                                    docs/benchmarks.md sets them beside scripts/bench/)
// Ctrl-C during training stops at the next step boundary and still writes --save. detect reads files of any length
// block by block (AudioStream -> SpectrogramEngine::computeFrames -> TriggerStream), in bounded memory apart from the
// probability track itself; --chime needs the whole audio in memory, so it is limited to files AudioFile reads whole.
#include "Cli.hpp"
#include "Registry.hpp"

#include "audio/AudioFile.hpp"
#include "audio/Spectrogram.hpp"
#include "trigger/Clips.hpp"
#include "trigger/TriggerTask.hpp"
#include "util/Error.hpp"

#include <QJsonArray>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>

namespace unroll::cli {

namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void onTriggerInterrupt(int) { g_interrupted = true; }

QString q(const std::string& s) { return QString::fromStdString(s); }
std::string utf8(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    return {bytes.constData(), std::size_t(bytes.size())};
}

QJsonObject scoreJson(const DetectionScore& s)
{
    return {{"positives", double(s.positives)},
            {"hits", double(s.hits)},
            {"false_accepts", double(s.falseAccepts)},
            {"recall", s.recall()},
            {"precision", s.precision()},
            {"false_accepts_per_hour", s.falseAcceptsPerHour()},
            {"seconds", s.seconds}};
}

QJsonObject epochJson(const TriggerEpoch& e)
{
    return {{"epoch", e.epoch},
            {"step", double(e.step)},
            {"loss", e.loss},
            {"frame_accuracy", e.frameAccuracy},
            {"held_out_loss", e.heldOutLoss},
            {"held_out_frame_accuracy", e.heldOutFrameAccuracy},
            {"held_out", scoreJson(e.heldOut)},
            {"validation_loss", e.validationLoss},
            {"validation", scoreJson(e.validation)},
            {"seconds", e.seconds}};
}

QString epochText(const TriggerEpoch& e)
{
    return QString("loss %1, frame accuracy %2% | held out: loss %3, frame accuracy %4%, recall %5% (%6/%7), "
                   "%8 false accepts (%9 per minute); %10 s")
        .arg(e.loss, 0, 'f', 4).arg(100 * e.frameAccuracy, 0, 'f', 1).arg(e.heldOutLoss, 0, 'f', 4)
        .arg(100 * e.heldOutFrameAccuracy, 0, 'f', 1).arg(100 * e.heldOut.recall(), 0, 'f', 1)
        .arg(e.heldOut.hits).arg(e.heldOut.positives).arg(e.heldOut.falseAccepts)
        .arg(e.heldOut.falseAcceptsPerHour() / 60, 0, 'f', 2).arg(e.seconds, 0, 'f', 1) +
           (e.validation.positives > 0
                ? QString(" | validation: loss %1, recall %2% (%3/%4), %5 false accepts")
                      .arg(e.validationLoss, 0, 'f', 4).arg(100 * e.validation.recall(), 0, 'f', 1)
                      .arg(e.validation.hits).arg(e.validation.positives).arg(e.validation.falseAccepts)
                : QString());
}

QJsonObject configJson(const TriggerConfig& c)
{
    return {{"n_freq", double(c.nFreq)}, {"filters", double(c.filters)}, {"kernel", double(c.kernel)},
            {"stride", double(c.stride)}, {"gru1", double(c.gru1)},      {"gru2", double(c.gru2)},
            {"dropout", c.dropout},       {"features", q(std::string(triggerFeatureIds[size_t(c.features)]))}};
}

// Prints each epoch as it ends (text mode) and a progress line on stderr when that is a terminal.
class EpochPrinter : public TrainingObserver {
public:
    EpochPrinter(const TriggerTask& task, bool json) : task_(task), json_(json), live_(isatty(STDERR_FILENO) != 0) {}
    ~EpochPrinter() override { endLine(); }
    bool stopRequested() override { return g_interrupted.load(); }
    void onStep(const StepMetrics& m) override
    {
        const auto& history = task_.history();
        while (printed_ < history.size()) {
            const TriggerEpoch& e = history[printed_++];
            endLine();
            const QString line = QString("epoch %1/%2: %3").arg(e.epoch).arg(task_.options().epochs).arg(epochText(e));
            if (json_) // the JSON comes at the end; meanwhile the epochs go to stderr, for a log
                std::fprintf(stderr, "%s\n", line.toUtf8().constData());
            else
                printText(line);
        }
        if (!live_) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        const std::int64_t per = task_.options().stepsPerEpoch;
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
    const TriggerTask& task_;
    bool json_, live_;
    bool open_ = false;
    std::size_t printed_ = 0;
    std::chrono::steady_clock::time_point last_{};
};

void checkSaveFolder(const std::string& path, const char* option)
{
    if (path.empty()) return;
    const auto dir = std::filesystem::absolute(path).parent_path();
    if (!std::filesystem::is_directory(dir))
        throw InputError(std::string(option) + " " + path + ": the folder " + dir.string() + " does not exist");
}

int trainTrigger(const QStringList& args)
{
    const TriggerOptions d;
    QCommandLineParser p;
    p.addOption({"preset", "Model: small (ours, trains in minutes) or course (the notebook's Keras model).", "NAME",
                 "small"});
    p.addOption({"examples", "Training examples in all (10 s clips synthesized as training goes): sets the steps per "
                             "epoch to examples / (epochs x batch). Default: " +
                                 QString::number(d.batch * d.stepsPerEpoch * d.epochs) + ".", "N"});
    p.addOption({"epochs", "Epochs: after each the held-out clips are scored.", "N", QString::number(d.epochs)});
    p.addOption({"steps", "Steps per epoch (instead of --examples).", "N"});
    p.addOption({"batch", "Clips per step.", "B", QString::number(d.batch)});
    p.addOption({"lr", "Adam's learning rate.", "X", QString::number(d.optimizer.learningRate)});
    p.addOption({"held-out", "Held-out clips (unseen voices and backgrounds), synthesized once.", "N",
                 QString::number(d.heldOut)});
    p.addOption({"validation", "Clips of validation voices (every 10th training speaker, kept out of training) that "
                               "choose the epoch whose detector is kept: the lowest validation loss (0: off, the "
                               "last epoch's).", "N", QString::number(d.validation)});
    p.addOption({"threshold", "Detection threshold for the held-out scores (recorded in --save's file for detect).",
                 "X", QString::number(d.detection.threshold)});
    p.addOption({"consecutive", "Output steps at or above the threshold before a detection fires.", "K",
                 QString::number(d.detection.consecutive)});
    p.addOption({"lr-final", "Learning rate at the last step, reached along a half cosine from --lr (0: constant).",
                 "X", QString::number(d.finalLearningRate)});
    p.addOption({"freq-masks", "SpecAugment frequency masks per training clip (bands of up to 12 rows set to their "
                               "mean; 0: none).", "N", QString::number(d.frequencyMasks)});
    p.addOption({"dropout", "Dropout rate of the preset (the fraction dropped).", "RATE"});
    p.addOption({"equalize", "Also pass the training words through random peaking filters (timbre augmentation)."});
    p.addOption({"ema", "Decay of the exponential moving average of the weights that is evaluated and saved "
                        "(0: off, the raw weights).", "DECAY", QString::number(d.averageDecay)});
    p.addOption({"seed", "Seed of the weights, dropout and every synthesized clip.", "S", QString::number(d.seed)});
    p.addOption({"save", "Write the trained detector (safetensors) here, also after Ctrl-C.", "MODEL"});
    if (!parseCommandLine(p, args, "Train the trigger-word detector of the course's \"Trigger word detection\" from "
                                   "scratch on clips synthesized as it goes (the built-in words over generated "
                                   "backgrounds); after every epoch prints the loss and, on held-out voices and "
                                   "backgrounds, the recall and false accepts of its detections."))
        return Ok;
    if (!p.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + utf8(p.positionalArguments().first()) + "'");
    TriggerOptions o;
    o.model = triggerPreset(utf8(p.value("preset")));
    o.epochs = int(intOption(p, "epochs", 1, 100000));
    o.batch = intOption(p, "batch", 1, 1024);
    o.optimizer.learningRate = doubleOption(p, "lr", 1e-12, 10);
    o.heldOut = intOption(p, "held-out", 0, 2000);
    o.validation = intOption(p, "validation", 0, 2000);
    o.detection.threshold = doubleOption(p, "threshold", 0, 1);
    o.detection.consecutive = int(intOption(p, "consecutive", 1, 100000));
    o.seed = std::uint32_t(intOption(p, "seed", 0, 4294967295LL));
    o.averageDecay = doubleOption(p, "ema", 0, 0.999999);
    o.finalLearningRate = doubleOption(p, "lr-final", 0, 10);
    o.equalize = p.isSet("equalize");
    o.frequencyMasks = int(intOption(p, "freq-masks", 0, 100));
    if (p.isSet("dropout")) o.model.dropout = doubleOption(p, "dropout", 0, 0.99);
    if (p.isSet("steps") && p.isSet("examples"))
        throw InputError("--steps and --examples both set the steps per epoch; give one");
    if (p.isSet("steps")) o.stepsPerEpoch = intOption(p, "steps", 1, 1000000);
    if (p.isSet("examples")) {
        const long long examples = intOption(p, "examples", 1, 1000000000LL);
        o.stepsPerEpoch = std::max<long long>(1, examples / (o.batch * o.epochs));
    }
    const std::string savePath = utf8(p.value("save"));
    checkSaveFolder(savePath, "--save");
    const bool json = jsonRequested(p);

    const auto loadStart = std::chrono::steady_clock::now();
    ClipLibrary library = loadBuiltinClips(kLabRate);
    const auto positives = library.positives.size(), negatives = library.negatives.size();
    TriggerTask task(std::move(library), o);
    const double setupSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - loadStart).count();
    if (!json)
        printText(QString("%1 preset: %2 parameters, %3 GFLOP per training example; %4 positive and %5 negative "
                          "clips; %6 epochs of %7 steps at batch %8 (%9 examples); %10 held-out clips (%11 s to set up)")
                      .arg(q(utf8(p.value("preset")))).arg(task.model().parameterCount())
                      .arg(triggerTrainingFlops(o.model) / 1e9, 0, 'f', 2).arg(positives).arg(negatives)
                      .arg(o.epochs).arg(o.stepsPerEpoch).arg(o.batch).arg(task.totalSteps() * o.batch)
                      .arg(o.heldOut).arg(setupSeconds, 0, 'f', 1));

    g_interrupted = false;
    std::signal(SIGINT, onTriggerInterrupt);
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

    const auto& history = task.history();
    if (json) {
        QJsonArray epochs, sweep;
        for (const auto& e : history) epochs.append(epochJson(e));
        for (const auto& s : task.sweep())
            sweep.append(QJsonObject{{"threshold", s.threshold},
                                     {"false_reject_rate", s.falseRejectRate},
                                     {"false_accepts_per_hour", s.falseAcceptsPerHour}});
        QJsonArray bySpeaker, byWord, validationSpeakers;
        for (const auto& name : task.validationSpeakers()) validationSpeakers.append(q(name));
        for (const auto& t : task.heldOutBySpeaker())
            bySpeaker.append(QJsonObject{{"speaker", q(t.name)}, {"positives", double(t.words)},
                                         {"hits", double(t.hits)}});
        for (const auto& t : task.falseAcceptsByWord())
            byWord.append(QJsonObject{{"under", q(t.name)}, {"false_accepts", double(t.falseAccepts)}});
        printJson({{"epochs", epochs},
                   {"sweep", sweep},
                   {"held_out_by_speaker", bySpeaker},
                   {"false_accepts_by_word", byWord},
                   {"average_decay", o.averageDecay},
                   {"preset", p.value("preset")},
                   {"model", configJson(o.model)},
                   {"parameters", double(task.model().parameterCount())},
                   {"batch", double(o.batch)},
                   {"steps", double(task.stepsDone())},
                   {"examples", double(task.stepsDone() * o.batch)},
                   {"learning_rate", o.optimizer.learningRate},
                   {"final_learning_rate", o.finalLearningRate},
                   {"equalize", o.equalize},
                   {"validation_clips", double(o.validation)},
                   {"frequency_masks", o.frequencyMasks},
                   {"dropout", o.model.dropout},
                   {"validation_speakers", validationSpeakers},
                   {"best_epoch", task.bestEpoch()},
                   {"seed", double(o.seed)},
                   {"detection", QJsonObject{{"threshold", o.detection.threshold},
                                             {"consecutive", o.detection.consecutive}}},
                   {"interrupted", interrupted},
                   {"seconds", result.seconds},
                   {"setup_seconds", setupSeconds},
                   {"saved", savePath.empty() ? QJsonValue() : QJsonValue(q(savePath))}});
        return Ok;
    }
    QString text = QString("%1 steps in %2 s%3").arg(task.stepsDone()).arg(result.seconds, 0, 'f', 1)
                       .arg(interrupted ? " (interrupted)" : "");
    if (!history.empty()) {
        const int best = task.bestEpoch();
        const TriggerEpoch& kept = best > 0 ? history[size_t(best - 1)] : history.back();
        if (best > 0) text += QString("; kept epoch %1 (lowest validation loss, %2)").arg(best).arg(kept.validationLoss, 0, 'f', 4);
        text += QString("; held out: recall %1%, %2 false accepts per minute")
                    .arg(100 * kept.heldOut.recall(), 0, 'f', 1)
                    .arg(kept.heldOut.falseAcceptsPerHour() / 60, 0, 'f', 2);
    }
    if (!savePath.empty()) text += "; saved to " + q(savePath);
    if (!history.empty()) {
        QStringList speakers, words;
        for (const auto& t : task.heldOutBySpeaker())
            speakers << QString("%1 %2/%3").arg(q(t.name)).arg(t.hits).arg(t.words);
        for (const auto& t : task.falseAcceptsByWord()) words << QString("%1 %2").arg(q(t.name)).arg(t.falseAccepts);
        text += "\nheld-out recall by speaker: " + speakers.join(", ");
        text += "\nfalse accepts by what lay under them: " + (words.isEmpty() ? QString("none") : words.join(", "));
    }
    printText(text);
    return Ok;
}

// --- detect -----------------------------------------------------------------------------------------------------

// The detector, or an InputError naming the file whatever went wrong in reading it.
TriggerModelFile loadDetector(const std::string& path)
{
    const std::string name = std::filesystem::path(path).filename().string();
    try {
        return readTriggerModelFile(path);
    } catch (const FormatError& e) {
        if (std::string(e.what()).find(name) != std::string::npos) throw;
        throw FormatError(path + ": " + e.what());
    } catch (const InputError& e) {
        if (std::string(e.what()).find(name) != std::string::npos) throw;
        throw InputError(path + ": " + e.what());
    }
}

// The probability track of a whole file, read block by block: samples at the lab's rate -> spectrogram frames as
// soon as their samples are in -> the detector's stream. Memory: one block of audio and frames at a time.
std::vector<float> streamProbabilities(const TriggerDetector<float>& model, const SpectrogramEngine& engine,
                                       const std::string& path)
{
    AudioStream audio(path, kLabRate);
    TriggerStream stream(model);
    const int nfft = engine.options().nfft, hop = engine.options().hop;
    const std::size_t block = std::size_t(hop) * 4096; // about 7.4 s per read
    std::vector<float> pending, out;                    // pending: samples from the next frame's start on
    MatF frames;
    while (true) {
        const std::size_t got = audio.read(pending, block);
        if (pending.size() >= std::size_t(nfft)) {
            const std::int64_t n = spectrogramFrames(std::int64_t(pending.size()), nfft, hop);
            frames.resize(engine.bins(), n);
            engine.computeFrames(pending, kLabRate, 0, frames);
            const auto p = stream.push(frames);
            out.insert(out.end(), p.begin(), p.end());
            pending.erase(pending.begin(), pending.begin() + std::ptrdiff_t(n * hop));
        }
        if (got == 0) break;
    }
    return out;
}

int runDetect(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"model", "A detector saved by train trigger --save or the lab.", "MODEL"});
    p.addOption({"threshold", "Probability at or above which a step counts (default: the threshold the model file "
                              "records, the one its held-out scores were measured at; 0.5 for a file without one).",
                 "X"});
    p.addOption({"consecutive", "Steps at or above the threshold before a detection fires (default: the model "
                                "file's, else the lab's 20).", "K"});
    p.addOption({"chime", "Write the (single) input with a chime at every detection to this WAV file.", "OUT.wav"});
    p.addOption({"chime-dir", "Write every input with chimes to this folder, as <name>.chime.wav.", "DIR"});
    p.addPositionalArgument("files", "Audio files of any length (anything libsndfile reads).", "FILE…");
    if (!parseCommandLine(p, args, "Run a trained trigger-word detector over audio files: per file the detection "
                                   "times (a detection fires when the probability has stayed at or above the "
                                   "threshold for K consecutive steps, and re-arms only after it falls below), the "
                                   "probability track and its step in seconds."))
        return Ok;
    if (!p.isSet("model")) throw InputError("--model is required");
    const QStringList files = p.positionalArguments();
    if (files.isEmpty()) throw InputError("no audio files given");
    const double threshold = p.isSet("threshold") ? doubleOption(p, "threshold", 0, 1) : -1;
    const int consecutive = p.isSet("consecutive") ? int(intOption(p, "consecutive", 1, 1000000)) : 0;
    if (p.isSet("chime") && p.isSet("chime-dir")) throw InputError("give --chime or --chime-dir, not both");
    if (p.isSet("chime") && files.size() != 1)
        throw InputError("--chime writes one file: give one input, or use --chime-dir for " +
                         std::to_string(files.size()));
    const std::string chimePath = utf8(p.value("chime")), chimeDir = utf8(p.value("chime-dir"));
    checkSaveFolder(chimePath, "--chime");
    if (!chimeDir.empty() && !std::filesystem::is_directory(chimeDir))
        throw InputError("--chime-dir " + chimeDir + ": not a folder");

    TriggerModelFile loaded = loadDetector(utf8(p.value("model")));
    const auto& model = loaded.model;
    DetectionOptions rule = loaded.rule.value_or(DetectionOptions{});
    const bool recorded = loaded.rule.has_value();
    if (threshold >= 0) rule.threshold = threshold;
    if (consecutive > 0) rule.consecutive = consecutive;
    const SpectrogramEngine engine(courseSpectrogramOptions());
    const auto& c = model->config();
    const double frameSeconds = double(c.stride) * engine.options().hop / kLabRate;
    const AudioClip chime = makeChime(kLabRate);
    QJsonArray results;
    QString text;
    for (const QString& file : files) {
        const std::string path = utf8(file);
        const std::vector<float> probability = streamProbabilities(*model, engine, path);
        const auto times = triggerTimes(detectTriggers(probability, rule), frameSeconds);
        if (!chimePath.empty() || !chimeDir.empty()) {
            AudioClip audio = readAudio(path, kLabRate);
            insertChimes(audio, times, chime);
            const std::string out =
                !chimePath.empty()
                    ? chimePath
                    : (std::filesystem::path(chimeDir) / (std::filesystem::path(path).stem().string() + ".chime.wav"))
                          .string();
            writeWav(out, audio);
        }
        QJsonArray detections, track;
        for (double t : times) detections.append(t);
        for (float v : probability) track.append(double(v));
        results.append(QJsonObject{{"file", file},
                                   {"detections_s", detections},
                                   {"probability", track},
                                   {"frame_s", frameSeconds}});
        QStringList shown;
        for (double t : times) shown << QString::number(t, 'f', 2);
        text += QString("%1: %2 detection%3%4%5\n").arg(file).arg(times.size()).arg(times.size() == 1 ? "" : "s")
                    .arg(times.empty() ? "" : " at ").arg(shown.join(", ") + (times.empty() ? "" : " s"));
    }
    if (jsonRequested(p)) {
        printJson({{"files", results},
                   {"threshold", rule.threshold},
                   {"consecutive", rule.consecutive},
                   {"rule_from_model", recorded},
                   {"model", p.value("model")}});
    } else {
        printText(text.trimmed());
    }
    return Ok;
}

// --- bench ------------------------------------------------------------------------------------------------------

int benchAudio(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"repeats", "Timed runs of each (the median is reported, after a warm-up).", "N", "5"});
    if (!parseCommandLine(p, args, "Speed of the trigger-word lab: the course spectrogram of 10 s at 44.1 kHz "
                                   "(101 x 5511), detector inference on one 10 s clip and one training step at batch "
                                   "8 (Adam), for the small and course presets; medians after a warm-up. "
                                   "scripts/bench/spectrogram_ref.py and scripts/bench/trigger_torch.py time the "
                                   "same in scipy/matplotlib and PyTorch."))
        return Ok;
    const int repeats = int(intOption(p, "repeats", 1, 1000));
    const double spectrogram = benchCourseSpectrogram(std::max(repeats, 20));
    QJsonObject inference, train;
    QString text = QString("course spectrogram of 10 s: %1 ms\n").arg(1e3 * spectrogram, 0, 'f', 2);
    for (const char* preset : {"small", "course"}) {
        const TriggerBench b = benchTrigger(triggerPreset(preset), repeats);
        inference[preset] = b.inferenceSeconds;
        train[preset] = b.trainStepSeconds;
        text += QString("%1: inference on a 10 s clip %2 ms (%3x real time), training step at batch 8 %4 ms\n")
                    .arg(preset).arg(1e3 * b.inferenceSeconds, 0, 'f', 1).arg(10.0 / b.inferenceSeconds, 0, 'f', 0)
                    .arg(1e3 * b.trainStepSeconds, 0, 'f', 1);
    }
    if (jsonRequested(p))
        printJson({{"spectrogram_s", spectrogram}, {"inference_s", inference}, {"train_step_s", train}});
    else
        printText(text.trimmed());
    return Ok;
}

} // namespace

const LabCommands reg{{
    .lab = "trigger",
    .title = "trigger-word detection (Conv1D + GRU on spectrograms, synthesized data)",
    .train = trainTrigger,
    .benches = {{"audio", "the course spectrogram, detector inference and a training step (against scipy, PyTorch)",
                 benchAudio}},
    .verbs = {{"detect", "run a trained trigger-word detector over audio files: detection times, probabilities, "
                         "chimes",
               runDetect}},
}};

} // namespace unroll::cli
