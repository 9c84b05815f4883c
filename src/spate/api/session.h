#pragma once

// Session: the entry point, like SparkSession. It holds the runtime
// configuration (spark.sql.* keys), the temporary views, and makes
// DataFrames from Arrow data or SQL text.
//
// Threading: a Session may be used from several threads; its configuration
// and views are guarded by a mutex.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/common/runtime_config.h"
#include "spate/expr/bound_expr.h"
#include "spate/expr/user_function.h"
#include "spate/plan/logical_plan.h"
#include "spate/streaming/query_manager.h"

namespace spate {

class Catalog;
class DataFrame;
class DataStreamReader;
class DataFrameReader;
class WebUi;

class Session : public std::enable_shared_from_this<Session> {
 public:
  /// Use Make(); sessions are always shared.
  Session() = default;
  static std::shared_ptr<Session> Make();
  /// A session with these settings, starting the web UI (or joining the
  /// process's running one) unless spark.ui.enabled is false.
  static std::shared_ptr<Session> Make(const std::map<std::string, std::string>& conf);

  /// The web UI's address ("http://127.0.0.1:4040"); empty when the UI is off.
  /// When another session's stop() ended the process's UI, this starts it again.
  std::string uiWebUrl();
  /// Stops the web UI (spark.stop()); the next session starts a new one.
  void StopUi();

  RuntimeConfig& conf() { return conf_; }
  /// spark.conf.set: sets a key after checking values Spark checks on set
  /// (spark.sql.session.timeZone: INVALID_CONF_VALUE.TIME_ZONE).
  arrow::Status SetConf(const std::string& key, const std::string& value);
  const RuntimeConfig& conf() const { return conf_; }
  /// spark.streams: the active streaming queries.
  QueryManager& streams() { return streams_; }

  /// A DataFrame over Arrow data (spark.createDataFrame).
  DataFrame CreateDataFrame(std::shared_ptr<arrow::Table> table);
  /// spark.range(start, end, step): one BIGINT column `id` from start by step,
  /// up to end (excluded). A step of 0 is Spark's FAILED_FUNCTION_CALL.
  DataFrame Range(int64_t start, int64_t end, int64_t step = 1);
  /// Runs SQL: SELECT ... over temp views and tables, CREATE VIEW, SHOW TABLES, ...
  DataFrame Sql(const std::string& query);
  /// spark.readStream.
  DataStreamReader ReadStream();
  /// spark.table: a temp view, else a table of the session catalog (temp
  /// views shadow tables of the same name, as in Spark).
  DataFrame Table(const std::string& name);
  /// spark.read (include "spate/api/reader.h").
  DataFrameReader read();
  /// The session catalog: tables under spark.sql.warehouse.dir.
  Catalog& catalog();

  /// spark.udf: the user-defined functions SQL text (and call_udf, expr) can
  /// call by name in this session; they hide built-in functions of the same name.
  UserFunctionRegistry& udf() { return functions_; }

  void CreateTempView(const std::string& name, PlanPtr plan);
  bool DropTempView(const std::string& name);
  std::optional<PlanPtr> LookupTempView(const std::string& name) const;
  std::vector<std::string> TempViewNames() const;

  /// What expressions read while a query runs: ANSI mode, the session time zone
  /// and the query's current_timestamp.
  EvalContext MakeEvalContext() const { return spate::MakeEvalContext(conf_); }

 private:
  RuntimeConfig conf_;
  QueryManager streams_;
  mutable std::mutex mutex_;
  std::map<std::string, PlanPtr> temp_views_;  // by lower-case name
  std::shared_ptr<Catalog> catalog_;           // made on first use
  UserFunctionRegistry functions_;
  std::shared_ptr<WebUi> ui_;  // null when the UI is off
};

}  // namespace spate
