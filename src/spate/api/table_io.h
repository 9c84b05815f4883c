#pragma once

// Reading and writing the data of catalog tables: what spark.table, FROM t,
// saveAsTable and CREATE TABLE [AS SELECT] do with the session catalog.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>

#include "spate/connectors/table_write.h"
#include "spate/plan/logical_plan.h"
#include "spate/types/data_type.h"

namespace spate {

class Session;
class DataFrame;

/// The rows of catalog table `name` (already a resolved, unqualified name).
arrow::Result<PlanPtr> ReadTable(Session& session, const std::string& name);

/// `df`'s rows as a table write takes them: the schema now, the rows
/// computed (toArrow) when the write asks for them.
RowsToWrite RowsOf(const DataFrame& df);

/// df.write.saveAsTable with Spark's save modes: append adds rows by column
/// name to an existing table, overwrite replaces table and schema.
arrow::Status SaveAsTable(Session& session, const DataFrame& df, const TableWrite& write);

/// df.write.insertInto(name[, overwrite]): rows matched to the table's
/// columns by position (not by name, unlike saveAsTable) and cast to their
/// types; overwrite replaces the table's rows but keeps the table.
arrow::Status InsertInto(Session& session, const DataFrame& df, const std::string& name, bool overwrite);

/// CREATE TABLE [IF NOT EXISTS] name (schema) USING format [PARTITIONED BY].
arrow::Status CreateEmptyTable(Session& session, const std::string& name, const StructType& schema,
                               const std::string& format, const std::vector<std::string>& partition_by,
                               bool if_not_exists);

}  // namespace spate
