#pragma once

// ASCII case helpers: Spark's keywords, option names, identifiers and format
// names compare case-insensitively.

#include <string>
#include <string_view>

namespace spate {

std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

/// Control characters written as escapes (\n, \t, ...), as Spark shows field
/// names and cells on one line (printSchema, show).
std::string EscapeMetaCharacters(std::string_view text);

}  // namespace spate
