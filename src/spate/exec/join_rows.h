#pragma once

// What the batch join (hash_join.cc) and the stream-stream join
// (stream_join.cc) share: testing the non-equi rest of a join condition on
// pairs of rows, and building the join's output rows from pairs.

#include <cstdint>
#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/plan/logical_plan.h"

namespace spate {

/// Whether each pair (row left_rows[i] of `left`, row right_rows[i] of
/// `right`) satisfies `condition`, bound over the left columns then the right.
arrow::Result<std::vector<bool>> PairsSatisfying(const BoundExpr& condition, const arrow::RecordBatch& left,
                                                const arrow::RecordBatch& right, const std::vector<int64_t>& left_rows,
                                                const std::vector<int64_t>& right_rows, const EvalContext& ctx);

/// The output rows of `join` (of `schema`) for pairs of rows: left_rows[i]
/// of `left` beside right_rows[i] of `right`, where -1 stands for a row of
/// NULLs (an outer join's unmatched row). USING columns and semi joins (the
/// left side only; `right_rows` unused) as the join's output wants them.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> JoinedRows(const PlanNode& join,
                                                              const std::shared_ptr<arrow::Schema>& schema,
                                                              const arrow::RecordBatch& left,
                                                              const arrow::RecordBatch& right,
                                                              const std::vector<int64_t>& left_rows,
                                                              const std::vector<int64_t>& right_rows);

}  // namespace spate
