#pragma once

// Text that comes from outside (file contents, binary cast to string) may hold
// bytes that are not UTF-8, which Arrow's string arrays must not. Spark keeps
// such bytes and shows each invalid sequence as U+FFFD when a string leaves the
// JVM; Spate replaces them where the text enters, the same way (each maximal
// invalid subsequence becomes one U+FFFD, as Java's and Python's decoders do).

#include <memory>
#include <string>
#include <string_view>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

namespace spate {

/// The length in bytes of the valid UTF-8 character at text[i]; 1 when the bytes
/// there are not one.
size_t Utf8SequenceLength(std::string_view text, size_t i);

/// `text` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string ReplaceInvalidUtf8(std::string_view text);

/// `array` with the strings at any depth (struct fields, list and map values)
/// made valid UTF-8; the array itself when they already are.
arrow::Result<std::shared_ptr<arrow::Array>> ReplaceInvalidUtf8(const std::shared_ptr<arrow::Array>& array);

/// The same for every column of `table`.
arrow::Result<std::shared_ptr<arrow::Table>> ReplaceInvalidUtf8(const std::shared_ptr<arrow::Table>& table);

}  // namespace spate
