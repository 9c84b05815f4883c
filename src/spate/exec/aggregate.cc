// Hash aggregation: grouping keys and aggregate inputs are evaluated batch by
// batch, then Arrow's hash aggregate kernels (through an Acero aggregate
// node) compute every aggregate in one pass. Results are shaped to Spark's
// semantics afterwards (collect_list drops NULLs, a global aggregation over
// no rows still returns one row).

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/options.h>
#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/exec/executor.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

namespace cp = arrow::compute;
namespace ac = arrow::acero;

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

// Evaluates the grouping keys (g0..) and the aggregate arguments (a0..) into one table.
arrow::Result<std::shared_ptr<arrow::Table>> KeysAndArguments(const PlanNode& node,
                                                              const arrow::Table& input,
                                                              const std::vector<KernelChoice>& kernels,
                                                              const EvalContext& ctx) {
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  std::shared_ptr<arrow::Schema> schema;
  arrow::TableBatchReader reader(input);
  std::shared_ptr<arrow::RecordBatch> batch;
  while (true) {
    ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (!batch) break;
    arrow::FieldVector fields;
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (size_t i = 0; i < node.exprs.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*node.exprs[i], *batch, ctx));
      std::string name = "g" + std::to_string(i);
      if (array->type_id() == arrow::Type::STRUCT) {
        // Arrow's hash table takes no struct keys: group by each field and
        // the struct's validity instead (window structs, struct(...) keys).
        const auto& st = static_cast<const arrow::StructArray&>(*array);
        for (int f = 0; f < st.num_fields(); ++f) {
          ARROW_ASSIGN_OR_RAISE(auto field, st.GetFlattenedField(f));
          fields.push_back(arrow::field(name + "." + std::to_string(f), field->type()));
          columns.push_back(std::move(field));
        }
        ARROW_ASSIGN_OR_RAISE(auto valid, cp::CallFunction("is_valid", {array}));
        fields.push_back(arrow::field(name + ".valid", arrow::boolean()));
        columns.push_back(valid.make_array());
        continue;
      }
      fields.push_back(arrow::field(name, array->type()));
      columns.push_back(std::move(array));
    }
    if (node.exprs.empty()) {  // a global aggregation groups everything under one key
      ARROW_ASSIGN_OR_RAISE(auto zeros, arrow::MakeArrayFromScalar(arrow::Int8Scalar(0), batch->num_rows()));
      fields.push_back(arrow::field("g", arrow::int8()));
      columns.push_back(zeros);
    }
    for (size_t i = 0; i < node.aggregates.size(); ++i) {
      const AggregateCall& call = node.aggregates[i];
      if (call.args.empty()) continue;
      ARROW_ASSIGN_OR_RAISE(auto array, EvaluateToArray(*call.args[0], *batch, ctx));
      if (kernels[i].input_type && !array->type()->Equals(*kernels[i].input_type)) {
        ARROW_ASSIGN_OR_RAISE(array, cp::Cast(*array, kernels[i].input_type, cp::CastOptions::Safe()));
      }
      fields.push_back(arrow::field("a" + std::to_string(i), array->type()));
      columns.push_back(std::move(array));
    }
    schema = arrow::schema(fields);
    batches.push_back(arrow::RecordBatch::Make(schema, batch->num_rows(), std::move(columns)));
  }
  if (batches.empty()) return nullptr;
  return arrow::Table::FromRecordBatches(schema, batches);
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

arrow::Result<std::shared_ptr<arrow::Table>> ExecuteAggregate(const PlanNode& node,
                                                              const arrow::Table& input,
                                                              const EvalContext& ctx) {
  ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*node.Schema()));
  std::vector<KernelChoice> kernels;
  for (const auto& call : node.aggregates) {
    ARROW_ASSIGN_OR_RAISE(auto k, ChooseKernel(call));
    kernels.push_back(std::move(k));
  }
  const bool global = node.exprs.empty();
  ARROW_ASSIGN_OR_RAISE(auto work, KeysAndArguments(node, input, kernels, ctx));
  if (!work || work->num_rows() == 0) {
    if (global) return EmptyGlobalResult(node, schema);
    return arrow::Table::MakeEmpty(schema);
  }

  std::vector<cp::Aggregate> aggregates;
  for (size_t i = 0; i < node.aggregates.size(); ++i) {
    std::vector<arrow::FieldRef> target;
    if (!node.aggregates[i].args.empty()) target.emplace_back("a" + std::to_string(i));
    aggregates.emplace_back(kernels[i].function, kernels[i].options, target, "r" + std::to_string(i));
  }
  std::vector<arrow::FieldRef> keys;
  for (const auto& field : work->schema()->fields()) {
    if (field->name()[0] == 'g') keys.emplace_back(field->name());
  }

  ac::Declaration plan = ac::Declaration::Sequence({
      {"table_source", ac::TableSourceNodeOptions(work)},
      {"aggregate", ac::AggregateNodeOptions(std::move(aggregates), std::move(keys))},
  });
  ARROW_ASSIGN_OR_RAISE(auto result, ac::DeclarationToTable(std::move(plan), /*use_threads=*/false));
  ARROW_ASSIGN_OR_RAISE(auto combined, result->CombineChunksToBatch());

  std::vector<std::shared_ptr<arrow::Array>> columns;
  for (size_t i = 0; i < node.exprs.size(); ++i) {
    std::string name = "g" + std::to_string(i);
    const auto& type = schema->field(static_cast<int>(i))->type();
    if (type->id() != arrow::Type::STRUCT) {
      columns.push_back(combined->GetColumnByName(name));
      continue;
    }
    // Reassemble a struct key from its fields and validity.
    arrow::ArrayVector children;
    for (int f = 0; f < type->num_fields(); ++f) {
      children.push_back(combined->GetColumnByName(name + "." + std::to_string(f)));
    }
    const auto& valid = static_cast<const arrow::BooleanArray&>(*combined->GetColumnByName(name + ".valid"));
    int64_t nulls = valid.length() - valid.true_count();
    std::shared_ptr<arrow::Buffer> bits = nulls > 0 ? valid.values() : nullptr;
    ARROW_ASSIGN_OR_RAISE(auto st, arrow::StructArray::Make(children, type->fields(), bits, nulls, valid.offset()));
    columns.push_back(st);
  }
  for (size_t i = 0; i < node.aggregates.size(); ++i) {
    auto col = combined->GetColumnByName("r" + std::to_string(i));
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
