#pragma once

// Session windows as Spark merges them: within one group (the other grouping
// keys), sessions [start, end) are sorted by start, and a session that starts
// at or before the end of the current one joins it and stretches its end.

#include <cstdint>
#include <memory>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

namespace spate {

struct MergedSessions {
  /// Each row's merged session, in the rows' order; null for rows with a null
  /// session or an empty one (end <= start: a gap that is not positive).
  std::shared_ptr<arrow::Array> sessions;
  /// The rows with a session, by group and then session start: the order in
  /// which Spark aggregates them (collect_list follows it).
  std::shared_ptr<arrow::Array> order;
};

/// `sessions` is a struct<start, end> array, `group_ids` each row's group
/// (aggregates/group_ids.h GroupIds).
arrow::Result<MergedSessions> MergeSessions(const arrow::Array& sessions, const std::vector<uint32_t>& group_ids);

}  // namespace spate
