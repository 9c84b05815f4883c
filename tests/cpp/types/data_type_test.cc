#include "spate/types/data_type.h"

#include <gtest/gtest.h>

namespace spate {
namespace {

struct Names {
  DataTypePtr type;
  const char* type_name;
  const char* simple;
  const char* sql;
};

TEST(DataTypeTest, SimpleTypesCarrySparkNames) {
  const Names cases[] = {
      {types::Null(), "void", "void", "VOID"},
      {types::Boolean(), "boolean", "boolean", "BOOLEAN"},
      {types::Byte(), "byte", "tinyint", "TINYINT"},
      {types::Short(), "short", "smallint", "SMALLINT"},
      {types::Int(), "integer", "int", "INT"},
      {types::Long(), "long", "bigint", "BIGINT"},
      {types::Float(), "float", "float", "FLOAT"},
      {types::Double(), "double", "double", "DOUBLE"},
      {types::String(), "string", "string", "STRING"},
      {types::Binary(), "binary", "binary", "BINARY"},
      {types::Date(), "date", "date", "DATE"},
      {types::Timestamp(), "timestamp", "timestamp", "TIMESTAMP"},
      {types::TimestampNtz(), "timestamp_ntz", "timestamp_ntz", "TIMESTAMP_NTZ"},
      {types::Decimal(10, 2), "decimal(10,2)", "decimal(10,2)", "DECIMAL(10,2)"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.type->TypeName(), c.type_name);
    EXPECT_EQ(c.type->SimpleString(), c.simple);
    EXPECT_EQ(c.type->Sql(), c.sql);
  }
}

TEST(DataTypeTest, NestedTypesPrintLikeSpark) {
  auto arr = types::Array(types::Int());
  EXPECT_EQ(arr->TypeName(), "array");
  EXPECT_EQ(arr->SimpleString(), "array<int>");
  EXPECT_EQ(arr->Sql(), "ARRAY<INT>");

  auto map = types::Map(types::String(), types::Long());
  EXPECT_EQ(map->SimpleString(), "map<string,bigint>");
  EXPECT_EQ(map->Sql(), "MAP<STRING, BIGINT>");

  auto st = types::Struct({{"a", types::Int()}, {"b", types::Array(types::String())}});
  EXPECT_EQ(st->SimpleString(), "struct<a:int,b:array<string>>");
  EXPECT_EQ(st->Sql(), "STRUCT<a: INT, b: ARRAY<STRING>>");
}

TEST(DataTypeTest, TreeStringMatchesPrintSchema) {
  auto schema = types::Struct({
      {"a", types::Int()},
      {"s", types::Struct({{"x", types::String()}}), false},
      {"arr", types::Array(types::Struct({{"y", types::Long()}}))},
      {"m", types::Map(types::String(), types::Decimal(10, 2))},
  });
  EXPECT_EQ(schema->TreeString(),
            "root\n"
            " |-- a: integer (nullable = true)\n"
            " |-- s: struct (nullable = false)\n"
            " |    |-- x: string (nullable = true)\n"
            " |-- arr: array (nullable = true)\n"
            " |    |-- element: struct (containsNull = true)\n"
            " |    |    |-- y: long (nullable = true)\n"
            " |-- m: map (nullable = true)\n"
            " |    |-- key: string\n"
            " |    |-- value: decimal(10,2) (valueContainsNull = true)\n");
}

TEST(DataTypeTest, EqualityIsStructuralIncludingNullability) {
  EXPECT_TRUE(*types::Decimal(10, 2) == *types::Decimal(10, 2));
  EXPECT_FALSE(*types::Decimal(10, 2) == *types::Decimal(10, 3));
  EXPECT_FALSE(*types::Array(types::Int(), true) == *types::Array(types::Int(), false));
  auto a = types::Struct({{"a", types::Int(), true}});
  auto b = types::Struct({{"a", types::Int(), false}});
  auto c = types::Struct({{"A", types::Int(), true}});
  EXPECT_TRUE(*a == *types::Struct({{"a", types::Int(), true}}));
  EXPECT_FALSE(*a == *b);
  EXPECT_FALSE(*a == *c);
  EXPECT_FALSE(*types::Int() == *types::Long());
}

TEST(DataTypeTest, ToDdlQuotesNamesAndKeepsComments) {
  StructField commented{"b c", types::String()};
  commented.metadata_json = R"({"comment":"it's"})";
  auto schema = types::Struct({{"a", types::Int(), false}, commented});
  EXPECT_EQ(schema->ToDdl(), "a INT NOT NULL,`b c` STRING COMMENT 'it\\'s'");
  EXPECT_EQ(schema->field(1).Comment(), "it's");
}

TEST(DataTypeTest, QuoteIfNeeded) {
  EXPECT_EQ(QuoteIfNeeded("abc_1"), "abc_1");
  EXPECT_EQ(QuoteIfNeeded("1a"), "1a");
  EXPECT_EQ(QuoteIfNeeded("123"), "`123`");
  EXPECT_EQ(QuoteIfNeeded("a b"), "`a b`");
  EXPECT_EQ(QuoteIfNeeded("a`b"), "`a``b`");
  EXPECT_EQ(QuoteIfNeeded(""), "``");
}

TEST(DataTypeTest, FieldLookup) {
  auto st = types::Struct({{"a", types::Int()}, {"b", types::String()}});
  EXPECT_EQ(st->FieldIndex("b"), 1);
  EXPECT_EQ(st->FieldIndex("B"), -1);
  EXPECT_EQ(st->FieldNames(), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace spate
