// The start page: what Unroll is, a small LSTM learning a sentence live (the foundation's widgets at work: training
// curve, heatmap of hidden units, samples, the worker thread), and a card for every lab.
#pragma once

#include "TrainingLab.hpp"

#include <QVariant>

#include <memory>
#include <vector>

class QGridLayout;
class QLabel;
class QVBoxLayout;

namespace unroll {

class CharLmTask;
class HeatmapView;

// What the demo's training thread hands the page, by value.
struct HomeSnapshot {
    qint64 step = 0;
    int units = 0, steps = 0;
    std::vector<float> hidden; // (units, steps) row-major: the top layer's a<t> over the last window
    QStringList chars;         // the window's characters
    QString sample;            // text the model writes now (fixed seed, temperature 0.7)
};

class HomeLab : public TrainingLab {
    Q_OBJECT
public:
    explicit HomeLab(QWidget* parent = nullptr);

    QString id() const override { return "home"; }
    QString title() const override { return "Home"; }
    QString guideHtml() const override;

    void reset() override;
    QList<QAction*> exportActions() override;
    void setPresentationMode(bool on) override;

    static QString demoText();
    HeatmapView* heatmap() const { return heatmap_; }

protected:
    void resizeEvent(QResizeEvent* event) override;
    TrainingRun nextRun() override;
    void newRun() override;
    void showSnapshot(const QVariant& v) override;
    void showFailure(const QString& message) override;

private:
    QWidget* setupIntro();
    QWidget* setupDemo();
    QWidget* setupLabCards();

    static constexpr qint64 kDemoSteps = 4000;
    std::shared_ptr<CharLmTask> task_;
    HeatmapView* heatmap_ = nullptr;
    QLabel* sample_ = nullptr;
    QLabel* demoStatus_ = nullptr;
    QList<QAction*> exports_;
    QGridLayout* demoGrid_ = nullptr;
    bool stacked_ = false, presentation_ = false;
};

} // namespace unroll

Q_DECLARE_METATYPE(unroll::HomeSnapshot)
