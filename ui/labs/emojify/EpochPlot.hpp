// EmojifyEpochPlot: the Emojify lab's training picture, both models on one plot: each model's mean training loss per epoch
// (solid, left axis) and its train and test accuracy after the epoch (dashed and dotted, right axis, %), V1 and V2 in
// their own colours. The epoch axis is logarithmic by default, since V1 runs 400 epochs and V2 50: on a linear axis
// V2's whole run would sit in the first eighth (the context menu switches). A readout line under the plot gives the
// values of the epoch under the mouse; the context menu exports PNG, PDF and CSV.
//
//   plot->setHistories(snapshot.history1, snapshot.history2);   // GUI thread, from a snapshot's copies
//
// What it leaves out: the validation accuracy (in the CSV and the readout, not drawn: five lines are enough).
#pragma once

#include "emojify/EmojifyTask.hpp"

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

class EmojifyEpochPlot : public QWidget {
    Q_OBJECT
public:
    explicit EmojifyEpochPlot(QWidget* parent = nullptr);

    void setHistories(const std::vector<emojify::EmojifyEpoch>& v1, const std::vector<emojify::EmojifyEpoch>& v2);
    void clear();
    int pointsShown(int model) const; // epochs drawn for V1 (0) or V2 (1)
    const std::vector<emojify::EmojifyEpoch>& history(int model) const { return model ? v2_ : v1_; }

    void setLogEpochs(bool on);
    bool logEpochs() const { return log_; }
    QString readoutAt(double epoch) const;
    void setPresentationMode(bool on);

    bool exportPng(const QString& path, QSize size = {}, double scale = 1.0, QString* error = nullptr);
    bool exportPdf(const QString& path, QSize size = {}, QString* error = nullptr);
    bool exportCsv(const QString& path, QString* error = nullptr) const;
    // model,epoch,loss,train_accuracy,validation_accuracy,test_accuracy,seconds
    QString toCsv() const;

    QCustomPlot* plot() const { return plot_; }

private:
    void setupPlot();
    void applyStyle();
    void redraw();
    void showContextMenu(const QPoint& pos);

    QCustomPlot* plot_ = nullptr;
    QLabel* readout_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPItemText* placeholder_ = nullptr;
    QCPGraph* graphs_[2][3] = {}; // [model][loss, train accuracy, test accuracy]
    std::vector<emojify::EmojifyEpoch> v1_, v2_;
    bool log_ = true;
    bool presentation_ = false;
};

} // namespace unroll
