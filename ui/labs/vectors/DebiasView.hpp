// Debiasing as geometry (Bolukbasi et al. 2016; the course's neutralize and equalize): words drawn with x = their
// projection on the unit bias direction ĝ and y = their projection on a second direction u orthogonal to g (the first
// principal component of the words shown, once their g component is removed). The line x = 0 is the orthogonal
// complement of g. Neutralize animates a word moving onto it; equalize animates a pair becoming symmetric about it.
// The cosines before and after are listed beside the plot.
//
//   view->setVectors(v);
//   view->setBias(g, "woman − man", "man", "woman");
//   view->setWords({"man", "woman", "receptionist", "engineer", …});
//   view->neutralize("receptionist");           // animates; finishAnimation() jumps to the end
//   view->equalize("man", "woman", EqualizeRule::Course);
#pragma once

#include "vectors/Operations.hpp"
#include "vectors/WordVectors.hpp"

#include <Eigen/Core>

#include <QStringList>
#include <QVector>
#include <QWidget>

#include <map>
#include <memory>

class QLabel;
class QVariantAnimation;

namespace unroll {

class ScatterView;

class DebiasView : public QWidget {
    Q_OBJECT
public:
    explicit DebiasView(QWidget* parent = nullptr);

    void setVectors(std::shared_ptr<const vectors::WordVectors> v);
    void setBias(const Eigen::VectorXd& g, const QString& name, const QString& low, const QString& high);
    void setWords(const QStringList& words); // unknown words are left out (and listed)
    bool neutralize(const QString& word);    // false (and a message) when the word or g is missing
    bool equalize(const QString& w1, const QString& w2, vectors::EqualizeRule rule);
    void finishAnimation();

    ScatterView* scatter() const { return scatter_; }
    QString numbersText() const; // the before/after list, as plain text
    int wordCount() const;
    QPointF positionOf(const QString& word) const; // where the word is drawn now (NaN if absent)

private:
    void rebuild();            // axes and base positions from the vectors, g and the words; clears the moves
    QPointF project(const Eigen::VectorXd& e) const;
    int ensureWord(const QString& word); // the word's point, added when missing; -1 if unknown
    void showFrame(double t);
    void refreshNumbers();

    std::shared_ptr<const vectors::WordVectors> v_;
    Eigen::VectorXd g_, gHat_, u_;
    QString name_, low_, high_;
    QStringList requested_, words_, unknown_;
    QVector<QPointF> base_;
    struct Move {
        QPointF from, to;
        QString note;
    };
    std::map<int, Move> moves_;
    QStringList history_; // one rich-text line per operation
    ScatterView* scatter_ = nullptr;
    QLabel* numbers_ = nullptr;
    QVariantAnimation* anim_ = nullptr;
};

} // namespace unroll
