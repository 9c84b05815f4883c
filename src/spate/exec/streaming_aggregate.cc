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
#include "spate/aggregates/group_ids.h"
#include "spate/exec/aggregate.h"
#include "spate/exec/executor.h"
#include "spate/exec/session_window.h"
#include "spate/exec/streaming_context.h"
#include "spate/state/event_time_index.h"
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

// Rows whose event time is at or before `watermark_ms` (closed by the watermark).
arrow::Result<std::vector<bool>> ClosedBy(const std::shared_ptr<arrow::Array>& key, int64_t watermark_ms) {
  ARROW_ASSIGN_OR_RAISE(auto view, EventTimeMicros(key));
  const arrow::Int64Array& micros = *view;
  std::vector<bool> closed(micros.length());
  for (int64_t i = 0; i < micros.length(); ++i) {
    closed[i] = micros.IsValid(i) && micros.Value(i) <= watermark_ms * 1000;
  }
  return closed;
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
      ARROW_ASSIGN_OR_RAISE(s, ConformArray(s, layout.buffer_fields[out.buffers.size()]->type()));
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
      ARROW_ASSIGN_OR_RAISE(s, ConformArray(s, layout.buffer_fields[out.buffers.size()]->type()));
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
    ARROW_ASSIGN_OR_RAISE(columns[i], ConformArray(columns[i], layout.output_schema->field(static_cast<int>(i))->type()));
  }
  return arrow::Table::Make(layout.output_schema, columns, groups.num_rows);
}

// State keys and values of groups (see AggregateLayout).
struct EncodedGroups {
  EncodedRows keys;
  EncodedRows values;
  EncodedRows partition_keys;  // sessions: the keys before the session start, which decide the partition
  std::string_view PartitionKey(size_t i) const { return partition_keys.size() > 0 ? partition_keys[i] : keys[i]; }
};

// The buffers of one batch's state reads and writes (MergeWithStore), kept
// for the next batch to reuse: fresh buffers of a batch's size cost a page
// fault every few rows.
struct StateRowBuffers {
  EncodedGroups rows;
  std::vector<std::optional<std::string>> values;  // of a MultiGet
  std::vector<std::string> stored_values;          // the values found
  StateWriteBatch write_batch;
};

// What the operator keeps between batches: its layout, row codecs and buffers.
struct AggregateRuntime final : OperatorRuntime {
  AggregateLayout layout;
  bool ansi = true;
  std::shared_ptr<arrow::Schema> prefix_schema;  // sessions: the key columns before the session start
  std::unique_ptr<RowEncoder> key_encoder, value_encoder, prefix_encoder;
  std::unique_ptr<RowDecoder> key_decoder, value_decoder;
  StateRowBuffers buffers;
};

arrow::Result<AggregateRuntime*> RuntimeOf(const PlanNode& node, StatefulOperatorState& op, bool ansi) {
  auto* kept = dynamic_cast<AggregateRuntime*>(op.runtime().get());
  if (kept != nullptr && kept->ansi == ansi) return kept;
  auto rt = std::make_unique<AggregateRuntime>();
  ARROW_ASSIGN_OR_RAISE(rt->layout, LayoutOf(node, ansi));
  rt->ansi = ansi;
  const auto& key_fields = rt->layout.key_schema->fields();
  rt->prefix_schema = arrow::schema(arrow::FieldVector(key_fields.begin(), key_fields.end() - rt->layout.session));
  ARROW_ASSIGN_OR_RAISE(rt->key_encoder, RowEncoder::Make(rt->layout.key_schema));
  ARROW_ASSIGN_OR_RAISE(rt->value_encoder, RowEncoder::Make(rt->layout.value_schema));
  ARROW_ASSIGN_OR_RAISE(rt->prefix_encoder, RowEncoder::Make(rt->prefix_schema));
  ARROW_ASSIGN_OR_RAISE(rt->key_decoder, RowDecoder::Make(rt->layout.key_schema));
  ARROW_ASSIGN_OR_RAISE(rt->value_decoder, RowDecoder::Make(rt->layout.value_schema));
  op.runtime() = std::move(rt);
  return static_cast<AggregateRuntime*>(op.runtime().get());
}

// `values_only`: the keys are encoded already (the same groups, merged).
arrow::Status EncodeGroups(const PlanNode& node, const AggregateRuntime& rt, const Groups& groups,
                           EncodedGroups* out, bool values_only = false) {
  const AggregateLayout& layout = rt.layout;
  arrow::ArrayVector key_columns, value_columns;
  std::shared_ptr<arrow::Array> session;
  for (size_t i = 0; i < groups.keys.size(); ++i) {
    if (static_cast<int>(i) == node.session_window_key) {
      session = groups.keys[i];
    } else {
      key_columns.push_back(groups.keys[i]);
    }
  }
  if (session && !values_only) {
    auto prefix_batch = arrow::RecordBatch::Make(rt.prefix_schema, groups.num_rows, key_columns);
    rt.prefix_encoder->EncodeBatch(*prefix_batch, &out->partition_keys);
  }
  if (session) {
    const auto& s = static_cast<const arrow::StructArray&>(*session);
    ARROW_ASSIGN_OR_RAISE(auto start, s.GetFlattenedField(0));
    ARROW_ASSIGN_OR_RAISE(auto end, s.GetFlattenedField(1));
    key_columns.push_back(start);
    value_columns.push_back(end);
  }
  value_columns.insert(value_columns.end(), groups.buffers.begin(), groups.buffers.end());
  auto value_batch = arrow::RecordBatch::Make(layout.value_schema, groups.num_rows, value_columns);
  rt.value_encoder->EncodeBatch(*value_batch, &out->values);
  if (values_only) return arrow::Status::OK();
  auto key_batch = arrow::RecordBatch::Make(layout.key_schema, groups.num_rows, key_columns);
  rt.key_encoder->EncodeBatch(*key_batch, &out->keys);
  return arrow::Status::OK();
}

// State values back into buffer columns (sessions: the session end first).
arrow::Result<std::shared_ptr<arrow::RecordBatch>> DecodeValues(const AggregateRuntime& rt,
                                                                const std::vector<std::string>& values) {
  return rt.value_decoder->DecodeAll(values);
}

// State rows back into groups.
arrow::Result<Groups> DecodeGroups(const PlanNode& node, const AggregateRuntime& rt,
                                   const std::vector<std::string>& keys, const std::vector<std::string>& values) {
  const AggregateLayout& layout = rt.layout;
  ARROW_ASSIGN_OR_RAISE(auto key_batch, rt.key_decoder->DecodeAll(keys));
  ARROW_ASSIGN_OR_RAISE(auto value_batch, DecodeValues(rt, values));
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

// Per partition: the positions of the rows that belong to it.
std::vector<std::vector<uint32_t>> ByPartition(const StatefulOperatorState& op, const EncodedGroups& rows) {
  std::vector<std::vector<uint32_t>> out(static_cast<size_t>(op.num_partitions()));
  for (size_t i = 0; i < rows.keys.size(); ++i) out[op.PartitionOf(rows.PartitionKey(i))].push_back(i);
  return out;
}

// The event times (microseconds) that index the groups, or none when the
// operator does not evict.
arrow::Result<std::shared_ptr<arrow::Int64Array>> IndexTimes(const AggregateLayout& layout, const Groups& groups,
                                                             bool indexed) {
  if (!indexed) return nullptr;
  return EventTimeMicros(groups.keys[layout.event_time_key]);
}

// A store written before the event-time index existed: its rows get their
// index keys, once, when the operator starts.
arrow::Status IndexStoredRows(const PlanNode& node, const AggregateRuntime& rt, StatefulOperatorState& op) {
  for (int p = 0; p < op.num_partitions(); ++p) {
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    ARROW_ASSIGN_OR_RAISE(bool indexed, HasIndexKeys(*store));
    if (indexed) continue;
    std::vector<std::string> keys, values;
    ARROW_RETURN_NOT_OK(store->ScanAll([&](std::string_view k, std::string_view v) {
      keys.emplace_back(k);
      values.emplace_back(v);
      return arrow::Status::OK();
    }));
    if (keys.empty()) continue;
    ARROW_ASSIGN_OR_RAISE(Groups groups, DecodeGroups(node, rt, keys, values));
    ARROW_ASSIGN_OR_RAISE(auto times, IndexTimes(rt.layout, groups, true));
    StateWriteBatch batch;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (times->IsValid(static_cast<int64_t>(i))) PutIndexKey(times->Value(static_cast<int64_t>(i)), keys[i], &batch);
    }
    ARROW_RETURN_NOT_OK(store->Write(batch));
  }
  return arrow::Status::OK();
}

// Step 3 without sessions: the batch's groups looked up with one MultiGet
// per partition, merged with the stored buffers (state rows first), and
// written back with one write batch per partition; a group new to the state
// gets its event-time index key.
arrow::Result<Groups> MergeWithStore(const PlanNode& node, AggregateRuntime& rt, StatefulOperatorState& op,
                                     Groups fresh, bool indexed) {
  const AggregateLayout& layout = rt.layout;
  EncodedGroups& rows = rt.buffers.rows;
  ARROW_RETURN_NOT_OK(EncodeGroups(node, rt, fresh, &rows));
  const auto partitions = ByPartition(op, rows);
  const auto n = static_cast<size_t>(fresh.num_rows);
  std::vector<bool> found(n, false);
  std::vector<std::string>& stored_values = rt.buffers.stored_values;
  stored_values.clear();
  std::vector<uint32_t> ids;  // per merged row: its group (stored rows first, then the batch's)
  std::vector<std::string_view> keys;
  std::vector<std::optional<std::string>>& values = rt.buffers.values;
  for (int p = 0; p < op.num_partitions(); ++p) {
    if (partitions[p].empty()) continue;
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    keys.clear();
    for (uint32_t i : partitions[p]) keys.push_back(rows.keys[i]);
    ARROW_RETURN_NOT_OK(store->MultiGet(keys, &values));
    for (size_t j = 0; j < keys.size(); ++j) {
      if (!values[j]) continue;
      found[partitions[p][j]] = true;
      stored_values.push_back(std::move(*values[j]));
      ids.push_back(partitions[p][j]);
    }
  }
  Groups updated = std::move(fresh);
  if (!stored_values.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto stored, DecodeValues(rt, stored_values));
    for (uint32_t i = 0; i < n; ++i) ids.push_back(i);
    arrow::ArrayVector merged_in;
    for (size_t b = 0; b < layout.buffer_fields.size(); ++b) {
      ARROW_ASSIGN_OR_RAISE(auto column, arrow::Concatenate({stored->column(static_cast<int>(b)), updated.buffers[b]}));
      merged_in.push_back(std::move(column));
    }
    const GroupMap map{ids.data(), static_cast<int64_t>(ids.size()), static_cast<uint32_t>(n)};
    updated.buffers.clear();
    for (size_t i = 0; i < layout.functions.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto states, layout.functions[i]->Merge(layout.BuffersOf(merged_in, i), map));
      for (auto& s : states) {
        ARROW_ASSIGN_OR_RAISE(s, ConformArray(s, layout.buffer_fields[updated.buffers.size()]->type()));
        updated.buffers.push_back(std::move(s));
      }
    }
    ARROW_RETURN_NOT_OK(EncodeGroups(node, rt, updated, &rows, /*values_only=*/true));
  }
  ARROW_ASSIGN_OR_RAISE(auto times, IndexTimes(layout, updated, indexed));
  StateWriteBatch& batch = rt.buffers.write_batch;
  for (int p = 0; p < op.num_partitions(); ++p) {
    if (partitions[p].empty()) continue;
    batch.Clear();
    for (uint32_t i : partitions[p]) {
      batch.Put(rows.keys[i], rows.values[i], !found[i]);
      if (times && !found[i] && times->IsValid(i)) PutIndexKey(times->Value(i), rows.keys[i], &batch);
    }
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    ARROW_RETURN_NOT_OK(store->Write(batch));
  }
  return updated;
}

// The stored sessions under the batch's key prefixes. `found` receives
// their partitions and state keys.
arrow::Result<Groups> ReadStoredSessions(const PlanNode& node, const AggregateRuntime& rt, StatefulOperatorState& op,
                                         const EncodedGroups& batch, std::vector<std::pair<int, std::string>>* found) {
  std::vector<std::string> keys, values;
  std::set<std::string_view> prefixes;
  for (size_t i = 0; i < batch.partition_keys.size(); ++i) prefixes.insert(batch.partition_keys[i]);
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
  return DecodeGroups(node, rt, keys, values);
}

// Every stored group (complete mode).
arrow::Result<Groups> ReadAllGroups(const PlanNode& node, const AggregateRuntime& rt, StatefulOperatorState& op) {
  std::vector<std::string> keys, values;
  for (int p = 0; p < op.num_partitions(); ++p) {
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    ARROW_RETURN_NOT_OK(store->ScanAll([&](std::string_view k, std::string_view v) {
      keys.emplace_back(k);
      values.emplace_back(v);
      return arrow::Status::OK();
    }));
  }
  return DecodeGroups(node, rt, keys, values);
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

// Step 3 for sessions: the batch's sessions merged with the stored sessions
// of the same other keys; the stored ones are replaced by the merged ones
// (index keys too), one write batch per partition.
arrow::Result<Groups> MergeSessionsWithStore(const PlanNode& node, const AggregateRuntime& rt,
                                             StatefulOperatorState& op, Groups fresh, bool indexed) {
  const AggregateLayout& layout = rt.layout;
  EncodedGroups encoded;
  ARROW_RETURN_NOT_OK(EncodeGroups(node, rt, fresh, &encoded));
  std::vector<std::pair<int, std::string>> stored_keys;
  ARROW_ASSIGN_OR_RAISE(Groups stored, ReadStoredSessions(node, rt, op, encoded, &stored_keys));
  std::vector<StateWriteBatch> batches(static_cast<size_t>(op.num_partitions()));
  ARROW_ASSIGN_OR_RAISE(auto stored_times, IndexTimes(layout, stored, indexed));
  for (size_t i = 0; i < stored_keys.size(); ++i) {
    const auto& [partition, key] = stored_keys[i];
    batches[partition].Remove(key);
    if (stored_times && stored_times->IsValid(i)) RemoveIndexKey(stored_times->Value(i), key, &batches[partition]);
  }
  std::vector<Groups> parts{std::move(stored), std::move(fresh)};
  ARROW_RETURN_NOT_OK(MergeStoredSessions(node, &parts));
  ARROW_ASSIGN_OR_RAISE(Groups updated, MergeBuffers(layout, parts));
  EncodedGroups rows;
  ARROW_RETURN_NOT_OK(EncodeGroups(node, rt, updated, &rows));
  ARROW_ASSIGN_OR_RAISE(auto times, IndexTimes(layout, updated, indexed));
  for (size_t i = 0; i < rows.keys.size(); ++i) {
    StateWriteBatch& batch = batches[op.PartitionOf(rows.PartitionKey(i))];
    batch.Put(rows.keys[i], rows.values[i], true);  // the stored sessions were removed before
    if (times && times->IsValid(i)) PutIndexKey(times->Value(i), rows.keys[i], &batch);
  }
  for (int p = 0; p < op.num_partitions(); ++p) {
    if (batches[p].empty()) continue;
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    ARROW_RETURN_NOT_OK(store->Write(batches[p]));
  }
  return updated;
}

// The groups this batch's watermark closes, removed from the state by the
// event-time index (state/event_time_index.h).
arrow::Result<Groups> EvictClosedGroups(const PlanNode& node, const AggregateRuntime& rt, StatefulOperatorState& op,
                                        int64_t watermark_ms) {
  EvictedRows evicted;
  for (int p = 0; p < op.num_partitions(); ++p) {
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    ARROW_RETURN_NOT_OK(EvictUpTo(*store, watermark_ms * 1000, &evicted));
  }
  return DecodeGroups(node, rt, evicted.keys, evicted.values);
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
  ARROW_ASSIGN_OR_RAISE(StatefulOperatorState * op, batch.RunningOperator());
  StateOperatorMetrics& metrics = op->metrics();
  const bool starting = op->runtime() == nullptr;
  ARROW_ASSIGN_OR_RAISE(AggregateRuntime * rt, RuntimeOf(node, *op, ctx.ansi));
  const AggregateLayout& layout = rt->layout;
  const OutputMode mode = batch.output_mode;
  const bool watermarked = layout.event_time_key >= 0 && mode != OutputMode::kComplete;
  if (starting && watermarked) ARROW_RETURN_NOT_OK(IndexStoredRows(node, *rt, *op));
  auto update_start = Clock::now();

  // 1. The batch's groups.
  ARROW_ASSIGN_OR_RAISE(GroupingInput in, EvaluateGroupingInput(node, input, ctx));
  if (layout.session) ARROW_RETURN_NOT_OK(MergeSessionKey(node, &in));
  ARROW_ASSIGN_OR_RAISE(Groups fresh, UpdateBuffers(layout, std::move(in)));

  // 2. Groups the previous batch's watermark had closed are late.
  if (watermarked && fresh.num_rows > 0) {
    ARROW_ASSIGN_OR_RAISE(auto closed, ClosedBy(fresh.keys[layout.event_time_key], batch.LateEventsWatermarkMs()));
    std::vector<bool> keep(closed.size());
    int64_t late = 0;
    for (size_t i = 0; i < closed.size(); ++i) {
      keep[i] = !closed[i];
      late += closed[i];
    }
    metrics.num_rows_dropped_by_watermark += late;
    if (late > 0) ARROW_RETURN_NOT_OK(fresh.Filter(keep));
  }

  // 3. Merge with the stored groups and write back.
  Groups updated;
  if (fresh.num_rows > 0) {
    if (layout.session) {
      ARROW_ASSIGN_OR_RAISE(updated, MergeSessionsWithStore(node, *rt, *op, std::move(fresh), watermarked));
    } else {
      ARROW_ASSIGN_OR_RAISE(updated, MergeWithStore(node, *rt, *op, std::move(fresh), watermarked));
    }
  }
  metrics.all_updates_time_ms += MillisSince(update_start);

  // 4. Output by mode.
  if (mode == OutputMode::kComplete) {
    ARROW_ASSIGN_OR_RAISE(Groups all, ReadAllGroups(node, *rt, *op));
    return FinishGroups(layout, all);
  }
  std::vector<std::shared_ptr<arrow::Table>> out;
  if (mode == OutputMode::kUpdate && updated.num_rows > 0) {
    ARROW_ASSIGN_OR_RAISE(auto table, FinishGroups(layout, updated));
    out.push_back(std::move(table));
  }
  if (watermarked) {  // evict what this batch's watermark closes
    auto removal_start = Clock::now();
    ARROW_ASSIGN_OR_RAISE(Groups closed, EvictClosedGroups(node, *rt, *op, batch.EvictionWatermarkMs()));
    if (mode == OutputMode::kAppend && closed.num_rows > 0) {
      ARROW_ASSIGN_OR_RAISE(auto table, FinishGroups(layout, closed));
      out.push_back(std::move(table));
    }
    metrics.all_removals_time_ms += MillisSince(removal_start);
  }
  return Concat(out, layout.output_schema);
}

}  // namespace spate
