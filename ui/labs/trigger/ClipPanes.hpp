// ClipPanes: one clip of the trigger-word lab as panes stacked on one shared time axis, in the manner of Sonic
// Visualiser's layers: the waveform, the spectrogram (dB colour bar beside it), the label track of a synthesized clip
// with its words, the detector's probability per output step with the threshold as a line to drag, the detections
// (core/trigger/Detection: a detection fires after k consecutive steps at or above the threshold and re-arms once the
// probability falls below it) and the chimed audio, the clip with a chime inserted at every detection.
//
//   panes->setClip(clip);                          // a ShownClip by shared pointer (immutable)
//   panes->setDetectionOptions({.threshold = 0.5, .consecutive = 20});
//   panes->detectionTimes(); panes->chimedAudio();  // what the lab plays and exports
//
// Keys, while the panes have the focus (a click gives it): Space asks to play or stop (playToggleRequested; elsewhere
// in the window Space runs the training), + and - zoom, 0 shows the whole clip, Left and Right scroll.
// Mouse: the wheel zooms in time about the pointer, a drag scrolls (so does the scroll bar under the panes), a click
// asks the lab to move the play cursor there (seekRequested); dragging the threshold line moves the threshold. The
// line under the panes reads out what is under the pointer: time, and in the spectrogram the frequency in true Hz
// and the level in dB. A play cursor (setCursor) runs down every pane.
// What it leaves out: the data (the lab computes spectrograms and probabilities off the GUI thread), playback.
#pragma once

#include "labs/trigger/ShownClip.hpp"
#include "trigger/Detection.hpp"

#include <QSize>
#include <QString>
#include <QWidget>

#include <array>
#include <utility>
#include <vector>

class QCPAxisRect;
class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPAbstractItem;
class QCustomPlot;
class QLabel;
class QMouseEvent;
class QScrollBar;

namespace unroll {

class ClipPanes : public QWidget {
    Q_OBJECT
public:
    enum Pane { Waveform, Spectrogram, Labels, Probability, Detections, Chimed };
    static constexpr int kPanes = 6;

    explicit ClipPanes(QWidget* parent = nullptr);
    ~ClipPanes() override;

    // A new clip: the time range becomes the whole clip, the dB range follows its levels (see autoDbRange).
    void setClip(ShownClipPtr clip);
    // The same clip with another probability track (a detector run again, a new epoch): the view stays where it is.
    void updateClip(ShownClipPtr clip);
    ShownClipPtr clip() const { return clip_; }
    void clear();

    void setDetectionOptions(const DetectionOptions& options);
    DetectionOptions detectionOptions() const { return options_; }
    void setThreshold(double threshold); // clamped to [0, 1]; emits thresholdChanged when it changes
    double threshold() const { return options_.threshold; }
    const std::vector<double>& detectionTimes() const { return detections_; } // seconds
    // For a labelled clip: which detections match a positive word (as scoreDetections matches them).
    const std::vector<bool>& detectionHits() const { return hits_; }
    const AudioClip& chimedAudio() const { return chimed_; }

    // Time axis shared by every pane, in seconds; kept inside the clip, at least 20 ms wide.
    void setTimeRange(double lo, double hi);
    std::pair<double, double> timeRange() const;
    void zoomAt(double centreS, double factor); // factor < 1 zooms in, as one wheel notch does (0.85)
    void setDbRange(double lo, double hi);
    std::pair<double, double> dbRange() const { return {dbLo_, dbHi_}; }
    void autoDbRange(); // [loudest - 60 dB, loudest]
    // The spectrogram's frequency axis from 0 to hz (0: the clip's Nyquist frequency). The built-in words were
    // recorded at 16 kHz, so above 8 kHz there is only background.
    void setMaxFrequency(double hz);
    double maxFrequency() const { return maxHz_; }

    void setPlayCursor(double seconds); // < 0: hidden
    double playCursor() const { return cursor_; }

    // Geometry (plot() pixels, valid once laid out) and the hover readout.
    QRect paneRect(Pane pane) const;
    QPoint pointAt(Pane pane, double seconds, double value) const;
    int paneAt(const QPoint& plotPixel) const; // -1 outside every pane
    QString readoutAt(const QPoint& plotPixel) const;
    QString readoutText() const;
    QCPAxisRect* axisRect(Pane pane) const { return rects_[size_t(pane)]; }
    QCPColorScale* colorScale() const { return scale_; }
    QCPColorMap* colorMap() const { return map_; }
    QCustomPlot* plot() const { return plot_; }

    // Exports, written atomically. The panes as the screen shows them (size empty: the plot's size); the spectrogram
    // pane alone with its colour bar; the spectrogram's values (one line per column: time, then dB per bin); the
    // detections (time, step, hit) as CSV.
    bool exportPng(const QString& path, QSize size = {}, double scale = 1.0, QString* error = nullptr);
    bool exportSpectrogramPng(const QString& path, double scale = 2.0, QString* error = nullptr);
    QString spectrogramCsv() const;
    QString detectionsCsv() const;

signals:
    void thresholdChanged(double threshold);
    void detectionsChanged();
    void timeRangeChanged(double lo, double hi);
    void seekRequested(double seconds);
    void playToggleRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void setupPlot();
    void setProbability(std::vector<float> probability, double frameSeconds);
    void rangeChanged(double lo, double hi);
    void refreshWaveforms(); // envelopes of the visible window, two bins per pixel
    void refreshDetections();
    void refreshScrollBar();
    void placeWords();
    void mousePress(QMouseEvent* e);
    void mouseMove(QMouseEvent* e);
    void mouseRelease(QMouseEvent* e);
    double duration() const;

    QCustomPlot* plot_ = nullptr;
    QScrollBar* scroll_ = nullptr;
    QLabel* readout_ = nullptr;
    std::array<QCPAxisRect*, kPanes> rects_{};
    std::array<QCPItemStraightLine*, kPanes> cursors_{};
    QCPColorScale* scale_ = nullptr;
    QCPColorMap* map_ = nullptr;
    QCPGraph *waveMin_ = nullptr, *waveMax_ = nullptr, *chimeMin_ = nullptr, *chimeMax_ = nullptr;
    QCPGraph *labels_ = nullptr, *probability_ = nullptr, *hitMarks_ = nullptr, *missMarks_ = nullptr;
    QCPItemStraightLine* thresholdLine_ = nullptr;
    QCPItemText* placeholder_ = nullptr;
    std::vector<QCPAbstractItem*> wordItems_, detectionItems_;

    ShownClipPtr clip_;
    std::vector<float> probability_values_;
    double frameSeconds_ = 0;
    DetectionOptions options_;
    std::vector<double> detections_;
    std::vector<std::int64_t> detectionSteps_;
    std::vector<bool> hits_;
    AudioClip chimed_, chime_;
    double dbLo_ = -100, dbHi_ = 0;
    double cursor_ = -1;
    double maxHz_ = 0;
    bool syncing_ = false, draggingThreshold_ = false;
    QPoint pressPos_;
    bool pressed_ = false;
};

} // namespace unroll
