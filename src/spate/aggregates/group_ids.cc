#include "spate/aggregates/group_ids.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/compute/row/grouper.h>

#include <cmath>
#include <limits>

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

template <typename ArrowType>
std::shared_ptr<arrow::Array> NormalizeFloats(const arrow::Array& array) {
  using CType = typename ArrowType::c_type;
  const auto& in = static_cast<const arrow::NumericArray<ArrowType>&>(array);
  bool changes = false;
  for (int64_t i = 0; i < in.length() && !changes; ++i) {
    CType v = in.Value(i);
    changes = in.IsValid(i) && (std::isnan(v) || (v == 0 && std::signbit(v)));
  }
  if (!changes) return nullptr;
  std::vector<CType> values(in.raw_values(), in.raw_values() + in.length());
  for (CType& v : values) {
    if (std::isnan(v)) v = std::numeric_limits<CType>::quiet_NaN();
    if (v == 0) v = 0;  // -0.0
  }
  auto buffer = arrow::Buffer::FromVector(std::move(values));
  return std::make_shared<arrow::NumericArray<ArrowType>>(in.length(), buffer, in.null_bitmap_data() ? in.data()->buffers[0] : nullptr,
                                                         in.null_count());
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::Array>> NormalizeFloatingKey(const std::shared_ptr<arrow::Array>& key) {
  std::shared_ptr<arrow::Array> out;
  switch (key->type_id()) {
    case arrow::Type::DOUBLE:
      out = NormalizeFloats<arrow::DoubleType>(*key);
      break;
    case arrow::Type::FLOAT:
      out = NormalizeFloats<arrow::FloatType>(*key);
      break;
    case arrow::Type::STRUCT: {
      const auto& s = static_cast<const arrow::StructArray&>(*key);
      arrow::ArrayVector fields;
      bool changed = false;
      for (int f = 0; f < s.num_fields(); ++f) {
        // The field as stored (not flattened): its offset is the struct's.
        auto field = arrow::MakeArray(s.data()->child_data[f]);
        ARROW_ASSIGN_OR_RAISE(auto normal, NormalizeFloatingKey(field));
        changed |= normal != field;
        fields.push_back(std::move(normal));
      }
      if (!changed) return key;
      auto data = s.data()->Copy();
      for (int f = 0; f < s.num_fields(); ++f) data->child_data[f] = fields[f]->data();
      return arrow::MakeArray(data);
    }
    case arrow::Type::LIST: {
      const auto& l = static_cast<const arrow::ListArray&>(*key);
      auto values = arrow::MakeArray(l.data()->child_data[0]);
      ARROW_ASSIGN_OR_RAISE(auto normal, NormalizeFloatingKey(values));
      if (normal == values) return key;
      auto data = l.data()->Copy();
      data->child_data[0] = normal->data();
      return arrow::MakeArray(data);
    }
    default:
      break;
  }
  return out ? out : key;
}

struct BatchGrouping::Impl {
  std::unique_ptr<cp::Grouper> grouper;  // made for the first batch's key types
};

BatchGrouping::BatchGrouping() : impl_(std::make_unique<Impl>()) {}
BatchGrouping::~BatchGrouping() = default;
BatchGrouping::BatchGrouping(BatchGrouping&&) noexcept = default;
BatchGrouping& BatchGrouping::operator=(BatchGrouping&&) noexcept = default;

uint32_t BatchGrouping::num_groups() const { return impl_->grouper ? impl_->grouper->num_groups() : 0; }

arrow::Result<std::vector<uint32_t>> BatchGrouping::Consume(const std::vector<std::shared_ptr<arrow::Array>>& keys,
                                                            int64_t num_rows) {
  arrow::FieldVector fields;
  arrow::ChunkedArrayVector columns;
  for (size_t i = 0; i < keys.size(); ++i) {
    ARROW_ASSIGN_OR_RAISE(auto key, NormalizeFloatingKey(keys[i]));
    ARROW_RETURN_NOT_OK(AppendFlatKey(std::make_shared<arrow::ChunkedArray>(key), "g" + std::to_string(i),
                                      &fields, &columns));
  }
  std::vector<arrow::Datum> flat;
  std::vector<arrow::TypeHolder> types;
  for (const auto& c : columns) {
    // Each key is one array, so each flat column one chunk: grouped as it is,
    // not copied (Concatenate copies even a single chunk).
    std::shared_ptr<arrow::Array> array = c->num_chunks() == 1 ? c->chunk(0) : nullptr;
    if (!array) {
      ARROW_ASSIGN_OR_RAISE(array, arrow::Concatenate(c->chunks()));
    }
    types.emplace_back(array->type());
    flat.emplace_back(std::move(array));
  }
  if (!impl_->grouper) {
    ARROW_ASSIGN_OR_RAISE(impl_->grouper, cp::Grouper::Make(types));
  }
  cp::ExecBatch batch(flat, num_rows);
  ARROW_ASSIGN_OR_RAISE(auto ids_datum, impl_->grouper->Consume(cp::ExecSpan(batch)));
  auto ids = std::static_pointer_cast<arrow::UInt32Array>(ids_datum.make_array());
  return std::vector<uint32_t>(ids->raw_values(), ids->raw_values() + ids->length());
}

arrow::Result<std::vector<uint32_t>> GroupIds(const std::vector<std::shared_ptr<arrow::Array>>& keys,
                                              int64_t num_rows, uint32_t* num_groups) {
  if (keys.empty() || num_rows == 0) {
    *num_groups = num_rows > 0 ? 1 : 0;
    return std::vector<uint32_t>(num_rows, 0);
  }
  BatchGrouping grouping;
  ARROW_ASSIGN_OR_RAISE(auto ids, grouping.Consume(keys, num_rows));
  *num_groups = grouping.num_groups();
  return ids;
}

}  // namespace spate
