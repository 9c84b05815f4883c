#pragma once

// A fixed set of threads that run the iterations of a loop: a query's
// stateful operators run their partitions on it (each partition has its own
// state store, so the iterations are independent).
//
// Threading: ParallelFor may be called from any thread; calls from
// different threads run one loop after the other. A ParallelFor called from
// inside an iteration (of this pool or another) runs inline on the calling
// thread, so a nested loop never waits for threads busy with the outer one.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <arrow/status.h>

namespace spate {

class TaskPool {
 public:
  /// `threads` at once, the caller of ParallelFor included: threads - 1
  /// workers start with the first loop of more than one iteration (a pool
  /// that never gets one starts no thread) and are joined by the destructor.
  /// 1 (or less): no workers, every loop runs inline.
  explicit TaskPool(int threads);
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  int threads() const { return threads_; }

  /// Runs fn(i) for i in [0, n), each once, on the caller's thread and the
  /// workers; returns when they have run, with the failure of the lowest
  /// index (OK when none failed). Once an iteration fails, iterations not
  /// started yet are skipped (those are all above the failed one).
  arrow::Status ParallelFor(int64_t n, const std::function<arrow::Status(int64_t)>& fn);

 private:
  struct Loop;
  void Work();
  static void RunIterations(Loop& loop);

  const int threads_;
  std::mutex run_mutex_;  // one loop at a time; guards workers_ while loops run
  std::mutex mutex_;      // guards the fields below
  std::condition_variable wake_;  // workers: a loop was posted, or stop
  std::condition_variable done_;  // the caller: a worker left the loop
  Loop* loop_ = nullptr;          // the loop workers may join (null: none)
  uint64_t posted_ = 0;           // loops posted so far
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace spate
