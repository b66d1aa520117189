// The labs' settings fields; see FormFields.hpp.
#include "widgets/FormFields.hpp"

#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QLabel>
#include <QSpinBox>

namespace unroll {

QSpinBox* spin(int lo, int hi, int value, int step)
{
    auto* s = new QSpinBox;
    s->setRange(lo, hi);
    s->setValue(value);
    s->setSingleStep(step);
    s->setKeyboardTracking(false); // a new run per finished edit, not per keystroke
    s->setGroupSeparatorShown(true);
    return s;
}

QDoubleSpinBox* doubleSpin(double lo, double hi, double value, int decimals, double step)
{
    auto* s = new QDoubleSpinBox;
    s->setDecimals(decimals);
    s->setRange(lo, hi);
    s->setValue(value);
    s->setSingleStep(step);
    s->setKeyboardTracking(false);
    return s;
}

void addPair(QGridLayout* grid, int row, int pair, const QString& label, QWidget* field)
{
    auto* l = new QLabel(label);
    l->setBuddy(field);
    l->setToolTip(field->toolTip());
    grid->addWidget(l, row, 2 * pair);
    grid->addWidget(field, row, 2 * pair + 1);
    grid->setColumnStretch(2 * pair + 1, 1);
}

} // namespace unroll
