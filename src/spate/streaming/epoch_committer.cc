#include "spate/streaming/epoch_committer.h"

namespace spate {

EpochCommitter::EpochCommitter(MetadataLog* offsets, MetadataLog* commits,
                               std::function<arrow::Status()> before_commit, int64_t keep)
    : offsets_(offsets), commits_(commits), before_commit_(std::move(before_commit)), keep_(keep) {
  thread_ = std::thread([this] { Run(); });
}

EpochCommitter::~EpochCommitter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void EpochCommitter::Commit(int64_t epoch, std::string offsets_entry, std::string commit_entry) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back({epoch, std::move(offsets_entry), std::move(commit_entry)});
  }
  cv_.notify_all();
}

arrow::Status EpochCommitter::CommitInOrder(int64_t epoch, std::string offsets_entry, std::string commit_entry,
                                            const std::function<arrow::Status()>& commit_output) {
  ARROW_RETURN_NOT_OK(Finish());
  return Write({epoch, std::move(offsets_entry), std::move(commit_entry)}, commit_output);
}

arrow::Status EpochCommitter::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_;
}

arrow::Status EpochCommitter::Finish() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [&] { return (queue_.empty() && !writing_) || !status_.ok(); });
  return status_;
}

void EpochCommitter::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
    if (queue_.empty()) return;  // closing, nothing left
    Epoch epoch = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    const bool failed = !status_.ok();
    lock.unlock();
    arrow::Status written = failed ? arrow::Status::OK() : Write(epoch);
    lock.lock();
    writing_ = false;
    if (status_.ok()) status_ = written;
    cv_.notify_all();
  }
}

arrow::Status EpochCommitter::Write(const Epoch& epoch, const std::function<arrow::Status()>& commit_output) {
  ARROW_RETURN_NOT_OK(before_commit_());
  // An epoch id a crash left with offsets but no commit is written again by the next run.
  ARROW_RETURN_NOT_OK(offsets_->Add(epoch.id, epoch.offsets, /*overwrite=*/true));
  if (commit_output) ARROW_RETURN_NOT_OK(commit_output());
  ARROW_RETURN_NOT_OK(commits_->Add(epoch.id, epoch.commit, /*overwrite=*/true));
  if (epoch.id + 1 > keep_) {
    ARROW_RETURN_NOT_OK(offsets_->PurgeBefore(epoch.id + 1 - keep_));
    ARROW_RETURN_NOT_OK(commits_->PurgeBefore(epoch.id + 1 - keep_));
  }
  return arrow::Status::OK();
}

}  // namespace spate
