// A piano roll of one melody: pitch up, time (sixteenth notes) across, each note a bar coloured by its velocity, the
// chord names along the bottom. Used by the jazz lab for the training melody and the improvisation.
#pragma once

#include "jazz/Tokens.hpp"

#include <QWidget>

namespace unroll {

class JazzPianoRoll : public QWidget {
    Q_OBJECT
public:
    explicit JazzPianoRoll(const QString& title, QWidget* parent = nullptr);
    void setMelody(std::vector<jazz::MelodyNote> notes, jazz::ChordTrack chords);
    int noteCount() const { return int(notes_.size()); }
    QSize sizeHint() const override { return {600, 220}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    QString title_;
    std::vector<jazz::MelodyNote> notes_;
    jazz::ChordTrack chords_;
};

} // namespace unroll
