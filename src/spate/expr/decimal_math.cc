#include "spate/expr/decimal_math.h"

#include <algorithm>

#include <fmt/format.h>

#include "spate/common/error.h"

namespace spate {

namespace {

using arrow::Decimal256;

Decimal256 Abs(const Decimal256& v) { return Decimal256::Abs(v); }

// Truncating division with its remainder (the divisor is never zero here).
void DivMod(const Decimal256& n, const Decimal256& d, Decimal256* q, Decimal256* r) {
  arrow::BasicDecimal256 quotient, remainder;
  (void)static_cast<const arrow::BasicDecimal256&>(n).Divide(d, &quotient, &remainder);
  *q = quotient;
  *r = remainder;
}

// q = n / d rounded HALF_UP.
Decimal256 DivideHalfUp(const Decimal256& n, const Decimal256& d) {
  Decimal256 q, r;
  DivMod(n, d, &q, &r);
  Decimal256 twice = Abs(r) + Abs(r);
  if (twice >= Abs(d)) {
    bool negative = n.IsNegative() != d.IsNegative();
    q += negative ? Decimal256(-1) : Decimal256(1);
  }
  return q;
}

}  // namespace

Decimal256 RescaleHalfUp(const DecimalValue& v, int to) {
  if (to == v.scale) return v.unscaled;
  if (to > v.scale) return v.unscaled.IncreaseScaleBy(to - v.scale);
  return v.unscaled.ReduceScaleBy(v.scale - to, /*round=*/true);
}

std::optional<Decimal256> DecimalBinary(char op, const DecimalValue& a, const DecimalValue& b,
                                        int scale) {
  switch (op) {
    case '+':
    case '-': {
      int s = std::max(a.scale, b.scale);
      Decimal256 x = RescaleHalfUp(a, s), y = RescaleHalfUp(b, s);
      return RescaleHalfUp({op == '+' ? x + y : x + (-y), s}, scale);
    }
    case '*':
      return RescaleHalfUp({a.unscaled * b.unscaled, a.scale + b.scale}, scale);
    case '/': {
      if (b.unscaled == Decimal256(0)) return std::nullopt;
      // a / b at `scale` is a * 10^k / b with k = scale - a.scale + b.scale.
      int k = scale - a.scale + b.scale;
      Decimal256 n = a.unscaled, d = b.unscaled;
      if (k >= 0) {
        n = n.IncreaseScaleBy(k);
      } else {
        d = d.IncreaseScaleBy(-k);
      }
      return DivideHalfUp(n, d);
    }
    default: {  // '%': the sign of the dividend, as BigDecimal.remainder
      if (b.unscaled == Decimal256(0)) return std::nullopt;
      int s = std::max(a.scale, b.scale);
      Decimal256 q, r;
      DivMod(RescaleHalfUp(a, s), RescaleHalfUp(b, s), &q, &r);
      return RescaleHalfUp({r, s}, scale);
    }
  }
}

bool FitsPrecision(const Decimal256& v, int precision) { return v.FitsInPrecision(precision); }

arrow::Decimal128 ToDecimal128(const Decimal256& v) {
  const auto& words = v.little_endian_array();
  return arrow::Decimal128(static_cast<int64_t>(words[1]), words[0]);
}

std::optional<DecimalValue> ParseDecimal(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty() || text[0] == '+') return std::nullopt;
  // Arrow's parser wants a digit before the point: ".5" -> "0.5", "-.5" -> "-0.5".
  const bool negative = text[0] == '-';
  std::string_view body = negative ? text.substr(1) : text;
  std::string s = negative ? "-" : "";
  if (!body.empty() && body[0] == '.') s += '0';
  s += body;
  if (s.back() == '.') s += '0';  // "1." is 1, as BigDecimal reads it
  Decimal256 value;
  int32_t precision = 0, scale = 0;
  if (!Decimal256::FromString(s, &value, &precision, &scale).ok()) return std::nullopt;
  if (scale < 0) {
    value = value.IncreaseScaleBy(-scale);
    scale = 0;
  }
  return DecimalValue{value, scale};
}

arrow::Status NumericValueOutOfRange(const std::string& value, int precision, int scale) {
  return SparkError("NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION", "22003",
                    fmt::format(" {} cannot be represented as Decimal({}, {}). If necessary set "
                                "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error, "
                                "and return NULL instead.",
                                value, precision, scale));
}

}  // namespace spate
