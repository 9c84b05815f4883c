// GroupedData::TransformWithState: groupBy(...).transformWithState(...).

#include "spate/api/dataframe.h"
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
                                     const std::string& event_time_column) {
  ARROW_RETURN_NOT_OK(df.status());
  auto spec = std::make_shared<TransformWithStateSpec>();
  spec->factory = std::move(factory);
  ARROW_ASSIGN_OR_RAISE(spec->output_mode, TransformOutputMode(output_mode));
  ARROW_ASSIGN_OR_RAISE(spec->time_mode, ParseTimeMode(time_mode));
  spec->event_time_column = event_time_column;
  return MakeTransformWithState(df.plan(), groups, output, std::move(spec));
}

}  // namespace

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
                                                event_time_column));
}

}  // namespace spate
