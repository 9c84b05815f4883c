#include "spate/connectors/statestore/state_metadata_reader.h"

#include <algorithm>
#include <filesystem>

#include <arrow/api.h>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "spate/common/atomic_file.h"
#include "spate/common/error.h"
#include "spate/state/state_schema.h"
#include "spate/state/state_variables.h"
#include "spate/streaming/checkpoint_mirror.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace fs = std::filesystem;

// The numbered entries of a folder (operator ids, batch ids), ascending.
std::vector<int64_t> NumberedEntries(const fs::path& dir, bool directories) {
  std::vector<int64_t> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.size() > 18 || name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (it->is_directory() != directories) continue;
    out.push_back(std::stoll(name));
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct OperatorInfo {
  std::string name;
  int num_partitions = 0;
};

OperatorInfo ReadOperatorInfo(const fs::path& operator_dir) {
  OperatorInfo out;
  auto text = ReadFileToString((operator_dir / "_metadata" / "metadata").string());
  if (!text.ok() || text->find('{') == std::string::npos) return out;
  rapidjson::Document doc;
  doc.Parse(text->c_str() + text->find('{'));
  if (doc.HasParseError() || !doc.IsObject()) return out;
  if (doc.HasMember("operatorInfo") && doc["operatorInfo"].IsObject() &&
      doc["operatorInfo"].HasMember("operatorName") && doc["operatorInfo"]["operatorName"].IsString()) {
    out.name = doc["operatorInfo"]["operatorName"].GetString();
  }
  if (doc.HasMember("stateStoreInfo") && doc["stateStoreInfo"].IsArray()) {
    for (const auto& info : doc["stateStoreInfo"].GetArray()) {
      if (info.IsObject() && info.HasMember("numPartitions") && info["numPartitions"].IsInt()) {
        out.num_partitions = info["numPartitions"].GetInt();
      }
    }
  }
  return out;
}

// The stores of an operator with a recorded schema: "default" and the named
// folders of partition 0.
std::vector<std::string> StoreNames(const fs::path& operator_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  const fs::path partition = operator_dir / "0";
  if (fs::exists(partition / "_metadata" / "schema", ec)) out.push_back(kDefaultStateStoreName);
  for (fs::directory_iterator it(partition, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory() && fs::exists(it->path() / "_metadata" / "schema", ec)) {
      out.push_back(it->path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

arrow::Result<StateTable> ReadStateMetadata(const RuntimeConfig& conf, const std::string& checkpoint) {
  if (checkpoint.empty()) {
    return SparkError("STDS_REQUIRED_OPTION_UNSPECIFIED", "42601", "'path' must be specified.");
  }
  std::unique_ptr<CheckpointMirror> mirror;  // the local copy of a checkpoint on an object store
  if (IsObjectStorePath(checkpoint)) {
    ARROW_ASSIGN_OR_RAISE(mirror, CheckpointMirror::Open(conf, checkpoint));
  }
  const fs::path root = mirror ? mirror->local_dir() : checkpoint;
  const std::vector<int64_t> batches = NumberedEntries(root / "commits", /*directories=*/false);
  arrow::Int64Builder ids, min_batch, max_batch;
  arrow::StringBuilder names, stores, properties;
  arrow::Int32Builder partitions;
  for (int64_t id : NumberedEntries(root / "state", /*directories=*/true)) {
    const fs::path dir = root / "state" / std::to_string(id);
    const OperatorInfo info = ReadOperatorInfo(dir);
    const std::string props = RecordedOperatorProperties(root.string(), id);
    const std::vector<std::string> store_names =
        props.empty() ? StoreNames(dir) : std::vector<std::string>{kDefaultStateStoreName};
    for (const std::string& store : store_names) {
      ARROW_RETURN_NOT_OK(ids.Append(id));
      ARROW_RETURN_NOT_OK(names.Append(info.name));
      ARROW_RETURN_NOT_OK(stores.Append(store));
      ARROW_RETURN_NOT_OK(partitions.Append(info.num_partitions));
      ARROW_RETURN_NOT_OK(batches.empty() ? min_batch.AppendNull() : min_batch.Append(batches.front()));
      ARROW_RETURN_NOT_OK(batches.empty() ? max_batch.AppendNull() : max_batch.Append(batches.back()));
      ARROW_RETURN_NOT_OK(properties.Append(props));
    }
  }
  StateTable out;
  out.schema = types::Struct({{"operatorId", types::Long(), true},
                              {"operatorName", types::String(), true},
                              {"stateStoreName", types::String(), true},
                              {"numPartitions", types::Int(), true},
                              {"minBatchId", types::Long(), true},
                              {"maxBatchId", types::Long(), true},
                              {"operatorProperties", types::String(), true}});
  arrow::ArrayVector columns(7);
  ARROW_RETURN_NOT_OK(ids.Finish(&columns[0]));
  ARROW_RETURN_NOT_OK(names.Finish(&columns[1]));
  ARROW_RETURN_NOT_OK(stores.Finish(&columns[2]));
  ARROW_RETURN_NOT_OK(partitions.Finish(&columns[3]));
  ARROW_RETURN_NOT_OK(min_batch.Finish(&columns[4]));
  ARROW_RETURN_NOT_OK(max_batch.Finish(&columns[5]));
  ARROW_RETURN_NOT_OK(properties.Finish(&columns[6]));
  ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*out.schema));
  out.table = arrow::Table::Make(schema, columns, columns[0]->length());
  return out;
}

}  // namespace spate
