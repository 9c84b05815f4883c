#include "spate/expr/json_flat_record.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <limits>
#include <optional>

#include <arrow/api.h>

#include "spate/common/byte_scan.h"
#include "spate/common/utf8.h"
#include "spate/expr/json_record_parser.h"

// The fast path accepts a record only when the full reader (RapidJSON with
// Spark's conversion rules) would read it without error and to the same
// values, so falling back never changes a result. For the schema's fields:
//  - strings and keys of printable ASCII without escapes (nothing to decode or
//    validate),
//  - integers of at most 18 digits, and numbers with a fraction or an
//    exponent: those of at most 15 significant digits times a power of ten
//    within 1e-22..1e22 by one correctly rounded multiplication, the others
//    by the full reader's own correctly rounded conversion; into FLOAT fields
//    straight from the text, as Java rounds a float once (not twice through
//    a double); a number beyond a double's range is left to the full reader,
//  - no nested objects or arrays, no NaN/Infinity tokens, no repeated keys,
//    nothing after the object (the full reader ignores it, as Jackson does).
// The values of other fields are not converted, only checked to be strict
// JSON (SkipValue): any number, strings with escapes and valid UTF-8, nested
// objects and arrays a few levels deep. The lenient forms the options may
// allow (single quotes, NaN, leading zeros, ...) are left to the full reader.

namespace spate {

namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A cursor over one record's text.
struct Cursor {
  const char* p;
  const char* end;

  bool AtEnd() const { return p == end; }
  char Peek() const { return p < end ? *p : '\0'; }
  void SkipSpace() {
    while (p < end && IsJsonSpace(*p)) ++p;
  }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++p;
    return true;
  }
};

// A string's contents, after its opening quote; false for anything but plain ASCII.
bool ScanPlainString(Cursor& c, std::string_view* out) {
  const char* close = FindJsonStringSpecial(c.p, c.end);
  if (close == c.end || *close != '"') return false;
  *out = std::string_view(c.p, close - c.p);
  c.p = close + 1;
  return true;
}

// A number as written: its digits without the point, the power of ten scaling them.
struct Number {
  uint64_t digits = 0;
  int power = 0;
  bool negative = false;
  bool integer = false;  // neither fraction nor exponent
  std::string_view text;  // as written
  // Set for a number with more significant digits or a larger power than
  // digits * 10^power computes exactly: its value, converted from its text.
  std::optional<double> converted;
};

uint64_t Load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

constexpr uint64_t kZeros = 0x3030303030303030;

// Whether the 8 bytes of `v` are all digits, checked at once: a digit is
// 0x30..0x39, its high nibble is 3, and adding 6 leaves it 3.
bool AllDigits(uint64_t v) {
  constexpr uint64_t kHigh = 0xF0F0F0F0F0F0F0F0, kSixes = 0x0606060606060606;
  return (v & kHigh) == kZeros && ((v + kSixes) & kHigh) == kZeros;
}

// The value of the 8 digits at `p`, or -1 when they are not all digits:
// neighbours are combined pairwise (2, 4, 8 digits).
int64_t EightDigits(const char* p) {
  uint64_t v = Load8(p);
  if (!AllDigits(v)) return -1;
  v -= kZeros;  // little-endian: the first digit is the lowest byte
  v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FF;
  v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFF;
  v = v * 10000 + (v >> 32);
  return static_cast<int64_t>(v & 0xFFFFFFFF);
}

// Digits onto `*digits` (wrapping past 19 digits, which no accepted number has); returns how many.
int ScanDigits(Cursor& c, uint64_t* digits) {
  const char* p = c.p;
  uint64_t value = *digits;  // a local, which the loop's char reads cannot alias
  if constexpr (std::endian::native == std::endian::little) {
    for (int64_t eight; c.end - p >= 8 && (eight = EightDigits(p)) >= 0; p += 8) {
      value = value * 100000000 + static_cast<uint64_t>(eight);
    }
  }
  for (; p < c.end && IsDigit(*p); ++p) value = value * 10 + static_cast<uint64_t>(*p - '0');
  int count = static_cast<int>(p - c.p);
  c.p = p;
  *digits = value;
  return count;
}

// A number within the limits above.
bool ScanNumber(Cursor& c, Number* n) {
  n->negative = c.Consume('-');
  const char* int_start = c.p;
  int int_digits = ScanDigits(c, &n->digits);
  if (int_digits == 0 || (int_digits > 1 && *int_start == '0')) return false;
  int frac_digits = 0;
  if (c.Consume('.')) {
    frac_digits = ScanDigits(c, &n->digits);
    if (frac_digits == 0) return false;
  }
  int exponent = 0;
  bool has_exponent = c.Peek() == 'e' || c.Peek() == 'E';
  if (has_exponent) {
    ++c.p;
    bool negative = c.Peek() == '-';
    if (c.Peek() == '-' || c.Peek() == '+') ++c.p;
    int exp_digits = 0;
    for (; IsDigit(c.Peek()) && exp_digits <= 3; ++c.p, ++exp_digits) exponent = exponent * 10 + (*c.p - '0');
    if (exp_digits == 0 || exp_digits > 3) return false;
    if (negative) exponent = -exponent;
  }
  n->text = std::string_view(int_start - (n->negative ? 1 : 0), c.p - int_start + (n->negative ? 1 : 0));
  n->integer = frac_digits == 0 && !has_exponent;
  n->power = exponent - frac_digits;
  if (n->integer) return int_digits <= 18 && !(n->negative && n->digits == 0);
  // Significant digits: the integer and fraction digits without leading zeros.
  int significant = int_digits + frac_digits;
  for (const char* q = int_start; q < c.p && (*q == '0' || *q == '.'); ++q) {
    if (*q == '0') --significant;
  }
  if (significant <= 15 && n->power >= -22 && n->power <= 22) return true;
  // As the full reader converts it (DoubleOfNumberText); out of range is left to it.
  double value;
  if (std::from_chars(n->text.data(), c.p, value).ec != std::errc()) return false;
  n->converted = value;
  return true;
}

int64_t Integer(const Number& n) {
  auto value = static_cast<int64_t>(n.digits);
  return n.negative ? -value : value;
}

// The double nearest a number within the limits above. Past integers, its
// digits and the power of ten are both exact doubles, so one division or
// multiplication rounds correctly, as a full conversion does.
double Double(const Number& n) {
  if (n.converted) return *n.converted;
  static constexpr double kPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (n.integer) return static_cast<double>(Integer(n));
  double digits = static_cast<double>(n.digits);
  double value = n.power < 0 ? digits / kPowers[-n.power] : digits * kPowers[n.power];
  return n.negative ? -value : value;
}

// A builder's length without a virtual call: ArrayBuilder::length() is
// virtual, and none of the builders appended to here overrides it.
int64_t Length(const arrow::ArrayBuilder* b) { return b->arrow::ArrayBuilder::length(); }

// Appends without checks where the builder has room (AppendValue, AppendString).
template <typename Builder, typename Value>
arrow::Status AppendValue(arrow::ArrayBuilder* b, Value value) {
  auto* typed = static_cast<Builder*>(b);
  if (Length(typed) >= typed->capacity()) return typed->Append(value);
  typed->UnsafeAppend(value);
  return arrow::Status::OK();
}

arrow::Status AppendString(arrow::ArrayBuilder* b, std::string_view value) {
  auto* typed = static_cast<arrow::StringBuilder*>(b);
  auto size = static_cast<int64_t>(value.size());
  int64_t data_end = typed->value_data_length() + size;
  if (Length(typed) >= typed->capacity() || data_end > typed->value_data_capacity() ||
      data_end > arrow::StringBuilder::memory_limit()) {
    return typed->Append(value);  // grows, or says the array is full
  }
  typed->UnsafeAppend(value);
  return arrow::Status::OK();
}

bool ScanLiteral(Cursor& c, std::string_view word) {
  if (static_cast<size_t>(c.end - c.p) < word.size() || std::string_view(c.p, word.size()) != word) return false;
  c.p += word.size();
  return true;
}

// Skipping a value no field reads: its syntax is checked as the full reader
// checks it (RapidJSON's strict JSON), its value not computed.

// A number's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool SkipNumber(Cursor& c) {
  c.Consume('-');
  auto digits = [&] {
    const char* start = c.p;
    while (c.end - c.p >= 8 && AllDigits(Load8(c.p))) c.p += 8;
    while (c.p < c.end && IsDigit(*c.p)) ++c.p;
    return c.p - start;
  };
  // The integer part: 0 (a digit after it ends the number, and the record
  // with it), or digits from 1.
  if (!c.Consume('0') && digits() == 0) return false;
  if (c.Consume('.') && digits() == 0) return false;
  if (c.Peek() == 'e' || c.Peek() == 'E') {
    ++c.p;
    if (c.Peek() == '-' || c.Peek() == '+') ++c.p;
    if (digits() == 0) return false;
  }
  return true;
}

bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// A string, after its opening quote: escapes of strict JSON and valid UTF-8.
// An escaped UTF-16 surrogate (\uD800 to \uDFFF) is left to the full reader,
// which checks the pairs.
bool SkipString(Cursor& c) {
  for (;;) {
    c.p = FindJsonStringSpecial(c.p, c.end);
    if (c.p == c.end) return false;
    auto b = static_cast<unsigned char>(*c.p);
    if (b == '"') {
      ++c.p;
      return true;
    }
    if (b < 0x20) return false;  // a control character
    if (b >= 0x80) {
      size_t length = Utf8SequenceLength(std::string_view(c.p, c.end - c.p), 0);
      if (length == 1) return false;
      c.p += length;
      continue;
    }
    // A backslash.
    if (c.end - c.p < 2) return false;
    char e = c.p[1];
    if (e == 'u') {
      if (c.end - c.p < 6 || !IsHexDigit(c.p[2]) || !IsHexDigit(c.p[3]) || !IsHexDigit(c.p[4]) ||
          !IsHexDigit(c.p[5])) {
        return false;
      }
      char high = static_cast<char>(c.p[2] | 0x20);  // lower case
      if (high == 'd' && c.p[3] >= '8') return false;  // D800..DFFF
      c.p += 6;
    } else if (std::string_view("\"\\/bfnrt").find(e) != std::string_view::npos) {
      c.p += 2;
    } else {
      return false;
    }
  }
}

// Nesting the fast path skips; deeper values go to the full reader (which
// allows 1000 levels).
constexpr int kMaxSkipDepth = 32;

bool SkipValue(Cursor& c, int depth);

// An object's or array's members after its opening bracket, up to its closing one.
bool SkipContainer(Cursor& c, bool object, int depth) {
  if (depth > kMaxSkipDepth) return false;
  char close = object ? '}' : ']';
  c.SkipSpace();
  if (c.Consume(close)) return true;
  for (;;) {
    if (object) {
      if (!c.Consume('"') || !SkipString(c)) return false;
      c.SkipSpace();
      if (!c.Consume(':')) return false;
      c.SkipSpace();
    }
    if (!SkipValue(c, depth)) return false;
    c.SkipSpace();
    if (c.Consume(close)) return true;
    if (!c.Consume(',')) return false;
    c.SkipSpace();
  }
}

bool SkipValue(Cursor& c, int depth) {
  switch (c.Peek()) {
    case '"':
      ++c.p;
      return SkipString(c);
    case '{':
      ++c.p;
      return SkipContainer(c, true, depth + 1);
    case '[':
      ++c.p;
      return SkipContainer(c, false, depth + 1);
    case 't':
      return ScanLiteral(c, "true");
    case 'f':
      return ScanLiteral(c, "false");
    case 'n':
      return ScanLiteral(c, "null");
    default:
      return SkipNumber(c);
  }
}

}  // namespace

// A key and the quote closing it, to find where a key of a record starts:
// mostly one comparison of 8 bytes, rather than a call to memcmp.
struct JsonFlatRecordReader::QuotedKey {
  std::string quoted;  // the key and its closing quote, when the key is plain ASCII; else empty
  // The first 8 bytes of `quoted` (zeros past its end), and which of them count.
  uint64_t head = 0, head_mask = 0;

  static QuotedKey Of(std::string_view key) {
    QuotedKey k;
    k.quoted = std::string(key) + '"';
    if (FindJsonStringSpecial(k.quoted.data(), k.quoted.data() + k.quoted.size()) != k.quoted.data() + key.size()) {
      k.quoted.clear();
    }
    unsigned char head[8] = {}, mask[8] = {};
    size_t head_size = std::min<size_t>(k.quoted.size(), 8);
    std::memcpy(head, k.quoted.data(), head_size);
    std::memset(mask, 0xFF, head_size);
    std::memcpy(&k.head, head, 8);
    std::memcpy(&k.head_mask, mask, 8);
    return k;
  }

  // Whether the key and its closing quote start at `p`, in text ending at `end`.
  bool StartsAt(const char* p, const char* end) const {
    size_t size = quoted.size();
    if (size == 0) return false;
    if (end - p < 8) return static_cast<size_t>(end - p) >= size && std::memcmp(p, quoted.data(), size) == 0;
    return (Load8(p) & head_mask) == head && (size <= 8 || std::memcmp(p + 8, quoted.data() + 8, size - 8) == 0);
  }
};

// A key seen in the last records at a place of their own (the n-th key), and
// the field it names (null: none).
struct JsonFlatRecordReader::SeenKey {
  QuotedKey key;
  Field* field;
};

struct JsonFlatRecordReader::Field {
  std::string name;
  QuotedKey key;
  TypeId type;
  arrow::ArrayBuilder* builder;
  enum class Token { kMissing, kNull, kTrue, kFalse, kString, kNumber } token;
  std::string_view text;  // a string's contents
  Number number;
};

JsonFlatRecordReader::~JsonFlatRecordReader() = default;

std::unique_ptr<JsonFlatRecordReader> JsonFlatRecordReader::Make(const StructType& schema, int corrupt_index,
                                                                 arrow::ArrayBuilder* builder, int64_t rows) {
  if (schema.num_fields() > 64) return nullptr;
  // A record's key names at most one field (Find stops at the first).
  for (int i = 0; i < schema.num_fields(); ++i) {
    if (schema.FieldIndex(schema.field(i).name) != i) return nullptr;
  }
  std::unique_ptr<JsonFlatRecordReader> reader(new JsonFlatRecordReader());
  reader->builder_ = builder;
  reader->corrupt_index_ = corrupt_index;
  auto* sb = static_cast<arrow::StructBuilder*>(builder);
  for (int i = 0; i < schema.num_fields(); ++i) {
    TypeId type = schema.field(i).type->id();
    switch (type) {
      case TypeId::kBoolean:
      case TypeId::kByte:
      case TypeId::kShort:
      case TypeId::kInt:
      case TypeId::kLong:
      case TypeId::kFloat:
      case TypeId::kDouble:
      case TypeId::kString:
        break;
      default:
        if (i != corrupt_index) return nullptr;
    }
    const std::string& name = schema.field(i).name;
    reader->fields_.push_back(
        {name, QuotedKey::Of(name), type, sb->field_builder(i), Field::Token::kMissing, {}, {}});
  }
  // Room for the values; should it fail, appending grows the builders.
  for (auto& f : reader->fields_) (void)f.builder->Reserve(rows);
  return reader;
}

arrow::Result<bool> JsonFlatRecordReader::TryAppend(std::string_view text) {
  if (!Scan(text) || !Convert()) return false;
  ARROW_RETURN_NOT_OK(Append());
  return true;
}

// The schema field named `key`, a plain string whose closing quote follows it
// in text ending at `end`; or nullptr. Records mostly keep one order of
// fields, so the one after the last found is tried first.
JsonFlatRecordReader::Field* JsonFlatRecordReader::Find(std::string_view key, const char* end) {
  auto matches = [&](const Field& f) {
    return f.key.quoted.size() == key.size() + 1 && f.key.StartsAt(key.data(), end);
  };
  if (next_ < fields_.size() && matches(fields_[next_])) return &fields_[next_++];
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (matches(fields_[i])) {
      next_ = i + 1;
      return &fields_[i];
    }
  }
  return nullptr;
}

// The field named by the key starting at `p` (after its opening quote), the
// n-th of its record, and the key's end; false for a key that is not plain
// ASCII. Records mostly repeat the keys of the last ones in the same places:
// a key seen there is matched without scanning for its quote.
inline bool JsonFlatRecordReader::ReadKey(size_t n, const char** p, const char* end, Field** field) {
  if (n < seen_.size() && seen_[n].key.StartsAt(*p, end)) {
    *p += seen_[n].key.quoted.size();
    *field = seen_[n].field;
    return true;
  }
  return ReadNewKey(n, p, end, field);
}

// ReadKey's key, not the one remembered at its place.
bool JsonFlatRecordReader::ReadNewKey(size_t n, const char** p, const char* end, Field** field) {
  Cursor c{*p, end};
  std::string_view key;
  if (!ScanPlainString(c, &key)) return false;
  *p = c.p;
  *field = Find(key, end);
  constexpr size_t kMaxSeen = 64;
  if (n < seen_.size()) {
    seen_[n] = {QuotedKey::Of(key), *field};
  } else if (n < kMaxSeen) {
    seen_.push_back({QuotedKey::Of(key), *field});
  }
  return true;
}

// Splits the record into the tokens of the schema's fields.
bool JsonFlatRecordReader::Scan(std::string_view text) {
  for (auto& f : fields_) f.token = Field::Token::kMissing;
  next_ = 0;
  size_t keys = 0;  // of the record, so far
  Cursor c{text.data(), text.data() + text.size()};
  c.SkipSpace();
  if (!c.Consume('{')) return false;
  // A schema field's value as its token, scanned into the field (a record
  // that fails is scanned again from the start, or read by the full reader).
  auto read_value = [&c](Field& field) {
    using Token = Field::Token;
    // A repeated key is left to the full reader (Spark keeps its last value
    // that converts, and the record is malformed if any does not).
    if (field.token != Token::kMissing) return false;
    char first = c.Peek();
    if (c.Consume('"')) {
      field.token = Token::kString;
      return ScanPlainString(c, &field.text);
    }
    if (first == '-' || IsDigit(first)) {
      field.token = Token::kNumber;
      field.number = {};
      return ScanNumber(c, &field.number);
    }
    if (ScanLiteral(c, "null")) {
      field.token = Token::kNull;
    } else if (ScanLiteral(c, "true")) {
      field.token = Token::kTrue;
    } else if (ScanLiteral(c, "false")) {
      field.token = Token::kFalse;
    } else {
      return false;
    }
    return true;
  };
  c.SkipSpace();
  bool empty = c.Consume('}');
  while (!empty) {
    Field* field = nullptr;
    if (!c.Consume('"') || !ReadKey(keys++, &c.p, c.end, &field)) return false;
    c.SkipSpace();
    if (!c.Consume(':')) return false;
    c.SkipSpace();
    if (!(field == nullptr ? SkipValue(c, 0) : read_value(*field))) return false;
    c.SkipSpace();
    if (c.Consume('}')) break;
    if (!c.Consume(',')) return false;
    c.SkipSpace();
  }
  c.SkipSpace();
  return c.AtEnd();
}

// Checks every field's token against its type.
bool JsonFlatRecordReader::Convert() {
  using Token = Field::Token;
  for (size_t i = 0; i < fields_.size(); ++i) {
    auto& f = fields_[i];
    if (static_cast<int>(i) == corrupt_index_ || f.token == Token::kMissing || f.token == Token::kNull) continue;
    switch (f.type) {
      case TypeId::kBoolean:
        if (f.token != Token::kTrue && f.token != Token::kFalse) return false;
        break;
      case TypeId::kByte:
      case TypeId::kShort:
      case TypeId::kInt:
      case TypeId::kLong: {
        if (f.token != Token::kNumber || !f.number.integer) return false;
        int64_t value = Integer(f.number);
        int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
        if (f.type == TypeId::kByte) lo = INT8_MIN, hi = 255;  // as the full reader (Jackson)
        if (f.type == TypeId::kShort) lo = INT16_MIN, hi = INT16_MAX;
        if (f.type == TypeId::kInt) lo = INT32_MIN, hi = INT32_MAX;
        if (value < lo || value > hi) return false;
        break;
      }
      case TypeId::kFloat:
      case TypeId::kDouble:
        if (f.token != Token::kNumber) return false;
        break;
      case TypeId::kString:
        if (f.token != Token::kString) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

// Appends the record's values, each builder having room reserved for its
// batch's rows (Reserve) or growing when not.
arrow::Status JsonFlatRecordReader::Append() {
  using Token = Field::Token;
  ARROW_RETURN_NOT_OK(static_cast<arrow::StructBuilder*>(builder_)->Append());
  for (size_t i = 0; i < fields_.size(); ++i) {
    const auto& f = fields_[i];
    arrow::ArrayBuilder* b = f.builder;
    if (static_cast<int>(i) == corrupt_index_ || f.token == Token::kMissing || f.token == Token::kNull) {
      ARROW_RETURN_NOT_OK(b->AppendNull());
      continue;
    }
    switch (f.type) {
      case TypeId::kBoolean:
        ARROW_RETURN_NOT_OK(AppendValue<arrow::BooleanBuilder>(b, f.token == Token::kTrue));
        break;
      case TypeId::kByte:
        ARROW_RETURN_NOT_OK(AppendValue<arrow::Int8Builder>(b, static_cast<int8_t>(Integer(f.number))));
        break;
      case TypeId::kShort:
        ARROW_RETURN_NOT_OK(AppendValue<arrow::Int16Builder>(b, static_cast<int16_t>(Integer(f.number))));
        break;
      case TypeId::kInt:
        ARROW_RETURN_NOT_OK(AppendValue<arrow::Int32Builder>(b, static_cast<int32_t>(Integer(f.number))));
        break;
      case TypeId::kLong:
        ARROW_RETURN_NOT_OK(AppendValue<arrow::Int64Builder>(b, Integer(f.number)));
        break;
      case TypeId::kFloat:
        ARROW_RETURN_NOT_OK(AppendValue<arrow::FloatBuilder>(b, FloatOfNumberText(f.number.text)));
        break;
      case TypeId::kDouble:
        ARROW_RETURN_NOT_OK(AppendValue<arrow::DoubleBuilder>(b, Double(f.number)));
        break;
      default:
        ARROW_RETURN_NOT_OK(AppendString(b, f.text));
        break;
    }
  }
  return arrow::Status::OK();
}

}  // namespace spate
