#pragma once

// ConsoleProgress: a query's one-line progress on stderr, only when stderr is
// a terminal and spark.ui.showConsoleProgress is not false: a bar of the
// input an availableNow run has read (when its sources can tell), and a
// status line, refreshed each second, while a batch runs longer than a few
// seconds. The line is rewritten in place and ended when the query ends.
//
// Threading: the query's thread reports; a timer thread of its own refreshes
// the long-batch line.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace spate {

class ConsoleProgress {
 public:
  /// Active only when `enabled` and stderr is a terminal.
  ConsoleProgress(std::string label, bool enabled);
  ~ConsoleProgress();
  ConsoleProgress(const ConsoleProgress&) = delete;
  ConsoleProgress& operator=(const ConsoleProgress&) = delete;

  /// `done` of `total` `unit` ("files", "offsets", ...) read.
  struct Input {
    int64_t done = 0;
    int64_t total = 0;
    std::string unit;
  };

  bool active() const { return active_; }
  void BatchStarted(int64_t batch_id);
  void BatchEnded();
  /// The input read so far, one entry per unit.
  void ShowInput(const std::vector<Input>& input);

  /// The bar: "[query] [=====>    ] 3/10 files", or with several units
  /// "[query] [===>      ] 3/10 files, 20/100 offsets", filled by the mean of
  /// their fractions.
  static std::string Bar(const std::string& label, const std::vector<Input>& input);

 private:
  void Tick();
  void Print(const std::string& line);  // under mutex_

  std::string label_;
  bool active_ = false;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool printed_ = false;
  int64_t batch_id_ = -1;
  std::chrono::steady_clock::time_point batch_start_;
  std::thread timer_;
};

}  // namespace spate
