// The nexmark source: the reference generator's rules (the event mix, ids,
// hot keys, field values), determinism, offsets and restarts, and options.

#include "spate/connectors/nexmark/nexmark_generator.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/reader.h"
#include "spate/api/session.h"
#include "spate/streaming/metadata_log.h"

namespace spate::nexmark {
namespace {

namespace fs = std::filesystem;

std::string TestDir(const std::string& name) {
  const char* env = std::getenv("SPATE_TEST_TMPDIR");
  auto dir = fs::path(env ? env : fs::temp_directory_path().string()) / "nexmark_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

// Events [0, n) of one partition.
std::shared_ptr<arrow::Table> Events(int64_t n, Layout layout = Layout::kEvents, GeneratorConfig config = {}) {
  return Generate(config, layout, 1, {{0, 0, n}}).ValueOrDie()->CombineChunks().ValueOrDie();
}

std::shared_ptr<arrow::Array> Column(const arrow::Table& t, const std::string& name) {
  return t.GetColumnByName(name)->chunk(0);
}

// A field of a struct column of the nested layout.
template <class A = arrow::Int64Array>
const A& Field(const arrow::Table& t, const std::string& column, const std::string& field) {
  return static_cast<const A&>(*static_cast<const arrow::StructArray&>(*Column(t, column)).GetFieldByName(field));
}

template <class A = arrow::Int64Array>
const A& Flat(const arrow::Table& t, const std::string& name) {
  return static_cast<const A&>(*Column(t, name));
}

TEST(NexmarkGeneratorTest, MixIdsAndTimestampsFollowTheEventNumber) {
  auto t = Events(10000);
  ASSERT_EQ(t->num_rows(), 10000);
  auto& kinds = static_cast<const arrow::Int32Array&>(*Column(*t, "event_type"));
  auto& times = Flat<arrow::TimestampArray>(*t, "dateTime");
  int64_t counts[3] = {0, 0, 0};
  int64_t next_person = 1000, next_auction = 1000;
  for (int64_t i = 0; i < t->num_rows(); ++i) {
    int k = kinds.Value(i);
    ++counts[k];
    // Of every 50 events: 1 person, 3 auctions, 46 bids, in that order.
    int64_t offset = i % 50;
    EXPECT_EQ(k, offset == 0 ? 0 : offset < 4 ? 1 : 2) << i;
    EXPECT_EQ(Column(*t, "person")->IsValid(i), k == 0);
    EXPECT_EQ(Column(*t, "auction")->IsValid(i), k == 1);
    EXPECT_EQ(Column(*t, "bid")->IsValid(i), k == 2);
    EXPECT_TRUE(Field(*t, "bid", "price").IsNull(i) == (k != 2));
    // People and auctions are numbered from 1000 in order of creation.
    if (k == 0) {
      EXPECT_EQ(Field(*t, "person", "id").Value(i), next_person++);
    } else if (k == 1) {
      EXPECT_EQ(Field(*t, "auction", "id").Value(i), next_auction++);
    }
    // At the default 10,000 events a second from 2015-07-15T00:00:00Z, in whole milliseconds.
    EXPECT_EQ(times.Value(i), (kDefaultBaseTimeMs + i / 10) * 1000) << i;
  }
  EXPECT_EQ(counts[0], 200);
  EXPECT_EQ(counts[1], 600);
  EXPECT_EQ(counts[2], 9200);
}

TEST(NexmarkGeneratorTest, PicksStayAmongActivePeopleAndInFlightAuctions) {
  auto t = Events(100000);
  for (int64_t i = 0; i < t->num_rows(); ++i) {
    // Active people: the newest 1000, plus 10 not yet created.
    int64_t people = LastPersonId(i) + 1;
    int64_t lowest_person = 1000 + people - std::min<int64_t>(people, 1000);
    int64_t highest_person = 1000 + people + 9;
    // In-flight auctions: the newest 101, plus 10 not yet created.
    int64_t lowest_auction = 1000 + std::max<int64_t>(LastAuctionId(i) - 100, 0);
    int64_t highest_auction = 1000 + LastAuctionId(i) + 10;
    if (KindOf(i) == EventKind::kBid) {
      int64_t bidder = Field(*t, "bid", "bidder").Value(i), auction = Field(*t, "bid", "auction").Value(i);
      EXPECT_TRUE(bidder >= lowest_person && bidder <= highest_person) << i << ": " << bidder;
      EXPECT_TRUE(auction >= lowest_auction && auction <= highest_auction) << i << ": " << auction;
    }
    if (KindOf(i) == EventKind::kAuction) {
      int64_t seller = Field(*t, "auction", "seller").Value(i);
      EXPECT_TRUE(seller >= lowest_person && seller <= highest_person) << i << ": " << seller;
    }
  }
}

// The share of picks equal to the hot id of their event.
struct HotShares {
  double auctions, bidders, sellers;
};

HotShares Shares(const GeneratorConfig& config) {
  auto t = Events(200000, Layout::kEvents, config);
  int64_t bids = 0, hot_auctions = 0, hot_bidders = 0, auctions = 0, hot_sellers = 0;
  for (int64_t i = 0; i < t->num_rows(); ++i) {
    if (KindOf(i) == EventKind::kBid) {
      ++bids;
      // The hot auction is the first of the newest block of 100 auctions;
      // the hot bidder is the second of the newest block of 100 people.
      hot_auctions += Field(*t, "bid", "auction").Value(i) == 1000 + LastAuctionId(i) / 100 * 100;
      hot_bidders += Field(*t, "bid", "bidder").Value(i) == 1000 + LastPersonId(i) / 100 * 100 + 1;
    } else if (KindOf(i) == EventKind::kAuction) {
      ++auctions;
      hot_sellers += Field(*t, "auction", "seller").Value(i) == 1000 + LastPersonId(i) / 100 * 100;
    }
  }
  return {1.0 * hot_auctions / bids, 1.0 * hot_bidders / bids, 1.0 * hot_sellers / auctions};
}

TEST(NexmarkGeneratorTest, HotKeysTakeAllButOneInRatioOfPicks) {
  // Defaults 2, 4, 4: 1/2 of bids on the hot auction, 3/4 by the hot bidder,
  // 3/4 of auctions by the hot seller (a random pick may also hit it).
  HotShares defaults = Shares({});
  EXPECT_NEAR(defaults.auctions, 0.5, 0.02);
  EXPECT_NEAR(defaults.bidders, 0.75, 0.02);
  EXPECT_NEAR(defaults.sellers, 0.75, 0.03);
  GeneratorConfig skewed;
  skewed.hot_auction_ratio = 10;
  skewed.hot_bidders_ratio = 1;  // no hot bidder: every pick random
  skewed.hot_sellers_ratio = 100;
  HotShares s = Shares(skewed);
  EXPECT_NEAR(s.auctions, 0.9, 0.02);
  EXPECT_LT(s.bidders, 0.02);
  EXPECT_NEAR(s.sellers, 0.99, 0.02);
}

TEST(NexmarkGeneratorTest, FieldValuesFollowTheReferenceRules) {
  std::set<std::string> first_names = {"Peter", "Paul", "Luke", "John", "Saul", "Vicky",
                                       "Kate", "Julie", "Sarah", "Deiter", "Walter"};
  std::set<std::string> cities = {"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland",
                                  "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"};
  std::set<std::string> states = {"AZ", "CA", "ID", "OR", "WA", "WY"};
  std::set<std::string> hot_channels = {"Google", "Facebook", "Baidu", "Apple"};
  auto people = Events(50000, Layout::kPerson);
  ASSERT_EQ(people->num_rows(), 1000);
  int64_t person_bytes = 0;
  for (int64_t i = 0; i < people->num_rows(); ++i) {
    std::string name = Flat<arrow::StringArray>(*people, "name").GetString(i);
    EXPECT_TRUE(first_names.count(name.substr(0, name.find(' ')))) << name;
    EXPECT_TRUE(std::regex_match(Flat<arrow::StringArray>(*people, "emailAddress").GetString(i),
                                 std::regex("[a-z][a-z ]{0,4}[a-z]?@[a-z][a-z ]{0,2}[a-z]?\\.com")));
    EXPECT_TRUE(std::regex_match(Flat<arrow::StringArray>(*people, "creditCard").GetString(i),
                                 std::regex("\\d{4} \\d{4} \\d{4} \\d{4}")));
    EXPECT_TRUE(cities.count(Flat<arrow::StringArray>(*people, "city").GetString(i)));
    EXPECT_TRUE(states.count(Flat<arrow::StringArray>(*people, "state").GetString(i)));
    person_bytes += 8 + name.size() + Flat<arrow::StringArray>(*people, "emailAddress").GetView(i).size() + 19 +
                    Flat<arrow::StringArray>(*people, "city").GetView(i).size() + 2 +
                    Flat<arrow::StringArray>(*people, "extra").GetView(i).size();
  }
  // `extra` pads people to 200 bytes on average.
  EXPECT_NEAR(person_bytes / 1000.0, 200, 5);

  auto auctions = Events(50000, Layout::kAuction);
  ASSERT_EQ(auctions->num_rows(), 3000);
  for (int64_t i = 0; i < auctions->num_rows(); ++i) {
    int64_t category = Flat(*auctions, "category").Value(i);
    EXPECT_TRUE(category >= 10 && category < 15) << category;
    int64_t initial = Flat(*auctions, "initialBid").Value(i);
    EXPECT_TRUE(initial >= 100 && initial <= 100'000'000) << initial;  // $1 to $10^6, in cents
    EXPECT_GT(Flat(*auctions, "reserve").Value(i), initial);
    EXPECT_GT(Flat<arrow::TimestampArray>(*auctions, "expires").Value(i),
              Flat<arrow::TimestampArray>(*auctions, "dateTime").Value(i));
    EXPECT_LE(Flat<arrow::StringArray>(*auctions, "itemName").GetView(i).size(), 19u);
    EXPECT_LE(Flat<arrow::StringArray>(*auctions, "description").GetView(i).size(), 99u);
  }

  auto bids = Events(50000, Layout::kBid);
  ASSERT_EQ(bids->num_rows(), 46000);
  int64_t hot = 0;
  for (int64_t i = 0; i < bids->num_rows(); ++i) {
    std::string channel = Flat<arrow::StringArray>(*bids, "channel").GetString(i);
    hot += hot_channels.count(channel);
    EXPECT_TRUE(hot_channels.count(channel) || channel.rfind("channel-", 0) == 0) << channel;
    EXPECT_EQ(Flat<arrow::StringArray>(*bids, "url").GetString(i).rfind("https://www.nexmark.com/", 0), 0u);
  }
  // Half the bids come through the four hot channels.
  EXPECT_NEAR(1.0 * hot / bids->num_rows(), 0.5, 0.02);
}

TEST(NexmarkGeneratorTest, SameSeedSameEventsWhateverThePartitions) {
  auto one = Events(3000);
  EXPECT_TRUE(one->Equals(*Events(3000)));
  GeneratorConfig other_seed;
  other_seed.seed = 7;
  auto seeded = Events(3000, Layout::kEvents, other_seed);
  EXPECT_FALSE(one->Equals(*seeded));
  // Same kinds and ids, other random values.
  EXPECT_TRUE(Column(*one, "event_type")->Equals(Column(*seeded, "event_type")));
  // Partition p of 3 generates events p, p + 3, ...: row for row, the same events.
  auto three = Generate({}, Layout::kEvents, 3, {{0, 0, 1000}, {1, 0, 1000}, {2, 0, 1000}}).ValueOrDie();
  ASSERT_EQ(three->num_rows(), 3000);
  for (int64_t row = 0; row < 3000; ++row) {
    int64_t event = row % 1000 * 3 + row / 1000;
    ASSERT_TRUE(three->Slice(row, 1)->Equals(*one->Slice(event, 1))) << row;
  }
}

class NexmarkSourceTest : public ::testing::Test {
 protected:
  std::shared_ptr<Session> session_ = Session::Make({{"spark.ui.enabled", "false"}});

  DataStreamReader Nexmark() { return session_->ReadStream().format("nexmark"); }

  // Runs the stream to its end (or its availableNow end), collecting each batch.
  std::vector<std::shared_ptr<arrow::Table>> Run(const DataFrame& df, const std::string& checkpoint,
                                                 bool available_now = false) {
    std::vector<std::shared_ptr<arrow::Table>> batches;
    std::mutex mutex;
    auto writer = df.writeStream().option("checkpointLocation", checkpoint).foreachBatch(
        [&](const DataFrame& batch, int64_t) -> arrow::Status {
          ARROW_ASSIGN_OR_RAISE(auto rows, batch.toArrow());
          std::lock_guard<std::mutex> lock(mutex);
          batches.push_back(rows);
          return arrow::Status::OK();
        });
    if (available_now) writer.trigger(Trigger::AvailableNow());
    auto query = writer.start();
    EXPECT_TRUE(query.ok()) << query.status().ToString();
    if (!query.ok()) return batches;
    EXPECT_TRUE(available_now ? (*query)->awaitTermination().ok() : (*query)->processAllAvailable().ok());
    EXPECT_TRUE((*query)->stop().ok());
    return batches;
  }
};

std::shared_ptr<arrow::Table> Concat(const std::vector<std::shared_ptr<arrow::Table>>& tables) {
  return arrow::ConcatenateTables(tables).ValueOrDie()->CombineChunks().ValueOrDie();
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_F(NexmarkSourceTest, BatchesCutAtMaxEventsPerTriggerAndRestartContinuesExactly) {
  std::string checkpoint = TestDir("restart");
  auto stream = [&](int64_t events) {
    return Nexmark().option("numEvents", std::to_string(events)).option("maxEventsPerTrigger", "70").load();
  };
  auto first = Run(stream(300), checkpoint);
  ASSERT_EQ(first.size(), 5u);  // 70, 70, 70, 70, 20
  EXPECT_EQ(first[0]->num_rows(), 70);
  EXPECT_EQ(first[4]->num_rows(), 20);
  auto second = Run(stream(1000), checkpoint);  // continues at event 300
  ASSERT_EQ(second.size(), 10u);
  first.insert(first.end(), second.begin(), second.end());
  auto all = session_->read().format("nexmark").option("numEvents", "1000").load().toArrow();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(Concat(first)->Equals(*(*all)->CombineChunks().ValueOrDie()));
}

TEST_F(NexmarkSourceTest, OffsetsCountEventsPerPartition) {
  std::string checkpoint = TestDir("offsets");
  auto df = Nexmark().option("numEvents", "101").option("numPartitions", "2").option("table", "bid").load();
  auto batches = Run(df, checkpoint);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0]->num_rows(), 101 - 3 - 6);  // all but 3 people (0, 50, 100) and 6 auctions
  std::string log = ReadFile(fs::path(checkpoint) / "offsets" / "0");
  EXPECT_EQ(log.substr(log.rfind('\n') + 1), "{\"0\":51,\"1\":50}");
  // The same checkpoint read with another numPartitions is refused.
  auto again = Nexmark().option("numEvents", "200").option("numPartitions", "3").option("table", "bid").load();
  auto query = again.writeStream().option("checkpointLocation", checkpoint).format("noop").start();
  ASSERT_TRUE(query.ok());
  EXPECT_FALSE((*query)->awaitTermination().ok());
  ASSERT_TRUE((*query)->exception());
  EXPECT_NE((*query)->exception()->message().find("numPartitions 3"), std::string::npos);
}

TEST_F(NexmarkSourceTest, AvailableNowTakesOneBatchOfAnUnboundedStream) {
  auto df = Nexmark().option("maxEventsPerTrigger", "500").option("table", "auction").load();
  auto batches = Run(df, TestDir("available_now"), /*available_now=*/true);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0]->num_rows(), 30);  // 3 auctions in every 50 events
  EXPECT_EQ(batches[0]->schema()->field(0)->name(), "id");
}

// The start time a paced stream counts from is the checkpoint's: started 5 s
// ago, 500 events are due; starting in an hour, none.
TEST_F(NexmarkSourceTest, PacedStreamHasTheEventsDueSinceItsCheckpointedStart) {
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  auto run = [&](const std::string& name, int64_t start_ms) {
    std::string checkpoint = TestDir(name);
    EXPECT_TRUE(MetadataLog(checkpoint + "/sources/0").Add(0, "v1\n" + std::to_string(start_ms)).ok());
    auto df = Nexmark().option("eventsPerSecond", "100").option("maxEventsPerTrigger", "400").load();
    return Run(df, checkpoint, /*available_now=*/true);
  };
  auto past = run("paced_past", now_ms - 5000);
  ASSERT_EQ(past.size(), 2u);
  EXPECT_EQ(past[0]->num_rows(), 400);
  EXPECT_GE(past[1]->num_rows(), 100);
  // At 100 events a second of event time: event 400 is 4 s after the base time.
  auto times = std::static_pointer_cast<arrow::TimestampArray>(past[1]->GetColumnByName("dateTime")->chunk(0));
  EXPECT_EQ(times->Value(0), (kDefaultBaseTimeMs + 4000) * 1000);
  EXPECT_TRUE(run("paced_future", now_ms + 3'600'000).empty());
}

TEST_F(NexmarkSourceTest, BadOptionsNameTheOptionAndWhatIsAllowed) {
  struct Case {
    std::string option, value, message;
  };
  std::vector<Case> cases = {
      {"table", "bids", "Invalid value 'bids'. The option 'table' must be person, auction or bid"},
      {"eventsPerSecond", "-1", "Invalid value '-1'. The option 'eventsPerSecond' must be non-negative"},
      {"numEvents", "-5", "Invalid value '-5'. The option 'numEvents' must be non-negative (0: unbounded)"},
      {"numPartitions", "0", "Invalid value '0'. The option 'numPartitions' must be positive"},
      {"maxEventsPerTrigger", "0", "Invalid value '0'. The option 'maxEventsPerTrigger' must be positive"},
      {"maxEventsPerTrigger", "100000000", "The option 'maxEventsPerTrigger' must be at most 4194304"},
      {"hotAuctionRatio", "0", "Invalid value '0'. The option 'hotAuctionRatio' must be at least 1"},
      {"hotSellersRatio", "-2", "The option 'hotSellersRatio' must be at least 1"},
      {"hotBiddersRatio", "x", "Invalid value 'x' for option 'hotBiddersRatio': an integer is expected."},
      {"seed", "1.5", "Invalid value '1.5' for option 'seed': an integer is expected."},
  };
  for (const auto& c : cases) {
    auto df = Nexmark().option(c.option, c.value).load();
    ASSERT_FALSE(df.ok()) << c.option;
    EXPECT_NE(df.status().message().find(c.message), std::string::npos) << df.status().message();
  }
  auto no_count = session_->read().format("nexmark").load();
  ASSERT_FALSE(no_count.ok());
  EXPECT_EQ(no_count.status().message(), "The option 'numEvents' is required for a batch read of the nexmark source");
  auto schema = Nexmark().schema("a INT").load();
  ASSERT_FALSE(schema.ok());
  EXPECT_NE(schema.status().message().find("does not support a user-specified schema"), std::string::npos);
}

}  // namespace
}  // namespace spate::nexmark
