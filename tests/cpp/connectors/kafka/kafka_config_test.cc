// The Kafka connector's pure parts: the Java client option names mapped to
// librdkafka's, offsets JSON, and how reads split into tasks.

#include <gtest/gtest.h>

#include "spate/connectors/kafka/kafka_config.h"
#include "spate/connectors/kafka/kafka_live_reader.h"
#include "spate/connectors/kafka/kafka_offsets.h"
#include "spate/connectors/kafka/kafka_reader.h"
#include "spate/connectors/kafka/kafka_writer.h"

namespace spate::kafka {
namespace {

Options Opts(std::initializer_list<std::pair<std::string, std::string>> kv) {
  Options o;
  o.Set("kafka.bootstrap.servers", "127.0.0.1:9092");
  for (const auto& [k, v] : kv) o.Set(k, v);
  return o;
}

TEST(KafkaConfig, PlainJaasBecomesUsernamePassword) {
  auto c = ClientConfigFromOptions(
      Opts({{"kafka.security.protocol", "SASL_SSL"},
            {"kafka.sasl.jaas.config",
             "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"ann\" password=\"p w\";"}}),
      Role::kSink);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->at("security.protocol"), "sasl_ssl");
  EXPECT_EQ(c->at("sasl.mechanisms"), "PLAIN");
  EXPECT_EQ(c->at("sasl.username"), "ann");
  EXPECT_EQ(c->at("sasl.password"), "p w");
  EXPECT_EQ(c->count("sasl.jaas.config"), 0u);
}

// Kafka's JAAS parser takes single-quoted values too (the Structured Streaming
// reference writes them so) and requires the closing ';'.
TEST(KafkaConfig, JaasValuesInSingleQuotesOrBare) {
  auto c = ClientConfigFromOptions(
      Opts({{"kafka.security.protocol", "SASL_SSL"},
            {"kafka.sasl.jaas.config",
             "org.apache.kafka.common.security.plain.PlainLoginModule required username='ann' password='p \"w';"}}),
      Role::kSource);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->at("sasl.username"), "ann");
  EXPECT_EQ(c->at("sasl.password"), "p \"w");
  auto bare = ClientConfigFromOptions(
      Opts({{"kafka.sasl.jaas.config",
             "org.apache.kafka.common.security.plain.PlainLoginModule required username=ann password=pw ;"}}),
      Role::kSource);
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_EQ(bare->at("sasl.password"), "pw");
  auto unterminated = ClientConfigFromOptions(
      Opts({{"kafka.sasl.jaas.config",
             "org.apache.kafka.common.security.plain.PlainLoginModule required username='a' password='b'"}}),
      Role::kSource);
  EXPECT_NE(unterminated.status().message().find("must end with ';'"), std::string::npos);
}

TEST(KafkaConfig, ScramNeedsItsMechanism) {
  const char* jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"a\" password=\"b\";";
  auto missing = ClientConfigFromOptions(Opts({{"kafka.sasl.jaas.config", jaas}}), Role::kSource);
  EXPECT_NE(missing.status().message().find("ScramLoginModule needs kafka.sasl.mechanism"), std::string::npos);
  auto ok = ClientConfigFromOptions(
      Opts({{"kafka.sasl.jaas.config", jaas}, {"kafka.sasl.mechanism", "SCRAM-SHA-512"}}), Role::kSource);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->at("sasl.mechanisms"), "SCRAM-SHA-512");
}

TEST(KafkaConfig, TruststoreLocationIsThePemCa) {
  auto c = ClientConfigFromOptions(Opts({{"kafka.ssl.truststore.location", "/certs/ca.pem"},
                                         {"kafka.ssl.truststore.type", "PEM"}}),
                                   Role::kSource);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->at("ssl.ca.location"), "/certs/ca.pem");
  auto jks = ClientConfigFromOptions(Opts({{"kafka.ssl.truststore.location", "/certs/t.jks"}}), Role::kSource);
  EXPECT_NE(jks.status().message().find("JKS is a Java-only format"), std::string::npos);
}

TEST(KafkaConfig, SourceDefaultsAndRejectedOptions) {
  auto c = ClientConfigFromOptions(Opts({}), Role::kSource);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->at("isolation.level"), "read_uncommitted");  // the Java consumer's default
  EXPECT_EQ(c->at("enable.auto.commit"), "false");
  auto reset = ClientConfigFromOptions(Opts({{"kafka.auto.offset.reset", "earliest"}}), Role::kSource);
  EXPECT_NE(reset.status().message().find("Kafka option 'auto.offset.reset' is not supported"), std::string::npos);
  Options none;
  auto missing = ClientConfigFromOptions(none, Role::kSink);
  EXPECT_EQ(missing.status().message(),
            "Option 'kafka.bootstrap.servers' must be specified for configuring Kafka producer");
}

// The continuous trigger and real-time mode fetch up to 2 ms of records at once
// and send a poll's rows in one request; a kafka.* option the user sets wins.
TEST(KafkaConfig, LiveDefaultsUnlessTheUserSetsThem) {
  auto source = ClientConfigFromOptions(Opts({}), Role::kSource);
  ASSERT_TRUE(source.ok());
  ClientConfig live = LiveConsumerDefaults(*source);
  EXPECT_EQ(live.at("fetch.min.bytes"), "20000");
  EXPECT_EQ(live.at("fetch.wait.max.ms"), "2");
  auto user_source =
      ClientConfigFromOptions(Opts({{"kafka.fetch.min.bytes", "1"}, {"kafka.fetch.wait.max.ms", "500"}}), Role::kSource);
  ASSERT_TRUE(user_source.ok());
  live = LiveConsumerDefaults(*user_source);
  EXPECT_EQ(live.at("fetch.min.bytes"), "1");
  EXPECT_EQ(live.at("fetch.wait.max.ms"), "500");

  auto sink = ClientConfigFromOptions(Opts({}), Role::kSink);
  ASSERT_TRUE(sink.ok());
  EXPECT_EQ(ProducerDefaults(*sink).at("linger.ms"), "0");  // a micro-batch's sink
  EXPECT_EQ(ProducerDefaults(LiveProducerDefaults(*sink)).at("linger.ms"), "1");
  auto user_sink = ClientConfigFromOptions(Opts({{"kafka.linger.ms", "0"}}), Role::kSink);
  ASSERT_TRUE(user_sink.ok());
  EXPECT_EQ(ProducerDefaults(LiveProducerDefaults(*user_sink)).at("linger.ms"), "0");
  // queue.buffering.max.ms is librdkafka's other name of linger.ms.
  auto alias = ClientConfigFromOptions(Opts({{"kafka.queue.buffering.max.ms", "0"}}), Role::kSink);
  ASSERT_TRUE(alias.ok());
  EXPECT_EQ(LiveProducerDefaults(*alias).count("linger.ms"), 0u);
}

TEST(KafkaOffsets, JsonRoundTripInSparkForm) {
  PartitionOffsets o{{{"b", 1}, 7}, {{"a", 10}, -2}, {{"a", 2}, 23}};
  EXPECT_EQ(OffsetsToJson(o), R"({"a":{"2":23,"10":-2},"b":{"1":7}})");
  auto back = OffsetsFromJson(OffsetsToJson(o), "x");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, o);
  EXPECT_FALSE(OffsetsFromJson(R"({"a":[1]})", "startingOffsets").ok());
}

TEST(KafkaReader, SplitRangesForMinPartitions) {
  std::vector<OffsetRange> ranges{{{"t", 0}, 0, 100}, {{"t", 1}, 0, 10}};
  EXPECT_EQ(SplitRanges(ranges, 2).size(), 2u);
  auto split = SplitRanges(ranges, 4);
  int64_t covered = 0;
  for (const auto& r : split) covered += r.until - r.from;
  EXPECT_EQ(covered, 110);
  EXPECT_GE(split.size(), 4u);
  EXPECT_EQ(split.front().from, 0);
  EXPECT_EQ(split.back().until, 10);
}

}  // namespace
}  // namespace spate::kafka
