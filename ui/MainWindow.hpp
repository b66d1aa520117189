// The main window: a navigator of labs on the left, the current lab in the middle, the transport toolbar, the menus
// and a status bar with progress. Labs are created when first opened and kept, so switching never loses a run.
#pragma once

#include <QHash>
#include <QMainWindow>

class QAction;
class QListWidget;
class QMenu;
class QProgressBar;
class QStackedWidget;

namespace unroll {

class ElidingLabel;
class Lab;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    struct Options {
        bool restoreSettings = true; // false: fixed geometry, no saved state (screenshots, tests)
    };
    explicit MainWindow(const Options& options);
    MainWindow() : MainWindow(Options{}) {}
    ~MainWindow() override;

    bool openLab(const QString& id); // false if no lab has that id
    Lab* currentLab() const;
    void setPresentationMode(bool on);
    bool presentationMode() const { return presentation_; }

    QAction* playAction() const { return playAction_; }
    QAction* stepAction() const { return stepAction_; }
    QAction* resetAction() const { return resetAction_; }
    QAction* openDataAction() const { return openDataAction_; }
    QWidget* navigator() const;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void setupActions();
    void setupMenus();
    void setupNavigator();
    void styleNavigator();
    void setupStatusBar();
    void updateActions();
    void showGuide();
    void showAbout();
    void onProgress(qint64 done, qint64 total);

    Options options_;
    QListWidget* navigator_ = nullptr;
    QStackedWidget* stack_ = nullptr;
    QHash<QString, Lab*> labs_;
    QMenu* exportMenu_ = nullptr;
    QAction *playAction_ = nullptr, *stepAction_ = nullptr, *resetAction_ = nullptr;
    QAction *openDataAction_ = nullptr, *openModelAction_ = nullptr, *saveModelAction_ = nullptr;
    QAction* presentationAction_ = nullptr;
    ElidingLabel* statusLabel_ = nullptr;
    QProgressBar* progress_ = nullptr;
    bool presentation_ = false;
    QFont baseFont_;
};

} // namespace unroll
