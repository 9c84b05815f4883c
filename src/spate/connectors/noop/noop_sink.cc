// The noop sink: runs the query and discards its rows (what Spark users
// benchmark with).

#include <arrow/table.h>

#include "spate/connectors/registry.h"

namespace spate {

namespace {

class NoopSink final : public StreamSink {
 public:
  std::string description() const override { return "org.apache.spark.sql.execution.datasources.noop.NoopTable$"; }
  bool exactly_once() const override { return false; }
  bool writes_pieces() const override { return true; }
  arrow::Result<int64_t> AddBatch(const SinkBatch& batch) override {
    return batch.rows->num_rows();
  }
};

}  // namespace

void RegisterNoopConnectors(std::map<std::string, StreamingFormat>& formats) {
  auto& noop = formats["noop"];
  noop.needs_checkpoint = false;
  noop.sink = [](const SinkRequest&) -> arrow::Result<std::shared_ptr<StreamSink>> {
    return std::make_shared<NoopSink>();
  };
}

}  // namespace spate
