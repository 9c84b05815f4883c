// transformWithState, as Spark's TransformWithStateExec runs it, once per
// micro-batch: the processor's Init, in the query's first batch
// HandleInitialState once per key of the initial state (if there is one),
// HandleInputRows once per grouping key of the batch with the key's rows
// (a GroupState API also once, without rows, per key of the initial state
// the batch has no rows of),
// then HandleExpiredTimer once per timer that expired (processing-time
// timers by the batch's timestamp, event-time timers by the watermark for
// eviction, also in a batch without data), then the removal of the state
// whose TTL expired, then Close. The output is what the calls returned. The
// state variables and the timers live in the operator's stores
// (transform_with_state_handle.h; TTLs in transform_with_state_ttl.h). Each
// batch adds Spark's transformWithState customMetrics to the operator's
// progress (AddCustomMetrics).

#include <algorithm>
#include <chrono>
#include <map>
#include <unordered_map>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/common/calendar.h"
#include "spate/exec/executor.h"
#include "spate/exec/streaming_context.h"
#include "spate/exec/transform_with_state_handle.h"
#include "spate/exec/transform_with_state_ttl.h"
#include "spate/state/event_time_index.h"
#include "spate/state/row_codec.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;
using Clock = std::chrono::steady_clock;

// What the operator keeps between batches: the variables the query planned.
struct TransformRuntime final : OperatorRuntime {
  std::vector<StateVariable> variables;
  int timer_store = -1;
  std::shared_ptr<arrow::Schema> key_schema;
  std::unique_ptr<RowEncoder> key_encoder;
  std::shared_ptr<arrow::Schema> output_schema;
};

arrow::Result<std::shared_ptr<arrow::Schema>> KeySchema(const PlanNode& node) {
  arrow::FieldVector fields;
  for (const auto& e : node.exprs) {
    ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*e->type()));
    fields.push_back(arrow::field(e->name(), type));
  }
  return arrow::schema(fields);
}

arrow::Result<std::shared_ptr<arrow::Schema>> OutputSchema(const PlanNode& node) {
  arrow::FieldVector fields;
  for (const auto& a : node.output) {
    ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*a.type));
    fields.push_back(arrow::field(a.name, type, a.nullable));
  }
  return arrow::schema(fields);
}

arrow::Result<TransformRuntime*> RuntimeOf(const PlanNode& node, StatefulOperatorState& op) {
  if (auto* kept = dynamic_cast<TransformRuntime*>(op.runtime().get())) return kept;
  auto rt = std::make_unique<TransformRuntime>();
  ARROW_ASSIGN_OR_RAISE(rt->variables, DeclaredStateVariables(*node.transform));
  if (node.transform->time_mode != TimeMode::kNone) rt->timer_store = static_cast<int>(rt->variables.size());
  ARROW_ASSIGN_OR_RAISE(rt->key_schema, KeySchema(node));
  ARROW_ASSIGN_OR_RAISE(rt->key_encoder, RowEncoder::Make(rt->key_schema));
  ARROW_ASSIGN_OR_RAISE(rt->output_schema, OutputSchema(node));
  op.runtime() = std::move(rt);
  return static_cast<TransformRuntime*>(op.runtime().get());
}

// The rows of each key, in the order keys first appear.
struct KeyGroups {
  std::vector<std::string_view> keys;
  std::vector<int64_t> first_row;  // per key: a row that holds it
  std::vector<std::vector<int64_t>> rows;
};

KeyGroups GroupRows(const EncodedRows& keys, const std::vector<bool>& dropped) {
  KeyGroups out;
  std::unordered_map<std::string_view, size_t> index;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!dropped.empty() && dropped[i]) continue;
    auto [it, added] = index.emplace(keys[i], out.keys.size());
    if (added) {
      out.keys.push_back(keys[i]);
      out.first_row.push_back(static_cast<int64_t>(i));
      out.rows.emplace_back();
    }
    out.rows[it->second].push_back(static_cast<int64_t>(i));
  }
  return out;
}

arrow::Result<RecordBatchPtr> TakeRows(const std::shared_ptr<arrow::RecordBatch>& batch,
                                       const std::vector<int64_t>& rows) {
  arrow::Int64Builder indices;
  ARROW_RETURN_NOT_OK(indices.AppendValues(rows));
  ARROW_ASSIGN_OR_RAISE(auto array, indices.Finish());
  ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(batch, array));
  return taken.record_batch();
}

// Rows older than the watermark for late events (event-time mode only, as Spark).
arrow::Result<std::vector<bool>> LateRows(const PlanNode& node, const arrow::RecordBatch& rows,
                                          const StreamingBatchContext& batch, int64_t* late_count) {
  std::vector<bool> late;
  if (node.transform->time_mode != TimeMode::kEventTime) return late;
  const auto& input = node.children[0]->output;
  for (size_t c = 0; c < input.size(); ++c) {
    if (input[c].watermark_delay_ms < 0) continue;
    ARROW_ASSIGN_OR_RAISE(auto micros, EventTimeMicros(rows.column(static_cast<int>(c))));
    late.assign(rows.num_rows(), false);
    for (int64_t i = 0; i < micros->length(); ++i) {
      if (micros->IsValid(i) && calendar::FloorDiv(micros->Value(i), 1000) <= batch.LateEventsWatermarkMs()) {
        late[i] = true;
        ++*late_count;
      }
    }
    break;
  }
  return late;
}

// Both clocks in a time mode, neither without one (as Spark's TimerValues).
TimerValues TimerValuesOf(const PlanNode& node, const EvalContext& ctx) {
  TimerValues out;
  // Spark gives a transformWithState processor no clock in TimeMode None; a GroupState
  // (flatMapGroupsWithState, applyInPandasWithState) has the batch's clocks in every mode.
  if (node.transform->time_mode == TimeMode::kNone && node.transform->legacy_api.empty()) return out;
  out.current_processing_time_ms = calendar::FloorDiv(ctx.current_timestamp_us, 1000);
  out.current_watermark_ms = std::max<int64_t>(ctx.streaming->EvictionWatermarkMs(), 0);
  return out;
}

// Collects the processor's output batches, checked against the output schema.
class Output {
 public:
  explicit Output(std::shared_ptr<arrow::Schema> schema) : schema_(std::move(schema)) {}
  arrow::Status Add(const RecordBatchPtr& batch) {
    if (!batch || batch->num_rows() == 0) return arrow::Status::OK();
    if (batch->num_columns() != schema_->num_fields()) {
      return arrow::Status::Invalid(fmt::format("transformWithState's processor returned rows of {}, not of {}",
                                                batch->schema()->ToString(), schema_->ToString()));
    }
    arrow::ArrayVector columns;
    for (int c = 0; c < batch->num_columns(); ++c) {
      ARROW_ASSIGN_OR_RAISE(auto column, ConformArray(batch->column(c), schema_->field(c)->type()));
      columns.push_back(std::move(column));
    }
    batches_.push_back(arrow::RecordBatch::Make(schema_, batch->num_rows(), std::move(columns)));
    return arrow::Status::OK();
  }
  arrow::Result<std::shared_ptr<arrow::Table>> Finish() { return arrow::Table::FromRecordBatches(schema_, batches_); }

 private:
  std::shared_ptr<arrow::Schema> schema_;
  std::vector<RecordBatchPtr> batches_;
};

// The keys of an initial state, by their encoding: each key's row.
using InitialKeys = std::map<std::string, RecordBatchPtr, std::less<>>;

// The initial state's rows grouped by key (its first columns, cast to the
// query's key types), each key's rows (the other columns) handed to the
// processor before the batch's input; the keys it held.
arrow::Result<InitialKeys> HandleInitialState(const PlanNode& node, TransformRuntime& rt, StatefulProcessor& processor,
                                              BatchStateHandle& handle, const TimerValues& timers) {
  ARROW_ASSIGN_OR_RAISE(auto table, node.transform->initial_state());
  ARROW_ASSIGN_OR_RAISE(auto rows, ToSingleBatch(*table));
  const int num_keys = rt.key_schema->num_fields();
  arrow::ArrayVector key_columns;
  for (int c = 0; c < num_keys; ++c) {
    ARROW_ASSIGN_OR_RAISE(auto array, ConformArray(rows->column(c), rt.key_schema->field(c)->type()));
    key_columns.push_back(std::move(array));
  }
  auto key_batch = arrow::RecordBatch::Make(rt.key_schema, rows->num_rows(), key_columns);
  std::vector<int> own_columns;
  for (int c = num_keys; c < rows->num_columns(); ++c) own_columns.push_back(c);
  ARROW_ASSIGN_OR_RAISE(auto state_rows, rows->SelectColumns(own_columns));
  EncodedRows keys;
  rt.key_encoder->EncodeBatch(*key_batch, &keys);
  KeyGroups groups = GroupRows(keys, {});
  InitialKeys initial_keys;
  for (size_t g = 0; g < groups.keys.size(); ++g) {
    handle.SetCurrentKey(groups.keys[g]);
    ARROW_ASSIGN_OR_RAISE(auto key_rows, TakeRows(state_rows, groups.rows[g]));
    auto key_row = key_batch->Slice(groups.first_row[g], 1);
    ARROW_RETURN_NOT_OK(processor.HandleInitialState(*key_row, *key_rows, timers));
    initial_keys.emplace(groups.keys[g], std::move(key_row));
  }
  return initial_keys;
}

// A GroupState API (flatMapGroupsWithState) calls its function for every key of
// the initial state, as Spark's co-grouping does: with no rows for the keys
// the batch's input did not have (`unseen`).
arrow::Status CallInitialKeysWithoutRows(const InitialKeys& unseen, const arrow::Table& input,
                                         StatefulProcessor& processor, BatchStateHandle& handle,
                                         const TimerValues& timers, Output& output) {
  ARROW_ASSIGN_OR_RAISE(auto no_rows, arrow::RecordBatch::MakeEmpty(input.schema()));
  for (const auto& [key, key_row] : unseen) {
    handle.SetCurrentKey(key);
    ARROW_ASSIGN_OR_RAISE(auto out, processor.HandleInputRows(*key_row, *no_rows, timers));
    ARROW_RETURN_NOT_OK(output.Add(out));
  }
  return arrow::Status::OK();
}

// Calls the processor once per key of the input; the keys called leave `unseen`.
arrow::Status HandleInput(const PlanNode& node, const arrow::Table& input, const EvalContext& ctx,
                          TransformRuntime& rt, StatefulProcessor& processor, BatchStateHandle& handle,
                          const TimerValues& timers, Output& output, InitialKeys& unseen) {
  if (input.num_rows() == 0) return arrow::Status::OK();
  ARROW_ASSIGN_OR_RAISE(auto rows, ToSingleBatch(input));
  arrow::ArrayVector key_columns;
  for (const auto& e : node.exprs) {
    ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*e, *rows, ctx));
    ARROW_ASSIGN_OR_RAISE(array, ConformArray(array, rt.key_schema->field(static_cast<int>(key_columns.size()))->type()));
    key_columns.push_back(std::move(array));
  }
  auto key_batch = arrow::RecordBatch::Make(rt.key_schema, rows->num_rows(), key_columns);
  EncodedRows keys;
  rt.key_encoder->EncodeBatch(*key_batch, &keys);
  ARROW_ASSIGN_OR_RAISE(StatefulOperatorState * op, ctx.streaming->RunningOperator());
  ARROW_ASSIGN_OR_RAISE(auto late, LateRows(node, *rows, *ctx.streaming, &op->metrics().num_rows_dropped_by_watermark));
  KeyGroups groups = GroupRows(keys, late);
  // One gather puts each key's rows together; each key's call gets a slice of it.
  InputGroups input_groups;
  input_groups.select_key = [&](int64_t k) { handle.SetCurrentKey(groups.keys[k]); };
  input_groups.offsets.push_back(0);
  std::vector<int64_t> order;
  order.reserve(static_cast<size_t>(rows->num_rows()));
  for (const auto& group : groups.rows) {
    order.insert(order.end(), group.begin(), group.end());
    input_groups.offsets.push_back(static_cast<int64_t>(order.size()));
  }
  ARROW_ASSIGN_OR_RAISE(input_groups.rows, TakeRows(rows, order));
  ARROW_ASSIGN_OR_RAISE(input_groups.keys, TakeRows(key_batch, groups.first_row));
  ARROW_ASSIGN_OR_RAISE(auto outputs, processor.HandleInputGroups(input_groups, timers));
  for (const auto& out : outputs) ARROW_RETURN_NOT_OK(output.Add(out));
  for (std::string_view key : groups.keys) {
    if (auto it = unseen.find(key); it != unseen.end()) unseen.erase(it);
  }
  return arrow::Status::OK();
}

// The timers of a partition's store at or before `up_to_ms`, in expiry order:
// their keys (grouping key ++ expiry), from a range scan of the index.
arrow::Result<std::vector<std::string>> ExpiredTimerKeys(StateStore& store, int64_t up_to_ms) {
  std::string end;
  AppendIndexKey((up_to_ms + 1) * 1000, "", &end);
  std::vector<std::string> keys;
  ARROW_RETURN_NOT_OK(store.Scan(std::string(1, kIndexKeyByte), end, [&](std::string_view k, std::string_view) {
    keys.emplace_back(k.substr(kIndexTimePrefixBytes));
    return arrow::Status::OK();
  }));
  return keys;
}

// One decoded row of `schema` from the front of `bytes`.
arrow::Result<RecordBatchPtr> DecodeOne(std::string_view* bytes, const std::shared_ptr<arrow::Schema>& schema) {
  ARROW_ASSIGN_OR_RAISE(auto decoder, RowDecoder::Make(schema));
  ARROW_RETURN_NOT_OK(decoder->Append(bytes));
  return decoder->Finish();
}

// Fires the timers at or before `up_to_ms`, partition by partition, in expiry
// order; as Spark, a timer is deleted after its handleExpiredTimer call.
// Spark deletes a fired timer after its handler ran, so a handler cannot keep it. A GroupState
// API (`legacy`) keeps a timeout its timed-out call left alone: there the timer goes first, and
// the call may register it again.
arrow::Result<int64_t> FireExpiredTimers(TransformRuntime& rt, StatefulOperatorState& op,
                                         StatefulProcessor& processor, BatchStateHandle& handle,
                                         const TimerValues& timers, int64_t up_to_ms, bool legacy, Output& output) {
  auto expiry_schema = arrow::schema({arrow::field("expiryTimestampMs", arrow::int64(), false)});
  int64_t fired = 0;
  for (int p = 0; p < op.num_partitions(); ++p) {
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p, rt.timer_store));
    ARROW_ASSIGN_OR_RAISE(auto expired, ExpiredTimerKeys(*store, up_to_ms));
    for (const std::string& timer_key : expired) {
      std::string_view bytes = timer_key;
      ARROW_ASSIGN_OR_RAISE(auto key_row, DecodeOne(&bytes, rt.key_schema));
      const std::string_view key = std::string_view(timer_key).substr(0, timer_key.size() - bytes.size());
      ARROW_ASSIGN_OR_RAISE(auto expiry_row, DecodeOne(&bytes, expiry_schema));
      const int64_t expiry_ms = static_cast<const arrow::Int64Array&>(*expiry_row->column(0)).Value(0);
      handle.SetCurrentKey(key);
      if (legacy) ARROW_RETURN_NOT_OK(handle.DeleteTimer(expiry_ms));
      ARROW_ASSIGN_OR_RAISE(auto out, processor.HandleExpiredTimer(*key_row, timers, ExpiredTimerInfo{expiry_ms}));
      ARROW_RETURN_NOT_OK(output.Add(out));
      if (!legacy) ARROW_RETURN_NOT_OK(handle.DeleteTimer(expiry_ms));
      ++fired;
    }
  }
  return fired;
}

// What one batch of the operator did, for its customMetrics.
struct BatchCounts {
  int64_t expired_timers = 0;
  int64_t values_removed_by_ttl = 0;
  int64_t initial_state_ms = 0;
  int64_t timers_ms = 0;
};

// Spark's customMetrics of a transformWithState operator. Spark counts the
// state variables each partition's task declares in init, so a variable
// counts once per partition; a variable with a TTL counts only in the
// *WithTTLVars. Spark's Python operators fire timers in the Python worker and
// report no expired timers (the deletes of the fired timers count).
void AddCustomMetrics(const PlanNode& node, const TransformRuntime& rt, const BatchStateHandle& handle,
                      const BatchCounts& counts, StatefulOperatorState& op) {
  int64_t declared[2][3] = {};  // [with TTL][value, list, map]
  for (const auto& v : rt.variables) ++declared[v.ttl_ms > 0 ? 1 : 0][static_cast<int>(v.kind)];
  const int64_t partitions = op.num_partitions();
  const bool python = node.transform->operator_name != "transformWithStateExec";
  auto& out = op.metrics().custom_metrics;
  out.emplace_back("initialStateProcessingTimeMs", counts.initial_state_ms);
  out.emplace_back("numDeletedStateVars", handle.deleted_state_vars());
  out.emplace_back("numDeletedTimers", handle.deleted_timers());
  out.emplace_back("numExpiredTimers", python ? 0 : counts.expired_timers);
  out.emplace_back("numListStateVars", declared[0][1] * partitions);
  out.emplace_back("numListStateWithTTLVars", declared[1][1] * partitions);
  out.emplace_back("numMapStateVars", declared[0][2] * partitions);
  out.emplace_back("numMapStateWithTTLVars", declared[1][2] * partitions);
  out.emplace_back("numRegisteredTimers", handle.registered_timers());
  out.emplace_back("numValueStateVars", declared[0][0] * partitions);
  out.emplace_back("numValueStateWithTTLVars", declared[1][0] * partitions);
  out.emplace_back("numValuesRemovedDueToTTLExpiry", counts.values_removed_by_ttl);
  out.emplace_back("timerProcessingTimeMs", counts.timers_ms);
}

}  // namespace

arrow::Result<std::vector<StateStoreSchemas>> TransformWithStateSchemas(const PlanNode& node) {
  ARROW_ASSIGN_OR_RAISE(auto variables, DeclaredStateVariables(*node.transform));
  ARROW_ASSIGN_OR_RAISE(auto key, KeySchema(node));
  std::vector<StateStoreSchemas> out;
  for (const auto& v : variables) {
    // A map's store key is the grouping key then the user key; its schema,
    // as Spark's, nests them: struct<key: struct<...>, userKey: struct<...>>.
    auto store_key = key;
    if (v.kind == StateVariable::Kind::kMap) {
      store_key = arrow::schema({arrow::field("key", arrow::struct_(key->fields())),
                                 arrow::field("userKey", arrow::struct_(v.user_key->fields()))});
    }
    out.push_back({v.name, store_key, v.ttl_ms > 0 ? WithExpiryColumn(v.value) : v.value});
  }
  const std::string timers = TimerStoreName(node.transform->time_mode);
  if (!timers.empty()) {
    arrow::FieldVector fields = key->fields();
    fields.push_back(arrow::field("expiryTimestampMs", arrow::int64(), false));
    out.push_back({timers, arrow::schema(fields), arrow::schema(arrow::FieldVector{})});
  }
  return out;
}

arrow::Result<std::shared_ptr<arrow::Table>> ExecuteTransformWithState(const PlanNode& node, const arrow::Table& input,
                                                                       const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(StatefulOperatorState * op, ctx.streaming->RunningOperator());
  ARROW_ASSIGN_OR_RAISE(TransformRuntime * rt, RuntimeOf(node, *op));
  auto start = Clock::now();
  ARROW_ASSIGN_OR_RAISE(auto processor, node.transform->factory());
  BatchStateHandle handle(*op, rt->variables, rt->timer_store, calendar::FloorDiv(ctx.current_timestamp_us, 1000));
  ARROW_RETURN_NOT_OK(processor->Init(handle));
  const TimerValues timers = TimerValuesOf(node, ctx);
  const bool legacy = !node.transform->legacy_api.empty();
  BatchCounts counts;
  InitialKeys unseen;
  if (node.transform->initial_state && ctx.streaming->batch_id == 0) {
    const auto initial_start = Clock::now();
    ARROW_ASSIGN_OR_RAISE(unseen, HandleInitialState(node, *rt, *processor, handle, timers));
    counts.initial_state_ms = MillisSince(initial_start);
  }
  Output output(rt->output_schema);
  ARROW_RETURN_NOT_OK(HandleInput(node, input, ctx, *rt, *processor, handle, timers, output, unseen));
  if (legacy) ARROW_RETURN_NOT_OK(CallInitialKeysWithoutRows(unseen, input, *processor, handle, timers, output));
  const auto timers_start = Clock::now();
  if (node.transform->time_mode == TimeMode::kProcessingTime) {
    ARROW_ASSIGN_OR_RAISE(counts.expired_timers,
                          FireExpiredTimers(*rt, *op, *processor, handle, timers,
                                            timers.current_processing_time_ms, legacy, output));
  } else if (node.transform->time_mode == TimeMode::kEventTime) {
    ARROW_ASSIGN_OR_RAISE(counts.expired_timers, FireExpiredTimers(*rt, *op, *processor, handle, timers,
                                                                   timers.current_watermark_ms, legacy, output));
  }
  counts.timers_ms = MillisSince(timers_start);
  op->metrics().all_updates_time_ms += MillisSince(start);
  const auto removal_start = Clock::now();
  ARROW_ASSIGN_OR_RAISE(counts.values_removed_by_ttl, handle.ClearExpiredState());
  op->metrics().all_removals_time_ms += MillisSince(removal_start);
  ARROW_RETURN_NOT_OK(processor->Close());
  if (!legacy) AddCustomMetrics(node, *rt, handle, counts, *op);
  return output.Finish();
}

}  // namespace spate
