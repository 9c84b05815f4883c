#pragma once

// ASCII text helpers: Spark's keywords, option names, identifiers and format
// names compare case-insensitively; the SQL text readers trim and read digits.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace spate {

std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

/// Control characters written as escapes (\n, \t, ...), as Spark shows field
/// names and cells on one line (printSchema, show).
std::string EscapeMetaCharacters(std::string_view text);

/// `s` without leading and trailing ASCII white space.
std::string_view TrimAsciiSpace(std::string_view s);

/// Reads 1..max_digits ASCII digits at text[*i] into `out`, advancing `*i`;
/// false when there are none.
bool ReadDigits(std::string_view text, size_t* i, size_t max_digits, int64_t* out);

}  // namespace spate
