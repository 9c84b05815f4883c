#pragma once

// The proleptic Gregorian calendar Spark uses (java.time's): dates as days
// since 1970-01-01, civil dates with any year (negative years included, year 0
// is 1 BC), and dates as java.time prints them. Time zones are not here: they
// need the tz database (expr/datetime_internal.h converts instants).

#include <cstdint>
#include <string>

namespace spate::calendar {

/// Division and remainder rounding toward negative infinity (b > 0): the day
/// of -1 microsecond is -1, not 0.
int64_t FloorDiv(int64_t a, int64_t b);
int64_t FloorMod(int64_t a, int64_t b);

struct Civil {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
};

/// Days since 1970-01-01 of year-month-day (H. Hinnant's civil-date algorithms).
int64_t DaysFromCivil(int64_t year, int month, int day);
Civil CivilFromDays(int64_t days);
bool IsLeap(int64_t year);
int DaysInMonth(int64_t year, int month);
/// 1 = Monday ... 7 = Sunday (ISO).
int IsoDayOfWeek(int64_t days);
/// 1..366.
int DayOfYear(int64_t days);
/// ISO-8601 week number: weeks start on Monday, week 1 holds the year's first Thursday.
int IsoWeek(int64_t days);
/// Adds months, clamping the day to the target month's length (Jan 31 + 1 month = Feb 28/29).
int64_t AddMonths(int64_t days, int64_t months);

/// Appends the year as java.time prints it: at least four digits, '-' before
/// years below 1 and '+' before years past 9999 ("-0044", "2024", "+12345").
void AppendYear(int64_t year, std::string* out);
/// Appends yyyy-MM-dd with the year as AppendYear prints it.
void AppendDate(int64_t days, std::string* out);

}  // namespace spate::calendar
