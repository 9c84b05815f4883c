#pragma once

// Where each value of a JSON record is written in its text. Spark's JSON file
// source reads a STRING field over an object, an array, a number or a literal
// as the field's text in the record, exactly as written (spaces, comments,
// single quotes, `1.0E2` kept); this finds that text.

#include <string_view>
#include <vector>

namespace spate {

/// The from_json option (internal to the JSON file source, which reads its
/// records with from_json) saying the records are the source's: STRING fields
/// take their text as written, and a top-level array is not refused as
/// FAILFAST's from_json refuses it (the source splits arrays of objects).
inline constexpr char kJsonSourceRecordsOption[] = "__spate_json_source_records";

/// kJsonSourceRecordsOption's value for records of JSON Lines that each run on
/// past their line's end (they view the file's text without a copy): the line
/// break and blank lines after a record are white space after its value, and a
/// malformed record's text is its line, cut at its first break. Other values:
/// "true".
inline constexpr char kJsonLineRecords[] = "lines";

/// The text of each value of the record's first JSON value, in document order
/// (a container before the values inside it, as a DOM walked depth first);
/// Jackson's lenient forms and comments are followed. Empty when the text does
/// not hold a complete value.
std::vector<std::string_view> JsonValueSpans(std::string_view text);

}  // namespace spate
