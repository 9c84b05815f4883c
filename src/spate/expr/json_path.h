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

// What get_json_object returns for `root` (read by ParseJsonRecord, with its
// `big_numbers`), or nullopt when the path matches nothing.
std::optional<std::string> EvaluateJsonPath(const JsonPath& path, const rapidjson::Value& root, bool big_numbers);

}  // namespace spate
