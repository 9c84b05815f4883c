// Streaming deduplication, as Spark's StreamingDeduplicateExec and
// StreamingDeduplicateWithinWatermarkExec run it. The state holds one row
// per key seen; a row whose key is in the state (or earlier in the batch) is
// dropped, the first one passes.
//   - dropDuplicates(cols) whose keys include an event-time column: rows
//     older than the watermark are late (dropped, counted), and keys leave the
//     state once the watermark passes their event time. Without one, the
//     state grows forever, as in Spark.
//   - dropDuplicatesWithinWatermark(cols): a key is remembered until the
//     watermark passes its first event time plus the watermark delay.

#include <chrono>
#include <optional>
#include <unordered_set>

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/common/calendar.h"
#include "spate/exec/executor.h"
#include "spate/exec/streaming_context.h"
#include "spate/state/event_time_index.h"
#include "spate/state/row_codec.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;
using Clock = std::chrono::steady_clock;

// dropDuplicatesWithinWatermark's state value: when the key expires.
std::shared_ptr<arrow::Schema> ExpiryStateSchema() {
  return arrow::schema({arrow::field("expiresAtMicros", arrow::int64())});
}


// Where the operator finds event time: a column of its keys (dropDuplicates)
// or of its input (dropDuplicatesWithinWatermark).
struct EventTimeColumn {
  int input_column = -1;  // in the node's input (-1: none)
  int key_column = -1;    // among the keys (dropDuplicates), -1 otherwise
  int64_t delay_ms = 0;
};

// Late rows are found by any event-time column of the input; keys leave the
// state by the event time among the keys (dropDuplicates) or by their
// expiry (within watermark).
EventTimeColumn FindEventTime(const PlanNode& node) {
  EventTimeColumn out;
  const auto& input = node.children[0]->output;
  for (size_t k = 0; k < node.exprs.size() && !node.within_watermark; ++k) {
    int index = static_cast<const BoundColumn&>(*node.exprs[k]).index();
    if (input[index].watermark_delay_ms >= 0) return {index, static_cast<int>(k), input[index].watermark_delay_ms};
  }
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i].watermark_delay_ms >= 0) return {static_cast<int>(i), -1, input[i].watermark_delay_ms};
  }
  return out;
}

// Event times of a timestamp (or window: its end) column, in milliseconds.
arrow::Result<std::vector<std::optional<int64_t>>> EventTimesMs(const std::shared_ptr<arrow::Array>& column) {
  ARROW_ASSIGN_OR_RAISE(auto micros, EventTimeMicros(column));
  std::vector<std::optional<int64_t>> out(micros->length());
  for (int64_t i = 0; i < micros->length(); ++i) {
    if (micros->IsValid(i)) out[i] = calendar::FloorDiv(micros->Value(i), 1000);
  }
  return out;
}

// What the operator keeps between batches.
struct DedupRuntime final : OperatorRuntime {
  EventTimeColumn event_time;
  std::unique_ptr<RowEncoder> key_encoder;
  std::unique_ptr<RowEncoder> expiry_encoder;
  std::shared_ptr<arrow::Schema> key_schema;
  bool evicts = false;  // keys leave the state by event time or expiry
};

arrow::Result<DedupRuntime*> RuntimeOf(const PlanNode& node, StatefulOperatorState& op,
                                       const arrow::ArrayVector& keys) {
  if (auto* kept = dynamic_cast<DedupRuntime*>(op.runtime().get())) return kept;
  auto rt = std::make_unique<DedupRuntime>();
  rt->event_time = FindEventTime(node);
  rt->evicts = rt->event_time.key_column >= 0 || (node.within_watermark && rt->event_time.input_column >= 0);
  arrow::FieldVector key_fields;
  for (size_t k = 0; k < keys.size(); ++k) key_fields.push_back(arrow::field(node.exprs[k]->name(), keys[k]->type()));
  rt->key_schema = arrow::schema(key_fields);
  ARROW_ASSIGN_OR_RAISE(rt->key_encoder, RowEncoder::Make(rt->key_schema));
  ARROW_ASSIGN_OR_RAISE(rt->expiry_encoder, RowEncoder::Make(ExpiryStateSchema()));
  op.runtime() = std::move(rt);
  return static_cast<DedupRuntime*>(op.runtime().get());
}

// A store written before the event-time index existed: its keys get their
// index keys (by event time or expiry), once, when the operator starts.
arrow::Status IndexStoredKeys(const PlanNode& node, const DedupRuntime& rt, StatefulOperatorState& op) {
  auto schema = node.within_watermark ? ExpiryStateSchema() : rt.key_schema;
  const int column = node.within_watermark ? 0 : rt.event_time.key_column;
  return op.ForEachPartition([&](int p) -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    ARROW_ASSIGN_OR_RAISE(bool indexed, HasIndexKeys(*store));
    if (indexed) return arrow::Status::OK();
    std::vector<std::string> keys, encoded;
    ARROW_RETURN_NOT_OK(store->ScanAll([&](std::string_view k, std::string_view v) {
      keys.emplace_back(k);
      encoded.emplace_back(node.within_watermark ? v : k);
      return arrow::Status::OK();
    }));
    if (keys.empty()) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(auto decoder, RowDecoder::Make(schema));
    for (std::string_view bytes : encoded) ARROW_RETURN_NOT_OK(decoder->Append(&bytes));
    ARROW_ASSIGN_OR_RAISE(auto decoded, decoder->Finish());
    ARROW_ASSIGN_OR_RAISE(auto times, EventTimesMs(decoded->column(column)));
    StateWriteBatch batch;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (times[i]) PutIndexKey(*times[i] * 1000, keys[i], &batch);
    }
    return store->Write(batch);
  });
}

// The state value of dropDuplicatesWithinWatermark: the expiry.
std::string ExpiryValue(const RowEncoder& encoder, int64_t expires_micros) {
  auto expiry = arrow::RecordBatch::Make(
      ExpiryStateSchema(), 1,
      {std::make_shared<arrow::Int64Array>(1, arrow::Buffer::FromVector(std::vector<int64_t>{expires_micros}))});
  std::string value;
  encoder.Encode(*expiry, 0, &value);
  return value;
}

}  // namespace

arrow::Result<StateRowSchemas> DeduplicateStateSchemas(const PlanNode& node) {
  arrow::FieldVector keys;
  for (const auto& e : node.exprs) {
    ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*e->type()));
    keys.push_back(arrow::field(e->name(), type));
  }
  auto value = node.within_watermark ? ExpiryStateSchema() : arrow::schema(arrow::FieldVector{});
  return StateRowSchemas{arrow::schema(keys), value};
}

arrow::Result<std::shared_ptr<arrow::Table>> ExecuteStreamingDeduplicate(const PlanNode& node,
                                                                         const arrow::Table& input,
                                                                         const EvalContext& ctx) {
  StreamingBatchContext& batch = *ctx.streaming;
  ARROW_ASSIGN_OR_RAISE(StatefulOperatorState * op, batch.RunningOperator());
  StateOperatorMetrics& metrics = op->metrics();
  auto update_start = Clock::now();

  ARROW_ASSIGN_OR_RAISE(auto rows, ToSingleBatch(input));
  arrow::ArrayVector key_columns;
  for (const auto& e : node.exprs) {
    ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*e, *rows, ctx));
    key_columns.push_back(std::move(array));
  }
  const bool starting = op->runtime() == nullptr;
  ARROW_ASSIGN_OR_RAISE(DedupRuntime * rt, RuntimeOf(node, *op, key_columns));
  if (starting && rt->evicts) ARROW_RETURN_NOT_OK(IndexStoredKeys(node, *rt, *op));
  const EventTimeColumn& event_time = rt->event_time;
  std::vector<std::optional<int64_t>> times;
  if (event_time.input_column >= 0) {
    ARROW_ASSIGN_OR_RAISE(times, EventTimesMs(rows->column(event_time.input_column)));
  }
  EncodedRows keys;
  rt->key_encoder->EncodeBatch(*arrow::RecordBatch::Make(rt->key_schema, rows->num_rows(), key_columns), &keys);

  // The first row of each key not late, by partition; then one MultiGet and
  // one write batch per partition, the partitions at once: a key absent from
  // the state passes.
  std::vector<std::vector<uint32_t>> candidates(static_cast<size_t>(op->num_partitions()));
  std::unordered_set<std::string_view> seen;
  for (uint32_t i = 0; i < keys.size(); ++i) {
    if (!times.empty() && times[i] && *times[i] <= batch.LateEventsWatermarkMs()) {
      ++metrics.num_rows_dropped_by_watermark;
      continue;
    }
    if (seen.insert(keys[i]).second) candidates[op->PartitionOf(keys[i])].push_back(i);
  }
  std::vector<char> passes(keys.size(), 0);
  ARROW_RETURN_NOT_OK(op->ForEachPartition([&](int p) -> arrow::Status {
    if (candidates[p].empty()) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op->Store(p));
    std::vector<std::string_view> lookup;
    for (uint32_t i : candidates[p]) lookup.push_back(keys[i]);
    std::vector<std::optional<std::string>> existing;
    ARROW_RETURN_NOT_OK(store->MultiGet(lookup, &existing));
    StateWriteBatch writes;
    for (size_t j = 0; j < lookup.size(); ++j) {
      if (existing[j]) continue;
      const uint32_t i = candidates[p][j];
      passes[i] = 1;
      // When the key leaves the state: its event time, or its expiry.
      std::optional<int64_t> evict_ms;
      if (node.within_watermark) {
        evict_ms = times.empty() || !times[i] ? 0 : *times[i] + event_time.delay_ms;
        writes.Put(lookup[j], ExpiryValue(*rt->expiry_encoder, *evict_ms * 1000), true);
      } else {
        if (!times.empty()) evict_ms = times[i];
        writes.Put(lookup[j], {}, true);
      }
      if (rt->evicts && evict_ms) PutIndexKey(*evict_ms * 1000, lookup[j], &writes);
    }
    return store->Write(writes);
  }));
  arrow::Int64Builder kept;
  for (size_t i = 0; i < passes.size(); ++i) {
    if (passes[i]) ARROW_RETURN_NOT_OK(kept.Append(static_cast<int64_t>(i)));
  }
  metrics.all_updates_time_ms += MillisSince(update_start);

  if (rt->evicts) {  // the keys whose event time (or expiry) the watermark passed
    auto removal_start = Clock::now();
    const int64_t up_to_micros = batch.EvictionWatermarkMs() * 1000;
    ARROW_RETURN_NOT_OK(op->ForEachPartition([&](int p) -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(StateStore * store, op->Store(p));
      EvictedRows evicted;
      return EvictUpTo(*store, up_to_micros, &evicted);
    }));
    metrics.all_removals_time_ms += MillisSince(removal_start);
  }
  ARROW_ASSIGN_OR_RAISE(auto indices, kept.Finish());
  ARROW_ASSIGN_OR_RAISE(auto out, cp::Take(rows, indices));
  return arrow::Table::FromRecordBatches({out.record_batch()});
}

}  // namespace spate
