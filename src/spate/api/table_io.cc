#include "spate/api/table_io.h"

#include <filesystem>

#include <arrow/table.h>
#include <fmt/format.h>

#include "spate/api/catalog.h"
#include "spate/api/dataframe.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/connectors/file/format_readers.h"
#include "spate/connectors/file/format_writers.h"
#include "spate/connectors/iceberg/catalog.h"
#include "spate/connectors/iceberg/iceberg_tables.h"

namespace spate {

namespace {

std::string DefaultFormat(Session& session, const std::string& format) {
  return AsciiLower(format.empty() ? session.conf().Get("spark.sql.sources.default").value_or("parquet") : format);
}

// The table's columns: data columns first, partition columns last, as Spark
// lays out a partitioned table.
StructTypePtr TableSchema(const StructType& schema, const std::vector<std::string>& partition_by) {
  std::vector<StructField> data, parts;
  for (const auto& f : schema.fields()) {
    bool is_partition = false;
    for (const auto& p : partition_by) is_partition = is_partition || AsciiLower(p) == AsciiLower(f.name);
    StructField field = f;
    field.nullable = true;
    (is_partition ? parts : data).push_back(field);
  }
  // Partition columns in partitionBy order.
  std::vector<StructField> ordered;
  for (const auto& p : partition_by) {
    for (const auto& f : parts) {
      if (AsciiLower(f.name) == AsciiLower(p)) ordered.push_back(f);
    }
  }
  data.insert(data.end(), ordered.begin(), ordered.end());
  return types::Struct(std::move(data));
}

arrow::Status WriteTableFiles(Session& session, const CatalogTable& table, const DataFrame& rows,
                              const std::map<std::string, std::string>& options) {
  ARROW_ASSIGN_OR_RAISE(auto data, rows.toArrow());
  FileWrite write;
  write.conf = &session.conf();
  write.format = table.provider;
  write.path = table.location;
  write.mode = SaveMode::kAppend;
  write.options = options;
  write.partition_by = table.partition_columns;
  return WriteFiles(write, data, *rows.schema());
}

// The DataFrame's columns in the table's order, matched by name and cast to
// the table's types.
DataFrame AlignToTable(const DataFrame& df, const CatalogTable& table) {
  std::vector<Column> cols;
  for (const auto& f : table.schema->fields()) {
    cols.push_back(functions::col(f.name).cast(f.type).alias(f.name));
  }
  return df.select(cols);
}

arrow::Status AppendToTable(Session& session, const DataFrame& df, const std::string& name,
                            const TableWrite& w) {
  ARROW_ASSIGN_OR_RAISE(CatalogTable table, session.catalog().GetTable(name));
  table.location = session.catalog().DefaultLocation(name);
  DataFrame aligned = AlignToTable(df, table);
  ARROW_RETURN_NOT_OK(aligned.status());
  return WriteTableFiles(session, table, aligned, w.options);
}

arrow::Status CreateWithRows(Session& session, const DataFrame& df, const std::string& name,
                             const TableWrite& w) {
  CatalogTable table;
  table.name = name;
  table.provider = DefaultFormat(session, w.format);
  table.partition_columns = w.partition_by;
  table.schema = TableSchema(*df.schema(), w.partition_by);
  ARROW_RETURN_NOT_OK(CheckWritableSchema(table.provider, *df.schema(), w.partition_by));
  ARROW_RETURN_NOT_OK(session.catalog().CreateTable(table));
  table.location = session.catalog().DefaultLocation(name);
  auto written = WriteTableFiles(session, table, df, w.options);
  // A failed write leaves no half-made table behind.
  if (!written.ok()) (void)session.catalog().DropTable(name);
  return written;
}

std::string ColumnList(const StructType& schema) {
  std::string out;
  for (const auto& f : schema.fields()) out += (out.empty() ? "`" : ", `") + f.name + "`";
  return out;
}

// `name` as the message prints it: `catalog`.`db`.`t`.
arrow::Status ArityMismatch(const std::string& name, const StructType& table, const StructType& data) {
  bool too_many = data.num_fields() > table.num_fields();
  return SparkError(too_many ? "INSERT_COLUMN_ARITY_MISMATCH.TOO_MANY_DATA_COLUMNS"
                             : "INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS",
                    "21S01",
                    fmt::format("Cannot write to {}, the reason is {} data columns:\nTable columns: "
                                "{}.\nData columns: {}.",
                                name, too_many ? "too many" : "not enough",
                                ColumnList(table), ColumnList(data)));
}

// Removes a table's data files, keeping its (hidden) metadata.
arrow::Status RemoveTableData(const std::string& location) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(location, ec)) {
    std::string name = e.path().filename().string();
    if (name.starts_with(".") || (name.starts_with("_") && name != "_SUCCESS")) continue;
    std::filesystem::remove_all(e.path(), ec);
    if (ec) return arrow::Status::IOError("cannot remove ", e.path().string(), ": ", ec.message());
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Status InsertInto(Session& session, const DataFrame& df, const std::string& name, bool overwrite) {
  ARROW_RETURN_NOT_OK(df.status());
  StructTypePtr data_schema = df.schema();
  const StructType& data = *data_schema;
  // The data's columns by position, cast to the table's types.
  auto by_position = [&](const StructType& table, const std::string& display) -> arrow::Result<DataFrame> {
    if (data.num_fields() != table.num_fields()) return ArityMismatch(display, table, data);
    std::vector<Column> cols;
    for (int i = 0; i < data.num_fields(); ++i) {
      const StructField& target = table.field(i);
      cols.push_back(functions::col("`" + data.field(i).name + "`").cast(target.type).alias(target.name));
    }
    return df.select(cols);
  };
  std::vector<std::string> parts = QualifyWithCurrentCatalog(session, iceberg::SplitName(name));
  if (iceberg::IsIcebergName(session.conf(), parts)) {
    ARROW_ASSIGN_OR_RAISE(auto version, iceberg::ReadVersion(session.conf(), parts));
    ARROW_ASSIGN_OR_RAISE(auto rows,
                          by_position(*version.rows->Schema(), iceberg::QuotedName(session.conf(), parts)));
    // The rows are computed first: they may come from the table itself.
    ARROW_ASSIGN_OR_RAISE(auto computed, rows.toArrow());
    return iceberg::InsertInto(session.conf(), parts, RowsOf(session.CreateDataFrame(computed)), overwrite);
  }
  ARROW_ASSIGN_OR_RAISE(std::string table_name, Catalog::TableName(name));
  ARROW_ASSIGN_OR_RAISE(CatalogTable table, session.catalog().GetTable(table_name));
  ARROW_ASSIGN_OR_RAISE(DataFrame aligned, by_position(*table.schema, Catalog::QualifiedName(table_name)));

  // The rows are computed before anything is removed: they may come from the table itself.
  ARROW_ASSIGN_OR_RAISE(auto rows, aligned.toArrow());
  if (overwrite) ARROW_RETURN_NOT_OK(RemoveTableData(table.location));
  return WriteTableFiles(session, table, session.CreateDataFrame(rows), {});
}

RowsToWrite RowsOf(const DataFrame& df) {
  return RowsToWrite{df.schema(), [df] { return df.toArrow(); }};
}

arrow::Result<PlanPtr> ReadTable(Session& session, const std::string& name) {
  ARROW_ASSIGN_OR_RAISE(CatalogTable table, session.catalog().GetTable(name));
  return LoadFiles(session.conf(), table.provider, {table.location}, table.schema, {},
                   table.partition_columns);
}

arrow::Status SaveAsTable(Session& session, const DataFrame& df, const TableWrite& w) {
  ARROW_RETURN_NOT_OK(df.status());
  if (iceberg::IsIcebergName(session.conf(), w.name)) return iceberg::SaveAsTable(session.conf(), RowsOf(df), w);
  ARROW_ASSIGN_OR_RAISE(SaveMode mode, ParseSaveMode(w.mode));
  ARROW_ASSIGN_OR_RAISE(std::string name, Catalog::TableName(w.name));
  Catalog& catalog = session.catalog();
  if (!catalog.TableExists(name)) return CreateWithRows(session, df, name, w);
  switch (mode) {
    case SaveMode::kErrorIfExists:
      return TableAlreadyExists(name);
    case SaveMode::kIgnore:
      return arrow::Status::OK();
    case SaveMode::kAppend:
      return AppendToTable(session, df, name, w);
    case SaveMode::kOverwrite: {
      // The rows are computed first: they may come from the table itself.
      ARROW_ASSIGN_OR_RAISE(auto rows, df.toArrow());
      DataFrame materialized = session.CreateDataFrame(rows);
      ARROW_RETURN_NOT_OK(catalog.DropTable(name).status());
      return CreateWithRows(session, materialized, name, w);
    }
  }
  return arrow::Status::OK();
}

arrow::Status CreateEmptyTable(Session& session, const std::string& name, const StructType& schema,
                               const std::string& format, const std::vector<std::string>& partition_by,
                               bool if_not_exists) {
  ARROW_ASSIGN_OR_RAISE(std::string table_name, Catalog::TableName(name));
  if (session.catalog().TableExists(table_name)) {
    return if_not_exists ? arrow::Status::OK() : TableAlreadyExists(table_name);
  }
  CatalogTable table;
  table.name = table_name;
  table.provider = DefaultFormat(session, format);
  table.partition_columns = partition_by;
  table.schema = TableSchema(schema, partition_by);
  ARROW_RETURN_NOT_OK(CheckWritableSchema(table.provider, schema, partition_by));
  return session.catalog().CreateTable(table);
}

}  // namespace spate
