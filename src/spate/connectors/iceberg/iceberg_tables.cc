#include "spate/connectors/iceberg/iceberg_tables.h"

#include <arrow/scalar.h>
#include <arrow/table.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/connectors/iceberg/catalog.h"
#include "spate/connectors/iceberg/data_files.h"
#include "spate/connectors/iceberg/scan_planning.h"
#include "spate/connectors/iceberg/table_ops.h"
#include "spate/connectors/save_mode.h"
#include "spate/exec/table_select.h"
#include "spate/expr/expression.h"
#include "spate/plan/plan_builder.h"
#include "spate/types/arrow_types.h"

namespace spate::iceberg {

namespace {

std::string Quoted(const std::string& name) {
  std::string out = "`";
  for (char c : name) out += c == '`' ? std::string("``") : std::string(1, c);
  return out + "`";
}

std::string DisplayName(const CatalogTableName& n) { return "`" + n.catalog + "`." + n.ident.ToString(); }

arrow::Status Incompatible(const std::string& table, const std::string& sub, const std::string& detail) {
  return SparkError("INCOMPATIBLE_DATA_FOR_TABLE." + sub, "KD000",
                    fmt::format("Cannot write incompatible data for the table {}: {}.", table, detail));
}

// Spark's ANSI store assignment: numbers to numbers, dates to timestamps,
// anything atomic to strings.
bool CanStoreAssign(const DataType& from, const DataType& to) {
  if (from == to) return true;
  if (from.IsNumeric() && to.IsNumeric()) return true;
  auto temporal = [](const DataType& t) {
    return t.id() == TypeId::kDate || t.id() == TypeId::kTimestamp || t.id() == TypeId::kTimestampNtz;
  };
  if (temporal(from) && temporal(to)) return true;
  if (to.id() == TypeId::kString && !from.IsNested()) return true;
  return from.id() == TypeId::kNull;
}

arrow::Result<std::vector<PartitionTerm>> PartitionTerms(const std::vector<std::shared_ptr<const Expr>>& exprs) {
  std::vector<PartitionTerm> terms;
  for (auto e : exprs) {
    if (e->kind == ExprKind::kCall && e->name == kPartitionTransformCall && e->args.size() >= 2) {
      // The DataFrame API's years(ts), bucket(16, id): the same call as SQL's.
      e = ex::Call(e->args[0]->ToString(), std::vector<ExprPtr>(e->args.begin() + 1, e->args.end()));
    }
    if (e->kind == ExprKind::kColumn && e->name_parts.size() == 1) {
      terms.push_back(PartitionTerm{e->name_parts[0], "identity"});
      continue;
    }
    auto column_arg = [&](size_t i) -> arrow::Result<std::string> {
      if (e->args.size() <= i || e->args[i]->kind != ExprKind::kColumn) {
        return arrow::Status::Invalid("Invalid partition transform ", e->ToString(), ": a column is expected.");
      }
      return e->args[i]->name_parts.back();
    };
    std::string fn = AsciiLower(e->kind == ExprKind::kCall ? e->name : "");
    if (fn == "years" || fn == "months" || fn == "days" || fn == "hours" || fn == "year" || fn == "month" ||
        fn == "day" || fn == "hour" || fn == "date") {
      if (fn == "date") fn = "day";
      if (fn.back() == 's') fn.pop_back();
      ARROW_ASSIGN_OR_RAISE(auto col, column_arg(0));
      terms.push_back(PartitionTerm{col, fn});
    } else if (fn == "bucket" || fn == "truncate") {
      if (e->args.size() != 2 || e->args[0]->kind != ExprKind::kLiteral || !e->args[0]->literal) {
        return arrow::Status::Invalid("Invalid partition transform ", e->ToString(), ": ", fn,
                                      "(N, column) with an integer N is expected.");
      }
      ARROW_ASSIGN_OR_RAISE(auto col, column_arg(1));
      std::string n = e->args[0]->literal->ToString();
      terms.push_back(PartitionTerm{col, fn + "[" + n + "]"});
    } else {
      return arrow::Status::Invalid(fmt::format("Unsupported partition transform {}. Allowed: a column, "
                                                "years(col), months(col), days(col), hours(col), bucket(N, col), "
                                                "truncate(W, col).",
                                                e->ToString()));
    }
  }
  return terms;
}

// Whether `terms` give `table` the partition spec it has.
bool SamePartitioning(const TableMetadata& table, const std::vector<PartitionTerm>& terms) {
  auto spec = MakePartitionSpec(table.schema(), terms);
  if (!spec.ok() || spec->fields.size() != table.spec().fields.size()) return false;
  for (size_t i = 0; i < terms.size(); ++i) {
    const PartitionField &want = spec->fields[i], &have = table.spec().fields[i];
    if (want.source_id != have.source_id || want.transform != have.transform) return false;
  }
  return true;
}

arrow::Result<LoadedTable> Create(IcebergCatalog& catalog, const CatalogTableName& name, const StructType& schema,
                                  const std::vector<PartitionTerm>& terms,
                                  const std::map<std::string, std::string>& properties) {
  ARROW_ASSIGN_OR_RAISE(auto ischema, SchemaFromSpark(schema));
  ARROW_ASSIGN_OR_RAISE(auto spec, MakePartitionSpec(ischema, terms));
  std::map<std::string, std::string> props = properties;
  props.emplace("write.parquet.compression-codec", "zstd");
  return catalog.CreateTable(name.ident, NewTableMetadata("", std::move(ischema), std::move(spec), std::move(props)));
}

arrow::Status AppendRows(const RuntimeConfig& conf, IcebergCatalog& catalog, const CatalogTableName& name,
                         const LoadedTable& table, const RowsToWrite& data, bool overwrite) {
  ARROW_RETURN_NOT_OK(CheckWriteSchema(*data.schema, table.metadata.schema(), DisplayName(name)));
  ARROW_ASSIGN_OR_RAISE(auto computed, data.compute());
  ARROW_ASSIGN_OR_RAISE(auto rows, AlignRows(std::move(computed), table.metadata.schema(), conf));
  SnapshotCommit commit;
  commit.operation = overwrite ? "overwrite" : "append";
  commit.remove_all = overwrite;
  if (rows->num_rows() > 0) {
    ARROW_ASSIGN_OR_RAISE(commit.added, WriteDataFiles(table.metadata, *rows, TargetFileSize(table.metadata)));
  }
  return Commit(catalog, name.ident, commit).status();
}

// The rows of `table` at its current snapshot, read when the query runs, with
// its columns and partition filters (plan/scan_pushdown.h).
PlanPtr ScanPlan(const CatalogTableName& name, const TableMetadata& table) {
  auto source = std::make_shared<ScanSource>();
  source->description = "BatchScan " + name.catalog + "." + name.ident.ToString();
  auto metadata = std::make_shared<const TableMetadata>(table);
  source->reader = [metadata](const ScanRequest& request, TaskPool*) { return ScanForQuery(*metadata, request); };
  return MakeScan(std::move(source), *table.schema().ToSpark());
}

}  // namespace

bool IsIcebergName(const RuntimeConfig& conf, const std::vector<std::string>& parts) {
  return ResolveName(conf, parts).has_value();
}

bool IsIcebergName(const RuntimeConfig& conf, const std::string& name) { return IsIcebergName(conf, SplitName(name)); }

arrow::Result<std::pair<std::shared_ptr<IcebergCatalog>, CatalogTableName>> Resolve(const RuntimeConfig& conf,
                                                                                  const std::string& name) {
  auto resolved = ResolveName(conf, SplitName(name));
  if (!resolved) {
    return arrow::Status::Invalid(fmt::format("'{}' is not a table of an Iceberg catalog: name it "
                                              "<catalog>.<namespace>.<table> with spark.sql.catalog.<catalog> "
                                              "set to org.apache.iceberg.spark.SparkCatalog.",
                                              name));
  }
  ARROW_ASSIGN_OR_RAISE(auto catalog, GetCatalog(conf, resolved->catalog));
  return std::make_pair(std::move(catalog), std::move(*resolved));
}

arrow::Status CheckWriteSchema(const StructType& data, const IcebergSchema& table, const std::string& table_name) {
  for (const auto& f : table.fields) {
    int found = -1;
    for (int i = 0; i < data.num_fields(); ++i) {
      if (AsciiLower(data.field(i).name) == AsciiLower(f.name)) found = i;
    }
    if (found < 0) {
      return Incompatible(table_name, "CANNOT_FIND_DATA",
                          fmt::format("Cannot find data for the output column {}", Quoted(f.name)));
    }
    const DataType& from = *data.field(found).type;
    if (!CanStoreAssign(from, *f.type)) {
      return Incompatible(table_name, "CANNOT_SAFELY_CAST",
                          fmt::format("Cannot safely cast {} \"{}\" to \"{}\"", Quoted(f.name), from.Sql(),
                                      f.type->Sql()));
    }
  }
  std::string extra;
  for (const auto& f : data.fields()) {
    if (table.Find(f.name) == nullptr) extra += (extra.empty() ? "" : ", ") + Quoted(f.name);
  }
  if (!extra.empty()) {
    return Incompatible(table_name, "EXTRA_COLUMNS", fmt::format("Cannot write extra columns {}", extra));
  }
  return arrow::Status::OK();
}

arrow::Result<std::shared_ptr<arrow::Table>> AlignRows(std::shared_ptr<arrow::Table> rows, const IcebergSchema& table,
                                                       const RuntimeConfig& conf) {
  std::vector<ExprPtr> columns;
  for (const auto& f : table.fields) {
    columns.push_back(ex::Alias(ex::Cast(ex::ColFromName(Quoted(f.name)), f.type), f.name));
  }
  return SelectOverTable(std::move(rows), columns, conf);
}

arrow::Result<bool> TableExists(const RuntimeConfig& conf, const std::string& name) {
  ARROW_ASSIGN_OR_RAISE(auto resolved, Resolve(conf, name));
  ARROW_ASSIGN_OR_RAISE(auto loaded, resolved.first->LoadTable(resolved.second.ident));
  return loaded.has_value();
}

arrow::Result<PlanPtr> ReadTable(const RuntimeConfig& conf, const std::vector<std::string>& parts) {
  auto resolved = ResolveName(conf, parts);
  if (!resolved) return arrow::Status::Invalid("not an Iceberg table name");
  ARROW_ASSIGN_OR_RAISE(auto catalog, GetCatalog(conf, resolved->catalog));
  ARROW_ASSIGN_OR_RAISE(auto loaded, catalog->LoadTable(resolved->ident));
  if (!loaded) return TableNotFound(DisplayName(*resolved));
  return ScanPlan(*resolved, loaded->metadata);
}

arrow::Status SaveAsTable(const RuntimeConfig& conf, const RowsToWrite& rows, const TableWrite& w) {
  ARROW_ASSIGN_OR_RAISE(SaveMode mode, ParseSaveMode(w.mode));
  ARROW_ASSIGN_OR_RAISE(auto resolved, Resolve(conf, w.name));
  auto& [catalog, name] = resolved;
  ARROW_ASSIGN_OR_RAISE(auto loaded, catalog->LoadTable(name.ident));
  if (loaded && mode == SaveMode::kErrorIfExists) {
    return SparkError("TABLE_OR_VIEW_ALREADY_EXISTS", "42P07",
                      fmt::format("Cannot create table or view {} because it already exists.\nChoose a different "
                                  "name, drop or replace the existing object, or add the IF NOT EXISTS clause to "
                                  "tolerate pre-existing objects.",
                                  DisplayName(name)));
  }
  if (loaded && mode == SaveMode::kIgnore) return arrow::Status::OK();
  std::vector<PartitionTerm> terms;
  if (!w.partition_transforms.empty()) {
    ARROW_ASSIGN_OR_RAISE(terms, PartitionTerms(w.partition_transforms));
  }
  for (const auto& p : w.partition_by) terms.push_back(PartitionTerm{p, "identity"});
  if (loaded && mode == SaveMode::kOverwrite &&
      (!CheckWriteSchema(*rows.schema, loaded->metadata.schema(), DisplayName(name)).ok() ||
       !SamePartitioning(loaded->metadata, terms))) {
    // A new schema or partitioning: the table is replaced, as CREATE OR REPLACE TABLE AS SELECT does
    // (once the new partitioning is known to be valid).
    ARROW_ASSIGN_OR_RAISE(auto schema, SchemaFromSpark(*rows.schema));
    ARROW_RETURN_NOT_OK(MakePartitionSpec(schema, terms).status());
    ARROW_RETURN_NOT_OK(catalog->DropTable(name.ident).status());
    loaded.reset();
  }
  if (!loaded) {
    std::map<std::string, std::string> props;
    for (const auto& [k, v] : w.options) {
      if (k.starts_with("write.") || k.starts_with("commit.")) props[k] = v;
    }
    ARROW_ASSIGN_OR_RAISE(loaded, Create(*catalog, name, *rows.schema, terms, props));
  }
  return AppendRows(conf, *catalog, name, *loaded, rows, mode == SaveMode::kOverwrite);
}

arrow::Result<TableVersion> ReadVersion(const RuntimeConfig& conf, const std::vector<std::string>& parts) {
  auto resolved = ResolveName(conf, parts);
  if (!resolved) return arrow::Status::Invalid("not an Iceberg table name");
  ARROW_ASSIGN_OR_RAISE(auto catalog, GetCatalog(conf, resolved->catalog));
  ARROW_ASSIGN_OR_RAISE(auto loaded, catalog->LoadTable(resolved->ident));
  if (!loaded) return TableNotFound(DisplayName(*resolved));
  return TableVersion{ScanPlan(*resolved, loaded->metadata), loaded->metadata.current_snapshot_id};
}

arrow::Status ReplaceRows(const RuntimeConfig& conf, const std::vector<std::string>& parts, const RowsToWrite& rows,
                          std::optional<int64_t> base) {
  auto resolved = ResolveName(conf, parts);
  if (!resolved) return arrow::Status::Invalid("not an Iceberg table name");
  ARROW_ASSIGN_OR_RAISE(auto catalog, GetCatalog(conf, resolved->catalog));
  ARROW_ASSIGN_OR_RAISE(auto loaded, catalog->LoadTable(resolved->ident));
  if (!loaded) return TableNotFound(DisplayName(*resolved));
  ARROW_ASSIGN_OR_RAISE(auto computed, rows.compute());
  ARROW_ASSIGN_OR_RAISE(auto aligned, AlignRows(std::move(computed), loaded->metadata.schema(), conf));
  SnapshotCommit commit;
  commit.operation = "overwrite";
  commit.remove_all = true;
  const std::string name = DisplayName(*resolved);
  commit.validate = [base, name](const TableMetadata& current) {
    if (current.current_snapshot_id == base) return arrow::Status::OK();
    return arrow::Status::Invalid(fmt::format(
        "Cannot commit to Iceberg table {}: it changed while the statement ran (read at snapshot {}, now at {}); "
        "run the statement again.",
        name, base ? std::to_string(*base) : "none",
        current.current_snapshot_id ? std::to_string(*current.current_snapshot_id) : "none"));
  };
  if (aligned->num_rows() > 0) {
    ARROW_ASSIGN_OR_RAISE(commit.added, WriteDataFiles(loaded->metadata, *aligned, TargetFileSize(loaded->metadata)));
  }
  return Commit(*catalog, resolved->ident, commit).status();
}

arrow::Status InsertInto(const RuntimeConfig& conf, const std::vector<std::string>& parts, const RowsToWrite& rows,
                         bool overwrite) {
  auto resolved = ResolveName(conf, parts);
  if (!resolved) return arrow::Status::Invalid("not an Iceberg table name");
  ARROW_ASSIGN_OR_RAISE(auto catalog, GetCatalog(conf, resolved->catalog));
  ARROW_ASSIGN_OR_RAISE(auto loaded, catalog->LoadTable(resolved->ident));
  if (!loaded) return TableNotFound(DisplayName(*resolved));
  return AppendRows(conf, *catalog, *resolved, *loaded, rows, overwrite);
}

std::string QuotedName(const RuntimeConfig& conf, const std::vector<std::string>& parts) {
  auto resolved = ResolveName(conf, parts);
  return resolved ? DisplayName(*resolved) : Quoted(parts.back());
}

arrow::Status CreateTable(const RuntimeConfig& conf, const std::vector<std::string>& parts, const StructType& schema,
                          const std::vector<std::shared_ptr<const Expr>>& partitioned_by, bool if_not_exists,
                          const std::map<std::string, std::string>& properties) {
  auto resolved = ResolveName(conf, parts);
  if (!resolved) return arrow::Status::Invalid("not an Iceberg table name");
  ARROW_ASSIGN_OR_RAISE(auto catalog, GetCatalog(conf, resolved->catalog));
  ARROW_ASSIGN_OR_RAISE(auto terms, PartitionTerms(partitioned_by));
  ARROW_ASSIGN_OR_RAISE(auto existing, catalog->LoadTable(resolved->ident));
  if (existing && if_not_exists) return arrow::Status::OK();
  return Create(*catalog, *resolved, schema, terms, properties).status();
}

arrow::Result<bool> DropTable(const RuntimeConfig& conf, const std::vector<std::string>& parts) {
  auto resolved = ResolveName(conf, parts);
  if (!resolved) return arrow::Status::Invalid("not an Iceberg table name");
  ARROW_ASSIGN_OR_RAISE(auto catalog, GetCatalog(conf, resolved->catalog));
  return catalog->DropTable(resolved->ident);
}

arrow::Result<int64_t> ExpireSnapshots(const RuntimeConfig& conf, const std::string& table, int64_t older_than_ms,
                                       int retain_last) {
  ARROW_ASSIGN_OR_RAISE(auto resolved, Resolve(conf, table));
  return iceberg::ExpireSnapshots(*resolved.first, resolved.second.ident, older_than_ms, retain_last);
}

arrow::Result<int64_t> RewriteDataFiles(const RuntimeConfig& conf, const std::string& table, int64_t target_file_size) {
  ARROW_ASSIGN_OR_RAISE(auto resolved, Resolve(conf, table));
  return iceberg::RewriteDataFiles(*resolved.first, resolved.second.ident, target_file_size);
}

}  // namespace spate::iceberg
