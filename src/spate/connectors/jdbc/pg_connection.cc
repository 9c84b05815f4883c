#include "spate/connectors/jdbc/pg_connection.h"

#include <arrow/builder.h>
#include <arrow/table.h>
#include <fmt/format.h>
#include <libpq-fe.h>

#include "spate/expr/time_zone.h"

namespace spate::jdbc {

namespace {

std::string TrimMessage(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

arrow::Result<PgResult> ToPgResult(PGresult* result) {
  PgResult out;
  int columns = PQnfields(result), rows = PQntuples(result);
  arrow::FieldVector fields;
  arrow::ArrayVector arrays;
  for (int c = 0; c < columns; ++c) {
    out.columns.push_back(PgColumn{PQfname(result, c), PQftype(result, c), PQfmod(result, c),
                                   PQftable(result, c), PQftablecol(result, c)});
    arrow::StringBuilder builder;
    ARROW_RETURN_NOT_OK(builder.Reserve(rows));
    for (int r = 0; r < rows; ++r) {
      if (PQgetisnull(result, r, c)) {
        ARROW_RETURN_NOT_OK(builder.AppendNull());
      } else {
        ARROW_RETURN_NOT_OK(builder.Append(PQgetvalue(result, r, c), PQgetlength(result, r, c)));
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto array, builder.Finish());
    fields.push_back(arrow::field("c" + std::to_string(c), arrow::utf8()));
    arrays.push_back(std::move(array));
  }
  out.text = arrow::Table::Make(arrow::schema(fields), arrays, rows);
  return out;
}

// The session zone as PostgreSQL's TimeZone: a region by name, a fixed offset
// as an interval (PostgreSQL would read 'GMT+8' as POSIX: eight hours west).
arrow::Result<std::string> SetTimeZoneStatement(const std::string& time_zone) {
  ARROW_ASSIGN_OR_RAISE(TimeZone zone, ResolveTimeZone(time_zone));
  if (!zone.region.empty()) return fmt::format("SET TimeZone TO '{}'", zone.region);
  return fmt::format("SET TIME ZONE INTERVAL '{} seconds'", zone.offset_seconds);
}

}  // namespace

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

arrow::Result<std::unique_ptr<PgConnection>> PgConnection::Open(const JdbcOptions& options,
                                                                const std::string& time_zone) {
  std::vector<std::string> keys = {"host", "port", "dbname", "client_encoding"};
  std::vector<std::string> values = {options.address.host, options.address.port, options.address.database,
                                     "UTF8"};
  if (!options.address.params.count("connect_timeout")) {
    keys.push_back("connect_timeout");
    values.push_back("30");
  }
  for (const auto& [key, value] : options.address.params) {
    keys.push_back(key);
    values.push_back(value);
  }
  std::vector<const char*> key_ptrs, value_ptrs;
  for (size_t i = 0; i < keys.size(); ++i) {
    key_ptrs.push_back(keys[i].c_str());
    value_ptrs.push_back(values[i].c_str());
  }
  key_ptrs.push_back(nullptr);
  value_ptrs.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(key_ptrs.data(), value_ptrs.data(), 0);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string message = conn ? TrimMessage(PQerrorMessage(conn)) : "out of memory";
    if (conn) PQfinish(conn);
    return arrow::Status::IOError(fmt::format("Cannot connect to PostgreSQL at {} ({}:{}): {}", options.url,
                                              options.address.host, options.address.port, message));
  }
  std::unique_ptr<PgConnection> out(new PgConnection(conn));
  ARROW_ASSIGN_OR_RAISE(std::string set_zone, SetTimeZoneStatement(time_zone.empty() ? "UTC" : time_zone));
  ARROW_RETURN_NOT_OK(out->Execute(set_zone));
  ARROW_RETURN_NOT_OK(out->Execute("SET DateStyle TO ISO"));
  ARROW_RETURN_NOT_OK(out->Execute("SET extra_float_digits TO 3"));
  if (!options.session_init_statement.empty()) {
    ARROW_RETURN_NOT_OK(out->Execute(options.session_init_statement));
  }
  return out;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

arrow::Status PgConnection::Failure(const std::string& what, const std::string& sql) {
  return arrow::Status::IOError(
      fmt::format("PostgreSQL {} failed: {} (statement: {})", what, TrimMessage(PQerrorMessage(conn_)), sql));
}

arrow::Status PgConnection::Execute(const std::string& sql) {
  last_sqlstate_.clear();
  ResultPtr result(PQexec(conn_, sql.c_str()));
  auto status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return arrow::Status::OK();
  const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
  last_sqlstate_ = state ? state : "";
  return Failure("statement", sql);
}

arrow::Result<PgResult> PgConnection::Query(const std::string& sql) {
  last_sqlstate_.clear();
  ResultPtr result(PQexec(conn_, sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
    last_sqlstate_ = state ? state : "";
    return Failure("query", sql);
  }
  return ToPgResult(result.get());
}

arrow::Status PgConnection::BeginCopy(const std::string& copy_sql) {
  ResultPtr result(PQexec(conn_, copy_sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COPY_IN) return Failure("COPY", copy_sql);
  return arrow::Status::OK();
}

arrow::Status PgConnection::PutCopyData(const std::string& data) {
  if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1) return Failure("COPY", "data");
  return arrow::Status::OK();
}

arrow::Status PgConnection::EndCopy() {
  if (PQputCopyEnd(conn_, nullptr) != 1) return Failure("COPY", "end");
  ResultPtr result(PQgetResult(conn_));
  bool ok = PQresultStatus(result.get()) == PGRES_COMMAND_OK;
  while (PGresult* more = PQgetResult(conn_)) PQclear(more);
  if (!ok) return Failure("COPY", "end");
  return arrow::Status::OK();
}

}  // namespace spate::jdbc
