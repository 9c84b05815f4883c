#include "spate/plan/logical_plan.h"

#include <fmt/format.h>

#include "spate/plan/window_plan.h"

namespace spate {

namespace {

const char* KindName(PlanNode::Kind kind) {
  switch (kind) {
    case PlanNode::Kind::kScan: return "Relation";
    case PlanNode::Kind::kProject: return "Project";
    case PlanNode::Kind::kFilter: return "Filter";
    case PlanNode::Kind::kAggregate: return "Aggregate";
    case PlanNode::Kind::kJoin: return "Join";
    case PlanNode::Kind::kUnion: return "Union";
    case PlanNode::Kind::kIntersect: return "Intersect";
    case PlanNode::Kind::kExcept: return "Except";
    case PlanNode::Kind::kDistinct: return "Deduplicate";
    case PlanNode::Kind::kSort: return "Sort";
    case PlanNode::Kind::kLimit: return "GlobalLimit";
    case PlanNode::Kind::kGenerate: return "Generate";
    case PlanNode::Kind::kWatermark: return "EventTimeWatermark";
    case PlanNode::Kind::kWindow: return "Window";
    case PlanNode::Kind::kExpand: return "Expand";
    case PlanNode::Kind::kTransformWithState: return "TransformWithState";
  }
  return "?";
}

std::string ExprList(const std::vector<BoundExprPtr>& exprs) {
  std::string out;
  for (size_t i = 0; i < exprs.size(); ++i) out += (i ? ", " : "") + exprs[i]->name();
  return out;
}

// Window [calls], [partition keys], [order keys], as Spark's explain() prints it.
std::string DescribeWindow(const PlanNode& node) {
  std::string calls, order;
  for (const auto& c : node.window->calls) calls += (calls.empty() ? "" : ", ") + c.name;
  for (const auto& k : node.sort_keys) {
    order += fmt::format("{}{} {} NULLS {}", order.empty() ? "" : ", ", k.expr->name(),
                         k.ascending ? "ASC" : "DESC", k.nulls_first ? "FIRST" : "LAST");
  }
  return fmt::format("Window [{}], [{}], [{}]", calls, ExprList(node.exprs), order);
}

std::string Describe(const PlanNode& node) {
  std::string cols;
  for (size_t i = 0; i < node.output.size(); ++i) cols += (i ? "," : "") + node.output[i].name;
  switch (node.kind) {
    case PlanNode::Kind::kScan:
      return fmt::format("{} [{}]", node.source->description, cols);
    case PlanNode::Kind::kProject:
      return fmt::format("Project [{}]", cols);
    case PlanNode::Kind::kFilter:
      return fmt::format("Filter {}", node.condition->name());
    case PlanNode::Kind::kAggregate: {
      std::string aggs;
      for (size_t i = 0; i < node.aggregates.size(); ++i) aggs += (i ? ", " : "") + node.aggregates[i].name;
      return fmt::format("Aggregate [{}], [{}]", ExprList(node.exprs), aggs);
    }
    case PlanNode::Kind::kJoin:
      return fmt::format("Join {}{}", JoinTypeName(node.join_type),
                         node.left_keys.empty() && !node.condition
                             ? ""
                             : fmt::format(", keys [{}] = [{}]{}", ExprList(node.left_keys),
                                           ExprList(node.right_keys),
                                           node.condition ? ", " + node.condition->name() : ""));
    case PlanNode::Kind::kSort: {
      std::string keys;
      for (size_t i = 0; i < node.sort_keys.size(); ++i) {
        const auto& k = node.sort_keys[i];
        keys += fmt::format("{}{} {} NULLS {}", i ? ", " : "", k.expr->name(),
                            k.ascending ? "ASC" : "DESC", k.nulls_first ? "FIRST" : "LAST");
      }
      return fmt::format("Sort [{}], true", keys);
    }
    case PlanNode::Kind::kLimit:
      if (node.offset > 0) return fmt::format("GlobalLimit {}, Offset {}", node.limit, node.offset);
      return fmt::format("GlobalLimit {}", node.limit);
    case PlanNode::Kind::kDistinct:
      return fmt::format("{} [{}]", node.within_watermark ? "DeduplicateWithinWatermark" : "Deduplicate",
                         ExprList(node.exprs));
    case PlanNode::Kind::kGenerate:
      return fmt::format("Generate {}({}), [{}]", node.generate_position ? "posexplode" : "explode",
                         ExprList(node.exprs), cols);
    case PlanNode::Kind::kWatermark:
      return fmt::format("EventTimeWatermark {}, {} milliseconds", node.exprs[0]->name(), node.watermark_delay_ms);
    case PlanNode::Kind::kWindow:
      return DescribeWindow(node);
    case PlanNode::Kind::kIntersect:
    case PlanNode::Kind::kExcept:
      return fmt::format("{} {}", KindName(node.kind), node.set_all ? "All true" : "false");
    case PlanNode::Kind::kExpand: {
      std::string sets;
      for (const auto& p : node.projections) sets += fmt::format("{}[{}]", sets.empty() ? "" : ", ", ExprList(p));
      return fmt::format("Expand [{}], [{}]", sets, cols);
    }
    default:
      return KindName(node.kind);
  }
}

void AppendTree(const PlanNode& node, int depth, std::string* out) {
  if (depth > 0) *out += std::string((depth - 1) * 3, ' ') + "+- ";
  *out += Describe(node) + "\n";
  for (const auto& child : node.children) AppendTree(*child, depth + 1, out);
}

}  // namespace

bool IsStreamingPlan(const PlanNode& plan) {
  if (plan.kind == PlanNode::Kind::kScan && plan.source->stream) return true;
  for (const auto& child : plan.children) {
    if (IsStreamingPlan(*child)) return true;
  }
  return false;
}

StructTypePtr PlanNode::Schema() const {
  std::vector<StructField> fields;
  for (const auto& a : output) {
    // Spark's field metadata of event-time columns and time windows.
    std::string metadata = a.metadata_json.size() > 2 ? a.metadata_json.substr(1, a.metadata_json.size() - 2) : "";
    auto add = [&](const std::string& key, const std::string& value) {
      if (metadata.find("\"" + key + "\"") != std::string::npos) return;
      metadata += fmt::format("{}\"{}\":{}", metadata.empty() ? "" : ",", key, value);
    };
    if (!a.window_marker.empty()) add(a.window_marker, "true");
    if (a.watermark_delay_ms >= 0) add("spark.watermarkDelayMs", std::to_string(a.watermark_delay_ms));
    fields.push_back({a.name, a.type, a.nullable, "{" + metadata + "}"});
  }
  return types::Struct(std::move(fields));
}

std::string PlanNode::TreeString() const {
  std::string out;
  AppendTree(*this, 0, &out);
  return out;
}

}  // namespace spate
