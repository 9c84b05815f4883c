#include "spate/exec/executor.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/exec/physical_plan.h"

namespace spate {

arrow::Result<std::shared_ptr<arrow::RecordBatch>> ToSingleBatch(const arrow::Table& table) {
  ARROW_ASSIGN_OR_RAISE(auto combined, table.CombineChunksToBatch());
  return combined;
}

arrow::Result<std::shared_ptr<arrow::Array>> ConformArray(const std::shared_ptr<arrow::Array>& array,
                                                          const std::shared_ptr<arrow::DataType>& type) {
  if (array->type()->Equals(*type)) return array;
  return arrow::compute::Cast(*array, type, arrow::compute::CastOptions::Unsafe());
}

arrow::Result<std::shared_ptr<arrow::Table>> ExecutePlan(const PlanNode& plan, const EvalContext& ctx,
                                                        int task_threads) {
  // The caller keeps `plan` alive for the call.
  ARROW_ASSIGN_OR_RAISE(auto physical, PhysicalPlan::Make(PlanPtr(PlanPtr(), &plan)));
  return physical->Run(ctx, task_threads);
}

}  // namespace spate
