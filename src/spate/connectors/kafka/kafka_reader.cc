#include "spate/connectors/kafka/kafka_reader.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/connectors/kafka/kafka_rows.h"
#include "spate/types/arrow_types.h"

namespace spate::kafka {

namespace {

using Clock = std::chrono::steady_clock;

struct TaskState {
  OffsetRange range;
  bool done = false;
};

// Rows a task hands over at a time when its rows are taken in pieces.
constexpr int64_t kPieceRows = 65536;

// Reads one task's ranges with its consumer, handing its rows to `emit` in
// pieces of kPieceRows (the last one smaller, or empty when there is no row).
// Stops early when `cancelled` is set.
arrow::Status ReadTask(Client& client, std::vector<TaskState> parts, const ReadSettings& settings,
                       const std::shared_ptr<arrow::Schema>& schema, const RangeReader::RowsCallback& emit,
                       const std::atomic<bool>& cancelled) {
  RowBuilder rows(settings.include_headers);
  int64_t piece_rows = 0;
  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(static_cast<int>(parts.size()));
  for (const auto& p : parts) {
    rd_kafka_topic_partition_list_add(assignment, p.range.tp.topic.c_str(), p.range.tp.partition)->offset =
        p.range.from;
  }
  rd_kafka_resp_err_t err = rd_kafka_assign(client.get(), assignment);
  rd_kafka_topic_partition_list_destroy(assignment);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return client.ErrorStatus("assigning partitions", err);
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(client.get());
  auto find = [&](const rd_kafka_message_t* m) -> TaskState* {
    const char* topic = rd_kafka_topic_name(m->rkt);
    for (auto& p : parts) {
      if (p.range.tp.partition == m->partition && p.range.tp.topic == topic) return &p;
    }
    return nullptr;
  };
  size_t remaining = parts.size();
  std::vector<rd_kafka_message_t*> batch(4096);
  auto last_progress = Clock::now();
  arrow::Status status;
  while (remaining > 0 && status.ok() && !cancelled.load(std::memory_order_relaxed)) {
    // rd_kafka_consume_batch_queue waits its whole timeout unless it fills the
    // batch, so wait for the first message alone, then take what is there.
    ssize_t n = 0;
    if (rd_kafka_message_t* first = rd_kafka_consume_queue(queue, 100)) {
      batch[0] = first;
      n = 1 + std::max<ssize_t>(0, rd_kafka_consume_batch_queue(queue, 0, batch.data() + 1, batch.size() - 1));
    }
    if (n > 0) last_progress = Clock::now();
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = batch[i];
      TaskState* part = status.ok() ? find(m) : nullptr;
      if (part != nullptr && !part->done) {
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          if (m->offset < part->range.until && settings.fail_on_data_loss) {
            status = DataLossError(fmt::format("{} ends at offset {} before the requested offset {}",
                                               PartitionName(part->range.tp), m->offset, part->range.until));
          }
          part->done = true;
        } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET || m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
            if (settings.fail_on_data_loss) {
              status = DataLossError(fmt::format("offsets [{}, {}) of {} are out of range", part->range.from,
                                                 part->range.until, PartitionName(part->range.tp)));
            }
            part->done = true;
          } else {
            status = client.ErrorStatus(fmt::format("reading {}", PartitionName(part->range.tp)), m->err);
          }
        } else if (m->offset < part->range.until) {
          status = rows.Append(m, part->range.tp.topic);
          if (m->offset + 1 >= part->range.until) part->done = true;
          if (status.ok() && ++piece_rows == kPieceRows) {
            piece_rows = 0;
            auto piece = rows.Finish(schema);
            status = piece.ok() ? emit(*std::move(piece)) : piece.status();
          }
        } else {
          part->done = true;  // past the range (transaction markers took the last offsets)
        }
        if (part->done) --remaining;
      } else if (part == nullptr && m->err != RD_KAFKA_RESP_ERR_NO_ERROR && status.ok() &&
                 m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        status = client.ErrorStatus("reading", m->err);
      }
      rd_kafka_message_destroy(m);
    }
    if (status.ok()) status = client.FatalStatus();
    if (status.ok() && Clock::now() - last_progress > std::chrono::milliseconds(settings.poll_timeout_ms)) {
      status = arrow::Status::IOError(fmt::format(
          "Kafka source: no messages for {} ms while reading {} partition(s) (kafkaConsumer.pollTimeoutMs)",
          settings.poll_timeout_ms, remaining));
    }
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_assign(client.get(), nullptr);
  ARROW_RETURN_NOT_OK(status);
  ARROW_ASSIGN_OR_RAISE(auto rest, rows.Finish(schema));
  return emit(std::move(rest));
}

// Pieces handed from the reading tasks' threads to the thread taking them.
// A reader waits while `capacity` pieces are waiting to be taken, so a batch
// far larger than memory streams through, and the memory of the pieces taken
// is used again for the pieces read next.
class PieceQueue {
 public:
  PieceQueue(size_t producers, size_t capacity) : producers_(producers), capacity_(capacity) {}

  void Push(std::shared_ptr<arrow::Table> piece) {
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait(lock, [&] { return pieces_.size() < capacity_; });
    pieces_.push_back(std::move(piece));
    ready_.notify_one();
  }

  void ProducerDone() {
    std::lock_guard<std::mutex> lock(mutex_);
    --producers_;
    ready_.notify_one();
  }

  // The next piece, or null once every producer is done and all is taken.
  std::shared_ptr<arrow::Table> Pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return !pieces_.empty() || producers_ == 0; });
    if (pieces_.empty()) return nullptr;
    auto piece = std::move(pieces_.front());
    pieces_.pop_front();
    room_.notify_one();
    return piece;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable room_;
  std::deque<std::shared_ptr<arrow::Table>> pieces_;
  size_t producers_;
  const size_t capacity_;
};

}  // namespace

StructTypePtr KafkaSourceSchema(bool include_headers) {
  std::vector<StructField> fields = {
      {"key", types::Binary(), true},      {"value", types::Binary(), true},   {"topic", types::String(), true},
      {"partition", types::Int(), true},   {"offset", types::Long(), true},    {"timestamp", types::Timestamp(), true},
      {"timestampType", types::Int(), true}};
  if (include_headers) {
    auto header = types::Struct({{"key", types::String(), true}, {"value", types::Binary(), true}});
    fields.push_back({"headers", types::Array(header, true), true});
  }
  return types::Struct(std::move(fields));
}

arrow::Status DataLossError(const std::string& detail) {
  return SparkError("KAFKA_DATA_LOSS", "22000",
                    fmt::format("{}. Some data may have been lost because it is not available in Kafka any more: "
                                "it aged out or the topic was deleted before all of it was processed. To let the "
                                "query go on in such cases, set the source option failOnDataLoss to false.",
                                detail));
}

std::vector<OffsetRange> SplitRanges(const std::vector<OffsetRange>& ranges, int64_t min_partitions) {
  if (min_partitions <= static_cast<int64_t>(ranges.size())) return ranges;
  int64_t total = 0;
  for (const auto& r : ranges) total += r.until - r.from;
  std::vector<OffsetRange> out;
  for (const auto& r : ranges) {
    int64_t size = r.until - r.from;
    int64_t parts = total > 0 ? std::max<int64_t>(1, (size * min_partitions + total - 1) / total) : 1;
    parts = std::min(parts, std::max<int64_t>(size, 1));
    for (int64_t i = 0; i < parts; ++i) {
      out.push_back({r.tp, r.from + size * i / parts, r.from + size * (i + 1) / parts});
    }
  }
  return out;
}

RangeReader::RangeReader(ClientConfig config, ReadSettings settings)
    : config_(std::move(config)), settings_(settings) {}

RangeReader::~RangeReader() = default;

arrow::Result<Client*> RangeReader::Consumer(size_t task) {
  while (consumers_.size() <= task) {
    ARROW_ASSIGN_OR_RAISE(auto c, Client::Create(Client::Kind::kConsumer, config_, "Kafka source"));
    consumers_.push_back(std::move(c));
  }
  return consumers_[task].get();
}

arrow::Result<std::vector<RangeReader::Task>> RangeReader::PlanTasks(const std::vector<OffsetRange>& ranges) {
  std::vector<OffsetRange> nonempty;
  for (const auto& r : ranges) {
    if (r.until > r.from) nonempty.push_back(r);
  }
  std::vector<OffsetRange> split = SplitRanges(nonempty, settings_.min_partitions);
  // Splits of one partition are adjacent, and there are at most as many as
  // tasks, so no task is given the same partition twice.
  size_t hw = std::max(1u, std::thread::hardware_concurrency());
  size_t tasks = std::min(split.size(), std::max<size_t>(hw, static_cast<size_t>(settings_.min_partitions)));
  std::vector<Task> out(tasks);
  for (size_t i = 0; i < split.size(); ++i) out[i % tasks].ranges.push_back(split[i]);
  for (size_t t = 0; t < tasks; ++t) {
    ARROW_ASSIGN_OR_RAISE(out[t].client, Consumer(t));
  }
  return out;
}

arrow::Status RangeReader::RunTask(const Task& task, const RowsCallback& emit, const std::atomic<bool>& cancelled) {
  ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*KafkaSourceSchema(settings_.include_headers)));
  std::vector<TaskState> parts;
  for (const auto& r : task.ranges) parts.push_back({r, false});
  return ReadTask(*task.client, std::move(parts), settings_, schema, emit, cancelled);
}

arrow::Result<std::shared_ptr<arrow::Table>> RangeReader::Read(const std::vector<OffsetRange>& ranges) {
  ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*KafkaSourceSchema(settings_.include_headers)));
  ARROW_ASSIGN_OR_RAISE(std::vector<Task> tasks, PlanTasks(ranges));
  if (tasks.empty()) return arrow::Table::MakeEmpty(schema);
  // Each task's pieces in its own list, so the table keeps the tasks' order.
  std::vector<std::vector<std::shared_ptr<arrow::Table>>> pieces(tasks.size());
  std::vector<arrow::Status> results(tasks.size());
  std::atomic<bool> cancelled = false;
  auto run = [&](size_t t) {
    results[t] = RunTask(tasks[t], [&pieces, t](std::shared_ptr<arrow::Table> piece) {
      pieces[t].push_back(std::move(piece));
      return arrow::Status::OK();
    }, cancelled);
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < tasks.size(); ++t) threads.emplace_back(run, t);
  run(0);
  for (auto& th : threads) th.join();
  std::vector<std::shared_ptr<arrow::Table>> tables;
  for (size_t t = 0; t < tasks.size(); ++t) {
    ARROW_RETURN_NOT_OK(results[t]);
    tables.insert(tables.end(), pieces[t].begin(), pieces[t].end());
  }
  return arrow::ConcatenateTables(tables);
}

arrow::Status RangeReader::ReadInPieces(const std::vector<OffsetRange>& ranges, const RowsCallback& on_rows) {
  ARROW_ASSIGN_OR_RAISE(std::vector<Task> tasks, PlanTasks(ranges));
  if (tasks.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*KafkaSourceSchema(settings_.include_headers)));
    ARROW_ASSIGN_OR_RAISE(auto empty, arrow::Table::MakeEmpty(schema));
    return on_rows(std::move(empty));
  }
  // The tasks read on threads of their own while this thread takes their pieces.
  PieceQueue queue(tasks.size(), 2 * tasks.size());
  std::vector<arrow::Status> results(tasks.size());
  std::atomic<bool> cancelled = false;
  std::vector<std::thread> threads;
  for (size_t t = 0; t < tasks.size(); ++t) {
    threads.emplace_back([&, t] {
      results[t] = RunTask(tasks[t], [&queue](std::shared_ptr<arrow::Table> piece) {
        queue.Push(std::move(piece));
        return arrow::Status::OK();
      }, cancelled);
      if (!results[t].ok()) cancelled = true;
      queue.ProducerDone();
    });
  }
  arrow::Status status;
  while (auto piece = queue.Pop()) {
    if (status.ok() && !cancelled) status = on_rows(std::move(piece));
    if (!status.ok()) cancelled = true;
  }
  for (auto& th : threads) th.join();
  for (const auto& r : results) ARROW_RETURN_NOT_OK(r);
  return status;
}

}  // namespace spate::kafka
