#pragma once

// spark.streams: the active queries of a session.
//
// Threading: safe from any thread.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/streaming/streaming_query.h"

namespace spate {

/// A query started in a session and when (epoch milliseconds).
struct StartedQuery {
  std::shared_ptr<StreamingQuery> query;
  int64_t started_ms = 0;
};

class QueryManager {
 public:
  std::vector<std::shared_ptr<StreamingQuery>> active() const;
  std::shared_ptr<StreamingQuery> get(const std::string& id) const;
  /// Waits until any query terminates (since the last resetTerminated);
  /// returns that query's error if it failed.
  arrow::Status awaitAnyTermination();
  arrow::Result<bool> awaitAnyTermination(double timeout_seconds);
  void resetTerminated();

  /// The queries started in this session (the latest 100, oldest first), active or
  /// finished; a finished one only while something still holds it.
  std::vector<StartedQuery> started() const;

  /// Called by a starting query: refuses a second active run of the same query id.
  arrow::Status Register(const std::string& id, std::shared_ptr<StreamingQuery> query);
  /// Called by a query's thread when it ends.
  void NotifyTerminated(const std::string& id, const std::optional<arrow::Status>& error);

 private:
  mutable std::mutex mutex_;
  std::condition_variable terminated_cv_;
  std::vector<std::pair<std::string, std::weak_ptr<StreamingQuery>>> active_;
  std::deque<std::pair<std::weak_ptr<StreamingQuery>, int64_t>> started_;
  bool any_terminated_ = false;
  std::optional<arrow::Status> last_error_;
};

}  // namespace spate
