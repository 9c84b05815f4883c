#include "spate/streaming/stream_execution.h"

#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include <arrow/table.h>
#include <fmt/format.h>
#include <rapidjson/document.h>

#include "spate/common/error.h"
#include "spate/common/huge_pages.h"
#include "spate/common/parallelism.h"
#include "spate/common/task_pool.h"
#include "spate/common/runtime_config.h"
#include "spate/exec/physical_plan.h"
#include "spate/expr/bound_expr.h"
#include "spate/exec/streaming_context.h"
#include "spate/exec/transform_with_state_schema.h"
#include "spate/exec/watermark_propagation.h"
#include "spate/plan/plan_builder.h"
#include "spate/plan/stateful_processor.h"
#include "spate/streaming/batch_pieces.h"
#include "spate/streaming/checkpoint_entries.h"
#include "spate/streaming/checkpoint_mirror.h"
#include "spate/streaming/epoch_committer.h"
#include "spate/streaming/long_running_checks.h"
#include "spate/common/atomic_file.h"
#include "spate/streaming/metadata_log.h"
#include "spate/streaming/source.h"
#include "spate/streaming/query_checks.h"
#include "spate/streaming/console_progress.h"
#include "spate/streaming/query_manager.h"
#include "spate/state/state_schema.h"
#include "spate/plan/stream_join_watermark.h"
#include "spate/streaming/watermark_tracker.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string RandomUuid() {
  static std::mutex mu;
  static std::mt19937_64 rng(std::random_device{}() ^ static_cast<uint64_t>(NowMs()));
  std::lock_guard<std::mutex> lock(mu);
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF,
                     lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

// One streaming scan of the plan, as this run reads it.
struct RunningSource {
  std::shared_ptr<StreamSource> source;
  std::shared_ptr<ScanSource> scan;  // the copy of the scan whose table holds the batch
  std::optional<std::string> committed;  // end offset of the last committed batch
};

// Copies the plan, giving each streaming scan a fresh ScanSource for this run.
PlanPtr WithRunScans(const PlanPtr& plan, std::vector<std::shared_ptr<ScanSource>>* scans,
                     std::vector<std::shared_ptr<StreamSourceFactory>>* factories) {
  PlanNode copy = *plan;
  if (plan->kind == PlanNode::Kind::kScan && plan->source->stream) {
    auto scan = std::make_shared<ScanSource>();
    scan->description = plan->source->description;
    scan->stream = plan->source->stream;  // still a streaming scan: stateful operators above it keep state
    scans->push_back(scan);
    factories->push_back(plan->source->stream);
    copy.source = scan;
    return std::make_shared<const PlanNode>(std::move(copy));
  }
  for (auto& child : copy.children) child = WithRunScans(child, scans, factories);
  return std::make_shared<const PlanNode>(std::move(copy));
}

// The streaming scans of `plan`, depth first, as WithRunScans found them. In
// the optimized plan, a scan told which columns the query reads is a copy of
// the run's scan (plan/scan_pushdown.h): the run feeds its batches there.
void CollectStreamScans(const PlanNode& plan, std::vector<std::shared_ptr<ScanSource>>* scans) {
  if (plan.kind == PlanNode::Kind::kScan && plan.source->stream) {
    scans->push_back(plan.source);
    return;
  }
  for (const auto& child : plan.children) CollectStreamScans(*child, scans);
}

// How many progress reports recentProgress keeps
// (spark.sql.streaming.numRecentProgressUpdates, 100 by default as in Spark).
arrow::Result<size_t> RecentProgressKept(const RuntimeConfig& conf) {
  std::string text = conf.Get("spark.sql.streaming.numRecentProgressUpdates", "100");
  size_t used = 0;
  long long n = -1;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception&) {
  }
  if (n < 0 || used != text.size()) {
    return arrow::Status::Invalid("spark.sql.streaming.numRecentProgressUpdates must be a non-negative number, got '",
                                  text, "'.");
  }
  return static_cast<size_t>(n);
}

// Whether a stateful operator removes state when the watermark moves (and so
// needs a no-data batch for it): an aggregation by an event-time key outside
// complete mode, a deduplication with an event-time column.
// Spark's names for the stateful operators (progress, state metadata).
std::string StatefulOperatorName(const PlanNode& node) {
  switch (node.kind) {
    case PlanNode::Kind::kAggregate:
      return node.session_window_key >= 0 ? "sessionWindowStateStoreSaveExec" : "stateStoreSave";
    case PlanNode::Kind::kJoin: return "symmetricHashJoin";
    case PlanNode::Kind::kTransformWithState: return node.transform->operator_name;
    default: return node.within_watermark ? "dedupeWithinWatermark" : "dedupe";
  }
}

// Before Spate named each arbitrary stateful API as Spark does, every one of
// them recorded transformWithStateExec in its checkpoint; such a checkpoint
// keeps that name, so that its restart finds its state. New checkpoints
// record the API's own name.
std::string KeptTransformWithStateName(const std::string& checkpoint, int64_t operator_id, const std::string& name) {
  const std::string recorded = RecordedOperatorName(checkpoint, operator_id);
  return recorded == "transformWithStateExec" ? recorded : name;
}

bool EvictsByWatermark(const PlanNode& node, OutputMode mode) {
  if (node.kind == PlanNode::Kind::kJoin) {
    const StreamJoinEviction eviction = JoinEvictionOf(node);
    return eviction.left.kind != JoinSideEviction::Kind::kNone || eviction.right.kind != JoinSideEviction::Kind::kNone;
  }
  if (node.kind == PlanNode::Kind::kTransformWithState) return node.transform->time_mode == TimeMode::kEventTime;
  const auto& input = node.children[0]->output;
  if (node.kind == PlanNode::Kind::kAggregate) {
    if (mode == OutputMode::kComplete) return false;
    for (size_t i = 0; i < node.exprs.size(); ++i) {
      if (node.output[i].watermark_delay_ms >= 0) return true;
    }
    return false;
  }
  for (const auto& a : input) {
    if (a.watermark_delay_ms >= 0) return true;
  }
  return false;
}

// progress.eventTime: the first withWatermark's times in the batch and the
// batch's watermark, as Spark reports them.
std::vector<std::pair<std::string, std::string>> EventTimeProgress(int64_t batch_watermark_ms,
                                                                   const StreamingBatchContext& state) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [id, stats] : state.event_times) {  // the topmost first
    if (stats.count == 0) continue;
    out.emplace_back("avg", FormatProgressTimestamp(static_cast<int64_t>(stats.sum / stats.count)));
    out.emplace_back("max", FormatProgressTimestamp(stats.max));
    out.emplace_back("min", FormatProgressTimestamp(stats.min));
    break;
  }
  if (!state.event_times.empty()) out.emplace_back("watermark", FormatProgressTimestamp(batch_watermark_ms));
  return out;
}

// The lock of an object store checkpoint: a local file named by the URI, so
// that two runs on one machine exclude each other as with a local checkpoint.
std::string ObjectCheckpointLockPath(const std::string& uri) {
  return (fs::temp_directory_path() / fmt::format("spate-object-checkpoint-lock-{:016x}", std::hash<std::string>{}(uri)))
      .string();
}

std::string StateOperatorJson(const StateOperatorMetrics& m) {
  std::string custom;
  for (const auto& [name, value] : m.custom_metrics) {
    custom += fmt::format("{}\"{}\":{}", custom.empty() ? "" : ",", name, value);
  }
  return fmt::format(
      "{{\"operatorName\":\"{}\",\"numRowsTotal\":{},\"numRowsUpdated\":{},\"allUpdatesTimeMs\":{},"
      "\"numRowsRemoved\":{},\"allRemovalsTimeMs\":{},\"commitTimeMs\":{},\"memoryUsedBytes\":{},"
      "\"numRowsDroppedByWatermark\":{},\"numShufflePartitions\":{},\"numStateStoreInstances\":{},"
      "\"customMetrics\":{{{}}}}}",
      m.operator_name, m.num_rows_total, m.num_rows_updated, m.all_updates_time_ms, m.num_rows_removed,
      m.all_removals_time_ms, m.commit_time_ms, m.memory_used_bytes, m.num_rows_dropped_by_watermark,
      m.num_shuffle_partitions, m.num_state_store_instances, custom);
}

class StreamExecution final : public StreamingQuery,
                              public std::enable_shared_from_this<StreamExecution> {
 public:
  StreamExecution(const RuntimeConfig& conf, std::shared_ptr<QueryManager> streams, StreamingQuerySpec spec)
      : streams_(std::move(streams)), conf_(conf), spec_(std::move(spec)), run_id_(RandomUuid()) {}

  ~StreamExecution() override {
    if (lock_fd_ >= 0) ::close(lock_fd_);  // a run that failed to start still holds its lock
    RequestStop();
    if (thread_.joinable()) {
      if (thread_.get_id() == std::this_thread::get_id()) {
        thread_.detach();
      } else {
        thread_.join();
      }
    }
  }

  // Opens the checkpoint and the sources; then the thread runs the batches.
  arrow::Status Start() {
    ARROW_ASSIGN_OR_RAISE(recent_progress_kept_, RecentProgressKept(conf_));
    ARROW_RETURN_NOT_OK(OpenCheckpoint());
    std::vector<std::shared_ptr<StreamSourceFactory>> factories;
    std::vector<std::shared_ptr<ScanSource>> scans;
    plan_ = WithRunScans(spec_.plan, &scans, &factories);
    for (size_t i = 0; i < factories.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto source,
                            factories[i]->Create(checkpoint_ + "/sources/" + std::to_string(i)));
      sources_.push_back({std::move(source), scans[i], std::nullopt});
    }
    ARROW_RETURN_NOT_OK(spec_.sink->Open(id_, checkpoint_));
    ARROW_RETURN_NOT_OK(streams_->Register(id_, shared_from_this()));
    registered_ = true;
    active_ = true;
    thread_ = std::thread([self = shared_from_this()] { self->Run(); });
    return arrow::Status::OK();
  }

  const std::string& id() const override { return id_; }
  const std::string& run_id() const override { return run_id_; }
  const std::optional<std::string>& name() const override { return spec_.name; }
  bool isActive() const override { return active_; }

  QueryStatus status() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
  }

  std::optional<QueryProgress> lastProgress() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (progress_.empty()) return std::nullopt;
    return progress_.back();
  }

  std::vector<QueryProgress> recentProgress() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return {progress_.begin(), progress_.end()};
  }

  QueryTotals totals() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return totals_;
  }

  arrow::Status awaitTermination() override {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return terminated_; });
    return error_.value_or(arrow::Status::OK());
  }

  arrow::Result<bool> awaitTermination(double timeout_seconds) override {
    if (timeout_seconds < 0) {
      return LegacyAnalysisError("Timeout time must be positive");
    }
    std::unique_lock<std::mutex> lock(mutex_);
    bool done = cv_.wait_for(lock, std::chrono::duration<double>(timeout_seconds), [&] { return terminated_; });
    if (done && error_) return *error_;
    return done;
  }

  arrow::Status stop() override {
    RequestStop();
    JoinRunThread();
    return arrow::Status::OK();
  }

  std::optional<arrow::Status> exception() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }

  std::string explain(bool extended) const override {
    std::string tree = plan_ ? plan_->TreeString() : spec_.plan->TreeString();
    std::string sink = "WriteToMicroBatchDataSource " + spec_.sink->description() + ", " + id_ + ", " +
                       OutputModeName(spec_.output_mode) + "\n+- " + tree;
    if (!extended) return "== Physical Plan ==\n" + sink;
    return "== Analyzed Logical Plan ==\n" + sink + "\n== Physical Plan ==\n" + sink;
  }

  arrow::Status processAllAvailable() override {
    std::unique_lock<std::mutex> lock(mutex_);
    int64_t target = idle_checks_ + 1;
    cv_.wait(lock, [&] { return terminated_ || idle_checks_ > target; });
    return error_.value_or(arrow::Status::OK());
  }

 private:
  // Several threads may stop a query at once: one joins the run's thread, the
  // others wait for that join to end (two joins of one thread are undefined).
  void JoinRunThread() {
    std::lock_guard<std::mutex> lock(join_mutex_);
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  }

  void RequestStop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_requested_ = true;
    }
    cv_.notify_all();
  }

  void SetStatus(std::string message, bool data, bool trigger) {
    std::lock_guard<std::mutex> lock(mutex_);
    status_ = {std::move(message), data, trigger};
  }

  // A checkpoint on an object store is worked on in a local copy (CheckpointMirror),
  // its offsets and commits logs written to the store directly.
  arrow::Status OpenCheckpoint() {
    checkpoint_ = spec_.checkpoint_location;
    if (checkpoint_.empty()) {
      checkpoint_ = (fs::temp_directory_path() / ("spate-checkpoint-" + RandomUuid())).string();
      temporary_checkpoint_ = true;
    }
    std::string logs_dir = checkpoint_;
    std::string lock_path = checkpoint_ + "/.lock";
    if (IsObjectStorePath(checkpoint_)) {
      ARROW_ASSIGN_OR_RAISE(mirror_, CheckpointMirror::Open(conf_, checkpoint_));
      logs_dir = mirror_->uri();
      checkpoint_ = mirror_->local_dir();
      lock_path = ObjectCheckpointLockPath(logs_dir);
    }
    std::error_code ec;
    fs::create_directories(checkpoint_, ec);
    if (ec) return arrow::Status::IOError("cannot create the checkpoint ", checkpoint_, ": ", ec.message());
    // One live run per checkpoint, across processes too (on one machine; on an
    // object store, the write-once log entries stop a second writer elsewhere).
    lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT, 0644);
    if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      return SparkError("CONCURRENT_QUERY", "0A000",
                        fmt::format("Another instance of this query was just started by a "
                                    "concurrent session. (checkpoint {} is in use)",
                                    spec_.checkpoint_location));
    }
    std::string metadata_path = checkpoint_ + "/metadata";
    if (fs::exists(metadata_path)) {
      ARROW_ASSIGN_OR_RAISE(auto text, ReadFileToString(metadata_path));
      rapidjson::Document doc;
      doc.Parse(text.c_str());
      if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("id") || !doc["id"].IsString()) {
        return arrow::Status::Invalid("[INVALID_CHECKPOINT] The checkpoint's metadata file ", metadata_path,
                                      " is not a streaming query's metadata: expected {\"id\":\"<uuid>\"}.");
      }
      id_ = doc["id"].GetString();
    } else {
      id_ = RandomUuid();
      ARROW_RETURN_NOT_OK(WriteFileAtomically(metadata_path, "{\"id\":\"" + id_ + "\"}"));
    }
    // spate.streaming.checkpoint.fsync=false keeps the rename's atomicity (safe
    // against a killed process) but skips the fsyncs (not against power loss). An
    // at-least-once sink needs no fsync of the logs either: an entry lost to a power
    // loss replays a batch, whose rows the sink writes again anyway (Spark fsyncs none).
    bool durable = conf_.Get("spate.streaming.checkpoint.fsync", "true") != "false" && spec_.sink->exactly_once();
    FileSystemPtr store = mirror_ ? mirror_->store() : nullptr;
    offsets_ = std::make_unique<MetadataLog>(JoinPath(logs_dir, "offsets"), durable, store);
    commits_ = std::make_unique<MetadataLog>(JoinPath(logs_dir, "commits"), durable, store);
    return UploadCheckpoint();
  }

  // The checkpoint as the user named it (an object store URI rather than its local copy).
  const std::string& CheckpointName() const { return mirror_ ? mirror_->uri() : checkpoint_; }

  // The local copy's new files into the object store, before a log entry that relies on them.
  arrow::Status UploadCheckpoint() { return mirror_ ? mirror_->Upload() : arrow::Status::OK(); }

  // Where to begin: the next batch id, and a batch to run again if the last
  // one was planned (offsets written) but not committed.
  arrow::Status Recover() {
    ARROW_ASSIGN_OR_RAISE(auto latest_offsets, offsets_->Latest());
    ARROW_ASSIGN_OR_RAISE(auto latest_commit, commits_->Latest());
    // A commit without the offsets of its batch: offsets/ lost entries (restarting
    // from an earlier batch would read again, or skip, what was committed).
    if (latest_commit && (!latest_offsets || *latest_commit > *latest_offsets)) {
      return arrow::Status::Invalid(fmt::format(
          "[INVALID_CHECKPOINT] The checkpoint at {} is inconsistent: {}/{} records batch {} as "
          "committed, but {} has {}. Restore the missing offsets files or use a new checkpointLocation.",
          CheckpointName(), commits_->dir(), *latest_commit, *latest_commit, offsets_->dir(),
          latest_offsets ? fmt::format("entries only up to batch {}", *latest_offsets) : "no entries"));
    }
    if (!latest_offsets) return arrow::Status::OK();
    int64_t last = *latest_offsets;
    auto load = [&](int64_t batch) -> arrow::Result<OffsetsEntryContent> {
      ARROW_ASSIGN_OR_RAISE(auto text, offsets_->Get(batch));
      std::string path = offsets_->dir() + "/" + std::to_string(batch);
      if (!text) return arrow::Status::Invalid("[INVALID_CHECKPOINT] missing ", path);
      ARROW_ASSIGN_OR_RAISE(auto entry, ParseOffsetsEntry(*text, path));
      if (entry.ends.size() != sources_.size()) {
        return arrow::Status::Invalid(fmt::format(
            "[INVALID_CHECKPOINT] The checkpoint at {} belongs to a different query: its offsets log "
            "records {} source(s), this query reads {}. Use a new checkpointLocation for a "
            "different query.",
            CheckpointName(), entry.ends.size(), sources_.size()));
      }
      return entry;
    };
    ARROW_ASSIGN_OR_RAISE(auto last_entry, load(last));
    if (latest_commit && *latest_commit >= last) {
      for (size_t i = 0; i < sources_.size(); ++i) sources_[i].committed = last_entry.ends[i];
      next_batch_ = last + 1;
      last_batch_watermark_ms_ = last_entry.batch_watermark_ms;
      watermark_.Restore(last_entry.batch_watermark_ms);
      ARROW_ASSIGN_OR_RAISE(auto commit_text, commits_->Get(last));
      if (commit_text) {
        ARROW_ASSIGN_OR_RAISE(int64_t next_watermark,
                              ParseCommitEntry(*commit_text, commits_->dir() + "/" + std::to_string(last)));
        watermark_.Restore(next_watermark);
      }
      return arrow::Status::OK();
    }
    // Batch `last` was planned but not committed: run it again, same offsets.
    if (last > 0) {
      ARROW_ASSIGN_OR_RAISE(auto previous, load(last - 1));
      for (size_t i = 0; i < sources_.size(); ++i) sources_[i].committed = previous.ends[i];
      last_batch_watermark_ms_ = previous.batch_watermark_ms;
    }
    next_batch_ = last;
    replay_ = last_entry;
    return arrow::Status::OK();
  }

  void Run() {
    auto result = RunBatches();
    Finish(result.ok() ? std::nullopt : std::optional<arrow::Status>(result));
  }

  arrow::Status RunBatches() {
    SetStatus("Initializing sources", false, false);
    ARROW_RETURN_NOT_OK(RestorePinnedConf());
    ARROW_ASSIGN_OR_RAISE(
        watermark_, WatermarkTracker::Make(conf_.Get("spark.sql.streaming.multipleWatermarkPolicy", "min")));
    // Unset: Spate's default (runtime_config.cc), the cores.
    const std::string partitions = conf_.Get("spark.sql.shuffle.partitions").value_or("1");
    state_partitions_ = std::atoi(partitions.c_str());
    if (state_partitions_ <= 0) {
      return arrow::Status::Invalid("spark.sql.shuffle.partitions must be a positive number, got '", partitions,
                                    "'.");
    }
    ARROW_ASSIGN_OR_RAISE(master_threads_, MasterThreads(conf_));
    task_threads_ = std::min(master_threads_, state_partitions_);
    ARROW_RETURN_NOT_OK(Recover());  // a restart keeps the recorded offsets and watermark
    if (auto planned = CheckStreamingPlan(*plan_); !planned.ok()) return QueryFailed(planned);
    ARROW_RETURN_NOT_OK(SetUpStatefulOperators());
    if (spec_.trigger.is_long_running()) return RunEpochs();
    runs_in_pieces_ = sources_.size() == 1 && operator_states_.empty() && spec_.sink->writes_pieces() &&
                      RunsInPieces(*plan_);
    const bool once = spec_.trigger.kind == Trigger::Kind::kOnce;
    const bool until_caught_up = once || spec_.trigger.kind == Trigger::Kind::kAvailableNow;
    // Both read what is there at the start (once in its one batch), which
    // sources then know as the run's backlog, for the console's bar.
    if (until_caught_up) {
      for (auto& s : sources_) ARROW_RETURN_NOT_OK(s.source->PrepareForAvailableNow());
    }
    ConsoleProgress console(spec_.name.value_or(id_), conf_.Get("spark.ui.showConsoleProgress", "true") != "false");
    while (!StopRequested()) {
      auto trigger_start = Clock::now();
      console.BatchStarted(next_batch_);
      ARROW_ASSIGN_OR_RAISE(bool ran, RunTrigger());
      console.BatchEnded();
      if (until_caught_up && console.active()) ShowBacklog(&console);
      if (once || (until_caught_up && !ran)) break;
      if (!ran) {
        std::lock_guard<std::mutex> lock(mutex_);
        ++idle_checks_;
      }
      cv_.notify_all();
      WaitForNextTrigger(trigger_start, ran);
    }
    return arrow::Status::OK();
  }

  // The continuous trigger and real-time mode: one loop takes each source's
  // records as they arrive, runs the plan over them and hands the result to
  // the sink at once; every interval ends an epoch, whose offsets and commit
  // are written on another thread. A restart resumes after the last committed
  // epoch (at-least-once). Console and memory sinks take an epoch's rows at
  // its end, as Spark's continuous writers commit them. Stateful operators
  // (real-time mode) keep their stores open across an epoch's polls; the
  // epoch's end commits them, with its offsets (EndEpoch).
  arrow::Status RunEpochs() {
    if (auto sink = CheckLongRunningSink(spec_.trigger, spec_.sink_format); !sink.ok()) return QueryFailed(sink);
    int64_t keep = std::stoll(conf_.Get("spark.sql.streaming.minBatchesToRetain", "100"));
    EpochCommitter committer(offsets_.get(), commits_.get(), [this] { return UploadCheckpoint(); }, keep);
    // An epoch without its commit runs again: for a sink that commits epochs, over the same
    // offsets as a micro-batch, which the sink skips if its output committed; else from the
    // last committed epoch, with the watermark it had.
    if (replay_ && spec_.sink->commits_epochs()) {
      if (auto replayed = RunTrigger(); !replayed.ok()) return QueryFailed(replayed.status());
    }
    if (replay_) watermark_.Restore(replay_->batch_watermark_ms);
    replay_.reset();
    std::vector<std::optional<std::string>> starts;
    for (const auto& s : sources_) starts.push_back(s.committed);
    Epoch epoch = BeginEpoch(next_batch_, std::move(starts));
    const auto interval = std::chrono::milliseconds(spec_.trigger.interval_ms);
    arrow::Status status;
    while (status.ok() && !StopRequested()) {
      status = committer.status();
      if (status.ok()) status = PollAll(&epoch, Clock::now() + std::min(interval, std::chrono::milliseconds(100)));
      if (!status.ok() || Clock::now() - epoch.started < interval) continue;
      if (Read(epoch)) {
        status = EndEpoch(&epoch, &committer);
      } else {  // nothing changed: no state version, no log entries; the epoch goes on
        epoch.started = Clock::now();
        epoch.started_ms = NowMs();
      }
    }
    if (status.ok() && Read(epoch)) status = EndEpoch(&epoch, &committer);  // a stopped query's last records
    for (auto& op : operator_states_) op->Abort();  // the stores an uncommitted epoch opened
    arrow::Status written = committer.Finish();
    if (!status.ok()) return QueryFailed(status);
    return written.ok() ? written : QueryFailed(written);
  }

  struct Epoch {
    int64_t id;
    Clock::time_point started;
    int64_t started_ms;
    std::vector<std::optional<std::string>> starts{};  // where the epoch began, by source
    std::vector<int64_t> rows{};  // input rows by source
    int64_t output_rows = 0;
    std::vector<std::shared_ptr<arrow::Table>> held{};  // the rows of sinks that take an epoch at its end
    // The epoch's watermarks, the stateful operators' open stores and the event times seen so far.
    StreamingBatchContext state{};
  };

  // Whether the epoch read records: an epoch without any leaves the state, the watermark
  // and what a restart reads unchanged (a source's offsets may have moved over records
  // that are not rows, as Kafka's transaction markers; a restart reads past them again).
  static bool Read(const Epoch& epoch) {
    return std::any_of(epoch.rows.begin(), epoch.rows.end(), [](int64_t n) { return n > 0; });
  }

  // An epoch runs with the watermark the previous one ended with (Spark's watermark
  // moves between batches; in real-time mode, between epochs).
  Epoch BeginEpoch(int64_t id, std::vector<std::optional<std::string>> starts) {
    Epoch epoch{id, Clock::now(), NowMs(), std::move(starts), std::vector<int64_t>(sources_.size(), 0)};
    epoch.state = BeginStatefulBatch(id, watermark_.current());
    return epoch;
  }

  bool SinkTakesEpochs() const { return spec_.sink_format == "console" || spec_.sink_format == "memory"; }

  // One round over the sources: what each has, until `deadline` for the first records.
  arrow::Status PollAll(Epoch* epoch, Clock::time_point deadline) {
    bool any = false;
    for (size_t i = 0; i < sources_.size(); ++i) {
      auto& s = sources_[i];
      int timeout = std::max<int>(0, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                            deadline - Clock::now()).count()));
      if (sources_.size() > 1) timeout = 0;
      ARROW_ASSIGN_OR_RAISE(auto polled, s.source->Poll(s.committed, timeout));
      if (!polled) {
        ARROW_ASSIGN_OR_RAISE(polled, PollByOffsets(s));
      }
      if (polled->rows && polled->rows->num_rows() > 0) {
        any = true;
        epoch->rows[i] += polled->rows->num_rows();
        ARROW_RETURN_NOT_OK(ProcessRows(i, std::move(polled->rows), epoch));
      }
      if (!polled->end.empty()) s.committed = polled->end;
    }
    if (!any) {
      if (sources_.size() > 1 || deadline > Clock::now()) {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(1)),
                       [&] { return stop_requested_; });
      }
      if (epoch->held.empty()) {
        std::lock_guard<std::mutex> lock(mutex_);
        ++idle_checks_;
      }
      cv_.notify_all();
    }
    return arrow::Status::OK();
  }

  // A source without a continuous reader: its latest offset and the rows up to it.
  arrow::Result<std::optional<PolledRows>> PollByOffsets(RunningSource& s) {
    ARROW_ASSIGN_OR_RAISE(auto latest, s.source->LatestOffset(s.committed, ReadLimit{}));
    if (!latest || latest == s.committed) return PolledRows{nullptr, s.committed.value_or("")};
    ARROW_ASSIGN_OR_RAISE(auto rows, s.source->GetBatch(s.committed, *latest));
    return PolledRows{std::move(rows), *latest};
  }

  // The plan over one source's new rows (the other sources' scans empty; all
  // of them when `rows` is null), its result handed to the sink or held.
  arrow::Status ProcessRows(size_t source, std::shared_ptr<arrow::Table> rows, Epoch* epoch) {
    for (size_t i = 0; i < sources_.size(); ++i) {
      auto& s = sources_[i];
      std::shared_ptr<arrow::Table> table = i == source ? rows : nullptr;
      if (!table) {
        ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*s.source->schema()));
        ARROW_ASSIGN_OR_RAISE(table, arrow::Table::MakeEmpty(schema));
      }
      std::lock_guard<std::mutex> lock(s.scan->mutex);
      s.scan->table = std::move(table);
    }
    EvalContext ctx = MakeEvalContext(conf_);
    ctx.streaming = &epoch->state;
    ARROW_ASSIGN_OR_RAISE(auto result, physical_->Run(ctx, master_threads_));
    if (SinkTakesEpochs()) {
      epoch->held.push_back(std::move(result));
      return arrow::Status::OK();
    }
    ARROW_ASSIGN_OR_RAISE(int64_t written,
                          spec_.sink->AddBatch({epoch->id, spec_.output_mode, std::move(result), /*flush=*/false}));
    if (written > 0) epoch->output_rows += written;
    return arrow::Status::OK();
  }

  // The stateful operators' state as the epoch leaves it: what the moved watermark
  // closes is evicted (a pass of the plan over no rows, as Spark's no-data batch),
  // then every store is committed as version id + 1, before the epoch's commit is queued.
  arrow::Status CommitEpochState(Epoch* epoch) {
    if (operator_states_.empty()) return arrow::Status::OK();
    const int64_t watermark_ms = watermark_.current();
    if (evicts_by_watermark_ && watermark_ms > epoch->state.eviction_watermark_ms) {
      epoch->state.eviction_watermark_ms = watermark_ms;
      epoch->state.operator_eviction_watermarks_ms = OperatorWatermarks(*physical_, watermark_ms);
      ARROW_RETURN_NOT_OK(ProcessRows(sources_.size(), nullptr, epoch));
    }
    for (auto& op : operator_states_) ARROW_RETURN_NOT_OK(op->Commit());
    return arrow::Status::OK();
  }

  // The epoch's end: the watermark moves, the state is committed, held rows go to
  // the sink, its entries are queued and the next epoch begins. Every record of the
  // epoch is in the sink (acknowledged, for Kafka) and its state committed before
  // its commit is queued, so a restart finds state and offsets of the same epoch.
  arrow::Status EndEpoch(Epoch* epoch, EpochCommitter* committer) {
    const int64_t epoch_watermark_ms = epoch->state.eviction_watermark_ms;
    watermark_.Update(epoch->state.event_times);
    ARROW_RETURN_NOT_OK(CommitEpochState(epoch));
    std::shared_ptr<arrow::Table> rows;
    if (epoch->held.empty()) {
      ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*plan_->Schema()));
      ARROW_ASSIGN_OR_RAISE(rows, arrow::Table::MakeEmpty(schema));
    } else {
      ARROW_ASSIGN_OR_RAISE(rows, arrow::ConcatenateTables(epoch->held));
    }
    epoch->held.clear();
    auto deliver = [&]() -> arrow::Status {
      ARROW_ASSIGN_OR_RAISE(int64_t written, spec_.sink->AddBatch({epoch->id, spec_.output_mode, rows}));
      if (written > 0) epoch->output_rows += written;
      return arrow::Status::OK();
    };
    std::vector<std::optional<std::string>> ends;
    for (const auto& s : sources_) ends.push_back(s.committed);
    std::string offsets = OffsetsEntry(epoch_watermark_ms, epoch->started_ms, ends, PinnedConf());
    if (spec_.sink->commits_epochs()) {
      ARROW_RETURN_NOT_OK(committer->CommitInOrder(epoch->id, std::move(offsets), CommitEntry(watermark_.current()),
                                                   deliver));
    } else {
      ARROW_RETURN_NOT_OK(deliver());
      committer->Commit(epoch->id, std::move(offsets), CommitEntry(watermark_.current()));
    }
    if (spec_.trigger.kind == Trigger::Kind::kRealTime) RecordEpochProgress(*epoch, ends, epoch_watermark_ms);
    SetStatus(fmt::format("Committing epoch {}", epoch->id), false, false);
    next_batch_ = epoch->id + 1;
    last_batch_watermark_ms_ = epoch_watermark_ms;
    *epoch = BeginEpoch(epoch->id + 1, ends);
    std::lock_guard<std::mutex> lock(mutex_);
    ++idle_checks_;
    cv_.notify_all();
    return arrow::Status::OK();
  }

  // Real-time mode reports each epoch as Spark reports a real-time batch.
  void RecordEpochProgress(const Epoch& epoch, const std::vector<std::optional<std::string>>& ends,
                           int64_t watermark_ms) {
    int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - epoch.started).count();
    RecordProgress(epoch.id, epoch.started_ms, {{"triggerExecution", ms}}, epoch.starts, ends, ends, epoch.rows,
                   epoch.output_rows, watermark_ms, epoch.state);
  }

  // The availableNow run's input read so far, summed by unit over the
  // sources that can tell.
  void ShowBacklog(ConsoleProgress* console) {
    std::vector<ConsoleProgress::Input> input;
    for (const auto& s : sources_) {
      auto b = s.source->AvailableNowBacklog();
      if (!b) continue;
      auto same = std::find_if(input.begin(), input.end(), [&](const auto& in) { return in.unit == b->unit; });
      if (same == input.end()) same = input.insert(input.end(), {0, 0, b->unit});
      same->done += b->done;
      same->total += b->total;
    }
    console->ShowInput(input);
  }

  bool StopRequested() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stop_requested_;
  }

  void WaitForNextTrigger(Clock::time_point trigger_start, bool ran) {
    auto wait = std::chrono::milliseconds(0);
    if (spec_.trigger.kind == Trigger::Kind::kProcessingTime && spec_.trigger.interval_ms > 0) {
      auto next = trigger_start + std::chrono::milliseconds(spec_.trigger.interval_ms);
      wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now());
    } else if (!ran) {
      wait = std::chrono::milliseconds(10);  // no data: poll the sources again shortly
    }
    if (wait.count() <= 0) return;
    SetStatus("Waiting for next trigger", false, false);
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_for(lock, wait, [&] { return stop_requested_; });
  }

  // One trigger: plan the next batch and run it. False when there was no new data.
  arrow::Result<bool> RunTrigger() {
    const int64_t trigger_start_ms = NowMs();
    auto t0 = Clock::now();
    std::vector<std::pair<std::string, int64_t>> durations;
    auto lap = [&](const char* name, Clock::time_point since) {
      durations.emplace_back(name, std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
    };
    std::vector<std::optional<std::string>> ends;
    std::vector<std::optional<std::string>> latest(sources_.size());
    int64_t batch_timestamp_ms = trigger_start_ms;
    int64_t batch_watermark_ms = 0;
    bool replaying = replay_.has_value();
    if (replaying) {
      ends = replay_->ends;
      batch_timestamp_ms = replay_->batch_timestamp_ms;
      batch_watermark_ms = replay_->batch_watermark_ms;
      watermark_.Restore(batch_watermark_ms);
      latest = ends;
      replay_.reset();
    } else {
      SetStatus("Getting offsets from sources", false, true);
      auto t = Clock::now();
      ReadLimit limit;
      limit.available_now = spec_.trigger.kind == Trigger::Kind::kAvailableNow;
      limit.all_available = spec_.trigger.kind == Trigger::Kind::kOnce;
      bool new_data = false;
      for (size_t i = 0; i < sources_.size(); ++i) {
        ARROW_ASSIGN_OR_RAISE(latest[i], sources_[i].source->LatestOffset(sources_[i].committed, limit));
        ends.push_back(latest[i]);
        new_data = new_data || (latest[i] && latest[i] != sources_[i].committed);
      }
      lap("latestOffset", t);
      if (!new_data && !NeedsNoDataBatch()) {
        SetStatus("Waiting for data to arrive", false, false);
        return false;
      }
      if (!new_data) {  // a no-data batch: only the watermark moves
        for (size_t i = 0; i < sources_.size(); ++i) ends[i] = sources_[i].committed;
      }
      batch_watermark_ms = watermark_.current();
      auto w = Clock::now();
      ARROW_RETURN_NOT_OK(UploadCheckpoint());  // the sources' logs
      // Write-once on an object store: an entry there already is another run's.
      ARROW_RETURN_NOT_OK(offsets_->Add(next_batch_,
                                        OffsetsEntry(batch_watermark_ms, batch_timestamp_ms, ends, PinnedConf()),
                                        /*overwrite=*/!mirror_));
      lap("walCommit", w);
    }
    SetStatus("Processing new data", true, true);
    const int64_t batch_id = next_batch_;

    // Read each source's rows for the batch into this run's scans, unless the
    // batch runs in pieces as they are read.
    auto g = Clock::now();
    std::vector<int64_t> rows_per_source(sources_.size(), 0);
    const bool in_pieces = runs_in_pieces_ && ends[0] && ends[0] != sources_[0].committed;
    for (size_t i = 0; i < sources_.size() && !in_pieces; ++i) {
      auto& s = sources_[i];
      std::shared_ptr<arrow::Table> rows;
      if (ends[i] && ends[i] != s.committed) {
        auto got = s.source->GetBatch(s.committed, *ends[i]);
        if (!got.ok()) return BatchFailed(batch_id, got.status());
        rows = *got;
      } else {  // this source has nothing new in the batch
        ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*s.source->schema()));
        ARROW_ASSIGN_OR_RAISE(rows, arrow::Table::MakeEmpty(schema));
      }
      rows_per_source[i] = rows->num_rows();
      std::lock_guard<std::mutex> lock(s.scan->mutex);
      s.scan->table = std::move(rows);
    }
    lap("getBatch", g);
    durations.emplace_back("queryPlanning", 0);

    auto a = Clock::now();
    EvalContext ctx = MakeEvalContext(conf_);
    ctx.current_timestamp_us = batch_timestamp_ms * 1000;  // fixed per batch, also on a re-run
    StreamingBatchContext state = BeginStatefulBatch(batch_id, batch_watermark_ms);
    ctx.streaming = &state;
    auto written = in_pieces ? ExecuteInPieces(batch_id, ctx, *ends[0], &rows_per_source[0])
                             : ExecuteAndWrite(batch_id, ctx);
    if (!written.ok()) {
      for (auto& op : operator_states_) op->Abort();
      return BatchFailed(batch_id, written.status());
    }
    for (auto& op : operator_states_) ARROW_RETURN_NOT_OK(op->Commit());
    lap("addBatch", a);

    auto c = Clock::now();
    watermark_.Update(state.event_times);
    last_batch_watermark_ms_ = batch_watermark_ms;
    ARROW_RETURN_NOT_OK(UploadCheckpoint());  // the state stores' files
    ARROW_RETURN_NOT_OK(commits_->Add(batch_id, CommitEntry(watermark_.current()), /*overwrite=*/!mirror_));
    std::vector<std::optional<std::string>> starts;
    for (size_t i = 0; i < sources_.size(); ++i) {
      starts.push_back(sources_[i].committed);
      if (ends[i]) {
        ARROW_RETURN_NOT_OK(sources_[i].source->Commit(*ends[i]));
        sources_[i].committed = ends[i];
      }
    }
    lap("commitOffsets", c);
    ++next_batch_;
    ARROW_RETURN_NOT_OK(PurgeOldLogs(batch_id));
    for (auto& s : sources_) {
      std::lock_guard<std::mutex> lock(s.scan->mutex);
      s.scan->table.reset();
    }
    lap("triggerExecution", t0);
    RecordProgress(batch_id, trigger_start_ms, durations, starts, ends, latest, rows_per_source, *written,
                   batch_watermark_ms, state);
    return true;
  }

  // The plan's result for the batch, handed to the sink; the rows written.
  arrow::Result<int64_t> ExecuteAndWrite(int64_t batch_id, const EvalContext& ctx) {
    ARROW_ASSIGN_OR_RAISE(auto result, physical_->Run(ctx, master_threads_));
    return spec_.sink->AddBatch({batch_id, spec_.output_mode, std::move(result)});
  }

  // A batch that runs in pieces (batch_pieces.h): each piece the source reads goes
  // through the plan into the sink; a last piece of no rows flushes the sink.
  arrow::Result<int64_t> ExecuteInPieces(int64_t batch_id, const EvalContext& ctx, const std::string& end,
                                         int64_t* rows_read) {
    auto& s = sources_[0];
    int64_t written = 0;
    auto run = [&](std::shared_ptr<arrow::Table> rows, bool flush) -> arrow::Status {
      *rows_read += rows->num_rows();
      {
        std::lock_guard<std::mutex> lock(s.scan->mutex);
        s.scan->table = std::move(rows);
      }
      ARROW_ASSIGN_OR_RAISE(auto result, physical_->Run(ctx, master_threads_));
      ARROW_ASSIGN_OR_RAISE(int64_t n, spec_.sink->AddBatch({batch_id, spec_.output_mode, std::move(result), flush}));
      written += n;
      return arrow::Status::OK();
    };
    ARROW_RETURN_NOT_OK(s.source->ReadBatch(s.committed, end, [&](std::shared_ptr<arrow::Table> rows) {
      return run(std::move(rows), /*flush=*/false);
    }));
    ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*s.source->schema()));
    ARROW_ASSIGN_OR_RAISE(auto none, arrow::Table::MakeEmpty(schema));
    ARROW_RETURN_NOT_OK(run(std::move(none), /*flush=*/true));
    return written;
  }

  // Each source's batches go to its scan in the physical plan, and the source
  // learns which of its columns the query reads.
  arrow::Status UseOptimizedScans() {
    std::vector<std::shared_ptr<ScanSource>> scans;
    CollectStreamScans(physical_->plan(), &scans);
    if (scans.size() != sources_.size()) {
      return arrow::Status::Invalid("internal error: the optimized plan has ", scans.size(), " streaming scans, not ",
                                    sources_.size());
    }
    for (size_t i = 0; i < scans.size(); ++i) {
      sources_[i].scan = scans[i];
      sources_[i].source->ReadOnlyColumns(scans[i]->request.columns);
    }
    return arrow::Status::OK();
  }

  // The physical plan of the run, its stateful operators (numbered from the
  // top of the plan, as Spark does) and their stores.
  arrow::Status SetUpStatefulOperators() {
    ARROW_ASSIGN_OR_RAISE(physical_, PhysicalPlan::Make(plan_));
    ARROW_RETURN_NOT_OK(UseOptimizedScans());
    ARROW_ASSIGN_OR_RAISE(StateStoreConf conf, StateStoreConf::FromConf(conf_));
    if (!physical_->stateful_operators().empty()) tasks_ = std::make_unique<TaskPool>(task_threads_);
    std::vector<std::string> names;
    std::vector<std::vector<StateStoreSchemas>> stores;
    for (const Operator* op : physical_->stateful_operators()) {
      const PlanNode& node = op->node();
      evicts_by_watermark_ = evicts_by_watermark_ || EvictsByWatermark(node, spec_.output_mode);
      processing_time_timers_ = processing_time_timers_ || (node.kind == PlanNode::Kind::kTransformWithState &&
                                                            node.transform->time_mode == TimeMode::kProcessingTime);
      names.push_back(StatefulOperatorName(node));
      if (node.kind == PlanNode::Kind::kTransformWithState) {
        names.back() = KeptTransformWithStateName(checkpoint_, static_cast<int64_t>(names.size() - 1), names.back());
      }
      ARROW_ASSIGN_OR_RAISE(stores.emplace_back(), StateStoresOf(node));
      std::vector<std::string> store_names;
      for (const auto& store : stores.back()) store_names.push_back(store.name);
      operator_states_.push_back(std::make_unique<StatefulOperatorState>(op->state_id(), names.back(), checkpoint_,
                                                                         state_partitions_, conf, store_names,
                                                                         tasks_.get()));
    }
    ARROW_RETURN_NOT_OK(CheckStateOperators(checkpoint_, names));
    for (size_t id = 0; id < stores.size(); ++id) {  // recorded on the first run, checked after
      const PlanNode& node = physical_->stateful_operators()[id]->node();
      const bool transform = node.kind == PlanNode::Kind::kTransformWithState;
      for (const auto& store : stores[id]) {
        if (transform && next_batch_ > 0 && !ReadStateSchema(checkpoint_, static_cast<int64_t>(id), store.name).ok()) {
          ARROW_RETURN_NOT_OK(StartAddedStore(checkpoint_, static_cast<int64_t>(id), store.name, state_partitions_,
                                              conf, next_batch_));  // a state variable added by this restart
        }
        ARROW_ASSIGN_OR_RAISE(auto key, FromArrowSchema(*store.key));
        ARROW_ASSIGN_OR_RAISE(auto value, FromArrowSchema(*store.value));
        ARROW_RETURN_NOT_OK(WriteOrCheckStateSchema(checkpoint_, static_cast<int64_t>(id), *key, *value,
                                                    state_partitions_, store.name, names[id]));
      }
      if (transform) {
        ARROW_RETURN_NOT_OK(RecordStateVariables(node, static_cast<int64_t>(id), names[id]));
      }
    }
    return arrow::Status::OK();
  }

  // A transformWithState's state variables, checked against the ones its
  // checkpoint records (after their schemas, as Spark), then recorded: a
  // variable may be added or dropped, not change kind.
  arrow::Status RecordStateVariables(const PlanNode& node, int64_t operator_id, const std::string& name) {
    ARROW_ASSIGN_OR_RAISE(TransformWithStateProperties now, TransformWithStatePropertiesOf(node));
    ARROW_ASSIGN_OR_RAISE(auto recorded, ReadTransformWithStateProperties(checkpoint_, operator_id));
    if (recorded) ARROW_RETURN_NOT_OK(CheckStateVariableTypes(*recorded, now));
    return WriteTransformWithStateMetadata(checkpoint_, operator_id, name, state_partitions_, now);
  }

  StreamingBatchContext BeginStatefulBatch(int64_t batch_id, int64_t batch_watermark_ms) {
    StreamingBatchContext state;
    state.batch_id = batch_id;
    state.output_mode = spec_.output_mode;
    state.eviction_watermark_ms = batch_watermark_ms;
    state.late_events_watermark_ms = last_batch_watermark_ms_;
    state.operator_eviction_watermarks_ms = OperatorWatermarks(*physical_, batch_watermark_ms);
    state.operator_late_events_watermarks_ms = OperatorWatermarks(*physical_, last_batch_watermark_ms_);
    for (auto& op : operator_states_) {  // by state id
      op->BeginBatch(batch_id);
      state.operators.push_back(op.get());
    }
    return state;
  }

  // Spark runs a batch without new data when the watermark has moved and a
  // stateful operator would evict state with it (spark.sql.streaming.noDataMicroBatches.enabled).
  // A transformWithState in processing-time mode asks for a batch at every trigger, for its
  // timers (Spark's TransformWithStateExec.shouldRunAnotherBatch).
  bool NeedsNoDataBatch() const {
    if (!evicts_by_watermark_ && !processing_time_timers_) return false;
    if (!conf_.GetBool("spark.sql.streaming.noDataMicroBatches.enabled")) return false;
    if (processing_time_timers_) return true;
    return watermark_.current() > last_batch_watermark_ms_;
  }

  // Spark's StreamingQueryException for an error of the query as a whole.
  arrow::Status QueryFailed(const arrow::Status& cause) {
    return arrow::Status::Invalid(fmt::format(
        "[STREAM_FAILED] Query [id = {}, runId = {}] terminated with exception: {} SQLSTATE: XXKST", id_, run_id_,
        PrintedMessage(cause)));
  }

  arrow::Status BatchFailed(int64_t batch_id, const arrow::Status& cause) {
    return arrow::Status::Invalid(fmt::format(
        "[STREAM_FAILED] Query [id = {}, runId = {}] terminated with exception: batch {} failed: {} "
        "SQLSTATE: XXKST",
        id_, run_id_, batch_id, cause.message()));
  }

  // Spark keeps spark.sql.streaming.minBatchesToRetain (100) batches of logs.
  arrow::Status PurgeOldLogs(int64_t batch_id) {
    int64_t keep = std::stoll(conf_.Get("spark.sql.streaming.minBatchesToRetain", "100"));
    if (batch_id + 1 <= keep) return arrow::Status::OK();
    ARROW_RETURN_NOT_OK(offsets_->PurgeBefore(batch_id + 1 - keep));
    return commits_->PurgeBefore(batch_id + 1 - keep);
  }

  // The settings a restart must keep (PinnedQueryConf), as this run has them.
  ConfMap PinnedConf() const {
    ConfMap out;
    for (const auto& [key, spark_default] : PinnedQueryConf()) out[key] = conf_.Get(key).value_or(spark_default);
    out["spark.sql.shuffle.partitions"] = std::to_string(state_partitions_);
    return out;
  }

  // A restart runs with the settings its checkpoint recorded, over the
  // session's (the last offsets entry holds them).
  arrow::Status RestorePinnedConf() {
    ARROW_ASSIGN_OR_RAISE(auto last, offsets_->Latest());
    if (!last) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(auto text, offsets_->Get(*last));
    if (!text) return arrow::Status::OK();  // Recover reports the missing entry
    ARROW_ASSIGN_OR_RAISE(auto entry, ParseOffsetsEntry(*text, offsets_->dir() + "/" + std::to_string(*last)));
    for (const auto& [key, _] : PinnedQueryConf()) {
      if (auto it = entry.conf.find(key); it != entry.conf.end()) conf_.Set(key, it->second);
    }
    return arrow::Status::OK();
  }

  void RecordProgress(int64_t batch_id, int64_t trigger_start_ms,
                      const std::vector<std::pair<std::string, int64_t>>& durations,
                      const std::vector<std::optional<std::string>>& starts,
                      const std::vector<std::optional<std::string>>& ends,
                      const std::vector<std::optional<std::string>>& latest,
                      const std::vector<int64_t>& rows, int64_t output_rows, int64_t batch_watermark_ms,
                      const StreamingBatchContext& state) {
    QueryProgress p;
    p.id = id_;
    p.run_id = run_id_;
    p.name = spec_.name;
    p.timestamp = FormatProgressTimestamp(trigger_start_ms);
    p.batch_id = batch_id;
    p.duration_ms = durations;
    int64_t trigger_ms = durations.back().second;
    p.batch_duration_ms = trigger_ms;
    double since_last = last_trigger_start_ms_ > 0 ? (trigger_start_ms - last_trigger_start_ms_) / 1000.0 : 0;
    double processing = std::max<int64_t>(trigger_ms, 1) / 1000.0;
    for (size_t i = 0; i < sources_.size(); ++i) {
      SourceProgress s;
      s.description = sources_[i].source->description();
      s.start_offset = starts[i];
      s.end_offset = ends[i];
      s.latest_offset = latest[i];
      s.num_input_rows = rows[i];
      s.input_rows_per_second = since_last > 0 ? rows[i] / since_last : 0.0;
      s.processed_rows_per_second = rows[i] / processing;
      s.metrics_json = sources_[i].source->MetricsJson();
      p.num_input_rows += rows[i];
      p.sources.push_back(std::move(s));
    }
    p.input_rows_per_second = since_last > 0 ? p.num_input_rows / since_last : 0.0;
    p.processed_rows_per_second = p.num_input_rows / processing;
    p.sink = {spec_.sink->description(), output_rows};
    p.event_time = EventTimeProgress(batch_watermark_ms, state);
    for (auto& op : operator_states_) p.state_operators.push_back(StateOperatorJson(op->metrics()));
    last_trigger_start_ms_ = trigger_start_ms;
    std::lock_guard<std::mutex> lock(mutex_);
    totals_.batches += 1;
    totals_.input_rows += p.num_input_rows;
    if (output_rows > 0) totals_.output_rows += output_rows;
    progress_.push_back(std::move(p));
    while (progress_.size() > recent_progress_kept_) progress_.pop_front();
  }

  void Finish(std::optional<arrow::Status> error) {
    for (auto& s : sources_) s.source->Stop();
    spec_.sink->Close();
    if (lock_fd_ >= 0) {
      ::flock(lock_fd_, LOCK_UN);
      ::close(lock_fd_);
      lock_fd_ = -1;
    }
    if (temporary_checkpoint_) {
      std::error_code ec;
      fs::remove_all(checkpoint_, ec);
    }
    if (mirror_) {
      // The stores close (a RocksDB database in the local copy) before the copy is
      // removed; what a later run needs was uploaded before each log entry.
      operator_states_.clear();
      mirror_.reset();
    }
    // spark.streams forgets the query before awaitTermination() returns, so a
    // caller that saw the query end also sees it gone from active.
    active_ = false;
    if (registered_) streams_->NotifyTerminated(id_, error);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = error;
      terminated_ = true;
      status_ = {"Stopped", false, false};
    }
    cv_.notify_all();
  }

  // spark.streams of the session that started the query (it keeps the session alive).
  std::shared_ptr<QueryManager> streams_;
  // The query's settings: the session's when it started, then those its
  // checkpoint pinned (a running query does not see later changes).
  RuntimeConfig conf_;
  StreamingQuerySpec spec_;
  PlanPtr plan_;
  std::string id_;
  std::string run_id_;
  std::string checkpoint_;  // the local folder of the checkpoint (a copy, for one on an object store)
  bool temporary_checkpoint_ = false;
  std::unique_ptr<CheckpointMirror> mirror_;
  int lock_fd_ = -1;
  bool registered_ = false;
  std::unique_ptr<MetadataLog> offsets_, commits_;
  // Event time and state.
  int state_partitions_ = 1;
  WatermarkTracker watermark_ = *WatermarkTracker::Make("min");
  int64_t last_batch_watermark_ms_ = 0;  // the watermark the last batch ran with
  bool runs_in_pieces_ = false;      // micro-batches run in pieces (batch_pieces.h)
  bool evicts_by_watermark_ = false;  // a stateful operator drops state as the watermark moves
  bool processing_time_timers_ = false;  // a transformWithState runs processing-time timers
  std::unique_ptr<PhysicalPlan> physical_;  // built once per run, run by every batch
  int master_threads_ = 1;                  // spark.master's: the maps above the scans run on them
  int task_threads_ = 1;                    // spark.master's, at most one per state partition
  std::unique_ptr<TaskPool> tasks_;         // the stateful operators' partitions run on it
  std::vector<std::unique_ptr<StatefulOperatorState>> operator_states_;  // by state id
  std::vector<RunningSource> sources_;
  int64_t next_batch_ = 0;
  std::optional<OffsetsEntryContent> replay_;
  int64_t last_trigger_start_ms_ = 0;

  std::thread thread_;
  std::mutex join_mutex_;  // held while joining thread_
  std::atomic<bool> active_{false};
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_requested_ = false;
  bool terminated_ = false;
  int64_t idle_checks_ = 0;
  QueryStatus status_{"Initializing", false, false};
  std::deque<QueryProgress> progress_;
  size_t recent_progress_kept_ = 100;  // spark.sql.streaming.numRecentProgressUpdates
  QueryTotals totals_;
  std::optional<arrow::Status> error_;
};

}  // namespace

arrow::Result<std::shared_ptr<StreamingQuery>> StartStreamingQuery(const RuntimeConfig& conf,
                                                                   std::shared_ptr<QueryManager> streams,
                                                                   StreamingQuerySpec spec) {
  // Spark's checks for every streaming query come first; what only Spate does not do yet
  // (NotImplemented) does not hide the continuous trigger's own refusal.
  arrow::Status streaming = CheckStreamingQuery(*spec.plan, spec.output_mode, conf);
  if (!streaming.ok() && !streaming.IsNotImplemented()) return streaming;
  ARROW_RETURN_NOT_OK(CheckLongRunningQuery(*spec.plan, spec.trigger, spec.output_mode, spec.sink_format, conf));
  ARROW_RETURN_NOT_OK(streaming);
  ARROW_RETURN_NOT_OK(ApplyHugePagesSetting(conf));
  auto query = std::make_shared<StreamExecution>(conf, std::move(streams), std::move(spec));
  ARROW_RETURN_NOT_OK(query->Start());
  return query;
}

}  // namespace spate
