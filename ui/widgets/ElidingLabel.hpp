// A one-line label that never asks for the width of its text: text longer than the label is cut with "…" at the right
// and shown whole in the tooltip (a plain QLabel asks for its whole text's width, so each long message widened the
// window). For status lines and readouts whose text changes with what the user does, so that
// a long message neither widens the window nor is cut without a sign.
#pragma once

#include <QLabel>

namespace unroll {

class ElidingLabel : public QLabel {
public:
    explicit ElidingLabel(const QString& text = {}, QWidget* parent = nullptr);
    void setFullText(const QString& text);
    QString fullText() const { return full_; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void elide();
    QString full_;
};

} // namespace unroll
