// GroupState: the state of one key during one call of a
// flatMapGroupsWithState function, with Spark's GroupStateImpl checks.

#include "spate/plan/group_state.h"

#include <arrow/record_batch.h>
#include <fmt/format.h>

#include "spate/common/strings.h"

namespace spate {

arrow::Result<GroupStateTimeout> ParseGroupStateTimeout(const std::string& text) {
  const std::string conf = AsciiLower(text);
  if (conf == "notimeout" || conf == "no_timeout") return GroupStateTimeout::kNoTimeout;
  if (conf == "processingtimetimeout" || conf == "processing_time_timeout") {
    return GroupStateTimeout::kProcessingTimeTimeout;
  }
  if (conf == "eventtimetimeout" || conf == "event_time_timeout") return GroupStateTimeout::kEventTimeTimeout;
  return arrow::Status::Invalid("Invalid string for GroupStateTimeout: ", text);
}

GroupState::GroupState(std::shared_ptr<arrow::RecordBatch> value, int64_t processing_time_ms, int64_t watermark_ms,
                       GroupStateTimeout timeout, bool has_timed_out, bool watermark_present)
    : value_(std::move(value)),
      processing_time_ms_(processing_time_ms),
      watermark_ms_(watermark_ms),
      timeout_(timeout),
      has_timed_out_(has_timed_out),
      watermark_present_(watermark_present) {}

arrow::Result<std::shared_ptr<arrow::RecordBatch>> GroupState::Get() const {
  if (!value_) return arrow::Status::KeyError("State is either not defined or has already been removed");
  return value_;
}

arrow::Status GroupState::Update(const arrow::RecordBatch& value) {
  if (value.num_rows() == 0) return arrow::Status::Invalid("'null' is not a valid state value");
  value_ = value.Slice(0, 1);
  updated_ = true;
  removed_ = false;
  return arrow::Status::OK();
}

void GroupState::Remove() {
  value_ = nullptr;
  updated_ = false;
  removed_ = true;
}

arrow::Status GroupState::SetTimeoutDuration(int64_t duration_ms) {
  if (timeout_ != GroupStateTimeout::kProcessingTimeTimeout) {
    return arrow::Status::NotImplemented(
        "Cannot set timeout duration without enabling processing time timeout in [map|flatMap]GroupsWithState");
  }
  if (duration_ms <= 0) return arrow::Status::Invalid("Timeout duration must be positive");
  timeout_ms_ = processing_time_ms_ + duration_ms;
  return arrow::Status::OK();
}

arrow::Status GroupState::SetTimeoutTimestamp(int64_t timestamp_ms) {
  if (timeout_ != GroupStateTimeout::kEventTimeTimeout) {
    return arrow::Status::NotImplemented(
        "Cannot set timeout timestamp without enabling event time timeout in [map|flatMap]GroupsWithState");
  }
  if (timestamp_ms <= 0) return arrow::Status::Invalid("Timeout timestamp must be positive");
  if (watermark_ms_ != kNoTimestamp && timestamp_ms < watermark_ms_) {
    return arrow::Status::Invalid(fmt::format(
        "Timeout timestamp ({}) cannot be earlier than the current watermark ({})", timestamp_ms, watermark_ms_));
  }
  timeout_ms_ = timestamp_ms;
  return arrow::Status::OK();
}

arrow::Result<int64_t> GroupState::GetCurrentWatermarkMs() const {
  if (!watermark_present_) {
    return arrow::Status::NotImplemented(
        "Cannot get event time watermark timestamp without setting watermark before [map|flatMap]GroupsWithState");
  }
  return watermark_ms_;
}

}  // namespace spate
