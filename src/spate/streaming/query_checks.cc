#include "spate/streaming/query_checks.h"

#include <functional>
#include <vector>

#include <fmt/format.h>

#include "spate/aggregates/aggregate_definitions.h"
#include "spate/common/runtime_config.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/plan/stateful_processor.h"
#include "spate/plan/stream_join_watermark.h"
#include "spate/plan/window_plan.h"

namespace spate {

namespace {

// Spark's UnsupportedOperationChecker error: [_LEGACY_ERROR_TEMP_3102] and the message.
arrow::Status UnsupportedOperation(std::string_view message) {
  return LegacyAnalysisError(message, "_LEGACY_ERROR_TEMP_3102");
}

void Collect(const PlanNode& node, const std::function<bool(const PlanNode&)>& match,
             std::vector<const PlanNode*>* out) {
  if (match(node)) out->push_back(&node);
  for (const auto& c : node.children) Collect(*c, match, out);
}

bool IsStreamingAggregate(const PlanNode& n) { return n.kind == PlanNode::Kind::kAggregate && IsStreamingPlan(n); }

bool HasEventTimeKey(const PlanNode& aggregate) {
  for (size_t i = 0; i < aggregate.exprs.size(); ++i) {
    if (aggregate.output[i].watermark_delay_ms >= 0) return true;
  }
  return false;
}

bool HasEventTimeColumn(const std::vector<Attribute>& attributes) {
  for (const auto& a : attributes) {
    if (a.watermark_delay_ms >= 0) return true;
  }
  return false;
}

// Spark's isStatefulOperation: deduplication counts only with an event-time key.
bool CountsAsStateful(const PlanNode& n) {
  if (!IsStreamingPlan(n)) return false;
  if (n.kind == PlanNode::Kind::kAggregate) return true;
  if (n.kind == PlanNode::Kind::kDistinct) {
    if (n.within_watermark) return true;
    for (const auto& e : n.exprs) {
      int index = static_cast<const BoundColumn&>(*e).index();
      if (n.children[0]->output[index].watermark_delay_ms >= 0) return true;
    }
  }
  return false;
}

// Spark's checkStreamingQueryGlobalWatermarkLimit: a stateful operator after
// an aggregation that emits in update/complete mode may see its rows as late.
arrow::Status CheckChainedStatefulOperators(const PlanNode& plan, OutputMode mode, const RuntimeConfig& conf) {
  if (mode == OutputMode::kAppend) return arrow::Status::OK();
  std::vector<const PlanNode*> stateful;
  Collect(plan, CountsAsStateful, &stateful);
  for (const PlanNode* op : stateful) {
    std::vector<const PlanNode*> below;
    for (const auto& c : op->children) Collect(*c, IsStreamingAggregate, &below);
    if (below.empty() || !conf.GetBool("spark.sql.streaming.statefulOperator.checkCorrectness.enabled")) continue;
    return LegacyAnalysisError(
        "Detected pattern of possible 'correctness' issue due to global watermark. The query contains "
        "stateful operation which can emit rows older than the current watermark plus allowed late "
        "record delay, which are \"late rows\" in downstream stateful operations and these rows can be "
        "discarded. Please refer the programming guide doc for more details. If you understand the "
        "possible risk of correctness issue and still need to run the query, you can disable this check "
        "by setting the config `spark.sql.streaming.statefulOperator.checkCorrectness.enabled` to false.");
  }
  return arrow::Status::OK();
}

// Window functions (OVER) on a stream: only time windows (window(...)) are supported.
arrow::Status NonTimeWindowError(const PlanNode& window) {
  const WindowCall& call = window.window->calls.front();
  const size_t over = call.name.find(" OVER (");
  return SparkError("NON_TIME_WINDOW_NOT_SUPPORTED_IN_STREAMING", "42KDE",
                    fmt::format("Window function is not supported in {} (as column `{}`) on streaming "
                                "DataFrames/Datasets.\nStructured Streaming only supports time-window aggregation "
                                "using the WINDOW function. (window specification: {})",
                                AsciiUpper(call.name.substr(0, over)), call.column.empty() ? call.name : call.column,
                                AsciiUpper(call.name.substr(over + 6))));
}

// An outer or semi join of two streams needs a watermark in its keys, or a
// time range that bounds the state of a side with a watermark.
arrow::Status CheckStreamStreamJoinWatermark(const PlanNode& join) {
  bool bounded = false;
  switch (join.join_type) {
    case JoinType::kLeftOuter:
    case JoinType::kLeftSemi: bounded = !StateValueBounds(join, 0).empty(); break;
    case JoinType::kRightOuter: bounded = !StateValueBounds(join, 1).empty(); break;
    case JoinType::kFullOuter: bounded = !StateValueBounds(join, 0).empty() || !StateValueBounds(join, 1).empty(); break;
    default:
      return UnsupportedOperation(fmt::format("Join type {} is not supported with streaming DataFrame/Dataset",
                                             JoinTypeName(join.join_type)));
  }
  if (bounded || WatermarkKeyOrdinal(join)) return arrow::Status::OK();
  return UnsupportedOperation(fmt::format(
      "Stream-stream {} join between two streaming DataFrame/Datasets is not supported without a watermark in "
      "the join keys, or a watermark on the nullable side and an appropriate range condition",
      JoinTypeName(join.join_type)));
}

// Spark's UnsupportedOperationChecker rules for joins with a stream on either side.
arrow::Status CheckJoin(const PlanNode& join, OutputMode mode) {
  const bool left = IsStreamingPlan(*join.children[0]), right = IsStreamingPlan(*join.children[1]);
  if (left && right && mode != OutputMode::kAppend) {
    return UnsupportedOperation(fmt::format(
        "Join between two streaming DataFrames/Datasets is not supported in {} output mode, only in Append output "
        "mode",
        OutputModeName(mode)));
  }
  const char* type = JoinTypeName(join.join_type);
  switch (join.join_type) {
    case JoinType::kInner:
    case JoinType::kCross: return arrow::Status::OK();
    case JoinType::kFullOuter:
      if (left != right) {
        return UnsupportedOperation(fmt::format(
            "FullOuter joins with streaming DataFrames/Datasets on the {} and a static DataFrame/Dataset on the {} "
            "is not supported",
            left ? "left" : "right", left ? "right" : "left"));
      }
      break;
    case JoinType::kLeftAnti:
      if (right) return UnsupportedOperation("LeftAnti joins with a streaming DataFrame/Dataset on the right are not supported");
      return arrow::Status::OK();
    case JoinType::kLeftOuter:
    case JoinType::kLeftSemi:
      if (!left && right) {
        return UnsupportedOperation(fmt::format(
            "{} join with a streaming DataFrame/Dataset on the right and a static DataFrame/Dataset on the left is "
            "not supported",
            type));
      }
      break;
    case JoinType::kRightOuter:
      if (left && !right) {
        return UnsupportedOperation(
            "RightOuter join with a streaming DataFrame/Dataset on the left and a static DataFrame/DataSet on the "
            "right not supported");
      }
      break;
  }
  return left && right ? CheckStreamStreamJoinWatermark(join) : arrow::Status::OK();
}

// Spark's checks of flatMapGroupsWithState, mapGroupsWithState and applyInPandasWithState
// (`api`, run as a transformWithState node) against the query's output mode.
arrow::Status CheckGroupsWithState(const PlanNode& n, OutputMode mode, bool has_aggregate) {
  const std::string& api = n.transform->legacy_api;
  if (api.empty() || !IsStreamingPlan(n)) return arrow::Status::OK();
  if (api == "mapGroupsWithState") {
    if (has_aggregate) {
      return UnsupportedOperation(
          "mapGroupsWithState is not supported with aggregation on a streaming DataFrame/Dataset");
    }
    if (mode != OutputMode::kUpdate) {
      return UnsupportedOperation(fmt::format(
          "mapGroupsWithState is not supported with {} output mode on a streaming DataFrame/Dataset",
          OutputModeName(mode)));
    }
    return arrow::Status::OK();
  }
  const OutputMode own = n.transform->output_mode;
  if (!has_aggregate && own != mode) {
    return UnsupportedOperation(fmt::format("{} in {} mode is not supported with {} output mode on a streaming "
                                            "DataFrame/Dataset",
                                            api, AsciiLower(OutputModeName(own)), OutputModeName(mode)));
  }
  if (has_aggregate && own == OutputMode::kUpdate) {
    return UnsupportedOperation(
        fmt::format("{} in update mode is not supported with aggregation on a streaming DataFrame/Dataset", api));
  }
  return arrow::Status::OK();
}

arrow::Status CheckNode(const PlanNode& n, OutputMode mode, bool has_aggregate) {
  const bool streaming = IsStreamingPlan(n);
  switch (n.kind) {
    case PlanNode::Kind::kAggregate:
      for (const auto& call : n.aggregates) {
        if (streaming && !StreamingAggregateSupported(call)) {
          return UnsupportedOperation(
              "Distinct aggregations are not supported on streaming DataFrames/Datasets. Consider using "
              "approx_count_distinct() instead.");
        }
      }
      break;
    case PlanNode::Kind::kDistinct:
      if (streaming && n.within_watermark && !HasEventTimeColumn(n.children[0]->output)) {
        return UnsupportedOperation(
            "dropDuplicatesWithinWatermark is not supported on streaming DataFrames/DataSets without "
            "watermark");
      }
      break;
    case PlanNode::Kind::kJoin:
      ARROW_RETURN_NOT_OK(CheckJoin(n, mode));
      break;
    case PlanNode::Kind::kExcept:
    case PlanNode::Kind::kIntersect: {
      bool left = IsStreamingPlan(*n.children[0]), right = IsStreamingPlan(*n.children[1]);
      if (n.kind == PlanNode::Kind::kExcept && right) {
        return UnsupportedOperation("Except on a streaming DataFrame/Dataset on the right is not supported");
      }
      if (n.kind == PlanNode::Kind::kIntersect && (left || right)) {
        return UnsupportedOperation("Intersect of streaming DataFrames/Datasets is not supported");
      }
      if (left) {
        return arrow::Status::NotImplemented(
            "EXCEPT of a streaming DataFrame with a static one is not supported yet; apply it in foreachBatch.");
      }
      break;
    }
    case PlanNode::Kind::kSort:
      if (streaming && !(has_aggregate && mode == OutputMode::kComplete)) {
        return UnsupportedOperation(
            "Sorting is not supported on streaming DataFrames/Datasets, unless it is on aggregated "
            "DataFrame/Dataset in Complete output mode");
      }
      break;
    case PlanNode::Kind::kLimit:
      if (!streaming) break;
      if (n.offset > 0) return UnsupportedOperation("Offset is not supported on streaming DataFrames/Datasets");
      if (mode == OutputMode::kUpdate) {
        return UnsupportedOperation("Limits are not supported on streaming DataFrames/Datasets in Update output mode");
      }
      if (!(has_aggregate && mode == OutputMode::kComplete)) {
        return arrow::Status::NotImplemented(
            "A limit on a streaming DataFrame in Append output mode is not supported yet; apply it in "
            "foreachBatch, or on an aggregation in Complete output mode.");
      }
      break;
    case PlanNode::Kind::kWindow:
      if (streaming) return NonTimeWindowError(n);
      break;
    case PlanNode::Kind::kTransformWithState:
      ARROW_RETURN_NOT_OK(CheckGroupsWithState(n, mode, has_aggregate));
      break;
    default:
      break;
  }
  for (const auto& c : n.children) ARROW_RETURN_NOT_OK(CheckNode(*c, mode, has_aggregate));
  return arrow::Status::OK();
}

// [STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION], Spark 4.1's error for an output mode the
// query's operators do not allow.
arrow::Status UnsupportedOutputMode(const char* mode, const char* operation) {
  return SparkError("STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION", "42KDE",
                    fmt::format("Invalid streaming output mode: {}. This output mode is not supported "
                                "for {} on streaming DataFrames/DataSets.",
                                mode, operation));
}

}  // namespace

arrow::Status CheckStreamingPlan(const PlanNode& plan) {
  std::vector<const PlanNode*> joins;
  Collect(plan, [](const PlanNode& n) {
    return n.kind == PlanNode::Kind::kJoin && IsStreamingPlan(*n.children[0]) && IsStreamingPlan(*n.children[1]);
  }, &joins);
  for (const PlanNode* join : joins) {
    if (join->left_keys.empty()) {
      return LegacyAnalysisError("Stream-stream join without equality predicate is not supported.;\n" +
                                     join->TreeString(),
                                 "_LEGACY_ERROR_TEMP_1181");
    }
    for (const auto& side : join->children) {
      std::string columns;
      int count = 0;
      for (const Attribute& a : side->output) {
        if (a.watermark_delay_ms < 0) continue;
        columns += fmt::format("{}{}-T{}ms", count++ ? "," : "", a.name, a.watermark_delay_ms);
      }
      if (count > 1) {
        return LegacyAnalysisError(fmt::format("More than one event time columns are available. Please ensure there "
                                               "is at most one event time column per stream. event time columns: ({})",
                                               columns),
                                   "_LEGACY_ERROR_TEMP_3077");
      }
    }
  }
  return arrow::Status::OK();
}

arrow::Status CheckStreamingQuery(const PlanNode& plan, OutputMode mode, const RuntimeConfig& conf) {
  if (!IsStreamingPlan(plan)) {
    return UnsupportedOperation("Queries without streaming sources cannot be executed with writeStream.start();");
  }
  std::vector<const PlanNode*> aggregates;
  Collect(plan, IsStreamingAggregate, &aggregates);
  if (mode == OutputMode::kAppend && !aggregates.empty() && !HasEventTimeKey(*aggregates.front())) {
    return UnsupportedOutputMode("append", "streaming aggregations without watermark");
  }
  if (mode == OutputMode::kUpdate && !aggregates.empty() && aggregates.front()->session_window_key >= 0) {
    return UnsupportedOutputMode("update", "session window streaming aggregations");
  }
  if (mode == OutputMode::kComplete && aggregates.empty()) {
    return UnsupportedOutputMode("complete", "no streaming aggregations");
  }
  ARROW_RETURN_NOT_OK(CheckNode(plan, mode, !aggregates.empty()));
  return CheckChainedStatefulOperators(plan, mode, conf);
}

}  // namespace spate
