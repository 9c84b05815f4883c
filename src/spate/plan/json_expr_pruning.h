#pragma once

// from_json's schema pruned to the fields a query reads, an optimizer rule
// (optimizer.h) after Spark's OptimizeJsonExprs, for the calls that allow it
// (expr/json_field_pruning.h: no options, the conf on):
//  - a field of a call, `from_json(j, s).f`, reads a schema of f alone, as
//    Spark prunes GetStructField over JsonToStructs;
//  - a call a Project computes, `from_json(j, s) AS r`, read by the Project
//    or Aggregate above only as fields of r (`r.*` then pruned columns,
//    `r.a, r.b`), reads a schema of those fields: Spark gets there for one
//    field once it collapses the Projects; Spate also for several, unless the
//    schema holds the corrupt-record column (whose text would then tell of
//    fewer fields).
// A call that reads fewer fields gives the same values for those it reads.

#include "spate/plan/logical_plan.h"

namespace spate {

/// `plan` with its from_json calls pruned so; the same pointer when nothing changes.
PlanPtr PruneJsonFields(const PlanPtr& plan);

}  // namespace spate
