// The held-out examples as a table: source, expected translation, the model's greedy answer and whether it is
// right, and, when the baseline without attention trains, its answer too. ValidationTableModel holds the rows;
// ValidationFilter sorts them (every column, a right/wrong column by its truth) and can show only the wrong ones.
//
//   model->setReports(task.lastReport(), task.baseline() ? &task.lastBaselineReport() : nullptr);
//   view->setModel(filter); filter->setSourceModel(model); filter->setOnlyWrong(true);
#pragma once

#include "translate/TranslatorTask.hpp"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <optional>

namespace unroll {

class ValidationTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Source, Expected, Answer, Right, BaselineAnswer, BaselineRight };
    static constexpr int kSortRole = Qt::UserRole; // a value that sorts (bool for the right/wrong columns)

    using QAbstractTableModel::QAbstractTableModel;

    // baseline: null without one; its pairs must be the main report's (the task scores both on the same pairs).
    void setReports(const ValidationReport& main, const ValidationReport* baseline);
    void clear();
    const ValidationReport& report() const { return main_; }
    bool hasBaseline() const { return baseline_.has_value(); }
    bool isRight(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // source,expected,answer,right[,baseline_answer,baseline_right]; right as 1/0.
    QString toCsv() const;

private:
    ValidationReport main_;
    std::optional<ValidationReport> baseline_;
};

class ValidationFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit ValidationFilter(QObject* parent = nullptr);
    void setOnlyWrong(bool on);
    bool onlyWrong() const { return onlyWrong_; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool onlyWrong_ = false;
};

} // namespace unroll
