// BeamPanel: beam search of one input shown step by step. A width spin box (1 … 10); the final candidates with their
// log-probabilities (best first, the greedy answer marked); and a tree of the beam after every output step: the
// prefixes kept and their summed ln p, so a learner sees a prefix that was behind overtake the greedy one, or see
// that every step's choice is independent when the decoder does not read its previous output.
//
//   panel->showResult(beamSearch(model, source, panel->beamWidth()), targetVocab, greedyText, feedPrevious);
//
// The lab runs the search (on an immutable weight copy) and hands the result over; this class only shows it.
#pragma once

#include "translate/Translator.hpp"

#include <QWidget>

class QLabel;
class QSpinBox;
class QTableWidget;
class QTreeWidget;

namespace unroll {

class BeamPanel : public QWidget {
    Q_OBJECT
public:
    explicit BeamPanel(QWidget* parent = nullptr);

    int beamWidth() const;
    void setBeamWidth(int width); // clamped to 1 … 10; emits beamWidthChanged when it changes

    // greedy: the greedy translation of the same input (for the comparison line); feedPrevious: whether the model's
    // decoder reads its previous output (else the beam's best is the greedy answer, and the note says why).
    void showResult(const BeamResult& result, const SymbolVocab& target, const QString& greedy, bool feedPrevious);
    void showMessage(const QString& text); // nothing to search (no model, an error): the views empty
    void setPresentationMode(bool on);

    // The panel as plain text (File → Export): the final candidates, then every step.
    QString toText() const;
    QTableWidget* finalTable() const { return final_; }
    QTreeWidget* stepsTree() const { return steps_; }
    QString summaryText() const;

signals:
    void beamWidthChanged(int width);

private:
    QSpinBox* width_ = nullptr;
    QLabel* summary_ = nullptr;
    QLabel* note_ = nullptr;
    QTableWidget* final_ = nullptr;
    QTreeWidget* steps_ = nullptr;
};

// The symbols of a candidate's ids, <end> written as "⟨end⟩" and padding dropped (shared with the lab's labels).
QString candidateText(const SymbolVocab& target, const std::vector<std::int32_t>& ids);

} // namespace unroll
