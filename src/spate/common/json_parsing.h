#pragma once

// How Spate parses JSON text with RapidJSON (from_json, get_json_object, the JSON
// source and its schema inference): NaN and Infinity are read as Spark's JSON
// reader reads them, and text that is not valid UTF-8 is malformed, as Jackson
// (and so Spark) finds it: such a record is corrupt, not silently read.

#include <rapidjson/reader.h>

namespace spate {

inline constexpr unsigned kJsonParseFlags =
    rapidjson::kParseNanAndInfFlag | rapidjson::kParseValidateEncodingFlag;

}  // namespace spate
