#pragma once

// Group ids on Arrow's grouper (its hash table), shared by the batch
// aggregation, session windows and the streaming aggregation. The grouper
// takes no struct keys: struct keys (window structs, struct(...)) are grouped
// by their fields and validity. Floating-point keys are normalized (-0.0 is
// 0.0, NaN is NaN) as Spark's NormalizeFloatingNumbers does.

#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

namespace spate {

/// `key` with Spark's normalization of floating-point grouping and join keys:
/// -0.0 becomes 0.0 and every NaN the one quiet NaN, also inside structs and
/// arrays; any other array is returned as it is.
arrow::Result<std::shared_ptr<arrow::Array>> NormalizeFloatingKey(const std::shared_ptr<arrow::Array>& key);

/// A dense group id per row (0, 1, ... in order of first appearance) for the
/// rows' `keys` (struct keys allowed); `num_groups` receives the count.
arrow::Result<std::vector<uint32_t>> GroupIds(const std::vector<std::shared_ptr<arrow::Array>>& keys,
                                              int64_t num_rows, uint32_t* num_groups);

/// Group ids over a sequence of batches: a key keeps its id from one batch
/// to the next, and a new key gets an id from num_groups() up. Every batch's
/// keys have the same types.
class BatchGrouping {
 public:
  BatchGrouping();
  ~BatchGrouping();
  BatchGrouping(BatchGrouping&&) noexcept;
  BatchGrouping& operator=(BatchGrouping&&) noexcept;

  /// The group id of each of the `num_rows` rows of `keys`.
  arrow::Result<std::vector<uint32_t>> Consume(const std::vector<std::shared_ptr<arrow::Array>>& keys,
                                               int64_t num_rows);
  /// The keys seen so far.
  uint32_t num_groups() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace spate
