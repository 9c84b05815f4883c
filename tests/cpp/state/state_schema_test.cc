#include "spate/state/state_schema.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "../api/test_util.h"
#include "spate/types/json_schema.h"

namespace spate {
namespace {

namespace fs = std::filesystem;
using testing::ErrorClass;
using testing::FreshDir;

StructTypePtr KeySchema() {
  return types::Struct({{"user", types::String(), true},
                        {"window", types::Struct({{"start", types::Timestamp(), true},
                                                  {"end", types::Timestamp(), true}}),
                         false}});
}
StructTypePtr ValueSchema() { return types::Struct({{"count", types::Long(), false}}); }

TEST(StateSchema, FirstRunWritesSchemaAndPartitionsWhereSparkDoes) {
  fs::path checkpoint = FreshDir("StateSchema");
  ASSERT_TRUE(WriteOrCheckStateSchema(checkpoint.string(), 2, *KeySchema(), *ValueSchema(), 5).ok());
  std::string schema = testing::ReadFile(checkpoint / "state" / "2" / "0" / "_metadata" / "schema");
  EXPECT_EQ(schema, "v1\n" + ToJson(*KeySchema()) + "\n" + ToJson(*ValueSchema()) + "\n");
  std::string metadata = testing::ReadFile(checkpoint / "state" / "2" / "_metadata" / "metadata");
  EXPECT_NE(metadata.find("\"storeName\":\"default\",\"numColsPrefixKey\":0,\"numPartitions\":5"), std::string::npos)
      << metadata;

  StateSchema read = ReadStateSchema(checkpoint.string(), 2).ValueOrDie();
  EXPECT_TRUE(read.key->Equals(*KeySchema()));
  EXPECT_TRUE(read.value->Equals(*ValueSchema()));
  EXPECT_EQ(read.num_partitions, 5);
  EXPECT_EQ(StateStoreDir(checkpoint.string(), 2, 3), (checkpoint / "state" / "2" / "3").string());
  EXPECT_EQ(StateStoreDir(checkpoint.string(), 2, 3, "left-keyToNumValues"),
            (checkpoint / "state" / "2" / "3" / "left-keyToNumValues").string());
}

TEST(StateSchema, RestartWithSameTypesPassesAndKeepsRecordedPartitions) {
  fs::path checkpoint = FreshDir("StateSchema");
  ASSERT_TRUE(WriteOrCheckStateSchema(checkpoint.string(), 0, *KeySchema(), *ValueSchema(), 5).ok());
  // Other field names and nullability, another partition count: compatible.
  auto renamed = types::Struct({{"u", types::String(), false},
                                {"w", types::Struct({{"s", types::Timestamp(), true},
                                                     {"e", types::Timestamp(), true}}),
                                 true}});
  EXPECT_TRUE(WriteOrCheckStateSchema(checkpoint.string(), 0, *renamed, *ValueSchema(), 8).ok());
  EXPECT_EQ(ReadStateSchema(checkpoint.string(), 0).ValueOrDie().num_partitions, 5);
  EXPECT_TRUE(ReadStateSchema(checkpoint.string(), 0).ValueOrDie().key->Equals(*KeySchema()));
}

TEST(StateSchema, DifferentKeySchemaIsKeySchemaNotCompatible) {
  fs::path checkpoint = FreshDir("StateSchema");
  auto key = types::Struct({{"k", types::Int(), true}});
  ASSERT_TRUE(WriteOrCheckStateSchema(checkpoint.string(), 0, *key, *ValueSchema(), 2).ok());
  auto other = types::Struct({{"k", types::String(), true}});
  auto status = WriteOrCheckStateSchema(checkpoint.string(), 0, *other, *ValueSchema(), 2);
  EXPECT_EQ(ErrorClass(status), "STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE");
  EXPECT_EQ(status.message(),
            "[STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE] Provided key schema does not match existing state key "
            "schema.\nPlease check number and type of fields.\nExisting "
            "key_schema=StructType(StructField(k,IntegerType,true)) and new "
            "key_schema=StructType(StructField(k,StringType,true)).\nIf you want to force running the query "
            "without schema validation, please set spark.sql.streaming.stateStore.stateSchemaCheck to false.\n"
            "However, please note that running the query with incompatible schema could cause non-deterministic "
            "behavior. SQLSTATE: XXKST");
  // An extra key column is incompatible too.
  auto wider = types::Struct({{"k", types::Int(), true}, {"j", types::Int(), true}});
  EXPECT_EQ(ErrorClass(WriteOrCheckStateSchema(checkpoint.string(), 0, *wider, *ValueSchema(), 2)),
            "STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE");
}

TEST(StateSchema, DifferentValueSchemaIsValueSchemaNotCompatible) {
  fs::path checkpoint = FreshDir("StateSchema");
  ASSERT_TRUE(WriteOrCheckStateSchema(checkpoint.string(), 0, *KeySchema(), *ValueSchema(), 2).ok());
  auto other = types::Struct({{"sum", types::Double(), true}, {"count", types::Long(), true}});
  auto status = WriteOrCheckStateSchema(checkpoint.string(), 0, *KeySchema(), *other, 2);
  EXPECT_EQ(ErrorClass(status), "STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE");
  EXPECT_NE(status.message().find("Provided value schema does not match existing state value schema.\n"
                                  "Please check number and type of fields.\n"
                                  "Existing value_schema=StructType(StructField(count,LongType,false)) and new "
                                  "value_schema=StructType(StructField(sum,DoubleType,true),"
                                  "StructField(count,LongType,true))."),
            std::string::npos)
      << status.ToString();
}

TEST(StateSchema, SparkTypeStringOfNestedTypes) {
  auto type = types::Struct({{"a", types::Array(types::Decimal(10, 2), false), true},
                             {"m", types::Map(types::String(), types::TimestampNtz()), false}});
  EXPECT_EQ(SparkTypeString(*type),
            "StructType(StructField(a,ArrayType(DecimalType(10,2),false),true),"
            "StructField(m,MapType(StringType,TimestampNTZType,true),false))");
}

}  // namespace
}  // namespace spate
