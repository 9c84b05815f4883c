#include "spate/streaming/long_running_checks.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/runtime_config.h"
#include "spate/expr/bound_expr.h"
#include "spate/streaming/source.h"

namespace spate {

namespace {

bool OneOf(const std::string& name, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return name == n; });
}

// Spark's node name of a plan node (nodeName in its messages).
std::string NodeName(const PlanNode& node) {
  switch (node.kind) {
    case PlanNode::Kind::kScan: {
      const std::string& d = node.source->description;
      return d.substr(0, d.find_first_of(" (["));
    }
    case PlanNode::Kind::kProject: return "Project";
    case PlanNode::Kind::kFilter: return "Filter";
    case PlanNode::Kind::kAggregate: return "Aggregate";
    case PlanNode::Kind::kJoin: return "Join";
    case PlanNode::Kind::kUnion: return "Union";
    case PlanNode::Kind::kIntersect: return "Intersect";
    case PlanNode::Kind::kExcept: return "Except";
    case PlanNode::Kind::kDistinct: return node.within_watermark ? "DeduplicateWithinWatermark" : "Deduplicate";
    case PlanNode::Kind::kSort: return "Sort";
    case PlanNode::Kind::kLimit: return "LocalLimit";
    case PlanNode::Kind::kGenerate: return "Generate";
    case PlanNode::Kind::kWatermark: return "EventTimeWatermark";
    case PlanNode::Kind::kWindow: return "Window";
    case PlanNode::Kind::kExpand: return "Expand";
    case PlanNode::Kind::kTransformWithState: return "TransformWithState";
  }
  return "?";
}

bool ReadsCurrentTime(const BoundExpr& e) {
  if (e.kind() == BoundExpr::Kind::kFunction &&
      OneOf(static_cast<const BoundFunction&>(e).function(),
            {"current_timestamp", "now", "current_date", "curdate", "localtimestamp"})) {
    return true;
  }
  return std::any_of(e.children().begin(), e.children().end(), [](const auto& c) { return ReadsCurrentTime(*c); });
}

bool NodeReadsCurrentTime(const PlanNode& node) {
  if (node.condition && ReadsCurrentTime(*node.condition)) return true;
  return std::any_of(node.exprs.begin(), node.exprs.end(), [](const auto& e) { return e && ReadsCurrentTime(*e); });
}

arrow::Status ContinuousError(const std::string& what) {
  return LegacyAnalysisError(fmt::format("Continuous processing does not support {} operations.", what),
                             "_LEGACY_ERROR_TEMP_3102");
}

// Spark's checkForContinuous: children first, each node's kind, then its expressions.
arrow::Status CheckContinuousPlan(const PlanNode& node) {
  for (const auto& child : node.children) ARROW_RETURN_NOT_OK(CheckContinuousPlan(*child));
  if (node.kind == PlanNode::Kind::kScan) {
    if (!node.source->stream) return ContinuousError(NodeName(node));
    const std::string name = node.source->stream->name();
    if (OneOf(name, {"kafka", "rate", "socket"})) return arrow::Status::OK();
    if (name.starts_with("FileSource[")) return ContinuousError("StreamingRelation");  // a V1 source in Spark
    return SparkError("_LEGACY_ERROR_TEMP_2253", "0A000",
                      fmt::format("Data source {} does not support continuous processing.", name));
  }
  if (node.kind != PlanNode::Kind::kProject && node.kind != PlanNode::Kind::kFilter) {
    return ContinuousError(NodeName(node));
  }
  if (NodeReadsCurrentTime(node)) {
    return LegacyAnalysisError("Continuous processing does not support current time operations.",
                               "_LEGACY_ERROR_TEMP_3102");
  }
  return arrow::Status::OK();
}

arrow::Status RealTimeError(const char* sub_class, const std::string& message) {
  return SparkError(std::string("STREAMING_REAL_TIME_MODE.") + sub_class, "0A000",
                    "Streaming real-time mode has the following limitation: " + message);
}

// Real-time mode runs what Spark 4.1's allowlist has (stateless operators,
// stream-static joins) and the stateful operators Spark 4.3 adds: streaming
// aggregations and deduplication, run in update mode.
void CollectRefusedOperators(const PlanNode& node, std::vector<std::string>* refused) {
  for (const auto& child : node.children) CollectRefusedOperators(*child, refused);
  bool allowed = OneOf(NodeName(node), {"Project", "Filter", "Expand", "Generate", "Union", "EventTimeWatermark",
                                        "Aggregate", "Deduplicate", "DeduplicateWithinWatermark"}) ||
                 node.kind == PlanNode::Kind::kScan;
  if (node.kind == PlanNode::Kind::kJoin) {  // a stream-static join (a broadcast hash join in Spark)
    allowed = !(IsStreamingPlan(*node.children[0]) && IsStreamingPlan(*node.children[1]));
  }
  std::string name = NodeName(node);
  if (!allowed && std::find(refused->begin(), refused->end(), name) == refused->end()) refused->push_back(name);
}

arrow::Status CheckRealTimeSources(const PlanNode& node) {
  for (const auto& child : node.children) ARROW_RETURN_NOT_OK(CheckRealTimeSources(*child));
  if (node.kind != PlanNode::Kind::kScan || !node.source->stream || node.source->stream->name() == "kafka") {
    return arrow::Status::OK();
  }
  return RealTimeError("INPUT_STREAM_NOT_SUPPORTED",
                       fmt::format("The input stream {} is not supported in Real-time Mode.", node.source->description));
}

// spark.sql.streaming.realTimeMode.minBatchDuration: milliseconds ("5000ms", "5s" or "5000").
arrow::Result<int64_t> MinBatchDurationMs(const RuntimeConfig& conf) {
  std::string text = conf.Get("spark.sql.streaming.realTimeMode.minBatchDuration", "5000ms");
  int64_t scale = 1;
  if (text.ends_with("ms")) {
    text.resize(text.size() - 2);
  } else if (text.ends_with("s")) {
    text.resize(text.size() - 1);
    scale = 1000;
  }
  size_t used = 0;
  int64_t n = -1;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception&) {
  }
  if (n < 0 || used != text.size() || text.empty()) {
    return arrow::Status::Invalid("spark.sql.streaming.realTimeMode.minBatchDuration should be a duration, got '",
                                  conf.Get("spark.sql.streaming.realTimeMode.minBatchDuration", ""), "'.");
  }
  return n * scale;
}

arrow::Status CheckRealTime(const PlanNode& plan, const Trigger& trigger, OutputMode mode,
                            const std::string& sink_format, const RuntimeConfig& conf) {
  if (mode != OutputMode::kUpdate) {
    std::string name = mode == OutputMode::kAppend ? "Append" : "Complete";
    return RealTimeError("OUTPUT_MODE_NOT_SUPPORTED",
                         fmt::format("The output mode {} is not supported. To work around this limitation, set the "
                                     "output mode to Update. In the future, {} may be supported.",
                                     name, name));
  }
  if (!OneOf(sink_format, {"kafka", "foreach", "console", "memory"})) {
    return RealTimeError("SINK_NOT_SUPPORTED",
                         fmt::format("The {} sink is currently not supported. See the Real-Time Mode User Guide for "
                                     "a list of supported sinks.",
                                     sink_format));
  }
  ARROW_RETURN_NOT_OK(CheckRealTimeSources(plan));
  std::vector<std::string> refused;
  CollectRefusedOperators(plan, &refused);
  if (!refused.empty()) {
    return RealTimeError("OPERATOR_OR_SINK_NOT_IN_ALLOWLIST",
                         fmt::format("The operator(s): {} not in the operator allowlist for Real-Time Mode. To "
                                     "bypass this check, set spark.sql.streaming.realTimeMode.allowlistCheck to "
                                     "false. By changing this, you agree to run the query at your own risk.",
                                     fmt::join(refused, ", ")));
  }
  ARROW_ASSIGN_OR_RAISE(int64_t min_ms, MinBatchDurationMs(conf));
  if (trigger.interval_ms < min_ms || trigger.interval_ms <= 0) {
    return SparkError("INVALID_STREAMING_REAL_TIME_MODE_TRIGGER_INTERVAL", "22023",
                      fmt::format("The real-time trigger interval is set to {} ms. This is less than the {} ms "
                                  "minimum specified by spark.sql.streaming.realTimeMode.minBatchDuration.",
                                  trigger.interval_ms, min_ms));
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Status CheckLongRunningQuery(const PlanNode& plan, const Trigger& trigger, OutputMode mode,
                                    const std::string& sink_format, const RuntimeConfig& conf) {
  if (trigger.kind == Trigger::Kind::kRealTime) return CheckRealTime(plan, trigger, mode, sink_format, conf);
  if (trigger.kind != Trigger::Kind::kContinuous) return arrow::Status::OK();
  if (sink_format == "foreachBatch") {
    return LegacyAnalysisError("'foreachBatch' is not supported with continuous trigger.", "_LEGACY_ERROR_TEMP_1195");
  }
  return CheckContinuousPlan(plan);
}

arrow::Status CheckLongRunningSink(const Trigger& trigger, const std::string& sink_format) {
  if (trigger.kind != Trigger::Kind::kContinuous) return arrow::Status::OK();
  if (OneOf(sink_format, {"kafka", "console", "memory", "noop", "foreach"})) return arrow::Status::OK();
  return arrow::Status::Invalid("Unknown type of trigger: ", trigger.ToString());
}

}  // namespace spate
