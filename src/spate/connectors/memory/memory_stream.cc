#include "spate/connectors/memory/memory_stream.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/plan/plan_builder.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

class MemoryStreamReader final : public StreamSource {
 public:
  explicit MemoryStreamReader(std::shared_ptr<MemoryStream> stream) : stream_(std::move(stream)) {}
  StructTypePtr schema() const override { return stream_->schema(); }
  std::string description() const override { return "MemoryStream[" + Columns() + "]"; }

  arrow::Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>&,
                                                         const ReadLimit&) override {
    int64_t latest = available_now_end_ >= 0 ? available_now_end_ : stream_->LatestOffset();
    if (latest == 0) return std::nullopt;
    return std::to_string(latest);
  }

  arrow::Status PrepareForAvailableNow() override {
    available_now_end_ = stream_->LatestOffset();
    return arrow::Status::OK();
  }

  arrow::Result<std::shared_ptr<arrow::Table>> GetBatch(const std::optional<std::string>& start,
                                                        const std::string& end) override {
    return stream_->Rows(start ? std::stoll(*start) : 0, std::stoll(end));
  }

 private:
  std::string Columns() const {
    std::string out;
    for (const auto& f : stream_->schema()->fields()) out += (out.empty() ? "" : ",") + f.name;
    return out;
  }
  std::shared_ptr<MemoryStream> stream_;
  int64_t available_now_end_ = -1;
};

}  // namespace

std::shared_ptr<MemoryStream> MemoryStream::Make(StructTypePtr schema) {
  return std::make_shared<MemoryStream>(std::move(schema));
}

arrow::Result<int64_t> MemoryStream::AddData(std::shared_ptr<arrow::Table> rows) {
  ARROW_ASSIGN_OR_RAISE(auto want, ToArrowSchema(*schema_));
  if (!rows->schema()->Equals(*want, /*check_metadata=*/false)) {
    return arrow::Status::Invalid("MemoryStream rows must have the stream's schema ", want->ToString(),
                                  ", got ", rows->schema()->ToString());
  }
  std::lock_guard<std::mutex> lock(mutex_);
  batches_.push_back(std::move(rows));
  return static_cast<int64_t>(batches_.size());
}

PlanPtr MemoryStream::plan() {
  auto source = std::make_shared<ScanSource>();
  source->description = "MemoryStream";
  source->stream = shared_from_this();
  return MakeScan(std::move(source), *schema_);
}

arrow::Result<std::shared_ptr<StreamSource>> MemoryStream::Create(const std::string&) {
  return std::make_shared<MemoryStreamReader>(shared_from_this());
}

arrow::Result<std::shared_ptr<arrow::Table>> MemoryStream::Rows(int64_t start, int64_t end) const {
  ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*schema_));
  std::vector<std::shared_ptr<arrow::Table>> parts;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (end > static_cast<int64_t>(batches_.size()) || start < 0 || start > end) {
      return arrow::Status::Invalid(fmt::format("MemoryStream has no offsets ({}, {}]: it holds {}", start, end,
                                                batches_.size()));
    }
    parts.assign(batches_.begin() + start, batches_.begin() + end);
  }
  if (parts.empty()) return arrow::Table::MakeEmpty(schema);
  return arrow::ConcatenateTables(parts);
}

int64_t MemoryStream::LatestOffset() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int64_t>(batches_.size());
}

}  // namespace spate
