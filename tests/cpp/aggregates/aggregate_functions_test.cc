// Aggregate functions: a result computed from partial states merged (as the
// streaming aggregation does across micro-batches) equals the one-pass result;
// the count-min sketch serializes as Spark's.

#include <gtest/gtest.h>

#include <arrow/api.h>

#include "spate/aggregates/aggregate_functions.h"
#include "spate/aggregates/count_min_sketch.h"
#include "spate/expr/sketch_kll.h"
#include "spate/types/data_type.h"

namespace spate {
namespace {

AggregateCall Call(std::string function, DataTypePtr type, std::vector<BoundExprPtr> args) {
  AggregateCall call;
  call.function = std::move(function);
  call.type = std::move(type);
  call.args = std::move(args);
  call.name = call.function;
  return call;
}

BoundExprPtr Col(int i, DataTypePtr type) { return std::make_shared<BoundColumn>(i, type, true, "c"); }

std::shared_ptr<arrow::Array> Doubles(const std::vector<std::optional<double>>& v) {
  arrow::DoubleBuilder b;
  for (const auto& x : v) {
    if (x) {
      EXPECT_TRUE(b.Append(*x).ok());
    } else {
      EXPECT_TRUE(b.AppendNull().ok());
    }
  }
  return b.Finish().ValueOrDie();
}

// Finish(Merge(Update(first rows) ++ Update(other rows))) == Finish(Update(all rows)).
void ExpectMergeable(const AggregateCall& call, const arrow::ArrayVector& args) {
  auto fn = MakeAggregateFunction(call, /*ansi=*/true).ValueOrDie();
  const int64_t n = args[0]->length(), half = n / 2;
  std::vector<uint32_t> groups(n);
  for (int64_t i = 0; i < n; ++i) groups[i] = static_cast<uint32_t>(i % 2);
  auto whole = fn->Finish(fn->Update(args, GroupMap{groups.data(), n, 2}).ValueOrDie()).ValueOrDie();

  arrow::ArrayVector first, second;
  for (const auto& a : args) {
    first.push_back(a->Slice(0, half));
    second.push_back(a->Slice(half));
  }
  auto s1 = fn->Update(first, GroupMap{groups.data(), half, 2}).ValueOrDie();
  auto s2 = fn->Update(second, GroupMap{groups.data() + half, n - half, 2}).ValueOrDie();
  arrow::ArrayVector states;
  for (size_t c = 0; c < s1.size(); ++c) states.push_back(arrow::Concatenate({s1[c], s2[c]}).ValueOrDie());
  std::vector<uint32_t> state_groups{0, 1, 0, 1};
  auto merged = fn->Merge(states, GroupMap{state_groups.data(), 4, 2}).ValueOrDie();
  auto result = fn->Finish(merged).ValueOrDie();
  EXPECT_TRUE(result->ApproxEquals(*whole, arrow::EqualOptions().atol(1e-9).nans_equal(true)))
      << call.function << ": " << result->ToString() << " vs " << whole->ToString();
}

TEST(AggregateFunctionsTest, MergedPartialsEqualOnePass) {
  auto x = Doubles({1.5, 2, std::nullopt, 10, -3, 4.25, 7, 7, 0.5, 100});
  auto y = Doubles({2, std::nullopt, 1, 3, 8, -1, 2, 5, 0, 1});
  auto d = types::Double();
  for (const char* f : {"var_pop", "var_samp", "stddev_pop", "stddev_samp", "skewness", "kurtosis"}) {
    ExpectMergeable(Call(f, d, {Col(0, d)}), {x});
  }
  for (const char* f : {"corr", "covar_pop", "covar_samp", "regr_sxx", "regr_syy", "regr_sxy", "regr_slope",
                        "regr_intercept", "regr_r2"}) {
    ExpectMergeable(Call(f, d, {Col(0, d), Col(1, d)}), {x, y});
  }
  for (const char* f : {"sum", "avg", "try_sum", "try_avg", "min", "max", "product"}) {
    ExpectMergeable(Call(f, d, {Col(0, d)}), {x});
  }
  ExpectMergeable(Call("max_by", d, {Col(0, d), Col(1, d)}), {x, y});
  ExpectMergeable(Call("min_by", d, {Col(0, d), Col(1, d)}), {x, y});
  ExpectMergeable(Call("first", d, {Col(0, d)}), {x});
  ExpectMergeable(Call("last", d, {Col(0, d)}), {x});
  ExpectMergeable(Call("count", types::Long(), {Col(0, d)}), {x});
  ExpectMergeable(Call("collect_list", types::Array(d, false), {Col(0, d)}), {x});
  ExpectMergeable(Call("median", d, {Col(0, d)}), {x});
  ExpectMergeable(Call("mode", d, {Col(0, d)}), {x});
  ExpectMergeable(Call("approx_count_distinct", types::Long(), {Col(0, d)}), {x});
}

TEST(AggregateFunctionsTest, KllSketchStatesMergeToTheSameSketch) {
  // kll_sketch_agg_double: merged partial states hold the same items as one pass
  // (level 0's order may differ, so the sketches are compared by what they answer).
  auto x = Doubles({1.5, 2, std::nullopt, 10, -3, 4.25, 7, 7, 0.5, 100});
  auto d = types::Double();
  auto fn = MakeAggregateFunction(Call("kll_sketch_agg_double", types::Binary(), {Col(0, d)}), true).ValueOrDie();
  std::vector<uint32_t> groups(10, 0);
  auto whole = fn->Finish(fn->Update({x}, GroupMap{groups.data(), 10, 1}).ValueOrDie()).ValueOrDie();
  auto s1 = fn->Update({x->Slice(0, 4)}, GroupMap{groups.data(), 4, 1}).ValueOrDie();
  auto s2 = fn->Update({x->Slice(4)}, GroupMap{groups.data(), 6, 1}).ValueOrDie();
  auto states = arrow::Concatenate({s1[0], s2[0]}).ValueOrDie();
  auto merged = fn->Finish(fn->Merge({states}, GroupMap{groups.data(), 2, 1}).ValueOrDie()).ValueOrDie();
  std::string error;
  auto a = KllSketch<double>::Deserialize(static_cast<const arrow::BinaryArray&>(*whole).GetView(0), &error);
  auto b = KllSketch<double>::Deserialize(static_cast<const arrow::BinaryArray&>(*merged).GetView(0), &error);
  ASSERT_TRUE(a && b) << error;
  EXPECT_EQ(a->n(), 9);
  EXPECT_EQ(b->n(), 9);
  for (double r : {0.0, 0.3, 0.5, 0.9, 1.0}) EXPECT_EQ(a->Quantile(r), b->Quantile(r)) << r;
}

TEST(AggregateFunctionsTest, CountMinSketchBytesAsSpark) {
  // count_min_sketch(x, 0.5D, 0.5D, 1) over 1, 2, 2, 5 in PySpark 4.1.
  CountMinSketch sketch(0.5, 0.5, 1);
  for (int64_t v : {1, 2, 2, 5}) sketch.AddLong(v);
  const std::string bytes = sketch.Serialize();
  const unsigned char want[] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 0, 0x5d, 0x8d,
                                0x6a, 0xb9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                                0, 3, 0, 0, 0, 0, 0, 0, 0, 0};
  ASSERT_EQ(bytes.size(), sizeof(want));
  EXPECT_EQ(0, memcmp(bytes.data(), want, sizeof(want)));
}

}  // namespace
}  // namespace spate
