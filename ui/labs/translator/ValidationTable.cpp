// ValidationTableModel and ValidationFilter; see ValidationTable.hpp.
#include "labs/translator/ValidationTable.hpp"

#include "widgets/PlotExport.hpp"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace unroll {

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
const QColor kWrong(179, 38, 30), kRight(30, 110, 50);
} // namespace

void ValidationTableModel::setReports(const ValidationReport& main, const ValidationReport* baseline)
{
    beginResetModel();
    main_ = main;
    baseline_.reset();
    if (baseline && baseline->outputs.size() == main.pairs.size()) baseline_ = *baseline;
    endResetModel();
}

void ValidationTableModel::clear()
{
    beginResetModel();
    main_ = {};
    baseline_.reset();
    endResetModel();
}

bool ValidationTableModel::isRight(int row) const
{
    const auto r = std::size_t(row);
    return r < main_.outputs.size() && main_.outputs[r] == main_.pairs[r].target;
}

int ValidationTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(std::min(main_.pairs.size(), main_.outputs.size()));
}

int ValidationTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : (baseline_ ? 6 : 4);
}

QVariant ValidationTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const auto r = std::size_t(index.row());
    const DatePair& pair = main_.pairs[r];
    const bool right = main_.outputs[r] == pair.target;
    const bool baselineRight = baseline_ && baseline_->outputs[r] == pair.target;
    const int column = index.column();
    if (role == Qt::DisplayRole || role == kSortRole) {
        switch (column) {
        case Source: return q(pair.source);
        case Expected: return q(pair.target);
        case Answer: return q(main_.outputs[r]);
        case Right: return role == kSortRole ? QVariant(right) : QVariant(right ? "✓" : "✗");
        case BaselineAnswer: return baseline_ ? QVariant(q(baseline_->outputs[r])) : QVariant();
        case BaselineRight:
            if (!baseline_) return {};
            return role == kSortRole ? QVariant(baselineRight) : QVariant(baselineRight ? "✓" : "✗");
        }
        return {};
    }
    if (role == Qt::ForegroundRole) {
        if (column == Answer || column == Right) return QBrush(right ? (column == Right ? kRight : QColor(Qt::black)) : kWrong);
        if (column == BaselineAnswer || column == BaselineRight)
            return QBrush(baselineRight ? (column == BaselineRight ? kRight : QColor(Qt::black)) : kWrong);
        return {};
    }
    if (role == Qt::FontRole && column != Right && column != BaselineRight) {
        QFont f("DejaVu Sans Mono");
        f.setStyleHint(QFont::Monospace);
        return f;
    }
    if (role == Qt::TextAlignmentRole && (column == Right || column == BaselineRight)) return int(Qt::AlignCenter);
    if (role == Qt::ToolTipRole && column == Source) return tr("Click to translate it above and see its attention");
    return {};
}

QVariant ValidationTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole) return {};
    if (orientation == Qt::Vertical) return section + 1;
    switch (section) {
    case Source: return tr("Source");
    case Expected: return tr("Expected");
    case Answer: return tr("Answer");
    case Right: return tr("Right");
    case BaselineAnswer: return tr("Without attention");
    case BaselineRight: return tr("Right");
    }
    return {};
}

QString ValidationTableModel::toCsv() const
{
    QString out = baseline_ ? "source,expected,answer,right,baseline_answer,baseline_right\n"
                            : "source,expected,answer,right\n";
    for (int row = 0; row < rowCount(); ++row) {
        const auto r = std::size_t(row);
        QStringList fields{csvField(q(main_.pairs[r].source)), csvField(q(main_.pairs[r].target)),
                           csvField(q(main_.outputs[r])), isRight(row) ? "1" : "0"};
        if (baseline_)
            fields << csvField(q(baseline_->outputs[r])) << (baseline_->outputs[r] == main_.pairs[r].target ? "1" : "0");
        out += fields.join(',') + "\n";
    }
    return out;
}

ValidationFilter::ValidationFilter(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(ValidationTableModel::kSortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void ValidationFilter::setOnlyWrong(bool on)
{
    if (on == onlyWrong_) return;
    onlyWrong_ = on;
    invalidateFilter(); // Qt 6.4: the filter's inputs changed
}

bool ValidationFilter::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    if (!onlyWrong_) return true;
    const auto* model = qobject_cast<const ValidationTableModel*>(sourceModel());
    return model && !model->isRight(sourceRow);
}

} // namespace unroll
