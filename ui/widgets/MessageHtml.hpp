// The labs' message lines in rich text: a value shown as typed (escaped), and an error in the house red.
//   setMessage(errorHtml(tr("<b>Cannot open:</b> %1").arg(html(error))));
#pragma once

#include <QString>

namespace unroll {

inline QString html(const QString& s) { return s.toHtmlEscaped(); }
inline QString errorHtml(const QString& text) { return QString("<span style='color:#b3261e'>%1</span>").arg(text); }

} // namespace unroll
