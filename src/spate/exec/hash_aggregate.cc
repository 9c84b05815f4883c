#include "spate/exec/hash_aggregate.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/compute/row/grouper.h>

namespace spate {

namespace {

namespace cp = arrow::compute;

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

}  // namespace

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
