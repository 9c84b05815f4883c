// GroupedData::FlatMapGroupsWithState, MapGroupsWithState (each with or
// without an initial state) and ApplyInPandasWithState (the plan of Python's
// API): Spark's checks of the modes, then transformWithState with the
// processor of exec/flat_map_groups_with_state.h.

#include <algorithm>
#include <memory>

#include <arrow/type.h>

#include "spate/api/initial_state_rows.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/exec/flat_map_groups_with_state.h"
#include "spate/plan/output_mode.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

constexpr const char* kSkipInitialKeysWithoutRows =
    "spark.sql.streaming.flatMapGroupsWithState.skipEmittingInitialStateKeys";

// The function's output mode: append or update, as Spark checks it.
arrow::Result<OutputMode> GroupsWithStateOutputMode(const std::string& mode) {
  const std::string lower = AsciiLower(mode);
  if (lower == "append") return OutputMode::kAppend;
  if (lower == "update") return OutputMode::kUpdate;
  if (lower == "complete") return arrow::Status::Invalid("The output mode of function should be append or update");
  return SparkError("STREAMING_OUTPUT_MODE.INVALID", "42KDE",
                    "Invalid streaming output mode: " + mode + ". Accepted output modes are 'Append', 'Complete', "
                    "'Update'.");
}

bool HasWatermark(const DataFrame& df) {
  for (const Attribute& a : df.plan()->output) {
    if (a.watermark_delay_ms >= 0) return true;
  }
  return false;
}

arrow::Result<std::shared_ptr<GroupsWithStateSpec>> MakeSpec(const DataFrame& df, GroupsWithStateFunction func,
                                                             const StructType& state, const std::string& timeout) {
  ARROW_RETURN_NOT_OK(df.status());
  if (!func) return arrow::Status::Invalid("flatMapGroupsWithState needs a function");
  auto spec = std::make_shared<GroupsWithStateSpec>();
  spec->func = std::move(func);
  ARROW_ASSIGN_OR_RAISE(spec->timeout, ParseGroupStateTimeout(timeout));
  spec->watermark_present = HasWatermark(df);
  if (spec->timeout == GroupStateTimeout::kEventTimeTimeout && !spec->watermark_present) {
    return LegacyAnalysisError(
        "Watermark must be specified in the query using '[Dataset/DataFrame].withWatermark()' for using event-time "
        "timeout in a [map|flatMap]GroupsWithState. Event-time timeout not supported without watermark.",
        "_LEGACY_ERROR_TEMP_3102");
  }
  ARROW_ASSIGN_OR_RAISE(spec->state, ToArrowSchema(state));
  ARROW_ASSIGN_OR_RAISE(spec->input, ToArrowSchema(*df.schema()));
  return spec;
}

// The transformWithState node that runs `factory` for `api`.
arrow::Result<PlanPtr> GroupsWithStatePlan(const DataFrame& df, const std::vector<Column>& groups, bool group_by,
                                           StatefulProcessorFactory factory, const StructType& output,
                                           OutputMode mode, GroupStateTimeout timeout, const std::string& api,
                                           InitialStateRows initial_state = nullptr) {
  if (!group_by) return arrow::Status::Invalid(api, " needs groupBy(...), not a rollup, cube or grouping sets");
  auto spec = std::make_shared<TransformWithStateSpec>();
  spec->factory = std::move(factory);
  spec->output_mode = mode;
  spec->time_mode = TimeModeOf(timeout);
  spec->legacy_api = api;
  spec->initial_state = std::move(initial_state);
  spec->operator_name = api == "applyInPandasWithState" ? api : "flatMapGroupsWithState";  // Spark's names
  std::vector<ExprPtr> keys;
  for (const auto& g : groups) keys.push_back(g.expr());
  return MakeTransformWithState(df.plan(), keys, output, std::move(spec));
}

// What flatMapGroupsWithState or mapGroupsWithState (`api`) runs.
struct GroupsWithStateCall {
  std::string api;
  GroupsWithStateFunction func;
  const StructType& output;
  const StructType& state;
  std::string output_mode;
  std::string timeout;
};

arrow::Result<PlanPtr> GroupsWithStateQuery(const DataFrame& df, const std::vector<Column>& groups, bool group_by,
                                            GroupsWithStateCall call, InitialStateRows initial_state) {
  ARROW_ASSIGN_OR_RAISE(OutputMode mode, GroupsWithStateOutputMode(call.output_mode));
  ARROW_ASSIGN_OR_RAISE(auto spec, MakeSpec(df, std::move(call.func), call.state, call.timeout));
  spec->one_row_per_call = call.api == "mapGroupsWithState";
  spec->skip_initial_keys_without_rows =
      AsciiLower(df.session()->conf().Get(kSkipInitialKeysWithoutRows, "false")) == "true";
  return GroupsWithStatePlan(df, groups, group_by, GroupsWithStateProcessorFactory(spec), call.output, mode,
                             spec->timeout, call.api, std::move(initial_state));
}

// The rows of an initial state, as Spark checks it: a batch DataFrame grouped by
// keys of the query's key types (initial_state_rows.h), with the state's columns.
arrow::Result<InitialStateRows> GroupsWithStateInitialRows(const DataFrame& df, const std::vector<Column>& groups,
                                                           const DataFrame& initial,
                                                           const std::vector<Column>& initial_groups,
                                                           const StructType& state, const std::string& api) {
  ARROW_RETURN_NOT_OK(initial.status());
  if (initial.isStreaming()) {
    return LegacyAnalysisError(
        "Non-streaming DataFrame/Dataset is not supported as the initial state in [flatMap|map]GroupsWithState "
        "operation on a streaming DataFrame/Dataset",
        "_LEGACY_ERROR_TEMP_3102");
  }
  const StructTypePtr columns = initial.schema();
  for (const StructField& want : state.fields()) {
    const auto& got = columns->fields();
    auto same = [&](const StructField& f) { return f.name == want.name && *f.type == *want.type; };
    if (std::none_of(got.begin(), got.end(), same)) {
      return arrow::Status::Invalid(api, "'s initial state must have the state's columns, by name: ",
                                    state.SimpleString(), ", not ", columns->SimpleString());
    }
  }
  return InitialRows(df, groups, initial, initial_groups, api);
}

}  // namespace

DataFrame GroupedData::FlatMapGroupsWithState(GroupsWithStateFunction func, const StructType& output,
                                              const StructType& state, const std::string& output_mode,
                                              const std::string& timeout) const {
  if (!df_.ok()) return df_;
  GroupsWithStateCall call{"flatMapGroupsWithState", std::move(func), output, state, output_mode, timeout};
  return DataFrame(df_.session(),
                   GroupsWithStateQuery(df_, groups_, kind_ == Kind::kGroupBy, std::move(call), nullptr));
}

DataFrame GroupedData::FlatMapGroupsWithState(GroupsWithStateFunction func, const StructType& output,
                                              const StructType& state, const std::string& output_mode,
                                              const std::string& timeout, const GroupedData& initial_state) const {
  if (!df_.ok()) return df_;
  GroupsWithStateCall call{"flatMapGroupsWithState", std::move(func), output, state, output_mode, timeout};
  const bool group_by = kind_ == Kind::kGroupBy && initial_state.kind_ == Kind::kGroupBy;
  auto rows = GroupsWithStateInitialRows(df_, groups_, initial_state.df_, initial_state.groups_, state, call.api);
  if (!rows.ok()) return DataFrame(df_.session(), rows.status());
  return DataFrame(df_.session(), GroupsWithStateQuery(df_, groups_, group_by, std::move(call), std::move(*rows)));
}

DataFrame GroupedData::MapGroupsWithState(GroupsWithStateFunction func, const StructType& output,
                                          const StructType& state, const std::string& timeout) const {
  if (!df_.ok()) return df_;
  GroupsWithStateCall call{"mapGroupsWithState", std::move(func), output, state, "update", timeout};
  return DataFrame(df_.session(),
                   GroupsWithStateQuery(df_, groups_, kind_ == Kind::kGroupBy, std::move(call), nullptr));
}

DataFrame GroupedData::MapGroupsWithState(GroupsWithStateFunction func, const StructType& output,
                                          const StructType& state, const std::string& timeout,
                                          const GroupedData& initial_state) const {
  if (!df_.ok()) return df_;
  GroupsWithStateCall call{"mapGroupsWithState", std::move(func), output, state, "update", timeout};
  const bool group_by = kind_ == Kind::kGroupBy && initial_state.kind_ == Kind::kGroupBy;
  auto rows = GroupsWithStateInitialRows(df_, groups_, initial_state.df_, initial_state.groups_, state, call.api);
  if (!rows.ok()) return DataFrame(df_.session(), rows.status());
  return DataFrame(df_.session(), GroupsWithStateQuery(df_, groups_, group_by, std::move(call), std::move(*rows)));
}

DataFrame GroupedData::ApplyInPandasWithState(StatefulProcessorFactory factory, const StructType& output,
                                              const std::string& output_mode, const std::string& timeout) const {
  if (!df_.ok()) return df_;
  auto mode = GroupsWithStateOutputMode(output_mode);
  if (!mode.ok()) return DataFrame(df_.session(), mode.status());
  auto conf = ParseGroupStateTimeout(timeout);
  if (!conf.ok()) return DataFrame(df_.session(), conf.status());
  const bool group_by = kind_ == Kind::kGroupBy;
  return DataFrame(df_.session(), GroupsWithStatePlan(df_, groups_, group_by, std::move(factory), output, *mode,
                                                      *conf, "applyInPandasWithState"));
}

}  // namespace spate
