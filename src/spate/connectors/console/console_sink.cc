// The console sink: prints each batch as Spark does, a "Batch: N" banner
// then show()'s table (options numRows, default 20, and truncate, default
// true). At-least-once: a re-run batch prints again.

#include <iostream>

#include <arrow/table.h>

#include "spate/connectors/registry.h"
#include "spate/expr/bound_expr.h"
#include "spate/expr/value_format.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

class ConsoleSink final : public StreamSink {
 public:
  ConsoleSink(int num_rows, bool truncate, const RuntimeConfig& conf)
      : num_rows_(num_rows), truncate_(truncate), conf_(conf) {}
  bool exactly_once() const override { return false; }
  std::string description() const override {
    return "org.apache.spark.sql.execution.streaming.ConsoleTable$";
  }
  arrow::Result<int64_t> AddBatch(const SinkBatch& batch) override {
    ARROW_ASSIGN_OR_RAISE(auto schema, FromArrowSchema(*batch.rows->schema()));
    ARROW_ASSIGN_OR_RAISE(auto text, ShowString(*batch.rows, *schema, num_rows_, truncate_ ? 20 : 0,
                                                /*vertical=*/false, MakeEvalContext(conf_).format));
    std::cout << "-------------------------------------------\n"
              << "Batch: " << batch.batch_id << "\n"
              << "-------------------------------------------\n"
              << text << "\n"
              << std::flush;
    return batch.rows->num_rows();
  }

 private:
  int num_rows_;
  bool truncate_;
  const RuntimeConfig& conf_;  // the session's: cells print in its time zone
};

}  // namespace

void RegisterConsoleConnectors(std::map<std::string, StreamingFormat>& formats) {
  auto& console = formats["console"];
  console.needs_checkpoint = false;
  console.sink = [](const SinkRequest& r) -> arrow::Result<std::shared_ptr<StreamSink>> {
    ARROW_ASSIGN_OR_RAISE(int64_t rows, r.options.GetInt("numRows", 20));
    ARROW_ASSIGN_OR_RAISE(bool truncate, r.options.GetBool("truncate", true));
    return std::make_shared<ConsoleSink>(static_cast<int>(rows), truncate, *r.conf);
  };
}

}  // namespace spate
