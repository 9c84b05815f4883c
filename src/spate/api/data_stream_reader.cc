#include "spate/api/data_stream_reader.h"

#include "spate/api/session.h"
#include "spate/plan/plan_builder.h"
#include "spate/types/ddl_parser.h"

namespace spate {

DataStreamReader& DataStreamReader::format(const std::string& source) {
  format_ = source;
  return *this;
}

DataStreamReader& DataStreamReader::option(const std::string& key, const std::string& value) {
  options_.Set(key, value);
  return *this;
}

DataStreamReader& DataStreamReader::schema(StructTypePtr schema) {
  schema_ = std::move(schema);
  return *this;
}

DataStreamReader& DataStreamReader::schema(const std::string& ddl) {
  auto parsed = ParseDdlSchema(ddl);
  if (parsed.ok()) {
    schema_ = *parsed;
  } else {
    schema_error_ = parsed.status();
  }
  return *this;
}

DataFrame DataStreamReader::load() const { return Load(std::nullopt); }
DataFrame DataStreamReader::load(const std::string& path) const { return Load(path); }

DataFrame DataStreamReader::table(const std::string& name) const {
  DataStreamReader copy = *this;
  copy.options_.Set("__table", name);
  if (copy.format_.empty()) copy.format_ = "iceberg";
  return copy.Load(std::nullopt);
}

DataFrame DataStreamReader::Load(std::optional<std::string> path) const {
  if (!schema_error_.ok()) return DataFrame(session_, schema_error_);
  std::string name = format_.empty() ? session_->conf().Get("spark.sql.sources.default", "parquet") : format_;
  auto format = FindStreamingFormat(name);
  if (!format.ok()) return DataFrame(session_, format.status());
  if (!(*format)->source) {
    return DataFrame(session_, arrow::Status::Invalid("Data source ", name, " does not support streamed reading"));
  }
  SourceRequest request{options_, schema_, std::move(path), &session_->conf()};
  if (request.path) request.options.Set("path", *request.path);
  auto factory = (*format)->source(request);
  if (!factory.ok()) return DataFrame(session_, factory.status());
  auto source = std::make_shared<ScanSource>();
  source->description = (*factory)->name();
  source->stream = *factory;
  return DataFrame(session_, MakeScan(std::move(source), *(*factory)->schema()));
}

}  // namespace spate
