#include "spate/api/dataframe.h"

#include <iostream>

#include <arrow/api.h>

#include "spate/api/data_stream_writer.h"
#include "spate/api/functions.h"
#include "spate/api/row_level_writes.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/common/parallelism.h"
#include "spate/api/writer.h"
#include "spate/exec/executor.h"
#include "spate/expr/json_field_pruning.h"
#include "spate/expr/user_function.h"
#include "spate/expr/value_format.h"
#include "spate/plan/grouping_sets.h"
#include "spate/plan/plan_builder.h"
#include "spate/sql/parser.h"

namespace spate {

namespace {

std::vector<ExprPtr> Exprs(const std::vector<Column>& cols) {
  std::vector<ExprPtr> out;
  for (const auto& c : cols) out.push_back(c.expr());
  return out;
}

// The session's registered functions, for the calls a DataFrame operation binds.
const UserFunctionRegistry* Functions(const std::shared_ptr<Session>& session) {
  return session ? &session->udf() : nullptr;
}

std::string TimeZoneOf(const std::shared_ptr<Session>& session) {
  return session ? session->conf().Get("spark.sql.session.timeZone").value_or("UTC") : "UTC";
}

// What SQL text reads from the session: its time zone, for TIMESTAMP '...' literals.
sql::ParseOptions ParseOptionsOf(const std::shared_ptr<Session>& session) {
  sql::ParseOptions options;
  options.time_zone = TimeZoneOf(session);
  return options;
}

// Whether from_json calls bound now may be pruned (expr/json_field_pruning.h).
bool JsonExpressionOptimizationOf(const std::shared_ptr<Session>& session) {
  return !session || JsonExpressionOptimizationEnabled(session->conf());
}

// What an operation binds with: the session's registered functions, its time zone
// for the timestamp literals printed in generated column names, and whether
// from_json calls may be pruned.
class BindScope {
 public:
  explicit BindScope(const std::shared_ptr<Session>& session)
      : functions_(Functions(session)),
        time_zone_(TimeZoneOf(session)),
        json_(JsonExpressionOptimizationOf(session)) {}

 private:
  UserFunctionScope functions_;
  LiteralTimeZoneScope time_zone_;
  JsonExpressionOptimizationScope json_;
};

}  // namespace

DataFrame::DataFrame(std::shared_ptr<Session> session, arrow::Result<PlanPtr> plan)
    : session_(std::move(session)) {
  if (plan.ok()) {
    plan_ = *std::move(plan);
  } else {
    status_ = plan.status();
  }
}

DataFrame DataFrame::With(arrow::Result<PlanPtr> plan) const {
  if (!ok()) return *this;
  return DataFrame(session_, std::move(plan));
}

DataFrame DataFrame::select(const std::vector<Column>& cols) const {
  if (!ok()) return *this;
  BindScope bind(session_);
  return With(MakeProject(plan_, Exprs(cols)));
}

DataFrame DataFrame::selectExpr(const std::vector<std::string>& exprs) const {
  if (!ok()) return *this;
  BindScope bind(session_);
  std::vector<ExprPtr> parsed;
  for (const auto& text : exprs) {
    auto e = sql::ParseExpression(text, ParseOptionsOf(session_));
    if (!e.ok()) return With(e.status());
    parsed.push_back(*e);
  }
  return With(MakeProject(plan_, parsed));
}

DataFrame DataFrame::filter(const Column& condition) const {
  if (!ok()) return *this;
  BindScope bind(session_);
  return With(MakeFilter(plan_, condition.expr()));
}

DataFrame DataFrame::filter(const std::string& sql_condition) const {
  if (!ok()) return *this;
  BindScope bind(session_);
  auto e = sql::ParseExpression(sql_condition, ParseOptionsOf(session_));
  if (!e.ok()) return With(e.status());
  return With(MakeFilter(plan_, *e));
}

DataFrame DataFrame::withColumn(const std::string& name, const Column& col) const {
  return withColumns({{name, col}});
}

DataFrame DataFrame::withColumns(const std::vector<std::pair<std::string, Column>>& cols) const {
  if (!ok()) return *this;
  BindScope bind(session_);
  std::vector<std::string> names;
  std::vector<ExprPtr> exprs;
  for (const auto& [n, c] : cols) {
    names.push_back(n);
    exprs.push_back(c.expr());
  }
  return With(MakeWithColumns(plan_, names, exprs));
}

DataFrame DataFrame::withColumnRenamed(const std::string& existing, const std::string& name) const {
  if (!ok()) return *this;
  return With(MakeRename(plan_, existing, name));
}

DataFrame DataFrame::drop(const std::vector<std::string>& names) const {
  if (!ok()) return *this;
  return With(MakeDrop(plan_, names));
}

GroupedData DataFrame::groupBy(const std::vector<Column>& cols) const { return GroupedData(*this, cols); }

GroupedData DataFrame::rollup(const std::vector<Column>& cols) const {
  return GroupedData(*this, cols, GroupedData::Kind::kRollup);
}

GroupedData DataFrame::cube(const std::vector<Column>& cols) const {
  return GroupedData(*this, cols, GroupedData::Kind::kCube);
}

GroupedData DataFrame::groupingSets(const std::vector<std::vector<Column>>& sets,
                                    const std::vector<Column>& cols) const {
  return GroupedData(*this, cols, GroupedData::Kind::kGroupingSets, sets);
}

DataFrame DataFrame::agg(const std::vector<Column>& aggs) const { return groupBy({}).agg(aggs); }

DataFrame DataFrame::join(const DataFrame& other, const Column& on, const std::string& how) const {
  if (!ok()) return *this;
  BindScope bind(session_);
  if (!other.ok()) return other;
  auto type = ParseJoinType(how);
  if (!type.ok()) return With(type.status());
  return With(MakeJoin(plan_, other.plan_, on.expr(), {}, *type));
}

DataFrame DataFrame::join(const DataFrame& other, const std::vector<std::string>& on,
                          const std::string& how) const {
  if (!ok()) return *this;
  if (!other.ok()) return other;
  auto type = ParseJoinType(how);
  if (!type.ok()) return With(type.status());
  return With(MakeJoin(plan_, other.plan_, nullptr, on, *type));
}

DataFrame DataFrame::crossJoin(const DataFrame& other) const {
  if (!ok()) return *this;
  if (!other.ok()) return other;
  return With(MakeJoin(plan_, other.plan_, nullptr, {}, JoinType::kCross));
}

DataFrame DataFrame::union_(const DataFrame& other) const {
  if (!ok()) return *this;
  if (!other.ok()) return other;
  return With(MakeUnion(plan_, other.plan_, false, false));
}

DataFrame DataFrame::unionByName(const DataFrame& other, bool allow_missing_columns) const {
  if (!ok()) return *this;
  if (!other.ok()) return other;
  return With(MakeUnion(plan_, other.plan_, true, allow_missing_columns));
}

DataFrame DataFrame::intersect(const DataFrame& other) const {
  if (!ok()) return *this;
  if (!other.ok()) return other;
  return With(MakeSetOperation(plan_, other.plan_, /*intersect=*/true, /*all=*/false));
}

DataFrame DataFrame::intersectAll(const DataFrame& other) const {
  if (!ok()) return *this;
  if (!other.ok()) return other;
  return With(MakeSetOperation(plan_, other.plan_, /*intersect=*/true, /*all=*/true));
}

DataFrame DataFrame::subtract(const DataFrame& other) const {
  if (!ok()) return *this;
  if (!other.ok()) return other;
  return With(MakeSetOperation(plan_, other.plan_, /*intersect=*/false, /*all=*/false));
}

DataFrame DataFrame::exceptAll(const DataFrame& other) const {
  if (!ok()) return *this;
  if (!other.ok()) return other;
  return With(MakeSetOperation(plan_, other.plan_, /*intersect=*/false, /*all=*/true));
}

DataFrame DataFrame::distinct() const {
  if (!ok()) return *this;
  return With(MakeDistinct(plan_, {}));
}

DataFrame DataFrame::dropDuplicates(const std::vector<std::string>& subset) const {
  if (!ok()) return *this;
  return With(MakeDistinct(plan_, subset));
}

DataFrame DataFrame::dropDuplicatesWithinWatermark(const std::vector<std::string>& subset) const {
  if (!ok()) return *this;
  if (!IsStreamingPlan(*plan_)) {
    return With(LegacyAnalysisError("dropDuplicatesWithinWatermark is not supported with batch DataFrames/DataSets"));
  }
  return With(MakeDistinct(plan_, subset, /*within_watermark=*/true));
}

DataFrame DataFrame::withWatermark(const std::string& event_time, const std::string& delay_threshold) const {
  if (!ok()) return *this;
  return With(MakeWatermark(plan_, event_time, delay_threshold));
}

DataFrame DataFrame::orderBy(const std::vector<Column>& cols) const {
  if (!ok()) return *this;
  BindScope bind(session_);
  return With(MakeSort(plan_, Exprs(cols)));
}

DataFrame DataFrame::limit(int64_t n) const {
  if (!ok()) return *this;
  return With(MakeLimit(plan_, n));
}

DataFrame DataFrame::offset(int64_t n) const {
  if (!ok()) return *this;
  return With(MakeLimit(plan_, INT64_MAX, n));
}

DataFrame DataFrame::toDF(const std::vector<std::string>& names) const {
  if (!ok()) return *this;
  return With(MakeRenameColumns(plan_, names));
}

DataFrame DataFrame::withColumnsRenamed(const std::vector<std::pair<std::string, std::string>>& renames) const {
  DataFrame out = *this;
  for (const auto& [existing, name] : renames) out = out.withColumnRenamed(existing, name);
  return out;
}

DataFrame DataFrame::alias(const std::string& name) const {
  if (!ok()) return *this;
  return With(MakeAlias(plan_, name));
}

DataFrame DataFrame::cache() const {
  if (!ok()) return *this;
  if (plan_->kind == PlanNode::Kind::kScan && plan_->source->cached_plan) return *this;
  auto source = std::make_shared<ScanSource>();
  source->description = "InMemoryRelation";
  source->cached_plan = plan_;
  return With(MakeScan(source, *plan_->Schema()));
}

DataFrame DataFrame::unpersist() const {
  if (!ok()) return *this;
  if (plan_->kind == PlanNode::Kind::kScan && plan_->source->cached_plan) {
    std::lock_guard<std::mutex> lock(plan_->source->mutex);
    plan_->source->table.reset();
  }
  return *this;
}

namespace {

// Spark's check for batch actions on streaming plans.
arrow::Status CheckBatchQuery(const PlanNode& plan) {
  if (!IsStreamingPlan(plan)) return arrow::Status::OK();
  return LegacyAnalysisError("Queries with streaming sources must be executed with writeStream.start();");
}

}  // namespace

DataStreamWriter DataFrame::writeStream() const { return DataStreamWriter(*this); }

bool DataFrame::isStreaming() const { return ok() && IsStreamingPlan(*plan_); }

arrow::Result<std::shared_ptr<arrow::Table>> DataFrame::toArrow() const {
  ARROW_RETURN_NOT_OK(status_);
  ARROW_RETURN_NOT_OK(CheckBatchQuery(*plan_));
  ARROW_ASSIGN_OR_RAISE(const int threads, MasterThreads(session_->conf()));
  return ExecutePlan(*plan_, session_->MakeEvalContext(), threads);
}

arrow::Result<int64_t> DataFrame::count() const {
  // An aggregate over the rows, as Spark's count(), so that the query reads
  // only the columns the plan below it uses.
  ARROW_ASSIGN_OR_RAISE(auto table, groupBy({}).count().toArrow());
  ARROW_ASSIGN_OR_RAISE(auto counted, table->column(0)->GetScalar(0));
  return static_cast<const arrow::Int64Scalar&>(*counted).value;
}

arrow::Result<std::string> DataFrame::showString(int num_rows, int truncate, bool vertical) const {
  ARROW_RETURN_NOT_OK(status_);
  ARROW_RETURN_NOT_OK(CheckBatchQuery(*plan_));
  ARROW_ASSIGN_OR_RAISE(auto limited, MakeLimit(plan_, std::max(num_rows, 0) + 1));
  EvalContext ctx = session_->MakeEvalContext();
  ARROW_ASSIGN_OR_RAISE(const int threads, MasterThreads(session_->conf()));
  ARROW_ASSIGN_OR_RAISE(auto rows, ExecutePlan(*limited, ctx, threads));
  return ShowString(*rows, *plan_->Schema(), num_rows, truncate, vertical, ctx.format);
}

arrow::Status DataFrame::show(int num_rows, int truncate, bool vertical) const {
  ARROW_ASSIGN_OR_RAISE(auto text, showString(num_rows, truncate, vertical));
  std::cout << text << '\n' << std::flush;  // Spark prints showString with println
  return arrow::Status::OK();
}

arrow::Result<std::vector<std::string>> DataFrame::toJSON() const {
  ARROW_RETURN_NOT_OK(status_);
  DataFrame json = select({functions::to_json(functions::struct_({Column("*")})).alias("value")});
  ARROW_ASSIGN_OR_RAISE(auto table, json.toArrow());
  ARROW_ASSIGN_OR_RAISE(auto batch, ToSingleBatch(*table));
  std::vector<std::string> out;
  const auto& values = static_cast<const arrow::StringArray&>(*batch->column(0));
  for (int64_t i = 0; i < values.length(); ++i) out.emplace_back(values.GetView(i));
  return out;
}

arrow::Status DataFrame::createOrReplaceTempView(const std::string& name) const {
  ARROW_RETURN_NOT_OK(status_);
  session_->CreateTempView(name, plan_);
  return arrow::Status::OK();
}

arrow::Status DataFrame::createTempView(const std::string& name) const {
  ARROW_RETURN_NOT_OK(status_);
  if (session_->LookupTempView(name)) {
    return arrow::Status::Invalid("[TEMP_TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create the temporary "
                                  "view `", name, "` because it already exists.\nChoose a "
                                  "different name, drop or replace the existing view, or add the "
                                  "IF NOT EXISTS clause to tolerate pre-existing views. SQLSTATE: 42P07");
  }
  session_->CreateTempView(name, plan_);
  return arrow::Status::OK();
}

StructTypePtr DataFrame::schema() const { return ok() ? plan_->Schema() : types::Struct({}); }

std::vector<std::string> DataFrame::columns() const { return schema()->FieldNames(); }

std::string DataFrame::printSchema() const { return schema()->TreeString(); }

std::string DataFrame::explain(bool extended) const {
  if (!ok()) return status_.message();
  std::string tree = plan_->TreeString();
  if (!extended) return "== Physical Plan ==\n" + tree;
  return "== Analyzed Logical Plan ==\n" + tree + "\n== Physical Plan ==\n" + tree;
}

DataFrame GroupedData::agg(const std::vector<Column>& aggs) const {
  if (!df_.ok()) return df_;
  BindScope bind(df_.session());
  std::vector<ExprPtr> groups = Exprs(groups_);
  std::vector<ExprPtr> outputs = groups;  // Spark puts the grouping columns first
  for (const auto& a : pivot_ ? PivotAggregates(aggs) : aggs) outputs.push_back(a.expr());
  if (kind_ == Kind::kRollup || kind_ == Kind::kCube) {
    groups = {ex::Call(kind_ == Kind::kRollup ? kRollup : kCube, std::move(groups))};
  } else if (kind_ == Kind::kGroupingSets) {
    std::vector<ExprPtr> sets;
    for (const auto& set : sets_) sets.push_back(ex::Call(kGroupingSet, Exprs(set)));
    groups = {ex::Call(kGroupingSets, std::move(sets))};
  }
  return DataFrame(df_.session(), MakeAggregate(df_.plan(), groups, outputs));
}

DataFrame GroupedData::count() const { return agg({functions::count(Column("*")).alias("count")}); }

DataFrame GroupedData::Simple(const char* fn, const std::vector<std::string>& cols) const {
  std::vector<Column> aggs;
  std::vector<std::string> names = cols;
  if (names.empty() && df_.ok()) {  // every numeric column, as Spark does
    const StructTypePtr schema = df_.schema();  // kept alive while its fields are read
    for (const auto& f : schema->fields()) {
      if (f.type->IsNumeric()) names.push_back(f.name);
    }
  }
  for (const auto& c : names) aggs.push_back(functions::call_function(fn, {Column(c)}));
  return agg(aggs);
}

DataFrame GroupedData::sum(const std::vector<std::string>& cols) const { return Simple("sum", cols); }
DataFrame GroupedData::avg(const std::vector<std::string>& cols) const { return Simple("avg", cols); }
DataFrame GroupedData::min(const std::vector<std::string>& cols) const { return Simple("min", cols); }
DataFrame GroupedData::max(const std::vector<std::string>& cols) const { return Simple("max", cols); }

}  // namespace spate

namespace spate {

DataFrameWriter DataFrame::write() const { return DataFrameWriter(*this); }
DataFrameWriterV2 DataFrame::writeTo(const std::string& table) const { return DataFrameWriterV2(*this, table); }

MergeIntoWriter DataFrame::mergeInto(const std::string& table, const Column& condition) const {
  return MergeIntoWriter(*this, table, condition);
}

}  // namespace spate
