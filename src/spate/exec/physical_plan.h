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
//
// Which work runs on several threads: the projections and filters right above
// a scan run over pieces of its rows on the query's task threads (the
// task_threads of Run, spark.master's), unless a call among them
// depends on a row's place in the batch or is a user function
// (MapsAboveOnPool in physical_plan.cc; the scan's side in scan_operator.cc).
// A file scan reads its files in byte-range pieces on the same threads.
// The streaming stateful operators run their partitions on the stream's pool.

#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/exec/operator.h"
#include "spate/plan/logical_plan.h"

namespace spate {

class TaskPool;

class PhysicalPlan {
 public:
  /// Optimizes `plan` and builds its operators.
  static arrow::Result<std::unique_ptr<PhysicalPlan>> Make(PlanPtr plan);
  ~PhysicalPlan();

  /// Runs the operators once over what the scans hold now; the root's rows.
  /// One run at a time: operators keep the run's rows and counters. The maps
  /// above the scans run on `task_threads` threads, the caller's among them.
  arrow::Result<std::shared_ptr<arrow::Table>> Run(const EvalContext& ctx, int task_threads = 1);

  /// The optimized logical plan the operators were built from.
  const PlanNode& plan() const { return *plan_; }
  /// Every operator, by id (the root is 0).
  const std::vector<std::unique_ptr<Operator>>& operators() const { return operators_; }
  /// The streaming stateful operators, by state id.
  const std::vector<const Operator*>& stateful_operators() const { return stateful_; }

 private:
  PhysicalPlan() = default;
  arrow::Result<Operator*> Build(const PlanNode& node);
  /// The pool of `threads` threads the scans' maps run on; null for one thread.
  TaskPool* Tasks(int threads);

  PlanPtr plan_;
  std::vector<std::unique_ptr<Operator>> operators_;
  std::vector<SourceOperator*> sources_;  // depth first, so a union emits its inputs in order
  std::vector<const Operator*> stateful_;
  std::unique_ptr<Operator> result_;  // collects the root's batches
  std::unique_ptr<TaskPool> tasks_;   // made by the first run that needs it
};

}  // namespace spate
