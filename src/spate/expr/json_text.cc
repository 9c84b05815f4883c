#include "spate/expr/json_text.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "spate/expr/json_record_parser.h"
#include "spate/expr/value_format.h"
#include "spate/types/json_schema.h"

namespace spate {

namespace {

std::string_view StringOf(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

bool IsIntegerText(std::string_view s) { return s.find_first_of(".eE") == std::string_view::npos; }

// The escaped characters of `s`, without the quotes.
void AppendEscaped(std::string_view s, std::string* out) {
  std::string quoted;
  AppendJsonString(s, &quoted);
  out->append(quoted, 1, quoted.size() - 2);
}

void AppendString(std::string_view s, JacksonOutput output, std::string* out) {
  auto astral = [](char c) { return static_cast<unsigned char>(c) >= 0xF0; };
  if (output == JacksonOutput::kChars || std::none_of(s.begin(), s.end(), astral)) {
    AppendJsonString(s, out);
    return;
  }
  // The text is valid UTF-8 (ParseJsonRecord checks it): a lead byte from
  // 0xF0 starts a four-byte character.
  *out += '"';
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (!astral(s[i])) continue;
    AppendEscaped(s.substr(start, i - start), out);
    uint32_t cp = (static_cast<uint32_t>(s[i] & 0x07) << 18) | (static_cast<uint32_t>(s[i + 1] & 0x3F) << 12) |
                  (static_cast<uint32_t>(s[i + 2] & 0x3F) << 6) | static_cast<uint32_t>(s[i + 3] & 0x3F);
    cp -= 0x10000;
    *out += fmt::format("\\u{:04X}\\u{:04X}", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
    i += 3;
    start = i + 1;
  }
  AppendEscaped(s.substr(start), out);
  *out += '"';
}

void AppendDouble(double d, std::string* out) {
  if (std::isfinite(d)) {
    *out += JavaDoubleString(d);
  } else {
    *out += '"' + JavaDoubleString(d) + '"';
  }
}

// Java's Double.toString of `[-]digits.digits` is that text less the
// fraction's trailing zeros when it has at most 15 significant digits (a
// double reads them back as written) and lies in [1e-3, 1e7), where Java
// writes no exponent; false for any other text.
bool AppendPlainDecimal(std::string_view text, std::string* out) {
  size_t point = text.find('.');
  if (point == std::string_view::npos || text.find_first_of("eE") != std::string_view::npos) return false;
  size_t sign = text[0] == '-' ? 1 : 0;
  std::string_view whole = text.substr(sign, point - sign);
  std::string_view fraction = text.substr(point + 1);
  while (fraction.size() > 1 && fraction.back() == '0') fraction.remove_suffix(1);
  if (whole.empty() || fraction.empty()) return false;
  size_t significant = whole.size() + fraction.size();
  if (whole == "0") {
    size_t first = fraction.find_first_not_of('0');
    if (first == std::string_view::npos || first >= 3) return false;  // zero, or below 1e-3
    significant = fraction.size() - first;
  } else if (whole.size() > 7) {
    return false;
  }
  if (significant > 15) return false;
  out->append(text.substr(0, point + 1));
  out->append(fraction);
  return true;
}

// A number string as Jackson writes the number it read: an integer as
// written (`-0` as 0; beyond a long as a BigInteger), any other as a Java
// double (`1.0E2` -> 100.0, `1e400` -> "Infinity").
void AppendNumberText(std::string_view text, std::string* out) {
  if (IsIntegerText(text)) {
    *out += text == "-0" ? "0" : text;
  } else if (!AppendPlainDecimal(text, out)) {
    AppendDouble(DoubleOfNumberText(text), out);
  }
}

}  // namespace

void AppendJacksonJson(const rapidjson::Value& v, bool big_numbers, JacksonOutput output, std::string* out) {
  switch (v.GetType()) {
    case rapidjson::kNullType: *out += "null"; break;
    case rapidjson::kFalseType: *out += "false"; break;
    case rapidjson::kTrueType: *out += "true"; break;
    case rapidjson::kStringType: {
      auto big = big_numbers ? BigNumberText(v) : std::nullopt;
      if (big) {
        AppendNumberText(*big, out);
      } else {
        AppendString(StringOf(v), output, out);
      }
      break;
    }
    case rapidjson::kNumberType:
      if (v.IsInt64()) {
        *out += std::to_string(v.GetInt64());
      } else if (v.IsUint64()) {
        *out += std::to_string(v.GetUint64());
      } else {
        AppendDouble(v.GetDouble(), out);
      }
      break;
    case rapidjson::kArrayType: {
      *out += '[';
      for (auto it = v.Begin(); it != v.End(); ++it) {
        if (it != v.Begin()) *out += ',';
        AppendJacksonJson(*it, big_numbers, output, out);
      }
      *out += ']';
      break;
    }
    case rapidjson::kObjectType: {
      *out += '{';
      for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        if (it != v.MemberBegin()) *out += ',';
        AppendString(StringOf(it->name), output, out);
        *out += ':';
        AppendJacksonJson(it->value, big_numbers, output, out);
      }
      *out += '}';
      break;
    }
  }
}

std::optional<std::string_view> StringText(const rapidjson::Value& v, bool big_numbers) {
  if (!v.IsString() || (big_numbers && BigNumberText(v))) return std::nullopt;
  return StringOf(v);
}

std::string JacksonFieldText(const rapidjson::Value& v, bool big_numbers) {
  if (auto text = StringText(v, big_numbers)) return std::string(*text);
  std::string out;
  AppendJacksonJson(v, big_numbers, JacksonOutput::kBytes, &out);
  return out;
}

}  // namespace spate
