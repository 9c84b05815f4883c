// JSON and CSV text functions. JSON: from_json (JSON text -> struct/array/map with Spark's
// JacksonParser conversion rules and parse modes), to_json (Spark's
// JacksonGenerator output), get_json_object (Spark's JSONPath subset, json_path.h),
// json_tuple, json_array_length, json_object_keys and schema_of_json. Every
// JSON text is read by ParseJsonRecord (json_record_parser.h), with the
// options Spark's parser for each function has.
//
// Records of primitive fields are read in one pass without a DOM
// (json_flat_record.h); any other row is parsed once with RapidJSON into a DOM
// whose memory is recycled between rows; the DOM is then walked alongside a conversion plan built once
// per batch from the schema, appending straight into Arrow builders.

#include <algorithm>
#include <iterator>
#include <charconv>
#include <cmath>
#include <optional>
#include <unordered_map>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/util/decimal.h>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "spate/common/byte_scan.h"
#include "spate/common/calendar.h"
#include "spate/common/error.h"
#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"
#include "spate/expr/csv_infer.h"
#include "spate/expr/csv_text.h"
#include "spate/expr/parse_mode.h"
#include "spate/expr/datetime_parse.h"
#include "spate/expr/function_options.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/json_flat_record.h"
#include "spate/expr/json_field_pruning.h"
#include "spate/expr/json_infer.h"
#include "spate/expr/json_path.h"
#include "spate/expr/json_record_parser.h"
#include "spate/expr/json_text.h"
#include "spate/expr/json_value_spans.h"
#include "spate/expr/locale_decimal.h"
#include "spate/expr/text_value_formats.h"
#include "spate/expr/time_zone.h"
#include "spate/expr/value_format.h"
#include "spate/types/arrow_types.h"
#include "spate/types/ddl_parser.h"
#include "spate/types/json_schema.h"

namespace spate {

namespace {

namespace cp = arrow::compute;
using ArrayPtr = std::shared_ptr<arrow::Array>;
using JsonValue = rapidjson::Value;

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

arrow::Result<ArrayPtr> AsArray(const arrow::Datum& d, int64_t num_rows) {
  if (d.is_scalar()) return arrow::MakeArrayFromScalar(*d.scalar(), num_rows);
  return d.make_array();
}

// ---------------------------------------------------------------------------
// Calendar arithmetic and time zones

using calendar::AppendDate;
using calendar::FloorDiv;

std::string_view Trimmed(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// ---------------------------------------------------------------------------
// from_json

// How one schema node reads a JSON value into its builder.
struct ReadPlan {
  DataTypePtr type;
  arrow::ArrayBuilder* builder = nullptr;
  std::vector<std::unique_ptr<ReadPlan>> children;
  // Structs: field name -> index, and one slot per field for the current object.
  std::unordered_map<std::string_view, int> field_index;
  std::vector<const JsonValue*> slots;
};

std::unique_ptr<ReadPlan> BuildReadPlan(const DataTypePtr& type, arrow::ArrayBuilder* builder) {
  auto plan = std::make_unique<ReadPlan>();
  plan->type = type;
  plan->builder = builder;
  switch (type->id()) {
    case TypeId::kArray:
      plan->children.push_back(
          BuildReadPlan(static_cast<const ArrayType&>(*type).element_type(),
                        static_cast<arrow::ListBuilder*>(builder)->value_builder()));
      break;
    case TypeId::kMap: {
      const auto& map = static_cast<const MapType&>(*type);
      auto* mb = static_cast<arrow::MapBuilder*>(builder);
      plan->children.push_back(BuildReadPlan(map.key_type(), mb->key_builder()));
      plan->children.push_back(BuildReadPlan(map.value_type(), mb->item_builder()));
      break;
    }
    case TypeId::kStruct: {
      const auto& st = static_cast<const StructType&>(*type);
      auto* sb = static_cast<arrow::StructBuilder*>(builder);
      for (int i = 0; i < st.num_fields(); ++i) {
        plan->children.push_back(BuildReadPlan(st.field(i).type, sb->field_builder(i)));
        plan->field_index.emplace(st.field(i).name, i);
      }
      plan->slots.resize(st.num_fields());
      break;
    }
    default:
      break;
  }
  return plan;
}

std::string_view StringOf(const JsonValue& v) { return {v.GetString(), v.GetStringLength()}; }

bool IsIntegerText(std::string_view s) { return s.find_first_of(".eE") == std::string_view::npos; }

// The number as text: integers exactly, doubles in their shortest form.
std::string NumberText(const JsonValue& v) {
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v.GetDouble());
  return std::string(buf, end);
}

std::optional<double> SpecialDouble(std::string_view s) {
  if (s == "NaN") return std::nan("");
  if (s == "Infinity" || s == "+Infinity" || s == "INF" || s == "+INF") return HUGE_VAL;
  if (s == "-Infinity" || s == "-INF") return -HUGE_VAL;
  return std::nullopt;
}

// The largest JSON integer an integral field takes: Jackson reads 128..255
// into a TINYINT as the unsigned byte's bits (-128..-1), as Spark shows them.
template <typename T>
constexpr int64_t MaxJsonInt() {
  return std::is_same_v<T, int8_t> ? 255 : std::numeric_limits<T>::max();
}

class JsonReader {
 public:
  JsonReader(std::string time_zone, bool allow_non_numeric, TextValueFormats formats)
      : time_zone_(std::move(time_zone)), allow_non_numeric_(allow_non_numeric), formats_(std::move(formats)) {}

  // The record about to be read: its text, its DOM, and whether its strings
  // may be big numbers (json_record_parser.h).
  void set_record(std::string_view text, const JsonValue& root, bool big_numbers) {
    text_ = text;
    root_ = &root;
    big_numbers_ = big_numbers;
    raw_texts_.clear();
  }

  // STRING fields over other values take the value's text in the record, as
  // the JSON file source has them, rather than the value written as JSON.
  void set_raw_text(bool raw_text) { raw_text_ = raw_text; }

  // Appends one value, as Spark's partial results: a value that does not
  // convert is NULL, a struct keeps the fields that convert, an array or map
  // with an element that does not convert is NULL (struct elements may be
  // partial); any of these sets `*bad` (the record is malformed).
  arrow::Status Read(ReadPlan& plan, const JsonValue& v, bool* bad) {
    if (v.IsNull()) return plan.builder->AppendNull();
    switch (plan.type->id()) {
      case TypeId::kBoolean:
        if (!v.IsBool()) break;
        return static_cast<arrow::BooleanBuilder*>(plan.builder)->Append(v.GetBool());
      case TypeId::kByte:
        return ReadInt<arrow::Int8Builder>(plan, v, bad);
      case TypeId::kShort:
        return ReadInt<arrow::Int16Builder>(plan, v, bad);
      case TypeId::kInt:
        return ReadInt<arrow::Int32Builder>(plan, v, bad);
      case TypeId::kLong:
        return ReadInt<arrow::Int64Builder>(plan, v, bad);
      case TypeId::kFloat: {
        auto x = FloatOf(v);
        if (!x) break;
        return static_cast<arrow::FloatBuilder*>(plan.builder)->Append(*x);
      }
      case TypeId::kDouble: {
        auto x = FloatingOf(v);
        if (!x) break;
        return static_cast<arrow::DoubleBuilder*>(plan.builder)->Append(*x);
      }
      case TypeId::kDecimal: {
        auto x = DecimalOf(plan, v);
        if (!x) break;
        return static_cast<arrow::Decimal128Builder*>(plan.builder)->Append(*x);
      }
      case TypeId::kString:
        return static_cast<arrow::StringBuilder*>(plan.builder)->Append(StringValue(v));
      case TypeId::kDate: {
        auto days = DateOf(v);
        if (!days) break;
        return static_cast<arrow::Date32Builder*>(plan.builder)->Append(*days);
      }
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz: {
        ARROW_ASSIGN_OR_RAISE(auto micros, TimestampOf(plan, v));
        if (!micros) break;
        return static_cast<arrow::TimestampBuilder*>(plan.builder)->Append(*micros);
      }
      case TypeId::kArray:
        if (!Converts(plan, v)) break;
        return ReadArray(plan, v, bad);
      case TypeId::kMap:
        if (!Converts(plan, v)) break;
        return ReadMap(plan, v, bad);
      case TypeId::kStruct:
        if (!v.IsObject()) break;
        return ReadStruct(plan, v, bad, -1);
      default:
        break;
    }
    *bad = true;
    return plan.builder->AppendNull();
  }

  // A JSON object into a struct; field `skip` (the corrupt-record column) is
  // left for the caller to fill.
  arrow::Status ReadStruct(ReadPlan& plan, const JsonValue& v, bool* bad, int skip) {
    std::fill(plan.slots.begin(), plan.slots.end(), nullptr);
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      auto found = plan.field_index.find(StringOf(it->name));
      if (found == plan.field_index.end()) continue;
      const JsonValue*& slot = plan.slots[found->second];
      // A repeated key: the last value that converts wins, as in Spark.
      if (slot != nullptr) {
        bool before = Converts(*plan.children[found->second], *slot);
        bool now = Converts(*plan.children[found->second], it->value);
        if (!before || !now) *bad = true;
        if (!now) continue;
      }
      slot = &it->value;
    }
    ARROW_RETURN_NOT_OK(static_cast<arrow::StructBuilder*>(plan.builder)->Append());
    for (size_t i = 0; i < plan.children.size(); ++i) {
      if (static_cast<int>(i) == skip) continue;
      if (plan.slots[i] == nullptr) {
        ARROW_RETURN_NOT_OK(plan.children[i]->builder->AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(Read(*plan.children[i], *plan.slots[i], bad));
      }
    }
    return arrow::Status::OK();
  }

 private:
  // Whether Read takes the value whole or as a partial struct (without a NULL in its place).
  bool Converts(const ReadPlan& plan, const JsonValue& v) {
    if (v.IsNull()) return true;
    switch (plan.type->id()) {
      case TypeId::kBoolean: return v.IsBool();
      case TypeId::kByte: return IntegerOf<int8_t>(v).has_value();
      case TypeId::kShort: return IntegerOf<int16_t>(v).has_value();
      case TypeId::kInt: return IntegerOf<int32_t>(v).has_value();
      case TypeId::kLong: return IntegerOf<int64_t>(v).has_value();
      case TypeId::kFloat:
      case TypeId::kDouble: return FloatingOf(v).has_value();
      case TypeId::kDecimal: return DecimalOf(plan, v).has_value();
      case TypeId::kString: return true;
      case TypeId::kDate: return DateOf(v).has_value();
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz: {
        auto micros = TimestampOf(plan, v);
        return !micros.ok() || micros->has_value();  // an error is raised by Read
      }
      case TypeId::kArray:
        if (!v.IsArray()) return false;
        for (const auto& e : v.GetArray()) {
          if (!Converts(*plan.children[0], e)) return false;
        }
        return true;
      case TypeId::kMap:
        if (!v.IsObject() || plan.children[0]->type->id() != TypeId::kString) return false;
        for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
          if (!Converts(*plan.children[1], it->value)) return false;
        }
        return true;
      case TypeId::kStruct: return v.IsObject();
      default: return false;
    }
  }

  std::optional<std::string_view> Big(const JsonValue& v) const {
    return big_numbers_ ? BigNumberText(v) : std::nullopt;
  }

  template <typename T>
  static std::optional<int64_t> IntegerOf(const JsonValue& v) {
    if (!v.IsInt64()) return std::nullopt;
    int64_t x = v.GetInt64();
    if (x < std::numeric_limits<T>::min() || x > MaxJsonInt<T>()) return std::nullopt;
    return x;
  }

  template <typename Builder>
  arrow::Status ReadInt(ReadPlan& plan, const JsonValue& v, bool* bad) {
    using T = typename Builder::value_type;
    if (auto x = IntegerOf<T>(v)) return static_cast<Builder*>(plan.builder)->Append(static_cast<T>(*x));
    *bad = true;
    return plan.builder->AppendNull();
  }

  // A big number is its double, an infinity beyond a double's range.
  std::optional<double> FloatingOf(const JsonValue& v) const {
    if (v.IsNumber()) return v.GetDouble();
    if (!v.IsString()) return std::nullopt;
    if (auto big = Big(v)) return std::strtod(std::string(*big).c_str(), nullptr);
    // Spark's JSON reader takes "+INF" and "-INF" but not "INF".
    if (!allow_non_numeric_ || StringOf(v) == "INF") return std::nullopt;
    return SpecialDouble(StringOf(v));
  }

  // Rounded once from the number, as Jackson reads a float: an integer
  // straight to float, a number string from its text, only other numbers
  // through their double (where that rounds the same, json_record_parser.h).
  std::optional<float> FloatOf(const JsonValue& v) const {
    if (v.IsInt64()) return static_cast<float>(v.GetInt64());
    if (v.IsUint64()) return static_cast<float>(v.GetUint64());
    if (auto big = Big(v)) return FloatOfNumberText(*big);
    auto x = FloatingOf(v);
    if (!x) return std::nullopt;
    return static_cast<float>(*x);
  }

  // Rounds half up to the target scale; too many digits does not convert.
  std::optional<arrow::Decimal128> DecimalOf(const ReadPlan& plan, const JsonValue& v) const {
    const auto& type = static_cast<const DecimalType&>(*plan.type);
    std::string text;
    if (v.IsNumber()) {
      text = NumberText(v);
    } else if (auto big = Big(v)) {
      // A big integer fits when it has at most 38 digits; other number
      // strings are read from their text (1e400 does not fit).
      size_t digits = big->size() - (big->front() == '-' ? 1 : 0);
      if (IsIntegerText(*big) && digits > 38) return std::nullopt;
      text = *big;
    } else if (v.IsString()) {
      auto plain = formats_.decimal.Plain(StringOf(v));
      if (!plain) return std::nullopt;
      text = std::move(*plain);
    } else {
      return std::nullopt;
    }
    arrow::Decimal128 value;
    int32_t precision = 0, scale = 0;
    if (!arrow::Decimal128::FromString(text, &value, &precision, &scale).ok()) return std::nullopt;
    if (scale > type.scale()) {
      value = value.ReduceScaleBy(scale - type.scale(), true);
    } else if (scale < type.scale()) {
      value = value.IncreaseScaleBy(type.scale() - scale);
    }
    if (!value.FitsInPrecision(type.precision())) return std::nullopt;
    return value;
  }

  // Non-string values keep their JSON text, as Spark copies the structure, or
  // their text in the record (set_raw_text).
  std::string StringValue(const JsonValue& v) {
    if (!raw_text_ || (v.IsString() && !Big(v))) return JacksonFieldText(v, big_numbers_);
    if (raw_texts_.empty()) IndexRawTexts(*root_, JsonValueSpans(text_));
    auto found = raw_texts_.find(&v);
    return found != raw_texts_.end() ? std::string(found->second) : JacksonFieldText(v, big_numbers_);
  }

  // Pairs each value of the record's DOM with its text: both list the values
  // in document order.
  void IndexRawTexts(const JsonValue& root, const std::vector<std::string_view>& spans) {
    size_t next = 0;
    auto walk = [&](auto& self, const JsonValue& v) -> void {
      if (next < spans.size()) raw_texts_.emplace(&v, spans[next++]);
      if (v.IsArray()) {
        for (const auto& e : v.GetArray()) self(self, e);
      } else if (v.IsObject()) {
        for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) self(self, it->value);
      }
    };
    walk(walk, root);
    if (next != spans.size() || raw_texts_.size() != spans.size()) raw_texts_.clear();
  }

  std::optional<int32_t> DateOf(const JsonValue& v) const {
    if (!v.IsString() || Big(v)) return std::nullopt;
    if (formats_.date) return formats_.date->ParseDate(StringOf(v));
    return ParseDateText(StringOf(v));
  }

  arrow::Result<std::optional<int64_t>> TimestampOf(const ReadPlan& plan, const JsonValue& v) const {
    bool ntz = plan.type->id() == TypeId::kTimestampNtz;
    const auto& pattern = ntz ? formats_.timestamp_ntz : formats_.timestamp;
    if (v.IsString() && !Big(v) && pattern) return pattern->ParseTimestamp(StringOf(v), time_zone_, ntz);
    if (v.IsString() && !Big(v)) return ParseTimestampText(StringOf(v), time_zone_, ntz);
    // A number counts seconds since the epoch.
    if (v.IsInt64() && !ntz) return std::optional<int64_t>(v.GetInt64() * kMicrosPerSecond);
    return std::nullopt;
  }

  arrow::Status ReadArray(ReadPlan& plan, const JsonValue& v, bool* bad) {
    ARROW_RETURN_NOT_OK(static_cast<arrow::ListBuilder*>(plan.builder)->Append());
    for (const auto& element : v.GetArray()) {
      ARROW_RETURN_NOT_OK(Read(*plan.children[0], element, bad));
    }
    return arrow::Status::OK();
  }

  arrow::Status ReadMap(ReadPlan& plan, const JsonValue& v, bool* bad) {
    ARROW_RETURN_NOT_OK(static_cast<arrow::MapBuilder*>(plan.builder)->Append());
    auto* keys = static_cast<arrow::StringBuilder*>(plan.children[0]->builder);
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      ARROW_RETURN_NOT_OK(keys->Append(StringOf(it->name)));
      ARROW_RETURN_NOT_OK(Read(*plan.children[1], it->value, bad));
    }
    return arrow::Status::OK();
  }

  std::string time_zone_;
  bool allow_non_numeric_;
  TextValueFormats formats_;
  bool big_numbers_ = false;
  bool raw_text_ = false;
  std::string_view text_;
  const JsonValue* root_ = nullptr;
  std::unordered_map<const JsonValue*, std::string_view> raw_texts_;  // built when first needed
};

struct FromJsonSettings {
  DataTypePtr schema;
  bool fail_fast = false;
  int corrupt_index = -1;  // the struct field that receives malformed records
  JsonReadOptions read;
  TextValueFormats formats;
  bool source_records = false;  // kJsonSourceRecordsOption: records of the JSON file source
  bool line_records = false;    // ... each running on past its line (kJsonLineRecords)
  bool prunable = false;        // json_field_pruning.h: the optimizer may read fewer fields
};

arrow::Status MalformedRecord(std::string_view record) {
  return SparkError("MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION", "22023",
                    fmt::format("Malformed records are detected in record parsing: {}.\nParse "
                                "Mode: FAILFAST. To process malformed records as null result, try "
                                "setting the option 'mode' as 'PERMISSIVE'.",
                                record));
}

// FAILFAST's error for a top-level array under a struct schema. The JSON
// source reads such arrays as one row per element before from_json sees them,
// and reports the ones left (elements that are not objects) as malformed.
arrow::Status ArrayAsStruct(std::string_view record) {
  return SparkError("MALFORMED_RECORD_IN_PARSING.CANNOT_PARSE_JSON_ARRAYS_AS_STRUCTS", "22023",
                    fmt::format("Malformed records are detected in record parsing: {}.\nParse "
                                "Mode: FAILFAST. To process malformed records as null result, try "
                                "setting the option 'mode' as 'PERMISSIVE'. Parsing JSON arrays as "
                                "structs is forbidden.",
                                record));
}

// A value as Spark's InternalRow.toString prints it: structs and arrays in
// brackets, strings bare, dates as days, timestamps as microseconds.
void AppendRowText(const arrow::Array& a, int64_t i, const DataType& type, std::string* out) {
  if (a.IsNull(i)) {
    *out += "null";
    return;
  }
  auto append_list = [&](const arrow::Array& values, int64_t begin, int64_t end, const DataType& element) {
    *out += '[';
    for (int64_t k = begin; k < end; ++k) {
      if (k > begin) *out += ',';
      AppendRowText(values, k, element, out);
    }
    *out += ']';
  };
  switch (type.id()) {
    case TypeId::kStruct: {
      const auto& fields = static_cast<const StructType&>(type).fields();
      const auto& s = static_cast<const arrow::StructArray&>(a);
      *out += '[';
      for (size_t f = 0; f < fields.size(); ++f) {
        if (f > 0) *out += ',';
        AppendRowText(*s.field(static_cast<int>(f)), i, *fields[f].type, out);
      }
      *out += ']';
      return;
    }
    case TypeId::kArray: {
      const auto& l = static_cast<const arrow::ListArray&>(a);
      append_list(*l.values(), l.value_offset(i), l.value_offset(i + 1),
                  *static_cast<const ArrayType&>(type).element_type());
      return;
    }
    case TypeId::kMap: {
      const auto& m = static_cast<const arrow::MapArray&>(a);
      const auto& mt = static_cast<const MapType&>(type);
      *out += "keys: ";
      append_list(*m.keys(), m.value_offset(i), m.value_offset(i + 1), *mt.key_type());
      *out += ", values: ";
      append_list(*m.items(), m.value_offset(i), m.value_offset(i + 1), *mt.value_type());
      return;
    }
    case TypeId::kString: *out += static_cast<const arrow::StringArray&>(a).GetView(i); return;
    case TypeId::kFloat: *out += JavaFloatString(static_cast<const arrow::FloatArray&>(a).Value(i)); return;
    case TypeId::kDouble: *out += JavaDoubleString(static_cast<const arrow::DoubleArray&>(a).Value(i)); return;
    case TypeId::kDate: *out += std::to_string(static_cast<const arrow::Date32Array&>(a).Value(i)); return;
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      *out += std::to_string(static_cast<const arrow::TimestampArray&>(a).Value(i));
      return;
    default: {
      auto scalar = a.GetScalar(i);  // in range: cannot fail
      *out += scalar.ok() ? (*scalar)->ToString() : "?";
      return;
    }
  }
}

// FAILFAST's error for the record just appended, naming the row PERMISSIVE
// would have given (its fields that converted, the text in the corrupt-record
// column), as Spark does.
arrow::Status MalformedRecord(arrow::ArrayBuilder* builder, const DataType& schema) {
  ARROW_ASSIGN_OR_RAISE(auto rows, builder->Finish());
  std::string row;
  AppendRowText(*rows, rows->length() - 1, schema, &row);
  return MalformedRecord(schema.id() == TypeId::kStruct ? row : "[" + row + "]");
}

bool IsBlank(std::string_view s) { return Trimmed(s).empty(); }

// One row of malformed input in PERMISSIVE mode: a struct of NULLs (with the
// text in the corrupt-record column), NULL for arrays and maps.
arrow::Status AppendMalformed(ReadPlan& root, const FromJsonSettings& s, std::string_view text) {
  if (root.type->id() != TypeId::kStruct) return root.builder->AppendNull();
  ARROW_RETURN_NOT_OK(static_cast<arrow::StructBuilder*>(root.builder)->Append());
  for (size_t i = 0; i < root.children.size(); ++i) {
    auto* b = root.children[i]->builder;
    if (static_cast<int>(i) == s.corrupt_index) {
      ARROW_RETURN_NOT_OK(static_cast<arrow::StringBuilder*>(b)->Append(text));
    } else {
      ARROW_RETURN_NOT_OK(b->AppendNull());
    }
  }
  return arrow::Status::OK();
}

arrow::Result<arrow::Datum> FromJson(const FunctionArgs& a, const FromJsonSettings& s) {
  ARROW_ASSIGN_OR_RAISE(auto input, AsArray(a.values[0], a.num_rows));
  const auto& strings = static_cast<const arrow::StringArray&>(*input);
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*s.schema));
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), arrow_type, &builder));
  ARROW_RETURN_NOT_OK(builder->Reserve(a.num_rows));
  auto root = BuildReadPlan(s.schema, builder.get());
  JsonReader reader(a.ctx.format.time_zone, s.read.allow_non_numeric_numbers, s.formats);
  reader.set_raw_text(s.source_records);
  // One memory pool for every row's DOM, cleared after each row.
  rapidjson::MemoryPoolAllocator<> pool;
  rapidjson::CrtAllocator stack_allocator;
  bool is_struct = s.schema->id() == TypeId::kStruct;
  // Records of primitive fields go through the single-pass reader; the ones it
  // leaves (and every record of other schemas) through the DOM.
  std::unique_ptr<JsonFlatRecordReader> flat;
  if (is_struct && !s.read.allow_comments) {
    flat = JsonFlatRecordReader::Make(static_cast<const StructType&>(*s.schema), s.corrupt_index, builder.get(),
                                      a.num_rows);
  }
  bool has_nulls = strings.null_count() > 0;
  for (int64_t row = 0; row < a.num_rows; ++row) {
    std::string_view text = strings.GetView(row);
    bool is_null = has_nulls && strings.IsNull(row);
    // A blank text is no record for the single-pass reader either.
    if (flat && !is_null) {
      ARROW_ASSIGN_OR_RAISE(bool appended, flat->TryAppend(text));
      if (appended) continue;
    }
    if (s.line_records) text = UpToLineBreak(text);  // the record's own text, for a malformed one
    if (is_null || IsBlank(text)) {
      ARROW_RETURN_NOT_OK(builder->AppendNull());
      continue;
    }
    rapidjson::Document doc(&pool, 1024, &stack_allocator);
    bool big_numbers = false;
    bool parsed = ParseJsonRecord(text, s.read, &doc, &big_numbers);
    if (parsed && is_struct && doc.IsArray() && s.fail_fast && !s.source_records) return ArrayAsStruct(text);
    bool bad = !parsed || (is_struct && !doc.IsObject());
    reader.set_record(text, doc, big_numbers);
    if (!bad) {
      if (is_struct) {
        ARROW_RETURN_NOT_OK(reader.ReadStruct(*root, doc, &bad, s.corrupt_index));
        if (s.corrupt_index >= 0) {
          auto* b = static_cast<arrow::StringBuilder*>(root->children[s.corrupt_index]->builder);
          ARROW_RETURN_NOT_OK(bad ? b->Append(text) : b->AppendNull());
        }
      } else {
        ARROW_RETURN_NOT_OK(reader.Read(*root, doc, &bad));
      }
    } else {
      ARROW_RETURN_NOT_OK(AppendMalformed(*root, s, text));
    }
    if (bad && s.fail_fast) return MalformedRecord(builder.get(), *s.schema);
    pool.Clear();
  }
  ARROW_ASSIGN_OR_RAISE(auto out, builder->Finish());
  return arrow::Datum(out);
}

// from_json's implementation, a type of its own so that the optimizer finds
// its settings (FunctionImpl::target) to prune its schema.
struct FromJsonCall {
  FromJsonSettings settings;
  arrow::Result<arrow::Datum> operator()(const FunctionArgs& a) const { return FromJson(a, settings); }
};

// spark.sql.optimizer.enableJsonExpressionOptimization where calls are bound (JsonExpressionOptimizationScope).
thread_local bool json_expression_optimization = true;

// Jackson's lenient features, as the JSON options name them.
arrow::Result<JsonReadOptions> JsonReadOptionsOf(const Options& options) {
  JsonReadOptions o;
  auto flag = [&](const char* name, bool* value) {
    *value = AsciiLower(OptionOr(options, name, *value ? "true" : "false")) == "true";
  };
  flag("allowComments", &o.allow_comments);
  flag("allowSingleQuotes", &o.allow_single_quotes);
  flag("allowUnquotedFieldNames", &o.allow_unquoted_field_names);
  flag("allowNumericLeadingZeros", &o.allow_numeric_leading_zeros);
  flag("allowNonNumericNumbers", &o.allow_non_numeric_numbers);
  flag("allowBackslashEscapingAnyCharacter", &o.allow_backslash_escaping_any_character);
  flag("allowUnquotedControlChars", &o.allow_unquoted_control_chars);
  return o;
}

arrow::Status InvalidSchema(const std::string& pretty, const DataType& schema) {
  return DataTypeMismatch("INVALID_JSON_SCHEMA", pretty,
                          fmt::format("Input schema {} must be a struct, an array, a map or a "
                                      "variant",
                                      QuotedType(schema)));
}

arrow::Result<BoundExprPtr> BindFromJson(const std::string& name, std::vector<BoundExprPtr> args,
                                         const std::string& pretty_in) {
  const std::string pretty = FirstArgName(name, args, pretty_in);
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 3));
  TypeId input = args[0]->type()->id();
  if (input != TypeId::kString && input != TypeId::kNull) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                            fmt::format("The first parameter requires the \"STRING\" type, however "
                                        "\"{}\" has the type {}",
                                        args[0]->name(), QuotedType(*args[0]->type())));
  }
  args[0] = ImplicitCast(args[0], types::String());
  FromJsonSettings settings;
  ARROW_ASSIGN_OR_RAISE(settings.schema, SchemaArgument(*args[1]));
  if (!settings.schema->IsNested()) return InvalidSchema(pretty, *settings.schema);
  ARROW_ASSIGN_OR_RAISE(Options options, ReadOptions(args, 2, pretty));
  std::string mode = AsciiLower(OptionOr(options, "mode", "PERMISSIVE"));
  if (mode == "failfast") {
    settings.fail_fast = true;
  } else if (mode != "permissive") {
    return SparkError("PARSE_MODE_UNSUPPORTED", "42601",
                      fmt::format("The function `from_json` doesn't support the {} mode. "
                                  "Acceptable modes are PERMISSIVE and FAILFAST.",
                                  OptionOr(options, "mode", "")));
  }
  ARROW_ASSIGN_OR_RAISE(settings.read, JsonReadOptionsOf(options));
  ARROW_ASSIGN_OR_RAISE(settings.formats, TextValueFormats::Make(options));
  std::string source_records = OptionOr(options, kJsonSourceRecordsOption, "");
  settings.line_records = source_records == kJsonLineRecords;
  settings.source_records = source_records == "true" || settings.line_records;
  if (settings.schema->id() == TypeId::kStruct) {
    const auto& st = static_cast<const StructType&>(*settings.schema);
    int index = st.FieldIndex(OptionOr(options, "columnNameOfCorruptRecord", "_corrupt_record"));
    if (index >= 0 && st.field(index).type->id() == TypeId::kString) settings.corrupt_index = index;
  }
  settings.prunable = args.size() == 2 && settings.schema->id() == TypeId::kStruct && json_expression_optimization;
  DataTypePtr type = settings.schema;
  return MakeFunction(name, FromJsonCall{settings}, type, std::move(args), pretty, true);
}

// ---------------------------------------------------------------------------
// to_json

// Java's Double.toString / Float.toString: shortest digits that read back,
// plain between 1e-3 and 1e7, else d.dddE±n.
template <typename T>
void AppendJavaFloating(T x, std::string* out) {
  if (std::isnan(x)) {
    *out += "\"NaN\"";
    return;
  }
  if (std::isinf(x)) {
    *out += x > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    return;
  }
  if (x == 0) {
    *out += std::signbit(x) ? "-0.0" : "0.0";
    return;
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), x, std::chars_format::scientific);
  std::string sci(buf, end);  // d[.ddd]e±xx
  size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  int exponent = std::stoi(sci.substr(e + 1));
  bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  if (negative) *out += '-';
  T magnitude = std::abs(x);
  if (magnitude >= T(1e-3) && magnitude < T(1e7)) {
    if (exponent >= 0) {
      std::string int_part = digits.substr(0, std::min<size_t>(digits.size(), exponent + 1));
      int_part.append(exponent + 1 - int_part.size(), '0');
      std::string frac = digits.size() > static_cast<size_t>(exponent + 1) ? digits.substr(exponent + 1) : "0";
      *out += int_part + "." + frac;
    } else {
      *out += "0." + std::string(-exponent - 1, '0') + digits;
    }
    return;
  }
  *out += digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0");
  *out += "E" + std::to_string(exponent);
}

void AppendBase64(std::string_view bytes, std::string* out) {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int k = 18; k >= 0; k -= 6) *out += kChars[(n >> k) & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    *out += kChars[(n >> 18) & 63];
    *out += kChars[(n >> 12) & 63];
    *out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    *out += kChars[(n >> 18) & 63];
    *out += kChars[(n >> 12) & 63];
    *out += kChars[(n >> 6) & 63];
    *out += '=';
  }
}

class JsonWriter {
 public:
  JsonWriter(std::string time_zone, bool ignore_null_fields, TextValueFormats formats)
      : time_zone_(std::move(time_zone)), ignore_null_fields_(ignore_null_fields), formats_(std::move(formats)) {}

  arrow::Status Write(const arrow::Array& a, int64_t i, const DataType& type, std::string* out) {
    if (a.IsNull(i)) {
      *out += "null";
      return arrow::Status::OK();
    }
    switch (type.id()) {
      case TypeId::kBoolean:
        *out += static_cast<const arrow::BooleanArray&>(a).Value(i) ? "true" : "false";
        break;
      case TypeId::kByte: AppendInteger(static_cast<const arrow::Int8Array&>(a).Value(i), out); break;
      case TypeId::kShort: AppendInteger(static_cast<const arrow::Int16Array&>(a).Value(i), out); break;
      case TypeId::kInt: AppendInteger(static_cast<const arrow::Int32Array&>(a).Value(i), out); break;
      case TypeId::kLong: AppendInteger(static_cast<const arrow::Int64Array&>(a).Value(i), out); break;
      case TypeId::kFloat: AppendJavaFloating(static_cast<const arrow::FloatArray&>(a).Value(i), out); break;
      case TypeId::kDouble: AppendJavaFloating(static_cast<const arrow::DoubleArray&>(a).Value(i), out); break;
      case TypeId::kDecimal:
        *out += static_cast<const arrow::Decimal128Array&>(a).FormatValue(i);
        break;
      case TypeId::kString:
        AppendJsonString(static_cast<const arrow::StringArray&>(a).GetView(i), out);
        break;
      case TypeId::kBinary:
        *out += '"';
        AppendBase64(static_cast<const arrow::BinaryArray&>(a).GetView(i), out);
        *out += '"';
        break;
      case TypeId::kDate: {
        int32_t days = static_cast<const arrow::Date32Array&>(a).Value(i);
        if (formats_.date) {
          ARROW_ASSIGN_OR_RAISE(auto text, formats_.date->Format(days * kMicrosPerDay, ""));
          AppendJsonString(text, out);
          break;
        }
        *out += '"';
        AppendDate(days, out);
        *out += '"';
        break;
      }
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz: {
        int64_t micros = static_cast<const arrow::TimestampArray&>(a).Value(i);
        bool ntz = type.id() == TypeId::kTimestampNtz;
        const auto& pattern = ntz ? formats_.timestamp_ntz : formats_.timestamp;
        if (!pattern) return WriteTimestamp(micros, ntz, out);
        ARROW_ASSIGN_OR_RAISE(auto text, pattern->Format(micros, ntz ? "" : time_zone_));
        AppendJsonString(text, out);
        break;
      }
      case TypeId::kArray:
        return WriteArray(static_cast<const arrow::ListArray&>(a), i,
                          *static_cast<const ArrayType&>(type).element_type(), out);
      case TypeId::kMap:
        return WriteMap(static_cast<const arrow::MapArray&>(a), i, static_cast<const MapType&>(type), out);
      case TypeId::kStruct:
        return WriteStruct(static_cast<const arrow::StructArray&>(a), i,
                           static_cast<const StructType&>(type), out);
      default: {
        ARROW_ASSIGN_OR_RAISE(auto scalar, a.GetScalar(i));
        AppendJsonString(scalar->ToString(), out);
      }
    }
    return arrow::Status::OK();
  }

 private:
  static void AppendInteger(int64_t value, std::string* out) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
    out->append(digits, end);
  }

  // The struct's field names as written before their values (`"name":`),
  // made once per struct type a writer meets.
  const std::vector<std::string>& QuotedKeys(const StructType& type) {
    auto [it, added] = quoted_keys_.try_emplace(&type);
    if (added) {
      for (const auto& field : type.fields()) {
        std::string key;
        AppendJsonString(field.name, &key);
        it->second.push_back(key + ':');
      }
    }
    return it->second;
  }

  // The struct array's field arrays, taken once per array a writer meets
  // (StructArray::field takes a lock at each call). A writer lives for one
  // batch, whose arrays outlive it.
  const std::vector<std::shared_ptr<arrow::Array>>& Children(const arrow::StructArray& a) {
    auto [it, added] = children_.try_emplace(&a);
    if (added) {
      for (int f = 0; f < a.num_fields(); ++f) it->second.push_back(a.field(f));
    }
    return it->second;
  }

  // yyyy-MM-dd'T'HH:mm:ss.SSSXXX in the session zone (NTZ: no zone).
  arrow::Status WriteTimestamp(int64_t micros, bool ntz, std::string* out) {
    int64_t offset = 0;
    if (!ntz) {
      ARROW_ASSIGN_OR_RAISE(offset, OffsetSecondsAt(micros, time_zone_));
    }
    int64_t local = micros + offset * kMicrosPerSecond;
    int64_t days = FloorDiv(local, kMicrosPerDay);
    int64_t in_day = local - days * kMicrosPerDay;
    *out += '"';
    AppendDate(days, out);
    int64_t secs = in_day / kMicrosPerSecond;
    *out += fmt::format("T{:02d}:{:02d}:{:02d}.{:03d}", secs / 3600, secs / 60 % 60, secs % 60,
                        in_day % kMicrosPerSecond / 1000);
    if (!ntz) {
      if (offset == 0) {
        *out += 'Z';
      } else {
        int64_t abs = std::abs(offset);
        *out += fmt::format("{}{:02d}:{:02d}", offset < 0 ? '-' : '+', abs / 3600, abs / 60 % 60);
        if (abs % 60) *out += fmt::format(":{:02d}", abs % 60);
      }
    }
    *out += '"';
    return arrow::Status::OK();
  }

  arrow::Status WriteArray(const arrow::ListArray& a, int64_t i, const DataType& element,
                           std::string* out) {
    *out += '[';
    int64_t begin = a.value_offset(i), end = begin + a.value_length(i);
    for (int64_t j = begin; j < end; ++j) {
      if (j > begin) *out += ',';
      ARROW_RETURN_NOT_OK(Write(*a.values(), j, element, out));
    }
    *out += ']';
    return arrow::Status::OK();
  }

  arrow::Status WriteMap(const arrow::MapArray& a, int64_t i, const MapType& type, std::string* out) {
    *out += '{';
    int64_t begin = a.value_offset(i), end = begin + a.value_length(i);
    for (int64_t j = begin; j < end; ++j) {
      if (j > begin) *out += ',';
      // Keys are field names: non-string keys print as their text.
      if (type.key_type()->id() == TypeId::kString) {
        AppendJsonString(static_cast<const arrow::StringArray&>(*a.keys()).GetView(j), out);
      } else {
        std::string key;
        ARROW_RETURN_NOT_OK(Write(*a.keys(), j, *type.key_type(), &key));
        if (key.size() >= 2 && key.front() == '"') key = key.substr(1, key.size() - 2);
        AppendJsonString(key, out);
      }
      *out += ':';
      ARROW_RETURN_NOT_OK(Write(*a.items(), j, *type.value_type(), out));
    }
    *out += '}';
    return arrow::Status::OK();
  }

  arrow::Status WriteStruct(const arrow::StructArray& a, int64_t i, const StructType& type,
                            std::string* out) {
    *out += '{';
    bool first = true;
    const std::vector<std::string>& keys = QuotedKeys(type);
    const std::vector<std::shared_ptr<arrow::Array>>& children = Children(a);
    for (int f = 0; f < type.num_fields(); ++f) {
      const arrow::Array& child = *children[f];
      if (child.IsNull(i) && ignore_null_fields_) continue;
      if (!first) *out += ',';
      first = false;
      *out += keys[f];
      ARROW_RETURN_NOT_OK(Write(child, i, *type.field(f).type, out));
    }
    *out += '}';
    return arrow::Status::OK();
  }

  std::string time_zone_;
  bool ignore_null_fields_;
  TextValueFormats formats_;
  std::unordered_map<const StructType*, std::vector<std::string>> quoted_keys_;
  std::unordered_map<const arrow::StructArray*, std::vector<std::shared_ptr<arrow::Array>>> children_;
};

arrow::Result<BoundExprPtr> BindToJson(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty_in) {
  const std::string pretty = FirstArgName(name, args, pretty_in);
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  DataTypePtr type = args[0]->type();
  if (!type->IsNested()) {
    return DataTypeMismatch("INVALID_JSON_SCHEMA", pretty,
                            fmt::format("Input schema {} must be a struct, an array, a map or a "
                                        "variant",
                                        QuotedType(*type)));
  }
  ARROW_ASSIGN_OR_RAISE(Options options, ReadOptions(args, 1, pretty));
  // spark.sql.jsonGenerator.ignoreNullFields defaults to true.
  bool ignore_nulls = AsciiLower(OptionOr(options, "ignoreNullFields", "true")) != "false";
  ARROW_ASSIGN_OR_RAISE(TextValueFormats formats, TextValueFormats::Make(options));
  auto impl = [type, ignore_nulls, formats](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto input, AsArray(a.values[0], a.num_rows));
    JsonWriter writer(a.ctx.format.time_zone, ignore_nulls, formats);
    arrow::StringBuilder out;
    ARROW_RETURN_NOT_OK(out.Reserve(a.num_rows));
    std::string text;
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (input->IsNull(row)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      text.clear();
      ARROW_RETURN_NOT_OK(writer.Write(*input, row, *type, &text));
      // Room for the rows to come as long as the first (up to 64 MiB), so the
      // texts are not copied again each time the builder grows.
      if (out.value_data_length() == 0) {
        int64_t expected = static_cast<int64_t>(text.size()) * (a.num_rows - row);
        ARROW_RETURN_NOT_OK(out.ReserveData(std::min<int64_t>(expected, int64_t{64} << 20)));
      }
      ARROW_RETURN_NOT_OK(out.Append(text));
    }
    ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
    return arrow::Datum(result);
  };
  // Always nullable, as Spark's StructsToJson.
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, true);
}

// ---------------------------------------------------------------------------
// get_json_object (json_path.h)

arrow::Result<BoundExprPtr> BindGetJsonObject(const std::string& name,
                                              std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  for (auto& arg : args) arg = ImplicitCast(arg, types::String());
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto json, AsArray(a.values[0], a.num_rows));
    ARROW_ASSIGN_OR_RAISE(auto paths, AsArray(a.values[1], a.num_rows));
    const auto& texts = static_cast<const arrow::StringArray&>(*json);
    const auto& path_texts = static_cast<const arrow::StringArray&>(*paths);
    arrow::StringBuilder out;
    // Paths are almost always constant: parse only when the text changes.
    std::optional<std::string> cached_text;
    JsonPath path;
    bool valid_path = false;
    JsonPathPruner pruner(path);
    JsonRecordReader reader(kJsonPathReadOptions, &pruner);
    std::string found;
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (texts.IsNull(row) || path_texts.IsNull(row)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      if (path_texts.GetView(row) != cached_text) {
        cached_text = std::string(path_texts.GetView(row));
        auto parsed = ParseJsonPath(*cached_text);
        valid_path = parsed.has_value();
        if (parsed) path = std::move(*parsed);
      }
      const JsonValue* root = valid_path ? reader.Read(texts.GetView(row)) : nullptr;
      found.clear();
      if (root != nullptr && EvaluateJsonPath(path, *root, reader.big_numbers(), &found)) {
        ARROW_RETURN_NOT_OK(out.Append(found));
      } else {
        ARROW_RETURN_NOT_OK(out.AppendNull());
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
    return arrow::Datum(result);
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, true);
}

// ---------------------------------------------------------------------------
// json_tuple, json_array_length, json_object_keys

arrow::Status RequireStringArg(const BoundExpr& arg, size_t index, const std::string& pretty) {
  if (arg.type()->id() == TypeId::kString || arg.type()->id() == TypeId::kNull) {
    return arrow::Status::OK();
  }
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                          fmt::format("The {} parameter requires the \"STRING\" type, however "
                                      "\"{}\" has the type {}",
                                      Ordinal(index), arg.name(), QuotedType(*arg.type())));
}

// Builds the outermost value alone: its elements as nulls, its members with
// their names and null values; what they hold is read and checked, not built.
class OutermostValuePruner : public JsonRecordPruner {
 public:
  int MemberState(int, std::string_view) const override { return kNullMember; }
  int ElementState(int, size_t) const override { return kLeftOut; }
};

// json_array_length(json) / json_object_keys(json): the outermost array's
// length / object's keys (in order, repeated keys kept); NULL for NULL, for
// malformed text and for any other kind of value.
template <typename Builder, typename Append>
arrow::Result<arrow::Datum> MapJsonRows(const FunctionArgs& a, Builder* out, Append append) {
  ARROW_ASSIGN_OR_RAISE(auto input, AsArray(a.values[0], a.num_rows));
  const auto& texts = static_cast<const arrow::StringArray&>(*input);
  static const OutermostValuePruner pruner;
  JsonRecordReader reader(kJsonPathReadOptions, &pruner);
  for (int64_t row = 0; row < a.num_rows; ++row) {
    const JsonValue* root = texts.IsNull(row) ? nullptr : reader.Read(texts.GetView(row));
    ARROW_RETURN_NOT_OK(root == nullptr ? out->AppendNull() : append(*root));
  }
  ARROW_ASSIGN_OR_RAISE(auto result, out->Finish());
  return arrow::Datum(result);
}

arrow::Result<BoundExprPtr> BindJsonArrayLength(const std::string& name,
                                                std::vector<BoundExprPtr> args,
                                                const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_RETURN_NOT_OK(RequireStringArg(*args[0], 0, pretty));
  args[0] = ImplicitCast(args[0], types::String());
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    arrow::Int32Builder out;
    return MapJsonRows(a, &out, [&](const JsonValue& v) {
      return v.IsArray() ? out.Append(static_cast<int32_t>(v.Size())) : out.AppendNull();
    });
  };
  return MakeFunction(name, impl, types::Int(), std::move(args), pretty, true);
}

arrow::Result<BoundExprPtr> BindJsonObjectKeys(const std::string& name,
                                               std::vector<BoundExprPtr> args,
                                               const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_RETURN_NOT_OK(RequireStringArg(*args[0], 0, pretty));
  args[0] = ImplicitCast(args[0], types::String());
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    arrow::ListBuilder out(arrow::default_memory_pool(), std::make_shared<arrow::StringBuilder>());
    auto* keys = static_cast<arrow::StringBuilder*>(out.value_builder());
    return MapJsonRows(a, &out, [&](const JsonValue& v) -> arrow::Status {
      if (!v.IsObject()) return out.AppendNull();
      ARROW_RETURN_NOT_OK(out.Append());
      for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        ARROW_RETURN_NOT_OK(keys->Append(StringOf(it->name)));
      }
      return arrow::Status::OK();
    });
  };
  return MakeFunction(name, impl, types::Array(types::String()), std::move(args), pretty, true);
}

// json_tuple builds only the top-level fields a row asks for (state 1: all of
// such a field).
class TupleFieldPruner : public JsonRecordPruner {
 public:
  std::vector<std::string_view> names;  // the row's keys

  int MemberState(int state, std::string_view name) const override {
    if (state == 1 || std::find(names.begin(), names.end(), name) != names.end()) return 1;
    return -1;
  }
  int ElementState(int state, size_t) const override { return state == 1 ? 1 : -1; }
};

// json_tuple(json, k1, ..., kn): the values of the top-level fields k1..kn
// (as get_json_object would give them), bound as a STRUCT<c0..cn-1: STRING>;
// the planner expands it into the columns c0..cn-1 of a generator. A
// repeated key gives its last value that is not null; NULL, malformed text or
// a non-object gives NULLs.
arrow::Result<BoundExprPtr> BindJsonTuple(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  if (args.size() < 2) return WrongNumArgs(name, "> 1", args.size());
  for (const auto& arg : args) {
    if (arg->type()->id() != TypeId::kString) {
      return DataTypeMismatch("NON_STRING_TYPE", pretty,
                              "all arguments of the function `json_tuple` must be strings");
    }
  }
  std::vector<StructField> fields;
  for (size_t i = 1; i < args.size(); ++i) {
    fields.push_back({fmt::format("c{}", i - 1), types::String(), true});
  }
  DataTypePtr type = types::Struct(std::move(fields));
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto input, AsArray(a.values[0], a.num_rows));
    const auto& texts = static_cast<const arrow::StringArray&>(*input);
    size_t n = a.values.size() - 1;
    std::vector<std::shared_ptr<arrow::StringArray>> keys;
    std::vector<arrow::StringBuilder> columns(n);
    for (size_t k = 0; k < n; ++k) {
      ARROW_ASSIGN_OR_RAISE(auto key, AsArray(a.values[k + 1], a.num_rows));
      keys.push_back(std::static_pointer_cast<arrow::StringArray>(key));
    }
    TupleFieldPruner pruner;
    JsonRecordReader reader(kJsonPathReadOptions, &pruner);
    std::string json;  // a value that is not a string, written as JSON
    for (int64_t row = 0; row < a.num_rows; ++row) {
      pruner.names.clear();
      for (const auto& key : keys) {
        if (key->IsValid(row)) pruner.names.push_back(key->GetView(row));
      }
      const JsonValue* root = texts.IsValid(row) ? reader.Read(texts.GetView(row)) : nullptr;
      bool object = root != nullptr && root->IsObject();
      for (size_t k = 0; k < n; ++k) {
        // A repeated key: its last value that is not null.
        const JsonValue* found = nullptr;
        if (object && keys[k]->IsValid(row)) {
          std::string_view key = keys[k]->GetView(row);
          for (auto it = root->MemberBegin(); it != root->MemberEnd(); ++it) {
            if (StringOf(it->name) == key && !it->value.IsNull()) found = &it->value;
          }
        }
        if (found == nullptr) {
          ARROW_RETURN_NOT_OK(columns[k].AppendNull());
        } else if (auto text = StringText(*found, reader.big_numbers())) {
          ARROW_RETURN_NOT_OK(columns[k].Append(*text));
        } else {
          json.clear();
          AppendJacksonJson(*found, reader.big_numbers(), JacksonOutput::kBytes, &json);
          ARROW_RETURN_NOT_OK(columns[k].Append(json));
        }
      }
    }
    std::vector<std::shared_ptr<arrow::Array>> children;
    std::vector<std::string> names;
    for (size_t k = 0; k < n; ++k) {
      ARROW_ASSIGN_OR_RAISE(auto child, columns[k].Finish());
      children.push_back(child);
      names.push_back(fmt::format("c{}", k));
    }
    ARROW_ASSIGN_OR_RAISE(auto out, arrow::StructArray::Make(children, names));
    return arrow::Datum(std::shared_ptr<arrow::Array>(out));
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, /*nullable=*/false);
}

// ---------------------------------------------------------------------------
// schema_of_json: Spark's JSON schema inference (json_infer.h) on one
// constant text, read as from_json reads it (its options).

// The type schema_of_json prints: an empty struct stays (also as an array's
// element), anything else dropped reads as STRING.
DataTypePtr SchemaOfJsonType(const DataTypePtr& inferred, bool drop_all_null) {
  auto canonical = CanonicalJsonType(inferred, drop_all_null);
  if (canonical) return canonical;
  if (inferred->id() == TypeId::kStruct) return types::Struct({});
  if (inferred->id() == TypeId::kArray &&
      static_cast<const ArrayType&>(*inferred).element_type()->id() == TypeId::kStruct) {
    return types::Array(types::Struct({}));
  }
  return types::String();
}

// A true/false option, false when absent; anything else fails with Spark's
// text (Scala's toBoolean), the option named.
arrow::Result<bool> FlagOf(const Options& options, const char* name) {
  std::string value = OptionOr(options, name, "false");
  std::string lower = AsciiLower(value);
  if (lower == "true" || lower == "false") return lower == "true";
  return arrow::Status::Invalid(fmt::format("For input string: \"{}\" (the option '{}' is true or false)", value, name));
}

arrow::Result<BoundExprPtr> BindSchemaOfJson(const std::string& name, std::vector<BoundExprPtr> args,
                                             const std::string& pretty_in) {
  const std::string pretty = FirstArgName(name, args, pretty_in);
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  ARROW_ASSIGN_OR_RAISE(std::string text, FoldableText(*args[0], "json", pretty));
  ARROW_ASSIGN_OR_RAISE(Options options, ReadOptions(args, 1, pretty));
  ARROW_ASSIGN_OR_RAISE(JsonReadOptions read, JsonReadOptionsOf(options));
  read.numbers_as_text = true;  // InferJsonType reads a number's own text
  JsonInferOptions infer;
  infer.primitives_as_string = AsciiLower(OptionOr(options, "primitivesAsString", "false")) == "true";
  infer.drop_field_if_all_null = AsciiLower(OptionOr(options, "dropFieldIfAllNull", "false")) == "true";
  ARROW_ASSIGN_OR_RAISE(infer.prefers_decimal, FlagOf(options, "prefersDecimal"));
  ARROW_ASSIGN_OR_RAISE(infer.infer_timestamp, FlagOf(options, "inferTimestamp"));
  ARROW_ASSIGN_OR_RAISE(auto formats, TextValueFormats::Make(options));
  infer.timestamp_format = formats.timestamp;
  infer.decimal = formats.decimal;
  rapidjson::Document doc;
  bool big_numbers = false;
  if (IsBlank(text)) {
    doc.SetNull();
  } else if (!ParseJsonRecord(text, read, &doc, &big_numbers)) {
    return MalformedRecord(text);
  }
  ARROW_ASSIGN_OR_RAISE(auto inferred, InferJsonType(doc, big_numbers, infer));
  DataTypePtr type = SchemaOfJsonType(inferred, infer.drop_field_if_all_null);
  auto scalar = std::make_shared<arrow::StringScalar>(type->Sql());
  auto impl = [scalar](const FunctionArgs&) -> arrow::Result<arrow::Datum> {
    return arrow::Datum(scalar);
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, /*nullable=*/false);
}

// ---------------------------------------------------------------------------
// CSV text: from_csv, to_csv and schema_of_csv read and write one record
// with the CSV source's options and quoting rules (csv_text.h).

// The fields of the first record of `text` (none for blank text).
std::vector<std::optional<std::string>> CsvFields(std::string_view text, const CsvOptions& o) {
  auto records = ParseCsv(text, o);
  if (records.empty()) return {};
  return std::move(records[0].fields);
}

// from_csv(csv, schema[, options]): a struct of the schema's (atomic) fields,
// converted as the CSV source converts them. In PERMISSIVE mode a value that
// does not convert is NULL; FAILFAST raises MALFORMED_RECORD_IN_PARSING.
arrow::Result<BoundExprPtr> BindFromCsv(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty_in) {
  const std::string pretty = FirstArgName(name, args, pretty_in);
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 3));
  ARROW_RETURN_NOT_OK(RequireStringArg(*args[0], 0, pretty));
  args[0] = ImplicitCast(args[0], types::String());
  const arrow::Scalar* schema_text = ConstantValue(*args[1]);
  if (schema_text == nullptr || args[1]->type()->id() != TypeId::kString || !schema_text->is_valid) {
    return SparkError("INVALID_SCHEMA.NON_STRING_LITERAL", "42K07",
                      fmt::format("The input schema \"{}\" is not a valid schema string. The "
                                  "input expression must be string literal and not null.",
                                  args[1]->name()));
  }
  std::string text = schema_text->ToString();
  DataTypePtr schema;
  if (Trimmed(text).starts_with("{")) {
    ARROW_ASSIGN_OR_RAISE(schema, ParseJsonType(Trimmed(text)));
  } else {
    ARROW_ASSIGN_OR_RAISE(schema, ParseSchemaString(Trimmed(text)));
  }
  if (schema->id() != TypeId::kStruct) {
    return SparkError("INVALID_SCHEMA.NON_STRUCT_TYPE", "42K07",
                      fmt::format("The input schema \"{}\" is not a valid schema string. The input "
                                  "expression should be evaluated to struct type, but got {}.",
                                  text, QuotedType(*schema)));
  }
  auto st = std::static_pointer_cast<const StructType>(schema);
  for (const auto& f : st->fields()) {
    if (f.type->IsNested() || f.type->id() == TypeId::kNull) {
      return SparkError("UNSUPPORTED_DATATYPE", "0A000",
                        fmt::format("Unsupported data type {}.", QuotedType(*f.type)));
    }
  }
  ARROW_ASSIGN_OR_RAISE(Options raw_options, ReadOptions(args, 2, pretty));
  ARROW_ASSIGN_OR_RAISE(CsvOptions options, CsvOptions::Make(raw_options));
  ARROW_ASSIGN_OR_RAISE(TextValueFormats formats, TextValueFormats::Make(raw_options));
  // One TRY_CAST from STRING per field, run over the column of its texts.
  std::vector<BoundExprPtr> converters;
  for (const auto& f : st->fields()) {
    auto input = std::make_shared<BoundColumn>(0, types::String(), true, f.name);
    ARROW_ASSIGN_OR_RAISE(auto cast, BindCast(input, f.type, /*try_cast=*/true, f.name));
    converters.push_back(std::move(cast));
  }
  auto impl = [st, options, formats, converters](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto input, AsArray(a.values[0], a.num_rows));
    const auto& texts = static_cast<const arrow::StringArray&>(*input);
    size_t n = st->fields().size();
    std::vector<std::vector<std::optional<std::string>>> raw(n);
    for (int64_t row = 0; row < a.num_rows; ++row) {
      std::vector<std::optional<std::string>> fields;
      if (texts.IsValid(row)) fields = CsvFields(texts.GetView(row), options);
      for (size_t i = 0; i < n; ++i) {
        // Only strings keep surrounding spaces: " 1 " is not an INT (a
        // space makes TRY_CAST fail as Spark's CSV parser fails).
        if (i < fields.size() && fields[i]) {
          bool padded = st->field(i).type->id() != TypeId::kString && !fields[i]->empty() &&
                        (std::isspace(static_cast<unsigned char>(fields[i]->front())) ||
                         std::isspace(static_cast<unsigned char>(fields[i]->back())));
          raw[i].push_back(padded ? "\x01" : *fields[i]);
        } else {
          raw[i].push_back(std::nullopt);
        }
      }
    }
    std::vector<std::shared_ptr<arrow::Array>> children;
    std::vector<std::shared_ptr<arrow::Field>> arrow_fields;
    for (size_t i = 0; i < n; ++i) {
      const DataType& type = *st->field(i).type;
      ARROW_ASSIGN_OR_RAISE(auto fields, StringArray(raw[i]));
      auto strings = fields;
      if (type.id() == TypeId::kDecimal) {
        formats.ReadDecimals(&raw[i]);
        ARROW_ASSIGN_OR_RAISE(strings, StringArray(raw[i]));
      }
      ARROW_ASSIGN_OR_RAISE(auto converted, formats.ReadDatetimes(raw[i], type, a.ctx.format.time_zone));
      if (!converted) {
        auto batch = arrow::RecordBatch::Make(
            arrow::schema({arrow::field("v", arrow::utf8())}), a.num_rows, {strings});
        ARROW_ASSIGN_OR_RAISE(converted, EvaluateToArray(*converters[i], *batch, a.ctx));
      }
      if (options.mode == ParseMode::kFailFast && converted->null_count() != fields->null_count()) {
        for (int64_t row = 0; row < a.num_rows; ++row) {
          if (fields->IsValid(row) && converted->IsNull(row)) {
            return MalformedRecordError(texts.GetView(row));
          }
        }
      }
      children.push_back(converted);
      arrow_fields.push_back(arrow::field(st->field(i).name, converted->type()));
    }
    // A NULL text gives a NULL struct.
    std::shared_ptr<arrow::Buffer> validity;
    if (texts.null_count() > 0) {
      ARROW_ASSIGN_OR_RAISE(auto valid, cp::CallFunction("is_valid", {input}));
      validity = valid.array()->buffers[1];
    }
    auto out = std::make_shared<arrow::StructArray>(arrow::struct_(arrow_fields), a.num_rows,
                                                    children, validity, texts.null_count());
    return arrow::Datum(std::shared_ptr<arrow::Array>(out));
  };
  bool nullable = args[0]->nullable();
  return MakeFunction(name, impl, schema, std::move(args), pretty, nullable);
}

// to_csv(struct[, options]): one CSV record; NULL fields are empty, values as
// Spark prints them (timestamps as to_json writes them).
arrow::Result<BoundExprPtr> BindToCsv(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty_in) {
  const std::string pretty = FirstArgName(name, args, pretty_in);
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  DataTypePtr type = args[0]->type();
  if (type->id() == TypeId::kNull) {
    auto null_impl = [](const FunctionArgs&) -> arrow::Result<arrow::Datum> {
      return arrow::Datum(arrow::MakeNullScalar(arrow::utf8()));
    };
    return MakeFunction(name, null_impl, types::String(), std::move(args), pretty);
  }
  if (type->id() != TypeId::kStruct) {
    return DataTypeMismatch("UNSUPPORTED_INPUT_TYPE", pretty,
                            fmt::format("The input of `to_csv` can't be {} type data",
                                        QuotedType(*type)));
  }
  ARROW_ASSIGN_OR_RAISE(Options raw_options, ReadOptions(args, 1, pretty));
  ARROW_ASSIGN_OR_RAISE(CsvOptions options, CsvOptions::Make(raw_options));
  ARROW_ASSIGN_OR_RAISE(TextValueFormats formats, TextValueFormats::Make(raw_options));
  auto st = std::static_pointer_cast<const StructType>(type);
  auto impl = [st, options, formats](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto input, AsArray(a.values[0], a.num_rows));
    const auto& structs = static_cast<const arrow::StructArray&>(*input);
    JsonWriter json(a.ctx.format.time_zone, false, formats);
    std::vector<std::shared_ptr<arrow::Array>> texts;
    for (int f = 0; f < st->num_fields(); ++f) {
      ARROW_ASSIGN_OR_RAISE(auto text, CastToString(*structs.field(f), *st->field(f).type, a.ctx.format));
      texts.push_back(text);
    }
    arrow::StringBuilder out;
    std::string line, value;
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (structs.IsNull(row)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      line.clear();
      for (int f = 0; f < st->num_fields(); ++f) {
        if (f > 0) line += options.sep;
        const auto& text = static_cast<const arrow::StringArray&>(*texts[f]);
        TypeId id = st->field(f).type->id();
        if (text.IsNull(row)) {
          AppendCsvField(std::nullopt, options, &line);
        } else if (formats.PatternFor(*st->field(f).type) || id == TypeId::kTimestamp || id == TypeId::kTimestampNtz) {
          value.clear();
          ARROW_RETURN_NOT_OK(json.Write(*structs.field(f), row, *st->field(f).type, &value));
          AppendCsvField(std::string_view(value).substr(1, value.size() - 2), options, &line);
        } else {
          AppendCsvField(text.GetView(row), options, &line);
        }
      }
      ARROW_RETURN_NOT_OK(out.Append(line));
    }
    ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
    return arrow::Datum(result);
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, true);
}

arrow::Result<BoundExprPtr> BindSchemaOfCsv(const std::string& name, std::vector<BoundExprPtr> args,
                                            const std::string& pretty_in) {
  const std::string pretty = FirstArgName(name, args, pretty_in);
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  ARROW_ASSIGN_OR_RAISE(std::string text, FoldableText(*args[0], "csv", pretty));
  ARROW_ASSIGN_OR_RAISE(Options map, ReadOptions(args, 1, pretty));
  ARROW_ASSIGN_OR_RAISE(CsvOptions options, CsvOptions::Make(map));
  ARROW_ASSIGN_OR_RAISE(TextValueFormats formats, TextValueFormats::Make(map));
  CsvInference infer = CsvInference::Make(formats, map, "UTC");
  auto fields = CsvFields(text, options);
  if (fields.empty()) {
    return SparkError("MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION", "22023",
                      "Malformed records are detected in record parsing: the CSV text is empty.");
  }
  std::vector<StructField> out;
  for (size_t i = 0; i < fields.size(); ++i) {
    DataTypePtr type = fields[i] ? InferCsvField(nullptr, *fields[i], infer) : nullptr;
    out.push_back({fmt::format("_c{}", i), type ? type : types::String(), true});
  }
  auto scalar = std::make_shared<arrow::StringScalar>(types::Struct(std::move(out))->Sql());
  auto impl = [scalar](const FunctionArgs&) -> arrow::Result<arrow::Datum> {
    return arrow::Datum(scalar);
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, /*nullable=*/false);
}

}  // namespace

bool JsonExpressionOptimizationEnabled(const RuntimeConfig& conf) {
  return conf.GetBool("spark.sql.optimizer.enableJsonExpressionOptimization");
}

JsonExpressionOptimizationScope::JsonExpressionOptimizationScope(bool enabled)
    : previous_(json_expression_optimization) {
  json_expression_optimization = enabled;
}

JsonExpressionOptimizationScope::~JsonExpressionOptimizationScope() { json_expression_optimization = previous_; }

const StructType* PrunableFromJsonSchema(const BoundExpr& e, int* corrupt_index) {
  if (e.kind() != BoundExpr::Kind::kFunction) return nullptr;
  const auto* call = static_cast<const BoundFunction&>(e).impl().target<FromJsonCall>();
  if (call == nullptr || !call->settings.prunable) return nullptr;
  if (corrupt_index != nullptr) *corrupt_index = call->settings.corrupt_index;
  return static_cast<const StructType*>(call->settings.schema.get());
}

arrow::Result<BoundExprPtr> FromJsonReading(const BoundExpr& e, StructTypePtr schema) {
  if (PrunableFromJsonSchema(e) == nullptr) return arrow::Status::Invalid("internal error: not a prunable from_json");
  const auto& function = static_cast<const BoundFunction&>(e);
  FromJsonCall call = *function.impl().target<FromJsonCall>();
  call.settings.schema = schema;
  call.settings.corrupt_index = schema->FieldIndex("_corrupt_record");
  if (call.settings.corrupt_index >= 0 && schema->field(call.settings.corrupt_index).type->id() != TypeId::kString) {
    call.settings.corrupt_index = -1;
  }
  auto text = std::make_shared<BoundLiteral>(std::make_shared<arrow::StringScalar>(schema->Sql()), types::String(),
                                             schema->Sql());
  return MakeFunction(function.function(), std::move(call), std::move(schema), {e.children()[0], std::move(text)},
                      e.name(), true);
}

void RegisterJsonFunctions(FunctionRegistry& r) {
  r.Add("from_json", BindFromJson);
  r.Add("to_json", BindToJson);
  r.Add("get_json_object", BindGetJsonObject);
  r.Add("json_array_length", BindJsonArrayLength);
  r.Add("json_object_keys", BindJsonObjectKeys);
  r.Add("json_tuple", BindJsonTuple);
  r.Add("schema_of_json", BindSchemaOfJson);
  r.Add("from_csv", BindFromCsv);
  r.Add("to_csv", BindToCsv);
  r.Add("schema_of_csv", BindSchemaOfCsv);
}

}  // namespace spate
