// Dates and their renderings; see Dates.hpp. The course's patterns are rendered as babel renders them for en_US
// (CLDR's English month and weekday names). A pattern's "YY"/"YYY" is CLDR's week-based year, which differs from the
// calendar year for a few days around New Year; babel renders it as the calendar year for en_US (its weeks start on
// Sunday with one day enough for a first week, so its "week 0" correction never applies), the course's targets
// assume the calendar year, and so do we. Checked against babel 2.10.3 on 146,104 renderings (every course format,
// a date in every week of 1900..2099): all equal.
#include "translate/Dates.hpp"

#include "math/Rng.hpp"
#include "util/Error.hpp"

#include <array>
#include <cstdio>

namespace unroll {

namespace {

constexpr std::array<std::string_view, 12> kMonths = {"January", "February", "March",     "April",   "May",      "June",
                                                      "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 12> kMonthsShort = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                       "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 7> kWeekdaysShort = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

// The generator's range and the two-digit years that read back unambiguously (yy >= 69: 19yy, else 20yy).
constexpr CivilDate kFirstDate{1900, 1, 1}, kLastDate{2099, 12, 31};
constexpr int kFirstTwoDigitYear = 1969, kLastTwoDigitYear = 2068;

std::string padded(int value, int width)
{
    std::string s = std::to_string(value);
    if (int(s.size()) < width) s.insert(0, std::size_t(width) - s.size(), '0');
    return s;
}

std::string ordinal(int day)
{
    const int lastTwo = day % 100, last = day % 10;
    const char* suffix = "th";
    if (lastTwo < 11 || lastTwo > 13) {
        if (last == 1) suffix = "st";
        else if (last == 2) suffix = "nd";
        else if (last == 3) suffix = "rd";
    }
    return std::to_string(day) + suffix;
}

bool isPatternLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// One field of a pattern: the letter run ("MMMM", "d", "YYY") or one of our two extensions ("do", "dth").
std::string renderField(const CivilDate& d, std::string_view field, std::string_view pattern)
{
    if (field == "do") return ordinal(d.day);
    if (field == "dth") return std::to_string(d.day) + "th";
    const char letter = field[0];
    const int count = int(field.size());
    switch (letter) {
    case 'd':
        if (count <= 2) return padded(d.day, count);
        break;
    case 'M':
    case 'L':
        if (count <= 2) return padded(d.month, count);
        if (count == 3) return std::string(kMonthsShort[std::size_t(d.month - 1)]);
        if (count == 4) return std::string(kMonths[std::size_t(d.month - 1)]);
        break;
    case 'y':
    case 'Y': // CLDR's week-based year, read as the calendar year (see the file comment)
        if (count == 2) return padded(d.year % 100, 2);
        return padded(d.year, count);
    case 'E':
        if (count <= 3) return std::string(kWeekdaysShort[std::size_t(dayOfWeek(d))]);
        if (count == 4) return std::string(kWeekdays[std::size_t(dayOfWeek(d))]);
        break;
    default:
        break;
    }
    throw InputError("date pattern \"" + std::string(pattern) + "\": the field \"" + std::string(field) +
                     "\" is not one of d dd do dth M MM MMM MMMM y yy yyyy YY YYY EEE EEEE");
}

// The course's 24 entries (nmt_utils.FORMATS: 'short', 'medium', 'long', 'full' ten times, then eleven explicit
// patterns, 'd MMMM YYY' twice, so it carries weight 2 here), then the forms people type.
const std::vector<DateFormat> kFormats = {
    {"short", "M/d/yy", 1, true, true},
    {"medium", "MMM d, y", 1, true, false},
    {"long", "MMMM d, y", 1, true, false},
    {"full", "EEEE, MMMM d, y", 10, true, false},
    {"d MMM YYY", "d MMM YYY", 1, true, false},
    {"d MMMM YYY", "d MMMM YYY", 2, true, false},
    {"dd MMM YYY", "dd MMM YYY", 1, true, false},
    {"d MMM, YYY", "d MMM, YYY", 1, true, false},
    {"d MMMM, YYY", "d MMMM, YYY", 1, true, false},
    {"dd, MMM YYY", "dd, MMM YYY", 1, true, false},
    {"d MM YY", "d MM YY", 1, true, true},
    {"MMMM d YYY", "MMMM d YYY", 1, true, false},
    {"MMMM d, YYY", "MMMM d, YYY", 1, true, false},
    {"dd.MM.YY", "dd.MM.YY", 1, true, true},
    // Typed forms (the course's own test sentences and what people write besides).
    {"EEE d MMM y", "EEE d MMM y", 1, false, false},           // tue 10 jul 2007
    {"EEE MMM d y", "EEE MMM d y", 1, false, false},           // tue jul 10 2007
    {"EEEE d MMMM y", "EEEE d MMMM y", 1, false, false},       // saturday 9 may 2018
    {"EEEE dd MMM y", "EEEE dd MMM y", 1, false, false},       // tuesday 09 oct 1993
    {"MMMM do y", "MMMM do y", 1, false, false},               // march 3rd 2001
    {"do MMMM y", "do MMMM y", 1, false, false},               // 3rd march 2001
    {"do 'of' MMMM y", "do 'of' MMMM y", 1, false, false},     // 4th of july 2001
    {"dth 'of' MMMM y", "dth 'of' MMMM y", 1, false, false},   // 21th of august 2016
    {"y/M/d", "y/M/d", 1, false, false},                       // 2001/3/3
    {"MMM. d yy", "MMM. d yy", 1, false, true},                // mar. 3 01
    {"d MMMM yy", "d MMMM yy", 1, false, true},                // 5 april 09
    {"M/d/y", "M/d/y", 1, false, false},                       // 3/3/2001
};

} // namespace

bool isLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int daysInMonth(int year, int month)
{
    static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return month == 2 && isLeapYear(year) ? 29 : kDays[std::size_t(month - 1)];
}

bool isValidDate(const CivilDate& d)
{
    return d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= daysInMonth(d.year, d.month);
}

// Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms": days_from_civil and civil_from_days, with eras of
// 400 years (146,097 days) counted from 0000-03-01 so that February ends each computed year.
std::int64_t daysFromCivil(const CivilDate& d)
{
    const std::int64_t y = std::int64_t(d.year) - (d.month <= 2 ? 1 : 0);
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;                                          // [0, 399]
    const std::int64_t doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1; // [0, 365]
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                  // [0, 146096]
    return era * 146097 + doe - 719468;
}

CivilDate civilFromDays(std::int64_t days)
{
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t doe = days - era * 146097;                                  // [0, 146096]
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; // [0, 399]
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              // [0, 365]
    const std::int64_t mp = (5 * doy + 2) / 153;                                   // [0, 11], March = 0
    const int day = int(doy - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    return {int(year), month, day};
}

int dayOfWeek(const CivilDate& d)
{
    // 1970-01-01 was a Thursday (3 with Monday = 0).
    const std::int64_t days = daysFromCivil(d);
    return int(((days % 7) + 7 + 3) % 7);
}

std::string isoDate(const CivilDate& d)
{
    return padded(d.year, 4) + '-' + padded(d.month, 2) + '-' + padded(d.day, 2);
}

std::optional<CivilDate> parseIsoDate(std::string_view s)
{
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    auto number = [&](std::size_t at, std::size_t n) -> std::optional<int> {
        int v = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    const auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
    if (!y || !m || !d) return std::nullopt;
    const CivilDate date{*y, *m, *d};
    if (!isValidDate(date)) return std::nullopt;
    return date;
}

const std::vector<DateFormat>& dateFormats() { return kFormats; }

std::string formatDate(const CivilDate& d, const DateFormat& format)
{
    const std::string_view p = format.pattern;
    std::string out;
    for (std::size_t i = 0; i < p.size();) {
        if (p[i] == '\'') { // '' is a quote, in quoted text or outside; 'text' is literal
            if (i + 1 < p.size() && p[i + 1] == '\'') {
                out += '\'';
                i += 2;
                continue;
            }
            for (++i;; ++i) {
                if (i >= p.size()) throw InputError("date pattern \"" + std::string(p) + "\": a quote is not closed");
                if (p[i] != '\'') {
                    out += p[i];
                } else if (i + 1 < p.size() && p[i + 1] == '\'') {
                    out += '\'';
                    ++i;
                } else {
                    break;
                }
            }
            ++i;
        } else if (p.substr(i, 3) == "dth") {
            out += renderField(d, "dth", p);
            i += 3;
        } else if (p.substr(i, 2) == "do") {
            out += renderField(d, "do", p);
            i += 2;
        } else if (isPatternLetter(p[i])) {
            std::size_t j = i;
            while (j < p.size() && p[j] == p[i]) ++j;
            out += renderField(d, p.substr(i, j - i), p);
            i = j;
        } else {
            out += p[i++];
        }
    }
    // The course's post-processing: lower-case, commas removed.
    std::string result;
    result.reserve(out.size());
    for (char c : out) {
        if (c == ',') continue;
        result += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
    }
    return result;
}

std::vector<DatePair> generateDates(std::size_t n, std::uint32_t seed, bool courseFormatsOnly)
{
    // The date first (uniform over the range), then a format by weight among those that can write it: a two-digit
    // year only for 1969..2068. Drawing in this order keeps the dates uniform.
    Rng rng(seed);
    const std::int64_t first = daysFromCivil(kFirstDate), last = daysFromCivil(kLastDate);
    std::vector<const DateFormat*> all, fourDigit;
    std::int64_t allWeight = 0, fourDigitWeight = 0;
    for (const DateFormat& f : kFormats) {
        if (courseFormatsOnly && !f.course) continue;
        all.push_back(&f);
        allWeight += f.weight;
        if (!f.twoDigitYear) {
            fourDigit.push_back(&f);
            fourDigitWeight += f.weight;
        }
    }
    std::vector<DatePair> pairs;
    pairs.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
        const CivilDate date = civilFromDays(rng.randint(first, last + 1));
        const bool twoDigitOk = date.year >= kFirstTwoDigitYear && date.year <= kLastTwoDigitYear;
        const auto& formats = twoDigitOk ? all : fourDigit;
        std::int64_t r = rng.randint(0, twoDigitOk ? allWeight : fourDigitWeight);
        std::size_t pick = 0;
        while (r >= formats[pick]->weight) r -= formats[pick++]->weight;
        pairs.push_back({formatDate(date, *formats[pick]), isoDate(date)});
    }
    return pairs;
}

} // namespace unroll
