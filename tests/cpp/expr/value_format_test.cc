#include "spate/expr/value_format.h"

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "spate/types/arrow_types.h"
#include "spate/types/ddl_parser.h"

// Expected strings follow Spark 4.1: Cast/ToPrettyString (ToStringBase.scala),
// Dataset.showString, CalendarInterval.toString, Literal.sql and Java's
// Double/Float/BigDecimal.toString.

namespace spate {
namespace {

using Texts = std::vector<std::optional<std::string>>;

DataTypePtr Type(const char* ddl) {
  // Like Spark's, the DDL parser has no CalendarIntervalType.
  if (std::string(ddl) == "interval") return types::Interval();
  auto type = ParseDdlType(ddl);
  EXPECT_TRUE(type.ok()) << type.status().ToString();
  return type.ValueOrDie();
}

std::shared_ptr<arrow::Array> ArrayOf(const DataType& type, const std::string& json) {
  auto arrow_type = ToArrowType(type).ValueOrDie();
  auto array = arrow::json::ArrayFromJSONString(arrow_type, json);
  EXPECT_TRUE(array.ok()) << array.status().ToString();
  return array.ValueOrDie();
}

Texts ToTexts(const arrow::Result<std::shared_ptr<arrow::Array>>& result) {
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  Texts out;
  if (!result.ok()) return out;
  const auto& strings = static_cast<const arrow::StringArray&>(**result);
  for (int64_t i = 0; i < strings.length(); ++i) {
    if (strings.IsNull(i)) {
      out.push_back(std::nullopt);
    } else {
      out.push_back(strings.GetString(i));
    }
  }
  return out;
}

Texts Cast(const char* ddl, const std::string& json, FormatOptions options = {}) {
  auto type = Type(ddl);
  return ToTexts(CastToString(*ArrayOf(*type, json), *type, options));
}

Texts Show(const char* ddl, const std::string& json, FormatOptions options = {}) {
  auto type = Type(ddl);
  return ToTexts(FormatForShow(*ArrayOf(*type, json), *type, options));
}

FormatOptions Zone(const char* zone) {
  FormatOptions options;
  options.time_zone = zone;
  return options;
}

// --- CAST(x AS STRING) --------------------------------------------------------

TEST(ValueFormatCastTest, BooleansAndIntegers) {
  EXPECT_EQ(Cast("boolean", "[true, false, null]"), (Texts{"true", "false", std::nullopt}));
  EXPECT_EQ(Cast("tinyint", "[-128, 127]"), (Texts{"-128", "127"}));
  EXPECT_EQ(Cast("smallint", "[-32768, 0]"), (Texts{"-32768", "0"}));
  EXPECT_EQ(Cast("int", "[1, -2, null]"), (Texts{"1", "-2", std::nullopt}));
  EXPECT_EQ(Cast("bigint", "[9223372036854775807, -9223372036854775808]"),
            (Texts{"9223372036854775807", "-9223372036854775808"}));
}

TEST(ValueFormatCastTest, DoublesAsJavaPrintsThem) {
  EXPECT_EQ(Cast("double", "[1.0, 0.1, 100.0, -2.5, 0.30000000000000004, null]"),
            (Texts{"1.0", "0.1", "100.0", "-2.5", "0.30000000000000004", std::nullopt}));
  // Plain notation covers [1e-3, 1e7); outside it Java switches to d.dddE<n>.
  EXPECT_EQ(Cast("double", "[9999999.0, 10000000.0, 12345678.9, 0.001, 0.0001, 1.5e-10]"),
            (Texts{"9999999.0", "1.0E7", "1.23456789E7", "0.001", "1.0E-4", "1.5E-10"}));
  EXPECT_EQ(Cast("double", "[1.7976931348623157e308, 4.9e-324, 1e21, 123456789012.0]"),
            (Texts{"1.7976931348623157E308", "4.9E-324", "1.0E21", "1.23456789012E11"}));
}

TEST(ValueFormatCastTest, SpecialDoubles) {
  EXPECT_EQ(JavaDoubleString(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(JavaDoubleString(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(JavaDoubleString(-std::numeric_limits<double>::infinity()), "-Infinity");
  EXPECT_EQ(JavaDoubleString(-0.0), "-0.0");
  EXPECT_EQ(JavaDoubleString(0.0), "0.0");
  // The shortest digits that read back (Java 19+); Java 17 prints 9.999999999999999E22.
  EXPECT_EQ(JavaDoubleString(1e23), "1.0E23");
  EXPECT_EQ(JavaFloatString(-0.0f), "-0.0");
  EXPECT_EQ(JavaFloatString(std::numeric_limits<float>::quiet_NaN()), "NaN");

  arrow::DoubleBuilder builder;
  ASSERT_TRUE(builder.AppendValues({std::numeric_limits<double>::quiet_NaN(),
                                    -std::numeric_limits<double>::infinity(), -0.0})
                  .ok());
  auto array = builder.Finish().ValueOrDie();
  EXPECT_EQ(ToTexts(CastToString(*array, *types::Double(), {})),
            (Texts{"NaN", "-Infinity", "-0.0"}));
}

TEST(ValueFormatCastTest, FloatsUseFloatDigits) {
  // 0.1f widened to double is 0.10000000149011612; as a float it prints 0.1.
  EXPECT_EQ(Cast("float", "[0.1, 1.0, 10000000.0, 0.0001, 3.4028234663852886e38, null]"),
            (Texts{"0.1", "1.0", "1.0E7", "1.0E-4", "3.4028235E38", std::nullopt}));
  EXPECT_EQ(JavaDoubleString(static_cast<double>(0.1f)), "0.10000000149011612");
  EXPECT_EQ(JavaFloatString(1.4e-45f), "1.4E-45");
  EXPECT_EQ(JavaFloatString(1234567.0f), "1234567.0");
}

TEST(ValueFormatCastTest, DecimalsPlainUnderAnsi) {
  EXPECT_EQ(Cast("decimal(10,2)", R"(["123.45", "-0.05", "0.00", null])"),
            (Texts{"123.45", "-0.05", "0.00", std::nullopt}));
  EXPECT_EQ(Cast("decimal(5,0)", R"(["12345", "-1"])"), (Texts{"12345", "-1"}));
  EXPECT_EQ(Cast("decimal(38,18)", R"(["0.000000000000000000", "1.500000000000000000"])"),
            (Texts{"0.000000000000000000", "1.500000000000000000"}));
  EXPECT_EQ(Cast("decimal(38,0)", R"(["99999999999999999999999999999999999999"])"),
            (Texts{"99999999999999999999999999999999999999"}));
}

TEST(ValueFormatCastTest, DecimalsWithoutAnsiUseBigDecimalToString) {
  FormatOptions legacy;
  legacy.decimal_plain_string = false;
  // BigDecimal.toString goes scientific once the adjusted exponent drops below -6.
  EXPECT_EQ(Cast("decimal(38,18)", R"(["0.000000000000000000", "1.500000000000000000"])", legacy),
            (Texts{"0E-18", "1.500000000000000000"}));
  EXPECT_EQ(Cast("decimal(10,7)", R"(["0.0000001", "0.0000012", "-0.0000001"])", legacy),
            (Texts{"1E-7", "0.0000012", "-1E-7"}));
  EXPECT_EQ(Cast("decimal(10,6)", R"(["0.000001"])", legacy), (Texts{"0.000001"}));
}

TEST(ValueFormatCastTest, StringsAndBinary) {
  EXPECT_EQ(Cast("string", R"(["abc", "", null, "中文"])"),
            (Texts{"abc", "", std::nullopt, "中文"}));
  // CAST(binary AS STRING) decodes the bytes as UTF-8.
  EXPECT_EQ(Cast("binary", R"(["abc", "", null])"), (Texts{"abc", "", std::nullopt}));
}

TEST(ValueFormatCastTest, Dates) {
  EXPECT_EQ(Cast("date", "[0, -1, 19723, null]"),
            (Texts{"1970-01-01", "1969-12-31", "2024-01-01", std::nullopt}));
  // Proleptic Gregorian (no Julian gap), years padded to four digits, '-' before
  // year 1 and '+' past 9999 as java.time prints them.
  EXPECT_EQ(Cast("date", "[-141428, -354286, -719162, -719163, -719528, -719529, 2932897]"),
            (Texts{"1582-10-14", "0999-12-31", "0001-01-01", "0000-12-31", "0000-01-01",
                   "-0001-12-31", "+10000-01-01"}));
}

TEST(ValueFormatCastTest, TimestampsInUtc) {
  EXPECT_EQ(Cast("timestamp", "[0, 1500000, 1704067200123000, 1704067200000001, null]"),
            (Texts{"1970-01-01 00:00:00", "1970-01-01 00:00:01.5", "2024-01-01 00:00:00.123",
                   "2024-01-01 00:00:00.000001", std::nullopt}));
  EXPECT_EQ(Cast("timestamp", "[-1, -1000000, -14182940000000]"),
            (Texts{"1969-12-31 23:59:59.999999", "1969-12-31 23:59:59", "1969-07-20 20:17:40"}));
}

TEST(ValueFormatCastTest, TimestampsInSessionZoneAcrossDst) {
  auto la = Zone("America/Los_Angeles");
  // 2024-03-10: clocks jump from 02:00 PST to 03:00 PDT.
  EXPECT_EQ(Cast("timestamp", "[1710064799000000, 1710064800000000]", la),
            (Texts{"2024-03-10 01:59:59", "2024-03-10 03:00:00"}));
  // 2024-11-03: 01:30 happens twice, first PDT then PST.
  EXPECT_EQ(Cast("timestamp", "[1730622600000000, 1730626200000000]", la),
            (Texts{"2024-11-03 01:30:00", "2024-11-03 01:30:00"}));
  EXPECT_EQ(Cast("timestamp", "[0, -14182940000000]", la),
            (Texts{"1969-12-31 16:00:00", "1969-07-20 13:17:40"}));
  EXPECT_EQ(Cast("timestamp", "[0]", Zone("Asia/Kolkata")), (Texts{"1970-01-01 05:30:00"}));
}

TEST(ValueFormatCastTest, TimestampNtzIgnoresTheZone) {
  EXPECT_EQ(Cast("timestamp_ntz", "[0, -1, 1710064800000000, null]", Zone("America/Los_Angeles")),
            (Texts{"1970-01-01 00:00:00", "1969-12-31 23:59:59.999999", "2024-03-10 10:00:00",
                   std::nullopt}));
}

TEST(ValueFormatCastTest, Intervals) {
  // month_day_nano: [months, days, nanoseconds]
  EXPECT_EQ(Cast("interval", R"([[0, 0, 5400000000000], [14, 3, 0], [0, 0, 0],
                                 [0, 0, 1500000000], [-1, 0, -1500000000], [0, 2, 3600000000001],
                                 null])"),
            (Texts{"1 hours 30 minutes", "1 years 2 months 3 days", "0 seconds", "1.5 seconds",
                   "-1 months -1.5 seconds", "2 days 1 hours", std::nullopt}));
  EXPECT_EQ(Cast("interval", "[[0, 0, 30000000000], [0, 0, 1000]]"),
            (Texts{"30 seconds", "0.000001 seconds"}));
}

TEST(ValueFormatCastTest, ArraysWithNulls) {
  EXPECT_EQ(Cast("array<int>", "[[1, 2, null], [], null, [null]]"),
            (Texts{"[1, 2, null]", "[]", std::nullopt, "[null]"}));
  EXPECT_EQ(Cast("array<array<double>>", "[[[1.0], null, []]]"),
            (Texts{"[[1.0], null, []]"}));
  EXPECT_EQ(Cast("array<string>", R"([["a", "b c"]])"), (Texts{"[a, b c]"}));
}

TEST(ValueFormatCastTest, MapsWithNulls) {
  EXPECT_EQ(Cast("map<string,int>", R"([[["a", 1], ["b", null]], [], null])"),
            (Texts{"{a -> 1, b -> null}", "{}", std::nullopt}));
  EXPECT_EQ(Cast("map<int,array<int>>", R"([[[1, [2, null]]]])"), (Texts{"{1 -> [2, null]}"}));
}

TEST(ValueFormatCastTest, StructsWithNulls) {
  EXPECT_EQ(Cast("struct<a:int,b:string>",
                 R"([{"a": 1, "b": "x"}, {"a": null, "b": "y"}, {"a": null, "b": null}, null])"),
            (Texts{"{1, x}", "{null, y}", "{null, null}", std::nullopt}));
  EXPECT_EQ(Cast("struct<a:struct<b:double>,c:array<int>>",
                 R"([{"a": {"b": 1e7}, "c": [1]}])"),
            (Texts{"{{1.0E7}, [1]}"}));
}

TEST(ValueFormatCastTest, NestedTemporalValuesUseTheZone) {
  EXPECT_EQ(Cast("array<timestamp>", "[[0, null]]", Zone("America/Los_Angeles")),
            (Texts{"[1969-12-31 16:00:00, null]"}));
  EXPECT_EQ(Cast("struct<d:date,t:timestamp_ntz>", R"([{"d": 19723, "t": 0}])",
                 Zone("America/Los_Angeles")),
            (Texts{"{2024-01-01, 1970-01-01 00:00:00}"}));
}

TEST(ValueFormatCastTest, SlicedArraysKeepTheirOffsets) {
  auto type = Type("array<int>");
  auto array = ArrayOf(*type, "[[1], [2, 3], null, [4]]")->Slice(1, 2);
  EXPECT_EQ(ToTexts(CastToString(*array, *type, {})), (Texts{"[2, 3]", std::nullopt}));
  auto struct_type = Type("struct<a:int>");
  auto structs = ArrayOf(*struct_type, R"([{"a": 1}, {"a": 2}])")->Slice(1);
  EXPECT_EQ(ToTexts(CastToString(*structs, *struct_type, {})), (Texts{"{2}"}));
}

TEST(ValueFormatCastTest, VoidStaysNull) {
  auto array = std::make_shared<arrow::NullArray>(2);
  EXPECT_EQ(ToTexts(CastToString(*array, *types::Null(), {})),
            (Texts{std::nullopt, std::nullopt}));
}

// --- show() cells -------------------------------------------------------------

TEST(ValueFormatShowTest, NullsPrintAsUpperCaseNull) {
  EXPECT_EQ(Show("int", "[1, null]"), (Texts{"1", "NULL"}));
  EXPECT_EQ(Show("array<int>", "[[1, null], null]"), (Texts{"[1, NULL]", "NULL"}));
  EXPECT_EQ(Show("map<string,string>", R"([[["k", null]]])"), (Texts{"{k -> NULL}"}));
  EXPECT_EQ(Show("struct<a:int,b:int>", R"([{"a": null, "b": 2}])"), (Texts{"{NULL, 2}"}));
}

TEST(ValueFormatShowTest, BinaryAsHexBytes) {
  EXPECT_EQ(Show("binary", R"(["abc", "", null, "\u0001\u00ff"])"),
            (Texts{"[61 62 63]", "[]", "NULL", "[01 C3 BF]"}));
  EXPECT_EQ(Show("array<binary>", R"([["ab", null]])"), (Texts{"[[61 62], NULL]"}));
}

TEST(ValueFormatShowTest, DecimalsAlwaysPlain) {
  FormatOptions legacy;
  legacy.decimal_plain_string = false;
  EXPECT_EQ(Show("decimal(38,18)", R"(["0.000000000000000000"])", legacy),
            (Texts{"0.000000000000000000"}));
}

TEST(ValueFormatShowTest, OtherTypesAsCast) {
  EXPECT_EQ(Show("double", "[1e7, 0.5]"), (Texts{"1.0E7", "0.5"}));
  EXPECT_EQ(Show("timestamp", "[0]", Zone("America/Los_Angeles")),
            (Texts{"1969-12-31 16:00:00"}));
  EXPECT_EQ(Show("boolean", "[true]"), (Texts{"true"}));
}

// --- showString layout --------------------------------------------------------

std::shared_ptr<arrow::Table> TableOf(const StructType& schema,
                                      const std::vector<std::string>& column_json) {
  auto arrow_schema = ToArrowSchema(schema).ValueOrDie();
  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (int i = 0; i < schema.num_fields(); ++i) {
    columns.push_back(ArrayOf(*schema.field(i).type, column_json[i]));
  }
  return arrow::Table::Make(arrow_schema, columns);
}

class ValueFormatShowStringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = ParseDdlSchema("id int, name string").ValueOrDie();
    table_ = TableOf(*schema_, {"[1, 2, 3]", R"(["Alice", null,
                                  "a very long name that exceeds twenty chars"])"});
  }

  std::string ShowTable(int num_rows, int truncate, bool vertical = false) {
    auto result = ShowString(*table_, *schema_, num_rows, truncate, vertical, {});
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : "";
  }

  StructTypePtr schema_;
  std::shared_ptr<arrow::Table> table_;
};

TEST_F(ValueFormatShowStringTest, TruncateTwentyRightAligns) {
  EXPECT_EQ(ShowTable(20, 20),
            "+---+--------------------+\n"
            "| id|                name|\n"
            "+---+--------------------+\n"
            "|  1|               Alice|\n"
            "|  2|                NULL|\n"
            "|  3|a very long name ...|\n"
            "+---+--------------------+\n");
}

TEST_F(ValueFormatShowStringTest, TruncateZeroLeftAlignsWholeCells) {
  EXPECT_EQ(ShowTable(20, 0),
            "+---+------------------------------------------+\n"
            "|id |name                                      |\n"
            "+---+------------------------------------------+\n"
            "|1  |Alice                                     |\n"
            "|2  |NULL                                      |\n"
            "|3  |a very long name that exceeds twenty chars|\n"
            "+---+------------------------------------------+\n");
}

TEST_F(ValueFormatShowStringTest, TruncateFive) {
  EXPECT_EQ(ShowTable(20, 5),
            "+---+-----+\n"
            "| id| name|\n"
            "+---+-----+\n"
            "|  1|Alice|\n"
            "|  2| NULL|\n"
            "|  3|a ...|\n"
            "+---+-----+\n");
}

TEST_F(ValueFormatShowStringTest, TruncateBelowFourCutsWithoutEllipsis) {
  // Even NULL is cut: truncation applies to the printed text. Headers are never cut.
  EXPECT_EQ(ShowTable(20, 3),
            "+---+----+\n"
            "| id|name|\n"
            "+---+----+\n"
            "|  1| Ali|\n"
            "|  2| NUL|\n"
            "|  3| a v|\n"
            "+---+----+\n");
}

TEST_F(ValueFormatShowStringTest, FooterWhenRowsRemain) {
  EXPECT_EQ(ShowTable(2, 20),
            "+---+-----+\n"
            "| id| name|\n"
            "+---+-----+\n"
            "|  1|Alice|\n"
            "|  2| NULL|\n"
            "+---+-----+\n"
            "only showing top 2 rows");
  EXPECT_EQ(ShowTable(1, 20),
            "+---+-----+\n"
            "| id| name|\n"
            "+---+-----+\n"
            "|  1|Alice|\n"
            "+---+-----+\n"
            "only showing top 1 row");
  EXPECT_EQ(ShowTable(0, 20),
            "+---+----+\n"
            "| id|name|\n"
            "+---+----+\n"
            "+---+----+\n"
            "only showing top 0 rows");
}

TEST_F(ValueFormatShowStringTest, NoFooterWhenAllRowsShown) {
  EXPECT_EQ(ShowTable(3, 20), ShowTable(20, 20));
}

TEST_F(ValueFormatShowStringTest, Vertical) {
  EXPECT_EQ(ShowTable(20, 20, /*vertical=*/true),
            "-RECORD 0--------------------\n"
            " id   | 1                    \n"
            " name | Alice                \n"
            "-RECORD 1--------------------\n"
            " id   | 2                    \n"
            " name | NULL                 \n"
            "-RECORD 2--------------------\n"
            " id   | 3                    \n"
            " name | a very long name ... \n");
  EXPECT_EQ(ShowTable(1, 0, /*vertical=*/true),
            "-RECORD 0-----\n"
            " id   | 1     \n"
            " name | Alice \n"
            "only showing top 1 row");
}

TEST(ValueFormatShowStringEmptyTest, EmptyTableShowsHeaderAndBorders) {
  auto schema = ParseDdlSchema("id int, name string").ValueOrDie();
  auto table = TableOf(*schema, {"[]", "[]"});
  EXPECT_EQ(ShowString(*table, *schema, 20, 20, false, {}).ValueOrDie(),
            "+---+----+\n"
            "| id|name|\n"
            "+---+----+\n"
            "+---+----+\n");
  EXPECT_EQ(ShowString(*table, *schema, 20, 20, true, {}).ValueOrDie(), "(0 rows)");
}

TEST(ValueFormatShowStringUnicodeTest, FullWidthCharactersCountTwice) {
  EXPECT_EQ(StringHalfWidth("中文字"), 6);
  EXPECT_EQ(StringHalfWidth("ab"), 2);
  EXPECT_EQ(StringHalfWidth("한국어"), 6);
  EXPECT_EQ(StringHalfWidth("é"), 1);
  EXPECT_EQ(StringHalfWidth("😀"), 2);  // a surrogate pair in Java
  auto schema = ParseDdlSchema("name string, n int").ValueOrDie();
  auto table = TableOf(*schema, {R"(["中文字", "ab"])", "[1, 22]"});
  EXPECT_EQ(ShowString(*table, *schema, 20, 20, false, {}).ValueOrDie(),
            "+------+---+\n"
            "|  name|  n|\n"
            "+------+---+\n"
            "|中文字|  1|\n"
            "|    ab| 22|\n"
            "+------+---+\n");
  EXPECT_EQ(ShowString(*table, *schema, 20, 0, false, {}).ValueOrDie(),
            "+------+---+\n"
            "|name  |n  |\n"
            "+------+---+\n"
            "|中文字|1  |\n"
            "|ab    |22 |\n"
            "+------+---+\n");
}

TEST(ValueFormatShowStringEscapeTest, ControlCharactersAreEscaped) {
  auto schema = ParseDdlSchema("s string, b binary, d decimal(38,18)").ValueOrDie();
  auto table = TableOf(*schema, {R"(["a\nb\tc"])", R"(["\u0001"])", R"(["0.000000000000000000"])"});
  EXPECT_EQ(ShowString(*table, *schema, 20, 20, false, {}).ValueOrDie(),
            "+-------+----+--------------------+\n"
            "|      s|   b|                   d|\n"
            "+-------+----+--------------------+\n"
            "|a\\nb\\tc|[01]|0.000000000000000000|\n"
            "+-------+----+--------------------+\n");
}

// --- literals -----------------------------------------------------------------

std::shared_ptr<arrow::Scalar> ScalarOf(const DataType& type, const std::string& json) {
  auto arrow_type = ToArrowType(type).ValueOrDie();
  auto scalar = arrow::json::ScalarFromJSONString(arrow_type, json);
  EXPECT_TRUE(scalar.ok()) << scalar.status().ToString();
  return scalar.ValueOrDie();
}

std::string Pretty(const char* ddl, const std::string& json) {
  auto type = Type(ddl);
  return LiteralPretty(*ScalarOf(*type, json), *type);
}

std::string Sql(const char* ddl, const std::string& json, FormatOptions options = {}) {
  auto type = Type(ddl);
  return LiteralSql(*ScalarOf(*type, json), *type, options);
}

TEST(ValueFormatLiteralTest, PrettyForGeneratedColumnNames) {
  EXPECT_EQ(Pretty("string", R"("it's")"), "it's");
  EXPECT_EQ(Pretty("int", "1"), "1");
  EXPECT_EQ(Pretty("bigint", "5"), "5");
  EXPECT_EQ(Pretty("tinyint", "-3"), "-3");
  EXPECT_EQ(Pretty("double", "1.5"), "1.5");
  EXPECT_EQ(Pretty("double", "1e7"), "1.0E7");
  EXPECT_EQ(Pretty("float", "0.1"), "0.1");
  EXPECT_EQ(Pretty("decimal(10,2)", R"("1.50")"), "1.50");
  EXPECT_EQ(Pretty("decimal(38,18)", R"("0.000000000000000000")"), "0E-18");
  EXPECT_EQ(Pretty("int", "null"), "NULL");
  EXPECT_EQ(Pretty("string", "null"), "NULL");
  // Non-numeric literals keep their SQL form.
  EXPECT_EQ(Pretty("boolean", "true"), "true");
  EXPECT_EQ(Pretty("date", "19723"), "DATE '2024-01-01'");
}

TEST(ValueFormatLiteralTest, SqlForms) {
  EXPECT_EQ(Sql("string", R"("it's")"), R"('it\'s')");
  EXPECT_EQ(Sql("string", R"("a\\b")"), R"('a\\b')");
  EXPECT_EQ(Sql("int", "1"), "1");
  EXPECT_EQ(Sql("bigint", "1"), "1L");
  EXPECT_EQ(Sql("smallint", "1"), "1S");
  EXPECT_EQ(Sql("tinyint", "1"), "1Y");
  EXPECT_EQ(Sql("boolean", "false"), "false");
  EXPECT_EQ(Sql("double", "1.5"), "1.5D");
  EXPECT_EQ(Sql("double", "1e-5"), "1.0E-5D");
  EXPECT_EQ(Sql("float", "1.5"), "CAST('1.5' AS FLOAT)");
  EXPECT_EQ(Sql("decimal(10,2)", R"("1.50")"), "1.50BD");
  EXPECT_EQ(Sql("decimal(38,18)", R"("0.000000000000000000")"), "0E-18BD");
  EXPECT_EQ(Sql("date", "19723"), "DATE '2024-01-01'");
  EXPECT_EQ(Sql("timestamp", "1500000"), "TIMESTAMP '1970-01-01 00:00:01.5'");
  EXPECT_EQ(Sql("timestamp", "0", Zone("America/Los_Angeles")),
            "TIMESTAMP '1969-12-31 16:00:00'");
  EXPECT_EQ(Sql("timestamp_ntz", "0", Zone("America/Los_Angeles")),
            "TIMESTAMP_NTZ '1970-01-01 00:00:00'");
  EXPECT_EQ(Sql("binary", R"("\u0001\u0002")"), "X'0102'");
  EXPECT_EQ(Sql("interval", "[0, 0, 5400000000000]"), "INTERVAL '1 hours 30 minutes'");
}

TEST(ValueFormatLiteralTest, SqlSpecialDoubles) {
  auto nan = std::make_shared<arrow::DoubleScalar>(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(LiteralSql(*nan, *types::Double()), "CAST('NaN' AS DOUBLE)");
  auto inf = std::make_shared<arrow::DoubleScalar>(-std::numeric_limits<double>::infinity());
  EXPECT_EQ(LiteralSql(*inf, *types::Double()), "CAST('-Infinity' AS DOUBLE)");
  auto float_inf = std::make_shared<arrow::FloatScalar>(std::numeric_limits<float>::infinity());
  EXPECT_EQ(LiteralSql(*float_inf, *types::Float()), "CAST('Infinity' AS FLOAT)");
}

TEST(ValueFormatLiteralTest, SqlNulls) {
  EXPECT_EQ(Sql("int", "null"), "CAST(NULL AS INT)");
  EXPECT_EQ(Sql("string", "null"), "CAST(NULL AS STRING)");
  EXPECT_EQ(Sql("array<int>", "null"), "NULL");
  EXPECT_EQ(LiteralSql(arrow::NullScalar(), *types::Null()), "NULL");
}

TEST(ValueFormatLiteralTest, SqlNested) {
  EXPECT_EQ(Sql("array<int>", "[1, 2]"), "ARRAY(1, 2)");
  EXPECT_EQ(Sql("array<bigint>", "[1, null]"), "ARRAY(1L, CAST(NULL AS BIGINT))");
  EXPECT_EQ(Sql("struct<a:int,b:string>", R"({"a": 1, "b": "x"})"),
            "NAMED_STRUCT('a', 1, 'b', 'x')");
  EXPECT_EQ(Sql("map<string,int>", R"([["a", 1]])"), "MAP('a', 1)");
}

}  // namespace
}  // namespace spate
