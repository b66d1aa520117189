// The trigger-word lab's plots of its held-out scores, from the epoch records and the threshold sweep that
// TriggerTask keeps (copied into the lab's snapshots):
//   EpochPlot (FrameAccuracy)  per-frame accuracy per epoch, training (the epoch's mean) and held-out, in %;
//   EpochPlot (Detection)      held-out precision and recall of the detections per epoch, in %;
//   SweepPlot                  false rejects (1 - recall, %) against false accepts per hour over the thresholds
//                              0.05 … 0.95 on the held-out clips (a DET curve on linear axes), each point labelled
//                              with its threshold, the lab's threshold marked.
// A readout line under each plot gives the values under the pointer; the context menu exports PNG, PDF and CSV.
// What it leaves out: the loss (the lab's TrainingCurveView draws training and held-out loss).
#pragma once

#include "trigger/TriggerTask.hpp"

#include <QSize>
#include <QString>
#include <QWidget>

#include <vector>

class QCPGraph;
class QCPItemText;
class QCPTextElement;
class QCustomPlot;
class QLabel;

namespace unroll {

class EpochPlot : public QWidget {
    Q_OBJECT
public:
    enum class Kind { FrameAccuracy, Detection };
    explicit EpochPlot(Kind kind, QWidget* parent = nullptr);

    void setHistory(const std::vector<TriggerEpoch>& history);
    const std::vector<TriggerEpoch>& history() const { return history_; }
    int pointsShown() const; // points of the first line
    QString readoutAt(double epoch) const;
    QString toCsv() const;
    bool exportPng(const QString& path, QSize size = {}, double scale = 1.0, QString* error = nullptr);
    bool exportPdf(const QString& path, QSize size = {}, QString* error = nullptr);
    bool exportCsv(const QString& path, QString* error = nullptr) const;
    QCustomPlot* plot() const { return plot_; }

private:
    void redraw();
    Kind kind_;
    QCustomPlot* plot_ = nullptr;
    QLabel* readout_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPItemText* placeholder_ = nullptr;
    QCPGraph* graphs_[2] = {};
    std::vector<TriggerEpoch> history_;
};

class SweepPlot : public QWidget {
    Q_OBJECT
public:
    explicit SweepPlot(QWidget* parent = nullptr);

    void setSweep(const std::vector<SweepPoint>& sweep, int epoch);
    void setThreshold(double threshold); // marks the sweep point nearest to it
    const std::vector<SweepPoint>& sweep() const { return sweep_; }
    int pointsShown() const;
    QString readoutAt(const QPoint& plotPixel) const;
    QString toCsv() const;
    bool exportPng(const QString& path, QSize size = {}, double scale = 1.0, QString* error = nullptr);
    bool exportPdf(const QString& path, QSize size = {}, QString* error = nullptr);
    bool exportCsv(const QString& path, QString* error = nullptr) const;
    QCustomPlot* plot() const { return plot_; }

private:
    void redraw();
    void placeLabels();
    QCustomPlot* plot_ = nullptr;
    QLabel* readout_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPItemText* placeholder_ = nullptr;
    QCPGraph* curve_ = nullptr;
    QCPGraph* marked_ = nullptr;
    std::vector<QCPItemText*> labels_;
    std::vector<SweepPoint> sweep_;
    double threshold_ = 0.5;
    int epoch_ = 0;
};

} // namespace unroll
