#pragma once

// Time to live of transformWithState's state variables, as Spark's TTLState
// (ProcessingTime mode only). A value written with a TTL expires at the
// batch's processing time plus the TTL; it is stored with that expiry as
// one more BIGINT column (ttlExpirationMs) after its own columns, and reads
// hide it once a batch's time reaches the expiry.
//
// Each variable's store also holds a TTL index ordered by expiry (keys of
// state/event_time_index.h: the expiry in ms, then the element's key; empty
// values): one index key per value-state value and per map entry (at its
// expiry), one per list (at its earliest element's expiry). The end of a
// batch removes what expired with one range scan of the index, so its cost
// follows what expires, not what is stored.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/exec/transform_with_state_handle.h"

namespace spate {

class StateStore;
class StateWriteBatch;

/// The error of a TTL Spark refuses: not ProcessingTime mode, or a negative duration.
arrow::Status CheckTTL(const std::string& name, int64_t ttl_ms, TimeMode mode);

/// `value` with the ttlExpirationMs column added: what a variable with a TTL stores per value.
std::shared_ptr<arrow::Schema> WithExpiryColumn(const std::shared_ptr<arrow::Schema>& value);

/// The expiries of one batch: what a write stamps, what a read hides.
class TtlClock {
 public:
  TtlClock(int64_t ttl_ms, int64_t batch_ms) : ttl_ms_(ttl_ms), batch_ms_(batch_ms) {}
  /// The expiry of a value written in this batch.
  int64_t NewExpiry() const;
  /// Spark's StateTTL.isExpired: once the batch's time reaches the expiry.
  bool Expired(int64_t expiry_ms) const { return expiry_ms <= batch_ms_; }
  int64_t batch_ms() const { return batch_ms_; }

 private:
  int64_t ttl_ms_;
  int64_t batch_ms_;
};

/// A stored value: the value's encoding, then its expiry's.
void AppendExpiry(int64_t expiry_ms, std::string* value);
int64_t ExpiryOf(std::string_view stored);
std::string_view WithoutExpiry(std::string_view stored);

/// The elements of a stored list, one stored value each (`stored_schema`: WithExpiryColumn's).
arrow::Result<std::vector<std::string_view>> ListElements(std::string_view stored,
                                                          const std::shared_ptr<arrow::Schema>& stored_schema);

/// Moves the index key of `element_key` from expiry `from` to `to` (either may be absent).
void MoveTtlIndexKey(std::optional<int64_t> from, std::optional<int64_t> to, std::string_view element_key,
                     StateWriteBatch* batch);

/// The state variables with a TTL, over the handle of the batch.
std::unique_ptr<ValueState> MakeValueStateWithTTL(BatchStateHandle& handle, int store, const StateVariable& v,
                                                  const TtlClock& clock);
std::unique_ptr<ListState> MakeListStateWithTTL(BatchStateHandle& handle, int store, const StateVariable& v,
                                                const TtlClock& clock);
std::unique_ptr<MapState> MakeMapStateWithTTL(BatchStateHandle& handle, int store, const StateVariable& v,
                                              const TtlClock& clock);

/// Removes from one store of variable `v` what expired by `clock`'s batch
/// time; the number of values (list elements, map entries) removed.
arrow::Result<int64_t> ClearExpired(StateStore& store, const StateVariable& v, const TtlClock& clock);

}  // namespace spate
