// Scans that read on demand learn the columns a query uses and the filter
// conjuncts above them (through renaming projections), and still return rows
// the Filter and Project above reduce correctly.

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "spate/api/dataframe.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/plan/optimizer.h"
#include "spate/plan/plan_builder.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

namespace F = functions;

struct Recorded {
  std::vector<ScanRequest> requests;
};

DataFrame LazyTable(const std::shared_ptr<Session>& session, Recorded* recorded) {
  auto schema = ParseDdlSchema("a INT, b STRING, c DOUBLE").ValueOrDie();
  auto source = std::make_shared<ScanSource>();
  source->description = "LazyScan";
  source->reader = [recorded](const ScanRequest& request, TaskPool*) -> arrow::Result<std::shared_ptr<arrow::Table>> {
    recorded->requests.push_back(request);
    auto a = arrow::json::ArrayFromJSONString(arrow::int32(), "[1, 2, 3]").ValueOrDie();
    auto b = arrow::json::ArrayFromJSONString(arrow::utf8(), R"(["x", "y", "z"])").ValueOrDie();
    auto c = arrow::json::ArrayFromJSONString(arrow::float64(), "[0.5, 1.5, 2.5]").ValueOrDie();
    auto s = arrow::schema({arrow::field("a", arrow::int32()), arrow::field("b", arrow::utf8()),
                            arrow::field("c", arrow::float64())});
    return arrow::Table::Make(s, {a, b, c});
  };
  return DataFrame(session, MakeScan(source, *schema));
}

TEST(ScanPushdown, ProjectAndFilterTellTheScanTheirColumnsAndConjuncts) {
  auto session = Session::Make();
  Recorded recorded;
  auto df = LazyTable(session, &recorded)
                .withColumnRenamed("a", "id")  // a renaming projection between the filter and the scan
                .filter(F::col("id") > lit(1) && F::col("b") != lit("z"))
                .select({F::col("id")});
  auto rows = df.toArrow();
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows.ValueOrDie()->num_rows(), 1);  // a = 2, b = "y"
  ASSERT_EQ(recorded.requests.size(), 1u);
  const ScanRequest& r = recorded.requests[0];
  EXPECT_EQ(r.columns, (std::vector<bool>{true, true, false}));  // c is not used
  ASSERT_EQ(r.filters.size(), 2u);  // the two conjuncts, over the scan's columns
  EXPECT_EQ(r.filters[0]->children()[0]->kind(), BoundExpr::Kind::kColumn);
  EXPECT_EQ(static_cast<const BoundColumn&>(*r.filters[0]->children()[0]).index(), 0);
}

TEST(ScanPushdown, AnAggregateTellsTheScanItsColumnsAndThoseOfTheFilterBelow) {
  auto session = Session::Make();
  Recorded recorded;
  auto df = LazyTable(session, &recorded).groupBy({F::col("b")}).agg({F::sum(F::col("c")).alias("s")});
  ASSERT_TRUE(df.toArrow().ok());
  auto counted = LazyTable(session, &recorded).filter(F::col("a") > lit(1)).groupBy({}).count();
  ASSERT_EQ(counted.toArrow().ValueOrDie()->num_rows(), 1);
  ASSERT_EQ(recorded.requests.size(), 2u);
  EXPECT_EQ(recorded.requests[0].columns, (std::vector<bool>{false, true, true}));
  EXPECT_TRUE(recorded.requests[0].filters.empty());
  EXPECT_EQ(recorded.requests[1].columns, (std::vector<bool>{true, false, false}));
  EXPECT_EQ(recorded.requests[1].filters.size(), 1u);
}

TEST(ScanPushdown, CountingTheScansRowsReadsNoColumn) {
  auto session = Session::Make();
  Recorded recorded;
  auto counted = LazyTable(session, &recorded).groupBy({}).count().toArrow();
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ((*counted)->column(0)->GetScalar(0).ValueOrDie()->ToString(), "3");
  ASSERT_EQ(recorded.requests.size(), 1u);
  EXPECT_EQ(recorded.requests[0].columns, (std::vector<bool>{false, false, false}));
}

TEST(ScanPushdown, AFilterRightOverAScanPassesOnOnlyTheColumnsReadAbove) {
  // Counting the rows a filter keeps reads only the filter's column: a Project
  // under the filter drops the others, so its kept rows are not copied with them.
  auto session = Session::Make();
  Recorded recorded;
  auto counted = LazyTable(session, &recorded).filter(F::col("c") > lit(1.0)).groupBy({}).count();
  PlanPtr optimized = Optimize(counted.plan());
  const PlanNode* filter = optimized.get();
  while (filter->kind != PlanNode::Kind::kFilter) filter = filter->children[0].get();
  ASSERT_EQ(filter->output.size(), 1u);
  EXPECT_EQ(filter->output[0].name, "c");
  EXPECT_EQ(filter->children[0]->kind, PlanNode::Kind::kProject);
  EXPECT_EQ(filter->children[0]->children[0]->source->request.columns, (std::vector<bool>{false, false, true}));
  auto rows = counted.toArrow();
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ((*rows)->column(0)->GetScalar(0).ValueOrDie()->ToString(), "2");
}

}  // namespace
}  // namespace spate
