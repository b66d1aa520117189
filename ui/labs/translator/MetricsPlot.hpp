// MetricsPlot: the translator's held-out scores after each epoch (exact match, per-character accuracy, corpus BLEU),
// in percent against the epoch, for the model with attention (solid lines, dots) and, when it trains, the baseline
// without attention (dashed lines of the same colours) on the same axes. A readout line under the plot gives every
// value of the epoch under the mouse; the context menu exports PNG, PDF and CSV.
//
//   plot->setHistories(task.history(), task.baselineHistory());   // on the GUI thread, from a snapshot's copies
//
// What it leaves out: the training loss (the lab's loss curve shows it per step), zoom and pan (a run has at most a
// few hundred epochs, and the y range is always 0 … 100 %).
#pragma once

#include "translate/TranslatorTask.hpp"

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

class MetricsPlot : public QWidget {
    Q_OBJECT
public:
    explicit MetricsPlot(QWidget* parent = nullptr);

    // The records of every finished epoch so far (baseline: empty when there is none).
    void setHistories(const std::vector<EpochRecord>& main, const std::vector<EpochRecord>& baseline);
    void clear();
    int epochsShown(bool baseline = false) const; // points drawn per metric
    const std::vector<EpochRecord>& history(bool baseline = false) const { return baseline ? baseline_ : main_; }

    // The values of the epoch nearest to x = epoch, as the readout shows them; empty outside the data.
    QString readoutAt(double epoch) const;
    QString readoutText() const;
    void setPresentationMode(bool on);

    // Exports, written atomically; an empty size means the plot's size on screen.
    bool exportPng(const QString& path, QSize size = {}, double scale = 1.0, QString* error = nullptr);
    bool exportPdf(const QString& path, QSize size = {}, QString* error = nullptr);
    bool exportCsv(const QString& path, QString* error = nullptr) const;
    // model,epoch,step,loss,learning_rate,exact_match,char_accuracy,bleu (fractions, as the core reports them)
    QString toCsv() const;

    QCustomPlot* plot() const { return plot_; }

private:
    void setupPlot();
    void applyStyle();
    void redraw();
    void placeLegend();
    void showContextMenu(const QPoint& pos);

    QCustomPlot* plot_ = nullptr;
    QLabel* readout_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPTextElement* subtitle_ = nullptr;
    QCPItemText* placeholder_ = nullptr;
    QCPGraph* graphs_[2][3] = {}; // [baseline][metric]
    std::vector<EpochRecord> main_, baseline_;
    bool presentation_ = false;
};

} // namespace unroll
