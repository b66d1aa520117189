// `unroll-cli course-examples [--json]`: the course's seeded examples, computed by the core — the eight of "Building a
// Recurrent Neural Network - Step by Step" (Sequence Models, week 1; core/course/CourseExamples) and the three of "Dinosaur
// Island" (clip, sample, optimize; Sequence Models, week 1; core/charlm/CourseNames), and the synthesis functions of
// "Trigger word detection" (is_overlapping, insert_audio_clip with np.random.seed(5), insert_ones; Sequence Models,
// week 3; core/trigger/CourseTrigger), and Emojify's sentence_to_avg and sentences_to_indices on the notebooks' toy
// cases (Sequence Models, week 2; core/emojify/CourseEmojify).
//   text:   the lines the notebook's test cells print (a_next[4] = [ 0.59584544 …], a_next.shape = (5, 10), …,
//           Loss = 126.5039757216539…, …)
//   --json: one object keyed by function name; each holds its full arrays as nested JSON arrays in numpy's shapes,
//           under the course's names (a_next, yt_pred, …, dbo; dWaa … a_last). A key "group/name" of the core
//           becomes a nested object (clip: {"maxValue_10": {dWaa, …}, "maxValue_5": {…}}); a 0-d array is a plain
//           number (optimize's loss); integer arrays hold integers (sample's indices). Numbers are the shortest
//           round-trip doubles. QJsonObject orders keys alphabetically; the course's order is that of the text and of
//           the core's lists.
// Leaves out: options to change the seed or sizes — these are the notebooks' fixed tests.
#include "Cli.hpp"
#include "Registry.hpp"

#include "charlm/CourseNames.hpp"
#include "course/CourseExamples.hpp"
#include "emojify/CourseEmojify.hpp"
#include "trigger/CourseTrigger.hpp"
#include "util/Error.hpp"

#include <QJsonArray>
#include <QJsonValue>

namespace unroll::cli {

namespace {

// The values of `a` from `offset` on as nested arrays over the axes from `axis` on (numpy's tolist()).
QJsonArray nested(const NdArray& a, std::size_t axis, std::size_t& offset)
{
    QJsonArray out;
    const auto n = a.shape[axis];
    for (std::int64_t k = 0; k < n; ++k) {
        if (axis + 1 == a.shape.size() && a.integer)
            out.append(qint64(a.data[offset++]));
        else if (axis + 1 == a.shape.size())
            out.append(a.data[offset++]);
        else
            out.append(nested(a, axis + 1, offset));
    }
    return out;
}

QJsonValue toJson(const NdArray& a)
{
    if (a.shape.empty()) return a.data.at(0); // numpy's 0-d array: tolist() gives the scalar
    std::size_t offset = 0;
    return nested(a, 0, offset);
}

// One example's arrays; "group/name" keys nest one level.
QJsonObject toJson(const CourseExample& ex)
{
    QJsonObject out;
    for (const auto& [key, a] : ex.arrays) {
        const QString k = QString::fromStdString(key);
        const qsizetype slash = k.indexOf('/');
        if (slash < 0) {
            out.insert(k, toJson(a));
            continue;
        }
        QJsonObject group = out.value(k.left(slash)).toObject();
        group.insert(k.mid(slash + 1), toJson(a));
        out.insert(k.left(slash), group);
    }
    return out;
}

int courseExamples(const QStringList& args)
{
    QCommandLineParser parser;
    if (!parseCommandLine(parser, args,
                          "The course's seeded examples, computed by Unroll's core in double precision: the eight "
                          "RNN/LSTM ones (rnn_cell_forward … lstm_backward), Dinosaur Island's clip, sample and "
                          "optimize, Trigger word detection's is_overlapping, insert_audio_clip and insert_ones, and "
                          "Emojify's sentence_to_avg and sentences_to_indices (2021 versions).\nPrints the notebook's lines, or with --json every full array "
                          "under the course's names."))
        return Ok;
    if (!parser.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + parser.positionalArguments().first().toStdString() + "'");
    auto examples = runCourseExamples();
    for (auto& ex : runDinosaurExamples()) examples.push_back(std::move(ex));
    for (auto& ex : runTriggerExamples()) examples.push_back(std::move(ex));
    for (auto& ex : runEmojifyExamples()) examples.push_back(std::move(ex));
    if (jsonRequested(parser)) {
        QJsonObject all;
        for (const auto& ex : examples) all.insert(QString::fromStdString(ex.function), toJson(ex));
        printJson(all);
    } else {
        printText(QString::fromStdString(courseExamplesText(examples)).trimmed());
    }
    return Ok;
}

const GeneralCommand reg{
    {"course-examples", "the course's seeded RNN/LSTM, Dinosaur Island, trigger-word and Emojify examples, the notebooks' numbers",
     courseExamples}};

} // namespace

} // namespace unroll::cli
