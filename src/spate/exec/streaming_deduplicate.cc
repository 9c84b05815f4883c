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
#include <limits>
#include <unordered_set>

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/exec/executor.h"
#include "spate/exec/streaming_context.h"
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

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

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
    if (micros->IsValid(i)) out[i] = FloorDiv(micros->Value(i), 1000);
  }
  return out;
}

// Removes the keys whose event time (dropDuplicates) or expiry
// (within watermark) the watermark has passed.
arrow::Status Evict(const PlanNode& node, const EventTimeColumn& event_time, const arrow::Schema& key_schema,
                    int64_t watermark_ms, StatefulOperatorState& op) {
  std::vector<std::pair<int, std::string>> keys;
  std::vector<std::string> encoded;
  for (int p = 0; p < op.num_partitions(); ++p) {
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    ARROW_RETURN_NOT_OK(store->ScanAll([&](std::string_view k, std::string_view v) {
      keys.emplace_back(p, std::string(k));
      encoded.emplace_back(node.within_watermark ? v : k);
      return arrow::Status::OK();
    }));
  }
  if (keys.empty()) {
    op.SetMinEventTime(std::numeric_limits<int64_t>::max());
    return arrow::Status::OK();
  }
  auto schema = node.within_watermark ? ExpiryStateSchema()
                                      : std::make_shared<arrow::Schema>(key_schema);
  ARROW_ASSIGN_OR_RAISE(auto decoder, RowDecoder::Make(schema));
  for (const auto& bytes : encoded) {
    std::string_view view = bytes;
    ARROW_RETURN_NOT_OK(decoder->Append(&view));
  }
  ARROW_ASSIGN_OR_RAISE(auto decoded, decoder->Finish());
  int column = node.within_watermark ? 0 : event_time.key_column;
  ARROW_ASSIGN_OR_RAISE(auto times, EventTimesMs(decoded->column(column)));
  int64_t open_min_ms = std::numeric_limits<int64_t>::max() / 1000;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (times[i] && *times[i] <= watermark_ms) {
      ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(keys[i].first));
      ARROW_RETURN_NOT_OK(store->Remove(keys[i].second));
    } else if (times[i]) {
      open_min_ms = std::min(open_min_ms, *times[i]);
    }
  }
  op.SetMinEventTime(open_min_ms * 1000);
  return arrow::Status::OK();
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
  const EventTimeColumn event_time = FindEventTime(node);
  auto update_start = Clock::now();

  ARROW_ASSIGN_OR_RAISE(auto rows, ToSingleBatch(input));
  arrow::FieldVector key_fields;
  arrow::ArrayVector key_columns;
  for (const auto& e : node.exprs) {
    ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*e, *rows, ctx));
    key_fields.push_back(arrow::field(e->name(), array->type()));
    key_columns.push_back(std::move(array));
  }
  auto key_schema = arrow::schema(key_fields);
  auto keys = arrow::RecordBatch::Make(key_schema, rows->num_rows(), key_columns);
  ARROW_ASSIGN_OR_RAISE(auto key_encoder, RowEncoder::Make(key_schema));
  ARROW_ASSIGN_OR_RAISE(auto expiry_encoder,
                        RowEncoder::Make(ExpiryStateSchema()));

  std::vector<std::optional<int64_t>> times;
  if (event_time.input_column >= 0) {
    ARROW_ASSIGN_OR_RAISE(times, EventTimesMs(rows->column(event_time.input_column)));
  }
  arrow::Int64Builder kept;
  std::unordered_set<std::string> seen;
  std::string key;
  for (int64_t i = 0; i < rows->num_rows(); ++i) {
    if (!times.empty() && times[i] && *times[i] <= batch.late_events_watermark_ms) {
      ++metrics.num_rows_dropped_by_watermark;
      continue;
    }
    key.clear();
    key_encoder->Encode(*keys, i, &key);
    if (seen.count(key)) continue;
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op->Store(op->PartitionOf(key)));
    ARROW_ASSIGN_OR_RAISE(auto existing, store->Get(key));
    if (existing) continue;
    std::string value;
    if (node.within_watermark) {
      int64_t expires_micros = times[i] ? (*times[i] + event_time.delay_ms) * 1000 : 0;
      auto expiry = arrow::RecordBatch::Make(
          ExpiryStateSchema(), 1,
          {std::make_shared<arrow::Int64Array>(1, arrow::Buffer::FromVector(std::vector<int64_t>{expires_micros}))});
      expiry_encoder->Encode(*expiry, 0, &value);
    }
    ARROW_RETURN_NOT_OK(store->Put(key, value));
    if (times.size() > 0 && times[i]) {  // the key's eviction time: its event time, or its expiry
      op->NoteEventTime((*times[i] + (node.within_watermark ? event_time.delay_ms : 0)) * 1000);
    }
    seen.insert(key);
    ARROW_RETURN_NOT_OK(kept.Append(i));
  }
  metrics.all_updates_time_ms += MillisSince(update_start);

  const bool evicts = event_time.key_column >= 0 || (node.within_watermark && event_time.input_column >= 0);
  if (evicts && op->MayHoldKeysBefore(batch.eviction_watermark_ms)) {
    auto removal_start = Clock::now();
    ARROW_RETURN_NOT_OK(Evict(node, event_time, *key_schema, batch.eviction_watermark_ms, *op));
    metrics.all_removals_time_ms += MillisSince(removal_start);
  }
  ARROW_ASSIGN_OR_RAISE(auto indices, kept.Finish());
  ARROW_ASSIGN_OR_RAISE(auto out, cp::Take(rows, indices));
  return arrow::Table::FromRecordBatches({out.record_batch()});
}

}  // namespace spate
