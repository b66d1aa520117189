// Human-readable dates and their ISO form: the data of the Sequence Models course's "Neural machine translation with
// attention" assignment (nmt_utils.load_dataset), generated here in C++ from a seed.
//
//   const auto pairs = generateDates(10, 1);   // {"9 may 1998", "1998-05-09"}, …
//
// The course formats each random date with babel (locale en_US) in one of 24 CLDR patterns, lower-cased, commas
// removed; the target is date.isoformat(). dateFormats() lists those 24 as 14 weighted entries ('full' weight 10,
// 'd MMMM YYY', listed twice, weight 2), then the forms people type that the course's examples use but its generator
// does not make: abbreviated weekdays ("tue 10 jul 2007"), ordinals and "Nth of month" ("4th of july 2001",
// "21th of august 2016", "march 3rd 2001"), "2001/3/3", "mar. 3 01", and a few more (docs/translator.md).
// Dates are drawn uniformly from 1900-01-01 .. 2099-12-31 (proleptic Gregorian calendar). A two-digit year is only
// used for 1969 .. 2068 (read back as 19yy for yy >= 69, else 20yy), so every rendering names one date; every
// rendering fits in Tx = 30 characters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace unroll {

struct CivilDate {
    int year = 2000, month = 1, day = 1; // month 1..12, day 1..31
    friend bool operator==(const CivilDate&, const CivilDate&) = default;
    friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

bool isLeapYear(int year);
int daysInMonth(int year, int month);
bool isValidDate(const CivilDate& d);
int dayOfWeek(const CivilDate& d); // 0 = Monday … 6 = Sunday
// Days since 1970-01-01 and back (Howard Hinnant's civil-date algorithms); any proleptic Gregorian date.
std::int64_t daysFromCivil(const CivilDate& d);
CivilDate civilFromDays(std::int64_t days);

std::string isoDate(const CivilDate& d);                 // "1998-05-09"
std::optional<CivilDate> parseIsoDate(std::string_view); // "YYYY-MM-DD" of a valid date, else nullopt

// One way of writing a date. pattern: CLDR letters as babel reads them (d dd M MM MMM MMMM y yy YYY EEE EEEE, other
// characters literal, 'text' quoted), plus two of ours: "do" = the day as an ordinal ("3rd", "21st"), "dth" = the
// day with "th" whatever the number ("21th", as people type it and the course's example has it).
struct DateFormat {
    std::string_view id;      // "short", "medium", "long", "full", or the pattern itself for the explicit ones
    std::string_view pattern; // the CLDR pattern babel uses for en_US ("M/d/yy" for short, …)
    int weight = 1;           // relative frequency in the generator (the course's 'full' appears 10 times)
    bool course = false;      // one of the course's 24 entries
    bool twoDigitYear = false;
};
const std::vector<DateFormat>& dateFormats();

// The date in that format: babel's rendering (format_date(d, pattern, locale="en_US")), lower-cased, commas removed.
std::string formatDate(const CivilDate& d, const DateFormat& format);

struct DatePair {
    std::string source; // "saturday april 28 1990"
    std::string target; // "1990-04-28"
};

// n pairs from the seed (numpy's RandomState stream, math/Rng.hpp): the same seed gives the same pairs on any machine.
// courseFormatsOnly: only the course's 24 entries, with its weights.
std::vector<DatePair> generateDates(std::size_t n, std::uint32_t seed, bool courseFormatsOnly = false);

} // namespace unroll
