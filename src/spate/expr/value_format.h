#pragma once

// Values as Spark prints them: CAST(x AS STRING), show(), literals inside
// generated column names and error messages. One place for these rules so
// show(), CAST and concat() agree.

#include <memory>
#include <string>
#include <string_view>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/types/data_type.h"

namespace spate {

struct FormatOptions {
  /// spark.sql.session.timeZone: timestamps (not timestamp_ntz) print in this zone.
  std::string time_zone = "UTC";
  /// CAST(decimal AS STRING) in plain notation, as Spark does with ANSI mode on
  /// (the default). false gives the non-ANSI form, Java's BigDecimal.toString,
  /// which switches to scientific notation for small values ("0E-18").
  /// show() always prints decimals plain.
  bool decimal_plain_string = true;
};

/// CAST(array AS STRING) with Spark's rules for every type: booleans "true",
/// doubles as Java prints them ("1.0", "1.0E10", "NaN", "Infinity"), decimals
/// plain, dates "2024-01-31", timestamps "2024-01-31 12:00:00[.123456]" (trailing
/// zeros of the fraction dropped), binary decoded as UTF-8, arrays "[1, 2, null]",
/// maps "{a -> 1}", structs "{1, x}". Nulls stay null.
arrow::Result<std::shared_ptr<arrow::Array>> CastToString(const arrow::Array& values,
                                                          const DataType& type,
                                                          const FormatOptions& options);

/// One cell of show(): like CastToString, but a null prints "NULL" and binary
/// prints as hex bytes "[01 02 FF]".
arrow::Result<std::shared_ptr<arrow::Array>> FormatForShow(const arrow::Array& values,
                                                           const DataType& type,
                                                           const FormatOptions& options);

/// Dataset.showString: the table show() prints, with Spark's exact layout.
/// truncate > 0 cuts cells longer than truncate to truncate-3 chars + "..."
/// and right-aligns; truncate == 0 left-aligns and keeps cells whole.
/// `rows` holds at most num_rows + 1 rows, so the footer "only showing top N
/// rows" is printed when there are more.
arrow::Result<std::string> ShowString(const arrow::Table& rows, const StructType& schema,
                                      int num_rows, int truncate, bool vertical,
                                      const FormatOptions& options);

/// While alive, the literals LiteralPretty and the two-argument LiteralSql print on
/// this thread show timestamps in `time_zone` (UTC outside any scope): a DataFrame
/// operation names its columns in its session's zone, as Spark does. Scopes nest.
class LiteralTimeZoneScope {
 public:
  explicit LiteralTimeZoneScope(std::string time_zone);
  ~LiteralTimeZoneScope();
  LiteralTimeZoneScope(const LiteralTimeZoneScope&) = delete;
  LiteralTimeZoneScope& operator=(const LiteralTimeZoneScope&) = delete;

 private:
  std::string time_zone_;
  const std::string* previous_;
};

/// A literal inside a generated column name: strings unquoted, numbers as
/// Java prints them, null as NULL (Spark's toPrettySQL).
std::string LiteralPretty(const arrow::Scalar& value, const DataType& type);
/// A literal as SQL text (Spark's Literal.sql): 'it\'s', 1L, 1.5D, 2.50BD,
/// CAST('1.5' AS FLOAT), DATE '2024-01-01', X'0102', NULL. Timestamps print in the
/// zone of the innermost LiteralTimeZoneScope.
std::string LiteralSql(const arrow::Scalar& value, const DataType& type);
/// LiteralSql with timestamps printed in options.time_zone.
std::string LiteralSql(const arrow::Scalar& value, const DataType& type,
                       const FormatOptions& options);

/// Java's Double.toString / Float.toString: shortest digits that read back to
/// the same value, plain between 1e-3 and 1e7, else "1.0E7" style.
std::string JavaDoubleString(double value);
std::string JavaFloatString(float value);
/// The width show() gives a string: UTF-16 length plus one for each East Asian
/// full-width character (Spark's Utils.stringHalfWidth).
int StringHalfWidth(std::string_view text);

}  // namespace spate
