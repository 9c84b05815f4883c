#include "spate/plan/stream_join_watermark.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <arrow/scalar.h>

#include "spate/expr/bound_expr.h"

namespace spate {

namespace {

const std::string* FunctionName(const BoundExpr& e) {
  if (e.kind() != BoundExpr::Kind::kFunction) return nullptr;
  return &static_cast<const BoundFunction&>(e).function();
}

// A term of a sum: a column (±) or a constant in microseconds.
struct Term {
  int column = -1;
  bool negated = false;
  double micros = 0;
};

// A literal as microseconds, as Spark reads the literals of a time-range
// condition: an interval without months, or a number of seconds.
std::optional<double> LiteralMicros(const BoundLiteral& literal) {
  const arrow::Scalar& value = *literal.value();
  if (!value.is_valid) return std::nullopt;
  if (literal.type()->id() == TypeId::kInterval) {
    const auto& interval = static_cast<const arrow::MonthDayNanoIntervalScalar&>(value).value;
    if (interval.months != 0) return std::nullopt;  // months have no fixed length
    return static_cast<double>(interval.days) * 86'400'000'000.0 + static_cast<double>(interval.nanoseconds / 1000);
  }
  if (!literal.type()->IsNumeric()) return std::nullopt;
  auto as_double = value.CastTo(arrow::float64());
  if (!as_double.ok()) return std::nullopt;
  return static_cast<const arrow::DoubleScalar&>(**as_double).value * 1'000'000.0;
}

// Splits `e` into the terms of a sum, as Spark's collectTerms; false for an
// expression that is not a sum of columns and constants.
bool CollectTerms(const BoundExpr& e, bool negate, std::vector<Term>* out) {
  if (e.kind() == BoundExpr::Kind::kColumn) {
    out->push_back({static_cast<const BoundColumn&>(e).index(), negate, 0});
    return true;
  }
  if (e.kind() == BoundExpr::Kind::kLiteral) {
    auto micros = LiteralMicros(static_cast<const BoundLiteral&>(e));
    if (!micros) return false;
    out->push_back({-1, false, negate ? -*micros : *micros});
    return true;
  }
  const std::string& f = *FunctionName(e);
  const auto& args = e.children();
  if ((f == "+" || f == "-") && args.size() == 2) {
    return CollectTerms(*args[0], negate, out) && CollectTerms(*args[1], f == "-" ? !negate : negate, out);
  }
  if (f == "negative" && args.size() == 1) return CollectTerms(*args[0], !negate, out);
  if (f == "cast" && args.size() == 1) {
    TypeId to = e.type()->id();
    if (!e.type()->IsNumeric() && to != TypeId::kTimestamp) return false;
    return CollectTerms(*args[0], negate, out);
  }
  return false;
}

bool HasWatermark(const std::vector<Attribute>& side) {
  return std::any_of(side.begin(), side.end(), [](const Attribute& a) { return a.watermark_delay_ms >= 0; });
}

// `less < greater` solved for `side`'s time: the side's column must appear
// once, negated, in (less - greater); the other side's only column must be
// its watermarked one (the watermark stands for it).
std::optional<JoinTimeBound> SolveLessThan(const PlanNode& join, int side, const BoundExpr& less,
                                           const BoundExpr& greater) {
  const auto& left = join.children[0]->output;
  const int left_width = static_cast<int>(left.size());
  auto on_side = [&](int column) { return (column < left_width) == (side == 0); };
  std::set<int> columns;
  CollectColumns(less, &columns);
  CollectColumns(greater, &columns);
  int own = 0, other = 0;
  for (int c : columns) (on_side(c) ? own : other) += 1;
  if (own > 1 || other > 1) return std::nullopt;

  std::vector<Term> terms;
  if (!CollectTerms(less, false, &terms) || !CollectTerms(greater, true, &terms)) return std::nullopt;
  JoinTimeBound bound{0, 0, false};
  int own_terms = 0;
  for (const Term& t : terms) {
    if (t.column < 0) {
      bound.constant_micros += t.micros;
      continue;
    }
    if (on_side(t.column)) {
      // The side's time must be subtracted: watermark + c < time.
      if (!t.negated) return std::nullopt;
      ++own_terms;
      continue;
    }
    const Attribute& a = t.column < left_width ? left[t.column] : join.children[1]->output[t.column - left_width];
    if (a.watermark_delay_ms < 0) return std::nullopt;
    bound.watermark_sign += t.negated ? -1 : 1;
  }
  if (own_terms != 1) return std::nullopt;
  return bound;
}

}  // namespace

std::optional<int> WatermarkKeyOrdinal(const PlanNode& join) {
  for (int side = 0; side < 2; ++side) {
    const auto& keys = side == 0 ? join.left_keys : join.right_keys;
    const auto& input = join.children[side]->output;
    for (size_t k = 0; k < keys.size(); ++k) {
      if (keys[k]->kind() != BoundExpr::Kind::kColumn) continue;
      int index = static_cast<const BoundColumn&>(*keys[k]).index();
      if (input[index].watermark_delay_ms >= 0) return static_cast<int>(k);
    }
  }
  return std::nullopt;
}

std::vector<JoinTimeBound> StateValueBounds(const PlanNode& join, int side) {
  std::vector<JoinTimeBound> out;
  if (!join.condition || !HasWatermark(join.children[1 - side]->output)) return out;
  std::vector<BoundExprPtr> conjuncts;
  SplitConjuncts(join.condition, &conjuncts);
  for (const BoundExprPtr& conjunct : conjuncts) {
    const std::string* f = FunctionName(*conjunct);
    if (!f || conjunct->children().size() != 2) continue;
    const BoundExpr& a = *conjunct->children()[0];
    const BoundExpr& b = *conjunct->children()[1];
    std::optional<JoinTimeBound> bound;
    if (*f == "<" || *f == "<=") bound = SolveLessThan(join, side, a, b);
    if (*f == ">" || *f == ">=") bound = SolveLessThan(join, side, b, a);
    if (!bound) continue;
    bound->inclusive = *f == "<=" || *f == ">=";
    out.push_back(*bound);
  }
  return out;
}

StreamJoinEviction JoinEvictionOf(const PlanNode& join) {
  StreamJoinEviction out;
  if (auto ordinal = WatermarkKeyOrdinal(join)) {
    out.left = {JoinSideEviction::Kind::kByKey, *ordinal, {}};
    out.right = out.left;
    return out;
  }
  for (int side = 0; side < 2; ++side) {
    const auto& input = join.children[side]->output;
    JoinSideEviction& eviction = side == 0 ? out.left : out.right;
    for (size_t i = 0; i < input.size() && eviction.column < 0; ++i) {
      if (input[i].watermark_delay_ms >= 0) eviction.column = static_cast<int>(i);
    }
    if (eviction.column < 0) continue;
    eviction.bounds = StateValueBounds(join, side);
    eviction.kind = eviction.bounds.empty() ? JoinSideEviction::Kind::kNone : JoinSideEviction::Kind::kByValue;
  }
  return out;
}

std::optional<int64_t> StateWatermarkMs(const std::vector<JoinTimeBound>& bounds, int64_t watermark_ms) {
  std::optional<int64_t> lowest;
  for (const JoinTimeBound& b : bounds) {
    double micros = static_cast<double>(watermark_ms) * 1000.0 * b.watermark_sign + b.constant_micros;
    auto ms = static_cast<int64_t>(std::trunc(micros / 1000.0)) - (b.inclusive ? 1 : 0);
    lowest = lowest ? std::min(*lowest, ms) : ms;
  }
  return lowest;
}

std::optional<int64_t> JoinOutputWatermarkMs(const PlanNode& join, int64_t input_ms) {
  if (WatermarkKeyOrdinal(join)) return input_ms;
  std::optional<int64_t> out;
  for (int side = 0; side < 2; ++side) {
    if (!HasWatermark(join.children[side]->output)) continue;
    std::optional<int64_t> state = StateWatermarkMs(StateValueBounds(join, side), input_ms);
    if (state) out = out ? std::min(*out, *state) : *state;
  }
  return out;
}

}  // namespace spate
