#include "spate/streaming/query_manager.h"

#include <chrono>

#include <fmt/format.h>

#include "spate/common/error.h"

namespace spate {

namespace {
constexpr size_t kStartedQueriesKept = 100;
}  // namespace

std::vector<std::shared_ptr<StreamingQuery>> QueryManager::active() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<StreamingQuery>> out;
  for (const auto& [id, q] : active_) {
    if (auto query = q.lock()) out.push_back(query);
  }
  return out;
}

std::shared_ptr<StreamingQuery> QueryManager::get(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [qid, q] : active_) {
    if (qid == id) return q.lock();
  }
  return nullptr;
}

arrow::Status QueryManager::awaitAnyTermination() {
  std::unique_lock<std::mutex> lock(mutex_);
  terminated_cv_.wait(lock, [&] { return any_terminated_; });
  return last_error_.value_or(arrow::Status::OK());
}

arrow::Result<bool> QueryManager::awaitAnyTermination(double timeout_seconds) {
  std::unique_lock<std::mutex> lock(mutex_);
  bool done = terminated_cv_.wait_for(lock, std::chrono::duration<double>(timeout_seconds),
                                      [&] { return any_terminated_; });
  if (done && last_error_) return *last_error_;
  return done;
}

void QueryManager::resetTerminated() {
  std::lock_guard<std::mutex> lock(mutex_);
  any_terminated_ = false;
  last_error_.reset();
}

arrow::Status QueryManager::Register(const std::string& id, std::shared_ptr<StreamingQuery> query) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [qid, q] : active_) {
    if (qid == id && !q.expired()) {
      return LegacyAnalysisError(fmt::format(
          "Cannot start query with id {} as another query with same id is already active. "
          "Perhaps you are attempting to restart a query from checkpoint that is already active.",
          id));
    }
  }
  active_.emplace_back(id, query);
  auto now = std::chrono::system_clock::now().time_since_epoch();
  started_.emplace_back(query, std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  if (started_.size() > kStartedQueriesKept) started_.pop_front();
  return arrow::Status::OK();
}

std::vector<StartedQuery> QueryManager::started() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<StartedQuery> out;
  for (const auto& [weak, started_ms] : started_) {
    if (auto query = weak.lock()) out.push_back({std::move(query), started_ms});
  }
  return out;
}

void QueryManager::NotifyTerminated(const std::string& id, const std::optional<arrow::Status>& error) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase_if(active_, [&](const auto& entry) { return entry.first == id || entry.second.expired(); });
    any_terminated_ = true;
    if (error) last_error_ = error;
  }
  terminated_cv_.notify_all();
}

}  // namespace spate
