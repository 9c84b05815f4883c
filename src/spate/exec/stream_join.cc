// Stream-stream joins, as Spark's StreamingSymmetricHashJoinExec runs them.
// Each side's rows wait in the state until the watermark proves that no row
// of the other side can match them any more (plan/stream_join_watermark.h).
// Per micro-batch:
//   1. The left input's rows that are not late join the right side's
//      buffered rows, and are buffered (held in memory until step 2 has
//      set their matched flags, then written once).
//   2. The right input's rows join the left side's buffered rows (this
//      batch's left rows among them, so each pair is found once), and are
//      buffered unless the watermark evicts them at once.
//   3. The watermark evicts buffered rows. An outer join emits the evicted
//      rows of its preserved side that never matched, with NULLs beside them.
// Keys match when their encodings are equal, NULLs included, as Spark's state
// keys do: the optimizer drops NULL-key rows before the join on the sides
// that do not emit unmatched rows (plan/stream_join_null_filters.h), so only
// a full outer join sees NULL keys on both sides, and matches them.
// A buffered row carries a `matched` flag, set when a row of the other side
// joins it: it decides an outer join's NULL rows and makes a left semi join
// emit a left row once.
//
// State: one store per side, named as Spark's ("left-keyWithIndexToValue",
// "right-keyWithIndexToValue"). A row's key is the join key's columns
// (field0, field1, ...) then `index` BIGINT: the batch id in the high 32
// bits, the row's position in its batch in the low 32. The value is the
// side's input columns then `matched` BOOLEAN. Which indices a join key has,
// and when the watermark evicts each row, is kept in memory
// (exec/stream_join_key_rows.h), so a batch reads the rows of the keys it
// brings with one MultiGet per store, writes with one batch, and a buffered
// row is one key in the store.

#include <chrono>
#include <cstring>
#include <optional>

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/exec/executor.h"
#include "spate/exec/join_rows.h"
#include "spate/exec/stream_join_key_rows.h"
#include "spate/exec/streaming_context.h"
#include "spate/expr/function_registry.h"
#include "spate/plan/stream_join_watermark.h"
#include "spate/state/state_store.h"
#include "spate/state/row_codec.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;
using Clock = std::chrono::steady_clock;

constexpr int kLeft = 0;
constexpr int kRight = 1;
constexpr const char* kStoreNames[2] = {"left-keyWithIndexToValue", "right-keyWithIndexToValue"};

// Whether a side's rows that never matched are emitted (with NULLs).
bool Preserves(JoinType type, int side) {
  if (type == JoinType::kFullOuter) return true;
  return (type == JoinType::kLeftOuter && side == kLeft) || (type == JoinType::kRightOuter && side == kRight);
}

arrow::Result<BoundExprPtr> AndOf(const std::vector<BoundExprPtr>& conjuncts) {
  BoundExprPtr out;
  for (const auto& c : conjuncts) {
    if (!out) {
      out = c;
    } else {
      ARROW_ASSIGN_OR_RAISE(out, BindCall("and", {out, c}, "and"));
    }
  }
  return out;
}

arrow::Result<std::shared_ptr<arrow::Schema>> KeySchema(const PlanNode& node) {
  arrow::FieldVector fields;
  for (size_t k = 0; k < node.right_keys.size(); ++k) {
    ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*node.right_keys[k]->type()));
    fields.push_back(arrow::field("field" + std::to_string(k), type));
  }
  return arrow::schema(fields);
}

// What one side keeps between batches.
struct SideRuntime {
  std::vector<BoundExprPtr> keys;  // over the side's input
  BoundExprPtr filter;             // the condition's conjuncts over this side alone (null: none)
  int late_column = -1;            // the side's watermarked column: late rows are dropped
  JoinSideEviction eviction;
  std::shared_ptr<arrow::Schema> input_schema;
  std::unique_ptr<RowEncoder> row_encoder;
  std::unique_ptr<RowDecoder> row_decoder;
  std::vector<JoinKeyRows> key_rows;  // by partition
};

struct JoinRuntime final : OperatorRuntime {
  SideRuntime sides[2];
  BoundExprPtr pair_filter;  // the conjuncts over both sides (over left ++ right)
  std::shared_ptr<arrow::Schema> key_schema;
  std::unique_ptr<RowEncoder> key_encoder;
  std::unique_ptr<RowDecoder> key_decoder;
  std::shared_ptr<arrow::Schema> output_schema;
};

arrow::Result<JoinRuntime*> RuntimeOf(const PlanNode& node, StatefulOperatorState& op, const arrow::Table& left,
                                      const arrow::Table& right) {
  if (auto* kept = dynamic_cast<JoinRuntime*>(op.runtime().get())) return kept;
  auto rt = std::make_unique<JoinRuntime>();
  // The condition's rest split as Spark splits it: conjuncts over one side
  // filter that side's rows before the join, the others filter pairs.
  const int left_width = static_cast<int>(node.children[0]->output.size());
  std::vector<BoundExprPtr> conjuncts, only[2], both;
  if (node.condition) SplitConjuncts(node.condition, &conjuncts);
  for (const auto& c : conjuncts) {
    std::set<int> columns;
    CollectColumns(*c, &columns);
    const bool left_only = columns.empty() || *columns.rbegin() < left_width;
    const bool right_only = columns.empty() || *columns.begin() >= left_width;
    if (left_only) only[kLeft].push_back(c);
    if (right_only) only[kRight].push_back(ShiftColumns(c, -left_width));
    if (!left_only && !right_only) both.push_back(c);
  }
  ARROW_ASSIGN_OR_RAISE(rt->pair_filter, AndOf(both));
  const StreamJoinEviction eviction = JoinEvictionOf(node);
  for (int side : {kLeft, kRight}) {
    SideRuntime& s = rt->sides[side];
    s.keys = side == kLeft ? node.left_keys : node.right_keys;
    ARROW_ASSIGN_OR_RAISE(s.filter, AndOf(only[side]));
    const auto& input = node.children[side]->output;
    for (size_t i = 0; i < input.size() && s.late_column < 0; ++i) {
      if (input[i].watermark_delay_ms >= 0) s.late_column = static_cast<int>(i);
    }
    s.eviction = side == kLeft ? eviction.left : eviction.right;
    s.input_schema = (side == kLeft ? left : right).schema();
    ARROW_ASSIGN_OR_RAISE(s.row_encoder, RowEncoder::Make(s.input_schema));
    ARROW_ASSIGN_OR_RAISE(s.row_decoder, RowDecoder::Make(s.input_schema));
    s.key_rows.resize(op.num_partitions());
  }
  ARROW_ASSIGN_OR_RAISE(rt->key_schema, KeySchema(node));
  ARROW_ASSIGN_OR_RAISE(rt->key_encoder, RowEncoder::Make(rt->key_schema));
  ARROW_ASSIGN_OR_RAISE(rt->key_decoder, RowDecoder::Make(rt->key_schema));
  ARROW_ASSIGN_OR_RAISE(rt->output_schema, ToArrowSchema(*node.Schema()));
  op.runtime() = std::move(rt);
  return static_cast<JoinRuntime*>(op.runtime().get());
}

// One side's input rows of the batch, ready to join.
struct InputRows {
  std::shared_ptr<arrow::RecordBatch> rows;  // not late
  EncodedRows keys;                          // the encoded join keys
  arrow::ArrayVector key_columns;
  std::vector<bool> passes;  // the side's filter holds
};

// The other side's buffered rows with the keys the input brings.
struct BufferedRows {
  // Row j's state key and value: keys[key_ends[j - 1], key_ends[j]) and the
  // same of values, copied back to back (one allocation for all).
  std::string keys, values;
  std::vector<size_t> key_ends, value_ends;
  std::vector<int> partitions;
  struct Range {
    uint32_t begin = 0, end = 0;
  };
  ByteHashTable by_key;  // each input join key -> the Range of its rows here, as bytes
  std::shared_ptr<arrow::RecordBatch> rows;  // the values, decoded
  std::vector<bool> matched, changed;
  std::vector<int32_t> held;  // the row's place among the batch's held rows (-1: stored)

  size_t size() const { return key_ends.size(); }
  Range RowsOf(std::string_view join_key) const {
    Range range;
    if (const ByteHashTable::Entry* e = by_key.Find(join_key)) std::memcpy(&range, e->value().data(), sizeof range);
    return range;
  }
  std::string_view key(size_t j) const { return View(keys, key_ends, j); }
  std::string_view value(size_t j) const { return View(values, value_ends, j); }

 private:
  static std::string_view View(const std::string& bytes, const std::vector<size_t>& ends, size_t j) {
    const size_t begin = j == 0 ? 0 : ends[j - 1];
    return std::string_view(bytes).substr(begin, ends[j] - begin);
  }
};

// The left input's rows the batch buffers, held until the right input has
// joined them, so that each is written once, with its final matched flag,
// rather than written and then rewritten when a right row of the same batch
// matches it.
struct HeldRows {
  EncodedRows keys, values;
  std::vector<int> partitions;
  std::vector<int32_t> of_input;  // the left input's row i -> its place here (-1: not held)

  void Add(int64_t input_row, int partition, std::string_view key, std::string_view value) {
    of_input[input_row] = static_cast<int32_t>(partitions.size());
    keys.bytes.append(key);
    keys.ends.push_back(keys.bytes.size());
    values.bytes.append(value);
    values.ends.push_back(values.bytes.size());
    partitions.push_back(partition);
  }
  void SetMatched(int32_t place) { values.bytes[values.ends[place] - 1] = 1; }
};

// Rows of `rows` at `indices`.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> TakeRows(const std::shared_ptr<arrow::RecordBatch>& rows,
                                                            const std::vector<int64_t>& indices) {
  arrow::Int64Builder b;
  ARROW_RETURN_NOT_OK(b.AppendValues(indices));
  ARROW_ASSIGN_OR_RAISE(auto idx, b.Finish());
  ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(rows, idx));
  return taken.record_batch();
}

// Event times in microseconds (a window's end), null where the value is.
arrow::Result<std::vector<std::optional<int64_t>>> TimesMicros(const std::shared_ptr<arrow::Array>& column) {
  ARROW_ASSIGN_OR_RAISE(auto micros, EventTimeMicros(column));
  std::vector<std::optional<int64_t>> out(micros->length());
  for (int64_t i = 0; i < micros->length(); ++i) {
    if (micros->IsValid(i)) out[i] = micros->Value(i);
  }
  return out;
}

// One micro-batch of the join.
class JoinBatch {
 public:
  JoinBatch(const PlanNode& node, JoinRuntime& rt, StatefulOperatorState& op, const EvalContext& ctx)
      : node_(node), rt_(rt), op_(op), ctx_(ctx), batch_(*ctx.streaming) {}

  // Brings each side's JoinKeyRows to the stores this batch loaded.
  arrow::Status Begin() {
    for (int side : {kLeft, kRight}) {
      auto times = [&](const std::vector<std::string_view>& keys, const std::vector<std::string_view>& values) {
        return StoredTimes(side, keys, values);
      };
      for (int p = 0; p < op_.num_partitions(); ++p) {
        ARROW_ASSIGN_OR_RAISE(StateStore * store, op_.Store(p, side));
        ARROW_RETURN_NOT_OK(rt_.sides[side].key_rows[p].BeginBatch(*store, times));
      }
    }
    return arrow::Status::OK();
  }

  // Joins one side's input with the other side's buffered rows, then buffers it.
  arrow::Status JoinInput(int side, const arrow::Table& table) {
    ARROW_ASSIGN_OR_RAISE(InputRows input, Prepare(side, table));
    if (input.rows->num_rows() == 0) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(BufferedRows buffered, LoadBuffered(1 - side, input));
    std::vector<bool> matched;
    ARROW_RETURN_NOT_OK(Match(side, input, buffered, &matched));
    return Buffer(side, input, matched, buffered);
  }

  // Writes the left rows the batch buffered.
  arrow::Status WriteHeld() {
    std::vector<StateWriteBatch> writes(op_.num_partitions());
    for (size_t k = 0; k < held_.partitions.size(); ++k) {
      writes[held_.partitions[k]].Put(held_.keys[k], held_.values[k], true);
    }
    held_ = HeldRows();
    return WriteAll(kLeft, writes);
  }

  // Evicts what the watermark closed; the preserved sides' unmatched rows go out with NULLs.
  arrow::Status Evict() {
    for (int side : {kLeft, kRight}) {
      std::optional<int64_t> up_to = EvictionMicros(side);
      if (!up_to) continue;
      const bool preserved = Preserves(node_.join_type, side);
      std::vector<std::optional<std::string>> values;
      for (int p = 0; p < op_.num_partitions(); ++p) {
        ARROW_RETURN_NOT_OK(EvictUpTo(side, p, *up_to, preserved ? &values : nullptr));
      }
      if (!preserved) continue;
      SideRuntime& s = rt_.sides[side];
      std::vector<int64_t> unmatched, nulls;
      for (const std::optional<std::string>& evicted : values) {
        std::string_view value = *evicted;
        if (value.back() == 1) continue;
        ARROW_RETURN_NOT_OK(s.row_decoder->Append(&value));
        unmatched.push_back(static_cast<int64_t>(unmatched.size()));
        nulls.push_back(-1);
      }
      ARROW_ASSIGN_OR_RAISE(auto rows, s.row_decoder->Finish());
      if (unmatched.empty()) continue;
      ARROW_ASSIGN_OR_RAISE(auto none, arrow::RecordBatch::MakeEmpty(rt_.sides[1 - side].input_schema));
      ARROW_RETURN_NOT_OK(side == kLeft ? Emit(*rows, *none, unmatched, nulls) : Emit(*none, *rows, nulls, unmatched));
    }
    return arrow::Status::OK();
  }

  arrow::Result<std::shared_ptr<arrow::Table>> Output() {
    return arrow::Table::FromRecordBatches(rt_.output_schema, std::move(output_));
  }

 private:
  // The input's rows that are not late, their keys, and the side's filter.
  arrow::Result<InputRows> Prepare(int side, const arrow::Table& table) {
    SideRuntime& s = rt_.sides[side];
    InputRows in;
    ARROW_ASSIGN_OR_RAISE(in.rows, ToSingleBatch(table));
    if (s.late_column >= 0) {
      ARROW_ASSIGN_OR_RAISE(auto times, TimesMicros(in.rows->column(s.late_column)));
      const int64_t late_micros = batch_.LateEventsWatermarkMs() * 1000;
      std::vector<int64_t> kept;
      for (size_t i = 0; i < times.size(); ++i) {
        if (!times[i] || *times[i] > late_micros) kept.push_back(static_cast<int64_t>(i));
      }
      op_.metrics().num_rows_dropped_by_watermark += static_cast<int64_t>(times.size() - kept.size());
      if (kept.size() < times.size()) {
        ARROW_ASSIGN_OR_RAISE(in.rows, TakeRows(in.rows, kept));
      }
    }
    const int64_t n = in.rows->num_rows();
    for (size_t k = 0; k < s.keys.size(); ++k) {
      ARROW_ASSIGN_OR_RAISE(auto column, EvaluateToArray(*s.keys[k], *in.rows, ctx_));
      const auto& type = rt_.key_schema->field(static_cast<int>(k))->type();
      if (!column->type()->Equals(*type)) {
        ARROW_ASSIGN_OR_RAISE(auto cast, cp::Cast(column, type));
        column = cast.make_array();
      }
      in.key_columns.push_back(std::move(column));
    }
    rt_.key_encoder->EncodeBatch(*arrow::RecordBatch::Make(rt_.key_schema, n, in.key_columns), &in.keys);
    in.passes.assign(n, true);
    if (s.filter) {
      ARROW_ASSIGN_OR_RAISE(auto mask, EvaluateToArray(*s.filter, *in.rows, ctx_));
      const auto& m = static_cast<const arrow::BooleanArray&>(*mask);
      for (int64_t i = 0; i < n; ++i) in.passes[i] = m.IsValid(i) && m.Value(i);
    }
    return in;
  }

  // The buffered rows of `side` whose keys the input's joinable rows have:
  // their state keys from the side's JoinKeyRows, their values in one
  // MultiGet per store.
  arrow::Result<BufferedRows> LoadBuffered(int side, const InputRows& input) {
    SideRuntime& s = rt_.sides[side];
    BufferedRows out;
    out.by_key.Reserve(input.keys.size());
    for (size_t i = 0; i < input.keys.size(); ++i) {
      if (!input.passes[i]) continue;
      const std::string_view key = input.keys[i];
      const uint64_t hash = ByteHashTable::Hash(key);
      if (out.by_key.Find(key, hash) != nullptr) continue;  // a key the input brought before
      const int p = op_.PartitionOf(key);
      const std::string_view suffixes = s.key_rows[p].Find(key, hash);
      const auto begin = static_cast<uint32_t>(out.size());
      const BufferedRows::Range range{begin, static_cast<uint32_t>(begin + suffixes.size() / kEncodedInt64Bytes)};
      for (size_t at = 0; at < suffixes.size(); at += kEncodedInt64Bytes) {
        out.keys.append(key);
        out.keys.append(suffixes.substr(at, kEncodedInt64Bytes));
        out.key_ends.push_back(out.keys.size());
        out.partitions.push_back(p);
      }
      out.by_key.Put(key, hash, std::string_view(reinterpret_cast<const char*>(&range), sizeof range));
    }
    ARROW_RETURN_NOT_OK(ReadValues(side, &out));
    out.matched.resize(out.size());
    for (size_t j = 0; j < out.size(); ++j) {
      std::string_view value = out.value(j);
      out.matched[j] = value.back() == 1;
      ARROW_RETURN_NOT_OK(s.row_decoder->Append(&value));
    }
    ARROW_ASSIGN_OR_RAISE(out.rows, s.row_decoder->Finish());
    out.changed.assign(out.size(), false);
    return out;
  }

  // The values of the rows whose state keys `rows` has, partition by partition.
  arrow::Status ReadValues(int side, BufferedRows* rows) {
    std::vector<std::vector<std::string_view>> keys(op_.num_partitions());
    std::vector<uint32_t> position(rows->size());  // in its partition's keys
    rows->held.assign(rows->size(), -1);
    for (size_t j = 0; j < rows->size(); ++j) {
      if (side == kLeft) rows->held[j] = HeldPlace(rows->key(j));
      if (rows->held[j] >= 0) continue;
      std::vector<std::string_view>& in = keys[rows->partitions[j]];
      position[j] = static_cast<uint32_t>(in.size());
      in.push_back(rows->key(j));
    }
    std::vector<std::vector<std::optional<std::string>>> values(op_.num_partitions());
    for (int p = 0; p < op_.num_partitions(); ++p) {
      if (keys[p].empty()) continue;
      ARROW_ASSIGN_OR_RAISE(StateStore * store, op_.Store(p, side));
      ARROW_RETURN_NOT_OK(store->MultiGet(keys[p], &values[p]));
    }
    rows->value_ends.reserve(rows->size());
    for (size_t j = 0; j < rows->size(); ++j) {
      if (rows->held[j] >= 0) {
        rows->values.append(held_.values[rows->held[j]]);
        rows->value_ends.push_back(rows->values.size());
        continue;
      }
      const std::optional<std::string>& value = values[rows->partitions[j]][position[j]];
      if (!value || value->empty()) return MissingRow(side);
      rows->values.append(*value);
      rows->value_ends.push_back(rows->values.size());
    }
    return arrow::Status::OK();
  }

  // The place among the held rows of the left row of state key `row_key` (-1: a stored row).
  int32_t HeldPlace(std::string_view row_key) const {
    const auto index = static_cast<uint64_t>(DecodeEncodedInt64(row_key.substr(row_key.size() - kEncodedInt64Bytes)));
    if (held_.of_input.empty() || static_cast<int64_t>(index >> 32) != batch_.batch_id) return -1;
    return held_.of_input[index & 0xffffffffu];
  }

  // Pairs the input's rows with the buffered rows of their key that satisfy
  // the condition, emits the joined rows, and marks what matched.
  arrow::Status Match(int side, const InputRows& input, BufferedRows& buffered, std::vector<bool>* matched) {
    const int64_t n = input.rows->num_rows();
    std::vector<int64_t> mine, theirs;
    for (int64_t i = 0; i < n; ++i) {
      if (!input.passes[i]) continue;
      const auto [begin, end] = buffered.RowsOf(input.keys[i]);
      for (uint32_t j = begin; j < end; ++j) {
        mine.push_back(i);
        theirs.push_back(j);
      }
    }
    const bool left = side == kLeft;
    std::vector<bool> ok(mine.size(), true);
    if (rt_.pair_filter && !mine.empty()) {
      ARROW_ASSIGN_OR_RAISE(ok, PairsSatisfying(*rt_.pair_filter, left ? *input.rows : *buffered.rows,
                                                left ? *buffered.rows : *input.rows, left ? mine : theirs,
                                                left ? theirs : mine, ctx_));
    }
    const bool semi = node_.join_type == JoinType::kLeftSemi;
    matched->assign(n, false);
    std::vector<int64_t> out_mine, out_theirs;  // pairs to emit (-1: NULLs)
    for (size_t p = 0; p < mine.size(); ++p) {
      if (!ok[p]) continue;
      const int64_t i = mine[p], j = theirs[p];
      // A left semi join emits a buffered left row on its first match only.
      if (semi && !left && buffered.matched[j]) continue;
      (*matched)[i] = true;
      if (!buffered.matched[j]) buffered.matched[j] = buffered.changed[j] = true;
      if (semi && left) continue;  // emitted once below
      out_mine.push_back(semi ? -1 : i);
      out_theirs.push_back(j);
    }
    for (int64_t i = 0; i < n; ++i) {
      if (semi && left && (*matched)[i]) {
        out_mine.push_back(i);
        out_theirs.push_back(-1);
      }
      // A row the side's filter rejects can never match: a preserved side emits it now.
      if (!input.passes[i] && Preserves(node_.join_type, side)) {
        out_mine.push_back(i);
        out_theirs.push_back(-1);
      }
    }
    if (out_mine.empty()) return arrow::Status::OK();
    return left ? Emit(*input.rows, *buffered.rows, out_mine, out_theirs)
                : Emit(*buffered.rows, *input.rows, out_theirs, out_mine);
  }

  // Buffers the input's rows (as Spark decides which) and writes back the
  // matched flags of the other side's rows.
  arrow::Status Buffer(int side, const InputRows& input, const std::vector<bool>& matched,
                       const BufferedRows& buffered) {
    SideRuntime& s = rt_.sides[side];
    std::vector<std::optional<int64_t>> times;
    if (s.eviction.kind == JoinSideEviction::Kind::kByKey) {
      ARROW_ASSIGN_OR_RAISE(times, TimesMicros(input.key_columns[s.eviction.column]));
    } else if (s.eviction.kind == JoinSideEviction::Kind::kByValue) {
      ARROW_ASSIGN_OR_RAISE(times, TimesMicros(input.rows->column(s.eviction.column)));
    }
    const std::optional<int64_t> evicted_up_to = EvictionMicros(side);
    const bool preserved = Preserves(node_.join_type, side);
    std::vector<StateWriteBatch> writes(op_.num_partitions());
    if (side == kLeft) held_.of_input.assign(input.rows->num_rows(), -1);
    std::string key, value;
    for (int64_t i = 0; i < input.rows->num_rows(); ++i) {
      if (!input.passes[i]) continue;
      if (node_.join_type == JoinType::kLeftSemi && side == kLeft && matched[i]) continue;
      const bool evicted_now = evicted_up_to && !times.empty() && times[i] && *times[i] <= *evicted_up_to;
      // A right row the watermark evicts now cannot meet a later left row;
      // a preserved one that did not match is kept for eviction to emit.
      if (side == kRight && evicted_now && !(preserved && !matched[i])) continue;
      key.assign(input.keys[i]);
      AppendEncodedInt64((batch_.batch_id << 32) | i, &key);
      value.clear();
      s.row_encoder->Encode(*input.rows, i, &value);
      AppendEncodedBool(matched[i], &value);
      const int p = op_.PartitionOf(input.keys[i]);
      if (side == kLeft) {
        held_.Add(i, p, key, value);
      } else {
        writes[p].Put(key, value, true);
      }
      s.key_rows[p].Add(key, times.empty() ? std::nullopt : times[i]);
      ++op_.metrics().num_rows_updated;
    }
    ARROW_RETURN_NOT_OK(WriteAll(side, writes));
    return WriteMatchedFlags(1 - side, buffered);
  }

  // The matched flags the input set: in the held rows, or rewritten in the store.
  arrow::Status WriteMatchedFlags(int side, const BufferedRows& buffered) {
    std::vector<StateWriteBatch> writes(op_.num_partitions());
    std::string value;
    for (size_t j = 0; j < buffered.size(); ++j) {
      if (!buffered.changed[j]) continue;
      if (buffered.held[j] >= 0) {
        held_.SetMatched(buffered.held[j]);
        continue;
      }
      value = buffered.value(j);
      value.back() = 1;
      writes[buffered.partitions[j]].Put(buffered.key(j), value, false);
    }
    return WriteAll(side, writes);
  }

  arrow::Status WriteAll(int side, const std::vector<StateWriteBatch>& writes) {
    for (int p = 0; p < op_.num_partitions(); ++p) {
      if (writes[p].empty()) continue;
      ARROW_ASSIGN_OR_RAISE(StateStore * store, op_.Store(p, side));
      ARROW_RETURN_NOT_OK(store->Write(writes[p]));
    }
    return arrow::Status::OK();
  }

  // Removes the rows of `side` in partition `p` at or before `up_to_micros`
  // from the store; appends their values to `values` when asked.
  arrow::Status EvictUpTo(int side, int p, int64_t up_to_micros, std::vector<std::optional<std::string>>* values) {
    EncodedRows keys;
    rt_.sides[side].key_rows[p].TakeUpTo(up_to_micros, &keys);
    if (keys.size() == 0) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(StateStore * store, op_.Store(p, side));
    std::vector<std::string_view> views(keys.size());
    StateWriteBatch removes;
    for (size_t i = 0; i < keys.size(); ++i) {
      views[i] = keys[i];
      removes.Remove(views[i]);
    }
    if (values != nullptr) {
      std::vector<std::optional<std::string>> read;
      ARROW_RETURN_NOT_OK(store->MultiGet(views, &read));
      for (auto& value : read) {
        if (!value || value->empty()) return MissingRow(side);
        values->push_back(std::move(value));
      }
    } else {
      op_.metrics().num_rows_removed += static_cast<int64_t>(keys.size());
    }
    return store->Write(removes);
  }

  // The event times the side is evicted by of stored rows (empty: the side keeps its rows).
  arrow::Result<std::vector<std::optional<int64_t>>> StoredTimes(int side, const std::vector<std::string_view>& keys,
                                                                 const std::vector<std::string_view>& values) {
    SideRuntime& s = rt_.sides[side];
    if (s.eviction.kind == JoinSideEviction::Kind::kNone || keys.empty()) return std::vector<std::optional<int64_t>>();
    const bool by_key = s.eviction.kind == JoinSideEviction::Kind::kByKey;
    RowDecoder& decoder = by_key ? *rt_.key_decoder : *s.row_decoder;
    for (std::string_view row : by_key ? keys : values) ARROW_RETURN_NOT_OK(decoder.Append(&row));
    ARROW_ASSIGN_OR_RAISE(auto rows, decoder.Finish());
    return TimesMicros(rows->column(s.eviction.column));
  }

  static arrow::Status MissingRow(int side) {
    return arrow::Status::Invalid("a buffered row of ", kStoreNames[side],
                                  " is missing from its store: the checkpoint's state is damaged");
  }

  // The time at or below which `side`'s buffered rows leave the state in
  // this batch, in microseconds; nullopt when the side keeps its rows.
  std::optional<int64_t> EvictionMicros(int side) const {
    const JoinSideEviction& e = rt_.sides[side].eviction;
    const int64_t watermark = batch_.EvictionWatermarkMs();
    if (e.kind == JoinSideEviction::Kind::kByKey) return watermark * 1000;
    if (e.kind == JoinSideEviction::Kind::kByValue) {
      if (auto ms = StateWatermarkMs(e.bounds, watermark)) return *ms * 1000;
    }
    return std::nullopt;
  }

  arrow::Status Emit(const arrow::RecordBatch& left, const arrow::RecordBatch& right,
                     const std::vector<int64_t>& left_rows, const std::vector<int64_t>& right_rows) {
    ARROW_ASSIGN_OR_RAISE(auto rows, JoinedRows(node_, rt_.output_schema, left, right, left_rows, right_rows));
    output_.push_back(std::move(rows));
    return arrow::Status::OK();
  }

  const PlanNode& node_;
  JoinRuntime& rt_;
  StatefulOperatorState& op_;
  const EvalContext& ctx_;
  StreamingBatchContext& batch_;
  std::vector<std::shared_ptr<arrow::RecordBatch>> output_;
  HeldRows held_;
};

}  // namespace

arrow::Result<std::vector<StateStoreSchemas>> JoinStateSchemas(const PlanNode& node) {
  ARROW_ASSIGN_OR_RAISE(auto key, KeySchema(node));
  ARROW_ASSIGN_OR_RAISE(key, key->AddField(key->num_fields(), arrow::field("index", arrow::int64())));
  std::vector<StateStoreSchemas> out;
  for (int side : {kLeft, kRight}) {
    ARROW_ASSIGN_OR_RAISE(auto input, ToArrowSchema(*node.children[side]->Schema()));
    ARROW_ASSIGN_OR_RAISE(auto value, input->AddField(input->num_fields(), arrow::field("matched", arrow::boolean())));
    out.push_back({kStoreNames[side], key, value});
  }
  return out;
}

std::vector<std::string> JoinStoreNames() { return {kStoreNames[kLeft], kStoreNames[kRight]}; }

arrow::Result<std::shared_ptr<arrow::Table>> ExecuteStreamingJoin(const PlanNode& node, const arrow::Table& left,
                                                                  const arrow::Table& right, const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(StatefulOperatorState * op, ctx.streaming->RunningOperator());
  op->set_counts_rows_itself();
  ARROW_ASSIGN_OR_RAISE(JoinRuntime * rt, RuntimeOf(node, *op, left, right));
  JoinBatch batch(node, *rt, *op, ctx);
  auto start = Clock::now();
  ARROW_RETURN_NOT_OK(batch.Begin());
  ARROW_RETURN_NOT_OK(batch.JoinInput(kLeft, left));
  ARROW_RETURN_NOT_OK(batch.JoinInput(kRight, right));
  ARROW_RETURN_NOT_OK(batch.WriteHeld());
  op->metrics().all_updates_time_ms += MillisSince(start);
  auto removal_start = Clock::now();
  ARROW_RETURN_NOT_OK(batch.Evict());
  op->metrics().all_removals_time_ms += MillisSince(removal_start);
  for (const SideRuntime& side : rt->sides) {
    for (const JoinKeyRows& rows : side.key_rows) op->metrics().memory_used_bytes += rows.bytes();
  }
  return batch.Output();
}

}  // namespace spate
