// unroll: the desktop app.
//   unroll [--lab NAME]                                  open the app (on lab NAME)
//   unroll --lab NAME --screenshot FILE.png [--steps N]  open NAME at 1400 x 900, do N of its steps, save, exit 0
//   unroll --lab NAME --view VIEW …                      show the lab's view VIEW (after the steps)
//   unroll … --screenshot FILE.png --size 1280x800         the window at another size (checking a layout)
//   unroll … --presentation                               in presentation mode (larger fonts, for projectors)
// An unknown lab exits 2 with a one-line message.
#include "Lab.hpp"
#include "MainWindow.hpp"
#include "util/Resources.hpp"
#include "util/Threads.hpp"

#include <QApplication>
#include <QCommandLineParser>
#include <QSaveFile>
#include <QTimer>

#include <cstdio>

using namespace unroll;

namespace {
int fail(const QString& message, int code)
{
    std::fprintf(stderr, "unroll: error: %s\n", qPrintable(message));
    return code;
}

QString labIds()
{
    QStringList ids;
    for (const auto& lab : labRegistry()) ids << lab.id;
    return ids.join(", ");
}
} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    unroll::useDefaultThreads(); // every core: idle pool threads sleep, and a slowed product falls back to serial
    QApplication::setApplicationName("Unroll");
    QApplication::setOrganizationName("Unroll");
    QApplication::setApplicationVersion(versionString());

    QCommandLineParser parser;
    parser.setApplicationDescription("Unroll: a desktop lab for sequence models.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({"lab", "Open lab NAME (" + labIds() + ").", "NAME"});
    parser.addOption({"screenshot", "Save a 1400 x 900 screenshot of the lab to FILE (PNG) and exit.", "FILE"});
    parser.addOption({"steps", "With --screenshot: perform N of the lab's steps first.", "N", "0"});
    parser.addOption({"view",
                      "Show the lab's view NAME (after the steps; bptt: flow, gates, gradients, check, equations, course, "
                      "and the presets vanishing, exploding, lstm; vectors: projection, debias; trigger: clip, "
                      "training, sweep, heldout; emojify: sentence, why, confusion, misclassified, data).",
                      "NAME"});
    parser.addOption({"size", "With --screenshot: the window's size instead of 1400 x 900.", "WIDTHxHEIGHT", "1400x900"});
    parser.addOption({"presentation", "Open in presentation mode (larger fonts and lines for projectors; Ctrl+Shift+P)."});
    if (!parser.parse(app.arguments())) return fail(parser.errorText(), 2);
    if (parser.isSet("help")) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.isSet("version")) {
        std::printf("unroll %s\n", versionString());
        return 0;
    }
    const QString lab = parser.value("lab");
    if (parser.isSet("lab") && !findLab(lab)) return fail(QString("unknown lab '%1' (labs: %2)").arg(lab, labIds()), 2);
    bool stepsOk = false;
    const int steps = parser.value("steps").toInt(&stepsOk);
    if (!stepsOk || steps < 0) return fail("--steps " + parser.value("steps") + ": expected a count >= 0", 2);
    const QStringList size = parser.value("size").split('x');
    const int width = size.size() == 2 ? size[0].toInt() : 0, height = size.size() == 2 ? size[1].toInt() : 0;
    if (width < 320 || height < 240 || width > 8192 || height > 8192)
        return fail("--size " + parser.value("size") + ": expected WIDTHxHEIGHT from 320x240 to 8192x8192", 2);

    if (parser.isSet("screenshot")) {
        const QString file = parser.value("screenshot");
        // Opened before the steps run: an unwritable path is refused at once, not after minutes of training.
        QSaveFile out(file);
        if (!out.open(QIODevice::WriteOnly)) return fail(QString("cannot write %1: %2").arg(file, out.errorString()), 2);
        MainWindow window(MainWindow::Options{.restoreSettings = false});
        if (parser.isSet("presentation")) window.setPresentationMode(true);
        window.resize(width, height);
        window.openLab(lab.isEmpty() ? "home" : lab);
        window.show();
        QApplication::processEvents();
        if (steps > 0) window.currentLab()->performSteps(steps);
        if (parser.isSet("view") && !window.currentLab()->showView(parser.value("view")))
            return fail(QString("lab '%1' has no view '%2'").arg(lab, parser.value("view")), 2);
        // Let queued updates land and layouts settle before grabbing.
        for (int i = 0; i < 5; ++i) QApplication::processEvents();
        const QPixmap shot = window.grab();
        if (!shot.save(&out, "PNG") || !out.commit())
            return fail(QString("cannot write %1: %2").arg(file, out.errorString()), 2);
        return 0;
    }

    MainWindow window;
    if (parser.isSet("presentation")) window.setPresentationMode(true);
    if (!lab.isEmpty()) window.openLab(lab);
    if (parser.isSet("view") && (!window.currentLab() || !window.currentLab()->showView(parser.value("view"))))
        return fail(QString("lab '%1' has no view '%2'").arg(lab, parser.value("view")), 2);
    window.show();
    return app.exec();
}
