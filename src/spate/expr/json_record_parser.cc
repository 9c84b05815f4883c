#include "spate/expr/json_record_parser.h"

#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <rapidjson/reader.h>

#include "spate/common/json_parsing.h"

namespace spate {

namespace {

// A number string: this two-byte prefix, then the number's text. Only records
// flagged as holding big numbers are checked for it.
constexpr std::string_view kBigNumberPrefix("\0#", 2);

bool IsIntegerText(std::string_view s) { return s.find_first_of(".eE") == std::string_view::npos; }

// Whether `d` lies exactly halfway between two neighbouring floats (2^128
// counting as the one past the largest), where converting it to a float
// rounds a tie that the number it was read from may not have.
bool IsFloatTie(double d) {
  // Most doubles at once: in the normal floats' range, a tie has the 29 bits
  // below a float's precision set to 1000...0.
  if (std::fabs(d) >= 0x1p-126 && (std::bit_cast<uint64_t>(d) & 0x1FFFFFFF) != 0x10000000) return false;
  if (!std::isfinite(d)) return false;
  float below = static_cast<float>(d);  // the float at or under d, toward zero
  if (std::fabs(below) > std::fabs(d)) below = std::nextafter(below, 0.0f);
  double above = std::fabs(below) == std::numeric_limits<float>::max()
                     ? std::copysign(0x1p128, d)
                     : std::nextafter(below, std::copysign(HUGE_VALF, static_cast<float>(d)));
  return d == (static_cast<double>(below) + above) / 2;
}

// A container being built while pruning: its state, and how many of its
// members (elements) were seen and built.
struct PruneFrame {
  int state;
  bool object;
  size_t seen;
  rapidjson::SizeType built;
};

// What reading a record works with; JsonRecordReader keeps it between records.
template <typename Doc>
struct ReadContext {
  Doc& doc;
  const JsonReadOptions& options;
  const JsonRecordPruner* pruner;
  rapidjson::Reader& reader;
  std::string& number;  // a number string being assembled
  std::vector<PruneFrame>& frames;
  bool* big_numbers;
};

// SAX events into a Document, numbers (delivered as text) converted here:
// integers of 64 bits as such, other integers as number strings, the rest as
// correctly rounded doubles, or number strings where a float would round twice
// (all as number strings with numbers_as_text).
// With a pruner, the values it leaves out are read but not built.
template <typename Doc>
struct RecordHandler {
  static constexpr int kMaxDepth = 1000;

  const ReadContext<Doc>& c;
  int depth = 0;
  int skipped = 0;       // depth inside a value left out
  int member_state = 0;  // the state of the member whose name was read last

  // Whether the value starting now is built, and its state; an element left
  // out gets a null in its place.
  bool Enter(int* state) {
    *state = 0;
    if (c.pruner == nullptr) return true;
    if (skipped > 0) return false;
    if (c.frames.empty()) return true;
    PruneFrame& f = c.frames.back();
    if (f.object) {
      *state = member_state;
      if (*state == JsonRecordPruner::kNullMember) c.doc.Null();
      return *state >= 0;
    }
    *state = c.pruner->ElementState(f.state, f.seen++);
    ++f.built;
    if (*state < 0) c.doc.Null();
    return *state >= 0;
  }
  template <typename Build>
  bool Scalar(Build build) {
    int state;
    return !Enter(&state) || build();
  }

  bool Null() { return Scalar([&] { return c.doc.Null(); }); }
  bool Bool(bool b) { return Scalar([&] { return c.doc.Bool(b); }); }
  bool Int(int i) { return Scalar([&] { return c.doc.Int(i); }); }
  bool Uint(unsigned i) { return Scalar([&] { return c.doc.Uint(i); }); }
  bool Int64(int64_t i) { return Scalar([&] { return c.doc.Int64(i); }); }
  bool Uint64(uint64_t i) { return Scalar([&] { return c.doc.Uint64(i); }); }
  bool Double(double d) { return Scalar([&] { return c.doc.Double(d); }); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return Scalar([&] {
      if (n >= 2 && s[0] == '\0' && s[1] == '#') *c.big_numbers = true;
      return c.doc.String(s, n, copy);
    });
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    if (c.pruner == nullptr) return c.doc.Key(s, n, copy);
    if (skipped > 0) return true;
    PruneFrame& f = c.frames.back();
    member_state = c.pruner->MemberState(f.state, {s, n});
    if (member_state == JsonRecordPruner::kLeftOut) return true;
    ++f.built;
    return c.doc.Key(s, n, copy);
  }
  bool StartObject() { return Start(true); }
  bool EndObject(rapidjson::SizeType n) { return End(true, n); }
  bool StartArray() { return Start(false); }
  bool EndArray(rapidjson::SizeType n) { return End(false, n); }

  bool Start(bool object) {
    if (++depth > kMaxDepth) return false;
    int state;
    if (!Enter(&state)) {
      ++skipped;
      return true;
    }
    if (c.pruner != nullptr) c.frames.push_back({state, object, 0, 0});
    return object ? c.doc.StartObject() : c.doc.StartArray();
  }
  bool End(bool object, rapidjson::SizeType n) {
    --depth;
    if (skipped > 0) {
      --skipped;
      return true;
    }
    if (c.pruner != nullptr) {
      n = c.frames.back().built;
      c.frames.pop_back();
    }
    return object ? c.doc.EndObject(n) : c.doc.EndArray(n);
  }

  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    std::string_view text(s, n);
    // RapidJSON's NaN and infinities (a number ends in a digit): Jackson reads
    // NaN, Infinity and -Infinity (the lenient forms rewritten as these), not
    // -NaN or Inf; refused even where left out.
    bool non_numeric = !std::isdigit(static_cast<unsigned char>(text.back()));
    if (non_numeric && !(c.options.allow_non_numeric_numbers &&
                         (text == "NaN" || text == "Infinity" || text == "-Infinity"))) {
      return false;
    }
    int state;
    if (!Enter(&state)) return true;
    if (non_numeric) return c.doc.Double(text == "NaN" ? std::nan("") : text[0] == '-' ? -HUGE_VAL : HUGE_VAL);
    if (c.options.numbers_as_text) return NumberString(text);
    if (IsIntegerText(text)) {
      int64_t i;
      if (std::from_chars(s, s + n, i).ec == std::errc()) return c.doc.Int64(i);
      uint64_t u;
      if (s[0] != '-' && std::from_chars(s, s + n, u).ec == std::errc()) return c.doc.Uint64(u);
      return NumberString(text);
    }
    double d = DoubleOfNumberText(text);
    if (std::isinf(d) || (IsFloatTie(d) && FloatOfNumberText(text) != static_cast<float>(d))) {
      return NumberString(text);
    }
    return c.doc.Double(d);
  }

  bool NumberString(std::string_view text) {
    *c.big_numbers = true;
    c.number.assign(kBigNumberPrefix);
    c.number += text;
    return c.doc.String(c.number.data(), static_cast<rapidjson::SizeType>(c.number.size()), true);
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

// Parses with kJsonParseFlags, `kFlags` added and `kMask` applied.
template <unsigned kFlags, unsigned kMask, typename Doc>
rapidjson::ParseResult ParseWith(std::string_view text, const ReadContext<Doc>& c) {
  rapidjson::ParseResult result;
  size_t end = 0;
  auto generate = [&](Doc&) {
    rapidjson::MemoryStream memory(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(memory);
    RecordHandler<Doc> handler{c};
    result = c.reader.template Parse<((kFlags | kJsonParseFlags) & kMask) | rapidjson::kParseNumbersAsStringsFlag |
                                     rapidjson::kParseStopWhenDoneFlag>(stream, handler);
    end = stream.Tell();
    return !result.IsError();
  };
  c.frames.clear();
  c.doc.Populate(generate);
  if (!result.IsError() && !RootScalarEndsWell(c.doc, *c.big_numbers, text, end)) {
    result.Set(rapidjson::kParseErrorDocumentRootNotSingular, end);
  }
  return result;
}

bool IsAscii(std::string_view text) {
  uint64_t high = 0;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    high |= word;
  }
  for (; i < text.size(); ++i) high |= static_cast<unsigned char>(text[i]);
  return (high & 0x8080808080808080ULL) == 0;
}

template <typename Doc>
rapidjson::ParseResult Parse(std::string_view text, const ReadContext<Doc>& c) {
  *c.big_numbers = false;
  // kJsonParseFlags reads NaN and Infinity; without allowNonNumericNumbers
  // RecordHandler refuses them. It validates UTF-8, character by character:
  // ASCII text needs no validating.
  constexpr unsigned kAscii = ~static_cast<unsigned>(rapidjson::kParseValidateEncodingFlag);
  constexpr unsigned kComments = rapidjson::kParseCommentsFlag;
  bool ascii = IsAscii(text);
  if (c.options.allow_comments) {
    return ascii ? ParseWith<kComments, kAscii>(text, c) : ParseWith<kComments, ~0U>(text, c);
  }
  return ascii ? ParseWith<0, kAscii>(text, c) : ParseWith<0, ~0U>(text, c);
}

// The text with the number that starts at `offset` (one RapidJSON cannot
// hold) replaced by its number string.
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

template <typename Doc>
bool ReadRecord(std::string_view text, const ReadContext<Doc>& c) {
  auto result = Parse(text, c);
  if (!result.IsError()) return true;
  // Malformed as strict JSON: read again with the lenient forms rewritten and
  // each number too big for RapidJSON as a number string, one at a time.
  std::string rewritten(text);
  bool lenient = false;
  while (result.IsError()) {
    if (result.Code() == rapidjson::kParseErrorNumberTooBig) {
      rewritten = WithBigNumberAt(rewritten, result.Offset());
    } else if (!lenient) {
      lenient = true;
      auto strict = StrictJsonText(rewritten, c.options);
      if (!strict) return false;
      rewritten = std::move(*strict);
    } else {
      return false;
    }
    result = Parse(rewritten, c);
  }
  return true;
}

// Pool memory kept between records: a record that fits takes no allocation.
constexpr size_t kPoolBytes = 64 * 1024;

using PoolDocument =
    rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>, rapidjson::MemoryPoolAllocator<>>;

}  // namespace

std::optional<std::string_view> BigNumberText(const rapidjson::Value& v) {
  if (!v.IsString()) return std::nullopt;
  std::string_view s(v.GetString(), v.GetStringLength());
  if (s.substr(0, 2) != kBigNumberPrefix) return std::nullopt;
  return s.substr(2);
}

double DoubleOfNumberText(std::string_view text) {
  double d;
  if (std::from_chars(text.data(), text.data() + text.size(), d).ec == std::errc()) return d;
  // Out of range: strtod gives the underflow's (signed) zero or the overflow's infinity.
  return std::strtod(std::string(text).c_str(), nullptr);
}

float FloatOfNumberText(std::string_view text) {
  float f;
  if (std::from_chars(text.data(), text.data() + text.size(), f).ec == std::errc()) return f;
  return std::strtof(std::string(text).c_str(), nullptr);
}

bool ParseJsonRecord(std::string_view text, const JsonReadOptions& options, rapidjson::Document* doc,
                     bool* big_numbers) {
  rapidjson::Reader reader;
  std::string number;
  std::vector<PruneFrame> frames;
  return ReadRecord(text, ReadContext<rapidjson::Document>{*doc, options, nullptr, reader, number, frames, big_numbers});
}

struct JsonRecordReader::State {
  State(const JsonReadOptions& o, const JsonRecordPruner* p)
      : options(o), pruner(p), buffer(new char[kPoolBytes]), pool(buffer.get(), kPoolBytes), doc(&pool, 1024, &pool) {}

  JsonReadOptions options;
  const JsonRecordPruner* pruner;
  std::unique_ptr<char[]> buffer;
  rapidjson::MemoryPoolAllocator<> pool;
  PoolDocument doc;  // its parse stack in the pool too
  rapidjson::Reader reader;
  std::string number;
  std::vector<PruneFrame> frames;
};

JsonRecordReader::JsonRecordReader(const JsonReadOptions& options, const JsonRecordPruner* pruner)
    : state_(std::make_unique<State>(options, pruner)) {}

JsonRecordReader::~JsonRecordReader() = default;

const rapidjson::Value* JsonRecordReader::Read(std::string_view text) {
  State& s = *state_;
  s.doc.SetNull();  // before its memory is reused
  s.pool.Clear();
  ReadContext<PoolDocument> c{s.doc, s.options, s.pruner, s.reader, s.number, s.frames, &big_numbers_};
  return ReadRecord(text, c) ? &s.doc : nullptr;
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
