// The operations on word vectors, under the course's names, one tab each: similarity of two words, nearest
// neighbours, analogies (the course's rule, 3CosAdd, 3CosMul) with the top candidates and their scores, the bias
// direction g and the projection of words on it, neutralize and equalize with before/after cosines.
//
//   auto* ops = new OperationsPanel;
//   ops->setVectors(vectors);                 // std::shared_ptr<const WordVectors>: read on the GUI thread
//   connect(ops, &OperationsPanel::wordsPicked, scatter, …);   // highlight a result in the scatter
//
// The operations are fast (one scan of the normalised copy at most), so they run on the GUI thread. An unknown word is
// a message in red under the inputs, naming the word; nothing is thrown out of the panel.
#pragma once

#include "labs/vectors/WordLists.hpp"
#include "vectors/Operations.hpp"
#include "vectors/WordVectors.hpp"

#include <Eigen/Core>

#include <QTabWidget>

#include <memory>
#include <optional>

class QComboBox;
class QCPBars;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QTableWidget;

namespace unroll {

class OperationsPanel : public QTabWidget {
    Q_OBJECT
public:
    explicit OperationsPanel(QWidget* parent = nullptr);

    void setVectors(std::shared_ptr<const vectors::WordVectors> v);
    void setBiasLists(const BiasLists& lists);            // the pairs for "PCA of pairs", the words to project
    void setAnalogyPresets(const std::vector<AnalogyItem>& items);
    // g from one pair (the course's woman − man) or from the first principal component of the bias pairs.
    void setBiasFromPairs(bool pca);

    // The bias direction as the Bias tab defines it; nullopt (and *error) when a word is unknown.
    std::optional<Eigen::VectorXd> biasDirection(QString* error = nullptr) const;
    QString biasName() const;  // "woman − man" or "PC1 of 10 pairs"
    QString biasLow() const;   // the word at the negative end ("man")
    QString biasHigh() const;  // the word at the positive end ("woman")
    QStringList projectionWords() const; // the words of the Bias tab's bar list

    // Drive the tabs (the buttons call these; tests too). Each shows its result or its message.
    void runSimilarity(const QString& w1, const QString& w2);
    void runNeighbors(const QString& word); // also switches to the tab
    void runAnalogy(const QString& a, const QString& b, const QString& c);
    void runProjection();
    void runNeutralize(const QString& word);
    void runEqualize(const QString& w1, const QString& w2);

    // What the tabs show (for tests and the lab).
    QTableWidget* analogyTable() const { return analogyTable_; }
    QTableWidget* neighborTable() const { return neighborTable_; }
    QString similarityText() const;
    QString debiasText() const;
    std::optional<double> lastNeutralizedAfter() const { return neutralAfter_; }
    QCustomPlot* projectionPlot() const { return projPlot_; }

    int neighborCount() const;
    vectors::Metric metric() const;

signals:
    void wordsPicked(const QString& focus, const QStringList& words); // highlight these in the scatter
    void biasChanged();
    void neutralizeRequested(const QString& word);               // show it in the debiasing view
    void equalizeRequested(const QString& w1, const QString& w2, vectors::EqualizeRule rule);

private:
    QWidget* similarityTab();
    QWidget* neighborsTab();
    QWidget* analogyTab();
    QWidget* biasTab();
    QWidget* debiasTab();
    static void showError(QLabel* label, const QString& message);

    std::shared_ptr<const vectors::WordVectors> v_;
    BiasLists bias_;
    std::vector<AnalogyItem> presets_;
    std::optional<double> neutralAfter_;

    QLineEdit *simA_ = nullptr, *simB_ = nullptr;
    QLabel* simResult_ = nullptr;
    QLineEdit* nWord_ = nullptr;
    QSpinBox* nK_ = nullptr;
    QComboBox* nMetric_ = nullptr;
    QTableWidget* neighborTable_ = nullptr;
    QLabel* nMessage_ = nullptr;
    QLineEdit *anA_ = nullptr, *anB_ = nullptr, *anC_ = nullptr;
    QComboBox *anRule_ = nullptr, *anPresets_ = nullptr;
    QSpinBox* anK_ = nullptr;
    QTableWidget* analogyTable_ = nullptr;
    QLabel* anMessage_ = nullptr;
    QComboBox* biasSource_ = nullptr;
    QLineEdit *biasA_ = nullptr, *biasB_ = nullptr;
    QPlainTextEdit* projWords_ = nullptr;
    QCustomPlot* projPlot_ = nullptr;
    QCPBars *projPos_ = nullptr, *projNeg_ = nullptr;
    QLabel* biasMessage_ = nullptr;
    QLineEdit* neutralWord_ = nullptr;
    QLineEdit *eqA_ = nullptr, *eqB_ = nullptr;
    QComboBox* eqRule_ = nullptr;
    QLabel* debiasResult_ = nullptr;
};

} // namespace unroll
