// The scan: the rows a ScanSource holds for this run (a table, a cached
// plan's result, the current micro-batch of a stream) or reads on demand
// (with the columns and filters the optimizer pushed into its request),
// emitted batch by batch in the plan's types while anyone downstream wants
// them.

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/exec/executor.h"
#include "spate/exec/operators.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;

class ScanOperator final : public SourceOperator {
 public:
  using SourceOperator::SourceOperator;
  const char* name() const override { return "Scan"; }

  arrow::Status Produce() override {
    ARROW_ASSIGN_OR_RAISE(auto table, SourceTable());
    arrow::TableBatchReader reader(*table);
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
  arrow::Result<std::shared_ptr<arrow::Table>> SourceTable() {
    ScanSource& source = *node().source;
    std::lock_guard<std::mutex> lock(source.mutex);
    if (!source.table && source.cached_plan) {
      ARROW_ASSIGN_OR_RAISE(source.table, ExecutePlan(*source.cached_plan, ctx()));
    }
    if (source.table) return source.table;
    if (source.reader) return source.reader(source.request);
    return arrow::Status::Invalid("internal error: a scan without rows");
  }

  // Same columns, the plan's names and types (a source may hand over wider types).
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> InPlanTypes(const arrow::RecordBatch& batch) {
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
};

}  // namespace

arrow::Result<std::unique_ptr<SourceOperator>> MakeScanOperator(const PlanNode& node) {
  ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*node.Schema()));
  return std::make_unique<ScanOperator>(node, std::vector<Operator*>{}, std::move(schema));
}

}  // namespace spate
