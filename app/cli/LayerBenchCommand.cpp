// `unroll-cli bench layers [--reps K] [--iters N] [--json]`: forward + backward time of single layers at the course's
// sizes (core/train/LayerBench.hpp), one line (or one JSON entry) per layer.
#include "Cli.hpp"
#include "Registry.hpp"

#include "train/LayerBench.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <QJsonArray>

namespace unroll::cli {

namespace {

int benchLayers(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({"reps", "Repetitions (the median is reported).", "K", "5"});
    parser.addOption({"iters", "Forward + backward calls per repetition.", "N", "20"});
    if (!parseCommandLine(parser, args,
                          "Forward + backward time of the layers the next labs lean on, at the course's sizes:\n"
                          "attention_step, one decoder step of the date-translation model at batch 100."))
        return Ok;
    if (!parser.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + parser.positionalArguments().first().toStdString() + "'");
    const LayerBenchOptions o{.reps = int(intOption(parser, "reps", 1, 1000)),
                              .iters = int(intOption(parser, "iters", 1, 1000000))};
    const std::vector<LayerTiming> timings = {benchAttentionStep(o)};
    if (jsonRequested(parser)) {
        QJsonArray layers;
        for (const auto& t : timings) {
            QJsonArray reps;
            for (double ms : t.ms) reps.append(ms);
            layers.append(QJsonObject{{"name", QString::fromStdString(t.name)},
                                      {"description", QString::fromStdString(t.description)},
                                      {"median_ms", t.medianMs},
                                      {"ms_reps", reps}});
        }
        printJson({{"layers", layers}, {"threads", threadCount()}});
    } else {
        QString text;
        for (const auto& t : timings)
            text += QString("%1  %2 ms per forward + backward (median of %3)  %4\n")
                        .arg(QString::fromStdString(t.name), -16).arg(t.medianMs, 0, 'f', 3).arg(o.reps)
                        .arg(QString::fromStdString(t.description));
        printText(text.trimmed());
    }
    return Ok;
}

const Benchmark reg{{"layers", "forward + backward time of single layers at the course's sizes (attention step)",
                     benchLayers}};

} // namespace

} // namespace unroll::cli
