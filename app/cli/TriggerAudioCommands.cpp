// The trigger-word lab's audio from the command line:
//   unroll-cli spectrogram FILE [--course | --nfft N --hop H --window hann|hamming] [--mel BANDS] [--db]
//                               [--json | --out FILE.csv]
// FILE is any audio file libsndfile reads, mixed to mono and used at its own rate (no resampling). --course (the
// default) is the course's graph_spectrogram: NFFT 200, hop 80, Hann, the PSD scaled with Fs = 8000 as the course's
// specgram(x, NFFT=200, Fs=8000, noverlap=120) does; --nfft/--hop/--window choose other frames, scaled by the file's
// own rate. --mel sums the linear power into BANDS HTK mel bands. --db adds (JSON) or writes (CSV) 10 log10 power.
//   --json:  {"power": [[…] n_freq rows x n_frames], "freqs_hz": […], "times_s": […], "db": [[…]] with --db}
//   --out:   CSV, written atomically: a header "freq_hz,<time of each frame in s>", then one row per frequency
//   neither: one line describing the spectrogram
// The lab's training, detection and benchmark live in other files; the registry merges the registrations of "trigger".
#include "Cli.hpp"
#include "Registry.hpp"

#include "audio/AudioFile.hpp"
#include "audio/Spectrogram.hpp"
#include "io/AtomicFile.hpp"
#include "util/Error.hpp"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>
#include <string>

namespace unroll::cli {

namespace {

// 10 minutes of 44.1 kHz audio at the course's setting is 101 x 33,000 values; more than this many values would be
// hundreds of MB of text.
constexpr std::int64_t kMaxOutputValues = 40'000'000;

QJsonArray rows(const MatF& m)
{
    QJsonArray out;
    for (Index k = 0; k < m.rows(); ++k) {
        QJsonArray row;
        for (Index i = 0; i < m.cols(); ++i)
            row.append(double(m(k, i)));
        out.append(row);
    }
    return out;
}

QJsonArray values(const std::vector<double>& v)
{
    QJsonArray out;
    for (const double x : v)
        out.append(x);
    return out;
}

std::string csv(const Spectrogram& s, const MatF& m)
{
    std::string text = "freq_hz";
    char buf[40];
    for (const double t : s.timesS) {
        std::snprintf(buf, sizeof buf, ",%.9g", t);
        text += buf;
    }
    text += '\n';
    for (Index k = 0; k < m.rows(); ++k) {
        std::snprintf(buf, sizeof buf, "%.9g", s.freqsHz[std::size_t(k)]);
        text += buf;
        for (Index i = 0; i < m.cols(); ++i) {
            std::snprintf(buf, sizeof buf, ",%.9g", double(m(k, i)));
            text += buf;
        }
        text += '\n';
    }
    return text;
}

int runSpectrogram(const QStringList& args)
{
    QCommandLineParser p;
    p.addPositionalArgument("FILE", "An audio file (WAV, FLAC, Ogg, MP3, … whatever libsndfile reads).");
    p.addOption({"course", "The course's spectrogram: NFFT 200, hop 80, Hann, Fs 8000 in the scaling (the default)."});
    p.addOption({"nfft", "Window and FFT length, 2 .. 65536.", "N"});
    p.addOption({"hop", "Samples between frame starts, 1 .. 65536.", "H"});
    p.addOption({"window", "hann or hamming (default hann).", "KIND"});
    p.addOption({"mel", "Sum the power into BANDS mel bands (HTK scale, 0 Hz to Nyquist).", "BANDS"});
    p.addOption({"db", "Power in dB: 10 log10(max(p, 1e-12))."});
    p.addOption({"out", "Write the spectrogram as CSV to FILE.csv instead of printing it.", "FILE.csv"});
    if (!parseCommandLine(p, args, "The spectrogram of an audio file, as the trigger-word lab computes it (power "
                                   "spectral density per frame, matplotlib's specgram definition)."))
        return Ok;
    const QStringList files = p.positionalArguments();
    if (files.size() != 1)
        throw InputError(files.isEmpty() ? "spectrogram needs an audio FILE"
                                         : ("unexpected argument " + files.at(1)).toStdString());
    const bool custom = p.isSet("nfft") || p.isSet("hop") || p.isSet("window");
    if (custom && p.isSet("course"))
        throw InputError("--course is the course's fixed setting: give it or --nfft/--hop/--window, not both");
    if (p.isSet("out") && jsonRequested(p))
        throw InputError("--out writes CSV and --json prints JSON: choose one");

    SpectrogramOptions o = courseSpectrogramOptions();
    if (custom) {
        o.nfft = int(p.isSet("nfft") ? intOption(p, "nfft", 2, 65536) : 200);
        o.hop = int(p.isSet("hop") ? intOption(p, "hop", 1, 65536) : 80);
        o.scaleRate = 0; // the file's own rate
        const QString w = p.isSet("window") ? p.value("window") : "hann";
        if (w != "hann" && w != "hamming")
            throw InputError(("--window " + w + ": expected hann or hamming").toStdString());
        o.window = w == "hann" ? WindowKind::Hann : WindowKind::Hamming;
    }
    if (p.isSet("mel")) {
        o.scale = FrequencyScale::Mel;
        o.melBands = int(intOption(p, "mel", 1, o.nfft / 2 + 1));
    }
    const SpectrogramEngine engine(o); // options checked before the file is read

    const std::string path = files.at(0).toStdString();
    const AudioClip clip = readAudio(path); // its own rate: the course's spectrogram reads the file's samples as they are
    const std::int64_t frames = spectrogramFrames(clip.size(), o.nfft, o.hop);
    if (frames == 0)
        throw InputError(path + ": " + std::to_string(clip.size()) + " samples are fewer than one frame of " +
                         std::to_string(o.nfft));
    if (frames * engine.bins() > kMaxOutputValues)
        throw InputError(path + ": the spectrogram would have " + std::to_string(frames * engine.bins()) +
                         " values, more than the limit of " + std::to_string(kMaxOutputValues) +
                         " (use a larger --hop)");
    const Spectrogram s = engine.compute(clip.samples, clip.sampleRate);
    const bool db = p.isSet("db");
    const MatF dbValues = db ? powerToDb(s.power) : MatF();

    if (p.isSet("out")) {
        const std::string out = p.value("out").toStdString();
        writeFileAtomically(out, csv(s, db ? dbValues : s.power));
        if (!jsonRequested(p))
            printText(QString("wrote %1: %2 frequencies x %3 frames%4")
                          .arg(QString::fromStdString(out))
                          .arg(s.bins())
                          .arg(s.frames())
                          .arg(db ? " (dB)" : ""));
        return Ok;
    }
    if (jsonRequested(p)) {
        QJsonObject doc{{"power", rows(s.power)}, {"freqs_hz", values(s.freqsHz)}, {"times_s", values(s.timesS)}};
        if (db)
            doc.insert("db", rows(dbValues));
        // Compact: a 10 s clip is half a million numbers, one a line when indented.
        const QByteArray bytes = QJsonDocument(doc).toJson(QJsonDocument::Compact);
        std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
        return Ok;
    }
    printText(QString("%1: %2 Hz, %3 s; spectrogram %4 %5 x %6 frames (nfft %7, hop %8), peak %9")
                  .arg(QString::fromStdString(path))
                  .arg(clip.sampleRate)
                  .arg(clip.seconds(), 0, 'f', 3)
                  .arg(s.bins())
                  .arg(o.scale == FrequencyScale::Mel ? "mel bands" : "frequencies")
                  .arg(s.frames())
                  .arg(o.nfft)
                  .arg(o.hop)
                  .arg(double(s.power.maxCoeff()), 0, 'g', 6));
    return Ok;
}

const LabCommands reg{{
    .lab = "trigger",
    .title = "trigger-word detection",
    .train = nullptr, // registered with the lab's training and detection verbs (the registry merges the two)
    .benches = {},
    .verbs = {{"spectrogram", "the spectrogram of an audio file (the course's, or other frames, mel, dB)",
               runSpectrogram}},
}};

} // namespace

} // namespace unroll::cli
