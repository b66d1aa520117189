// Lab: one page of the app (home, BPTT stepper, character model, …). A lab is one widget class: it builds its
// controls, one setupXxx() per plot, and connects signals; the main window gives it the shared chrome (navigator,
// transport toolbar and shortcuts, menus, status bar) through the virtual functions below.
#pragma once

#include <QList>
#include <QString>
#include <QWidget>

#include <functional>

class QAction;

namespace unroll {

class Lab : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;

    virtual QString id() const = 0;    // "home", "bptt", "charlm", … (used by --lab)
    virtual QString title() const = 0; // shown in the navigator
    virtual QString guideHtml() const; // Help → Lab guide

    // Transport. Labs without a run return false from hasTransport() and the toolbar greys out.
    virtual bool hasTransport() const { return false; }
    virtual bool isPlaying() const { return false; }
    virtual void play() {}
    virtual void pause() {}
    virtual void stepOnce() {}
    virtual void reset() {}
    // Performs n of the lab's steps (training steps, or transport steps in the BPTT lab) and returns when they are
    // done and shown: used by `unroll --lab NAME --steps N --screenshot F.png` and by tests.
    virtual void performSteps(int n) { Q_UNUSED(n); }
    // Brings one of the lab's views to the front by name (`unroll --lab vectors --view debias`); false when the lab
    // has no view of that name.
    virtual bool showView(const QString& name) { Q_UNUSED(name); return false; }

    // File menu. A lab that has nothing to open or save leaves these returning false (the actions grey out).
    virtual bool canOpenData() const { return false; }
    virtual void openData() {}
    // The Open action's text for this lab: what it opens ("Open audio…").
    virtual QString openDataText() const { return tr("Open data…"); }
    virtual bool canSaveModel() const { return false; }
    virtual void saveModel() {}
    virtual bool canOpenModel() const { return false; }
    virtual void openModel() {}
    // Export: the lab's figures and results (each view also has its own context menu).
    virtual QList<QAction*> exportActions() { return {}; }

    virtual void setPresentationMode(bool on) { Q_UNUSED(on); }
    // Called before the window closes: a lab with unsaved work (a training run) may offer to keep it. Returns false
    // to cancel the close.
    virtual bool maybeKeepWork() { return true; }

signals:
    void statusMessage(const QString& text);
    void progressChanged(qint64 done, qint64 total); // total <= 0: busy without a known end; done == total: idle
    void transportChanged();                         // playing/paused changed: the toolbar updates
    void openLabRequested(const QString& id);        // e.g. a card on the home page
};

// The labs the app has, in navigator order. Labs not built yet are not listed.
struct LabInfo {
    QString id;
    QString title;
    QString summary;  // one or two sentences for the home page
    QString iconText; // a short glyph drawn in the navigator
    std::function<Lab*()> create;
};
const QList<LabInfo>& labRegistry();
const LabInfo* findLab(const QString& id);

} // namespace unroll
