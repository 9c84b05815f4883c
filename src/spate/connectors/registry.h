#pragma once

// Formats by name: what spark.readStream.format("rate") and
// df.writeStream.format("console") find. Each connector registers itself in
// registry.cc; options are case-insensitive, as Spark's are.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/streaming/sink.h"
#include "spate/streaming/source.h"

namespace spate {

class RuntimeConfig;
struct PlanNode;
using PlanPtr = std::shared_ptr<const PlanNode>;

/// Options with case-insensitive keys (stored lower-case).
class Options {
 public:
  void Set(const std::string& key, const std::string& value);
  std::optional<std::string> Get(const std::string& key) const;
  std::string Get(const std::string& key, const std::string& fallback) const;
  bool Has(const std::string& key) const { return Get(key).has_value(); }
  /// An integer option, or a clear error naming the option and the value.
  arrow::Result<int64_t> GetInt(const std::string& key, int64_t fallback) const;
  arrow::Result<bool> GetBool(const std::string& key, bool fallback) const;
  const std::map<std::string, std::string>& all() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

struct SourceRequest {
  Options options;
  StructTypePtr user_schema;        // .schema(...), or null
  std::optional<std::string> path;  // .load(path)
  const RuntimeConfig* conf = nullptr;  // the session's settings
};

/// Where a file sink started by toTable(name) writes: the folder, format and
/// partition columns of the session catalog's table.
struct TableFiles {
  std::string path;
  std::string format;
  std::vector<std::string> partition_by;
};

struct SinkRequest {
  Options options;
  std::optional<std::string> path;
  std::optional<std::string> query_name;
  OutputMode mode = OutputMode::kAppend;
  StructTypePtr schema;  // the rows the sink receives
  std::vector<std::string> partition_by;
  const RuntimeConfig* conf = nullptr;  // the session's settings
  /// Registers a temp view in the session (the memory sink's table).
  std::function<void(const std::string& name, PlanPtr plan)> create_temp_view;
  /// toTable(name) on a file format: `files` comes with the format and
  /// partitioning the query asked for; a table that does not exist is made
  /// with them (and the query's schema), an existing one gives its own.
  std::function<arrow::Status(const std::string& name, TableFiles* files)> resolve_table;
  /// The query runs under the continuous trigger or in real-time mode: rows come a few at a time.
  bool live = false;
};

using SourceMaker = std::function<arrow::Result<std::shared_ptr<StreamSourceFactory>>(const SourceRequest&)>;
using SinkMaker = std::function<arrow::Result<std::shared_ptr<StreamSink>>(const SinkRequest&)>;

struct StreamingFormat {
  SourceMaker source;            // null: not a streaming source
  SinkMaker sink;                // null: not a streaming sink
  bool needs_checkpoint = true;  // false: a temporary checkpoint is fine (console, memory, noop)
};

/// The format registered under `name` (case-insensitive), or
/// [DATA_SOURCE_NOT_FOUND].
arrow::Result<const StreamingFormat*> FindStreamingFormat(const std::string& name);

/// Registration hooks, one per connector folder.
void RegisterRateConnectors(std::map<std::string, StreamingFormat>& formats);
void RegisterMemoryConnectors(std::map<std::string, StreamingFormat>& formats);
void RegisterConsoleConnectors(std::map<std::string, StreamingFormat>& formats);
void RegisterNoopConnectors(std::map<std::string, StreamingFormat>& formats);
void RegisterSocketConnectors(std::map<std::string, StreamingFormat>& formats);
void RegisterFileConnectors(std::map<std::string, StreamingFormat>& formats);
void RegisterKafkaConnectors(std::map<std::string, StreamingFormat>& formats);
void RegisterIcebergConnectors(std::map<std::string, StreamingFormat>& formats);
void RegisterNexmarkConnectors(std::map<std::string, StreamingFormat>& formats);

}  // namespace spate
