// from_json reads only the fields a query uses once the plan is optimized, as
// Spark's OptimizeJsonExprs prunes it, unless it has options or the conf is off.

#include "spate/plan/json_expr_pruning.h"

#include <gtest/gtest.h>

#include "../api/test_util.h"
#include "spate/api/functions.h"
#include "spate/plan/optimizer.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

namespace F = functions;

constexpr const char* kSchema = "id BIGINT, sent DOUBLE, user STRING, amount DOUBLE, kind STRING";

DataFrame Lines(const std::shared_ptr<Session>& session) {
  return testing::FromRows(session, arrow::struct_({arrow::field("value", arrow::utf8())}),
                           R"([{"value": "{\"id\":1,\"user\":\"a\",\"kind\":\"refund\"}"},
                               {"value": "{\"id\":2,\"user\":\"b\",\"kind\":\"sale\",\"amount\":\"x\"}"}])");
}

// The schema of the first from_json call in the optimized plan, as SQL type text.
std::string FromJsonSchema(const DataFrame& df) {
  std::function<std::string(const BoundExpr&)> in_expr = [&](const BoundExpr& e) -> std::string {
    if (e.kind() == BoundExpr::Kind::kFunction && static_cast<const BoundFunction&>(e).function() == "from_json") {
      return e.type()->Sql();
    }
    for (const auto& c : e.children()) {
      if (std::string found = in_expr(*c); !found.empty()) return found;
    }
    return "";
  };
  std::function<std::string(const PlanNode&)> in_node = [&](const PlanNode& n) -> std::string {
    std::vector<BoundExprPtr> exprs = n.exprs;
    if (n.condition) exprs.push_back(n.condition);
    for (const auto& e : exprs) {
      if (std::string found = in_expr(*e); !found.empty()) return found;
    }
    for (const auto& c : n.children) {
      if (std::string found = in_node(*c); !found.empty()) return found;
    }
    return "";
  };
  return in_node(*Optimize(df.plan()));
}

TEST(JsonExprPruning, AFieldOfFromJsonReadsThatFieldAlone) {
  auto session = Session::Make();
  auto df = Lines(session).select({F::from_json(F::col("value"), kSchema).getField("kind").alias("k")});
  EXPECT_EQ(FromJsonSchema(df), "STRUCT<kind: STRING>");
  EXPECT_EQ(testing::SortedRows(df), (std::vector<std::string>{R"({"k":"refund"})", R"({"k":"sale"})"}));
}

TEST(JsonExprPruning, FieldsReadAfterTheStarExpansionAreTheSchema) {
  auto session = Session::Make();
  auto parsed = Lines(session).select({F::from_json(F::col("value"), kSchema).alias("r")}).select({F::col("r.*")});
  auto counted = parsed.filter(F::col("kind") == lit("refund")).groupBy({}).count();
  EXPECT_EQ(FromJsonSchema(counted), "STRUCT<kind: STRING>");
  EXPECT_EQ(testing::SortedRows(counted), (std::vector<std::string>{R"({"count":1})"}));
  auto summed = parsed.agg({F::sum(F::col("id")).alias("s"), F::count(F::col("user")).alias("n")});
  EXPECT_EQ(FromJsonSchema(summed), "STRUCT<id: BIGINT, user: STRING>");
  EXPECT_EQ(testing::SortedRows(summed), (std::vector<std::string>{R"({"s":3,"n":2})"}));
}

TEST(JsonExprPruning, NotWithOptionsNorWithTheConfOff) {
  auto session = Session::Make();
  auto with_options = Lines(session).select(
      {F::from_json(F::col("value"), kSchema, {{"mode", "PERMISSIVE"}}).getField("kind").alias("k")});
  EXPECT_EQ(FromJsonSchema(with_options), ParseDdlSchema(kSchema).ValueOrDie()->Sql());
  session->conf().Set("spark.sql.optimizer.enableJsonExpressionOptimization", "false");
  auto conf_off = Lines(session).select({F::from_json(F::col("value"), kSchema).getField("kind").alias("k")});
  EXPECT_EQ(FromJsonSchema(conf_off), ParseDdlSchema(kSchema).ValueOrDie()->Sql());
}

TEST(JsonExprPruning, SeveralFieldsWithTheCorruptRecordColumnAreNotPruned) {
  auto session = Session::Make();
  std::string schema = std::string(kSchema) + ", _corrupt_record STRING";
  auto df = Lines(session)
                .select({F::from_json(F::col("value"), schema).alias("r")})
                .select({F::col("r.id"), F::col("r._corrupt_record")});
  EXPECT_EQ(FromJsonSchema(df), ParseDdlSchema(schema).ValueOrDie()->Sql());
}

}  // namespace
}  // namespace spate
