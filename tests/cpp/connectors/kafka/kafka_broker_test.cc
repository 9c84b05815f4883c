// The Kafka connector through the C++ API on a real broker, started by the
// ctest fixture (scripts/kafka/broker.sh) whose settings SPATE_KAFKA_ENV names.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "../../api/test_util.h"
#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/reader.h"
#include "spate/api/writer.h"
#include "spate/api/functions.h"
#include "spate/connectors/kafka/kafka_client.h"
#include "spate/state/state_store_providers.h"
#include "spate/streaming/trigger.h"

namespace spate {
namespace {

std::map<std::string, std::string> BrokerEnv() {
  std::map<std::string, std::string> env;
  const char* path = std::getenv("SPATE_KAFKA_ENV");
  if (path == nullptr) return env;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

std::string Bootstrap() {
  auto env = BrokerEnv();
  return env["KAFKA_BOOTSTRAP"];
}

std::string NewTopic(int partitions) {
  static int n = 0;
  std::string topic = "cpp-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + "-" +
                      std::to_string(n++);
  auto st = kafka::CreateTopic({{"bootstrap.servers", Bootstrap()}}, topic, partitions);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return topic;
}

class KafkaBroker : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(Bootstrap().empty()) << "no Kafka broker: run through ctest (the kafka_broker fixture)";
    session_ = Session::Make();
  }
  std::shared_ptr<Session> session_;
};

TEST_F(KafkaBroker, BatchWriteThenReadRoundTrip) {
  std::string topic = NewTopic(2);
  auto type = arrow::struct_({arrow::field("key", arrow::utf8()), arrow::field("value", arrow::utf8()),
                              arrow::field("partition", arrow::int32())});
  auto df = testing::FromRows(session_, type,
                              R"([{"key":"a","value":"1","partition":0},{"key":"b","value":"2","partition":1}])");
  ASSERT_TRUE(df.write().format("kafka").option("kafka.bootstrap.servers", Bootstrap()).option("topic", topic).save().ok());
  auto read = session_->read().format("kafka").option("kafka.bootstrap.servers", Bootstrap()).option("subscribe", topic).load();
  EXPECT_EQ(testing::SortedRows(read.selectExpr({"CAST(key AS STRING) AS k", "CAST(value AS STRING) AS v", "partition", "offset"})),
            (std::vector<std::string>{R"({"k":"a","v":"1","partition":0,"offset":0})",
                                      R"({"k":"b","v":"2","partition":1,"offset":0})"}));
}

TEST_F(KafkaBroker, StreamReadsNewMessagesIntoMemorySink) {
  std::string topic = NewTopic(1);
  auto type = arrow::struct_({arrow::field("value", arrow::utf8())});
  auto write = [&](const std::string& rows) {
    auto st = testing::FromRows(session_, type, rows).write().format("kafka")
                  .option("kafka.bootstrap.servers", Bootstrap()).option("topic", topic).save();
    ASSERT_TRUE(st.ok()) << st.ToString();
  };
  write(R"([{"value":"x"}])");
  auto stream = session_->ReadStream().format("kafka").option("kafka.bootstrap.servers", Bootstrap())
                    .option("subscribe", topic).option("startingOffsets", "earliest").load();
  auto q = stream.selectExpr({"CAST(value AS STRING) AS v"}).writeStream().format("memory").queryName("cpp_kafka").start();
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE((*q)->processAllAvailable().ok());
  write(R"([{"value":"y"},{"value":"z"}])");
  ASSERT_TRUE((*q)->processAllAvailable().ok());
  EXPECT_EQ(testing::SortedRows(session_->Sql("SELECT v FROM cpp_kafka")),
            (std::vector<std::string>{R"({"v":"x"})", R"({"v":"y"})", R"({"v":"z"})"}));
  ASSERT_TRUE((*q)->stop().ok());
}

// Real-time mode commits a count's state with each epoch: a run stopped and
// started again from its checkpoint goes on from the committed counts (state
// version N + 1 beside commits/N) and reads only the records after them. Both
// state stores.
class KafkaRealTimeState : public KafkaBroker, public ::testing::WithParamInterface<std::string_view> {};

TEST_P(KafkaRealTimeState, CountResumesFromTheCommittedEpoch) {
  namespace fs = std::filesystem;
  std::string topic = NewTopic(2);
  std::string checkpoint = (fs::temp_directory_path() / ("rt-state-" + topic)).string();
  session_->conf().Set("spark.sql.streaming.realTimeMode.minBatchDuration", "100ms");
  session_->conf().Set("spark.sql.shuffle.partitions", "2");
  session_->conf().Set("spark.sql.streaming.stateStore.providerClass", std::string(GetParam()));
  auto type = arrow::struct_({arrow::field("key", arrow::utf8()), arrow::field("value", arrow::utf8())});
  auto write = [&](const std::string& rows) {
    auto st = testing::FromRows(session_, type, rows).write().format("kafka")
                  .option("kafka.bootstrap.servers", Bootstrap()).option("topic", topic).save();
    ASSERT_TRUE(st.ok()) << st.ToString();
  };
  std::string out = NewTopic(1);
  auto run = [&] {
    auto stream = session_->ReadStream().format("kafka").option("kafka.bootstrap.servers", Bootstrap())
                      .option("subscribe", topic).option("startingOffsets", "earliest").load();
    return stream.selectExpr({"CAST(key AS STRING) AS k"}).groupBy({functions::col("k")}).count()
        .selectExpr({"k AS key", "CAST(count AS STRING) AS value"}).writeStream().format("kafka")
        .option("kafka.bootstrap.servers", Bootstrap()).option("topic", out).outputMode("update")
        .option("checkpointLocation", checkpoint).trigger(*Trigger::RealTime(std::string("200 milliseconds")))
        .start();
  };
  // The latest count of the keys `expected` names (update mode emits each changed count).
  auto counts = [&](const std::string& keys, const std::vector<std::string>& expected) {
    std::vector<std::string> got;
    for (int i = 0; i < 600 && got != expected; ++i) {  // a bounded wait for the epochs
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      auto emitted = session_->read().format("kafka").option("kafka.bootstrap.servers", Bootstrap())
                         .option("subscribe", out).load()
                         .selectExpr({"CAST(key AS STRING) AS k", "CAST(CAST(value AS STRING) AS BIGINT) AS n"});
      got = testing::SortedRows(emitted.filter("k IN (" + keys + ")").groupBy({functions::col("k")})
                                    .agg({functions::max(functions::col("n")).alias("n")}));
    }
    return got;
  };
  write(R"([{"key":"a","value":"1"},{"key":"a","value":"2"},{"key":"b","value":"3"}])");
  auto first = run();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const std::vector<std::string> before = {R"({"k":"a","n":2})", R"({"k":"b","n":1})"};
  EXPECT_EQ(counts("'a', 'b'", before), before);
  ASSERT_TRUE((*first)->stop().ok());
  auto progress = (*first)->lastProgress();
  ASSERT_TRUE(progress.has_value());
  EXPECT_EQ(progress->state_operators.size(), 1u);
  const std::string last = std::to_string(progress->batch_id);
  EXPECT_TRUE(fs::exists(checkpoint + "/commits/" + last));
  EXPECT_TRUE(fs::exists(checkpoint + "/state/0/0") && fs::exists(checkpoint + "/state/0/1"));

  write(R"([{"key":"a","value":"4"},{"key":"c","value":"5"}])");
  auto second = run();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  // a: 2 from the committed state + 1; not 1 (state lost) nor 4 (records read again).
  const std::vector<std::string> after = {R"({"k":"a","n":3})", R"({"k":"c","n":1})"};
  EXPECT_EQ(counts("'a', 'c'", after), after);
  ASSERT_TRUE((*second)->stop().ok());
  fs::remove_all(checkpoint);
}

INSTANTIATE_TEST_SUITE_P(Stores, KafkaRealTimeState,
                         ::testing::Values(kHdfsStateStoreProviderClass, kRocksDbStateStoreProviderClass));

}  // namespace
}  // namespace spate
