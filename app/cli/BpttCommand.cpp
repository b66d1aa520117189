// `unroll-cli bptt …`: the BPTT lab's analyses for scripts — how far the last step's loss reaches back
// (‖dL<T>/da<t>‖), the total loss's ‖dL/da<t>‖, and the gradient check of the configuration.
#include "Cli.hpp"
#include "Registry.hpp"

#include "bptt/BpttStepper.hpp"
#include "util/Error.hpp"

#include <QJsonArray>

#include <cstdio>

#include <unistd.h>

namespace unroll::cli {

namespace {

int runBptt(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({"cell", "rnn, gru or lstm.", "CELL", "rnn"});
    parser.addOption({"hidden", "Hidden units n_a.", "N", "16"});
    parser.addOption({"length", "Sequence length T.", "T", "20"});
    parser.addOption({"init-scale", "Weights ~ N(0, (S / sqrt(n_a + n_x))^2).", "S", "1"});
    parser.addOption({"forget-bias", "LSTM forget-gate bias.", "B", "1"});
    parser.addOption({"batch", "Examples m (random input).", "M", "1"});
    parser.addOption({"seed", "Seed of the weights and the random input.", "K", "1"});
    parser.addOption({"text", "Use this text (one-hot characters, next-character targets) instead of random input.",
                      "TEXT"});
    if (!parseCommandLine(parser, args,
                          "Backpropagation through time on one sequence: gradient norms per step and a gradient "
                          "check.\nPrints ‖dL<T>/da<t>‖ and ‖dL/da<t>‖ for t = 1 … T."))
        return Ok;
    if (!parser.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + parser.positionalArguments().first().toStdString() + "'");
    BpttConfig c;
    c.cell = parseCellKind(parser.value("cell").toStdString());
    c.hidden = intOption(parser, "hidden", 1, 512);
    c.steps = intOption(parser, "length", 1, 1000);
    c.initScale = doubleOption(parser, "init-scale", 1e-6, 100);
    c.forgetBias = doubleOption(parser, "forget-bias", -100, 100);
    c.batch = intOption(parser, "batch", 1, 64);
    c.seed = std::uint32_t(intOption(parser, "seed", 0, 4294967295LL));
    if (parser.isSet("text")) {
        const QByteArray utf8 = parser.value("text").toUtf8();
        c.text = decodeUtf8(std::string(utf8.constData(), size_t(utf8.size())), "--text");
    }
    // Long configurations take seconds: say what is happening on a terminal (never into a script's captured stderr).
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    if (terminal) std::fprintf(stderr, "backpropagating through %lld steps …\n", static_cast<long long>(c.steps));
    BpttStepper stepper(c);
    if (terminal) std::fprintf(stderr, "checking the gradients (at most %lld entries per tensor) …\n",
                               static_cast<long long>(BpttStepper::kGradCheckEntriesPerTensor));
    double worst = 0;
    for (const auto& r : stepper.gradCheck()) worst = std::max(worst, r.error);
    const auto last = stepper.gradNormLastLoss(), total = stepper.gradNormTotal();
    if (jsonRequested(parser)) {
        QJsonArray jl, jt;
        for (double v : last) jl.append(v);
        for (double v : total) jt.append(v);
        printJson({{"grad_norm_last_loss", jl},
                   {"grad_norm_total", jt},
                   {"ratio_first_to_last", stepper.gradNormRatio()},
                   {"gradcheck_error", worst}});
    } else {
        QString text = QString("%1, n_a %2, T %3, init scale %4\n   t   |dL<T>/da<t>|   |dL/da<t>|\n")
                           .arg(QString::fromUtf8(cellKindName(c.cell).data())).arg(c.hidden).arg(c.steps)
                           .arg(c.initScale);
        for (size_t t = 0; t < last.size(); ++t)
            text += QString("%1   %2   %3\n").arg(t + 1, 3).arg(last[t], 14, 'e', 4).arg(total[t], 12, 'e', 4);
        text += QString("ratio |dL<T>/da<1>| / |dL<T>/da<T>| = %1; gradient check worst error %2")
                    .arg(stepper.gradNormRatio(), 0, 'e', 3).arg(worst, 0, 'e', 2);
        printText(text);
    }
    return Ok;
}

const GeneralCommand reg{
    {"bptt", "backpropagation through time on one sequence: gradient norms per step, gradient check", runBptt}};

} // namespace

} // namespace unroll::cli
