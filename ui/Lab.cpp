// Lab base defaults and the registry of labs; see Lab.hpp.
#include "Lab.hpp"

#include "labs/BpttLab.hpp"
#include "labs/CharLmLab.hpp"
#include "labs/EmojifyLab.hpp"
#include "labs/JazzLab.hpp"
#include "labs/HomeLab.hpp"
#include "labs/TranslatorLab.hpp"
#include "labs/TriggerLab.hpp"
#include "labs/VectorsLab.hpp"

namespace unroll {

QString Lab::guideHtml() const
{
    return QString("<h2>%1</h2><p>No guide has been written for this lab yet.</p>").arg(title().toHtmlEscaped());
}

const QList<LabInfo>& labRegistry()
{
    static const QList<LabInfo> labs = {
        {"home", "Home",
         "Start here: what Unroll is, a model learning live, and the labs.", QString::fromUtf8("\u2302"),
         [] { return new HomeLab; }},
        {"bptt", "BPTT stepper",
         "Step an unrolled RNN, GRU or LSTM forward and backward one time step at a time, every value and gradient "
         "visible; watch gradients vanish or explode.",
         QString::fromUtf8("\u21c4"), [] { return new BpttLab; }},
        {"charlm", "Character model",
         "Train a character language model on dinosaur names or your own text; watch samples appear, sample one "
         "character at a time, see what hidden units respond to.",
         QString::fromUtf8("\u270e"), [] { return new CharLmLab; }},
        {"vectors", "Word vectors",
         "Load or train word embeddings (GloVe, skip-gram); similarity, analogies and debiasing as geometry; watch a "
         "PCA or t-SNE of the words move live.",
         QString::fromUtf8("\u2197"), [] { return new VectorsLab; }},
        {"translator", "Date translation",
         "Teach an encoder-decoder with attention to turn dates as people write them into ISO dates; type any date "
         "and watch its attention map form a diagonal as the model learns, beside a baseline without attention.",
         QString::fromUtf8("\u21a6"), [] { return new TranslatorLab; }},
        {"trigger", "Trigger word",
         "Train a detector to hear the word \u201cactivate\u201d in 10 s clips synthesized as it trains; see the waveform, "
         "spectrogram, labels and the detector's probability on one time axis, drag the threshold, and hear the "
         "chimes where it fires, in held-out clips or your own audio.",
         QString::fromUtf8("\u266a"), [] { return new TriggerLab; }},
        {"emojify", "Emojify",
         "Label sentences with an emoji by averaged word vectors and by an LSTM, side by side; type a sentence and "
         "see each word's pull, and where word order matters (\"not feeling happy\").",
         QString::fromUtf8("\u263a"), [] { return new EmojifyLab; }},
        {"jazz", "Jazz",
         "Train the course's LSTM on melodies of 20 built-in jazz tunes and watch it improvise over a blues after "
         "every epoch, on a piano roll.",
         QString::fromUtf8("\u266b"), [] { return new JazzLab; }},
    };
    return labs;
}

const LabInfo* findLab(const QString& id)
{
    for (const auto& lab : labRegistry())
        if (lab.id == id) return &lab;
    return nullptr;
}

} // namespace unroll
