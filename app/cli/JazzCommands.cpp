// The jazz lab from the command line (the course's "Improvise a Jazz Solo with an LSTM Network"):
//   unroll-cli midi dump FILE.mid [--json]
//   unroll-cli train jazz [--data DIR|FILE.mid …] [FILE.mid …] [--epochs N] [--seed S] [--hidden N] [--layers N]
//                         [--windows N] [--tx N] [--save MODEL] [--json]
//   unroll-cli improvise --model MODEL [--length 50] [--temperature T] [--top-k K] [--seed S] [--chords "F7 Bb7 …"]
//                        --out FILE.mid [--wav FILE.wav] [--json]
// Defaults: the built-in corpus (resources/data/jazz), the course's hyper-parameters. Ctrl-C during training stops at
// the next epoch and still writes --save.
#include "Cli.hpp"
#include "Registry.hpp"

#include "audio/AudioFile.hpp"
#include "jazz/JazzTask.hpp"
#include "jazz/Synth.hpp"
#include "util/Error.hpp"

#include <QJsonArray>

#include <atomic>
#include <csignal>
#include <filesystem>

namespace unroll::cli {

namespace {

using namespace unroll::jazz;

std::atomic<bool> g_interrupted{false};
extern "C" void onJazzInterrupt(int) { g_interrupted = true; }

QString q(const std::string& s) { return QString::fromStdString(s); }
std::string utf8(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    return {bytes.constData(), std::size_t(bytes.size())};
}

QJsonObject noteJson(const MidiNote& n)
{
    return {{"pitch", n.pitch},       {"velocity", n.velocity}, {"start_s", n.start_s},
            {"duration_s", n.duration_s}, {"track", n.track},  {"channel", n.channel}};
}

void requireFolderOf(const std::string& option, const std::string& path)
{
    const auto dir = std::filesystem::absolute(path).parent_path();
    if (!std::filesystem::is_directory(dir))
        throw InputError("--" + option + " " + path + ": the folder " + dir.string() + " does not exist");
}

int dumpMidi(const QStringList& args)
{
    QCommandLineParser p;
    p.addPositionalArgument("file", "A Standard MIDI File (format 0 or 1).", "FILE.mid");
    if (!parseCommandLine(p, args, "Print a MIDI file's notes (sorted by start; times in seconds after the tempo "
                                   "map), its format, resolution, tracks, tempo changes and time signatures."))
        return Ok;
    if (p.positionalArguments().size() != 1) throw InputError("give one MIDI file");
    const std::string path = utf8(p.positionalArguments().first());
    const MidiFile f = readMidi(path);
    if (jsonRequested(p)) {
        QJsonArray notes, tempos, signatures, names;
        for (const auto& n : f.notes) notes.append(noteJson(n));
        for (const auto& t : f.tempos)
            tempos.append(QJsonObject{{"tick", double(t.tick)}, {"seconds", tickToSeconds(f, t.tick)},
                                      {"bpm", t.bpm()}});
        for (const auto& s : f.signatures)
            signatures.append(QJsonObject{{"tick", double(s.tick)}, {"numerator", s.numerator},
                                          {"denominator", s.denominator}});
        for (const auto& n : f.trackNames) names.append(q(n));
        printJson({{"format", f.format},
                   {"ticks_per_quarter", f.ticksPerQuarter},
                   {"tracks", f.tracks},
                   {"track_names", names},
                   {"tempos", tempos},
                   {"time_signatures", signatures},
                   {"notes", notes}});
        return Ok;
    }
    printText(QString("%1: format %2, %3 tracks, %4 ticks per quarter, %5 notes, %6 s")
                  .arg(q(path)).arg(f.format).arg(f.tracks).arg(f.ticksPerQuarter).arg(f.notes.size())
                  .arg(tickToSeconds(f, f.endTick), 0, 'f', 2));
    for (const auto& t : f.tempos) printText(QString("tempo %1 bpm at tick %2").arg(t.bpm(), 0, 'f', 2).arg(t.tick));
    for (const auto& s : f.signatures)
        printText(QString("time signature %1/%2 at tick %3").arg(s.numerator).arg(s.denominator).arg(s.tick));
    printText("start_s   duration_s  pitch  velocity  track  channel");
    for (const auto& n : f.notes)
        printText(QString("%1  %2  %3  %4  %5  %6").arg(n.start_s, 8, 'f', 3).arg(n.duration_s, 10, 'f', 3)
                      .arg(n.pitch, 5).arg(n.velocity, 8).arg(n.track, 5).arg(n.channel, 7));
    return Ok;
}

class EpochPrinter : public TrainingObserver {
public:
    EpochPrinter(const JazzTask& task, bool json) : task_(task), json_(json) {}
    bool stopRequested() override { return g_interrupted.load(); }
    void onStep(const StepMetrics& s) override
    {
        if (json_) return;
        const auto& e = task_.history().back();
        const int total = task_.options().epochs;
        if (e.epoch == 1 || e.epoch == total || e.epoch % 10 == 0)
            printText(QString("epoch %1/%2: loss %3, accuracy %4%, lr %5")
                          .arg(e.epoch).arg(total).arg(e.loss, 0, 'f', 4).arg(100 * e.accuracy, 0, 'f', 1)
                          .arg(s.learningRate, 0, 'g', 4));
    }

private:
    const JazzTask& task_;
    bool json_;
};

int trainJazz(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"data", "MIDI files or folders of them (repeatable; more files may follow as arguments). Default: "
                         "the built-in corpus.", "DIR|FILE"});
    p.addOption({"epochs", "Epochs (the course: 100).", "N", "100"});
    p.addOption({"seed", "Seed of the windows (the course's np.random.seed(0)), weights and shuffles.", "S", "0"});
    p.addOption({"hidden", "n_a, the LSTM's units (the course: 64).", "N", "64"});
    p.addOption({"layers", "Stacked LSTM layers.", "N", "1"});
    p.addOption({"windows", "Training windows m (the course: 60).", "N", "60"});
    p.addOption({"tx", "Window length T_x (the course: 30).", "N", "30"});
    p.addOption({"save", "Write the trained model (safetensors) here, also after Ctrl-C.", "MODEL"});
    p.addPositionalArgument("files", "More MIDI files.", "[FILE.mid…]");
    if (!parseCommandLine(p, args, "Train the course's jazz model: an LSTM over root-relative melody tokens from "
                                   "MIDI files (Adam 0.01 with decay 0.01 per epoch, batches of 32)."))
        return Ok;
    std::vector<std::filesystem::path> paths;
    for (const auto& d : p.values("data")) paths.emplace_back(utf8(d));
    for (const auto& a : p.positionalArguments()) paths.emplace_back(utf8(a));
    JazzOptions o;
    o.epochs = int(intOption(p, "epochs", 1, 1000000));
    o.seed = std::uint32_t(intOption(p, "seed", 0, 4294967295LL));
    o.hidden = Index(intOption(p, "hidden", 1, 4096));
    o.layers = int(intOption(p, "layers", 1, 8));
    o.windows = int(intOption(p, "windows", 1, 1000000));
    o.Tx = int(intOption(p, "tx", 2, 10000));
    const std::string savePath = utf8(p.value("save"));
    if (!savePath.empty()) requireFolderOf("save", savePath);
    const bool json = jsonRequested(p);

    JazzCorpus corpus = loadCorpus(paths.empty() ? builtInCorpusFiles() : paths);
    std::size_t notes = 0;
    for (const auto& m : corpus.melodies) notes += m.notes.size();
    JazzTask task(corpus, o);
    const auto params = [&] {
        std::int64_t n = 0;
        for (const auto& [name, value] : task.model().namedValues()) n += value.size();
        return n;
    }();
    if (!json)
        printText(QString("%1 files, %2 melody notes, %3 tokens, vocabulary %4; %5 windows of %6; %7 parameters")
                      .arg(corpus.melodies.size()).arg(notes).arg(corpus.ids.size()).arg(corpus.vocab.size())
                      .arg(o.windows).arg(o.Tx).arg(params));
    g_interrupted = false;
    std::signal(SIGINT, onJazzInterrupt);
    EpochPrinter printer(task, json);
    RunResult result;
    try {
        result = runTraining(task, printer, {.steps = o.epochs});
    } catch (...) {
        std::signal(SIGINT, SIG_DFL);
        throw;
    }
    std::signal(SIGINT, SIG_DFL);
    if (!savePath.empty()) task.save(savePath);

    QJsonArray epochs, vocab, files;
    for (const auto& e : task.history())
        epochs.append(QJsonObject{{"epoch", e.epoch}, {"loss", e.loss}, {"accuracy", e.accuracy}});
    for (const auto& t : corpus.vocab.texts()) vocab.append(q(t));
    for (const auto& m : corpus.melodies) files.append(q(m.source));
    if (json)
        printJson({{"files", files},
                   {"melody_notes", double(notes)},
                   {"tokens", double(corpus.ids.size())},
                   {"vocabulary", vocab},
                   {"parameters", double(params)},
                   {"epochs", epochs},
                   {"seed", double(o.seed)},
                   {"interrupted", result.status == RunStatus::Cancelled},
                   {"seconds", result.seconds},
                   {"saved", savePath.empty() ? QJsonValue() : QJsonValue(q(savePath))}});
    else {
        if (result.status == RunStatus::Cancelled) printText("(interrupted)");
        if (!savePath.empty()) printText("saved to " + q(savePath));
    }
    return Ok;
}

int runImprovise(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"model", "A model saved by train jazz --save (or the lab).", "MODEL"});
    p.addOption({"length", "Sounded notes to generate (rests come on top).", "N", "50"});
    p.addOption({"temperature", "Sampling temperature; 0 takes the argmax as the course does.", "T", "1"});
    p.addOption({"top-k", "Draw only from the K most likely tokens (0: all).", "K", "0"});
    p.addOption({"seed", "Seed of the draws.", "S", "0"});
    p.addOption({"chords", "The progression to improvise over, one chord per bar, looped (\"F7/D7\": two in a bar).",
                 "CHORDS", "F7 Bb7 F7 F7 Bb7 Bb7 F7 D7 Gm7 C7 F7/D7 Gm7/C7"});
    p.addOption({"out", "Write the improvisation (melody on channel 0, the chords on channel 1) as MIDI here.",
                 "FILE.mid"});
    p.addOption({"wav", "Also render it with the built-in synthesizer to a 44.1 kHz WAV file.", "FILE.wav"});
    p.addOption({"no-chords", "Leave the chords out of the files (the melody alone)."});
    if (!parseCommandLine(p, args, "Improvise a melody with a trained jazz model: from a zero input, each step's "
                                   "sampled token is fed back as the next input."))
        return Ok;
    if (!p.isSet("model")) throw InputError("--model is required");
    if (!p.isSet("out")) throw InputError("--out FILE.mid is required");
    if (!p.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + utf8(p.positionalArguments().first()) + "'");
    ImproviseOptions o;
    o.notes = int(intOption(p, "length", 1, 100000));
    o.temperature = doubleOption(p, "temperature", 0, 100);
    o.topK = int(intOption(p, "top-k", 0, 1000000));
    o.seed = std::uint32_t(intOption(p, "seed", 0, 4294967295LL));
    const std::string out = utf8(p.value("out")), wav = utf8(p.value("wav"));
    requireFolderOf("out", out);
    if (!wav.empty()) requireFolderOf("wav", wav);
    const ChordTrack progression = parseProgression(utf8(p.value("chords")));
    const LoadedJazzModel loaded = loadJazzModel(utf8(p.value("model")));
    // Every token lasts at most 16 sixteenths and at most maxRests rests come between notes.
    const ChordTrack chords =
        loopProgression(progression, std::int64_t(o.notes) * (o.maxRests + 1) * kMaxLength16 + kMaxLength16);
    const Improvisation solo = improvise(*loaded.model, loaded.vocab, chords, o);

    std::int64_t end16 = 0;
    for (const auto& n : solo.notes) end16 = std::max(end16, n.start16 + n.length16);
    ChordTrack used;
    for (const auto& c : chords.chords)
        if (c.start16 < end16) used.chords.push_back(c);
    const MidiFile file = melodyToMidi(solo.notes, loaded.bpm, used, !p.isSet("no-chords"));
    writeMidi(out, file);
    if (!wav.empty()) writeWav(wav, AudioClip{renderNotes(file.notes), 44100});

    QJsonArray tokens, notes, chordList;
    for (const auto& t : solo.tokens) tokens.append(q(t.text()));
    for (const auto& n : file.notes)
        if (n.channel == 0) notes.append(noteJson(n));
    for (const auto& c : used.chords)
        chordList.append(QJsonObject{{"name", q(c.name)}, {"start_s", tickToSeconds(file, c.start16 * 120)}});
    if (jsonRequested(p)) {
        printJson({{"tokens", tokens},
                   {"notes", notes},
                   {"chords", chordList},
                   {"bpm", loaded.bpm},
                   {"out", q(out)},
                   {"wav", wav.empty() ? QJsonValue() : QJsonValue(q(wav))}});
    } else {
        QStringList words;
        for (const auto& t : solo.tokens) words << q(t.text());
        printText(words.join(' '));
        printText(QString("%1 notes, %2 tokens, %3 s at %4 bpm -> %5%6")
                      .arg(notes.size()).arg(tokens.size()).arg(tickToSeconds(file, file.endTick), 0, 'f', 1)
                      .arg(loaded.bpm, 0, 'f', 0).arg(q(out)).arg(wav.empty() ? QString() : ", " + q(wav)));
    }
    return Ok;
}

const LabCommands regJazz{{
    .lab = "jazz",
    .title = "jazz improvisation: an LSTM over melody tokens from MIDI files",
    .train = trainJazz,
    .benches = {},
    .verbs = {{"improvise", "improvise a melody with a trained jazz model to MIDI (and WAV)", runImprovise}},
}};

const LabCommands regMidi{{
    .lab = "midi",
    .title = "Standard MIDI Files",
    .train = nullptr,
    .benches = {},
    .verbs = {{"dump", "print a MIDI file's notes in seconds, its tracks, tempi and time signatures", dumpMidi}},
}};

} // namespace

} // namespace unroll::cli
