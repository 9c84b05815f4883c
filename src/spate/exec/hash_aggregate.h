#pragma once

// Grouping on Arrow's hash aggregate kernels (an Acero aggregate node), shared
// by the batch aggregation, session windows and the streaming aggregation.
// Acero's hash table takes no struct keys: struct keys (window structs,
// struct(...)) are grouped by their fields and validity and put back together.

#include <memory>
#include <string>
#include <vector>

#include <arrow/compute/api_aggregate.h>
#include <arrow/result.h>
#include <arrow/type_fwd.h>

namespace spate {

struct AggregateKernel {
  std::string function;  // "hash_sum", "hash_count_all", ...
  std::shared_ptr<arrow::compute::FunctionOptions> options;
  int input = -1;  // the column of `values` it reads; -1 for none (hash_count_all)
};

/// Groups the rows by `keys` and runs each kernel over its `values` column.
/// Returns the distinct keys (same types as given) followed by one column per
/// kernel; groups come in the order of their first row. With no keys, all
/// rows form one group (no rows: no group).
arrow::Result<std::shared_ptr<arrow::RecordBatch>> GroupAndAggregate(
    const std::vector<std::shared_ptr<arrow::ChunkedArray>>& keys,
    const std::vector<std::shared_ptr<arrow::ChunkedArray>>& values, int64_t num_rows,
    const std::vector<AggregateKernel>& kernels);

/// A dense group id per row (0, 1, ... in order of first appearance) for the
/// rows' `keys` (struct keys allowed); `num_groups` receives the count.
arrow::Result<std::vector<uint32_t>> GroupIds(const std::vector<std::shared_ptr<arrow::Array>>& keys,
                                              int64_t num_rows, uint32_t* num_groups);

}  // namespace spate
