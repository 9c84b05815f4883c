#include "spate/expr/value_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

#include <arrow/api.h>
#include <arrow/util/decimal.h>

#include "spate/common/calendar.h"
#include "spate/common/strings.h"
#include "spate/expr/time_zone.h"

namespace spate {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

// ---------------------------------------------------------------------------
// Numbers

// Java's Double/Float.toString: the shortest digits that read back to the same
// value (what std::to_chars produces too), laid out plainly when the decimal
// exponent is in [-3, 7) and as d.dddE<exp> otherwise, always with at least one
// digit after the point.
template <typename T>
std::string JavaFloating(T value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific);
  if (result.ptr - buf > 1 && (buf[1] == 'e' || (buf[0] == '-' && buf[2] == 'e'))) {
    // Java picks among one- and two-digit candidates the one closest to the
    // value when one digit would do (Double.MIN_VALUE is "4.9E-324", not "5.0E-324").
    result = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::scientific, 1);
  }
  std::string_view sci(buf, result.ptr - buf);  // [-]d[.ddd]e(+|-)xx
  std::string out;
  if (sci.front() == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  // A two-digit candidate ending in 0 is the one-digit decimal again.
  if (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  int exponent = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);

  if (exponent >= -3 && exponent < 7) {
    if (exponent >= 0) {
      size_t int_len = static_cast<size_t>(exponent) + 1;
      if (digits.size() < int_len) digits.append(int_len - digits.size(), '0');
      out.append(digits, 0, int_len);
      out.push_back('.');
      out.append(digits.size() > int_len ? digits.substr(int_len) : "0");
    } else {
      out.append("0.");
      out.append(static_cast<size_t>(-exponent - 1), '0');
      out.append(digits);
    }
  } else {
    out.push_back(digits[0]);
    out.push_back('.');
    out.append(digits.size() > 1 ? digits.substr(1) : "0");
    out.push_back('E');
    out.append(std::to_string(exponent));
  }
  return out;
}

// Java's BigDecimal.toPlainString for an unscaled integer (as text) and a scale >= 0.
std::string DecimalPlain(std::string unscaled, int scale) {
  bool negative = !unscaled.empty() && unscaled[0] == '-';
  if (negative) unscaled.erase(0, 1);
  if (scale <= 0) {
    if (unscaled != "0") unscaled.append(static_cast<size_t>(-scale), '0');
    return (negative ? "-" : "") + unscaled;
  }
  if (unscaled.size() <= static_cast<size_t>(scale)) {
    unscaled.insert(0, static_cast<size_t>(scale) - unscaled.size() + 1, '0');
  }
  unscaled.insert(unscaled.size() - scale, ".");
  return (negative ? "-" : "") + unscaled;
}

// Java's BigDecimal.toString, which Spark's Decimal.toString uses: plain unless
// the scale is negative or the adjusted exponent is below -6, then d.dddE(+|-)n.
std::string DecimalJava(std::string unscaled, int scale) {
  bool negative = !unscaled.empty() && unscaled[0] == '-';
  std::string digits = negative ? unscaled.substr(1) : unscaled;
  int64_t adjusted = -static_cast<int64_t>(scale) + static_cast<int64_t>(digits.size()) - 1;
  if (scale >= 0 && adjusted >= -6) return DecimalPlain(std::move(unscaled), scale);
  std::string out = negative ? "-" : "";
  out.push_back(digits[0]);
  if (digits.size() > 1) {
    out.push_back('.');
    out.append(digits, 1);
  }
  out.push_back('E');
  if (adjusted >= 0) out.push_back('+');
  out.append(std::to_string(adjusted));
  return out;
}

// ---------------------------------------------------------------------------
// Dates, timestamps, intervals

using calendar::AppendDate;
using calendar::FloorDiv;

void AppendPadded(int64_t value, int width, std::string* out) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) out->append(width - digits.size(), '0');
  out->append(digits);
}

// "yyyy-MM-dd HH:mm:ss" plus the fraction with its trailing zeros dropped.
void AppendTimestamp(int64_t micros, std::string* out) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rest = micros - days * kMicrosPerDay;
  AppendDate(days, out);
  out->push_back(' ');
  AppendPadded(rest / kMicrosPerHour, 2, out);
  out->push_back(':');
  AppendPadded(rest / kMicrosPerMinute % 60, 2, out);
  out->push_back(':');
  AppendPadded(rest / kMicrosPerSecond % 60, 2, out);
  int64_t fraction = rest % kMicrosPerSecond;
  if (fraction != 0) {
    std::string digits(6, '0');
    for (int i = 5; i >= 0; --i, fraction /= 10) digits[i] = static_cast<char>('0' + fraction % 10);
    digits.erase(digits.find_last_not_of('0') + 1);
    out->push_back('.');
    out->append(digits);
  }
}

// Spark's CalendarInterval.toString: "1 years 2 months 3 days 4 hours 5 minutes
// 6.5 seconds", zero units left out, "0 seconds" for the empty interval.
std::string IntervalString(int32_t months, int32_t days, int64_t micros) {
  if (months == 0 && days == 0 && micros == 0) return "0 seconds";
  std::string out;
  auto unit = [&out](int64_t value, const char* name) {
    if (value == 0) return;
    out += std::to_string(value);
    out += ' ';
    out += name;
    out += ' ';
  };
  unit(months / 12, "years");
  unit(months % 12, "months");
  unit(days, "days");
  unit(micros / kMicrosPerHour, "hours");
  micros %= kMicrosPerHour;
  unit(micros / kMicrosPerMinute, "minutes");
  micros %= kMicrosPerMinute;
  if (micros != 0) {
    std::string seconds = DecimalPlain(std::to_string(micros), 6);
    if (seconds.find('.') != std::string::npos) {
      seconds.erase(seconds.find_last_not_of('0') + 1);
      if (seconds.back() == '.') seconds.pop_back();
    }
    out += seconds + " seconds ";
  }
  out.pop_back();
  return out;
}

int64_t MicrosPerUnit(arrow::TimeUnit::type unit) {
  switch (unit) {
    case arrow::TimeUnit::SECOND: return kMicrosPerSecond;
    case arrow::TimeUnit::MILLI: return 1000;
    default: return 1;
  }
}

int64_t ToMicros(int64_t value, arrow::TimeUnit::type unit) {
  if (unit == arrow::TimeUnit::NANO) return FloorDiv(value, 1000);
  return value * MicrosPerUnit(unit);
}

// ---------------------------------------------------------------------------
// Text helpers

void AppendHexByte(uint8_t byte, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back(kHex[byte >> 4]);
  out->push_back(kHex[byte & 0xF]);
}

// One code point of UTF-8 text; a malformed byte counts as one character so
// that odd bytes never stall the scan.
char32_t NextCodePoint(std::string_view text, size_t* pos) {
  auto lead = static_cast<unsigned char>(text[*pos]);
  int extra = lead < 0x80            ? 0
              : (lead & 0xE0) == 0xC0 ? 1
              : (lead & 0xF0) == 0xE0 ? 2
              : (lead & 0xF8) == 0xF0 ? 3
                                      : -1;
  if (extra <= 0 || *pos + extra >= text.size()) {
    ++*pos;
    return extra == 0 ? lead : 0xFFFD;
  }
  char32_t cp = lead & (0x3F >> extra);
  for (int i = 1; i <= extra; ++i) {
    auto next = static_cast<unsigned char>(text[*pos + i]);
    if ((next & 0xC0) != 0x80) {
      ++*pos;
      return 0xFFFD;
    }
    cp = (cp << 6) | (next & 0x3F);
  }
  *pos += extra + 1;
  return cp;
}

// Java strings count supplementary characters twice (surrogate pairs).
int Utf16Units(char32_t cp) { return cp >= 0x10000 ? 2 : 1; }

int Utf16Length(std::string_view text) {
  int length = 0;
  for (size_t pos = 0; pos < text.size();) length += Utf16Units(NextCodePoint(text, &pos));
  return length;
}

// The first `units` UTF-16 units of text, as Java's substring(0, units) would
// keep them (a surrogate pair cut in half is dropped).
std::string Utf16Prefix(std::string_view text, int units) {
  size_t pos = 0;
  int taken = 0;
  while (pos < text.size()) {
    size_t next = pos;
    int width = Utf16Units(NextCodePoint(text, &next));
    if (taken + width > units) break;
    taken += width;
    pos = next;
  }
  return std::string(text.substr(0, pos));
}

// The blocks Spark's stringHalfWidth treats as full-width.
bool IsFullWidth(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE10 && cp <= 0xFE19) || (cp >= 0xFE30 && cp <= 0xFE6F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6);
}

// ---------------------------------------------------------------------------
// Value writers: one per (nested) Arrow array, built once, then asked for the
// text of single elements. Nested writers hold their children's writers.

// What differs between CAST(x AS STRING) and show()'s ToPrettyString.
struct Style {
  std::string_view nested_null;  // a null inside an array, map or struct
  bool hex_binary;
  bool plain_decimal;
};

class Writer {
 public:
  using Fn = std::function<void(int64_t, std::string*)>;
  Writer(std::shared_ptr<arrow::Array> array, Fn fn)
      : array_(std::move(array)), fn_(std::move(fn)) {}
  bool IsNull(int64_t i) const { return array_->IsNull(i); }
  /// Appends the text of element i, which must not be null.
  void Write(int64_t i, std::string* out) const { fn_(i, out); }
  /// Appends element i, nulls as the style's nested null text.
  void WriteNested(int64_t i, const Style& style, std::string* out) const {
    if (IsNull(i)) {
      out->append(style.nested_null);
    } else {
      Write(i, out);
    }
  }

 private:
  std::shared_ptr<arrow::Array> array_;
  Fn fn_;
};

arrow::Result<Writer> MakeWriter(const std::shared_ptr<arrow::Array>& array,
                                 const DataType& type, const Style& style,
                                 const FormatOptions& options);

template <typename ArrayType>
Writer IntegerWriter(const std::shared_ptr<arrow::Array>& array) {
  auto typed = std::static_pointer_cast<ArrayType>(array);
  return Writer(array, [typed](int64_t i, std::string* out) {
    out->append(std::to_string(typed->Value(i)));
  });
}

template <typename ArrayType>
Writer StringWriter(const std::shared_ptr<arrow::Array>& array) {
  auto typed = std::static_pointer_cast<ArrayType>(array);
  return Writer(array, [typed](int64_t i, std::string* out) {
    out->append(typed->GetView(i));
  });
}

template <typename ArrayType>
Writer BinaryWriter(const std::shared_ptr<arrow::Array>& array, const Style& style) {
  auto typed = std::static_pointer_cast<ArrayType>(array);
  if (!style.hex_binary) return StringWriter<ArrayType>(array);
  return Writer(array, [typed](int64_t i, std::string* out) {
    std::string_view bytes = typed->GetView(i);
    out->push_back('[');
    for (size_t b = 0; b < bytes.size(); ++b) {
      if (b > 0) out->push_back(' ');
      AppendHexByte(static_cast<uint8_t>(bytes[b]), out);
    }
    out->push_back(']');
  });
}

template <typename ArrayType>
Writer DecimalWriter(const std::shared_ptr<arrow::Array>& array, const Style& style) {
  auto typed = std::static_pointer_cast<ArrayType>(array);
  int scale = static_cast<const arrow::DecimalType&>(*array->type()).scale();
  bool plain = style.plain_decimal;
  using Value = std::conditional_t<std::is_same_v<ArrayType, arrow::Decimal128Array>,
                                   arrow::Decimal128, arrow::Decimal256>;
  return Writer(array, [typed, scale, plain](int64_t i, std::string* out) {
    std::string unscaled = Value(typed->GetValue(i)).ToIntegerString();
    out->append(plain ? DecimalPlain(std::move(unscaled), scale)
                      : DecimalJava(std::move(unscaled), scale));
  });
}

// Timestamps are UTC instants; a Spark TIMESTAMP prints as the wall-clock time
// in the session zone (time_zone.h). TIMESTAMP_NTZ values already are
// wall-clock times.
arrow::Result<Writer> TimestampWriter(const std::shared_ptr<arrow::Array>& array,
                                      const DataType& type, const FormatOptions& options) {
  auto unit = static_cast<const arrow::TimestampType&>(*array->type()).unit();
  auto typed = std::static_pointer_cast<arrow::TimestampArray>(array);
  ZoneValues micros(typed->length());
  for (int64_t i = 0; i < typed->length(); ++i) {
    if (typed->IsValid(i)) micros[i] = ToMicros(typed->Value(i), unit);
  }
  if (type.id() == TypeId::kTimestamp) {
    ARROW_ASSIGN_OR_RAISE(micros, UtcToLocal(micros, options.time_zone));
  }
  auto wall = std::make_shared<ZoneValues>(std::move(micros));
  return Writer(array, [wall](int64_t i, std::string* out) { AppendTimestamp(*(*wall)[i], out); });
}

// Spark's layout for arrays: "[a, b, c]".
template <typename ListArrayType>
arrow::Result<Writer> ListWriter(const std::shared_ptr<arrow::Array>& array,
                                 const DataType& type, const Style& style,
                                 const FormatOptions& options) {
  if (type.id() != TypeId::kArray) return arrow::Status::TypeError("not an array: ", type.Sql());
  auto typed = std::static_pointer_cast<ListArrayType>(array);
  const auto& element_type = *static_cast<const ArrayType&>(type).element_type();
  ARROW_ASSIGN_OR_RAISE(Writer element, MakeWriter(typed->values(), element_type, style, options));
  return Writer(array, [typed, element, style](int64_t i, std::string* out) {
    int64_t begin = typed->value_offset(i);
    int64_t end = begin + typed->value_length(i);
    out->push_back('[');
    for (int64_t j = begin; j < end; ++j) {
      if (j > begin) out->append(", ");
      element.WriteNested(j, style, out);
    }
    out->push_back(']');
  });
}

// "{k1 -> v1, k2 -> v2}"; keys are never null in Spark.
arrow::Result<Writer> MapWriter(const std::shared_ptr<arrow::Array>& array, const DataType& type,
                                const Style& style, const FormatOptions& options) {
  if (type.id() != TypeId::kMap) return arrow::Status::TypeError("not a map: ", type.Sql());
  auto typed = std::static_pointer_cast<arrow::MapArray>(array);
  const auto& map_type = static_cast<const MapType&>(type);
  ARROW_ASSIGN_OR_RAISE(Writer key,
                        MakeWriter(typed->keys(), *map_type.key_type(), style, options));
  ARROW_ASSIGN_OR_RAISE(Writer item,
                        MakeWriter(typed->items(), *map_type.value_type(), style, options));
  return Writer(array, [typed, key, item, style](int64_t i, std::string* out) {
    int64_t begin = typed->value_offset(i);
    int64_t end = begin + typed->value_length(i);
    out->push_back('{');
    for (int64_t j = begin; j < end; ++j) {
      if (j > begin) out->append(", ");
      key.WriteNested(j, style, out);
      out->append(" -> ");
      item.WriteNested(j, style, out);
    }
    out->push_back('}');
  });
}

// "{f1, f2}": values only, no field names.
arrow::Result<Writer> StructWriter(const std::shared_ptr<arrow::Array>& array,
                                   const DataType& type, const Style& style,
                                   const FormatOptions& options) {
  if (type.id() != TypeId::kStruct) return arrow::Status::TypeError("not a struct: ", type.Sql());
  const auto& struct_type = static_cast<const StructType&>(type);
  auto typed = std::static_pointer_cast<arrow::StructArray>(array);
  if (typed->num_fields() != struct_type.num_fields()) {
    return arrow::Status::TypeError("struct field count differs from ", type.Sql());
  }
  std::vector<Writer> fields;
  for (int f = 0; f < typed->num_fields(); ++f) {
    ARROW_ASSIGN_OR_RAISE(Writer field,
                          MakeWriter(typed->field(f), *struct_type.field(f).type, style, options));
    fields.push_back(std::move(field));
  }
  return Writer(array, [fields, style](int64_t i, std::string* out) {
    out->push_back('{');
    for (size_t f = 0; f < fields.size(); ++f) {
      if (f > 0) out->append(", ");
      fields[f].WriteNested(i, style, out);
    }
    out->push_back('}');
  });
}

arrow::Result<Writer> MakeWriter(const std::shared_ptr<arrow::Array>& array,
                                 const DataType& type, const Style& style,
                                 const FormatOptions& options) {
  using arrow::Type;
  switch (array->type_id()) {
    case Type::NA:
      return Writer(array, [](int64_t, std::string*) {});
    case Type::BOOL: {
      auto typed = std::static_pointer_cast<arrow::BooleanArray>(array);
      return Writer(array, [typed](int64_t i, std::string* out) {
        out->append(typed->Value(i) ? "true" : "false");
      });
    }
    case Type::INT8: return IntegerWriter<arrow::Int8Array>(array);
    case Type::INT16: return IntegerWriter<arrow::Int16Array>(array);
    case Type::INT32: return IntegerWriter<arrow::Int32Array>(array);
    case Type::INT64: return IntegerWriter<arrow::Int64Array>(array);
    case Type::UINT8: return IntegerWriter<arrow::UInt8Array>(array);
    case Type::UINT16: return IntegerWriter<arrow::UInt16Array>(array);
    case Type::UINT32: return IntegerWriter<arrow::UInt32Array>(array);
    case Type::UINT64: return IntegerWriter<arrow::UInt64Array>(array);
    case Type::FLOAT: {
      auto typed = std::static_pointer_cast<arrow::FloatArray>(array);
      return Writer(array, [typed](int64_t i, std::string* out) {
        out->append(JavaFloating(typed->Value(i)));
      });
    }
    case Type::DOUBLE: {
      auto typed = std::static_pointer_cast<arrow::DoubleArray>(array);
      return Writer(array, [typed](int64_t i, std::string* out) {
        out->append(JavaFloating(typed->Value(i)));
      });
    }
    case Type::DECIMAL128: return DecimalWriter<arrow::Decimal128Array>(array, style);
    case Type::DECIMAL256: return DecimalWriter<arrow::Decimal256Array>(array, style);
    case Type::STRING: return StringWriter<arrow::StringArray>(array);
    case Type::LARGE_STRING: return StringWriter<arrow::LargeStringArray>(array);
    case Type::STRING_VIEW: return StringWriter<arrow::StringViewArray>(array);
    case Type::BINARY: return BinaryWriter<arrow::BinaryArray>(array, style);
    case Type::LARGE_BINARY: return BinaryWriter<arrow::LargeBinaryArray>(array, style);
    case Type::BINARY_VIEW: return BinaryWriter<arrow::BinaryViewArray>(array, style);
    case Type::FIXED_SIZE_BINARY: return BinaryWriter<arrow::FixedSizeBinaryArray>(array, style);
    case Type::DATE32: {
      auto typed = std::static_pointer_cast<arrow::Date32Array>(array);
      return Writer(array,
                    [typed](int64_t i, std::string* out) { AppendDate(typed->Value(i), out); });
    }
    case Type::DATE64: {
      auto typed = std::static_pointer_cast<arrow::Date64Array>(array);
      return Writer(array, [typed](int64_t i, std::string* out) {
        AppendDate(FloorDiv(typed->Value(i), kMicrosPerDay / 1000), out);
      });
    }
    case Type::TIMESTAMP: return TimestampWriter(array, type, options);
    case Type::INTERVAL_MONTH_DAY_NANO: {
      auto typed = std::static_pointer_cast<arrow::MonthDayNanoIntervalArray>(array);
      return Writer(array, [typed](int64_t i, std::string* out) {
        auto value = typed->GetValue(i);
        // CalendarInterval holds microseconds; Java's long division truncates.
        out->append(IntervalString(value.months, value.days, value.nanoseconds / 1000));
      });
    }
    case Type::LIST: return ListWriter<arrow::ListArray>(array, type, style, options);
    case Type::LARGE_LIST: return ListWriter<arrow::LargeListArray>(array, type, style, options);
    case Type::FIXED_SIZE_LIST:
      return ListWriter<arrow::FixedSizeListArray>(array, type, style, options);
    case Type::MAP: return MapWriter(array, type, style, options);
    case Type::STRUCT: return StructWriter(array, type, style, options);
    default:
      return arrow::Status::NotImplemented("formatting values of Arrow type ",
                                           array->type()->ToString());
  }
}

// Formats every element; top-level nulls become null (CAST) or `null_text` (show).
arrow::Result<std::shared_ptr<arrow::Array>> FormatAll(const arrow::Array& values,
                                                       const DataType& type, const Style& style,
                                                       const std::string* null_text,
                                                       const FormatOptions& options) {
  std::shared_ptr<arrow::Array> array = arrow::MakeArray(values.data());
  ARROW_ASSIGN_OR_RAISE(Writer writer, MakeWriter(array, type, style, options));
  arrow::StringBuilder builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(array->length()));
  std::string text;
  for (int64_t i = 0; i < array->length(); ++i) {
    if (writer.IsNull(i)) {
      ARROW_RETURN_NOT_OK(null_text ? builder.Append(*null_text) : builder.AppendNull());
      continue;
    }
    text.clear();
    writer.Write(i, &text);
    ARROW_RETURN_NOT_OK(builder.Append(text));
  }
  return builder.Finish();
}

// ---------------------------------------------------------------------------
// show()

// Spark's getRows: a cell longer than `truncate` keeps its first truncate-3
// characters and gains "..." (or just the first `truncate` when truncate < 4).
std::string TruncateCell(std::string cell, int truncate) {
  if (truncate <= 0 || Utf16Length(cell) <= truncate) return cell;
  if (truncate < 4) return Utf16Prefix(cell, truncate);
  return Utf16Prefix(cell, truncate - 3) + "...";
}

void AppendPaddedCell(const std::string& cell, int width, bool left_align, char fill,
                      std::string* out) {
  int padding = std::max(0, width - StringHalfWidth(cell));
  if (!left_align) out->append(padding, fill);
  out->append(cell);
  if (left_align) out->append(padding, fill);
}

void AppendTableLayout(const std::vector<std::vector<std::string>>& rows, int truncate,
                       std::string* out) {
  size_t num_cols = rows.front().size();
  std::vector<int> widths(num_cols, 3);  // Spark's minimum column width
  for (const auto& row : rows) {
    for (size_t c = 0; c < num_cols; ++c) widths[c] = std::max(widths[c], StringHalfWidth(row[c]));
  }
  // Cells joined by '|' between '|'s, so a frame without columns prints "||" (and "++").
  std::string separator = "+";
  for (size_t c = 0; c < num_cols; ++c) separator += std::string(widths[c], '-') + (c + 1 < num_cols ? "+" : "");
  separator += "+\n";

  out->append(separator);
  for (size_t r = 0; r < rows.size(); ++r) {
    out->push_back('|');
    for (size_t c = 0; c < num_cols; ++c) {
      AppendPaddedCell(rows[r][c], widths[c], /*left_align=*/truncate <= 0, ' ', out);
      if (c + 1 < num_cols) out->push_back('|');
    }
    out->append("|\n");
    if (r == 0) out->append(separator);
  }
  out->append(separator);
}

// Extended display: one "-RECORD i---" block per row, one " name | value " line per column.
void AppendVerticalLayout(const std::vector<std::vector<std::string>>& rows, std::string* out) {
  const auto& names = rows.front();
  int name_width = 3;
  for (const auto& name : names) name_width = std::max(name_width, StringHalfWidth(name));
  int data_width = 3;
  for (size_t r = 1; r < rows.size(); ++r) {
    for (const auto& cell : rows[r]) data_width = std::max(data_width, StringHalfWidth(cell));
  }
  for (size_t r = 1; r < rows.size(); ++r) {
    std::string header = "-RECORD " + std::to_string(r - 1);
    AppendPaddedCell(header, name_width + data_width + 5, /*left_align=*/true, '-', out);
    out->push_back('\n');
    for (size_t c = 0; c < names.size(); ++c) {
      out->push_back(' ');
      AppendPaddedCell(names[c], name_width, /*left_align=*/true, ' ', out);
      out->append(" | ");
      AppendPaddedCell(rows[r][c], data_width, /*left_align=*/true, ' ', out);
      out->append(" \n");
    }
  }
}

// ---------------------------------------------------------------------------
// Literals

std::string QuoteSqlString(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

// The value's CAST text, computed through a one-element array so literals and
// columns share every rule.
std::string ScalarText(const arrow::Scalar& value, const DataType& type,
                       const FormatOptions& options, bool plain_decimal) {
  auto array = arrow::MakeArrayFromScalar(value, 1);
  if (!array.ok()) return value.ToString();
  FormatOptions scalar_options = options;
  scalar_options.decimal_plain_string = plain_decimal;
  auto text = CastToString(**array, type, scalar_options);
  if (!text.ok()) return value.ToString();
  return std::static_pointer_cast<arrow::StringArray>(*text)->GetString(0);
}

std::string FloatingSql(const std::string& text, bool is_float) {
  bool special = text == "NaN" || text == "Infinity" || text == "-Infinity";
  if (is_float) return "CAST('" + text + "' AS FLOAT)";  // FLOAT literals have no suffix
  return special ? "CAST('" + text + "' AS DOUBLE)" : text + "D";
}

std::string NestedLiteralSql(const arrow::Scalar& value, const DataType& type,
                             const FormatOptions& options);

std::string ArrayLiteralSql(const arrow::Array& values, const DataType& element_type,
                            const FormatOptions& options) {
  std::string out;
  for (int64_t i = 0; i < values.length(); ++i) {
    auto element = values.GetScalar(i);
    if (i > 0) out += ", ";
    out += element.ok() ? LiteralSql(**element, element_type, options) : "NULL";
  }
  return out;
}

std::string NestedLiteralSql(const arrow::Scalar& value, const DataType& type,
                             const FormatOptions& options) {
  if (type.id() == TypeId::kArray) {
    const auto& list = static_cast<const arrow::BaseListScalar&>(value);
    return "ARRAY(" +
           ArrayLiteralSql(*list.value, *static_cast<const ArrayType&>(type).element_type(),
                           options) +
           ")";
  }
  if (type.id() == TypeId::kMap) {
    const auto& map_type = static_cast<const MapType&>(type);
    const auto& entries =
        static_cast<const arrow::StructArray&>(*static_cast<const arrow::MapScalar&>(value).value);
    std::string out = "MAP(";
    for (int64_t i = 0; i < entries.length(); ++i) {
      if (i > 0) out += ", ";
      auto key = entries.field(0)->GetScalar(i);
      auto item = entries.field(1)->GetScalar(i);
      out += key.ok() ? LiteralSql(**key, *map_type.key_type(), options) : "NULL";
      out += ", ";
      out += item.ok() ? LiteralSql(**item, *map_type.value_type(), options) : "NULL";
    }
    return out + ")";
  }
  const auto& struct_type = static_cast<const StructType&>(type);
  const auto& fields = static_cast<const arrow::StructScalar&>(value).value;
  std::string out = "NAMED_STRUCT(";
  for (int f = 0; f < struct_type.num_fields() && f < static_cast<int>(fields.size()); ++f) {
    if (f > 0) out += ", ";
    out += "'" + struct_type.field(f).name + "', " +
           LiteralSql(*fields[f], *struct_type.field(f).type, options);
  }
  return out + ")";
}

}  // namespace

std::string JavaDoubleString(double value) { return JavaFloating(value); }
std::string JavaFloatString(float value) { return JavaFloating(value); }

int StringHalfWidth(std::string_view text) {
  int width = 0;
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp = NextCodePoint(text, &pos);
    width += Utf16Units(cp) + (IsFullWidth(cp) ? 1 : 0);
  }
  return width;
}

arrow::Result<std::shared_ptr<arrow::Array>> CastToString(const arrow::Array& values,
                                                          const DataType& type,
                                                          const FormatOptions& options) {
  Style style{"null", /*hex_binary=*/false, options.decimal_plain_string};
  return FormatAll(values, type, style, /*null_text=*/nullptr, options);
}

arrow::Result<std::shared_ptr<arrow::Array>> FormatForShow(const arrow::Array& values,
                                                           const DataType& type,
                                                           const FormatOptions& options) {
  static const std::string kNull = "NULL";
  Style style{kNull, /*hex_binary=*/true, /*plain_decimal=*/true};
  return FormatAll(values, type, style, &kNull, options);
}

arrow::Result<std::string> ShowString(const arrow::Table& rows, const StructType& schema,
                                      int num_rows, int truncate, bool vertical,
                                      const FormatOptions& options) {
  if (rows.num_columns() != schema.num_fields()) {
    return arrow::Status::Invalid("show: ", rows.num_columns(), " columns for a schema of ",
                                  schema.num_fields(), " fields");
  }
  num_rows = std::max(0, num_rows);
  // Spark fetches one row more than it shows to learn whether to print the footer.
  int64_t fetched = std::min<int64_t>(rows.num_rows(), static_cast<int64_t>(num_rows) + 1);
  bool has_more = fetched > num_rows;
  int64_t shown = std::min<int64_t>(fetched, num_rows);

  std::vector<std::vector<std::string>> cells(shown + 1);
  for (const auto& field : schema.fields()) cells[0].push_back(EscapeMetaCharacters(field.name));
  for (int c = 0; c < schema.num_fields(); ++c) {
    int64_t row = 0;
    std::shared_ptr<arrow::ChunkedArray> column = rows.column(c)->Slice(0, shown);
    for (const auto& chunk : column->chunks()) {
      ARROW_ASSIGN_OR_RAISE(auto text, FormatForShow(*chunk, *schema.field(c).type, options));
      const auto& strings = static_cast<const arrow::StringArray&>(*text);
      for (int64_t i = 0; i < strings.length(); ++i) {
        cells[++row].push_back(TruncateCell(EscapeMetaCharacters(strings.GetView(i)), truncate));
      }
    }
  }

  std::string out;
  if (vertical) {
    AppendVerticalLayout(cells, &out);
  } else {
    AppendTableLayout(cells, truncate, &out);
  }
  // Like Spark's showString, the footer line carries no newline of its own.
  if (vertical && shown == 0) {
    out += "(0 rows)";
  } else if (has_more) {
    out += "only showing top " + std::to_string(num_rows) + (num_rows == 1 ? " row" : " rows");
  }
  return out;
}

std::string LiteralPretty(const arrow::Scalar& value, const DataType& type) {
  if (!value.is_valid) return "NULL";
  switch (type.id()) {
    case TypeId::kString:
      return ScalarText(value, type, FormatOptions(), /*plain_decimal=*/true);
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal:
      // Java's toString of the value; for decimals that is BigDecimal.toString.
      return ScalarText(value, type, FormatOptions(), /*plain_decimal=*/false);
    default:
      return LiteralSql(value, type);
  }
}

namespace {
thread_local const std::string* literal_time_zone = nullptr;
}  // namespace

LiteralTimeZoneScope::LiteralTimeZoneScope(std::string time_zone)
    : time_zone_(std::move(time_zone)), previous_(literal_time_zone) {
  literal_time_zone = &time_zone_;
}

LiteralTimeZoneScope::~LiteralTimeZoneScope() { literal_time_zone = previous_; }

std::string LiteralSql(const arrow::Scalar& value, const DataType& type) {
  FormatOptions options;
  if (literal_time_zone != nullptr) options.time_zone = *literal_time_zone;
  return LiteralSql(value, type, options);
}

std::string LiteralSql(const arrow::Scalar& value, const DataType& type,
                       const FormatOptions& options) {
  if (!value.is_valid) {
    bool bare = type.id() == TypeId::kNull || type.IsNested();
    return bare ? "NULL" : "CAST(NULL AS " + type.Sql() + ")";
  }
  auto text = [&](bool plain_decimal) { return ScalarText(value, type, options, plain_decimal); };
  switch (type.id()) {
    case TypeId::kString: return QuoteSqlString(text(true));
    case TypeId::kByte: return text(true) + "Y";
    case TypeId::kShort: return text(true) + "S";
    case TypeId::kLong: return text(true) + "L";
    case TypeId::kFloat: return FloatingSql(text(true), /*is_float=*/true);
    case TypeId::kDouble: return FloatingSql(text(true), /*is_float=*/false);
    case TypeId::kDecimal: return text(false) + "BD";
    case TypeId::kDate: return "DATE '" + text(true) + "'";
    case TypeId::kTimestamp: return "TIMESTAMP '" + text(true) + "'";
    case TypeId::kTimestampNtz: return "TIMESTAMP_NTZ '" + text(true) + "'";
    case TypeId::kInterval: return "INTERVAL '" + text(true) + "'";
    case TypeId::kBinary: {
      std::string out = "X'";
      for (char byte : static_cast<const arrow::BaseBinaryScalar&>(value).view()) {
        AppendHexByte(static_cast<uint8_t>(byte), &out);
      }
      return out + "'";
    }
    case TypeId::kArray:
    case TypeId::kMap:
    case TypeId::kStruct: return NestedLiteralSql(value, type, options);
    default: return text(true);
  }
}

}  // namespace spate
