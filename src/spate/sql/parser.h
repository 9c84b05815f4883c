#pragma once

// The Spark SQL parser: expressions ("a + 1", "CAST(v AS STRING)",
// "x BETWEEN 1 AND 3", "ts + interval 1 hour") and statements (SELECT with
// FROM/JOIN/WHERE/GROUP BY/HAVING/ORDER BY/LIMIT, UNION, CREATE VIEW/TABLE,
// SHOW TABLES, DESCRIBE, DROP). It produces unresolved trees; names and types
// are bound later by the analyzer. Keywords are case-insensitive.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arrow/result.h>

#include "spate/expr/expression.h"
#include "spate/types/data_type.h"

namespace spate::sql {

struct SelectStatement;
using SelectPtr = std::shared_ptr<const SelectStatement>;
struct FromItem;
using FromItemPtr = std::shared_ptr<const FromItem>;

/// One item of a FROM clause: a named table or view, a table-valued function
/// (range(10)), a subquery, a join, an inline table
/// (VALUES (1, 'a'), (2, 'b') AS t(id, name)), or a lateral view over the
/// items before it (t LATERAL VIEW explode(a) e AS x).
struct FromItem {
  enum class Kind { kTable, kFunction, kSubquery, kJoin, kValues, kPivot, kUnpivot, kLateralView };
  Kind kind = Kind::kTable;
  std::vector<std::string> name;  // kTable: name parts ("db", "t") as written; kFunction, kLateralView: its name
  std::vector<ExprPtr> args;      // kFunction, kLateralView: the function's arguments
  SelectPtr subquery;             // kSubquery
  std::string alias;              // "" when none
  std::vector<std::string> column_aliases;      // AS t(a, b); empty when none
  std::vector<std::vector<ExprPtr>> rows;       // kValues
  // kJoin
  FromItemPtr left, right;
  /// "inner", "cross", "left_outer", "right_outer", "full_outer", "left_semi", "left_anti"
  std::string join_type;
  ExprPtr condition;                       // ON ...; null when none
  std::vector<std::string> using_columns;  // USING (a, b)
  // kPivot: left PIVOT (aggregates FOR pivot IN (values)), values maybe aliased.
  // kUnpivot: left UNPIVOT [INCLUDE NULLS] (value_column FOR name_column IN (values)).
  std::vector<ExprPtr> aggregates;
  ExprPtr pivot;
  std::vector<ExprPtr> values;
  std::string value_column, name_column;
  bool include_nulls = false;
  // kLateralView: left LATERAL VIEW [OUTER] name(args) alias [AS] column_aliases.
  bool outer = false;
};

struct SelectStatement {
  std::vector<ExprPtr> select_list;  // kStar, kAlias, anything
  bool distinct = false;
  FromItemPtr from;  // null for SELECT without FROM
  ExprPtr where;     // null when none
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  /// UNION / INTERSECT / EXCEPT [ALL | DISTINCT] with the next query, applied
  /// left to right before ORDER BY and LIMIT (which then apply to the whole).
  /// INTERSECT binds tighter: `a UNION b INTERSECT c` holds b INTERSECT c as
  /// one operand.
  struct SetOperation {
    enum class Kind { kUnion, kIntersect, kExcept };
    Kind kind;
    bool all;
    SelectPtr query;
  };
  std::vector<SetOperation> set_operations;
  std::vector<ExprPtr> order_by;  // kSortOrder nodes
  std::optional<int64_t> limit;
  std::optional<int64_t> offset;  // OFFSET n, applied before LIMIT as in Spark
  /// WITH name AS (query), ...: common table expressions visible to this
  /// query (and its unions), in order of definition.
  std::vector<std::pair<std::string, SelectPtr>> ctes;
};

/// `col = expr` of UPDATE SET and MERGE's UPDATE SET; the column as written
/// (`t.v` or `v`), and for MERGE's INSERT (cols) VALUES (exprs) the pairs in order.
struct Assignment {
  std::vector<std::string> column;
  ExprPtr value;
};

/// One WHEN clause of MERGE INTO.
struct MergeClause {
  enum class When { kMatched, kNotMatched, kNotMatchedBySource };
  enum class Action { kUpdate, kDelete, kInsert };
  When when = When::kMatched;
  Action action = Action::kUpdate;
  ExprPtr condition;  // WHEN ... AND condition; null when absent
  bool all = false;   // UPDATE SET * / INSERT *
  std::vector<Assignment> assignments;
};

struct Statement {
  enum class Kind {
    kSelect,       // select
    kCreateView,   // CREATE [OR REPLACE] [GLOBAL] [TEMP|TEMPORARY] VIEW name AS select
    kCreateTable,  // CREATE TABLE [IF NOT EXISTS] name [(schema)] [USING fmt] [PARTITIONED BY (...)]
                   //   [OPTIONS (...)] [TBLPROPERTIES (...)] [AS select]
    kShowTables,   // SHOW TABLES [IN|FROM db]
    kDescribe,     // DESCRIBE [TABLE] [EXTENDED] name
    kDescribeQuery,  // DESCRIBE [QUERY] select: the query's columns
    kDropTable,    // DROP TABLE [IF EXISTS] name
    kDropView,     // DROP VIEW [IF EXISTS] name
    // Catalog statements; `name` is the namespace (or table) as written.
    kShowNamespaces,        // SHOW NAMESPACES|DATABASES|SCHEMAS [(IN|FROM) cat[.ns]] [[LIKE] 'pattern']
    kShowViews,             // SHOW VIEWS [(IN|FROM) ns] [[LIKE] 'pattern']
    kShowCurrentNamespace,  // SHOW CURRENT NAMESPACE|DATABASE|SCHEMA
    kShowColumns,           // SHOW COLUMNS (IN|FROM) table [(IN|FROM) ns]
    kShowCreateTable,       // SHOW CREATE TABLE table
    kDescribeNamespace,     // DESCRIBE NAMESPACE|DATABASE|SCHEMA [EXTENDED] ns
    kCreateNamespace,       // CREATE NAMESPACE|DATABASE|SCHEMA [IF NOT EXISTS] ns [COMMENT ..]
                            //   [LOCATION ..] [WITH (DBPROPERTIES|PROPERTIES) (...)]
    kDropNamespace,         // DROP NAMESPACE|DATABASE|SCHEMA [IF EXISTS] ns [RESTRICT|CASCADE]
    kUse,                   // USE [NAMESPACE|DATABASE|SCHEMA] name
    // Writes to tables; `name` is the table.
    kInsert,  // INSERT (INTO [TABLE] | OVERWRITE [TABLE]) name [(columns)] (query | VALUES rows)
    kMerge,   // MERGE INTO name [[AS] a] USING (table | (query)) [[AS] b] ON cond (WHEN ...)+
    kUpdate,  // UPDATE name [[AS] a] SET col = expr [, ...] [WHERE cond]
    kDelete,  // DELETE FROM name [[AS] a] [WHERE cond]
  };
  Kind kind = Kind::kSelect;
  SelectPtr select;               // kSelect, kDescribeQuery; the AS query of kCreateView / kCreateTable
  std::vector<std::string> name;  // the table or view, name parts as written
  bool or_replace = false;
  bool temporary = false;
  bool if_not_exists = false;  // CREATE TABLE
  bool if_exists = false;      // DROP
  bool extended = false;       // DESCRIBE EXTENDED
  StructTypePtr schema;        // CREATE TABLE (a INT, ...); null when absent
  std::string using_format;    // USING parquet / iceberg ...; "" when absent
  std::vector<ExprPtr> partitioned_by;  // columns or transforms: days(ts), bucket(16, id)
  std::vector<std::pair<std::string, std::string>> options;     // OPTIONS ('k'='v')
  std::vector<std::pair<std::string, std::string>> properties;  // TBLPROPERTIES ('k'='v')
  std::vector<std::string> database;  // SHOW TABLES IN db
  bool global = false;                // CREATE GLOBAL TEMP VIEW
  std::string location;               // CREATE TABLE ... LOCATION 'path'; "" when absent
  std::string comment;                // CREATE TABLE ... COMMENT 'text'; "" when absent
  std::string pattern;                // SHOW TABLES LIKE 'pattern'; "" when absent
  bool cascade = false;               // DROP NAMESPACE ... CASCADE
  bool namespace_only = false;        // USE NAMESPACE ns: `name` is a namespace of the current catalog
  bool overwrite = false;             // INSERT OVERWRITE
  std::vector<std::string> columns;   // INSERT INTO t (a, b); empty when absent
  std::string alias;                  // MERGE / UPDATE / DELETE: the target table's alias, "" when none
  FromItemPtr source;                 // MERGE: the USING table or query, with its alias
  ExprPtr condition;                  // MERGE: ON; UPDATE / DELETE: WHERE (null: every row)
  std::vector<Assignment> assignments;      // UPDATE SET
  std::vector<MergeClause> merge_clauses;   // MERGE: the WHEN clauses in order
};

/// What the text's meaning depends on beyond the text: the zone a `TIMESTAMP '...'`
/// literal without one is read in (Spark: spark.sql.session.timeZone when parsed).
struct ParseOptions {
  std::string time_zone = "UTC";
};

/// Parses one expression (what expr(), selectExpr(), filter("...") take).
/// May carry an alias: "a + 1 AS b" gives Alias(...).
arrow::Result<ExprPtr> ParseExpression(std::string_view text, const ParseOptions& options = {});

/// Parses one statement; a trailing ';' is allowed.
arrow::Result<Statement> ParseStatement(std::string_view text, const ParseOptions& options = {});

}  // namespace spate::sql
