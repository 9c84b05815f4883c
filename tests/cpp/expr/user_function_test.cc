// C++ user-defined functions: calls from the DataFrame API, from SQL after
// registration with the session, in filters, aggregates and streaming queries,
// and a callback's errors.

#include "spate/expr/user_function.h"

#include <atomic>

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "spate/api/data_stream_writer.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/connectors/memory/memory_stream.h"
#include "spate/streaming/streaming_query.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

namespace F = functions;

// x + 1 over an int32 array (NULL stays NULL).
UserFunctionCallback PlusOne() {
  return [](const arrow::ArrayVector& args, int64_t length) -> arrow::Result<std::shared_ptr<arrow::Array>> {
    const auto& in = static_cast<const arrow::Int32Array&>(*args.at(0));
    arrow::Int32Builder out;
    ARROW_RETURN_NOT_OK(out.Reserve(length));
    for (int64_t i = 0; i < length; ++i) {
      if (in.IsNull(i)) {
        out.UnsafeAppendNull();
      } else {
        out.UnsafeAppend(in.Value(i) + 1);
      }
    }
    return out.Finish();
  };
}

std::shared_ptr<arrow::Table> Ints(const std::string& json) {
  auto array = arrow::json::ArrayFromJSONString(arrow::int32(), json).ValueOrDie();
  return arrow::Table::Make(arrow::schema({arrow::field("v", arrow::int32())}), {array});
}

std::string Json(const DataFrame& df) {
  auto rows = df.toJSON();
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  std::string out;
  for (const auto& r : rows.ValueOr({})) out += r + ";";
  return out;
}

TEST(UserFunctionTest, DataFrameCallIsNamedAfterTheFunctionAndNullable) {
  auto session = Session::Make();
  auto plus_one = F::udf("plus_one", PlusOne(), types::Int());
  auto df = session->CreateDataFrame(Ints("[1, null, 3]")).select({plus_one({F::col("v")})});
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(df.schema()->field(0).name, "plus_one(v)");
  EXPECT_TRUE(df.schema()->field(0).nullable);
  EXPECT_EQ(Json(df), R"j({"plus_one(v)":2};{};{"plus_one(v)":4};)j");
}

TEST(UserFunctionTest, FiltersAggregatesAndConstantArguments) {
  auto session = Session::Make();
  auto plus_one = F::udf("plus_one", PlusOne(), types::Int());
  auto df = session->CreateDataFrame(Ints("[1, 2, 3]"));
  EXPECT_EQ(Json(df.filter(plus_one({F::col("v")}) > lit(2))), R"j({"v":2};{"v":3};)j");
  EXPECT_EQ(Json(df.agg({F::sum(plus_one({F::col("v")}))})), R"j({"sum(plus_one(v))":9};)j");
  EXPECT_EQ(Json(df.select({plus_one({lit(41)}).alias("c")})), R"j({"c":42};{"c":42};{"c":42};)j");
  EXPECT_EQ(Json(df.groupBy({plus_one({F::col("v")})}).count().orderBy({F::col("plus_one(v)")})),
            R"j({"plus_one(v)":2,"count":1};{"plus_one(v)":3,"count":1};{"plus_one(v)":4,"count":1};)j");
}

TEST(UserFunctionTest, RegisteredFunctionsResolveInSqlAndCallUdf) {
  auto session = Session::Make();
  session->udf().Register("Plus_One", F::udf("plus_one", PlusOne(), types::Int()).function());
  ASSERT_TRUE(session->CreateDataFrame(Ints("[1, 2]")).createOrReplaceTempView("t").ok());
  EXPECT_EQ(Json(session->Sql("SELECT plus_one(v) AS p FROM t WHERE PLUS_ONE(v) > 2")), R"j({"p":3};)j");
  auto df = session->Table("t");
  EXPECT_EQ(Json(df.select({F::call_udf("plus_one", {F::col("v")})})), R"j({"plus_one(v)":2};{"plus_one(v)":3};)j");
  EXPECT_EQ(Json(df.selectExpr({"plus_one(v) AS p"})), R"j({"p":2};{"p":3};)j");
  EXPECT_EQ(Json(df.select({F::call_udf("abs", {F::col("v")})})), R"j({"abs(v)":1};{"abs(v)":2};)j");
  // A registered name hides the built-in function, as Spark's temporary functions do.
  session->udf().Register("abs", F::udf("abs", PlusOne(), types::Int()).function());
  EXPECT_EQ(Json(session->Sql("SELECT abs(v) AS a FROM t")), R"j({"a":2};{"a":3};)j");
  // Another session does not see the function.
  auto other = Session::Make();
  ASSERT_TRUE(other->CreateDataFrame(Ints("[1]")).createOrReplaceTempView("t").ok());
  EXPECT_NE(other->Sql("SELECT plus_one(v) FROM t").status().message().find("UNRESOLVED_ROUTINE"),
            std::string::npos);
}

TEST(UserFunctionTest, CallbackErrorsAndWrongResultsFailTheQuery) {
  auto session = Session::Make();
  auto df = session->CreateDataFrame(Ints("[1, 2]"));
  auto failing = F::udf("failing", [](const arrow::ArrayVector&, int64_t) -> arrow::Result<std::shared_ptr<arrow::Array>> {
    return arrow::Status::Invalid("bad input");
  }, types::Int());
  auto result = df.select({failing({F::col("v")})}).toArrow();
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("bad input"), std::string::npos);
  auto wrong_type = F::udf("wrong_type", [](const arrow::ArrayVector& args, int64_t) {
    return arrow::Result<std::shared_ptr<arrow::Array>>(args.at(0));
  }, types::String());
  result = df.select({wrong_type({F::col("v")})}).toArrow();
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("wrong_type returned int32"), std::string::npos)
      << result.status().ToString();
}

TEST(UserFunctionTest, NondeterministicCopyKeepsTheCallback) {
  auto plus_one = F::udf("plus_one", PlusOne(), types::Int());
  auto nd = plus_one.asNondeterministic();
  EXPECT_TRUE(plus_one.deterministic());
  EXPECT_FALSE(nd.deterministic());
  EXPECT_EQ(nd.name(), "plus_one");
  auto session = Session::Make();
  EXPECT_EQ(Json(session->CreateDataFrame(Ints("[1]")).select({nd({F::col("v")}).alias("p")})), R"j({"p":2};)j");
}

// As Spark's subexpression elimination: a deterministic call a projection
// repeats runs once per batch; a nondeterministic one runs for each call.
TEST(UserFunctionTest, RepeatedDeterministicCallRunsOncePerBatch) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto counted = [calls, plus_one = PlusOne()](const arrow::ArrayVector& args, int64_t length) {
    ++*calls;
    return plus_one(args, length);
  };
  auto session = Session::Make();
  auto df = session->CreateDataFrame(Ints("[1, 2]"));
  auto f = F::udf("counted", counted, types::Int());
  auto twice = [&](const F::UserDefinedFunction& g) {
    return df.select({g({F::col("v")}).alias("a"), (g({F::col("v")}) * lit(10)).alias("b")});
  };
  EXPECT_EQ(Json(twice(f)), R"j({"a":2,"b":20};{"a":3,"b":30};)j");
  EXPECT_EQ(calls->load(), 1);
  calls->store(0);
  EXPECT_EQ(Json(twice(f.asNondeterministic())), R"j({"a":2,"b":20};{"a":3,"b":30};)j");
  EXPECT_EQ(calls->load(), 2);
}

TEST(UserFunctionTest, StreamingQueryCallsTheFunctionOnItsThread) {
  auto session = Session::Make();
  auto stream = MemoryStream::Make(*ParseDdlSchema("v INT"));
  std::atomic<int> calls{0};
  auto counted = F::udf("counted", [&calls, inner = PlusOne()](const arrow::ArrayVector& args, int64_t n) {
    calls.fetch_add(1);
    return inner(args, n);
  }, types::Int());
  auto query = DataFrame(session, stream->plan()).select({counted({F::col("v")}).alias("p")})
                   .writeStream().format("memory").queryName("udf_out").start();
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  ASSERT_TRUE(stream->AddData(Ints("[1, 2]")).ok());
  ASSERT_TRUE((*query)->processAllAvailable().ok());
  ASSERT_TRUE(stream->AddData(Ints("[5]")).ok());
  ASSERT_TRUE((*query)->processAllAvailable().ok());
  ASSERT_TRUE((*query)->stop().ok());
  EXPECT_EQ(Json(session->Sql("SELECT p FROM udf_out ORDER BY p")), R"j({"p":2};{"p":3};{"p":6};)j");
  EXPECT_GE(calls.load(), 2);
}

}  // namespace
}  // namespace spate
