#include "spate/api/row_level_writes.h"

#include <fmt/format.h>

#include "spate/api/catalog.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/api/table_io.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/connectors/iceberg/catalog.h"
#include "spate/connectors/iceberg/iceberg_tables.h"

namespace spate {

namespace {

using functions::col;

// Columns the MERGE adds to its join: the target row's id and which side a
// joined row has.
constexpr const char* kRowId = "__merge_row_id";
constexpr const char* kInTarget = "__merge_in_target";
constexpr const char* kInSource = "__merge_in_source";
constexpr const char* kAction = "__merge_action";

std::string Quoted(const std::string& part) {
  std::string out = "`";
  for (char c : part) out += c == '`' ? std::string("``") : std::string(1, c);
  return out + "`";
}

Column Qualified(const std::string& qualifier, const std::string& name) {
  return col(qualifier.empty() ? Quoted(name) : Quoted(qualifier) + "." + Quoted(name));
}

// The Iceberg table `parts` names (qualified with the current catalog), or
// Spark's error for a table of the session catalog (which cannot change rows)
// or for no table at all.
arrow::Result<std::vector<std::string>> RowLevelTarget(Session& session, const std::vector<std::string>& parts,
                                                       const std::string& operation) {
  std::vector<std::string> qualified = QualifyWithCurrentCatalog(session, parts);
  if (iceberg::IsIcebergName(session.conf(), qualified)) return qualified;
  auto name = Catalog::TableName(parts);
  if (!name.ok() || !session.catalog().TableExists(*name)) return TableOrViewNotFound(parts);
  return SparkError("UNSUPPORTED_FEATURE.TABLE_OPERATION", "0A000",
                    fmt::format("The feature is not supported: Table {} does not support {}. Please check the "
                                "current catalog and namespace to make sure the qualified table name is expected, "
                                "and also check the catalog implementation which is configured by "
                                "\"spark.sql.catalog\".",
                                Catalog::QualifiedName(*name), operation));
}

// The qualifier every column of `df` shares (its alias), or "".
std::string QualifierOf(const DataFrame& df) {
  const auto& output = df.plan()->output;
  if (output.empty()) return "";
  for (const auto& a : output) {
    if (a.qualifier != output[0].qualifier) return "";
  }
  return output[0].qualifier;
}

// Spark's rule: of several clauses of one kind, only the last may omit its condition.
arrow::Status CheckClauseConditions(const std::vector<MergeAction>& actions) {
  using When = MergeAction::When;
  struct Rule {
    When when;
    const char* condition;
    const char* clause;
  };
  static const Rule kRules[] = {
      {When::kMatched, "NON_LAST_MATCHED_CLAUSE_OMIT_CONDITION", "MATCHED"},
      {When::kNotMatched, "NON_LAST_NOT_MATCHED_BY_TARGET_CLAUSE_OMIT_CONDITION", "NOT MATCHED [BY TARGET]"},
      {When::kNotMatchedBySource, "NON_LAST_NOT_MATCHED_BY_SOURCE_CLAUSE_OMIT_CONDITION", "NOT MATCHED BY SOURCE"},
  };
  for (const Rule& rule : kRules) {
    bool unconditional_seen = false;
    for (const auto& a : actions) {
      if (a.when != rule.when) continue;
      if (unconditional_seen) {
        return SparkError(rule.condition, "42613",
                          fmt::format("When there are more than one {0} clauses in a MERGE statement, only the "
                                      "last {0} clause can omit the condition.",
                                      rule.clause));
      }
      unconditional_seen = !a.condition.has_value();
    }
  }
  return arrow::Status::OK();
}

// Spark checks that no target row matches several source rows unless the
// only MATCHED clause is an unconditional DELETE.
bool NeedsCardinalityCheck(const std::vector<MergeAction>& actions) {
  std::vector<const MergeAction*> matched;
  for (const auto& a : actions) {
    if (a.when == MergeAction::When::kMatched) matched.push_back(&a);
  }
  if (matched.empty()) return false;
  return !(matched.size() == 1 && matched[0]->kind == MergeAction::Kind::kDelete && !matched[0]->condition);
}

// The value an action gives column `name` (of `type`): an assignment, the
// source column of that name (UPDATE SET * / INSERT *), the target's value
// (an UPDATE leaves other columns alone) or NULL (an INSERT without it).
arrow::Result<Column> ActionValue(const MergeAction& action, const std::string& name, const DataTypePtr& type,
                                  const std::string& target, const std::string& source) {
  for (const auto& [column, value] : action.assignments) {
    if (AsciiLower(column) == AsciiLower(name)) return value.cast(type);
  }
  if (action.all) return Qualified(source, name).cast(type);
  if (action.kind == MergeAction::Kind::kUpdate) return Qualified(target, name);
  return lit(nullptr).cast(type);
}

// Each assignment names a column of the table.
arrow::Status CheckAssignments(const std::vector<std::pair<std::string, Column>>& assignments,
                               const StructType& schema, const std::string& table) {
  for (const auto& [column, value] : assignments) {
    bool found = false;
    for (const auto& f : schema.fields()) found = found || AsciiLower(f.name) == AsciiLower(column);
    if (!found) {
      return SparkError("UNRESOLVED_COLUMN.WITH_SUGGESTION", "42703",
                        fmt::format("A column, variable, or function parameter with name {} cannot be resolved. "
                                    "Did you mean one of the following? [{}].",
                                    Quoted(column), table));
    }
  }
  return arrow::Status::OK();
}

std::string ColumnNames(const StructType& schema, const std::string& qualifier) {
  std::string out;
  for (const auto& f : schema.fields()) {
    out += (out.empty() ? "" : ", ") + (qualifier.empty() ? "" : Quoted(qualifier) + ".") + Quoted(f.name);
  }
  return out;
}

}  // namespace

arrow::Status MergeInto(Session& session, const MergeSpec& spec) {
  ARROW_RETURN_NOT_OK(spec.source.status());
  ARROW_RETURN_NOT_OK(CheckClauseConditions(spec.actions));
  ARROW_ASSIGN_OR_RAISE(auto parts, RowLevelTarget(session, spec.table, "MERGE INTO TABLE"));
  ARROW_ASSIGN_OR_RAISE(auto version, iceberg::ReadVersion(session.conf(), parts));
  auto self = session.shared_from_this();
  DataFrame table(self, version.rows);
  const StructTypePtr schema = table.schema();
  const std::string t = spec.target_alias.empty() ? parts.back() : spec.target_alias;
  std::string s = QualifierOf(spec.source);
  if (s.empty()) s = "__merge_source";
  for (const auto& a : spec.actions) {
    ARROW_RETURN_NOT_OK(CheckAssignments(a.assignments, *schema, ColumnNames(*schema, t)));
  }

  DataFrame target = table.select({col("*"), functions::expr("monotonically_increasing_id()").alias(kRowId),
                                   lit(true).alias(kInTarget)})
                         .alias(t);
  DataFrame source = spec.source.select({col("*"), lit(true).alias(kInSource)}).alias(s);
  DataFrame joined = target.join(source, spec.condition, "full_outer");
  ARROW_RETURN_NOT_OK(joined.status());

  const Column matched = col(kInTarget).isNotNull() && col(kInSource).isNotNull();
  if (NeedsCardinalityCheck(spec.actions)) {
    DataFrame repeated =
        joined.filter(matched).groupBy({col(kRowId)}).count().filter(col("count") > lit(int64_t{1})).limit(1);
    ARROW_ASSIGN_OR_RAISE(int64_t n, repeated.count());
    if (n > 0) {
      return SparkError("MERGE_CARDINALITY_VIOLATION", "23K01",
                        "The ON search condition of the MERGE statement matched a single row from the target table "
                        "with multiple rows of the source table.\nThis could result in the target row being "
                        "operated on more than once with an update or delete operation and is not allowed.");
    }
  }

  // Each joined row takes the first clause of its kind whose condition holds
  // (action number i + 1), or none (0).
  Column action = lit(int32_t{0});
  bool first = true;
  for (size_t i = 0; i < spec.actions.size(); ++i) {
    const MergeAction& a = spec.actions[i];
    Column when = a.when == MergeAction::When::kMatched      ? matched
                  : a.when == MergeAction::When::kNotMatched ? col(kInTarget).isNull()
                                                             : col(kInSource).isNull();
    if (a.condition) when = when && *a.condition;
    Column number = lit(static_cast<int32_t>(i + 1));
    action = first ? functions::when(when, number) : action.when(when, number);
    first = false;
  }
  if (!first) action = action.otherwise(lit(int32_t{0}));
  DataFrame decided = joined.select({col("*"), action.alias(kAction)});

  // A row stays when it was in the target and no DELETE took it, or an INSERT made it.
  Column keep = col(kInTarget).isNotNull();
  std::vector<Column> columns;
  for (const auto& f : schema->fields()) {
    Column value = Qualified(t, f.name);
    bool first_value = true;
    Column chosen;
    for (size_t i = 0; i < spec.actions.size(); ++i) {
      const MergeAction& a = spec.actions[i];
      if (a.kind == MergeAction::Kind::kDelete) continue;
      ARROW_ASSIGN_OR_RAISE(auto v, ActionValue(a, f.name, f.type, t, s));
      Column is_this = col(kAction) == lit(static_cast<int32_t>(i + 1));
      chosen = first_value ? functions::when(is_this, v) : chosen.when(is_this, v);
      first_value = false;
    }
    if (!first_value) value = chosen.otherwise(value);
    columns.push_back(value.alias(f.name));
  }
  for (size_t i = 0; i < spec.actions.size(); ++i) {
    Column is_this = col(kAction) == lit(static_cast<int32_t>(i + 1));
    if (spec.actions[i].kind == MergeAction::Kind::kDelete) keep = keep && !is_this;
    if (spec.actions[i].kind == MergeAction::Kind::kInsert) keep = keep || is_this;
  }
  DataFrame rows = decided.filter(keep).select(columns);
  ARROW_RETURN_NOT_OK(rows.status());
  return iceberg::ReplaceRows(session.conf(), parts, RowsOf(rows), version.snapshot_id);
}

arrow::Status UpdateTable(Session& session, const std::vector<std::string>& table_name, const std::string& alias,
                          const std::vector<std::pair<std::string, Column>>& assignments,
                          const std::optional<Column>& condition) {
  ARROW_ASSIGN_OR_RAISE(auto parts, RowLevelTarget(session, table_name, "UPDATE TABLE"));
  ARROW_ASSIGN_OR_RAISE(auto version, iceberg::ReadVersion(session.conf(), parts));
  const std::string t = alias.empty() ? parts.back() : alias;
  DataFrame table = DataFrame(session.shared_from_this(), version.rows).alias(t);
  const StructTypePtr schema = table.schema();
  ARROW_RETURN_NOT_OK(CheckAssignments(assignments, *schema, ColumnNames(*schema, t)));
  std::vector<Column> columns;
  for (const auto& f : schema->fields()) {
    Column value = Qualified(t, f.name);
    for (const auto& [column, assigned] : assignments) {
      if (AsciiLower(column) != AsciiLower(f.name)) continue;
      value = condition ? functions::when(*condition, assigned.cast(f.type)).otherwise(value) : assigned.cast(f.type);
    }
    columns.push_back(value.alias(f.name));
  }
  DataFrame rows = table.select(columns);
  ARROW_RETURN_NOT_OK(rows.status());
  return iceberg::ReplaceRows(session.conf(), parts, RowsOf(rows), version.snapshot_id);
}

arrow::Status DeleteFromTable(Session& session, const std::vector<std::string>& table_name, const std::string& alias,
                              const std::optional<Column>& condition) {
  ARROW_ASSIGN_OR_RAISE(auto parts, RowLevelTarget(session, table_name, "DELETE"));
  ARROW_ASSIGN_OR_RAISE(auto version, iceberg::ReadVersion(session.conf(), parts));
  DataFrame table = DataFrame(session.shared_from_this(), version.rows).alias(alias.empty() ? parts.back() : alias);
  // A row stays unless the condition is true for it (NULL keeps it, as in Spark).
  DataFrame rows = condition ? table.filter(!functions::coalesce({*condition, lit(false)})) : table.limit(0);
  ARROW_RETURN_NOT_OK(rows.status());
  return iceberg::ReplaceRows(session.conf(), parts, RowsOf(rows), version.snapshot_id);
}

// ---------------------------------------------------------------------------
// MergeIntoWriter

MergeIntoWriter::MergeIntoWriter(DataFrame source, std::string table, Column condition)
    : table_(std::move(table)), spec_{{}, "", std::move(source), std::move(condition), {}} {}

MergeIntoWriter& MergeIntoWriter::Add(MergeAction action) {
  spec_.actions.push_back(std::move(action));
  return *this;
}

MergeIntoWriter& MergeIntoWriter::WhenMatched::updateAll() {
  return writer_->Add({MergeAction::When::kMatched, MergeAction::Kind::kUpdate, condition_, true, {}});
}
MergeIntoWriter& MergeIntoWriter::WhenMatched::update(const std::vector<std::pair<std::string, Column>>& assignments) {
  return writer_->Add({MergeAction::When::kMatched, MergeAction::Kind::kUpdate, condition_, false, assignments});
}
MergeIntoWriter& MergeIntoWriter::WhenMatched::delete_() {
  return writer_->Add({MergeAction::When::kMatched, MergeAction::Kind::kDelete, condition_, false, {}});
}
MergeIntoWriter& MergeIntoWriter::WhenNotMatched::insertAll() {
  return writer_->Add({MergeAction::When::kNotMatched, MergeAction::Kind::kInsert, condition_, true, {}});
}
MergeIntoWriter& MergeIntoWriter::WhenNotMatched::insert(
    const std::vector<std::pair<std::string, Column>>& assignments) {
  return writer_->Add({MergeAction::When::kNotMatched, MergeAction::Kind::kInsert, condition_, false, assignments});
}
MergeIntoWriter& MergeIntoWriter::WhenNotMatchedBySource::update(
    const std::vector<std::pair<std::string, Column>>& assignments) {
  return writer_->Add(
      {MergeAction::When::kNotMatchedBySource, MergeAction::Kind::kUpdate, condition_, false, assignments});
}
MergeIntoWriter& MergeIntoWriter::WhenNotMatchedBySource::delete_() {
  return writer_->Add({MergeAction::When::kNotMatchedBySource, MergeAction::Kind::kDelete, condition_, false, {}});
}

arrow::Status MergeIntoWriter::merge() const {
  ARROW_RETURN_NOT_OK(spec_.source.status());
  if (schema_evolution_) {
    return arrow::Status::NotImplemented(
        "MERGE WITH SCHEMA EVOLUTION (mergeInto(...).withSchemaEvolution()) is not supported: add the new columns "
        "to the table first");
  }
  MergeSpec spec = spec_;
  spec.table = iceberg::SplitName(table_);
  return MergeInto(*spec.source.session(), spec);
}

}  // namespace spate
