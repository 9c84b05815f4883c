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

}  // namespace

void AppendJacksonJson(const rapidjson::Value& v, bool big_numbers, JacksonOutput output, std::string* out) {
  switch (v.GetType()) {
    case rapidjson::kNullType: *out += "null"; break;
    case rapidjson::kFalseType: *out += "false"; break;
    case rapidjson::kTrueType: *out += "true"; break;
    case rapidjson::kStringType: {
      auto big = big_numbers ? BigNumberText(v) : std::nullopt;
      if (!big) {
        AppendString(StringOf(v), output, out);
      } else if (IsIntegerText(*big)) {
        *out += *big;
      } else {
        AppendDouble(big->front() == '-' ? -HUGE_VAL : HUGE_VAL, out);
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

std::string JacksonFieldText(const rapidjson::Value& v, bool big_numbers) {
  if (v.IsString() && !(big_numbers && BigNumberText(v))) return std::string(StringOf(v));
  std::string out;
  AppendJacksonJson(v, big_numbers, JacksonOutput::kBytes, &out);
  return out;
}

}  // namespace spate
