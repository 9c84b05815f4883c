// The Kafka connector through the C++ API on a real broker, started by the
// ctest fixture (scripts/kafka/broker.sh) whose settings SPATE_KAFKA_ENV names.

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "../../api/test_util.h"
#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/reader.h"
#include "spate/api/writer.h"
#include "spate/connectors/kafka/kafka_client.h"

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

}  // namespace
}  // namespace spate
