// The "nexmark" source: Nexmark's person / auction / bid events
// (nexmark_generator.h) as a micro-batch stream or a batch read. A Spate-only
// source; Spark has none.
//
// An offset is the number of events each partition has generated,
// {"0":k0,"1":k1,...}; partitions advance together, so one total stands for
// them all. Events come as fast as possible (eventsPerSecond 0) or at
// eventsPerSecond since the query first started (kept in the checkpoint), at
// most maxEventsPerTrigger a batch, until numEvents (0: never).

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include <arrow/api.h>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/connectors/nexmark/nexmark_connector.h"
#include "spate/connectors/nexmark/nexmark_generator.h"
#include "spate/connectors/registry.h"
#include "spate/plan/plan_builder.h"
#include "spate/streaming/metadata_log.h"

namespace spate {

namespace {

using nexmark::Layout;

// The most events one batch generates: about 1.4 GB of rows in the nested
// layout (some 330 bytes an event), 0.7 GB of bids.
constexpr int64_t kMaxEventsPerBatch = int64_t{1} << 22;
constexpr int64_t kDefaultEventsPerTrigger = 1'000'000;

struct NexmarkOptions {
  nexmark::GeneratorConfig generator;
  Layout layout = Layout::kEvents;
  int64_t events_per_second = 0;  // 0: as fast as possible
  int64_t num_events = 0;         // 0: unbounded
  int64_t partitions = 1;
  int64_t max_per_trigger = kDefaultEventsPerTrigger;
};

arrow::Status MustBeAtLeast(const std::string& option, int64_t value, int64_t least, const char* what) {
  if (value >= least) return arrow::Status::OK();
  return arrow::Status::Invalid(fmt::format("Invalid value '{}'. The option '{}' must be {}", value, option, what));
}

arrow::Status MustFitOneBatch(const std::string& option, int64_t value) {
  if (value <= kMaxEventsPerBatch) return arrow::Status::OK();
  return arrow::Status::Invalid(fmt::format(
      "Invalid value '{}'. The option '{}' must be at most {}: the events of one batch are generated in memory.",
      value, option, kMaxEventsPerBatch));
}

arrow::Result<Layout> ParseTable(const Options& options) {
  auto table = options.Get("table");
  if (!table) return Layout::kEvents;
  std::string name = AsciiLower(*table);
  if (name == "person") return Layout::kPerson;
  if (name == "auction") return Layout::kAuction;
  if (name == "bid") return Layout::kBid;
  return arrow::Status::Invalid(fmt::format(
      "Invalid value '{}'. The option 'table' must be person, auction or bid (or absent: every event as one row "
      "with event_type, person, auction, bid and dateTime)",
      *table));
}

arrow::Result<int64_t> GetRatio(const Options& options, const std::string& name, int64_t fallback) {
  ARROW_ASSIGN_OR_RAISE(int64_t ratio, options.GetInt(name, fallback));
  ARROW_RETURN_NOT_OK(MustBeAtLeast(name, ratio, 1, "at least 1 (1: no hot keys)"));
  return ratio;
}

arrow::Result<NexmarkOptions> ParseOptions(const Options& options, bool batch) {
  NexmarkOptions o;
  ARROW_ASSIGN_OR_RAISE(o.layout, ParseTable(options));
  ARROW_ASSIGN_OR_RAISE(o.events_per_second, options.GetInt("eventsPerSecond", 0));
  ARROW_RETURN_NOT_OK(MustBeAtLeast("eventsPerSecond", o.events_per_second, 0, "non-negative (0: as fast as possible)"));
  ARROW_ASSIGN_OR_RAISE(o.num_events, options.GetInt("numEvents", 0));
  if (batch) {
    if (!options.Has("numEvents")) {
      return arrow::Status::Invalid("The option 'numEvents' is required for a batch read of the nexmark source");
    }
    ARROW_RETURN_NOT_OK(MustBeAtLeast("numEvents", o.num_events, 1, "positive for a batch read"));
    ARROW_RETURN_NOT_OK(MustFitOneBatch("numEvents", o.num_events));
  }
  ARROW_RETURN_NOT_OK(MustBeAtLeast("numEvents", o.num_events, 0, "non-negative (0: unbounded)"));
  ARROW_ASSIGN_OR_RAISE(o.partitions, options.GetInt("numPartitions", 1));
  ARROW_RETURN_NOT_OK(MustBeAtLeast("numPartitions", o.partitions, 1, "positive"));
  ARROW_ASSIGN_OR_RAISE(o.max_per_trigger, options.GetInt("maxEventsPerTrigger", kDefaultEventsPerTrigger));
  ARROW_RETURN_NOT_OK(MustBeAtLeast("maxEventsPerTrigger", o.max_per_trigger, 1, "positive"));
  ARROW_RETURN_NOT_OK(MustFitOneBatch("maxEventsPerTrigger", o.max_per_trigger));
  auto& g = o.generator;
  ARROW_ASSIGN_OR_RAISE(g.seed, options.GetInt("seed", 0));
  g.events_per_second = o.events_per_second > 0 ? o.events_per_second : nexmark::kDefaultEventTimeRate;
  ARROW_ASSIGN_OR_RAISE(g.hot_auction_ratio, GetRatio(options, "hotAuctionRatio", g.hot_auction_ratio));
  ARROW_ASSIGN_OR_RAISE(g.hot_sellers_ratio, GetRatio(options, "hotSellersRatio", g.hot_sellers_ratio));
  ARROW_ASSIGN_OR_RAISE(g.hot_bidders_ratio, GetRatio(options, "hotBiddersRatio", g.hot_bidders_ratio));
  return o;
}

// How many of the first `total` events partition p of n generates (events p, p + n, ...).
int64_t PartitionCount(int64_t total, int64_t p, int64_t n) { return total > p ? (total - p + n - 1) / n : 0; }

// The rows of events [from, to), partition after partition.
arrow::Result<std::shared_ptr<arrow::Table>> GenerateRange(const NexmarkOptions& o, int64_t from, int64_t to) {
  std::vector<nexmark::PartitionRange> ranges;
  for (int64_t p = 0; p < o.partitions; ++p) {
    ranges.push_back({p, PartitionCount(from, p, o.partitions), PartitionCount(to, p, o.partitions)});
  }
  return nexmark::Generate(o.generator, o.layout, o.partitions, ranges);
}

std::string OffsetJson(int64_t total, int64_t partitions) {
  std::string json = "{";
  for (int64_t p = 0; p < partitions; ++p) {
    json += fmt::format("{}\"{}\":{}", p == 0 ? "" : ",", p, PartitionCount(total, p, partitions));
  }
  return json + "}";
}

// The total events an offset stands for; it must be one this source writes.
arrow::Result<int64_t> ParseOffset(const std::string& text, int64_t partitions) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  bool ok = !doc.HasParseError() && doc.IsObject() && static_cast<int64_t>(doc.MemberCount()) == partitions;
  std::vector<int64_t> counts;
  for (int64_t p = 0; ok && p < partitions; ++p) {
    std::string key = std::to_string(p);
    ok = doc.HasMember(key.c_str()) && doc[key.c_str()].IsInt64();
    if (ok) counts.push_back(doc[key.c_str()].GetInt64());
  }
  int64_t total = 0;
  for (int64_t count : counts) total += count;
  for (int64_t p = 0; ok && p < partitions; ++p) ok = counts[p] == PartitionCount(total, p, partitions);
  if (!ok) {
    return arrow::Status::Invalid(fmt::format(
        "[INVALID_CHECKPOINT] '{}' is not an offset of a nexmark source with numPartitions {}: the checkpoint "
        "belongs to another source or was written with another numPartitions.",
        text, partitions));
  }
  return total;
}

// The start time a checkpoint keeps: "v1\n<ms since the epoch>".
arrow::Result<int64_t> ParseStartTime(const std::string& entry) {
  std::string text = entry.substr(entry.find('\n') + 1);
  try {
    size_t used = 0;
    int64_t ms = std::stoll(text, &used);
    if (used == text.size()) return ms;
  } catch (const std::exception&) {
  }
  return arrow::Status::Invalid("[INVALID_CHECKPOINT] The nexmark source's start time '", text,
                                "' is not a number: the checkpoint belongs to another source.");
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class NexmarkSource final : public StreamSource {
 public:
  NexmarkSource(NexmarkOptions options, int64_t start_ms) : o_(std::move(options)), start_ms_(start_ms) {}

  StructTypePtr schema() const override { return nexmark::Schema(o_.layout); }
  std::string description() const override {
    static const char* kTables[] = {"events", "person", "auction", "bid"};
    return fmt::format("NexmarkStream[table={}, eventsPerSecond={}, numEvents={}, numPartitions={}, seed={}]",
                       kTables[static_cast<int>(o_.layout)], o_.events_per_second, o_.num_events, o_.partitions,
                       o_.generator.seed);
  }

  arrow::Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>& start,
                                                         const ReadLimit& limit) override {
    int64_t from = 0;
    if (start) {
      ARROW_ASSIGN_OR_RAISE(from, ParseOffset(*start, o_.partitions));
    }
    if (available_now_ && !available_now_end_) available_now_end_ = Available(from);
    int64_t most = limit.all_available ? kMaxEventsPerBatch : o_.max_per_trigger;
    int64_t end = std::min(from + most, available_now_end_ ? *available_now_end_ : Available(from));
    if (end <= from) return start;
    return OffsetJson(end, o_.partitions);
  }

  arrow::Status PrepareForAvailableNow() override {
    available_now_ = true;
    return arrow::Status::OK();
  }

  arrow::Result<std::shared_ptr<arrow::Table>> GetBatch(const std::optional<std::string>& start,
                                                        const std::string& end) override {
    int64_t from = 0;
    if (start) {
      ARROW_ASSIGN_OR_RAISE(from, ParseOffset(*start, o_.partitions));
    }
    ARROW_ASSIGN_OR_RAISE(int64_t to, ParseOffset(end, o_.partitions));
    return GenerateRange(o_, from, to);
  }

 private:
  // The events there are now, reading on from event `from`: those due at
  // the rate, or without one, numEvents or one batch more.
  int64_t Available(int64_t from) const {
    int64_t end = o_.num_events > 0 ? o_.num_events : std::numeric_limits<int64_t>::max();
    if (o_.events_per_second > 0) {
      int64_t due = static_cast<int64_t>(static_cast<__int128>(std::max<int64_t>(NowMs() - start_ms_, 0)) *
                                         o_.events_per_second / 1000);
      return std::min(end, due);
    }
    return o_.num_events > 0 ? end : from + o_.max_per_trigger;
  }

  NexmarkOptions o_;
  int64_t start_ms_;
  bool available_now_ = false;
  std::optional<int64_t> available_now_end_;
};

class NexmarkSourceFactory final : public StreamSourceFactory {
 public:
  explicit NexmarkSourceFactory(NexmarkOptions options) : o_(std::move(options)) {}
  StructTypePtr schema() const override { return nexmark::Schema(o_.layout); }
  std::string name() const override { return "nexmark"; }

  // The query's start time lives in the checkpoint, so a paced stream
  // restarted later has the events due since it first started.
  arrow::Result<std::shared_ptr<StreamSource>> Create(const std::string& checkpoint_dir) override {
    MetadataLog log(checkpoint_dir);
    ARROW_ASSIGN_OR_RAISE(auto stored, log.Get(0));
    int64_t start_ms = NowMs();
    if (stored) {
      ARROW_ASSIGN_OR_RAISE(start_ms, ParseStartTime(*stored));
    } else {
      ARROW_RETURN_NOT_OK(log.Add(0, "v1\n" + std::to_string(start_ms)));
    }
    return std::make_shared<NexmarkSource>(o_, start_ms);
  }

 private:
  NexmarkOptions o_;
};

constexpr char kNoUserSchema[] = "The nexmark source does not support a user-specified schema.";

}  // namespace

arrow::Result<PlanPtr> LoadNexmark(const std::map<std::string, std::string>& options, bool user_schema) {
  if (user_schema) return LegacyAnalysisError(kNoUserSchema);
  Options opts;
  for (const auto& [k, v] : options) opts.Set(k, v);
  ARROW_ASSIGN_OR_RAISE(auto parsed, ParseOptions(opts, /*batch=*/true));
  auto source = std::make_shared<ScanSource>();
  source->description = "NexmarkRelation";
  ARROW_ASSIGN_OR_RAISE(source->table, GenerateRange(parsed, 0, parsed.num_events));
  return MakeScan(std::move(source), *nexmark::Schema(parsed.layout));
}

void RegisterNexmarkConnectors(std::map<std::string, StreamingFormat>& formats) {
  formats["nexmark"].source = [](const SourceRequest& r) -> arrow::Result<std::shared_ptr<StreamSourceFactory>> {
    if (r.user_schema) return LegacyAnalysisError(kNoUserSchema);
    ARROW_ASSIGN_OR_RAISE(auto options, ParseOptions(r.options, /*batch=*/false));
    return std::make_shared<NexmarkSourceFactory>(std::move(options));
  };
}

}  // namespace spate
