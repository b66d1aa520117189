// The jazz lab's synthesizer (jazz/Synth.hpp): length, level (no clipping, peak in range), silence where nothing
// sounds, the pitch of a note (A4 = 440 Hz by zero crossings), the envelope's stages.
#include "jazz/Synth.hpp"

#include "../InputErrorOf.hpp"

#include <QtTest>

#include <cmath>

using namespace unroll;
using namespace unroll::jazz;
using unroll::test::inputErrorOf;

namespace {
MidiNote note(int pitch, double start, double duration, int velocity = 100, int channel = 0)
{
    MidiNote n;
    n.pitch = pitch, n.start_s = start, n.duration_s = duration, n.velocity = velocity, n.channel = channel;
    return n;
}
float peakOf(const std::vector<float>& s, std::size_t from = 0, std::size_t to = SIZE_MAX)
{
    float p = 0;
    for (std::size_t i = from; i < std::min(to, s.size()); ++i) p = std::max(p, std::abs(s[i]));
    return p;
}
} // namespace

class TestSynth : public QObject {
    Q_OBJECT
private slots:
    void lengthIsTheLastEndPlusTheRelease()
    {
        const SynthOptions o;
        const auto s = renderNotes({note(60, 0.5, 1.0), note(64, 0.25, 0.5)}, o);
        QCOMPARE(s.size(), std::size_t(std::ceil((1.5 + o.release) * 44100)));
        QVERIFY(renderNotes({}, o).empty());
        QCOMPARE(peakOf(s, 0, std::size_t(0.25 * 44100)), 0.0f); // silence before the first note
    }
    void oneNotePeaksAtItsGain()
    {
        const SynthOptions o;
        const auto s = renderNotes({note(69, 0, 1.0, 127)}, o);
        const float peak = peakOf(s);
        // The harmonics 1, 0.4, 0.15 peak at 0.798 of their sum (Python over a 1e-4 rad grid); the envelope reaches 1.
        QVERIFY2(peak > 0.75 * o.gain && peak < 0.85 * o.gain, qPrintable(QString::number(peak)));
        QVERIFY(peakOf(renderNotes({note(69, 0, 1.0, 64)}, o)) < 0.6 * peak); // velocity scales the level
    }
    void manyNotesNeverClip()
    {
        std::vector<MidiNote> chord;
        for (int p = 48; p < 84; ++p) chord.push_back(note(p, 0, 1.0, 127));
        const SynthOptions o;
        const auto s = renderNotes(chord, o);
        const float peak = peakOf(s);
        QVERIFY(peak <= o.ceiling + 1e-6);
        QVERIFY(peak > 0.5 * o.ceiling);
        for (float v : s) QVERIFY(std::isfinite(v));
    }
    void a4SoundsAt440Hz()
    {
        SynthOptions o;
        const auto s = renderNotes({note(69, 0, 2.0)}, o);
        // Upward zero crossings over one second of the sustained part: the fundamental dominates.
        int crossings = 0;
        for (std::size_t i = 44100 / 2; i < 44100 / 2 + 44100; ++i) crossings += s[i - 1] < 0 && s[i] >= 0;
        QVERIFY2(std::abs(crossings - 440) <= 2, qPrintable(QString::number(crossings)));
    }
    void percussionIsLeftOut()
    {
        const auto s = renderNotes({note(36, 0, 1.0, 100, 9)}, {});
        QVERIFY(s.empty());
    }
    void envelopeStages()
    {
        const SynthOptions o{.attack = 0.1, .decay = 0.1, .sustain = 0.5, .release = 0.2};
        QCOMPARE(envelopeAt(0.05, 1.0, o), 0.5);  // half-way up the attack
        QCOMPARE(envelopeAt(0.1, 1.0, o), 1.0);   // top
        QCOMPARE(envelopeAt(0.5, 1.0, o), 0.5);   // sustain
        QCOMPARE(envelopeAt(1.1, 1.0, o), 0.25);  // half-way through the release
        QCOMPARE(envelopeAt(1.3, 1.0, o), 0.0);
        QCOMPARE(envelopeAt(-1, 1.0, o), 0.0);
    }
    void badInputIsRefused()
    {
        QVERIFY(inputErrorOf([] { renderNotes({note(60, -1, 1)}, {}); }).contains("cannot be rendered"));
        QVERIFY(inputErrorOf([] { renderNotes({note(60, 0, 4000)}, {}); }).contains("limit of 1800 s"));
        QVERIFY(inputErrorOf([] { renderNotes({note(60, 0, 1)}, {.sampleRate = 10}); }).contains("sample rate 10"));
    }
};

QTEST_GUILESS_MAIN(TestSynth)
#include "tst_synth.moc"
