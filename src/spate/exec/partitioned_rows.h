#pragma once

// A batch's rows spread over a stateful operator's partitions by their
// encoded state keys, then grouped by key inside each partition. The
// streaming aggregation groups this way (partition first), so that each
// partition groups, aggregates and merges its rows on its own thread.
// Grouping by the encoded key is grouping by value: RowEncoder gives equal
// values equal bytes (floating-point keys normalized, as Spark's are).

#include <cstdint>
#include <string_view>
#include <vector>

namespace spate {

class StatefulOperatorState;

/// Rows by their encoded keys.
struct KeyedRows {
  std::vector<std::string_view> keys;  // per row: its encoded state key
  std::vector<uint64_t> hashes;        // per row: StatefulOperatorState::KeyHash of its key
};

/// Per partition: the rows whose key belongs to it, ascending.
std::vector<std::vector<uint32_t>> RowsByPartition(const StatefulOperatorState& op, const KeyedRows& rows);

/// `rows` grouped by equal keys.
struct KeyGroups {
  std::vector<uint32_t> ids;         // per row of `rows`: its group, 0, 1, ... in order of first appearance
  std::vector<uint32_t> first_rows;  // per group: its first row (a row of the batch)
};
/// Groups `rows` (rows of `keyed`). Safe to call for different rows at once.
KeyGroups GroupByKey(const KeyedRows& keyed, const std::vector<uint32_t>& rows);

}  // namespace spate
