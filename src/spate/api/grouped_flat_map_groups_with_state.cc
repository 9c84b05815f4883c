// GroupedData::FlatMapGroupsWithState and MapGroupsWithState: Spark's checks
// of the modes, then transformWithState with the processor of
// exec/flat_map_groups_with_state.h.

#include <memory>

#include <arrow/type.h>

#include "spate/api/dataframe.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/exec/flat_map_groups_with_state.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

arrow::Status CheckOutputMode(const std::string& mode) {
  const std::string lower = AsciiLower(mode);
  if (lower == "append" || lower == "update") return arrow::Status::OK();
  if (lower == "complete") return arrow::Status::Invalid("The output mode of function should be append or update");
  return SparkError("STREAMING_OUTPUT_MODE.INVALID", "42KDE",
                    "Invalid streaming output mode: " + mode + ". Accepted output modes are 'Append', 'Complete', "
                    "'Update'.");
}

const char* TimeModeName(GroupStateTimeout timeout) {
  switch (TimeModeOf(timeout)) {
    case TimeMode::kProcessingTime: return "ProcessingTime";
    case TimeMode::kEventTime: return "EventTime";
    case TimeMode::kNone: break;
  }
  return "None";
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

}  // namespace

DataFrame GroupedData::FlatMapGroupsWithState(GroupsWithStateFunction func, const StructType& output,
                                              const StructType& state, const std::string& output_mode,
                                              const std::string& timeout) const {
  if (!df_.ok()) return df_;
  if (auto status = CheckOutputMode(output_mode); !status.ok()) return DataFrame(df_.session(), status);
  auto spec = MakeSpec(df_, std::move(func), state, timeout);
  if (!spec.ok()) return DataFrame(df_.session(), spec.status());
  const char* time_mode = TimeModeName((*spec)->timeout);
  return TransformWithState(GroupsWithStateProcessorFactory(*spec), output, output_mode, time_mode);
}

DataFrame GroupedData::MapGroupsWithState(GroupsWithStateFunction func, const StructType& output,
                                          const StructType& state, const std::string& timeout) const {
  if (!df_.ok()) return df_;
  auto spec = MakeSpec(df_, std::move(func), state, timeout);
  if (!spec.ok()) return DataFrame(df_.session(), spec.status());
  (*spec)->one_row_per_call = true;
  const char* time_mode = TimeModeName((*spec)->timeout);
  return TransformWithState(GroupsWithStateProcessorFactory(*spec), output, "Update", time_mode);
}

}  // namespace spate
