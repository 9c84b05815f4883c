#include "spate/connectors/iceberg/scan_planning.h"

#include <arrow/api.h>

#include "spate/connectors/iceberg/data_files.h"
#include "spate/connectors/iceberg/manifest.h"

namespace spate::iceberg {

namespace {

// `column op literal` of a filter, with the column as a schema index.
struct Comparison {
  int column = -1;
  std::string op;  // =, <, <=, >, >=
  PartitionValue value;
};

bool IsIntegral(TypeId t) {
  return t == TypeId::kByte || t == TypeId::kShort || t == TypeId::kInt || t == TypeId::kLong;
}

// A column, or a widening cast of an integer column (int -> bigint).
const BoundExpr* Unwrap(const BoundExpr* e) {
  if (e->kind() == BoundExpr::Kind::kFunction && static_cast<const BoundFunction*>(e)->function() == "cast" &&
      e->children().size() == 1 && e->children()[0]->kind() == BoundExpr::Kind::kColumn &&
      IsIntegral(e->type()->id()) && IsIntegral(e->children()[0]->type()->id())) {
    return e->children()[0].get();
  }
  return e;
}

// Whether a literal of this Arrow type compares with the column by value.
bool SameKind(TypeId column, arrow::Type::type literal) {
  if (IsIntegral(column)) {
    return literal == arrow::Type::INT8 || literal == arrow::Type::INT16 || literal == arrow::Type::INT32 ||
           literal == arrow::Type::INT64;
  }
  if (column == TypeId::kDate) return literal == arrow::Type::DATE32;
  if (column == TypeId::kTimestamp || column == TypeId::kTimestampNtz) return literal == arrow::Type::TIMESTAMP;
  if (column == TypeId::kString) return literal == arrow::Type::STRING;
  return false;
}

std::optional<PartitionValue> LiteralValue(const BoundExpr& e) {
  if (e.kind() != BoundExpr::Kind::kLiteral) return std::nullopt;
  const auto& scalar = *static_cast<const BoundLiteral&>(e).value();
  if (!scalar.is_valid) return std::nullopt;
  PartitionValue v;
  v.is_null = false;
  switch (scalar.type->id()) {
    case arrow::Type::INT8: v.i = static_cast<const arrow::Int8Scalar&>(scalar).value; break;
    case arrow::Type::INT16: v.i = static_cast<const arrow::Int16Scalar&>(scalar).value; break;
    case arrow::Type::INT32: v.i = static_cast<const arrow::Int32Scalar&>(scalar).value; break;
    case arrow::Type::INT64: v.i = static_cast<const arrow::Int64Scalar&>(scalar).value; break;
    case arrow::Type::DATE32: v.i = static_cast<const arrow::Date32Scalar&>(scalar).value; break;
    case arrow::Type::TIMESTAMP: v.i = static_cast<const arrow::TimestampScalar&>(scalar).value; break;
    case arrow::Type::STRING: v.s = static_cast<const arrow::StringScalar&>(scalar).ToString(); break;
    default: return std::nullopt;
  }
  return v;
}

std::optional<Comparison> AsComparison(const BoundExpr& filter) {
  if (filter.kind() != BoundExpr::Kind::kFunction || filter.children().size() != 2) return std::nullopt;
  std::string op = static_cast<const BoundFunction&>(filter).function();
  if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") return std::nullopt;
  const BoundExpr* left = Unwrap(filter.children()[0].get());
  const BoundExpr* right = Unwrap(filter.children()[1].get());
  if (left->kind() != BoundExpr::Kind::kColumn) {  // literal op column: flip it
    std::swap(left, right);
    if (op != "=") op = op[0] == '<' ? ">" + op.substr(1) : "<" + op.substr(1);
  }
  if (left->kind() != BoundExpr::Kind::kColumn) return std::nullopt;
  auto value = LiteralValue(*right);
  if (!value || !SameKind(left->type()->id(), static_cast<const BoundLiteral*>(right)->value()->type->id())) {
    return std::nullopt;
  }
  return Comparison{static_cast<const BoundColumn*>(left)->index(), op, *value};
}

int CompareValues(const PartitionValue& a, const PartitionValue& b, bool is_string) {
  if (is_string) return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
  return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
}

// Whether a partition value `p` = transform(column) allows `column op literal`.
// Identity, the time transforms and truncate preserve order (so bounds carry
// over, inclusively); bucket only decides equality.
bool Allows(const PartitionField& field, const PartitionValue& p, const Comparison& c, TypeId source_type) {
  if (p.is_null) return false;  // a null partition holds only nulls, which no comparison matches
  auto transformed = TransformValue(field.transform, c.value, source_type);
  if (!transformed.ok()) return true;
  bool is_string = source_type == TypeId::kString && field.transform != "void" &&
                   (field.transform == "identity" || field.transform.rfind("truncate", 0) == 0);
  int cmp = CompareValues(p, *transformed, is_string);
  bool exact = field.transform == "identity";
  if (field.transform.rfind("bucket", 0) == 0) return c.op != "=" || cmp == 0;
  if (c.op == "=") return cmp == 0;
  if (c.op == "<") return exact ? cmp < 0 : cmp <= 0;
  if (c.op == "<=") return cmp <= 0;
  if (c.op == ">") return exact ? cmp > 0 : cmp >= 0;
  return cmp >= 0;  // >=
}

}  // namespace

bool MayMatch(const TableMetadata& table, const PartitionSpec& spec, const DataFile& file,
              const std::vector<BoundExprPtr>& filters) {
  const IcebergSchema& schema = table.schema();
  for (const auto& filter : filters) {
    auto c = AsComparison(*filter);
    if (!c || c->column < 0 || c->column >= static_cast<int>(schema.fields.size())) continue;
    const IcebergField& column = schema.fields[c->column];
    for (size_t k = 0; k < spec.fields.size() && k < file.partition.size(); ++k) {
      if (spec.fields[k].source_id != column.id) continue;
      if (!Allows(spec.fields[k], file.partition[k], *c, column.type->id())) return false;
    }
  }
  return true;
}

arrow::Result<std::shared_ptr<arrow::Table>> ScanForQuery(const TableMetadata& table, const ScanRequest& request) {
  const Snapshot* snapshot = table.current_snapshot();
  std::vector<ManifestEntry> entries;
  if (snapshot != nullptr) {
    ARROW_ASSIGN_OR_RAISE(entries, LiveEntries(IoOrLocal(table.io), *snapshot));
  }
  // Prune only under one partition spec: every file's values then follow it.
  if (!request.filters.empty() && table.specs.size() == 1) {
    std::vector<ManifestEntry> kept;
    for (auto& e : entries) {
      if (MayMatch(table, table.spec(), e.file, request.filters)) kept.push_back(std::move(e));
    }
    entries = std::move(kept);
  }
  return ReadDataFiles(table, entries, request.columns);
}

}  // namespace spate::iceberg
