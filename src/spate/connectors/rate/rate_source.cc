// The rate sources. "rate": rowsPerSecond rows each second since the query
// first started (ramping up over rampUpTime), offsets are whole seconds.
// "rate-micro-batch": exactly rowsPerBatch rows per batch, each batch's
// timestamp advancing by advanceMillisPerBatch, independent of the clock.
// Both produce (timestamp TIMESTAMP, value BIGINT), values spread over
// numPartitions as Spark's partitions would read them.

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include <arrow/api.h>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "spate/common/error.h"
#include "spate/common/interval_text.h"
#include "spate/connectors/registry.h"
#include "spate/streaming/metadata_log.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

StructTypePtr RateSchema() {
  return types::Struct({{"timestamp", types::Timestamp(), true}, {"value", types::Long(), true}});
}

arrow::Status MustBePositive(const std::string& option, int64_t value) {
  if (value > 0) return arrow::Status::OK();
  return arrow::Status::Invalid(fmt::format("Invalid value '{}'. The option '{}' must be positive", value, option));
}

// The most rows one batch generates (16 bytes a row: 1 GiB). A batch covers whole
// seconds of the rate, so one second's rows must fit; later batches that fall
// behind take as many whole seconds as fit, and catch up batch by batch.
constexpr int64_t kMaxRowsPerBatch = int64_t{1} << 26;

arrow::Status MustFitOneBatch(const std::string& option, int64_t rows) {
  if (rows <= kMaxRowsPerBatch) return arrow::Status::OK();
  return arrow::Status::Invalid(fmt::format(
      "Invalid value '{}'. The option '{}' must be at most {}: the rows of one second make one "
      "micro-batch, generated in memory.",
      rows, option, kMaxRowsPerBatch));
}

int64_t DefaultPartitions() { return std::max(1u, std::thread::hardware_concurrency()); }

// Rows with values [from, to) in partition-major order, each with the
// timestamp `timestamp_of(value)`.
arrow::Result<std::shared_ptr<arrow::Table>> RateRows(int64_t from, int64_t to, int64_t partitions,
                                                      const std::function<int64_t(int64_t)>& timestamp_ms_of) {
  arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  arrow::Int64Builder values;
  ARROW_RETURN_NOT_OK(ts.Reserve(std::max<int64_t>(to - from, 0)));
  ARROW_RETURN_NOT_OK(values.Reserve(std::max<int64_t>(to - from, 0)));
  for (int64_t p = 0; p < partitions; ++p) {
    for (int64_t v = from + p; v < to; v += partitions) {
      ts.UnsafeAppend(timestamp_ms_of(v) * 1000);
      values.UnsafeAppend(v);
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto ts_array, ts.Finish());
  ARROW_ASSIGN_OR_RAISE(auto value_array, values.Finish());
  ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*RateSchema()));
  return arrow::Table::Make(schema, {ts_array, value_array});
}

arrow::Result<int64_t> ParseLongOffset(const std::string& text) {
  try {
    size_t used = 0;
    int64_t v = std::stoll(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  return arrow::Status::Invalid("[INVALID_CHECKPOINT] The rate source's offset '", text,
                                "' is not a number: the checkpoint belongs to another source.");
}

class RateSource final : public StreamSource {
 public:
  RateSource(int64_t rows_per_second, int64_t ramp_up_seconds, int64_t partitions, int64_t start_time_ms)
      : rows_per_second_(rows_per_second),
        ramp_up_seconds_(ramp_up_seconds),
        partitions_(partitions),
        start_time_ms_(start_time_ms) {}

  StructTypePtr schema() const override { return RateSchema(); }
  std::string description() const override {
    return fmt::format("RateStreamV2[rowsPerSecond={}, rampUpTimeSeconds={}, numPartitions={}", rows_per_second_,
                       ramp_up_seconds_, partitions_);
  }

  arrow::Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>& start,
                                                         const ReadLimit&) override {
    int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    int64_t seconds = (now_ms - start_time_ms_) / 1000;
    if (available_now_end_) seconds = std::min(seconds, *available_now_end_);
    int64_t start_seconds = 0;
    if (start) {
      ARROW_ASSIGN_OR_RAISE(start_seconds, ParseLongOffset(*start));
      seconds = std::max(seconds, start_seconds);
    }
    // No more whole seconds than kMaxRowsPerBatch rows hold (one at least).
    int64_t first = ValueAtSecond(start_seconds);
    while (seconds > start_seconds + 1 && ValueAtSecond(seconds) - first > kMaxRowsPerBatch) {
      seconds = start_seconds + (seconds - start_seconds) / 2;
    }
    return std::to_string(seconds);
  }

  arrow::Status PrepareForAvailableNow() override {
    ARROW_ASSIGN_OR_RAISE(auto latest, LatestOffset(std::nullopt, {}));
    available_now_end_ = std::stoll(*latest);
    return arrow::Status::OK();
  }

  arrow::Result<std::shared_ptr<arrow::Table>> GetBatch(const std::optional<std::string>& start,
                                                        const std::string& end) override {
    int64_t start_seconds = 0;
    if (start) {
      ARROW_ASSIGN_OR_RAISE(start_seconds, ParseLongOffset(*start));
    }
    ARROW_ASSIGN_OR_RAISE(int64_t end_seconds, ParseLongOffset(end));
    int64_t range_start = ValueAtSecond(start_seconds);
    int64_t range_end = ValueAtSecond(end_seconds);
    if (range_end <= range_start) return RateRows(0, 0, 1, nullptr);
    int64_t local_start_ms = start_time_ms_ + start_seconds * 1000;
    double ms_per_value = (end_seconds - start_seconds) * 1000.0 / static_cast<double>(range_end - range_start);
    return RateRows(range_start, range_end, partitions_, [&](int64_t v) {
      return local_start_ms + static_cast<int64_t>(std::llround((v - range_start) * ms_per_value));
    });
  }

 private:
  // Rows produced by the end of second `seconds`, ramping up linearly over rampUpTime.
  int64_t ValueAtSecond(int64_t seconds) const {
    int64_t delta = rows_per_second_ / (ramp_up_seconds_ + 1);
    if (seconds <= ramp_up_seconds_) {
      return seconds % 2 == 1 ? (seconds + 1) / 2 * delta * seconds : seconds / 2 * delta * (seconds + 1);
    }
    return ValueAtSecond(ramp_up_seconds_) + (seconds - ramp_up_seconds_) * rows_per_second_;
  }

  int64_t rows_per_second_, ramp_up_seconds_, partitions_, start_time_ms_;
  std::optional<int64_t> available_now_end_;
};

class RateSourceFactory final : public StreamSourceFactory {
 public:
  RateSourceFactory(int64_t rows_per_second, int64_t ramp_up_seconds, int64_t partitions)
      : rows_per_second_(rows_per_second), ramp_up_seconds_(ramp_up_seconds), partitions_(partitions) {}
  StructTypePtr schema() const override { return RateSchema(); }
  std::string name() const override { return "rate"; }

  // The query's start time lives in the checkpoint so a restart continues the same sequence.
  arrow::Result<std::shared_ptr<StreamSource>> Create(const std::string& checkpoint_dir) override {
    MetadataLog log(checkpoint_dir);
    ARROW_ASSIGN_OR_RAISE(auto stored, log.Get(0));
    int64_t start_ms;
    if (stored) {
      ARROW_ASSIGN_OR_RAISE(start_ms, ParseLongOffset(stored->substr(stored->find('\n') + 1)));
    } else {
      start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
      ARROW_RETURN_NOT_OK(log.Add(0, "v1\n" + std::to_string(start_ms)));
    }
    return std::make_shared<RateSource>(rows_per_second_, ramp_up_seconds_, partitions_, start_ms);
  }

 private:
  int64_t rows_per_second_, ramp_up_seconds_, partitions_;
};

// rate-micro-batch offsets: {"offset":<rows so far>,"timestamp":<ms of the next batch>}
struct MicroBatchOffset {
  int64_t offset = 0;
  int64_t timestamp = 0;
  std::string Json() const { return fmt::format("{{\"offset\":{},\"timestamp\":{}}}", offset, timestamp); }
};

arrow::Result<MicroBatchOffset> ParseMicroBatchOffset(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("offset") || !doc["offset"].IsInt64() ||
      !doc.HasMember("timestamp") || !doc["timestamp"].IsInt64()) {
    return arrow::Status::Invalid("[INVALID_CHECKPOINT] '", text,
                                  "' is not a rate-micro-batch offset: the checkpoint belongs to another source.");
  }
  return MicroBatchOffset{doc["offset"].GetInt64(), doc["timestamp"].GetInt64()};
}

class RateMicroBatchSource final : public StreamSource, public StreamSourceFactory {
 public:
  RateMicroBatchSource(int64_t rows_per_batch, int64_t partitions, int64_t start_timestamp, int64_t advance_ms)
      : rows_per_batch_(rows_per_batch),
        partitions_(partitions),
        start_timestamp_(start_timestamp),
        advance_ms_(advance_ms) {}

  StructTypePtr schema() const override { return RateSchema(); }
  std::string name() const override { return "rate-micro-batch"; }
  std::string description() const override {
    return fmt::format("RatePerMicroBatchStream[rowsPerBatch={}, numPartitions={}, startTimestamp={}, "
                       "advanceMsPerBatch={}]",
                       rows_per_batch_, partitions_, start_timestamp_, advance_ms_);
  }
  arrow::Result<std::shared_ptr<StreamSource>> Create(const std::string&) override {
    return std::make_shared<RateMicroBatchSource>(rows_per_batch_, partitions_, start_timestamp_, advance_ms_);
  }

  arrow::Result<std::optional<std::string>> LatestOffset(const std::optional<std::string>& start,
                                                         const ReadLimit&) override {
    MicroBatchOffset from{0, start_timestamp_};
    if (start) {
      ARROW_ASSIGN_OR_RAISE(from, ParseMicroBatchOffset(*start));
    }
    MicroBatchOffset next{from.offset + rows_per_batch_, from.timestamp + advance_ms_};
    if (available_now_) {
      // What is "available now" is one batch beyond where the run started.
      if (!available_now_end_) available_now_end_ = next;
      if (from.offset >= available_now_end_->offset) return start;
      return available_now_end_->Json();
    }
    return next.Json();
  }

  arrow::Status PrepareForAvailableNow() override {
    available_now_ = true;
    return arrow::Status::OK();
  }

  arrow::Result<std::shared_ptr<arrow::Table>> GetBatch(const std::optional<std::string>& start,
                                                        const std::string& end) override {
    MicroBatchOffset from{0, start_timestamp_};
    if (start) {
      ARROW_ASSIGN_OR_RAISE(from, ParseMicroBatchOffset(*start));
    }
    ARROW_ASSIGN_OR_RAISE(auto to, ParseMicroBatchOffset(end));
    return RateRows(from.offset, to.offset, partitions_, [&](int64_t) { return from.timestamp; });
  }

 private:
  int64_t rows_per_batch_, partitions_, start_timestamp_, advance_ms_;
  bool available_now_ = false;
  std::optional<MicroBatchOffset> available_now_end_;
};

arrow::Status RefuseUserSchema(const SourceRequest& r, const char* format) {
  if (!r.user_schema) return arrow::Status::OK();
  return LegacyAnalysisError(fmt::format("The {} source does not support a user-specified schema.", format));
}

}  // namespace

void RegisterRateConnectors(std::map<std::string, StreamingFormat>& formats) {
  formats["rate"].source = [](const SourceRequest& r) -> arrow::Result<std::shared_ptr<StreamSourceFactory>> {
    ARROW_RETURN_NOT_OK(RefuseUserSchema(r, "rate"));
    ARROW_ASSIGN_OR_RAISE(int64_t rows, r.options.GetInt("rowsPerSecond", 1));
    ARROW_RETURN_NOT_OK(MustBePositive("rowsPerSecond", rows));
    ARROW_RETURN_NOT_OK(MustFitOneBatch("rowsPerSecond", rows));
    ARROW_ASSIGN_OR_RAISE(int64_t partitions, r.options.GetInt("numPartitions", DefaultPartitions()));
    ARROW_RETURN_NOT_OK(MustBePositive("numPartitions", partitions));
    int64_t ramp_up = 0;
    if (auto text = r.options.Get("rampUpTime")) {
      std::string interval = *text;
      // Spark also takes "5s"-style durations here.
      if (!interval.empty() && interval.back() == 's' && std::isdigit(static_cast<unsigned char>(interval[interval.size() - 2]))) {
        interval = interval.substr(0, interval.size() - 1) + " seconds";
      }
      auto parsed = sql::ParseIntervalString(interval);
      if (!parsed.ok() || parsed->months != 0 || parsed->micros < 0) {
        return arrow::Status::Invalid(fmt::format("Invalid value '{}'. The option 'rampUpTime' must be a non-negative duration", *text));
      }
      ramp_up = (parsed->days * 86'400'000'000LL + parsed->micros) / 1'000'000;
    }
    return std::make_shared<RateSourceFactory>(rows, ramp_up, partitions);
  };
  formats["rate-micro-batch"].source = [](const SourceRequest& r) -> arrow::Result<std::shared_ptr<StreamSourceFactory>> {
    ARROW_RETURN_NOT_OK(RefuseUserSchema(r, "rate-micro-batch"));
    if (!r.options.Has("rowsPerBatch")) {
      return arrow::Status::Invalid("The option 'rowsPerBatch' is required for the rate-micro-batch source");
    }
    ARROW_ASSIGN_OR_RAISE(int64_t rows, r.options.GetInt("rowsPerBatch", 0));
    ARROW_RETURN_NOT_OK(MustBePositive("rowsPerBatch", rows));
    ARROW_RETURN_NOT_OK(MustFitOneBatch("rowsPerBatch", rows));
    ARROW_ASSIGN_OR_RAISE(int64_t partitions, r.options.GetInt("numPartitions", DefaultPartitions()));
    ARROW_RETURN_NOT_OK(MustBePositive("numPartitions", partitions));
    ARROW_ASSIGN_OR_RAISE(int64_t start, r.options.GetInt("startTimestamp", 0));
    ARROW_ASSIGN_OR_RAISE(int64_t advance, r.options.GetInt("advanceMillisPerBatch", 1000));
    if (start < 0) return arrow::Status::Invalid(fmt::format("Invalid value '{}'. The option 'startTimestamp' must be non-negative", start));
    if (advance < 0) return arrow::Status::Invalid(fmt::format("Invalid value '{}'. The option 'advanceMillisPerBatch' must be non-negative", advance));
    return std::make_shared<RateMicroBatchSource>(rows, partitions, start, advance);
  };
}

}  // namespace spate
