#pragma once

// spark.sql(text): parses a statement and turns it into DataFrame plans
// (SELECT) or session changes (CREATE VIEW, DROP VIEW) and answers (SHOW
// TABLES, DESCRIBE).

#include <string>

#include "spate/api/dataframe.h"

namespace spate {

class Session;

DataFrame RunSql(Session& session, const std::string& text);

/// An empty relation with no columns: what DDL statements return.
PlanPtr OneRowless();

}  // namespace spate
