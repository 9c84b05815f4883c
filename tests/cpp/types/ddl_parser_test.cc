#include "spate/types/ddl_parser.h"

#include <gtest/gtest.h>

#include "spate/common/error.h"
#include "spate/types/json_schema.h"

namespace spate {
namespace {

StructTypePtr Schema(std::string_view ddl) {
  auto result = ParseDdlSchema(ddl);
  EXPECT_TRUE(result.ok()) << result.status().message();
  return result.ok() ? *result : types::Struct({});
}

std::string ErrorOf(std::string_view ddl) {
  auto result = ParseDdlSchema(ddl);
  EXPECT_FALSE(result.ok()) << "expected an error for: " << ddl;
  return result.ok() ? "" : result.status().message();
}

TEST(DdlParserTest, ReadsTheSeedSchema) {
  auto s = Schema("user_id string, session_events int, session_start timestamp");
  EXPECT_EQ(s->SimpleString(), "struct<user_id:string,session_events:int,session_start:timestamp>");
  EXPECT_TRUE(s->field(0).nullable);
}

TEST(DdlParserTest, DeepNestingFailsCleanly) {
  auto nested = [](const char* open, int n) {
    std::string out = "a ";
    for (int i = 0; i < n; ++i) out += open;
    out += "INT";
    return out + std::string(n, '>');
  };
  EXPECT_NE(ErrorOf(nested("ARRAY<", 100000)).find("[FAILED_TO_PARSE_TOO_COMPLEX]"), std::string::npos);
  EXPECT_NE(ErrorOf(nested("MAP<INT, ", 100000)).find("[FAILED_TO_PARSE_TOO_COMPLEX]"), std::string::npos);
  EXPECT_NE(ErrorOf(nested("STRUCT<x: ", 100000)).find("[FAILED_TO_PARSE_TOO_COMPLEX]"), std::string::npos);
  EXPECT_EQ(Schema(nested("ARRAY<", 100))->fields()[0].type->SimpleString().substr(0, 12), "array<array<");
}

TEST(DdlParserTest, NotNullAndComment) {
  auto s = Schema("a INT NOT NULL, b STRING COMMENT 'the b'");
  EXPECT_FALSE(s->field(0).nullable);
  EXPECT_TRUE(s->field(1).nullable);
  EXPECT_EQ(s->field(1).Comment(), "the b");
  EXPECT_EQ(s->ToDdl(), "a INT NOT NULL,b STRING COMMENT 'the b'");
}

TEST(DdlParserTest, NestedTypes) {
  auto s = Schema("s struct<a:int,b:array<string>>, m map<string, array<int>>, e struct<>, n STRUCT<x INT>");
  EXPECT_EQ(s->SimpleString(),
            "struct<s:struct<a:int,b:array<string>>,m:map<string,array<int>>,e:struct<>,"
            "n:struct<x:int>>");
  // Nested elements and values are nullable by default, as in Spark.
  const auto& arr = static_cast<const ArrayType&>(
      *static_cast<const StructType&>(*s->field(0).type).field(1).type);
  EXPECT_TRUE(arr.contains_null());
}

TEST(DdlParserTest, KeywordsAreCaseInsensitiveNamesKeepCase) {
  auto s = Schema("Alpha Int, beta BiGiNt, GAMMA Array<String>");
  EXPECT_EQ(s->SimpleString(), "struct<Alpha:int,beta:bigint,GAMMA:array<string>>");
}

TEST(DdlParserTest, BackquotedNames) {
  auto s = Schema("`a b` int, `x``y` string, `select` long, `int` int");
  EXPECT_EQ(s->FieldNames(), (std::vector<std::string>{"a b", "x`y", "select", "int"}));
}

TEST(DdlParserTest, TypeAliases) {
  auto s = Schema(
      "a byte, b short, c integer, d long, e real, f dec(5,2), g numeric, h decimal, "
      "i decimal(5), j varchar(10), k char(3), l timestamp_ntz, m timestamp_ltz, n binary, "
      "o date, p boolean, q double, r tinyint, s smallint, t bigint, u float, v void");
  EXPECT_EQ(s->SimpleString(),
            "struct<a:tinyint,b:smallint,c:int,d:bigint,e:float,f:decimal(5,2),g:decimal(10,0),"
            "h:decimal(10,0),i:decimal(5,0),j:string,k:string,l:timestamp_ntz,m:timestamp,"
            "n:binary,o:date,p:boolean,q:double,r:tinyint,s:smallint,t:bigint,u:float,v:void>");
}

TEST(DdlParserTest, SingleTypesAndPySparkForms) {
  auto t = ParseDdlType("array<struct<a:int>>");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->SimpleString(), "array<struct<a:int>>");

  auto single = ParseSchemaString("int");
  ASSERT_TRUE(single.ok());
  EXPECT_EQ((*single)->id(), TypeId::kInt);

  auto colons = ParseSchemaString("a: int, b: string");
  ASSERT_TRUE(colons.ok());
  EXPECT_EQ((*colons)->SimpleString(), "struct<a:int,b:string>");

  auto table = ParseSchemaString("a int");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ((*table)->SimpleString(), "struct<a:int>");

  EXPECT_EQ(Schema("")->num_fields(), 0);
}

TEST(DdlParserTest, SimpleStringParsesBack) {
  const char* texts[] = {"struct<a:int,b:array<map<string,decimal(12,3)>>>",
                         "map<bigint,struct<x:timestamp,y:binary>>", "array<array<date>>"};
  for (const char* text : texts) {
    auto t = ParseDdlType(text);
    ASSERT_TRUE(t.ok()) << t.status().message();
    EXPECT_EQ((*t)->SimpleString(), text);
    auto again = ParseDdlType((*t)->Sql());
    ASSERT_TRUE(again.ok()) << again.status().message();
    EXPECT_TRUE(**again == **t);
  }
}

TEST(DdlParserTest, SyntaxErrorNamesTokenAndPosition) {
  EXPECT_EQ(ErrorOf("a int,, b string"),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near ','. SQLSTATE: 42601 (line 1, pos 6)\n"
            "\n== SQL ==\na int,, b string\n------^^^\n");
  EXPECT_EQ(ErrorOf("a int,"),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. SQLSTATE: 42601 "
            "(line 1, pos 6)\n\n== SQL ==\na int,\n------^^^\n");
  EXPECT_EQ(ErrorOf("a int b string").substr(0, 70),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near 'b': extra input 'b'. SQL");
  EXPECT_NE(ErrorOf("a array<int").find("at or near end of input"), std::string::npos);
  EXPECT_NE(ErrorOf("a map<string>").find("at or near '>'"), std::string::npos);
  EXPECT_NE(ErrorOf("a").find("at or near end of input"), std::string::npos);
  EXPECT_NE(ErrorOf("`a int").find("unterminated quoted identifier"), std::string::npos);
  EXPECT_NE(ErrorOf("a string comment 'x").find("unterminated string literal"), std::string::npos);
}

TEST(DdlParserTest, ErrorsOnLaterLinesReportLineAndPos) {
  EXPECT_EQ(ErrorOf("a int,\nb foo"),
            "[UNSUPPORTED_DATATYPE] Unsupported data type \"FOO\". SQLSTATE: 0A000 (line 2, pos 2)\n"
            "\n== SQL ==\na int,\nb foo\n--^^^\n");
}

TEST(DdlParserTest, DecimalLimits) {
  auto error = ErrorOf("d decimal(40,2)");
  EXPECT_EQ(ErrorClassOf(arrow::Status::Invalid(error)), "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION");
  EXPECT_NE(error.find("Decimal precision 40 exceeds max precision 38."), std::string::npos);
  EXPECT_NE(ErrorOf("d decimal(3,5)").find("scale 5"), std::string::npos);
  EXPECT_EQ(Schema("d decimal(38,38)")->field(0).type->SimpleString(), "decimal(38,38)");
}

TEST(DdlParserTest, UnsupportedTypeErrorClass) {
  auto result = ParseDdlSchema("x interval_thing");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(ErrorClassOf(result.status()), "UNSUPPORTED_DATATYPE");
}

}  // namespace
}  // namespace spate
