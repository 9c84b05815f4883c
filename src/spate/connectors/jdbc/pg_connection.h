#pragma once

// A connection to a PostgreSQL server over libpq: statements, queries whose
// rows come back as text columns, and COPY ... FROM STDIN.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/status.h>

#include "spate/connectors/jdbc/jdbc_options.h"

typedef struct pg_conn PGconn;

namespace arrow {
class Table;
}

namespace spate::jdbc {

struct PgColumn {
  std::string name;
  uint32_t type_oid = 0;
  int type_mod = -1;
  uint32_t table_oid = 0;  // the base table's column, when the column is one
  int table_column = 0;
};

/// A query's result: its columns, and every value as text (an Arrow table of
/// utf8 columns named c0, c1, ..., null where SQL NULL).
struct PgResult {
  std::vector<PgColumn> columns;
  std::shared_ptr<arrow::Table> text;
};

class PgConnection {
 public:
  /// Connects, with the session's time zone as the server session's TimeZone.
  static arrow::Result<std::unique_ptr<PgConnection>> Open(const JdbcOptions& options,
                                                           const std::string& time_zone);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  /// Runs a statement that returns no rows.
  arrow::Status Execute(const std::string& sql);
  /// Runs a query; its rows as text.
  arrow::Result<PgResult> Query(const std::string& sql);
  /// The SQLSTATE of the last failed statement ("" when none failed).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

  /// COPY ... FROM STDIN: Begin, Put the data in pieces, then End (which
  /// reports whether the server accepted all of it).
  arrow::Status BeginCopy(const std::string& copy_sql);
  arrow::Status PutCopyData(const std::string& data);
  arrow::Status EndCopy();

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  arrow::Status Failure(const std::string& what, const std::string& sql);

  PGconn* conn_;
  std::string last_sqlstate_;
};

/// Quotes an identifier as PostgreSQL does ("name", inner quotes doubled).
std::string QuoteIdentifier(const std::string& name);

}  // namespace spate::jdbc
