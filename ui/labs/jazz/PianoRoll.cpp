// The jazz lab's piano roll; see PianoRoll.hpp.
#include "labs/jazz/PianoRoll.hpp"

#include <QPainter>

#include <algorithm>

namespace unroll {

JazzPianoRoll::JazzPianoRoll(const QString& title, QWidget* parent) : QWidget(parent), title_(title)
{
    setMinimumHeight(160);
}

void JazzPianoRoll::setMelody(std::vector<jazz::MelodyNote> notes, jazz::ChordTrack chords)
{
    notes_ = std::move(notes);
    chords_ = std::move(chords);
    update();
}

void JazzPianoRoll::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    p.setPen(palette().text().color());
    const int top = 20, bottom = 18, left = 36;
    p.drawText(QRect(4, 2, width() - 8, top - 4), Qt::AlignLeft | Qt::AlignVCenter,
               notes_.empty() ? title_ + tr(" (none yet)") : title_ + tr(" — %1 notes").arg(notes_.size()));
    if (notes_.empty()) return;
    int lo = 127, hi = 0;
    std::int64_t end = 16;
    for (const auto& n : notes_) {
        lo = std::min(lo, n.pitch), hi = std::max(hi, n.pitch);
        end = std::max(end, n.start16 + n.length16);
    }
    lo -= 2, hi += 2;
    const QRectF area(left, top, width() - left - 6, height() - top - bottom);
    const double rowH = area.height() / (hi - lo + 1), colW = area.width() / double(end);
    // Octave lines at each C, bar lines every 16 sixteenths.
    p.setPen(QColor(128, 128, 128, 80));
    for (int k = lo; k <= hi; ++k)
        if (k % 12 == 0) {
            const double y = area.bottom() - (k - lo + 1) * rowH;
            p.drawLine(QPointF(area.left(), y + rowH), QPointF(area.right(), y + rowH));
            p.drawText(QRectF(0, y, left - 4, rowH * 2), Qt::AlignRight | Qt::AlignVCenter, QString("C%1").arg(k / 12 - 1));
        }
    for (std::int64_t b = 0; b <= end; b += 16)
        p.drawLine(QPointF(area.left() + b * colW, area.top()), QPointF(area.left() + b * colW, area.bottom()));
    for (const auto& n : notes_) {
        const QRectF r(area.left() + n.start16 * colW, area.bottom() - (n.pitch - lo + 1) * rowH,
                       std::max(1.0, n.length16 * colW - 1), std::max(2.0, rowH - 1));
        p.fillRect(r, QColor::fromHsvF(0.6 - 0.6 * std::clamp(n.velocity, 0, 127) / 127.0, 0.8, 0.85));
    }
    p.setPen(palette().text().color());
    for (std::size_t i = 0; i < chords_.chords.size(); ++i) {
        const auto& c = chords_.chords[i];
        if (c.start16 >= end) break;
        p.drawText(QRectF(area.left() + c.start16 * colW + 2, area.bottom() + 1, 60, bottom - 2),
                   Qt::AlignLeft | Qt::AlignVCenter, QString::fromStdString(c.name));
    }
}

} // namespace unroll
