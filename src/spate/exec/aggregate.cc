// Hash aggregation: grouping keys and aggregate arguments are evaluated batch
// by batch, rows get dense group ids from their keys (Arrow's grouper), and
// each aggregate call folds its arguments per group
// (exec/aggregate_functions.h). A global aggregation over no rows still
// returns one row (count 0, NULL for the others).

#include "spate/exec/aggregate.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/aggregates/aggregate_functions.h"
#include "spate/aggregates/group_ids.h"
#include "spate/exec/executor.h"
#include "spate/exec/session_window.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;

arrow::Result<std::shared_ptr<arrow::Array>> Concat(arrow::ArrayVector chunks,
                                                    const std::shared_ptr<arrow::DataType>& type) {
  if (chunks.empty()) return arrow::MakeEmptyArray(type);
  if (chunks.size() == 1) return chunks[0];
  return arrow::Concatenate(chunks);
}

// `call FILTER (WHERE ...)`: rows whose filter is not true go to one extra
// group, whose result is dropped.
arrow::Result<std::shared_ptr<arrow::Array>> FilteredAggregate(const AggregateCall& call, bool ansi,
                                                               const arrow::ArrayVector& args,
                                                               const arrow::Array& filter, const GroupMap& map) {
  const auto& keep = static_cast<const arrow::BooleanArray&>(filter);
  std::vector<uint32_t> groups(map.groups, map.groups + map.num_rows);
  for (int64_t i = 0; i < map.num_rows; ++i) {
    if (!keep.IsValid(i) || !keep.Value(i)) groups[i] = map.num_groups;
  }
  const GroupMap filtered{groups.data(), map.num_rows, map.num_groups + 1};
  ARROW_ASSIGN_OR_RAISE(auto all, AggregateBatch(call, ansi, args, filtered));
  return all->Slice(0, map.num_groups);
}

}  // namespace

arrow::Result<Grouping> GroupRowsByKeys(const std::vector<std::shared_ptr<arrow::Array>>& keys, int64_t num_rows) {
  Grouping out;
  if (keys.empty()) {
    out.ids.assign(num_rows, 0);
    out.num_groups = 1;
    out.first_rows.push_back(num_rows > 0 ? 0 : -1);
    return out;
  }
  ARROW_ASSIGN_OR_RAISE(out.ids, GroupIds(keys, num_rows, &out.num_groups));
  out.first_rows.assign(out.num_groups, -1);
  for (int64_t i = 0; i < num_rows; ++i) {
    if (out.first_rows[out.ids[i]] < 0) out.first_rows[out.ids[i]] = i;
  }
  return out;
}

arrow::Result<std::vector<std::shared_ptr<arrow::Array>>> GroupKeys(
    const std::vector<std::shared_ptr<arrow::Array>>& keys, const Grouping& grouping) {
  arrow::Int64Builder rows;
  ARROW_RETURN_NOT_OK(rows.AppendValues(grouping.first_rows));
  ARROW_ASSIGN_OR_RAISE(auto indices, rows.Finish());
  std::vector<std::shared_ptr<arrow::Array>> out;
  for (const auto& k : keys) {
    ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(*k, *indices));
    out.push_back(std::move(taken));
  }
  return out;
}

arrow::Result<GroupingInput> EvaluateGroupingInput(const PlanNode& node, const arrow::Table& input,
                                                   const EvalContext& ctx) {
  GroupingInput out;
  out.num_rows = input.num_rows();
  std::vector<arrow::ArrayVector> keys(node.exprs.size());
  std::vector<std::vector<arrow::ArrayVector>> args(node.aggregates.size());
  std::vector<arrow::ArrayVector> filters(node.aggregates.size());
  for (size_t i = 0; i < node.aggregates.size(); ++i) args[i].resize(node.aggregates[i].args.size());
  arrow::TableBatchReader reader(input);
  std::shared_ptr<arrow::RecordBatch> batch;
  while (true) {
    ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (!batch) break;
    for (size_t i = 0; i < node.exprs.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*node.exprs[i], *batch, ctx));
      keys[i].push_back(std::move(array));
    }
    for (size_t i = 0; i < node.aggregates.size(); ++i) {
      for (size_t a = 0; a < node.aggregates[i].args.size(); ++a) {
        ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*node.aggregates[i].args[a], *batch, ctx));
        args[i][a].push_back(std::move(array));
      }
      if (const auto& filter = node.aggregates[i].filter) {
        ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*filter, *batch, ctx));
        filters[i].push_back(std::move(array));
      }
    }
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*node.exprs[i]->type()));
    ARROW_ASSIGN_OR_RAISE(auto array, Concat(std::move(keys[i]), type));
    // Spark groups and outputs floating-point keys normalized: 0.0 for -0.0.
    ARROW_ASSIGN_OR_RAISE(array, NormalizeFloatingKey(array));
    out.keys.push_back(std::move(array));
  }
  out.args.resize(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    for (size_t a = 0; a < args[i].size(); ++a) {
      ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*node.aggregates[i].args[a]->type()));
      ARROW_ASSIGN_OR_RAISE(auto array, Concat(std::move(args[i][a]), type));
      out.args[i].push_back(std::move(array));
    }
  }
  out.filters.resize(filters.size());
  for (size_t i = 0; i < filters.size(); ++i) {
    if (node.aggregates[i].filter == nullptr) continue;
    ARROW_ASSIGN_OR_RAISE(out.filters[i], Concat(std::move(filters[i]), arrow::boolean()));
  }
  return out;
}

arrow::Status MergeSessionKey(const PlanNode& node, GroupingInput* in) {
  if (in->num_rows == 0) return arrow::Status::OK();
  const int s = node.session_window_key;
  arrow::ArrayVector others;
  std::shared_ptr<arrow::Array> sessions;
  for (size_t i = 0; i < in->keys.size(); ++i) {
    if (static_cast<int>(i) == s) {
      sessions = in->keys[i];
    } else {
      others.push_back(in->keys[i]);
    }
  }
  uint32_t groups = 0;
  ARROW_ASSIGN_OR_RAISE(auto ids, GroupIds(others, in->num_rows, &groups));
  ARROW_ASSIGN_OR_RAISE(auto merged, MergeSessions(*sessions, ids));
  in->keys[s] = merged.sessions;
  // Rows in session order (dropping those without a session), as Spark aggregates them.
  auto reorder = [&](std::shared_ptr<arrow::Array>& column) -> arrow::Status {
    ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(*column, *merged.order));
    column = std::move(taken);
    return arrow::Status::OK();
  };
  for (auto& k : in->keys) ARROW_RETURN_NOT_OK(reorder(k));
  for (auto& call : in->args) {
    for (auto& a : call) ARROW_RETURN_NOT_OK(reorder(a));
  }
  for (auto& f : in->filters) {
    if (f) ARROW_RETURN_NOT_OK(reorder(f));
  }
  in->num_rows = merged.order->length();
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::Table>> ExecuteAggregate(const PlanNode& node,
                                                              const arrow::Table& input,
                                                              const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*node.Schema()));
  const bool global = node.exprs.empty();
  if (input.num_rows() == 0 && !global) return arrow::Table::MakeEmpty(schema);
  ARROW_ASSIGN_OR_RAISE(GroupingInput in, EvaluateGroupingInput(node, input, ctx));
  if (node.session_window_key >= 0) {
    ARROW_RETURN_NOT_OK(MergeSessionKey(node, &in));
    if (in.num_rows == 0) return arrow::Table::MakeEmpty(schema);
  }
  ARROW_ASSIGN_OR_RAISE(Grouping grouping, GroupRowsByKeys(in.keys, in.num_rows));
  std::vector<std::shared_ptr<arrow::Array>> columns;
  if (!global) {
    ARROW_ASSIGN_OR_RAISE(columns, GroupKeys(in.keys, grouping));
  }
  const GroupMap map{grouping.ids.data(), in.num_rows, grouping.num_groups};
  for (size_t i = 0; i < node.aggregates.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto col, in.filters[i] ? FilteredAggregate(node.aggregates[i], ctx.ansi, in.args[i],
                                                                        *in.filters[i], map)
                                                  : AggregateBatch(node.aggregates[i], ctx.ansi, in.args[i], map));
    columns.push_back(std::move(col));
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& want = schema->field(static_cast<int>(i))->type();
    if (!columns[i]->type()->Equals(*want)) {
      ARROW_ASSIGN_OR_RAISE(columns[i], cp::Cast(*columns[i], want, cp::CastOptions::Unsafe()));
    }
  }
  return arrow::Table::Make(schema, columns, grouping.num_groups);
}

}  // namespace spate
