// Number and printf-style formatting of strings: format_number and
// format_string / printf (Java's Formatter for the common conversions).

#include <charconv>
#include <cmath>
#include <cstdio>

#include "spate/common/utf8.h"
#include "spate/expr/functions_string_common.h"
#include "spate/expr/value_format.h"

namespace spate::strings {
namespace {

// ---------------------------------------------------------------------------
// Decimal digits: value = 0.d1 d2 d3 ... * 10^point, with a sign.

struct Digits {
  bool negative = false;
  std::string digits;  // no leading zeros; empty for zero
  int point = 0;
};

// From plain text such as "-123.4500" or "42".
Digits FromPlain(std::string_view text) {
  Digits d;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    d.negative = text[0] == '-';
    text.remove_prefix(1);
  }
  size_t dot = text.find('.');
  std::string_view int_part = text.substr(0, dot);
  std::string_view frac_part = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  d.digits = std::string(int_part) + std::string(frac_part);
  d.point = static_cast<int>(int_part.size());
  size_t lead = d.digits.find_first_not_of('0');
  if (lead == std::string::npos) {
    d.digits.clear();
    d.point = 0;
  } else {
    d.digits.erase(0, lead);
    d.point -= static_cast<int>(lead);
  }
  while (!d.digits.empty() && d.digits.back() == '0') d.digits.pop_back();
  return d;
}

// The shortest digits that read back as `v` (what Java's Double.toString
// starts from). `v` is finite.
Digits FromDouble(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view text(buf, res.ptr - buf);  // "-1.2345e+04"
  size_t e = text.find('e');
  Digits d = FromPlain(text.substr(0, e));
  if (!d.digits.empty()) d.point += std::stoi(std::string(text.substr(e + 1)));
  d.negative = std::signbit(v);
  return d;
}

// Rounds to `frac` digits after the point, half-even or half-up.
void Round(Digits& d, int frac, bool half_even) {
  int keep = d.point + frac;
  if (keep >= static_cast<int>(d.digits.size())) return;
  if (keep < 0) {
    d.digits.clear();
    d.point = 0;
    return;
  }
  char first = d.digits[keep];
  bool rest = d.digits.find_first_not_of('0', keep + 1) != std::string::npos;
  char last = keep > 0 ? d.digits[keep - 1] : '0';
  bool up = first > '5' || (first == '5' && (rest || !half_even || (last - '0') % 2 == 1));
  d.digits.resize(keep);
  if (up) {
    int k = keep - 1;
    while (k >= 0 && d.digits[k] == '9') d.digits[k--] = '0';
    if (k >= 0) {
      ++d.digits[k];
    } else {
      d.digits.insert(d.digits.begin(), '1');
      ++d.point;
    }
  }
  while (!d.digits.empty() && d.digits.back() == '0') d.digits.pop_back();
  if (d.digits.empty()) d.point = 0;
}

std::string IntegerDigits(const Digits& d) {
  if (d.point <= 0) return "";
  std::string out = d.digits.substr(0, std::min<size_t>(d.point, d.digits.size()));
  out.resize(d.point, '0');
  return out;
}

// The first `frac` digits after the point.
std::string FractionDigits(const Digits& d, int frac) {
  std::string out;
  for (int k = 0; k < frac; ++k) {
    int idx = d.point + k;
    out += idx >= 0 && idx < static_cast<int>(d.digits.size()) ? d.digits[idx] : '0';
  }
  return out;
}

std::string Group(const std::string& int_digits, size_t size, char sep = ',') {
  if (size == 0) return int_digits;
  std::string out;
  for (size_t k = 0; k < int_digits.size(); ++k) {
    if (k > 0 && (int_digits.size() - k) % size == 0) out += sep;
    out += int_digits[k];
  }
  return out;
}

// ---------------------------------------------------------------------------
// format_number

// A java.text.DecimalFormat pattern, the subset format_number meets:
// prefix, integer digits ('#', '0', ','), '.', fraction digits, suffix.
struct NumberPattern {
  std::string prefix, suffix;
  int min_int = 1;
  size_t grouping = 3;
  int min_frac = 0, max_frac = 0;
};

NumberPattern ParsePattern(std::string_view p) {
  NumberPattern out;
  size_t start = p.find_first_of("#0,.");
  if (start == std::string_view::npos) {
    out.prefix = std::string(p);
    out.grouping = 0;
    return out;
  }
  size_t end = p.find_first_not_of("#0,.", start);
  out.prefix = std::string(p.substr(0, start));
  out.suffix = end == std::string_view::npos ? "" : std::string(p.substr(end));
  std::string_view body = p.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  size_t dot = body.find('.');
  std::string_view int_part = body.substr(0, dot);
  out.min_int = static_cast<int>(std::count(int_part.begin(), int_part.end(), '0'));
  size_t comma = int_part.rfind(',');
  out.grouping = comma == std::string_view::npos ? 0 : int_part.size() - comma - 1;
  if (dot != std::string_view::npos) {
    std::string_view frac = body.substr(dot + 1);
    out.min_frac = static_cast<int>(std::count(frac.begin(), frac.end(), '0'));
    out.max_frac = static_cast<int>(std::count(frac.begin(), frac.end(), '0') +
                                    std::count(frac.begin(), frac.end(), '#'));
  }
  return out;
}

// A finite double rounded half-even on its exact binary value, as
// DecimalFormat does; digits past the shortest representation are zeros.
Digits RoundDouble(double v, int frac) {
  Digits d = FromDouble(v);
  if (d.point + frac >= static_cast<int>(d.digits.size())) return d;
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%.*f", std::min(frac, 340), v);
  Digits r = FromPlain(buf);
  r.negative = std::signbit(v);
  return r;
}

std::string FormatDigits(Digits d, const NumberPattern& p) {
  std::string int_digits = IntegerDigits(d);
  if (static_cast<int>(int_digits.size()) < p.min_int) {
    int_digits.insert(0, p.min_int - int_digits.size(), '0');
  }
  std::string frac = FractionDigits(d, p.max_frac);
  while (static_cast<int>(frac.size()) > p.min_frac && frac.back() == '0') frac.pop_back();
  if (int_digits.empty()) int_digits = "0";
  std::string out = d.negative ? "-" : "";
  out += p.prefix + Group(int_digits, p.grouping);
  if (!frac.empty()) out += "." + frac;
  return out + p.suffix;
}

// format_number(x, d): x rounded half-even to d decimals with ',' grouping
// ("#,##0.00"); NULL for d < 0. With a string, x formatted by that
// DecimalFormat pattern. NaN prints "NaN" and infinities "∞".
arrow::Result<BoundExprPtr> BindFormatNumber(const std::string& name, std::vector<BoundExprPtr> args,
                                             const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  const DataType& t = *args[0]->type();
  if (!t.IsNumeric() && t.id() != TypeId::kNull) {
    return UnexpectedTypeOf(*args[0], 0, "\"NUMERIC\"", pretty);
  }
  bool pattern = args[1]->type()->id() == TypeId::kString;
  if (!pattern) {
    ARROW_ASSIGN_OR_RAISE(args[1], CoerceArg(args[1], 1, Arg::kInt, pretty));
  }
  bool floating = t.id() == TypeId::kFloat || t.id() == TypeId::kDouble;
  if (floating) {
    args[0] = ImplicitCast(args[0], types::Double());
  } else {
    args[0] = ImplicitCast(args[0], types::String());  // exact digits of integers and decimals
  }
  auto impl = [pattern, floating](const FunctionArgs& a) {
    return MapToString(a, [&](const ArgRows& rows, int64_t i) -> std::optional<std::string> {
      NumberPattern p;
      if (pattern) {
        std::string_view text = rows.Str(1, i);
        p = ParsePattern(text.empty() ? std::string_view("#,###,###,###,###,###,##0") : text);
      } else {
        int64_t places = rows.Int(1, i);
        if (places < 0) return std::nullopt;
        p.min_frac = p.max_frac = static_cast<int>(places);
      }
      if (!floating) {
        Digits d = FromPlain(rows.Str(0, i));
        Round(d, p.max_frac, true);
        return FormatDigits(d, p);
      }
      double v = rows.Double(0, i);
      if (std::isnan(v)) return "NaN";
      if (std::isinf(v)) return v > 0 ? "\u221E" : "-\u221E";
      return FormatDigits(RoundDouble(v, p.max_frac), p);
    });
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, true);
}

// ---------------------------------------------------------------------------
// format_string / printf: java.util.Formatter over the values as Spark holds
// them (so %s of a date prints its day number, as in Spark).

struct Spec {
  std::string flags;
  int width = -1, precision = -1;
  char conversion = 0;
  int arg = -1;  // 0-based argument, -1 for none (%% and %n)
  bool Has(char f) const { return flags.find(f) != std::string::npos; }
};

arrow::Status FormatError(const std::string& what) {
  return arrow::Status::Invalid("format_string: ", what);
}

// Width, '-' and '0' padding.
std::string Pad(std::string body, const Spec& s, bool numeric) {
  if (s.width < 0 || static_cast<int>(NumChars(body)) >= s.width) return body;
  size_t missing = s.width - NumChars(body);
  if (s.Has('-')) return body + std::string(missing, ' ');
  if (numeric && s.Has('0')) {
    size_t at = 0;
    while (at < body.size() && (body[at] == '-' || body[at] == '+' || body[at] == ' ' || body[at] == '(')) ++at;
    if (body.compare(at, 2, "0x") == 0 || body.compare(at, 2, "0X") == 0) at += 2;
    return body.insert(at, missing, '0');
  }
  return std::string(missing, ' ') + body;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Sign and grouping of a number's magnitude text, by the flags + ' ' ( ,.
std::string Signed(const std::string& magnitude, bool negative, const Spec& s) {
  std::string body = magnitude;
  if (s.Has(',')) {
    size_t dot = body.find('.');
    body = Group(body.substr(0, dot), 3) + (dot == std::string::npos ? "" : body.substr(dot));
  }
  if (negative) return s.Has('(') ? "(" + body + ")" : "-" + body;
  if (s.Has('+')) return "+" + body;
  if (s.Has(' ')) return " " + body;
  return body;
}

// %e digits: d.ddd e±XX with `precision` decimals, half-up.
std::string Scientific(Digits d, int precision) {
  if (d.digits.empty()) return std::string("0") + (precision > 0 ? "." + std::string(precision, '0') : "") + "e+00";
  int exponent = d.point - 1;
  d.point = 1;
  Round(d, precision, false);
  if (d.point == 2) {  // 9.99 rounded up to 10.0
    ++exponent;
    d.point = 1;
  }
  std::string mantissa = IntegerDigits(d);
  if (precision > 0) mantissa += "." + FractionDigits(d, precision);
  return fmt::format("{}e{}{:02d}", mantissa, exponent < 0 ? '-' : '+', std::abs(exponent));
}

std::string Fixed(Digits d, int precision) {
  Round(d, precision, false);
  std::string int_digits = IntegerDigits(d);
  if (int_digits.empty()) int_digits = "0";
  return precision > 0 ? int_digits + "." + FractionDigits(d, precision) : int_digits;
}

// One conversion of a floating-point value (e, f, g, a excluded).
arrow::Result<std::string> FormatDouble(double v, const Spec& s) {
  if (std::isnan(v)) return std::string("NaN");
  if (std::isinf(v)) return Signed("Infinity", v < 0, s);
  Digits d = FromDouble(v);
  bool negative = d.negative;
  d.negative = false;
  int precision = s.precision < 0 ? 6 : s.precision;
  char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s.conversion)));
  std::string body;
  if (c == 'f') {
    body = Fixed(d, precision);
  } else if (c == 'e') {
    body = Scientific(d, precision);
  } else {  // 'g'
    if (precision == 0) precision = 1;
    Digits r = d;
    Round(r, precision - r.point, false);
    double magnitude = std::fabs(v);
    bool fixed = !d.digits.empty() && magnitude >= 1e-4 && r.point <= precision;
    body = d.digits.empty() ? Fixed(d, precision - 1)
           : fixed          ? Fixed(d, precision - r.point)
                            : Scientific(d, precision - 1);
  }
  return Signed(body, negative, s);
}

// One conversion of an integral value of `bits` bits.
arrow::Result<std::string> FormatInteger(int64_t v, int bits, const Spec& s) {
  char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s.conversion)));
  if (c == 'd') return Signed(std::to_string(v < 0 ? -static_cast<uint64_t>(v) : static_cast<uint64_t>(v)), v < 0, s);
  // x and o print the two's complement of the value's own width.
  uint64_t u = static_cast<uint64_t>(v);
  if (bits < 64) u &= (uint64_t{1} << bits) - 1;
  std::string body = c == 'x' ? fmt::format("{:x}", u) : fmt::format("{:o}", u);
  if (s.Has('#')) body = (c == 'x' ? "0x" : "0") + body;
  return body;
}

// The format string's specifiers, in order, with literal text between them.
struct Piece {
  std::string text;  // literal text, when spec.conversion == 0
  Spec spec;
};

arrow::Result<std::vector<Piece>> ParseFormat(std::string_view f) {
  std::vector<Piece> pieces;
  int next_arg = 0, last_arg = -1;
  size_t i = 0;
  while (i < f.size()) {
    size_t pct = f.find('%', i);
    if (pct != i) {
      pieces.push_back({std::string(f.substr(i, pct - i)), {}});
      if (pct == std::string_view::npos) break;
    }
    i = pct + 1;
    Spec s;
    // [index$][flags][width][.precision]conversion
    size_t j = i;
    while (j < f.size() && std::isdigit(static_cast<unsigned char>(f[j]))) ++j;
    int explicit_arg = -1;
    if (j > i && j < f.size() && f[j] == '$') {
      explicit_arg = std::stoi(std::string(f.substr(i, j - i)));
      if (explicit_arg == 0) {
        return SparkError("INVALID_PARAMETER_VALUE.ZERO_INDEX", "22023",
                          "The value of parameter(s) `strfmt` in `format_string` is invalid: "
                          "expects %1$, %2$ and so on, but got %0$.");
      }
      i = j + 1;
    }
    while (i < f.size() && std::string_view("-#+ 0,(<").find(f[i]) != std::string_view::npos) {
      s.flags += f[i++];
    }
    j = i;
    while (j < f.size() && std::isdigit(static_cast<unsigned char>(f[j]))) ++j;
    if (j > i) s.width = std::stoi(std::string(f.substr(i, j - i)));
    i = j;
    if (i < f.size() && f[i] == '.') {
      j = ++i;
      while (j < f.size() && std::isdigit(static_cast<unsigned char>(f[j]))) ++j;
      if (j == i) return FormatError("malformed precision in '" + std::string(f) + "'");
      s.precision = std::stoi(std::string(f.substr(i, j - i)));
      i = j;
    }
    if (i >= f.size()) return FormatError("Format specifier '%" + std::string(f.substr(pct + 1)) + "'");
    s.conversion = f[i++];
    if (s.conversion == '%' || s.conversion == 'n') {
      pieces.push_back({s.conversion == 'n' ? "\n" : "%", {}});
      continue;
    }
    if (std::string_view("sSdfeEgGxXocCbB").find(s.conversion) == std::string_view::npos) {
      return arrow::Status::NotImplemented("format_string: the conversion %", std::string(1, s.conversion));
    }
    if (s.Has('<')) {
      s.arg = last_arg;
    } else if (explicit_arg > 0) {
      s.arg = explicit_arg - 1;
    } else {
      s.arg = next_arg++;
    }
    last_arg = s.arg;
    pieces.push_back({"", s});
  }
  return pieces;
}

// Formats one row. Argument k of the format is rows column k + 1 (its own
// type) and column k + 1 + n (its text, for %s).
arrow::Result<std::string> FormatRow(const std::vector<Piece>& pieces, const ArgRows& rows, int64_t i,
                                     const std::vector<BoundExprPtr>& exprs, size_t n) {
  std::string out;
  for (const auto& piece : pieces) {
    const Spec& s = piece.spec;
    if (s.conversion == 0) {
      out += piece.text;
      continue;
    }
    if (s.arg < 0 || static_cast<size_t>(s.arg) >= n) {
      return FormatError(fmt::format("Format specifier '%{}'", s.conversion));
    }
    size_t col = s.arg + 1;
    bool null = rows.IsNull(col, i);
    const DataType& t = *exprs[col]->type();
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(s.conversion)));
    std::string body;
    bool numeric = false;
    if (c == 'b') {
      body = null ? "false" : t.id() == TypeId::kBoolean ? (rows.Bool(col, i) ? "true" : "false") : "true";
      if (s.precision >= 0) body = std::string(SubChars(body, 0, s.precision));
    } else if (null) {
      body = s.precision >= 0 ? std::string("null").substr(0, s.precision) : "null";
    } else if (c == 's' && t.id() == TypeId::kDate) {
      body = std::to_string(static_cast<const arrow::Date32Array&>(rows.array(col)).Value(i));
    } else if (c == 's' && (t.id() == TypeId::kTimestamp || t.id() == TypeId::kTimestampNtz)) {
      body = std::to_string(static_cast<const arrow::TimestampArray&>(rows.array(col)).Value(i));
    } else if (c == 's') {
      body = std::string(rows.Str(col + n, i));
      if (s.precision >= 0) body = std::string(SubChars(body, 0, s.precision));
    } else if (c == 'c') {
      bool integral = t.id() == TypeId::kByte || t.id() == TypeId::kShort || t.id() == TypeId::kInt;
      if (!integral) return FormatError(fmt::format("c != {}", t.Sql()));
      AppendUtf8(body, static_cast<uint32_t>(rows.Int(col, i)));
    } else if (c == 'd' || c == 'x' || c == 'o') {
      int bits = t.id() == TypeId::kByte ? 8 : t.id() == TypeId::kShort ? 16 : t.id() == TypeId::kInt ? 32 : 64;
      if (!(t.id() == TypeId::kByte || t.id() == TypeId::kShort || t.id() == TypeId::kInt ||
            t.id() == TypeId::kLong)) {
        return FormatError(fmt::format("{} != {}", s.conversion, t.Sql()));
      }
      ARROW_ASSIGN_OR_RAISE(body, FormatInteger(rows.Int(col, i), bits, s));
      numeric = true;
    } else {  // e f g
      if (t.id() != TypeId::kFloat && t.id() != TypeId::kDouble) {
        return FormatError(fmt::format("{} != {}", s.conversion, t.Sql()));
      }
      ARROW_ASSIGN_OR_RAISE(body, FormatDouble(rows.Double(col, i), s));
      numeric = true;
    }
    if (std::isupper(static_cast<unsigned char>(s.conversion))) body = Upper(body);
    out += Pad(body, s, numeric);
  }
  return out;
}

arrow::Result<BoundExprPtr> BindFormatString(const std::string& name, std::vector<BoundExprPtr> args,
                                             const std::string& pretty) {
  if (args.empty()) {
    return SparkError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "42605",
                      fmt::format("The `{}` requires > 0 parameters but the actual number is 0. "
                                  "Please, refer to "
                                  "'https://spark.apache.org/docs/latest/sql-ref-functions.html' "
                                  "for a fix.",
                                  name));
  }
  ARROW_ASSIGN_OR_RAISE(args[0], CoerceArg(args[0], 0, Arg::kString, pretty));
  size_t n = args.size() - 1;
  // The text each argument shows under %s (dates and timestamps show the
  // numbers Spark holds, days and microseconds, read in FormatRow).
  for (size_t k = 1; k <= n; ++k) {
    TypeId id = args[k]->type()->id();
    bool datetime = id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampNtz;
    args.push_back(datetime ? args[k] : ImplicitCast(args[k], types::String()));
  }
  bool nullable = args[0]->nullable();
  auto impl = [n](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto rows, ArgRows::Make(a));
    arrow::StringBuilder out;
    std::string last_format;
    std::vector<Piece> pieces;
    for (int64_t i = 0; i < rows.num_rows; ++i) {
      if (rows.IsNull(0, i)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      std::string_view f = rows.Str(0, i);
      if (i == 0 || f != last_format) {
        ARROW_ASSIGN_OR_RAISE(pieces, ParseFormat(f));
        last_format = std::string(f);
      }
      ARROW_ASSIGN_OR_RAISE(auto text, FormatRow(pieces, rows, i, a.exprs, n));
      ARROW_RETURN_NOT_OK(out.Append(text));
    }
    ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
    return arrow::Datum(done);
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, nullable);
}


// ---------------------------------------------------------------------------
// to_number / try_to_number / to_char / to_varchar: Spark's number formats,
// [MI|S] [$] [0|9|G|,]* [.|D] [0|9]* [$] [PR|MI|S].

struct NumberFormat {
  std::string text;
  std::vector<std::string> tokens;  // "0", "9", ",", ".", "$", "S", "MI", "PR"
  int int_digits = 0, frac_digits = 0;
  std::string lead_sign, trail_sign;  // "S", "MI" or "PR"
};

arrow::Status InvalidFormat(const std::string& sub, const std::string& format, const std::string& detail) {
  return SparkError("INVALID_FORMAT." + sub, "42601",
                    fmt::format("The format is invalid: '{}'. {}", format, detail));
}

arrow::Result<NumberFormat> ParseNumberFormat(const std::string& f) {
  NumberFormat out;
  out.text = f;
  if (f.empty()) return InvalidFormat("EMPTY", f, "The number format string cannot be empty.");
  std::string upper = Upper(f);
  bool seen_point = false, seen_digit = false;
  int dollars = 0;
  for (size_t i = 0; i < upper.size();) {
    char c = upper[i];
    std::string tok;
    if (c == '0' || c == '9') {
      tok = std::string(1, c);
      seen_digit = true;
      (seen_point ? out.frac_digits : out.int_digits)++;
    } else if (c == '.' || c == 'D') {
      if (seen_point) return InvalidFormat("WRONG_NUM_TOKEN", f, "At most one . or D is allowed in the number format.");
      seen_point = true;
      tok = ".";
    } else if (c == ',' || c == 'G') {
      if (seen_point) {
        return InvalidFormat("THOUSANDS_SEPS_MUST_BEFORE_DEC", f,
                             "Thousands separators (, or G) may not appear after the decimal point in the number format.");
      }
      tok = ",";
    } else if (c == '$') {
      if (++dollars > 1) return InvalidFormat("WRONG_NUM_TOKEN", f, "At most one $ is allowed in the number format.");
      tok = "$";
    } else if (c == 'S') {
      tok = "S";
    } else if (upper.compare(i, 2, "MI") == 0 || upper.compare(i, 2, "PR") == 0) {
      tok = upper.substr(i, 2);
    } else {
      return InvalidFormat("UNEXPECTED_TOKEN", f,
                           fmt::format("Found the unexpected character '{}' in the format string; the "
                                       "structure of the format string must match: `[MI|S]` `[$]` "
                                       "`[0|9|G|,]*` `[.|D]` `[0|9]*` `[$]` `[PR|MI|S]`.",
                                       f.substr(i, 1)));
    }
    bool sign = tok == "S" || tok == "MI" || tok == "PR";
    if (sign) {
      bool first = out.tokens.empty();
      bool last = i + tok.size() == upper.size();
      if ((!first && !last) || (first && tok == "PR") || !(first ? out.lead_sign : out.trail_sign).empty() ||
          (!first && !out.lead_sign.empty())) {
        return InvalidFormat("UNEXPECTED_TOKEN", f,
                             fmt::format("Found the unexpected {} in the format string; the structure "
                                         "of the format string must match: `[MI|S]` `[$]` "
                                         "`[0|9|G|,]*` `[.|D]` `[0|9]*` `[$]` `[PR|MI|S]`.",
                                         tok));
      }
      (first ? out.lead_sign : out.trail_sign) = tok;
    } else {
      out.tokens.push_back(tok);
    }
    i += tok == "." || tok == "," ? 1 : tok.size();
  }
  if (!seen_digit) return InvalidFormat("WRONG_NUM_DIGIT", f, "The format string requires at least one number digit.");
  return out;
}

// Parses `s` by the format; nullopt when it does not match. The result is
// the decimal's unscaled digits with a sign.
std::optional<std::string> ParseByFormat(std::string_view s, const NumberFormat& f) {
  bool negative = false;
  auto strip = [&](std::string_view prefix) {
    if (s.substr(0, prefix.size()) != prefix) return false;
    s.remove_prefix(prefix.size());
    return true;
  };
  auto strip_end = [&](std::string_view suffix) {
    if (s.size() < suffix.size() || s.substr(s.size() - suffix.size()) != suffix) return false;
    s.remove_suffix(suffix.size());
    return true;
  };
  if (f.lead_sign == "S" || f.lead_sign == "MI") {
    if (strip("-")) negative = true;
    else if (f.lead_sign == "S") strip("+");
  }
  if (f.trail_sign == "S" || f.trail_sign == "MI") {
    if (strip_end("-")) negative = true;
    else if (f.trail_sign == "S") strip_end("+");
    else strip_end(" ");
  }
  if (f.trail_sign == "PR" && !s.empty() && s[0] == '<') {
    if (!strip_end(">")) return std::nullopt;
    s.remove_prefix(1);
    negative = true;
  }
  // Literal '$' where the format has one; digits and separators between.
  std::string int_digits, frac_digits;
  bool point = false;
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '$') {
      if (std::find(f.tokens.begin(), f.tokens.end(), "$") == f.tokens.end()) return std::nullopt;
    } else if (c == '.') {
      if (point || std::find(f.tokens.begin(), f.tokens.end(), ".") == f.tokens.end()) return std::nullopt;
      point = true;
    } else if (c == ',') {
      if (point || std::find(f.tokens.begin(), f.tokens.end(), ",") == f.tokens.end()) return std::nullopt;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      (point ? frac_digits : int_digits) += c;
    } else {
      return std::nullopt;
    }
  }
  if (static_cast<int>(int_digits.size()) > f.int_digits || static_cast<int>(frac_digits.size()) > f.frac_digits) {
    return std::nullopt;
  }
  if (int_digits.empty() && frac_digits.empty()) return std::nullopt;
  frac_digits.resize(f.frac_digits, '0');
  std::string digits = int_digits + frac_digits;
  size_t lead = digits.find_first_not_of('0');
  digits = lead == std::string::npos ? "0" : digits.substr(lead);
  return (negative && digits != "0" ? "-" : "") + digits;
}

arrow::Result<DataTypePtr> NumberFormatType(const NumberFormat& f) {
  int precision = std::max(1, std::min(38, f.int_digits + f.frac_digits));
  return types::Decimal(precision, std::min(f.frac_digits, precision));
}

// to_number(str, fmt) / try_to_number: a DECIMAL of the format's digits.
// Input that does not match raises INVALID_FORMAT.MISMATCH_INPUT (NULL for
// try_to_number). The format must be a constant.
arrow::Result<BoundExprPtr> BindToNumber(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  bool try_mode = name == "try_to_number";
  for (size_t i = 0; i < 2; ++i) {
    ARROW_ASSIGN_OR_RAISE(args[i], CoerceArg(args[i], i, Arg::kString, pretty));
  }
  ARROW_ASSIGN_OR_RAISE(auto text, ConstantString(*args[1], name, "format"));
  if (!text) {
    return MakeFunction(name, NullResult(arrow::decimal128(38, 18)), types::Decimal(38, 18), std::move(args), pretty);
  }
  ARROW_ASSIGN_OR_RAISE(auto format, ParseNumberFormat(*text));
  ARROW_ASSIGN_OR_RAISE(auto type, NumberFormatType(format));
  const auto& dec = static_cast<const DecimalType&>(*type);
  auto arrow_type = arrow::decimal128(dec.precision(), dec.scale());
  auto impl = [format, arrow_type, try_mode](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto rows, ArgRows::Make(a));
    arrow::Decimal128Builder out(arrow_type);
    for (int64_t i = 0; i < rows.num_rows; ++i) {
      if (rows.IsNull(0, i)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      auto digits = ParseByFormat(rows.Str(0, i), format);
      if (!digits) {
        if (try_mode) {
          ARROW_RETURN_NOT_OK(out.AppendNull());
          continue;
        }
        return SparkError("INVALID_FORMAT.MISMATCH_INPUT", "42601",
                          fmt::format("The format is invalid: {}. The input \"STRING\" {} does not "
                                      "match the format.",
                                      format.text, rows.Str(0, i)));
      }
      ARROW_ASSIGN_OR_RAISE(auto value, arrow::Decimal128::FromString(*digits));
      ARROW_RETURN_NOT_OK(out.Append(value));
    }
    ARROW_ASSIGN_OR_RAISE(auto done, out.Finish());
    return arrow::Datum(done);
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, try_mode || args[0]->nullable());
}

// A plain decimal string ("-12.50") formatted by `f`, as to_char does.
std::string FormatByFormat(std::string_view plain, const NumberFormat& f) {
  bool negative = !plain.empty() && plain[0] == '-';
  if (negative) plain.remove_prefix(1);
  size_t dot = plain.find('.');
  std::string int_part(plain.substr(0, dot));
  std::string frac_part = dot == std::string_view::npos ? "" : std::string(plain.substr(dot + 1));
  while (!frac_part.empty() && frac_part.back() == '0') frac_part.pop_back();
  // A zero integer part prints only as the digit just before the point.
  bool has_point = std::find(f.tokens.begin(), f.tokens.end(), ".") != f.tokens.end();
  if (int_part == "0") int_part.clear();
  bool overflow = static_cast<int>(int_part.size()) > f.int_digits ||
                  static_cast<int>(frac_part.size()) > f.frac_digits;
  // Integer positions, right-aligned; fraction positions, left-aligned.
  std::string body;
  int int_pos = 0, frac_pos = 0;
  bool point = false, started = false;
  std::string sign_text = negative ? "-" : "+";
  // A leading sign goes just before the first integer digit printed, or after
  // the integer positions when none is.
  auto lead_sign = [&] {
    if (started || overflow) return;
    if (f.lead_sign == "S") body += sign_text;
    if (f.lead_sign == "MI") body += negative ? "-" : " ";
  };
  for (const auto& tok : f.tokens) {
    if (tok == "0" || tok == "9") {
      if (overflow) {
        body += '#';
      } else if (!point) {
        int from_right = f.int_digits - int_pos;
        int idx = static_cast<int>(int_part.size()) - from_right;
        bool unit_before_point = has_point && from_right == 1 && int_part.empty();
        if (idx < 0 && tok != "0" && !unit_before_point) {
          body += ' ';
        } else {
          lead_sign();
          started = true;
          body += idx >= 0 ? int_part[idx] : '0';
        }
      } else {
        body += frac_pos < static_cast<int>(frac_part.size()) ? frac_part[frac_pos] : '0';
        ++frac_pos;
      }
      if (!point) ++int_pos;
    } else if (tok == ".") {
      lead_sign();
      started = true;
      point = true;
      body += '.';
    } else if (tok == ",") {
      body += started || overflow ? ',' : ' ';
    } else {
      body += tok;
    }
  }
  lead_sign();
  if (f.trail_sign == "S") body += sign_text;
  if (f.trail_sign == "MI") body += negative ? "-" : " ";
  if (f.trail_sign == "PR") body = negative ? "<" + body + ">" : body + "  ";
  return body;
}

// to_char(x, fmt) / to_varchar: numbers by a number format; dates and
// timestamps by a datetime pattern (date_format); binary by 'base64', 'hex'
// or 'utf-8'. The format must be a constant.
arrow::Result<BoundExprPtr> BindToChar(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  TypeId id = args[0]->type()->id();
  if (id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampNtz) {
    return BindCall("date_format", std::move(args), pretty);
  }
  ARROW_ASSIGN_OR_RAISE(args[1], CoerceArg(args[1], 1, Arg::kString, pretty));
  ARROW_ASSIGN_OR_RAISE(auto text, ConstantString(*args[1], name, "format"));
  if (!text) return MakeFunction(name, NullResult(arrow::utf8()), types::String(), std::move(args), pretty);
  if (id == TypeId::kBinary) {
    std::string kind = Upper(*text);
    if (kind != "BASE64" && kind != "HEX" && kind != "UTF-8" && kind != "UTF8") {
      return SparkError("INVALID_PARAMETER_VALUE.BINARY_FORMAT", "22023",
                        fmt::format("The value of parameter(s) `format` in `{}` is invalid: expects "
                                    "one of binary formats 'base64', 'hex', 'utf-8', but got '{}'.",
                                    name, *text));
    }
    bool nullable = kind.rfind("UTF", 0) == 0 || args[0]->nullable();
    auto impl = [kind](const FunctionArgs& a) {
      return MapToString(a, [&](const ArgRows& rows, int64_t i) {
        std::string_view b = rows.Str(0, i);
        if (kind == "BASE64") return std::optional<std::string>(Base64Encode(b, false));
        if (kind == "HEX") {
          std::string out;
          for (char c : b) out += fmt::format("{:02X}", static_cast<unsigned char>(c));
          return std::optional<std::string>(out);
        }
        return std::optional<std::string>(ReplaceInvalidUtf8(b));
      });
    };
    return MakeFunction(name, impl, types::String(), std::move(args), pretty, nullable);
  }
  ARROW_ASSIGN_OR_RAISE(auto format, ParseNumberFormat(*text));
  // Numbers are formatted from their exact decimal text.
  DataTypePtr from = args[0]->type();
  bool floating = from->id() == TypeId::kFloat || from->id() == TypeId::kDouble;
  if (floating || from->id() == TypeId::kString) {
    args[0] = ImplicitCast(args[0], types::Decimal(38, 18));
  } else if (!from->IsNumeric() && from->id() != TypeId::kNull) {
    return UnexpectedTypeOf(*args[0], 0, "\"DECIMAL\"", pretty);
  }
  // Spark's cast of floating-point input to DECIMAL makes the result nullable.
  bool nullable = args[0]->nullable() || floating;
  args[0] = ImplicitCast(args[0], types::String());
  auto impl = [format](const FunctionArgs& a) {
    return MapToString(a, [&](const ArgRows& rows, int64_t i) {
      return std::optional<std::string>(FormatByFormat(rows.Str(0, i), format));
    });
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, nullable);
}

}  // namespace

void RegisterStringFormatFunctions(FunctionRegistry& r) {
  r.Add("to_number", BindToNumber);
  r.Add("try_to_number", BindToNumber);
  r.Add("to_char", BindToChar);
  r.Add("to_varchar", BindToChar);
  r.Add("format_number", BindFormatNumber);
  r.Add("format_string", BindFormatString);
  r.Add("printf", BindFormatString);
}

}  // namespace spate::strings
