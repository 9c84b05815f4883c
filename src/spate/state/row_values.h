#pragma once

// Single values as RowEncoder (row_codec.h) writes them, for a row built
// value by value instead of from Arrow arrays: one value per column, in
// order, appended to `out`, gives the row's encoding. AppendEncodedInt64 and
// AppendEncodedBool (row_codec.h) are two more of them.

#include <cstdint>
#include <string>
#include <string_view>

namespace spate {

void AppendEncodedNull(std::string* out);
/// A signed integer column of `bytes` bytes (1, 2, 4 or 8; `value` must fit):
/// TINYINT to BIGINT, DATE (days, 4) and TIMESTAMP (microseconds, 8).
void AppendEncodedInteger(int64_t value, int bytes, std::string* out);
void AppendEncodedFloat(float value, std::string* out);
void AppendEncodedDouble(double value, std::string* out);
/// A STRING (UTF-8) or BINARY column.
void AppendEncodedBytes(std::string_view value, std::string* out);

}  // namespace spate
