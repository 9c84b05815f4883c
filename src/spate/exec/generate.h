#pragma once

// explode / posexplode[_outer] of an array or map column (a Generate node).

#include <memory>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/plan/logical_plan.h"

namespace spate {

/// The rows of `batch`, each repeated once per element of the generated
/// array or map (with its position for posexplode), as `schema` (the node's).
arrow::Result<std::shared_ptr<arrow::RecordBatch>> GenerateBatch(const PlanNode& node,
                                                                 const std::shared_ptr<arrow::Schema>& schema,
                                                                 const arrow::RecordBatch& batch,
                                                                 const EvalContext& ctx);

}  // namespace spate
