#include "spate/exec/session_window.h"

#include <algorithm>
#include <numeric>

#include <arrow/api.h>

namespace spate {

arrow::Result<MergedSessions> MergeSessions(const arrow::Array& sessions, const std::vector<uint32_t>& group_ids) {
  const auto& structs = static_cast<const arrow::StructArray&>(sessions);
  ARROW_ASSIGN_OR_RAISE(auto start_field, structs.GetFlattenedField(0));
  ARROW_ASSIGN_OR_RAISE(auto end_field, structs.GetFlattenedField(1));
  ARROW_ASSIGN_OR_RAISE(auto start_view, start_field->View(arrow::int64()));
  ARROW_ASSIGN_OR_RAISE(auto end_view, end_field->View(arrow::int64()));
  const auto& starts = static_cast<const arrow::Int64Array&>(*start_view);
  const auto& ends = static_cast<const arrow::Int64Array&>(*end_view);
  const int64_t n = sessions.length();

  std::vector<int64_t> rows;
  for (int64_t i = 0; i < n; ++i) {
    if (starts.IsValid(i) && ends.IsValid(i) && ends.Value(i) > starts.Value(i)) rows.push_back(i);
  }
  std::stable_sort(rows.begin(), rows.end(), [&](int64_t a, int64_t b) {
    if (group_ids[a] != group_ids[b]) return group_ids[a] < group_ids[b];
    return starts.Value(a) < starts.Value(b);
  });
  std::vector<int64_t> merged_start(n, 0), merged_end(n, 0);
  std::vector<bool> valid(n, false);
  size_t run = 0;  // first row of the current session in `rows`
  while (run < rows.size()) {
    uint32_t group = group_ids[rows[run]];
    int64_t start = starts.Value(rows[run]);
    int64_t end = ends.Value(rows[run]);
    size_t next = run + 1;
    while (next < rows.size() && group_ids[rows[next]] == group && starts.Value(rows[next]) <= end) {
      end = std::max(end, ends.Value(rows[next]));
      ++next;
    }
    for (size_t k = run; k < next; ++k) {
      merged_start[rows[k]] = start;
      merged_end[rows[k]] = end;
      valid[rows[k]] = true;
    }
    run = next;
  }

  arrow::TimestampBuilder start_b(start_field->type(), arrow::default_memory_pool());
  arrow::TimestampBuilder end_b(end_field->type(), arrow::default_memory_pool());
  for (int64_t i = 0; i < n; ++i) {
    ARROW_RETURN_NOT_OK(valid[i] ? start_b.Append(merged_start[i]) : start_b.AppendNull());
    ARROW_RETURN_NOT_OK(valid[i] ? end_b.Append(merged_end[i]) : end_b.AppendNull());
  }
  std::shared_ptr<arrow::Array> s, e;
  ARROW_RETURN_NOT_OK(start_b.Finish(&s));
  ARROW_RETURN_NOT_OK(end_b.Finish(&e));
  MergedSessions out;
  ARROW_ASSIGN_OR_RAISE(out.sessions,
                        arrow::StructArray::Make({s, e}, structs.struct_type()->fields(), s->null_bitmap(), s->null_count()));
  arrow::Int64Builder order;
  ARROW_RETURN_NOT_OK(order.AppendValues(rows));
  ARROW_ASSIGN_OR_RAISE(out.order, order.Finish());
  return out;
}

}  // namespace spate
