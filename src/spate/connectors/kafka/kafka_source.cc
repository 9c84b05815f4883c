// The Kafka source, streaming and batch. Offsets are Spark's JSON
// ({"topic":{"0":23}}) in the checkpoint's offsets log; the starting offsets
// a query resolved when it first ran are kept in the source's checkpoint
// folder (batch 0 of its metadata log), so a restart reads the same rows.
// Partitions that appear later start at their earliest offset; partitions
// or data that disappear fail the query unless failOnDataLoss=false.

#include <chrono>
#include <cmath>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/connectors/kafka/kafka_connector.h"
#include "spate/connectors/kafka/kafka_live_reader.h"
#include "spate/connectors/kafka/kafka_source_options.h"
#include "spate/plan/plan_builder.h"
#include "spate/streaming/metadata_log.h"

namespace spate {

namespace kafka {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Spark's per-partition share of maxOffsetsPerTrigger: proportional to each
// partition's backlog, rounded down (up when the share is below one).
PartitionOffsets RateLimit(const PartitionOffsets& from, const PartitionOffsets& until, int64_t limit) {
  double total = 0;
  for (const auto& [tp, end] : until) total += static_cast<double>(std::max<int64_t>(0, end - from.at(tp)));
  if (total <= static_cast<double>(limit)) return until;
  PartitionOffsets out;
  for (const auto& [tp, end] : until) {
    int64_t begin = from.at(tp);
    double size = static_cast<double>(std::max<int64_t>(0, end - begin));
    double share = static_cast<double>(limit) * (size / total);
    int64_t take = static_cast<int64_t>(share < 1 ? std::ceil(share) : std::floor(share));
    out[tp] = std::min(end, begin + take);
  }
  return out;
}

// Rows (offsets) between two offset maps.
int64_t Backlog(const PartitionOffsets& from, const PartitionOffsets& until) {
  int64_t total = 0;
  for (const auto& [tp, end] : until) {
    auto it = from.find(tp);
    total += std::max<int64_t>(0, end - (it == from.end() ? 0 : it->second));
  }
  return total;
}

std::string DoubleText(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

class KafkaStreamSource final : public StreamSource {
 public:
  // `initial` comes from the checkpoint; without it the starting offsets are
  // resolved with the brokers on first use, on the query's thread (start()
  // does not wait for the brokers, as in Spark).
  KafkaStreamSource(SourceOptions options, std::unique_ptr<Client> client,
                    std::optional<PartitionOffsets> initial, std::string checkpoint_dir)
      : options_(std::move(options)),
        client_(std::move(client)),
        initial_(std::move(initial)),
        checkpoint_dir_(std::move(checkpoint_dir)),
        reader_(options_.client, options_.read),
        live_(options_.client, options_.read) {}

  StructTypePtr schema() const override { return KafkaSourceSchema(options_.read.include_headers); }
  std::string description() const override { return "KafkaV2[" + options_.StrategyDescription() + "]"; }

  arrow::Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>& start,
                                                         const ReadLimit& limit) override {
    ARROW_ASSIGN_OR_RAISE(PartitionOffsets from, StartOffsets(start));
    ARROW_ASSIGN_OR_RAISE(auto partitions, SubscribedPartitions(*client_, options_));
    PartitionOffsets low, high;
    // A topic deleted since the metadata was read is missing from `high`:
    // CheckDeleted applies failOnDataLoss to it like to any deleted topic.
    ARROW_RETURN_NOT_OK(client_->Watermarks(partitions, &low, &high, /*skip_unknown=*/true));
    latest_ = high;
    if (available_now_end_) {
      for (auto& [tp, off] : high) {
        auto it = available_now_end_->find(tp);
        off = it == available_now_end_->end() ? from.count(tp) ? from[tp] : low[tp] : std::min(off, it->second);
      }
    }
    ARROW_RETURN_NOT_OK(CheckDeleted(from, high));
    for (const auto& [tp, off] : high) {
      if (!from.count(tp)) from[tp] = low[tp];  // a new partition starts at its earliest offset
    }
    if (available_now_end_ && !available_now_start_) available_now_start_ = from;
    PartitionOffsets end = high;
    for (auto& [tp, off] : end) off = std::max(off, from[tp]);
    if (options_.min_offsets_per_trigger && !limit.all_available &&
        Backlog(from, end) < *options_.min_offsets_per_trigger &&
        NowMs() - last_trigger_ms_ < options_.max_trigger_delay_ms) {
      return start;  // wait for more data (or for maxTriggerDelay)
    }
    if (options_.max_offsets_per_trigger && !limit.all_available) {
      end = RateLimit(from, end, *options_.max_offsets_per_trigger);
    }
    std::string json = OffsetsToJson(end);
    if (!start || json != *start) last_trigger_ms_ = NowMs();
    return json;
  }

  arrow::Status PrepareForAvailableNow() override {
    ARROW_RETURN_NOT_OK(ResolveInitialOffsets());
    ARROW_ASSIGN_OR_RAISE(auto partitions, SubscribedPartitions(*client_, options_));
    PartitionOffsets high;
    ARROW_RETURN_NOT_OK(client_->Watermarks(partitions, nullptr, &high));
    available_now_end_ = high;
    return arrow::Status::OK();
  }

  // Offsets read of those between where the run started and the end offsets
  // fixed when it started.
  std::optional<InputBacklog> AvailableNowBacklog() const override {
    if (!available_now_end_ || !available_now_start_) return std::nullopt;
    PartitionOffsets read;
    for (const auto& [tp, end] : *available_now_end_) {
      auto it = last_end_.find(tp);
      read[tp] = it == last_end_.end() ? 0 : std::min(end, it->second);
    }
    return InputBacklog{Backlog(*available_now_start_, read), Backlog(*available_now_start_, *available_now_end_),
                        "offsets"};
  }

  arrow::Result<std::shared_ptr<arrow::Table>> GetBatch(const std::optional<std::string>& start,
                                                        const std::string& end) override {
    ARROW_ASSIGN_OR_RAISE(auto ranges, Ranges(start, end));
    return reader_.Read(ranges);
  }

  arrow::Status ReadBatch(const std::optional<std::string>& start, const std::string& end,
                          const RowsCallback& on_rows) override {
    ARROW_ASSIGN_OR_RAISE(auto ranges, Ranges(start, end));
    return reader_.ReadInPieces(ranges, on_rows);
  }

  // The continuous trigger and real-time mode: one consumer stays on the
  // partitions of the starting offsets; each poll takes what has arrived.
  arrow::Result<std::optional<PolledRows>> Poll(const std::optional<std::string>& start, int timeout_ms) override {
    if (!start || *start != live_end_) {
      ARROW_ASSIGN_OR_RAISE(live_from_, StartOffsets(start));
    }
    ARROW_ASSIGN_OR_RAISE(auto rows, live_.Poll(&live_from_, timeout_ms));
    if (rows->num_rows() > 0 || live_end_.empty()) live_end_ = OffsetsToJson(live_from_);
    last_end_ = live_from_;
    return PolledRows{std::move(rows), live_end_};
  }

  std::string MetricsJson() const override {
    if (latest_.empty() || last_end_.empty()) return "";
    int64_t min = INT64_MAX, max = 0;
    double sum = 0;
    for (const auto& [tp, consumed] : last_end_) {
      auto it = latest_.find(tp);
      int64_t behind = it == latest_.end() ? 0 : std::max<int64_t>(0, it->second - consumed);
      min = std::min(min, behind);
      max = std::max(max, behind);
      sum += static_cast<double>(behind);
    }
    return fmt::format(R"("avgOffsetsBehindLatest":"{}","maxOffsetsBehindLatest":"{}","minOffsetsBehindLatest":"{}")",
                       DoubleText(sum / static_cast<double>(last_end_.size())), max, min);
  }

 private:
  // The offset ranges of (start, end], checked against what the broker still has.
  arrow::Result<std::vector<OffsetRange>> Ranges(const std::optional<std::string>& start, const std::string& end) {
    ARROW_ASSIGN_OR_RAISE(PartitionOffsets from, StartOffsets(start));
    ARROW_ASSIGN_OR_RAISE(PartitionOffsets until, OffsetsFromJson(end, "offsets log"));
    std::vector<TopicPartition> partitions;
    for (const auto& [tp, _] : until) partitions.push_back(tp);
    PartitionOffsets low;
    ARROW_RETURN_NOT_OK(client_->Watermarks(partitions, &low, nullptr));
    std::vector<OffsetRange> ranges;
    for (const auto& [tp, stop] : until) {
      int64_t begin = from.count(tp) ? from[tp] : low[tp];
      if (begin < low[tp]) {
        if (options_.read.fail_on_data_loss) {
          return DataLossError(fmt::format("Cannot fetch offset {} of {}: the earliest available offset is {}",
                                           begin, PartitionName(tp), low[tp]));
        }
        begin = low[tp];
      }
      if (stop < begin) {
        if (options_.read.fail_on_data_loss) {
          return DataLossError(fmt::format("{}'s offset went back from {} to {}", PartitionName(tp), begin, stop));
        }
        continue;
      }
      ranges.push_back({tp, begin, stop});
    }
    last_end_ = until;
    return ranges;
  }

  arrow::Result<PartitionOffsets> StartOffsets(const std::optional<std::string>& start) {
    if (start) return OffsetsFromJson(*start, "offsets log");
    ARROW_RETURN_NOT_OK(ResolveInitialOffsets());
    return *initial_;
  }

  // The query's first run: the starting offsets from the brokers, kept in the
  // checkpoint (Spark's initial offsets) so that every run reads from there.
  arrow::Status ResolveInitialOffsets() {
    if (initial_) return arrow::Status::OK();
    auto resolved = [&]() -> arrow::Result<PartitionOffsets> {
      ARROW_ASSIGN_OR_RAISE(auto partitions, SubscribedPartitions(*client_, options_));
      return ResolveOffsets(*client_, options_.starting, partitions);
    }();
    if (!resolved.ok()) {
      auto servers = options_.client.find("bootstrap.servers");
      return resolved.status().WithMessage(fmt::format(
          "Kafka source: cannot read the starting offsets from the brokers at {}: {}",
          servers == options_.client.end() ? "(no bootstrap servers)" : servers->second,
          resolved.status().message()));
    }
    ARROW_RETURN_NOT_OK(MetadataLog(checkpoint_dir_).Add(0, "v1\n" + OffsetsToJson(*resolved)));
    initial_ = *std::move(resolved);
    return arrow::Status::OK();
  }

  // Partitions read before that no longer exist (a deleted topic).
  arrow::Status CheckDeleted(PartitionOffsets& from, const PartitionOffsets& now) const {
    for (auto it = from.begin(); it != from.end();) {
      if (now.count(it->first)) {
        ++it;
        continue;
      }
      if (options_.read.fail_on_data_loss) {
        return DataLossError(fmt::format("{} is gone (its topic was deleted or lost partitions)",
                                         PartitionName(it->first)));
      }
      it = from.erase(it);
    }
    return arrow::Status::OK();
  }

  SourceOptions options_;
  std::unique_ptr<Client> client_;
  std::optional<PartitionOffsets> initial_;
  std::string checkpoint_dir_;
  RangeReader reader_;
  LiveReader live_;
  PartitionOffsets live_from_;  // where the live reader goes on
  std::string live_end_;  // live_from_ as offsets JSON
  // When a batch last took new offsets; 0 before the first, which (as in Spark)
  // does not wait for minOffsetsPerTrigger.
  int64_t last_trigger_ms_ = 0;
  std::optional<PartitionOffsets> available_now_end_;
  std::optional<PartitionOffsets> available_now_start_;  // where the availableNow run started
  PartitionOffsets latest_, last_end_;
};

class KafkaSourceFactory final : public StreamSourceFactory {
 public:
  explicit KafkaSourceFactory(SourceOptions options) : options_(std::move(options)) {}
  StructTypePtr schema() const override { return KafkaSourceSchema(options_.read.include_headers); }
  std::string name() const override { return "kafka"; }

  // Creating the source contacts no broker: the starting offsets of a first run
  // are resolved by the source on the query's thread.
  arrow::Result<std::shared_ptr<StreamSource>> Create(const std::string& checkpoint_dir) override {
    ARROW_ASSIGN_OR_RAISE(auto client, Client::Create(Client::Kind::kConsumer, options_.client, "Kafka source"));
    ARROW_ASSIGN_OR_RAISE(auto stored, MetadataLog(checkpoint_dir).Get(0));
    std::optional<PartitionOffsets> initial;
    if (stored) {
      ARROW_ASSIGN_OR_RAISE(initial, OffsetsFromJson(stored->substr(stored->find('\n') + 1), "initial offsets"));
    }
    return std::make_shared<KafkaStreamSource>(options_, std::move(client), std::move(initial), checkpoint_dir);
  }

 private:
  SourceOptions options_;
};

}  // namespace

arrow::Result<std::shared_ptr<arrow::Table>> ReadBatch(const Options& options) {
  ARROW_ASSIGN_OR_RAISE(SourceOptions parsed, ParseSourceOptions(options, /*batch=*/true));
  ARROW_ASSIGN_OR_RAISE(auto client, Client::Create(Client::Kind::kConsumer, parsed.client, "Kafka source"));
  ARROW_ASSIGN_OR_RAISE(auto partitions, SubscribedPartitions(*client, parsed));
  ARROW_ASSIGN_OR_RAISE(auto from, ResolveOffsets(*client, parsed.starting, partitions));
  ARROW_ASSIGN_OR_RAISE(auto until, ResolveOffsets(*client, parsed.ending, partitions));
  PartitionOffsets low;
  ARROW_RETURN_NOT_OK(client->Watermarks(partitions, &low, nullptr));
  std::vector<OffsetRange> ranges;
  for (const auto& tp : partitions) {
    int64_t begin = from[tp];
    if (begin < low[tp]) {
      if (parsed.read.fail_on_data_loss) {
        return DataLossError(fmt::format("Cannot fetch offset {} of {}: the earliest available offset is {}", begin,
                                         PartitionName(tp), low[tp]));
      }
      begin = low[tp];
    }
    ranges.push_back({tp, begin, until[tp]});
  }
  RangeReader reader(parsed.client, parsed.read);
  return reader.Read(ranges);
}

}  // namespace kafka

arrow::Result<PlanPtr> LoadKafka(const RuntimeConfig&, const std::map<std::string, std::string>& options) {
  Options opts;
  for (const auto& [k, v] : options) opts.Set(k, v);
  ARROW_ASSIGN_OR_RAISE(bool headers, opts.GetBool("includeHeaders", false));
  auto source = std::make_shared<ScanSource>();
  source->description = "KafkaRelation";
  ARROW_ASSIGN_OR_RAISE(source->table, kafka::ReadBatch(opts));
  return MakeScan(std::move(source), *kafka::KafkaSourceSchema(headers));
}

void RegisterKafkaConnectors(std::map<std::string, StreamingFormat>& formats) {
  auto& kafka = formats["kafka"];
  kafka.source = [](const SourceRequest& r) -> arrow::Result<std::shared_ptr<StreamSourceFactory>> {
    if (r.user_schema) return LegacyAnalysisError("Kafka source has a fixed schema and cannot be set with a custom one");
    ARROW_ASSIGN_OR_RAISE(auto options, kafka::ParseSourceOptions(r.options, /*batch=*/false));
    return std::make_shared<kafka::KafkaSourceFactory>(std::move(options));
  };
  kafka.sink = MakeKafkaStreamSink;
}

}  // namespace spate
