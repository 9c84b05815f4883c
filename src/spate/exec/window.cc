#include "spate/exec/window.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <optional>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/aggregates/group_ids.h"
#include "spate/common/error.h"
#include "spate/exec/executor.h"
#include "spate/exec/sort_keys.h"
#include "spate/plan/window_plan.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;
using ArrayPtr = std::shared_ptr<arrow::Array>;

// ---------------------------------------------------------------------------
// Sorting and partitioning

// The input rows in window order, with where each partition and each peer
// group (rows equal on the ORDER BY keys) starts and ends.
struct SortedRows {
  int64_t num_rows = 0;
  std::vector<int64_t> partitions;  // the start of each partition, then num_rows
  std::vector<int64_t> peer_start, peer_end;  // per position, when computed
};

// The positions of the rows sorted by the ORDER BY keys (a stable sort), or
// nullptr when there are no keys.
arrow::Result<std::shared_ptr<arrow::UInt64Array>> SortByKeys(const PlanNode& node, const arrow::RecordBatch& batch,
                                                              const EvalContext& ctx) {
  if (node.sort_keys.empty() || batch.num_rows() < 2) return nullptr;
  ArrowSortColumns sort;
  for (size_t i = 0; i < node.sort_keys.size(); ++i) {
    const SortKey& k = node.sort_keys[i];
    ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*k.expr, batch, ctx));
    ARROW_RETURN_NOT_OK(AppendSortColumn(array, "k" + std::to_string(i), k.ascending, k.nulls_first, &sort));
  }
  arrow::Datum indices;
  if (sort.columns.size() == 1) {  // one column: the array sort, cheaper than the record batch's
    cp::ArraySortOptions options(sort.keys[0].order, sort.keys[0].null_placement);
    ARROW_ASSIGN_OR_RAISE(indices, cp::CallFunction("array_sort_indices", {sort.columns[0]}, &options));
  } else {
    auto key_batch = arrow::RecordBatch::Make(arrow::schema(sort.fields), batch.num_rows(), sort.columns);
    ARROW_ASSIGN_OR_RAISE(indices, cp::SortIndices(arrow::Datum(key_batch), cp::SortOptions(sort.keys)));
  }
  return std::static_pointer_cast<arrow::UInt64Array>(indices.make_array());
}

// Sorts `input` by partition (the PARTITION BY keys' dense ids, in order of
// first appearance), then by the ORDER BY keys: the keys are sorted once,
// and a counting sort by partition id keeps that order within each
// partition. Returns the sorted batch and fills rows->partitions.
arrow::Result<std::shared_ptr<arrow::RecordBatch>> SortRows(const PlanNode& node,
                                                            const std::shared_ptr<arrow::RecordBatch>& input,
                                                            const EvalContext& ctx, SortedRows* rows) {
  const arrow::RecordBatch& batch = *input;
  const int64_t n = batch.num_rows();
  rows->num_rows = n;
  rows->partitions = {0};
  std::vector<uint32_t> partition_ids;
  uint32_t num_partitions = 1;
  if (!node.exprs.empty() && n > 0) {
    arrow::ArrayVector partition_keys;
    for (const auto& e : node.exprs) {
      ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*e, batch, ctx));
      partition_keys.push_back(std::move(array));
    }
    ARROW_ASSIGN_OR_RAISE(partition_ids, GroupIds(partition_keys, n, &num_partitions));
  }
  ARROW_ASSIGN_OR_RAISE(auto by_keys, SortByKeys(node, batch, ctx));
  std::shared_ptr<arrow::Array> order = by_keys;
  if (num_partitions > 1) {
    std::vector<int64_t> next(num_partitions + 1, 0);
    for (uint32_t id : partition_ids) ++next[id + 1];
    for (uint32_t p = 1; p <= num_partitions; ++p) next[p] += next[p - 1];
    rows->partitions.assign(next.begin() + 1, next.end() - 1);
    rows->partitions.insert(rows->partitions.begin(), 0);
    arrow::UInt64Builder builder;
    ARROW_RETURN_NOT_OK(builder.AppendEmptyValues(n));
    uint64_t* out = builder.GetMutableValue(0);
    const uint64_t* keyed = by_keys ? by_keys->raw_values() : nullptr;
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t row = keyed ? keyed[i] : static_cast<uint64_t>(i);
      out[next[partition_ids[row]]++] = row;
    }
    ARROW_ASSIGN_OR_RAISE(order, builder.Finish());
  }
  rows->partitions.push_back(n);
  if (!order) return input;
  ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(arrow::Datum(input), arrow::Datum(order)));
  return taken.record_batch();
}

// Fills rows->peer_start/peer_end from the sorted ORDER BY keys (without
// keys, a partition is one peer group).
arrow::Status ComputePeers(const PlanNode& node, const arrow::RecordBatch& sorted, const EvalContext& ctx,
                           SortedRows* rows) {
  if (!rows->peer_start.empty() || rows->num_rows == 0) return arrow::Status::OK();
  const int64_t n = rows->num_rows;
  std::vector<uint32_t> ids;
  if (!node.sort_keys.empty()) {
    arrow::ArrayVector keys;
    for (const auto& k : node.sort_keys) {
      ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*k.expr, sorted, ctx));
      keys.push_back(std::move(array));
    }
    uint32_t groups = 0;
    ARROW_ASSIGN_OR_RAISE(ids, GroupIds(keys, n, &groups));
  }
  rows->peer_start.resize(n);
  rows->peer_end.resize(n);
  for (size_t k = 0; k + 1 < rows->partitions.size(); ++k) {
    const int64_t ps = rows->partitions[k], pe = rows->partitions[k + 1];
    int64_t start = ps;
    for (int64_t p = ps; p < pe; ++p) {
      if (p > ps && !ids.empty() && ids[p] != ids[p - 1]) start = p;
      rows->peer_start[p] = start;
    }
    int64_t end = pe;
    for (int64_t p = pe - 1; p >= ps; --p) {
      rows->peer_end[p] = end;
      if (rows->peer_start[p] == p) end = p;
    }
  }
  return arrow::Status::OK();
}

// ---------------------------------------------------------------------------
// Frames

// The single ORDER BY key of a RANGE frame with offsets, as doubles that
// ascend in window order (a DESC key is negated); dates count days and
// timestamps microseconds.
struct RangeKeys {
  std::vector<double> values;
  std::vector<uint8_t> valid;
};

arrow::Result<RangeKeys> MakeRangeKeys(const PlanNode& node, const arrow::RecordBatch& sorted, const EvalContext& ctx) {
  const SortKey& key = node.sort_keys.at(0);
  ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*key.expr, sorted, ctx));
  switch (array->type_id()) {
    case arrow::Type::DATE32: {
      ARROW_ASSIGN_OR_RAISE(auto v, array->View(arrow::int32()));
      array = v;
      break;
    }
    case arrow::Type::TIMESTAMP: {
      ARROW_ASSIGN_OR_RAISE(auto v, array->View(arrow::int64()));
      array = v;
      break;
    }
    default:
      break;
  }
  ARROW_ASSIGN_OR_RAISE(auto as_double, cp::Cast(*array, arrow::float64(), cp::CastOptions::Unsafe()));
  const auto& d = static_cast<const arrow::DoubleArray&>(*as_double);
  RangeKeys out;
  out.values.resize(d.length());
  out.valid.resize(d.length());
  for (int64_t i = 0; i < d.length(); ++i) {
    out.valid[i] = d.IsValid(i);
    out.values[i] = key.ascending ? d.Value(i) : -d.Value(i);
  }
  return out;
}

// Each row's frame [lo, hi) within its partition; rows must be visited in
// order, as both ends only move forward.
class FrameCursor {
 public:
  FrameCursor(const WindowFrame& frame, const SortedRows& rows, const RangeKeys* keys)
      : frame_(frame), rows_(rows), keys_(keys) {}

  void Start(int64_t ps, int64_t pe) {
    ps_ = ps;
    pe_ = pe;
    vs_ = ps;
    ve_ = pe;
    if (keys_ != nullptr) {
      while (vs_ < pe && !keys_->valid[vs_]) ++vs_;
      while (ve_ > vs_ && !keys_->valid[ve_ - 1]) --ve_;
    }
    lower_ = upper_ = vs_;
  }

  std::pair<int64_t, int64_t> Bounds(int64_t p) {
    int64_t lo = Bound(frame_.lower, p, true);
    int64_t hi = Bound(frame_.upper, p, false);
    return {lo, std::max(lo, hi)};
  }

 private:
  int64_t Bound(const WindowFrameBound& b, int64_t p, bool lower) {
    switch (b.kind) {
      case WindowFrameBound::Kind::kUnboundedPreceding: return ps_;
      case WindowFrameBound::Kind::kUnboundedFollowing: return pe_;
      case WindowFrameBound::Kind::kOffset: break;
    }
    if (frame_.rows) return std::clamp(p + b.rows + (lower ? 0 : 1), ps_, pe_);
    if (b.current || keys_ == nullptr) return lower ? rows_.peer_start[p] : rows_.peer_end[p];
    if (!keys_->valid[p]) {  // a NULL key's frame is the NULL rows
      bool nulls_first = vs_ > ps_;
      return lower ? (nulls_first ? ps_ : ve_) : (nulls_first ? vs_ : pe_);
    }
    const double target = keys_->values[p] + b.range;
    int64_t& at = lower ? lower_ : upper_;
    if (lower) {
      while (at < ve_ && keys_->values[at] < target) ++at;
    } else {
      while (at < ve_ && keys_->values[at] <= target) ++at;
    }
    return at;
  }

  const WindowFrame& frame_;
  const SortedRows& rows_;
  const RangeKeys* keys_;
  int64_t ps_ = 0, pe_ = 0, vs_ = 0, ve_ = 0, lower_ = 0, upper_ = 0;
};

// Runs an accumulator over every row's frame.
arrow::Result<ArrayPtr> RunFrames(WindowAccumulator& acc, const SortedRows& rows, FrameCursor& cursor) {
  for (size_t k = 0; k + 1 < rows.partitions.size(); ++k) {
    const int64_t ps = rows.partitions[k], pe = rows.partitions[k + 1];
    cursor.Start(ps, pe);
    acc.Reset();
    int64_t a = ps, b = ps;  // the frame the accumulator holds
    for (int64_t p = ps; p < pe; ++p) {
      auto [lo, hi] = cursor.Bounds(p);
      if (lo >= b || (!acc.CanRemove() && lo != a) || hi < b) {
        acc.Reset();
        a = b = lo;
      }
      while (b < hi) ARROW_RETURN_NOT_OK(acc.Add(b++));
      while (a < lo) ARROW_RETURN_NOT_OK(acc.Remove(a++));
      ARROW_RETURN_NOT_OK(acc.Emit());
    }
  }
  return acc.Finish();
}

// ---------------------------------------------------------------------------
// Accumulators

arrow::Result<ArrayPtr> IndicesArray(const std::vector<int64_t>& indices) {
  arrow::Int64Builder builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(static_cast<int64_t>(indices.size())));
  for (int64_t i : indices) {
    if (i < 0) {
      builder.UnsafeAppendNull();
    } else {
      builder.UnsafeAppend(i);
    }
  }
  return builder.Finish();
}

arrow::Result<ArrayPtr> TakeIndices(const ArrayPtr& values, const std::vector<int64_t>& indices) {
  ARROW_ASSIGN_OR_RAISE(auto idx, IndicesArray(indices));
  ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(values, idx));
  return taken.make_array();
}

arrow::Status LongOverflow() {
  return SparkError("ARITHMETIC_OVERFLOW", "22003",
                    "long overflow. Use 'try_add' to tolerate overflow and return NULL instead. If necessary set "
                    "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.");
}

// count(*) counts the frame's rows; count(x) its non-null values.
class CountAccumulator final : public WindowAccumulator {
 public:
  explicit CountAccumulator(ArrayPtr arg) : arg_(std::move(arg)) {}
  void Reset() override { count_ = 0; }
  arrow::Status Add(int64_t row) override {
    count_ += Counts(row);
    return arrow::Status::OK();
  }
  bool CanRemove() const override { return true; }
  arrow::Status Remove(int64_t row) override {
    count_ -= Counts(row);
    return arrow::Status::OK();
  }
  arrow::Status Emit() override {
    out_.push_back(count_);
    return arrow::Status::OK();
  }
  arrow::Result<ArrayPtr> Finish() override {
    arrow::Int64Builder b;
    ARROW_RETURN_NOT_OK(b.AppendValues(out_));
    return b.Finish();
  }

 private:
  int Counts(int64_t row) const { return !arg_ || arg_->IsValid(row) ? 1 : 0; }
  ArrayPtr arg_;
  int64_t count_ = 0;
  std::vector<int64_t> out_;
};

// sum and avg of integers and decimals: an exact 128-bit running sum of the
// (unscaled) values. sum of integers is a BIGINT that fails on overflow under
// ANSI; avg of integers a DOUBLE; decimals keep the scale (avg: 4 more
// digits, rounded half up).
class ExactSumAccumulator final : public WindowAccumulator {
 public:
  ExactSumAccumulator(ArrayPtr arg, bool avg, std::shared_ptr<arrow::DataType> out_type, int scale_up, bool ansi)
      : arg_(std::move(arg)), avg_(avg), out_type_(std::move(out_type)), scale_up_(scale_up), ansi_(ansi) {
    if (arg_->type_id() == arrow::Type::INT64) ints_ = static_cast<const arrow::Int64Array&>(*arg_).raw_values();
  }
  void Reset() override { sum_ = 0, count_ = 0; }
  arrow::Status Add(int64_t row) override {
    if (arg_->IsNull(row)) return arrow::Status::OK();
    sum_ += Value(row);
    ++count_;
    return arrow::Status::OK();
  }
  bool CanRemove() const override { return true; }
  arrow::Status Remove(int64_t row) override {
    if (arg_->IsNull(row)) return arrow::Status::OK();
    sum_ -= Value(row);
    --count_;
    return arrow::Status::OK();
  }
  arrow::Status Emit() override {
    valid_.push_back(count_ > 0);
    if (count_ == 0) {
      sums_.push_back(0);
      return arrow::Status::OK();
    }
    __int128 v = sum_;
    if (out_type_->id() == arrow::Type::INT64 && (v > INT64_MAX || v < INT64_MIN)) {
      if (ansi_) return LongOverflow();
      v = static_cast<int64_t>(static_cast<uint64_t>(v));
    }
    if (avg_ && out_type_->id() == arrow::Type::DECIMAL128) {
      for (int i = 0; i < scale_up_; ++i) v *= 10;
      __int128 q = v / count_, r = v % count_;
      if (2 * (r < 0 ? -r : r) >= count_) q += v < 0 ? -1 : 1;
      v = q;
    }
    sums_.push_back(v);
    counts_.push_back(count_);
    return arrow::Status::OK();
  }
  arrow::Result<ArrayPtr> Finish() override {
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), out_type_, &builder));
    ARROW_RETURN_NOT_OK(builder->Reserve(static_cast<int64_t>(sums_.size())));
    size_t c = 0;
    for (size_t i = 0; i < sums_.size(); ++i) {
      if (!valid_[i]) {
        ARROW_RETURN_NOT_OK(builder->AppendNull());
        continue;
      }
      __int128 v = sums_[i];
      switch (out_type_->id()) {
        case arrow::Type::INT64:
          ARROW_RETURN_NOT_OK(static_cast<arrow::Int64Builder&>(*builder).Append(static_cast<int64_t>(v)));
          break;
        case arrow::Type::DOUBLE:
          ARROW_RETURN_NOT_OK(static_cast<arrow::DoubleBuilder&>(*builder).Append(
              static_cast<double>(v) / static_cast<double>(counts_[c])));
          break;
        default:
          ARROW_RETURN_NOT_OK(static_cast<arrow::Decimal128Builder&>(*builder).Append(
              arrow::Decimal128(static_cast<int64_t>(static_cast<unsigned __int128>(v) >> 64),
                                static_cast<uint64_t>(v))));
          break;
      }
      ++c;
    }
    return builder->Finish();
  }

 private:
  __int128 Value(int64_t row) const {
    if (ints_ != nullptr) return ints_[row];
    const auto& d = static_cast<const arrow::Decimal128Array&>(*arg_);
    arrow::Decimal128 value(d.GetValue(row));
    return (static_cast<__int128>(value.high_bits()) << 64) | static_cast<__int128>(value.low_bits());
  }
  ArrayPtr arg_;
  const int64_t* ints_ = nullptr;
  bool avg_;
  std::shared_ptr<arrow::DataType> out_type_;
  int scale_up_;
  bool ansi_;
  __int128 sum_ = 0;
  int64_t count_ = 0;
  std::vector<__int128> sums_;
  std::vector<int64_t> counts_;
  std::vector<bool> valid_;
};

// sum and avg of doubles: a compensated running sum (Neumaier), with NaN and
// infinities counted apart so that removing them restores finite sums.
class DoubleSumAccumulator final : public WindowAccumulator {
 public:
  DoubleSumAccumulator(ArrayPtr arg, bool avg)
      : arg_(std::move(arg)), values_(static_cast<const arrow::DoubleArray&>(*arg_).raw_values()), avg_(avg) {}
  void Reset() override { sum_ = comp_ = 0, count_ = nan_ = pos_inf_ = neg_inf_ = 0; }
  arrow::Status Add(int64_t row) override { return Update(row, 1); }
  bool CanRemove() const override { return true; }
  arrow::Status Remove(int64_t row) override { return Update(row, -1); }
  arrow::Status Emit() override {
    if (count_ == 0) {
      ARROW_RETURN_NOT_OK(out_.AppendNull());
      return arrow::Status::OK();
    }
    double v = sum_ + comp_;
    if (nan_ > 0 || (pos_inf_ > 0 && neg_inf_ > 0)) {
      v = std::nan("");
    } else if (pos_inf_ > 0) {
      v = INFINITY;
    } else if (neg_inf_ > 0) {
      v = -INFINITY;
    }
    if (avg_) v /= static_cast<double>(count_);
    return out_.Append(v);
  }
  arrow::Result<ArrayPtr> Finish() override { return out_.Finish(); }

 private:
  arrow::Status Update(int64_t row, int sign) {
    if (arg_->IsNull(row)) return arrow::Status::OK();
    count_ += sign;
    double x = values_[row];
    if (std::isnan(x)) {
      nan_ += sign;
    } else if (std::isinf(x)) {
      (x > 0 ? pos_inf_ : neg_inf_) += sign;
    } else {
      x *= sign;
      double t = sum_ + x;
      comp_ += std::abs(sum_) >= std::abs(x) ? (sum_ - t) + x : (x - t) + sum_;
      sum_ = t;
    }
    if (count_ == 0) sum_ = comp_ = 0;
    return arrow::Status::OK();
  }
  ArrayPtr arg_;
  const double* values_;
  bool avg_;
  double sum_ = 0, comp_ = 0;
  int64_t count_ = 0, nan_ = 0, pos_inf_ = 0, neg_inf_ = 0;
  arrow::DoubleBuilder out_;
};

// Functions that pick one row of the frame: the result is that row's value.
// The frame's candidate rows (its non-null ones with IGNORE NULLS) are kept
// in a deque: first/first_value, last/last_value and nth_value read it by
// position; min and max keep it monotonic in the values' sort order, so the
// front is the frame's minimum (maximum).
class PickAccumulator final : public WindowAccumulator {
 public:
  enum class Pick { kFirst, kLast, kNth, kMin, kMax };
  PickAccumulator(ArrayPtr arg, Pick pick, bool skip_nulls, int64_t nth, std::vector<int64_t> ranks)
      : arg_(std::move(arg)), pick_(pick), skip_nulls_(skip_nulls), nth_(nth), ranks_(std::move(ranks)) {}
  void Reset() override { rows_.clear(); }
  arrow::Status Add(int64_t row) override {
    if (skip_nulls_ && arg_->IsNull(row)) return arrow::Status::OK();
    if (pick_ == Pick::kMin || pick_ == Pick::kMax) {
      while (!rows_.empty() && Dominates(row, rows_.back())) rows_.pop_back();
    }
    rows_.push_back(row);
    return arrow::Status::OK();
  }
  bool CanRemove() const override { return true; }
  arrow::Status Remove(int64_t row) override {
    if (!rows_.empty() && rows_.front() == row) rows_.pop_front();
    return arrow::Status::OK();
  }
  arrow::Status Emit() override {
    int64_t pick = -1;
    if (!rows_.empty()) {
      switch (pick_) {
        case Pick::kLast: pick = rows_.back(); break;
        case Pick::kNth: pick = static_cast<int64_t>(rows_.size()) >= nth_ ? rows_[nth_ - 1] : -1; break;
        default: pick = rows_.front(); break;
      }
    }
    picks_.push_back(pick);
    return arrow::Status::OK();
  }
  arrow::Result<ArrayPtr> Finish() override { return TakeIndices(arg_, picks_); }

 private:
  bool Dominates(int64_t row, int64_t than) const {
    return pick_ == Pick::kMin ? ranks_[row] <= ranks_[than] : ranks_[row] >= ranks_[than];
  }
  ArrayPtr arg_;
  Pick pick_;
  bool skip_nulls_;
  int64_t nth_;
  std::vector<int64_t> ranks_;
  std::deque<int64_t> rows_;
  std::vector<int64_t> picks_;
};

// collect_list / collect_set: the frame's non-null values (collect_set: each
// once, in order of first appearance).
class CollectAccumulator final : public WindowAccumulator {
 public:
  CollectAccumulator(ArrayPtr arg, std::shared_ptr<arrow::DataType> type, std::vector<uint32_t> value_ids)
      : arg_(std::move(arg)), type_(std::move(type)), value_ids_(std::move(value_ids)) {
    offsets_.push_back(0);
  }
  void Reset() override { rows_.clear(); }
  arrow::Status Add(int64_t row) override {
    if (arg_->IsValid(row)) rows_.push_back(row);
    return arrow::Status::OK();
  }
  bool CanRemove() const override { return true; }
  arrow::Status Remove(int64_t row) override {
    if (!rows_.empty() && rows_.front() == row) rows_.pop_front();
    return arrow::Status::OK();
  }
  arrow::Status Emit() override {
    ++stamp_;
    for (int64_t row : rows_) {
      if (!value_ids_.empty()) {
        uint32_t id = value_ids_[row];
        if (seen_.size() <= id) seen_.resize(id + 1, 0);
        if (seen_[id] == stamp_) continue;
        seen_[id] = stamp_;
      }
      elements_.push_back(row);
    }
    if (elements_.size() > INT32_MAX) return arrow::Status::CapacityError("collect_list over a window: too many values");
    offsets_.push_back(static_cast<int32_t>(elements_.size()));
    return arrow::Status::OK();
  }
  arrow::Result<ArrayPtr> Finish() override {
    ARROW_ASSIGN_OR_RAISE(auto values, TakeIndices(arg_, elements_));
    arrow::Int32Builder offsets;
    ARROW_RETURN_NOT_OK(offsets.AppendValues(offsets_));
    ARROW_ASSIGN_OR_RAISE(auto offset_array, offsets.Finish());
    ARROW_ASSIGN_OR_RAISE(auto lists, arrow::ListArray::FromArrays(*offset_array, *values));
    return lists;
  }

 private:
  ArrayPtr arg_;
  std::shared_ptr<arrow::DataType> type_;
  std::vector<uint32_t> value_ids_;  // collect_set: a dense id per distinct value
  std::deque<int64_t> rows_;
  std::vector<uint64_t> seen_;
  uint64_t stamp_ = 0;
  std::vector<int64_t> elements_;
  std::vector<int32_t> offsets_;
};

// Each row's position in the sort order of `values` (nulls last).
arrow::Result<std::vector<int64_t>> SortRanks(const ArrayPtr& values) {
  ARROW_ASSIGN_OR_RAISE(auto indices, cp::SortIndices(*values));
  const auto& order = static_cast<const arrow::UInt64Array&>(*indices);
  std::vector<int64_t> ranks(values->length());
  for (int64_t i = 0; i < order.length(); ++i) ranks[order.Value(i)] = i;
  return ranks;
}

// ---------------------------------------------------------------------------
// Ranking and offset functions

// row_number, rank, dense_rank, percent_rank, cume_dist and ntile: one pass
// over each partition, from the partition and peer boundaries.
arrow::Result<ArrayPtr> Ranking(const WindowCall& call, const SortedRows& rows) {
  const std::string& f = call.function;
  const bool as_double = f == "percent_rank" || f == "cume_dist";
  std::vector<int32_t> ints;
  std::vector<double> doubles;
  (as_double ? doubles.reserve(rows.num_rows) : ints.reserve(rows.num_rows));
  for (size_t k = 0; k + 1 < rows.partitions.size(); ++k) {
    const int64_t ps = rows.partitions[k], pe = rows.partitions[k + 1], n = pe - ps;
    int32_t dense = 0;
    for (int64_t p = ps; p < pe; ++p) {
      const int64_t i = p - ps;
      if (f == "row_number") {
        ints.push_back(static_cast<int32_t>(i + 1));
      } else if (f == "rank") {
        ints.push_back(static_cast<int32_t>(rows.peer_start[p] - ps + 1));
      } else if (f == "dense_rank") {
        if (rows.peer_start[p] == p) ++dense;
        ints.push_back(dense);
      } else if (f == "percent_rank") {
        doubles.push_back(n <= 1 ? 0.0 : static_cast<double>(rows.peer_start[p] - ps) / static_cast<double>(n - 1));
      } else if (f == "cume_dist") {
        doubles.push_back(static_cast<double>(rows.peer_end[p] - ps) / static_cast<double>(n));
      } else {  // ntile: the first n % buckets buckets hold one row more
        const int64_t buckets = call.offset, size = n / buckets, extra = n % buckets;
        const int64_t big = extra * (size + 1);
        ints.push_back(static_cast<int32_t>(i < big ? i / (size + 1) + 1 : extra + (i - big) / std::max<int64_t>(size, 1) + 1));
      }
    }
  }
  if (as_double) {
    arrow::DoubleBuilder b;
    ARROW_RETURN_NOT_OK(b.AppendValues(doubles));
    return b.Finish();
  }
  arrow::Int32Builder b;
  ARROW_RETURN_NOT_OK(b.AppendValues(ints));
  return b.Finish();
}

// lag/lead: the value `offset` rows ahead (behind for lag) within the
// partition, or the default there is no such row. With IGNORE NULLS the
// rows counted are the non-null ones.
arrow::Result<ArrayPtr> Offset(const WindowCall& call, const SortedRows& rows, const ArrayPtr& arg,
                               const ArrayPtr& default_value) {
  const int64_t n = rows.num_rows, k = call.offset;
  // prefix[p]: non-null values before p; valid[j]: the j-th non-null row.
  std::vector<int64_t> prefix, valid;
  if (call.ignore_nulls) {
    prefix.resize(n + 1, 0);
    for (int64_t p = 0; p < n; ++p) {
      prefix[p + 1] = prefix[p] + (arg->IsValid(p) ? 1 : 0);
      if (arg->IsValid(p)) valid.push_back(p);
    }
  }
  std::vector<int64_t> picks(n);
  for (size_t part = 0; part + 1 < rows.partitions.size(); ++part) {
    const int64_t ps = rows.partitions[part], pe = rows.partitions[part + 1];
    for (int64_t p = ps; p < pe; ++p) {
      int64_t target = -1;
      if (!call.ignore_nulls || k == 0) {
        if (p + k >= ps && p + k < pe) target = p + k;
      } else if (k > 0) {
        int64_t j = prefix[p + 1] + k - 1;
        if (j < prefix[pe]) target = valid[j];
      } else {
        int64_t j = prefix[p] + k;
        if (j >= prefix[ps]) target = valid[j];
      }
      picks[p] = target >= 0 ? target : (default_value ? n + p : -1);
    }
  }
  ArrayPtr values = arg;
  if (default_value) {
    ARROW_ASSIGN_OR_RAISE(values, arrow::Concatenate({arg, default_value}));
  }
  return TakeIndices(values, picks);
}

arrow::Result<ArrayPtr> EvaluateArg(const WindowCall& call, size_t i, const arrow::RecordBatch& sorted,
                                    const EvalContext& ctx) {
  if (call.args.size() <= i) return nullptr;
  return EvaluateToArray(*call.args[i], sorted, ctx);
}

// A boolean array that is NULL where any argument of `call` is NULL.
arrow::Result<ArrayPtr> AllValid(const WindowCall& call, const arrow::RecordBatch& sorted,
                                 const EvalContext& ctx) {
  arrow::Datum all(std::make_shared<arrow::BooleanScalar>(true));
  for (size_t i = 0; i < call.args.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto value, EvaluateArg(call, i, sorted, ctx));
    ARROW_ASSIGN_OR_RAISE(auto valid, cp::CallFunction("is_valid", {value}));
    ARROW_ASSIGN_OR_RAISE(all, cp::CallFunction("and", {all, valid}));
  }
  ARROW_ASSIGN_OR_RAISE(auto mask, arrow::MakeArrayFromScalar(*arrow::MakeNullScalar(arrow::boolean()), sorted.num_rows()));
  ARROW_ASSIGN_OR_RAISE(auto out, cp::CallFunction("if_else", {all, std::make_shared<arrow::BooleanScalar>(true), mask}));
  return out.make_array();
}

}  // namespace

arrow::Result<std::unique_ptr<WindowAccumulator>> MakeWindowAccumulator(const WindowCall& call, const ArrayPtr& arg,
                                                                        const EvalContext& ctx) {
  EnsureComputeInitialized();
  const std::string& f = call.function;
  ARROW_ASSIGN_OR_RAISE(auto out_type, ToArrowType(*call.type));
  if (f == "count_all" || f == "count") return std::make_unique<CountAccumulator>(f == "count" ? arg : nullptr);
  if (f == "sum" || f == "avg") {
    const bool avg = f == "avg";
    if (arg->type_id() == arrow::Type::DECIMAL128) {
      const int in_scale = static_cast<const arrow::Decimal128Type&>(*arg->type()).scale();
      const int out_scale = static_cast<const arrow::Decimal128Type&>(*out_type).scale();
      return std::make_unique<ExactSumAccumulator>(arg, avg, out_type, out_scale - in_scale, ctx.ansi);
    }
    if (arrow::is_integer(arg->type_id()) || arg->type_id() == arrow::Type::NA) {
      ARROW_ASSIGN_OR_RAISE(auto longs, ConformArray(arg, arrow::int64()));
      return std::make_unique<ExactSumAccumulator>(longs, avg, out_type, 0, ctx.ansi);
    }
    ARROW_ASSIGN_OR_RAISE(auto doubles, ConformArray(arg, arrow::float64()));
    return std::make_unique<DoubleSumAccumulator>(doubles, avg);
  }
  using Pick = PickAccumulator::Pick;
  if (f == "first" || f == "last" || f == "nth_value") {
    Pick pick = f == "first" ? Pick::kFirst : f == "last" ? Pick::kLast : Pick::kNth;
    return std::make_unique<PickAccumulator>(arg, pick, call.ignore_nulls, call.offset, std::vector<int64_t>{});
  }
  if (f == "min" || f == "max") {
    ARROW_ASSIGN_OR_RAISE(auto ranks, SortRanks(arg));
    return std::make_unique<PickAccumulator>(arg, f == "min" ? Pick::kMin : Pick::kMax, true, 0, std::move(ranks));
  }
  if (f == "collect_list" || f == "collect_set") {
    std::vector<uint32_t> ids;
    if (f == "collect_set" && arg->length() > 0) {
      uint32_t groups = 0;
      ARROW_ASSIGN_OR_RAISE(ids, GroupIds({arg}, arg->length(), &groups));
    }
    return std::make_unique<CollectAccumulator>(arg, out_type, std::move(ids));
  }
  return arrow::Status::NotImplemented("the window aggregate ", f);
}

arrow::Result<std::shared_ptr<arrow::Table>> ExecuteWindow(const PlanNode& node, const arrow::Table& input,
                                                           const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*node.Schema()));
  ARROW_ASSIGN_OR_RAISE(auto batch, ToSingleBatch(input));
  SortedRows rows;
  ARROW_ASSIGN_OR_RAISE(auto sorted, SortRows(node, batch, ctx, &rows));
  std::optional<RangeKeys> range_keys;
  arrow::ArrayVector columns = sorted->columns();
  for (const WindowCall& call : node.window->calls) {
    const std::string& f = call.function;
    ArrayPtr result;
    const bool ranking = f == "row_number" || f == "rank" || f == "dense_rank" || f == "percent_rank" ||
                         f == "cume_dist" || f == "ntile";
    const bool range_offsets = !call.frame.rows && ((call.frame.lower.kind == WindowFrameBound::Kind::kOffset &&
                                                     !call.frame.lower.current) ||
                                                    (call.frame.upper.kind == WindowFrameBound::Kind::kOffset &&
                                                     !call.frame.upper.current));
    if ((ranking && f != "row_number" && f != "ntile") || (!ranking && !call.frame.rows)) {
      ARROW_RETURN_NOT_OK(ComputePeers(node, *sorted, ctx, &rows));
    }
    if (ranking) {
      ARROW_ASSIGN_OR_RAISE(result, Ranking(call, rows));
    } else if (f == "lag" || f == "lead") {
      ARROW_ASSIGN_OR_RAISE(auto arg, EvaluateArg(call, 0, *sorted, ctx));
      ARROW_ASSIGN_OR_RAISE(auto fallback, EvaluateArg(call, 1, *sorted, ctx));
      if (fallback) {
        ARROW_ASSIGN_OR_RAISE(fallback, ConformArray(fallback, arg->type()));
      }
      ARROW_ASSIGN_OR_RAISE(result, Offset(call, rows, arg, fallback));
    } else {
      if (range_offsets && !range_keys) {
        ARROW_ASSIGN_OR_RAISE(range_keys, MakeRangeKeys(node, *sorted, ctx));
      }
      ArrayPtr arg;
      if (call.function == "count" && call.args.size() > 1) {
        // count(a, b, ...) counts the rows where every argument is non-NULL.
        ARROW_ASSIGN_OR_RAISE(arg, AllValid(call, *sorted, ctx));
      } else if (!call.args.empty()) {
        ARROW_ASSIGN_OR_RAISE(arg, EvaluateArg(call, 0, *sorted, ctx));
      } else {
        ARROW_ASSIGN_OR_RAISE(arg, arrow::MakeArrayOfNull(arrow::null(), rows.num_rows));
      }
      ARROW_ASSIGN_OR_RAISE(auto acc, MakeWindowAccumulator(call, arg, ctx));
      FrameCursor cursor(call.frame, rows, range_offsets ? &*range_keys : nullptr);
      ARROW_ASSIGN_OR_RAISE(result, RunFrames(*acc, rows, cursor));
    }
    ARROW_ASSIGN_OR_RAISE(result, ConformArray(result, schema->field(static_cast<int>(columns.size()))->type()));
    columns.push_back(std::move(result));
  }
  return arrow::Table::Make(schema, columns, rows.num_rows);
}

}  // namespace spate
