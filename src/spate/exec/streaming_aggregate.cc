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
// Steps 1 to 4 run partition by partition on the query's task pool: each
// row's state key is encoded and hashed to its state partition first, then
// each partition groups its rows, merges them with its store and builds its
// output rows; the output comes in partition order.
// Session windows keep one state row per (keys, session start); a batch's
// sessions are merged with the stored sessions of the same keys they touch
// (over the whole batch: a merge can join sessions across rows).

#include <chrono>
#include <limits>
#include <optional>
#include <set>

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/aggregates/aggregate_functions.h"
#include "spate/aggregates/group_ids.h"
#include "spate/exec/aggregate.h"
#include "spate/exec/executor.h"
#include "spate/exec/partitioned_rows.h"
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

// Groups one after the other. Parts without rows are left out (they may have
// no columns); when no part has rows, the first part.
arrow::Result<Groups> ConcatGroups(std::vector<Groups> parts) {
  std::vector<Groups> with_rows;
  for (auto& p : parts) {
    if (p.num_rows > 0) with_rows.push_back(std::move(p));
  }
  if (with_rows.empty()) return parts.empty() ? Groups{} : std::move(parts.front());
  if (with_rows.size() == 1) return std::move(with_rows.front());
  Groups all;
  auto concat = [&](auto member, size_t i) -> arrow::Result<std::shared_ptr<arrow::Array>> {
    arrow::ArrayVector chunks;
    for (const auto& p : with_rows) chunks.push_back((p.*member)[i]);
    return arrow::Concatenate(chunks);
  };
  for (size_t i = 0; i < with_rows.front().keys.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto key, concat(&Groups::keys, i));
    all.keys.push_back(std::move(key));
  }
  for (size_t b = 0; b < with_rows.front().buffers.size(); ++b) {
    ARROW_ASSIGN_OR_RAISE(auto buffer, concat(&Groups::buffers, b));
    all.buffers.push_back(std::move(buffer));
  }
  for (const auto& p : with_rows) all.num_rows += p.num_rows;
  return all;
}

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
arrow::Result<Groups> MergeBuffers(const AggregateLayout& layout, std::vector<Groups> parts) {
  ARROW_ASSIGN_OR_RAISE(Groups all, ConcatGroups(std::move(parts)));
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

// One partition's buffers for a batch's state reads and writes, kept for
// the next batch to reuse (fresh buffers of a batch's size cost a page fault
// every few rows), and its row decoders: a decoder builds columns as it
// goes, so partitions running at once each need their own.
struct PartitionBuffers {
  std::vector<std::string_view> keys;              // of a MultiGet
  std::vector<std::optional<std::string>> values;  // its result
  std::vector<std::string> stored_values;          // the values found
  EncodedRows encoded_values;
  StateWriteBatch write_batch;
  std::unique_ptr<RowDecoder> key_decoder, value_decoder;
};

// What the operator keeps between batches: its layout, row codecs and buffers.
// The encoders are const, used by every partition.
struct AggregateRuntime final : OperatorRuntime {
  AggregateLayout layout;
  bool ansi = true;
  std::shared_ptr<arrow::Schema> prefix_schema;  // sessions: the key columns before the session start
  std::unique_ptr<RowEncoder> key_encoder, value_encoder, prefix_encoder;
  std::vector<EncodedRows> row_chunks;       // the batch's rows' keys, chunk by chunk
  KeyedRows rows;                            // the same, row by row
  std::vector<PartitionBuffers> partitions;  // by partition
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
  rt->partitions.resize(static_cast<size_t>(op.num_partitions()));
  for (PartitionBuffers& part : rt->partitions) {
    ARROW_ASSIGN_OR_RAISE(part.key_decoder, RowDecoder::Make(rt->layout.key_schema));
    ARROW_ASSIGN_OR_RAISE(part.value_decoder, RowDecoder::Make(rt->layout.value_schema));
  }
  op.runtime() = std::move(rt);
  return static_cast<AggregateRuntime*>(op.runtime().get());
}

// The grouping key columns of groups but the session window, and that (null: none).
std::pair<arrow::ArrayVector, std::shared_ptr<arrow::Array>> KeyColumns(const PlanNode& node, const Groups& groups) {
  arrow::ArrayVector key_columns;
  std::shared_ptr<arrow::Array> session;
  for (size_t i = 0; i < groups.keys.size(); ++i) {
    if (static_cast<int>(i) == node.session_window_key) {
      session = groups.keys[i];
    } else {
      key_columns.push_back(groups.keys[i]);
    }
  }
  return {std::move(key_columns), std::move(session)};
}

// The state keys of groups (sessions: and their key prefixes).
arrow::Status EncodeKeys(const PlanNode& node, const AggregateRuntime& rt, const Groups& groups, EncodedGroups* out) {
  auto [key_columns, session] = KeyColumns(node, groups);
  if (session) {
    auto prefix_batch = arrow::RecordBatch::Make(rt.prefix_schema, groups.num_rows, key_columns);
    rt.prefix_encoder->EncodeBatch(*prefix_batch, &out->partition_keys);
    ARROW_ASSIGN_OR_RAISE(auto start, static_cast<const arrow::StructArray&>(*session).GetFlattenedField(0));
    key_columns.push_back(start);
  }
  auto key_batch = arrow::RecordBatch::Make(rt.layout.key_schema, groups.num_rows, key_columns);
  rt.key_encoder->EncodeBatch(*key_batch, &out->keys);
  return arrow::Status::OK();
}

// The state values of groups (sessions: the session end, then the buffers).
arrow::Status EncodeValues(const PlanNode& node, const AggregateRuntime& rt, const Groups& groups,
                           EncodedRows* out) {
  arrow::ArrayVector value_columns;
  if (auto session = KeyColumns(node, groups).second) {
    ARROW_ASSIGN_OR_RAISE(auto end, static_cast<const arrow::StructArray&>(*session).GetFlattenedField(1));
    value_columns.push_back(end);
  }
  value_columns.insert(value_columns.end(), groups.buffers.begin(), groups.buffers.end());
  auto value_batch = arrow::RecordBatch::Make(rt.layout.value_schema, groups.num_rows, value_columns);
  rt.value_encoder->EncodeBatch(*value_batch, out);
  return arrow::Status::OK();
}

// State rows back into groups, with a partition's decoders.
arrow::Result<Groups> DecodeGroups(const PlanNode& node, const AggregateLayout& layout, PartitionBuffers& part,
                                   const std::vector<std::string>& keys, const std::vector<std::string>& values) {
  ARROW_ASSIGN_OR_RAISE(auto key_batch, part.key_decoder->DecodeAll(keys));
  ARROW_ASSIGN_OR_RAISE(auto value_batch, part.value_decoder->DecodeAll(values));
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

// The event times (microseconds) that index the groups, or none when the
// operator does not evict.
arrow::Result<std::shared_ptr<arrow::Int64Array>> IndexTimes(const AggregateLayout& layout, const Groups& groups,
                                                             bool indexed) {
  if (!indexed) return nullptr;
  return EventTimeMicros(groups.keys[layout.event_time_key]);
}

// Every row of a partition's store, decoded.
arrow::Result<Groups> ReadPartition(const PlanNode& node, const AggregateRuntime& rt, StateStore& store,
                                    PartitionBuffers& part, std::vector<std::string>* keys) {
  std::vector<std::string> values;
  ARROW_RETURN_NOT_OK(store.ScanAll([&](std::string_view k, std::string_view v) {
    keys->emplace_back(k);
    values.emplace_back(v);
    return arrow::Status::OK();
  }));
  return DecodeGroups(node, rt.layout, part, *keys, values);
}

// A store written before the event-time index existed: its rows get their
// index keys, once, when the operator starts.
arrow::Status IndexStoredRows(const PlanNode& node, AggregateRuntime& rt, StatefulOperatorState& op) {
  return op.ForEachPartition([&](int p) -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    ARROW_ASSIGN_OR_RAISE(bool indexed, HasIndexKeys(*store));
    if (indexed) return arrow::Status::OK();
    std::vector<std::string> keys;
    ARROW_ASSIGN_OR_RAISE(Groups groups, ReadPartition(node, rt, *store, rt.partitions[p], &keys));
    if (keys.empty()) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(auto times, IndexTimes(rt.layout, groups, true));
    StateWriteBatch batch;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (times->IsValid(static_cast<int64_t>(i))) PutIndexKey(times->Value(static_cast<int64_t>(i)), keys[i], &batch);
    }
    return store->Write(batch);
  });
}

// One partition's step 3 without sessions: its groups (their state keys in
// part.keys) looked up with one MultiGet, merged with the stored buffers
// (state rows first), and written back with one write batch; a group new to
// the state gets its event-time index key.
arrow::Result<Groups> MergePartitionWithStore(const PlanNode& node, const AggregateRuntime& rt, StateStore& store,
                                              PartitionBuffers& part, Groups updated, bool indexed) {
  const AggregateLayout& layout = rt.layout;
  const size_t n = part.keys.size();
  ARROW_RETURN_NOT_OK(store.MultiGet(part.keys, &part.values));
  std::vector<char> found(n, 0);
  std::vector<uint32_t> ids;  // per merged row: its group (stored rows first, then the batch's)
  part.stored_values.clear();
  for (uint32_t j = 0; j < n; ++j) {
    if (!part.values[j]) continue;
    found[j] = 1;
    part.stored_values.push_back(std::move(*part.values[j]));
    ids.push_back(j);
  }
  if (!part.stored_values.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto stored, part.value_decoder->DecodeAll(part.stored_values));
    for (uint32_t j = 0; j < n; ++j) ids.push_back(j);
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
  }
  ARROW_RETURN_NOT_OK(EncodeValues(node, rt, updated, &part.encoded_values));
  ARROW_ASSIGN_OR_RAISE(auto times, IndexTimes(layout, updated, indexed));
  StateWriteBatch& batch = part.write_batch;
  batch.Clear();
  for (size_t j = 0; j < n; ++j) {
    batch.Put(part.keys[j], part.encoded_values[j], !found[j]);
    if (times && !found[j] && times->IsValid(j)) PutIndexKey(times->Value(j), part.keys[j], &batch);
  }
  ARROW_RETURN_NOT_OK(store.Write(batch));
  return updated;
}

// Without sessions, before grouping: every row's state key and its hash,
// encoded in as many chunks of rows as there are partitions, at once.
arrow::Status KeyRows(AggregateRuntime& rt, StatefulOperatorState& op, const GroupingInput& in) {
  const int64_t n = in.num_rows;
  const int64_t chunks = op.num_partitions();
  auto key_batch = arrow::RecordBatch::Make(rt.layout.key_schema, n, in.keys);
  rt.row_chunks.resize(static_cast<size_t>(chunks));
  rt.rows.keys.resize(static_cast<size_t>(n));
  rt.rows.hashes.resize(static_cast<size_t>(n));
  return op.ForEachPartition([&](int c) -> arrow::Status {
    const int64_t begin = n * c / chunks, end = n * (c + 1) / chunks;
    EncodedRows& encoded = rt.row_chunks[c];
    rt.key_encoder->EncodeBatch(*key_batch->Slice(begin, end - begin), &encoded);
    for (int64_t i = begin; i < end; ++i) {
      rt.rows.keys[i] = encoded[static_cast<size_t>(i - begin)];
      rt.rows.hashes[i] = StatefulOperatorState::KeyHash(rt.rows.keys[i]);
    }
    return arrow::Status::OK();
  });
}

arrow::Result<std::shared_ptr<arrow::Array>> TakeRows(const std::shared_ptr<arrow::Array>& column,
                                                      const std::vector<uint32_t>& rows) {
  if (static_cast<int64_t>(rows.size()) == column->length()) return column;  // all of them, in order
  arrow::UInt32Array indices(static_cast<int64_t>(rows.size()), arrow::Buffer::Wrap(rows));
  ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(column, indices));
  return taken.make_array();
}

// Step 1 for one partition's `rows` (ascending): grouped by their state
// keys, which part.keys receives, and aggregated into buffers.
arrow::Result<Groups> UpdatePartitionBuffers(const AggregateRuntime& rt, const GroupingInput& in,
                                             const std::vector<uint32_t>& rows, PartitionBuffers& part) {
  const AggregateLayout& layout = rt.layout;
  const KeyGroups grouping = GroupByKey(rt.rows, rows);
  Groups out;
  out.num_rows = static_cast<int64_t>(grouping.first_rows.size());
  for (const auto& key : in.keys) {
    ARROW_ASSIGN_OR_RAISE(auto column, TakeRows(key, grouping.first_rows));
    out.keys.push_back(std::move(column));
  }
  part.keys.clear();
  for (uint32_t row : grouping.first_rows) part.keys.push_back(rt.rows.keys[row]);
  const GroupMap map{grouping.ids.data(), static_cast<int64_t>(rows.size()), static_cast<uint32_t>(out.num_rows)};
  for (size_t i = 0; i < layout.functions.size(); ++i) {
    arrow::ArrayVector args;
    for (const auto& arg : in.args[i]) {
      ARROW_ASSIGN_OR_RAISE(auto column, TakeRows(arg, rows));
      args.push_back(std::move(column));
    }
    ARROW_ASSIGN_OR_RAISE(auto states, layout.functions[i]->Update(args, map));
    for (auto& s : states) {
      ARROW_ASSIGN_OR_RAISE(s, ConformArray(s, layout.buffer_fields[out.buffers.size()]->type()));
      out.buffers.push_back(std::move(s));
    }
  }
  return out;
}

// Step 2: drops the groups the watermark closed (and their `keys`, when
// given); how many.
arrow::Result<int64_t> DropLateGroups(const AggregateLayout& layout, int64_t watermark_ms, Groups* groups,
                                      std::vector<std::string_view>* keys = nullptr) {
  ARROW_ASSIGN_OR_RAISE(auto closed, ClosedBy(groups->keys[layout.event_time_key], watermark_ms));
  std::vector<bool> keep(closed.size());
  size_t kept = 0;
  for (size_t i = 0; i < closed.size(); ++i) {
    keep[i] = !closed[i];
    if (keep[i] && keys != nullptr) (*keys)[kept] = (*keys)[i];
    kept += keep[i];
  }
  if (keys != nullptr) keys->resize(kept);
  const auto late = static_cast<int64_t>(closed.size() - kept);
  if (late > 0) ARROW_RETURN_NOT_OK(groups->Filter(keep));
  return late;
}

// Steps 1 to 3 (and 4 in update mode) without sessions, partition by
// partition on the task pool: each partition groups its rows, drops its
// late groups, merges with its store and, when `finish`, builds its output
// rows. Every row is hashed to its partition first (KeyRows), by the same
// key bytes as the stored state. The tables come back in partition order.
struct PartitionResults {
  std::vector<std::shared_ptr<arrow::Table>> tables;  // when finished
  int64_t late = 0;                                   // groups dropped as late
};
arrow::Result<PartitionResults> AggregateByPartition(const PlanNode& node, AggregateRuntime& rt,
                                                     StatefulOperatorState& op, const GroupingInput& in,
                                                     std::optional<int64_t> late_watermark_ms, bool indexed,
                                                     bool finish) {
  ARROW_RETURN_NOT_OK(KeyRows(rt, op, in));
  const auto partitions = RowsByPartition(op, rt.rows);
  PartitionResults out;
  out.tables.resize(partitions.size());
  std::vector<int64_t> late(partitions.size(), 0);
  ARROW_RETURN_NOT_OK(op.ForEachPartition([&](int p) -> arrow::Status {
    if (partitions[p].empty()) return arrow::Status::OK();
    PartitionBuffers& part = rt.partitions[p];
    ARROW_ASSIGN_OR_RAISE(Groups fresh, UpdatePartitionBuffers(rt, in, partitions[p], part));
    if (late_watermark_ms) {
      ARROW_ASSIGN_OR_RAISE(late[p], DropLateGroups(rt.layout, *late_watermark_ms, &fresh, &part.keys));
    }
    if (fresh.num_rows == 0) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    ARROW_ASSIGN_OR_RAISE(Groups updated, MergePartitionWithStore(node, rt, *store, part, std::move(fresh), indexed));
    if (!finish) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(out.tables[p], FinishGroups(rt.layout, updated));
    return arrow::Status::OK();
  }));
  for (int64_t n : late) out.late += n;
  std::erase(out.tables, nullptr);
  return out;
}

// The keys before the session start of a batch's sessions, each once, by partition.
std::vector<std::vector<std::string_view>> PrefixesByPartition(const StatefulOperatorState& op,
                                                               const EncodedGroups& batch) {
  std::set<std::string_view> prefixes;
  for (size_t i = 0; i < batch.partition_keys.size(); ++i) prefixes.insert(batch.partition_keys[i]);
  std::vector<std::vector<std::string_view>> out(static_cast<size_t>(op.num_partitions()));
  for (std::string_view prefix : prefixes) out[op.PartitionOf(prefix)].push_back(prefix);
  return out;
}

// A partition's stored sessions under `prefixes`; `removals` receives their
// removal (index keys too).
arrow::Result<Groups> ReadStoredSessions(const PlanNode& node, const AggregateRuntime& rt, StateStore& store,
                                         PartitionBuffers& part, const std::vector<std::string_view>& prefixes,
                                         bool indexed, StateWriteBatch* removals) {
  std::vector<std::string> keys, values;
  for (std::string_view prefix : prefixes) {
    ARROW_RETURN_NOT_OK(store.PrefixScan(prefix, [&](std::string_view k, std::string_view v) {
      keys.emplace_back(k);
      values.emplace_back(v);
      return arrow::Status::OK();
    }));
  }
  ARROW_ASSIGN_OR_RAISE(Groups stored, DecodeGroups(node, rt.layout, part, keys, values));
  ARROW_ASSIGN_OR_RAISE(auto times, IndexTimes(rt.layout, stored, indexed));
  for (size_t i = 0; i < keys.size(); ++i) {
    removals->Remove(keys[i]);
    if (times && times->IsValid(i)) RemoveIndexKey(times->Value(i), keys[i], removals);
  }
  return stored;
}

// Every stored group (complete mode), in partition order.
arrow::Result<Groups> ReadAllGroups(const PlanNode& node, AggregateRuntime& rt, StatefulOperatorState& op) {
  std::vector<Groups> parts(static_cast<size_t>(op.num_partitions()));
  ARROW_RETURN_NOT_OK(op.ForEachPartition([&](int p) -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    std::vector<std::string> keys;
    ARROW_ASSIGN_OR_RAISE(parts[p], ReadPartition(node, rt, *store, rt.partitions[p], &keys));
    return arrow::Status::OK();
  }));
  return ConcatGroups(std::move(parts));
}

// For a session aggregation: the sessions of the same other keys merged
// (a stored session the batch's sessions reach joins them).
arrow::Status MergeStoredSessions(const PlanNode& node, std::vector<Groups>* parts) {
  // Concatenate, assign merged sessions, and the merge aggregation groups by them.
  ARROW_ASSIGN_OR_RAISE(Groups all, ConcatGroups(std::move(*parts)));
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
// (index keys too), one write batch per partition. The stores are read and
// written by partition at once; the merge runs over the whole batch.
arrow::Result<Groups> MergeSessionsWithStore(const PlanNode& node, AggregateRuntime& rt, StatefulOperatorState& op,
                                             Groups fresh, bool indexed) {
  const AggregateLayout& layout = rt.layout;
  EncodedGroups encoded;
  ARROW_RETURN_NOT_OK(EncodeKeys(node, rt, fresh, &encoded));
  const auto prefixes = PrefixesByPartition(op, encoded);
  std::vector<Groups> stored(prefixes.size());
  std::vector<StateWriteBatch> batches(prefixes.size());
  ARROW_RETURN_NOT_OK(op.ForEachPartition([&](int p) -> arrow::Status {
    if (prefixes[p].empty()) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    ARROW_ASSIGN_OR_RAISE(stored[p], ReadStoredSessions(node, rt, *store, rt.partitions[p], prefixes[p], indexed,
                                                        &batches[p]));
    return arrow::Status::OK();
  }));
  ARROW_ASSIGN_OR_RAISE(Groups all_stored, ConcatGroups(std::move(stored)));
  std::vector<Groups> parts{std::move(all_stored), std::move(fresh)};
  ARROW_RETURN_NOT_OK(MergeStoredSessions(node, &parts));
  ARROW_ASSIGN_OR_RAISE(Groups updated, MergeBuffers(layout, std::move(parts)));
  EncodedGroups rows;
  ARROW_RETURN_NOT_OK(EncodeKeys(node, rt, updated, &rows));
  ARROW_RETURN_NOT_OK(EncodeValues(node, rt, updated, &rows.values));
  ARROW_ASSIGN_OR_RAISE(auto times, IndexTimes(layout, updated, indexed));
  for (size_t i = 0; i < rows.keys.size(); ++i) {
    StateWriteBatch& batch = batches[op.PartitionOf(rows.PartitionKey(i))];
    batch.Put(rows.keys[i], rows.values[i], true);  // the stored sessions were removed before
    if (times && times->IsValid(i)) PutIndexKey(times->Value(i), rows.keys[i], &batch);
  }
  ARROW_RETURN_NOT_OK(op.ForEachPartition([&](int p) -> arrow::Status {
    if (batches[p].empty()) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    return store->Write(batches[p]);
  }));
  return updated;
}

// Steps 1 to 3 (and 4 in update mode, when `finish`) for sessions: the
// batch's sessions merged over the whole batch (MergeSessionsWithStore).
arrow::Result<PartitionResults> AggregateSessions(const PlanNode& node, AggregateRuntime& rt,
                                                  StatefulOperatorState& op, GroupingInput in,
                                                  std::optional<int64_t> late_watermark_ms, bool indexed,
                                                  bool finish) {
  ARROW_RETURN_NOT_OK(MergeSessionKey(node, &in));
  ARROW_ASSIGN_OR_RAISE(Groups fresh, UpdateBuffers(rt.layout, std::move(in)));
  PartitionResults out;
  if (late_watermark_ms && fresh.num_rows > 0) {
    ARROW_ASSIGN_OR_RAISE(out.late, DropLateGroups(rt.layout, *late_watermark_ms, &fresh));
  }
  if (fresh.num_rows == 0) return out;
  ARROW_ASSIGN_OR_RAISE(Groups updated, MergeSessionsWithStore(node, rt, op, std::move(fresh), indexed));
  if (finish && updated.num_rows > 0) {
    ARROW_ASSIGN_OR_RAISE(auto table, FinishGroups(rt.layout, updated));
    out.tables.push_back(std::move(table));
  }
  return out;
}

// The groups this batch's watermark closes, removed from the state by the
// event-time index (state/event_time_index.h), in partition order.
arrow::Result<Groups> EvictClosedGroups(const PlanNode& node, AggregateRuntime& rt, StatefulOperatorState& op,
                                        int64_t watermark_ms) {
  std::vector<Groups> closed(static_cast<size_t>(op.num_partitions()));
  ARROW_RETURN_NOT_OK(op.ForEachPartition([&](int p) -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op.Store(p));
    EvictedRows evicted;
    ARROW_RETURN_NOT_OK(EvictUpTo(*store, watermark_ms * 1000, &evicted));
    ARROW_ASSIGN_OR_RAISE(closed[p], DecodeGroups(node, rt.layout, rt.partitions[p], evicted.keys, evicted.values));
    return arrow::Status::OK();
  }));
  return ConcatGroups(std::move(closed));
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

  // 1. to 3. The batch's groups, without the late ones, merged with the
  // stored groups and written back (update mode: and their output rows).
  ARROW_ASSIGN_OR_RAISE(GroupingInput in, EvaluateGroupingInput(node, input, ctx));
  std::optional<int64_t> late_watermark_ms;
  if (watermarked) late_watermark_ms = batch.LateEventsWatermarkMs();
  const bool finish = mode == OutputMode::kUpdate;
  PartitionResults results;
  if (layout.session) {
    ARROW_ASSIGN_OR_RAISE(results, AggregateSessions(node, *rt, *op, std::move(in), late_watermark_ms, watermarked,
                                                     finish));
  } else if (in.num_rows > 0) {
    ARROW_ASSIGN_OR_RAISE(results, AggregateByPartition(node, *rt, *op, in, late_watermark_ms, watermarked, finish));
  }
  metrics.num_rows_dropped_by_watermark += results.late;
  std::vector<std::shared_ptr<arrow::Table>> out = std::move(results.tables);
  metrics.all_updates_time_ms += MillisSince(update_start);

  // 4. Output by mode.
  if (mode == OutputMode::kComplete) {
    ARROW_ASSIGN_OR_RAISE(Groups all, ReadAllGroups(node, *rt, *op));
    return FinishGroups(layout, all);
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
