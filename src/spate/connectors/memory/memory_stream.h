#pragma once

// MemoryStream: a streaming source fed by the program itself, for tests
// (Spark's MemoryStream). Each AddData call becomes available as one more
// offset; a batch reads every row added since the previous batch.
//
// Threading: AddData may be called from any thread while a query reads.

#include <memory>
#include <mutex>
#include <vector>

#include <arrow/type_fwd.h>

#include "spate/streaming/source.h"

namespace spate {

struct PlanNode;
using PlanPtr = std::shared_ptr<const PlanNode>;

class MemoryStream final : public StreamSourceFactory,
                           public std::enable_shared_from_this<MemoryStream> {
 public:
  static std::shared_ptr<MemoryStream> Make(StructTypePtr schema);
  explicit MemoryStream(StructTypePtr schema) : schema_(std::move(schema)) {}

  /// Appends rows (their schema must match); returns the new latest offset.
  arrow::Result<int64_t> AddData(std::shared_ptr<arrow::Table> rows);
  /// The streaming plan that reads this stream (DataFrame(session, plan()) in the C++ API).
  PlanPtr plan();

  StructTypePtr schema() const override { return schema_; }
  std::string name() const override { return "memory"; }
  arrow::Result<std::shared_ptr<StreamSource>> Create(const std::string& checkpoint_dir) override;

  /// Rows added in (start, end], offsets counting AddData calls.
  arrow::Result<std::shared_ptr<arrow::Table>> Rows(int64_t start, int64_t end) const;
  int64_t LatestOffset() const;

 private:
  StructTypePtr schema_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<arrow::Table>> batches_;
};

}  // namespace spate
