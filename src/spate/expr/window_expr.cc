#include "spate/expr/window_expr.h"

#include <algorithm>

#include <arrow/scalar.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"

namespace spate {

namespace {

std::string StringArg(const Expr& e) {
  if (e.kind != ExprKind::kLiteral || !e.literal || !e.literal->is_valid) return "";
  return e.literal->ToString();
}

ExprPtr BoundValue(const ExprPtr& value) { return value ? value : ex::Null(); }

FrameBoundSpec DecodeBound(const Expr& kind, const ExprPtr& value) {
  FrameBoundSpec out{StringArg(kind)};
  if (out.kind == "PRECEDING" || out.kind == "FOLLOWING" || out.kind == "OFFSET") out.value = value;
  return out;
}

WindowSpecParts DecodeSpec(const Expr& e) {
  WindowSpecParts spec;
  spec.partition = e.args[1]->args;
  spec.order = e.args[2]->args;
  const Expr& frame = *e.args[3];
  spec.frame_type = StringArg(*frame.args[0]);
  spec.lower = DecodeBound(*frame.args[1], frame.args[2]);
  spec.upper = DecodeBound(*frame.args[3], frame.args[4]);
  spec.reference = StringArg(*e.args[5]);
  return spec;
}

std::string JoinTexts(const std::vector<ExprPtr>& exprs, bool sql) {
  std::string out;
  for (size_t i = 0; i < exprs.size(); ++i) out += (i ? ", " : "") + (sql ? exprs[i]->ToSql() : exprs[i]->ToString());
  return out;
}

}  // namespace

bool IsWindowExpr(const Expr& e) {
  return e.kind == ExprKind::kCall && e.name == kWindowCall && e.args.size() == 6;
}

WindowExprParts DecodeWindow(const Expr& e) {
  WindowExprParts parts;
  parts.function = e.args[0];
  parts.spec = DecodeSpec(e);
  const Expr& ignore = *e.args[4];
  parts.ignore_nulls = ignore.kind == ExprKind::kLiteral && ignore.literal && ignore.literal->is_valid &&
                       ignore.literal->ToString() == "true";
  return parts;
}

namespace ex {
ExprPtr Window(const WindowExprParts& parts) {
  const WindowSpecParts& s = parts.spec;
  ExprPtr frame = Call("__frame__", {String(s.frame_type), String(s.lower.kind), BoundValue(s.lower.value),
                                     String(s.upper.kind), BoundValue(s.upper.value)});
  return Call(kWindowCall, {parts.function, Call("__partition__", s.partition), Call("__order__", s.order),
                            frame, Bool(parts.ignore_nulls), String(s.reference)});
}
}  // namespace ex

arrow::Result<ExprPtr> SubstituteNamedWindows(
    const ExprPtr& e, const std::vector<std::pair<std::string, WindowSpecParts>>& windows) {
  if (IsWindowExpr(*e)) {
    WindowExprParts parts = DecodeWindow(*e);
    if (parts.spec.reference.empty()) return e;
    std::string name = parts.spec.reference;
    for (int hops = 0; hops <= static_cast<int>(windows.size()); ++hops) {
      auto it = std::find_if(windows.begin(), windows.end(), [&](const auto& w) {
        return EqualsIgnoreCase(w.first, name);
      });
      if (it == windows.end()) {
        return SparkError("MISSING_WINDOW_SPECIFICATION", "42P20",
                          fmt::format("Window specification is not defined in the WINDOW clause for {}. For "
                                      "more information about WINDOW clauses, please refer to "
                                      "'https://spark.apache.org/docs/latest/sql-ref-syntax-qry-select-window.html'.",
                                      name));
      }
      if (it->second.reference.empty()) {
        parts.spec = it->second;
        return ex::Window(parts);
      }
      name = it->second.reference;  // WINDOW w2 AS w1
    }
    return SparkError("MISSING_WINDOW_SPECIFICATION", "42P20",
                      fmt::format("Window specification is not defined in the WINDOW clause for {}.", name));
  }
  if (e->args.empty()) return e;
  Expr copy = *e;
  bool changed = false;
  for (auto& a : copy.args) {
    ARROW_ASSIGN_OR_RAISE(auto replaced, SubstituteNamedWindows(a, windows));
    changed = changed || replaced != a;
    a = std::move(replaced);
  }
  return changed ? ex::Node(std::move(copy)) : e;
}

std::string FrameBoundText(const FrameBoundSpec& bound, const std::string& value_text) {
  if (bound.kind == "PRECEDING" || bound.kind == "FOLLOWING") return value_text + " " + bound.kind;
  if (bound.kind == "OFFSET") return value_text + " FOLLOWING";
  return bound.kind;
}

std::string RenderWindowExpr(const Expr& e, bool sql) {
  WindowExprParts parts = DecodeWindow(e);
  const WindowSpecParts& s = parts.spec;
  std::vector<std::string> clauses;
  if (!s.reference.empty()) clauses.push_back(s.reference);
  if (!s.partition.empty()) clauses.push_back("PARTITION BY " + JoinTexts(s.partition, sql));
  if (!s.order.empty()) clauses.push_back("ORDER BY " + JoinTexts(s.order, sql));
  if (!s.frame_type.empty()) {
    auto text = [&](const FrameBoundSpec& b) {
      return FrameBoundText(b, b.value ? (sql ? b.value->ToSql() : b.value->ToString()) : "");
    };
    clauses.push_back(fmt::format("{} BETWEEN {} AND {}", s.frame_type, text(s.lower), text(s.upper)));
  }
  std::string spec;
  for (size_t i = 0; i < clauses.size(); ++i) spec += (i ? " " : "") + clauses[i];
  std::string fn = sql ? parts.function->ToSql() : parts.function->ToString();
  if (parts.ignore_nulls) fn += " IGNORE NULLS";
  return fmt::format("{} OVER ({})", fn, spec);
}

}  // namespace spate

namespace spate {

std::vector<ExprPtr> WindowInputs(const Expr& e) {
  WindowExprParts parts = DecodeWindow(e);
  std::vector<ExprPtr> out = parts.function->args;
  out.insert(out.end(), parts.spec.partition.begin(), parts.spec.partition.end());
  out.insert(out.end(), parts.spec.order.begin(), parts.spec.order.end());
  return out;
}

bool ContainsWindow(const Expr& e) {
  if (IsWindowExpr(e)) return true;
  for (const auto& a : e.args) {
    if (ContainsWindow(*a)) return true;
  }
  return false;
}

}  // namespace spate

namespace spate {

bool IsWindowOnlyFunction(const std::string& name) {
  static const char* const kNames[] = {"row_number", "rank",  "dense_rank", "percent_rank", "cume_dist",
                                       "ntile",      "lag",   "lead",       "nth_value"};
  for (const char* n : kNames) {
    if (name == n) return true;
  }
  return false;
}

}  // namespace spate
