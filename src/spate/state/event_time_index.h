#pragma once

// The event-time index of a state store: a second key space, next to the
// operator's rows, that orders the rows the watermark will evict by their
// event time, so that eviction reads only what the watermark closed.
//
// An index key is kIndexKeyByte, the row's event time in microseconds as 8
// bytes big-endian with the sign bit flipped (byte order is time order),
// then the row's key; its value is empty. Operators put an index key when
// they add a row and remove it with the row (EvictUpTo does both).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

namespace spate {

class StateStore;
class StateWriteBatch;

/// An index key's bytes before the row key: kIndexKeyByte and the event time.
inline constexpr size_t kIndexTimePrefixBytes = 9;

/// Appends the index key of `row_key` at event time `micros` to `out`.
void AppendIndexKey(int64_t micros, std::string_view row_key, std::string* out);
/// Adds the index key of a row the batch puts for the first time.
void PutIndexKey(int64_t micros, std::string_view row_key, StateWriteBatch* batch);
/// Removes the index key of a row the batch removes.
void RemoveIndexKey(int64_t micros, std::string_view row_key, StateWriteBatch* batch);

/// Whether the store holds any index key. A store written before the index
/// existed holds none: its operator indexes its rows once (see the operators).
arrow::Result<bool> HasIndexKeys(StateStore& store);

/// The rows one eviction removed, in event-time order.
struct EvictedRows {
  std::vector<std::string> keys;
  std::vector<std::string> values;
};

/// Removes the rows whose event time is at or before `up_to_micros`, and
/// their index keys: one range scan of the index, one MultiGet, one write
/// batch. Costs time in proportion to the rows evicted, not to those stored.
/// Appends the removed rows to `out`.
arrow::Status EvictUpTo(StateStore& store, int64_t up_to_micros, EvictedRows* out);

}  // namespace spate
