// ClipPlayer; see ClipPlayer.hpp.
#include "labs/trigger/ClipPlayer.hpp"

#include "audio/AudioFile.hpp"

#include <QAudioDevice>
#include <QAudioFormat>
#include <QAudioSink>
#include <QBuffer>
#include <QMediaDevices>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace unroll {

ClipPlayer::ClipPlayer(QObject* parent) : QObject(parent)
{
    timer_ = new QTimer(this);
    timer_->setInterval(33); // the cursor at ~30 frames a second
    connect(timer_, &QTimer::timeout, this, [this] {
        if (!sink_) return;
        emit positionChanged(position());
    });
}

ClipPlayer::~ClipPlayer() { stop(); }

bool ClipPlayer::outputAvailable() { return !QMediaDevices::defaultAudioOutput().isNull(); }

QString ClipPlayer::unavailableReason()
{
    return tr("This machine has no audio output device (Qt Multimedia finds no default output); the chimed audio "
              "can still be exported as WAV.");
}

QByteArray ClipPlayer::int16Pcm(const AudioClip& clip, double fromSeconds)
{
    const auto first = std::clamp<std::int64_t>(std::int64_t(fromSeconds * clip.sampleRate), 0, clip.size());
    QByteArray bytes(qsizetype((clip.size() - first) * 2), Qt::Uninitialized);
    char* out = bytes.data();
    for (std::int64_t i = first; i < clip.size(); ++i) {
        const auto s = std::int16_t(std::lround(std::clamp(clip.samples[size_t(i)], -1.0f, 32767.0f / 32768.0f) * 32768.0f));
        out[0] = char(s & 0xff); // little-endian, whatever the host
        out[1] = char((s >> 8) & 0xff);
        out += 2;
    }
    return bytes;
}

bool ClipPlayer::play(const AudioClip& clip, double fromSeconds)
{
    stop();
    error_.clear();
    const QAudioDevice device = QMediaDevices::defaultAudioOutput();
    if (device.isNull()) {
        error_ = unavailableReason();
        return false;
    }
    QAudioFormat format;
    format.setSampleRate(clip.sampleRate);
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Int16);
    AudioClip audio = clip;
    from_ = std::clamp(fromSeconds, 0.0, clip.seconds());
    if (!device.isFormatSupported(format)) {
        format = device.preferredFormat();
        if (format.sampleFormat() != QAudioFormat::Float) format.setSampleFormat(QAudioFormat::Int16);
        if (format.sampleRate() != clip.sampleRate) audio = resampleAudio(clip, format.sampleRate());
    }
    const int channels = std::max(1, format.channelCount());
    const auto first = std::clamp<std::int64_t>(std::int64_t(from_ * audio.sampleRate), 0, audio.size());
    const std::int64_t frames = audio.size() - first;
    if (format.sampleFormat() == QAudioFormat::Float) {
        bytes_.resize(qsizetype(frames * channels * 4));
        auto* out = reinterpret_cast<float*>(bytes_.data());
        for (std::int64_t i = 0; i < frames; ++i)
            for (int c = 0; c < channels; ++c) *out++ = std::clamp(audio.samples[size_t(first + i)], -1.0f, 1.0f);
    } else if (channels == 1) {
        bytes_ = int16Pcm(audio, from_);
    } else {
        const QByteArray mono = int16Pcm(audio, from_);
        bytes_.resize(mono.size() * channels);
        for (qsizetype i = 0; i < mono.size() / 2; ++i)
            for (int c = 0; c < channels; ++c) std::memcpy(bytes_.data() + (i * channels + c) * 2, mono.constData() + i * 2, 2);
    }
    buffer_ = new QBuffer(&bytes_, this);
    buffer_->open(QIODevice::ReadOnly);
    sink_ = new QAudioSink(device, format, this);
    connect(sink_, &QAudioSink::stateChanged, this, [this](QAudio::State state) {
        if (!sink_) return;
        if (state == QAudio::IdleState) finish(); // the buffer ran out: the end of the clip
        else if (state == QAudio::StoppedState && sink_->error() != QAudio::NoError) {
            error_ = tr("The audio output stopped (error %1)").arg(int(sink_->error()));
            finish();
        }
    });
    sink_->start(buffer_);
    if (sink_->error() != QAudio::NoError) {
        error_ = tr("The audio output refused to start (error %1)").arg(int(sink_->error()));
        finish();
        return false;
    }
    timer_->start();
    emit positionChanged(from_);
    return true;
}

void ClipPlayer::finish()
{
    timer_->stop();
    if (sink_) {
        QAudioSink* sink = std::exchange(sink_, nullptr);
        sink->disconnect(this);
        sink->stop();
        sink->deleteLater();
    }
    if (buffer_) {
        std::exchange(buffer_, nullptr)->deleteLater();
    }
    emit stopped();
}

void ClipPlayer::stop()
{
    if (sink_) finish();
}

bool ClipPlayer::isPlaying() const { return sink_ != nullptr; }

double ClipPlayer::position() const
{
    if (!sink_) return from_;
    return from_ + double(sink_->processedUSecs()) / 1e6;
}

} // namespace unroll
