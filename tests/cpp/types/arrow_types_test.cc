#include "spate/types/arrow_types.h"

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <gtest/gtest.h>

#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

TEST(ArrowTypesTest, SparkTypesMapOntoArrow) {
  auto schema = ParseDdlSchema(
      "a boolean, b tinyint, c smallint, d int NOT NULL, e bigint, f float, g double, "
      "h decimal(12,3), i string, j binary, k date, l timestamp, m timestamp_ntz, "
      "n array<int>, o map<string,double>, p struct<x:int>, q void");
  ASSERT_TRUE(schema.ok());
  auto arrow_schema = ToArrowSchema(**schema);
  ASSERT_TRUE(arrow_schema.ok());
  auto expected = arrow::schema({
      arrow::field("a", arrow::boolean()),
      arrow::field("b", arrow::int8()),
      arrow::field("c", arrow::int16()),
      arrow::field("d", arrow::int32(), false),
      arrow::field("e", arrow::int64()),
      arrow::field("f", arrow::float32()),
      arrow::field("g", arrow::float64()),
      arrow::field("h", arrow::decimal128(12, 3)),
      arrow::field("i", arrow::utf8()),
      arrow::field("j", arrow::binary()),
      arrow::field("k", arrow::date32()),
      arrow::field("l", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC")),
      arrow::field("m", arrow::timestamp(arrow::TimeUnit::MICRO)),
      arrow::field("n", arrow::list(arrow::field("element", arrow::int32()))),
      arrow::field("o", arrow::map(arrow::utf8(), arrow::float64())),
      arrow::field("p", arrow::struct_({arrow::field("x", arrow::int32())})),
      arrow::field("q", arrow::null()),
  });
  EXPECT_TRUE((*arrow_schema)->Equals(*expected)) << (*arrow_schema)->ToString();

  auto back = FromArrowSchema(**arrow_schema);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(**back == **schema);
}

TEST(ArrowTypesTest, ForeignArrowTypesReadAsSparkReadsParquet) {
  struct Case {
    std::shared_ptr<arrow::DataType> arrow_type;
    const char* spark;
  };
  const Case cases[] = {
      {arrow::large_utf8(), "string"},
      {arrow::utf8_view(), "string"},
      {arrow::large_binary(), "binary"},
      {arrow::uint8(), "smallint"},
      {arrow::uint16(), "int"},
      {arrow::uint32(), "bigint"},
      {arrow::uint64(), "decimal(20,0)"},
      {arrow::timestamp(arrow::TimeUnit::NANO, "America/New_York"), "timestamp"},
      {arrow::timestamp(arrow::TimeUnit::MILLI), "timestamp_ntz"},
      {arrow::date64(), "date"},
      {arrow::large_list(arrow::int64()), "array<bigint>"},
      {arrow::dictionary(arrow::int32(), arrow::utf8()), "string"},
  };
  for (const auto& c : cases) {
    auto t = FromArrowType(*c.arrow_type);
    ASSERT_TRUE(t.ok()) << c.arrow_type->ToString();
    EXPECT_EQ((*t)->SimpleString(), c.spark) << c.arrow_type->ToString();
  }
}

TEST(ArrowTypesTest, UnsupportedArrowTypeIsNamed) {
  auto t = FromArrowType(*arrow::time64(arrow::TimeUnit::MICRO));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("[UNSUPPORTED_ARROWTYPE] Unsupported arrow type time64[us]"),
            std::string::npos)
      << t.status().message();
}

TEST(ArrowTypesTest, FieldCommentsTravelAsMetadata) {
  auto schema = ParseDdlSchema("a int COMMENT 'hello'");
  ASSERT_TRUE(schema.ok());
  auto arrow_schema = ToArrowSchema(**schema);
  ASSERT_TRUE(arrow_schema.ok());
  auto meta = (*arrow_schema)->field(0)->metadata();
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(*meta->Get(kSparkMetadataKey), R"({"comment":"hello"})");
  auto back = FromArrowSchema(**arrow_schema);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)->field(0).Comment(), "hello");
}

}  // namespace
}  // namespace spate
