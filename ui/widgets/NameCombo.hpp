// A combo box filled from one of the core's enum name tables (cellKindNames, optimizerKindNames, clipModeNames, …):
// item i is enum value i, so currentIndex() converts straight back.
#pragma once

#include <QComboBox>

#include <string_view>

namespace unroll {

template <class Names> QComboBox* comboFromNames(const Names& names)
{
    auto* combo = new QComboBox;
    for (const auto& name : names) {
        const std::string_view s(name);
        combo->addItem(QString::fromUtf8(s.data(), qsizetype(s.size())));
    }
    return combo;
}

} // namespace unroll
