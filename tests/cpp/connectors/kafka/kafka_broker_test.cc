// The Kafka connector through the C++ API on a real broker, started by the
// ctest fixture (scripts/kafka/broker.sh) whose settings SPATE_KAFKA_ENV names.

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <set>
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
#include "spate/connectors/kafka/kafka_config.h"
#include "spate/connectors/kafka/kafka_reader.h"
#include "spate/connectors/kafka/kafka_writer.h"
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

// A property as the librdkafka handle of a client made from the sink's or source's options has it.
std::string HandleProperty(Options options, kafka::Role role, const std::string& name) {
  options.Set("kafka.bootstrap.servers", Bootstrap());
  auto config = kafka::ClientConfigFromOptions(options, role);
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  bool sink = role == kafka::Role::kSink;
  auto client = kafka::Client::Create(sink ? kafka::Client::Kind::kProducer : kafka::Client::Kind::kConsumer,
                                      sink ? kafka::ProducerDefaults(*config) : *config, "test");
  if (!client.ok()) return client.status().ToString();
  size_t n = 0;
  const char** dump = rd_kafka_conf_dump(const_cast<rd_kafka_conf_t*>(rd_kafka_conf((*client)->get())), &n);
  std::string value = "(not set)";
  for (size_t i = 0; i + 1 < n; i += 2) {
    if (name == dump[i]) value = dump[i + 1];
  }
  rd_kafka_conf_dump_free(dump, n);
  return value;
}

// The Java client's defaults where librdkafka's differ and add latency: the sink's
// producer sends each record at once (linger.ms 0, not 5) with at most 5 requests in
// flight, and neither client delays small requests (Nagle); the source's consumer pauses a
// partition's fetches for 10 ms, not librdkafka's 1 s, once 100,000 of its messages wait to
// be taken. A user's kafka.* option wins (librdkafka names linger.ms queue.buffering.max.ms).
TEST_F(KafkaBroker, ClientsTakeTheJavaLatencyDefaultsUnlessTheUserSetsThem) {
  EXPECT_EQ(HandleProperty({}, kafka::Role::kSink, "queue.buffering.max.ms"), "0");
  EXPECT_EQ(HandleProperty({}, kafka::Role::kSink, "max.in.flight.requests.per.connection"), "5");
  EXPECT_EQ(HandleProperty({}, kafka::Role::kSink, "socket.nagle.disable"), "true");
  EXPECT_EQ(HandleProperty({}, kafka::Role::kSource, "socket.nagle.disable"), "true");
  EXPECT_EQ(HandleProperty({}, kafka::Role::kSource, "fetch.queue.backoff.ms"), "10");
  Options user;
  user.Set("kafka.linger.ms", "7");
  user.Set("kafka.max.in.flight.requests.per.connection", "2");
  user.Set("kafka.socket.nagle.disable", "false");
  EXPECT_EQ(HandleProperty(user, kafka::Role::kSink, "queue.buffering.max.ms"), "7");
  EXPECT_EQ(HandleProperty(user, kafka::Role::kSink, "max.in.flight.requests.per.connection"), "2");
  EXPECT_EQ(HandleProperty(user, kafka::Role::kSink, "socket.nagle.disable"), "false");
  Options source_user;
  source_user.Set("kafka.socket.nagle.disable", "false");
  source_user.Set("kafka.fetch.queue.backoff.ms", "1000");
  EXPECT_EQ(HandleProperty(source_user, kafka::Role::kSource, "socket.nagle.disable"), "false");
  EXPECT_EQ(HandleProperty(source_user, kafka::Role::kSource, "fetch.queue.backoff.ms"), "1000");
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

// `n` messages with values "0", "1", ..., half of them in each of a topic's two partitions.
void ProduceNumbered(const std::shared_ptr<Session>& session, const std::string& topic, int64_t n) {
  arrow::StringBuilder values;
  arrow::Int32Builder partitions;
  for (int64_t i = 0; i < n; ++i) {
    ASSERT_TRUE(values.Append(std::to_string(i)).ok());
    ASSERT_TRUE(partitions.Append(static_cast<int32_t>(i % 2)).ok());
  }
  auto schema = arrow::schema({arrow::field("value", arrow::utf8()), arrow::field("partition", arrow::int32())});
  auto rows = session->CreateDataFrame(arrow::Table::Make(schema, {*values.Finish(), *partitions.Finish()}));
  auto st = rows.write().format("kafka").option("kafka.bootstrap.servers", Bootstrap()).option("topic", topic).save();
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// The sink produces from the rows' own buffers: the rows stay alive while
// their messages are in flight, though nothing else holds them, and are
// released once the producer reports them delivered; the bytes arrive as they
// were (a NUL inside, an empty and a null key, an empty value).
TEST_F(KafkaBroker, SinkHoldsRowsUntilTheirMessagesAreDelivered) {
  std::string topic = NewTopic(1);
  arrow::BinaryBuilder keys, values;
  const std::vector<std::optional<std::string>> key_cells = {std::string("k\0a", 3), std::string(), std::nullopt};
  const std::vector<std::string> value_cells = {std::string("\0\xff\0", 3), std::string(100'000, 'v'), ""};
  for (size_t i = 0; i < key_cells.size(); ++i) {
    ASSERT_TRUE((key_cells[i] ? keys.Append(*key_cells[i]) : keys.AppendNull()).ok());
    ASSERT_TRUE(values.Append(value_cells[i]).ok());
  }
  auto schema = arrow::schema({arrow::field("key", arrow::binary()), arrow::field("value", arrow::binary())});
  auto rows = arrow::Table::Make(schema, {*keys.Finish(), *values.Finish()});
  std::weak_ptr<arrow::Table> watch = rows;
  // The messages wait a second to be sent, so none is delivered before Flush.
  auto producer = kafka::Client::Create(
      kafka::Client::Kind::kProducer,
      kafka::ProducerDefaults({{"bootstrap.servers", Bootstrap()}, {"linger.ms", "1000"}}), "Kafka sink");
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  ASSERT_TRUE(kafka::ProduceRows(**producer, rows, topic).ok());
  rows.reset();
  EXPECT_FALSE(watch.expired());
  ASSERT_TRUE((*producer)->Flush().ok());
  EXPECT_TRUE(watch.expired());

  auto read = session_->read().format("kafka").option("kafka.bootstrap.servers", Bootstrap())
                  .option("subscribe", topic).load().selectExpr({"key", "value"}).toArrow();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  auto got = (*read)->CombineChunksToBatch();
  ASSERT_TRUE(got.ok());
  ASSERT_EQ((*got)->num_rows(), 3);
  const auto& got_keys = static_cast<const arrow::BinaryArray&>(*(*got)->column(0));
  const auto& got_values = static_cast<const arrow::BinaryArray&>(*(*got)->column(1));
  for (int64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(got_keys.IsNull(i), !key_cells[i].has_value()) << i;
    if (key_cells[i]) {
      EXPECT_EQ(got_keys.GetView(i), *key_cells[i]) << i;
    }
    EXPECT_EQ(got_values.GetView(i), value_cells[i]) << i;
  }
}

// A sink handed a few rows at a time (real-time mode) lets go of each batch's
// rows once their messages are acknowledged, at its next batch, without a
// Flush: unreported deliveries would hold every batch's buffers and count
// against queue.buffering.max.messages until the queue is full.
TEST_F(KafkaBroker, SinkReleasesDeliveredRowsAtItsNextBatch) {
  std::string topic = NewTopic(1);
  auto batch = [](const std::string& text) {
    arrow::StringBuilder values;
    EXPECT_TRUE(values.Append(text).ok());
    return arrow::Table::Make(arrow::schema({arrow::field("value", arrow::utf8())}), {*values.Finish()});
  };
  auto producer = kafka::Client::Create(kafka::Client::Kind::kProducer,
                                        kafka::ProducerDefaults({{"bootstrap.servers", Bootstrap()}}), "Kafka sink");
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  auto first = batch("first");
  std::weak_ptr<arrow::Table> watch = first;
  ASSERT_TRUE(kafka::ProduceRows(**producer, first, topic).ok());
  first.reset();
  for (int i = 0; i < 200 && !watch.expired(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(kafka::ProduceRows(**producer, batch("next"), topic).ok());
  }
  EXPECT_TRUE(watch.expired());
  ASSERT_TRUE((*producer)->Flush().ok());
}

// A batch the engine runs piece by piece takes its rows as the reading tasks
// read them: pieces of at most 65,536 rows which together are every message
// once; a piece the caller fails stops the read with that failure.
TEST_F(KafkaBroker, RangeReaderHandsRowsOverInPieces) {
  std::string topic = NewTopic(2);
  ProduceNumbered(session_, topic, 150'000);
  kafka::RangeReader reader({{"bootstrap.servers", Bootstrap()}, {"group.id", "pieces-" + topic},
                             {"enable.partition.eof", "true"}, {"enable.auto.commit", "false"},
                             {"auto.offset.reset", "error"}},
                            kafka::ReadSettings{});
  const std::vector<kafka::OffsetRange> ranges = {{{topic, 0}, 0, 75'000}, {{topic, 1}, 0, 75'000}};
  std::vector<int64_t> sizes;
  std::set<std::string> values;
  auto st = reader.ReadInPieces(ranges, [&](std::shared_ptr<arrow::Table> piece) {
    sizes.push_back(piece->num_rows());
    for (const auto& chunk : piece->GetColumnByName("value")->chunks()) {
      const auto& bytes = static_cast<const arrow::BinaryArray&>(*chunk);
      for (int64_t i = 0; i < bytes.length(); ++i) values.insert(std::string(bytes.GetView(i)));
    }
    return arrow::Status::OK();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_GE(sizes.size(), 4u);  // each partition's 75,000 rows in two pieces or more
  EXPECT_EQ(*std::max_element(sizes.begin(), sizes.end()), 65'536);
  EXPECT_EQ(std::accumulate(sizes.begin(), sizes.end(), int64_t{0}), 150'000);
  EXPECT_EQ(values.size(), 150'000u);
  EXPECT_TRUE(values.count("0") && values.count("149999"));

  int calls = 0;
  st = reader.ReadInPieces(ranges, [&](std::shared_ptr<arrow::Table>) {
    return ++calls == 2 ? arrow::Status::IOError("the sink is down") : arrow::Status::OK();
  });
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
  EXPECT_NE(st.message().find("the sink is down"), std::string::npos);
  EXPECT_EQ(calls, 2);

  // Messages gone from a partition fail the read (failOnDataLoss).
  calls = 0;
  st = reader.ReadInPieces({{{topic, 0}, 0, 80'000}, {{topic, 1}, 0, 75'000}}, [&](std::shared_ptr<arrow::Table>) {
    ++calls;
    return arrow::Status::OK();
  });
  EXPECT_NE(st.message().find("KAFKA_DATA_LOSS"), std::string::npos) << st.ToString();
}

// Kafka -> filter -> Kafka runs its batch in pieces: every selected record
// reaches the output topic once, through the plain and the transactional sink,
// and a second run from the checkpoint writes nothing again.
TEST_F(KafkaBroker, StatelessKafkaToKafkaBatchWritesEveryRecordOnce) {
  namespace fs = std::filesystem;
  std::string topic = NewTopic(2);
  ProduceNumbered(session_, topic, 150'000);
  for (bool exactly_once : {false, true}) {
    std::string out = NewTopic(2);
    std::string checkpoint = (fs::temp_directory_path() / ("pieces-" + out)).string();
    auto run = [&] {
      auto q = session_->ReadStream().format("kafka").option("kafka.bootstrap.servers", Bootstrap())
                   .option("subscribe", topic).option("startingOffsets", "earliest").load()
                   .selectExpr({"CAST(CAST(value AS STRING) AS BIGINT) AS n"}).filter("n % 3 <> 0")
                   .selectExpr({"CAST(n AS STRING) AS value"}).writeStream().format("kafka")
                   .option("kafka.bootstrap.servers", Bootstrap()).option("topic", out)
                   .option("exactlyOnce", exactly_once ? "true" : "false")
                   .option("checkpointLocation", checkpoint).trigger(Trigger::AvailableNow()).start();
      ASSERT_TRUE(q.ok()) << q.status().ToString();
      ASSERT_TRUE((*q)->awaitTermination().ok());
      if (auto e = (*q)->exception()) FAIL() << e->ToString();
    };
    run();
    run();
    auto written = session_->read().format("kafka").option("kafka.bootstrap.servers", Bootstrap())
                       .option("subscribe", out).option("kafka.isolation.level", "read_committed").load()
                       .selectExpr({"CAST(CAST(value AS STRING) AS BIGINT) AS n"});
    auto summary = testing::SortedRows(written.agg({functions::count(functions::col("n")).alias("rows"),
                                                    functions::count_distinct({functions::col("n")}).alias("distinct"),
                                                    functions::sum(functions::col("n") % lit(int64_t{3})).alias("r")}));
    // 100,000 of the 150,000 numbers are not multiples of 3; half of them leave 1, half 2.
    EXPECT_EQ(summary, (std::vector<std::string>{R"({"rows":100000,"distinct":100000,"r":150000})"}))
        << (exactly_once ? "exactlyOnce" : "at least once");
    fs::remove_all(checkpoint);
  }
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
