#include "spate/api/reader.h"

#include <arrow/api.h>
#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "spate/api/catalog.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/connectors/file/file_listing.h"
#include "spate/connectors/file/format_readers.h"
#include "spate/connectors/jdbc/jdbc_connector.h"
#include "spate/connectors/kafka/kafka_connector.h"
#include "spate/connectors/nexmark/nexmark_connector.h"
#include "spate/plan/plan_builder.h"
#include "spate/connectors/statestore/state_metadata_reader.h"
#include "spate/connectors/statestore/state_reader.h"
#include "spate/types/arrow_types.h"
#include "spate/types/ddl_parser.h"

namespace spate {

namespace {

// spark.read.format("statestore"): the state of a streaming query's checkpoint.
arrow::Result<PlanPtr> LoadStateStore(const RuntimeConfig& conf, const std::vector<std::string>& paths,
                                      const std::map<std::string, std::string>& options) {
  if (paths.size() > 1) return arrow::Status::Invalid("the statestore format reads one checkpoint location");
  ARROW_ASSIGN_OR_RAISE(StateTable state, ReadStateStore(conf, paths.empty() ? "" : paths[0], options));
  auto source = std::make_shared<ScanSource>();
  source->description = fmt::format("StateDataSource {}", paths.empty() ? "" : paths[0]);
  source->table = std::move(state.table);
  return MakeScan(std::move(source), *state.schema);
}

// spark.read.format("state-metadata"): the stateful operators a checkpoint records.
arrow::Result<PlanPtr> LoadStateMetadata(const RuntimeConfig& conf, const std::vector<std::string>& paths) {
  if (paths.size() > 1) return arrow::Status::Invalid("the state-metadata format reads one checkpoint location");
  ARROW_ASSIGN_OR_RAISE(StateTable state, ReadStateMetadata(conf, paths.empty() ? "" : paths[0]));
  auto source = std::make_shared<ScanSource>();
  source->description = fmt::format("StateMetadataSource {}", paths.empty() ? "" : paths[0]);
  source->table = std::move(state.table);
  return MakeScan(std::move(source), *state.schema);
}

}  // namespace

DataFrameReader::DataFrameReader(std::shared_ptr<Session> session)
    : session_(std::move(session)),
      format_(session_->conf().Get("spark.sql.sources.default").value_or("parquet")) {}

DataFrameReader& DataFrameReader::format(const std::string& source) {
  format_ = source;
  return *this;
}

DataFrameReader& DataFrameReader::option(const std::string& key, const std::string& value) {
  options_[AsciiLower(key)] = value;
  return *this;
}

DataFrameReader& DataFrameReader::options(const std::map<std::string, std::string>& options) {
  for (const auto& [k, v] : options) option(k, v);
  return *this;
}

DataFrameReader& DataFrameReader::schema(StructTypePtr schema) {
  schema_ = std::move(schema);
  schema_status_ = arrow::Status::OK();
  return *this;
}

DataFrameReader& DataFrameReader::schema(const std::string& ddl) {
  auto parsed = ParseSchemaString(ddl);
  if (!parsed.ok()) {
    schema_status_ = parsed.status();
  } else if ((*parsed)->id() != TypeId::kStruct) {
    schema_ = types::Struct({{"value", *parsed, true}});
  } else {
    schema_ = std::static_pointer_cast<const StructType>(*parsed);
  }
  return *this;
}

DataFrame DataFrameReader::load() const {
  auto path = options_.find("path");
  return load(path == options_.end() ? std::vector<std::string>{} : std::vector<std::string>{path->second});
}

DataFrame DataFrameReader::load(const std::string& path) const {
  return load(std::vector<std::string>{path});
}

DataFrame DataFrameReader::load(const std::vector<std::string>& paths) const {
  if (!schema_status_.ok()) return DataFrame(session_, schema_status_);
  if (AsciiLower(format_) == "statestore") return DataFrame(session_, LoadStateStore(session_->conf(), paths, options_));
  if (AsciiLower(format_) == "state-metadata") return DataFrame(session_, LoadStateMetadata(session_->conf(), paths));
  if (AsciiLower(format_) == "kafka") return DataFrame(session_, LoadKafka(session_->conf(), options_));
  if (AsciiLower(format_) == "jdbc") return DataFrame(session_, LoadJdbc(session_->conf(), options_));
  if (AsciiLower(format_) == "nexmark") return DataFrame(session_, LoadNexmark(options_, schema_ != nullptr));
  // format("iceberg").load("cat.ns.t"): the table of an Iceberg catalog.
  if (AsciiLower(format_) == "iceberg" && paths.size() == 1) return session_->Table(paths[0]);
  return DataFrame(session_, LoadFiles(session_->conf(), format_, paths, schema_, options_));
}

DataFrame DataFrameReader::jdbc(const std::string& url, const std::string& table,
                                const std::map<std::string, std::string>& properties) const {
  DataFrameReader reader = *this;
  return reader.format("jdbc").options(properties).option("url", url).option("dbtable", table).load();
}

DataFrame DataFrameReader::jdbc(const std::string& url, const std::string& table, const std::string& column,
                                int64_t lower_bound, int64_t upper_bound, int num_partitions,
                                const std::map<std::string, std::string>& properties) const {
  DataFrameReader reader = *this;
  reader.options(properties)
      .option("partitionColumn", column)
      .option("lowerBound", std::to_string(lower_bound))
      .option("upperBound", std::to_string(upper_bound))
      .option("numPartitions", std::to_string(num_partitions));
  return reader.jdbc(url, table);
}

DataFrame DataFrameReader::jdbc(const std::string& url, const std::string& table,
                                const std::vector<std::string>& predicates,
                                const std::map<std::string, std::string>& properties) const {
  rapidjson::StringBuffer json;
  rapidjson::Writer<rapidjson::StringBuffer> writer(json);
  writer.StartArray();
  for (const auto& p : predicates) writer.String(p.data(), static_cast<rapidjson::SizeType>(p.size()));
  writer.EndArray();
  DataFrameReader reader = *this;
  reader.options(properties).option("predicates", json.GetString());
  return reader.jdbc(url, table);
}

DataFrame DataFrameReader::table(const std::string& name) const { return session_->Table(name); }

}  // namespace spate
