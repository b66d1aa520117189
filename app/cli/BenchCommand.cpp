// `unroll-cli bench rnn …`: training throughput with the flags and the work of scripts/bench/bench_torch_rnn.py.
#include "Cli.hpp"

#include "train/RnnBench.hpp"
#include "util/Error.hpp"
#include "util/Threads.hpp"

#include <QJsonArray>

namespace unroll::cli {

namespace {
int benchRnn(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument("rnn", "The benchmark: rnn.");
    parser.addOption({"cell", "rnn, gru or lstm.", "CELL", "rnn"});
    parser.addOption({"hidden", "Hidden units H.", "H", "100"});
    parser.addOption({"batch", "Batch size B.", "B", "1"});
    parser.addOption({"seq", "BPTT window T.", "T", "25"});
    parser.addOption({"vocab", "Vocabulary V.", "V", "27"});
    parser.addOption({"opt", "adam (lr 2e-3) or sgd (lr 0.1).", "OPT", "adam"});
    parser.addOption({"steps", "Steps per repetition.", "N", "300"});
    parser.addOption({"reps", "Repetitions (the median is reported).", "K", "5"});
    parser.addOption({"seed", "Seed of the data and the weights.", "S", "0"});
    if (!parseCommandLine(parser, args,
                          "Character-model training throughput: one-hot -> cell -> dense -> softmax cross-entropy ->\n"
                          "clip (value 5) -> optimizer step, B*T characters per step. Same flags as "
                          "bench_torch_rnn.py."))
        return Ok;
    if (parser.positionalArguments().size() != 1)
        throw InputError("unexpected argument '" + parser.positionalArguments().value(1).toStdString() + "'");
    RnnBenchOptions o;
    o.cell = parseCellKind(parser.value("cell").toStdString());
    o.hidden = intOption(parser, "hidden", 1, 8192);
    o.batch = intOption(parser, "batch", 1, 4096);
    o.seq = intOption(parser, "seq", 1, 10000);
    o.vocab = intOption(parser, "vocab", 2, 100000);
    o.optimizer = parseOptimizerKind(parser.value("opt").toStdString());
    if (o.optimizer == OptimizerKind::Momentum) throw InputError("--opt momentum: expected adam or sgd");
    o.steps = intOption(parser, "steps", 1, 100000000);
    o.reps = int(intOption(parser, "reps", 1, 1000));
    o.seed = std::uint32_t(intOption(parser, "seed", 0, 4294967295LL));
    const auto r = runRnnBench(o);
    const QString name = QString("unroll_%1_H%2_B%3_T%4_V%5_%6_thr%7")
                             .arg(QString::fromUtf8(cellKindId(o.cell).data())).arg(o.hidden).arg(o.batch)
                             .arg(o.seq).arg(o.vocab).arg(parser.value("opt")).arg(threadCount());
    if (jsonRequested(parser)) {
        QJsonArray reps;
        for (double v : r.charsPerSecond) reps.append(v);
        printJson({{"name", name},
                   {"chars_per_s", r.medianCharsPerSecond},
                   {"chars_per_s_min", r.minCharsPerSecond},
                   {"chars_per_s_max", r.maxCharsPerSecond},
                   {"chars_per_s_reps", reps},
                   {"flops_per_char", r.flopsPerChar},
                   {"gflops", r.medianGflops},
                   {"final_loss", r.finalLoss},
                   {"threads", threadCount()}});
    } else {
        printText(QString("%1  %2 chars/s (median of %3; min %4, max %5)  %6 GFLOP/s")
                      .arg(name).arg(r.medianCharsPerSecond, 0, 'f', 0).arg(o.reps)
                      .arg(r.minCharsPerSecond, 0, 'f', 0).arg(r.maxCharsPerSecond, 0, 'f', 0)
                      .arg(r.medianGflops, 0, 'f', 2));
    }
    return Ok;
}
} // namespace

int runBench(const QStringList& args)
{
    if (args.size() < 2 || args.at(1).startsWith('-')) {
        if (args.size() >= 2 && (args.at(1) == "--help" || args.at(1) == "-h")) {
            printText("Usage: unroll-cli bench rnn [options]   (unroll-cli bench rnn --help)");
            return Ok;
        }
        throw InputError("bench needs a benchmark name: rnn or charlm-course");
    }
    const QString which = args.at(1);
    if (which == "rnn") return benchRnn(args);
    if (which == "charlm-course") return benchCharlmCourse(args);
    throw InputError(("unknown benchmark '" + which + "': expected rnn or charlm-course").toStdString());
}

} // namespace unroll::cli
