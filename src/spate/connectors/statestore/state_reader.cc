#include "spate/connectors/statestore/state_reader.h"
#include "spate/connectors/statestore/state_variable_reader.h"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/state/row_codec.h"
#include "spate/state/state_schema.h"
#include "spate/state/state_store.h"
#include "spate/state/state_store_providers.h"
#include "spate/state/state_variables.h"
#include "spate/streaming/checkpoint_mirror.h"
#include "spate/streaming/metadata_log.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace fs = std::filesystem;

std::string OptionsText(const std::map<std::string, std::string>& options) {
  std::string out = "{";
  for (const auto& [k, v] : options) out += fmt::format("{}{} -> {}", out.size() > 1 ? ", " : "", k, v);
  return out + "}";
}

arrow::Result<std::optional<int64_t>> IntOption(const std::map<std::string, std::string>& options,
                                                const std::string& key, const std::string& name) {
  auto it = options.find(key);
  if (it == options.end()) return std::nullopt;
  const std::string& text = it->second;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return SparkError("STDS_INVALID_OPTION_VALUE.WITH_MESSAGE", "42616",
                      fmt::format("Invalid value for source option '{}': {} is not an integer.", name, text));
  }
  if (v < 0) {
    return SparkError("STDS_INVALID_OPTION_VALUE.IS_NEGATIVE", "42616",
                      fmt::format("Invalid value for source option '{}': cannot be negative.", name));
  }
  return v;
}

arrow::Result<int64_t> DefaultBatchId(const std::string& checkpoint, const FileSystemPtr& store) {
  MetadataLog commits(JoinPath(checkpoint, "commits"), true, store);
  ARROW_ASSIGN_OR_RAISE(auto latest, commits.Latest());
  if (!latest) {
    return SparkError("STDS_COMMITTED_BATCH_UNAVAILABLE", "KD006",
                      fmt::format("No committed batch found, checkpoint location: {}. Ensure that the query "
                                  "has run and committed any microbatch before stopping.",
                                  checkpoint));
  }
  return *latest;
}

std::vector<int> PartitionIds(const fs::path& operator_dir) {
  std::vector<int> ids;
  std::error_code ec;
  for (fs::directory_iterator it(operator_dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (it->is_directory() && !name.empty() && name.size() < 9 &&
        name.find_first_not_of("0123456789") == std::string::npos) {
      ids.push_back(std::stoi(name));
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The provider that wrote a store folder: RocksDB leaves checkpoint folders.
StateStoreConf ConfForFolder(const std::string& dir) {
  StateStoreConf conf;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with("checkpoint-")) {
      conf.provider_class = std::string(kRocksDbStateStoreProviderClass);
    }
  }
  return conf;
}

arrow::Result<std::shared_ptr<arrow::Array>> AsStruct(const arrow::RecordBatch& batch) {
  return arrow::StructArray::Make(batch.columns(), batch.schema()->fields());
}

// What the options ask to read. joinSide names the stores of one side of a
// stream-stream join and shows its rows without the store's bookkeeping columns.
struct StateSourceOptions {
  int64_t batch_id = 0;
  int64_t operator_id = 0;
  std::string store_name = kDefaultStateStoreName;
  std::string join_side = "none";
};

arrow::Result<std::string> JoinSideOption(const std::map<std::string, std::string>& options) {
  auto it = options.find("joinside");
  if (it == options.end()) return std::string("none");
  if (it->second != "left" && it->second != "right" && it->second != "none") {
    return SparkError("STDS_INVALID_OPTION_VALUE.WITH_MESSAGE", "42616",
                      "Invalid value for source option 'joinSide': Valid values are left,right,none");
  }
  return it->second;
}

arrow::Result<StateSourceOptions> ParseOptions(const std::string& checkpoint, const FileSystemPtr& store,
                                               const std::map<std::string, std::string>& options) {
  if (checkpoint.empty()) {
    return SparkError("STDS_REQUIRED_OPTION_UNSPECIFIED", "42601", "'path' must be specified.");
  }
  StateSourceOptions out;
  ARROW_ASSIGN_OR_RAISE(auto batch_option, IntOption(options, "batchid", "batchId"));
  ARROW_ASSIGN_OR_RAISE(auto operator_option, IntOption(options, "operatorid", "operatorId"));
  ARROW_ASSIGN_OR_RAISE(out.join_side, JoinSideOption(options));
  auto store_it = options.find("storename");
  if (store_it != options.end()) out.store_name = store_it->second;
  if (out.join_side != "none" && store_it != options.end()) {
    return SparkError("STDS_CONFLICT_OPTIONS", "42613",
                      "The options ['joinSide', 'storeName'] cannot be specified together. Please specify the one.");
  }
  if (out.join_side != "none") out.store_name = out.join_side + "-keyWithIndexToValue";
  out.operator_id = operator_option.value_or(0);
  if (batch_option) {
    out.batch_id = *batch_option;
  } else {
    ARROW_ASSIGN_OR_RAISE(out.batch_id, DefaultBatchId(checkpoint, store));
  }
  return out;
}

arrow::Status SchemaError(const std::map<std::string, std::string>& options, const std::string& store_name) {
  if (store_name == "left-keyToNumValues" || store_name == "right-keyToNumValues") {
    return SparkError("STDS_INVALID_OPTION_VALUE.WITH_MESSAGE", "42616",
                      fmt::format("Invalid value for source option 'storeName': Spate keeps no {} store: a "
                                  "stream-stream join's rows per key are read from {}-keyWithIndexToValue, or "
                                  "with the option joinSide.",
                                  store_name, store_name.substr(0, store_name.find('-'))));
  }
  return SparkError("STDS_FAILED_TO_READ_STATE_SCHEMA", "42K03",
                    fmt::format("Failed to read the state schema. Either the file does not exist, or the file "
                                "is corrupted. options: {}.\nRerun the streaming query to construct the state "
                                "schema, and report to the corresponding communities or vendors if the error "
                                "persists.",
                                OptionsText(options)));
}

// The key and value rows of one store, every partition, and each row's partition.
struct StoreRows {
  StructTypePtr key, value;
  std::shared_ptr<arrow::RecordBatch> keys, values;
  std::shared_ptr<arrow::Array> partitions;
};

arrow::Result<StoreRows> ReadStoreRows(const std::string& checkpoint, const StateSourceOptions& source,
                                       const std::map<std::string, std::string>& options) {
  auto schema = ReadStateSchema(checkpoint, source.operator_id, source.store_name);
  if (!schema.ok()) return SchemaError(options, source.store_name);
  ARROW_ASSIGN_OR_RAISE(auto key_schema, ToArrowSchema(*schema->key));
  ARROW_ASSIGN_OR_RAISE(auto value_schema, ToArrowSchema(*schema->value));
  ARROW_ASSIGN_OR_RAISE(auto keys, RowDecoder::Make(key_schema));
  ARROW_ASSIGN_OR_RAISE(auto values, RowDecoder::Make(value_schema));
  arrow::Int32Builder partition_ids;
  ARROW_RETURN_NOT_OK(ForEachStateRow(checkpoint, source.operator_id, source.store_name, source.batch_id, options,
                                      [&](int partition, std::string_view k, std::string_view v) {
                                        ARROW_RETURN_NOT_OK(keys->Append(&k));
                                        ARROW_RETURN_NOT_OK(values->Append(&v));
                                        return partition_ids.Append(partition);
                                      }));
  StoreRows out{schema->key, schema->value, nullptr, nullptr, nullptr};
  ARROW_ASSIGN_OR_RAISE(out.keys, keys->Finish());
  ARROW_ASSIGN_OR_RAISE(out.values, values->Finish());
  ARROW_ASSIGN_OR_RAISE(out.partitions, partition_ids.Finish());
  return out;
}

// Drops the last column of a store's rows when it is `name` (a join store's
// `index` key column or `matched` value column).
arrow::Status DropLastColumn(StructTypePtr* type, std::shared_ptr<arrow::RecordBatch>* rows,
                             const std::string& name) {
  const auto& fields = (*type)->fields();
  if (fields.empty() || fields.back().name != name) {
    return arrow::Status::Invalid("not a stream-stream join's store: its last column is not '", name, "'");
  }
  *type = types::Struct(std::vector<StructField>(fields.begin(), fields.end() - 1));
  ARROW_ASSIGN_OR_RAISE(*rows, (*rows)->RemoveColumn((*rows)->num_columns() - 1));
  return arrow::Status::OK();
}

// Spark shows the values of a store that keeps none (deduplication's) as one
// NULL column of type VOID named __dummy__.
arrow::Status GiveEmptyValuesADummyColumn(StoreRows* rows) {
  if (!rows->value->fields().empty()) return arrow::Status::OK();
  rows->value = types::Struct({{"__dummy__", types::Null(), true}});
  ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*rows->value));
  const int64_t n = rows->keys->num_rows();
  rows->values = arrow::RecordBatch::Make(schema, n, {std::make_shared<arrow::NullArray>(n)});
  return arrow::Status::OK();
}

}  // namespace

arrow::Status ForEachStateRow(const std::string& checkpoint, int64_t operator_id, const std::string& store_name,
                              int64_t batch_id, const std::map<std::string, std::string>& options,
                              const StateRowVisitor& visit) {
  fs::path operator_dir = fs::path(checkpoint) / "state" / std::to_string(operator_id);
  std::vector<int> partitions = PartitionIds(operator_dir);
  if (partitions.empty()) {
    return SparkError("STDS_NO_PARTITION_DISCOVERED_IN_STATE_STORE", "KD006",
                      fmt::format("The state does not have any partition. Please double check that the query "
                                  "points to the valid state. options: {}",
                                  OptionsText(options)));
  }
  for (int partition : partitions) {
    std::string dir = StateStoreDir(checkpoint, operator_id, partition, store_name);
    ARROW_ASSIGN_OR_RAISE(auto provider, StateStoreProvider::Create(dir, ConfForFolder(dir)));
    ARROW_RETURN_NOT_OK(provider->ReadVersion(batch_id + 1, [&](std::string_view k, std::string_view v) {
      return visit(partition, k, v);
    }));
  }
  return arrow::Status::OK();
}

arrow::Result<StateTable> ReadStateStore(const RuntimeConfig& conf, const std::string& checkpoint,
                                         const std::map<std::string, std::string>& options) {
  std::unique_ptr<CheckpointMirror> mirror;  // the local copy of a checkpoint on an object store
  if (IsObjectStorePath(checkpoint)) {
    ARROW_ASSIGN_OR_RAISE(mirror, CheckpointMirror::Open(conf, checkpoint));
  }
  ARROW_ASSIGN_OR_RAISE(StateSourceOptions source,
                        ParseOptions(checkpoint, mirror ? mirror->store() : nullptr, options));
  const std::string local = mirror ? mirror->local_dir() : checkpoint;
  ARROW_ASSIGN_OR_RAISE(auto variables, ReadTransformWithStateProperties(local, source.operator_id));
  if (variables) {  // a transformWithState operator: its state variables
    ARROW_ASSIGN_OR_RAISE(StateVariableRequest request, StateVariableRequestOf(options));
    request.checkpoint = local;
    request.operator_id = source.operator_id;
    request.batch_id = source.batch_id;
    return ReadStateVariable(request, *variables, options);
  }
  ARROW_ASSIGN_OR_RAISE(StoreRows rows, ReadStoreRows(local, source, options));
  if (source.join_side != "none") {
    // Spark's joinSide view: the join key alone and the side's input columns.
    ARROW_RETURN_NOT_OK(DropLastColumn(&rows.key, &rows.keys, "index"));
    ARROW_RETURN_NOT_OK(DropLastColumn(&rows.value, &rows.values, "matched"));
  }
  ARROW_RETURN_NOT_OK(GiveEmptyValuesADummyColumn(&rows));
  ARROW_ASSIGN_OR_RAISE(auto key_array, AsStruct(*rows.keys));
  ARROW_ASSIGN_OR_RAISE(auto value_array, AsStruct(*rows.values));

  StateTable out;
  out.schema = types::Struct({{"key", rows.key, true}, {"value", rows.value, true},
                              {"partition_id", types::Int(), true}});
  ARROW_ASSIGN_OR_RAISE(auto arrow_schema, ToArrowSchema(*out.schema));
  out.table = arrow::Table::Make(arrow_schema, {key_array, value_array, rows.partitions}, rows.keys->num_rows());
  return out;
}

}  // namespace spate
