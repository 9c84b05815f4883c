#pragma once

// Window expressions before analysis: f(...) OVER (PARTITION BY p ORDER BY o frame)
// travels as the call
//   __window__(f(...), __partition__(p...), __order__(o...),
//              __frame__(type, lower kind, lower value, upper kind, upper value),
//              ignore_nulls, reference)
// so that the SQL parser and the DataFrame API (Column.over) build the same tree
// with the ordinary expression factories. `type` is "ROWS", "RANGE" or "" (the
// default frame); a bound kind is "UNBOUNDED PRECEDING", "PRECEDING", "CURRENT ROW",
// "FOLLOWING", "UNBOUNDED FOLLOWING" or "OFFSET" (a signed DataFrame offset, as
// rowsBetween(-1, 1) gives it); `reference` names a WINDOW-clause window (OVER w)
// not yet substituted ("" when none).

#include <string>
#include <vector>

#include "spate/expr/expression.h"

namespace spate {

inline constexpr const char* kWindowCall = "__window__";

struct FrameBoundSpec {
  std::string kind = "CURRENT ROW";
  ExprPtr value{};  // PRECEDING / FOLLOWING / OFFSET: the literal offset
};

struct WindowSpecParts {
  std::vector<ExprPtr> partition;
  std::vector<ExprPtr> order;  // kSortOrder nodes
  std::string frame_type;      // "ROWS", "RANGE" or "" for the default frame
  FrameBoundSpec lower{"UNBOUNDED PRECEDING"}, upper{"CURRENT ROW"};
  std::string reference;       // OVER w, before substitution
};

struct WindowExprParts {
  ExprPtr function;
  WindowSpecParts spec;
  bool ignore_nulls = false;  // lag/lead(...) IGNORE NULLS
};

bool IsWindowExpr(const Expr& e);
/// The parts of a __window__ call (IsWindowExpr must hold).
WindowExprParts DecodeWindow(const Expr& e);

namespace ex {
ExprPtr Window(const WindowExprParts& parts);
}  // namespace ex

/// `e` with every OVER w replaced by the named window's spec; an unknown
/// name is MISSING_WINDOW_SPECIFICATION.
arrow::Result<ExprPtr> SubstituteNamedWindows(
    const ExprPtr& e, const std::vector<std::pair<std::string, WindowSpecParts>>& windows);

/// Spark's text for a frame bound and a spec, from the texts of its parts.
std::string FrameBoundText(const FrameBoundSpec& bound, const std::string& value_text);
/// The unresolved text of a window expression (Column's repr).
std::string RenderWindowExpr(const Expr& e, bool sql);

}  // namespace spate

namespace spate {

/// The expressions a window expression evaluates below its window: the
/// function's arguments and the PARTITION BY and ORDER BY keys.
std::vector<ExprPtr> WindowInputs(const Expr& e);

/// Whether `e` contains a window expression.
bool ContainsWindow(const Expr& e);

}  // namespace spate

namespace spate {

/// row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead,
/// nth_value: functions that only exist over a window.
bool IsWindowOnlyFunction(const std::string& name);

}  // namespace spate
