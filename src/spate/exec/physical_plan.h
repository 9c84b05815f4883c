#pragma once

// The physical plan of a query: the optimized logical plan (plan/optimizer.h)
// turned once into operator objects (operator.h), which then run as often as
// the query needs: once for a batch query, once per micro-batch for a
// streaming query (the engine builds the plan when a run starts).
//
// Operators are numbered depth first from the top, as Spark numbers them;
// the streaming stateful operators (aggregations and deduplications over a
// stream) get a second number in the same order, counting only them: the
// state/<id>/ folder of the checkpoint that holds their state.

#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/exec/operator.h"
#include "spate/plan/logical_plan.h"

namespace spate {

class PhysicalPlan {
 public:
  /// Optimizes `plan` and builds its operators.
  static arrow::Result<std::unique_ptr<PhysicalPlan>> Make(PlanPtr plan);
  ~PhysicalPlan();

  /// Runs the operators once over what the scans hold now; the root's rows.
  /// One run at a time: operators keep the run's rows and counters.
  arrow::Result<std::shared_ptr<arrow::Table>> Run(const EvalContext& ctx);

  /// The optimized logical plan the operators were built from.
  const PlanNode& plan() const { return *plan_; }
  /// Every operator, by id (the root is 0).
  const std::vector<std::unique_ptr<Operator>>& operators() const { return operators_; }
  /// The streaming stateful operators, by state id.
  const std::vector<const Operator*>& stateful_operators() const { return stateful_; }

 private:
  PhysicalPlan() = default;
  arrow::Result<Operator*> Build(const PlanNode& node);

  PlanPtr plan_;
  std::vector<std::unique_ptr<Operator>> operators_;
  std::vector<SourceOperator*> sources_;  // depth first, so a union emits its inputs in order
  std::vector<const Operator*> stateful_;
  std::unique_ptr<Operator> result_;  // collects the root's batches
};

}  // namespace spate
