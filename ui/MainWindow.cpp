// MainWindow; see MainWindow.hpp.
#include "MainWindow.hpp"

#include "Lab.hpp"
#include "util/Resources.hpp"
#include "widgets/ElidingLabel.hpp"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>

// Q_INIT_RESOURCE declares a function, so it must be used outside any namespace; a static library's resources are
// not registered until it runs.
static void initUiResources() { Q_INIT_RESOURCE(ui); }

namespace unroll {

namespace {
// The labs' pages, sized by the page on show: a QStackedWidget asks for the largest minimum of all the pages it has
// ever held, so one wide lab (opened once) would keep every other lab's window that wide.
class CurrentPageStack final : public QStackedWidget {
public:
    CurrentPageStack()
    {
        connect(this, &QStackedWidget::currentChanged, this, [this] { updateGeometry(); });
    }
    QSize sizeHint() const override
    {
        const QWidget* page = currentWidget();
        return page ? page->sizeHint() : QStackedWidget::sizeHint();
    }
    QSize minimumSizeHint() const override
    {
        const QWidget* page = currentWidget();
        return page ? page->minimumSizeHint().expandedTo(page->minimumSize()) : QStackedWidget::minimumSizeHint();
    }
};
} // namespace

MainWindow::MainWindow(const Options& options) : options_(options)
{
    initUiResources();
    setWindowTitle("Unroll");
    setWindowIcon(QIcon(":/icons/unroll.svg"));
    baseFont_ = QApplication::font();

    auto* central = new QWidget;
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    navigator_ = new QListWidget;
    stack_ = new CurrentPageStack;
    layout->addWidget(navigator_);
    layout->addWidget(stack_, 1);
    setCentralWidget(central);

    setupActions();
    setupMenus();
    setupNavigator();
    setupStatusBar();

    // 1,400 × 900 where the screen has room; never larger than the screen's available area.
    QSize size(1400, 900);
    if (const QScreen* screen = QGuiApplication::primaryScreen()) {
        const QSize room = screen->availableGeometry().size();
        size = size.boundedTo(room);
    }
    resize(size);
    QString lab = "home";
    if (options_.restoreSettings) {
        QSettings settings;
        restoreGeometry(settings.value("window/geometry").toByteArray());
        restoreState(settings.value("window/state").toByteArray());
        lab = settings.value("window/lab", "home").toString();
        setPresentationMode(settings.value("view/presentation", false).toBool());
    }
    if (!openLab(lab)) openLab("home");
}

MainWindow::~MainWindow() = default;

void MainWindow::setupActions()
{
    playAction_ = new QAction(style()->standardIcon(QStyle::SP_MediaPlay), "Play", this);
    playAction_->setShortcut(Qt::Key_Space);
    playAction_->setToolTip("Play / pause (Space)");
    connect(playAction_, &QAction::triggered, this, [this] {
        if (auto* lab = currentLab()) lab->isPlaying() ? lab->pause() : lab->play();
    });
    stepAction_ = new QAction(style()->standardIcon(QStyle::SP_MediaSeekForward), "Step", this);
    stepAction_->setShortcut(Qt::Key_Right);
    stepAction_->setToolTip("One step (Right arrow)");
    connect(stepAction_, &QAction::triggered, this, [this] {
        if (auto* lab = currentLab()) lab->stepOnce();
    });
    resetAction_ = new QAction(style()->standardIcon(QStyle::SP_MediaSkipBackward), "Reset", this);
    resetAction_->setShortcut(QKeySequence("Ctrl+R"));
    resetAction_->setToolTip("Reset to the same initial weights (Ctrl+R)");
    connect(resetAction_, &QAction::triggered, this, [this] {
        if (auto* lab = currentLab()) lab->reset();
    });
    presentationAction_ = new QAction("Presentation mode", this);
    presentationAction_->setCheckable(true);
    presentationAction_->setShortcut(QKeySequence("Ctrl+Shift+P"));
    presentationAction_->setToolTip("Larger fonts and lines for projectors (Ctrl+Shift+P)");
    connect(presentationAction_, &QAction::toggled, this, &MainWindow::setPresentationMode);

    auto* toolbar = addToolBar("Transport");
    toolbar->setObjectName("transport");
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(playAction_);
    toolbar->addAction(stepAction_);
    toolbar->addAction(resetAction_);
    toolbar->addSeparator();
    toolbar->addAction(presentationAction_);
}

void MainWindow::setupMenus()
{
    auto* file = menuBar()->addMenu("&File");
    openDataAction_ = file->addAction("Open data…", QKeySequence::Open, this, [this] {
        if (auto* lab = currentLab()) lab->openData();
    });
    openModelAction_ = file->addAction("Open model…", QKeySequence("Ctrl+Shift+O"), this, [this] {
        if (auto* lab = currentLab()) lab->openModel();
    });
    saveModelAction_ = file->addAction("Save model…", QKeySequence::Save, this, [this] {
        if (auto* lab = currentLab()) lab->saveModel();
    });
    exportMenu_ = file->addMenu("Export");
    file->addSeparator();
    file->addAction("Quit", QKeySequence::Quit, this, &QWidget::close);

    auto* lab = menuBar()->addMenu("&Lab");
    lab->addAction(playAction_);
    lab->addAction(stepAction_);
    lab->addAction(resetAction_);

    auto* view = menuBar()->addMenu("&View");
    view->addAction(presentationAction_);
    view->addAction("Full screen", QKeySequence::FullScreen, this,
                    [this] { isFullScreen() ? showNormal() : showFullScreen(); });

    auto* help = menuBar()->addMenu("&Help");
    help->addAction("Lab guide", QKeySequence::HelpContents, this, &MainWindow::showGuide);
    help->addAction("About Unroll", this, &MainWindow::showAbout);
}

void MainWindow::setupNavigator()
{
    navigator_->setObjectName("navigator");
    navigator_->setFrameShape(QFrame::NoFrame);
    navigator_->setSpacing(2);
    navigator_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    navigator_->setTextElideMode(Qt::ElideRight);
    for (const auto& info : labRegistry()) {
        auto* item = new QListWidgetItem(QString("%1   %2").arg(info.iconText, info.title));
        item->setData(Qt::UserRole, info.id);
        item->setToolTip(info.summary);
        navigator_->addItem(item);
    }
    styleNavigator();
    connect(navigator_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0) openLab(navigator_->item(row)->data(Qt::UserRole).toString());
    });
}

// The navigator's font and width follow presentation mode (its style sheet fixes the size in points).
void MainWindow::styleNavigator()
{
    const double scale = presentation_ ? 1.45 : 1.0;
    navigator_->setStyleSheet(
        QString("QListWidget#navigator { background: #1f2430; color: #d8dee9; padding-top: 12px; font-size: %1pt; }"
                "QListWidget#navigator::item { padding: 10px 14px; border-radius: 6px; margin: 0 8px; }"
                "QListWidget#navigator::item:selected { background: #3b4252; color: white; }"
                "QListWidget#navigator::item:hover:!selected { background: #2a303c; }")
            .arg(11 * scale));
    // Wide enough for the longest title at this size (items are elided only if a title is very long).
    QFont f = navigator_->font();
    f.setPointSizeF(11 * scale);
    const QFontMetrics metrics(f);
    int widest = 0;
    for (int row = 0; row < navigator_->count(); ++row)
        widest = std::max(widest, metrics.horizontalAdvance(navigator_->item(row)->text()));
    navigator_->setFixedWidth(std::clamp(widest + 2 * (8 + 14) + 12, 215, presentation_ ? 330 : 240));
}

void MainWindow::setupStatusBar()
{
    statusLabel_ = new ElidingLabel("Ready");
    progress_ = new QProgressBar;
    progress_->setMaximumWidth(220);
    progress_->setTextVisible(true);
    progress_->hide();
    statusBar()->addWidget(statusLabel_, 1);
    statusBar()->addPermanentWidget(progress_);
}

bool MainWindow::openLab(const QString& id)
{
    const LabInfo* info = findLab(id);
    if (!info) return false;
    Lab* lab = labs_.value(id);
    if (!lab) {
        lab = info->create();
        labs_.insert(id, lab);
        stack_->addWidget(lab);
        lab->setPresentationMode(presentation_);
        connect(lab, &Lab::statusMessage, this, [this, lab](const QString& text) {
            if (lab == currentLab()) statusLabel_->setFullText(text);
        });
        connect(lab, &Lab::progressChanged, this, [this, lab](qint64 done, qint64 total) {
            if (lab == currentLab()) onProgress(done, total);
        });
        connect(lab, &Lab::transportChanged, this, &MainWindow::updateActions);
        connect(lab, &Lab::openLabRequested, this, [this](const QString& other) { openLab(other); });
    }
    stack_->setCurrentWidget(lab);
    for (int row = 0; row < navigator_->count(); ++row)
        if (navigator_->item(row)->data(Qt::UserRole).toString() == id) {
            QSignalBlocker block(navigator_);
            navigator_->setCurrentRow(row);
        }
    setWindowTitle(QString("%1 — Unroll").arg(info->title));
    statusLabel_->setFullText(info->summary);
    progress_->hide();
    updateActions();
    return true;
}

QWidget* MainWindow::navigator() const { return navigator_; }

Lab* MainWindow::currentLab() const { return qobject_cast<Lab*>(stack_->currentWidget()); }

void MainWindow::updateActions()
{
    Lab* lab = currentLab();
    const bool transport = lab && lab->hasTransport();
    playAction_->setEnabled(transport);
    stepAction_->setEnabled(transport);
    resetAction_->setEnabled(transport);
    const bool playing = transport && lab->isPlaying();
    playAction_->setText(playing ? "Pause" : "Play");
    playAction_->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    openDataAction_->setEnabled(lab && lab->canOpenData());
    openDataAction_->setText(lab ? lab->openDataText() : tr("Open data…"));
    openModelAction_->setEnabled(lab && lab->canOpenModel());
    saveModelAction_->setEnabled(lab && lab->canSaveModel());
    exportMenu_->clear();
    const auto actions = lab ? lab->exportActions() : QList<QAction*>{};
    for (auto* a : actions) exportMenu_->addAction(a);
    exportMenu_->setEnabled(!actions.isEmpty());
}

void MainWindow::onProgress(qint64 done, qint64 total)
{
    if (total > 0 && done >= total) {
        progress_->hide();
        return;
    }
    progress_->show();
    if (total <= 0) {
        progress_->setRange(0, 0);
    } else {
        progress_->setRange(0, 1000);
        progress_->setValue(int(1000 * done / total));
        progress_->setFormat(QString("%1 / %2").arg(done).arg(total));
    }
}

void MainWindow::setPresentationMode(bool on)
{
    presentation_ = on;
    {
        QSignalBlocker block(presentationAction_);
        presentationAction_->setChecked(on);
    }
    QFont f = baseFont_;
    if (on) f.setPointSizeF(baseFont_.pointSizeF() * 1.45);
    QApplication::setFont(f);
    styleNavigator();
    for (Lab* lab : std::as_const(labs_)) lab->setPresentationMode(on);
}

void MainWindow::showGuide()
{
    Lab* lab = currentLab();
    if (!lab) return;
    QDialog dialog(this);
    dialog.setWindowTitle(QString("Guide — %1").arg(lab->title()));
    auto* layout = new QVBoxLayout(&dialog);
    auto* text = new QTextBrowser;
    text->setOpenExternalLinks(false);
    text->setHtml(lab->guideHtml());
    layout->addWidget(text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(640, 560);
    dialog.exec();
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, "About Unroll",
        QString("<h3>Unroll %1</h3><p>A desktop lab for sequence models: RNNs, GRUs and LSTMs trained live, "
                "backpropagation through time made visible.</p><p>Free software under the GNU GPL, version 3 or "
                "later. Built with Qt %2, QCustomPlot and Eigen.</p>")
            .arg(unroll::versionString(), qVersion()));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    for (Lab* lab : std::as_const(labs_))
        if (!lab->maybeKeepWork()) {
            event->ignore();
            return;
        }
    if (options_.restoreSettings) {
        QSettings settings;
        settings.setValue("window/geometry", saveGeometry());
        settings.setValue("window/state", saveState());
        if (Lab* lab = currentLab()) settings.setValue("window/lab", lab->id());
        settings.setValue("view/presentation", presentation_);
    }
    event->accept();
}

} // namespace unroll
