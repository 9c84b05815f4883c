#pragma once

// spark.streams: the active queries of a session.
//
// Threading: safe from any thread.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/streaming/streaming_query.h"

namespace spate {

class QueryManager {
 public:
  std::vector<std::shared_ptr<StreamingQuery>> active() const;
  std::shared_ptr<StreamingQuery> get(const std::string& id) const;
  /// Waits until any query terminates (since the last resetTerminated);
  /// returns that query's error if it failed.
  arrow::Status awaitAnyTermination();
  arrow::Result<bool> awaitAnyTermination(double timeout_seconds);
  void resetTerminated();

  /// Called by a starting query: refuses a second active run of the same query id.
  arrow::Status Register(const std::string& id, std::shared_ptr<StreamingQuery> query);
  /// Called by a query's thread when it ends.
  void NotifyTerminated(const std::string& id, const std::optional<arrow::Status>& error);

 private:
  mutable std::mutex mutex_;
  std::condition_variable terminated_cv_;
  std::vector<std::pair<std::string, std::weak_ptr<StreamingQuery>>> active_;
  bool any_terminated_ = false;
  std::optional<arrow::Status> last_error_;
};

}  // namespace spate
