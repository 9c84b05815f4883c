// Which micro-batches run piece by piece (streaming/batch_pieces.h): one
// streaming scan under projections and filters whose values do not depend on
// a row's place in the batch.

#include <gtest/gtest.h>

#include "spate/api/data_stream_reader.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/streaming/batch_pieces.h"

namespace spate {
namespace {

namespace F = functions;

class BatchPiecesTest : public ::testing::Test {
 protected:
  void SetUp() override { session_ = Session::Make(); }
  DataFrame Rate() const { return session_->ReadStream().format("rate").load(); }
  std::shared_ptr<Session> session_;
};

TEST_F(BatchPiecesTest, ProjectionsAndFiltersOverOneStreamRunInPieces) {
  auto df = Rate().selectExpr({"value * 2 AS v", "CAST(timestamp AS STRING) AS t"}).filter(F::col("v") > lit(int64_t{4}));
  ASSERT_TRUE(df.plan() != nullptr);
  EXPECT_TRUE(RunsInPieces(*df.plan()));
  EXPECT_TRUE(RunsInPieces(*Rate().plan()));
}

TEST_F(BatchPiecesTest, PlansThatNeedTheWholeBatchDoNot) {
  EXPECT_FALSE(RunsInPieces(*Rate().groupBy({F::col("value")}).count().plan()));
  EXPECT_FALSE(RunsInPieces(*Rate().dropDuplicates({"value"}).plan()));
  EXPECT_FALSE(RunsInPieces(*Rate().limit(5).plan()));
  EXPECT_FALSE(RunsInPieces(*Rate().union_(Rate()).plan()));
  // Values that depend on a row's place in the batch.
  EXPECT_FALSE(RunsInPieces(*Rate().selectExpr({"value", "monotonically_increasing_id() AS id"}).plan()));
  EXPECT_FALSE(RunsInPieces(*Rate().filter(F::expr("rand(1) < 0.5")).plan()));
  // A batch query has no streaming scan.
  EXPECT_FALSE(RunsInPieces(*session_->Sql("SELECT 1 AS x").plan()));
}

}  // namespace
}  // namespace spate
