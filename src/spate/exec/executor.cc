#include "spate/exec/executor.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/compute/row/grouper.h>

#include "spate/exec/hash_aggregate.h"
#include "spate/exec/sort_keys.h"
#include "spate/exec/streaming_context.h"
#include "spate/exec/window.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

namespace cp = arrow::compute;

arrow::Result<std::shared_ptr<arrow::Schema>> OutputSchema(const PlanNode& node) {
  return ToArrowSchema(*node.Schema());
}

// Arrays as the output schema wants them (kernels may return a wider or
// view type than the column's Arrow type).
arrow::Result<std::shared_ptr<arrow::Array>> Conform(std::shared_ptr<arrow::Array> array,
                                                     const std::shared_ptr<arrow::DataType>& type) {
  if (array->type()->Equals(*type)) return array;
  return cp::Cast(*array, type, cp::CastOptions::Unsafe());
}

// Appends to `out` the batches of `exprs` evaluated over each batch of `input`.
arrow::Status ProjectBatches(const std::vector<BoundExprPtr>& exprs, const std::shared_ptr<arrow::Schema>& schema,
                             const arrow::Table& input, const EvalContext& ctx,
                             std::vector<std::shared_ptr<arrow::RecordBatch>>* out) {
  arrow::TableBatchReader reader(input);
  std::shared_ptr<arrow::RecordBatch> batch;
  while (true) {
    ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (!batch) break;
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (int i = 0; i < static_cast<int>(exprs.size()); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*exprs[i], *batch, ctx));
      ARROW_ASSIGN_OR_RAISE(array, Conform(std::move(array), schema->field(i)->type()));
      columns.push_back(std::move(array));
    }
    out->push_back(arrow::RecordBatch::Make(schema, batch->num_rows(), std::move(columns)));
  }
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::Table>> EvaluateProject(const PlanNode& node,
                                                             const arrow::Table& input,
                                                             const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto schema, OutputSchema(node));
  std::vector<std::shared_ptr<arrow::RecordBatch>> out;
  ARROW_RETURN_NOT_OK(ProjectBatches(node.exprs, schema, input, ctx, &out));
  return arrow::Table::FromRecordBatches(schema, out);
}

// GROUPING SETS: the input's rows once per grouping set (projection).
arrow::Result<std::shared_ptr<arrow::Table>> EvaluateExpand(const PlanNode& node,
                                                            const arrow::Table& input,
                                                            const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto schema, OutputSchema(node));
  std::vector<std::shared_ptr<arrow::RecordBatch>> out;
  for (const auto& projection : node.projections) {
    ARROW_RETURN_NOT_OK(ProjectBatches(projection, schema, input, ctx, &out));
  }
  return arrow::Table::FromRecordBatches(schema, out);
}

arrow::Result<std::shared_ptr<arrow::Table>> EvaluateFilter(const PlanNode& node,
                                                            const arrow::Table& input,
                                                            const EvalContext& ctx) {
  std::vector<std::shared_ptr<arrow::RecordBatch>> out;
  arrow::TableBatchReader reader(input);
  std::shared_ptr<arrow::RecordBatch> batch;
  while (true) {
    ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (!batch) break;
    ARROW_ASSIGN_OR_RAISE(auto mask, EvaluateToArray(*node.condition, *batch, ctx));
    if (mask->type_id() == arrow::Type::NA) continue;  // WHERE NULL keeps nothing
    ARROW_ASSIGN_OR_RAISE(auto kept, cp::Filter(batch, mask));
    out.push_back(kept.record_batch());
  }
  return arrow::Table::FromRecordBatches(input.schema(), out);
}

arrow::Result<std::shared_ptr<arrow::Table>> EvaluateSort(const PlanNode& node,
                                                          const arrow::Table& input,
                                                          const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto batch, ToSingleBatch(input));
  ArrowSortColumns sort;
  for (size_t i = 0; i < node.sort_keys.size(); ++i) {
    const SortKey& k = node.sort_keys[i];
    ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*k.expr, *batch, ctx));
    ARROW_RETURN_NOT_OK(AppendSortColumn(array, "k" + std::to_string(i), k.ascending, k.nulls_first, &sort));
  }
  auto key_batch = arrow::RecordBatch::Make(arrow::schema(sort.fields), batch->num_rows(), sort.columns);
  ARROW_ASSIGN_OR_RAISE(auto indices, cp::SortIndices(arrow::Datum(key_batch), cp::SortOptions(sort.keys)));
  ARROW_ASSIGN_OR_RAISE(auto sorted, cp::Take(batch, indices));
  return arrow::Table::FromRecordBatches({sorted.record_batch()});
}

// distinct()/dropDuplicates(): the first row of each distinct key. Floating-point
// key columns come out normalized (0.0 for -0.0), as Spark's aggregate gives them.
arrow::Result<std::shared_ptr<arrow::Table>> EvaluateDistinct(const PlanNode& node,
                                                              const arrow::Table& input,
                                                              const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto batch, ToSingleBatch(input));
  if (batch->num_rows() == 0) return arrow::Table::FromRecordBatches({batch});
  std::vector<std::shared_ptr<arrow::Array>> keys;
  for (const auto& e : node.exprs) {
    ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*e, *batch, ctx));
    keys.push_back(std::move(array));
  }
  uint32_t groups = 0;
  ARROW_ASSIGN_OR_RAISE(auto ids, GroupIds(keys, batch->num_rows(), &groups));
  arrow::Int64Builder firsts;
  std::vector<bool> seen(groups, false);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!seen[ids[i]]) {
      ARROW_RETURN_NOT_OK(firsts.Append(static_cast<int64_t>(i)));
      seen[ids[i]] = true;
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto take, firsts.Finish());
  for (const auto& e : node.exprs) {
    if (e->kind() != BoundExpr::Kind::kColumn) continue;
    int index = static_cast<const BoundColumn&>(*e).index();
    ARROW_ASSIGN_OR_RAISE(auto normal, NormalizeFloatingKey(batch->column(index)));
    ARROW_ASSIGN_OR_RAISE(batch, batch->SetColumn(index, batch->schema()->field(index), normal));
  }
  ARROW_ASSIGN_OR_RAISE(auto out, cp::Take(batch, take));
  return arrow::Table::FromRecordBatches({out.record_batch()});
}

arrow::Result<std::shared_ptr<arrow::Table>> EvaluateUnion(
    const PlanNode& node, const std::vector<std::shared_ptr<arrow::Table>>& inputs) {
  ARROW_ASSIGN_OR_RAISE(auto schema, OutputSchema(node));
  std::vector<std::shared_ptr<arrow::ChunkedArray>> columns;
  int64_t num_rows = 0;
  for (const auto& input : inputs) num_rows += input->num_rows();
  for (int i = 0; i < schema->num_fields(); ++i) {
    arrow::ArrayVector chunks;
    for (const auto& input : inputs) {
      for (const auto& c : input->column(i)->chunks()) {
        ARROW_ASSIGN_OR_RAISE(auto conformed, Conform(c, schema->field(i)->type()));
        chunks.push_back(std::move(conformed));
      }
    }
    columns.push_back(std::make_shared<arrow::ChunkedArray>(chunks, schema->field(i)->type()));
  }
  return arrow::Table::Make(schema, columns, num_rows);
}

// explode/posexplode[_outer] of an array or map column.
arrow::Result<std::shared_ptr<arrow::Table>> EvaluateGenerate(const PlanNode& node,
                                                              const arrow::Table& input,
                                                              const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto schema, OutputSchema(node));
  ARROW_ASSIGN_OR_RAISE(auto batch, ToSingleBatch(input));
  ARROW_ASSIGN_OR_RAISE(auto source, EvaluateToArray(*node.exprs[0], *batch, ctx));
  const bool is_map = source->type_id() == arrow::Type::MAP;
  const auto& lists = static_cast<const arrow::ListArray&>(*source);  // a MapArray is a ListArray
  arrow::Int64Builder parents, elements;
  arrow::Int32Builder positions;
  for (int64_t row = 0; row < lists.length(); ++row) {
    int64_t len = lists.IsNull(row) ? 0 : lists.value_length(row);
    if (len == 0 && node.generate_outer) {
      ARROW_RETURN_NOT_OK(parents.Append(row));
      ARROW_RETURN_NOT_OK(elements.AppendNull());
      ARROW_RETURN_NOT_OK(positions.AppendNull());
    }
    for (int64_t k = 0; k < len; ++k) {
      ARROW_RETURN_NOT_OK(parents.Append(row));
      ARROW_RETURN_NOT_OK(elements.Append(lists.value_offset(row) + k));
      ARROW_RETURN_NOT_OK(positions.Append(static_cast<int32_t>(k)));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto parent_idx, parents.Finish());
  ARROW_ASSIGN_OR_RAISE(auto element_idx, elements.Finish());
  ARROW_ASSIGN_OR_RAISE(auto pos, positions.Finish());
  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (int i = 0; i < batch->num_columns(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(batch->column(i), parent_idx));
    columns.push_back(taken.make_array());
  }
  if (node.generate_position) columns.push_back(pos);
  std::shared_ptr<arrow::Array> values = lists.values();
  if (is_map) {
    const auto& entries = static_cast<const arrow::StructArray&>(*values);
    for (int f = 0; f < 2; ++f) {
      ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(entries.field(f), element_idx));
      columns.push_back(taken.make_array());
    }
  } else {
    ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(values, element_idx));
    columns.push_back(taken.make_array());
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(columns[i], Conform(columns[i], schema->field(static_cast<int>(i))->type()));
  }
  return arrow::Table::Make(schema, columns, parent_idx->length());
}

// withWatermark in a streaming query: the event times of the batch's rows
// (a window struct counts by its end), for the next batch's watermark.
arrow::Status RecordEventTimes(const PlanNode& node, const arrow::Table& input, const EvalContext& ctx) {
  EventTimeStats& stats = ctx.streaming->event_times[&node];
  ARROW_ASSIGN_OR_RAISE(auto batch, ToSingleBatch(input));
  ARROW_ASSIGN_OR_RAISE(auto times, EvaluateToArray(*node.exprs[0], *batch, ctx));
  ARROW_ASSIGN_OR_RAISE(auto micros, EventTimeMicros(times));
  const arrow::Int64Array& values = *micros;
  for (int64_t i = 0; i < values.length(); ++i) {
    if (values.IsValid(i)) stats.Add(FloorDiv(values.Value(i), 1000));
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::RecordBatch>> ToSingleBatch(const arrow::Table& table) {
  ARROW_ASSIGN_OR_RAISE(auto combined, table.CombineChunksToBatch());
  return combined;
}

arrow::Result<std::shared_ptr<arrow::Table>> ExecutePlan(const PlanNode& plan, const EvalContext& ctx) {
  EnsureComputeInitialized();
  if (PlanPtr pushed = WithScanPushdown(plan)) return ExecutePlan(*pushed, ctx);
  std::vector<std::shared_ptr<arrow::Table>> inputs;
  for (const auto& child : plan.children) {
    ARROW_ASSIGN_OR_RAISE(auto t, ExecutePlan(*child, ctx));
    inputs.push_back(std::move(t));
  }
  switch (plan.kind) {
    case PlanNode::Kind::kScan: {
      ARROW_ASSIGN_OR_RAISE(auto schema, OutputSchema(plan));
      std::shared_ptr<arrow::Table> table;
      {
        std::lock_guard<std::mutex> lock(plan.source->mutex);
        if (!plan.source->table && plan.source->cached_plan) {
          ARROW_ASSIGN_OR_RAISE(plan.source->table, ExecutePlan(*plan.source->cached_plan, ctx));
        }
        table = plan.source->table;
        if (!table && plan.source->reader) {
          ARROW_ASSIGN_OR_RAISE(table, plan.source->reader(plan.source->request));
        }
      }
      // Same columns, the plan's names and types (a source may hand over wider types).
      std::vector<std::shared_ptr<arrow::ChunkedArray>> columns;
      for (int i = 0; i < schema->num_fields(); ++i) {
        auto col = table->column(i);
        if (!col->type()->Equals(*schema->field(i)->type())) {
          ARROW_ASSIGN_OR_RAISE(auto cast, cp::Cast(col, schema->field(i)->type(), cp::CastOptions::Unsafe()));
          col = cast.chunked_array();
        }
        columns.push_back(col);
      }
      return arrow::Table::Make(schema, columns, table->num_rows());
    }
    case PlanNode::Kind::kWatermark:
      if (ctx.streaming) ARROW_RETURN_NOT_OK(RecordEventTimes(plan, *inputs[0], ctx));
      return inputs[0];
    case PlanNode::Kind::kProject: return EvaluateProject(plan, *inputs[0], ctx);
    case PlanNode::Kind::kFilter: return EvaluateFilter(plan, *inputs[0], ctx);
    case PlanNode::Kind::kAggregate:
      if (ctx.streaming && IsStreamingPlan(plan)) return ExecuteStreamingAggregate(plan, *inputs[0], ctx);
      return ExecuteAggregate(plan, *inputs[0], ctx);
    case PlanNode::Kind::kJoin: return ExecuteJoin(plan, *inputs[0], *inputs[1], ctx);
    case PlanNode::Kind::kUnion: return EvaluateUnion(plan, inputs);
    case PlanNode::Kind::kIntersect:
    case PlanNode::Kind::kExcept: return ExecuteSetOperation(plan, *inputs[0], *inputs[1]);
    case PlanNode::Kind::kDistinct:
      if (ctx.streaming && IsStreamingPlan(plan)) return ExecuteStreamingDeduplicate(plan, *inputs[0], ctx);
      return EvaluateDistinct(plan, *inputs[0], ctx);
    case PlanNode::Kind::kSort: return EvaluateSort(plan, *inputs[0], ctx);
    case PlanNode::Kind::kLimit: {
      int64_t start = std::min(plan.offset, inputs[0]->num_rows());
      return inputs[0]->Slice(start, std::min(plan.limit, inputs[0]->num_rows() - start));
    }
    case PlanNode::Kind::kGenerate: return EvaluateGenerate(plan, *inputs[0], ctx);
    case PlanNode::Kind::kWindow: return ExecuteWindow(plan, *inputs[0], ctx);
    case PlanNode::Kind::kExpand: return EvaluateExpand(plan, *inputs[0], ctx);
  }
  return arrow::Status::NotImplemented("plan node");
}

}  // namespace spate
