// GroupedData::FlatMapGroupsWithState, MapGroupsWithState and
// ApplyInPandasWithState (the plan of Python's API): Spark's checks
// of the modes, then transformWithState with the processor of
// exec/flat_map_groups_with_state.h.

#include <memory>

#include <arrow/type.h>

#include "spate/api/dataframe.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/exec/flat_map_groups_with_state.h"
#include "spate/plan/output_mode.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

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
                                           OutputMode mode, GroupStateTimeout timeout, const std::string& api) {
  if (!group_by) return arrow::Status::Invalid(api, " needs groupBy(...), not a rollup, cube or grouping sets");
  auto spec = std::make_shared<TransformWithStateSpec>();
  spec->factory = std::move(factory);
  spec->output_mode = mode;
  spec->time_mode = TimeModeOf(timeout);
  spec->legacy_api = api;
  spec->operator_name = api == "applyInPandasWithState" ? api : "flatMapGroupsWithState";  // Spark's names
  std::vector<ExprPtr> keys;
  for (const auto& g : groups) keys.push_back(g.expr());
  return MakeTransformWithState(df.plan(), keys, output, std::move(spec));
}

}  // namespace

DataFrame GroupedData::FlatMapGroupsWithState(GroupsWithStateFunction func, const StructType& output,
                                              const StructType& state, const std::string& output_mode,
                                              const std::string& timeout) const {
  if (!df_.ok()) return df_;
  auto mode = GroupsWithStateOutputMode(output_mode);
  if (!mode.ok()) return DataFrame(df_.session(), mode.status());
  auto spec = MakeSpec(df_, std::move(func), state, timeout);
  if (!spec.ok()) return DataFrame(df_.session(), spec.status());
  auto factory = GroupsWithStateProcessorFactory(*spec);
  const bool group_by = kind_ == Kind::kGroupBy;
  return DataFrame(df_.session(), GroupsWithStatePlan(df_, groups_, group_by, std::move(factory), output, *mode,
                                                      (*spec)->timeout, "flatMapGroupsWithState"));
}

DataFrame GroupedData::MapGroupsWithState(GroupsWithStateFunction func, const StructType& output,
                                          const StructType& state, const std::string& timeout) const {
  if (!df_.ok()) return df_;
  auto spec = MakeSpec(df_, std::move(func), state, timeout);
  if (!spec.ok()) return DataFrame(df_.session(), spec.status());
  (*spec)->one_row_per_call = true;
  auto factory = GroupsWithStateProcessorFactory(*spec);
  const bool group_by = kind_ == Kind::kGroupBy;
  return DataFrame(df_.session(), GroupsWithStatePlan(df_, groups_, group_by, std::move(factory), output,
                                                      OutputMode::kUpdate, (*spec)->timeout, "mapGroupsWithState"));
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
