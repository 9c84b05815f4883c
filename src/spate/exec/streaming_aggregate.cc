// Streaming aggregation, as Spark's StateStoreRestore/StateStoreSave pair
// runs it. Each group's partial aggregates ("buffers": the state columns of
// each call's function, exec/aggregate_functions.h) live in the operator's
// state store under the group's key. Per micro-batch:
//   1. the batch's rows are aggregated into buffers per group (update),
//   2. groups already closed by the watermark are dropped as late,
//   3. the state's buffers of the same groups are read and combined with the
//      batch's (merge), and written back,
//   4. rows are emitted by output mode: complete — every group; update — the
//      groups this batch changed; append — the groups the watermark closes
//      now (once, then removed from state). Update mode also removes closed groups.
// Session windows keep one state row per (keys, session start); a batch's
// sessions are merged with the stored sessions of the same keys they touch.

#include <chrono>
#include <limits>
#include <set>

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/aggregates/aggregate_functions.h"
#include "spate/exec/aggregate.h"
#include "spate/exec/executor.h"
#include "spate/exec/hash_aggregate.h"
#include "spate/exec/session_window.h"
#include "spate/exec/streaming_context.h"
#include "spate/state/row_codec.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;
using Clock = std::chrono::steady_clock;

// The state layout of one streaming Aggregate node.
struct AggregateLayout {
  std::vector<std::unique_ptr<AggregateFunction>> functions;  // per call
  std::vector<size_t> first_buffer;                           // per call: its first buffer column
  arrow::FieldVector buffer_fields;
  std::shared_ptr<arrow::Schema> output_schema;   // the node's output
  std::shared_ptr<arrow::Schema> key_schema;      // state keys
  std::shared_ptr<arrow::Schema> value_schema;    // state values
  int event_time_key = -1;  // the grouping key carrying an event time (-1: none)
  bool session = false;     // keys: the other keys, then the session start; values: end, buffers

  // The buffer columns of call i.
  arrow::ArrayVector BuffersOf(const arrow::ArrayVector& buffers, size_t i) const {
    const size_t end = i + 1 < first_buffer.size() ? first_buffer[i + 1] : buffer_fields.size();
    return arrow::ArrayVector(buffers.begin() + static_cast<std::ptrdiff_t>(first_buffer[i]),
                              buffers.begin() + static_cast<std::ptrdiff_t>(end));
  }
};

// Rows whose event time is at or before `watermark_ms` (closed by the
// watermark); `open_min_us` receives the least event time of the others.
arrow::Result<std::vector<bool>> ClosedBy(const std::shared_ptr<arrow::Array>& key, int64_t watermark_ms,
                                          int64_t* open_min_us = nullptr) {
  ARROW_ASSIGN_OR_RAISE(auto view, EventTimeMicros(key));
  const arrow::Int64Array& micros = *view;
  std::vector<bool> closed(micros.length());
  int64_t open_min = std::numeric_limits<int64_t>::max();
  for (int64_t i = 0; i < micros.length(); ++i) {
    closed[i] = micros.IsValid(i) && micros.Value(i) <= watermark_ms * 1000;
    if (!closed[i] && micros.IsValid(i)) open_min = std::min(open_min, micros.Value(i));
  }
  if (open_min_us) *open_min_us = open_min;
  return closed;
}

// The least event time of the keys, in microseconds (INT64_MAX for none).
arrow::Result<int64_t> LeastEventTime(const std::shared_ptr<arrow::Array>& key) {
  ARROW_ASSIGN_OR_RAISE(auto view, EventTimeMicros(key));
  const arrow::Int64Array& micros = *view;
  int64_t least = std::numeric_limits<int64_t>::max();
  for (int64_t i = 0; i < micros.length(); ++i) {
    if (micros.IsValid(i)) least = std::min(least, micros.Value(i));
  }
  return least;
}

arrow::Result<AggregateLayout> LayoutOf(const PlanNode& node, bool ansi = true) {
  AggregateLayout layout;
  ARROW_ASSIGN_OR_RAISE(layout.output_schema, ToArrowSchema(*node.Schema()));
  for (const auto& call : node.aggregates) {
    if (IsDistinctAggregate(call) || call.filter != nullptr) {
      return arrow::Status::NotImplemented("streaming aggregation of ", call.name);
    }
    ARROW_ASSIGN_OR_RAISE(auto fn, MakeAggregateFunction(call, ansi));
    layout.first_buffer.push_back(layout.buffer_fields.size());
    for (const auto& f : fn->StateFields()) {
      layout.buffer_fields.push_back(arrow::field("b" + std::to_string(layout.buffer_fields.size()), f->type()));
    }
    layout.functions.push_back(std::move(fn));
  }
  arrow::FieldVector keys, values;
  layout.session = node.session_window_key >= 0;
  for (size_t i = 0; i < node.exprs.size(); ++i) {
    if (node.output[i].watermark_delay_ms >= 0 && layout.event_time_key < 0) {
      layout.event_time_key = static_cast<int>(i);
    }
    if (static_cast<int>(i) == node.session_window_key) continue;
    keys.push_back(layout.output_schema->field(static_cast<int>(i)));
  }
  if (layout.session) {
    const auto& session_type = layout.output_schema->field(node.session_window_key)->type();
    keys.push_back(arrow::field("session_start", session_type->field(0)->type()));
    values.push_back(arrow::field("session_end", session_type->field(1)->type()));
  }
  values.insert(values.end(), layout.buffer_fields.begin(), layout.buffer_fields.end());
  layout.key_schema = arrow::schema(keys);
  layout.value_schema = arrow::schema(values);
  return layout;
}

arrow::Result<std::shared_ptr<arrow::Array>> CastTo(const std::shared_ptr<arrow::Array>& array,
                                                    const std::shared_ptr<arrow::DataType>& type) {
  if (array->type()->Equals(*type)) return array;
  return cp::Cast(*array, type, cp::CastOptions::Unsafe());
}

// Keys and buffers of groups, as columns.
struct Groups {
  arrow::ArrayVector keys;     // the node's grouping keys, in order
  arrow::ArrayVector buffers;  // layout.buffer_fields
  int64_t num_rows = 0;

  arrow::Status Filter(const std::vector<bool>& keep) {
    arrow::BooleanBuilder b;
    for (bool k : keep) ARROW_RETURN_NOT_OK(b.Append(k));
    ARROW_ASSIGN_OR_RAISE(auto mask, b.Finish());
    for (auto* columns : {&keys, &buffers}) {
      for (auto& c : *columns) {
        ARROW_ASSIGN_OR_RAISE(auto kept, cp::Filter(c, mask));
        c = kept.make_array();
      }
    }
    num_rows = static_cast<const arrow::BooleanArray&>(*mask).true_count();
    return arrow::Status::OK();
  }
};

// Step 1: the batch's rows into buffers per group.
arrow::Result<Groups> UpdateBuffers(const AggregateLayout& layout, GroupingInput in) {
  Groups out;
  if (in.num_rows == 0) {
    for (const auto& k : in.keys) out.keys.push_back(k);
    for (const auto& f : layout.buffer_fields) {
      ARROW_ASSIGN_OR_RAISE(auto empty, arrow::MakeEmptyArray(f->type()));
      out.buffers.push_back(std::move(empty));
    }
    return out;
  }
  ARROW_ASSIGN_OR_RAISE(Grouping grouping, GroupRowsByKeys(in.keys, in.num_rows));
  ARROW_ASSIGN_OR_RAISE(out.keys, GroupKeys(in.keys, grouping));
  out.num_rows = grouping.num_groups;
  const GroupMap map{grouping.ids.data(), in.num_rows, grouping.num_groups};
  for (size_t i = 0; i < layout.functions.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto states, layout.functions[i]->Update(in.args[i], map));
    for (auto& s : states) {
      ARROW_ASSIGN_OR_RAISE(s, CastTo(s, layout.buffer_fields[out.buffers.size()]->type()));
      out.buffers.push_back(std::move(s));
    }
  }
  return out;
}

// Step 3: buffers of the same group (state rows first, then the batch's) combined.
arrow::Result<Groups> MergeBuffers(const AggregateLayout& layout, const std::vector<Groups>& parts) {
  Groups all;
  for (const auto& p : parts) all.num_rows += p.num_rows;
  auto concat = [&](auto member, size_t i) -> arrow::Result<std::shared_ptr<arrow::Array>> {
    arrow::ArrayVector chunks;
    for (const auto& p : parts) chunks.push_back((p.*member)[i]);
    return arrow::Concatenate(chunks);
  };
  for (size_t i = 0; i < parts.back().keys.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto key, concat(&Groups::keys, i));
    all.keys.push_back(std::move(key));
  }
  for (size_t b = 0; b < layout.buffer_fields.size(); ++b) {
    ARROW_ASSIGN_OR_RAISE(auto buffer, concat(&Groups::buffers, b));
    all.buffers.push_back(std::move(buffer));
  }
  ARROW_ASSIGN_OR_RAISE(Grouping grouping, GroupRowsByKeys(all.keys, all.num_rows));
  Groups out;
  ARROW_ASSIGN_OR_RAISE(out.keys, GroupKeys(all.keys, grouping));
  out.num_rows = grouping.num_groups;
  const GroupMap map{grouping.ids.data(), all.num_rows, grouping.num_groups};
  for (size_t i = 0; i < layout.functions.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto states, layout.functions[i]->Merge(layout.BuffersOf(all.buffers, i), map));
    for (auto& s : states) {
      ARROW_ASSIGN_OR_RAISE(s, CastTo(s, layout.buffer_fields[out.buffers.size()]->type()));
      out.buffers.push_back(std::move(s));
    }
  }
  return out;
}

// Step 4: the node's output rows for groups.
arrow::Result<std::shared_ptr<arrow::Table>> FinishGroups(const AggregateLayout& layout, const Groups& groups) {
  arrow::ArrayVector columns = groups.keys;
  for (size_t i = 0; i < layout.functions.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto col, layout.functions[i]->Finish(layout.BuffersOf(groups.buffers, i)));
    columns.push_back(std::move(col));
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(columns[i], CastTo(columns[i], layout.output_schema->field(static_cast<int>(i))->type()));
  }
  return arrow::Table::Make(layout.output_schema, columns, groups.num_rows);
}

// State keys and values of groups (see AggregateLayout).
struct EncodedGroups {
  std::vector<std::string> keys;
  std::vector<std::string> values;
  std::vector<std::string> partition_keys;  // what decides the partition: the key, or the session's other keys
};

arrow::Result<EncodedGroups> EncodeGroups(const PlanNode& node, const AggregateLayout& layout,
                                          const Groups& groups) {
  arrow::ArrayVector key_columns, value_columns;
  std::shared_ptr<arrow::Array> session;
  for (size_t i = 0; i < groups.keys.size(); ++i) {
    if (static_cast<int>(i) == node.session_window_key) {
      session = groups.keys[i];
    } else {
      key_columns.push_back(groups.keys[i]);
    }
  }
  auto prefix_schema = arrow::schema(arrow::FieldVector(layout.key_schema->fields().begin(),
                                                        layout.key_schema->fields().begin() + key_columns.size()));
  auto prefix_batch = arrow::RecordBatch::Make(prefix_schema, groups.num_rows, key_columns);
  if (session) {
    const auto& s = static_cast<const arrow::StructArray&>(*session);
    ARROW_ASSIGN_OR_RAISE(auto start, s.GetFlattenedField(0));
    ARROW_ASSIGN_OR_RAISE(auto end, s.GetFlattenedField(1));
    key_columns.push_back(start);
    value_columns.push_back(end);
  }
  value_columns.insert(value_columns.end(), groups.buffers.begin(), groups.buffers.end());
  auto key_batch = arrow::RecordBatch::Make(layout.key_schema, groups.num_rows, key_columns);
  auto value_batch = arrow::RecordBatch::Make(layout.value_schema, groups.num_rows, value_columns);
  ARROW_ASSIGN_OR_RAISE(auto key_encoder, RowEncoder::Make(layout.key_schema));
  ARROW_ASSIGN_OR_RAISE(auto value_encoder, RowEncoder::Make(layout.value_schema));
  EncodedGroups out;
  out.keys = key_encoder->EncodeAll(*key_batch);
  out.values = value_encoder->EncodeAll(*value_batch);
  if (session) {
    ARROW_ASSIGN_OR_RAISE(auto prefix_encoder, RowEncoder::Make(prefix_schema));
    out.partition_keys = prefix_encoder->EncodeAll(*prefix_batch);
  } else {
    out.partition_keys = out.keys;
  }
  return out;
}

// State rows back into groups.
arrow::Result<Groups> DecodeGroups(const PlanNode& node, const AggregateLayout& layout,
                                   const std::vector<std::string>& keys, const std::vector<std::string>& values) {
  ARROW_ASSIGN_OR_RAISE(auto key_decoder, RowDecoder::Make(layout.key_schema));
  ARROW_ASSIGN_OR_RAISE(auto value_decoder, RowDecoder::Make(layout.value_schema));
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string_view k = keys[i], v = values[i];
    ARROW_RETURN_NOT_OK(key_decoder->Append(&k));
    ARROW_RETURN_NOT_OK(value_decoder->Append(&v));
  }
  ARROW_ASSIGN_OR_RAISE(auto key_batch, key_decoder->Finish());
  ARROW_ASSIGN_OR_RAISE(auto value_batch, value_decoder->Finish());
  Groups out;
  out.num_rows = static_cast<int64_t>(keys.size());
  int next_key = 0;
  int first_buffer = layout.session ? 1 : 0;
  for (size_t i = 0; i < node.exprs.size(); ++i) {
    if (static_cast<int>(i) != node.session_window_key) {
      out.keys.push_back(key_batch->column(next_key++));
      continue;
    }
    const auto& type = layout.output_schema->field(static_cast<int>(i))->type();
    ARROW_ASSIGN_OR_RAISE(auto session,
                          arrow::StructArray::Make({key_batch->column(key_batch->num_columns() - 1),
                                                    value_batch->column(0)},
                                                   type->fields()));
    out.keys.push_back(std::move(session));
  }
  for (int b = first_buffer; b < value_batch->num_columns(); ++b) out.buffers.push_back(value_batch->column(b));
  return out;
}

// The stored groups with the given keys (state rows of sessions: every
// session stored under the given key prefixes). `found` receives their state keys.
arrow::Result<Groups> ReadStoredGroups(const PlanNode& node, const AggregateLayout& layout,
                                       StatefulOperatorState& op, const EncodedGroups& batch,
                                       std::vector<std::pair<int, std::string>>* found) {
  std::vector<std::string> keys, values;
  if (layout.session) {
    std::set<std::string_view> prefixes(batch.partition_keys.begin(), batch.partition_keys.end());
    for (std::string_view prefix : prefixes) {
      int partition = op.PartitionOf(prefix);
      ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(partition));
      ARROW_RETURN_NOT_OK(store->PrefixScan(prefix, [&](std::string_view k, std::string_view v) {
        keys.emplace_back(k);
        values.emplace_back(v);
        found->emplace_back(partition, std::string(k));
        return arrow::Status::OK();
      }));
    }
  } else {
    for (size_t i = 0; i < batch.keys.size(); ++i) {
      int partition = op.PartitionOf(batch.keys[i]);
      ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(partition));
      ARROW_ASSIGN_OR_RAISE(auto value, store->Get(batch.keys[i]));
      if (!value) continue;
      keys.push_back(batch.keys[i]);
      values.push_back(std::move(*value));
    }
  }
  return DecodeGroups(node, layout, keys, values);
}

// Every stored group (for complete mode and for eviction), with its partition and key.
arrow::Result<Groups> ReadAllGroups(const PlanNode& node, const AggregateLayout& layout, StatefulOperatorState& op,
                                    std::vector<std::pair<int, std::string>>* where) {
  std::vector<std::string> keys, values;
  for (int p = 0; p < op.num_partitions(); ++p) {
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    ARROW_RETURN_NOT_OK(store->ScanAll([&](std::string_view k, std::string_view v) {
      keys.emplace_back(k);
      values.emplace_back(v);
      where->emplace_back(p, std::string(k));
      return arrow::Status::OK();
    }));
  }
  return DecodeGroups(node, layout, keys, values);
}

// For a session aggregation: the sessions of the same other keys merged
// (a stored session the batch's sessions reach joins them).
arrow::Status MergeStoredSessions(const PlanNode& node, std::vector<Groups>* parts) {
  // Concatenate, assign merged sessions, and the merge aggregation groups by them.
  Groups all;
  for (size_t i = 0; i < parts->back().keys.size(); ++i) {
    arrow::ArrayVector chunks;
    for (const auto& p : *parts) chunks.push_back(p.keys[i]);
    ARROW_ASSIGN_OR_RAISE(auto key, arrow::Concatenate(chunks));
    all.keys.push_back(std::move(key));
  }
  for (size_t b = 0; b < parts->back().buffers.size(); ++b) {
    arrow::ArrayVector chunks;
    for (const auto& p : *parts) chunks.push_back(p.buffers[b]);
    ARROW_ASSIGN_OR_RAISE(auto buffer, arrow::Concatenate(chunks));
    all.buffers.push_back(std::move(buffer));
  }
  for (const auto& p : *parts) all.num_rows += p.num_rows;
  arrow::ArrayVector others;
  for (size_t i = 0; i < all.keys.size(); ++i) {
    if (static_cast<int>(i) != node.session_window_key) others.push_back(all.keys[i]);
  }
  uint32_t groups = 0;
  ARROW_ASSIGN_OR_RAISE(auto ids, GroupIds(others, all.num_rows, &groups));
  ARROW_ASSIGN_OR_RAISE(auto merged, MergeSessions(*all.keys[node.session_window_key], ids));
  all.keys[node.session_window_key] = merged.sessions;
  for (auto* columns : {&all.keys, &all.buffers}) {  // in session order, for collect_list
    for (auto& c : *columns) {
      ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(c, merged.order));
      c = taken.make_array();
    }
  }
  all.num_rows = merged.order->length();
  parts->assign(1, std::move(all));
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::Table>> Concat(const std::vector<std::shared_ptr<arrow::Table>>& tables,
                                                    const std::shared_ptr<arrow::Schema>& schema) {
  if (tables.empty()) return arrow::Table::MakeEmpty(schema);
  ARROW_ASSIGN_OR_RAISE(auto table, arrow::ConcatenateTables(tables));
  return table->CombineChunks();
}

}  // namespace

arrow::Result<StateRowSchemas> AggregateStateSchemas(const PlanNode& node) {
  ARROW_ASSIGN_OR_RAISE(AggregateLayout layout, LayoutOf(node));
  return StateRowSchemas{layout.key_schema, layout.value_schema};
}

arrow::Result<std::shared_ptr<arrow::Table>> ExecuteStreamingAggregate(const PlanNode& node,
                                                                       const arrow::Table& input,
                                                                       const EvalContext& ctx) {
  StreamingBatchContext& batch = *ctx.streaming;
  ARROW_ASSIGN_OR_RAISE(StatefulOperatorState * op, batch.Operator(&node));
  StateOperatorMetrics& metrics = op->metrics();
  ARROW_ASSIGN_OR_RAISE(AggregateLayout layout, LayoutOf(node, ctx.ansi));
  const OutputMode mode = batch.output_mode;
  const bool watermarked = layout.event_time_key >= 0 && mode != OutputMode::kComplete;
  auto update_start = Clock::now();

  // 1. The batch's groups.
  ARROW_ASSIGN_OR_RAISE(GroupingInput in, EvaluateGroupingInput(node, input, ctx));
  if (layout.session) ARROW_RETURN_NOT_OK(MergeSessionKey(node, &in));
  ARROW_ASSIGN_OR_RAISE(Groups fresh, UpdateBuffers(layout, std::move(in)));

  // 2. Groups the previous batch's watermark had closed are late.
  if (watermarked && fresh.num_rows > 0) {
    ARROW_ASSIGN_OR_RAISE(auto closed, ClosedBy(fresh.keys[layout.event_time_key], batch.late_events_watermark_ms));
    std::vector<bool> keep(closed.size());
    for (size_t i = 0; i < closed.size(); ++i) {
      keep[i] = !closed[i];
      metrics.num_rows_dropped_by_watermark += closed[i];
    }
    ARROW_RETURN_NOT_OK(fresh.Filter(keep));
  }

  // 3. Merge with the stored groups and write back.
  Groups updated;
  if (fresh.num_rows > 0) {
    ARROW_ASSIGN_OR_RAISE(auto encoded, EncodeGroups(node, layout, fresh));
    std::vector<std::pair<int, std::string>> stored_keys;
    ARROW_ASSIGN_OR_RAISE(Groups stored, ReadStoredGroups(node, layout, *op, encoded, &stored_keys));
    std::vector<Groups> parts{std::move(stored), std::move(fresh)};
    if (layout.session) ARROW_RETURN_NOT_OK(MergeStoredSessions(node, &parts));
    ARROW_ASSIGN_OR_RAISE(updated, MergeBuffers(layout, parts));
    for (const auto& [partition, key] : stored_keys) {  // sessions: the merged ones replace them
      ARROW_ASSIGN_OR_RAISE(StateStore * store, op->Store(partition));
      ARROW_RETURN_NOT_OK(store->Remove(key));
    }
    ARROW_ASSIGN_OR_RAISE(auto rows, EncodeGroups(node, layout, updated));
    if (layout.event_time_key >= 0) {
      ARROW_ASSIGN_OR_RAISE(int64_t least, LeastEventTime(updated.keys[layout.event_time_key]));
      op->NoteEventTime(least);
    }
    for (size_t i = 0; i < rows.keys.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(StateStore * store, op->Store(op->PartitionOf(rows.partition_keys[i])));
      ARROW_RETURN_NOT_OK(store->Put(rows.keys[i], rows.values[i]));
    }
  }
  metrics.all_updates_time_ms += MillisSince(update_start);

  // 4. Output by mode.
  std::vector<std::shared_ptr<arrow::Table>> out;
  if (mode == OutputMode::kComplete) {
    std::vector<std::pair<int, std::string>> where;
    ARROW_ASSIGN_OR_RAISE(Groups all, ReadAllGroups(node, layout, *op, &where));
    ARROW_ASSIGN_OR_RAISE(auto table, FinishGroups(layout, all));
    return table;
  }
  if (mode == OutputMode::kUpdate && updated.num_rows > 0) {
    ARROW_ASSIGN_OR_RAISE(auto table, FinishGroups(layout, updated));
    out.push_back(std::move(table));
  }
  if (layout.event_time_key >= 0 && op->MayHoldKeysBefore(batch.eviction_watermark_ms)) {
    // Evict what this batch's watermark closes.
    auto removal_start = Clock::now();
    std::vector<std::pair<int, std::string>> where;
    ARROW_ASSIGN_OR_RAISE(Groups all, ReadAllGroups(node, layout, *op, &where));
    int64_t open_min = std::numeric_limits<int64_t>::max();
    if (all.num_rows > 0) {
      ARROW_ASSIGN_OR_RAISE(auto closed,
                            ClosedBy(all.keys[layout.event_time_key], batch.eviction_watermark_ms, &open_min));
      for (size_t i = 0; i < closed.size(); ++i) {
        if (!closed[i]) continue;
        ARROW_ASSIGN_OR_RAISE(StateStore * store, op->Store(where[i].first));
        ARROW_RETURN_NOT_OK(store->Remove(where[i].second));
      }
      if (mode == OutputMode::kAppend) {
        ARROW_RETURN_NOT_OK(all.Filter(closed));
        ARROW_ASSIGN_OR_RAISE(auto table, FinishGroups(layout, all));
        out.push_back(std::move(table));
      }
    }
    op->SetMinEventTime(open_min);
    metrics.all_removals_time_ms += MillisSince(removal_start);
  }
  return Concat(out, layout.output_schema);
}

}  // namespace spate
