#include "spate/connectors/iceberg/schema.h"

#include <charconv>
#include <cstdint>

#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/types/arrow_types.h"
#include "spate/types/json_schema.h"

namespace spate::iceberg {

namespace {

arrow::Status UnsupportedColumn(const std::string& column, const DataType& type) {
  return SparkError("UNSUPPORTED_DATATYPE", "0A000",
                    fmt::format("Iceberg tables support columns of primitive types (boolean, numbers, "
                                "decimal, string, binary, date, timestamp); column `{}` has type {}.",
                                column, type.Sql()));
}

}  // namespace

StructTypePtr IcebergSchema::ToSpark() const {
  std::vector<StructField> out;
  for (const auto& f : fields) {
    out.push_back(StructField{f.name, f.type, !f.required, f.doc.empty() ? "{}" : MetadataWithComment(f.doc)});
  }
  return types::Struct(std::move(out));
}

const IcebergField* IcebergSchema::Find(const std::string& name) const {
  for (const auto& f : fields) {
    if (AsciiLower(f.name) == AsciiLower(name)) return &f;
  }
  return nullptr;
}

const IcebergField* IcebergSchema::FindId(int id) const {
  for (const auto& f : fields) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

arrow::Result<std::shared_ptr<arrow::Schema>> IcebergSchema::ToArrow() const {
  arrow::FieldVector out;
  for (const auto& f : fields) {
    ARROW_ASSIGN_OR_RAISE(auto type, ToArrowType(*f.type));
    auto meta = arrow::key_value_metadata({"PARQUET:field_id"}, {std::to_string(f.id)});
    out.push_back(arrow::field(f.name, type, !f.required, meta));
  }
  return arrow::schema(std::move(out));
}

arrow::Result<IcebergSchema> SchemaFromSpark(const StructType& schema) {
  IcebergSchema out;
  int id = 0;
  for (const auto& f : schema.fields()) {
    DataTypePtr type = f.type;
    if (type->id() == TypeId::kByte || type->id() == TypeId::kShort) type = types::Int();
    ARROW_RETURN_NOT_OK(IcebergTypeName(*type, f.name).status());
    out.fields.push_back(IcebergField{++id, f.name, false, type, f.Comment()});
  }
  return out;
}

arrow::Result<std::string> IcebergTypeName(const DataType& type, const std::string& column) {
  switch (type.id()) {
    case TypeId::kBoolean: return std::string("boolean");
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt: return std::string("int");
    case TypeId::kLong: return std::string("long");
    case TypeId::kFloat: return std::string("float");
    case TypeId::kDouble: return std::string("double");
    case TypeId::kString: return std::string("string");
    case TypeId::kBinary: return std::string("binary");
    case TypeId::kDate: return std::string("date");
    case TypeId::kTimestamp: return std::string("timestamptz");
    case TypeId::kTimestampNtz: return std::string("timestamp");
    case TypeId::kDecimal: {
      const auto& d = static_cast<const DecimalType&>(type);
      return fmt::format("decimal({}, {})", d.precision(), d.scale());
    }
    default: return UnsupportedColumn(column, type);
  }
}

arrow::Result<DataTypePtr> SparkTypeOf(const std::string& t, const std::string& column) {
  if (t == "boolean") return types::Boolean();
  if (t == "int") return types::Int();
  if (t == "long") return types::Long();
  if (t == "float") return types::Float();
  if (t == "double") return types::Double();
  if (t == "string" || t == "uuid") return types::String();
  if (t == "binary" || t.starts_with("fixed")) return types::Binary();
  if (t == "date") return types::Date();
  if (t == "timestamptz") return types::Timestamp();
  if (t == "timestamp") return types::TimestampNtz();
  int p = 0, s = 0;
  if (std::sscanf(t.c_str(), "decimal(%d, %d)", &p, &s) == 2 || std::sscanf(t.c_str(), "decimal(%d,%d)", &p, &s) == 2) {
    return types::Decimal(p, s);
  }
  return arrow::Status::NotImplemented(
      fmt::format("Iceberg column `{}` has type {}, which Spate does not read yet.", column, t));
}

namespace {

// The N of "bucket[N]" / "truncate[N]": a positive 32-bit integer.
arrow::Status CheckWidth(const std::string& transform, const char* what) {
  size_t open = transform.find('[');
  std::string digits = transform.substr(open + 1, transform.size() - open - 2);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n <= 0 || n > INT32_MAX) {
    return arrow::Status::Invalid(fmt::format("Invalid partition transform {}({}, ...): the {} must be a positive "
                                              "integer.",
                                              transform.substr(0, open), digits, what));
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<PartitionSpec> MakePartitionSpec(const IcebergSchema& schema, const std::vector<PartitionTerm>& terms) {
  PartitionSpec spec;
  int next_id = 1000;
  for (const auto& term : terms) {
    const IcebergField* source = schema.Find(term.column);
    if (source == nullptr) {
      std::string names;
      for (const auto& f : schema.fields) names += (names.empty() ? "`" : ", `") + f.name + "`";
      return SparkError("UNRESOLVED_COLUMN.WITH_SUGGESTION", "42703",
                        fmt::format("A column or function parameter with name `{}` cannot be resolved. "
                                    "Did you mean one of the following? [{}].",
                                    term.column, names));
    }
    PartitionField field{source->id, next_id++, source->name, term.transform};
    const std::string& t = term.transform;
    TypeId type = source->type->id();
    bool temporal = type == TypeId::kDate || type == TypeId::kTimestamp || type == TypeId::kTimestampNtz;
    if (t == "identity") {
    } else if (t == "year" || t == "month" || t == "day" || t == "hour") {
      if (!temporal || (t == "hour" && type == TypeId::kDate)) {
        return arrow::Status::Invalid(fmt::format("Invalid partition transform {}s({}): column `{}` has type {}; "
                                                  "{}s() needs a {}.",
                                                  t, source->name, source->name, source->type->Sql(), t,
                                                  t == "hour" ? "timestamp" : "date or timestamp"));
      }
      field.name += "_" + t;
    } else if (t.starts_with("bucket[")) {
      ARROW_RETURN_NOT_OK(CheckWidth(t, "number of buckets"));
      if (type != TypeId::kInt && type != TypeId::kLong && type != TypeId::kString && !temporal) {
        return arrow::Status::Invalid(fmt::format("Invalid partition transform bucket on column `{}` of type {}: "
                                                  "bucket() takes INT, BIGINT, STRING, DATE or TIMESTAMP columns.",
                                                  source->name, source->type->Sql()));
      }
      field.name += "_bucket";
    } else if (t.starts_with("truncate[")) {
      ARROW_RETURN_NOT_OK(CheckWidth(t, "width"));
      if (type != TypeId::kInt && type != TypeId::kLong && type != TypeId::kString) {
        return arrow::Status::Invalid(fmt::format("Invalid partition transform truncate on column `{}` of type "
                                                  "{}: truncate() takes INT, BIGINT or STRING columns.",
                                                  source->name, source->type->Sql()));
      }
      field.name += "_trunc";
    } else {
      return arrow::Status::Invalid(fmt::format("Unknown partition transform '{}' on column `{}`. Allowed: a "
                                                "column, years(col), months(col), days(col), hours(col), "
                                                "bucket(N, col), truncate(W, col).",
                                                t, term.column));
    }
    spec.fields.push_back(std::move(field));
  }
  return spec;
}

arrow::Result<DataTypePtr> PartitionResultType(const PartitionField& field, const IcebergSchema& schema) {
  const IcebergField* source = schema.FindId(field.source_id);
  if (source == nullptr) return arrow::Status::Invalid("partition field ", field.name, " has no source column");
  const std::string& t = field.transform;
  if (t == "identity" || t.starts_with("truncate[")) return source->type;
  if (t == "day") return types::Date();
  return types::Int();
}

}  // namespace spate::iceberg
