#pragma once

// Resolved expressions: names bound to input columns, types known, ready to
// evaluate. Evaluation is vectorized: an expression maps a whole
// RecordBatch to an array (or a scalar, for constants) with Arrow kernels.
//
// Threading: a BoundExpr is immutable; Evaluate may run concurrently on
// different batches.

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/expr/value_format.h"
#include "spate/types/data_type.h"

namespace spate {

/// Settings an evaluation reads (from the session's conf).
class StreamingBatchContext;

struct EvalContext {
  bool ansi = true;                   // spark.sql.ansi.enabled
  FormatOptions format;               // spark.sql.session.timeZone
  int64_t current_timestamp_us = 0;   // one instant per query, as Spark fixes it
  /// Set while a micro-batch of a streaming query runs: the state of its
  /// stateful operators and its watermarks (exec/streaming_context.h).
  StreamingBatchContext* streaming = nullptr;
};

class RuntimeConfig;
/// What expressions read under `conf`: ANSI mode, the session time zone, and
/// now as current_timestamp.
EvalContext MakeEvalContext(const RuntimeConfig& conf);

class BoundExpr;
using BoundExprPtr = std::shared_ptr<const BoundExpr>;

/// Computes a function from its evaluated arguments (arrays of the batch's
/// length, or scalars). `num_rows` sizes array results built from scalars.
struct FunctionArgs {
  const std::vector<arrow::Datum>& values;
  const std::vector<BoundExprPtr>& exprs;  // the argument expressions, for their types
  const DataType& result_type;
  const EvalContext& ctx;
  int64_t num_rows;
};
using FunctionImpl = std::function<arrow::Result<arrow::Datum>(const FunctionArgs&)>;

/// A function that decides itself which arguments to evaluate and on which
/// rows (CASE WHEN, coalesce): a branch that is not taken must not raise.
struct LazyArgs {
  const arrow::RecordBatch& batch;
  const std::vector<BoundExprPtr>& exprs;
  const DataType& result_type;
  const EvalContext& ctx;
};
using LazyImpl = std::function<arrow::Result<arrow::Datum>(const LazyArgs&)>;

class BoundExpr {
 public:
  enum class Kind { kColumn, kLiteral, kFunction };

  virtual ~BoundExpr() = default;
  Kind kind() const { return kind_; }
  const DataTypePtr& type() const { return type_; }
  bool nullable() const { return nullable_; }
  /// The column name Spark generates for this expression (`(a + 1)`).
  const std::string& name() const { return name_; }
  const std::vector<BoundExprPtr>& children() const { return children_; }

  virtual arrow::Result<arrow::Datum> Evaluate(const arrow::RecordBatch& batch,
                                               const EvalContext& ctx) const = 0;

 protected:
  BoundExpr(Kind kind, DataTypePtr type, bool nullable, std::string name,
            std::vector<BoundExprPtr> children = {})
      : kind_(kind),
        type_(std::move(type)),
        nullable_(nullable),
        name_(std::move(name)),
        children_(std::move(children)) {}

 private:
  Kind kind_;
  DataTypePtr type_;
  bool nullable_;
  std::string name_;
  std::vector<BoundExprPtr> children_;
};

/// Input column `index` of the batch.
class BoundColumn final : public BoundExpr {
 public:
  BoundColumn(int index, DataTypePtr type, bool nullable, std::string name)
      : BoundExpr(Kind::kColumn, std::move(type), nullable, std::move(name)), index_(index) {}
  int index() const { return index_; }
  arrow::Result<arrow::Datum> Evaluate(const arrow::RecordBatch& batch,
                                       const EvalContext& ctx) const override;

 private:
  int index_;
};

class BoundLiteral final : public BoundExpr {
 public:
  /// `value` must already have the Arrow type of `type`.
  BoundLiteral(std::shared_ptr<arrow::Scalar> value, DataTypePtr type, std::string name);
  const std::shared_ptr<arrow::Scalar>& value() const { return value_; }
  arrow::Result<arrow::Datum> Evaluate(const arrow::RecordBatch& batch,
                                       const EvalContext& ctx) const override;

 private:
  std::shared_ptr<arrow::Scalar> value_;
};

/// A function of its children: every operator, cast and scalar function.
class BoundFunction final : public BoundExpr {
 public:
  BoundFunction(std::string function, FunctionImpl impl, DataTypePtr type, bool nullable,
                std::string name, std::vector<BoundExprPtr> args)
      : BoundExpr(Kind::kFunction, std::move(type), nullable, std::move(name), std::move(args)),
        function_(std::move(function)),
        impl_(std::move(impl)) {}
  BoundFunction(std::string function, LazyImpl lazy, DataTypePtr type, bool nullable,
                std::string name, std::vector<BoundExprPtr> args)
      : BoundExpr(Kind::kFunction, std::move(type), nullable, std::move(name), std::move(args)),
        function_(std::move(function)),
        lazy_(std::move(lazy)) {}
  /// The registry name ("+", "upper", "cast", ...).
  const std::string& function() const { return function_; }
  const FunctionImpl& impl() const { return impl_; }
  /// Whether it evaluates its own arguments (on the rows it chooses).
  bool lazy() const;
  /// The same function over other arguments (of the same types).
  BoundExprPtr WithChildren(std::vector<BoundExprPtr> children) const {
    auto copy = std::make_shared<BoundFunction>(function_, impl_, type(), nullable(), name(),
                                                std::move(children));
    copy->lazy_ = lazy_;
    return copy;
  }
  arrow::Result<arrow::Datum> Evaluate(const arrow::RecordBatch& batch,
                                       const EvalContext& ctx) const override;

 private:
  std::string function_;
  FunctionImpl impl_;
  LazyImpl lazy_;  // set instead of impl_ for functions that evaluate their own arguments
};

/// Evaluates `expr` and always returns an array of batch.num_rows() values.
arrow::Result<std::shared_ptr<arrow::Array>> EvaluateToArray(const BoundExpr& expr,
                                                             const arrow::RecordBatch& batch,
                                                             const EvalContext& ctx);

/// Evaluates `expr` only on the rows where `mask` (a boolean array of the
/// batch's length, no nulls) is true; the other rows of the result are NULL.
/// Rows not selected are never seen by the expression, so they cannot raise.
arrow::Result<std::shared_ptr<arrow::Array>> EvaluateOnRows(const BoundExpr& expr,
                                                            const arrow::RecordBatch& batch,
                                                            const arrow::BooleanArray& mask,
                                                            const EvalContext& ctx);

/// Appends the conjuncts of `e` (e itself when it is not an AND) to `out`.
void SplitConjuncts(const BoundExprPtr& e, std::vector<BoundExprPtr>* out);
/// Adds the indices of the columns `e` reads to `out`.
void CollectColumns(const BoundExpr& e, std::set<int>* out);
/// The same expression with every column index shifted by `offset` (an
/// expression over left ++ right columns made one over the right's alone).
BoundExprPtr ShiftColumns(const BoundExprPtr& e, int offset);
/// The same expression with column i read from column map[i] (every index it
/// reads must be in `map`).
BoundExprPtr RemapColumns(const BoundExprPtr& e, const std::vector<int>& map);

/// Calls Arrow's compute kernels once they are registered (Arrow 21+ needs an
/// explicit initialization of its compute library).
void EnsureComputeInitialized();

}  // namespace spate
