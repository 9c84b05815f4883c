// The memory sink: each batch's rows land in an in-memory table registered
// as a temp view named by queryName, so spark.sql("SELECT * FROM name")
// reads what the query wrote. Append and update modes add rows; complete
// mode replaces them. A batch written again (after a restart) replaces its
// own earlier rows, so nothing is counted twice. Only complete mode resumes from
// a checkpoint: the rows of the other modes are lost with the process.

#include <map>

#include <arrow/api.h>

#include "spate/common/error.h"
#include "spate/connectors/registry.h"
#include "spate/plan/plan_builder.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

class MemorySink final : public StreamSink {
 public:
  MemorySink(std::function<void(const std::string&, PlanPtr)> create_temp_view, std::string name,
             StructTypePtr schema, OutputMode mode)
      : create_temp_view_(std::move(create_temp_view)),
        name_(std::move(name)),
        schema_(std::move(schema)),
        mode_(mode) {}

  std::string description() const override { return "MemorySink"; }
  bool exactly_once() const override { return false; }
  bool recovers_from_checkpoint() const override { return mode_ == OutputMode::kComplete; }

  arrow::Status Open(const std::string&, const std::string&) override {
    source_ = std::make_shared<ScanSource>();
    source_->description = "MemorySink";
    ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*schema_));
    ARROW_ASSIGN_OR_RAISE(source_->table, arrow::Table::MakeEmpty(schema));
    create_temp_view_(name_, MakeScan(source_, *schema_));
    return arrow::Status::OK();
  }

  arrow::Result<int64_t> AddBatch(const SinkBatch& batch) override {
    const auto& rows = batch.rows;
    if (batch.mode == OutputMode::kComplete) batches_.clear();
    batches_[batch.batch_id] = rows;
    std::vector<std::shared_ptr<arrow::Table>> all;
    for (const auto& [id, t] : batches_) all.push_back(t);
    ARROW_ASSIGN_OR_RAISE(auto combined, arrow::ConcatenateTables(all));
    std::lock_guard<std::mutex> lock(source_->mutex);
    source_->table = std::move(combined);
    return rows->num_rows();
  }

 private:
  std::function<void(const std::string&, PlanPtr)> create_temp_view_;
  std::string name_;
  StructTypePtr schema_;
  OutputMode mode_;
  std::shared_ptr<ScanSource> source_;
  std::map<int64_t, std::shared_ptr<arrow::Table>> batches_;
};

}  // namespace

void RegisterMemoryConnectors(std::map<std::string, StreamingFormat>& formats) {
  auto& memory = formats["memory"];
  memory.needs_checkpoint = false;
  memory.sink = [](const SinkRequest& r) -> arrow::Result<std::shared_ptr<StreamSink>> {
    if (!r.query_name || r.query_name->empty()) {
      return LegacyAnalysisError("queryName must be specified for memory sink");
    }
    return std::make_shared<MemorySink>(r.create_temp_view, *r.query_name, r.schema, r.mode);
  };
}

}  // namespace spate
