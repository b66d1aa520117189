// `unroll-cli course-examples [--json]`: the eight seeded examples of the course's "Building a Recurrent Neural
// Network - Step by Step" (course-spec §1.2), computed by the core (course/CourseExamples).
//   text:   the lines the notebook's test cells print (a_next[4] = [ 0.59584544 …], a_next.shape = (5, 10), …)
//   --json: one object keyed by function name; each holds its full arrays as nested JSON arrays in numpy's shapes,
//           under the course's names (a_next, yt_pred, …, dbo). Numbers are the shortest round-trip doubles.
//           QJsonObject orders keys alphabetically; the course's order is that of the text and of the core's list.
// Leaves out: options to change the seed or sizes — these are the notebook's fixed tests.
#include "Cli.hpp"

#include "course/CourseExamples.hpp"
#include "util/Error.hpp"

#include <QJsonArray>

namespace unroll::cli {

namespace {

// The values of `a` from `offset` on as nested arrays over the axes from `axis` on (numpy's tolist()).
QJsonArray nested(const NdArray& a, std::size_t axis, std::size_t& offset)
{
    QJsonArray out;
    const auto n = a.shape[axis];
    for (std::int64_t k = 0; k < n; ++k) {
        if (axis + 1 == a.shape.size())
            out.append(a.data[offset++]);
        else
            out.append(nested(a, axis + 1, offset));
    }
    return out;
}

QJsonArray toJson(const NdArray& a)
{
    std::size_t offset = 0;
    return nested(a, 0, offset);
}

} // namespace

int runCourseExamples(const QStringList& args)
{
    QCommandLineParser parser;
    if (!parseCommandLine(parser, args,
                          "The course's eight seeded RNN/LSTM examples (rnn_cell_forward … lstm_backward, 2021 "
                          "versions), computed by Unroll's core in double precision.\nPrints the notebook's lines, "
                          "or with --json every full array under the course's names."))
        return Ok;
    if (!parser.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + parser.positionalArguments().first().toStdString() + "'");
    const auto examples = unroll::runCourseExamples(); // qualified: this function's name hides the core's
    if (jsonRequested(parser)) {
        QJsonObject all;
        for (const auto& ex : examples) {
            QJsonObject arrays;
            for (const auto& [key, a] : ex.arrays) arrays.insert(QString::fromStdString(key), toJson(a));
            all.insert(QString::fromStdString(ex.function), arrays);
        }
        printJson(all);
    } else {
        printText(QString::fromStdString(courseExamplesText(examples)).trimmed());
    }
    return Ok;
}

} // namespace unroll::cli
