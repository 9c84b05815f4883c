#include "spate/api/sql_runner.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/api/catalog.h"
#include "spate/api/session.h"
#include "spate/api/table_io.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/connectors/iceberg/iceberg_tables.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/window_expr.h"
#include "spate/plan/plan_builder.h"
#include "spate/sql/parser.h"

namespace spate {

namespace {

using sql::FromItem;
using sql::SelectStatement;
using sql::Statement;

bool ContainsAggregate(const Expr& e) {
  if (IsWindowExpr(e)) {  // an aggregate OVER a window is a window function
    for (const auto& input : WindowInputs(e)) {
      if (ContainsAggregate(*input)) return true;
    }
    return false;
  }
  if (e.kind == ExprKind::kCall && IsAggregateFunction(e.name)) return true;
  for (const auto& a : e.args) {
    if (ContainsAggregate(*a)) return true;
  }
  return false;
}

std::string JoinedName(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ".") + p;
  return out;
}

// A relation of one row and no columns: what SELECT without FROM reads.
PlanPtr OneRow() {
  auto source = std::make_shared<ScanSource>();
  source->description = "OneRowRelation";
  source->table = arrow::Table::Make(arrow::schema({}), std::vector<std::shared_ptr<arrow::Array>>{}, 1);
  return MakeScan(std::move(source), *types::Struct({}));
}

PlanPtr TableOf(std::shared_ptr<arrow::Table> table, const StructType& schema) {
  auto source = std::make_shared<ScanSource>();
  source->description = "LocalRelation";
  source->table = std::move(table);
  return MakeScan(std::move(source), schema);
}

// GROUP BY 1 and GROUP BY <select alias> refer to the select list.
arrow::Result<ExprPtr> ResolveGroupReference(const ExprPtr& g, const std::vector<ExprPtr>& select_list,
                                             const std::vector<Attribute>& input) {
  if (g->kind == ExprKind::kLiteral && g->type->IsIntegral() && g->literal->is_valid) {
    int64_t n = std::stoll(g->literal->ToString());
    if (n < 1 || n > static_cast<int64_t>(select_list.size())) {
      return SparkError("GROUP_BY_POS_OUT_OF_RANGE", "42805",
                        fmt::format("GROUP BY position {} is not in select list (valid range is "
                                    "[1, {}]).",
                                    n, select_list.size()));
    }
    const ExprPtr& item = select_list[n - 1];
    return item->kind == ExprKind::kAlias ? item->args[0] : item;
  }
  if (g->kind == ExprKind::kColumn && g->name_parts.size() == 1 &&
      !ResolveColumnIndex(input, g->name_parts[0]).ok()) {
    for (const auto& item : select_list) {
      if (item->kind == ExprKind::kAlias &&
          item->name == g->name_parts[0]) {
        return item->args[0];
      }
    }
  }
  return g;
}

// HAVING may name a select alias that is not an input column (HAVING c > 1
// for count(*) AS c): such names stand for the aliased expression.
ExprPtr ReplaceSelectAliases(const ExprPtr& e, const std::vector<ExprPtr>& select_list,
                             const std::vector<Attribute>& input) {
  if (e->kind == ExprKind::kColumn) return ResolveGroupReference(e, select_list, input).ValueOr(e);
  if (e->args.empty()) return e;
  Expr copy = *e;
  for (auto& a : copy.args) a = ReplaceSelectAliases(a, select_list, input);
  return ex::Node(std::move(copy));
}

class QueryBinder {
 public:
  explicit QueryBinder(Session& session) : session_(session) {}

  arrow::Result<PlanPtr> Select(const SelectStatement& s) {
    // WITH names are visible to this query and the CTEs defined after them.
    ctes_.emplace_back();
    struct PopScope {
      std::vector<std::map<std::string, PlanPtr>>& scopes;
      ~PopScope() { scopes.pop_back(); }
    } pop{ctes_};
    for (const auto& [name, query] : s.ctes) {
      ARROW_ASSIGN_OR_RAISE(auto cte, Select(*query));
      ctes_.back()[AsciiLower(name)] = cte;
    }
    PlanPtr plan = OneRow();
    if (s.from) {
      ARROW_ASSIGN_OR_RAISE(plan, From(*s.from));
    }
    if (s.where) {
      ARROW_ASSIGN_OR_RAISE(plan, MakeFilter(plan, s.where));
    }
    PlanPtr before_projection = plan;
    bool aggregate = !s.group_by.empty() || s.having != nullptr;
    for (const auto& e : s.select_list) aggregate = aggregate || ContainsAggregate(*e);
    if (aggregate) {
      std::vector<ExprPtr> groups;
      for (const auto& g : s.group_by) {
        ARROW_ASSIGN_OR_RAISE(auto group, ResolveGroupReference(g, s.select_list, plan->output));
        groups.push_back(std::move(group));
      }
      ExprPtr having = s.having ? ReplaceSelectAliases(s.having, s.select_list, plan->output) : nullptr;
      ARROW_ASSIGN_OR_RAISE(plan, MakeAggregate(plan, groups, s.select_list, having));
    } else {
      ARROW_ASSIGN_OR_RAISE(plan, MakeProject(plan, s.select_list));
    }
    if (s.distinct) {
      ARROW_ASSIGN_OR_RAISE(plan, MakeDistinct(plan, {}));
    }
    for (size_t u = 0; u < s.unions.size();) {
      if (!s.unions[u].first) {  // UNION [DISTINCT]
        ARROW_ASSIGN_OR_RAISE(auto other, Select(*s.unions[u++].second));
        ARROW_ASSIGN_OR_RAISE(plan, MakeUnion(plan, other, false, false));
        ARROW_ASSIGN_OR_RAISE(plan, MakeDistinct(plan, {}));
        continue;
      }
      // A run of UNION ALL terms is one union node, however long.
      std::vector<PlanPtr> inputs = {plan};
      for (; u < s.unions.size() && s.unions[u].first; ++u) {
        ARROW_ASSIGN_OR_RAISE(auto other, Select(*s.unions[u].second));
        inputs.push_back(std::move(other));
      }
      ARROW_ASSIGN_OR_RAISE(plan, MakeUnionAll(inputs));
    }
    if (!s.order_by.empty()) {
      ARROW_ASSIGN_OR_RAISE(plan, OrderBy(plan, before_projection, s, aggregate));
    }
    if (s.limit || s.offset) {
      ARROW_ASSIGN_OR_RAISE(plan, MakeLimit(plan, s.limit.value_or(INT64_MAX), s.offset.value_or(0)));
    }
    return plan;
  }

 private:
  // ORDER BY sees the select list's names and ordinals; a plain SELECT may
  // also sort by input columns it does not return.
  arrow::Result<PlanPtr> OrderBy(const PlanPtr& plan, const PlanPtr& before_projection,
                                 const SelectStatement& s, bool aggregate) {
    std::vector<ExprPtr> orders;
    for (const auto& o : s.order_by) {
      const ExprPtr& key = o->args[0];
      if (key->kind == ExprKind::kLiteral && key->type->IsIntegral()) {
        int64_t n = std::stoll(key->literal->ToString());
        if (n < 1 || n > static_cast<int64_t>(plan->output.size())) {
          return SparkError("ORDER_BY_POS_OUT_OF_RANGE", "42805",
                            fmt::format("ORDER BY position {} is not in select list (valid range "
                                        "is [1, {}]).",
                                        n, plan->output.size()));
        }
        orders.push_back(ex::Sort(ex::Col({plan->output[n - 1].name}), o->ascending, o->nulls_first));
        continue;
      }
      if (aggregate && ContainsAggregate(*key)) {
        // ORDER BY count(*) sorts by the select item computing the same aggregate.
        std::string text = key->ToString();
        bool matched = false;
        for (size_t i = 0; i < s.select_list.size() && i < plan->output.size(); ++i) {
          const ExprPtr& item = s.select_list[i];
          const Expr& inner = item->kind == ExprKind::kAlias ? *item->args[0] : *item;
          if (inner.ToString() == text) {
            orders.push_back(ex::Sort(ex::Col({plan->output[i].name}), o->ascending, o->nulls_first));
            matched = true;
            break;
          }
        }
        if (matched) continue;
        if (!s.distinct && s.unions.empty()) return SortByHiddenAggregates(before_projection, s);
      }
      orders.push_back(o);
    }
    auto sorted = MakeSort(plan, orders);
    if (sorted.ok() || aggregate || s.distinct || !s.unions.empty()) return sorted;
    ARROW_ASSIGN_OR_RAISE(auto sorted_input, MakeSort(before_projection, orders));
    return MakeProject(sorted_input, s.select_list);
  }

  // ORDER BY an aggregate the select list does not compute: aggregate it as
  // a hidden column, sort, then drop the hidden columns.
  arrow::Result<PlanPtr> SortByHiddenAggregates(const PlanPtr& input, const SelectStatement& s) {
    std::vector<ExprPtr> items = s.select_list;
    std::vector<ExprPtr> orders;
    for (size_t k = 0; k < s.order_by.size(); ++k) {
      const ExprPtr& o = s.order_by[k];
      std::string hidden = fmt::format("__order_{}", k);
      items.push_back(ex::Alias(o->args[0], hidden));
      orders.push_back(ex::Sort(ex::Col({hidden}), o->ascending, o->nulls_first));
    }
    std::vector<ExprPtr> groups;
    for (const auto& g : s.group_by) {
      ARROW_ASSIGN_OR_RAISE(auto group, ResolveGroupReference(g, s.select_list, input->output));
      groups.push_back(std::move(group));
    }
    ExprPtr having = s.having ? ReplaceSelectAliases(s.having, s.select_list, input->output) : nullptr;
    ARROW_ASSIGN_OR_RAISE(auto aggregated, MakeAggregate(input, groups, items, having));
    ARROW_ASSIGN_OR_RAISE(auto sorted, MakeSort(aggregated, orders));
    PlanNode project{.kind = PlanNode::Kind::kProject, .children = {sorted}};
    for (size_t i = 0; i < s.select_list.size(); ++i) {
      const Attribute& a = sorted->output[i];
      project.exprs.push_back(std::make_shared<BoundColumn>(static_cast<int>(i), a.type, a.nullable, a.name));
      project.output.push_back(a);
    }
    return std::make_shared<const PlanNode>(std::move(project));
  }

  arrow::Result<PlanPtr> From(const FromItem& item) {
    switch (item.kind) {
      case FromItem::Kind::kTable: {
        std::string name = item.name.back();
        if (item.name.size() == 1) {
          for (auto scope = ctes_.rbegin(); scope != ctes_.rend(); ++scope) {
            auto it = scope->find(AsciiLower(name));
            if (it != scope->end()) return MakeAlias(it->second, item.alias.empty() ? name : item.alias);
          }
        }
        auto view = item.name.size() == 1 ? session_.LookupTempView(name) : std::nullopt;
        if (view) return MakeAlias(*view, item.alias.empty() ? name : item.alias);
        // Temp views shadow tables; a qualified name only finds tables.
        if (iceberg::IsIcebergName(session_, item.name)) {
          ARROW_ASSIGN_OR_RAISE(auto plan, iceberg::ReadTable(session_, item.name));
          return MakeAlias(plan, item.alias.empty() ? name : item.alias);
        }
        ARROW_ASSIGN_OR_RAISE(std::string table, Catalog::TableName(item.name));
        if (!session_.catalog().TableExists(table)) return TableNotFound(JoinedName(item.name));
        ARROW_ASSIGN_OR_RAISE(auto plan, ReadTable(session_, table));
        return MakeAlias(plan, item.alias.empty() ? name : item.alias);
      }
      case FromItem::Kind::kSubquery: {
        ARROW_ASSIGN_OR_RAISE(auto plan, Select(*item.subquery));
        if (item.alias.empty()) return plan;
        return MakeAlias(plan, item.alias);
      }
      case FromItem::Kind::kValues:
        return InlineTable(item);
      case FromItem::Kind::kJoin: {
        ARROW_ASSIGN_OR_RAISE(auto left, From(*item.left));
        ARROW_ASSIGN_OR_RAISE(auto right, From(*item.right));
        ARROW_ASSIGN_OR_RAISE(auto type, ParseJoinType(item.join_type));
        return MakeJoin(left, right, item.condition, item.using_columns, type);
      }
    }
    return arrow::Status::Invalid("unknown FROM item");
  }

  // VALUES rows AS t(a, b): one row per SELECT of the row's expressions,
  // unioned, so that each column gets the widest type of its values.
  arrow::Result<PlanPtr> InlineTable(const FromItem& item) {
    const size_t width = item.rows.front().size();
    if (!item.column_aliases.empty() && item.column_aliases.size() != width) {
      return SparkError("INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH", "42000",
                        fmt::format("Invalid inline table. Inline table expected {} columns but found {} "
                                    "columns in row 0.",
                                    item.column_aliases.size(), width));
    }
    PlanPtr plan;
    for (size_t r = 0; r < item.rows.size(); ++r) {
      const auto& row = item.rows[r];
      if (row.size() != width) {
        return SparkError("INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH", "42000",
                          fmt::format("Invalid inline table. Inline table expected {} columns but found {} "
                                      "columns in row {}.",
                                      width, row.size(), r));
      }
      std::vector<ExprPtr> columns;
      for (size_t c = 0; c < width; ++c) {
        std::string name = item.column_aliases.empty() ? fmt::format("col{}", c + 1) : item.column_aliases[c];
        columns.push_back(ex::Alias(row[c], name));
      }
      ARROW_ASSIGN_OR_RAISE(auto one, MakeProject(OneRow(), columns));
      if (plan) {
        ARROW_ASSIGN_OR_RAISE(plan, MakeUnion(plan, one, false, false));
      } else {
        plan = one;
      }
    }
    if (item.alias.empty()) return plan;
    return MakeAlias(plan, item.alias);
  }

  Session& session_;
  std::vector<std::map<std::string, PlanPtr>> ctes_;
};

arrow::Result<PlanPtr> ShowTables(Session& session) {
  arrow::StringBuilder ns, names;
  arrow::BooleanBuilder temporary;
  for (const auto& name : session.catalog().ListTables()) {
    ARROW_RETURN_NOT_OK(ns.Append("default"));
    ARROW_RETURN_NOT_OK(names.Append(name));
    ARROW_RETURN_NOT_OK(temporary.Append(false));
  }
  for (const auto& name : session.TempViewNames()) {
    ARROW_RETURN_NOT_OK(ns.Append(""));
    ARROW_RETURN_NOT_OK(names.Append(name));
    ARROW_RETURN_NOT_OK(temporary.Append(true));
  }
  std::vector<std::shared_ptr<arrow::Array>> cols(3);
  ARROW_RETURN_NOT_OK(ns.Finish(&cols[0]));
  ARROW_RETURN_NOT_OK(names.Finish(&cols[1]));
  ARROW_RETURN_NOT_OK(temporary.Finish(&cols[2]));
  auto schema = types::Struct({{"namespace", types::String(), false},
                               {"tableName", types::String(), false},
                               {"isTemporary", types::Boolean(), false}});
  auto arrow_schema = arrow::schema({arrow::field("namespace", arrow::utf8(), false),
                                     arrow::field("tableName", arrow::utf8(), false),
                                     arrow::field("isTemporary", arrow::boolean(), false)});
  return TableOf(arrow::Table::Make(arrow_schema, cols), *schema);
}

// The columns of a temp view or a catalog table, and the partition columns
// of a partitioned table.
struct DescribedRelation {
  StructTypePtr schema;
  std::vector<std::string> partition_columns;
};

arrow::Result<DescribedRelation> FindRelation(Session& session, const std::vector<std::string>& name) {
  auto view = name.size() == 1 ? session.LookupTempView(name.back()) : std::nullopt;
  if (view) return DescribedRelation{(*view)->Schema(), {}};
  ARROW_ASSIGN_OR_RAISE(std::string table_name, Catalog::TableName(name));
  if (!session.catalog().TableExists(table_name)) return TableNotFound(JoinedName(name));
  ARROW_ASSIGN_OR_RAISE(CatalogTable table, session.catalog().GetTable(table_name));
  return DescribedRelation{table.schema, table.partition_columns};
}

arrow::Status AppendColumnRow(const StructField& f, arrow::StringBuilder* col_name,
                              arrow::StringBuilder* data_type, arrow::StringBuilder* comment) {
  ARROW_RETURN_NOT_OK(col_name->Append(f.name));
  ARROW_RETURN_NOT_OK(data_type->Append(f.type->SimpleString()));
  std::string c = f.Comment();
  return c.empty() ? comment->AppendNull() : comment->Append(c);
}

arrow::Result<PlanPtr> Describe(Session& session, const Statement& st) {
  ARROW_ASSIGN_OR_RAISE(DescribedRelation rel, FindRelation(session, st.name));
  arrow::StringBuilder col_name, data_type, comment;
  for (const auto& f : rel.schema->fields()) {
    ARROW_RETURN_NOT_OK(AppendColumnRow(f, &col_name, &data_type, &comment));
  }
  if (!rel.partition_columns.empty()) {
    // Spark's section of partition columns after the columns.
    ARROW_RETURN_NOT_OK(col_name.AppendValues({"# Partition Information", "# col_name"}));
    ARROW_RETURN_NOT_OK(data_type.AppendValues({"", "data_type"}));
    ARROW_RETURN_NOT_OK(comment.AppendValues({"", "comment"}));
    for (const auto& p : rel.partition_columns) {
      int index = rel.schema->FieldIndex(p);
      if (index >= 0) ARROW_RETURN_NOT_OK(AppendColumnRow(rel.schema->field(index), &col_name, &data_type, &comment));
    }
  }
  std::vector<std::shared_ptr<arrow::Array>> cols(3);
  ARROW_RETURN_NOT_OK(col_name.Finish(&cols[0]));
  ARROW_RETURN_NOT_OK(data_type.Finish(&cols[1]));
  ARROW_RETURN_NOT_OK(comment.Finish(&cols[2]));
  auto schema = types::Struct({{"col_name", types::String(), false},
                               {"data_type", types::String(), false},
                               {"comment", types::String(), true}});
  auto arrow_schema = arrow::schema({arrow::field("col_name", arrow::utf8(), false),
                                     arrow::field("data_type", arrow::utf8(), false),
                                     arrow::field("comment", arrow::utf8())});
  return TableOf(arrow::Table::Make(arrow_schema, cols), *schema);
}

arrow::Result<std::vector<std::string>> PartitionColumnNames(const Statement& st) {
  std::vector<std::string> names;
  for (const auto& e : st.partitioned_by) {
    if (e->kind != ExprKind::kColumn || e->name_parts.size() != 1) {
      return arrow::Status::NotImplemented("partition transforms: ", e->ToString());
    }
    names.push_back(e->name_parts[0]);
  }
  return names;
}

// CREATE TABLE t (schema) USING fmt, or CREATE TABLE t USING fmt AS SELECT.
arrow::Result<PlanPtr> CreateTable(Session& session, const Statement& st) {
  if (iceberg::IsIcebergName(session, st.name) && !st.select) {
    if (!st.schema) return arrow::Status::Invalid("CREATE TABLE needs a schema or AS SELECT");
    std::vector<std::shared_ptr<const Expr>> partitioned_by(st.partitioned_by.begin(), st.partitioned_by.end());
    std::map<std::string, std::string> properties(st.properties.begin(), st.properties.end());
    ARROW_RETURN_NOT_OK(iceberg::CreateTable(session, st.name, *st.schema, partitioned_by, st.if_not_exists,
                                             properties));
    return OneRowless();
  }
  ARROW_ASSIGN_OR_RAISE(auto partition_by, PartitionColumnNames(st));
  std::string name = JoinedName(st.name);
  if (st.select) {
    ARROW_ASSIGN_OR_RAISE(auto plan, QueryBinder(session).Select(*st.select));
    TableWrite write;
    write.name = name;
    write.format = st.using_format;
    write.mode = st.if_not_exists ? "ignore" : "errorifexists";
    write.partition_by = partition_by;
    for (const auto& [k, v] : st.options) write.options[k] = v;
    ARROW_RETURN_NOT_OK(SaveAsTable(session, DataFrame(session.shared_from_this(), plan), write));
    return OneRowless();
  }
  if (!st.schema) return arrow::Status::Invalid("CREATE TABLE needs a schema or AS SELECT");
  ARROW_RETURN_NOT_OK(CreateEmptyTable(session, name, *st.schema, st.using_format, partition_by,
                                       st.if_not_exists));
  return OneRowless();
}

// DROP TABLE also drops a temp view of that name, as in Spark.
arrow::Result<PlanPtr> DropTable(Session& session, const Statement& st) {
  if (st.name.size() == 1 && session.DropTempView(st.name.back())) return OneRowless();
  if (iceberg::IsIcebergName(session, st.name)) {
    ARROW_ASSIGN_OR_RAISE(bool dropped, iceberg::DropTable(session, st.name));
    if (!dropped && !st.if_exists) return TableNotFound(JoinedName(st.name));
    return OneRowless();
  }
  ARROW_ASSIGN_OR_RAISE(std::string table, Catalog::TableName(st.name));
  ARROW_ASSIGN_OR_RAISE(bool dropped, session.catalog().DropTable(table));
  if (!dropped && !st.if_exists) return TableNotFound(JoinedName(st.name));
  return OneRowless();
}

arrow::Result<PlanPtr> Run(Session& session, const Statement& st) {
  switch (st.kind) {
    case Statement::Kind::kSelect:
      return QueryBinder(session).Select(*st.select);
    case Statement::Kind::kCreateView: {
      std::string name = st.name.back();
      if (!st.or_replace && session.LookupTempView(name)) {
        return SparkError("TEMP_TABLE_OR_VIEW_ALREADY_EXISTS", "42P07",
                          fmt::format("Cannot create the temporary view `{}` because it already "
                                      "exists.\nChoose a different name, drop or replace the "
                                      "existing view, or add the IF NOT EXISTS clause to tolerate "
                                      "pre-existing views.",
                                      name));
      }
      ARROW_ASSIGN_OR_RAISE(auto plan, QueryBinder(session).Select(*st.select));
      session.CreateTempView(name, plan);
      return OneRowless();
    }
    case Statement::Kind::kDropView: {
      bool dropped = session.DropTempView(st.name.back());
      if (!dropped && !st.if_exists) return TableNotFound(JoinedName(st.name));
      return OneRowless();
    }
    case Statement::Kind::kShowTables:
      return ShowTables(session);
    case Statement::Kind::kDescribe:
      return Describe(session, st);
    case Statement::Kind::kCreateTable:
      return CreateTable(session, st);
    case Statement::Kind::kDropTable:
      return DropTable(session, st);
  }
  return arrow::Status::Invalid("unknown statement");
}

}  // namespace

PlanPtr OneRowless() {
  auto source = std::make_shared<ScanSource>();
  source->description = "LocalRelation";
  source->table = arrow::Table::Make(arrow::schema({}), std::vector<std::shared_ptr<arrow::Array>>{}, 0);
  return MakeScan(std::move(source), *types::Struct({}));
}

DataFrame RunSql(Session& session, const std::string& text) {
  auto st = sql::ParseStatement(text);
  if (!st.ok()) return DataFrame(session.shared_from_this(), st.status());
  return RunStatement(session, *st);
}

DataFrame RunStatement(Session& session, const sql::Statement& statement) {
  return DataFrame(session.shared_from_this(), Run(session, statement));
}

}  // namespace spate
