#pragma once

// User-facing errors carry Spark's error class in brackets at the start of the
// message and its SQLSTATE at the end, as Spark prints them:
//   [UNSUPPORTED_DATATYPE] Unsupported data type "FOO". SQLSTATE: 0A000
// Inside the engine they travel as arrow::Status (code Invalid); the Python
// layer maps the class to the pyspark-named exception.

#include <string>
#include <string_view>

#include <arrow/status.h>

namespace spate {

/// A user error with Spark's error class and SQLSTATE.
arrow::Status SparkError(std::string_view error_class, std::string_view sqlstate,
                         std::string_view message);

/// The error class of a status built by SparkError ("" when it has none).
std::string_view ErrorClassOf(const arrow::Status& status);

/// The message of [FAILED_TO_PARSE_TOO_COMPLEX] (SQLSTATE 54001), which the parsers
/// and the expression factories give input nested deeper than they take.
inline constexpr std::string_view kTooComplexMessage =
    "The statement, including potential SQL functions and referenced views, was too complex to "
    "parse. To mitigate this error divide the statement into multiple, less complex chunks.";

}  // namespace spate

namespace spate {

/// An analysis error Spark reports without an error class (its legacy
/// messages, e.g. "Queries with streaming sources must be executed with
/// writeStream.start();"), or with one of its legacy classes
/// ("_LEGACY_ERROR_TEMP_3102": "[class] message", which Python prints
/// without the class, as Spark does). Python raises AnalysisException for it.
arrow::Status LegacyAnalysisError(std::string_view message, std::string_view legacy_class = {});
bool IsLegacyAnalysisError(const arrow::Status& status);
/// The status's message as Spark prints it: a legacy class's name left out.
std::string PrintedMessage(const arrow::Status& status);

/// [TABLE_OR_VIEW_NOT_FOUND] for `name`.
arrow::Status TableNotFound(const std::string& name);

}  // namespace spate
