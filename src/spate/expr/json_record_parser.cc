#include "spate/expr/json_record_parser.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include <rapidjson/reader.h>

#include "spate/common/json_parsing.h"

namespace spate {

namespace {

// A big number's string: this two-byte prefix, then the number's text. Only
// records flagged as holding big numbers are checked for it.
constexpr std::string_view kBigNumberPrefix("\0#", 2);

bool IsIntegerText(std::string_view s) { return s.find_first_of(".eE") == std::string_view::npos; }

// SAX events into a Document, numbers (delivered as text) converted here:
// integers of 64 bits as such, other integers as big numbers, the rest as
// correctly rounded doubles.
struct RecordHandler {
  static constexpr int kMaxDepth = 1000;

  rapidjson::Document& doc;
  bool allow_non_numeric;
  bool* big_numbers;
  int depth = 0;

  bool Null() { return doc.Null(); }
  bool Bool(bool b) { return doc.Bool(b); }
  bool Int(int i) { return doc.Int(i); }
  bool Uint(unsigned i) { return doc.Uint(i); }
  bool Int64(int64_t i) { return doc.Int64(i); }
  bool Uint64(uint64_t i) { return doc.Uint64(i); }
  bool Double(double d) { return doc.Double(d); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    if (n >= 2 && s[0] == '\0' && s[1] == '#') *big_numbers = true;
    return doc.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc.Key(s, n, copy); }
  bool StartObject() { return ++depth <= kMaxDepth && doc.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth;
    return doc.EndObject(n);
  }
  bool StartArray() { return ++depth <= kMaxDepth && doc.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth;
    return doc.EndArray(n);
  }

  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    std::string_view text(s, n);
    if (text == "NaN") return allow_non_numeric && doc.Double(std::nan(""));
    if (text == "Infinity" || text == "Inf") return allow_non_numeric && doc.Double(HUGE_VAL);
    if (text == "-Infinity" || text == "-Inf") return allow_non_numeric && doc.Double(-HUGE_VAL);
    const char* end = s + n;
    if (IsIntegerText(text)) {
      int64_t i;
      if (std::from_chars(s, end, i).ec == std::errc()) return doc.Int64(i);
      uint64_t u;
      if (s[0] != '-' && std::from_chars(s, end, u).ec == std::errc()) return doc.Uint64(u);
      return BigNumber(text);
    }
    double d;
    if (std::from_chars(s, end, d).ec == std::errc()) return doc.Double(d);
    // Out of range: strtod gives the underflow's (signed) zero or the overflow's infinity.
    d = std::strtod(std::string(text).c_str(), nullptr);
    if (std::isinf(d)) return BigNumber(text);
    return doc.Double(d);
  }

  bool BigNumber(std::string_view text) {
    *big_numbers = true;
    std::string s(kBigNumberPrefix);
    s += text;
    return doc.String(s.data(), static_cast<rapidjson::SizeType>(s.size()), true);
  }
};

bool IsJavaIdentifierByte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || (c & 0x80) != 0;
}

// Jackson's check after a number or literal alone: a number must be followed
// by a space (or the end), a literal (`true`, `NaN`) by no identifier character.
bool RootScalarEndsWell(const rapidjson::Value& root, bool big_numbers, std::string_view text, size_t end) {
  bool number = root.IsNumber() || (big_numbers && BigNumberText(root));
  if ((!number && !root.IsBool() && !root.IsNull()) || end >= text.size()) return true;
  char last = text[end - 1];
  if (std::isdigit(static_cast<unsigned char>(last)) || last == '.' || last == '"') {
    return std::string_view(" \t\r\n").find(text[end]) != std::string_view::npos;
  }
  return !IsJavaIdentifierByte(text[end]);
}

template <unsigned kFlags>
rapidjson::ParseResult ParseWith(std::string_view text, RecordHandler handler) {
  rapidjson::ParseResult result;
  size_t end = 0;
  auto generate = [&](rapidjson::Document&) {
    rapidjson::MemoryStream memory(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(memory);
    rapidjson::Reader reader;
    result = reader.Parse<kFlags | kJsonParseFlags | rapidjson::kParseNumbersAsStringsFlag |
                          rapidjson::kParseStopWhenDoneFlag>(stream, handler);
    end = stream.Tell();
    return !result.IsError();
  };
  handler.doc.Populate(generate);
  if (!result.IsError() && !RootScalarEndsWell(handler.doc, *handler.big_numbers, text, end)) {
    result.Set(rapidjson::kParseErrorDocumentRootNotSingular, end);
  }
  return result;
}

rapidjson::ParseResult Parse(std::string_view text, const JsonReadOptions& o, rapidjson::Document* doc,
                             bool* big_numbers) {
  // kJsonParseFlags reads NaN and Infinity; without allowNonNumericNumbers
  // RecordHandler refuses them.
  RecordHandler handler{*doc, o.allow_non_numeric_numbers, big_numbers};
  if (o.allow_comments) return ParseWith<rapidjson::kParseCommentsFlag>(text, handler);
  return ParseWith<0>(text, handler);
}

// The text with the number that starts at `offset` (one RapidJSON cannot
// hold) replaced by its big-number string.
std::string WithBigNumberAt(std::string_view text, size_t offset) {
  size_t end = text.find_first_not_of("+-0123456789.eE", offset);
  if (end == std::string_view::npos) end = text.size();
  std::string out(text.substr(0, offset));
  out += "\"\\u0000#";
  out += text.substr(offset, end - offset);
  out += '"';
  out += text.substr(end);
  return out;
}

}  // namespace

std::optional<std::string_view> BigNumberText(const rapidjson::Value& v) {
  if (!v.IsString()) return std::nullopt;
  std::string_view s(v.GetString(), v.GetStringLength());
  if (s.substr(0, 2) != kBigNumberPrefix) return std::nullopt;
  return s.substr(2);
}

bool ParseJsonRecord(std::string_view text, const JsonReadOptions& options, rapidjson::Document* doc,
                     bool* big_numbers) {
  *big_numbers = false;
  auto result = Parse(text, options, doc, big_numbers);
  if (!result.IsError()) return true;
  // Malformed as strict JSON: read again with the lenient forms rewritten and
  // each number too big for RapidJSON as a big-number string, one at a time.
  std::string rewritten(text);
  bool lenient = false;
  while (result.IsError()) {
    if (result.Code() == rapidjson::kParseErrorNumberTooBig) {
      rewritten = WithBigNumberAt(rewritten, result.Offset());
    } else if (!lenient) {
      lenient = true;
      auto strict = StrictJsonText(rewritten, options);
      if (!strict) return false;
      rewritten = std::move(*strict);
    } else {
      return false;
    }
    *big_numbers = false;
    result = Parse(rewritten, options, doc, big_numbers);
  }
  return true;
}

}  // namespace spate

// ---------------------------------------------------------------------------
// Lenient JSON as strict JSON

namespace spate {

namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }
bool IsNameChar(char c) { return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c)); }
bool IsStrictEscape(char c) { return std::string_view("\"\\/bfnrtu").find(c) != std::string_view::npos; }

class StrictWriter {
 public:
  StrictWriter(std::string_view text, const JsonReadOptions& o) : in_(text), o_(o) {}

  std::string Run() {
    while (i_ < in_.size()) {
      char c = in_[i_];
      if (c == '"' || (c == '\'' && o_.allow_single_quotes)) {
        String(c);
      } else if (o_.allow_unquoted_field_names && IsNameStart(c) && ExpectsName()) {
        Name();
      } else if (o_.allow_numeric_leading_zeros && c == '0' && StartsNumber() && i_ + 1 < in_.size() &&
                 std::isdigit(static_cast<unsigned char>(in_[i_ + 1]))) {
        ++i_;  // a leading zero
      } else if (o_.allow_non_numeric_numbers && (c == '+' || c == '-') && StartsNumber() && NonNumeric()) {
        continue;  // written by NonNumeric
      } else {
        out_ += c;
        ++i_;
      }
    }
    return out_;
  }

 private:
  // The last character written that is not a space.
  char Last() const {
    size_t k = out_.find_last_not_of(" \t\r\n");
    return k == std::string::npos ? '\0' : out_[k];
  }
  // A name where an object's field name goes: after `{` or `,`, followed by `:`.
  bool ExpectsName() const {
    if (Last() != '{' && Last() != ',') return false;
    size_t end = i_;
    while (end < in_.size() && IsNameChar(in_[end])) ++end;
    end = in_.find_first_not_of(" \t\r\n", end);
    return end != std::string_view::npos && in_[end] == ':';
  }
  bool StartsNumber() const {
    char last = out_.empty() ? '\0' : out_.back();
    return !IsNameChar(last) && last != '.';
  }

  // `+Infinity`, `+INF` as `Infinity`; `-INF` as `-Infinity`.
  bool NonNumeric() {
    std::string_view rest = in_.substr(i_ + 1);
    for (std::string_view word : {"Infinity", "INF"}) {
      if (rest.substr(0, word.size()) == word &&
          (rest.size() == word.size() || !IsNameChar(rest[word.size()]))) {
        if (in_[i_] == '-') out_ += '-';
        out_ += "Infinity";
        i_ += 1 + word.size();
        return true;
      }
    }
    return false;
  }

  // A string quoted by `quote`, written double-quoted with its escapes kept.
  void String(char quote) {
    out_ += '"';
    ++i_;
    while (i_ < in_.size()) {
      char c = in_[i_++];
      if (c == quote) break;
      if (c == '\\' && i_ < in_.size()) {
        char e = in_[i_++];
        if (e == '\'' && o_.allow_single_quotes) {
          out_ += '\'';
        } else if (IsStrictEscape(e) || !o_.allow_backslash_escaping_any_character) {
          out_ += '\\';
          out_ += e;
        } else {
          out_ += e;
        }
      } else if (c == '"') {
        out_ += "\\\"";  // inside a single-quoted string
      } else if (static_cast<unsigned char>(c) < 0x20 && o_.allow_unquoted_control_chars) {
        out_ += "\\u00";
        out_ += "0123456789abcdef"[c >> 4];
        out_ += "0123456789abcdef"[c & 0xf];
      } else {
        out_ += c;
      }
    }
    out_ += '"';
  }

  void Name() {
    out_ += '"';
    while (i_ < in_.size() && IsNameChar(in_[i_])) out_ += in_[i_++];
    out_ += '"';
  }

  std::string_view in_;
  const JsonReadOptions& o_;
  size_t i_ = 0;
  std::string out_;
};

}  // namespace

std::optional<std::string> StrictJsonText(std::string_view text, const JsonReadOptions& options) {
  std::string out = StrictWriter(text, options).Run();
  if (out == text) return std::nullopt;
  return out;
}

}  // namespace spate
