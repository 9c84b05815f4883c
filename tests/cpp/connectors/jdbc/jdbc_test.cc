// The jdbc data source's parts that need no server: URLs, options with
// Spark's messages, the type mapping both ways, and the C++ API's errors
// for a server that is not there (tests/python/test_jdbc.py runs the rest
// against a real PostgreSQL).

#include <gtest/gtest.h>

#include "spate/api/dataframe.h"
#include "spate/api/reader.h"
#include "spate/api/session.h"
#include "spate/api/writer.h"
#include "spate/connectors/jdbc/jdbc_options.h"
#include "spate/connectors/jdbc/jdbc_types.h"

namespace spate::jdbc {
namespace {

TEST(JdbcOptions, PostgresUrls) {
  auto full = ParsePgUrl("jdbc:postgresql://db.example:6543/sales?user=ann&password=p%40ss&sslmode=require&x=1");
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->host, "db.example");
  EXPECT_EQ(full->port, "6543");
  EXPECT_EQ(full->database, "sales");
  EXPECT_EQ(full->params.at("user"), "ann");
  EXPECT_EQ(full->params.at("password"), "p@ss");
  EXPECT_EQ(full->params.at("sslmode"), "require");
  EXPECT_EQ(full->params.count("x"), 0u);
  auto bare = ParsePgUrl("jdbc:postgresql:sales");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->host, "localhost");
  EXPECT_EQ(bare->port, "5432");
  EXPECT_EQ(bare->database, "sales");
  auto other = ParsePgUrl("jdbc:mysql://h/db");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("No suitable driver"), std::string::npos);
}

TEST(JdbcOptions, SparkMessagesForMissingOrConflictingOptions) {
  auto message = [](std::map<std::string, std::string> options, bool for_write) {
    auto parsed = ParseJdbcOptions(options, for_write);
    return parsed.ok() ? std::string() : parsed.status().message();
  };
  const std::string url = "jdbc:postgresql://h/db";
  EXPECT_EQ(message({{"dbtable", "t"}}, false), "requirement failed: Option 'url' is required.");
  EXPECT_NE(message({{"url", url}}, false).find("[_LEGACY_ERROR_TEMP_2079] Option 'dbtable' or 'query' is required."),
            std::string::npos);
  EXPECT_NE(message({{"url", url}}, true).find("[_LEGACY_ERROR_TEMP_2079]"), std::string::npos);
  EXPECT_EQ(message({{"url", url}, {"query", "q"}}, true),
            "requirement failed: Option 'dbtable' is required. Option 'query' is not applicable while writing.");
  EXPECT_NE(message({{"url", url}, {"dbtable", "t"}, {"query", "q"}}, false)
                .find("[_LEGACY_ERROR_TEMP_2078] Both 'dbtable' and 'query' can not be specified at the same time."),
            std::string::npos);
  EXPECT_NE(message({{"url", url}, {"dbtable", "t"}, {"partitioncolumn", "id"}}, false).find("all or none"),
            std::string::npos);
  EXPECT_EQ(message({{"url", url}, {"dbtable", "t"}, {"batchsize", "0"}}, true),
            "requirement failed: Invalid value `0` for parameter `batchsize`. The minimum value is 1.");
  auto query = ParseJdbcOptions({{"url", url}, {"query", " SELECT 1 "}}, false);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->table, "(SELECT 1) SPARK_GEN_SUBQ_0");
}

TEST(JdbcOptions, PredicatesAreAJsonArrayOfConditions) {
  const std::string url = "jdbc:postgresql://h/db";
  auto parsed = ParseJdbcOptions({{"url", url}, {"dbtable", "t"}, {"predicates", R"(["a < 1", "b = 'x\"y'"])"}}, false);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->predicates, (std::vector<std::string>{"a < 1", "b = 'x\"y'"}));
  auto bad = ParseJdbcOptions({{"url", url}, {"dbtable", "t"}, {"predicates", "a < 1"}}, false);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("a JSON array of strings is expected"), std::string::npos);
}

TEST(JdbcTypes, SparkTypesBecomePostgresDialectTypes) {
  EXPECT_EQ(*PostgresTypeOf(*types::String()), "TEXT");
  EXPECT_EQ(*PostgresTypeOf(*types::Int()), "INTEGER");
  EXPECT_EQ(*PostgresTypeOf(*types::Long()), "BIGINT");
  EXPECT_EQ(*PostgresTypeOf(*types::Byte()), "SMALLINT");
  EXPECT_EQ(*PostgresTypeOf(*types::Double()), "FLOAT8");
  EXPECT_EQ(*PostgresTypeOf(*types::Float()), "FLOAT4");
  EXPECT_EQ(*PostgresTypeOf(*types::Binary()), "BYTEA");
  EXPECT_EQ(*PostgresTypeOf(*types::Timestamp()), "TIMESTAMP WITH TIME ZONE");
  EXPECT_EQ(*PostgresTypeOf(*types::TimestampNtz()), "TIMESTAMP");
  EXPECT_EQ(*PostgresTypeOf(*types::Decimal(12, 3)), "NUMERIC(12,3)");
  EXPECT_EQ(*PostgresTypeOf(*types::Array(types::Array(types::Byte(), true), true)), "SMALLINT[][]");
  EXPECT_EQ(*PostgresTypeOf(*types::Array(types::Binary(), true)), "BYTEA[]");
  auto grid = PostgresTypeOf(*types::Array(types::Array(types::Binary(), true), true));
  ASSERT_FALSE(grid.ok());
  EXPECT_NE(grid.status().message().find("array<array<binary>>: multidimensional arrays of binary"), std::string::npos);
  auto structs = PostgresTypeOf(*types::Array(types::Struct({{"a", types::Int(), true}}), true));
  ASSERT_FALSE(structs.ok());
  EXPECT_NE(structs.status().message().find("Can't get JDBC type for array<struct<a:int>>."), std::string::npos);
  auto map = PostgresTypeOf(*types::Map(types::String(), types::Int()));
  ASSERT_FALSE(map.ok());
  EXPECT_NE(map.status().message().find("Can't get JDBC type for map<string,int>"), std::string::npos);
}

TEST(JdbcTypes, PostgresColumnsReadAsSparkTypes) {
  EXPECT_EQ(SparkTypeOf({"a", 23})->SimpleString(), "int");
  EXPECT_EQ(SparkTypeOf({"a", 21})->SimpleString(), "smallint");
  EXPECT_EQ(SparkTypeOf({"a", 1043})->SimpleString(), "string");
  EXPECT_EQ(SparkTypeOf({"a", 1184})->SimpleString(), "timestamp");
  EXPECT_EQ(SparkTypeOf({"a", 1700, -1})->SimpleString(), "decimal(38,18)");
  EXPECT_EQ(SparkTypeOf({"a", 1700, ((10 << 16) | 2) + 4})->SimpleString(), "decimal(10,2)");
  EXPECT_EQ(SparkFieldMetadata({"a", 1043, 14}, "varchar"),
            "{\"isSigned\": false, \"isTimestampNTZ\": false, \"jdbcClientType\": \"varchar\", \"scale\": 0, "
            "\"__CHAR_VARCHAR_TYPE_STRING\": \"varchar(10)\"}");
  EXPECT_EQ(SparkTypeOf({"a", 1186})->SimpleString(), "string");  // as Types.OTHER
  EXPECT_EQ(SparkTypeOf({"a", 1083})->SimpleString(), "timestamp");
}

TEST(JdbcApi, ReaderAndWriterReportAnUnreachableServer) {
  auto session = Session::Make();
  const std::string url = "jdbc:postgresql://127.0.0.1:1/db";
  DataFrame df = session->read().jdbc(url, "t", {{"user", "u"}});
  ASSERT_FALSE(df.status().ok());
  EXPECT_NE(df.status().message().find("Cannot connect to PostgreSQL"), std::string::npos);
  DataFrame by_predicates = session->read().jdbc(url, "t", std::vector<std::string>{"id < 3"}, {{"user", "u"}});
  EXPECT_NE(by_predicates.status().message().find("Cannot connect to PostgreSQL"), std::string::npos);
  arrow::Status written = session->Sql("SELECT 1 AS id").write().jdbc(url, "t", "append", {{"user", "u"}});
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.message().find("Cannot connect to PostgreSQL"), std::string::npos);
}

}  // namespace
}  // namespace spate::jdbc
