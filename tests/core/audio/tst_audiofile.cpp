// Tests for audio/AudioFile: reading through libsndfile, mixing to mono, resampling with libsamplerate, streaming,
// writing WAV, and the messages for bad files. Fixtures are made in a temporary directory by libsndfile itself (FLAC,
// Ogg/Vorbis, float WAV with a NaN, stereo), never committed; expected values are closed forms (sines) or the
// samples written.
#include "audio/AudioFile.hpp"
#include "util/Error.hpp"

#include "../InputErrorOf.hpp"

#include <QTemporaryDir>
#include <QtTest>

#include <sndfile.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <numbers>

using namespace unroll;
using unroll::test::inputErrorOf;
namespace fs = std::filesystem;

namespace {

std::vector<float> sineSamples(double hz, double amplitude, std::int64_t n, int rate, double phase = 0)
{
    std::vector<float> x(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i)
        x[std::size_t(i)] = float(amplitude * std::sin(2 * std::numbers::pi * hz * double(i) / rate + phase));
    return x;
}

// Writes interleaved float frames with libsndfile in the given format; false if this libsndfile cannot write it.
bool writeWithSndfile(const fs::path& path, int format, int rate, int channels, const std::vector<float>& interleaved)
{
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    if (!sf_format_check(&info))
        return false;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f)
        return false;
    const sf_count_t frames = sf_count_t(interleaved.size()) / channels;
    const bool ok = sf_writef_float(f, interleaved.data(), frames) == frames;
    sf_close(f);
    return ok;
}

void truncateFile(const fs::path& path, std::uintmax_t size) { fs::resize_file(path, size); }

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b, std::size_t from, std::size_t to)
{
    double m = 0;
    for (std::size_t i = from; i < to; ++i)
        m = std::max(m, std::fabs(double(a[i]) - double(b[i])));
    return m;
}

} // namespace

class TestAudioFile : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp_;
    fs::path at(const char* name) const { return fs::path(tmp_.path().toStdString()) / name; }

private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    void wavRoundTripIsExactForSixteenBitValues()
    {
        AudioClip clip;
        clip.sampleRate = 22050;
        for (int k = -32768; k < 32768; k += 37)
            clip.samples.push_back(float(k) / 32768.0f);
        const fs::path p = at("roundtrip.wav");
        writeWav(p, clip);
        const AudioClip back = readAudio(p);
        QCOMPARE(back.sampleRate, 22050);
        QCOMPARE(back.samples, clip.samples);
        // writeWav writes exactly wavBytes: 44-byte header + 2 bytes a sample.
        std::ifstream in(p, std::ios::binary);
        const std::string onDisk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QCOMPARE(onDisk.size(), 44 + 2 * clip.samples.size());
        QVERIFY(onDisk == wavBytes(clip));
        const AudioInfo info = probeAudio(p);
        QCOMPARE(info.sampleRate, 22050);
        QCOMPARE(info.channels, 1);
        QCOMPARE(info.frames, clip.size());
        QVERIFY2(QString::fromStdString(info.format).contains("WAV"), info.format.c_str());
    }

    void writeClipsToFullScaleAndRejectsEmptyOrBadPath()
    {
        AudioClip clip;
        clip.sampleRate = 8000;
        clip.samples = {2.0f, -3.0f, 1.0f, -1.0f, 0.5f};
        const fs::path p = at("clipped.wav");
        writeWav(p, clip);
        const AudioClip back = readAudio(p);
        QCOMPARE(back.samples, (std::vector<float>{32767 / 32768.0f, -1.0f, 32767 / 32768.0f, -1.0f, 0.5f}));
        QVERIFY(inputErrorOf([&] { writeWav(at("empty.wav"), AudioClip{{}, 8000}); }).contains("empty"));
        const QString bad = inputErrorOf([&] { writeWav(at("no-such-dir") / "x.wav", clip); });
        QVERIFY2(bad.contains("no-such-dir"), qPrintable(bad));
        QVERIFY(!fs::exists(at("no-such-dir")));
        QVERIFY(!inputErrorOf([&] { writeWav(at("r0.wav"), AudioClip{{0.1f}, 0}); }).isEmpty());
    }

    void stereoIsMixedToTheMeanOfItsChannels()
    {
        const std::vector<float> left = sineSamples(440, 0.4, 4000, 16000);
        const std::vector<float> right = sineSamples(1000, 0.2, 4000, 16000);
        std::vector<float> inter;
        for (std::size_t i = 0; i < left.size(); ++i) {
            inter.push_back(left[i]);
            inter.push_back(right[i]);
        }
        const fs::path p = at("stereo.wav");
        QVERIFY(writeWithSndfile(p, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 16000, 2, inter));
        QCOMPARE(probeAudio(p).channels, 2);
        const AudioClip mono = readAudio(p);
        QCOMPARE(mono.size(), std::int64_t(4000));
        for (std::size_t i = 0; i < left.size(); ++i)
            QVERIFY(std::fabs(mono.samples[i] - 0.5f * (left[i] + right[i])) < 1e-7f);
    }

    void resamplingKeepsFrequencyAmplitudeAndLengthRatio()
    {
        // 1 kHz at 16 kHz up to 44.1 kHz and 44.1 kHz down to 16 kHz: away from the edges (the sinc's transient),
        // the output is the same sine sampled at the new rate.
        for (const auto& [from, to] : {std::pair{16000, 44100}, std::pair{44100, 16000}, std::pair{8000, 44100}}) {
            AudioClip clip{sineSamples(1000, 0.5, from, from), from}; // 1 s
            const AudioClip out = resampleAudio(clip, to);
            QCOMPARE(out.sampleRate, to);
            QCOMPARE(out.size(), std::int64_t(to)); // exactly round(n * to / from)
            const std::vector<float> ideal = sineSamples(1000, 0.5, to, to);
            const double err = maxAbsDiff(out.samples, ideal, std::size_t(to / 10), std::size_t(to - to / 10));
            QVERIFY2(err < 2e-3, qPrintable(QString("%1 -> %2: max error %3").arg(from).arg(to).arg(err)));
        }
        AudioClip odd{sineSamples(300, 0.5, 12345, 16000), 16000};
        QCOMPARE(resampleAudio(odd, 44100).size(), std::int64_t(std::llround(12345 * 44100.0 / 16000)));
        QVERIFY(!inputErrorOf([&] { resampleAudio(odd, 999); }).isEmpty());
        QCOMPARE(resampleAudio(odd, 16000).samples, odd.samples);
    }

    void readWithTargetRateResamples()
    {
        const fs::path p = at("s16k.wav");
        writeWav(p, AudioClip{sineSamples(500, 0.25, 8000, 16000), 16000});
        const AudioClip c = readAudio(p, kLabRate);
        QCOMPARE(c.sampleRate, kLabRate);
        QCOMPARE(c.size(), std::int64_t(22050));
        const AudioClip same = readAudio(p, 16000);
        QCOMPARE(same.size(), std::int64_t(8000));
    }

    void streamEqualsTheWholeRead()
    {
        // 3.3 s of two sines at 48 kHz, read as 44.1 kHz in odd-sized pieces: the resampler's state carries across
        // the decoder's blocks, so the stream matches the whole-file read to float rounding.
        const int rate = 48000;
        std::vector<float> x = sineSamples(700, 0.3, 158400, rate);
        const std::vector<float> y = sineSamples(3100, 0.2, 158400, rate, 0.4);
        for (std::size_t i = 0; i < x.size(); ++i)
            x[i] += y[i];
        const fs::path p = at("stream.wav");
        QVERIFY(writeWithSndfile(p, SF_FORMAT_WAV | SF_FORMAT_FLOAT, rate, 1, x));
        const AudioClip whole = readAudio(p, kLabRate);
        AudioStream s(p, kLabRate);
        QCOMPARE(s.sampleRate(), kLabRate);
        QCOMPARE(s.info().frames, std::int64_t(158400));
        std::vector<float> streamed;
        std::size_t pieces = 0;
        while (const std::size_t n = s.read(streamed, 3001)) {
            QVERIFY(n <= 3001);
            ++pieces;
        }
        QCOMPARE(s.read(streamed, 100), std::size_t(0));
        QVERIFY(pieces > 40);
        QCOMPARE(streamed.size(), whole.samples.size());
        QCOMPARE(whole.size(), std::int64_t(145530)); // 158400 * 44100 / 48000
        QVERIFY(maxAbsDiff(streamed, whole.samples, 0, streamed.size()) < 1e-5);
        // At the file's own rate the stream is the file.
        AudioStream own(p, rate);
        std::vector<float> raw;
        while (own.read(raw, 10000) > 0) {
        }
        QCOMPARE(raw, readAudio(p).samples);
    }

    void flacAndOggAreReadThroughLibsndfile()
    {
        const std::vector<float> x = sineSamples(440, 0.5, 22050, 22050);
        const fs::path flac = at("sine.flac");
        if (!writeWithSndfile(flac, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 22050, 1, x))
            QSKIP("this libsndfile does not write FLAC");
        const AudioClip f = readAudio(flac);
        QCOMPARE(f.size(), std::int64_t(22050));
        QVERIFY(maxAbsDiff(f.samples, x, 0, x.size()) <= 1.0 / 32768 + 1e-7); // lossless at 16 bits
        QVERIFY2(QString::fromStdString(probeAudio(flac).format).contains("FLAC"), probeAudio(flac).format.c_str());

        const fs::path ogg = at("sine.ogg");
        if (!writeWithSndfile(ogg, SF_FORMAT_OGG | SF_FORMAT_VORBIS, 22050, 1, x))
            QSKIP("this libsndfile does not write Ogg/Vorbis");
        const AudioClip o = readAudio(ogg, 44100);
        QCOMPARE(o.sampleRate, 44100);
        QVERIFY(std::llabs(o.size() - 44100) <= 2);
        QVERIFY(std::fabs(dbfs(o.samples) - dbfs(x)) < 0.5); // lossy, but the level survives
    }

    void missingDirectoryEmptyAndTextFilesAreNamed()
    {
        const QString missing = inputErrorOf([&] { readAudio(at("nope.wav")); });
        QVERIFY2(missing.contains("nope.wav") && missing.contains("no such file"), qPrintable(missing));
        const QString dir = inputErrorOf([&] { readAudio(fs::path(tmp_.path().toStdString())); });
        QVERIFY2(dir.contains("directory"), qPrintable(dir));
        { std::ofstream(at("empty.wav")); }
        const QString empty = inputErrorOf([&] { readAudio(at("empty.wav")); });
        QVERIFY2(empty.contains("empty.wav") && empty.contains("empty"), qPrintable(empty));
        { std::ofstream(at("notes.txt")) << "these are not samples\n"; }
        const QString text = inputErrorOf([&] { readAudio(at("notes.txt")); });
        QVERIFY2(text.contains("notes.txt") && text.contains("not an audio file"), qPrintable(text));
        QVERIFY(!inputErrorOf([&] { probeAudio(at("notes.txt")); }).isEmpty());
        QVERIFY(!inputErrorOf([&] { AudioStream s(at("nope.wav"), kLabRate); }).isEmpty());
        // A valid WAV header with a data chunk of zero frames.
        std::string bytes = wavBytes(AudioClip{{0.5f}, 8000});
        bytes.resize(44);
        bytes[40] = bytes[41] = 0;
        bytes[4] = 36;
        { std::ofstream(at("noframes.wav"), std::ios::binary) << bytes; }
        const QString none = inputErrorOf([&] { readAudio(at("noframes.wav")); });
        QVERIFY2(none.contains("no samples"), qPrintable(none));
    }

    void truncatedWavSaysHowManyOfHowMany()
    {
        const fs::path p = at("cut.wav");
        writeWav(p, AudioClip{sineSamples(440, 0.5, 1000, 8000), 8000});
        truncateFile(p, 44 + 2 * 739);
        const QString msg = inputErrorOf([&] { readAudio(p); });
        QVERIFY2(msg.contains("cut.wav") && msg.contains("truncated") && msg.contains("739") && msg.contains("1000"),
                 qPrintable(msg));
        QVERIFY(!inputErrorOf([&] { AudioStream s(p, kLabRate); }).isEmpty());
        QCOMPARE(probeAudio(p).frames, std::int64_t(1000)); // what the header says
    }

    void truncatedFlacIsRejected()
    {
        const fs::path p = at("cut.flac");
        if (!writeWithSndfile(p, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 22050, 1, sineSamples(440, 0.5, 44100, 22050)))
            QSKIP("this libsndfile does not write FLAC");
        truncateFile(p, fs::file_size(p) / 2);
        const QString msg = inputErrorOf([&] { readAudio(p); });
        QVERIFY2(msg.contains("cut.flac") && msg.contains("44100"), qPrintable(msg));
    }

    void tooLongForAWholeReadNamesTheLimit()
    {
        const fs::path p = at("long.wav");
        writeWav(p, AudioClip{std::vector<float>(16000, 0.1f), 8000}); // 2 s
        const QString msg = inputErrorOf([&] { readAudio(p, AudioReadLimits{.maxSeconds = 1.5}); });
        QVERIFY2(msg.contains("long.wav") && msg.contains("2.000") && msg.contains("1.500") && msg.contains("stream"),
                 qPrintable(msg));
        QCOMPARE(readAudio(p, AudioReadLimits{.maxSeconds = 2.0}).size(), std::int64_t(16000));
        AudioStream s(p, 8000); // a stream has no such limit
        std::vector<float> all;
        while (s.read(all, 5000) > 0) {
        }
        QCOMPARE(all.size(), std::size_t(16000));
    }

    void nonFiniteSampleIsRejectedWithItsPosition()
    {
        std::vector<float> x(3000, 0.1f);
        x[2 * 1234 + 1] = std::numeric_limits<float>::quiet_NaN(); // frame 1234, right channel
        const fs::path p = at("nan.wav");
        QVERIFY(writeWithSndfile(p, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 8000, 2, x));
        const QString msg = inputErrorOf([&] { readAudio(p); });
        QVERIFY2(msg.contains("nan.wav") && msg.contains("non-finite") && msg.contains("frame 1234") &&
                     msg.contains("channel 2"),
                 qPrintable(msg));
        AudioStream s(p, kLabRate);
        std::vector<float> out;
        const QString streamMsg = inputErrorOf([&] {
            while (s.read(out, 1000) > 0) {
            }
        });
        QVERIFY2(streamMsg.contains("frame 1234"), qPrintable(streamMsg));
    }
};

QTEST_GUILESS_MAIN(TestAudioFile)
#include "tst_audiofile.moc"
