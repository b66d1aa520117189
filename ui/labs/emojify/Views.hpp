// The Emojify lab's smaller views: both models' class probabilities as bars beside each class's emoji, V1's words as
// chips tinted by the class they pull hardest towards, and V2's prediction after each prefix of the sentence as
// stacked bars. Each exports from its context menu (PNG, PDF, and the numbers as CSV), like every plot of the app.
//
//   bars->setClasses(classes, emojiFontAvailable());
//   bars->setProbabilities(v1.predict(text).probabilities, v2.predict(text).probabilities);
//   chips->setExplanation(v1.explain(text), classes);
//   prefixes->setExplanation(v2.explain(text), classes);
//
// What they leave out: the models themselves (the lab runs them on its snapshot's copies and hands the results here).
#pragma once

#include "emojify/Emojifier.hpp"

#include <QSize>
#include <QString>
#include <QWidget>

#include <functional>
#include <vector>

class QCPBars;
class QCPItemText;
class QCPTextElement;
class QCustomPlot;
class QGridLayout;
class QLabel;

namespace unroll {

// A widget drawn into a PNG (at `scale` times its pixels) or a one-page PDF, written atomically.
bool saveWidgetPng(QWidget* widget, const QString& path, double scale, QString* error = nullptr);
bool saveWidgetPdf(QWidget* widget, const QString& path, const QString& title, QString* error = nullptr);
// The house context menu on a widget that is not a QCustomPlot: Export PNG…, PDF…, CSV… (csv() gives the numbers).
void installWidgetExportMenu(QWidget* widget, const QString& title, std::function<QString()> csv);

// One row per class: its emoji (in the colour emoji font) or name, then a bar per model with the probability.
class ProbabilityBars : public QWidget {
    Q_OBJECT
public:
    explicit ProbabilityBars(QWidget* parent = nullptr);

    void setClasses(const std::vector<emojify::EmojiClass>& classes, bool emojiFont);
    // (n_y) each; an empty vector: that model is absent (its bars are not drawn).
    void setProbabilities(const Eigen::VectorXd& v1, const Eigen::VectorXd& v2);
    void clearProbabilities() { setProbabilities({}, {}); }

    const Eigen::VectorXd& probabilities(int model) const { return model ? p2_ : p1_; }
    QLabel* classLabel(int k) const { return emojiLabels_.at(std::size_t(k)); } // tests read its font
    QString toCsv() const; // class,name,emoji,v1,v2
    QSize sizeHint() const override;

private:
    class Bars;
    void rebuild();

    std::vector<emojify::EmojiClass> classes_;
    bool emojiFont_ = false;
    Eigen::VectorXd p1_, p2_;
    QGridLayout* grid_ = nullptr;
    std::vector<QLabel*> emojiLabels_;
    std::vector<Bars*> bars_;
    QLabel* legend_ = nullptr;
};

// V1's why: each word of the sentence as a chip tinted by the class it pushes most (W·e_w / n, largest entry),
// unknown words grey and struck out; hovering a chip lists its contribution to every class.
class WordChips : public QWidget {
    Q_OBJECT
public:
    explicit WordChips(QWidget* parent = nullptr);

    void setExplanation(const emojify::AverageExplanation& e, const std::vector<emojify::EmojiClass>& classes);
    void clear();
    int chipCount() const { return int(chips_.size()); }
    int chipAt(const QPoint& pos) const; // -1 outside
    QString chipTooltip(int i) const;
    int strongestClass(int i) const;     // -1 for an unknown word
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    bool event(QEvent* e) override;

private:
    void layoutChips();

    struct Chip {
        QString text;
        bool known = false;
        int cls = -1;
        double push = 0; // the strongest contribution
        QRect rect;
    };
    std::vector<Chip> chips_;
    emojify::AverageExplanation explanation_;
    std::vector<emojify::EmojiClass> classes_;
    double scale_ = 1; // the largest |push| of the sentence: chips' tint strength
    int height_ = 40;
};

// V2's why: the class probabilities after each prefix of the sentence (one stacked bar per known word), so the
// decision can be seen changing word by word ("not" … "happy").
class PrefixPlot : public QWidget {
    Q_OBJECT
public:
    explicit PrefixPlot(QWidget* parent = nullptr);

    void setExplanation(const emojify::LstmExplanation& e, const std::vector<emojify::EmojiClass>& classes);
    void clear();
    int barCount() const { return columns_; }
    QString toCsv() const;
    bool exportPng(const QString& path, QSize size = {}, double scale = 1.0, QString* error = nullptr);
    bool exportPdf(const QString& path, QSize size = {}, QString* error = nullptr);
    bool exportCsv(const QString& path, QString* error = nullptr) const;
    QCustomPlot* plot() const { return plot_; }

private:
    QCustomPlot* plot_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPItemText* placeholder_ = nullptr;
    std::vector<QCPBars*> bars_;
    QStringList words_;
    std::vector<std::string> classNames_;
    Eigen::MatrixXd probabilities_; // (n_y, T)
    int columns_ = 0;
};

} // namespace unroll
