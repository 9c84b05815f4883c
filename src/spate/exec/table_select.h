#pragma once

// SQL expressions computed over rows in memory, as select() on a DataFrame of
// those rows computes them: how the connectors convert values with Spark's
// functions (CSV casts, from_json, to_json, date_format, the casts of a table
// write) without a DataFrame, under the session's settings they are given.

#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/expr/expression.h"
#include "spate/plan/logical_plan.h"

namespace spate {

class RuntimeConfig;

/// Runs `plan` under `conf`'s settings (ANSI mode, time zone).
arrow::Result<std::shared_ptr<arrow::Table>> RunPlan(const PlanPtr& plan, const RuntimeConfig& conf);

/// One column per expression (named by its alias), computed over `rows`.
arrow::Result<std::shared_ptr<arrow::Table>> SelectOverTable(std::shared_ptr<arrow::Table> rows,
                                                             const std::vector<ExprPtr>& exprs,
                                                             const RuntimeConfig& conf);

}  // namespace spate
