#include "spate/api/dataframe.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/exec/executor.h"
#include "spate/expr/value_format.h"

namespace spate {
namespace {

namespace F = functions;

std::shared_ptr<arrow::Table> MakeTable(const std::vector<std::pair<std::string, std::shared_ptr<arrow::DataType>>>& cols,
                                        const std::vector<std::string>& json_columns) {
  arrow::FieldVector fields;
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (size_t i = 0; i < cols.size(); ++i) {
    fields.push_back(arrow::field(cols[i].first, cols[i].second));
    arrays.push_back(arrow::json::ArrayFromJSONString(cols[i].second, json_columns[i]).ValueOrDie());
  }
  return arrow::Table::Make(arrow::schema(fields), arrays);
}

// Rows as "v1|v2" strings in show()'s text form, in result order.
std::vector<std::string> Rows(const DataFrame& df) {
  auto table = df.toArrow();
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  if (!table.ok()) return {};
  auto batch = ToSingleBatch(**table).ValueOrDie();
  std::vector<std::shared_ptr<arrow::Array>> text;
  auto schema = df.schema();
  for (int c = 0; c < batch->num_columns(); ++c) {
    text.push_back(FormatForShow(*batch->column(c), *schema->field(c).type, {}).ValueOrDie());
  }
  std::vector<std::string> rows;
  for (int64_t r = 0; r < batch->num_rows(); ++r) {
    std::string row;
    for (size_t c = 0; c < text.size(); ++c) {
      const auto& s = static_cast<const arrow::StringArray&>(*text[c]);
      row += (c ? "|" : "") + (s.IsNull(r) ? std::string("NULL") : std::string(s.GetView(r)));
    }
    rows.push_back(row);
  }
  return rows;
}

class DataFrameTest : public ::testing::Test {
 protected:
  void SetUp() override {
    session_ = Session::Make();
    people_ = session_->CreateDataFrame(MakeTable(
        {{"id", arrow::int64()}, {"name", arrow::utf8()}, {"dept", arrow::utf8()}, {"salary", arrow::int32()}},
        {"[1, 2, 3, 4, 5]", R"(["ann", "bob", "cid", "dan", null])", R"(["eng", "eng", "ops", null, "ops"])",
         "[100, 200, 50, null, 70]"}));
    depts_ = session_->CreateDataFrame(MakeTable(
        {{"dept", arrow::utf8()}, {"floor", arrow::int32()}},
        {R"(["eng", "ops", "hr", null])", "[3, 1, 2, 9]"}));
  }
  std::shared_ptr<Session> session_;
  DataFrame people_{nullptr, arrow::Status::Invalid("unset")};
  DataFrame depts_{nullptr, arrow::Status::Invalid("unset")};
};

TEST_F(DataFrameTest, SelectFilterAndGeneratedNames) {
  auto df = people_.filter(F::col("salary") > lit(60))
                .select({F::col("id"), F::upper(F::col("name")), F::col("salary") + lit(1)})
                .orderBy({F::col("id")});
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(df.columns(), (std::vector<std::string>{"id", "upper(name)", "(salary + 1)"}));
  EXPECT_EQ(Rows(df), (std::vector<std::string>{"1|ANN|101", "2|BOB|201", "5|NULL|71"}));
}

// spark.range and the SQL range function: ids from start by step before end,
// without overflow at the ends of BIGINT; a step of 0 is refused.
TEST_F(DataFrameTest, RangeCountsFromStartByStepBeforeEnd) {
  EXPECT_EQ(Rows(session_->Range(0, 3)), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(Rows(session_->Range(5, 1, -2)), (std::vector<std::string>{"5", "3"}));
  EXPECT_TRUE(Rows(session_->Range(5, 1)).empty());
  EXPECT_EQ(Rows(session_->Range(INT64_MAX - 1, INT64_MAX, 7)), (std::vector<std::string>{"9223372036854775806"}));
  EXPECT_EQ(Rows(session_->Range(INT64_MIN, INT64_MAX, INT64_MAX)).size(), 3u);
  EXPECT_EQ(session_->Range(0, 3).schema()->field(0).nullable, false);
  EXPECT_EQ(ErrorClassOf(session_->Range(1, 2, 0).status()), "FAILED_FUNCTION_CALL");
  EXPECT_EQ(Rows(session_->Sql("SELECT * FROM range(4, 0, -1, 2) AS r(n) WHERE n > 1")),
            (std::vector<std::string>{"4", "3", "2"}));
  EXPECT_EQ(Rows(session_->Sql("SELECT * FROM posexplode(array('a', 'b'))")), (std::vector<std::string>{"0|a", "1|b"}));
}

// An expression built through the API as deep as the parser refuses is refused
// when used (and built and freed without recursion).
TEST_F(DataFrameTest, TooDeepExpressionsAreRefused) {
  Column sum = lit(1);
  for (int i = 0; i < 100000; ++i) sum = sum + lit(1);
  auto df = people_.select({sum});
  ASSERT_FALSE(df.ok());
  EXPECT_NE(df.status().message().find("[FAILED_TO_PARSE_TOO_COMPLEX]"), std::string::npos);
  Column fine = lit(1);
  for (int i = 0; i < 500; ++i) fine = fine + lit(1);
  auto ok = people_.select({fine.alias("s")}).limit(1);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(Rows(ok), (std::vector<std::string>{"501"}));
}

TEST_F(DataFrameTest, WithColumnReplacesOrAppendsAndDropRenames) {
  auto df = people_.withColumn("salary", F::col("salary") * lit(2))
                .withColumn("bonus", F::coalesce({F::col("salary"), lit(0)}))
                .withColumnRenamed("name", "who")
                .drop({"dept", "not_there"})
                .orderBy({F::col("id")})
                .limit(2);
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(df.columns(), (std::vector<std::string>{"id", "who", "salary", "bonus"}));
  EXPECT_EQ(Rows(df), (std::vector<std::string>{"1|ann|200|200", "2|bob|400|400"}));
}

TEST_F(DataFrameTest, GroupByAggregatesFollowSparkTypesAndNulls) {
  auto df = people_.groupBy({F::col("dept")})
                .agg({F::count(Column("*")).alias("n"), F::sum(F::col("salary")), F::avg(F::col("salary")),
                      F::max(F::col("name")), F::collect_list(F::col("salary"))})
                .orderBy({F::col("dept").asc_nulls_first()});
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(df.columns(), (std::vector<std::string>{"dept", "n", "sum(salary)", "avg(salary)", "max(name)",
                                                    "collect_list(salary)"}));
  EXPECT_EQ(df.schema()->field(2).type->SimpleString(), "bigint");
  EXPECT_EQ(df.schema()->field(3).type->SimpleString(), "double");
  // The NULL dept group has only a NULL salary: sum/avg NULL, collect_list empty.
  EXPECT_EQ(Rows(df), (std::vector<std::string>{"NULL|1|NULL|NULL|dan|[]", "eng|2|300|150.0|bob|[100, 200]",
                                                "ops|2|120|60.0|cid|[50, 70]"}));
}

TEST_F(DataFrameTest, ApproxCountDistinctIsSparksEstimate) {
  // Spark 4.1 gives 103 for approx_count_distinct(id) over range(100), 101 with rsd 0.1.
  std::string ids;
  for (int i = 0; i < 100; ++i) ids += (ids.empty() ? "" : ", ") + std::to_string(i);
  auto df = session_->CreateDataFrame(MakeTable({{"id", arrow::int64()}}, {"[" + ids + "]"}));
  auto counts = df.agg({F::approx_count_distinct(F::col("id")), F::approx_count_distinct(F::col("id"), 0.1)});
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts.columns(), (std::vector<std::string>{"approx_count_distinct(id)", "approx_count_distinct(id)"}));
  EXPECT_EQ(Rows(counts), (std::vector<std::string>{"103|101"}));
  auto bad = df.agg({F::approx_count_distinct(F::col("id"), 0.5)});
  EXPECT_EQ(ErrorClassOf(bad.status()), "FAILED_FUNCTION_CALL");
}

TEST_F(DataFrameTest, GlobalAggregateOverNoRowsGivesOneRow) {
  auto df = people_.filter(F::col("id") > lit(100)).agg({F::count(Column("*")), F::sum(F::col("salary"))});
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(Rows(df), (std::vector<std::string>{"0|NULL"}));
}

TEST_F(DataFrameTest, GroupedCountNamesItsColumnCount) {
  auto df = people_.groupBy({F::col("dept")}).count().orderBy({F::col("count").desc(), F::col("dept")});
  ASSERT_TRUE(df.ok());
  EXPECT_EQ(df.columns(), (std::vector<std::string>{"dept", "count"}));
  EXPECT_EQ(Rows(df), (std::vector<std::string>{"eng|2", "ops|2", "NULL|1"}));
}

TEST_F(DataFrameTest, JoinTypesOnUsingColumn) {
  auto rows = [&](const std::string& how) {
    return Rows(people_.join(depts_, std::vector<std::string>{"dept"}, how)
                    .select({F::col("dept"), F::col("id"), F::col("floor")})
                    .orderBy({F::col("id").asc_nulls_last(), F::col("dept")}));
  };
  EXPECT_EQ(rows("inner"), (std::vector<std::string>{"eng|1|3", "eng|2|3", "ops|3|1", "ops|5|1"}));
  // NULL keys never match: dan (dept NULL) keeps NULL floor; the NULL dept row stays unmatched.
  EXPECT_EQ(rows("left"), (std::vector<std::string>{"eng|1|3", "eng|2|3", "ops|3|1", "NULL|4|NULL", "ops|5|1"}));
  EXPECT_EQ(rows("right"), (std::vector<std::string>{"eng|1|3", "eng|2|3", "ops|3|1", "ops|5|1", "NULL|NULL|9",
                                                     "hr|NULL|2"}));
  EXPECT_EQ(rows("full"), (std::vector<std::string>{"eng|1|3", "eng|2|3", "ops|3|1", "NULL|4|NULL", "ops|5|1",
                                                    "NULL|NULL|9", "hr|NULL|2"}));
}

TEST_F(DataFrameTest, SemiAntiAndConditionJoins) {
  auto p = people_.alias("p");
  auto d = depts_.alias("d");
  auto semi = p.join(d, F::col("p.dept") == F::col("d.dept"), "left_semi").orderBy({F::col("id")});
  ASSERT_TRUE(semi.ok()) << semi.status().ToString();
  EXPECT_EQ(semi.columns(), (std::vector<std::string>{"id", "name", "dept", "salary"}));
  EXPECT_EQ(Rows(semi.select({F::col("id")})), (std::vector<std::string>{"1", "2", "3", "5"}));
  auto anti = p.join(d, F::col("p.dept") == F::col("d.dept"), "anti");
  EXPECT_EQ(Rows(anti.select({F::col("id")})), (std::vector<std::string>{"4"}));
  // An equi-key plus a non-equi rest: only floor > 2 pairs survive.
  auto cond = p.join(d, F::col("p.dept") == F::col("d.dept") && F::col("d.floor") > lit(2), "left")
                  .select({F::col("id"), F::col("floor")})
                  .orderBy({F::col("id")});
  EXPECT_EQ(Rows(cond), (std::vector<std::string>{"1|3", "2|3", "3|NULL", "4|NULL", "5|NULL"}));
}

TEST_F(DataFrameTest, AmbiguousAndUnknownColumnsAreSparkErrors) {
  auto joined = people_.join(depts_, F::col("salary") > lit(0), "cross");
  auto ambiguous = joined.select({F::col("dept")});
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ErrorClassOf(ambiguous.status()), "AMBIGUOUS_REFERENCE");
  auto unknown = people_.select({F::col("nmae")});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(ErrorClassOf(unknown.status()), "UNRESOLVED_COLUMN.WITH_SUGGESTION");
  EXPECT_NE(unknown.status().message().find("Did you mean one of the following? [`name`"), std::string::npos)
      << unknown.status().message();
  // The error travels through later transformations and actions.
  auto later = unknown.filter(F::col("id") > lit(1)).limit(3);
  EXPECT_EQ(later.status().message(), unknown.status().message());
  EXPECT_FALSE(later.count().ok());
}

TEST_F(DataFrameTest, MissingAggregationIsRefused) {
  auto df = people_.groupBy({F::col("dept")}).agg({F::col("name")});
  ASSERT_FALSE(df.ok());
  EXPECT_EQ(ErrorClassOf(df.status()), "MISSING_AGGREGATION");
}

TEST_F(DataFrameTest, UnionDistinctAndDropDuplicates) {
  auto a = people_.select({F::col("dept")});
  auto u = a.union_(a).distinct().orderBy({F::col("dept")});
  EXPECT_EQ(Rows(u), (std::vector<std::string>{"NULL", "eng", "ops"}));
  auto first_per_dept = people_.dropDuplicates({"dept"}).select({F::col("id")}).orderBy({F::col("id")});
  EXPECT_EQ(Rows(first_per_dept), (std::vector<std::string>{"1", "3", "4"}));
  auto by_name = depts_.select({F::col("floor"), F::col("dept")}).unionByName(depts_).count();
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(*by_name, 8);
  auto mismatch = people_.union_(depts_);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(ErrorClassOf(mismatch.status()), "NUM_COLUMNS_MISMATCH");
}

TEST_F(DataFrameTest, IntersectAndExceptCountRowsWithNullsEqual) {
  // people's depts: eng eng ops NULL ops; depts_: eng ops hr NULL.
  auto a = people_.select({F::col("dept")});
  auto b = depts_.select({F::col("dept")});
  auto sorted = [](const DataFrame& df) { return Rows(df.orderBy({F::col("dept")})); };
  EXPECT_EQ(sorted(a.intersect(b)), (std::vector<std::string>{"NULL", "eng", "ops"}));
  EXPECT_EQ(sorted(a.intersectAll(a.union_(a))), (std::vector<std::string>{"NULL", "eng", "eng", "ops", "ops"}));
  EXPECT_EQ(sorted(b.subtract(a)), (std::vector<std::string>{"hr"}));
  EXPECT_EQ(sorted(a.exceptAll(b)), (std::vector<std::string>{"eng", "ops"}));
  EXPECT_EQ(Rows(a.subtract(a)), std::vector<std::string>{});
  auto mismatch = people_.intersect(depts_);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(ErrorClassOf(mismatch.status()), "NUM_COLUMNS_MISMATCH");
  EXPECT_NE(mismatch.status().message().find("INTERSECT can only be performed"), std::string::npos);
}

TEST_F(DataFrameTest, ToDfRenamesByPositionAndOffsetSkipsRows) {
  auto renamed = depts_.toDF({"d", "d"});
  EXPECT_EQ(renamed.columns(), (std::vector<std::string>{"d", "d"}));
  EXPECT_EQ(ErrorClassOf(depts_.toDF({"x"}).status()), "ASSIGNMENT_ARITY_MISMATCH");
  auto tail = depts_.select({F::col("floor")}).orderBy({F::col("floor")}).offset(2);
  EXPECT_EQ(Rows(tail), (std::vector<std::string>{"3", "9"}));
  EXPECT_EQ(ErrorClassOf(depts_.offset(-1).status()), "INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE");
  auto swapped = depts_.withColumnsRenamed({{"dept", "floor"}, {"floor", "level"}});
  EXPECT_EQ(swapped.columns(), (std::vector<std::string>{"level", "level"}));
}

TEST_F(DataFrameTest, UnpivotMakesARowPerValueColumn) {
  auto long_form = people_.unpivot({F::col("id")}, {F::col("salary"), F::col("id")}, "k", "v")
                       .where(F::col("id") == lit(int64_t{1}));
  EXPECT_EQ(long_form.columns(), (std::vector<std::string>{"id", "k", "v"}));
  EXPECT_EQ(long_form.schema()->field(2).type->SimpleString(), "bigint");
  EXPECT_EQ(Rows(long_form.orderBy({F::col("k")})), (std::vector<std::string>{"1|id|1", "1|salary|100"}));
  auto mismatch = people_.unpivot({F::col("id")}, {F::col("name"), F::col("salary")}, "k", "v");
  EXPECT_EQ(ErrorClassOf(mismatch.status()), "UNPIVOT_VALUE_DATA_TYPE_MISMATCH");
}

TEST_F(DataFrameTest, OrderByNullPlacementDefaults) {
  EXPECT_EQ(Rows(people_.select({F::col("salary")}).orderBy({F::col("salary")})),
            (std::vector<std::string>{"NULL", "50", "70", "100", "200"}));
  EXPECT_EQ(Rows(people_.select({F::col("salary")}).orderBy({F::col("salary").desc()})),
            (std::vector<std::string>{"200", "100", "70", "50", "NULL"}));
}

TEST_F(DataFrameTest, ExplodeAndStarExpansion) {
  auto df = session_->CreateDataFrame(MakeTable(
      {{"k", arrow::int32()}, {"xs", arrow::list(arrow::int32())}},
      {"[1, 2, 3]", "[[10, 20], [], null]"}));
  EXPECT_EQ(Rows(df.select({F::col("k"), F::explode(F::col("xs"))})), (std::vector<std::string>{"1|10", "1|20"}));
  EXPECT_EQ(Rows(df.select({F::col("k"), F::explode_outer(F::col("xs")).alias("x")})),
            (std::vector<std::string>{"1|10", "1|20", "2|NULL", "3|NULL"}));
  auto s = df.select({F::struct_({F::col("k"), F::col("xs")}).alias("s")}).select({Column("s.*")});
  EXPECT_EQ(s.columns(), (std::vector<std::string>{"k", "xs"}));
}

// SQL's LATERAL VIEW: the generator's rows beside each input row, its columns
// named by the aliases and qualified by the view's name; OUTER keeps the rows
// with an empty or NULL input (as PySpark 4.1).
TEST_F(DataFrameTest, SqlLateralViewGeneratesBesideEachRow) {
  auto df = session_->CreateDataFrame(MakeTable(
      {{"k", arrow::int32()}, {"xs", arrow::list(arrow::int32())}},
      {"[1, 2, 3]", "[[10, 20], [], null]"}));
  ASSERT_TRUE(df.createOrReplaceTempView("lv").ok());
  auto inner = session_->Sql("SELECT lv.k, e.x FROM lv LATERAL VIEW explode(xs) e AS x");
  EXPECT_EQ(inner.columns(), (std::vector<std::string>{"k", "x"}));
  EXPECT_EQ(Rows(inner), (std::vector<std::string>{"1|10", "1|20"}));
  EXPECT_EQ(Rows(session_->Sql("SELECT k, pos, col FROM lv LATERAL VIEW OUTER posexplode(xs) e")),
            (std::vector<std::string>{"1|0|10", "1|1|20", "2|NULL|NULL", "3|NULL|NULL"}));
  EXPECT_EQ(ErrorClassOf(session_->Sql("SELECT * FROM lv LATERAL VIEW explode(xs) e AS a, b").status()),
            "UDTF_ALIAS_NUMBER_MISMATCH");
}

TEST_F(DataFrameTest, SqlDescribeQueryListsTheQuerysColumns) {
  auto described = session_->Sql("DESCRIBE QUERY SELECT 1 AS a, 'x' AS b, array(1.5) AS c");
  EXPECT_EQ(described.columns(), (std::vector<std::string>{"col_name", "data_type", "comment"}));
  EXPECT_EQ(Rows(described), (std::vector<std::string>{"a|int|NULL", "b|string|NULL", "c|array<decimal(2,1)>|NULL"}));
  EXPECT_EQ(Rows(session_->Sql("DESCRIBE (SELECT 2 AS p)")), (std::vector<std::string>{"p|int|NULL"}));
}

// Names and errors as PySpark 4.1 gives them.
TEST_F(DataFrameTest, AGeneratorTakesOneAliasPerColumn) {
  auto df = session_->CreateDataFrame(
      MakeTable({{"xs", arrow::list(arrow::int32())}}, {"[[10, 20]]"}));
  const std::vector<std::string> two{"i", "x"};
  auto named = df.select({F::posexplode(F::col("xs")).alias(two)});
  EXPECT_EQ(named.columns(), two);
  EXPECT_EQ(Rows(named), (std::vector<std::string>{"0|10", "1|20"}));
  EXPECT_EQ(ErrorClassOf(df.select({F::posexplode(F::col("xs")).alias("x")}).status()),
            "UDTF_ALIAS_NUMBER_MISMATCH");
  EXPECT_EQ(ErrorClassOf(df.select({F::col("xs").alias(two)}).status()),
            "MULTI_ALIAS_WITHOUT_GENERATOR");
}

// Rows, names and errors as PySpark 4.1 gives them: the first generator outermost.
TEST_F(DataFrameTest, SeveralGeneratorsInOneSelectNest) {
  auto df = session_->CreateDataFrame(MakeTable(
      {{"k", arrow::int32()}, {"xs", arrow::list(arrow::int32())}, {"ys", arrow::list(arrow::int32())}},
      {"[1, 2, 3]", "[[1, 2], null, []]", "[[3, 4], [6], null]"}));
  auto xs = F::col("xs"), ys = F::col("ys");
  auto both = df.select({F::col("k"), F::explode_outer(xs), F::posexplode_outer(ys)});
  EXPECT_EQ(both.columns(), (std::vector<std::string>{"k", "col", "pos", "col"}));
  EXPECT_EQ(Rows(both), (std::vector<std::string>{"1|1|0|3", "1|1|1|4", "1|2|0|3", "1|2|1|4", "2|NULL|0|6",
                                                  "3|NULL|NULL|NULL"}));
  EXPECT_EQ(Rows(df.selectExpr({"explode(xs) AS x", "explode(ys) AS y"})),
            (std::vector<std::string>{"1|3", "1|4", "2|3", "2|4"}));
  EXPECT_EQ(ErrorClassOf(df.select({F::explode(xs) + lit(1)}).status()),
            "UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS");
  EXPECT_EQ(ErrorClassOf(df.groupBy({xs, ys}).agg({F::explode(xs), F::explode(ys)}).status()),
            "UNSUPPORTED_GENERATOR.MULTI_GENERATOR");
}

// As PySpark 4.1: Generate over Aggregate.
TEST_F(DataFrameTest, AGeneratorRunsOverAnAggregation) {
  auto df = session_->CreateDataFrame(
      MakeTable({{"k", arrow::int32()}, {"v", arrow::int32()}}, {"[1, 1, 2]", "[10, 20, 30]"}));
  auto bounds = F::array({F::min(F::col("v")), F::max(F::col("v"))});
  auto out = df.groupBy({F::col("k")})
                 .agg({F::posexplode(bounds).alias(std::vector<std::string>{"i", "m"})})
                 .orderBy({F::col("k"), F::col("i")});
  EXPECT_EQ(out.columns(), (std::vector<std::string>{"k", "i", "m"}));
  EXPECT_EQ(Rows(out), (std::vector<std::string>{"1|0|10", "1|1|20", "2|0|30", "2|1|30"}));
}

// As PySpark 4.1: the replaced column keeps its place.
TEST_F(DataFrameTest, WithColumnTakesAGenerator) {
  auto df = session_->CreateDataFrame(MakeTable(
      {{"k", arrow::int32()}, {"xs", arrow::list(arrow::int32())}, {"ys", arrow::list(arrow::int32())}},
      {"[1, 2]", "[[1, 2], null]", "[[3], [6]]"}));
  auto out = df.withColumn("xs", F::explode(F::col("xs"))).withColumn("y", F::explode_outer(F::col("ys")));
  EXPECT_EQ(out.columns(), (std::vector<std::string>{"k", "xs", "ys", "y"}));
  EXPECT_EQ(Rows(out), (std::vector<std::string>{"1|1|[3]|3", "1|2|[3]|3"}));
}

// string(x), int(x), ...: casts named as their argument, as PySpark 4.1 gives them.
TEST_F(DataFrameTest, TypeNamedFunctionsCast) {
  auto df = session_->CreateDataFrame(MakeTable({{"x", arrow::utf8()}}, {R"(["12"])"}));
  auto cast = df.select({F::expr("int(x)"), F::expr("string(int(x) + 1)"), F::expr("decimal(x)")});
  EXPECT_EQ(cast.columns(), (std::vector<std::string>{"x", "(x + 1)", "x"}));
  EXPECT_EQ(cast.schema()->ToDdl(), "x INT,`(x + 1)` STRING,x DECIMAL(10,0)");
  EXPECT_EQ(Rows(cast), (std::vector<std::string>{"12|13|12"}));
  EXPECT_EQ(ErrorClassOf(df.select({F::expr("string(x, x)")}).status()), "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
}

// Names as PySpark 4.1 gives them.
TEST_F(DataFrameTest, StructFieldsTakeTheirArgumentsAliases) {
  auto df = session_->CreateDataFrame(MakeTable({{"k", arrow::int32()}, {"v", arrow::int32()}}, {"[1, 1]", "[2, 5]"}));
  auto s = df.select({F::struct_({F::col("v").alias("m"), F::col("k"), F::col("k") + lit(1)})});
  EXPECT_EQ(s.schema()->ToDdl(), "`struct(v AS m, k, (k + 1))` STRUCT<m: INT, k: INT, col3: INT> NOT NULL");
  auto agg = df.groupBy({F::col("k")}).agg({F::struct_({F::col("k"), F::max(F::col("v"))}),
                                            F::struct_({F::max(F::col("v")).alias("top")})});
  EXPECT_EQ(agg.schema()->ToDdl(),
            "k INT,`struct(k, max(v))` STRUCT<k: INT, col2: INT> NOT NULL,"
            "`struct(max(v) AS top)` STRUCT<top: INT> NOT NULL");
  EXPECT_EQ(Rows(agg.orderBy({F::col("k")})), (std::vector<std::string>{"1|{1, 5}|{5}"}));
}

// Expected rows as PySpark 4.1 gives them.
TEST_F(DataFrameTest, JsonTextFunctionsReadAsSparksParser) {
  auto df = session_->CreateDataFrame(MakeTable(
      {{"j", arrow::utf8()}}, {R"(["{'a':[1,{'b':2}]} tail", "{\"a\":[\"x\",\"y\"],\"a\":1}", "{a:1}", "1x", null])"}));
  auto j = F::col("j");
  EXPECT_EQ(Rows(df.select({F::get_json_object(j, "$.a[1].b"), F::get_json_object(j, "$.a[*]"),
                            F::json_array_length(F::get_json_object(j, "$.a")), F::json_object_keys(j)})),
            (std::vector<std::string>{"2|[1,{\"b\":2}]|2|[a]", "NULL|[\"x\",\"y\"]|2|[a, a]", "NULL|NULL|NULL|NULL",
                                      "NULL|NULL|NULL|NULL", "NULL|NULL|NULL|NULL"}));
  EXPECT_EQ(Rows(df.select({F::json_tuple(j, {"a", "b"})})),
            (std::vector<std::string>{"[1,{\"b\":2}]|NULL", "1|NULL", "NULL|NULL", "NULL|NULL", "NULL|NULL"}));
}

TEST_F(DataFrameTest, SchemaOfJsonReadsWithFromJsonsOptions) {
  auto one = session_->CreateDataFrame(MakeTable({{"k", arrow::int32()}}, {"[1]"}));
  EXPECT_EQ(Rows(one.select({F::schema_of_json("{'a':1e400, 'b':[12345678901234567890123]}"),
                             F::schema_of_json("{a:1, \"b\":null}", {{"allowUnquotedFieldNames", "true"},
                                                                      {"dropFieldIfAllNull", "true"}})})),
            (std::vector<std::string>{"STRUCT<a: DOUBLE, b: ARRAY<DECIMAL(23,0)>>|STRUCT<a: BIGINT>"}));
  // Spark lets Jackson's parse error through; Spate names the malformed record.
  auto bad = one.select({F::schema_of_json("{a:1}")}).toArrow();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(ErrorClassOf(bad.status()), "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION");
  EXPECT_NE(bad.status().message().find("{a:1}"), std::string::npos) << bad.status().message();
}

// Expected types from PySpark 4.1's schema_of_json with the same texts and option.
TEST_F(DataFrameTest, SchemaOfJsonPrefersDecimal) {
  auto one = session_->CreateDataFrame(MakeTable({{"k", arrow::int32()}}, {"[1]"}));
  std::vector<std::pair<std::string, std::string>> decimal{{"prefersDecimal", "true"}};
  EXPECT_EQ(Rows(one.select({F::schema_of_json("{\"a\": 1.50, \"b\": [1.5, 1], \"c\": \"0.5\"}", decimal),
                             F::schema_of_json("[0.1e-40, 1.5]", decimal)})),
            (std::vector<std::string>{"STRUCT<a: DECIMAL(3,2), b: ARRAY<DECIMAL(21,1)>, c: DECIMAL(1,1)>|ARRAY<DOUBLE>"}));
  auto negative = one.select({F::schema_of_json("1e3", decimal)}).toArrow();
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(ErrorClassOf(negative.status()), "NEGATIVE_SCALE_DISALLOWED");
}

// Expected rows from PySpark 4.1: from_csv reads with the datetime patterns
// alone and the locale's decimal separators, to_csv writes with its own patterns.
TEST_F(DataFrameTest, CsvFunctionsTakeDatetimeFormatsAndALocale) {
  auto df = session_->CreateDataFrame(
      MakeTable({{"j", arrow::utf8()}}, {R"(["01/02/2020 10:30;01/02/2020;1.000,5", "2020-01-02 10:30;1/2/2020;1,000.5"])"}));
  auto record = F::from_csv(F::col("j"), "t TIMESTAMP, d DATE, a DECIMAL(10,2)",
                            {{"sep", ";"}, {"timestampFormat", "dd/MM/yyyy HH:mm"}, {"dateFormat", "dd/MM/yyyy"},
                             {"locale", "de-DE"}});
  EXPECT_EQ(Rows(df.select({F::to_csv(record, {{"timestampFormat", "yyyy-MM-dd HH:mm"}, {"dateFormat", "dd.MM.yyyy"}})})),
            (std::vector<std::string>{"2020-02-01 10:30,01.02.2020,1000.50", ",,"}));
}

// Expected rows from PySpark 4.1: from_json reads with the datetime patterns
// (nothing else: the second record's fields are NULL) and the locale's decimal
// separators, to_json writes with its own patterns.
TEST_F(DataFrameTest, JsonFunctionsTakeDatetimeFormatsAndALocale) {
  auto df = session_->CreateDataFrame(MakeTable(
      {{"j", arrow::utf8()}}, {R"(["{\"t\": \"01/02/2020 10:30\", \"d\": \"01/02/2020\", \"a\": \"1.000,5\"}",
                                  "{\"t\": \"2020-01-02 10:30\", \"d\": \"1/2/2020\", \"a\": \"1,000.5\"}"])"}));
  auto record = F::from_json(F::col("j"), "t TIMESTAMP, d DATE, a DECIMAL(10,2)",
                             {{"timestampFormat", "dd/MM/yyyy HH:mm"}, {"dateFormat", "dd/MM/yyyy"}, {"locale", "de-DE"}});
  EXPECT_EQ(Rows(df.select({F::to_json(record, {{"timestampFormat", "yyyy-MM-dd HH:mm"}, {"dateFormat", "dd.MM.yyyy"}})})),
            (std::vector<std::string>{R"({"t":"2020-02-01 10:30","d":"01.02.2020","a":1000.50})", "{}"}));
}

TEST_F(DataFrameTest, SlidingWindowGroupByPutsRowsInEveryWindow) {
  auto events = session_->CreateDataFrame(MakeTable(
      {{"ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")}},
      {"[1704103260000000, 1704103440000000, 1704103620000000]"}));  // 10:01, 10:04, 10:07 UTC
  auto df = events.groupBy({F::window(F::col("ts"), "10 minutes", "5 minutes")})
                .agg({F::count(Column("*")).alias("n")})
                .select({F::col("window.start"), F::col("n")})
                .orderBy({F::col("start")});
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(Rows(df), (std::vector<std::string>{"2024-01-01 09:55:00|2", "2024-01-01 10:00:00|3",
                                                "2024-01-01 10:05:00|1"}));
}

TEST_F(DataFrameTest, ShowPrintsSparksTable) {
  auto text = people_.select({F::col("id"), F::col("name")}).showString(2);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text,
            "+---+----+\n"
            "| id|name|\n"
            "+---+----+\n"
            "|  1| ann|\n"
            "|  2| bob|\n"
            "+---+----+\n"
            "only showing top 2 rows");
}

TEST_F(DataFrameTest, CacheComputesOnce) {
  auto cached = people_.filter(F::col("salary") > lit(60)).cache();
  EXPECT_EQ(*cached.count(), 3);
  // The cached rows feed two different queries.
  EXPECT_EQ(Rows(cached.agg({F::sum(F::col("salary"))})), (std::vector<std::string>{"370"}));
  EXPECT_EQ(cached.plan()->source->table->num_rows(), 3);
}

TEST_F(DataFrameTest, ToJsonAndTempViewsThroughSql) {
  auto json = people_.filter(F::col("id") == lit(int64_t{4})).toJSON();
  ASSERT_TRUE(json.ok()) << json.status().ToString();
  EXPECT_EQ(*json, (std::vector<std::string>{R"({"id":4,"name":"dan"})"}));
  ASSERT_TRUE(people_.createOrReplaceTempView("people").ok());
  auto df = session_->Sql("SELECT dept, count(*) AS n FROM people WHERE salary IS NOT NULL GROUP BY dept ORDER BY n DESC, dept");
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(Rows(df), (std::vector<std::string>{"eng|2", "ops|2"}));
}

TEST_F(DataFrameTest, ExprStringsParseAndReportSyntaxErrors) {
  auto df = people_.selectExpr({"id * 2 AS twice", "CAST(salary AS STRING)"}).filter("twice > 6");
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_EQ(df.columns(), (std::vector<std::string>{"twice", "salary"}));  // CAST(column): its name
  EXPECT_EQ(Rows(df), (std::vector<std::string>{"8|NULL", "10|70"}));
  auto bad = people_.selectExpr({"id +* 2"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(ErrorClassOf(bad.status()), "PARSE_SYNTAX_ERROR");
}

}  // namespace
}  // namespace spate
