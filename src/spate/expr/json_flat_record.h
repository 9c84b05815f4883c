#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "spate/types/data_type.h"

namespace arrow {
class ArrayBuilder;
class Status;
template <typename T>
class Result;
}  // namespace arrow

// from_json's fast path for its most common input: one JSON object whose
// fields are booleans, integers, floating-point numbers, strings or nulls,
// read into a struct of such fields in a single pass over the text, with no
// DOM. Whatever it does not decide exactly as the full reader would (escapes,
// non-ASCII text, nested values, numbers a double cannot hold exactly, values
// that do not fit their field, malformed text) it leaves alone, appending
// nothing, so that the caller re-reads the record with the full reader. The
// values of keys outside the schema are only checked for their syntax.

namespace spate {

class JsonFlatRecordReader {
 public:
  // A reader appending into `builder` (a StructBuilder of `schema`), or nullptr
  // when a field's type is outside the fast path. Field `corrupt_index` (the
  // corrupt-record column, or -1) gets NULL for every record read. The field
  // builders get room for `rows` values.
  static std::unique_ptr<JsonFlatRecordReader> Make(const StructType& schema, int corrupt_index,
                                                    arrow::ArrayBuilder* builder, int64_t rows);
  ~JsonFlatRecordReader();

  // Appends the record and returns true, or returns false having appended nothing.
  arrow::Result<bool> TryAppend(std::string_view text);

 private:
  struct Field;
  struct QuotedKey;
  struct SeenKey;
  JsonFlatRecordReader() = default;
  bool ReadKey(size_t n, const char** p, const char* end, Field** field);
  bool ReadNewKey(size_t n, const char** p, const char* end, Field** field);
  Field* Find(std::string_view key, const char* end);
  bool Scan(std::string_view text);
  bool Convert();
  arrow::Status Append();

  arrow::ArrayBuilder* builder_ = nullptr;
  int corrupt_index_ = -1;
  std::vector<Field> fields_;
  size_t next_ = 0;             // the field Find tries first
  std::vector<SeenKey> seen_;  // the keys of the last records, by their place in them
};

}  // namespace spate
