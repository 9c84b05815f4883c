// The processor behind flatMapGroupsWithState: per call, the key's stored
// value becomes a GroupState, the function runs, and the state is written
// back with Spark's rule (FlatMapGroupsWithStateExec): a removed state
// without a timeout goes; otherwise the value and the timeout set in the call
// (none when the call set none) are kept. An initial state sets the values
// of its keys before the first batch's calls; each of its keys gets a call.
//
// A timeout of T is the timer T + 1: Spark times a key out when its timeout
// is before (not at) the batch's processing time or watermark, and the
// operator fires timers at or before them.

#include "spate/exec/flat_map_groups_with_state.h"

#include <chrono>

#include <arrow/api.h>

namespace spate {

namespace {

class GroupsWithStateProcessor final : public StatefulProcessor {
 public:
  explicit GroupsWithStateProcessor(std::shared_ptr<const GroupsWithStateSpec> spec) : spec_(std::move(spec)) {}

  arrow::Status Init(StatefulProcessorHandle& handle) override {
    handle_ = &handle;
    ARROW_ASSIGN_OR_RAISE(value_, handle.GetValueState(kGroupStateName, spec_->state));
    return arrow::Status::OK();
  }

  arrow::Result<RecordBatchPtr> HandleInputRows(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                                const TimerValues& timers) override {
    // Only a key of the initial state without rows in the first batch comes without rows.
    if (rows.num_rows() == 0 && spec_->skip_initial_keys_without_rows) return nullptr;
    return Call(key, rows, timers, false);
  }

  // Spark's co-grouping of the initial state: one row per key, its state
  // columns (by name) the key's value before the first batch's call.
  arrow::Status HandleInitialState(const arrow::RecordBatch&, const arrow::RecordBatch& rows,
                                   const TimerValues&) override {
    if (rows.num_rows() > 1) {
      return arrow::Status::Invalid(
          "The initial state provided contained multiple rows(state) with the same key. Make sure to de-duplicate "
          "the initial state before passing it.");
    }
    arrow::ArrayVector columns;
    for (const auto& field : spec_->state->fields()) {
      auto column = rows.GetColumnByName(field->name());
      if (!column || !column->type()->Equals(*field->type())) {
        return arrow::Status::Invalid("the initial state has no column ", field->ToString());
      }
      columns.push_back(std::move(column));
    }
    return value_->Update(*arrow::RecordBatch::Make(spec_->state, rows.num_rows(), std::move(columns)));
  }

  arrow::Result<RecordBatchPtr> HandleExpiredTimer(const arrow::RecordBatch& key, const TimerValues& timers,
                                                   const ExpiredTimerInfo&) override {
    ARROW_ASSIGN_OR_RAISE(auto none, arrow::RecordBatch::MakeEmpty(spec_->input));
    return Call(key, *none, timers, true);
  }

 private:
  arrow::Result<RecordBatchPtr> Call(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                     const TimerValues& timers, bool timed_out) {
    ARROW_ASSIGN_OR_RAISE(auto stored, value_->Get());
    GroupState state(std::move(stored), timers.current_processing_time_ms, timers.current_watermark_ms, spec_->timeout, timed_out,
                     spec_->watermark_present);
    ARROW_ASSIGN_OR_RAISE(auto out, spec_->func(key, rows, state));
    if (spec_->one_row_per_call && (!out || out->num_rows() != 1)) {
      return arrow::Status::Invalid("mapGroupsWithState's function must return exactly one row, not ",
                                    out ? out->num_rows() : 0);
    }
    ARROW_RETURN_NOT_OK(Write(state));
    return out;
  }

  arrow::Status Write(const GroupState& state) {
    if (state.updated()) {
      ARROW_RETURN_NOT_OK(value_->Update(*state.GetOption()));
    } else if (state.removed()) {
      ARROW_RETURN_NOT_OK(value_->Clear());
    }
    if (spec_->timeout == GroupStateTimeout::kNoTimeout) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(auto old, handle_->ListTimers());
    for (int64_t expiry : old) ARROW_RETURN_NOT_OK(handle_->DeleteTimer(expiry));
    if (state.timeout_ms() != GroupState::kNoTimestamp) {
      ARROW_RETURN_NOT_OK(handle_->RegisterTimer(state.timeout_ms() + 1));
    }
    return arrow::Status::OK();
  }

  std::shared_ptr<const GroupsWithStateSpec> spec_;
  StatefulProcessorHandle* handle_ = nullptr;
  ValueState* value_ = nullptr;
};

}  // namespace

TimeMode TimeModeOf(GroupStateTimeout timeout) {
  switch (timeout) {
    case GroupStateTimeout::kProcessingTimeTimeout: return TimeMode::kProcessingTime;
    case GroupStateTimeout::kEventTimeTimeout: return TimeMode::kEventTime;
    case GroupStateTimeout::kNoTimeout: break;
  }
  return TimeMode::kNone;
}

StatefulProcessorFactory GroupsWithStateProcessorFactory(std::shared_ptr<const GroupsWithStateSpec> spec) {
  return [spec]() -> arrow::Result<std::shared_ptr<StatefulProcessor>> {
    return std::make_shared<GroupsWithStateProcessor>(spec);
  };
}

}  // namespace spate
