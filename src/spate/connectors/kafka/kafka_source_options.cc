#include "spate/connectors/kafka/kafka_source_options.h"

#include <set>
#include <sstream>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "spate/common/strings.h"
#include "spate/connectors/file/file_listing.h"
#include "spate/connectors/kafka/kafka_config.h"

namespace spate::kafka {

namespace {

std::vector<std::string> SplitTopics(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

// assign: {"topicA":[0,1],"topicB":[2,4]}
arrow::Result<std::vector<TopicPartition>> ParseAssign(const std::string& json) {
  auto invalid = [&] {
    return arrow::Status::Invalid(fmt::format(
        "Invalid value for option 'assign': expected JSON like {{\"topicA\":[0,1],\"topicB\":[2,4]}}, got {}", json));
  };
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  if (doc.HasParseError() || !doc.IsObject()) return invalid();
  std::vector<TopicPartition> out;
  for (const auto& t : doc.GetObject()) {
    if (!t.value.IsArray()) return invalid();
    for (const auto& p : t.value.GetArray()) {
      if (!p.IsInt() || p.GetInt() < 0) return invalid();
      out.push_back({t.name.GetString(), p.GetInt()});
    }
  }
  if (out.empty()) {
    return arrow::Status::Invalid(
        fmt::format("No topicpartitions to assign as specified value for option 'assign' is '{}'", json));
  }
  return out;
}

// Spark's time strings: "100ms", "10s", "5m", "1h", "1d"; a bare number is milliseconds.
arrow::Result<int64_t> ParseDurationMs(const std::string& option, const std::string& text) {
  std::string t = AsciiLower(text);
  size_t i = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
  std::string unit = t.substr(i);
  static const std::map<std::string, int64_t> units = {{"", 1},         {"ms", 1},        {"s", 1000},
                                                       {"m", 60000},    {"min", 60000},   {"h", 3600000},
                                                       {"d", 86400000}, {"us", 0}};
  auto u = units.find(unit);
  if (i == 0 || u == units.end()) {
    return arrow::Status::Invalid(fmt::format(
        "Invalid value '{}' for option '{}': expected a duration such as 100ms, 10s, 5m, 1h or 1d", text, option));
  }
  return std::stoll(t.substr(0, i)) * u->second;
}

arrow::Result<OffsetSpec> ParseOffsetSpec(const Options& options, const std::string& name, OffsetSpec fallback) {
  auto v = options.Get(name);
  if (!v) return fallback;
  OffsetSpec spec;
  spec.option = name;
  std::string l = AsciiLower(*v);
  if (l == "earliest") {
    spec.kind = OffsetSpec::Kind::kEarliest;
  } else if (l == "latest") {
    spec.kind = OffsetSpec::Kind::kLatest;
  } else {
    spec.kind = OffsetSpec::Kind::kSpecific;
    ARROW_ASSIGN_OR_RAISE(spec.offsets, OffsetsFromJson(*v, name));
  }
  return spec;
}

// startingTimestamp > startingOffsetsByTimestamp > startingOffsets, as in Spark.
arrow::Result<OffsetSpec> ParseBound(const Options& options, const std::string& prefix, OffsetSpec fallback) {
  std::string strategy = AsciiLower(options.Get(prefix + "OffsetsByTimestampStrategy", "error"));
  if (strategy != "error" && strategy != "latest") {
    return arrow::Status::Invalid(fmt::format(
        "Invalid value '{}' for option '{}OffsetsByTimestampStrategy': allowed are 'error' and 'latest'", strategy,
        prefix));
  }
  OffsetSpec spec;
  if (options.Has(prefix + "Timestamp")) {
    spec.kind = OffsetSpec::Kind::kTimestamp;
    spec.option = prefix + "Timestamp";
    ARROW_ASSIGN_OR_RAISE(spec.timestamp, options.GetInt(spec.option, 0));
  } else if (options.Has(prefix + "OffsetsByTimestamp")) {
    spec.kind = OffsetSpec::Kind::kTimestampPerPartition;
    spec.option = prefix + "OffsetsByTimestamp";
    ARROW_ASSIGN_OR_RAISE(spec.offsets, OffsetsFromJson(*options.Get(spec.option), spec.option));
  } else {
    ARROW_ASSIGN_OR_RAISE(spec, ParseOffsetSpec(options, prefix + "Offsets", fallback));
  }
  spec.strategy_latest = strategy == "latest";
  return spec;
}

arrow::Status ParseStrategy(const Options& options, SourceOptions* out) {
  int given = options.Has("subscribe") + options.Has("subscribePattern") + options.Has("assign");
  if (given == 0) {
    return arrow::Status::Invalid(
        "One of the following options must be specified for Kafka source: subscribe, subscribePattern, assign. "
        "See the docs for more details.");
  }
  if (given > 1) {
    return arrow::Status::Invalid(
        "Only one of the following options can be specified for Kafka source: subscribe, subscribePattern, "
        "assign. See the docs for more details.");
  }
  if (auto s = options.Get("subscribe")) {
    out->strategy = SourceOptions::Strategy::kSubscribe;
    out->topics = SplitTopics(*s);
    if (out->topics.empty()) {
      return arrow::Status::Invalid(
          fmt::format("No topics to subscribe to as specified value for option 'subscribe' is '{}'", *s));
    }
  } else if (auto p = options.Get("subscribePattern")) {
    out->strategy = SourceOptions::Strategy::kSubscribePattern;
    out->pattern = *p;
    if (p->find_first_not_of(" \t") == std::string::npos) {
      return arrow::Status::Invalid(
          fmt::format("Pattern to subscribe is empty as specified value for option 'subscribePattern' is '{}'", *p));
    }
  } else {
    out->strategy = SourceOptions::Strategy::kAssign;
    ARROW_ASSIGN_OR_RAISE(out->assigned, ParseAssign(*options.Get("assign")));
  }
  return arrow::Status::OK();
}

arrow::Status CheckBatchBounds(const SourceOptions& o) {
  if (o.starting.kind == OffsetSpec::Kind::kLatest) {
    return arrow::Status::Invalid("starting offset can't be latest for batch queries on Kafka");
  }
  if (o.ending.kind == OffsetSpec::Kind::kEarliest) {
    return arrow::Status::Invalid("ending offset can't be earliest for batch queries on Kafka");
  }
  for (const auto& [tp, off] : o.starting.kind == OffsetSpec::Kind::kSpecific ? o.starting.offsets
                                                                              : PartitionOffsets{}) {
    if (off == kLatest) {
      return arrow::Status::Invalid(
          fmt::format("startingOffsets for {} can't be latest for batch queries on Kafka", PartitionName(tp)));
    }
  }
  for (const auto& [tp, off] : o.ending.kind == OffsetSpec::Kind::kSpecific ? o.ending.offsets
                                                                            : PartitionOffsets{}) {
    if (off == kEarliest) {
      return arrow::Status::Invalid(
          fmt::format("endingOffsets for {} can't be earliest for batch queries on Kafka", PartitionName(tp)));
    }
  }
  return arrow::Status::OK();
}

arrow::Status ParseLimits(const Options& options, SourceOptions* out) {
  if (options.Has("maxOffsetsPerTrigger")) {
    ARROW_ASSIGN_OR_RAISE(int64_t v, options.GetInt("maxOffsetsPerTrigger", 0));
    if (v <= 0) return arrow::Status::Invalid("Option 'maxOffsetsPerTrigger' must be a positive integer, got ", v);
    out->max_offsets_per_trigger = v;
  }
  if (options.Has("minOffsetsPerTrigger")) {
    ARROW_ASSIGN_OR_RAISE(int64_t v, options.GetInt("minOffsetsPerTrigger", 0));
    if (v < 0) return arrow::Status::Invalid("Option 'minOffsetsPerTrigger' must not be negative, got ", v);
    out->min_offsets_per_trigger = v;
  }
  if (out->min_offsets_per_trigger && out->max_offsets_per_trigger &&
      *out->min_offsets_per_trigger > *out->max_offsets_per_trigger) {
    return arrow::Status::Invalid(fmt::format(
        "The value of minOffsetPerTrigger({}) is higher than the maxOffsetsPerTrigger({}).",
        *out->min_offsets_per_trigger, *out->max_offsets_per_trigger));
  }
  if (auto d = options.Get("maxTriggerDelay")) {
    ARROW_ASSIGN_OR_RAISE(out->max_trigger_delay_ms, ParseDurationMs("maxTriggerDelay", *d));
  }
  ARROW_ASSIGN_OR_RAISE(out->read.min_partitions, options.GetInt("minPartitions", 0));
  if (options.Has("minPartitions") && out->read.min_partitions <= 0) {
    return arrow::Status::Invalid("Option 'minPartitions' must be a positive integer, got ",
                                  out->read.min_partitions);
  }
  ARROW_ASSIGN_OR_RAISE(out->read.fail_on_data_loss, options.GetBool("failOnDataLoss", true));
  ARROW_ASSIGN_OR_RAISE(out->read.include_headers, options.GetBool("includeHeaders", false));
  ARROW_ASSIGN_OR_RAISE(out->read.poll_timeout_ms, options.GetInt("kafkaConsumer.pollTimeoutMs", 120000));
  return arrow::Status::OK();
}

}  // namespace

std::string SourceOptions::StrategyDescription() const {
  switch (strategy) {
    case Strategy::kSubscribe: {
      std::string list;
      for (const auto& t : topics) list += (list.empty() ? "" : ",") + t;
      return "Subscribe[" + list + "]";
    }
    case Strategy::kSubscribePattern:
      return "SubscribePattern[" + pattern + "]";
    case Strategy::kAssign: {
      std::string list;
      for (const auto& tp : assigned) list += (list.empty() ? "" : ", ") + PartitionName(tp);
      return "Assign[" + list + "]";
    }
  }
  return "";
}

arrow::Result<SourceOptions> ParseSourceOptions(const Options& options, bool batch) {
  SourceOptions out;
  ARROW_RETURN_NOT_OK(ParseStrategy(options, &out));
  OffsetSpec earliest{OffsetSpec::Kind::kEarliest, {}, 0, false, "startingOffsets"};
  OffsetSpec latest{OffsetSpec::Kind::kLatest, {}, 0, false, "startingOffsets"};
  ARROW_ASSIGN_OR_RAISE(out.starting, ParseBound(options, "starting", batch ? earliest : latest));
  latest.option = "endingOffsets";
  ARROW_ASSIGN_OR_RAISE(out.ending, ParseBound(options, "ending", latest));
  if (batch) ARROW_RETURN_NOT_OK(CheckBatchBounds(out));
  if (!batch && (options.Has("endingOffsets") || options.Has("endingOffsetsByTimestamp") ||
                 options.Has("endingTimestamp"))) {
    return arrow::Status::Invalid("Ending offset not valid in streaming queries");
  }
  ARROW_RETURN_NOT_OK(ParseLimits(options, &out));
  ARROW_ASSIGN_OR_RAISE(out.client, ClientConfigFromOptions(options, Role::kSource));
  if (auto g = options.Get("kafka.group.id")) {
    out.group_id = *g;
  } else {
    std::string prefix = options.Get("groupIdPrefix", batch ? "spark-kafka-relation" : "spark-kafka-source");
    out.group_id = prefix + "-" + RandomUuid();
  }
  out.client["group.id"] = out.group_id;
  return out;
}

arrow::Result<std::vector<TopicPartition>> SubscribedPartitions(Client& client, const SourceOptions& options) {
  std::vector<TopicPartition> out;
  if (options.strategy == SourceOptions::Strategy::kAssign) return options.assigned;
  std::map<std::string, int> counts;
  if (options.strategy == SourceOptions::Strategy::kSubscribe) {
    ARROW_ASSIGN_OR_RAISE(counts, client.PartitionCounts(options.topics));
  } else {
    ARROW_ASSIGN_OR_RAISE(counts, client.MatchingTopics(options.pattern));
  }
  for (const auto& [topic, n] : counts) {
    for (int p = 0; p < n; ++p) out.push_back({topic, p});
  }
  return out;
}

arrow::Result<PartitionOffsets> ResolveOffsets(Client& client, const OffsetSpec& spec,
                                               const std::vector<TopicPartition>& partitions) {
  PartitionOffsets low, high;
  ARROW_RETURN_NOT_OK(client.Watermarks(partitions, &low, &high));
  PartitionOffsets out;
  switch (spec.kind) {
    case OffsetSpec::Kind::kEarliest:
      return low;
    case OffsetSpec::Kind::kLatest:
      return high;
    case OffsetSpec::Kind::kSpecific: {
      std::set<TopicPartition> given;
      for (const auto& [tp, _] : spec.offsets) given.insert(tp);
      std::set<TopicPartition> assigned(partitions.begin(), partitions.end());
      if (given != assigned) {
        std::string s, a;
        for (const auto& tp : given) s += (s.empty() ? "" : ", ") + PartitionName(tp);
        for (const auto& tp : assigned) a += (a.empty() ? "" : ", ") + PartitionName(tp);
        return arrow::Status::Invalid(fmt::format(
            "If {} contains specific offsets, you must specify all TopicPartitions.\nUse -1 for latest, -2 for "
            "earliest.\nSpecified: {{{}}} Assigned: {{{}}}",
            spec.option, s, a));
      }
      for (const auto& [tp, off] : spec.offsets) out[tp] = off == kEarliest ? low[tp] : off == kLatest ? high[tp] : off;
      return out;
    }
    case OffsetSpec::Kind::kTimestamp:
    case OffsetSpec::Kind::kTimestampPerPartition: {
      PartitionOffsets times;
      for (const auto& tp : partitions) {
        if (spec.kind == OffsetSpec::Kind::kTimestamp) {
          times[tp] = spec.timestamp;
        } else if (spec.offsets.count(tp)) {
          times[tp] = spec.offsets.at(tp);
        } else {
          return arrow::Status::Invalid(
              fmt::format("{} does not give a timestamp for {}", spec.option, PartitionName(tp)));
        }
      }
      ARROW_ASSIGN_OR_RAISE(auto found, client.OffsetsForTimes(times));
      for (const auto& [tp, off] : found) {
        if (off >= 0) {
          out[tp] = off;
        } else if (spec.strategy_latest) {
          out[tp] = high[tp];
        } else {
          return arrow::Status::Invalid(fmt::format(
              "No offset matched from request of topic-partition {} and timestamp {} ({}). Set "
              "startingOffsetsByTimestampStrategy to 'latest' to start such partitions at the latest offset.",
              PartitionName(tp), times[tp], spec.option));
        }
      }
      return out;
    }
  }
  return out;
}

}  // namespace spate::kafka
