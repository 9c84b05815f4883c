#include "spate/connectors/statestore/state_variable_reader.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/state/row_codec.h"
#include "spate/state/state_schema.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

arrow::Status InvalidOption(const std::string& name, const std::string& message) {
  return SparkError("STDS_INVALID_OPTION_VALUE.WITH_MESSAGE", "42616",
                    fmt::format("Invalid value for source option '{}': {}", name, message));
}

arrow::Result<bool> BoolOption(const std::map<std::string, std::string>& options, const std::string& key,
                               const std::string& name, bool fallback) {
  auto it = options.find(key);
  if (it == options.end()) return fallback;
  std::string text = it->second;
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text == "true") return true;
  if (text == "false") return false;
  return InvalidOption(name, it->second + " is not a boolean.");
}

// Fields [from, to) of a struct type.
StructTypePtr Fields(const StructType& type, int from, int to) {
  return types::Struct(std::vector<StructField>(type.fields().begin() + from, type.fields().begin() + to));
}

// Columns [from, to) of `rows` as one struct array of `type`.
arrow::Result<std::shared_ptr<arrow::Array>> StructColumn(const arrow::RecordBatch& rows, int from, int to,
                                                          const StructType& type) {
  ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(type));
  arrow::ArrayVector columns(rows.columns().begin() + from, rows.columns().begin() + to);
  return arrow::StructArray::Make(columns, arrow_type->fields());
}

// How a variable's store rows read: its key's parts and whether its value
// holds several rows.
struct StoreLayout {
  std::string store;
  StructTypePtr key;        // the flat key columns of the store
  int grouping_fields = 0;  // the grouping key's share of them
  StructTypePtr value;      // null: the value is empty (timers)
  bool list = false;
  bool map = false;
};

arrow::Result<StoreLayout> LayoutOf(const StateVariableRequest& request, const StateVariableInfo& variable,
                                    const std::string& store) {
  auto schema = ReadStateSchema(request.checkpoint, request.operator_id, store);
  if (!schema.ok()) {
    return SparkError("STDS_FAILED_TO_READ_STATE_SCHEMA", "42K03",
                      fmt::format("Failed to read the state schema of the state variable {}: {}", variable.name,
                                  schema.status().message()));
  }
  StoreLayout out{store, schema->key, schema->key->num_fields(), schema->value, variable.type == "ListState",
                  variable.type == "MapState"};
  if (variable.type == "MapState") {  // key: struct<key: struct<...>, userKey: struct<...>>
    const auto& grouping = static_cast<const StructType&>(*schema->key->field(0).type);
    const auto& user = static_cast<const StructType&>(*schema->key->field(1).type);
    std::vector<StructField> flat = grouping.fields();
    flat.insert(flat.end(), user.fields().begin(), user.fields().end());
    out.key = types::Struct(std::move(flat));
    out.grouping_fields = grouping.num_fields();
  } else if (variable.type == "TimerState") {  // key: the grouping key, then the expiry
    out.grouping_fields = schema->key->num_fields() - 1;
    out.value = nullptr;
  }
  return out;
}

// The decoded rows of a store: a row per list element when `flatten`, else
// a row per key with `offsets` into the element rows. A map's rows are one
// per entry; unflattened, `offsets` also delimit each grouping key's entries
// (adjacent: rows come in key order) and `first_rows` holds one row of each.
struct DecodedRows {
  std::shared_ptr<arrow::RecordBatch> keys, values;
  std::shared_ptr<arrow::Array> partitions;
  std::vector<int32_t> offsets{0};
  std::vector<int64_t> first_rows;
};

arrow::Result<DecodedRows> Decode(const StateVariableRequest& request, const StoreLayout& layout,
                                  const std::map<std::string, std::string>& options) {
  ARROW_ASSIGN_OR_RAISE(auto key_schema, ToArrowSchema(*layout.key));
  ARROW_ASSIGN_OR_RAISE(auto keys, RowDecoder::Make(key_schema));
  std::unique_ptr<RowDecoder> values;
  if (layout.value) {
    ARROW_ASSIGN_OR_RAISE(auto value_schema, ToArrowSchema(*layout.value));
    ARROW_ASSIGN_OR_RAISE(values, RowDecoder::Make(value_schema));
  }
  ARROW_ASSIGN_OR_RAISE(auto grouping_schema, ToArrowSchema(*types::Struct(std::vector<StructField>(
                                                  layout.key->fields().begin(),
                                                  layout.key->fields().begin() + layout.grouping_fields))));
  ARROW_ASSIGN_OR_RAISE(auto grouping, RowDecoder::Make(grouping_schema));  // measures a key's grouping bytes
  DecodedRows out;
  arrow::Int32Builder partitions;
  auto add_key = [&](int partition, std::string_view key) {
    ARROW_RETURN_NOT_OK(keys->Append(&key));
    return partitions.Append(partition);
  };
  std::string last_group;
  int last_partition = -1;
  int64_t rows = 0;
  auto group_map_entry = [&](int partition, std::string_view key) {
    std::string_view rest = key;
    ARROW_RETURN_NOT_OK(grouping->Append(&rest));
    const std::string_view group = key.substr(0, key.size() - rest.size());
    if (out.first_rows.empty() || partition != last_partition || group != last_group) {
      if (!out.first_rows.empty()) out.offsets.push_back(static_cast<int32_t>(rows));
      out.first_rows.push_back(rows);
      last_group = std::string(group);
      last_partition = partition;
    }
    ++rows;
    return arrow::Status::OK();
  };
  ARROW_RETURN_NOT_OK(ForEachStateRow(
      request.checkpoint, request.operator_id, layout.store, request.batch_id, options,
      [&](int partition, std::string_view key, std::string_view value) {
        if (layout.map && !request.flatten) ARROW_RETURN_NOT_OK(group_map_entry(partition, key));
        if (!layout.list) {
          if (values) ARROW_RETURN_NOT_OK(values->Append(&value));
          return add_key(partition, key);
        }
        int32_t elements = 0;
        for (; !value.empty(); ++elements) {
          ARROW_RETURN_NOT_OK(values->Append(&value));
          if (request.flatten) ARROW_RETURN_NOT_OK(add_key(partition, key));
        }
        if (request.flatten) return arrow::Status::OK();
        out.offsets.push_back(out.offsets.back() + elements);
        return add_key(partition, key);
      }));
  ARROW_ASSIGN_OR_RAISE(out.keys, keys->Finish());
  if (values) {
    ARROW_ASSIGN_OR_RAISE(out.values, values->Finish());
  }
  ARROW_ASSIGN_OR_RAISE(out.partitions, partitions.Finish());
  if (!out.first_rows.empty()) out.offsets.push_back(static_cast<int32_t>(rows));
  return out;
}


// The table of `columns` named and typed by `fields`, then partition_id.
arrow::Result<StateTable> MakeTable(std::vector<StructField> fields, arrow::ArrayVector columns,
                                    const DecodedRows& rows) {
  fields.push_back({"partition_id", types::Int(), true});
  columns.push_back(rows.partitions);
  StateTable out;
  out.schema = types::Struct(std::move(fields));
  ARROW_ASSIGN_OR_RAISE(auto arrow_schema, ToArrowSchema(*out.schema));
  out.table = arrow::Table::Make(arrow_schema, columns, rows.partitions->length());
  return out;
}

// A map state unflattened: a row per grouping key, its entries in map_value.
arrow::Result<StateTable> MapTable(const StoreLayout& layout, DecodedRows rows) {
  const int n = layout.grouping_fields;
  const StructTypePtr key = Fields(*layout.key, 0, n);
  const StructTypePtr user_key = Fields(*layout.key, n, layout.key->num_fields());
  ARROW_ASSIGN_OR_RAISE(auto keys, StructColumn(*rows.keys, 0, n, *key));
  ARROW_ASSIGN_OR_RAISE(auto user_keys, StructColumn(*rows.keys, n, layout.key->num_fields(), *user_key));
  ARROW_ASSIGN_OR_RAISE(auto values, StructColumn(*rows.values, 0, rows.values->num_columns(), *layout.value));
  arrow::Int64Builder first_rows;
  arrow::Int32Builder offsets;
  ARROW_RETURN_NOT_OK(first_rows.AppendValues(rows.first_rows));
  ARROW_RETURN_NOT_OK(offsets.AppendValues(rows.offsets));
  ARROW_ASSIGN_OR_RAISE(auto first_array, first_rows.Finish());
  ARROW_ASSIGN_OR_RAISE(auto offset_array, offsets.Finish());
  ARROW_ASSIGN_OR_RAISE(auto group_keys, arrow::compute::Take(keys, first_array));
  ARROW_ASSIGN_OR_RAISE(auto group_partitions, arrow::compute::Take(rows.partitions, first_array));
  const DataTypePtr map_type = types::Map(user_key, layout.value, true);
  ARROW_ASSIGN_OR_RAISE(auto arrow_map_type, ToArrowType(*map_type));
  ARROW_ASSIGN_OR_RAISE(auto maps, arrow::MapArray::FromArrays(arrow_map_type, offset_array, user_keys, values));
  rows.partitions = group_partitions.make_array();
  return MakeTable({{"key", key, true}, {"map_value", map_type, true}}, {group_keys.make_array(), maps}, rows);
}

}  // namespace

arrow::Result<StateVariableRequest> StateVariableRequestOf(const std::map<std::string, std::string>& options) {
  StateVariableRequest out;
  auto name = options.find("statevarname");
  if (name != options.end()) out.variable = name->second;
  ARROW_ASSIGN_OR_RAISE(out.timers, BoolOption(options, "readregisteredtimers", "readRegisteredTimers", false));
  ARROW_ASSIGN_OR_RAISE(out.flatten, BoolOption(options, "flattencollectiontypes", "flattenCollectionTypes", true));
  if (out.variable && out.timers) {
    return SparkError("STDS_CONFLICT_OPTIONS", "42613",
                      "The options ['readRegisteredTimers', 'stateVarName'] cannot be specified together. Please "
                      "specify the one.");
  }
  return out;
}

arrow::Result<StateTable> ReadStateVariable(const StateVariableRequest& request,
                                            const TransformWithStateProperties& properties,
                                            const std::map<std::string, std::string>& options) {
  StateVariableInfo timers{TimerVariableName(properties.time_mode), "TimerState", false};
  const StateVariableInfo* variable = request.timers ? &timers : nullptr;
  if (request.timers && timers.name.empty()) {
    return InvalidOption("readRegisteredTimers", "the transformWithState operator has no timers (time mode NoTime).");
  }
  if (!request.timers) {
    if (!request.variable) {
      return SparkError("STDS_REQUIRED_OPTION_UNSPECIFIED", "42601", "'stateVarName' must be specified.");
    }
    variable = properties.Find(*request.variable);
    if (variable == nullptr || variable->type == "TimerState") {
      return InvalidOption("stateVarName", fmt::format("State variable {} is not defined for the transformWithState "
                                                       "operator.",
                                                       *request.variable));
    }
  }
  const std::string store = request.timers ? TimerStoreOfTimeMode(properties.time_mode) : variable->name;
  ARROW_ASSIGN_OR_RAISE(StoreLayout layout, LayoutOf(request, *variable, store));
  ARROW_ASSIGN_OR_RAISE(DecodedRows rows, Decode(request, layout, options));
  const int n = layout.grouping_fields;
  const StructTypePtr key = Fields(*layout.key, 0, n);
  ARROW_ASSIGN_OR_RAISE(auto key_column, StructColumn(*rows.keys, 0, n, *key));
  if (variable->type == "TimerState") {
    return MakeTable({{"key", key, true}, {"expiration_timestamp_ms", types::Long(), true}},
                     {key_column, rows.keys->column(n)}, rows);
  }
  ARROW_ASSIGN_OR_RAISE(auto value_column, StructColumn(*rows.values, 0, rows.values->num_columns(), *layout.value));
  if (variable->type == "MapState") {
    if (!request.flatten) return MapTable(layout, std::move(rows));
    const StructTypePtr user_key = Fields(*layout.key, n, layout.key->num_fields());
    ARROW_ASSIGN_OR_RAISE(auto user_key_column, StructColumn(*rows.keys, n, layout.key->num_fields(), *user_key));
    return MakeTable({{"key", key, true}, {"user_map_key", user_key, true}, {"user_map_value", layout.value, true}},
                     {key_column, user_key_column, value_column}, rows);
  }
  if (variable->type == "ListState" && request.flatten) {
    return MakeTable({{"key", key, true}, {"list_element", layout.value, true}}, {key_column, value_column}, rows);
  }
  if (variable->type == "ListState") {
    arrow::Int32Builder offsets;
    ARROW_RETURN_NOT_OK(offsets.AppendValues(rows.offsets));
    ARROW_ASSIGN_OR_RAISE(auto offset_array, offsets.Finish());
    const DataTypePtr list_type = types::Array(layout.value, true);
    ARROW_ASSIGN_OR_RAISE(auto arrow_list_type, ToArrowType(*list_type));
    ARROW_ASSIGN_OR_RAISE(auto lists, arrow::ListArray::FromArrays(arrow_list_type, *offset_array, *value_column));
    return MakeTable({{"key", key, true}, {"list_value", list_type, true}}, {key_column, lists}, rows);
  }
  return MakeTable({{"key", key, true}, {"value", layout.value, true}}, {key_column, value_column}, rows);
}

}  // namespace spate
