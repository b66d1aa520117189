// Runs one of the executables as a user would, for the CLI tests (tst_cli, tst_vectorscli): exit code, stdout,
// stderr. A run that does not finish within the bound is killed and reported with code -1.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace unroll::test {

struct Result {
    int code = -1;
    QByteArray out, err;
};

inline Result run(const QString& program, const QStringList& args, int timeoutMs = 120000)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

#ifdef UNROLL_CLI_PATH
inline Result cli(const QStringList& args) { return run(UNROLL_CLI_PATH, args); }
#endif

} // namespace unroll::test
