#include "spate/api/catalog.h"

#include <filesystem>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "spate/api/dataframe.h"
#include "spate/api/functions.h"
#include "spate/api/reader.h"
#include "spate/api/session.h"
#include "spate/api/sql_runner.h"
#include "spate/api/writer.h"
#include "spate/expr/expression.h"
#include "spate/sql/parser.h"
#include "spate/types/ddl_parser.h"
#include "test_util.h"

namespace spate {
namespace {

namespace fs = std::filesystem;
using testing::ErrorClass;
using testing::FilesWithPrefix;
using testing::FreshDir;
using testing::FromRows;
using testing::SortedRows;

// The SQL parser is built separately; these tests run statements as the
// parser produces them.
sql::Statement Statement(sql::Statement::Kind kind, std::vector<std::string> name = {}) {
  sql::Statement st;
  st.kind = kind;
  st.name = std::move(name);
  return st;
}

// SELECT * FROM <name>
sql::SelectPtr SelectAllFrom(const std::string& name) {
  auto from = std::make_shared<sql::FromItem>();
  from->kind = sql::FromItem::Kind::kTable;
  from->name = {name};
  auto select = std::make_shared<sql::SelectStatement>();
  select->select_list = {ex::Star()};
  select->from = from;
  return select;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    warehouse_ = FreshDir("catalog") / "warehouse";
    session_ = NewSession();
  }

  std::shared_ptr<Session> NewSession() {
    auto session = Session::Make();
    session->conf().Set("spark.sql.warehouse.dir", warehouse_.string());
    return session;
  }

  DataFrame People() {
    auto type = arrow::struct_({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8())});
    return FromRows(session_, type, R"([{"id": 1, "name": "ann"}, {"id": 2, "name": null}])");
  }

  DataFrame Run(const sql::Statement& st) { return RunStatement(*session_, st); }

  fs::path warehouse_;
  std::shared_ptr<Session> session_;
};

TEST_F(CatalogTest, SaveAsTableStoresParquetUnderTheWarehouse) {
  ASSERT_TRUE(People().write().saveAsTable("people").ok());
  EXPECT_EQ(FilesWithPrefix(warehouse_ / "people", "part-").size(), 1u);
  EXPECT_TRUE(FilesWithPrefix(warehouse_ / "people", "part-")[0].string().ends_with(".snappy.parquet"));
  DataFrame table = session_->Table("people");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table.schema()->SimpleString(), "struct<id:bigint,name:string>");
  EXPECT_EQ(SortedRows(table), (std::vector<std::string>{R"({"id":1,"name":"ann"})", R"({"id":2})"}));
  EXPECT_EQ(SortedRows(session_->read().table("default.people")).size(), 2u);
  EXPECT_EQ(SortedRows(session_->Table("spark_catalog.default.people")).size(), 2u);
  EXPECT_EQ(ErrorClass(session_->Table("other.people").status()), "SCHEMA_NOT_FOUND");
}

TEST_F(CatalogTest, SaveAsTableModes) {
  ASSERT_TRUE(People().write().saveAsTable("t").ok());
  arrow::Status exists = People().write().saveAsTable("t");
  EXPECT_EQ(ErrorClass(exists), "TABLE_OR_VIEW_ALREADY_EXISTS");
  EXPECT_NE(exists.message().find("Cannot create table or view `spark_catalog`.`default`.`t` because it "
                                  "already exists."),
            std::string::npos)
      << exists.message();
  ASSERT_TRUE(People().write().mode("ignore").saveAsTable("t").ok());
  EXPECT_EQ(*session_->Table("t").count(), 2);
  // Append matches columns by name.
  DataFrame reordered = People().select({functions::col("name"), functions::col("id")});
  ASSERT_TRUE(reordered.write().mode("append").saveAsTable("t").ok());
  EXPECT_EQ(SortedRows(session_->Table("t")),
            (std::vector<std::string>{R"({"id":1,"name":"ann"})", R"({"id":1,"name":"ann"})", R"({"id":2})",
                                      R"({"id":2})"}));
  // Overwrite replaces rows and schema, even when reading the table itself.
  DataFrame narrowed = session_->Table("t").select({functions::col("id")}).distinct();
  ASSERT_TRUE(narrowed.write().mode("overwrite").saveAsTable("t").ok());
  EXPECT_EQ(session_->Table("t").schema()->SimpleString(), "struct<id:bigint>");
  EXPECT_EQ(SortedRows(session_->Table("t")), (std::vector<std::string>{R"({"id":1})", R"({"id":2})"}));
}

TEST_F(CatalogTest, TablesSurviveANewSession) {
  ASSERT_TRUE(People().write().partitionBy({"name"}).saveAsTable("people").ok());
  auto later = NewSession();
  DataFrame table = later->Table("people");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table.schema()->SimpleString(), "struct<id:bigint,name:string>");
  EXPECT_EQ(SortedRows(table), (std::vector<std::string>{R"({"id":1,"name":"ann"})", R"({"id":2})"}));
  EXPECT_EQ(later->catalog().ListTables(), (std::vector<std::string>{"people"}));
}

TEST_F(CatalogTest, TempViewShadowsTable) {
  ASSERT_TRUE(People().write().saveAsTable("t").ok());
  ASSERT_TRUE(People().limit(1).createOrReplaceTempView("t").ok());
  EXPECT_EQ(*session_->Table("t").count(), 1);
  // A qualified name still finds the table.
  EXPECT_EQ(*session_->Table("default.t").count(), 2);
  auto select = Statement(sql::Statement::Kind::kSelect);
  select.select = SelectAllFrom("t");
  EXPECT_EQ(*Run(select).count(), 1);
  ASSERT_TRUE(session_->DropTempView("t"));
  EXPECT_EQ(*Run(select).count(), 2);
}

TEST_F(CatalogTest, MissingTable) {
  DataFrame missing = session_->Table("nope");
  EXPECT_EQ(ErrorClass(missing.status()), "TABLE_OR_VIEW_NOT_FOUND");
  auto select = Statement(sql::Statement::Kind::kSelect);
  select.select = SelectAllFrom("nope");
  EXPECT_EQ(ErrorClass(Run(select).status()), "TABLE_OR_VIEW_NOT_FOUND");
}

TEST_F(CatalogTest, CreateTableWithSchemaThenAppend) {
  auto create = Statement(sql::Statement::Kind::kCreateTable, {"t"});
  create.schema = std::static_pointer_cast<const StructType>(*ParseSchemaString("id BIGINT, name STRING"));
  create.using_format = "parquet";
  ASSERT_TRUE(Run(create).ok()) << Run(create).status().ToString();
  DataFrame empty = session_->Table("t");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty.schema()->SimpleString(), "struct<id:bigint,name:string>");
  EXPECT_EQ(*empty.count(), 0);
  EXPECT_EQ(ErrorClass(Run(create).status()), "TABLE_OR_VIEW_ALREADY_EXISTS");
  create.if_not_exists = true;
  EXPECT_TRUE(Run(create).ok());
  ASSERT_TRUE(People().write().mode("append").saveAsTable("t").ok());
  EXPECT_EQ(*session_->Table("t").count(), 2);
}

TEST_F(CatalogTest, CreateTableAsSelect) {
  ASSERT_TRUE(People().createOrReplaceTempView("src").ok());
  auto ctas = Statement(sql::Statement::Kind::kCreateTable, {"default", "copy"});
  ctas.using_format = "parquet";
  ctas.select = SelectAllFrom("src");
  DataFrame result = Run(ctas);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(SortedRows(session_->Table("copy")), (std::vector<std::string>{R"({"id":1,"name":"ann"})", R"({"id":2})"}));
  EXPECT_EQ(ErrorClass(Run(ctas).status()), "TABLE_OR_VIEW_ALREADY_EXISTS");
}

TEST_F(CatalogTest, DropTable) {
  ASSERT_TRUE(People().write().saveAsTable("t").ok());
  auto drop = Statement(sql::Statement::Kind::kDropTable, {"t"});
  ASSERT_TRUE(Run(drop).ok());
  EXPECT_FALSE(fs::exists(warehouse_ / "t"));
  EXPECT_EQ(ErrorClass(session_->Table("t").status()), "TABLE_OR_VIEW_NOT_FOUND");
  EXPECT_EQ(ErrorClass(Run(drop).status()), "TABLE_OR_VIEW_NOT_FOUND");
  drop.if_exists = true;
  EXPECT_TRUE(Run(drop).ok());
  // The name is free again.
  EXPECT_TRUE(People().write().saveAsTable("t").ok());
}

TEST_F(CatalogTest, ShowTablesListsTablesAndTempViews) {
  ASSERT_TRUE(People().write().saveAsTable("b_table").ok());
  ASSERT_TRUE(People().write().saveAsTable("a_table").ok());
  ASSERT_TRUE(People().createOrReplaceTempView("v").ok());
  DataFrame tables = Run(Statement(sql::Statement::Kind::kShowTables));
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  EXPECT_EQ(tables.columns(), (std::vector<std::string>{"namespace", "tableName", "isTemporary"}));
  EXPECT_EQ(*tables.toJSON(),
            (std::vector<std::string>{R"({"namespace":"default","tableName":"a_table","isTemporary":false})",
                                      R"({"namespace":"default","tableName":"b_table","isTemporary":false})",
                                      R"({"namespace":"","tableName":"v","isTemporary":true})"}));
}

TEST_F(CatalogTest, DescribeTableShowsColumnsAndPartitions) {
  ASSERT_TRUE(People().write().partitionBy({"name"}).saveAsTable("t").ok());
  EXPECT_TRUE(fs::is_directory(warehouse_ / "t" / "name=ann"));
  DataFrame described = Run(Statement(sql::Statement::Kind::kDescribe, {"t"}));
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(*described.toJSON(),
            (std::vector<std::string>{R"({"col_name":"id","data_type":"bigint"})",
                                      R"({"col_name":"name","data_type":"string"})",
                                      R"({"col_name":"# Partition Information","data_type":"","comment":""})",
                                      R"({"col_name":"# col_name","data_type":"data_type","comment":"comment"})",
                                      R"({"col_name":"name","data_type":"string"})"}));
}

TEST_F(CatalogTest, InsertIntoMatchesColumnsByPosition) {
  ASSERT_TRUE(People().write().saveAsTable("t").ok());
  auto type = arrow::struct_({arrow::field("x", arrow::int32()), arrow::field("y", arrow::utf8())});
  DataFrame more = FromRows(session_, type, R"([{"x": 3, "y": "cy"}])");
  ASSERT_TRUE(more.write().insertInto("t").ok());
  EXPECT_EQ(SortedRows(session_->Table("t")),
            (std::vector<std::string>{R"({"id":1,"name":"ann"})", R"({"id":2})", R"({"id":3,"name":"cy"})"}));
  ASSERT_TRUE(more.write().insertInto("t", /*overwrite=*/true).ok());
  EXPECT_EQ(SortedRows(session_->Table("t")), (std::vector<std::string>{R"({"id":3,"name":"cy"})"}));
  arrow::Status narrow = more.select({functions::col("x")}).write().insertInto("t");
  EXPECT_EQ(ErrorClass(narrow), "INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS");
  EXPECT_NE(narrow.message().find("Cannot write to `spark_catalog`.`default`.`t`, the reason is not enough "
                                  "data columns:\nTable columns: `id`, `name`.\nData columns: `x`."),
            std::string::npos)
      << narrow.message();
  EXPECT_EQ(ErrorClass(more.write().insertInto("missing")), "TABLE_OR_VIEW_NOT_FOUND");
}

TEST_F(CatalogTest, ManagedLocationInTheWay) {
  fs::create_directories(warehouse_ / "t");
  arrow::Status status = People().write().saveAsTable("t");
  EXPECT_EQ(ErrorClass(status), "LOCATION_ALREADY_EXISTS");
}


// --- spark.catalog in C++ (spate::catalog) ---------------------------------

TEST_F(CatalogTest, CatalogApiOnTheSessionCatalog) {
  ASSERT_TRUE(People().write().partitionBy({"name"}).saveAsTable("people").ok());
  ASSERT_TRUE(People().createOrReplaceTempView("v").ok());
  Session& s = *session_;
  EXPECT_EQ(catalog::currentCatalog(s), "spark_catalog");
  EXPECT_EQ(catalog::currentDatabase(s), "default");
  ASSERT_EQ(catalog::listCatalogs(s).size(), 1u);
  auto dbs = catalog::listDatabases(s);
  ASSERT_TRUE(dbs.ok());
  ASSERT_EQ(dbs->size(), 1u);
  EXPECT_EQ((*dbs)[0].name, "default");
  EXPECT_EQ((*dbs)[0].description, "default database");
  auto tables = catalog::listTables(s);
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].name, "people");
  EXPECT_EQ((*tables)[0].table_type, "MANAGED");
  EXPECT_EQ((*tables)[1].name, "v");
  EXPECT_TRUE((*tables)[1].is_temporary);
  EXPECT_EQ(catalog::listTables(s, std::nullopt, "p*|x")->size(), 1u);
  auto columns = catalog::listColumns(s, "default.people");
  ASSERT_TRUE(columns.ok()) << columns.status().ToString();
  ASSERT_EQ(columns->size(), 2u);
  EXPECT_FALSE((*columns)[0].is_partition);
  EXPECT_TRUE((*columns)[1].is_partition);
  EXPECT_TRUE(*catalog::tableExists(s, "spark_catalog.default.people"));
  EXPECT_FALSE(*catalog::tableExists(s, "nope"));
  EXPECT_EQ(ErrorClass(catalog::getTable(s, "nope").status()), "TABLE_OR_VIEW_NOT_FOUND");
  EXPECT_EQ(ErrorClass(catalog::setCurrentDatabase(s, "nope")), "SCHEMA_NOT_FOUND");
  EXPECT_EQ(ErrorClass(catalog::setCurrentCatalog(s, "nope")), "CATALOG_NOT_FOUND");
  ASSERT_TRUE(catalog::cacheTable(s, "people").ok());
  EXPECT_TRUE(*catalog::isCached(s, "default.people"));
  catalog::clearCache(s);
  EXPECT_FALSE(*catalog::isCached(s, "people"));
  EXPECT_TRUE(catalog::dropTempView(s, "v"));
  EXPECT_FALSE(catalog::dropTempView(s, "v"));
}

TEST_F(CatalogTest, CatalogApiAndUseOnAHadoopIcebergCatalog) {
  Session& s = *session_;
  s.conf().Set("spark.sql.catalog.ice", "org.apache.iceberg.spark.SparkCatalog");
  s.conf().Set("spark.sql.catalog.ice.type", "hadoop");
  s.conf().Set("spark.sql.catalog.ice.warehouse", (warehouse_.parent_path() / "ice").string());
  ASSERT_TRUE(s.Sql("CREATE NAMESPACE ice.bronze").ok());
  ASSERT_TRUE(s.Sql("CREATE TABLE ice.bronze.events (id BIGINT) USING iceberg").ok());
  EXPECT_TRUE(fs::is_directory(warehouse_.parent_path() / "ice" / "bronze"));
  EXPECT_TRUE(*catalog::databaseExists(s, "ice.bronze"));
  auto tables = catalog::listTables(s, "ice.bronze");
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  ASSERT_EQ(tables->size(), 1u);
  EXPECT_EQ((*tables)[0].catalog, "ice");
  EXPECT_EQ((*tables)[0].ns, (std::vector<std::string>{"bronze"}));
  ASSERT_TRUE(s.Sql("USE ice.bronze").ok());
  EXPECT_EQ(catalog::currentCatalog(s), "ice");
  EXPECT_EQ(catalog::currentDatabase(s), "bronze");
  EXPECT_EQ(*s.Sql("SHOW TABLES").toJSON(),
            (std::vector<std::string>{R"({"namespace":"bronze","tableName":"events","isTemporary":false})"}));
  EXPECT_TRUE(s.Table("events").ok());
  EXPECT_EQ(ErrorClass(s.Sql("DROP NAMESPACE ice.bronze").status()), "SCHEMA_NOT_EMPTY");
  ASSERT_TRUE(s.Sql("DROP NAMESPACE ice.bronze CASCADE").ok());
  EXPECT_FALSE(*catalog::databaseExists(s, "ice.bronze"));
  ASSERT_TRUE(catalog::setCurrentCatalog(s, "spark_catalog").ok());
  EXPECT_EQ(catalog::currentDatabase(s), "default");
}

TEST(CatalogPatternTest, SparkLikePatterns) {
  EXPECT_TRUE(MatchesPattern("events", "ev*"));
  EXPECT_TRUE(MatchesPattern("Events", "EV*"));
  EXPECT_TRUE(MatchesPattern("users", " ev*|users "));
  EXPECT_FALSE(MatchesPattern("events", "ev"));
  EXPECT_FALSE(MatchesPattern("events", "[bad"));
  EXPECT_EQ(QuoteIfNeeded(std::vector<std::string>{"a", "b c"}), "a.`b c`");
}

}  // namespace
}  // namespace spate
