// df.write.format("jdbc"): Spark's save modes on a PostgreSQL table (CREATE
// TABLE with PostgresDialect's types, DROP or TRUNCATE for overwrite), the
// rows sent as COPY text in one transaction.

#include <algorithm>

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
#include "spate/connectors/save_mode.h"
#include "spate/exec/executor.h"
#include "spate/expr/bound_expr.h"
#include "spate/expr/expression.h"
#include "spate/plan/plan_builder.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

constexpr const char* kUndefinedTable = "42P01";

// createTableColumnTypes: "name TYPE, other VARCHAR(10)" (commas inside
// parentheses belong to the type), keyed by lower-cased column name.
arrow::Result<std::map<std::string, std::string>> UserColumnTypes(const std::string& text, const StructType& schema) {
  std::map<std::string, std::string> out;
  std::vector<std::string> items;
  int depth = 0;
  std::string current;
  for (char ch : text) {
    if (ch == '(') ++depth;
    if (ch == ')') --depth;
    if (ch == ',' && depth == 0) {
      items.push_back(current);
      current.clear();
    } else {
      current += ch;
    }
  }
  items.push_back(current);
  for (std::string item : items) {
    size_t begin = item.find_first_not_of(" \t\n");
    if (begin == std::string::npos) continue;
    item = item.substr(begin);
    size_t space = item.find_first_of(" \t\n");
    if (space == std::string::npos) {
      return arrow::Status::Invalid(fmt::format("createTableColumnTypes: '{}' has no type.", item));
    }
    std::string name = item.substr(0, space);
    if (name.size() >= 2 && name.front() == '`' && name.back() == '`') name = name.substr(1, name.size() - 2);
    bool found = false;
    for (const auto& f : schema.fields()) found = found || AsciiLower(f.name) == AsciiLower(name);
    if (!found) {
      return arrow::Status::Invalid(fmt::format("createTableColumnTypes option column {} not found in schema {}",
                                                name, schema.SimpleString()));
    }
    out[AsciiLower(name)] = AsciiUpper(item.substr(space + 1));
  }
  return out;
}

arrow::Result<std::string> CreateTableSql(const jdbc::JdbcOptions& options, const StructType& schema) {
  ARROW_ASSIGN_OR_RAISE(auto user_types, UserColumnTypes(options.create_table_column_types, schema));
  std::vector<std::string> columns;
  for (const auto& f : schema.fields()) {
    auto user = user_types.find(AsciiLower(f.name));
    std::string type;
    if (user != user_types.end()) {
      type = user->second;
    } else {
      ARROW_ASSIGN_OR_RAISE(type, jdbc::PostgresTypeOf(*f.type));
    }
    columns.push_back(fmt::format("{} {}{}", jdbc::QuoteIdentifier(f.name), type, f.nullable ? "" : " NOT NULL"));
  }
  return fmt::format("CREATE TABLE {} ({}) {}", options.table, fmt::join(columns, ", "),
                     options.create_table_options);
}

// Spark's check: `SELECT 1 FROM table LIMIT 1` succeeds.
arrow::Result<bool> TableExists(jdbc::PgConnection& conn, const std::string& table) {
  auto probe = conn.Query(fmt::format("SELECT 1 FROM {} LIMIT 1", table));
  if (probe.ok()) return true;
  if (conn.last_sqlstate() == kUndefinedTable || conn.last_sqlstate() == "3F000") return false;
  return probe.status();
}

// A value as PostgreSQL reads it from text: a Spark string, binary as
// PostgreSQL's \x hex, an array as an array literal ({1,NULL,3},
// {"a","b \"c\""}, {{1,2},{3,4}}); `depth` names the lambda variables of
// nested arrays apart.
ExprPtr PostgresText(ExprPtr value, const DataType& type, int depth = 0) {
  if (type.id() == TypeId::kBinary) return ex::Call("concat", {ex::String("\\x"), ex::Call("hex", {value})});
  if (type.id() != TypeId::kArray) return ex::Cast(std::move(value), types::String());
  const DataType& element = *static_cast<const ArrayType&>(type).element_type();
  std::string name = "element" + std::to_string(depth);
  ExprPtr item = PostgresText(ex::Col({name}), element, depth + 1);
  if (element.id() != TypeId::kArray) {  // quoted, with \ before " and \ (sub-arrays are not quoted)
    ExprPtr escaped = ex::Call("replace", {ex::Call("replace", {item, ex::String("\\"), ex::String("\\\\")}),
                                           ex::String("\""), ex::String("\\\"")});
    item = ex::Call("concat", {ex::String("\""), escaped, ex::String("\"")});
  }
  ExprPtr items = ex::Call("transform", {std::move(value), ex::Lambda({name}, item)});
  return ex::Call("concat", {ex::String("{"), ex::Call("array_join", {items, ex::String(","), ex::String("NULL")}),
                             ex::String("}")});
}

// The rows as COPY text (PostgresText of every column), one row per line.
arrow::Result<std::shared_ptr<arrow::Table>> TextRows(const std::shared_ptr<arrow::Table>& rows,
                                                      const StructType& schema, const RuntimeConfig& conf) {
  std::vector<std::string> names;
  std::vector<StructField> fields;
  std::vector<ExprPtr> texts;
  for (size_t i = 0; i < schema.fields().size(); ++i) {
    names.push_back("c" + std::to_string(i));
    fields.push_back({names[i], schema.fields()[i].type, schema.fields()[i].nullable});
    texts.push_back(PostgresText(ex::Col({names[i]}), *schema.fields()[i].type));
  }
  auto source = std::make_shared<ScanSource>();
  source->description = "LocalRelation";
  ARROW_ASSIGN_OR_RAISE(source->table, rows->RenameColumns(names));
  ARROW_ASSIGN_OR_RAISE(auto plan, MakeProject(MakeScan(std::move(source), *types::Struct(fields)), texts));
  ARROW_ASSIGN_OR_RAISE(auto table, ExecutePlan(*plan, MakeEvalContext(conf)));
  return table->CombineChunks();
}

void AppendEscaped(std::string_view value, std::string* out) {
  for (char ch : value) {
    switch (ch) {
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default: *out += ch;
    }
  }
}

arrow::Status CopyRows(jdbc::PgConnection& conn, const jdbc::JdbcOptions& options, const StructType& schema,
                       const arrow::Table& rows) {
  std::vector<std::string> columns;
  for (const auto& f : schema.fields()) columns.push_back(jdbc::QuoteIdentifier(f.name));
  ARROW_RETURN_NOT_OK(conn.BeginCopy(fmt::format("COPY {} ({}) FROM STDIN", options.table, fmt::join(columns, ", "))));
  std::vector<std::shared_ptr<arrow::StringArray>> arrays;
  for (const auto& column : rows.columns()) {
    if (column->num_chunks() == 0) break;  // no rows
    arrays.push_back(std::static_pointer_cast<arrow::StringArray>(column->chunk(0)));
  }
  std::string buffer;
  int64_t num_rows = arrays.empty() ? 0 : rows.num_rows();
  for (int64_t r = 0; r < num_rows; ++r) {
    for (size_t c = 0; c < arrays.size(); ++c) {
      if (c > 0) buffer += '\t';
      if (arrays[c]->IsNull(r)) {
        buffer += "\\N";
      } else {
        AppendEscaped(arrays[c]->GetView(r), &buffer);
      }
    }
    buffer += '\n';
    if ((r + 1) % options.batch_size == 0 || buffer.size() > (1 << 20)) {
      ARROW_RETURN_NOT_OK(conn.PutCopyData(buffer));
      buffer.clear();
    }
  }
  if (!buffer.empty()) ARROW_RETURN_NOT_OK(conn.PutCopyData(buffer));
  return conn.EndCopy();
}

// One transaction around the COPY, at the requested isolation level.
arrow::Status InsertRows(jdbc::PgConnection& conn, const jdbc::JdbcOptions& options, const StructType& schema,
                         const arrow::Table& rows) {
  if (schema.fields().empty()) return arrow::Status::OK();
  if (options.isolation_level == "NONE") return CopyRows(conn, options, schema, rows);
  std::string level = options.isolation_level;
  std::replace(level.begin(), level.end(), '_', ' ');
  ARROW_RETURN_NOT_OK(conn.Execute("BEGIN ISOLATION LEVEL " + level));
  arrow::Status copied = CopyRows(conn, options, schema, rows);
  if (!copied.ok()) {
    (void)conn.Execute("ROLLBACK");
    return copied;
  }
  return conn.Execute("COMMIT");
}

}  // namespace

arrow::Status WriteJdbc(const StructType& schema,
                        const std::function<arrow::Result<std::shared_ptr<arrow::Table>>()>& rows_of,
                        const RuntimeConfig& conf, const std::string& mode,
                        const std::map<std::string, std::string>& options) {
  ARROW_ASSIGN_OR_RAISE(jdbc::JdbcOptions opts, jdbc::ParseJdbcOptions(options, /*for_write=*/true));
  ARROW_ASSIGN_OR_RAISE(SaveMode save_mode, ParseSaveMode(mode.empty() ? "errorifexists" : mode));
  ARROW_ASSIGN_OR_RAISE(std::string create_sql, CreateTableSql(opts, schema));
  std::string zone = conf.Get("spark.sql.session.timeZone").value_or("UTC");
  ARROW_ASSIGN_OR_RAISE(auto conn, jdbc::PgConnection::Open(opts, zone));
  ARROW_ASSIGN_OR_RAISE(bool exists, TableExists(*conn, opts.table));
  if (exists && save_mode == SaveMode::kIgnore) return arrow::Status::OK();
  if (exists && save_mode == SaveMode::kErrorIfExists) {
    return SparkError("_LEGACY_ERROR_TEMP_1288", "",
                      fmt::format("Table or view '{}' already exists. SaveMode: ErrorIfExists.", opts.table));
  }
  // The rows are computed before the table changes: a failing query leaves it as it was.
  ARROW_ASSIGN_OR_RAISE(auto computed, rows_of());
  ARROW_ASSIGN_OR_RAISE(auto rows, TextRows(computed, schema, conf));
  if (exists && save_mode == SaveMode::kOverwrite) {
    if (opts.truncate) {
      ARROW_RETURN_NOT_OK(conn->Execute(fmt::format("TRUNCATE TABLE ONLY {}", opts.table)));
    } else {
      ARROW_RETURN_NOT_OK(conn->Execute(fmt::format("DROP TABLE {}", opts.table)));
      exists = false;
    }
  }
  if (!exists) ARROW_RETURN_NOT_OK(conn->Execute(create_sql));
  return InsertRows(*conn, opts, schema, *rows);
}

}  // namespace spate
