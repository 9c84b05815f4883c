#pragma once

// Argument checks shared by the sketch functions (expr/functions_sketch.cc)
// and the sketch aggregates (exec/sketch_aggregates.cc), with Spark's errors.

#include <string>

#include <arrow/result.h>

#include "spate/expr/bound_expr.h"

namespace spate {

/// The input of a theta function at `position`: BINARY (a sketch; NULL is
/// cast), or with `items` what theta_sketch_agg hashes (INT, BIGINT, FLOAT,
/// DOUBLE, STRING, BINARY, ARRAY<INT>, ARRAY<BIGINT>).
arrow::Status ThetaSketchArg(const std::string& pretty, BoundExprPtr& arg,
                             size_t position, bool items);

/// The constant INT lgNomEntries of a theta function, in [4, 26].
arrow::Result<int> ThetaLgNomEntries(const std::string& function, const std::string& pretty, const BoundExpr& arg,
                                     size_t position);

}  // namespace spate
