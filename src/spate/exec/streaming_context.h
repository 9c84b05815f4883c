#pragma once

// What one micro-batch's stateful operators share with the engine: the batch
// id and output mode, the two watermarks, each stateful operator's state
// stores, and the event times each withWatermark saw. The engine
// (streaming/stream_execution.cc) sets it up per batch and hands it down in
// EvalContext::streaming; stateful operators (streaming_aggregate.cc,
// streaming_deduplicate.cc) read and update it.
//
// Watermarks follow Spark 3.4+: rows are late when older than the previous
// batch's watermark; state is evicted by this batch's watermark.

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/state/state_schema.h"
#include "spate/state/state_store.h"
#include "spate/plan/output_mode.h"

namespace spate {

struct PlanNode;
class TaskPool;

/// Event times seen by one withWatermark in a batch, in milliseconds.
struct EventTimeStats {
  int64_t delay_ms = 0;  // the withWatermark's delay
  int64_t max = std::numeric_limits<int64_t>::min();
  int64_t min = std::numeric_limits<int64_t>::max();
  double sum = 0;
  int64_t count = 0;
  void Add(int64_t ms) {
    max = std::max(max, ms);
    min = std::min(min, ms);
    sum += static_cast<double>(ms);
    ++count;
  }
};

/// One stateful operator's figures for a batch (Spark's StateOperatorProgress).
struct StateOperatorMetrics {
  std::string operator_name;  // "stateStoreSave", "dedupe", ...
  int64_t num_rows_total = 0;
  int64_t num_rows_updated = 0;
  int64_t all_updates_time_ms = 0;
  int64_t num_rows_removed = 0;
  int64_t all_removals_time_ms = 0;
  int64_t commit_time_ms = 0;
  int64_t memory_used_bytes = 0;
  int64_t num_rows_dropped_by_watermark = 0;
  int64_t num_shuffle_partitions = 0;
  int64_t num_state_store_instances = 0;
  std::vector<std::pair<std::string, int64_t>> custom_metrics{};
};

/// A stateful operator's own objects that live across batches.
class OperatorRuntime {
 public:
  virtual ~OperatorRuntime() = default;
};

/// The state stores of one stateful operator, one per partition (and per
/// store name: a stream-stream join keeps one store for each side), across
/// the batches of a query run. Keys are spread over partitions by a hash of
/// their bytes; a partition's store at batch N is version N.
///
/// Threading: the engine calls BeginBatch, Commit and Abort, and an operator
/// runs, on the query's thread. Inside ForEachPartition, the call for
/// partition p may use Store(p, ...) and PartitionOf, nothing else of this
/// object: metrics and the runtime belong to the query's thread.
class StatefulOperatorState {
 public:
  /// `tasks`: the threads partitions run on (null: one after the other on the caller's).
  StatefulOperatorState(int64_t operator_id, std::string operator_name, std::string checkpoint,
                        int num_partitions, StateStoreConf conf,
                        std::vector<std::string> store_names = {kDefaultStateStoreName},
                        TaskPool* tasks = nullptr);
  ~StatefulOperatorState();

  int64_t operator_id() const { return operator_id_; }
  /// Spark's name for the operator (stateStoreSave, dedupe, ...).
  const std::string& name() const { return operator_name_; }
  int num_partitions() const { return num_partitions_; }
  const std::vector<std::string>& store_names() const { return store_names_; }
  /// The partition a key (or a key prefix that groups keys) belongs to:
  /// PartitionOfHash(KeyHash(key)).
  int PartitionOf(std::string_view key) const { return num_partitions_ == 1 ? 0 : PartitionOfHash(KeyHash(key)); }
  /// The hash of a key's bytes that decides its partition (FNV-1a: stable
  /// across runs and machines, so keys stay in their partition after a restart).
  static uint64_t KeyHash(std::string_view key);
  int PartitionOfHash(uint64_t hash) const {
    return num_partitions_ == 1 ? 0 : static_cast<int>(hash % static_cast<uint64_t>(num_partitions_));
  }
  /// The store of `partition` (and of store_names()[store]) for the current
  /// batch, loaded on first use.
  arrow::Result<StateStore*> Store(int partition, int store = 0);
  /// Runs fn(p) for every partition p, on the query's task threads; the
  /// error of the lowest partition that failed.
  arrow::Status ForEachPartition(const std::function<arrow::Status(int partition)>& fn);

  /// Called by the engine around each batch.
  void BeginBatch(int64_t batch_id);
  /// Commits every partition's store as version batch_id + 1 (in parallel).
  arrow::Status Commit();
  void Abort();

  /// This batch's figures; operators add theirs, Commit() adds the stores'.
  StateOperatorMetrics& metrics() { return metrics_; }
  /// The operator counts numRowsUpdated and numRowsRemoved itself (a join
  /// counts the rows it buffers and drops, not each store write).
  void set_counts_rows_itself() { counts_rows_itself_ = true; }

  /// What the operator builds once per query run (its layout, row
  /// encoders and decoders), kept here between batches; built on its first batch.
  std::unique_ptr<OperatorRuntime>& runtime() { return runtime_; }

 private:
  int64_t operator_id_;
  std::string operator_name_;
  int num_partitions_;
  std::vector<std::string> store_names_;
  // By store then partition: index store * num_partitions + partition.
  std::vector<std::unique_ptr<StateStoreProvider>> providers_;
  std::vector<StateStore*> open_;  // this batch's stores (null: not loaded yet)
  std::string checkpoint_;
  StateStoreConf conf_;
  int64_t batch_id_ = 0;
  StateOperatorMetrics metrics_;
  bool counts_rows_itself_ = false;
  std::unique_ptr<OperatorRuntime> runtime_;
  TaskPool* tasks_;
};

/// The Arrow schemas of a stateful operator's state keys and values (what
/// the checkpoint records and the statestore reader decodes).
struct StateRowSchemas {
  std::shared_ptr<arrow::Schema> key;
  std::shared_ptr<arrow::Schema> value;
};
/// One store of a stateful operator: its name and row schemas.
struct StateStoreSchemas {
  std::string name;  // kDefaultStateStoreName, or a join side's store
  std::shared_ptr<arrow::Schema> key;
  std::shared_ptr<arrow::Schema> value;
};
/// The stores of a stateful operator (a join has one per side).
arrow::Result<std::vector<StateStoreSchemas>> StateStoresOf(const PlanNode& node);

/// Milliseconds since `start`, for the operators' timing metrics.
inline int64_t MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

/// Event times as microseconds: a timestamp array, or the `end` of a window struct array.
arrow::Result<std::shared_ptr<arrow::Int64Array>> EventTimeMicros(const std::shared_ptr<arrow::Array>& times);

class StreamingBatchContext {
 public:
  int64_t batch_id = 0;
  OutputMode output_mode = OutputMode::kAppend;
  /// The query's watermark for this batch (state eviction) and the previous
  /// batch's (late rows), in milliseconds since the epoch; 0 before any
  /// event time was seen.
  int64_t eviction_watermark_ms = 0;
  int64_t late_events_watermark_ms = 0;
  /// The same per stateful operator (by state id), propagated through the
  /// plan as Spark does (exec/watermark_propagation.h): an operator above a
  /// stream-stream join sees the join's output watermark. Empty: the query's.
  std::vector<int64_t> operator_eviction_watermarks_ms;
  std::vector<int64_t> operator_late_events_watermarks_ms;
  /// The running operator's watermarks.
  int64_t EvictionWatermarkMs() const {
    return running_operator >= 0 && running_operator < static_cast<int>(operator_eviction_watermarks_ms.size())
               ? operator_eviction_watermarks_ms[running_operator]
               : eviction_watermark_ms;
  }
  int64_t LateEventsWatermarkMs() const {
    return running_operator >= 0 && running_operator < static_cast<int>(operator_late_events_watermarks_ms.size())
               ? operator_late_events_watermarks_ms[running_operator]
               : late_events_watermark_ms;
  }

  /// Set up by the engine at start: the state of each stateful operator, by
  /// its state id (exec/physical_plan.h; the checkpoint's state/<id>/ folder).
  std::vector<StatefulOperatorState*> operators;
  /// The state id of the stateful operator running now, set by the physical
  /// operator around the call of its function.
  int running_operator = -1;
  /// Filled while the batch runs: the event times of each withWatermark, by its operator id.
  std::map<int, EventTimeStats> event_times;

  arrow::Result<StatefulOperatorState*> Operator(int state_id) const;
  /// The state of the stateful operator running now.
  arrow::Result<StatefulOperatorState*> RunningOperator() const { return Operator(running_operator); }
};

}  // namespace spate
