// The debiasing view; see DebiasView.hpp.
#include "labs/vectors/DebiasView.hpp"

#include "labs/vectors/ScatterView.hpp"
#include "vectors/Tsne.hpp"

#include <QVBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QTextDocument>
#include <QVariantAnimation>

#include <cmath>
#include <limits>

namespace unroll {

using namespace vectors;

namespace {
std::string bytes(const QString& s) { return s.trimmed().toStdString(); }
QString num(double v) { return QString::number(std::abs(v) < 5e-5 ? 0.0 : v, 'f', 4); }
const QColor kMoveColor(0x00, 0x72, 0xB2);
} // namespace

DebiasView::DebiasView(QWidget* parent) : QWidget(parent)
{
    auto* h = new QVBoxLayout(this);
    h->setContentsMargins(0, 0, 0, 0);
    scatter_ = new ScatterView;
    scatter_->setEqualAspect(false);
    scatter_->setFadeOthers(false); // the colours are the cosines with g: keep them all readable
    scatter_->setColorMode(ScatterView::ColorMode::Value);
    h->addWidget(scatter_, 1);
    numbers_ = new QLabel;
    numbers_->setWordWrap(true);
    numbers_->setTextFormat(Qt::RichText);
    numbers_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    numbers_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    numbers_->setMargin(6);
    auto* scroll = new QScrollArea;
    scroll->setWidget(numbers_);
    scroll->setWidgetResizable(true);
    scroll->setFixedHeight(96);
    scroll->setFrameShape(QFrame::NoFrame);
    h->addWidget(scroll);
    anim_ = new QVariantAnimation(this);
    anim_->setStartValue(0.0);
    anim_->setEndValue(1.0);
    anim_->setDuration(1400);
    anim_->setEasingCurve(QEasingCurve::InOutCubic);
    connect(anim_, &QVariantAnimation::valueChanged, this, [this](const QVariant& t) { showFrame(t.toDouble()); });
    refreshNumbers();
}

void DebiasView::setVectors(std::shared_ptr<const WordVectors> v)
{
    v_ = std::move(v);
    g_.resize(0);
    history_.clear();
    rebuild();
}

void DebiasView::setBias(const Eigen::VectorXd& g, const QString& name, const QString& low, const QString& high)
{
    g_ = g;
    name_ = name;
    low_ = low;
    high_ = high;
    history_.clear();
    rebuild();
}

void DebiasView::setWords(const QStringList& words)
{
    requested_ = words;
    rebuild();
}

int DebiasView::wordCount() const { return int(words_.size()); }

QPointF DebiasView::positionOf(const QString& word) const
{
    const int i = int(words_.indexOf(word.trimmed()));
    if (i < 0) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
    return scatter_->position(i);
}

QPointF DebiasView::project(const Eigen::VectorXd& e) const
{
    return {e.dot(gHat_), u_.size() == e.size() ? e.dot(u_) : 0.0};
}

void DebiasView::rebuild()
{
    anim_->stop();
    moves_.clear();
    words_.clear();
    unknown_.clear();
    base_.clear();
    if (!v_ || g_.size() != v_->dimension() || g_.norm() == 0) {
        scatter_->setPoints({}, Eigen::MatrixXd());
        scatter_->setArrows({});
        scatter_->setLines({});
        scatter_->setTitle("Debiasing: no bias direction");
        refreshNumbers();
        return;
    }
    gHat_ = g_ / g_.norm();
    std::vector<Index> rows;
    for (const auto& w : requested_) {
        const Index i = v_->find(bytes(w));
        if (i < 0) {
            unknown_ << w;
            continue;
        }
        if (words_.contains(w.trimmed())) continue;
        words_ << w.trimmed();
        rows.push_back(i);
    }
    // u: the first principal component of the words with their g component removed (so u is orthogonal to g).
    u_ = Eigen::VectorXd::Zero(g_.size());
    if (rows.size() >= 3) {
        Eigen::MatrixXd m(Eigen::Index(rows.size()), g_.size());
        for (size_t k = 0; k < rows.size(); ++k) {
            const Eigen::VectorXd e = v_->row(rows[k]).transpose();
            m.row(Eigen::Index(k)) = (e - e.dot(gHat_) * gHat_).transpose();
        }
        const PcaResult p = pca(m, 1);
        u_ = p.components.col(0);
        u_ -= u_.dot(gHat_) * gHat_; // exact orthogonality despite rounding
        if (u_.norm() > 0) u_ /= u_.norm();
    }
    Eigen::MatrixXd xy(Eigen::Index(rows.size()), 2);
    QVector<double> values;
    for (size_t k = 0; k < rows.size(); ++k) {
        const Eigen::VectorXd e = v_->row(rows[k]).transpose();
        const QPointF p = project(e);
        base_ << p;
        xy(Eigen::Index(k), 0) = p.x();
        xy(Eigen::Index(k), 1) = p.y();
        values << e.dot(g_) / (e.norm() * g_.norm());
    }
    scatter_->setPoints(words_, xy);
    scatter_->setValues(values, low_, high_, "cos(e_w, g)");
    scatter_->setColorMode(ScatterView::ColorMode::Value);
    scatter_->setTitle(QString("Debiasing as geometry: g = %1").arg(name_));
    scatter_->setNote("x = e·ĝ; y = e·u, u ⟂ g (PC1 of these words without g); dashed: x = 0");
    scatter_->setAxisTitles(QString("projection on ĝ   (← %1 · %2 →)").arg(low_, high_),
                            "projection on u (⟂ g)");
    scatter_->setLines({{QPointF(0, 0), QPointF(0, 1), QColor(0x4c, 0x56, 0x6a), "x = 0:  ⟂ g", true}});
    scatter_->setArrows({});
    scatter_->fitToData();
    refreshNumbers();
}

int DebiasView::ensureWord(const QString& word)
{
    int i = int(words_.indexOf(word.trimmed()));
    if (i >= 0) return i;
    if (!v_ || v_->find(bytes(word)) < 0) return -1;
    requested_ << word.trimmed();
    const auto keep = history_;
    rebuild(); // the new word changes u; earlier moves are redrawn from the history only as text
    history_ = keep;
    return int(words_.indexOf(word.trimmed()));
}

bool DebiasView::neutralize(const QString& word)
{
    if (gHat_.size() == 0 || !v_) return false;
    const int i = ensureWord(word);
    if (i < 0) {
        history_ << QString("<span style='color:#b3261e'>unknown word '%1'</span>").arg(word.toHtmlEscaped());
        refreshNumbers();
        return false;
    }
    const Eigen::VectorXd e = v_->vector(bytes(word));
    const Eigen::VectorXd d = vectors::neutralize(e, g_);
    const double before = e.dot(g_) / (e.norm() * g_.norm()), after = d.dot(g_) / (d.norm() * g_.norm());
    moves_[i] = {base_[i], project(d), word.trimmed()};
    history_ << QString("<b>neutralize(%1)</b>: cos with g %2 → <b>%3</b> (x %4 → %5)")
                    .arg(word.trimmed().toHtmlEscaped(), num(before), QString::number(after, 'g', 3),
                         num(base_[i].x()), num(project(d).x()));
    refreshNumbers();
    anim_->stop();
    anim_->start();
    return true;
}

bool DebiasView::equalize(const QString& w1, const QString& w2, EqualizeRule rule)
{
    if (gHat_.size() == 0 || !v_) return false;
    int i = ensureWord(w1);
    const int j = ensureWord(w2);
    i = int(words_.indexOf(w1.trimmed())); // the second word may have rebuilt the layout
    if (i < 0 || j < 0) {
        history_ << QString("<span style='color:#b3261e'>unknown word '%1'</span>")
                        .arg((i < 0 ? w1 : w2).toHtmlEscaped());
        refreshNumbers();
        return false;
    }
    const Eigen::VectorXd e1 = v_->vector(bytes(w1)), e2 = v_->vector(bytes(w2));
    const auto [n1, n2] = vectors::equalize(e1, e2, g_, rule);
    auto cg = [this](const Eigen::VectorXd& e) { return e.dot(g_) / (e.norm() * g_.norm()); };
    moves_[i] = {base_[i], project(n1), w1.trimmed()};
    moves_[j] = {base_[j], project(n2), w2.trimmed()};
    history_ << QString("<b>equalize(%1, %2)</b> (%3): cos with g %4, %5 → <b>%6</b>, <b>%7</b>")
                    .arg(w1.trimmed().toHtmlEscaped(), w2.trimmed().toHtmlEscaped(),
                         rule == EqualizeRule::Course ? "the course's" : "the paper's", num(cg(e1)), num(cg(e2)),
                         num(cg(n1)), num(cg(n2)));
    refreshNumbers();
    anim_->stop();
    anim_->start();
    return true;
}

void DebiasView::finishAnimation()
{
    if (anim_->state() == QAbstractAnimation::Running) anim_->stop();
    showFrame(1.0);
}

void DebiasView::showFrame(double t)
{
    Eigen::MatrixXd xy(base_.size(), 2);
    QVector<ScatterView::Arrow> arrows;
    for (int k = 0; k < base_.size(); ++k) {
        QPointF p = base_[k];
        if (auto it = moves_.find(k); it != moves_.end()) {
            p = it->second.from + t * (it->second.to - it->second.from);
            arrows.push_back({it->second.from, p, kMoveColor, {}, true});
        }
        xy(k, 0) = p.x();
        xy(k, 1) = p.y();
    }
    scatter_->setArrows(arrows);
    scatter_->setPositions(xy);
    QVector<int> moved;
    for (const auto& [k, m] : moves_) moved << k;
    scatter_->setHighlighted(moved);
}

void DebiasView::refreshNumbers()
{
    QString html;
    for (const auto& h : history_) html += h + "<br>";
    if (history_.isEmpty())
        html = "<span style='color:#4c566a'>Neutralize a word or equalize a pair (the Debias tab): the cosines with g "
               "before → after appear here. Neutralize leaves a word no component along g; equalize makes a pair "
               "differ only along g, symmetric about x = 0.</span>";
    if (!unknown_.isEmpty())
        html += QString("<span style='color:#b3261e'>Not in these vectors: %1</span>").arg(unknown_.join(", ").toHtmlEscaped());
    numbers_->setText(html);
}

QString DebiasView::numbersText() const
{
    QTextDocument doc;
    doc.setHtml(numbers_->text());
    return doc.toPlainText();
}

} // namespace unroll
