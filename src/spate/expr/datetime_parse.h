#pragma once

// Spark's readings of date and timestamp text, one value at a time, as
// CAST(s AS DATE / TIMESTAMP) and the JSON and CSV readers apply them.
// (The batch casts in functions_datetime.cc use the same parsers.)

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <arrow/result.h>

namespace spate {

/// [+-]yyyy[-[m]m[-[d]d]] optionally followed by a time part: days since
/// 1970-01-01, or nullopt when the text is not a date.
std::optional<int32_t> ParseDateText(std::string_view text);

/// date[(T| )h[h][:m[m][:s[s][.fraction][zone]]]], or a time alone (today's
/// date in its zone): UTC microseconds. Text without a zone is a wall time in
/// `session_tz`. For TIMESTAMP_NTZ (`ntz`) the wall time itself is returned;
/// a zone or a time alone makes the text invalid.
/// nullopt when the text is not a timestamp.
arrow::Result<std::optional<int64_t>> ParseTimestampText(std::string_view text,
                                                         const std::string& session_tz, bool ntz);

/// A datetime pattern (Spark's letters, read as to_timestamp reads them and
/// written as date_format writes them), compiled once: the timestampFormat,
/// timestampNTZFormat and dateFormat options of from_json, to_json and the
/// JSON source. Immutable; safe to share between threads.
class DatetimePattern {
 public:
  /// INVALID_DATETIME_PATTERN for a letter Spark does not know.
  static arrow::Result<DatetimePattern> Make(const std::string& pattern);

  /// The whole text read with the pattern: UTC microseconds, a text without a
  /// zone being a wall time in `session_tz`; for TIMESTAMP_NTZ (`ntz`) the wall
  /// time, and a zone in the text makes it invalid. nullopt when it does not
  /// match.
  arrow::Result<std::optional<int64_t>> ParseTimestamp(std::string_view text, const std::string& session_tz,
                                                       bool ntz) const;
  /// The whole text read with the pattern: days since 1970-01-01.
  std::optional<int32_t> ParseDate(std::string_view text) const;
  /// A UTC instant as the pattern prints it in time zone `tz`; with `tz`
  /// empty, a wall time (TIMESTAMP_NTZ, or a date's midnight) as it is.
  arrow::Result<std::string> Format(int64_t micros, const std::string& tz) const;

 private:
  struct Tokens;
  std::shared_ptr<const Tokens> tokens_;
};

}  // namespace spate
