// The word vectors lab (the "Operations on word vectors" notebook of the Sequence Models course by deeplearning.ai,
// week 2; Mikolov et al. 2013, Pennington et al. 2014, Bolukbasi et al. 2016, van der Maaten & Hinton 2008): load
// word vectors or train your own (GloVe, skip-gram), see them as a labelled scatter (PCA, t-SNE animated live, or two
// word-pair directions as axes), run the course's operations (similarity, neighbours, analogies, the bias direction,
// neutralize, equalize) and watch debiasing as geometry. The work is core/vectors; TrainingLab's worker runs the
// t-SNE and the training; this class builds the page.
//
// Data flow: the lab holds its vectors as std::shared_ptr<const WordVectors> (immutable, so the loader's thread hands
// them over and any thread may read them). A file loads on a BackgroundJob (progress bar, Cancel). The words shown
// are rows of those vectors; PCA and custom axes are computed here, t-SNE runs as a TsneTask on the worker and each
// snapshot moves the points. Training runs as an EmbeddingTask; its snapshots carry the re-projected words, and when
// the run ends its vectors become the lab's.
#pragma once

#include "TrainingLab.hpp"
#include "labs/vectors/WordLists.hpp"
#include "vectors/Operations.hpp"
#include "vectors/Tsne.hpp"
#include "vectors/WordVectors.hpp"

#include <Eigen/Core>

#include <QStringList>
#include <QVariant>

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace unroll::vectors {
struct Corpus;
}

namespace unroll {

class BackgroundJob;
class DebiasView;
class EmbeddingTask;
class OperationsPanel;
class ScatterView;
class TsneTask;

// What the training thread hands the page, by value.
struct VectorsSnapshot {
    enum class Kind { Tsne, Train } kind = Kind::Tsne;
    quint64 run = 0;              // the run it belongs to (older runs' snapshots are dropped)
    qint64 step = 0, totalSteps = 0;
    Eigen::MatrixXd layout;       // (words shown, 2)
    int iteration = 0;            // t-SNE
    double kl = 0;
    QStringList probes;           // training: probe words' neighbours, when fresh
    std::shared_ptr<const vectors::WordVectors> trained; // training: the vectors, once the run has ended
};

class VectorsLab : public TrainingLab {
    Q_OBJECT
public:
    enum class Projection { Pca, Tsne, CustomAxes };
    enum class WordSource { Curated, Frequent, Typed, File };

    explicit VectorsLab(QWidget* parent = nullptr);
    ~VectorsLab() override;

    QString id() const override { return "vectors"; }
    QString title() const override { return "Word vectors"; }
    QString guideHtml() const override;

    // With a PCA on screen, performSteps switches to t-SNE first: `unroll --lab vectors --steps 200` shows t-SNE.
    void performSteps(int n) override;
    // Play and Step with nothing to run (PCA, custom axes) switch to t-SNE and run it.
    void play() override;
    void stepOnce() override;
    void reset() override;
    bool canOpenData() const override { return true; }
    void openData() override; // a vectors file (Ctrl+O)
    QString openDataText() const override { return tr("Open vectors…"); }
    bool canSaveModel() const override { return bool(vectors_); }
    void saveModel() override; // the vectors as GloVe text (Ctrl+S); during training, the trained ones
    QList<QAction*> exportActions() override;
    void setPresentationMode(bool on) override;

    // Views by name, for `unroll --lab vectors --view debias` (and tests): "projection", "debias".
    bool showView(const QString& name) override;

    // For tests and scripted use.
    void loadVectorsFile(const QString& path, qint64 limit = 0); // off the GUI thread
    bool waitForLoad();                                          // blocks; true when vectors were loaded
    void cancelLoad();
    void setVectors(std::shared_ptr<const vectors::WordVectors> v, const QString& note);
    std::shared_ptr<const vectors::WordVectors> vectors() const { return vectors_; }
    void setProjection(Projection p);
    Projection projection() const;
    void setWordSource(WordSource s, const QStringList& typed = {}, int topN = 300);
    void loadCorpusFile(const QString& path); // off the GUI thread; then startTraining()
    bool waitForCorpus();
    void setTrainingSettings(bool glove, int dimension, int epochs, int window);
    void startTraining(bool autoplay = true); // the method and settings on the left
    void useTrainedVectors();
    QString message() const;            // the message line above the views (plain text)
    ScatterView* scatter() const { return scatter_; }
    DebiasView* debiasView() const { return debias_; }
    OperationsPanel* operations() const { return ops_; }
    QStringList shownWords() const { return labels_; }

protected:
    TrainingRun nextRun() override;
    void newRun() override;
    void showSnapshot(const QVariant& v) override;
    void showFailure(const QString& message) override;

private:
    QWidget* setupControls();
    QWidget* setupViews();
    QGroupBox* setupVectorsBox();
    QGroupBox* setupWordsBox();
    QGroupBox* setupProjectionBox();
    QGroupBox* setupTrainBox();
    void setMessage(const QString& html);
    void stopRun(); // stops the worker run, cancelling a co-occurrence count in progress
    void loadBuiltIn();
    void rebuildWordSet();      // the words shown, from the word source and the vectors; then reproject()
    void reproject();           // PCA / custom axes now; t-SNE: a new task
    void recolor();
    void refreshDebias();
    void highlightWords(const QString& focus, const QStringList& words);
    void showLoadProgress(qint64 done, qint64 total);
    vectors::TsneOptions tsneOptions() const;

    std::shared_ptr<const vectors::WordVectors> vectors_;
    QString vectorsNote_;
    WordGroups curated_;
    BiasLists biasLists_;
    std::vector<AnalogyItem> analogies_;
    QString dataWarning_; // curated lists that could not be read

    // The words shown: rows of vectors_, their labels and groups, and the layout on screen.
    std::vector<vectors::Index> rows_;
    QStringList labels_;
    QVector<int> groups_;
    QStringList groupNames_;
    Eigen::MatrixXd layout_;
    QStringList fileWords_; // WordSource::File
    QString fileWordsName_;

    // Runs.
    std::shared_ptr<TsneTask> tsneTask_;
    std::shared_ptr<EmbeddingTask> trainTask_;
    std::shared_ptr<const vectors::Corpus> corpus_;
    bool trainMode_ = false;
    quint64 run_ = 0;
    BackgroundJob* loadJob_ = nullptr;
    BackgroundJob* corpusJob_ = nullptr;
    bool lastLoadOk_ = false;
    bool lastCorpusOk_ = false;

    // Controls.
    QLabel* sourceLabel_ = nullptr;
    QSpinBox* limit_ = nullptr;
    QProgressBar* loadBar_ = nullptr;
    QPushButton* cancelLoad_ = nullptr;
    QComboBox* wordSource_ = nullptr;
    QSpinBox* topN_ = nullptr;
    QPlainTextEdit* typed_ = nullptr;
    QPushButton* wordFile_ = nullptr;
    QLabel* wordsInfo_ = nullptr;
    QComboBox* projection_ = nullptr;
    QWidget* tsneBox_ = nullptr;
    QDoubleSpinBox *perplexity_ = nullptr, *theta_ = nullptr, *tsneLr_ = nullptr, *exaggeration_ = nullptr;
    QSpinBox* momentumSwitch_ = nullptr; // the iteration where momentum goes from 0.5 to 0.8
    QSpinBox *tsneIterations_ = nullptr, *tsneSeed_ = nullptr;
    QWidget* axesBox_ = nullptr;
    QLineEdit *xFrom_ = nullptr, *xTo_ = nullptr, *yFrom_ = nullptr, *yTo_ = nullptr;
    QComboBox* colorBy_ = nullptr;
    QLabel* corpusLabel_ = nullptr;
    QComboBox* method_ = nullptr;
    QSpinBox *dim_ = nullptr, *epochs_ = nullptr, *window_ = nullptr, *minCount_ = nullptr;
    QCheckBox* trainTsne_ = nullptr;
    QPushButton *trainButton_ = nullptr, *useTrained_ = nullptr;
    // Views.
    QLabel* message_ = nullptr;
    QTabWidget* viewTabs_ = nullptr;
    QLineEdit* search_ = nullptr;
    ScatterView* scatter_ = nullptr;
    DebiasView* debias_ = nullptr;
    OperationsPanel* ops_ = nullptr;
    QPlainTextEdit* probes_ = nullptr;
    QList<QAction*> exports_;
};

} // namespace unroll

Q_DECLARE_METATYPE(unroll::VectorsSnapshot)
