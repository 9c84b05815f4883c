#pragma once

// Group ids on Arrow's grouper (its hash table), shared by the batch
// aggregation, session windows and the streaming aggregation. The grouper
// takes no struct keys: struct keys (window structs, struct(...)) are grouped
// by their fields and validity.

#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

namespace spate {

/// A dense group id per row (0, 1, ... in order of first appearance) for the
/// rows' `keys` (struct keys allowed); `num_groups` receives the count.
arrow::Result<std::vector<uint32_t>> GroupIds(const std::vector<std::shared_ptr<arrow::Array>>& keys,
                                              int64_t num_rows, uint32_t* num_groups);

}  // namespace spate
