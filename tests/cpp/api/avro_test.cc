// from_avro / to_avro through the C++ functions API, and the avro file format
// through DataFrameReader/Writer. The Spark semantics are checked against
// PySpark by tests/python/differential/test_avro_*.py; these pin the C++ API.

#include <filesystem>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "spate/api/dataframe.h"
#include "spate/api/functions.h"
#include "spate/api/reader.h"
#include "spate/api/session.h"
#include "spate/api/writer.h"
#include "spate/expr/avro_codec.h"
#include "spate/expr/avro_schema_registry.h"
#include "test_util.h"

namespace spate {
namespace {

namespace F = functions;
using testing::FreshDir;
using testing::FromRows;
using testing::SortedRows;

constexpr const char* kUserSchema =
    R"({"type":"record","name":"User","fields":[{"name":"name","type":"string"},)"
    R"({"name":"age","type":["null","int"]}]})";

std::shared_ptr<arrow::DataType> UsersType() {
  return arrow::struct_({arrow::field("name", arrow::utf8()), arrow::field("age", arrow::int32())});
}

TEST(AvroTest, ToAvroThenFromAvroRoundTrips) {
  auto session = Session::Make();
  DataFrame users = FromRows(session, UsersType(), R"([{"name": "ann", "age": 31}, {"name": "bob", "age": null}])");
  DataFrame encoded = users.select({F::to_avro(F::struct_({F::col("name"), F::col("age")}), kUserSchema).alias("v")});
  DataFrame decoded = encoded.select({F::from_avro(F::col("v"), kUserSchema).alias("u")}).select({F::col("u.*")});
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded.schema()->SimpleString(), "struct<name:string,age:int>");
  EXPECT_EQ(SortedRows(decoded), (std::vector<std::string>{R"({"name":"ann","age":31})", R"({"name":"bob"})"}));
}

TEST(AvroTest, ModesOnMalformedInput) {
  auto session = Session::Make();
  DataFrame bytes = session->Sql("SELECT X'06616263' AS v");  // "abc" and then nothing for age
  DataFrame permissive = bytes.select({F::from_avro(F::col("v"), kUserSchema, {{"mode", "PERMISSIVE"}}).alias("u")});
  ASSERT_TRUE(permissive.ok()) << permissive.status().ToString();
  EXPECT_EQ(SortedRows(permissive), (std::vector<std::string>{R"({"u":{}})"}));
  auto failed = bytes.select({F::from_avro(F::col("v"), kUserSchema).alias("u")}).toArrow();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("Malformed records are detected in record parsing"), std::string::npos);
  DataFrame dropped = bytes.select({F::from_avro(F::col("v"), kUserSchema, {{"mode", "DROPMALFORMED"}})});
  EXPECT_EQ(testing::ErrorClass(dropped.status()), "PARSE_MODE_UNSUPPORTED");
}

TEST(AvroTest, ToAvroDerivesSparksSchema) {
  auto session = Session::Make();
  DataFrame df = session->Sql("SELECT 1 AS a, -1.25BD AS d");
  auto rows = df.select({F::to_avro(F::col("a")).alias("a"), F::to_avro(F::col("d")).alias("d")}).toArrow();
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  auto batch = (*rows)->CombineChunksToBatch().ValueOrDie();
  EXPECT_EQ(static_cast<const arrow::BinaryArray&>(*batch->column(0)).GetString(0), std::string("\x02", 1));
  EXPECT_EQ(static_cast<const arrow::BinaryArray&>(*batch->column(1)).GetString(0), std::string("\xff\x83", 2));
}

TEST(AvroTest, FilesRoundTripWithEachCodec) {
  auto session = Session::Make();
  auto dir = FreshDir("avro_files");
  DataFrame users = FromRows(session, UsersType(), R"([{"name": "ann", "age": 31}, {"name": "bob", "age": null}])");
  for (const char* codec : {"snappy", "deflate", "uncompressed", "zstandard"}) {
    std::string path = (dir / codec).string();
    ASSERT_TRUE(users.write().format("avro").option("compression", codec).save(path).ok()) << codec;
    DataFrame back = session->read().format("avro").load(path);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back.schema()->SimpleString(), "struct<name:string,age:int>");
    EXPECT_EQ(SortedRows(back), (std::vector<std::string>{R"({"name":"ann","age":31})", R"({"name":"bob"})"}));
  }
  auto bad = users.write().format("avro").option("compression", "lzo").save((dir / "bad").string());
  EXPECT_EQ(testing::ErrorClass(bad), "CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION");
}

// Corrupt input is malformed (or a clear error), never a crash or a huge allocation.
TEST(AvroTest, CorruptBytesAndFilesFailCleanly) {
  const char* schema =
      R"({"type":"record","name":"R","fields":[{"name":"s","type":"string"},)"
      R"({"name":"nulls","type":{"type":"array","items":"null"}},)"
      R"({"name":"m","type":{"type":"map","values":["null","long"]}}]})";
  auto avro = ParseAvroSchema(schema).ValueOrDie();
  auto decoder = AvroDecoder::Make(avro, AvroToSparkType(*avro).type).ValueOrDie();
  uint32_t seed = 7;
  int malformed = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(1 + round % 24, '\0');
    for (auto& c : bytes) {
      seed = seed * 1103515245u + 12345u;
      c = static_cast<char>(seed >> 16);
    }
    const auto* pos = reinterpret_cast<const uint8_t*>(bytes.data());
    auto ok = decoder->Append(&pos, pos + bytes.size());
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    if (!*ok) ++malformed;
  }
  EXPECT_GT(malformed, 0);
  EXPECT_TRUE(decoder->Finish().ok());

  auto session = Session::Make();
  auto dir = FreshDir("avro_corrupt");
  DataFrame users = FromRows(session, UsersType(), R"([{"name": "ann", "age": 31}])");
  std::string path = (dir / "t").string();
  ASSERT_TRUE(users.write().format("avro").save(path).ok());
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.path().extension() != ".avro") continue;
    std::string bytes = testing::ReadFile(entry.path());
    testing::WriteFile(entry.path(), bytes.substr(0, bytes.size() - 20));
  }
  DataFrame back = session->read().format("avro").load(path);
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().message().find("Not a valid Avro data file"), std::string::npos) << back.status().message();
}

// The schema-registry form's C++ overloads (tests/python/test_avro_schema_registry.py runs
// the same engine path against a real registry): they reach for the registry at analysis.
TEST(AvroTest, SchemaRegistryOverloadsAskTheRegistry) {
  auto session = Session::Make();
  DataFrame bytes = session->Sql("SELECT X'000000000100' AS v, named_struct('a', 1) AS s");
  F::SchemaRegistrySubject nowhere{"users-value", "http://127.0.0.1:1"};
  DataFrame read = bytes.select({F::from_avro(F::col("v"), nowhere, {{"mode", "PERMISSIVE"}})});
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("Cannot reach the schema registry at http://127.0.0.1:1"), std::string::npos)
      << read.status().ToString();
  DataFrame written = bytes.select({F::to_avro(F::col("s"), nowhere)});
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.status().message().find("Cannot reach the schema registry"), std::string::npos);
  DataFrame half = bytes.select({F::from_avro(F::col("v"), kUserSchema, {{"subject", "users-value"}})});
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.status().message().find("schemaRegistryAddress is missing"), std::string::npos);
}

// Databricks' to_avro(data, subject: Column, address): a constant subject reaches the
// registry; one that differs by row is refused when analyzed.
TEST(AvroTest, ToAvroTakesAConstantSubjectColumn) {
  auto session = Session::Make();
  DataFrame rows = session->Sql("SELECT 'users-value' AS topic, named_struct('a', 1) AS s");
  DataFrame constant = rows.select({F::to_avro(F::col("s"), lit("users-value"), "http://127.0.0.1:1")});
  ASSERT_FALSE(constant.ok());
  EXPECT_NE(constant.status().message().find("Cannot reach the schema registry at http://127.0.0.1:1"),
            std::string::npos)
      << constant.status().ToString();
  DataFrame per_row = rows.select({F::to_avro(F::col("s"), F::col("topic"), "http://127.0.0.1:1")});
  ASSERT_FALSE(per_row.ok());
  EXPECT_EQ(ErrorClassOf(per_row.status()), "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT");
  EXPECT_NE(per_row.status().message().find("the input `subject` should be a foldable \"STRING\" expression; "
                                            "however, got \"topic\""),
            std::string::npos)
      << per_row.status().ToString();
}

TEST(AvroTest, RegistryWireHeader) {
  std::string value;
  AppendRegistryHeader(258, &value);
  EXPECT_EQ(value, std::string("\0\0\0\x01\x02", 5));
  value += "datum";
  const auto* data = reinterpret_cast<const uint8_t*>(value.data());
  EXPECT_EQ(RegistrySchemaId(data, value.size()), 258);
  EXPECT_EQ(RegistrySchemaId(data, 4), -1);  // too short
  value[0] = 1;
  EXPECT_EQ(RegistrySchemaId(data, value.size()), -1);  // no magic byte
  std::string big;
  AppendRegistryHeader(static_cast<int32_t>(0xfffffff0u), &big);
  EXPECT_EQ(RegistrySchemaId(reinterpret_cast<const uint8_t*>(big.data()), big.size()), 0xfffffff0LL);
}

}  // namespace
}  // namespace spate
