#pragma once

// What the date and time function files share (functions_datetime*.cc): the
// proleptic Gregorian calendar, time zone conversion, arguments as per-row
// values, and argument checks. Internal to those files.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/api.h>

#include "spate/common/calendar.h"
#include "spate/expr/bound_expr.h"
#include "spate/expr/time_zone.h"
#include "spate/types/data_type.h"

namespace spate::dt {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 3600 * kMicrosPerSecond;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;
constexpr const char* kDefaultFormat = "yyyy-MM-dd HH:mm:ss";

/// One value per row; nullopt is NULL.
using Values = std::vector<std::optional<int64_t>>;

// Calendar (common/calendar.h)
using calendar::AddMonths;
using calendar::Civil;
using calendar::CivilFromDays;
using calendar::DayOfYear;
using calendar::DaysFromCivil;
using calendar::DaysInMonth;
using calendar::FloorDiv;
using calendar::FloorMod;
using calendar::IsLeap;
using calendar::IsoDayOfWeek;
using calendar::IsoWeek;
extern const char* const kMonthNames[12];
extern const char* const kDayNames[7];  // Monday first

// Time zones (time_zone.h)
using spate::LocalToUtc;
using spate::UtcToLocal;

// Arguments as per-row values
arrow::Result<std::shared_ptr<arrow::Array>> ToArray(const arrow::Datum& d, int64_t n);
arrow::Result<std::shared_ptr<arrow::Array>> Int64Array(const Values& values);
/// Integer columns (dates and timestamps as their integers).
arrow::Result<Values> Integers(const arrow::Datum& d, int64_t n);
std::vector<std::optional<std::string_view>> Strings(const arrow::Array& arr);
/// Any temporal argument (or string) as UTC instants.
arrow::Result<Values> Instants(const arrow::Datum& d, const DataType& type, const EvalContext& ctx,
                               int64_t n);
/// Any temporal argument as wall-clock microseconds in the session zone.
arrow::Result<Values> WallTimes(const arrow::Datum& d, const DataType& type, const EvalContext& ctx,
                                int64_t n);
/// Any date-like argument as days since the epoch.
arrow::Result<Values> Days(const arrow::Datum& d, const DataType& type, const EvalContext& ctx,
                           int64_t n);
/// A string column as UTC instants, by the CAST rules or `pattern`.
arrow::Result<Values> ParseInstants(const arrow::Array& arr, const std::optional<std::string>& pattern,
                                    const EvalContext& ctx);
/// A string column as wall times (TIMESTAMP_NTZ), a zone in the text ignored.
arrow::Result<Values> ParseWalls(const arrow::Array& arr, const std::optional<std::string>& pattern,
                                 const EvalContext& ctx);
/// The result column of Spark type `type` (INT, DATE, BIGINT, TIMESTAMP[_NTZ]).
arrow::Result<arrow::Datum> Output(const Values& values, const DataType& type);
/// UTC instants formatted with a datetime pattern in `tz`.
arrow::Result<std::shared_ptr<arrow::Array>> FormatInstants(const Values& utc,
                                                            const std::string& pattern,
                                                            const std::string& tz);

// Argument checks
// kDate / kTimestamp accept any datetime or string (converted by the
// function); kDateOnly / kTimestampOnly exactly that type; kInt, kLong and
// kDecimal numbers and strings (cast by the caller for kDecimal).
enum class Kind {
  kDate, kTimestamp, kString, kInt, kLong, kNumeric, kIntegral, kDecimal, kBoolean, kDateOnly,
  kTimestampOnly
};
/// Argument count and types (DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE); string
/// and number arguments get Spark's implicit casts.
arrow::Status CheckArgs(const std::string& name, std::vector<BoundExprPtr>& args,
                        const std::string& pretty, size_t min, size_t max,
                        const std::vector<Kind>& kinds);
/// The text of a constant argument; nullopt when it is NULL.
arrow::Result<std::optional<std::string>> ConstantText(const BoundExpr& arg, const std::string& fn);

/// Converts each row between UTC and the wall clock of its own zone (`zones`:
/// a constant or a string column; INVALID_TIMEZONE for a zone Spark rejects).
arrow::Result<Values> ConvertPerZone(const Values& in, const arrow::Datum& zones, int64_t n,
                                     bool to_utc);

/// Numbers of seconds (or `unit_micros` units) as microseconds, as
/// timestamp_seconds reads them: NaN and infinities are NULL, a decimal with
/// more than 6 fraction digits must be exact.
arrow::Result<Values> NumberToMicros(const arrow::Datum& d, const DataType& type, int64_t n,
                                     int64_t unit_micros);

}  // namespace spate::dt

namespace spate {
class FunctionRegistry;
/// make_date, make_timestamp*, make_interval, timestamp_seconds & co.
void RegisterDatetimeMakeFunctions(FunctionRegistry& r);
}  // namespace spate
