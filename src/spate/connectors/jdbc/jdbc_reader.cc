// spark.read.format("jdbc"): the schema from `SELECT * FROM table WHERE 1=0`
// as Spark asks it, then the rows of each partition (Spark's range
// predicates on partitionColumn) as text, cast to the Spark types.

#include <arrow/array.h>
#include <arrow/table.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "spate/common/error.h"
#include "spate/common/runtime_config.h"
#include "spate/common/strings.h"
#include "spate/connectors/jdbc/jdbc_connector.h"
#include "spate/connectors/jdbc/jdbc_options.h"
#include "spate/connectors/jdbc/jdbc_types.h"
#include "spate/connectors/jdbc/pg_connection.h"
#include "spate/exec/executor.h"
#include "spate/expr/bound_expr.h"
#include "spate/expr/expression.h"
#include "spate/plan/logical_plan.h"
#include "spate/plan/plan_builder.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

constexpr uint32_t kByteaOid = 17;
constexpr uint32_t kTimestamptzOid = 1184;
constexpr uint32_t kTimeOid = 1083;

// The server's names of the columns' types (pg_type.typname: "int4",
// "bpchar", "_int4") and whether each is an array, keyed by OID.
arrow::Result<std::map<uint32_t, std::pair<std::string, bool>>> TypeNames(
    jdbc::PgConnection& conn, const std::vector<jdbc::PgColumn>& columns) {
  std::map<uint32_t, std::pair<std::string, bool>> out;
  if (columns.empty()) return out;
  std::vector<std::string> oids;
  for (const auto& c : columns) oids.push_back(std::to_string(c.type_oid));
  ARROW_ASSIGN_OR_RAISE(auto result, conn.Query(fmt::format(
      "SELECT oid::text, typname::text, (typcategory = 'A')::text FROM pg_type WHERE oid IN ({})",
      fmt::join(oids, ","))));
  ARROW_ASSIGN_OR_RAISE(auto table, result.text->CombineChunks());
  if (table->num_rows() == 0) return out;
  auto oid = std::static_pointer_cast<arrow::StringArray>(table->column(0)->chunk(0));
  auto name = std::static_pointer_cast<arrow::StringArray>(table->column(1)->chunk(0));
  auto array = std::static_pointer_cast<arrow::StringArray>(table->column(2)->chunk(0));
  for (int64_t i = 0; i < table->num_rows(); ++i) {
    out[static_cast<uint32_t>(std::stoul(oid->GetString(i)))] = {name->GetString(i), array->GetString(i) == "true"};
  }
  return out;
}

// Spark's JDBCRelation.columnPartition: the WHERE clause of each partition.
arrow::Result<std::vector<std::string>> PartitionClauses(const jdbc::JdbcOptions& options, const StructType& schema) {
  if (!options.partition_column) return std::vector<std::string>{""};
  int64_t lower = options.lower_bound, upper = options.upper_bound;
  if (lower > upper) {
    return arrow::Status::Invalid(fmt::format(
        "requirement failed: Operation not allowed: the lower bound of partitioning column is larger than the upper bound. "
        "Lower bound: {}; Upper bound: {}",
        lower, upper));
  }
  std::string column;
  for (const auto& f : schema.fields()) {
    if (AsciiLower(f.name) != AsciiLower(*options.partition_column)) continue;
    TypeId id = f.type->id();
    if (id != TypeId::kByte && id != TypeId::kShort && id != TypeId::kInt && id != TypeId::kLong &&
        id != TypeId::kDecimal && id != TypeId::kFloat && id != TypeId::kDouble) {
      return arrow::Status::NotImplemented(fmt::format(
          "partitionColumn {} is of type {}: Spate partitions JDBC reads on numeric columns only.", f.name,
          f.type->SimpleString()));
    }
    column = jdbc::QuoteIdentifier(f.name);
  }
  if (column.empty()) {
    return SparkError("_LEGACY_ERROR_TEMP_1286", "",
                      fmt::format("User-defined partition column {} not found in the JDBC relation: {}.",
                                  *options.partition_column, schema.SimpleString()));
  }
  int64_t partitions = options.num_partitions;
  if (partitions <= 1 || lower == upper) return std::vector<std::string>{""};
  if (upper - lower < partitions) partitions = upper - lower;
  int64_t stride = upper / partitions - lower / partitions;
  std::vector<std::string> clauses;
  int64_t current = lower;
  for (int64_t i = 0; i < partitions; ++i) {
    std::string low = i != 0 ? fmt::format("{} >= {}", column, current) : "";
    current += stride;
    std::string high = i != partitions - 1 ? fmt::format("{} < {}", column, current) : "";
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

// The select list: bytea as hex and timestamptz as the session's wall time,
// so that every value reads back through a Spark cast from text.
std::string SelectList(const std::vector<jdbc::PgColumn>& columns) {
  std::vector<std::string> items;
  for (const auto& c : columns) {
    std::string name = jdbc::QuoteIdentifier(c.name);
    if (c.type_oid == kByteaOid) {
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
    casts.push_back(f.type->id() == TypeId::kBinary ? ex::Call("unhex", {ex::Col({name})})
                                                    : ex::Cast(ex::Col({name}), f.type));
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
  ARROW_ASSIGN_OR_RAISE(auto type_names, TypeNames(*conn, shape.columns));
  // Every column nullable, as Spark reads JDBC schemas; the field metadata as Spark records it.
  std::vector<StructField> fields;
  for (const jdbc::PgColumn& column : shape.columns) {
    auto [type_name, is_array] = type_names[column.type_oid];
    ARROW_ASSIGN_OR_RAISE(DataTypePtr type, jdbc::SparkTypeOf(column, type_name, is_array));
    StructField field{column.name, type, true};
    field.metadata_json = jdbc::SparkFieldMetadata(column, type_name);
    fields.push_back(std::move(field));
  }
  StructTypePtr schema = types::Struct(fields);
  ARROW_ASSIGN_OR_RAISE(std::vector<std::string> clauses, PartitionClauses(opts, *schema));
  std::vector<std::shared_ptr<arrow::Table>> parts;
  for (const std::string& clause : clauses) {
    std::string sql = fmt::format("SELECT {} FROM {}", SelectList(shape.columns), opts.table);
    if (!clause.empty()) sql += " WHERE " + clause;
    ARROW_ASSIGN_OR_RAISE(jdbc::PgResult rows, conn->Query(sql));
    parts.push_back(rows.text);
  }
  ARROW_ASSIGN_OR_RAISE(auto text, arrow::ConcatenateTables(parts));
  std::string description = fmt::format("JDBCRelation({}) [numPartitions={}]", opts.table, clauses.size());
  return TypedPlan(conf, description, std::move(text), *schema);
}

}  // namespace spate
