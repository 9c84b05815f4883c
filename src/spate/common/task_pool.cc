#include "spate/common/task_pool.h"

#include <algorithm>
#include <atomic>

namespace spate {

namespace {

// Set on a thread while it runs iterations: a ParallelFor there runs inline.
thread_local bool in_iteration = false;

arrow::Status RunInline(int64_t n, const std::function<arrow::Status(int64_t)>& fn) {
  for (int64_t i = 0; i < n; ++i) ARROW_RETURN_NOT_OK(fn(i));
  return arrow::Status::OK();
}

}  // namespace

struct TaskPool::Loop {
  int64_t n;
  const std::function<arrow::Status(int64_t)>* fn;
  std::vector<arrow::Status> status;  // by index
  std::atomic<int64_t> next{0};       // the next index to claim
  std::atomic<bool> failed{false};
  int workers = 0;  // workers running its iterations (guarded by mutex_)
};

TaskPool::TaskPool(int threads) : threads_(std::max(threads, 1)) {}

TaskPool::~TaskPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

// Claims indices in increasing order until none are left or one failed.
void TaskPool::RunIterations(Loop& loop) {
  in_iteration = true;
  for (int64_t i = loop.next++; i < loop.n && !loop.failed; i = loop.next++) {
    loop.status[i] = (*loop.fn)(i);
    if (!loop.status[i].ok()) loop.failed = true;
  }
  in_iteration = false;
}

arrow::Status TaskPool::ParallelFor(int64_t n, const std::function<arrow::Status(int64_t)>& fn) {
  if (threads_ == 1 || n <= 1 || in_iteration) return RunInline(n, fn);
  std::lock_guard<std::mutex> one_at_a_time(run_mutex_);
  while (static_cast<int>(workers_.size()) < threads_ - 1) workers_.emplace_back([this] { Work(); });
  Loop loop{n, &fn, std::vector<arrow::Status>(static_cast<size_t>(n))};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    loop_ = &loop;
    ++posted_;
  }
  wake_.notify_all();
  RunIterations(loop);
  {
    std::unique_lock<std::mutex> lock(mutex_);
    loop_ = nullptr;  // no worker joins from now on
    done_.wait(lock, [&] { return loop.workers == 0; });
  }
  for (const auto& status : loop.status) ARROW_RETURN_NOT_OK(status);
  return arrow::Status::OK();
}

void TaskPool::Work() {
  uint64_t seen = 0;  // the loops this worker has looked at
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || posted_ != seen; });
    if (stopping_) return;
    seen = posted_;
    Loop* loop = loop_;
    if (loop == nullptr) continue;  // finished before this worker woke
    ++loop->workers;
    lock.unlock();
    RunIterations(*loop);
    lock.lock();
    if (--loop->workers == 0) done_.notify_all();
  }
}

}  // namespace spate
