// Sketch aggregates: the partial states are sketches, and merging the states
// of two halves of the rows gives the bytes of one pass over all of them
// (what the streaming aggregation relies on across micro-batches).

#include <gtest/gtest.h>

#include <arrow/api.h>

#include "spate/aggregates/aggregate_functions.h"
#include "spate/types/data_type.h"

namespace spate {
namespace {

std::shared_ptr<arrow::Array> Longs(int64_t n, int64_t modulo) {
  arrow::Int64Builder b;
  for (int64_t i = 0; i < n; ++i) EXPECT_TRUE(b.Append((i * 7919) % modulo).ok());
  return b.Finish().ValueOrDie();
}

AggregateCall Call(std::string function, std::vector<BoundExprPtr> args) {
  AggregateCall call;
  call.function = std::move(function);
  call.type = types::Binary();
  call.args = std::move(args);
  call.name = call.function;
  return call;
}

BoundExprPtr Int(int32_t v) {
  return std::make_shared<BoundLiteral>(arrow::MakeScalar(v), types::Int(), std::to_string(v));
}

// One group: Merge(Update(first half), Update(second half)) == Update(all).
void ExpectMergedEqualsOnePass(const AggregateCall& call, const std::shared_ptr<arrow::Array>& values) {
  auto fn = MakeAggregateFunction(call, /*ansi=*/true).ValueOrDie();
  const int64_t n = values->length(), half = n / 3;
  std::vector<uint32_t> groups(n, 0);
  auto whole = fn->Finish(fn->Update({values}, GroupMap{groups.data(), n, 1}).ValueOrDie()).ValueOrDie();
  auto s1 = fn->Update({values->Slice(0, half)}, GroupMap{groups.data(), half, 1}).ValueOrDie();
  auto s2 = fn->Update({values->Slice(half)}, GroupMap{groups.data(), n - half, 1}).ValueOrDie();
  auto states = arrow::Concatenate({s1[0], s2[0]}).ValueOrDie();
  auto merged = fn->Finish(fn->Merge({states}, GroupMap{groups.data(), 2, 1}).ValueOrDie()).ValueOrDie();
  EXPECT_TRUE(merged->Equals(*whole)) << call.function;
}

TEST(SketchAggregatesTest, MergedPartialsEqualOnePass) {
  auto positions = Longs(5000, 32768);
  ExpectMergedEqualsOnePass(Call("bitmap_construct_agg", {std::make_shared<BoundColumn>(0, types::Long(), true, "x")}),
                            positions);
  for (int lg : {4, 12}) {
    for (int64_t distinct : {10, 3000}) {
      ExpectMergedEqualsOnePass(
          Call("theta_sketch_agg", {std::make_shared<BoundColumn>(0, types::Long(), true, "x"), Int(lg)}),
          Longs(6000, distinct));
    }
  }
}

}  // namespace
}  // namespace spate
