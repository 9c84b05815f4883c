// Functions that build and take apart arrays, maps and structs: struct(),
// named_struct(), array(), map(), element access (`a.b`, `arr[0]`, `m['k']`,
// element_at) and the collection functions (size, array_contains, sort_array,
// array_distinct, array_join, flatten, map_keys, map_values).
//
// Results are assembled with Arrow builders by copying slices of the inputs;
// element lookups compute one index per row and gather with `take`.

#include <cmath>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/nested_internal.h"
#include "spate/expr/type_coercion.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace nested {

arrow::Result<ArrayPtr> AsArray(const arrow::Datum& d, int64_t num_rows) {
  if (d.is_scalar()) return arrow::MakeArrayFromScalar(*d.scalar(), num_rows);
  ArrayPtr array = d.make_array();
  if (array->offset() != 0) return arrow::Concatenate({array});
  return array;
}

arrow::Result<std::unique_ptr<arrow::ArrayBuilder>> BuilderFor(const DataType& type) {
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(type));
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), arrow_type, &builder));
  return builder;
}

arrow::Status AppendSlice(arrow::ArrayBuilder* builder, const arrow::Array& from, int64_t offset,
                          int64_t length) {
  return builder->AppendArraySlice(arrow::ArraySpan(*from.data()), offset, length);
}

const arrow::EqualOptions& ValueEquality() {
  static const arrow::EqualOptions options = arrow::EqualOptions::Defaults().nans_equal(true);
  return options;
}

bool SameValue(const arrow::Array& a, int64_t i, const arrow::Array& b, int64_t j) {
  return arrow::ArrayRangeEquals(a, b, i, i + 1, j, ValueEquality());
}

std::string TypeList(const std::vector<BoundExprPtr>& args, size_t from, size_t step) {
  std::string list;
  for (size_t i = from; i < args.size(); i += step) {
    list += (list.empty() ? "" : ", ") + QuotedType(*args[i]->type());
  }
  return list;
}

arrow::Status UnexpectedType(const BoundExpr& arg, size_t i, const std::string& required,
                             const std::string& pretty) {
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                          fmt::format("The {} parameter requires the {} type, however \"{}\" has "
                                      "the type {}",
                                      Ordinal(i), required, arg.name(), QuotedType(*arg.type())));
}

arrow::Status RequireArray(const BoundExpr& arg, size_t i, const std::string& pretty) {
  if (arg.type()->id() == TypeId::kArray) return arrow::Status::OK();
  return UnexpectedType(arg, i, "\"ARRAY\"", pretty);
}

arrow::Status RequireMap(const BoundExpr& arg, size_t i, const std::string& pretty) {
  if (arg.type()->id() == TypeId::kMap) return arrow::Status::OK();
  return UnexpectedType(arg, i, "\"MAP\"", pretty);
}

arrow::Result<DataTypePtr> CoerceAll(std::vector<BoundExprPtr>& args, size_t from, size_t step,
                                     const std::string& function, const std::string& pretty) {
  std::vector<DataTypePtr> types_in;
  for (size_t i = from; i < args.size(); i += step) types_in.push_back(args[i]->type());
  DataTypePtr common = WidestType(types_in);
  if (!common) {
    return DataTypeMismatch("DATA_DIFF_TYPES", pretty,
                            fmt::format("Input to `{}` should all be the same type, but it's [{}]",
                                        function, TypeList(args, from, step)));
  }
  for (size_t i = from; i < args.size(); i += step) args[i] = ImplicitCast(args[i], common);
  return common;
}

std::string ValueText(const arrow::Array& values, int64_t i) {
  auto scalar = values.GetScalar(i);
  if (!scalar.ok()) return "?";
  return (*scalar)->ToString();
}

arrow::Status NullMapKey() {
  return SparkError("NULL_MAP_KEY", "2200E", "Cannot use null as map key.");
}

arrow::Status DuplicateMapKey(const arrow::Array& keys, int64_t i) {
  return SparkError("DUPLICATED_MAP_KEY", "23505",
                    fmt::format("Duplicate map key {} was found, please check the input data. If "
                                "you want to remove the duplicated keys, you can set "
                                "\"spark.sql.mapKeyDedupPolicy\" to \"LAST_WIN\" so that the key "
                                "inserted at last takes precedence.",
                                ValueText(keys, i)));
}

arrow::Status CheckMapKey(const arrow::Array& keys, int64_t begin, int64_t i) {
  if (keys.IsNull(i)) return NullMapKey();
  for (int64_t j = begin; j < i; ++j) {
    if (SameValue(keys, j, keys, i)) return DuplicateMapKey(keys, i);
  }
  return arrow::Status::OK();
}

arrow::Result<ArrayPtr> SortedElementIndices(const arrow::ListArray& list, bool ascending,
                                              bool nulls_first) {
  // One sort over (row, element) keeps every row's elements together.
  arrow::Int64Builder rows, positions;
  for (int64_t row = 0; row < list.length(); ++row) {
    if (list.IsNull(row)) continue;
    for (int64_t i = 0; i < list.value_length(row); ++i) {
      ARROW_RETURN_NOT_OK(rows.Append(row));
      ARROW_RETURN_NOT_OK(positions.Append(list.value_offset(row) + i));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto row_ids, rows.Finish());
  ARROW_ASSIGN_OR_RAISE(auto pos, positions.Finish());
  ARROW_ASSIGN_OR_RAISE(auto taken, arrow::compute::Take(list.values(), pos));
  ArrayPtr elements = taken.make_array();
  // Arrow places NaN with the NULLs; Spark orders NaN above every number. A
  // rank per element settles NULL and NaN before the values are compared.
  arrow::Int8Builder ranks;
  for (int64_t i = 0; i < elements->length(); ++i) {
    bool nan = false;
    if (!elements->IsNull(i) && elements->type_id() == arrow::Type::DOUBLE) {
      nan = std::isnan(static_cast<const arrow::DoubleArray&>(*elements).Value(i));
    } else if (!elements->IsNull(i) && elements->type_id() == arrow::Type::FLOAT) {
      nan = std::isnan(static_cast<const arrow::FloatArray&>(*elements).Value(i));
    }
    int8_t rank = elements->IsNull(i) ? (nulls_first ? 0 : 3) : nan ? (ascending ? 2 : 1) : 1;
    if (!ascending && !elements->IsNull(i) && !nan) rank = 2;
    ARROW_RETURN_NOT_OK(ranks.Append(rank));
  }
  ARROW_ASSIGN_OR_RAISE(auto rank_array, ranks.Finish());
  auto table = arrow::RecordBatch::Make(
      arrow::schema({arrow::field("r", arrow::int64()), arrow::field("k", arrow::int8()),
                     arrow::field("v", elements->type())}),
      row_ids->length(), {row_ids, rank_array, elements});
  namespace cp = arrow::compute;
  cp::SortOptions options(
      {cp::SortKey("r"), cp::SortKey("k"),
       cp::SortKey("v", ascending ? cp::SortOrder::Ascending : cp::SortOrder::Descending)});
  EnsureComputeInitialized();
  ARROW_ASSIGN_OR_RAISE(auto order, cp::SortIndices(arrow::Datum(table), options));
  ARROW_ASSIGN_OR_RAISE(auto sorted, cp::Take(pos, order));
  return sorted.make_array();
}

}  // namespace nested

namespace {

namespace cp = arrow::compute;
using namespace nested;  // NOLINT

// ---------------------------------------------------------------------------
// Constructors

arrow::Result<arrow::Datum> MakeStructValue(const FunctionArgs& a) {
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(a.result_type));
  std::vector<ArrayPtr> children;
  // named_struct passes (name, value) pairs; struct passes values only.
  size_t step = a.values.size() == static_cast<size_t>(arrow_type->num_fields()) ? 1 : 2;
  for (size_t i = step - 1; i < a.values.size(); i += step) {
    ARROW_ASSIGN_OR_RAISE(auto child, AsArray(a.values[i], a.num_rows));
    children.push_back(std::move(child));
  }
  ARROW_ASSIGN_OR_RAISE(auto out, arrow::StructArray::Make(children, arrow_type->fields()));
  return arrow::Datum(out);
}

// The field name Spark derives for struct(x): a column keeps its name, a
// struct field access its field name, anything else is col<i>.
std::string StructFieldName(const BoundExpr& arg, size_t i) {
  if (arg.kind() == BoundExpr::Kind::kColumn) return arg.name();
  if (arg.kind() == BoundExpr::Kind::kFunction &&
      static_cast<const BoundFunction&>(arg).function() == "extract_value" &&
      arg.children()[0]->type()->id() == TypeId::kStruct) {
    const std::string& name = arg.name();
    return name.substr(arg.children()[0]->name().size() + 1);
  }
  return fmt::format("col{}", i + 1);
}

arrow::Result<BoundExprPtr> BindStruct(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  std::vector<StructField> fields;
  for (size_t i = 0; i < args.size(); ++i) {
    fields.push_back({StructFieldName(*args[i], i), args[i]->type(), args[i]->nullable()});
  }
  return MakeFunction(name, MakeStructValue, types::Struct(std::move(fields)), std::move(args),
                      pretty, false);
}

arrow::Result<BoundExprPtr> BindNamedStruct(const std::string& name, std::vector<BoundExprPtr> args,
                                            const std::string& pretty) {
  if (args.empty() || args.size() % 2 != 0) return WrongNumArgs(name, "2n (n > 0)", args.size());
  std::vector<StructField> fields;
  for (size_t i = 0; i < args.size(); i += 2) {
    const arrow::Scalar* key = ConstantValue(*args[i]);
    if (key == nullptr || !key->is_valid || args[i]->type()->id() != TypeId::kString) {
      return DataTypeMismatch("CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING", pretty,
                              fmt::format("Only foldable `STRING` expressions are allowed to "
                                          "appear at odd position, but they are [\"{}\"]",
                                          args[i]->name()));
    }
    fields.push_back({key->ToString(), args[i + 1]->type(), args[i + 1]->nullable()});
  }
  return MakeFunction(name, MakeStructValue, types::Struct(std::move(fields)), std::move(args),
                      pretty, false);
}

arrow::Result<BoundExprPtr> BindArray(const std::string& name, std::vector<BoundExprPtr> args,
                                      const std::string& pretty) {
  ARROW_ASSIGN_OR_RAISE(auto element, CoerceAll(args, 0, 1, name, pretty));
  bool contains_null = false;
  for (const auto& arg : args) contains_null = contains_null || arg->nullable();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    std::vector<ArrayPtr> columns;
    for (const auto& v : a.values) {
      ARROW_ASSIGN_OR_RAISE(auto column, AsArray(v, a.num_rows));
      columns.push_back(std::move(column));
    }
    ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
    auto* list = static_cast<arrow::ListBuilder*>(builder.get());
    for (int64_t row = 0; row < a.num_rows; ++row) {
      ARROW_RETURN_NOT_OK(list->Append());
      for (const auto& column : columns) {
        ARROW_RETURN_NOT_OK(AppendSlice(list->value_builder(), *column, row, 1));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto out, builder->Finish());
    return arrow::Datum(out);
  };
  return MakeFunction(name, impl, types::Array(element, contains_null), std::move(args), pretty,
                      false);
}

arrow::Result<arrow::Datum> MakeMapValue(const FunctionArgs& a) {
  std::vector<ArrayPtr> columns;
  for (const auto& v : a.values) {
    ARROW_ASSIGN_OR_RAISE(auto column, AsArray(v, a.num_rows));
    columns.push_back(std::move(column));
  }
  ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
  auto* map = static_cast<arrow::MapBuilder*>(builder.get());
  for (int64_t row = 0; row < a.num_rows; ++row) {
    ARROW_RETURN_NOT_OK(map->Append());
    for (size_t i = 0; i < columns.size(); i += 2) {
      if (columns[i]->IsNull(row)) return NullMapKey();
      for (size_t j = 0; j < i; j += 2) {
        if (SameValue(*columns[j], row, *columns[i], row)) return DuplicateMapKey(*columns[i], row);
      }
      ARROW_RETURN_NOT_OK(AppendSlice(map->key_builder(), *columns[i], row, 1));
      ARROW_RETURN_NOT_OK(AppendSlice(map->item_builder(), *columns[i + 1], row, 1));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto out, builder->Finish());
  return arrow::Datum(out);
}

arrow::Result<BoundExprPtr> BindMap(const std::string& name, std::vector<BoundExprPtr> args,
                                    const std::string& pretty) {
  if (args.size() % 2 != 0) return WrongNumArgs(name, "2n (n > 0)", args.size());
  DataTypePtr key = types::Null(), value = types::Null();
  bool value_null = false;
  if (!args.empty()) {
    ARROW_ASSIGN_OR_RAISE(key, CoerceAll(args, 0, 2, name, pretty));
    ARROW_ASSIGN_OR_RAISE(value, CoerceAll(args, 1, 2, name, pretty));
    if (key->id() == TypeId::kMap) {
      return DataTypeMismatch("INVALID_MAP_KEY_TYPE", pretty,
                              fmt::format("The key of map cannot be/contain {}", QuotedType(*key)));
    }
    for (size_t i = 1; i < args.size(); i += 2) value_null = value_null || args[i]->nullable();
  }
  return MakeFunction(name, MakeMapValue, types::Map(key, value, value_null), std::move(args),
                      pretty, false);
}

arrow::Result<BoundExprPtr> BindMapFromArrays(const std::string& name,
                                              std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  for (size_t i = 0; i < 2; ++i) ARROW_RETURN_NOT_OK(RequireArray(*args[i], i, pretty));
  const auto& keys = AsArrayType(*args[0]->type());
  const auto& values = AsArrayType(*args[1]->type());
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto k, AsArray(a.values[0], a.num_rows));
    ARROW_ASSIGN_OR_RAISE(auto v, AsArray(a.values[1], a.num_rows));
    const auto& kl = static_cast<const arrow::ListArray&>(*k);
    const auto& vl = static_cast<const arrow::ListArray&>(*v);
    ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
    auto* map = static_cast<arrow::MapBuilder*>(builder.get());
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (kl.IsNull(row) || vl.IsNull(row)) {
        ARROW_RETURN_NOT_OK(map->AppendNull());
        continue;
      }
      int64_t begin = kl.value_offset(row), n = kl.value_length(row);
      if (n != vl.value_length(row)) {
        return SparkError("MAP_FROM_ARRAYS_LENGTH_MISMATCH", "22000",
                          "The key array and value array of MapData must have the same length.");
      }
      for (int64_t i = begin; i < begin + n; ++i) {
        ARROW_RETURN_NOT_OK(CheckMapKey(*kl.values(), begin, i));
      }
      ARROW_RETURN_NOT_OK(map->Append());
      ARROW_RETURN_NOT_OK(AppendSlice(map->key_builder(), *kl.values(), begin, n));
      ARROW_RETURN_NOT_OK(AppendSlice(map->item_builder(), *vl.values(), vl.value_offset(row), n));
    }
    ARROW_ASSIGN_OR_RAISE(auto out, builder->Finish());
    return arrow::Datum(out);
  };
  DataTypePtr type = types::Map(keys.element_type(), values.element_type(), values.contains_null());
  bool nullable = args[0]->nullable() || args[1]->nullable();
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

// ---------------------------------------------------------------------------
// Element access

arrow::Status ArrayIndexError(const char* error_class, const char* hint, int64_t index,
                              int64_t size) {
  return SparkError(error_class, "22003",
                    fmt::format("The index {} is out of bounds. The array has {} elements. {}",
                                index, size, hint));
}

// Gathers `values[indices]`; a null index gives a null.
arrow::Result<arrow::Datum> Gather(const ArrayPtr& values, arrow::Int64Builder& indices) {
  ARROW_ASSIGN_OR_RAISE(auto idx, indices.Finish());
  return cp::Take(values, idx);
}

arrow::Result<int64_t> IndexAt(const arrow::Array& index, int64_t row) {
  ARROW_ASSIGN_OR_RAISE(auto scalar, index.GetScalar(row));
  ARROW_ASSIGN_OR_RAISE(auto as_long, scalar->CastTo(arrow::int64()));
  return static_cast<const arrow::Int64Scalar&>(*as_long).value;
}

// arr[i] (0-based) or element_at(arr, i) (1-based, negative from the end).
// An index out of bounds is an error under ANSI unless `tolerant` (get,
// try_element_at), which give NULL.
arrow::Result<arrow::Datum> ArrayElement(const FunctionArgs& a, bool one_based,
                                         bool tolerant = false) {
  ARROW_ASSIGN_OR_RAISE(auto base, AsArray(a.values[0], a.num_rows));
  ARROW_ASSIGN_OR_RAISE(auto index, AsArray(a.values[1], a.num_rows));
  const auto& list = static_cast<const arrow::ListArray&>(*base);
  arrow::Int64Builder indices;
  ARROW_RETURN_NOT_OK(indices.Reserve(a.num_rows));
  for (int64_t row = 0; row < a.num_rows; ++row) {
    if (list.IsNull(row) || index->IsNull(row)) {
      indices.UnsafeAppendNull();
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(int64_t i, IndexAt(*index, row));
    int64_t n = list.value_length(row);
    int64_t pos = i;
    if (one_based) {
      if (i == 0) {
        return SparkError("INVALID_INDEX_OF_ZERO", "22003",
                          "The index 0 is invalid. An index shall be either < 0 or > 0 (the first "
                          "element has index 1).");
      }
      pos = i > 0 ? i - 1 : n + i;
    }
    if (pos < 0 || pos >= n) {
      if (a.ctx.ansi && !tolerant) {
        return one_based ? ArrayIndexError("INVALID_ARRAY_INDEX_IN_ELEMENT_AT",
                                           "Use `try_element_at` to tolerate accessing element at "
                                           "invalid index and return NULL instead.",
                                           i, n)
                         : ArrayIndexError("INVALID_ARRAY_INDEX",
                                           "Use the SQL function `get()` to tolerate accessing "
                                           "element at invalid index and return NULL instead.",
                                           i, n);
      }
      indices.UnsafeAppendNull();
      continue;
    }
    indices.UnsafeAppend(list.value_offset(row) + pos);
  }
  return Gather(list.values(), indices);
}

// m[k] and element_at(m, k): the value under the key, NULL when missing.
arrow::Result<arrow::Datum> MapValue(const FunctionArgs& a) {
  ARROW_ASSIGN_OR_RAISE(auto base, AsArray(a.values[0], a.num_rows));
  ARROW_ASSIGN_OR_RAISE(auto key, AsArray(a.values[1], a.num_rows));
  const auto& map = static_cast<const arrow::MapArray&>(*base);
  const arrow::Array& keys = *map.keys();
  arrow::Int64Builder indices;
  ARROW_RETURN_NOT_OK(indices.Reserve(a.num_rows));
  for (int64_t row = 0; row < a.num_rows; ++row) {
    int64_t found = -1;
    if (!map.IsNull(row) && !key->IsNull(row)) {
      int64_t begin = map.value_offset(row), end = begin + map.value_length(row);
      for (int64_t i = begin; i < end && found < 0; ++i) {
        if (SameValue(keys, i, *key, row)) found = i;
      }
    }
    if (found < 0) {
      indices.UnsafeAppendNull();
    } else {
      indices.UnsafeAppend(found);
    }
  }
  return Gather(map.items(), indices);
}

arrow::Status FieldNotFound(const std::string& field, const StructType& type) {
  std::string fields;
  for (const auto& f : type.fields()) fields += (fields.empty() ? "`" : ", `") + f.name + "`";
  return SparkError("FIELD_NOT_FOUND", "42704",
                    fmt::format("No such struct field `{}` in {}.", field, fields));
}

// Field lookup is case-insensitive (spark.sql.caseSensitive=false).
arrow::Result<int> ResolveField(const StructType& type, const std::string& name) {
  int found = type.FieldIndex(name);
  if (found >= 0) return found;
  std::string wanted = AsciiLower(name);
  int matches = 0;
  for (int i = 0; i < type.num_fields(); ++i) {
    if (AsciiLower(type.field(i).name) == wanted) {
      found = i;
      ++matches;
    }
  }
  if (matches > 1) {
    return SparkError("AMBIGUOUS_REFERENCE_TO_FIELDS", "42000",
                      fmt::format("Ambiguous reference to the field `{}`. It appears {} times in "
                                  "the schema.",
                                  name, matches));
  }
  if (found < 0) return FieldNotFound(name, type);
  return found;
}

std::string KeyPretty(const BoundExpr& key) {
  const arrow::Scalar* value = ConstantValue(key);
  return value ? LiteralPretty(*value, *key.type()) : key.name();
}

arrow::Result<BoundExprPtr> BindStructField(std::vector<BoundExprPtr> args) {
  const auto& type = static_cast<const StructType&>(*args[0]->type());
  const arrow::Scalar* key = ConstantValue(*args[1]);
  if (key == nullptr || !key->is_valid || args[1]->type()->id() != TypeId::kString) {
    return SparkError("INVALID_EXTRACT_FIELD_TYPE", "42000",
                      fmt::format("Field name should be a non-null string literal, but it's {}.",
                                  args[1]->name()));
  }
  ARROW_ASSIGN_OR_RAISE(int index, ResolveField(type, key->ToString()));
  const StructField& field = type.field(index);
  auto impl = [index](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    const arrow::Datum& v = a.values[0];
    if (v.is_scalar()) {
      const auto& s = static_cast<const arrow::StructScalar&>(*v.scalar());
      if (!s.is_valid) return arrow::Datum(arrow::MakeNullScalar(s.type->field(index)->type()));
      return arrow::Datum(s.value[index]);
    }
    ArrayPtr array = v.make_array();
    const auto& structs = static_cast<const arrow::StructArray&>(*array);
    ARROW_ASSIGN_OR_RAISE(auto child, structs.GetFlattenedField(index));
    return arrow::Datum(child);
  };
  std::string name = args[0]->name() + "." + field.name;
  bool nullable = args[0]->nullable() || field.nullable;
  return MakeFunction("extract_value", impl, field.type, std::move(args), name, nullable);
}

arrow::Result<BoundExprPtr> BindExtractValue(const std::string& name,
                                             std::vector<BoundExprPtr> args,
                                             const std::string&) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  const DataTypePtr base = args[0]->type();
  std::string pretty = args[0]->name() + "[" + KeyPretty(*args[1]) + "]";
  switch (base->id()) {
    case TypeId::kStruct:
      return BindStructField(std::move(args));
    case TypeId::kArray: {
      if (!args[1]->type()->IsIntegral() && args[1]->type()->id() != TypeId::kNull) {
        if (args[1]->type()->id() != TypeId::kString) {
          return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                                  fmt::format("The second parameter requires the \"INTEGRAL\" "
                                              "type, however \"{}\" has the type {}",
                                              args[1]->name(), QuotedType(*args[1]->type())));
        }
      }
      if (!args[1]->type()->IsIntegral()) args[1] = ImplicitCast(args[1], types::Int());
      DataTypePtr element = AsArrayType(*base).element_type();
      auto impl = [](const FunctionArgs& a) { return ArrayElement(a, false); };
      return MakeFunction(name, impl, element, std::move(args), pretty, true);
    }
    case TypeId::kMap: {
      args[1] = ImplicitCast(args[1], AsMapType(*base).key_type());
      DataTypePtr value = AsMapType(*base).value_type();
      return MakeFunction(name, MapValue, value, std::move(args), pretty, true);
    }
    default:
      return SparkError("INVALID_EXTRACT_BASE_FIELD_TYPE", "42000",
                        fmt::format("Can't extract a value from \"{}\". Need a complex type "
                                    "[STRUCT, ARRAY, MAP] but got {}.",
                                    args[0]->name(), QuotedType(*base)));
  }
}

// Spark's nullability of element_at over an array: with a constant index into
// array(...) that of the element it picks; otherwise, since an index out of
// bounds raises (ANSI), whether the array may hold NULLs (try_element_at: true).
bool ElementAtNullable(const BoundExpr& array, const BoundExpr& index, bool tolerant) {
  const bool contains_null = AsArrayType(*array.type()).contains_null();
  const arrow::Scalar* v = ConstantValue(index);
  if (v == nullptr || !v->is_valid) return tolerant || contains_null;
  auto n = arrow::compute::Cast(arrow::Datum(v->GetSharedPtr()), arrow::int64());
  if (!n.ok()) return true;
  const int64_t at = n->scalar_as<arrow::Int64Scalar>().value;
  const bool created = array.kind() == BoundExpr::Kind::kFunction &&
                       static_cast<const BoundFunction&>(array).function() == "array";
  const auto size = static_cast<int64_t>(array.children().size());
  if (!created || at >= size) return tolerant || contains_null;
  if (at == 0) return false;
  if (-at > size) return tolerant;
  return array.children()[at > 0 ? at - 1 : size + at]->nullable();
}

arrow::Result<BoundExprPtr> BindElementAt(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  const DataTypePtr base = args[0]->type();
  if (base->id() == TypeId::kMap) {
    args[1] = ImplicitCast(args[1], AsMapType(*base).key_type());
    DataTypePtr value = AsMapType(*base).value_type();
    return MakeFunction(name, MapValue, value, std::move(args), pretty, true);
  }
  if (base->id() != TypeId::kArray) {
    return UnexpectedType(*args[0], 0, "(\"ARRAY\" or \"MAP\")", pretty);
  }
  if (!args[1]->type()->IsIntegral()) {
    if (args[1]->type()->id() != TypeId::kString && args[1]->type()->id() != TypeId::kNull) {
      return UnexpectedType(*args[1], 1, "\"INT\"", pretty);
    }
    args[1] = ImplicitCast(args[1], types::Int());
  }
  DataTypePtr element = AsArrayType(*base).element_type();
  bool tolerant = name == "try_element_at";
  bool nullable = ElementAtNullable(*args[0], *args[1], tolerant);
  auto impl = [tolerant](const FunctionArgs& a) { return ArrayElement(a, true, tolerant); };
  return MakeFunction(name, impl, element, std::move(args), pretty, nullable);
}

// get(arr, i): arr[i] (0-based), NULL when out of bounds even under ANSI.
arrow::Result<BoundExprPtr> BindGet(const std::string& name, std::vector<BoundExprPtr> args,
                                    const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  if (!args[1]->type()->IsIntegral()) {
    if (args[1]->type()->id() != TypeId::kString && args[1]->type()->id() != TypeId::kNull) {
      return UnexpectedType(*args[1], 1, "\"INT\"", pretty);
    }
    args[1] = ImplicitCast(args[1], types::Int());
  }
  DataTypePtr element = AsArrayType(*args[0]->type()).element_type();
  auto impl = [](const FunctionArgs& a) { return ArrayElement(a, false, true); };
  return MakeFunction(name, impl, element, std::move(args), pretty, true);
}

// ---------------------------------------------------------------------------
// Collection functions

arrow::Result<BoundExprPtr> BindSize(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  TypeId id = args[0]->type()->id();
  if (id != TypeId::kArray && id != TypeId::kMap && id != TypeId::kNull) {
    return UnexpectedType(*args[0], 0, "(\"ARRAY\" or \"MAP\")", pretty);
  }
  // spark.sql.legacy.sizeOfNull applies only outside ANSI mode: size(NULL) is
  // -1 there and NULL under ANSI.
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto base, AsArray(a.values[0], a.num_rows));
    arrow::Int32Builder out;
    ARROW_RETURN_NOT_OK(out.Reserve(a.num_rows));
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (base->IsNull(row)) {
        if (a.ctx.ansi) {
          out.UnsafeAppendNull();
        } else {
          out.UnsafeAppend(-1);
        }
        continue;
      }
      out.UnsafeAppend(static_cast<const arrow::ListArray&>(*base).value_length(row));
    }
    ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
    return arrow::Datum(result);
  };
  return MakeFunction(name, impl, types::Int(), std::move(args), pretty);
}

arrow::Result<BoundExprPtr> BindArrayContains(const std::string& name,
                                              std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  DataTypePtr element = AsArrayType(*args[0]->type()).element_type();
  DataTypePtr common = WiderType(element, args[1]->type());
  if (!common) {
    return DataTypeMismatch("ARRAY_FUNCTION_DIFF_TYPES", pretty,
                            fmt::format("Input to `{}` should have been \"ARRAY\" followed by a "
                                        "value with same element type, but it's [{}, {}]",
                                        name, QuotedType(*args[0]->type()),
                                        QuotedType(*args[1]->type())));
  }
  args[0] = ImplicitCast(args[0], types::Array(common, true));
  args[1] = ImplicitCast(args[1], common);
  // SQL semantics: true on a match; NULL when there is none but the array
  // holds a NULL (the NULL might have matched); false otherwise.
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto base, AsArray(a.values[0], a.num_rows));
    ARROW_ASSIGN_OR_RAISE(auto value, AsArray(a.values[1], a.num_rows));
    const auto& list = static_cast<const arrow::ListArray&>(*base);
    const arrow::Array& elements = *list.values();
    arrow::BooleanBuilder out;
    ARROW_RETURN_NOT_OK(out.Reserve(a.num_rows));
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (list.IsNull(row) || value->IsNull(row)) {
        out.UnsafeAppendNull();
        continue;
      }
      bool found = false, saw_null = false;
      int64_t begin = list.value_offset(row), end = begin + list.value_length(row);
      for (int64_t i = begin; i < end && !found; ++i) {
        if (elements.IsNull(i)) {
          saw_null = true;
        } else {
          found = SameValue(elements, i, *value, row);
        }
      }
      if (!found && saw_null) {
        out.UnsafeAppendNull();
      } else {
        out.UnsafeAppend(found);
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
    return arrow::Datum(result);
  };
  return MakeFunction(name, impl, types::Boolean(), std::move(args), pretty);
}

arrow::Result<BoundExprPtr> BindMapKeysOrValues(const std::string& name,
                                                std::vector<BoundExprPtr> args,
                                                const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  if (args[0]->type()->id() != TypeId::kMap) {
    return UnexpectedType(*args[0], 0, "\"MAP\"", pretty);
  }
  const auto& map_type = AsMapType(*args[0]->type());
  bool keys = name == "map_keys";
  DataTypePtr type = keys ? types::Array(map_type.key_type(), true)
                          : types::Array(map_type.value_type(), map_type.value_contains_null());
  auto impl = [keys](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto base, AsArray(a.values[0], a.num_rows));
    const auto& map = static_cast<const arrow::MapArray&>(*base);
    ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(a.result_type));
    auto data = map.data()->Copy();
    data->type = arrow_type;
    data->child_data = {(keys ? map.keys() : map.items())->data()};
    return arrow::Datum(arrow::MakeArray(data));
  };
  return MakeFunction(name, impl, type, std::move(args), pretty);
}

arrow::Result<BoundExprPtr> BindArrayDistinct(const std::string& name,
                                              std::vector<BoundExprPtr> args,
                                              const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  DataTypePtr type = args[0]->type();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto base, AsArray(a.values[0], a.num_rows));
    const auto& list = static_cast<const arrow::ListArray&>(*base);
    const arrow::Array& values = *list.values();
    // First occurrences in order; NULLs count as equal to each other.
    return MapRows(a.result_type, list, [&](arrow::ArrayBuilder* b, int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        bool seen = false;
        for (int64_t j = begin; j < i && !seen; ++j) seen = SameValue(values, j, values, i);
        if (!seen) ARROW_RETURN_NOT_OK(AppendSlice(b, values, i, 1));
      }
      return arrow::Status::OK();
    });
  };
  bool nullable = args[0]->nullable();
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

arrow::Result<BoundExprPtr> BindFlatten(const std::string& name, std::vector<BoundExprPtr> args,
                                        const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  const DataType& type = *args[0]->type();
  if (type.id() != TypeId::kArray || AsArrayType(type).element_type()->id() != TypeId::kArray) {
    return UnexpectedType(*args[0], 0, "\"ARRAY\" of \"ARRAY\"", pretty);
  }
  const auto& inner = AsArrayType(*AsArrayType(type).element_type());
  DataTypePtr result = types::Array(inner.element_type(), inner.contains_null());
  // A NULL inner array makes the whole result NULL.
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto base, AsArray(a.values[0], a.num_rows));
    const auto& outer = static_cast<const arrow::ListArray&>(*base);
    const auto& inner = static_cast<const arrow::ListArray&>(*outer.values());
    ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
    auto* out = static_cast<arrow::ListBuilder*>(builder.get());
    for (int64_t row = 0; row < outer.length(); ++row) {
      int64_t begin = outer.value_offset(row), end = begin + outer.value_length(row);
      bool is_null = outer.IsNull(row);
      for (int64_t i = begin; i < end && !is_null; ++i) is_null = inner.IsNull(i);
      if (is_null) {
        ARROW_RETURN_NOT_OK(out->AppendNull());
        continue;
      }
      ARROW_RETURN_NOT_OK(out->Append());
      for (int64_t i = begin; i < end; ++i) {
        ARROW_RETURN_NOT_OK(AppendSlice(out->value_builder(), *inner.values(),
                                        inner.value_offset(i), inner.value_length(i)));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto result, builder->Finish());
    return arrow::Datum(result);
  };
  bool nullable = args[0]->nullable() || AsArrayType(type).contains_null();
  return MakeFunction(name, impl, result, std::move(args), pretty, nullable);
}

arrow::Result<BoundExprPtr> BindSortArray(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  bool ascending = true;
  if (args.size() == 2) {
    const arrow::Scalar* asc = ConstantValue(*args[1]);
    if (asc == nullptr || !asc->is_valid || args[1]->type()->id() != TypeId::kBoolean) {
      return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                              fmt::format("The second parameter requires the \"BOOLEAN\" type, "
                                          "however \"{}\" has the type {}",
                                          args[1]->name(), QuotedType(*args[1]->type())));
    }
    ascending = static_cast<const arrow::BooleanScalar&>(*asc).value;
  }
  DataTypePtr type = args[0]->type();
  // Ascending puts NULLs first, descending last, as Spark does.
  auto impl = [ascending](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto base, AsArray(a.values[0], a.num_rows));
    const auto& list = static_cast<const arrow::ListArray&>(*base);
    ARROW_ASSIGN_OR_RAISE(auto order, SortedElementIndices(list, ascending, ascending));
    ARROW_ASSIGN_OR_RAISE(auto sorted, cp::Take(list.values(), order));
    ArrayPtr sorted_values = sorted.make_array();
    int64_t next = 0;
    return MapRows(a.result_type, list, [&](arrow::ArrayBuilder* b, int64_t begin, int64_t end) {
      arrow::Status st = AppendSlice(b, *sorted_values, next, end - begin);
      next += end - begin;
      return st;
    });
  };
  bool nullable = args[0]->nullable();
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

arrow::Result<BoundExprPtr> BindArrayJoin(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 3));
  ARROW_RETURN_NOT_OK(RequireArray(*args[0], 0, pretty));
  args[0] = ImplicitCast(args[0], types::Array(types::String(), true));
  for (size_t i = 1; i < args.size(); ++i) args[i] = ImplicitCast(args[i], types::String());
  // NULL elements are skipped unless a replacement is given.
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto base, AsArray(a.values[0], a.num_rows));
    ARROW_ASSIGN_OR_RAISE(auto delim, AsArray(a.values[1], a.num_rows));
    ArrayPtr replacement;
    if (a.values.size() == 3) {
      ARROW_ASSIGN_OR_RAISE(replacement, AsArray(a.values[2], a.num_rows));
    }
    const auto& list = static_cast<const arrow::ListArray&>(*base);
    const auto& strings = static_cast<const arrow::StringArray&>(*list.values());
    const auto& delims = static_cast<const arrow::StringArray&>(*delim);
    const auto* repl = static_cast<const arrow::StringArray*>(replacement.get());
    arrow::StringBuilder out;
    std::string text;
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (list.IsNull(row) || delims.IsNull(row) || (repl && repl->IsNull(row))) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      text.clear();
      bool first = true;
      int64_t begin = list.value_offset(row), end = begin + list.value_length(row);
      for (int64_t i = begin; i < end; ++i) {
        if (strings.IsNull(i) && !repl) continue;
        if (!first) text.append(delims.GetView(row));
        first = false;
        text.append(strings.IsNull(i) ? repl->GetView(row) : strings.GetView(i));
      }
      ARROW_RETURN_NOT_OK(out.Append(text));
    }
    ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
    return arrow::Datum(result);
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty);
}

}  // namespace

void RegisterNestedFunctions(FunctionRegistry& r) {
  r.Add("struct", BindStruct);
  r.Add("named_struct", BindNamedStruct);
  r.Add("array", BindArray);
  r.Add("map", BindMap);
  r.Add("map_from_arrays", BindMapFromArrays);
  r.Add("extract_value", BindExtractValue);
  r.Add("element_at", BindElementAt);
  r.Add("try_element_at", BindElementAt);
  r.Add("get", BindGet);
  r.Add("size", BindSize);
  r.Add("cardinality", BindSize);
  r.Add("array_contains", BindArrayContains);
  r.Add("map_keys", BindMapKeysOrValues);
  r.Add("map_values", BindMapKeysOrValues);
  r.Add("array_distinct", BindArrayDistinct);
  r.Add("flatten", BindFlatten);
  r.Add("sort_array", BindSortArray);
  r.Add("array_join", BindArrayJoin);
}

}  // namespace spate
