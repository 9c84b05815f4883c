// Map functions: map_concat, map_contains_key, map_entries and
// map_from_entries (map, map_from_arrays, map_keys, map_values and element
// access are in functions_nested.cc).
//
// Maps never hold a NULL key nor the same key twice: building one raises
// NULL_MAP_KEY or DUPLICATED_MAP_KEY (Spark's default
// spark.sql.mapKeyDedupPolicy=EXCEPTION).

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/nested_internal.h"
#include "spate/expr/type_coercion.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;
using namespace nested;  // NOLINT

using MapPtr = std::shared_ptr<arrow::MapArray>;

// A map argument with its keys and values cast to those of `type` (the
// common map type of a call).
arrow::Result<MapPtr> MapArg(const FunctionArgs& a, size_t i, const MapType& type) {
  ARROW_ASSIGN_OR_RAISE(auto array, AsArray(a.values[i], a.num_rows));
  auto map = std::static_pointer_cast<arrow::MapArray>(array);
  ARROW_ASSIGN_OR_RAISE(auto key_type, ToArrowType(*type.key_type()));
  ARROW_ASSIGN_OR_RAISE(auto value_type, ToArrowType(*type.value_type()));
  if (map->keys()->type()->Equals(*key_type) && map->items()->type()->Equals(*value_type)) {
    return map;
  }
  ARROW_ASSIGN_OR_RAISE(auto keys, cp::Cast(*map->keys(), key_type));
  ARROW_ASSIGN_OR_RAISE(auto items, cp::Cast(*map->items(), value_type));
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(type));
  return std::make_shared<arrow::MapArray>(arrow_type, map->length(), map->value_offsets(), keys,
                                           items, map->null_count() > 0 ? map->null_bitmap() : nullptr,
                                           map->null_count(), map->offset());
}

// map_concat(m1, m2, ...): the entries of all maps in order; NULL if any map
// is NULL; a key in two maps is DUPLICATED_MAP_KEY. Keys and values widen to
// common types.
arrow::Result<BoundExprPtr> BindMapConcat(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  if (args.empty()) {
    return MakeFunction(
        name,
        [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
          ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
          for (int64_t row = 0; row < a.num_rows; ++row) {
            ARROW_RETURN_NOT_OK(static_cast<arrow::MapBuilder*>(builder.get())->Append());
          }
          ARROW_ASSIGN_OR_RAISE(auto out, builder->Finish());
          return arrow::Datum(out);
        },
        types::Map(types::String(), types::String(), true), std::move(args), pretty, false);
  }
  std::vector<DataTypePtr> keys, values;
  bool value_null = false, nullable = false;
  for (const auto& arg : args) {
    if (arg->type()->id() != TypeId::kMap) {
      return DataTypeMismatch("MAP_CONCAT_DIFF_TYPES", pretty,
                              fmt::format("The `{}` should all be of type map, but it's [{}]", name,
                                          TypeList(args, 0, 1)));
    }
    const auto& m = AsMapType(*arg->type());
    keys.push_back(m.key_type());
    values.push_back(m.value_type());
    value_null = value_null || m.value_contains_null();
    nullable = nullable || arg->nullable();
  }
  DataTypePtr key = WidestType(keys), value = WidestType(values);
  if (!key || !value) {
    return DataTypeMismatch("DATA_DIFF_TYPES", pretty,
                            fmt::format("Input to `{}` should all be the same type, but it's [{}]",
                                        name, TypeList(args, 0, 1)));
  }
  DataTypePtr type = types::Map(key, value, value_null);
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    const auto& type = AsMapType(a.result_type);
    std::vector<MapPtr> maps;
    for (size_t i = 0; i < a.values.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto m, MapArg(a, i, type));
      maps.push_back(std::move(m));
    }
    ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
    auto* out = static_cast<arrow::MapBuilder*>(builder.get());
    std::vector<std::pair<const arrow::Array*, int64_t>> row_keys;
    for (int64_t row = 0; row < a.num_rows; ++row) {
      bool is_null = false;
      for (const auto& m : maps) is_null = is_null || m->IsNull(row);
      if (is_null) {
        ARROW_RETURN_NOT_OK(out->AppendNull());
        continue;
      }
      ARROW_RETURN_NOT_OK(out->Append());
      row_keys.clear();
      for (const auto& m : maps) {
        const arrow::Array& k = *m->keys();
        int64_t begin = m->value_offset(row), n = m->value_length(row);
        for (int64_t i = begin; i < begin + n; ++i) {
          for (const auto& [arr, j] : row_keys) {
            if (SameValue(*arr, j, k, i)) return DuplicateMapKey(k, i);
          }
          row_keys.emplace_back(&k, i);
        }
        ARROW_RETURN_NOT_OK(AppendSlice(out->key_builder(), k, begin, n));
        ARROW_RETURN_NOT_OK(AppendSlice(out->item_builder(), *m->items(), begin, n));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto result, builder->Finish());
    return arrow::Datum(result);
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

// map_contains_key(m, k): whether the map has the key; the key and the map's
// keys meet at their wider type. NULL for a NULL map.
arrow::Result<BoundExprPtr> BindMapContainsKey(const std::string& name,
                                               std::vector<BoundExprPtr> args,
                                               const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  if (args[0]->type()->id() == TypeId::kNull || args[1]->type()->id() == TypeId::kNull) {
    return DataTypeMismatch("NULL_TYPE", pretty,
                            fmt::format("Null typed values cannot be used as arguments of `{}`", name));
  }
  DataTypePtr common;
  if (args[0]->type()->id() == TypeId::kMap) {
    DataTypePtr key = AsMapType(*args[0]->type()).key_type();
    bool key_str = key->id() == TypeId::kString, arg_str = args[1]->type()->id() == TypeId::kString;
    if (key_str == arg_str) common = WiderType(key, args[1]->type());
  }
  if (!common) {
    return DataTypeMismatch("MAP_FUNCTION_DIFF_TYPES", pretty,
                            fmt::format("Input to `{}` should have been \"MAP\" followed by a value "
                                        "with same key type, but it's [{}, {}]",
                                        name, QuotedType(*args[0]->type()),
                                        QuotedType(*args[1]->type())));
  }
  args[1] = ImplicitCast(args[1], common);
  DataTypePtr map_type = types::Map(common, AsMapType(*args[0]->type()).value_type(), true);
  auto impl = [map_type](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto map, MapArg(a, 0, AsMapType(*map_type)));
    ARROW_ASSIGN_OR_RAISE(auto key, AsArray(a.values[1], a.num_rows));
    const arrow::Array& keys = *map->keys();
    arrow::BooleanBuilder out;
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (map->IsNull(row) || key->IsNull(row)) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      bool found = false;
      int64_t begin = map->value_offset(row), end = begin + map->value_length(row);
      for (int64_t i = begin; i < end && !found; ++i) found = SameValue(keys, i, *key, row);
      ARROW_RETURN_NOT_OK(out.Append(found));
    }
    ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
    return arrow::Datum(result);
  };
  return MakeFunction(name, impl, types::Boolean(), std::move(args), pretty, true);
}

// map_entries(m): the entries as an array of struct<key, value>.
arrow::Result<BoundExprPtr> BindMapEntries(const std::string& name, std::vector<BoundExprPtr> args,
                                           const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_RETURN_NOT_OK(RequireMap(*args[0], 0, pretty));
  const auto& m = AsMapType(*args[0]->type());
  DataTypePtr type = types::Array(
      types::Struct({{"key", m.key_type(), false}, {"value", m.value_type(), m.value_contains_null()}}),
      false);
  bool nullable = args[0]->nullable();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto base, AsArray(a.values[0], a.num_rows));
    const auto& map = static_cast<const arrow::MapArray&>(*base);
    ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(a.result_type));
    ARROW_ASSIGN_OR_RAISE(auto entries, arrow::StructArray::Make(
                                            {map.keys(), map.items()},
                                            static_cast<const arrow::ListType&>(*arrow_type)
                                                .value_type()
                                                ->fields()));
    auto out = std::make_shared<arrow::ListArray>(arrow_type, map.length(), map.value_offsets(),
                                                  entries,
                                                  map.null_count() > 0 ? map.null_bitmap() : nullptr,
                                                  map.null_count());
    return arrow::Datum(std::static_pointer_cast<arrow::Array>(out));
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

// map_from_entries(array<struct<k, v>>): a map of the entries; NULL when the
// array or one of its entries is NULL.
arrow::Result<BoundExprPtr> BindMapFromEntries(const std::string& name,
                                               std::vector<BoundExprPtr> args,
                                               const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  const DataType& t = *args[0]->type();
  if (t.id() != TypeId::kArray || AsArrayType(t).element_type()->id() != TypeId::kStruct ||
      static_cast<const StructType&>(*AsArrayType(t).element_type()).num_fields() != 2) {
    return UnexpectedType(*args[0], 0, "\"ARRAY\" of pair \"STRUCT\"", pretty);
  }
  const auto& entry = static_cast<const StructType&>(*AsArrayType(t).element_type());
  DataTypePtr type = types::Map(entry.field(0).type, entry.field(1).type, entry.field(1).nullable);
  bool nullable = args[0]->nullable() || AsArrayType(t).contains_null();
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto base, AsArray(a.values[0], a.num_rows));
    const auto& list = static_cast<const arrow::ListArray&>(*base);
    const auto& entries = static_cast<const arrow::StructArray&>(*list.values());
    ARROW_ASSIGN_OR_RAISE(auto keys, entries.GetFlattenedField(0));
    ARROW_ASSIGN_OR_RAISE(auto values, entries.GetFlattenedField(1));
    ARROW_ASSIGN_OR_RAISE(auto builder, BuilderFor(a.result_type));
    auto* out = static_cast<arrow::MapBuilder*>(builder.get());
    for (int64_t row = 0; row < a.num_rows; ++row) {
      int64_t begin = list.value_offset(row), n = list.value_length(row);
      bool is_null = list.IsNull(row);
      for (int64_t i = begin; i < begin + n && !is_null; ++i) is_null = entries.IsNull(i);
      if (is_null) {
        ARROW_RETURN_NOT_OK(out->AppendNull());
        continue;
      }
      for (int64_t i = begin; i < begin + n; ++i) ARROW_RETURN_NOT_OK(CheckMapKey(*keys, begin, i));
      ARROW_RETURN_NOT_OK(out->Append());
      ARROW_RETURN_NOT_OK(AppendSlice(out->key_builder(), *keys, begin, n));
      ARROW_RETURN_NOT_OK(AppendSlice(out->item_builder(), *values, begin, n));
    }
    ARROW_ASSIGN_OR_RAISE(auto result, builder->Finish());
    return arrow::Datum(result);
  };
  return MakeFunction(name, impl, type, std::move(args), pretty, nullable);
}

}  // namespace

void RegisterMapFunctions(FunctionRegistry& r) {
  r.Add("map_concat", BindMapConcat);
  r.Add("map_contains_key", BindMapContainsKey);
  r.Add("map_entries", BindMapEntries);
  r.Add("map_from_entries", BindMapFromEntries);
}

}  // namespace spate
