// GroupedData::TransformWithState: groupBy(...).transformWithState(...).

#include <fmt/format.h>

#include "spate/api/functions.h"
#include "spate/api/initial_state_rows.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"

namespace spate {

namespace {

// Spark's output modes for transformWithState, case-insensitive.
arrow::Result<OutputMode> TransformOutputMode(const std::string& text) {
  const std::string mode = AsciiLower(text);
  if (mode == "append") return OutputMode::kAppend;
  if (mode == "update") return OutputMode::kUpdate;
  if (mode == "complete") return OutputMode::kComplete;
  return SparkError("STREAMING_OUTPUT_MODE.INVALID", "42KDE",
                    "Invalid streaming output mode: " + text + ".");
}

arrow::Result<PlanPtr> TransformPlan(const DataFrame& df, const std::vector<ExprPtr>& groups,
                                     StatefulProcessorFactory factory, const StructType& output,
                                     const std::string& output_mode, const std::string& time_mode,
                                     const std::string& event_time_column, InitialStateRows initial_state) {
  ARROW_RETURN_NOT_OK(df.status());
  auto spec = std::make_shared<TransformWithStateSpec>();
  spec->factory = std::move(factory);
  ARROW_ASSIGN_OR_RAISE(spec->output_mode, TransformOutputMode(output_mode));
  ARROW_ASSIGN_OR_RAISE(spec->time_mode, ParseTimeMode(time_mode));
  spec->event_time_column = event_time_column;
  spec->initial_state = std::move(initial_state);
  return MakeTransformWithState(df.plan(), groups, output, std::move(spec));
}

}  // namespace

arrow::Result<InitialStateRows> InitialRows(const DataFrame& input, const std::vector<Column>& groups,
                                            const DataFrame& initial, const std::vector<Column>& initial_groups,
                                            const std::string& api) {
  ARROW_RETURN_NOT_OK(initial.status());
  if (initial.isStreaming()) {
    return arrow::Status::Invalid(api, "'s initialState must be a batch DataFrame, not a streaming one");
  }
  const DataFrame keys = input.select(groups);
  const DataFrame initial_keys = initial.select(initial_groups);
  ARROW_RETURN_NOT_OK(keys.status());
  ARROW_RETURN_NOT_OK(initial_keys.status());
  const StructTypePtr want_schema = keys.schema();
  const StructTypePtr got_schema = initial_keys.schema();
  const auto& want = want_schema->fields();
  const auto& got = got_schema->fields();
  bool same = want.size() == got.size();
  for (size_t i = 0; same && i < want.size(); ++i) same = *want[i].type == *got[i].type;
  if (!same) {
    return arrow::Status::Invalid(fmt::format(
        "{}'s initialState must be grouped by keys of the query's key types: {}, not {}", api,
        want_schema->SimpleString(), got_schema->SimpleString()));
  }
  std::vector<Column> columns = initial_groups;
  for (const auto& name : initial.columns()) columns.push_back(functions::col(name));
  DataFrame rows = initial.select(columns);
  ARROW_RETURN_NOT_OK(rows.status());
  return InitialStateRows([rows]() { return rows.toArrow(); });
}

DataFrame GroupedData::TransformWithState(StatefulProcessorFactory factory, const StructType& output,
                                          const std::string& output_mode, const std::string& time_mode,
                                          const std::string& event_time_column) const {
  if (!df_.ok()) return df_;
  if (kind_ != Kind::kGroupBy) {
    return DataFrame(df_.session(), arrow::Status::Invalid("transformWithState needs groupBy(...), not a "
                                                           "rollup, cube or grouping sets"));
  }
  std::vector<ExprPtr> groups;
  for (const auto& g : groups_) groups.push_back(g.expr());
  return DataFrame(df_.session(), TransformPlan(df_, groups, std::move(factory), output, output_mode, time_mode,
                                                event_time_column, nullptr));
}

DataFrame GroupedData::TransformWithState(StatefulProcessorFactory factory, const StructType& output,
                                          const std::string& output_mode, const std::string& time_mode,
                                          const GroupedData& initial_state,
                                          const std::string& event_time_column) const {
  if (!df_.ok()) return df_;
  if (kind_ != Kind::kGroupBy || initial_state.kind_ != Kind::kGroupBy) {
    return DataFrame(df_.session(), arrow::Status::Invalid("transformWithState needs groupBy(...), not a "
                                                           "rollup, cube or grouping sets"));
  }
  auto rows = InitialRows(df_, groups_, initial_state.df_, initial_state.groups_, "transformWithState");
  if (!rows.ok()) return DataFrame(df_.session(), rows.status());
  std::vector<ExprPtr> groups;
  for (const auto& g : groups_) groups.push_back(g.expr());
  return DataFrame(df_.session(), TransformPlan(df_, groups, std::move(factory), output, output_mode, time_mode,
                                                event_time_column, std::move(*rows)));
}

}  // namespace spate
