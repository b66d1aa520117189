#include "widgets/ElidingLabel.hpp"

#include <QEvent>

#include <algorithm>

namespace unroll {

ElidingLabel::ElidingLabel(const QString& text, QWidget* parent) : QLabel(text, parent), full_(text)
{
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    setMinimumWidth(40);
}

void ElidingLabel::setFullText(const QString& text)
{
    full_ = text;
    elide();
}

void ElidingLabel::resizeEvent(QResizeEvent* event)
{
    QLabel::resizeEvent(event);
    elide();
}

void ElidingLabel::changeEvent(QEvent* event)
{
    QLabel::changeEvent(event);
    if (event->type() == QEvent::FontChange) elide();
}

void ElidingLabel::elide()
{
    const QString shown = fontMetrics().elidedText(full_, Qt::ElideRight, std::max(10, contentsRect().width() - 2));
    setText(shown);
    setToolTip(shown == full_ ? QString() : full_);
}

QSize ElidingLabel::sizeHint() const { return {40, QLabel::sizeHint().height()}; }
QSize ElidingLabel::minimumSizeHint() const { return sizeHint(); }

} // namespace unroll
