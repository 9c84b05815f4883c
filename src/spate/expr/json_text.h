#pragma once

// JSON text of values read by ParseJsonRecord, as Spark's Jackson generators
// copy them: strings quoted with Jackson's escapes, integers as written,
// other numbers as Java doubles (`1e2` -> 100.0, non-finite ones quoted:
// "Infinity"), objects and arrays without spaces, repeated keys kept.

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace spate {

// What the generator writes into. Jackson's generator over bytes (get_json_object,
// json_tuple, from_json's STRING fields) escapes a character beyond the BMP as
// its surrogate pair (`\uD83D\uDE00`); the one over characters writes it as it is.
enum class JacksonOutput { kBytes, kChars };

// `big_numbers`: strings may be number strings (json_record_parser.h),
// written as Jackson writes the number they hold.
void AppendJacksonJson(const rapidjson::Value& v, bool big_numbers, JacksonOutput output, std::string* out);

// A string's text; nullopt for any other value (a number string too).
std::optional<std::string_view> StringText(const rapidjson::Value& v, bool big_numbers);

// A value as json_tuple returns a field (and from_json a STRING field): a
// string's text, anything else as JSON text (kBytes).
std::string JacksonFieldText(const rapidjson::Value& v, bool big_numbers);

}  // namespace spate
