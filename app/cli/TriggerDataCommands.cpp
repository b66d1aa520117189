// The trigger-word lab's data from the command line:
//   unroll-cli trigger synthesize --n 32 --seed S --out DIR [--positives DIR --negatives DIR] [--backgrounds DIR]
// writes N synthesized 10 s training examples (the course's create_training_example, core/trigger/Synthesis) as
// DIR/clip_0001.wav (16-bit, 44.1 kHz, mono), DIR/clip_0001.words.txt ("start_ms end_ms word positive|negative" per
// placed word), DIR/clip_0001.labels.txt (the Ty = 1375 label steps, one 0/1 per line) and DIR/manifest.json:
//   {"version": 1, "seed", "n", "sample_rate": 44100, "clip_ms": 10000, "Ty": 1375, "label_steps": 50,
//    "words_from", "backgrounds_from",
//    "clips": [{"audio", "words", "labels", "background", "positives", "negatives",
//               "placed": [{"start_ms", "end_ms", "word", "positive", "speaker"}, …]}, …]}
// Words: the built-in clips, or the user's --positives and --negatives folders (both or neither). Backgrounds:
// generated from the seed (core/trigger/Backgrounds, babble from the negative words), or pieces of the files in
// --backgrounds. Every draw comes from one Rng(seed) stream, example after example (the background, then the
// course's draws), so a seed gives the same files. Each file is written atomically; the manifest is written last, so
// a folder with a manifest is complete. --json prints {"out", "manifest", "clips", "positives", "negatives"}.
// The lab's training verb (`unroll-cli train trigger`) and detection live in other files; the registry merges them.
#include "Cli.hpp"
#include "Registry.hpp"

#include "audio/AudioFile.hpp"
#include "io/AtomicFile.hpp"
#include "math/Rng.hpp"
#include "trigger/Backgrounds.hpp"
#include "trigger/Clips.hpp"
#include "trigger/Synthesis.hpp"
#include "util/Error.hpp"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>
#include <filesystem>

namespace unroll::cli {

namespace {

namespace fs = std::filesystem;

QString qs(const std::string& s) { return QString::fromStdString(s); }

std::string numbered(const char* stem, std::int64_t i, const char* ext)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s_%04lld%s", stem, static_cast<long long>(i), ext);
    return buf;
}

fs::path folderOption(const QCommandLineParser& p, const QString& name)
{
    const QString v = p.value(name);
    if (v.isEmpty()) throw InputError(("--" + name + " needs a folder").toStdString());
    return fs::path(v.toStdString());
}

int runSynthesize(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({"n", "How many 10 s examples.", "N", "32"});
    p.addOption({"seed", "Seed of every draw (the same seed gives the same files).", "SEED", "1"});
    p.addOption({"out", "Folder to write into (created if missing).", "DIR"});
    p.addOption({"positives", "Folder of trigger-word clips (any audio files); needs --negatives.", "DIR"});
    p.addOption({"negatives", "Folder of other-word clips; needs --positives.", "DIR"});
    p.addOption({"backgrounds", "Folder of background recordings, cut into 10 s pieces (default: generated).", "DIR"});
    if (!parseCommandLine(p, args,
                          "Synthesized trigger-word training examples as the course makes them: words pasted at "
                          "random non-overlapping times into 10 s backgrounds (-20 dB), 0-4 \"activate\"s and 0-2 "
                          "other words, normalised to -20 dBFS, with labels of 50 ones after each \"activate\".\n"
                          "Writes WAV files, per-clip word lists and label tracks, and manifest.json."))
        return Ok;
    if (!p.positionalArguments().isEmpty())
        throw InputError(("unexpected argument " + p.positionalArguments().first()).toStdString());
    const auto n = intOption(p, "n", 1, 10000);
    const auto seed = std::uint32_t(intOption(p, "seed", 0, 4294967295ll));
    if (!p.isSet("out")) throw InputError("synthesize needs --out DIR");
    const fs::path out = folderOption(p, "out");
    if (p.isSet("positives") != p.isSet("negatives"))
        throw InputError("--positives and --negatives go together (or leave both out for the built-in clips)");

    std::error_code ec;
    if (fs::exists(out, ec) && !fs::is_directory(out, ec))
        throw InputError("--out " + out.string() + ": exists and is not a folder");

    // Backgrounds, then words, at the lab's rate (the user's folders first: their errors come before the long load).
    std::vector<AudioClip> backgrounds;
    std::string backgroundsFrom = "generated";
    if (p.isSet("backgrounds")) {
        const fs::path bg = folderOption(p, "backgrounds");
        backgrounds = loadBackgroundFolder(bg, kLabRate);
        backgroundsFrom = bg.string();
    }
    ClipLibrary lib = p.isSet("positives") ? loadClipFolders(folderOption(p, "positives"), folderOption(p, "negatives"),
                                                             {}, kLabRate)
                                           : loadBuiltinClips(kLabRate);
    lib.backgrounds = std::move(backgrounds);

    fs::create_directories(out, ec);
    if (ec) throw InputError("--out " + out.string() + ": cannot create the folder (" + ec.message() + ")");
    // An older run's manifest goes first, so that a manifest in the folder always describes the files beside it.
    const fs::path manifestPath = out / "manifest.json";
    fs::remove(manifestPath, ec);
    if (ec) throw InputError(manifestPath.string() + ": cannot replace (" + ec.message() + ")");

    Rng rng(seed);
    const SynthesisOptions options;
    const double seconds = options.clipMs / 1000.0;
    QJsonArray clips;
    std::int64_t positives = 0, negatives = 0;
    for (std::int64_t i = 1; i <= n; ++i) {
        // The background: one of the user's pieces, or a generated texture (babble made of the negative words).
        QString backgroundName;
        AudioClip background;
        if (!lib.backgrounds.empty()) {
            const auto k = std::size_t(rng.randint(0, std::int64_t(lib.backgrounds.size())));
            background = lib.backgrounds[k];
            backgroundName = QString("piece %1").arg(k + 1);
        } else {
            background = randomBackground(seconds, kLabRate, rng, lib.negatives);
            backgroundName = "generated";
        }
        const SynthesizedClip ex = createTrainingExample(background, lib.positives, lib.negatives, rng, options);

        const std::string wav = numbered("clip", i, ".wav"), words = numbered("clip", i, ".words.txt"),
                          labels = numbered("clip", i, ".labels.txt");
        writeWav(out / wav, ex.audio);
        writeFileAtomically(out / words, wordListText(ex));
        writeFileAtomically(out / labels, labelTrackText(ex));

        QJsonArray placed;
        int pos = 0, neg = 0;
        for (const PlacedWord& w : ex.words) {
            const WordClip& clip = (w.positive ? lib.positives : lib.negatives)[w.clip];
            placed.append(QJsonObject{{"start_ms", w.segment.startMs}, {"end_ms", w.segment.endMs},
                                      {"word", qs(w.word)}, {"positive", w.positive}, {"speaker", qs(clip.speaker)}});
            (w.positive ? pos : neg)++;
        }
        positives += pos;
        negatives += neg;
        clips.append(QJsonObject{{"audio", qs(wav)}, {"words", qs(words)}, {"labels", qs(labels)},
                                 {"background", backgroundName}, {"positives", pos}, {"negatives", neg},
                                 {"placed", placed}});
    }

    const QJsonObject manifest{{"version", 1},
                               {"seed", qint64(seed)},
                               {"n", qint64(n)},
                               {"sample_rate", kLabRate},
                               {"clip_ms", options.clipMs},
                               {"Ty", options.Ty},
                               {"label_steps", kLabelSteps},
                               {"words_from", qs(lib.origin)},
                               {"backgrounds_from", qs(backgroundsFrom)},
                               {"clips", clips}};
    writeFileAtomically(manifestPath, QJsonDocument(manifest).toJson(QJsonDocument::Indented).toStdString());

    if (jsonRequested(p)) {
        printJson({{"out", qs(out.string())},
                   {"manifest", qs(manifestPath.string())},
                   {"clips", qint64(n)},
                   {"positives", qint64(positives)},
                   {"negatives", qint64(negatives)}});
    } else {
        printText(QString("wrote %1 examples of 10 s (%2 \"activate\"s and %3 other words placed) to %4")
                      .arg(n)
                      .arg(positives)
                      .arg(negatives)
                      .arg(qs(out.string())));
    }
    return Ok;
}

const LabCommands reg{{
    .lab = "trigger",
    .title = "trigger-word detection (\"activate\")",
    .train = nullptr, // `train trigger` is registered by the lab's training file (the registry merges the two)
    .benches = {},
    .verbs = {{"synthesize", "synthesized 10 s training examples: WAV files, word lists, label tracks, a manifest",
               runSynthesize}},
}};

} // namespace

} // namespace unroll::cli
