// Hash aggregation: grouping keys and aggregate inputs are evaluated batch by
// batch, then Arrow's hash aggregate kernels (through an Acero aggregate
// node) compute every aggregate in one pass. Results are shaped to Spark's
// semantics afterwards (collect_list drops NULLs, a global aggregation over
// no rows still returns one row).

#include "spate/exec/aggregate.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/exec/executor.h"
#include "spate/exec/hash_aggregate.h"
#include "spate/exec/session_window.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;

struct KernelChoice {
  std::string function;
  std::shared_ptr<cp::FunctionOptions> options;
  std::shared_ptr<arrow::DataType> input_type;  // cast the argument to this first (null: as is)
};

arrow::Result<KernelChoice> ChooseKernel(const AggregateCall& call) {
  auto skip_nulls = std::make_shared<cp::ScalarAggregateOptions>(/*skip_nulls=*/true, /*min_count=*/1);
  auto only_valid = std::make_shared<cp::CountOptions>(cp::CountOptions::ONLY_VALID);
  const std::string& f = call.function;
  if (f == "count_all") return KernelChoice{"hash_count_all", nullptr, nullptr};
  if (f == "count") return KernelChoice{"hash_count", only_valid, nullptr};
  if (f == "count_distinct" || f == "approx_count_distinct") {
    return KernelChoice{"hash_count_distinct", only_valid, nullptr};
  }
  ARROW_ASSIGN_OR_RAISE(auto result_type, ToArrowType(*call.type));
  if (f == "sum") return KernelChoice{"hash_sum", skip_nulls, result_type};
  if (f == "avg") {
    return KernelChoice{"hash_mean", skip_nulls,
                        call.type->id() == TypeId::kDecimal ? result_type : arrow::float64()};
  }
  if (f == "min") return KernelChoice{"hash_min", skip_nulls, nullptr};
  if (f == "max") return KernelChoice{"hash_max", skip_nulls, nullptr};
  if (f == "first" || f == "last") {
    auto options = std::make_shared<cp::ScalarAggregateOptions>(call.ignore_nulls, /*min_count=*/0);
    return KernelChoice{"hash_" + f, options, nullptr};
  }
  if (f == "collect_list") return KernelChoice{"hash_list", nullptr, nullptr};
  if (f == "collect_set") return KernelChoice{"hash_distinct", only_valid, nullptr};
  if (f == "sum_distinct") return KernelChoice{"hash_distinct", only_valid, result_type};
  if (f == "avg_distinct") {
    return KernelChoice{"hash_distinct", only_valid,
                        call.type->id() == TypeId::kDecimal ? result_type : arrow::float64()};
  }
  return arrow::Status::NotImplemented("aggregate function ", f);
}

// sum(DISTINCT x) / avg(DISTINCT x): the distinct values of each group come
// as a list; reduce each list to its sum or mean (NULL for no values).
arrow::Result<std::shared_ptr<arrow::Array>> ReduceDistinct(const arrow::Array& array, bool mean) {
  const auto& lists = static_cast<const arrow::ListArray&>(array);
  cp::ScalarAggregateOptions options(/*skip_nulls=*/true, /*min_count=*/1);
  arrow::ScalarVector out;
  for (int64_t row = 0; row < lists.length(); ++row) {
    auto values = lists.value_slice(row);
    ARROW_ASSIGN_OR_RAISE(auto reduced, mean ? cp::Mean(values, options) : cp::Sum(values, options));
    out.push_back(reduced.scalar());
  }
  if (out.empty()) return arrow::MakeEmptyArray(lists.value_type());
  std::unique_ptr<arrow::ArrayBuilder> builder;
  ARROW_RETURN_NOT_OK(arrow::MakeBuilder(arrow::default_memory_pool(), out[0]->type, &builder));
  ARROW_RETURN_NOT_OK(builder->AppendScalars(out));
  return builder->Finish();
}

// The row a global aggregation returns for no input: count 0, everything else NULL.
arrow::Result<std::shared_ptr<arrow::Table>> EmptyGlobalResult(const PlanNode& node,
                                                               const std::shared_ptr<arrow::Schema>& schema) {
  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (int i = 0; i < schema->num_fields(); ++i) {
    const std::string& f = node.aggregates[i].function;
    bool is_count = f == "count" || f == "count_all" || f == "count_distinct" ||
                    f == "approx_count_distinct";
    std::shared_ptr<arrow::Array> col;
    if (is_count) {
      ARROW_ASSIGN_OR_RAISE(col, arrow::MakeArrayFromScalar(arrow::Int64Scalar(0), 1));
    } else if (f == "collect_list" || f == "collect_set") {
      ARROW_ASSIGN_OR_RAISE(col, arrow::MakeEmptyArray(
                                     static_cast<const arrow::ListType&>(*schema->field(i)->type()).value_type()));
      ARROW_ASSIGN_OR_RAISE(auto offsets, arrow::MakeArrayFromScalar(arrow::Int32Scalar(0), 2));
      ARROW_ASSIGN_OR_RAISE(col, arrow::ListArray::FromArrays(*offsets, *col));
    } else {
      ARROW_ASSIGN_OR_RAISE(col, arrow::MakeArrayOfNull(schema->field(i)->type(), 1));
    }
    columns.push_back(col);
  }
  return arrow::Table::Make(schema, columns, 1);
}

}  // namespace

// collect_list skips NULL elements, as Spark's does.
arrow::Result<std::shared_ptr<arrow::Array>> DropNullElements(const arrow::Array& array) {
  const auto& lists = static_cast<const arrow::ListArray&>(array);
  arrow::Int32Builder offsets;
  arrow::Int64Builder keep;
  int32_t count = 0;
  ARROW_RETURN_NOT_OK(offsets.Append(0));
  for (int64_t row = 0; row < lists.length(); ++row) {
    for (int64_t k = lists.value_offset(row); k < lists.value_offset(row + 1); ++k) {
      if (lists.values()->IsValid(k)) {
        ARROW_RETURN_NOT_OK(keep.Append(k));
        ++count;
      }
    }
    ARROW_RETURN_NOT_OK(offsets.Append(count));
  }
  ARROW_ASSIGN_OR_RAISE(auto keep_idx, keep.Finish());
  ARROW_ASSIGN_OR_RAISE(auto offset_array, offsets.Finish());
  ARROW_ASSIGN_OR_RAISE(auto values, cp::Take(lists.values(), keep_idx));
  return arrow::ListArray::FromArrays(*offset_array, *values.make_array());
}

arrow::Result<GroupingInput> EvaluateGroupingInput(const PlanNode& node, const arrow::Table& input,
                                                   const EvalContext& ctx) {
  GroupingInput out;
  out.num_rows = input.num_rows();
  std::vector<arrow::ArrayVector> keys(node.exprs.size()), args(node.aggregates.size());
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
      if (node.aggregates[i].args.empty()) continue;
      ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*node.aggregates[i].args[0], *batch, ctx));
      args[i].push_back(std::move(array));
    }
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*node.exprs[i]->type()));
    ARROW_ASSIGN_OR_RAISE(auto chunked, arrow::ChunkedArray::Make(std::move(keys[i]), type));
    out.keys.push_back(std::move(chunked));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (node.aggregates[i].args.empty()) {
      out.args.push_back(nullptr);
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*node.aggregates[i].args[0]->type()));
    ARROW_ASSIGN_OR_RAISE(auto chunked, arrow::ChunkedArray::Make(std::move(args[i]), type));
    out.args.push_back(std::move(chunked));
  }
  return out;
}

arrow::Status MergeSessionKey(const PlanNode& node, GroupingInput* in) {
  if (in->num_rows == 0) return arrow::Status::OK();
  const int s = node.session_window_key;
  arrow::ArrayVector others;
  std::shared_ptr<arrow::Array> sessions;
  for (size_t i = 0; i < in->keys.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto array, arrow::Concatenate(in->keys[i]->chunks()));
    if (static_cast<int>(i) == s) {
      sessions = std::move(array);
    } else {
      others.push_back(std::move(array));
    }
  }
  uint32_t groups = 0;
  ARROW_ASSIGN_OR_RAISE(auto ids, GroupIds(others, in->num_rows, &groups));
  ARROW_ASSIGN_OR_RAISE(auto merged, MergeSessions(*sessions, ids));
  in->keys[s] = std::make_shared<arrow::ChunkedArray>(merged.sessions);
  // Rows in session order (dropping those without a session), as Spark aggregates them.
  auto reorder = [&](std::shared_ptr<arrow::ChunkedArray>& column) -> arrow::Status {
    if (!column) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(auto taken, cp::Take(column, merged.order));
    column = taken.chunked_array();
    return arrow::Status::OK();
  };
  for (auto& k : in->keys) ARROW_RETURN_NOT_OK(reorder(k));
  for (auto& a : in->args) ARROW_RETURN_NOT_OK(reorder(a));
  in->num_rows = merged.order->length();
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::Table>> ExecuteAggregate(const PlanNode& node,
                                                              const arrow::Table& input,
                                                              const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*node.Schema()));
  const bool global = node.exprs.empty();
  if (input.num_rows() == 0) {
    if (global) return EmptyGlobalResult(node, schema);
    return arrow::Table::MakeEmpty(schema);
  }
  ARROW_ASSIGN_OR_RAISE(GroupingInput in, EvaluateGroupingInput(node, input, ctx));
  if (node.session_window_key >= 0) {
    ARROW_RETURN_NOT_OK(MergeSessionKey(node, &in));
    if (in.num_rows == 0) return arrow::Table::MakeEmpty(schema);
  }
  std::vector<std::shared_ptr<arrow::ChunkedArray>> values;
  std::vector<AggregateKernel> kernels;
  for (size_t i = 0; i < node.aggregates.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto k, ChooseKernel(node.aggregates[i]));
    AggregateKernel kernel{k.function, k.options, -1};
    if (in.args[i]) {
      auto arg = in.args[i];
      if (k.input_type && !arg->type()->Equals(*k.input_type)) {
        ARROW_ASSIGN_OR_RAISE(auto cast, cp::Cast(arg, k.input_type, cp::CastOptions::Safe()));
        arg = cast.chunked_array();
      }
      kernel.input = static_cast<int>(values.size());
      values.push_back(std::move(arg));
    }
    kernels.push_back(std::move(kernel));
  }
  ARROW_ASSIGN_OR_RAISE(auto combined, GroupAndAggregate(in.keys, values, in.num_rows, kernels));

  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (size_t i = 0; i < node.exprs.size(); ++i) columns.push_back(combined->column(static_cast<int>(i)));
  for (size_t i = 0; i < node.aggregates.size(); ++i) {
    auto col = combined->column(static_cast<int>(node.exprs.size() + i));
    const std::string& f = node.aggregates[i].function;
    if (f == "collect_list") {
      ARROW_ASSIGN_OR_RAISE(col, DropNullElements(*col));
    } else if (f == "sum_distinct" || f == "avg_distinct") {
      ARROW_ASSIGN_OR_RAISE(col, ReduceDistinct(*col, f == "avg_distinct"));
    }
    columns.push_back(col);
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& want = schema->field(static_cast<int>(i))->type();
    if (!columns[i]->type()->Equals(*want)) {
      ARROW_ASSIGN_OR_RAISE(columns[i], cp::Cast(*columns[i], want, cp::CastOptions::Unsafe()));
    }
  }
  return arrow::Table::Make(schema, columns, combined->num_rows());
}

}  // namespace spate
