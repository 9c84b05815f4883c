#include "spate/api/sql_runner.h"

#include <sys/stat.h>

#include <ctime>
#include <filesystem>
#include <set>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/aggregates/aggregate_definitions.h"
#include "spate/api/catalog.h"
#include "spate/api/functions.h"
#include "spate/api/pivot.h"
#include "spate/api/row_level_writes.h"
#include "spate/api/session.h"
#include "spate/api/table_io.h"
#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/connectors/iceberg/catalog.h"
#include "spate/connectors/iceberg/iceberg_tables.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/window_expr.h"
#include "spate/plan/grouping_sets.h"
#include "spate/plan/plan_builder.h"
#include "spate/sql/parser.h"

namespace spate {

namespace {

// The lower-case names of the columns `e` refers to (the last part of each).
void CollectColumnNames(const Expr& e, std::set<std::string>* out) {
  if (e.kind == ExprKind::kColumn && !e.name_parts.empty()) out->insert(AsciiLower(e.name_parts.back()));
  for (const auto& a : e.args) CollectColumnNames(*a, out);
}

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
  // grouping()/grouping_id() read the aggregation's grouping id, like an aggregate.
  if (e.kind == ExprKind::kCall && (IsAggregateFunction(e.name) || IsGroupingFunction(e.name))) return true;
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
  if (g->kind == ExprKind::kLiteral && g->type->id() == TypeId::kInt && g->literal->is_valid) {
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

// The same inside ROLLUP(...), CUBE(...) and GROUPING SETS (...).
arrow::Result<ExprPtr> ResolveGroupItem(const ExprPtr& g, const std::vector<ExprPtr>& select_list,
                                        const std::vector<Attribute>& input) {
  const bool analytics = g->kind == ExprKind::kCall && (g->name == kRollup || g->name == kCube ||
                                                        g->name == kGroupingSets || g->name == kGroupingSet);
  if (!analytics) return ResolveGroupReference(g, select_list, input);
  Expr copy = *g;
  for (auto& a : copy.args) {
    ARROW_ASSIGN_OR_RAISE(a, ResolveGroupItem(a, select_list, input));
  }
  return ex::Node(std::move(copy));
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
        ARROW_ASSIGN_OR_RAISE(auto group, ResolveGroupItem(g, s.select_list, plan->output));
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
    using SetOp = SelectStatement::SetOperation;
    const auto& ops = s.set_operations;
    for (size_t u = 0; u < ops.size();) {
      if (ops[u].kind == SetOp::Kind::kUnion && ops[u].all) {
        // A run of UNION ALL terms is one union node, however long.
        std::vector<PlanPtr> inputs = {plan};
        for (; u < ops.size() && ops[u].kind == SetOp::Kind::kUnion && ops[u].all; ++u) {
          ARROW_ASSIGN_OR_RAISE(auto other, Select(*ops[u].query));
          inputs.push_back(std::move(other));
        }
        ARROW_ASSIGN_OR_RAISE(plan, MakeUnionAll(inputs));
        continue;
      }
      const SetOp& op = ops[u++];
      ARROW_ASSIGN_OR_RAISE(auto other, Select(*op.query));
      if (op.kind == SetOp::Kind::kUnion) {  // UNION [DISTINCT]
        ARROW_ASSIGN_OR_RAISE(plan, MakeUnion(plan, other, false, false));
        ARROW_ASSIGN_OR_RAISE(plan, MakeDistinct(plan, {}));
      } else {
        ARROW_ASSIGN_OR_RAISE(plan, MakeSetOperation(plan, other, op.kind == SetOp::Kind::kIntersect, op.all));
      }
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
      // Only an INT literal is a position (Spark's ordinals): ORDER BY 9223372036854775807 sorts by a constant.
      if (key->kind == ExprKind::kLiteral && key->type->id() == TypeId::kInt && key->literal->is_valid) {
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
        if (!s.distinct && s.set_operations.empty()) return SortByHiddenAggregates(before_projection, s);
      }
      orders.push_back(o);
    }
    auto sorted = MakeSort(plan, orders);
    if (sorted.ok() || aggregate || s.distinct || !s.set_operations.empty()) return sorted;
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
      ARROW_ASSIGN_OR_RAISE(auto group, ResolveGroupItem(g, s.select_list, input->output));
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
        // Unqualified names are in the current catalog (USE).
        std::vector<std::string> qualified = QualifyWithCurrentCatalog(session_, item.name);
        if (iceberg::IsIcebergName(session_.conf(), qualified)) {
          ARROW_ASSIGN_OR_RAISE(auto plan, iceberg::ReadTable(session_.conf(), qualified));
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
      case FromItem::Kind::kFunction:
        return TableFunction(item);
      case FromItem::Kind::kValues:
        return InlineTable(item);
      case FromItem::Kind::kJoin: {
        ARROW_ASSIGN_OR_RAISE(auto left, From(*item.left));
        ARROW_ASSIGN_OR_RAISE(auto right, From(*item.right));
        ARROW_ASSIGN_OR_RAISE(auto type, ParseJoinType(item.join_type));
        return MakeJoin(left, right, item.condition, item.using_columns, type);
      }
      case FromItem::Kind::kPivot:
        return Pivot(item);
      case FromItem::Kind::kUnpivot:
        return Unpivot(item);
      case FromItem::Kind::kLateralView:
        return LateralView(item);
    }
    return arrow::Status::Invalid("unknown FROM item");
  }

  // PIVOT groups by the source's columns that neither the aggregates nor the pivot column use.
  arrow::Result<PlanPtr> Pivot(const FromItem& item) {
    ARROW_ASSIGN_OR_RAISE(auto source, From(*item.left));
    std::set<std::string> used;
    for (const auto& a : item.aggregates) CollectColumnNames(*a, &used);
    CollectColumnNames(*item.pivot, &used);
    std::vector<ExprPtr> outputs;
    for (const auto& a : source->output) {
      if (!used.count(AsciiLower(a.name))) outputs.push_back(ex::Col({a.name}));
    }
    std::vector<ExprPtr> groups = outputs;
    for (auto& e : PivotAggregates(source, item.pivot, item.values, item.aggregates)) outputs.push_back(std::move(e));
    ARROW_ASSIGN_OR_RAISE(auto plan, MakeAggregate(source, groups, outputs));
    return item.alias.empty() ? plan : MakeAlias(plan, item.alias);
  }

  // UNPIVOT: the columns not unpivoted are the ids; EXCLUDE NULLS (the default) drops NULL values.
  arrow::Result<PlanPtr> Unpivot(const FromItem& item) {
    ARROW_ASSIGN_OR_RAISE(auto source, From(*item.left));
    std::set<std::string> used;
    for (const auto& v : item.values) CollectColumnNames(*v, &used);
    std::vector<Column> ids, values;
    for (const auto& a : source->output) {
      if (!used.count(AsciiLower(a.name))) ids.emplace_back(ex::Col({a.name}));
    }
    for (const auto& v : item.values) {
      values.emplace_back(v->kind == ExprKind::kAlias ? v->args[0] : v);
      if (v->kind == ExprKind::kAlias) values.back() = values.back().alias(v->name);
    }
    DataFrame out = DataFrame(session_.shared_from_this(), source)
                        .unpivot(ids, values, item.name_column, item.value_column);
    if (!item.include_nulls) out = out.filter(Column(ex::Col({item.value_column})).isNotNull());
    ARROW_RETURN_NOT_OK(out.status());
    return item.alias.empty() ? out.plan() : MakeAlias(out.plan(), item.alias);
  }

  // LATERAL VIEW [OUTER] generator(args) alias [AS] columns: the source's
  // columns beside the generator's, as SELECT *, generator(args) AS (columns)
  // over the source; the generator's columns are qualified by the alias.
  arrow::Result<PlanPtr> LateralView(const FromItem& item) {
    ARROW_ASSIGN_OR_RAISE(auto source, From(*item.left));
    std::string name = AsciiLower(item.name.back());
    if (item.outer && IsGeneratorName(name + "_outer")) name += "_outer";
    ExprPtr generator = ex::Call(name, item.args);
    if (!IsGeneratorName(name) && name != "json_tuple") {
      auto call = MakeProject(source, {generator});
      if (ErrorClassOf(call.status()) == "UNRESOLVED_ROUTINE") {
        return SparkError("ROUTINE_NOT_FOUND", "42883",
                          fmt::format("The routine `{}`.`{}` cannot be found. Verify the spelling and correctness "
                                      "of the schema and catalog.\nIf you did not qualify the name with a schema "
                                      "and catalog, verify the current_schema() output, or qualify the name with "
                                      "the correct schema and catalog.\nTo tolerate the error on drop use DROP ... "
                                      "IF EXISTS.",
                                      catalog::currentDatabase(session_), name));
      }
      ARROW_RETURN_NOT_OK(call.status());
      return SparkError("UNSUPPORTED_GENERATOR.NOT_GENERATOR", "42K0E",
                        fmt::format("The generator is not supported: `{}` is expected to be a generator. However, "
                                    "it is not a generator (LATERAL VIEW takes explode, explode_outer, posexplode, "
                                    "posexplode_outer, inline, inline_outer, stack or json_tuple).",
                                    name));
    }
    if (!item.column_aliases.empty()) generator = ex::MultiAlias(generator, item.column_aliases);
    ARROW_ASSIGN_OR_RAISE(auto plan, MakeProject(source, {ex::Star(), generator}));
    PlanNode node = *plan;
    for (size_t i = 0; i < node.output.size(); ++i) {
      if (i < source->output.size()) {
        node.output[i] = source->output[i];
      } else {
        node.output[i].qualifier = AsciiLower(item.alias);  // as Spark keeps it
      }
    }
    return std::make_shared<const PlanNode>(std::move(node));
  }

  // A table-valued function in FROM: range(...), or a generator (explode,
  // inline, stack, json_tuple, ...) over one row; then its alias and column aliases.
  arrow::Result<PlanPtr> TableFunction(const FromItem& item) {
    const std::string name = AsciiLower(item.name.front());
    PlanPtr plan;
    if (name == "range") {
      ARROW_ASSIGN_OR_RAISE(plan, Range(item.args));
    } else if (IsGeneratorName(name) || name == "json_tuple") {
      ARROW_ASSIGN_OR_RAISE(plan, MakeProject(OneRow(), {ex::Call(name, item.args)}));
    } else {
      return SparkError("UNRESOLVABLE_TABLE_VALUED_FUNCTION", "42883",
                        fmt::format("Could not resolve `{0}` to a table-valued function.\nPlease make sure that "
                                    "`{0}` is defined as a table-valued function and that all required "
                                    "parameters are provided correctly.\nIf `{0}` is not defined, please "
                                    "create the table-valued function before using it.\nFor more information "
                                    "about defining table-valued functions, please refer to the Apache Spark "
                                    "documentation.",
                                    item.name.front()));
    }
    if (!item.column_aliases.empty()) {
      if (item.column_aliases.size() != plan->output.size()) {
        return SparkError("NUM_TABLE_VALUE_ALIASES_MISMATCH", "42826",
                          fmt::format("Number of given aliases does not match number of output columns.\n"
                                      "Function name: `{}`; number of aliases: {}; number of output columns: {}.",
                                      name, item.column_aliases.size(), plan->output.size()));
      }
      DataFrame renamed = DataFrame(session_.shared_from_this(), plan).toDF(item.column_aliases);
      ARROW_RETURN_NOT_OK(renamed.status());
      plan = renamed.plan();
    }
    return item.alias.empty() ? plan : MakeAlias(plan, item.alias);
  }

  // range(end) | range(start, end [, step [, numPartitions]]): constant arguments cast to BIGINT.
  arrow::Result<PlanPtr> Range(const std::vector<ExprPtr>& args) {
    if (args.empty() || args.size() > 4) return WrongNumArgs("range", "[1, 2, 3, 4]", args.size());
    static const char* kOrdinals[] = {"first", "second", "third", "fourth"};
    const size_t first = args.size() == 1 ? 1 : 0;  // range(end) is range(0, end)
    std::vector<int64_t> values;
    for (size_t i = 0; i < args.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto arg, MakeProject(OneRow(), {args[i]}));
      const Attribute& a = arg->output[0];
      TypeId type = a.type->id();
      if (!a.type->IsNumeric() && type != TypeId::kString) {
        return SparkError("UNEXPECTED_INPUT_TYPE", "42K09",
                          fmt::format("Parameter {} of function `range` requires the \"BIGINT\" type, however "
                                      "\"{}\" has the type {}.",
                                      kOrdinals[first + i], a.name, QuotedType(*a.type)));
      }
      ARROW_ASSIGN_OR_RAISE(auto cast, MakeProject(OneRow(), {ex::Cast(args[i], types::Long())}));
      ARROW_ASSIGN_OR_RAISE(auto rows, DataFrame(session_.shared_from_this(), cast).toArrow());
      const auto& column = static_cast<const arrow::Int64Array&>(*rows->column(0)->chunk(0));
      values.push_back(column.Value(0));
    }
    if (args.size() == 4 && values[3] <= 0) return arrow::Status::Invalid("Positive number of partitions required");
    int64_t start = args.size() == 1 ? 0 : values[0];
    int64_t end = args.size() == 1 ? values[0] : values[1];
    DataFrame range = session_.Range(start, end, args.size() >= 3 ? values[2] : 1);
    ARROW_RETURN_NOT_OK(range.status());
    return range.plan();
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

// --- catalog statements ------------------------------------------------------

// The answer of a catalog statement: string columns (and boolean ones), row by row.
class AnswerTable {
 public:
  struct ColumnSpec {
    std::string name;
    bool nullable = false;
    bool boolean = false;
  };
  using Cell = std::optional<std::string>;  // booleans as "true" / "false"

  explicit AnswerTable(std::vector<ColumnSpec> columns) : columns_(std::move(columns)) {}
  void Add(std::vector<Cell> row) { rows_.push_back(std::move(row)); }
  size_t size() const { return rows_.size(); }

  arrow::Result<PlanPtr> Plan() const {
    std::vector<StructField> fields;
    arrow::FieldVector arrow_fields;
    std::vector<std::shared_ptr<arrow::Array>> arrays;
    for (size_t c = 0; c < columns_.size(); ++c) {
      const ColumnSpec& spec = columns_[c];
      fields.push_back({spec.name, spec.boolean ? types::Boolean() : types::String(), spec.nullable});
      arrow_fields.push_back(arrow::field(spec.name, spec.boolean ? arrow::boolean() : arrow::utf8(), spec.nullable));
      std::shared_ptr<arrow::Array> array;
      if (spec.boolean) {
        arrow::BooleanBuilder b;
        for (const auto& row : rows_) ARROW_RETURN_NOT_OK(row[c] ? b.Append(*row[c] == "true") : b.AppendNull());
        ARROW_RETURN_NOT_OK(b.Finish(&array));
      } else {
        arrow::StringBuilder b;
        for (const auto& row : rows_) ARROW_RETURN_NOT_OK(row[c] ? b.Append(*row[c]) : b.AppendNull());
        ARROW_RETURN_NOT_OK(b.Finish(&array));
      }
      arrays.push_back(std::move(array));
    }
    return TableOf(arrow::Table::Make(arrow::schema(arrow_fields), arrays), *types::Struct(std::move(fields)));
  }

 private:
  std::vector<ColumnSpec> columns_;
  std::vector<std::vector<Cell>> rows_;
};

ResolvedNamespace NamespaceOf(Session& session, const std::vector<std::string>& written) {
  return written.empty() ? CurrentNamespaceOf(session) : ResolveNamespaceName(session, written);
}

// SHOW TABLES / SHOW VIEWS: (namespace, tableName|viewName, isTemporary);
// temp views have the namespace "" and are listed with the session catalog's tables.
arrow::Result<PlanPtr> ShowRelations(Session& session, const Statement& st, bool views_only) {
  ARROW_ASSIGN_OR_RAISE(auto relations, ListRelations(session, NamespaceOf(session, st.database), true));
  AnswerTable answer({{"namespace"}, {views_only ? "viewName" : "tableName"}, {"isTemporary", false, true}});
  for (const auto& t : relations) {
    if (views_only && !t.is_temporary) continue;
    if (!st.pattern.empty() && !MatchesPattern(t.name, st.pattern)) continue;
    answer.Add({QuoteIfNeeded(t.ns), t.name, t.is_temporary ? "true" : "false"});
  }
  return answer.Plan();
}

// SHOW NAMESPACES [IN cat[.ns]]: the namespaces under the current catalog or the one named.
arrow::Result<PlanPtr> ShowNamespaces(Session& session, const Statement& st) {
  ResolvedNamespace parent = st.database.empty() ? ResolvedNamespace{session.catalog().CurrentCatalog(), {}, false}
                                                 : ResolveNamespaceName(session, st.database);
  if (st.database.empty()) parent.iceberg = CurrentNamespaceOf(session).iceberg;
  ARROW_ASSIGN_OR_RAISE(auto namespaces, ListNamespaces(session, parent));
  AnswerTable answer({{"namespace"}});
  for (const auto& ns : namespaces) {
    std::string shown = QuoteIfNeeded(ns);
    if (st.pattern.empty() || MatchesPattern(shown, st.pattern)) answer.Add({shown});
  }
  return answer.Plan();
}

arrow::Result<PlanPtr> ShowCurrentNamespace(Session& session) {
  ResolvedNamespace current = CurrentNamespaceOf(session);
  AnswerTable answer({{"catalog"}, {"namespace"}});
  answer.Add({current.catalog, QuoteIfNeeded(current.ns)});
  return answer.Plan();
}

std::vector<std::string> TableNameWithDatabase(const Statement& st) {
  if (st.database.empty()) return st.name;
  std::vector<std::string> parts = st.database;
  parts.push_back(st.name.back());
  return parts;
}

arrow::Result<PlanPtr> ShowColumns(Session& session, const Statement& st) {
  ARROW_ASSIGN_OR_RAISE(auto described, catalog::describeColumns(session, TableNameWithDatabase(st)));
  AnswerTable answer({{"col_name"}});
  for (const auto& f : described.schema->fields()) answer.Add({f.name});
  return answer.Plan();
}

// SHOW CREATE TABLE of a session catalog table: its columns, provider and partitioning.
arrow::Result<PlanPtr> ShowCreateTable(Session& session, const Statement& st) {
  ResolvedTableName r = ResolveTableName(session, st.name);
  if (r.catalog.empty()) {
    return SparkError("EXPECT_PERMANENT_VIEW_NOT_TEMP", "42809",
                      fmt::format("'SHOW CREATE TABLE' expects a permanent view but {} is a temp view.",
                                  iceberg::QuoteParts(st.name)));
  }
  if (r.iceberg) return arrow::Status::NotImplemented("SHOW CREATE TABLE of an Iceberg table");
  ARROW_ASSIGN_OR_RAISE(auto described, catalog::describeColumns(session, st.name));
  ARROW_ASSIGN_OR_RAISE(CatalogTable table, session.catalog().GetTable(AsciiLower(r.name)));
  std::string text = fmt::format("CREATE TABLE spark_catalog.default.{} (\n", QuoteIfNeeded(table.name));
  for (int i = 0; i < described.schema->num_fields(); ++i) {
    const StructField& f = described.schema->field(i);
    text += "  " + f.ToDdl();
    text += i + 1 < described.schema->num_fields() ? ",\n" : ")\n";
  }
  text += "USING " + table.provider + "\n";
  if (!table.partition_columns.empty()) {
    std::string cols;
    for (const auto& p : table.partition_columns) cols += (cols.empty() ? "" : ", ") + QuoteIfNeeded(p);
    text += "PARTITIONED BY (" + cols + ")\n";
  }
  AnswerTable answer({{"createtab_stmt"}});
  answer.Add({text});
  return answer.Plan();
}

void AddColumnRow(const StructField& f, AnswerTable* answer) {
  std::string c = f.Comment();
  answer->Add({f.name, f.type->SimpleString(), c.empty() ? std::nullopt : std::optional<std::string>(c)});
}

// Spark's partition section: the identity partition columns under
// "# Partition Information"; other transforms as "# Partitioning" / "Part i".
void AddPartitionRows(const StructType& schema, const std::vector<std::string>& identity_columns,
                      const std::vector<std::string>& transforms, AnswerTable* answer) {
  if (transforms.size() > identity_columns.size()) {
    answer->Add({"", "", ""});
    answer->Add({"# Partitioning", "", ""});
    for (size_t i = 0; i < transforms.size(); ++i) answer->Add({fmt::format("Part {}", i), transforms[i], ""});
    return;
  }
  if (identity_columns.empty()) return;
  answer->Add({"# Partition Information", "", ""});
  answer->Add({"# col_name", "data_type", "comment"});
  for (const auto& p : identity_columns) {
    int index = schema.FieldIndex(p);
    if (index >= 0) {
      answer->Add({p, schema.field(index).type->SimpleString(), std::nullopt});
    }
  }
}

// An Iceberg partition field as Spark's transform describes it: days(ts), bucket(16, id).
std::string DescribeTransform(const iceberg::PartitionField& f, const iceberg::IcebergSchema& schema) {
  const auto* source = schema.FindId(f.source_id);
  std::string col = source ? QuoteIfNeeded(source->name) : std::to_string(f.source_id);
  const std::string& t = f.transform;
  if (t == "identity") return col;
  if (t == "year" || t == "month" || t == "day" || t == "hour") return fmt::format("{}s({})", t, col);
  size_t open = t.find('[');
  if (open != std::string::npos && t.back() == ']') {
    std::string fn = t.substr(0, open), n = t.substr(open + 1, t.size() - open - 2);
    return fn == "bucket" ? fmt::format("bucket({}, {})", n, col) : fmt::format("{}({}, {})", fn, col, n);
  }
  return fmt::format("{}({})", t, col);
}

// When a file was last changed, as Java's Date prints it (Thu Dec 03 20:50:58 UTC 2026).
std::string FileTime(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "UNKNOWN";
  std::tm tm{};
  ::localtime_r(&st.st_mtime, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%a %b %d %H:%M:%S %Z %Y", &tm);
  return buf;
}

// DESCRIBE [EXTENDED] of a session catalog table.
arrow::Status DescribeSessionTable(Session& session, const ResolvedTableName& r, bool extended, AnswerTable* answer) {
  ARROW_ASSIGN_OR_RAISE(CatalogTable table, session.catalog().GetTable(AsciiLower(r.name)));
  for (const auto& f : table.schema->fields()) AddColumnRow(f, answer);
  AddPartitionRows(*table.schema, table.partition_columns, table.partition_columns, answer);
  if (!extended) return arrow::Status::OK();
  std::string location = session.catalog().DefaultLocation(table.name);
  answer->Add({"", "", ""});
  answer->Add({"# Detailed Table Information", "", ""});
  answer->Add({"Catalog", kSessionCatalog, ""});
  answer->Add({"Database", "default", ""});
  answer->Add({"Table", table.name, ""});
  answer->Add({"Created Time", FileTime(location), ""});
  answer->Add({"Last Access", "UNKNOWN", ""});
  answer->Add({"Created By", "Spate", ""});
  answer->Add({"Type", "MANAGED", ""});
  answer->Add({"Provider", table.provider, ""});
  answer->Add({"Location", "file:" + location, ""});
  if (!table.partition_columns.empty()) answer->Add({"Partition Provider", "Catalog", ""});
  return arrow::Status::OK();
}

// DESCRIBE [EXTENDED] of an Iceberg table: Spark's v2 layout (columns,
// partitioning, then the table's details and properties).
arrow::Status DescribeIcebergTable(Session& session, const ResolvedTableName& r, const std::vector<std::string>& parts,
                                   bool extended, AnswerTable* answer) {
  ARROW_ASSIGN_OR_RAISE(auto catalog, iceberg::GetCatalog(session.conf(), r.catalog));
  ARROW_ASSIGN_OR_RAISE(auto loaded, catalog->LoadTable(iceberg::TableIdent{r.ns, r.name}));
  if (!loaded) return TableOrViewNotFound(parts);
  const iceberg::TableMetadata& meta = loaded->metadata;
  StructTypePtr schema = meta.schema().ToSpark();
  for (const auto& f : schema->fields()) AddColumnRow(f, answer);
  std::vector<std::string> identity, transforms;
  for (const auto& f : meta.spec().fields) {
    if (f.transform == "void") continue;
    transforms.push_back(DescribeTransform(f, meta.schema()));
    const auto* source = meta.schema().FindId(f.source_id);
    if (f.transform == "identity" && source) identity.push_back(source->name);
  }
  AddPartitionRows(*schema, identity, transforms, answer);
  if (!extended) return arrow::Status::OK();
  std::map<std::string, std::string> props = meta.properties;
  props["current-snapshot-id"] = meta.current_snapshot_id ? std::to_string(*meta.current_snapshot_id) : "none";
  props["format"] = "iceberg/parquet";
  props["format-version"] = std::to_string(meta.format_version);
  std::string properties;
  for (const auto& [k, v] : props) {
    if (k == "owner" || k == "comment") continue;
    properties += (properties.empty() ? "" : ",") + k + "=" + v;
  }
  answer->Add({"", "", ""});
  answer->Add({"# Detailed Table Information", "", ""});
  answer->Add({"Name", r.catalog + "." + QuoteIfNeeded(r.ns) + "." + r.name, ""});
  answer->Add({"Type", "MANAGED", ""});
  if (auto c = meta.properties.find("comment"); c != meta.properties.end()) answer->Add({"Comment", c->second, ""});
  answer->Add({"Location", meta.location, ""});
  answer->Add({"Provider", "iceberg", ""});
  if (auto o = meta.properties.find("owner"); o != meta.properties.end()) answer->Add({"Owner", o->second, ""});
  answer->Add({"Table Properties", "[" + properties + "]", ""});
  return arrow::Status::OK();
}

// DESCRIBE [QUERY] query: the query's columns as (col_name, data_type, comment).
arrow::Result<PlanPtr> DescribeQuery(Session& session, const Statement& st) {
  ARROW_ASSIGN_OR_RAISE(PlanPtr query, QueryBinder(session).Select(*st.select));
  AnswerTable answer({{"col_name"}, {"data_type"}, {"comment", true}});
  StructTypePtr schema = query->Schema();
  for (const auto& f : schema->fields()) AddColumnRow(f, &answer);
  return answer.Plan();
}

// DESCRIBE [TABLE] [EXTENDED] name: (col_name, data_type, comment).
arrow::Result<PlanPtr> Describe(Session& session, const Statement& st) {
  AnswerTable answer({{"col_name"}, {"data_type"}, {"comment", true}});
  ResolvedTableName r = ResolveTableName(session, st.name);
  if (r.catalog.empty()) {
    ARROW_ASSIGN_OR_RAISE(auto described, catalog::describeColumns(session, st.name));
    for (const auto& f : described.schema->fields()) AddColumnRow(f, &answer);
  } else if (r.iceberg) {
    ARROW_RETURN_NOT_OK(DescribeIcebergTable(session, r, st.name, st.extended, &answer));
  } else {
    // Fails as Spark does for a missing table or database.
    ARROW_RETURN_NOT_OK(catalog::describeColumns(session, st.name).status());
    ARROW_RETURN_NOT_OK(DescribeSessionTable(session, r, st.extended, &answer));
  }
  return answer.Plan();
}

// DESCRIBE NAMESPACE [EXTENDED]: (info_name, info_value).
arrow::Result<PlanPtr> DescribeNamespace(Session& session, const Statement& st) {
  ResolvedNamespace ns = ResolveNamespaceName(session, st.name);
  ARROW_ASSIGN_OR_RAISE(auto props, NamespaceProperties(session, ns));
  AnswerTable answer({{"info_name"}, {"info_value", true}});
  answer.Add({"Catalog Name", ns.catalog});
  answer.Add({"Namespace Name", QuoteIfNeeded(ns.ns)});
  static const std::pair<const char*, const char*> kReserved[] = {
      {"comment", "Comment"}, {"location", "Location"}, {"owner", "Owner"}};
  for (const auto& [key, label] : kReserved) {
    auto it = props.find(key);
    if (it != props.end()) answer.Add({label, it->second});
    props.erase(key);
  }
  if (st.extended) {
    std::string shown;
    for (const auto& [k, v] : props) shown += (shown.empty() ? "" : ", ") + fmt::format("({},{})", k, v);
    answer.Add({"Properties", shown.empty() ? "" : "(" + shown + ")"});
  }
  return answer.Plan();
}

arrow::Status SchemaAlreadyExists(const std::vector<std::string>& ns) {
  return SparkError("SCHEMA_ALREADY_EXISTS", "42P06",
                    fmt::format("Cannot create schema {} because it already exists.\nChoose a different name, "
                                "drop the existing schema, or add the IF NOT EXISTS clause to tolerate "
                                "pre-existing schema.",
                                iceberg::QuoteParts(ns)));
}

arrow::Result<PlanPtr> CreateNamespace(Session& session, const Statement& st) {
  ResolvedNamespace ns = ResolveNamespaceName(session, st.name);
  if (!ns.iceberg) {
    if (ns.ns.size() != 1) {
      return SparkError("REQUIRES_SINGLE_PART_NAMESPACE", "42K05",
                        fmt::format("spark_catalog requires a single-part namespace, but got {}.",
                                    iceberg::QuoteParts(ns.ns)));
    }
    if (AsciiLower(ns.ns[0]) != "default") {
      return arrow::Status::NotImplemented(
          "CREATE NAMESPACE in spark_catalog: Spate's session catalog has only the database `default`; "
          "create namespaces in an Iceberg catalog (spark.sql.catalog.<name>)");
    }
    if (st.if_not_exists) return OneRowless();
    return SchemaAlreadyExists(ns.ns);
  }
  std::map<std::string, std::string> props(st.properties.begin(), st.properties.end());
  if (!st.comment.empty()) props["comment"] = st.comment;
  if (!st.location.empty()) props["location"] = st.location;
  props["owner"] = CurrentUser();
  ARROW_ASSIGN_OR_RAISE(auto catalog, iceberg::GetCatalog(session.conf(), ns.catalog));
  ARROW_ASSIGN_OR_RAISE(bool created, catalog->CreateNamespace(ns.ns, props));
  if (!created && !st.if_not_exists) return SchemaAlreadyExists(ns.ns);
  return OneRowless();
}

bool IsDefaultDatabaseName(const std::vector<std::string>& ns) {
  return ns.size() == 1 && AsciiLower(ns[0]) == "default";
}

// DROP NAMESPACE: CASCADE drops the namespace's tables first.
arrow::Result<PlanPtr> DropNamespace(Session& session, const Statement& st) {
  ResolvedNamespace ns = ResolveNamespaceName(session, st.name);
  if (!ns.iceberg && IsDefaultDatabaseName(ns.ns)) {
    return SparkError("UNSUPPORTED_FEATURE.DROP_DATABASE", "0A000",
                      "The feature is not supported: Drop the default database `spark_catalog`.`default`.");
  }
  ARROW_ASSIGN_OR_RAISE(bool exists, NamespaceExists(session, ns));
  if (!exists) {
    if (st.if_exists) return OneRowless();
    return SchemaNotFound(ns.Parts());
  }
  ARROW_ASSIGN_OR_RAISE(auto catalog, iceberg::GetCatalog(session.conf(), ns.catalog));
  if (st.cascade) {
    ARROW_ASSIGN_OR_RAISE(auto tables, catalog->ListTables(ns.ns));
    for (const auto& t : tables) ARROW_RETURN_NOT_OK(catalog->DropTable(iceberg::TableIdent{ns.ns, t}).status());
  }
  ARROW_RETURN_NOT_OK(catalog->DropNamespace(ns.ns).status());
  return OneRowless();
}

// USE [NAMESPACE] name: a catalog, catalog.ns, or a namespace of the current catalog.
arrow::Result<PlanPtr> Use(Session& session, const Statement& st) {
  ResolvedNamespace ns = st.namespace_only ? ResolvedNamespace{session.catalog().CurrentCatalog(), st.name, false}
                                           : ResolveNamespaceName(session, st.name);
  if (st.namespace_only) ns.iceberg = CurrentNamespaceOf(session).iceberg;
  if (ns.ns.empty()) {
    ARROW_RETURN_NOT_OK(catalog::setCurrentCatalog(session, ns.catalog));
    return OneRowless();
  }
  ARROW_ASSIGN_OR_RAISE(bool exists, NamespaceExists(session, ns));
  if (!exists) return SchemaNotFound(ns.Parts());
  session.catalog().SetCurrent(ns.catalog, ns.iceberg ? ns.ns : std::vector<std::string>{"default"});
  return OneRowless();
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
arrow::Result<PlanPtr> CreateTable(Session& session, const Statement& written) {
  Statement st = written;
  st.name = QualifyWithCurrentCatalog(session, written.name);
  if (iceberg::IsIcebergName(session.conf(), st.name) && !st.select) {
    if (!st.schema) return arrow::Status::Invalid("CREATE TABLE needs a schema or AS SELECT");
    std::vector<std::shared_ptr<const Expr>> partitioned_by(st.partitioned_by.begin(), st.partitioned_by.end());
    std::map<std::string, std::string> properties(st.properties.begin(), st.properties.end());
    ARROW_RETURN_NOT_OK(iceberg::CreateTable(session.conf(), st.name, *st.schema, partitioned_by, st.if_not_exists,
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
  std::vector<std::string> qualified = QualifyWithCurrentCatalog(session, st.name);
  if (iceberg::IsIcebergName(session.conf(), qualified)) {
    ARROW_ASSIGN_OR_RAISE(bool dropped, iceberg::DropTable(session.conf(), qualified));
    if (!dropped && !st.if_exists) return TableNotFound(JoinedName(st.name));
    return OneRowless();
  }
  ARROW_ASSIGN_OR_RAISE(std::string table, Catalog::TableName(st.name));
  ARROW_ASSIGN_OR_RAISE(bool dropped, session.catalog().DropTable(table));
  if (!dropped && !st.if_exists) return TableNotFound(JoinedName(st.name));
  return OneRowless();
}

// INSERT INTO / OVERWRITE t [(columns)] query: the query's columns by
// position, or to the named columns with NULL for the others.
arrow::Result<PlanPtr> Insert(Session& session, const Statement& st) {
  ARROW_ASSIGN_OR_RAISE(auto plan, QueryBinder(session).Select(*st.select));
  DataFrame rows(session.shared_from_this(), plan);
  const std::string name = JoinedName(st.name);
  if (!st.columns.empty()) {
    DataFrame table = session.Table(name);
    ARROW_RETURN_NOT_OK(table.status());
    const StructTypePtr data = rows.schema();
    if (static_cast<int>(st.columns.size()) != data->num_fields()) {
      return SparkError(data->num_fields() > static_cast<int>(st.columns.size())
                            ? "INSERT_COLUMN_ARITY_MISMATCH.TOO_MANY_DATA_COLUMNS"
                            : "INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS",
                        "21S01",
                        fmt::format("Cannot write to {}, the reason is {} data columns.", name,
                                    data->num_fields() > static_cast<int>(st.columns.size()) ? "too many"
                                                                                             : "not enough"));
    }
    std::vector<Column> columns;
    const StructTypePtr schema = table.schema();
    for (const auto& f : schema->fields()) {
      Column value = lit(nullptr).cast(f.type);
      for (size_t i = 0; i < st.columns.size(); ++i) {
        if (AsciiLower(st.columns[i]) == AsciiLower(f.name)) value = functions::col("`" + data->field(static_cast<int>(i)).name + "`");
      }
      columns.push_back(value.alias(f.name));
    }
    rows = rows.select(columns);
  }
  ARROW_RETURN_NOT_OK(InsertInto(session, rows, name, st.overwrite));
  return OneRowless();
}

std::vector<std::pair<std::string, Column>> AssignmentColumns(const std::vector<sql::Assignment>& assignments) {
  std::vector<std::pair<std::string, Column>> out;
  for (const auto& a : assignments) out.emplace_back(a.column.back(), Column(a.value));
  return out;
}

std::optional<Column> OptionalColumn(const ExprPtr& e) {
  return e ? std::optional<Column>(Column(e)) : std::nullopt;
}

// MERGE INTO: the USING relation as a DataFrame carrying its alias (a
// table's own name when it has none), then the DataFrame API's MERGE.
arrow::Result<PlanPtr> Merge(Session& session, const Statement& st) {
  auto select = std::make_shared<SelectStatement>();
  select->select_list.push_back(ex::Star());
  select->from = st.source;
  ARROW_ASSIGN_OR_RAISE(auto plan, QueryBinder(session).Select(*select));
  DataFrame source(session.shared_from_this(), plan);
  std::string alias = st.source->alias;
  if (alias.empty() && st.source->kind == sql::FromItem::Kind::kTable) alias = st.source->name.back();
  if (!alias.empty()) source = source.alias(alias);
  MergeSpec spec{st.name, st.alias, source, Column(st.condition), {}};
  for (const auto& c : st.merge_clauses) {
    MergeAction a;
    a.when = c.when == sql::MergeClause::When::kMatched      ? MergeAction::When::kMatched
             : c.when == sql::MergeClause::When::kNotMatched ? MergeAction::When::kNotMatched
                                                             : MergeAction::When::kNotMatchedBySource;
    a.kind = c.action == sql::MergeClause::Action::kUpdate   ? MergeAction::Kind::kUpdate
             : c.action == sql::MergeClause::Action::kDelete ? MergeAction::Kind::kDelete
                                                             : MergeAction::Kind::kInsert;
    a.condition = OptionalColumn(c.condition);
    a.all = c.all;
    a.assignments = AssignmentColumns(c.assignments);
    spec.actions.push_back(std::move(a));
  }
  ARROW_RETURN_NOT_OK(MergeInto(session, spec));
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
      return ShowRelations(session, st, false);
    case Statement::Kind::kShowViews:
      return ShowRelations(session, st, true);
    case Statement::Kind::kShowNamespaces:
      return ShowNamespaces(session, st);
    case Statement::Kind::kShowCurrentNamespace:
      return ShowCurrentNamespace(session);
    case Statement::Kind::kShowColumns:
      return ShowColumns(session, st);
    case Statement::Kind::kShowCreateTable:
      return ShowCreateTable(session, st);
    case Statement::Kind::kDescribeNamespace:
      return DescribeNamespace(session, st);
    case Statement::Kind::kCreateNamespace:
      return CreateNamespace(session, st);
    case Statement::Kind::kDropNamespace:
      return DropNamespace(session, st);
    case Statement::Kind::kUse:
      return Use(session, st);
    case Statement::Kind::kDescribe:
      return Describe(session, st);
    case Statement::Kind::kDescribeQuery:
      return DescribeQuery(session, st);
    case Statement::Kind::kCreateTable:
      return CreateTable(session, st);
    case Statement::Kind::kDropTable:
      return DropTable(session, st);
    case Statement::Kind::kInsert:
      return Insert(session, st);
    case Statement::Kind::kMerge:
      return Merge(session, st);
    case Statement::Kind::kUpdate:
      ARROW_RETURN_NOT_OK(UpdateTable(session, st.name, st.alias, AssignmentColumns(st.assignments),
                                      OptionalColumn(st.condition)));
      return OneRowless();
    case Statement::Kind::kDelete:
      ARROW_RETURN_NOT_OK(DeleteFromTable(session, st.name, st.alias, OptionalColumn(st.condition)));
      return OneRowless();
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
  sql::ParseOptions options;
  options.time_zone = session.conf().Get("spark.sql.session.timeZone").value_or("UTC");
  auto st = sql::ParseStatement(text, options);
  if (!st.ok()) return DataFrame(session.shared_from_this(), st.status());
  return RunStatement(session, *st);
}

DataFrame RunStatement(Session& session, const sql::Statement& statement) {
  return DataFrame(session.shared_from_this(), Run(session, statement));
}

}  // namespace spate
