#pragma once

// spark.sql(text): parses a statement and turns it into DataFrame plans
// (SELECT) or session changes (CREATE VIEW, DROP VIEW) and answers (SHOW
// TABLES, DESCRIBE).

#include <string>

#include "spate/api/dataframe.h"

namespace spate {

class Session;
namespace sql {
struct Statement;
}

DataFrame RunSql(Session& session, const std::string& text);
/// Runs a parsed statement.
DataFrame RunStatement(Session& session, const sql::Statement& statement);

/// An empty relation with no columns: what DDL statements return.
PlanPtr OneRowless();

}  // namespace spate
