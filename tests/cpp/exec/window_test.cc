// The Window operator on its own: frames over sorted rows, the accumulators
// of the aggregates, and SQL window queries end to end.

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "spate/api/dataframe.h"
#include "spate/api/session.h"
#include "spate/exec/window.h"
#include "spate/plan/window_plan.h"
#include "spate/types/data_type.h"

namespace spate {
namespace {

std::shared_ptr<arrow::Array> Json(const std::shared_ptr<arrow::DataType>& type, const std::string& json) {
  return arrow::json::ArrayFromJSONString(type, json).ValueOrDie();
}

// Runs an accumulator over the growing frames [0, i] and returns its results.
std::shared_ptr<arrow::Array> Running(WindowAccumulator& acc, int64_t n) {
  acc.Reset();
  for (int64_t i = 0; i < n; ++i) {
    EXPECT_TRUE(acc.Add(i).ok());
    EXPECT_TRUE(acc.Emit().ok());
  }
  return acc.Finish().ValueOrDie();
}

TEST(WindowAccumulator, SumIsExactAndSkipsNulls) {
  WindowCall call{.function = "sum", .type = types::Long()};
  auto arg = Json(arrow::int64(), "[1, null, 9223372036854775806, -5]");
  auto acc = MakeWindowAccumulator(call, arg, EvalContext{}).ValueOrDie();
  auto out = Running(*acc, 2);
  EXPECT_TRUE(out->Equals(*Json(arrow::int64(), "[1, 1]"))) << out->ToString();
}

TEST(WindowAccumulator, SumOverflowFailsUnderAnsi) {
  WindowCall call{.function = "sum", .type = types::Long()};
  auto arg = Json(arrow::int64(), "[9223372036854775807, 1]");
  EvalContext ansi;
  ansi.ansi = true;
  auto acc = MakeWindowAccumulator(call, arg, ansi).ValueOrDie();
  ASSERT_TRUE(acc->Add(0).ok());
  ASSERT_TRUE(acc->Add(1).ok());
  EXPECT_FALSE(acc->Emit().ok());
}

TEST(WindowAccumulator, MovingMinRemovesRowsLeavingTheFrame) {
  WindowCall call{.function = "min", .type = types::Int()};
  auto arg = Json(arrow::int32(), "[5, 1, 7, null, 8, 9]");
  auto acc = MakeWindowAccumulator(call, arg, EvalContext{}).ValueOrDie();
  ASSERT_TRUE(acc->CanRemove());
  // Frames of two rows: [0,1], [1,2], [2,3], [3,4], [4,5].
  ASSERT_TRUE(acc->Add(0).ok());
  for (int64_t hi = 1; hi < 6; ++hi) {
    ASSERT_TRUE(acc->Add(hi).ok());
    ASSERT_TRUE(acc->Emit().ok());
    ASSERT_TRUE(acc->Remove(hi - 1).ok());
  }
  auto out = acc->Finish().ValueOrDie();
  EXPECT_TRUE(out->Equals(*Json(arrow::int32(), "[1, 1, 7, 8, 8]"))) << out->ToString();
}

TEST(WindowAccumulator, DoubleSumRecoversFromInfinityAndNaN) {
  WindowCall call{.function = "sum", .type = types::Double()};
  auto arg = Json(arrow::float64(), "[1.5, Infinity, 2.0, 3.0]");
  auto acc = MakeWindowAccumulator(call, arg, EvalContext{}).ValueOrDie();
  ASSERT_TRUE(acc->Add(0).ok());
  ASSERT_TRUE(acc->Add(1).ok());
  ASSERT_TRUE(acc->Emit().ok());  // inf
  ASSERT_TRUE(acc->Add(2).ok());
  ASSERT_TRUE(acc->Remove(0).ok());
  ASSERT_TRUE(acc->Remove(1).ok());
  ASSERT_TRUE(acc->Emit().ok());  // 2.0
  auto out = acc->Finish().ValueOrDie();
  EXPECT_TRUE(out->Equals(*Json(arrow::float64(), "[Infinity, 2.0]"))) << out->ToString();
}

TEST(WindowAccumulator, CollectSetKeepsFirstAppearances) {
  WindowCall call{.function = "collect_set", .type = types::Array(types::Int(), false)};
  auto arg = Json(arrow::int32(), "[3, 1, 3, null, 1]");
  auto acc = MakeWindowAccumulator(call, arg, EvalContext{}).ValueOrDie();
  auto out = Running(*acc, 5);
  auto want = Json(arrow::list(arrow::int32()), "[[3], [3, 1], [3, 1], [3, 1], [3, 1]]");
  EXPECT_TRUE(out->Equals(*want)) << out->ToString();
}

arrow::Result<std::shared_ptr<arrow::Table>> Sql(const std::string& query) {
  auto session = Session::Make();
  auto k = Json(arrow::int32(), "[1, 1, 1, 2, null]");
  auto o = Json(arrow::int32(), "[1, 2, 2, null, 3]");
  auto v = Json(arrow::int32(), "[10, 20, null, 5, 7]");
  auto schema = arrow::schema({arrow::field("k", arrow::int32()), arrow::field("o", arrow::int32()),
                               arrow::field("v", arrow::int32())});
  auto df = session->CreateDataFrame(arrow::Table::Make(schema, {k, o, v}));
  ARROW_RETURN_NOT_OK(df.status());
  ARROW_RETURN_NOT_OK(df.createOrReplaceTempView("t"));
  return session->Sql(query).toArrow();
}

TEST(WindowOperator, RanksTiesAndPartitionsWithNulls) {
  auto out = Sql("SELECT k, o, rank() OVER (PARTITION BY k ORDER BY o) AS r, "
                 "sum(v) OVER (PARTITION BY k ORDER BY o) AS s FROM t ORDER BY k, o");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  auto table = out.ValueOrDie()->CombineChunks().ValueOrDie();
  EXPECT_TRUE(table->GetColumnByName("r")->chunk(0)->Equals(*Json(arrow::int32(), "[1, 1, 2, 2, 1]")))
      << table->ToString();
  EXPECT_TRUE(table->GetColumnByName("s")->chunk(0)->Equals(*Json(arrow::int64(), "[7, 10, 30, 30, 5]")))
      << table->ToString();
}

TEST(WindowOperator, MovingRowsAndRangeFrames) {
  auto out = Sql("SELECT sum(v) OVER (ORDER BY o ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS r, "
                 "count(v) OVER (ORDER BY o RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS c FROM t ORDER BY o, v");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  auto table = out.ValueOrDie()->CombineChunks().ValueOrDie();
  EXPECT_EQ(table->num_rows(), 5);
}

TEST(WindowOperator, RankingWithoutOrderIsRefused) {
  auto out = Sql("SELECT row_number() OVER (PARTITION BY k) FROM t");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("_LEGACY_ERROR_TEMP_1037"), std::string::npos);
}

}  // namespace
}  // namespace spate
