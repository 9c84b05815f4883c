#pragma once

// A streaming sink. AddBatch must be idempotent per batch id: after a crash
// the engine re-runs the last uncommitted batch with the same id and the
// same rows, and the sink must not write them twice (a log, a transaction,
// a replace) — or say it is at-least-once (console, foreachBatch).
//
// Threading: one query's execution thread calls a sink.

#include <memory>
#include <string>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/plan/output_mode.h"
#include "spate/types/data_type.h"

namespace spate {

struct SinkBatch {
  int64_t batch_id;
  OutputMode mode;
  /// The batch's rows (foreachBatch wraps them in a DataFrame).
  std::shared_ptr<arrow::Table> rows;
  /// False for the records the continuous trigger and real-time mode hand over
  /// between two epoch ends: a sink may keep them buffered (the Kafka sink does
  /// not wait for acknowledgements) until a batch with `flush` ends the epoch.
  bool flush = true;
};

class StreamSink {
 public:
  virtual ~StreamSink() = default;
  /// Spark's description in progress, e.g. "MemorySink", "ConsoleSink[numRows=20, truncate=true]".
  virtual std::string description() const = 0;
  /// Opens the sink for a run of a query whose checkpoint is at `checkpoint_dir`.
  virtual arrow::Status Open(const std::string& query_id, const std::string& checkpoint_dir) {
    (void)query_id;
    (void)checkpoint_dir;
    return arrow::Status::OK();
  }
  /// Whether the sink's output survives a replay of a batch without duplicates (file,
  /// Iceberg, transactional Kafka, foreachBatch keyed by batch id): then the checkpoint's log
  /// entries are fsynced before the batch's output is written. An at-least-once sink (Kafka
  /// without transactions, console, memory, noop) writes a replayed batch again anyway.
  virtual bool exactly_once() const { return true; }
  /// Whether the sink holds the records the continuous trigger and real-time mode hand
  /// over (batches without `flush`) in a transaction that the epoch's end (the batch with
  /// `flush`) commits, after the epoch's offsets entry and before its commit entry, as a
  /// micro-batch (transactional Kafka). Such a sink skips a batch it already committed.
  virtual bool commits_epochs() const { return false; }
  /// Whether a query may resume from a checkpoint that already has an offsets log: false
  /// for a sink whose rows live only in this process (the memory sink in append and
  /// update modes), which Spark refuses to resume.
  virtual bool recovers_from_checkpoint() const { return true; }
  /// Whether the sink writes rows as they come, so that a micro-batch may be handed
  /// over in pieces (batches without `flush`) ended by a batch with `flush`, which
  /// may have no rows (Kafka, noop). Sinks that show or keep a batch whole do not.
  virtual bool writes_pieces() const { return false; }
  /// Writes one batch; returns the number of rows written.
  virtual arrow::Result<int64_t> AddBatch(const SinkBatch& batch) = 0;
  virtual void Close() {}
};

}  // namespace spate
