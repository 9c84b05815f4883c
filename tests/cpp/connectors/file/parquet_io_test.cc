#include "spate/connectors/file/parquet_io.h"

#include <cstdlib>
#include <filesystem>

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "spate/types/arrow_types.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

std::filesystem::path TestDir() {
  const char* env = std::getenv("SPATE_TEST_TMPDIR");
  auto dir = std::filesystem::path(env ? env : std::filesystem::temp_directory_path().string()) /
             "parquet_io_test";
  std::filesystem::create_directories(dir);
  return dir;
}

std::shared_ptr<arrow::Array> ArrayFromJson(const std::shared_ptr<arrow::DataType>& type,
                                            const char* json) {
  auto result = arrow::json::ArrayFromJSONString(type, json);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ValueOrDie();
}

TEST(ParquetIoTest, RecordBatchRoundTripsThroughAFile) {
  auto schema = ParseDdlSchema(
      "id bigint NOT NULL, name string, score double, amount decimal(10,2), day date, "
      "ts timestamp, tags array<string>, attrs map<string,int>, loc struct<lat:double,lon:double>");
  ASSERT_TRUE(schema.ok()) << schema.status().message();
  auto arrow_schema = ToArrowSchema(**schema).ValueOrDie();

  std::vector<std::shared_ptr<arrow::Array>> columns;
  const char* data[] = {
      "[1, 2, 3]",
      R"(["a", null, "ccc"])",
      "[1.5, null, -0.25]",
      R"(["12.34", "-0.01", null])",
      "[0, 19000, null]",
      "[0, 1700000000000000, null]",
      R"([["x", "y"], [], null])",
      R"([[["k", 1]], null, [["a", null], ["b", 2]]])",
      R"([{"lat": 1.0, "lon": 2.0}, null, {"lat": -3.5, "lon": null}])",
  };
  for (int i = 0; i < arrow_schema->num_fields(); ++i) {
    columns.push_back(ArrayFromJson(arrow_schema->field(i)->type(), data[i]));
  }
  auto batch = arrow::RecordBatch::Make(arrow_schema, 3, columns);
  ASSERT_TRUE(batch->ValidateFull().ok());
  auto table = arrow::Table::FromRecordBatches({batch}).ValueOrDie();

  auto path = (TestDir() / "roundtrip.parquet").string();
  ASSERT_TRUE(WriteParquetFile(*table, path).ok());
  ASSERT_TRUE(std::filesystem::file_size(path) > 0);

  auto back = ReadParquetFile(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  auto combined = (*back)->CombineChunks().ValueOrDie();
  EXPECT_TRUE(combined->schema()->Equals(*arrow_schema)) << combined->schema()->ToString();
  EXPECT_TRUE(combined->Equals(*table)) << combined->ToString();

  // The Spark schema survives the trip, nullability included.
  auto spark_back = FromArrowSchema(*combined->schema()).ValueOrDie();
  EXPECT_TRUE(*spark_back == **schema);
}

// A field after a struct: the file's Parquet columns are the struct's two
// leaves, then the field's.
TEST(ParquetIoTest, ReadsOnlyTheFieldsKeptAfterANestedOne) {
  auto loc = arrow::struct_({arrow::field("lat", arrow::float64()), arrow::field("lon", arrow::float64())});
  auto schema = arrow::schema({arrow::field("loc", loc), arrow::field("id", arrow::int64()),
                               arrow::field("name", arrow::utf8())});
  auto table = arrow::Table::Make(schema, {ArrayFromJson(loc, R"([{"lat": 1.5, "lon": 2.5}])"),
                                           ArrayFromJson(arrow::int64(), "[7]"),
                                           ArrayFromJson(arrow::utf8(), R"(["x"])")});
  auto path = (TestDir() / "nested_then_flat.parquet").string();
  ASSERT_TRUE(WriteParquetFile(*table, path).ok());
  auto read = ReadParquetFile(path, [](const arrow::Field& f) { return f.name() == "id"; });
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ((*read)->num_columns(), 1);
  EXPECT_EQ((*read)->field(0)->name(), "id");
  EXPECT_TRUE((*read)->column(0)->Equals(arrow::ChunkedArray(ArrayFromJson(arrow::int64(), "[7]"))));
}

TEST(ParquetIoTest, MissingFileIsAnIoErrorNamingThePath) {
  auto result = ReadParquetFile("/nonexistent/dir/x.parquet");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsIOError());
  EXPECT_NE(result.status().message().find("/nonexistent/dir/x.parquet"), std::string::npos);
}

TEST(ParquetIoTest, NotAParquetFileIsRefused) {
  auto path = (TestDir() / "not_parquet.parquet").string();
  {
    FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("this is text, not parquet", f);
    std::fclose(f);
  }
  auto result = ReadParquetFile(path);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("Parquet"), std::string::npos)
      << result.status().message();
}

}  // namespace
}  // namespace spate
