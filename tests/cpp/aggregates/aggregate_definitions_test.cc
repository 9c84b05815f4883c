// The one table of aggregate definitions: names and aliases, DISTINCT calls,
// nullability and what a streaming aggregation runs.

#include <gtest/gtest.h>

#include "spate/aggregates/aggregate_definitions.h"

namespace spate {
namespace {

AggregateCall CallOf(const std::string& function) {
  AggregateCall call;
  call.function = function;
  return call;
}

TEST(AggregateDefinitionsTest, AliasesFindTheirFunction) {
  EXPECT_EQ(FindAggregate("mean")->name, "avg");
  EXPECT_EQ(FindAggregate("array_agg")->name, "collect_list");
  EXPECT_EQ(FindAggregate("any_value")->name, "first");
  EXPECT_EQ(FindAggregate("sum_distinct")->name, "sum");
  EXPECT_EQ(FindAggregate("approx_count_distinct")->name, "approx_count_distinct");
  EXPECT_EQ(FindAggregate("upper"), nullptr);
  EXPECT_TRUE(IsAggregateFunction("count_distinct"));
  EXPECT_TRUE(IsAggregateFunction("theta_sketch_agg"));
  EXPECT_FALSE(IsAggregateFunction("count_all"));
  EXPECT_FALSE(IsAggregateFunction("percentile_disc"));  // only WITHIN GROUP
}

TEST(AggregateDefinitionsTest, DistinctCallsAndStreaming) {
  EXPECT_TRUE(IsDistinctAggregate(CallOf("count_distinct")));
  EXPECT_TRUE(IsDistinctAggregate(CallOf("sum_distinct")));
  EXPECT_FALSE(IsDistinctAggregate(CallOf("approx_count_distinct")));
  EXPECT_TRUE(IsDistinctAggregate(CallOf("approx_count_distinct_distinct")));
  EXPECT_TRUE(StreamingAggregateSupported(CallOf("approx_count_distinct")));
  EXPECT_TRUE(StreamingAggregateSupported(CallOf("collect_set")));
  EXPECT_FALSE(StreamingAggregateSupported(CallOf("count_distinct")));
}

TEST(AggregateDefinitionsTest, Nullability) {
  for (const char* f : {"count", "count_all", "count_distinct", "approx_count_distinct", "count_if", "collect_list",
                        "collect_set", "count_min_sketch", "kll_sketch_agg_double", "bitmap_or_agg"}) {
    EXPECT_FALSE(AggregateNullable(CallOf(f))) << f;
  }
  for (const char* f : {"sum", "avg", "max", "first", "percentile_approx", "sum_distinct"}) {
    EXPECT_TRUE(AggregateNullable(CallOf(f))) << f;
  }
}

}  // namespace
}  // namespace spate
