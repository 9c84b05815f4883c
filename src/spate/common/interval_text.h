#pragma once

// Spark's interval text, as INTERVAL literals, window durations, watermark
// delays and trigger intervals take it: "10 minutes", "1 hour 30 minutes",
// "interval 2 days", "500 milliseconds", and the unit-to-unit strings of
// INTERVAL '1-2' YEAR TO MONTH and INTERVAL '1 02:03:04.5' DAY TO SECOND.
// Shared by the SQL parser (sql/) and the functions and settings below and
// above it that read interval strings.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>

namespace spate::sql {

/// An interval as months, days and microseconds.
struct IntervalValue {
  int32_t months = 0;
  int32_t days = 0;
  int64_t micros = 0;
};

/// How one unit word contributes: to months, to days, or to microseconds.
struct IntervalUnit {
  enum class Field { kMonths, kDays, kMicros };
  Field field;
  int64_t scale;                 // months, days or micros per unit
  bool allows_fraction = false;  // only seconds take one ("1.5 seconds"), as in Spark
};

/// The unit a word names, singular or plural, in any case ("hour", "Minutes");
/// nullopt for any other word.
std::optional<IntervalUnit> LookupIntervalUnit(std::string_view word);

/// Adds "<number> <unit>" to `acc`. The number is [+-]digits[.digits], the
/// fraction at most nine digits (nanoseconds; digits past micros are dropped).
/// Returns false on a malformed number, a fraction the unit does not take, or
/// overflow.
bool AddIntervalUnit(std::string_view number, const IntervalUnit& unit, IntervalValue* acc);

/// The words of interval text, split at whitespace.
std::vector<std::string_view> IntervalWords(std::string_view text);

/// "1 hour 30 minutes" (an optional leading "interval"): pairs of a number and
/// a unit separated by whitespace. nullopt when the text is not of that form.
std::optional<IntervalValue> ReadIntervalText(std::string_view text);

/// The string of a unit-to-unit interval: 'y-m' for YEAR TO MONTH, and for
/// the day-time units (upper case) the fields from `from` to `to` of
/// 'd h:m:s.f' (each after the first within its usual range). An optional sign
/// leads. nullopt when the text does not match.
std::optional<IntervalValue> ReadUnitToUnit(std::string_view text, std::string_view from,
                                            std::string_view to);

/// The fields of Spark's ANSI interval types, in order: year-month (YEAR, MONTH) and
/// day-time (DAY, HOUR, MINUTE, SECOND).
enum class AnsiField { kYear, kMonth, kDay, kHour, kMinute, kSecond };

/// The field a unit word gives an ANSI interval literal: weeks count as DAY, and
/// milliseconds and microseconds as SECOND; nullopt for a word that is not a unit.
std::optional<AnsiField> AnsiFieldOfUnit(std::string_view word);

/// Spark's SQL text of an ANSI interval literal with fields `start` to `end`:
/// INTERVAL '01' HOUR, INTERVAL '1 02' DAY TO HOUR, INTERVAL '1-2' YEAR TO MONTH (the
/// name Spark gives `INTERVAL 1 HOUR`). nullopt when the fields mix year-month and
/// day-time ones, which Spark refuses and Spate keeps as a calendar interval.
std::optional<std::string> AnsiIntervalSql(const IntervalValue& value, AnsiField start, AnsiField end);

/// ReadIntervalText, failing with [CANNOT_PARSE_INTERVAL] on text it does not read.
arrow::Result<IntervalValue> ParseIntervalString(std::string_view text);

}  // namespace spate::sql
