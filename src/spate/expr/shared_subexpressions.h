#pragma once

// Subexpression elimination, as Spark's generated code does it: a
// deterministic call that appears more than once among a projection's
// expressions (`get(split(url, '/'), 3)`, `get(split(url, '/'), 4)`) runs once
// per batch. Only calls every row evaluates are shared: an argument a CASE
// WHEN, coalesce or lambda runs on some rows only, or one a null-intolerant
// call runs only where its earlier arguments are not NULL, may raise on the
// rows it would skip, so it stays where it is.
//
// Threading: immutable once built; Evaluate may run concurrently.

#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/expr/bound_expr.h"

namespace spate {

/// Whether `a` and `b` compute the same thing: the same columns, literals and
/// functions in the same shape.
bool SameExpression(const BoundExpr& a, const BoundExpr& b);

class SharedSubexpressions {
 public:
  /// `exprs` over batches of `input_columns` columns.
  SharedSubexpressions(const std::vector<BoundExprPtr>& exprs, int input_columns);

  int input_columns() const { return input_columns_; }
  /// The expressions, reading each shared call from a column after the input's.
  const std::vector<BoundExprPtr>& exprs() const { return exprs_; }
  /// `batch` (of input_columns() columns) with the shared calls evaluated over
  /// it appended as columns: what exprs() are evaluated over.
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Extend(
      const std::shared_ptr<arrow::RecordBatch>& batch, const EvalContext& ctx) const;

 private:
  int input_columns_;
  std::vector<BoundExprPtr> shared_;  // the i-th reads the input and the shared before it
  std::vector<BoundExprPtr> exprs_;
};

}  // namespace spate
