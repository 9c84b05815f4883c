#pragma once

// get_json_object's paths, read and followed as Spark does (Hive's rules):
// `$` then any of `.name`, `['name']`, `[n]`, `[*]`, `.*`, `['*']`. Spaces
// are skipped where Spark's path grammar skips them (`$.a[ 0]`, `$[' a']`).
// A string alone is returned as its text; several matches through `[*]` as a
// JSON array, a single one without brackets; `[*][*]` flattens nested arrays.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "spate/expr/json_record_parser.h"

namespace spate {

struct JsonPathStep {
  enum Kind {
    kField,         // .name, ['name']
    kIndex,         // [n]
    kEveryElement,  // [*]
    kEveryField,    // .* and ['*']: read, but Spark matches nothing with them
  };
  Kind kind;
  std::string name;
  int64_t index = 0;
};
using JsonPath = std::vector<JsonPathStep>;

// nullopt for text outside the grammar (get_json_object is then NULL).
std::optional<JsonPath> ParseJsonPath(std::string_view text);

// Appends to `out` what get_json_object returns for `root` (read by
// JsonRecordReader, with its `big_numbers`); false when the path matches nothing.
bool EvaluateJsonPath(const JsonPath& path, const rapidjson::Value& root, bool big_numbers, std::string* out);

// Leaves out of a record what the path cannot reach, for JsonRecordReader:
// a state is the index of the step that applies to a value's members or
// elements (past the last step, everything is kept). Reads the path when
// asked, so the path may change between records.
class JsonPathPruner : public JsonRecordPruner {
 public:
  explicit JsonPathPruner(const JsonPath& path) : path_(path) {}
  int MemberState(int state, std::string_view name) const override;
  int ElementState(int state, size_t index) const override;

 private:
  const JsonPath& path_;
};

}  // namespace spate
