#include "spate/api/session.h"

#include <chrono>
#include <thread>

#include <arrow/array/builder_primitive.h>
#include <arrow/table.h>
#include <fmt/format.h>

#include "spate/api/data_stream_reader.h"
#include "spate/api/catalog.h"
#include "spate/api/dataframe.h"
#include "spate/api/reader.h"
#include "spate/connectors/iceberg/catalog.h"
#include "spate/connectors/iceberg/iceberg_tables.h"
#include "spate/api/table_io.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/expr/json_field_pruning.h"
#include "spate/expr/time_zone.h"
#include "spate/expr/value_format.h"
#include "spate/plan/plan_builder.h"
#include "spate/api/sql_runner.h"
#include "spate/types/arrow_types.h"
#include "spate/ui/web_ui.h"

namespace spate {

namespace {

}  // namespace

std::shared_ptr<Session> Session::Make() { return Make({}); }

std::shared_ptr<Session> Session::Make(const std::map<std::string, std::string>& conf) {
  auto session = std::make_shared<Session>();
  for (const auto& [key, value] : conf) session->conf_.Set(key, value);
  if (AsciiLower(session->conf_.Get("spark.ui.enabled", "true")) == "true") {
    session->ui_ = WebUi::Attach(session);
  }
  return session;
}

arrow::Status Session::SetConf(const std::string& key, const std::string& value) {
  if (key == "spark.sql.session.timeZone" && !ResolveTimeZone(value).ok()) {
    return SparkError("INVALID_CONF_VALUE.TIME_ZONE", "22022",
                      fmt::format("The value '{}' in the config \"{}\" is invalid. Cannot resolve the "
                                  "given timezone.",
                                  value, key));
  }
  conf_.Set(key, value);
  return arrow::Status::OK();
}

std::string Session::uiWebUrl() {
  std::shared_ptr<WebUi> ui;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ui = ui_;
  }
  if (ui && !ui->running()) {
    ui = WebUi::Attach(shared_from_this());
    std::lock_guard<std::mutex> lock(mutex_);
    ui_ = ui;
  }
  return ui ? ui->url() : "";
}

void Session::StopUi() {
  std::shared_ptr<WebUi> ui;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ui = std::move(ui_);
  }
  if (ui) ui->Stop();
}

DataFrame Session::CreateDataFrame(std::shared_ptr<arrow::Table> table) {
  return DataFrame(shared_from_this(), MakeLocalRelation(std::move(table)));
}

namespace {

// The ids start, start + step, ... before end, computed without overflow.
arrow::Result<std::shared_ptr<arrow::Table>> RangeTable(int64_t start, int64_t end, int64_t step) {
  if (step == 0) {
    return SparkError("FAILED_FUNCTION_CALL", "38000",
                      "Failed preparing of the function `range` for call. Please, double check function's "
                      "arguments.");
  }
  __int128 span = static_cast<__int128>(end) - start;
  __int128 count = span == 0 || (span > 0) != (step > 0) ? 0 : (span + step + (step > 0 ? -1 : 1)) / step;
  arrow::Int64Builder ids;
  ARROW_RETURN_NOT_OK(ids.Reserve(static_cast<int64_t>(count)));
  for (__int128 i = 0; i < count; ++i) ids.UnsafeAppend(static_cast<int64_t>(start + i * step));
  ARROW_ASSIGN_OR_RAISE(auto column, ids.Finish());
  return arrow::Table::Make(arrow::schema({arrow::field("id", arrow::int64(), false)}), {column});
}

}  // namespace

DataFrame Session::Range(int64_t start, int64_t end, int64_t step) {
  auto table = RangeTable(start, end, step);
  if (!table.ok()) return DataFrame(shared_from_this(), table.status());
  return CreateDataFrame(*table);
}

DataFrame Session::Sql(const std::string& query) {
  UserFunctionScope functions(&functions_);
  LiteralTimeZoneScope time_zone(conf().Get("spark.sql.session.timeZone").value_or("UTC"));
  JsonExpressionOptimizationScope json(JsonExpressionOptimizationEnabled(conf()));
  return RunSql(*this, query);
}

DataStreamReader Session::ReadStream() { return DataStreamReader(shared_from_this()); }

DataFrame Session::Table(const std::string& name) {
  auto view = LookupTempView(name);
  if (view) return DataFrame(shared_from_this(), *view);
  // Unqualified names are in the current catalog (USE).
  auto parts = QualifyWithCurrentCatalog(*this, iceberg::SplitName(name));
  if (iceberg::IsIcebergName(conf_, parts)) {
    auto plan = iceberg::ReadTable(conf_, parts);
    if (!plan.ok()) return DataFrame(shared_from_this(), plan.status());
    return DataFrame(shared_from_this(), MakeAlias(*plan, parts.back()));
  }
  auto table = Catalog::TableName(name);
  if (!table.ok()) return DataFrame(shared_from_this(), table.status());
  if (!catalog().TableExists(*table)) return DataFrame(shared_from_this(), TableNotFound(name));
  auto plan = ReadTable(*this, *table);
  if (!plan.ok()) return DataFrame(shared_from_this(), plan.status());
  return DataFrame(shared_from_this(), MakeAlias(*plan, *table));
}

DataFrameReader Session::read() { return DataFrameReader(shared_from_this()); }

Catalog& Session::catalog() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!catalog_) catalog_ = std::make_shared<Catalog>(conf_);
  return *catalog_;
}

void Session::CreateTempView(const std::string& name, PlanPtr plan) {
  std::lock_guard<std::mutex> lock(mutex_);
  temp_views_[AsciiLower(name)] = std::move(plan);
}

bool Session::DropTempView(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  return temp_views_.erase(AsciiLower(name)) > 0;
}

std::optional<PlanPtr> Session::LookupTempView(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = temp_views_.find(AsciiLower(name));
  if (it == temp_views_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Session::TempViewNames() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, _] : temp_views_) names.push_back(name);
  return names;
}


}  // namespace spate
