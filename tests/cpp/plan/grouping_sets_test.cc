#include "spate/plan/grouping_sets.h"

#include <gtest/gtest.h>

#include "../api/test_util.h"
#include "spate/api/functions.h"

namespace spate {
namespace {

namespace F = functions;

// The sets as text, each a list of the expressions' names: "a,b|a|".
std::string SetsText(const GroupingSets& sets) {
  std::string out;
  for (size_t s = 0; s < sets.sets.size(); ++s) {
    if (s) out += "|";
    for (size_t i = 0; i < sets.sets[s].size(); ++i) {
      out += (i ? "," : "") + sets.exprs[sets.sets[s][i]]->ToString();
    }
  }
  return out;
}

TEST(GroupingSetsTest, PlainItemsAreNotGroupingSets) {
  EXPECT_FALSE(ExpandGroupingSets({ex::Col({"a"}), ex::Col({"b"})}).has_value());
}

TEST(GroupingSetsTest, RollupCubeAndGroupingSets) {
  auto a = ex::Col({"a"}), b = ex::Col({"b"}), c = ex::Col({"c"});
  EXPECT_EQ(SetsText(*ExpandGroupingSets({ex::Call(kRollup, {a, b})})), "a,b|a|");
  EXPECT_EQ(SetsText(*ExpandGroupingSets({ex::Call(kCube, {a, b})})), "a,b|a|b|");
  EXPECT_EQ(SetsText(*ExpandGroupingSets({ex::Call(kGroupingSets, {ex::Call(kGroupingSet, {a, b}), a,
                                                                   ex::Call(kGroupingSet, {})})})),
            "a,b|a|");
  // A composite element of a rollup stays together.
  EXPECT_EQ(SetsText(*ExpandGroupingSets({ex::Call(kRollup, {ex::Call(kGroupingSet, {a, b}), c})})), "a,b,c|a,b|");
}

TEST(GroupingSetsTest, PlainItemsJoinEverySetAndSeveralCombine) {
  auto a = ex::Col({"a"}), b = ex::Col({"b"}), c = ex::Col({"c"});
  auto sets = *ExpandGroupingSets({a, ex::Call(kRollup, {b}), ex::Call(kCube, {c})});
  EXPECT_EQ(SetsText(sets), "a,b,c|a,b|a,c|a");
  // The expressions in order of appearance (grouping_id's bit order).
  ASSERT_EQ(sets.exprs.size(), 3u);
  EXPECT_EQ(sets.exprs[0]->ToString(), "a");
  EXPECT_EQ(sets.exprs[2]->ToString(), "c");
}

class GroupingSetsPlanTest : public ::testing::Test {
 protected:
  std::shared_ptr<Session> session_ = Session::Make();
  DataFrame df_ = testing::FromRows(
      session_, arrow::struct_({arrow::field("k", arrow::utf8()), arrow::field("v", arrow::int32())}),
      R"([{"k": "x", "v": 1}, {"k": "x", "v": 2}, {"k": null, "v": 4}])");
};

TEST_F(GroupingSetsPlanTest, RollupExpandsBelowTheAggregate) {
  DataFrame out = df_.rollup({Column("k")}).agg({F::sum(Column("v")).alias("s"), F::grouping_id().alias("g")});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_NE(out.explain().find("Expand [[k, v, k, 0], [k, v, null, 1]], [k,v,k,spark_grouping_id]"),
            std::string::npos)
      << out.explain();
  // The NULL key of the data and the NULL of the grand total are two groups.
  EXPECT_EQ(testing::SortedRows(out), (std::vector<std::string>{R"({"k":"x","s":3,"g":0})", R"({"s":4,"g":0})",
                                                                 R"({"s":7,"g":1})"}));
  EXPECT_TRUE(out.schema()->field(0).nullable);
}

TEST_F(GroupingSetsPlanTest, GroupingOutsideGroupingSetsIsRefused) {
  DataFrame out = df_.groupBy({Column("k")}).agg({F::grouping(Column("k"))});
  EXPECT_EQ(testing::ErrorClass(out.status()), "UNSUPPORTED_GROUPING_EXPRESSION");
  out = df_.cube({Column("k")}).agg({F::grouping(Column("v"))});
  EXPECT_EQ(testing::ErrorClass(out.status()), "GROUPING_COLUMN_MISMATCH");
}

}  // namespace
}  // namespace spate
