#include "spate/exec/hash_aggregate.h"

#include <arrow/acero/exec_plan.h>
#include <arrow/acero/options.h>
#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/compute/row/grouper.h>

namespace spate {

namespace {

namespace cp = arrow::compute;
namespace ac = arrow::acero;

// A key column as the hash table can take it: a struct becomes its fields
// (with the struct's nulls) and a validity column.
arrow::Status AppendFlatKey(const std::shared_ptr<arrow::ChunkedArray>& key, const std::string& name,
                            arrow::FieldVector* fields, arrow::ChunkedArrayVector* columns) {
  if (key->type()->id() != arrow::Type::STRUCT) {
    fields->push_back(arrow::field(name, key->type()));
    columns->push_back(key);
    return arrow::Status::OK();
  }
  ARROW_ASSIGN_OR_RAISE(auto flattened, key->Flatten());
  for (size_t f = 0; f < flattened.size(); ++f) {
    fields->push_back(arrow::field(name + "." + std::to_string(f), flattened[f]->type()));
    columns->push_back(flattened[f]);
  }
  ARROW_ASSIGN_OR_RAISE(auto valid, cp::CallFunction("is_valid", {key}));
  fields->push_back(arrow::field(name + ".valid", arrow::boolean()));
  columns->push_back(valid.chunked_array());
  return arrow::Status::OK();
}

// The inverse of AppendFlatKey over the aggregate's output.
arrow::Result<std::shared_ptr<arrow::Array>> RebuildKey(const arrow::RecordBatch& result, const std::string& name,
                                                        const std::shared_ptr<arrow::DataType>& type) {
  if (type->id() != arrow::Type::STRUCT) return result.GetColumnByName(name);
  arrow::ArrayVector children;
  for (int f = 0; f < type->num_fields(); ++f) {
    children.push_back(result.GetColumnByName(name + "." + std::to_string(f)));
  }
  const auto& valid = static_cast<const arrow::BooleanArray&>(*result.GetColumnByName(name + ".valid"));
  int64_t nulls = valid.length() - valid.true_count();
  std::shared_ptr<arrow::Buffer> bits = nulls > 0 ? valid.values() : nullptr;
  return arrow::StructArray::Make(children, type->fields(), bits, nulls, valid.offset());
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::RecordBatch>> GroupAndAggregate(
    const std::vector<std::shared_ptr<arrow::ChunkedArray>>& keys,
    const std::vector<std::shared_ptr<arrow::ChunkedArray>>& values, int64_t num_rows,
    const std::vector<AggregateKernel>& kernels) {
  arrow::FieldVector fields;
  arrow::ChunkedArrayVector columns;
  std::vector<arrow::FieldRef> key_refs;
  for (size_t i = 0; i < keys.size(); ++i) {
    size_t first = fields.size();
    ARROW_RETURN_NOT_OK(AppendFlatKey(keys[i], "g" + std::to_string(i), &fields, &columns));
    for (size_t f = first; f < fields.size(); ++f) key_refs.emplace_back(fields[f]->name());
  }
  if (keys.empty()) {  // one group: a constant key
    ARROW_ASSIGN_OR_RAISE(auto zeros, arrow::MakeArrayFromScalar(arrow::Int8Scalar(0), num_rows));
    fields.push_back(arrow::field("g", arrow::int8()));
    columns.push_back(std::make_shared<arrow::ChunkedArray>(zeros));
    key_refs.emplace_back("g");
  }
  for (size_t i = 0; i < values.size(); ++i) {
    fields.push_back(arrow::field("a" + std::to_string(i), values[i]->type()));
    columns.push_back(values[i]);
  }
  auto work = arrow::Table::Make(arrow::schema(fields), columns, num_rows);
  std::vector<cp::Aggregate> aggregates;
  for (size_t k = 0; k < kernels.size(); ++k) {
    std::vector<arrow::FieldRef> target;
    if (kernels[k].input >= 0) target.emplace_back("a" + std::to_string(kernels[k].input));
    aggregates.emplace_back(kernels[k].function, kernels[k].options, target, "r" + std::to_string(k));
  }
  ac::Declaration plan = ac::Declaration::Sequence({
      {"table_source", ac::TableSourceNodeOptions(work)},
      {"aggregate", ac::AggregateNodeOptions(std::move(aggregates), std::move(key_refs))},
  });
  ARROW_ASSIGN_OR_RAISE(auto result, ac::DeclarationToTable(std::move(plan), /*use_threads=*/false));
  ARROW_ASSIGN_OR_RAISE(auto combined, result->CombineChunksToBatch());

  arrow::FieldVector out_fields;
  arrow::ArrayVector out_columns;
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string name = "g" + std::to_string(i);
    ARROW_ASSIGN_OR_RAISE(auto key, RebuildKey(*combined, name, keys[i]->type()));
    out_fields.push_back(arrow::field(name, keys[i]->type()));
    out_columns.push_back(std::move(key));
  }
  for (size_t k = 0; k < kernels.size(); ++k) {
    auto col = combined->GetColumnByName("r" + std::to_string(k));
    out_fields.push_back(arrow::field("r" + std::to_string(k), col->type()));
    out_columns.push_back(std::move(col));
  }
  return arrow::RecordBatch::Make(arrow::schema(out_fields), combined->num_rows(), std::move(out_columns));
}

arrow::Result<std::vector<uint32_t>> GroupIds(const std::vector<std::shared_ptr<arrow::Array>>& keys,
                                              int64_t num_rows, uint32_t* num_groups) {
  if (keys.empty() || num_rows == 0) {
    *num_groups = num_rows > 0 ? 1 : 0;
    return std::vector<uint32_t>(num_rows, 0);
  }
  arrow::FieldVector fields;
  arrow::ChunkedArrayVector columns;
  for (size_t i = 0; i < keys.size(); ++i) {
    ARROW_RETURN_NOT_OK(AppendFlatKey(std::make_shared<arrow::ChunkedArray>(keys[i]), "g" + std::to_string(i),
                                      &fields, &columns));
  }
  std::vector<arrow::Datum> flat;
  std::vector<arrow::TypeHolder> types;
  for (const auto& c : columns) {
    ARROW_ASSIGN_OR_RAISE(auto array, arrow::Concatenate(c->chunks()));
    types.emplace_back(array->type());
    flat.emplace_back(std::move(array));
  }
  ARROW_ASSIGN_OR_RAISE(auto grouper, cp::Grouper::Make(types));
  cp::ExecBatch batch(flat, num_rows);
  ARROW_ASSIGN_OR_RAISE(auto ids_datum, grouper->Consume(cp::ExecSpan(batch)));
  auto ids = std::static_pointer_cast<arrow::UInt32Array>(ids_datum.make_array());
  *num_groups = grouper->num_groups();
  return std::vector<uint32_t>(ids->raw_values(), ids->raw_values() + ids->length());
}

}  // namespace spate
