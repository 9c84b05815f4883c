#include "spate/exec/partitioned_rows.h"

#include <bit>

#include "spate/exec/streaming_context.h"

namespace spate {

std::vector<std::vector<uint32_t>> RowsByPartition(const StatefulOperatorState& op, const KeyedRows& rows) {
  std::vector<std::vector<uint32_t>> out(static_cast<size_t>(op.num_partitions()));
  const size_t n = rows.hashes.size();
  if (op.num_partitions() == 1) {
    out[0].resize(n);
    for (uint32_t i = 0; i < n; ++i) out[0][i] = i;
    return out;
  }
  for (auto& part : out) part.reserve(n / out.size() + n / 16 + 16);
  for (uint32_t i = 0; i < n; ++i) out[op.PartitionOfHash(rows.hashes[i])].push_back(i);
  return out;
}

// An open-addressing table of group ids (slot value id + 1; 0: empty) at
// most half full. The slot comes from the high bits of the hash times a
// constant: the low bits of a partition's hashes are alike (they chose it).
KeyGroups GroupByKey(const KeyedRows& keyed, const std::vector<uint32_t>& rows) {
  KeyGroups out;
  out.ids.resize(rows.size());
  const int bits = std::bit_width(rows.size() * 2 | 1);
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  std::vector<uint32_t> slots(mask + 1, 0);
  for (size_t r = 0; r < rows.size(); ++r) {
    const uint32_t row = rows[r];
    const uint64_t hash = keyed.hashes[row];
    uint64_t s = (hash * 0x9E3779B97F4A7C15ULL) >> (64 - bits);
    while (true) {
      const uint32_t slot = slots[s];
      if (slot == 0) {
        slots[s] = static_cast<uint32_t>(out.first_rows.size()) + 1;
        out.ids[r] = static_cast<uint32_t>(out.first_rows.size());
        out.first_rows.push_back(row);
        break;
      }
      const uint32_t first = out.first_rows[slot - 1];
      if (keyed.hashes[first] == hash && keyed.keys[first] == keyed.keys[row]) {
        out.ids[r] = slot - 1;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  return out;
}

}  // namespace spate
