#include "spate/expr/json_flat_record.h"

#include <charconv>
#include <limits>

#include <arrow/api.h>

// The fast path accepts a record only when the full reader (RapidJSON with
// Spark's conversion rules) would read it without error and to the same
// values, so falling back never changes a result:
//  - strings and keys of printable ASCII without escapes (nothing to decode or
//    validate),
//  - numbers the full reader holds exactly: integers of at most 18 digits, and
//    otherwise at most 15 significant digits times a power of ten within
//    1e-22..1e22 (one correctly rounded multiplication in both readers),
//  - no nested objects or arrays, no NaN/Infinity tokens, no repeated keys,
//    nothing after the object (the full reader ignores it, as Jackson does).

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
  const char* start = c.p;
  while (c.p < c.end) {
    auto ch = static_cast<unsigned char>(*c.p);
    if (ch == '"') {
      *out = std::string_view(start, c.p - start);
      ++c.p;
      return true;
    }
    if (ch == '\\' || ch < 0x20 || ch >= 0x80) return false;
    ++c.p;
  }
  return false;
}

int ScanDigits(Cursor& c) {
  int n = 0;
  while (IsDigit(c.Peek())) {
    ++c.p;
    ++n;
  }
  return n;
}

// A number within the limits above; `*integer` tells whether it has neither
// fraction nor exponent.
bool ScanNumber(Cursor& c, std::string_view* out, bool* integer) {
  const char* start = c.p;
  bool minus = c.Consume('-');
  const char* int_start = c.p;
  int int_digits = ScanDigits(c);
  if (int_digits == 0 || (int_digits > 1 && *int_start == '0')) return false;
  int frac_digits = 0;
  const char* frac_start = nullptr;
  if (c.Consume('.')) {
    frac_start = c.p;
    frac_digits = ScanDigits(c);
    if (frac_digits == 0) return false;
  }
  int exponent = 0;
  bool has_exponent = c.Peek() == 'e' || c.Peek() == 'E';
  if (has_exponent) {
    ++c.p;
    bool negative = c.Peek() == '-';
    if (c.Peek() == '-' || c.Peek() == '+') ++c.p;
    const char* exp_start = c.p;
    int exp_digits = ScanDigits(c);
    if (exp_digits == 0 || exp_digits > 3) return false;
    std::from_chars(exp_start, c.p, exponent);
    if (negative) exponent = -exponent;
  }
  *out = std::string_view(start, c.p - start);
  *integer = frac_start == nullptr && !has_exponent;
  if (*integer) return int_digits <= 18 && !(minus && *int_start == '0');
  // Significant digits: the integer and fraction digits without leading zeros.
  int significant = int_digits + frac_digits;
  for (const char* q = int_start; q < c.p && (*q == '0' || *q == '.'); ++q) {
    if (*q == '0') --significant;
  }
  int power = exponent - frac_digits;
  return significant <= 15 && power >= -22 && power <= 22;
}

bool ScanLiteral(Cursor& c, std::string_view word) {
  if (static_cast<size_t>(c.end - c.p) < word.size() || std::string_view(c.p, word.size()) != word) return false;
  c.p += word.size();
  return true;
}

}  // namespace

struct JsonFlatRecordReader::Field {
  std::string name;
  TypeId type;
  arrow::ArrayBuilder* builder;
  // The last occurrence's value in the current record (the last one wins, as in Spark).
  enum class Token { kMissing, kNull, kTrue, kFalse, kString, kInteger, kNumber } token;
  std::string_view text;
  // The converted value.
  int64_t integer = 0;
  double number = 0;
};

JsonFlatRecordReader::~JsonFlatRecordReader() = default;

std::unique_ptr<JsonFlatRecordReader> JsonFlatRecordReader::Make(const StructType& schema, int corrupt_index,
                                                                 arrow::ArrayBuilder* builder) {
  if (schema.num_fields() > 64) return nullptr;
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
    reader->fields_.push_back({schema.field(i).name, type, sb->field_builder(i), Field::Token::kMissing, {}});
  }
  return reader;
}

arrow::Result<bool> JsonFlatRecordReader::TryAppend(std::string_view text) {
  if (!Scan(text) || !Convert()) return false;
  ARROW_RETURN_NOT_OK(Append());
  return true;
}

// Splits the record into the tokens of the schema's fields.
bool JsonFlatRecordReader::Scan(std::string_view text) {
  for (auto& f : fields_) f.token = Field::Token::kMissing;
  Cursor c{text.data(), text.data() + text.size()};
  c.SkipSpace();
  if (!c.Consume('{')) return false;
  c.SkipSpace();
  bool empty = c.Consume('}');
  while (!empty) {
    std::string_view key, value;
    if (!c.Consume('"') || !ScanPlainString(c, &key)) return false;
    c.SkipSpace();
    if (!c.Consume(':')) return false;
    c.SkipSpace();
    Field::Token token;
    bool integer = false;
    char first = c.Peek();
    if (c.Consume('"')) {
      if (!ScanPlainString(c, &value)) return false;
      token = Field::Token::kString;
    } else if (first == '-' || IsDigit(first)) {
      if (!ScanNumber(c, &value, &integer)) return false;
      token = integer ? Field::Token::kInteger : Field::Token::kNumber;
    } else if (ScanLiteral(c, "null")) {
      token = Field::Token::kNull;
    } else if (ScanLiteral(c, "true")) {
      token = Field::Token::kTrue;
    } else if (ScanLiteral(c, "false")) {
      token = Field::Token::kFalse;
    } else {
      return false;
    }
    // The first schema field of that name, as the full reader finds it. A
    // repeated key is left to the full reader (Spark keeps its last value
    // that converts, and the record is malformed if any does not).
    for (auto& f : fields_) {
      if (f.name == key) {
        if (f.token != Field::Token::kMissing) return false;
        f.token = token;
        f.text = value;
        break;
      }
    }
    c.SkipSpace();
    if (c.Consume('}')) break;
    if (!c.Consume(',')) return false;
    c.SkipSpace();
  }
  c.SkipSpace();
  return c.AtEnd();
}

// Checks every field's token against its type and converts numbers.
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
        if (f.token != Token::kInteger) return false;
        std::from_chars(f.text.data(), f.text.data() + f.text.size(), f.integer);
        int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
        if (f.type == TypeId::kByte) lo = INT8_MIN, hi = 255;  // as the full reader (Jackson)
        if (f.type == TypeId::kShort) lo = INT16_MIN, hi = INT16_MAX;
        if (f.type == TypeId::kInt) lo = INT32_MIN, hi = INT32_MAX;
        if (f.integer < lo || f.integer > hi) return false;
        break;
      }
      case TypeId::kFloat:
      case TypeId::kDouble:
        if (f.token != Token::kInteger && f.token != Token::kNumber) return false;
        if (f.token == Token::kInteger) {
          std::from_chars(f.text.data(), f.text.data() + f.text.size(), f.integer);
          f.number = static_cast<double>(f.integer);
        } else {
          std::from_chars(f.text.data(), f.text.data() + f.text.size(), f.number);
        }
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
        ARROW_RETURN_NOT_OK(static_cast<arrow::BooleanBuilder*>(b)->Append(f.token == Token::kTrue));
        break;
      case TypeId::kByte:
        ARROW_RETURN_NOT_OK(static_cast<arrow::Int8Builder*>(b)->Append(static_cast<int8_t>(f.integer)));
        break;
      case TypeId::kShort:
        ARROW_RETURN_NOT_OK(static_cast<arrow::Int16Builder*>(b)->Append(static_cast<int16_t>(f.integer)));
        break;
      case TypeId::kInt:
        ARROW_RETURN_NOT_OK(static_cast<arrow::Int32Builder*>(b)->Append(static_cast<int32_t>(f.integer)));
        break;
      case TypeId::kLong:
        ARROW_RETURN_NOT_OK(static_cast<arrow::Int64Builder*>(b)->Append(f.integer));
        break;
      case TypeId::kFloat:
        ARROW_RETURN_NOT_OK(static_cast<arrow::FloatBuilder*>(b)->Append(static_cast<float>(f.number)));
        break;
      case TypeId::kDouble:
        ARROW_RETURN_NOT_OK(static_cast<arrow::DoubleBuilder*>(b)->Append(f.number));
        break;
      default:
        ARROW_RETURN_NOT_OK(static_cast<arrow::StringBuilder*>(b)->Append(f.text));
        break;
    }
  }
  return arrow::Status::OK();
}

}  // namespace spate
