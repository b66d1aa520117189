// `unroll-cli gradcheck [--json]`: the finite-difference check of every cell and layer (core/nn/GradCheckSuite).
// Exit 1 if any tensor's relative error reaches 1e-7.
#include "Cli.hpp"

#include "nn/GradCheckSuite.hpp"

#include <QJsonArray>

namespace unroll::cli {

int runGradcheck(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({"seed", "Seed of the random test sizes' values.", "K", "1"});
    if (!parseCommandLine(parser, args,
                          "Check every backward pass against central finite differences (h = 1e-5, double).\n"
                          "error = |num - ana| / (|num| + |ana|) per tensor; passes below 1e-7."))
        return Ok;
    const auto seed = std::uint32_t(intOption(parser, "seed", 0, 4294967295LL));
    const double tolerance = 1e-7;
    const auto results = runGradCheckSuite(seed);
    bool ok = true;
    double worst = 0;
    QJsonArray checks;
    QString text;
    for (const auto& r : results) {
        const bool pass = r.error < tolerance;
        ok = ok && pass;
        worst = std::max(worst, r.error);
        checks.append(QJsonObject{{"name", QString::fromStdString(r.name)}, {"error", r.error}});
        text += QString("%1 %2  %3\n").arg(QString::fromStdString(r.name), -28).arg(r.error, 10, 'e', 3)
                    .arg(pass ? "ok" : "FAIL");
    }
    if (jsonRequested(parser)) {
        printJson({{"ok", ok}, {"tolerance", tolerance}, {"worst_error", worst}, {"checks", checks}});
    } else {
        text += QString("%1 tensors checked, worst relative error %2: %3")
                    .arg(results.size()).arg(worst, 0, 'e', 3).arg(ok ? "all pass" : "FAILED");
        printText(text);
    }
    return ok ? Ok : InternalError;
}

} // namespace unroll::cli
