// `unroll-cli gradcheck [--json] [--filter NAME]`: the finite-difference check of every layer and loss
// (core/nn/GradCheckSuite): in double against central differences, and in float against the double run.
// Exit 1 if any check fails its tolerance.
#include "Cli.hpp"
#include "Registry.hpp"

#include "nn/GradCheckSuite.hpp"
#include "util/Error.hpp"

#include <QJsonArray>

#include <cstdio>
#include <string>

namespace unroll::cli {

namespace {

QJsonArray entriesJson(const std::vector<GradCheckEntry>& entries)
{
    QJsonArray out;
    for (const auto& e : entries) {
        QJsonArray tensors;
        for (const auto& r : e.tensors)
            tensors.append(QJsonObject{{"name", QString::fromStdString(r.name)}, {"error", r.error},
                                       {"extrapolated", r.extrapolated}});
        out.append(QJsonObject{{"name", QString::fromStdString(e.name)}, {"error", e.error},
                               {"tolerance", e.tolerance}, {"ok", e.passed()}, {"tensors", tensors}});
    }
    return out;
}

int runGradcheck(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({"seed", "Seed of the random test sizes' values.", "K", "1"});
    parser.addOption({"filter", "Run only the checks whose name contains TEXT (e.g. lstm, linear_tanh).", "TEXT"});
    if (!parseCommandLine(parser, args,
                          "Check every backward pass against central finite differences (h = 1e-5, double):\n"
                          "error = |num - ana| / (|num| + |ana|) per tensor, passes below 1e-7. The same checks in\n"
                          "float compare the float gradient with the double numeric one, below each check's tolerance."))
        return Ok;
    const auto seed = std::uint32_t(intOption(parser, "seed", 0, 4294967295LL));
    const auto filter = parser.value("filter").toStdString();
    const auto report = runGradCheckSuite(seed, filter);
    if (report.checks.empty()) throw InputError("--filter " + filter + ": no gradient check has that in its name");
    const bool ok = report.passed();
    if (!ok) {
        // A failure is a bug in a backward pass, so exit 1; say on stderr what failed, whatever goes to stdout.
        std::string failed;
        for (const auto* list : {&report.checks, &report.floatChecks})
            for (const auto& e : *list)
                if (!e.passed())
                    for (const auto& r : e.tensors)
                        if (r.error >= e.tolerance || e.tensors.empty())
                            failed += (failed.empty() ? "" : "; ") + e.name + (list == &report.checks ? " double " : " float ") +
                                      r.name + " error " + QString::number(r.error, 'e', 2).toStdString() +
                                      " (tolerance " + QString::number(e.tolerance, 'e', 0).toStdString() + ")";
        std::fprintf(stderr, "unroll-cli: error: gradient check failed (seed %u): %s\n", unsigned(seed),
                     failed.empty() ? "a check checked nothing" : failed.c_str());
    }
    double worst = 0;
    for (const auto& e : report.checks) worst = std::max(worst, e.error);
    if (jsonRequested(parser)) {
        printJson({{"ok", ok}, {"tolerance", kDoubleTolerance}, {"worst_error", worst},
                   {"checks", entriesJson(report.checks)}, {"float_checks", entriesJson(report.floatChecks)}});
        return ok ? Ok : InternalError;
    }
    QString text = QString("%1 %2  %3  %4\n").arg("check", -26).arg("double", 10).arg("float", 10).arg("tolerance");
    for (size_t i = 0; i < report.checks.size(); ++i) {
        const auto& d = report.checks[i];
        const auto& f = report.floatChecks[i];
        text += QString("%1 %2  %3  %4  %5\n")
                    .arg(QString::fromStdString(d.name), -26).arg(d.error, 10, 'e', 2).arg(f.error, 10, 'e', 2)
                    .arg(f.tolerance, 9, 'e', 0).arg(d.passed() && f.passed() ? "ok" : "FAIL");
        for (const auto* e : {&d, &f})
            if (!e->passed())
                for (const auto& r : e->tensors)
                    if (r.error >= e->tolerance)
                        text += QString("    %1 %2 error %3\n").arg(e == &d ? "double" : "float")
                                    .arg(QString::fromStdString(r.name)).arg(r.error, 0, 'e', 3);
    }
    text += QString("%1 checks in double and float, worst double error %2: %3")
                .arg(report.checks.size()).arg(worst, 0, 'e', 3).arg(ok ? "all pass" : "FAILED");
    printText(text);
    return ok ? Ok : InternalError;
}

const GeneralCommand reg{{"gradcheck", "check every layer's and loss's backward pass against finite differences",
                          runGradcheck}};

} // namespace

} // namespace unroll::cli
