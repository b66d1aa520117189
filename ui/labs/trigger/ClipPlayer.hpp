// ClipPlayer: plays a clip through Qt Multimedia, a QAudioSink reading 16-bit PCM (or float, when the device takes
// only that) from our own buffer (a QBuffer over the converted samples), and reports where it is, for the play cursor.
//
//   if (ClipPlayer::outputAvailable()) player->play(panes->chimedAudio(), panes->playCursor());
//   connect(player, &ClipPlayer::positionChanged, panes, &ClipPanes::setPlayCursor);
//
// The device's own format is used when it does not take 44.1 kHz mono: the clip is resampled (core/audio) and copied
// to every channel. outputAvailable() is false on a machine without an audio output (a CI runner, a server): the lab
// then disables its play button and says why.
// What it leaves out: recording, a choice of output device (the system's default is used).
#pragma once

#include "audio/Audio.hpp"

#include <QByteArray>
#include <QObject>
#include <QString>

class QAudioSink;
class QBuffer;
class QTimer;

namespace unroll {

class ClipPlayer : public QObject {
    Q_OBJECT
public:
    explicit ClipPlayer(QObject* parent = nullptr);
    ~ClipPlayer() override;

    static bool outputAvailable();      // QMediaDevices::defaultAudioOutput() is not null
    static QString unavailableReason(); // for the play button's tooltip

    // Plays clip from fromSeconds on; false (and error() says why) when there is no device or it refuses.
    bool play(const AudioClip& clip, double fromSeconds = 0);
    void stop();
    bool isPlaying() const;
    double position() const; // seconds into the clip
    QString error() const { return error_; }

    // The PCM bytes play() feeds the sink for a 16-bit mono format at the clip's rate (little-endian int16, clipped).
    static QByteArray int16Pcm(const AudioClip& clip, double fromSeconds = 0);

signals:
    void positionChanged(double seconds);
    void stopped(); // at the end of the clip, or by stop()

private:
    void finish();
    QAudioSink* sink_ = nullptr;
    QBuffer* buffer_ = nullptr;
    QByteArray bytes_;
    QTimer* timer_ = nullptr;
    double from_ = 0;
    QString error_;
};

} // namespace unroll
