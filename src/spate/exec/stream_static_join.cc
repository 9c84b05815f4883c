// A stream-static join, with the stream on the left (inner, left outer, left
// semi, left anti) or on the right (inner, right outer): each micro-batch's
// rows are looked up in the static side's hash table, which is built once and
// kept for the next micro-batches while the static side's rows stay the same.
// The static side is not run again then: the operator takes no input from it.
//
// Its rows stay the same while every scan below it gives the same table: an
// in-memory relation (createDataFrame) or a cached plan always does; a file
// relation gives a new table once one of its files changed (Spark reads the
// files of a static DataFrame again in every micro-batch, over the listing it
// made when the DataFrame was created); a table read on demand (Iceberg) is
// read again, and so built again, in every micro-batch.

#include <mutex>

#include <arrow/api.h>

#include "spate/exec/hash_join_build.h"
#include "spate/exec/operators.h"

namespace spate {

namespace {

using Fingerprint = std::vector<std::shared_ptr<const void>>;

// The tables the scans below `node` read now (their sources for cached plans).
arrow::Status AddFingerprint(const PlanNode& node, Fingerprint* out) {
  if (node.kind == PlanNode::Kind::kScan) {
    ScanSource& source = *node.source;
    if (source.reader) {
      ARROW_ASSIGN_OR_RAISE(auto table, source.reader(source.request, nullptr));
      out->push_back(std::move(table));
    } else if (source.cached_plan) {
      out->push_back(node.source);
    } else {
      std::lock_guard<std::mutex> lock(source.mutex);
      out->push_back(source.table);
    }
  }
  for (const auto& child : node.children) ARROW_RETURN_NOT_OK(AddFingerprint(*child, out));
  return arrow::Status::OK();
}

class StreamStaticJoinOperator final : public Operator {
 public:
  StreamStaticJoinOperator(const PlanNode& node, std::vector<Operator*> inputs, int static_input)
      : Operator(node, std::move(inputs), nullptr), static_input_(static_input) {}
  const char* name() const override { return "HashJoin"; }

  arrow::Status Start(const EvalContext& ctx) override {
    Fingerprint fingerprint;
    ARROW_RETURN_NOT_OK(AddFingerprint(*node().children[static_input_], &fingerprint));
    keeps_build_ = build_ && fingerprint == fingerprint_;
    if (!keeps_build_) {
      build_.reset();
      fingerprint_ = std::move(fingerprint);
    }
    collected_.assign(2, {});
    return Operator::Start(ctx);
  }

  bool WantsInputFrom(int input) const override {
    return input == static_input_ ? !keeps_build_ : WantsInput();
  }

  arrow::Status AddInput(int input, std::shared_ptr<arrow::RecordBatch> batch) override {
    if (input == static_input_ && keeps_build_) return arrow::Status::OK();
    collected_[input].push_back(std::move(batch));
    return arrow::Status::OK();
  }

 protected:
  arrow::Status Finish() override {
    const int stream_input = 1 - static_input_;
    if (!build_) {
      ARROW_ASSIGN_OR_RAISE(auto rows, Collected(static_input_));
      ARROW_ASSIGN_OR_RAISE(build_, BuildJoinSide(node(), *rows, ctx(), /*is_left=*/static_input_ == 0));
    }
    ARROW_ASSIGN_OR_RAISE(auto stream_rows, Collected(stream_input));
    collected_.assign(2, {});
    ARROW_ASSIGN_OR_RAISE(auto result, ProbeJoin(node(), *stream_rows, *build_, ctx()));
    schema_ = result->schema();
    ARROW_RETURN_NOT_OK(EmitTable(*result));
    return EmitEnd();
  }

 private:
  arrow::Result<std::shared_ptr<arrow::Table>> Collected(int input) {
    return arrow::Table::FromRecordBatches(inputs()[input]->output_schema(), std::move(collected_[input]));
  }

  const int static_input_;               // 1: the stream is on the left; 0: on the right
  Fingerprint fingerprint_;              // what the kept build side was built from
  std::shared_ptr<JoinBuildSide> build_;  // null: build it from this run's input
  bool keeps_build_ = false;             // this run uses build_ as it is
  std::vector<std::vector<std::shared_ptr<arrow::RecordBatch>>> collected_;
};

}  // namespace

std::unique_ptr<Operator> MakeStreamStaticJoinOperator(const PlanNode& node, std::vector<Operator*> inputs,
                                                       int static_input) {
  return std::make_unique<StreamStaticJoinOperator>(node, std::move(inputs), static_input);
}

}  // namespace spate
