// Aggregate FILTER, pivot and groupingSets through the C++ API (PySpark 4.1's
// results are pinned by tests/python/differential/test_grouping_more.py).

#include <gtest/gtest.h>

#include "spate/api/functions.h"
#include "test_util.h"

namespace spate {
namespace {

namespace F = functions;

class PivotTest : public ::testing::Test {
 protected:
  std::shared_ptr<Session> session_ = Session::Make();
  DataFrame df_ = testing::FromRows(
      session_,
      arrow::struct_({arrow::field("g", arrow::int32()), arrow::field("k", arrow::utf8()),
                      arrow::field("v", arrow::int32())}),
      R"([{"g": 1, "k": "a", "v": 1}, {"g": 1, "k": "b", "v": 2}, {"g": 2, "k": "a", "v": 4},
          {"g": 2, "k": null, "v": 8}])");
};

TEST_F(PivotTest, AggregateFilterKeepsItsRowsAndNamesTheFilter) {
  DataFrame out = df_.groupBy({Column("g")}).agg({F::expr("sum(v) FILTER (WHERE k = 'a')"),
                                                 F::expr("count(*) FILTER (WHERE v > 100)")});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out.schema()->field(1).name, "sum(v) FILTER (WHERE (k = a))");
  EXPECT_EQ(testing::SortedRows(out),
            (std::vector<std::string>{R"j({"g":1,"sum(v) FILTER (WHERE (k = a))":1,"count(1) FILTER (WHERE (v > 100))":0})j",
                                      R"j({"g":2,"sum(v) FILTER (WHERE (k = a))":4,"count(1) FILTER (WHERE (v > 100))":0})j"}));
  DataFrame bad = df_.agg({F::expr("sum(v) FILTER (WHERE max(v) > 1)")});
  EXPECT_EQ(testing::ErrorClass(bad.status()), "INVALID_AGGREGATE_FILTER.CONTAINS_AGGREGATE");
}

TEST_F(PivotTest, InferredValuesAreSortedWithNullFirst) {
  DataFrame out = df_.groupBy({Column("g")}).pivot(Column("k")).agg({F::sum(Column("v"))});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out.schema()->fields().size(), 4u);
  EXPECT_EQ(out.schema()->field(1).name, "null");
  EXPECT_EQ(out.schema()->field(2).name, "a");
  EXPECT_EQ(testing::SortedRows(out), (std::vector<std::string>{R"j({"g":1,"a":1,"b":2})j",
                                                                 R"j({"g":2,"null":8,"a":4})j"}));
}

TEST_F(PivotTest, SeveralAggregatesNameValueAndAggregate) {
  DataFrame out = df_.groupBy({Column("g")})
                      .pivot(Column("k"), {lit(std::string("a"))})
                      .agg({F::count(Column("*")).alias("n"), F::max(Column("v"))});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(testing::SortedRows(out), (std::vector<std::string>{R"j({"g":1,"a_n":1,"a_max(v)":1})j",
                                                                 R"j({"g":2,"a_n":1,"a_max(v)":4})j"}));
}

TEST_F(PivotTest, GroupingSetsNullTheLeftOutColumns) {
  DataFrame out = df_.groupingSets({{Column("g")}, {}}, {Column("g")}).agg({F::sum(Column("v")).alias("s")});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(testing::SortedRows(out), (std::vector<std::string>{R"j({"g":1,"s":3})j", R"j({"g":2,"s":12})j",
                                                                 R"j({"s":15})j"}));
}

}  // namespace
}  // namespace spate
