#include "spate/expr/shared_subexpressions.h"

#include <algorithm>
#include <string>

#include <arrow/api.h>

#include "spate/expr/function_registry.h"

namespace spate {

bool SameExpression(const BoundExpr& a, const BoundExpr& b) {
  if (&a == &b) return true;
  if (a.kind() != b.kind() || a.name() != b.name() || a.nullable() != b.nullable() ||
      !a.type()->Equals(*b.type()) || a.children().size() != b.children().size()) {
    return false;
  }
  switch (a.kind()) {
    case BoundExpr::Kind::kColumn:
      return static_cast<const BoundColumn&>(a).index() == static_cast<const BoundColumn&>(b).index();
    case BoundExpr::Kind::kLiteral:
      return static_cast<const BoundLiteral&>(a).value()->Equals(
          *static_cast<const BoundLiteral&>(b).value());
    case BoundExpr::Kind::kFunction:
      break;
  }
  const auto& fa = static_cast<const BoundFunction&>(a);
  const auto& fb = static_cast<const BoundFunction&>(b);
  if (fa.function() != fb.function() || fa.lazy() != fb.lazy()) return false;
  for (size_t i = 0; i < a.children().size(); ++i) {
    if (!SameExpression(*a.children()[i], *b.children()[i])) return false;
  }
  return true;
}

namespace {

struct Occurrences {
  BoundExprPtr expr;
  int count = 0;
};

bool Deterministic(const BoundExpr& e) {
  if (e.kind() == BoundExpr::Kind::kFunction &&
      !IsDeterministic(static_cast<const BoundFunction&>(e).function())) {
    return false;
  }
  return std::all_of(e.children().begin(), e.children().end(),
                     [](const BoundExprPtr& c) { return Deterministic(*c); });
}

int Size(const BoundExpr& e) {
  int n = 1;
  for (const auto& c : e.children()) n += Size(*c);
  return n;
}

// Counts the deterministic calls in `e` that run on every row. The arguments
// of a call seen before were counted at its first sight: it will run once.
void Count(const BoundExprPtr& e, std::vector<Occurrences>* seen) {
  if (e->kind() != BoundExpr::Kind::kFunction) return;
  const auto& f = static_cast<const BoundFunction&>(*e);
  if (f.lazy()) return;  // its arguments run on the rows it picks
  if (Deterministic(f)) {
    auto it = std::find_if(seen->begin(), seen->end(),
                           [&](const Occurrences& o) { return SameExpression(*o.expr, f); });
    if (it != seen->end()) {
      ++it->count;
      return;
    }
    seen->push_back({e, 1});
  }
  const auto& args = f.children();
  const size_t n = args.size();
  if (n > 1 && IsNullIntolerant(f.function())) {
    // Only the argument that runs first sees every row (BoundFunction::Evaluate).
    Count(args[EvaluatesDivisorFirst(f.function()) ? n - 1 : 0], seen);
    return;
  }
  for (const auto& arg : args) Count(arg, seen);
}

// `e` reading the first `available` shared calls from the columns after the
// input's, wherever they occur outside lazy calls.
BoundExprPtr ReadShared(const BoundExprPtr& e, const std::vector<BoundExprPtr>& shared,
                        size_t available, int input_columns) {
  for (size_t k = 0; k < available; ++k) {
    if (SameExpression(*e, *shared[k])) {
      return std::make_shared<BoundColumn>(input_columns + static_cast<int>(k), e->type(),
                                           e->nullable(), e->name());
    }
  }
  if (e->kind() != BoundExpr::Kind::kFunction) return e;
  const auto& f = static_cast<const BoundFunction&>(*e);
  if (f.lazy()) return e;  // a lambda's body may run over other batches than this one
  std::vector<BoundExprPtr> args;
  bool changed = false;
  for (const auto& arg : f.children()) {
    args.push_back(ReadShared(arg, shared, available, input_columns));
    changed = changed || args.back() != arg;
  }
  return changed ? f.WithChildren(std::move(args)) : e;
}

}  // namespace

SharedSubexpressions::SharedSubexpressions(const std::vector<BoundExprPtr>& exprs, int input_columns)
    : input_columns_(input_columns) {
  std::vector<Occurrences> seen;
  for (const auto& e : exprs) Count(e, &seen);
  std::vector<BoundExprPtr> repeated;
  for (const auto& o : seen) {
    if (o.count > 1) repeated.push_back(o.expr);
  }
  // A call inside another is smaller, so it is computed before it.
  std::stable_sort(repeated.begin(), repeated.end(), [](const BoundExprPtr& a, const BoundExprPtr& b) {
    return Size(*a) < Size(*b);
  });
  for (size_t k = 0; k < repeated.size(); ++k) {
    const auto& f = static_cast<const BoundFunction&>(*repeated[k]);
    std::vector<BoundExprPtr> args;
    for (const auto& arg : f.children()) args.push_back(ReadShared(arg, repeated, k, input_columns));
    shared_.push_back(f.WithChildren(std::move(args)));
  }
  for (const auto& e : exprs) exprs_.push_back(ReadShared(e, repeated, repeated.size(), input_columns));
}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> SharedSubexpressions::Extend(
    const std::shared_ptr<arrow::RecordBatch>& batch, const EvalContext& ctx) const {
  auto out = batch;
  for (const auto& e : shared_) {
    ARROW_ASSIGN_OR_RAISE(auto column, EvaluateToArray(*e, *out, ctx));
    auto field = arrow::field("shared" + std::to_string(out->num_columns()), column->type());
    ARROW_ASSIGN_OR_RAISE(out, out->AddColumn(out->num_columns(), std::move(field), std::move(column)));
  }
  return out;
}

}  // namespace spate
