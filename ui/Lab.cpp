// Lab base defaults and the registry of labs; see Lab.hpp.
#include "Lab.hpp"

#include "labs/HomeLab.hpp"

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
