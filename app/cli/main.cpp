// unroll-cli: the labs' work without a display. `unroll-cli <command> [options]`; see `unroll-cli --help`.
// Exit codes: 0 success, 1 internal error, 2 bad input (unknown command or option included). Errors are one line on
// stderr; --json prints one JSON document on stdout.
#include "Cli.hpp"

#include "util/Error.hpp"
#include "util/Resources.hpp"
#include "util/Threads.hpp"

#include <QCoreApplication>

#include <cstdio>
#include <exception>

using namespace unroll;

namespace {

QString usage()
{
    QString text = "Usage: unroll-cli <command> [options]\n\nUnroll's labs without a display: train, check, measure, "
                   "print JSON.\n\nCommands:\n";
    for (const auto& c : cli::commandTable()) text += QString("  %1  %2\n").arg(c.name, -10).arg(c.summary);
    text += "\nOptions:\n  -h, --help     Show this help (or a command's: unroll-cli <command> --help).\n"
            "  -v, --version  Show the version.\n\nExit codes: 0 success, 1 internal error, 2 bad input.";
    return text;
}

void fail(const char* what)
{
    std::fprintf(stderr, "unroll-cli: error: %s\n", what);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("unroll-cli");
    QCoreApplication::setApplicationVersion(versionString());
    useDefaultThreads(); // every core, safe under contention (util/Threads.hpp); --threads N changes it
    const QStringList args = app.arguments();
    try {
        if (args.size() < 2) throw InputError("no command given (try unroll-cli --help)");
        const QString first = args.at(1);
        if (first == "-h" || first == "--help" || first == "help") {
            cli::printText(usage());
            return cli::Ok;
        }
        if (first == "-v" || first == "--version") {
            cli::printText(QString("unroll-cli %1").arg(versionString()));
            return cli::Ok;
        }
        for (const auto& c : cli::commandTable()) {
            if (c.name != first) continue;
            QStringList rest = args.mid(2);
            rest.prepend("unroll-cli " + c.name);
            return c.run(rest);
        }
        throw InputError(("unknown command '" + first + "' (try unroll-cli --help)").toStdString());
    } catch (const InputError& e) {
        fail(e.what());
        return cli::BadInput;
    } catch (const std::exception& e) {
        fail(e.what());
        return cli::InternalError;
    }
}
