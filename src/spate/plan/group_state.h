#pragma once

// The older arbitrary stateful API, Spark's flatMapGroupsWithState and
// mapGroupsWithState: a function called once per grouping key of a
// micro-batch with the key's rows and the key's GroupState (one value of a
// state schema, and a timeout), and once per key whose timeout passed. The
// API is GroupedData::FlatMapGroupsWithState / MapGroupsWithState; it runs on
// the transformWithState operator (exec/flat_map_groups_with_state.h).
//
// Keys, rows and state values are Arrow record batches: a key is one row of
// the grouping columns, a state value one row of the state schema.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <arrow/result.h>
#include <arrow/status.h>
#include <arrow/type_fwd.h>

namespace spate {

/// Spark's GroupStateTimeout: what times a key out.
enum class GroupStateTimeout { kNoTimeout, kProcessingTimeTimeout, kEventTimeTimeout };
/// "NoTimeout", "ProcessingTimeTimeout", "EventTimeTimeout" (or Spark's
/// "no_timeout" forms), case-insensitive.
arrow::Result<GroupStateTimeout> ParseGroupStateTimeout(const std::string& text);

/// The state of one key during one call of the function (Spark's GroupState).
class GroupState {
 public:
  static constexpr int64_t kNoTimestamp = -1;

  /// `value`: the stored value (one row), or null. The clocks are the batch's.
  GroupState(std::shared_ptr<arrow::RecordBatch> value, int64_t processing_time_ms, int64_t watermark_ms,
             GroupStateTimeout timeout, bool has_timed_out, bool watermark_present);

  bool Exists() const { return value_ != nullptr; }
  /// The value; an error when there is none.
  arrow::Result<std::shared_ptr<arrow::RecordBatch>> Get() const;
  /// The value, or null.
  std::shared_ptr<arrow::RecordBatch> GetOption() const { return value_; }
  /// Sets the value to the first row of `value` (of the state schema).
  arrow::Status Update(const arrow::RecordBatch& value);
  /// Removes the value (a timeout set in the same call stays).
  void Remove();
  /// Whether this call is for a key that timed out.
  bool HasTimedOut() const { return has_timed_out_; }
  /// Times the key out `duration_ms` after the batch's processing time
  /// (ProcessingTimeTimeout only; positive).
  arrow::Status SetTimeoutDuration(int64_t duration_ms);
  /// Times the key out when the watermark passes `timestamp_ms`
  /// (EventTimeTimeout only; positive, not before the current watermark).
  arrow::Status SetTimeoutTimestamp(int64_t timestamp_ms);
  /// The batch's event-time watermark; an error without a watermark on the input.
  arrow::Result<int64_t> GetCurrentWatermarkMs() const;
  int64_t GetCurrentProcessingTimeMs() const { return processing_time_ms_; }

  // What the operator writes back after the call.
  bool updated() const { return updated_; }
  bool removed() const { return removed_; }
  /// The timeout set in this call, or kNoTimestamp (a call starts without one).
  int64_t timeout_ms() const { return timeout_ms_; }

 private:
  std::shared_ptr<arrow::RecordBatch> value_;
  int64_t processing_time_ms_;
  int64_t watermark_ms_;
  GroupStateTimeout timeout_;
  bool has_timed_out_;
  bool watermark_present_;
  bool updated_ = false;
  bool removed_ = false;
  int64_t timeout_ms_ = kNoTimestamp;
};

/// The user's function: `key` one row of the grouping columns, `rows` the
/// key's rows of the batch (none when the key timed out). It returns rows of
/// the output schema (null: none); for mapGroupsWithState exactly one.
using GroupsWithStateFunction = std::function<arrow::Result<std::shared_ptr<arrow::RecordBatch>>(
    const arrow::RecordBatch& key, const arrow::RecordBatch& rows, GroupState& state)>;

}  // namespace spate
