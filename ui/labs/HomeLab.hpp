// The start page: what Unroll is, a small LSTM learning a sentence live (the foundation's widgets at work: training
// curve, heatmap of hidden units, samples, the worker thread), and a card for every lab.
#pragma once

#include "Lab.hpp"

#include <QVariant>

#include <memory>
#include <vector>

class QLabel;
class QVBoxLayout;

namespace unroll {

class CharLmTask;
class HeatmapView;
class LabTraining;
class TrainingCurveView;
struct TrainingRun;

// What the demo's training thread hands the page, by value.
struct HomeSnapshot {
    qint64 step = 0;
    int units = 0, steps = 0;
    std::vector<float> hidden; // (units, steps) row-major: the top layer's a<t> over the last window
    QStringList chars;         // the window's characters
    QString sample;            // text the model writes now (fixed seed, temperature 0.7)
};

class HomeLab : public Lab {
    Q_OBJECT
public:
    explicit HomeLab(QWidget* parent = nullptr);
    ~HomeLab() override;

    QString id() const override { return "home"; }
    QString title() const override { return "Home"; }
    QString guideHtml() const override;

    bool hasTransport() const override { return true; }
    bool isPlaying() const override;
    void play() override;
    void pause() override;
    void stepOnce() override;
    void reset() override;
    void performSteps(int n) override;
    QList<QAction*> exportActions() override;
    void setPresentationMode(bool on) override;

    static QString demoText();
    qint64 stepsDone() const;
    TrainingCurveView* curve() const { return curve_; }
    HeatmapView* heatmap() const { return heatmap_; }

private:
    QWidget* setupIntro();
    QWidget* setupDemo();
    QWidget* setupLabCards();
    void newTask();
    TrainingRun nextRun() const;
    void showSnapshot(const QVariant& v);

    static constexpr qint64 kDemoSteps = 4000;
    std::shared_ptr<CharLmTask> task_;
    LabTraining* training_ = nullptr;
    TrainingCurveView* curve_ = nullptr;
    HeatmapView* heatmap_ = nullptr;
    QLabel* sample_ = nullptr;
    QLabel* demoStatus_ = nullptr;
    QList<QAction*> exports_;
};

} // namespace unroll

Q_DECLARE_METATYPE(unroll::HomeSnapshot)
