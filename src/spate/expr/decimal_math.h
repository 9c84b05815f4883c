#pragma once

// Exact decimal arithmetic as Spark does it on java.math.BigDecimal: values
// are unscaled integers with a scale, computed exactly in 256 bits and
// rounded HALF_UP (away from zero on a tie) to the scale of the result type.

#include <optional>
#include <string>

#include <arrow/status.h>
#include <arrow/util/decimal.h>

namespace spate {

struct DecimalValue {
  arrow::Decimal256 unscaled;
  int scale = 0;
};

/// `v` at scale `to`: digits added exactly, digits dropped rounded HALF_UP.
arrow::Decimal256 RescaleHalfUp(const DecimalValue& v, int to);

/// a op b for op in + - * / %, at `scale`. NULL (nullopt) when dividing by zero.
std::optional<arrow::Decimal256> DecimalBinary(char op, const DecimalValue& a,
                                               const DecimalValue& b, int scale);

/// Whether an unscaled value has at most `precision` digits.
bool FitsPrecision(const arrow::Decimal256& v, int precision);

/// The 128-bit storage of a value that fits in 38 digits.
arrow::Decimal128 ToDecimal128(const arrow::Decimal256& v);

/// Parses Java BigDecimal text ("1.5", "-2", "+3", "1e3", ".5"); nullopt when malformed.
std::optional<DecimalValue> ParseDecimal(std::string_view text);

/// [NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION] for `value` (plain text) that
/// does not fit DECIMAL(precision, scale).
arrow::Status NumericValueOutOfRange(const std::string& value, int precision, int scale);

}  // namespace spate
