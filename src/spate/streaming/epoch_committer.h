#pragma once

// The checkpoint of the continuous trigger and real-time mode: each epoch's
// offsets/N and then commits/N written on a thread of their own, so that the
// loop processing records never waits for a file write (Spark's asynchronous,
// epoch-based checkpoints). A restart resumes after the last commits/N.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <arrow/status.h>

#include "spate/streaming/metadata_log.h"

namespace spate {

class EpochCommitter {
 public:
  /// `before_commit` runs before each epoch's entries (the object store
  /// checkpoint's upload); `keep` is how many epochs of logs stay.
  EpochCommitter(MetadataLog* offsets, MetadataLog* commits, std::function<arrow::Status()> before_commit,
                 int64_t keep);
  ~EpochCommitter();

  /// Queues epoch `epoch` with its offsets and commit entries.
  void Commit(int64_t epoch, std::string offsets_entry, std::string commit_entry);
  /// For a sink that commits epochs (StreamSink::commits_epochs): waits for the queued
  /// epochs, then writes epoch `epoch`'s offsets entry, runs `commit_output` and writes
  /// its commit entry, on the caller's thread. A crash in between leaves the offsets
  /// entry alone: the restart runs that epoch again over the same offsets.
  arrow::Status CommitInOrder(int64_t epoch, std::string offsets_entry, std::string commit_entry,
                              const std::function<arrow::Status()>& commit_output);
  /// The first failed write, or OK.
  arrow::Status status() const;
  /// Waits until every queued epoch is written; the first failure.
  arrow::Status Finish();

 private:
  struct Epoch {
    int64_t id;
    std::string offsets, commit;
  };
  void Run();
  arrow::Status Write(const Epoch& epoch, const std::function<arrow::Status()>& commit_output = nullptr);

  MetadataLog* offsets_;
  MetadataLog* commits_;
  std::function<arrow::Status()> before_commit_;
  int64_t keep_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Epoch> queue_;
  bool writing_ = false;
  bool closing_ = false;
  arrow::Status status_;
  std::thread thread_;
};

}  // namespace spate
