#pragma once

// How from_json (and so the JSON file source) parses one record into a
// RapidJSON DOM, reading what Spark's Jackson parser reads:
//  - the first JSON value of the record; text after it is ignored,
//  - numbers converted as Java converts them (correctly rounded doubles),
//    except that a number whose double lies halfway between two floats, while
//    the number itself does not, is kept as its text (a float read from that
//    double would round the tie, not the number),
//  - a number beyond a double's range (`1e400`), or an integer beyond 64 bits,
//    kept as its text in a "number string" (see BigNumberText); with
//    `numbers_as_text`, every number, for readers that only write numbers out
//    (json_text.h converts one when it writes it),
//  - Jackson's lenient features as the options allow them: single-quoted
//    strings (on by default), unquoted field names, leading zeros, NaN and
//    Infinity tokens (on by default), backslash before any character, comments,
//    control characters inside strings,
//  - at most 1000 levels of nesting (Jackson's limit); a number or a literal
//    (`true`, `NaN`) alone must be followed by a space or the end (`1x` is
//    malformed, `1 x` is 1), as Jackson checks at the root.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace spate {

struct JsonReadOptions {
  bool allow_comments = false;
  bool allow_single_quotes = true;
  bool allow_unquoted_field_names = false;
  bool allow_numeric_leading_zeros = false;
  bool allow_non_numeric_numbers = true;
  bool allow_backslash_escaping_any_character = false;
  bool allow_unquoted_control_chars = false;
  // Not a Spark option: every number kept as its text in a number string.
  bool numbers_as_text = false;
};

// What get_json_object, json_tuple, json_array_length and json_object_keys
// read: Spark's parser for them takes single quotes and control characters in
// strings, nothing else lenient. They only write numbers out, so numbers are
// kept as their text.
inline constexpr JsonReadOptions kJsonPathReadOptions{.allow_single_quotes = true,
                                                      .allow_non_numeric_numbers = false,
                                                      .allow_unquoted_control_chars = true,
                                                      .numbers_as_text = true};

// Parses the record into `doc`; false when it is malformed. `*big_numbers`
// tells whether the record holds any number string.
bool ParseJsonRecord(std::string_view text, const JsonReadOptions& options, rapidjson::Document* doc,
                     bool* big_numbers);

// The number text a number string holds, or nullopt for any other string.
// Only meaningful for records whose `big_numbers` was set.
std::optional<std::string_view> BigNumberText(const rapidjson::Value& v);

// A number's text as Java reads it into a double (correctly rounded; beyond
// the range, infinity or zero).
double DoubleOfNumberText(std::string_view text);

// A number's text as Java reads it into a float (Float.parseFloat): rounded
// once from the text, beyond the range infinity or zero.
float FloatOfNumberText(std::string_view text);

// Which values of a record get built. States are the reader's own: the root
// has state 0; a value left out (kLeftOut) is still read and checked, but a
// member is dropped and an element built as null (positions kept); a member
// kept as null (kNullMember) keeps its name with a null for its value. Called
// for the members and elements of values that are built.
class JsonRecordPruner {
 public:
  static constexpr int kLeftOut = -1;
  static constexpr int kNullMember = -2;
  virtual ~JsonRecordPruner() = default;
  virtual int MemberState(int state, std::string_view name) const = 0;
  virtual int ElementState(int state, size_t index) const = 0;
};

// Reads records one after another as ParseJsonRecord does, into memory kept
// between them (no allocation per record once warm); not thread-safe.
class JsonRecordReader {
 public:
  // `pruner` (may be null: everything is built) must outlive the reader.
  explicit JsonRecordReader(const JsonReadOptions& options, const JsonRecordPruner* pruner = nullptr);
  ~JsonRecordReader();

  // The record's value, valid until the next Read; nullptr when malformed.
  const rapidjson::Value* Read(std::string_view text);
  // Whether the record last read holds any number string.
  bool big_numbers() const { return big_numbers_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  bool big_numbers_ = false;
};

// The text with Jackson's lenient forms that `options` allow rewritten as
// strict JSON (single quotes as double quotes, names quoted, leading zeros
// dropped, `+Infinity`/`+INF`/`-INF` spelled as RapidJSON reads them, `\x`
// as `x`, control characters escaped); nullopt when there is nothing to rewrite.
std::optional<std::string> StrictJsonText(std::string_view text, const JsonReadOptions& options);

}  // namespace spate
