// The scan: the rows a ScanSource holds for this run (a table, a cached
// plan's result, the current micro-batch of a stream) or reads on demand
// (with the columns and filters the optimizer pushed into its request),
// emitted batch by batch in the plan's types while anyone downstream wants
// them.
//
// A scan given the maps above it (physical_plan.cc decides which) cuts its
// rows into pieces; with a task pool it runs the pieces through its cast and
// those maps on the pool, a round of pieces at a time, as Spark runs a scan's
// splits as tasks. The results go on in piece order on the caller's thread,
// so the operators above see the rows in the order one thread gives them, a
// failure is the one of the first piece that fails, and a LIMIT above that is
// satisfied stops the reading after the round. A source that reads on demand
// (a file relation) gets the pool for its own reading.

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/common/task_pool.h"
#include "spate/exec/executor.h"
#include "spate/exec/operators.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;

// Rows of a piece: small enough that a round of pieces keeps every thread busy
// and a LIMIT stops soon, large enough that a batch's fixed costs do not count.
constexpr int64_t kPieceRows = 16384;

// A piece after the scan's cast and the maps: the batch each map made (fewer
// when one kept no row or failed), and the failure.
struct MappedPiece {
  std::vector<std::shared_ptr<arrow::RecordBatch>> outputs;
  arrow::Status status;
};

class ScanOperator final : public SourceOperator {
 public:
  using SourceOperator::SourceOperator;
  const char* name() const override { return "Scan"; }

  void RunOnPool(std::vector<BatchMapOperator*> maps, TaskPool* pool) {
    maps_ = std::move(maps);
    pool_ = pool;
  }

  arrow::Status Produce() override {
    ARROW_ASSIGN_OR_RAISE(auto table, SourceTable());
    arrow::TableBatchReader reader(*table);
    // Rows the maps above work on go in pieces, so that a LIMIT stops them soon.
    if (!maps_.empty()) reader.set_chunksize(kPieceRows);
    if (pool_ != nullptr && !maps_.empty() && table->num_rows() > kPieceRows) return ProduceOnPool(reader);
    std::shared_ptr<arrow::RecordBatch> batch;
    while (ConsumerWantsInput()) {
      ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
      if (!batch) break;
      ARROW_ASSIGN_OR_RAISE(batch, InPlanTypes(*batch));
      ARROW_RETURN_NOT_OK(Emit(std::move(batch)));
    }
    return EmitEnd();
  }

 private:
  arrow::Status ProduceOnPool(arrow::TableBatchReader& reader) {
    ARROW_ASSIGN_OR_RAISE(auto pieces, reader.ToRecordBatches());
    const size_t round = 2 * static_cast<size_t>(pool_->threads());
    for (size_t first = 0; first < pieces.size() && ConsumerWantsInput(); first += round) {
      std::vector<MappedPiece> mapped(std::min(round, pieces.size() - first));
      ARROW_RETURN_NOT_OK(pool_->ParallelFor(static_cast<int64_t>(mapped.size()), [&](int64_t i) {
        mapped[i] = MapPiece(pieces[first + i]);
        return arrow::Status::OK();
      }));
      for (size_t i = 0; i < mapped.size() && ConsumerWantsInput(); ++i) {
        CountEmitted(*pieces[first + i]);
        ARROW_RETURN_NOT_OK(EmitMapped(mapped[i]));
      }
    }
    return EmitEnd();
  }

  // Runs on a thread of the pool.
  MappedPiece MapPiece(std::shared_ptr<arrow::RecordBatch> batch) const {
    MappedPiece out;
    out.status = [&]() -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(batch, InPlanTypes(*batch));
      for (const BatchMapOperator* map : maps_) {
        ARROW_ASSIGN_OR_RAISE(batch, map->MapBatch(std::move(batch)));
        if (!batch) break;
        out.outputs.push_back(batch);
      }
      return arrow::Status::OK();
    }();
    return out;
  }

  // Hands a piece's batches on as the maps would have one after the other.
  arrow::Status EmitMapped(const MappedPiece& piece) {
    for (size_t i = 0; i < piece.outputs.size(); ++i) {
      ARROW_RETURN_NOT_OK(maps_[i]->EmitMapped(piece.outputs[i], /*to_consumer=*/i + 1 == maps_.size()));
    }
    return piece.status;
  }

  arrow::Result<std::shared_ptr<arrow::Table>> SourceTable() {
    ScanSource& source = *node().source;
    std::lock_guard<std::mutex> lock(source.mutex);
    if (!source.table && source.cached_plan) {
      ARROW_ASSIGN_OR_RAISE(source.table, ExecutePlan(*source.cached_plan, ctx()));
    }
    if (source.table) return source.table;
    if (source.reader) return source.reader(source.request, pool_);
    return arrow::Status::Invalid("internal error: a scan without rows");
  }

  // Same columns, the plan's names and types (a source may hand over wider types).
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> InPlanTypes(const arrow::RecordBatch& batch) const {
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (int i = 0; i < schema_->num_fields(); ++i) {
      auto column = batch.column(i);
      if (!column->type()->Equals(*schema_->field(i)->type())) {
        ARROW_ASSIGN_OR_RAISE(auto cast, cp::Cast(*column, schema_->field(i)->type(), cp::CastOptions::Unsafe()));
        column = std::move(cast);
      }
      columns.push_back(std::move(column));
    }
    return arrow::RecordBatch::Make(schema_, batch.num_rows(), std::move(columns));
  }

  std::vector<BatchMapOperator*> maps_;
  TaskPool* pool_ = nullptr;  // for the maps and the source's reader (null: one thread)
};

}  // namespace

void RunOnPool(SourceOperator& scan, std::vector<BatchMapOperator*> maps, TaskPool* pool) {
  static_cast<ScanOperator&>(scan).RunOnPool(std::move(maps), pool);
}

arrow::Result<std::unique_ptr<SourceOperator>> MakeScanOperator(const PlanNode& node) {
  ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*node.Schema()));
  return std::make_unique<ScanOperator>(node, std::vector<Operator*>{}, std::move(schema));
}

}  // namespace spate
