// transformWithState across restarts with other state variables, and its
// state read back: a C++ processor whose declared variables each test picks,
// on a MemoryStream, on both state store providers. What Spark 4.1 does
// (checked with PySpark): a variable may be added or dropped, not change kind
// ([STATE_STORE_INVALID_VARIABLE_TYPE_CHANGE]) nor value schema
// ([STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]); format("statestore") reads a
// variable with stateVarName, the timers with readRegisteredTimers;
// format("state-metadata") lists the operator and its variables.

#include <filesystem>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "../api/test_util.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/reader.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/connectors/memory/memory_stream.h"
#include "spate/plan/stateful_processor.h"
#include "spate/types/arrow_types.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

namespace fs = std::filesystem;
using testing::SortedRows;

std::string TestDir(const std::string& name) {
  const char* env = std::getenv("SPATE_TEST_TMPDIR");
  auto dir = fs::path(env ? env : fs::temp_directory_path().string()) / "transform_with_state_evolution_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::shared_ptr<arrow::Schema> Schema(const std::string& ddl) {
  return ToArrowSchema(*ParseDdlSchema(ddl).ValueOrDie()).ValueOrDie();
}

// (k, v) rows.
std::shared_ptr<arrow::Table> Events(const std::vector<std::pair<std::string, int>>& rows) {
  arrow::StringBuilder k;
  arrow::Int32Builder v;
  for (const auto& [key, value] : rows) {
    EXPECT_TRUE(k.Append(key).ok());
    EXPECT_TRUE(v.Append(value).ok());
  }
  return arrow::Table::Make(Schema("k STRING, v INT"), {k.Finish().ValueOrDie(), v.Finish().ValueOrDie()});
}

// Which variables the processor declares.
struct Declared {
  bool count_as_list = false;      // "count" a list state, not a value state
  bool count_as_string = false;    // "count" of value schema n STRING
  bool seen = false;               // the list state "seen" (v INT)
  bool parity = false;             // the map state "parity" (even BOOLEAN -> n INT)
};

RecordBatchPtr OneRow(const std::shared_ptr<arrow::Schema>& schema, std::shared_ptr<arrow::Array> column) {
  return arrow::RecordBatch::Make(schema, 1, {std::move(column)});
}

// Counts each key's rows in "count", appends its values to "seen", counts
// its even and odd values in "parity", and keeps an event-time timer at
// 1000 * count ms (no watermark: none fires).
class Declaring final : public StatefulProcessor {
 public:
  explicit Declaring(Declared declared) : d_(declared) {}

  arrow::Status Init(StatefulProcessorHandle& handle) override {
    handle_ = &handle;
    if (d_.count_as_list) return handle.GetListState("count", Schema("n BIGINT")).status();
    ARROW_ASSIGN_OR_RAISE(count_, handle.GetValueState("count", Schema(d_.count_as_string ? "n STRING" : "n BIGINT")));
    if (d_.seen) {
      ARROW_ASSIGN_OR_RAISE(seen_, handle.GetListState("seen", Schema("v INT")));
    }
    if (d_.parity) {
      ARROW_ASSIGN_OR_RAISE(parity_, handle.GetMapState("parity", Schema("even BOOLEAN"), Schema("n INT")));
    }
    return arrow::Status::OK();
  }

  arrow::Result<RecordBatchPtr> HandleInputRows(const arrow::RecordBatch&, const arrow::RecordBatch& rows,
                                                const TimerValues&) override {
    if (count_ == nullptr || d_.count_as_string) return nullptr;
    ARROW_ASSIGN_OR_RAISE(auto stored, count_->Get());
    int64_t n = rows.num_rows() + (stored ? static_cast<const arrow::Int64Array&>(*stored->column(0)).Value(0) : 0);
    arrow::Int64Builder count;
    ARROW_RETURN_NOT_OK(count.Append(n));
    ARROW_RETURN_NOT_OK(count_->Update(*OneRow(Schema("n BIGINT"), *count.Finish())));
    ARROW_RETURN_NOT_OK(handle_->RegisterTimer(1000 * n));
    const auto& values = static_cast<const arrow::Int32Array&>(*rows.column(1));
    for (int64_t i = 0; i < values.length(); ++i) {
      arrow::Int32Builder v;
      ARROW_RETURN_NOT_OK(v.Append(values.Value(i)));
      auto v_row = OneRow(Schema("v INT"), *v.Finish());
      if (seen_) ARROW_RETURN_NOT_OK(seen_->AppendList(*v_row));
      if (parity_) ARROW_RETURN_NOT_OK(CountParity(values.Value(i) % 2 == 0));
    }
    return nullptr;
  }

 private:
  arrow::Status CountParity(bool even) {
    arrow::BooleanBuilder key;
    ARROW_RETURN_NOT_OK(key.Append(even));
    auto key_row = OneRow(Schema("even BOOLEAN"), *key.Finish());
    ARROW_ASSIGN_OR_RAISE(auto stored, parity_->GetValue(*key_row));
    arrow::Int32Builder n;
    ARROW_RETURN_NOT_OK(n.Append(1 + (stored ? static_cast<const arrow::Int32Array&>(*stored->column(0)).Value(0) : 0)));
    return parity_->UpdateValue(*key_row, *OneRow(Schema("n INT"), *n.Finish()));
  }

  Declared d_;
  StatefulProcessorHandle* handle_ = nullptr;
  ValueState* count_ = nullptr;
  ListState* seen_ = nullptr;
  MapState* parity_ = nullptr;
};

class TransformWithStateEvolutionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    session_ = Session::Make();
    session_->conf().Set("spark.sql.shuffle.partitions", "2");
    session_->conf().Set("spark.sql.streaming.stateStore.providerClass", GetParam());
    stream_ = MemoryStream::Make(*ParseDdlSchema("k STRING, v INT"));
    checkpoint_ = TestDir(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()).substr(0, 40) +
                          std::to_string(GetParam().size()));
  }

  // Runs a query with `declared` over `rows` on the test's checkpoint; the status of its start or its batch.
  arrow::Status Run(Declared declared, const std::vector<std::pair<std::string, int>>& rows) {
    StatefulProcessorFactory factory = [declared]() -> arrow::Result<std::shared_ptr<StatefulProcessor>> {
      return std::make_shared<Declaring>(declared);
    };
    auto df = DataFrame(session_, stream_->plan())
                  .groupBy({Column("k")})
                  .TransformWithState(factory, *ParseDdlSchema("k STRING, n BIGINT").ValueOrDie(), "Update",
                                      "EventTime");
    ARROW_RETURN_NOT_OK(stream_->AddData(Events(rows)));
    ARROW_ASSIGN_OR_RAISE(auto query, df.writeStream()
                                          .outputMode("update")
                                          .option("checkpointLocation", checkpoint_)
                                          .format("noop")
                                          .start());
    arrow::Status status = query->processAllAvailable();
    arrow::Status stopped = query->stop();
    return status.ok() ? stopped : status;
  }

  DataFrame Read(const std::string& format, const std::map<std::string, std::string>& options) {
    return session_->read().format(format).options(options).load(checkpoint_);
  }

  std::shared_ptr<Session> session_;
  std::shared_ptr<MemoryStream> stream_;
  std::string checkpoint_;
};

TEST_P(TransformWithStateEvolutionTest, ARestartMayAddAndDropVariablesButNotChangeTheirKindOrSchema) {
  ASSERT_TRUE(Run(Declared{}, {{"a", 1}, {"b", 2}}).ok());
  auto added = Run(Declared{.seen = true}, {{"a", 3}});
  ASSERT_TRUE(added.ok()) << added.ToString();
  auto kind = Run(Declared{.count_as_list = true}, {{"a", 4}});
  EXPECT_EQ(ErrorClassOf(kind), "STATE_STORE_INVALID_VARIABLE_TYPE_CHANGE") << kind.ToString();
  EXPECT_NE(kind.message().find("Cannot change count to ListState between query restarts. Please set count to "
                                "ValueState, or restart with a new checkpoint directory."),
            std::string::npos)
      << kind.ToString();
  auto schema = Run(Declared{.count_as_string = true}, {{"a", 4}});
  EXPECT_EQ(ErrorClassOf(schema), "STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE") << schema.ToString();
  ASSERT_TRUE(Run(Declared{.seen = true, .parity = true}, {{"a", 5}}).ok());
  DataFrame count = Read("statestore", {{"stateVarName", "count"}});
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(SortedRows(count.drop({"partition_id"})), (std::vector<std::string>{
                                                         R"({"key":{"k":"a"},"value":{"n":5}})",
                                                         R"({"key":{"k":"b"},"value":{"n":1}})",
                                                     }));
}

TEST_P(TransformWithStateEvolutionTest, StatestoreReadsEachVariableAndTheTimers) {
  ASSERT_TRUE(Run(Declared{.seen = true, .parity = true}, {{"a", 1}, {"b", 2}, {"a", 3}, {"a", 4}}).ok());
  DataFrame seen = Read("statestore", {{"stateVarName", "seen"}});
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(seen.schema()->SimpleString(), "struct<key:struct<k:string>,list_element:struct<v:int>,partition_id:int>");
  EXPECT_EQ(SortedRows(seen.drop({"partition_id"})), (std::vector<std::string>{
                                                        R"({"key":{"k":"a"},"list_element":{"v":1}})",
                                                        R"({"key":{"k":"a"},"list_element":{"v":3}})",
                                                        R"({"key":{"k":"a"},"list_element":{"v":4}})",
                                                        R"({"key":{"k":"b"},"list_element":{"v":2}})",
                                                    }));
  DataFrame lists = Read("statestore", {{"stateVarName", "seen"}, {"flattenCollectionTypes", "false"}});
  EXPECT_EQ(SortedRows(lists.drop({"partition_id"})), (std::vector<std::string>{
                                                         R"({"key":{"k":"a"},"list_value":[{"v":1},{"v":3},{"v":4}]})",
                                                         R"({"key":{"k":"b"},"list_value":[{"v":2}]})",
                                                     }));
  DataFrame parity = Read("statestore", {{"stateVarName", "parity"}});
  ASSERT_TRUE(parity.ok()) << parity.status().ToString();
  EXPECT_EQ(SortedRows(parity.drop({"partition_id"})),
            (std::vector<std::string>{
                R"({"key":{"k":"a"},"user_map_key":{"even":false},"user_map_value":{"n":2}})",
                R"({"key":{"k":"a"},"user_map_key":{"even":true},"user_map_value":{"n":1}})",
                R"({"key":{"k":"b"},"user_map_key":{"even":true},"user_map_value":{"n":1}})",
            }));
  DataFrame maps = Read("statestore", {{"stateVarName", "parity"}, {"flattenCollectionTypes", "false"}});
  ASSERT_TRUE(maps.ok()) << maps.status().ToString();
  EXPECT_EQ(maps.schema()->SimpleString(),
            "struct<key:struct<k:string>,map_value:map<struct<even:boolean>,struct<n:int>>,partition_id:int>");
  EXPECT_EQ(maps.count().ValueOrDie(), 2);
  DataFrame timers = Read("statestore", {{"readRegisteredTimers", "true"}});
  ASSERT_TRUE(timers.ok()) << timers.status().ToString();
  EXPECT_EQ(SortedRows(timers.drop({"partition_id"})), (std::vector<std::string>{
                                                          R"({"key":{"k":"a"},"expiration_timestamp_ms":3000})",
                                                          R"({"key":{"k":"b"},"expiration_timestamp_ms":1000})",
                                                      }));
  EXPECT_EQ(ErrorClassOf(Read("statestore", {}).status()), "STDS_REQUIRED_OPTION_UNSPECIFIED");
  EXPECT_EQ(ErrorClassOf(Read("statestore", {{"stateVarName", "nope"}}).status()),
            "STDS_INVALID_OPTION_VALUE.WITH_MESSAGE");
  EXPECT_EQ(ErrorClassOf(Read("statestore", {{"stateVarName", "seen"}, {"readRegisteredTimers", "true"}}).status()),
            "STDS_CONFLICT_OPTIONS");
}

TEST_P(TransformWithStateEvolutionTest, StateMetadataListsTheOperatorAndItsVariables) {
  ASSERT_TRUE(Run(Declared{.seen = true}, {{"a", 1}}).ok());
  DataFrame metadata = Read("state-metadata", {});
  ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
  EXPECT_EQ(SortedRows(metadata), (std::vector<std::string>{
                                      R"({"operatorId":0,"operatorName":"transformWithStateExec",)"
                                      R"("stateStoreName":"default","numPartitions":2,"minBatchId":0,"maxBatchId":0,)"
                                      R"("operatorProperties":"{\"timeMode\":\"EventTime\",\"outputMode\":)"
                                      R"(\"Update\",\"stateVariables\":[{\"stateName\":\"count\",)"
                                      R"(\"stateVariableType\":\"ValueState\",\"ttlEnabled\":false},)"
                                      R"({\"stateName\":\"seen\",\"stateVariableType\":\"ListState\",)"
                                      R"(\"ttlEnabled\":false},{\"stateName\":\"$eventTimers_keyToTimestamp\",)"
                                      R"(\"stateVariableType\":\"TimerState\",\"ttlEnabled\":false}]}"})",
                                  }));
}

INSTANTIATE_TEST_SUITE_P(
    Providers, TransformWithStateEvolutionTest,
    ::testing::Values("org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
                      "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"),
    [](const auto& info) { return info.param.find("RocksDB") != std::string::npos ? "RocksDB" : "InMemory"; });

}  // namespace
}  // namespace spate
