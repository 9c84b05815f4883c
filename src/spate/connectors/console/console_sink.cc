// The console sink: prints each batch as Spark does, a "Batch: N" banner
// then show()'s table (options numRows, default 20, and truncate, default
// true). At-least-once: a re-run batch prints again.

#include <iostream>

#include "spate/api/dataframe.h"
#include "spate/connectors/registry.h"

namespace spate {

namespace {

class ConsoleSink final : public StreamSink {
 public:
  ConsoleSink(int num_rows, bool truncate) : num_rows_(num_rows), truncate_(truncate) {}
  std::string description() const override {
    return "org.apache.spark.sql.execution.streaming.ConsoleTable$";
  }
  arrow::Result<int64_t> AddBatch(const SinkBatch& batch) override {
    ARROW_ASSIGN_OR_RAISE(auto text, batch.rows.showString(num_rows_, truncate_ ? 20 : 0));
    ARROW_ASSIGN_OR_RAISE(auto count, batch.rows.count());
    std::cout << "-------------------------------------------\n"
              << "Batch: " << batch.batch_id << "\n"
              << "-------------------------------------------\n"
              << text << "\n"
              << std::flush;
    return count;
  }

 private:
  int num_rows_;
  bool truncate_;
};

}  // namespace

void RegisterConsoleConnectors(std::map<std::string, StreamingFormat>& formats) {
  auto& console = formats["console"];
  console.needs_checkpoint = false;
  console.sink = [](const SinkRequest& r) -> arrow::Result<std::shared_ptr<StreamSink>> {
    ARROW_ASSIGN_OR_RAISE(int64_t rows, r.options.GetInt("numRows", 20));
    ARROW_ASSIGN_OR_RAISE(bool truncate, r.options.GetBool("truncate", true));
    return std::make_shared<ConsoleSink>(static_cast<int>(rows), truncate);
  };
}

}  // namespace spate
