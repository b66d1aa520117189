// unroll-cli: the labs' work without a display. `unroll-cli <command> [options]`; see `unroll-cli --help`.
// Exit codes: 0 success, 1 internal error, 2 bad input (unknown command or option included, a diverging run, memory
// running out), 130 a run stopped by Ctrl-C (after writing what it promised). Errors are one line on
// stderr; --json prints one JSON document on stdout. The commands register themselves (Registry.hpp).
#include "Cli.hpp"
#include "Registry.hpp"

#include "util/Error.hpp"
#include "util/Resources.hpp"
#include "util/Threads.hpp"

#include <QCoreApplication>

#include <cstdio>
#include <exception>
#include <new>
#include <string>

using namespace unroll;

namespace {

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
        if (args.size() >= 2 && (args.at(1) == "-v" || args.at(1) == "--version")) {
            cli::printText(QString("unroll-cli %1").arg(versionString()));
            return cli::Ok;
        }
        return cli::registry().dispatch(args);
    } catch (const InputError& e) {
        fail(e.what());
        return cli::BadInput;
    } catch (const NumericError& e) {
        // Training diverged: the settings (not the program) are at fault.
        fail((std::string("training diverged: ") + e.what() +
              "; lower the learning rate (--lr) or clip the gradients (--clip)").c_str());
        return cli::BadInput;
    } catch (const std::bad_alloc&) {
        fail("out of memory: the input or the settings need more memory than this machine gives the process; use "
             "smaller data or a smaller model");
        return cli::BadInput;
    } catch (const std::exception& e) {
        fail(e.what());
        return cli::InternalError;
    }
}
