#include "spate/aggregates/aggregate_functions.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/aggregates/aggregate_hll.h"
#include "spate/aggregates/aggregate_kll.h"
#include "spate/aggregates/count_min_sketch.h"
#include "spate/aggregates/group_ids.h"
#include "spate/aggregates/sketch_aggregates.h"
#include "spate/common/error.h"
#include "spate/expr/decimal_math.h"
#include "spate/expr/function_registry.h"
#include "spate/sketches/hyperloglog_plus_plus.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;
using ArrayPtr = std::shared_ptr<arrow::Array>;

// ---------------------------------------------------------------------------
// Helpers

arrow::Result<ArrayPtr> CastArray(const ArrayPtr& array, const std::shared_ptr<arrow::DataType>& type) {
  if (array->type()->Equals(*type)) return array;
  ARROW_ASSIGN_OR_RAISE(auto out, cp::Cast(*array, type, cp::CastOptions::Unsafe()));
  return out;
}

template <typename BuilderT, typename T>
arrow::Result<ArrayPtr> BuildArray(const std::vector<T>& values, const std::vector<uint8_t>* valid = nullptr,
                                   std::shared_ptr<arrow::DataType> type = nullptr) {
  std::unique_ptr<BuilderT> builder;
  if constexpr (std::is_default_constructible_v<BuilderT>) {
    builder = type ? std::make_unique<BuilderT>(type, arrow::default_memory_pool()) : std::make_unique<BuilderT>();
  } else {
    builder = std::make_unique<BuilderT>(type, arrow::default_memory_pool());
  }
  ARROW_RETURN_NOT_OK(builder->Reserve(static_cast<int64_t>(values.size())));
  for (size_t i = 0; i < values.size(); ++i) {
    if (valid && !(*valid)[i]) {
      builder->UnsafeAppendNull();
    } else {
      builder->UnsafeAppend(values[i]);
    }
  }
  return builder->Finish();
}

arrow::Result<ArrayPtr> DoubleArray(const std::vector<double>& v, const std::vector<uint8_t>* valid = nullptr) {
  return BuildArray<arrow::DoubleBuilder>(v, valid);
}
arrow::Result<ArrayPtr> Int64Array(const std::vector<int64_t>& v, const std::vector<uint8_t>* valid = nullptr) {
  return BuildArray<arrow::Int64Builder>(v, valid);
}

// Doubles of a numeric (or date/timestamp) array.
arrow::Result<std::shared_ptr<arrow::DoubleArray>> AsDoubles(const ArrayPtr& array) {
  ArrayPtr a = array;
  if (a->type_id() == arrow::Type::DATE32) {
    ARROW_ASSIGN_OR_RAISE(a, CastArray(a, arrow::int32()));
  }
  if (a->type_id() == arrow::Type::TIMESTAMP) {
    ARROW_ASSIGN_OR_RAISE(a, CastArray(a, arrow::int64()));
  }
  ARROW_ASSIGN_OR_RAISE(a, CastArray(a, arrow::float64()));
  return std::static_pointer_cast<arrow::DoubleArray>(a);
}

// Doubles back to `type` (the inverse of AsDoubles; fractions truncate as Spark's casts do).
arrow::Result<ArrayPtr> FromDoubles(const ArrayPtr& doubles, const std::shared_ptr<arrow::DataType>& type) {
  if (type->id() == arrow::Type::DATE32) {
    ARROW_ASSIGN_OR_RAISE(auto ints, CastArray(doubles, arrow::int32()));
    return CastArray(ints, type);
  }
  if (type->id() == arrow::Type::TIMESTAMP) {
    ARROW_ASSIGN_OR_RAISE(auto ints, CastArray(doubles, arrow::int64()));
    return CastArray(ints, type);
  }
  return CastArray(doubles, type);
}

arrow::Result<std::shared_ptr<arrow::Int64Array>> AsInt64(const ArrayPtr& array) {
  ARROW_ASSIGN_OR_RAISE(auto a, CastArray(array, arrow::int64()));
  return std::static_pointer_cast<arrow::Int64Array>(a);
}

arrow::Result<ArrayPtr> TakeRows(const ArrayPtr& values, const std::vector<int64_t>& rows) {
  std::vector<uint8_t> valid(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) valid[i] = rows[i] >= 0;
  ARROW_ASSIGN_OR_RAISE(auto indices, Int64Array(rows, &valid));
  ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(*values, *indices));
  return taken;
}

arrow::Status Overflow(const std::string& what, const std::string& suggestion) {
  return SparkError("ARITHMETIC_OVERFLOW", "22003",
                    fmt::format("{}. Use '{}' to tolerate overflow and return NULL instead. If necessary set "
                                "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                                what, suggestion));
}

arrow::Status DivideByZero() {
  return SparkError("DIVIDE_BY_ZERO", "22012",
                    "Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead. "
                    "If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.");
}

// The rows of each group in row order: rows[offsets[g] .. offsets[g+1]).
struct GroupedRows {
  std::vector<int32_t> offsets;
  std::vector<int64_t> rows;
};

GroupedRows GroupRows(const uint32_t* groups, int64_t n, uint32_t num_groups,
                      const std::function<bool(int64_t)>& keep) {
  GroupedRows out;
  out.offsets.assign(num_groups + 1, 0);
  for (int64_t i = 0; i < n; ++i) {
    if (keep(i)) ++out.offsets[groups[i] + 1];
  }
  for (uint32_t g = 0; g < num_groups; ++g) out.offsets[g + 1] += out.offsets[g];
  out.rows.resize(out.offsets[num_groups]);
  std::vector<int32_t> next(out.offsets.begin(), out.offsets.end() - 1);
  for (int64_t i = 0; i < n; ++i) {
    if (keep(i)) out.rows[next[groups[i]]++] = i;
  }
  return out;
}

// Per group, the list of `values` at its rows.
arrow::Result<ArrayPtr> ListsOf(const ArrayPtr& values, const GroupedRows& grouped) {
  ARROW_ASSIGN_OR_RAISE(auto taken, TakeRows(values, grouped.rows));
  ARROW_ASSIGN_OR_RAISE(auto offsets, BuildArray<arrow::Int32Builder>(grouped.offsets));
  return arrow::ListArray::FromArrays(*offsets, *taken);
}

// The elements of list rows, each with the group of its row.
struct Elements {
  ArrayPtr values;
  std::vector<uint32_t> groups;
  std::vector<uint8_t> present;  // the element belongs to a row (lists may share no values)
};

Elements ElementsOf(const arrow::ListArray& lists, const uint32_t* groups) {
  Elements out;
  out.values = lists.values();
  out.groups.assign(out.values->length(), 0);
  out.present.assign(out.values->length(), 0);
  for (int64_t r = 0; r < lists.length(); ++r) {
    if (lists.IsNull(r)) continue;
    for (int64_t k = lists.value_offset(r); k < lists.value_offset(r + 1); ++k) {
      out.groups[k] = groups[r];
      out.present[k] = 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// min, max, min_by, max_by, first, last (any_value): each group keeps one
// chosen row. min/max compare as Spark orders values (NaN above every other
// double) and keep the earliest of equal values (-0.0 / 0.0); max_by/min_by
// take the latest row of a tie, as Spark's.

enum class Pick { kMin, kMax, kFirst, kLast };

// The dense rank of each row in the order of `values` (least first for kMin;
// greatest first for kMax, NaN greatest); equal values share a rank.
arrow::Result<std::vector<int64_t>> Ranks(const ArrayPtr& values, Pick pick) {
  std::vector<int64_t> rank(values->length(), 0);
  if (values->null_count() == values->length()) return rank;
  cp::ArraySortOptions options(pick == Pick::kMin ? cp::SortOrder::Ascending : cp::SortOrder::Descending,
                               pick == Pick::kMin ? cp::NullPlacement::AtEnd : cp::NullPlacement::AtStart);
  ARROW_ASSIGN_OR_RAISE(auto order, cp::SortIndices(*values, options));
  const auto& idx = static_cast<const arrow::UInt64Array&>(*order);
  int64_t dense = 0;
  for (int64_t pos = 0; pos < idx.length(); ++pos) {
    const auto row = static_cast<int64_t>(idx.Value(pos));
    if (pos > 0) {
      const auto prev = static_cast<int64_t>(idx.Value(pos - 1));
      if (!values->RangeEquals(prev, prev + 1, row, *values)) ++dense;
    }
    rank[row] = dense;
  }
  return rank;
}

// Per group, the chosen row among the eligible ones (-1: none). Among equal
// values the first row wins, or the last with `last_of_ties` (max_by/min_by).
arrow::Result<std::vector<int64_t>> ChooseRows(const ArrayPtr& order_by, const std::vector<uint8_t>& eligible,
                                               const GroupMap& map, Pick pick, bool last_of_ties = false) {
  std::vector<int64_t> best(map.num_groups, -1);
  std::vector<int64_t> rank;
  if (pick == Pick::kMin || pick == Pick::kMax) {
    ARROW_ASSIGN_OR_RAISE(rank, Ranks(order_by, pick));
  }
  for (int64_t i = 0; i < map.num_rows; ++i) {
    if (!eligible[i]) continue;
    int64_t& b = best[map.groups[i]];
    const bool ordered = pick == Pick::kMin || pick == Pick::kMax;
    if (b < 0 || pick == Pick::kLast || (ordered && (rank[i] < rank[b] || (last_of_ties && rank[i] == rank[b])))) {
      b = i;
    }
  }
  return best;
}

std::vector<uint8_t> ValidRows(const arrow::Array& a) {
  std::vector<uint8_t> v(a.length());
  for (int64_t i = 0; i < a.length(); ++i) v[i] = a.IsValid(i);
  return v;
}

class SelectFunction : public AggregateFunction {
 public:
  // `by`: order by a second argument (min_by/max_by); for first/last, `ignore_nulls`.
  SelectFunction(Pick pick, bool by, bool ignore_nulls, std::shared_ptr<arrow::DataType> value_type,
                 std::shared_ptr<arrow::DataType> by_type)
      : pick_(pick), by_(by), ignore_nulls_(ignore_nulls), value_type_(std::move(value_type)),
        by_type_(std::move(by_type)) {}

  arrow::FieldVector StateFields() const override {
    arrow::FieldVector f{arrow::field("value", value_type_)};
    if (by_) f.push_back(arrow::field("ordering", by_type_));
    if (pick_ == Pick::kFirst || pick_ == Pick::kLast) f.push_back(arrow::field("set", arrow::boolean()));
    return f;
  }

  arrow::Result<arrow::ArrayVector> Update(const arrow::ArrayVector& args, const GroupMap& map) const override {
    if (pick_ == Pick::kFirst || pick_ == Pick::kLast) {
      std::vector<uint8_t> eligible = ignore_nulls_ ? ValidRows(*args[0]) : std::vector<uint8_t>(map.num_rows, 1);
      return Chosen({args[0]}, eligible, map, true);
    }
    const ArrayPtr& key = by_ ? args[1] : args[0];
    arrow::ArrayVector state{args[0]};
    if (by_) state.push_back(args[1]);
    return Chosen(state, ValidRows(*key), map, false);
  }

  arrow::Result<arrow::ArrayVector> Merge(const arrow::ArrayVector& states, const GroupMap& map) const override {
    if (pick_ == Pick::kFirst || pick_ == Pick::kLast) {
      const auto& set = static_cast<const arrow::BooleanArray&>(*states[1]);
      std::vector<uint8_t> eligible(map.num_rows);
      for (int64_t i = 0; i < map.num_rows; ++i) eligible[i] = set.IsValid(i) && set.Value(i);
      return Chosen({states[0]}, eligible, map, true);
    }
    return Update(states, map);
  }

  arrow::Result<ArrayPtr> Finish(const arrow::ArrayVector& states) const override { return states[0]; }

 private:
  arrow::Result<arrow::ArrayVector> Chosen(const arrow::ArrayVector& columns, const std::vector<uint8_t>& eligible,
                                           const GroupMap& map, bool with_set) const {
    const ArrayPtr& order_by = columns.size() > 1 ? columns[1] : columns[0];
    ARROW_ASSIGN_OR_RAISE(auto rows, ChooseRows(order_by, eligible, map, pick_, by_));
    arrow::ArrayVector out;
    for (const auto& c : columns) {
      ARROW_ASSIGN_OR_RAISE(auto taken, TakeRows(c, rows));
      out.push_back(std::move(taken));
    }
    if (with_set) {
      std::vector<uint8_t> set(rows.size());
      for (size_t g = 0; g < rows.size(); ++g) set[g] = rows[g] >= 0;
      ARROW_ASSIGN_OR_RAISE(auto set_array, BuildArray<arrow::BooleanBuilder>(std::vector<bool>(set.begin(), set.end())));
      out.push_back(std::move(set_array));
    }
    return out;
  }

  Pick pick_;
  bool by_, ignore_nulls_;
  std::shared_ptr<arrow::DataType> value_type_, by_type_;
};

// ---------------------------------------------------------------------------
// count(*), count(a, ...), count_if: the number of rows (with every argument
// non-NULL; count_if: whose argument is true). Never NULL.

enum class CountKind { kAll, kValid, kTrue };

class CountFunction : public AggregateFunction {
 public:
  explicit CountFunction(CountKind kind) : kind_(kind) {}
  arrow::FieldVector StateFields() const override { return {arrow::field("count", arrow::int64(), false)}; }

  arrow::Result<arrow::ArrayVector> Update(const arrow::ArrayVector& args, const GroupMap& map) const override {
    std::vector<int64_t> counts(map.num_groups, 0);
    for (int64_t i = 0; i < map.num_rows; ++i) {
      bool counted = true;
      if (kind_ == CountKind::kTrue) {
        const auto& b = static_cast<const arrow::BooleanArray&>(*args[0]);
        counted = b.IsValid(i) && b.Value(i);
      } else if (kind_ == CountKind::kValid) {
        for (const auto& a : args) counted = counted && a->IsValid(i);
      }
      counts[map.groups[i]] += counted;
    }
    ARROW_ASSIGN_OR_RAISE(auto out, Int64Array(counts));
    return arrow::ArrayVector{out};
  }

  arrow::Result<arrow::ArrayVector> Merge(const arrow::ArrayVector& states, const GroupMap& map) const override {
    return MergeCounts(states[0], map);
  }

  arrow::Result<ArrayPtr> Finish(const arrow::ArrayVector& states) const override { return states[0]; }

  static arrow::Result<arrow::ArrayVector> MergeCounts(const ArrayPtr& state, const GroupMap& map) {
    const auto& c = static_cast<const arrow::Int64Array&>(*state);
    std::vector<int64_t> counts(map.num_groups, 0);
    for (int64_t i = 0; i < map.num_rows; ++i) counts[map.groups[i]] += c.Value(i);
    ARROW_ASSIGN_OR_RAISE(auto out, Int64Array(counts));
    return arrow::ArrayVector{out};
  }

 private:
  CountKind kind_;
};

// ---------------------------------------------------------------------------
// sum, avg, try_sum, try_avg. The state is (sum, count); a NULL sum with a
// positive count marks an overflow (try_*: the result is NULL). Integral sums
// are BIGINT (overflow: ARITHMETIC_OVERFLOW under ANSI, wrap-around
// otherwise); avg of a non-decimal sums DOUBLEs; decimal sums are
// DECIMAL(p+10, s) and overflow past 38 digits; a decimal avg is DECIMAL(p+4,
// s+4), rounded half up.

enum class SumDomain { kLong, kDouble, kDecimal };

using int128 = __int128;

int128 ToInt128(const uint8_t* bytes) {
  arrow::Decimal128 d(bytes);
  return (static_cast<int128>(d.high_bits()) << 64) | static_cast<int128>(d.low_bits());
}
arrow::Decimal128 FromInt128(int128 v) {
  return arrow::Decimal128(static_cast<int64_t>(v >> 64), static_cast<uint64_t>(v));
}
int128 Pow10(int n) {
  int128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

class SumFunction : public AggregateFunction {
 public:
  SumFunction(bool avg, bool try_mode, bool ansi, SumDomain domain, int sum_precision, int scale, int out_scale,
              int out_precision)
      : avg_(avg), try_(try_mode), ansi_(ansi), domain_(domain), sum_precision_(sum_precision), scale_(scale),
        out_scale_(out_scale), out_precision_(out_precision) {}

  std::shared_ptr<arrow::DataType> SumType() const {
    switch (domain_) {
      case SumDomain::kLong: return arrow::int64();
      case SumDomain::kDouble: return arrow::float64();
      case SumDomain::kDecimal: return arrow::decimal128(38, scale_);
    }
    return nullptr;
  }

  arrow::FieldVector StateFields() const override {
    return {arrow::field("sum", SumType()), arrow::field("count", arrow::int64(), false)};
  }

  arrow::Result<arrow::ArrayVector> Update(const arrow::ArrayVector& args, const GroupMap& map) const override {
    ARROW_ASSIGN_OR_RAISE(auto values, CastArray(args[0], SumType()));
    return Fold(values, nullptr, map);
  }

  arrow::Result<arrow::ArrayVector> Merge(const arrow::ArrayVector& states, const GroupMap& map) const override {
    return Fold(states[0], static_cast<const arrow::Int64Array*>(states[1].get()), map);
  }

  arrow::Result<ArrayPtr> Finish(const arrow::ArrayVector& states) const override {
    const auto& counts = static_cast<const arrow::Int64Array&>(*states[1]);
    const int64_t n = counts.length();
    std::vector<uint8_t> valid(n);
    for (int64_t g = 0; g < n; ++g) valid[g] = counts.Value(g) > 0 && states[0]->IsValid(g);
    if (domain_ == SumDomain::kLong) {
      const auto& s = static_cast<const arrow::Int64Array&>(*states[0]);
      std::vector<int64_t> v(s.raw_values(), s.raw_values() + n);
      return Int64Array(v, &valid);
    }
    if (domain_ == SumDomain::kDouble) {
      const auto& s = static_cast<const arrow::DoubleArray&>(*states[0]);
      std::vector<double> v(n);
      for (int64_t g = 0; g < n; ++g) v[g] = avg_ ? s.Value(g) / static_cast<double>(counts.Value(g)) : s.Value(g);
      return DoubleArray(v, &valid);
    }
    const auto& s = static_cast<const arrow::Decimal128Array&>(*states[0]);
    std::vector<arrow::Decimal128> v(n);
    for (int64_t g = 0; g < n; ++g) {
      if (!valid[g]) continue;
      int128 sum = ToInt128(s.GetValue(g));
      if (!avg_) {
        v[g] = FromInt128(sum);
        continue;
      }
      int128 mean;
      if (!AverageAtScale(sum, counts.Value(g), &mean)) {
        if (!try_ && ansi_) return AverageOutOfRange(sum, counts.Value(g));
        valid[g] = 0;
        continue;
      }
      v[g] = FromInt128(mean);
    }
    return BuildArray<arrow::Decimal128Builder>(
        v, &valid, arrow::decimal128(avg_ ? out_precision_ : sum_precision_, avg_ ? out_scale_ : scale_));
  }

 private:
  // Spark's Average of decimals: sum / count as a decimal division (its scale
  // by Spark's precision-loss rule: DivideScale), rounded half up, then cast
  // to the result type, rounded half up again. False when the mean does not
  // fit the result's precision.
  int DivideScale() const {
    const int quotient_scale = scale_ + 21;  // max(6, s1 + p2 + 1) with count as DECIMAL(20, 0)
    if (sum_precision_ + 21 <= 38) return quotient_scale;
    return std::max(38 - (sum_precision_ - scale_), 6);
  }

  bool AverageAtScale(int128 sum, int64_t count, int128* out) const {
    const int divide_scale = DivideScale();
    const int exact = std::min(divide_scale, out_scale_);  // digits both roundings keep
    const int128 magnitude = sum < 0 ? -sum : sum, factor = Pow10(exact - scale_);
    const int128 q = magnitude / count, r = magnitude % count;
    int128 scaled;
    if (__builtin_mul_overflow(q, factor, &scaled) || __builtin_add_overflow(scaled, (r * factor) / count, &scaled)) {
      return false;
    }
    const int128 rest = (r * factor) % count;  // what is left below `exact` digits: rest / count
    bool round_up;
    if (divide_scale <= out_scale_) {
      round_up = 2 * rest >= count;
    } else {  // first rounded at the division's scale, then at the result's
      const int128 tail = Pow10(divide_scale - exact);
      const int128 first = (2 * rest * tail + count) / (2 * int128{count});
      round_up = 2 * first >= tail;
    }
    scaled += round_up;
    if (__builtin_mul_overflow(scaled, Pow10(out_scale_ - exact), &scaled) || scaled >= Pow10(out_precision_)) {
      return false;
    }
    *out = sum < 0 ? -scaled : scaled;
    return true;
  }

  // NUMERIC_VALUE_OUT_OF_RANGE for a mean the result type cannot hold, showing
  // the mean at the division's scale as Spark does.
  arrow::Status AverageOutOfRange(int128 sum, int64_t count) const {
    const int128 magnitude = sum < 0 ? -sum : sum;
    int128 rest = magnitude % count;
    std::string text = (sum < 0 ? "-" : "") + FromInt128(magnitude / count).ToString(scale_);
    if (DivideScale() > scale_ && scale_ == 0) text += '.';
    for (int digit = scale_; digit < DivideScale(); ++digit) {  // long division, truncated
      rest *= 10;
      text += static_cast<char>('0' + static_cast<int>(rest / count));
      rest %= count;
    }
    return NumericValueOutOfRange(text, out_precision_, out_scale_);
  }

  // Sums rows per group: argument values (counts null: each non-NULL value
  // counts 1) or states (sum, count), where a NULL sum with a positive count
  // is an overflow.
  arrow::Result<arrow::ArrayVector> Fold(const ArrayPtr& values, const arrow::Int64Array* counts,
                                         const GroupMap& map) const {
    std::vector<int64_t> n(map.num_groups, 0);
    std::vector<uint8_t> overflow(map.num_groups, 0);
    for (int64_t i = 0; i < map.num_rows; ++i) {
      const int64_t c = counts ? counts->Value(i) : values->IsValid(i);
      if (c == 0) continue;
      n[map.groups[i]] += c;
      if (values->IsNull(i)) overflow[map.groups[i]] = 1;
    }
    ARROW_ASSIGN_OR_RAISE(auto count_out, Int64Array(n));
    ArrayPtr sum_out;
    if (domain_ == SumDomain::kDouble) {
      const auto& v = static_cast<const arrow::DoubleArray&>(*values);
      std::vector<double> s(map.num_groups, 0.0);
      for (int64_t i = 0; i < map.num_rows; ++i) {
        if (v.IsValid(i)) s[map.groups[i]] += v.Value(i);
      }
      ARROW_ASSIGN_OR_RAISE(sum_out, DoubleArray(s));
    } else if (domain_ == SumDomain::kLong) {
      const auto& v = static_cast<const arrow::Int64Array&>(*values);
      std::vector<int64_t> s(map.num_groups, 0);
      for (int64_t i = 0; i < map.num_rows; ++i) {
        if (v.IsNull(i)) continue;
        int64_t& acc = s[map.groups[i]];
        if (__builtin_add_overflow(acc, v.Value(i), &acc)) {
          if (try_) {
            overflow[map.groups[i]] = 1;
          } else if (ansi_) {
            return Overflow("long overflow", "try_add");
          }
        }
      }
      std::vector<uint8_t> valid(map.num_groups);
      for (uint32_t g = 0; g < map.num_groups; ++g) valid[g] = !overflow[g];
      ARROW_ASSIGN_OR_RAISE(sum_out, Int64Array(s, &valid));
    } else {
      const auto& v = static_cast<const arrow::Decimal128Array&>(*values);
      std::vector<int128> s(map.num_groups, 0);
      const int128 limit = Pow10(sum_precision_);
      for (int64_t i = 0; i < map.num_rows; ++i) {
        if (v.IsNull(i)) continue;
        const uint32_t g = map.groups[i];
        int128& acc = s[g];
        if (__builtin_add_overflow(acc, ToInt128(v.GetValue(i)), &acc) || acc >= limit || acc <= -limit) {
          if (!try_ && ansi_) return Overflow("Overflow in sum of decimals", avg_ ? "try_avg" : "try_sum");
          overflow[g] = 1;
          acc = 0;
        }
      }
      std::vector<arrow::Decimal128> d(map.num_groups);
      std::vector<uint8_t> valid(map.num_groups);
      for (uint32_t g = 0; g < map.num_groups; ++g) {
        d[g] = FromInt128(s[g]);
        valid[g] = !overflow[g];
      }
      ARROW_ASSIGN_OR_RAISE(sum_out, BuildArray<arrow::Decimal128Builder>(d, &valid, SumType()));
    }
    return arrow::ArrayVector{sum_out, count_out};
  }

  bool avg_, try_, ansi_;
  SumDomain domain_;
  int sum_precision_, scale_, out_scale_, out_precision_;
};

// ---------------------------------------------------------------------------
// product: the DOUBLE product of the non-NULL values (NULL for none).
// bit_and/bit_or/bit_xor over integral values; bool_and/bool_or (every, some).

enum class FoldOp { kProduct, kBitAnd, kBitOr, kBitXor, kBoolAnd, kBoolOr };

class FoldFunction : public AggregateFunction {
 public:
  FoldFunction(FoldOp op, std::shared_ptr<arrow::DataType> result_type)
      : op_(op), result_type_(std::move(result_type)) {}

  std::shared_ptr<arrow::DataType> StateType() const {
    if (op_ == FoldOp::kProduct) return arrow::float64();
    if (op_ == FoldOp::kBoolAnd || op_ == FoldOp::kBoolOr) return arrow::boolean();
    return arrow::int64();
  }

  arrow::FieldVector StateFields() const override { return {arrow::field("value", StateType())}; }

  arrow::Result<arrow::ArrayVector> Update(const arrow::ArrayVector& args, const GroupMap& map) const override {
    ARROW_ASSIGN_OR_RAISE(auto values, CastArray(args[0], StateType()));
    return Merge({values}, map);
  }

  arrow::Result<arrow::ArrayVector> Merge(const arrow::ArrayVector& states, const GroupMap& map) const override {
    std::vector<uint8_t> set(map.num_groups, 0);
    ArrayPtr out;
    if (op_ == FoldOp::kProduct) {
      const auto& v = static_cast<const arrow::DoubleArray&>(*states[0]);
      std::vector<double> acc(map.num_groups, 1.0);
      for (int64_t i = 0; i < map.num_rows; ++i) {
        if (v.IsNull(i)) continue;
        acc[map.groups[i]] *= v.Value(i);
        set[map.groups[i]] = 1;
      }
      ARROW_ASSIGN_OR_RAISE(out, DoubleArray(acc, &set));
    } else if (op_ == FoldOp::kBoolAnd || op_ == FoldOp::kBoolOr) {
      const auto& v = static_cast<const arrow::BooleanArray&>(*states[0]);
      const bool is_and = op_ == FoldOp::kBoolAnd;
      std::vector<bool> acc(map.num_groups, is_and);
      for (int64_t i = 0; i < map.num_rows; ++i) {
        if (v.IsNull(i)) continue;
        const uint32_t g = map.groups[i];
        acc[g] = is_and ? (acc[g] && v.Value(i)) : (acc[g] || v.Value(i));
        set[g] = 1;
      }
      ARROW_ASSIGN_OR_RAISE(out, BuildArray<arrow::BooleanBuilder>(acc, &set));
    } else {
      const auto& v = static_cast<const arrow::Int64Array&>(*states[0]);
      std::vector<int64_t> acc(map.num_groups, op_ == FoldOp::kBitAnd ? -1 : 0);
      for (int64_t i = 0; i < map.num_rows; ++i) {
        if (v.IsNull(i)) continue;
        int64_t& a = acc[map.groups[i]];
        const int64_t x = v.Value(i);
        a = op_ == FoldOp::kBitAnd ? (a & x) : op_ == FoldOp::kBitOr ? (a | x) : (a ^ x);
        set[map.groups[i]] = 1;
      }
      ARROW_ASSIGN_OR_RAISE(out, Int64Array(acc, &set));
    }
    return arrow::ArrayVector{out};
  }

  arrow::Result<ArrayPtr> Finish(const arrow::ArrayVector& states) const override {
    return CastArray(states[0], result_type_);
  }

 private:
  FoldOp op_;
  std::shared_ptr<arrow::DataType> result_type_;
};

// ---------------------------------------------------------------------------
// Central moments (var_pop, var_samp, stddev_*, skewness, kurtosis): the state
// is (n, mean, M2, M3, M4), updated one value at a time and combined
// pairwise with the exact update formulas, so no sums of powers lose
// precision. Spark 4.1 (spark.sql.legacy.statisticalAggregate=false) gives
// NULL for a sample statistic of one row, and for skewness/kurtosis of
// constant values.

enum class Moment { kVarPop, kVarSamp, kStdPop, kStdSamp, kSkewness, kKurtosis };

struct Moments {
  double n = 0, mean = 0, m2 = 0, m3 = 0, m4 = 0;

  void Add(double x) {
    const double n1 = n;
    n += 1;
    const double delta = x - mean, dn = delta / n, dn2 = dn * dn, term = delta * dn * n1;
    mean += dn;
    m4 += term * dn2 * (n * n - 3 * n + 3) + 6 * dn2 * m2 - 4 * dn * m3;
    m3 += term * dn * (n - 2) - 3 * dn * m2;
    m2 += term;
  }

  void Combine(const Moments& b) {
    if (b.n == 0) return;
    if (n == 0) {
      *this = b;
      return;
    }
    const double na = n, nb = b.n, total = na + nb;
    const double delta = b.mean - mean, dn = delta / total, dn2 = dn * dn;
    Moments out;
    out.n = total;
    out.mean = mean + dn * nb;
    out.m2 = m2 + b.m2 + delta * dn * na * nb;
    out.m3 = m3 + b.m3 + dn2 * delta * na * nb * (na - nb) + 3 * dn * (na * b.m2 - nb * m2);
    out.m4 = m4 + b.m4 + dn2 * dn * delta * na * nb * (na * na - na * nb + nb * nb) +
             6 * dn2 * (na * na * b.m2 + nb * nb * m2) + 4 * dn * (na * b.m3 - nb * m3);
    *this = out;
  }
};

// A state of k DOUBLE columns per group, from and to arrays.
template <typename S, size_t K>
arrow::Result<arrow::ArrayVector> ToColumns(const std::vector<S>& states, double S::*const (&fields)[K]) {
  arrow::ArrayVector out;
  for (size_t f = 0; f < K; ++f) {
    std::vector<double> col(states.size());
    for (size_t g = 0; g < states.size(); ++g) col[g] = states[g].*fields[f];
    ARROW_ASSIGN_OR_RAISE(auto a, DoubleArray(col));
    out.push_back(std::move(a));
  }
  return out;
}

template <typename S, size_t K>
std::vector<S> FromColumns(const arrow::ArrayVector& columns, double S::*const (&fields)[K]) {
  const int64_t n = columns[0]->length();
  std::vector<S> out(n);
  for (size_t f = 0; f < K; ++f) {
    const auto& col = static_cast<const arrow::DoubleArray&>(*columns[f]);
    for (int64_t g = 0; g < n; ++g) out[g].*fields[f] = col.Value(g);
  }
  return out;
}

template <size_t K>
arrow::FieldVector DoubleFields(const char* const (&names)[K]) {
  arrow::FieldVector out;
  for (const char* n : names) out.push_back(arrow::field(n, arrow::float64(), false));
  return out;
}

constexpr double Moments::*kMomentFields[] = {&Moments::n, &Moments::mean, &Moments::m2, &Moments::m3,
                                              &Moments::m4};
constexpr const char* kMomentNames[] = {"n", "avg", "m2", "m3", "m4"};

class MomentFunction : public AggregateFunction {
 public:
  explicit MomentFunction(Moment kind) : kind_(kind) {}
  arrow::FieldVector StateFields() const override { return DoubleFields(kMomentNames); }

  arrow::Result<arrow::ArrayVector> Update(const arrow::ArrayVector& args, const GroupMap& map) const override {
    ARROW_ASSIGN_OR_RAISE(auto x, AsDoubles(args[0]));
    std::vector<Moments> s(map.num_groups);
    for (int64_t i = 0; i < map.num_rows; ++i) {
      if (x->IsValid(i)) s[map.groups[i]].Add(x->Value(i));
    }
    return ToColumns(s, kMomentFields);
  }

  arrow::Result<arrow::ArrayVector> Merge(const arrow::ArrayVector& states, const GroupMap& map) const override {
    auto rows = FromColumns(states, kMomentFields);
    std::vector<Moments> s(map.num_groups);
    for (int64_t i = 0; i < map.num_rows; ++i) s[map.groups[i]].Combine(rows[i]);
    return ToColumns(s, kMomentFields);
  }

  arrow::Result<ArrayPtr> Finish(const arrow::ArrayVector& states) const override {
    auto rows = FromColumns(states, kMomentFields);
    std::vector<double> out(rows.size());
    std::vector<uint8_t> valid(rows.size(), 1);
    for (size_t g = 0; g < rows.size(); ++g) {
      const Moments& m = rows[g];
      bool ok = m.n > 0;
      double v = 0;
      switch (kind_) {
        case Moment::kVarPop: v = m.m2 / m.n; break;
        case Moment::kStdPop: v = std::sqrt(m.m2 / m.n); break;
        case Moment::kVarSamp: ok = ok && m.n > 1; v = m.m2 / (m.n - 1); break;
        case Moment::kStdSamp: ok = ok && m.n > 1; v = std::sqrt(m.m2 / (m.n - 1)); break;
        case Moment::kSkewness: ok = ok && m.m2 != 0; v = std::sqrt(m.n) * m.m3 / std::sqrt(m.m2 * m.m2 * m.m2); break;
        case Moment::kKurtosis: ok = ok && m.m2 != 0; v = m.n * m.m4 / (m.m2 * m.m2) - 3.0; break;
      }
      out[g] = v;
      valid[g] = ok;
    }
    return DoubleArray(out, &valid);
  }

 private:
  Moment kind_;
};

// ---------------------------------------------------------------------------
// Co-moments of pairs (both non-NULL): corr, covar_pop, covar_samp and the
// regressions regr_sxx/syy/sxy/slope/intercept/r2 (of y on x; called as
// regr_*(y, x)). corr of a constant column divides by zero: DIVIDE_BY_ZERO
// under ANSI, else NULL.

enum class CoMoment { kCorr, kCovarPop, kCovarSamp, kSxx, kSyy, kSxy, kSlope, kIntercept, kR2 };

struct CoMoments {
  double n = 0, xavg = 0, yavg = 0, ck = 0, xmk = 0, ymk = 0;

  void Add(double x, double y) {
    n += 1;
    const double dx = x - xavg, dy = y - yavg;
    xavg += dx / n;
    yavg += dy / n;
    ck += dx * (y - yavg);
    xmk += dx * (x - xavg);
    ymk += dy * (y - yavg);
  }

  void Combine(const CoMoments& b) {
    if (b.n == 0) return;
    if (n == 0) {
      *this = b;
      return;
    }
    const double na = n, nb = b.n, total = na + nb;
    const double dx = b.xavg - xavg, dy = b.yavg - yavg, w = na * nb / total;
    n = total;
    xavg += dx * nb / total;
    yavg += dy * nb / total;
    ck += b.ck + dx * dy * w;
    xmk += b.xmk + dx * dx * w;
    ymk += b.ymk + dy * dy * w;
  }
};

constexpr double CoMoments::*kCoMomentFields[] = {&CoMoments::n,  &CoMoments::xavg, &CoMoments::yavg,
                                                  &CoMoments::ck, &CoMoments::xmk,  &CoMoments::ymk};
constexpr const char* kCoMomentNames[] = {"n", "xavg", "yavg", "ck", "xmk", "ymk"};

class CoMomentFunction : public AggregateFunction {
 public:
  CoMomentFunction(CoMoment kind, bool ansi) : kind_(kind), ansi_(ansi) {}
  arrow::FieldVector StateFields() const override { return DoubleFields(kCoMomentNames); }

  bool Regression() const { return kind_ >= CoMoment::kSxx; }

  arrow::Result<arrow::ArrayVector> Update(const arrow::ArrayVector& args, const GroupMap& map) const override {
    // regr_*(y, x): x is the second argument.
    ARROW_ASSIGN_OR_RAISE(auto x, AsDoubles(args[Regression() ? 1 : 0]));
    ARROW_ASSIGN_OR_RAISE(auto y, AsDoubles(args[Regression() ? 0 : 1]));
    std::vector<CoMoments> s(map.num_groups);
    for (int64_t i = 0; i < map.num_rows; ++i) {
      if (x->IsValid(i) && y->IsValid(i)) s[map.groups[i]].Add(x->Value(i), y->Value(i));
    }
    return ToColumns(s, kCoMomentFields);
  }

  arrow::Result<arrow::ArrayVector> Merge(const arrow::ArrayVector& states, const GroupMap& map) const override {
    auto rows = FromColumns(states, kCoMomentFields);
    std::vector<CoMoments> s(map.num_groups);
    for (int64_t i = 0; i < map.num_rows; ++i) s[map.groups[i]].Combine(rows[i]);
    return ToColumns(s, kCoMomentFields);
  }

  arrow::Result<ArrayPtr> Finish(const arrow::ArrayVector& states) const override {
    auto rows = FromColumns(states, kCoMomentFields);
    std::vector<double> out(rows.size());
    std::vector<uint8_t> valid(rows.size(), 1);
    for (size_t g = 0; g < rows.size(); ++g) {
      const CoMoments& m = rows[g];
      bool ok = m.n > 0;
      double v = 0;
      switch (kind_) {
        case CoMoment::kCorr: {
          ok = ok && m.n > 1;
          const double d = std::sqrt(m.xmk * m.ymk);
          if (ok && d == 0) {
            if (ansi_) return DivideByZero();
            ok = false;
          }
          v = m.ck / d;
          break;
        }
        case CoMoment::kCovarPop: v = m.ck / m.n; break;
        case CoMoment::kCovarSamp: ok = ok && m.n > 1; v = m.ck / (m.n - 1); break;
        case CoMoment::kSxx: v = m.xmk; break;
        case CoMoment::kSyy: v = m.ymk; break;
        case CoMoment::kSxy: v = m.ck; break;
        case CoMoment::kSlope: ok = ok && m.xmk != 0; v = m.ck / m.xmk; break;
        case CoMoment::kIntercept: ok = ok && m.xmk != 0; v = m.yavg - m.ck / m.xmk * m.xavg; break;
        case CoMoment::kR2:
          ok = ok && m.xmk != 0;
          v = m.ymk == 0 ? 1.0 : m.ck * m.ck / (m.xmk * m.ymk);
          break;
      }
      out[g] = v;
      valid[g] = ok;
    }
    return DoubleArray(out, &valid);
  }

 private:
  CoMoment kind_;
  bool ansi_;
};

// ---------------------------------------------------------------------------
// Functions of all of a group's values (collect_list/set, percentile, median,
// percentile_approx, mode, listagg, histogram_numeric, count_min_sketch): the
// state is the list of the group's values (one list per collected argument),
// in row order; Finish computes the result
// from each group's lists. Rows where a collected argument is NULL are
// skipped, as all of these functions skip NULLs.

class ListFunction : public AggregateFunction {
 public:
  ListFunction(std::vector<int> collected, std::vector<std::shared_ptr<arrow::DataType>> types, bool distinct)
      : collected_(std::move(collected)), types_(std::move(types)), distinct_(distinct) {}

  arrow::FieldVector StateFields() const override {
    arrow::FieldVector out;
    for (size_t i = 0; i < types_.size(); ++i) {
      out.push_back(arrow::field("values" + std::to_string(i), arrow::list(types_[i]), false));
    }
    return out;
  }

  arrow::Result<arrow::ArrayVector> Update(const arrow::ArrayVector& args, const GroupMap& map) const override {
    arrow::ArrayVector values;
    for (int c : collected_) values.push_back(args[c]);
    auto keep = [&](int64_t i) {
      for (const auto& v : values) {
        if (v->IsNull(i)) return false;
      }
      return true;
    };
    return Collect(values, map.groups, map.num_rows, map.num_groups, keep);
  }

  arrow::Result<arrow::ArrayVector> Merge(const arrow::ArrayVector& states, const GroupMap& map) const override {
    arrow::ArrayVector values;
    std::vector<Elements> elements;
    for (const auto& s : states) elements.push_back(ElementsOf(static_cast<const arrow::ListArray&>(*s), map.groups));
    for (const auto& e : elements) values.push_back(e.values);
    const Elements& first = elements[0];
    return Collect(values, first.groups.data(), static_cast<int64_t>(first.groups.size()), map.num_groups,
                   [&](int64_t k) { return first.present[k] != 0; });
  }

  arrow::Result<ArrayPtr> Finish(const arrow::ArrayVector& states) const override {
    std::vector<const arrow::ListArray*> lists;
    for (const auto& s : states) lists.push_back(static_cast<const arrow::ListArray*>(s.get()));
    return FinishLists(lists);
  }

 protected:
  // The result from each group's lists (lists[c]->value_slice(g)).
  virtual arrow::Result<ArrayPtr> FinishLists(const std::vector<const arrow::ListArray*>& lists) const = 0;

 private:
  arrow::Result<arrow::ArrayVector> Collect(arrow::ArrayVector values, const uint32_t* groups, int64_t n,
                                            uint32_t num_groups, std::function<bool(int64_t)> keep) const {
    std::vector<uint8_t> kept;
    if (distinct_) {  // the first occurrence of each value in its group
      ARROW_ASSIGN_OR_RAISE(auto rows, DistinctRows({values[0]}, GroupMap{groups, n, num_groups}));
      kept.assign(n, 0);
      for (int64_t r : rows) kept[r] = keep(r);
      keep = [&kept](int64_t i) { return kept[i] != 0; };
    }
    GroupedRows grouped = GroupRows(groups, n, num_groups, keep);
    arrow::ArrayVector out;
    for (size_t c = 0; c < values.size(); ++c) {
      ARROW_ASSIGN_OR_RAISE(auto v, CastArray(values[c], types_[c]));
      ARROW_ASSIGN_OR_RAISE(auto lists, ListsOf(v, grouped));
      out.push_back(std::move(lists));
    }
    return out;
  }

  std::vector<int> collected_;
  std::vector<std::shared_ptr<arrow::DataType>> types_;
  bool distinct_;
};

// collect_list / array_agg, collect_set: the lists themselves (never NULL).
class CollectFunction : public ListFunction {
 public:
  CollectFunction(std::shared_ptr<arrow::DataType> type, bool set) : ListFunction({0}, {std::move(type)}, set) {}

 protected:
  arrow::Result<ArrayPtr> FinishLists(const std::vector<const arrow::ListArray*>& lists) const override {
    return std::make_shared<arrow::ListArray>(lists[0]->data());
  }
};

// The indices of a slice's values in Spark's ascending order (NaN last), stable.
arrow::Result<std::vector<int64_t>> SortedOrder(const ArrayPtr& slice) {
  ARROW_ASSIGN_OR_RAISE(auto order, cp::SortIndices(*slice, cp::SortOrder::Ascending));
  const auto& idx = static_cast<const arrow::UInt64Array&>(*order);
  std::vector<int64_t> out(idx.length());
  for (int64_t i = 0; i < idx.length(); ++i) out[i] = static_cast<int64_t>(idx.Value(i));
  return out;
}

// percentile(x, p [, frequency]) and median(x): the exact percentile with
// linear interpolation between the two closest ranks (position p * (n - 1)
// over the values sorted, each counted `frequency` times; NaN sorts last).
// A negative frequency fails; zero frequencies drop the row.
class PercentileFunction : public ListFunction {
 public:
  PercentileFunction(bool with_frequency, std::vector<double> percentages, bool array_result,
                     bool discrete = false, bool descending = false)
      : ListFunction(with_frequency ? std::vector<int>{0, 2} : std::vector<int>{0},
                     with_frequency ? std::vector<std::shared_ptr<arrow::DataType>>{arrow::float64(), arrow::int64()}
                                    : std::vector<std::shared_ptr<arrow::DataType>>{arrow::float64()},
                     false),
        with_frequency_(with_frequency), percentages_(std::move(percentages)), array_result_(array_result),
        discrete_(discrete), descending_(descending) {}

  arrow::Result<arrow::ArrayVector> Update(const arrow::ArrayVector& args, const GroupMap& map) const override {
    if (with_frequency_) {
      ARROW_ASSIGN_OR_RAISE(auto freq, AsInt64(args[2]));
      for (int64_t i = 0; i < freq->length(); ++i) {
        if (freq->IsValid(i) && freq->Value(i) < 0 && args[0]->IsValid(i)) {
          return SparkError("NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION", "22003",
                            fmt::format("Found the negative value in \"{}\": {}L, but expected a positive integral "
                                        "value.",
                                        frequency_name_, freq->Value(i)));
        }
      }
    }
    return ListFunction::Update(args, map);
  }

  void SetFrequencyName(std::string name) { frequency_name_ = std::move(name); }

 protected:
  arrow::Result<ArrayPtr> FinishLists(const std::vector<const arrow::ListArray*>& lists) const override {
    const int64_t groups = lists[0]->length();
    arrow::DoubleBuilder values;
    arrow::ListBuilder list_builder(arrow::default_memory_pool(), std::make_shared<arrow::DoubleBuilder>());
    auto* list_values = static_cast<arrow::DoubleBuilder*>(list_builder.value_builder());
    for (int64_t g = 0; g < groups; ++g) {
      // (value, count) pairs sorted by value.
      auto x = std::static_pointer_cast<arrow::DoubleArray>(lists[0]->value_slice(g));
      std::vector<std::pair<double, int64_t>> pairs;
      int64_t total = 0;
      for (int64_t k = 0; k < x->length(); ++k) {
        int64_t c = 1;
        if (with_frequency_) c = static_cast<const arrow::Int64Array&>(*lists[1]->value_slice(g)).Value(k);
        if (c <= 0) continue;
        pairs.emplace_back(x->Value(k), c);
        total += c;
      }
      std::stable_sort(pairs.begin(), pairs.end(), [this](const auto& a, const auto& b) {
        if (descending_) return !std::isnan(b.first) && (std::isnan(a.first) || a.first > b.first);
        if (std::isnan(a.first)) return false;
        return std::isnan(b.first) || a.first < b.first;
      });
      const bool none = total == 0 || percentages_.empty();
      if (!array_result_) {
        ARROW_RETURN_NOT_OK(none ? values.AppendNull() : values.Append(At(pairs, total, percentages_[0])));
        continue;
      }
      if (none) {
        ARROW_RETURN_NOT_OK(list_builder.AppendNull());
        continue;
      }
      ARROW_RETURN_NOT_OK(list_builder.Append());
      for (double p : percentages_) ARROW_RETURN_NOT_OK(list_values->Append(At(pairs, total, p)));
    }
    if (array_result_) return list_builder.Finish();
    return values.Finish();
  }

 private:
  // The value at 0-based rank `r` of the expanded sorted sequence.
  static double Rank(const std::vector<std::pair<double, int64_t>>& pairs, int64_t r) {
    int64_t seen = 0;
    for (const auto& [v, c] : pairs) {
      seen += c;
      if (r < seen) return v;
    }
    return pairs.back().first;
  }

  // percentile_disc: the first value whose cumulative share reaches p;
  // otherwise interpolated between the two ranks around p * (total - 1).
  double At(const std::vector<std::pair<double, int64_t>>& pairs, int64_t total, double p) const {
    if (discrete_) {
      const auto higher = static_cast<int64_t>(std::ceil(p * static_cast<double>(total)));
      return Rank(pairs, std::max<int64_t>(higher, 1) - 1);
    }
    const double position = p * static_cast<double>(total - 1);
    const double lower = std::floor(position), higher = std::ceil(position);
    const double lo = Rank(pairs, static_cast<int64_t>(lower));
    if (lower == higher) return lo;
    const double hi = Rank(pairs, static_cast<int64_t>(higher));
    if (lo == hi) return lo;
    return (higher - position) * lo + (position - lower) * hi;
  }

  bool with_frequency_;
  std::vector<double> percentages_;
  bool array_result_;
  bool discrete_;
  bool descending_;
  std::string frequency_name_;
};

// percentile_approx / approx_percentile(x, p [, accuracy]): a value of x, the
// smallest whose rank reaches ceil(p * n) (computed exactly; Spark's sketch
// gives the same for inputs smaller than its accuracy).
class ApproxPercentileFunction : public ListFunction {
 public:
  ApproxPercentileFunction(std::shared_ptr<arrow::DataType> type, std::vector<double> percentages, bool array_result)
      : ListFunction({0}, {type}, false), type_(type), percentages_(std::move(percentages)),
        array_result_(array_result) {}

 protected:
  arrow::Result<ArrayPtr> FinishLists(const std::vector<const arrow::ListArray*>& lists) const override {
    const int64_t groups = lists[0]->length();
    std::vector<int64_t> take;           // element index per output value (-1: NULL)
    std::vector<int32_t> offsets{0};
    std::vector<uint8_t> list_valid;
    for (int64_t g = 0; g < groups; ++g) {
      const int64_t n = lists[0]->value_length(g);
      if (n == 0) {
        if (!array_result_) take.push_back(-1);
        list_valid.push_back(0);
        offsets.push_back(static_cast<int32_t>(take.size()));
        continue;
      }
      ARROW_ASSIGN_OR_RAISE(auto order, SortedOrder(lists[0]->value_slice(g)));
      for (double p : percentages_) {
        int64_t rank = static_cast<int64_t>(std::ceil(p * static_cast<double>(n)));
        rank = std::clamp<int64_t>(rank, 1, n);
        take.push_back(lists[0]->value_offset(g) + order[rank - 1]);
      }
      list_valid.push_back(1);
      offsets.push_back(static_cast<int32_t>(take.size()));
    }
    ARROW_ASSIGN_OR_RAISE(auto values, TakeRows(lists[0]->values(), take));
    if (!array_result_) return values;
    ARROW_ASSIGN_OR_RAISE(auto offset_array, BuildArray<arrow::Int32Builder>(offsets));
    std::vector<bool> validity(list_valid.begin(), list_valid.end());
    ARROW_ASSIGN_OR_RAISE(auto mask, BuildArray<arrow::BooleanBuilder>(validity));
    ARROW_ASSIGN_OR_RAISE(auto lists_out, arrow::ListArray::FromArrays(*offset_array, *values));
    // NULL for groups without values.
    ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(lists_out->type(), lists_out->length()));
    ARROW_ASSIGN_OR_RAISE(auto chosen, cp::IfElse(mask, lists_out, nulls));
    return chosen.make_array();
  }

 private:
  std::shared_ptr<arrow::DataType> type_;
  std::vector<double> percentages_;
  bool array_result_;
};

// mode(x [, deterministic]): the most frequent value; ties go to the least
// value (Spark without `deterministic` takes any of them).
class ModeFunction : public ListFunction {
 public:
  // Ties go to the least value, the greatest when `descending` (WITHIN GROUP (ORDER BY x DESC)).
  ModeFunction(std::shared_ptr<arrow::DataType> type, bool descending)
      : ListFunction({0}, {std::move(type)}, false), descending_(descending) {}

 protected:
  arrow::Result<ArrayPtr> FinishLists(const std::vector<const arrow::ListArray*>& lists) const override {
    const arrow::ListArray& l = *lists[0];
    // Group ids of the elements, then the distinct (group, value) pairs.
    std::vector<uint32_t> groups(l.values()->length(), 0);
    for (int64_t g = 0; g < l.length(); ++g) {
      for (int64_t k = l.value_offset(g); k < l.value_offset(g + 1); ++k) groups[k] = static_cast<uint32_t>(g);
    }
    ARROW_ASSIGN_OR_RAISE(auto group_array, BuildArray<arrow::UInt32Builder>(groups));
    uint32_t distinct = 0;
    ARROW_ASSIGN_OR_RAISE(auto ids, GroupIds({group_array, l.values()}, l.values()->length(), &distinct));
    std::vector<int64_t> count(distinct, 0), first(distinct, -1);
    for (size_t k = 0; k < ids.size(); ++k) {
      ++count[ids[k]];
      if (first[ids[k]] < 0) first[ids[k]] = static_cast<int64_t>(k);
    }
    std::vector<int64_t> rank;
    if (l.values()->length() > 0) {
      ARROW_ASSIGN_OR_RAISE(rank, Ranks(l.values(), Pick::kMin));
    }
    std::vector<int64_t> best(l.length(), -1);
    for (uint32_t d = 0; d < distinct; ++d) {
      const int64_t k = first[d];
      int64_t& b = best[groups[k]];
      const bool before = descending_ ? rank[k] > rank[b] : rank[k] < rank[b];
      if (b < 0 || count[ids[k]] > count[ids[b]] || (count[ids[k]] == count[ids[b]] && before)) b = k;
    }
    return TakeRows(l.values(), best);
  }

 private:
  bool descending_;
};

// listagg / string_agg(x [, delimiter]): the non-NULL values concatenated in
// row order with the delimiter (none for NULL); STRING or BINARY as x.
class ListAggFunction : public ListFunction {
 public:
  ListAggFunction(std::shared_ptr<arrow::DataType> type, std::string delimiter, bool distinct)
      : ListFunction({0}, {type}, distinct), type_(std::move(type)), delimiter_(std::move(delimiter)) {}

 protected:
  arrow::Result<ArrayPtr> FinishLists(const std::vector<const arrow::ListArray*>& lists) const override {
    const arrow::ListArray& l = *lists[0];
    const auto& values = static_cast<const arrow::BinaryArray&>(*l.values());
    std::unique_ptr<arrow::ArrayBuilder> builder;
    ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), type_, &builder));
    auto* b = static_cast<arrow::BinaryBuilder*>(builder.get());
    for (int64_t g = 0; g < l.length(); ++g) {
      if (l.value_length(g) == 0) {
        ARROW_RETURN_NOT_OK(b->AppendNull());
        continue;
      }
      std::string joined;
      for (int64_t k = l.value_offset(g); k < l.value_offset(g + 1); ++k) {
        if (k > l.value_offset(g)) joined += delimiter_;
        joined += values.GetView(k);
      }
      ARROW_RETURN_NOT_OK(b->Append(joined));
    }
    return b->Finish();
  }

 private:
  std::shared_ptr<arrow::DataType> type_;
  std::string delimiter_;
};

// histogram_numeric(x, nb): Ben-Haim and Tom-Tov's streaming histogram over
// the values in row order: each value becomes a bin (or adds to an equal
// one); while there are more than nb bins the two closest (the first such
// pair) merge into their weighted mean. Bin centers come back as x's type.
class HistogramFunction : public ListFunction {
 public:
  HistogramFunction(std::shared_ptr<arrow::DataType> type, int bins)
      : ListFunction({0}, {type}, false), type_(std::move(type)), bins_(bins) {}

 protected:
  arrow::Result<ArrayPtr> FinishLists(const std::vector<const arrow::ListArray*>& lists) const override {
    const arrow::ListArray& l = *lists[0];
    ARROW_ASSIGN_OR_RAISE(auto x, AsDoubles(l.values()));
    std::vector<double> centers, heights;
    std::vector<int32_t> offsets{0};
    std::vector<bool> valid;
    for (int64_t g = 0; g < l.length(); ++g) {
      std::vector<std::pair<double, double>> bins;
      for (int64_t k = l.value_offset(g); k < l.value_offset(g + 1); ++k) Add(&bins, x->Value(k));
      for (const auto& [c, h] : bins) {
        centers.push_back(c);
        heights.push_back(h);
      }
      valid.push_back(!bins.empty());
      offsets.push_back(static_cast<int32_t>(centers.size()));
    }
    ARROW_ASSIGN_OR_RAISE(auto center_doubles, DoubleArray(centers));
    ARROW_ASSIGN_OR_RAISE(auto center_array, FromDoubles(center_doubles, type_));
    ARROW_ASSIGN_OR_RAISE(auto height_array, DoubleArray(heights));
    ARROW_ASSIGN_OR_RAISE(auto structs, arrow::StructArray::Make({center_array, height_array},
                                                                 std::vector<std::string>{"x", "y"}));
    ARROW_ASSIGN_OR_RAISE(auto offset_array, BuildArray<arrow::Int32Builder>(offsets));
    ARROW_ASSIGN_OR_RAISE(auto mask, BuildArray<arrow::BooleanBuilder>(valid));
    ARROW_ASSIGN_OR_RAISE(auto out, arrow::ListArray::FromArrays(*offset_array, *structs));
    ARROW_ASSIGN_OR_RAISE(auto nulls, arrow::MakeArrayOfNull(out->type(), out->length()));
    ARROW_ASSIGN_OR_RAISE(auto chosen, cp::IfElse(mask, out, nulls));
    return chosen.make_array();
  }

 private:
  void Add(std::vector<std::pair<double, double>>* bins, double v) const {
    auto it = std::lower_bound(bins->begin(), bins->end(), v,
                               [](const std::pair<double, double>& b, double x) { return b.first < x; });
    if (it != bins->end() && it->first == v) {
      it->second += 1;
    } else {
      bins->insert(it, {v, 1.0});
    }
    while (static_cast<int>(bins->size()) > bins_) {
      size_t best = 0;
      double smallest = std::numeric_limits<double>::max();
      for (size_t i = 0; i + 1 < bins->size(); ++i) {
        const double d = (*bins)[i + 1].first - (*bins)[i].first;
        if (d < smallest) {
          smallest = d;
          best = i;
        }
      }
      auto& a = (*bins)[best];
      const auto& b = (*bins)[best + 1];
      const double h = a.second + b.second;
      a.first = (a.first * a.second + b.first * b.second) / h;
      a.second = h;
      bins->erase(bins->begin() + static_cast<std::ptrdiff_t>(best) + 1);
    }
  }

  std::shared_ptr<arrow::DataType> type_;
  int bins_;
};

// count_min_sketch(x, eps, confidence, seed): Spark's serialized sketch of
// the non-NULL values (exec/count_min_sketch.h).
class CountMinSketchFunction : public ListFunction {
 public:
  CountMinSketchFunction(std::shared_ptr<arrow::DataType> type, double eps, double confidence, int32_t seed)
      : ListFunction({0}, {type}, false), eps_(eps), confidence_(confidence), seed_(seed) {}

 protected:
  arrow::Result<ArrayPtr> FinishLists(const std::vector<const arrow::ListArray*>& lists) const override {
    const arrow::ListArray& l = *lists[0];
    const ArrayPtr& values = l.values();
    const bool integral = arrow::is_integer(values->type_id());
    std::shared_ptr<arrow::Int64Array> longs;
    if (integral) {
      ARROW_ASSIGN_OR_RAISE(longs, AsInt64(values));
    }
    arrow::BinaryBuilder out;
    for (int64_t g = 0; g < l.length(); ++g) {
      CountMinSketch sketch(eps_, confidence_, seed_);
      for (int64_t k = l.value_offset(g); k < l.value_offset(g + 1); ++k) {
        if (integral) {
          sketch.AddLong(longs->Value(k));
        } else {
          sketch.AddBytes(static_cast<const arrow::BinaryArray&>(*values).GetView(k));
        }
      }
      ARROW_RETURN_NOT_OK(out.Append(sketch.Serialize()));
    }
    return out.Finish();
  }

 private:
  double eps_, confidence_;
  int32_t seed_;
};

// ---------------------------------------------------------------------------
// Constant arguments.

double DoubleConstant(const BoundExpr& e, double fallback) {
  const arrow::Scalar* s = ConstantValue(e);
  if (s == nullptr || !s->is_valid) return fallback;
  auto d = cp::Cast(arrow::Datum(const_cast<arrow::Scalar*>(s)->shared_from_this()), arrow::float64());
  if (!d.ok()) return fallback;
  return static_cast<const arrow::DoubleScalar&>(*d->scalar()).value;
}

// The percentages of percentile(x, p): one, or a list (array_result).
std::vector<double> Percentages(const BoundExpr& e, bool* array_result) {
  const arrow::Scalar* s = ConstantValue(e);
  *array_result = s != nullptr && s->type->id() == arrow::Type::LIST;
  std::vector<double> out;
  if (s == nullptr || !s->is_valid) return out;
  if (!*array_result) {
    out.push_back(DoubleConstant(e, 0));
    return out;
  }
  auto values = static_cast<const arrow::ListScalar&>(*s).value;
  auto doubles = CastArray(values, arrow::float64());
  if (!doubles.ok()) return out;
  const auto& d = static_cast<const arrow::DoubleArray&>(**doubles);
  for (int64_t i = 0; i < d.length(); ++i) out.push_back(d.Value(i));
  return out;
}

arrow::Result<std::shared_ptr<arrow::DataType>> ArgType(const AggregateCall& call, size_t i) {
  return ToArrowType(*call.args[i]->type());
}

}  // namespace

arrow::Result<std::vector<int64_t>> DistinctRows(const arrow::ArrayVector& args, const GroupMap& map) {
  std::vector<uint32_t> groups(map.groups, map.groups + map.num_rows);
  ARROW_ASSIGN_OR_RAISE(auto group_array, BuildArray<arrow::UInt32Builder>(groups));
  std::vector<std::shared_ptr<arrow::Array>> keys{group_array};
  for (const auto& a : args) {
    ArrayPtr key = a;
    if (arrow::is_floating(a->type_id())) {  // -0.0 and 0.0 are one value, as Spark normalizes them
      ARROW_ASSIGN_OR_RAISE(auto plus, cp::Add(*a, arrow::DoubleScalar(0.0)));
      key = plus.make_array();
    }
    keys.push_back(key);
  }
  uint32_t distinct = 0;
  ARROW_ASSIGN_OR_RAISE(auto ids, GroupIds(keys, map.num_rows, &distinct));
  std::vector<uint8_t> seen(distinct, 0);
  std::vector<int64_t> rows;
  for (int64_t i = 0; i < map.num_rows; ++i) {
    if (!seen[ids[i]]) {
      seen[ids[i]] = 1;
      rows.push_back(i);
    }
  }
  return rows;
}

arrow::Result<std::unique_ptr<AggregateFunction>> MakeAggregateFunction(const AggregateCall& call, bool ansi) {
  EnsureComputeInitialized();  // sorting kernels
  std::string f = call.function;
  if (IsDistinctAggregate(call)) f = f.substr(0, f.size() - std::string("_distinct").size());
  ARROW_ASSIGN_OR_RAISE(auto result_type, ToArrowType(*call.type));
  std::shared_ptr<arrow::DataType> arg0;
  if (!call.args.empty()) {
    ARROW_ASSIGN_OR_RAISE(arg0, ArgType(call, 0));
  }
  using Ptr = std::unique_ptr<AggregateFunction>;

  if (f == "count_all") return Ptr(new CountFunction(CountKind::kAll));
  if (f == "count") return Ptr(new CountFunction(CountKind::kValid));
  if (f == "count_if") return Ptr(new CountFunction(CountKind::kTrue));
  if (f == "min" || f == "max") {
    return Ptr(new SelectFunction(f == "min" ? Pick::kMin : Pick::kMax, false, false, arg0, nullptr));
  }
  if (f == "min_by" || f == "max_by") {
    ARROW_ASSIGN_OR_RAISE(auto by, ArgType(call, 1));
    return Ptr(new SelectFunction(f == "min_by" ? Pick::kMin : Pick::kMax, true, false, arg0, by));
  }
  if (f == "first" || f == "last") {
    return Ptr(new SelectFunction(f == "first" ? Pick::kFirst : Pick::kLast, false, call.ignore_nulls, arg0,
                                  nullptr));
  }
  if (f == "sum" || f == "avg" || f == "try_sum" || f == "try_avg") {
    const bool avg = f.ends_with("avg"), try_mode = f.starts_with("try_");
    const auto* arg_type = call.args[0]->type().get();
    if (arg_type->id() == TypeId::kDecimal) {
      const auto& in = static_cast<const DecimalType&>(*arg_type);
      const int sum_precision = std::min(in.precision() + 10, 38);
      int out_precision = sum_precision, out_scale = in.scale();
      if (avg) {
        const auto& out = static_cast<const arrow::Decimal128Type&>(*result_type);
        out_precision = out.precision();
        out_scale = out.scale();
      }
      return Ptr(new SumFunction(avg, try_mode, ansi, SumDomain::kDecimal, sum_precision, in.scale(), out_scale,
                                 out_precision));
    }
    const bool floating = avg || arrow::is_floating(arg0->id()) || arg0->id() == arrow::Type::NA;
    return Ptr(new SumFunction(avg, try_mode, ansi, floating ? SumDomain::kDouble : SumDomain::kLong, 0, 0, 0, 0));
  }
  if (f == "product") return Ptr(new FoldFunction(FoldOp::kProduct, result_type));
  if (f == "bit_and") return Ptr(new FoldFunction(FoldOp::kBitAnd, result_type));
  if (f == "bit_or") return Ptr(new FoldFunction(FoldOp::kBitOr, result_type));
  if (f == "bit_xor") return Ptr(new FoldFunction(FoldOp::kBitXor, result_type));
  if (f == "bool_and") return Ptr(new FoldFunction(FoldOp::kBoolAnd, result_type));
  if (f == "bool_or") return Ptr(new FoldFunction(FoldOp::kBoolOr, result_type));
  static const std::map<std::string, Moment> kMoments = {
      {"var_pop", Moment::kVarPop},   {"var_samp", Moment::kVarSamp},   {"stddev_pop", Moment::kStdPop},
      {"stddev_samp", Moment::kStdSamp}, {"skewness", Moment::kSkewness}, {"kurtosis", Moment::kKurtosis}};
  if (auto it = kMoments.find(f); it != kMoments.end()) return Ptr(new MomentFunction(it->second));
  static const std::map<std::string, CoMoment> kCoMoments = {
      {"corr", CoMoment::kCorr},           {"covar_pop", CoMoment::kCovarPop}, {"covar_samp", CoMoment::kCovarSamp},
      {"regr_sxx", CoMoment::kSxx},        {"regr_syy", CoMoment::kSyy},       {"regr_sxy", CoMoment::kSxy},
      {"regr_slope", CoMoment::kSlope},    {"regr_intercept", CoMoment::kIntercept},
      {"regr_r2", CoMoment::kR2}};
  if (auto it = kCoMoments.find(f); it != kCoMoments.end()) return Ptr(new CoMomentFunction(it->second, ansi));
  if (f == "collect_list" || f == "collect_set") return Ptr(new CollectFunction(arg0, f == "collect_set"));
  if (f == "approx_count_distinct") {
    const double rsd = call.args.size() > 1 ? DoubleConstant(*call.args[1], 0.05) : 0.05;
    return MakeApproxCountDistinct(sketches::HyperLogLogPlusPlus::PrecisionFor(rsd).value_or(4));
  }
  if (f == "percentile" || f == "median" || f == "percentile_disc") {
    bool array_result = false;
    std::vector<double> p = f == "median" ? std::vector<double>{0.5} : Percentages(*call.args[1], &array_result);
    const bool with_frequency = f != "median" && call.args.size() > 2;
    auto fn = std::make_unique<PercentileFunction>(with_frequency, std::move(p), array_result,
                                                   f == "percentile_disc", call.descending);
    if (with_frequency) fn->SetFrequencyName(call.args[2]->name());
    return Ptr(fn.release());
  }
  if (f == "percentile_approx") {
    bool array_result = false;
    std::vector<double> p = Percentages(*call.args[1], &array_result);
    return Ptr(new ApproxPercentileFunction(arg0, std::move(p), array_result));
  }
  if (f == "mode") return Ptr(new ModeFunction(arg0, call.descending));
  if (f == "listagg") {
    std::string delimiter;
    if (call.args.size() > 1) {
      const arrow::Scalar* s = ConstantValue(*call.args[1]);
      if (s != nullptr && s->is_valid) {
        const auto& b = static_cast<const arrow::BaseBinaryScalar&>(*s);
        delimiter = std::string(b.view());
      }
    }
    return Ptr(new ListAggFunction(arg0, delimiter, false));
  }
  if (f == "histogram_numeric") {
    return Ptr(new HistogramFunction(arg0, static_cast<int>(DoubleConstant(*call.args[1], 2))));
  }
  if (f == "count_min_sketch") {
    return Ptr(new CountMinSketchFunction(arg0, DoubleConstant(*call.args[1], 0.1),
                                          DoubleConstant(*call.args[2], 0.9),
                                          static_cast<int32_t>(DoubleConstant(*call.args[3], 0))));
  }
  if (IsKllAggregate(f)) return MakeKllAggregate(call);
  if (IsSketchAggregate(f)) return MakeSketchAggregate(call);
  return arrow::Status::NotImplemented("aggregate function ", call.function);
}

arrow::Result<std::shared_ptr<arrow::Array>> AggregateBatch(const AggregateCall& call, bool ansi,
                                                            const arrow::ArrayVector& args, const GroupMap& map) {
  ARROW_ASSIGN_OR_RAISE(auto fn, MakeAggregateFunction(call, ansi));
  if (!IsDistinctAggregate(call) || args.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto state, fn->Update(args, map));
    return fn->Finish(state);
  }
  // DISTINCT: the plain function over each group's distinct argument rows.
  ARROW_ASSIGN_OR_RAISE(auto rows, DistinctRows(args, map));
  arrow::ArrayVector distinct_args;
  for (const auto& a : args) {
    ARROW_ASSIGN_OR_RAISE(auto taken, TakeRows(a, rows));
    distinct_args.push_back(std::move(taken));
  }
  std::vector<uint32_t> groups(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) groups[i] = map.groups[rows[i]];
  GroupMap distinct_map{groups.data(), static_cast<int64_t>(rows.size()), map.num_groups};
  ARROW_ASSIGN_OR_RAISE(auto state, fn->Update(distinct_args, distinct_map));
  return fn->Finish(state);
}

}  // namespace spate
