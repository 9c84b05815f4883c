// spark.read.format("jdbc"): the schema from `SELECT * FROM table WHERE 1=0`
// as Spark asks it, then the rows of each partition (Spark's range
// predicates on partitionColumn) as text, cast to the Spark types.

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/table.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "spate/common/calendar.h"
#include "spate/common/error.h"
#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"
#include "spate/connectors/jdbc/jdbc_connector.h"
#include "spate/connectors/jdbc/jdbc_options.h"
#include "spate/connectors/jdbc/jdbc_types.h"
#include "spate/connectors/jdbc/pg_connection.h"
#include "spate/exec/executor.h"
#include "spate/expr/bound_expr.h"
#include "spate/expr/datetime_parse.h"
#include "spate/expr/expression.h"
#include "spate/expr/value_format.h"
#include "spate/plan/logical_plan.h"
#include "spate/plan/plan_builder.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

constexpr uint32_t kByteaOid = 17;
constexpr uint32_t kTimestamptzOid = 1184;
constexpr uint32_t kTimeOid = 1083;

// What the server says of a column's type: pg_type.typname ("int4",
// "bpchar", "_int4"), and for an array its element type.
struct PgTypeInfo {
  std::string name;
  bool is_array = false;
  uint32_t element_oid = 0;
};

// The columns' types, keyed by OID, as pg_type describes them.
arrow::Result<std::map<uint32_t, PgTypeInfo>> TypeInfos(jdbc::PgConnection& conn,
                                                        const std::vector<jdbc::PgColumn>& columns) {
  std::map<uint32_t, PgTypeInfo> out;
  if (columns.empty()) return out;
  std::vector<std::string> oids;
  for (const auto& c : columns) oids.push_back(std::to_string(c.type_oid));
  ARROW_ASSIGN_OR_RAISE(auto result, conn.Query(fmt::format(
      "SELECT oid::text, typname::text, (typcategory = 'A')::text, typelem::text FROM pg_type WHERE oid IN ({})",
      fmt::join(oids, ","))));
  ARROW_ASSIGN_OR_RAISE(auto table, result.text->CombineChunksToBatch());
  auto text = [&](int column, int64_t row) {
    return std::static_pointer_cast<arrow::StringArray>(table->column(column))->GetString(row);
  };
  for (int64_t i = 0; i < table->num_rows(); ++i) {
    out[static_cast<uint32_t>(std::stoul(text(0, i)))] = {
        text(1, i), text(2, i) == "true", static_cast<uint32_t>(std::stoul(text(3, i)))};
  }
  return out;
}

// How many dimensions an array column of a table was declared with
// (INT[][] is 2), as Spark reads them into nested arrays; 1 when unknown.
arrow::Result<int> ArrayDimensions(jdbc::PgConnection& conn, const jdbc::PgColumn& column) {
  if (column.table_oid == 0) return 1;
  ARROW_ASSIGN_OR_RAISE(auto result, conn.Query(fmt::format(
      "SELECT attndims::text FROM pg_attribute WHERE attrelid = {} AND attnum = {}", column.table_oid,
      column.table_column)));
  if (result.text->num_rows() == 0) return 1;
  ARROW_ASSIGN_OR_RAISE(auto dims, result.text->CombineChunksToBatch());
  return std::max(1, std::stoi(std::static_pointer_cast<arrow::StringArray>(dims->column(0))->GetString(0)));
}

// The Spark type of a column whose values are of `value`'s type (an array's
// element type when `dimensions` > 0): PostgresDialect's mapping, arrays as
// nested arrays.
arrow::Result<DataTypePtr> ColumnType(const jdbc::PgColumn& value, int dimensions) {
  DataTypePtr type = jdbc::SparkTypeOf(value);
  if (dimensions > 1 && type->id() == TypeId::kBinary) {
    return arrow::Status::NotImplemented(fmt::format(
        "Column {} is a multidimensional PostgreSQL array of bytea: Spate's jdbc data source reads "
        "one-dimensional ones only.", value.name));
  }
  for (int d = 0; d < dimensions; ++d) type = types::Array(type, true);
  return type;
}

// A bound of the partition column as Spark's JDBCRelation reads it: the
// number itself, days for a DATE column, microseconds for a TIMESTAMP one.
arrow::Result<int64_t> BoundValue(const std::string& text, const char* option, TypeId type, const std::string& zone) {
  if (type == TypeId::kDate || type == TypeId::kTimestamp) {
    const bool date = type == TypeId::kDate;
    std::optional<int64_t> value;
    if (date) {
      if (auto days = ParseDateText(text)) value = *days;
    } else if (auto micros = ParseTimestampText(text, zone, /*ntz=*/false); micros.ok()) {
      value = *micros;
    }
    if (value) return *value;
    return arrow::Status::Invalid(
        fmt::format("Cannot parse the bound value {} as {}", text, date ? "date" : "timestamp"));
  }
  try {
    size_t used = 0;
    int64_t value = std::stoll(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  return arrow::Status::Invalid(
      fmt::format("Invalid value '{}' for option '{}': an integer is expected.", text, option));
}

// A bound in a partition's WHERE clause: dates and timestamps (in the
// session's zone, which the server's session shares) as quoted text.
arrow::Result<std::string> BoundSql(int64_t value, TypeId type, const std::string& zone) {
  if (type == TypeId::kDate) {
    std::string text = "'";
    calendar::AppendDate(value, &text);
    return text + "'";
  }
  if (type != TypeId::kTimestamp) return std::to_string(value);
  arrow::TimestampBuilder builder(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool());
  ARROW_RETURN_NOT_OK(builder.Append(value));
  ARROW_ASSIGN_OR_RAISE(auto micros, builder.Finish());
  ARROW_ASSIGN_OR_RAISE(auto text, CastToString(*micros, *types::Timestamp(), FormatOptions{.time_zone = zone}));
  return "'" + std::static_pointer_cast<arrow::StringArray>(text)->GetString(0) + "'";
}

// The partition column: its quoted name and type, with Spark's errors.
arrow::Result<std::pair<std::string, TypeId>> PartitionColumn(const std::string& name, const StructType& schema) {
  for (const auto& f : schema.fields()) {
    if (AsciiLower(f.name) != AsciiLower(name)) continue;
    TypeId id = f.type->id();
    if (id != TypeId::kByte && id != TypeId::kShort && id != TypeId::kInt && id != TypeId::kLong &&
        id != TypeId::kDecimal && id != TypeId::kFloat && id != TypeId::kDouble && id != TypeId::kDate &&
        id != TypeId::kTimestamp) {
      return LegacyAnalysisError(fmt::format(
          "Partition column type should be numeric, date, or timestamp, but {} found.", f.type->SimpleString()),
          "_LEGACY_ERROR_TEMP_1287");
    }
    return std::make_pair(jdbc::QuoteIdentifier(f.name), id);
  }
  return SparkError("_LEGACY_ERROR_TEMP_1286", "",
                    fmt::format("User-defined partition column {} not found in the JDBC relation: {}.", name,
                                schema.SimpleString()));
}

// The WHERE clause of each partition: the user's predicates, or Spark's
// JDBCRelation.columnPartition strides over the partition column.
arrow::Result<std::vector<std::string>> PartitionClauses(const jdbc::JdbcOptions& options, const StructType& schema,
                                                         const std::string& zone) {
  if (!options.predicates.empty()) return options.predicates;
  if (!options.partition_column) return std::vector<std::string>{""};
  ARROW_ASSIGN_OR_RAISE(auto partition, PartitionColumn(*options.partition_column, schema));
  auto [column, type] = partition;
  ARROW_ASSIGN_OR_RAISE(int64_t lower, BoundValue(options.lower_bound, "lowerBound", type, zone));
  ARROW_ASSIGN_OR_RAISE(int64_t upper, BoundValue(options.upper_bound, "upperBound", type, zone));
  if (lower > upper) {
    return arrow::Status::Invalid(fmt::format(
        "requirement failed: Operation not allowed: the lower bound of partitioning column is larger than the upper bound. "
        "Lower bound: {}; Upper bound: {}",
        lower, upper));
  }
  int64_t partitions = options.num_partitions;
  if (partitions <= 1 || lower == upper) return std::vector<std::string>{""};
  if (upper - lower < partitions) partitions = upper - lower;
  int64_t stride = upper / partitions - lower / partitions;
  std::vector<std::string> clauses;
  int64_t current = lower;
  for (int64_t i = 0; i < partitions; ++i) {
    ARROW_ASSIGN_OR_RAISE(std::string low_value, BoundSql(current, type, zone));
    std::string low = i != 0 ? fmt::format("{} >= {}", column, low_value) : "";
    current += stride;
    ARROW_ASSIGN_OR_RAISE(std::string high_value, BoundSql(current, type, zone));
    std::string high = i != partitions - 1 ? fmt::format("{} < {}", column, high_value) : "";
    if (high.empty()) {
      clauses.push_back(low);
    } else if (low.empty()) {
      clauses.push_back(fmt::format("{} or {} is null", high, column));
    } else {
      clauses.push_back(fmt::format("{} AND {}", low, high));
    }
  }
  return clauses;
}

// The select list: bytea as hex, timestamptz as the session's wall time and
// arrays as JSON, so that every value reads back through a Spark cast (or
// from_json) from text.
std::string SelectList(const std::vector<jdbc::PgColumn>& columns, const StructType& schema) {
  std::vector<std::string> items;
  for (size_t i = 0; i < columns.size(); ++i) {
    const jdbc::PgColumn& c = columns[i];
    std::string name = jdbc::QuoteIdentifier(c.name);
    const DataTypePtr& type = schema.fields()[i].type;
    if (type->id() == TypeId::kArray &&
        std::static_pointer_cast<const ArrayType>(type)->element_type()->id() == TypeId::kBinary) {
      // bytea elements as hex strings (unhexed by TypedPlan), in their order.
      items.push_back(fmt::format(
          "CASE WHEN {0} IS NULL THEN NULL ELSE array_to_json(ARRAY(SELECT encode(e, 'hex') "
          "FROM unnest({0}) WITH ORDINALITY AS u(e, n) ORDER BY n))::text END",
          name));
    } else if (type->id() == TypeId::kArray) {
      items.push_back(fmt::format("array_to_json({})::text", name));
    } else if (c.type_oid == kByteaOid) {
      items.push_back(fmt::format("encode({}, 'hex')", name));
    } else if (c.type_oid == kTimeOid) {  // a time of day reads as that time on 1970-01-01
      items.push_back(fmt::format("(DATE '1970-01-01' + {})::text", name));
    } else if (c.type_oid == kTimestamptzOid) {
      items.push_back(fmt::format("to_char({}, 'YYYY-MM-DD HH24:MI:SS.US')", name));
    } else {
      items.push_back(name);
    }
  }
  return fmt::format("{}", fmt::join(items, ","));
}

// Casts the text columns c0, c1, ... to the schema's types (the rows are
// read already, so the cast runs now), and scans them with the schema's
// names and nullability.
arrow::Result<PlanPtr> TypedPlan(const RuntimeConfig& conf, const std::string& description,
                                 std::shared_ptr<arrow::Table> text, const StructType& schema) {
  std::vector<StructField> text_fields;
  std::vector<ExprPtr> casts;
  for (size_t i = 0; i < schema.fields().size(); ++i) {
    const StructField& f = schema.fields()[i];
    std::string name = "c" + std::to_string(i);
    text_fields.push_back({name, types::String(), true});
    ExprPtr text_column = ex::Col({name});
    if (f.type->id() == TypeId::kBinary) {
      casts.push_back(ex::Call("unhex", {text_column}));
    } else if (f.type->id() == TypeId::kArray &&
               std::static_pointer_cast<const ArrayType>(f.type)->element_type()->id() == TypeId::kBinary) {
      ExprPtr hex = ex::Call("from_json", {text_column, ex::String("ARRAY<STRING>")});
      casts.push_back(ex::Call("transform", {hex, ex::Lambda({"x"}, ex::Call("unhex", {ex::Col({"x"})}))}));
    } else if (f.type->id() == TypeId::kArray) {
      casts.push_back(ex::Call("from_json", {text_column, ex::String(f.type->Sql())}));
    } else {
      casts.push_back(ex::Cast(text_column, f.type));
    }
  }
  auto raw = std::make_shared<ScanSource>();
  raw->description = description;
  raw->table = std::move(text);
  ARROW_ASSIGN_OR_RAISE(auto typed, MakeProject(MakeScan(raw, *types::Struct(text_fields)), casts));
  ARROW_ASSIGN_OR_RAISE(auto rows, ExecutePlan(*typed, MakeEvalContext(conf)));
  ARROW_ASSIGN_OR_RAISE(auto arrow_schema, ToArrowSchema(schema));
  auto source = std::make_shared<ScanSource>();
  source->description = description;
  source->table = arrow::Table::Make(arrow_schema, rows->columns(), rows->num_rows());
  return MakeScan(source, schema);
}

}  // namespace

arrow::Result<PlanPtr> LoadJdbc(const RuntimeConfig& conf, const std::map<std::string, std::string>& options) {
  ARROW_ASSIGN_OR_RAISE(jdbc::JdbcOptions opts, jdbc::ParseJdbcOptions(options, /*for_write=*/false));
  std::string zone = conf.Get("spark.sql.session.timeZone").value_or("UTC");
  ARROW_ASSIGN_OR_RAISE(auto conn, jdbc::PgConnection::Open(opts, zone));
  ARROW_ASSIGN_OR_RAISE(jdbc::PgResult shape, conn->Query(fmt::format("SELECT * FROM {} WHERE 1=0", opts.table)));
  ARROW_ASSIGN_OR_RAISE(auto type_infos, TypeInfos(*conn, shape.columns));
  // Every column nullable, as Spark reads JDBC schemas; the field metadata as Spark records it.
  std::vector<StructField> fields;
  for (const jdbc::PgColumn& column : shape.columns) {
    const PgTypeInfo& info = type_infos[column.type_oid];
    jdbc::PgColumn value = column;  // an array's element
    int dimensions = 0;
    if (info.is_array) {
      value.type_oid = info.element_oid;
      ARROW_ASSIGN_OR_RAISE(dimensions, ArrayDimensions(*conn, column));
    }
    ARROW_ASSIGN_OR_RAISE(DataTypePtr type, ColumnType(value, dimensions));
    StructField field{column.name, type, true};
    field.metadata_json = jdbc::SparkFieldMetadata(value, info.name, dimensions);
    fields.push_back(std::move(field));
  }
  StructTypePtr schema = types::Struct(fields);
  ARROW_ASSIGN_OR_RAISE(std::vector<std::string> clauses, PartitionClauses(opts, *schema, zone));
  std::vector<std::shared_ptr<arrow::Table>> parts;
  for (const std::string& clause : clauses) {
    std::string sql = fmt::format("SELECT {} FROM {}", SelectList(shape.columns, *schema), opts.table);
    if (!clause.empty()) sql += " WHERE " + clause;
    ARROW_ASSIGN_OR_RAISE(jdbc::PgResult rows, conn->Query(sql));
    parts.push_back(rows.text);
  }
  ARROW_ASSIGN_OR_RAISE(auto text, arrow::ConcatenateTables(parts));
  std::string description = fmt::format("JDBCRelation({}) [numPartitions={}]", opts.table, clauses.size());
  return TypedPlan(conf, description, std::move(text), *schema);
}

}  // namespace spate
