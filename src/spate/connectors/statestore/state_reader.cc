#include "spate/connectors/statestore/state_reader.h"

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

arrow::Result<int64_t> DefaultBatchId(const std::string& checkpoint) {
  MetadataLog commits((fs::path(checkpoint) / "commits").string());
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

}  // namespace

arrow::Result<StateTable> ReadStateStore(const std::string& checkpoint,
                                         const std::map<std::string, std::string>& options) {
  if (checkpoint.empty()) {
    return SparkError("STDS_REQUIRED_OPTION_UNSPECIFIED", "42601", "'path' must be specified.");
  }
  ARROW_ASSIGN_OR_RAISE(auto batch_option, IntOption(options, "batchid", "batchId"));
  ARROW_ASSIGN_OR_RAISE(auto operator_option, IntOption(options, "operatorid", "operatorId"));
  auto store_it = options.find("storename");
  std::string store_name = store_it == options.end() ? kDefaultStateStoreName : store_it->second;
  int64_t operator_id = operator_option.value_or(0);
  int64_t batch_id = 0;
  if (batch_option) {
    batch_id = *batch_option;
  } else {
    ARROW_ASSIGN_OR_RAISE(batch_id, DefaultBatchId(checkpoint));
  }

  auto schema = ReadStateSchema(checkpoint, operator_id, store_name);
  if (!schema.ok()) {
    return SparkError("STDS_FAILED_TO_READ_STATE_SCHEMA", "42K03",
                      fmt::format("Failed to read the state schema. Either the file does not exist, or the file "
                                  "is corrupted. options: {}.\nRerun the streaming query to construct the state "
                                  "schema, and report to the corresponding communities or vendors if the error "
                                  "persists.",
                                  OptionsText(options)));
  }
  fs::path operator_dir = fs::path(checkpoint) / "state" / std::to_string(operator_id);
  std::vector<int> partitions = PartitionIds(operator_dir);
  if (partitions.empty()) {
    return SparkError("STDS_NO_PARTITION_DISCOVERED_IN_STATE_STORE", "KD006",
                      fmt::format("The state does not have any partition. Please double check that the query "
                                  "points to the valid state. options: {}",
                                  OptionsText(options)));
  }

  ARROW_ASSIGN_OR_RAISE(auto key_schema, ToArrowSchema(*schema->key));
  ARROW_ASSIGN_OR_RAISE(auto value_schema, ToArrowSchema(*schema->value));
  ARROW_ASSIGN_OR_RAISE(auto keys, RowDecoder::Make(key_schema));
  ARROW_ASSIGN_OR_RAISE(auto values, RowDecoder::Make(value_schema));
  arrow::Int32Builder partition_ids;
  for (int partition : partitions) {
    std::string dir = StateStoreDir(checkpoint, operator_id, partition, store_name);
    ARROW_ASSIGN_OR_RAISE(auto provider, StateStoreProvider::Create(dir, ConfForFolder(dir)));
    ARROW_RETURN_NOT_OK(provider->ReadVersion(batch_id + 1, [&](std::string_view k, std::string_view v) {
      ARROW_RETURN_NOT_OK(keys->Append(&k));
      ARROW_RETURN_NOT_OK(values->Append(&v));
      return partition_ids.Append(partition);
    }));
  }
  ARROW_ASSIGN_OR_RAISE(auto key_rows, keys->Finish());
  ARROW_ASSIGN_OR_RAISE(auto value_rows, values->Finish());
  ARROW_ASSIGN_OR_RAISE(auto key_array, AsStruct(*key_rows));
  ARROW_ASSIGN_OR_RAISE(auto value_array, AsStruct(*value_rows));
  ARROW_ASSIGN_OR_RAISE(auto partition_array, partition_ids.Finish());

  StateTable out;
  out.schema = types::Struct({{"key", schema->key, true}, {"value", schema->value, true},
                              {"partition_id", types::Int(), true}});
  ARROW_ASSIGN_OR_RAISE(auto arrow_schema, ToArrowSchema(*out.schema));
  out.table = arrow::Table::Make(arrow_schema, {key_array, value_array, partition_array}, key_rows->num_rows());
  return out;
}

}  // namespace spate
