// The fields of the labs' settings panels, made one way: spin boxes that take a finished edit (not each keystroke,
// which would start a run per digit) and a grid of label / field pairs, two pairs a row.
//
//   auto* grid = new QGridLayout;
//   addPair(grid, 0, 0, tr("Epochs"), epochs_ = spin(1, 10000, 30));
//   addPair(grid, 0, 1, tr("Rate"), rate_ = doubleSpin(1e-5, 1, 1e-3, 5, 1e-4));
#pragma once

#include <QString>

class QDoubleSpinBox;
class QGridLayout;
class QSpinBox;
class QWidget;

namespace unroll {

QSpinBox* spin(int lo, int hi, int value, int step = 1);
QDoubleSpinBox* doubleSpin(double lo, double hi, double value, int decimals, double step);
// A label (the field's buddy, with its tooltip) and its field at (row, pair) of a grid of two pairs a row.
void addPair(QGridLayout* grid, int row, int pair, const QString& label, QWidget* field);

} // namespace unroll
