#include "spate/plan/plan_builder.h"

#include <algorithm>
#include <climits>
#include <map>
#include <optional>
#include <set>

#include <arrow/scalar.h>
#include <arrow/table.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "spate/aggregates/aggregate_definitions.h"
#include "spate/aggregates/aggregate_resolve.h"
#include "spate/common/error.h"
#include "spate/common/interval_text.h"
#include "spate/common/strings.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/user_function.h"
#include "spate/expr/type_coercion.h"
#include "spate/expr/window_expr.h"
#include "spate/expr/window_spec.h"
#include "spate/plan/grouping_sets.h"
#include "spate/plan/null_safe_join_keys.h"
#include "spate/plan/window_plan.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

std::string BacktickParts(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '.';
    std::string p = parts[i];
    size_t pos = 0;
    while ((pos = p.find('`', pos)) != std::string::npos) {
      p.insert(pos, "`");
      pos += 2;
    }
    out += "`" + p + "`";
  }
  return out;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

arrow::Status UnresolvedColumn(const std::vector<std::string>& parts,
                               const std::vector<Attribute>& input) {
  std::string wanted = BacktickParts(parts);
  if (input.empty()) {
    return SparkError("UNRESOLVED_COLUMN.WITHOUT_SUGGESTION", "42703",
                      fmt::format("A column, variable, or function parameter with name {} cannot "
                                  "be resolved.",
                                  wanted));
  }
  std::string plain;
  for (const auto& p : parts) plain += (plain.empty() ? "" : ".") + p;
  std::vector<std::pair<size_t, std::string>> candidates;
  for (const auto& attr : input) {
    std::vector<std::string> full;
    if (!attr.qualifier.empty()) full.push_back(attr.qualifier);
    full.push_back(attr.name);
    std::string joined = (attr.qualifier.empty() ? "" : attr.qualifier + ".") + attr.name;
    candidates.emplace_back(EditDistance(plain, joined), BacktickParts(full));
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string list;
  for (size_t i = 0; i < candidates.size() && i < 5; ++i) {
    list += (i > 0 ? ", " : "") + candidates[i].second;
  }
  return SparkError("UNRESOLVED_COLUMN.WITH_SUGGESTION", "42703",
                    fmt::format("A column, variable, or function parameter with name {} cannot be "
                                "resolved. Did you mean one of the following? [{}].",
                                wanted, list));
}

// A canonical text of a bound expression: equal texts compute equal values.
// Used to match SELECT expressions against GROUP BY expressions.
std::string Signature(const BoundExpr& e) {
  switch (e.kind()) {
    case BoundExpr::Kind::kColumn:
      return fmt::format("#{}", static_cast<const BoundColumn&>(e).index());
    case BoundExpr::Kind::kLiteral:
      return fmt::format("{}:{}", static_cast<const BoundLiteral&>(e).value()->ToString(),
                         e.type()->SimpleString());
    case BoundExpr::Kind::kFunction: {
      std::string out = static_cast<const BoundFunction&>(e).function() + ":" +
                         e.type()->SimpleString() + "(";
      for (const auto& c : e.children()) out += Signature(*c) + ",";
      return out + ")";
    }
  }
  return "";
}

bool ReferencesColumns(const BoundExpr& e) {
  if (e.kind() == BoundExpr::Kind::kColumn) return true;
  for (const auto& c : e.children()) {
    if (ReferencesColumns(*c)) return true;
  }
  return false;
}

// A call of a built-in aggregate (a user-defined function may reuse its name).
bool IsAggregateCall(const Expr& e) {
  if (e.kind == ExprKind::kCall && e.name == kAggregateFilterCall) return IsAggregateCall(*e.args[0]);
  if (e.kind == ExprKind::kCall && e.name == kWithinGroupCall) return true;
  return e.kind == ExprKind::kCall && e.function == nullptr && IsAggregateFunction(e.name);
}

bool ContainsAggregate(const Expr& e) {
  if (IsWindowExpr(e)) {  // an aggregate OVER a window is a window function
    for (const auto& input : WindowInputs(e)) {
      if (ContainsAggregate(*input)) return true;
    }
    return false;
  }
  if (IsAggregateCall(e)) return true;
  for (const auto& a : e.args) {
    if (ContainsAggregate(*a)) return true;
  }
  return false;
}

// The first aggregate call in `e` (which contains one).
const Expr& FirstAggregate(const Expr& e) {
  if (IsAggregateCall(e)) return e;
  for (const auto& a : e.args) {
    if (ContainsAggregate(*a)) return FirstAggregate(*a);
  }
  return e;
}

bool ContainsGroupingFunction(const Expr& e) {
  if (e.kind == ExprKind::kCall && IsGroupingFunction(e.name)) return true;
  return std::any_of(e.args.begin(), e.args.end(), [](const ExprPtr& a) { return ContainsGroupingFunction(*a); });
}

arrow::Status UnsupportedGroupingExpression() {
  return SparkError("UNSUPPORTED_GROUPING_EXPRESSION", "42K0E",
                    "grouping()/grouping_id() can only be used with GroupingSets/Cube/Rollup.");
}

BoundExprPtr IntLiteral(int32_t v) {
  return std::make_shared<BoundLiteral>(std::make_shared<arrow::Int32Scalar>(v), types::Int(), std::to_string(v));
}

// The names of a generator's columns: its own (`names`), or those of `generator AS (a, b)`,
// one per column, as Spark requires.
arrow::Result<std::vector<std::string>> GeneratorNames(const Expr& e,
                                                       std::vector<std::string> names) {
  if (e.kind != ExprKind::kAlias) return names;
  std::vector<std::string> aliases =
      e.name_parts.empty() ? std::vector<std::string>{e.name} : e.name_parts;
  if (aliases.size() != names.size()) {
    return SparkError(
        "UDTF_ALIAS_NUMBER_MISMATCH", "42802",
        fmt::format("The number of aliases supplied in the AS clause does not match the number of "
                    "columns output by the UDTF.\nExpected {} aliases, but got {}.\nPlease ensure "
                    "that the number of aliases provided matches the number of columns output by "
                    "the UDTF.",
                    names.size(), fmt::join(aliases, ",")));
  }
  return aliases;
}

// An aggregate or generator where the operator cannot run it.
arrow::Status UnsupportedExprForOperator(const Expr& e) {
  return SparkError("UNSUPPORTED_EXPR_FOR_OPERATOR", "42K0E",
                    fmt::format("A query operator contains one or more unsupported expressions.\nConsider to "
                                "rewrite it to avoid window functions, aggregate functions, and generator "
                                "functions in the WHERE clause.\nInvalid expressions: [\"{}\"]",
                                e.ToString()));
}

bool IsGenerator(const Expr& e) {
  const Expr& inner = e.kind == ExprKind::kAlias ? *e.args[0] : e;
  return inner.kind == ExprKind::kCall && IsGeneratorName(inner.name);
}

bool ContainsGenerator(const Expr& e) {
  return IsGenerator(e) || std::any_of(e.args.begin(), e.args.end(),
                                       [](const ExprPtr& a) { return ContainsGenerator(*a); });
}

// Spark's checks of a select list's generators: each one a whole part of the list
// (under an alias at most), and at most one beside aggregates (`aggregated`).
arrow::Status CheckGenerators(const std::vector<ExprPtr>& exprs, bool aggregated) {
  std::vector<std::string> generators;
  for (const auto& e : exprs) {
    const Expr& inner = e->kind == ExprKind::kAlias ? *e->args[0] : *e;
    if (IsGenerator(inner)) {
      generators.push_back(fmt::format("\"{}\"", inner.ToString()));
    } else if (ContainsGenerator(inner)) {
      return SparkError("UNSUPPORTED_GENERATOR.NESTED_IN_EXPRESSIONS", "42K0E",
                        fmt::format("The generator is not supported: nested in expressions \"{}\".",
                                    inner.ToString()));
    }
  }
  if (aggregated && generators.size() > 1) {
    return SparkError("UNSUPPORTED_GENERATOR.MULTI_GENERATOR", "42K0E",
                      fmt::format("The generator is not supported: only one generator allowed per SELECT "
                                  "clause but found {}: {}.",
                                  generators.size(), fmt::join(generators, ", ")));
  }
  return arrow::Status::OK();
}

// Spark names a date or timestamp moved by an interval without parentheses, the
// interval second on whichever side it was written (its TimeAdd and DatetimeSub:
// `t + INTERVAL '01' HOUR`), and a date moved by whole days (INTERVAL '2' DAY) by the
// call it becomes, date_add(d, extractansiintervaldays(INTERVAL '2' DAY)).
std::optional<std::string> DatetimeIntervalName(const Expr& e, const std::vector<BoundExprPtr>& args) {
  if ((e.name != "+" && e.name != "-") || args.size() != 2) return std::nullopt;
  auto is = [&args](size_t i, std::initializer_list<TypeId> ids) {
    return std::find(ids.begin(), ids.end(), args[i]->type()->id()) != ids.end();
  };
  const std::initializer_list<TypeId> kDatetime = {TypeId::kDate, TypeId::kTimestamp, TypeId::kTimestampNtz};
  size_t moved = 0;
  if (e.name == "+" && is(0, {TypeId::kInterval}) && is(1, kDatetime)) {
    moved = 1;
  } else if (!is(0, kDatetime) || !is(1, {TypeId::kInterval})) {
    return std::nullopt;
  }
  const std::string& datetime = args[moved]->name();
  const std::string& interval = args[1 - moved]->name();
  // A DAY interval literal, possibly under a sign: (- INTERVAL '1' DAY), negative(...).
  std::string_view literal = interval;
  for (std::string_view sign : {"(- ", "(+ ", "negative("}) {
    if (literal.starts_with(sign) && literal.ends_with(")")) literal = literal.substr(sign.size(), literal.size() - sign.size() - 1);
  }
  if (is(moved, {TypeId::kDate}) && literal.starts_with("INTERVAL '") && literal.ends_with("' DAY")) {
    std::string days = fmt::format("extractansiintervaldays({})", interval);
    return fmt::format("date_add({}, {})", datetime, e.name == "+" ? days : "(- " + days + ")");
  }
  return fmt::format("{} {} {}", datetime, e.name, interval);
}

// Spark's generated name for a call, from the names of its bound arguments.
std::string PrettyName(const Expr& e, const std::vector<BoundExprPtr>& args) {
  if (auto name = DatetimeIntervalName(e, args)) return *name;
  Expr copy = e;
  copy.args.clear();
  for (size_t i = 0; i < args.size(); ++i) {
    // An argument's alias shows as `x AS name`, as in Spark (stars aside, args follow e.args).
    const bool alias = args.size() == e.args.size() && e.args[i]->kind == ExprKind::kAlias;
    copy.args.push_back(ex::Col({alias ? args[i]->name() + " AS " + e.args[i]->name : args[i]->name()}));
  }
  return copy.ToString();
}

// Binds expressions against an input. In aggregate mode, aggregate calls
// become references to the Aggregate node's outputs (grouping keys first,
// then one slot per aggregate call), and any other column must be a grouping
// expression.
class Binder {
 public:
  explicit Binder(const std::vector<Attribute>& input) : input_(input) {}

  /// `group_names` name the grouping keys' columns: a field of one can be
  /// selected by that name (`window.start` when grouping by window(...)).
  void EnableAggregates(std::vector<BoundExprPtr> groups, std::vector<AggregateCall>* calls,
                        std::vector<std::string> group_names = {}) {
    groups_ = std::move(groups);
    calls_ = calls;
    group_names_ = std::move(group_names);
    for (const auto& g : groups_) group_signatures_.push_back(Signature(*g));
  }

  /// An aggregation by grouping sets: the first `keys` grouping keys are the
  /// grouping expressions (NULL where a set leaves them out: `nullable`), the
  /// key at `grouping_id_slot` is Spark's spark_grouping_id, which
  /// grouping() and grouping_id() read.
  void EnableGroupingSets(size_t keys, int grouping_id_slot, std::vector<bool> nullable) {
    grouping_keys_ = keys;
    grouping_id_slot_ = grouping_id_slot;
    nullable_keys_ = std::move(nullable);
  }

  arrow::Result<BoundExprPtr> Bind(const Expr& e) {
    if (calls_ != nullptr) return BindInAggregate(e);
    return BindPlain(e);
  }

  /// Window expressions computed below (by Window nodes, keyed by their
  /// text) bind to these columns; stars then expand to the first
  /// `visible_columns` inputs only (not the window columns).
  void EnableWindowColumns(const std::map<std::string, BoundExprPtr>* columns, size_t visible_columns) {
    window_columns_ = columns;
    visible_columns_ = visible_columns;
  }

  /// Arguments with stars expanded (struct(*), count(*) is handled by the caller).
  arrow::Result<std::vector<BoundExprPtr>> BindArgs(const Expr& e) {
    std::vector<BoundExprPtr> args;
    for (const auto& a : e.args) {
      if (a->kind == ExprKind::kStar) {
        ARROW_ASSIGN_OR_RAISE(auto expanded, ExpandStar(a->name_parts));
        for (auto& [bound, name] : expanded) args.push_back(std::move(bound));
        continue;
      }
      ARROW_ASSIGN_OR_RAISE(auto bound, Bind(*a));
      args.push_back(std::move(bound));
    }
    return args;
  }

  /// struct(...), its fields named as Spark's CreateStruct names them: an
  /// alias by its name, a column or a struct's field by theirs, anything else
  /// col<i>. BindStruct names them from the bound arguments, which have lost
  /// the alias, and an aggregate's call, which binds to a column of the
  /// aggregation's output; those two are named here.
  arrow::Result<BoundExprPtr> BindStructCall(const Expr& e) {
    ARROW_ASSIGN_OR_RAISE(auto values, BindArgs(e));
    std::string pretty = PrettyName(e, values);
    ARROW_ASSIGN_OR_RAISE(auto plain, BindCall("struct", values, pretty));
    // A star's columns keep their names (and leave no argument to match a value).
    if (std::any_of(e.args.begin(), e.args.end(), [](const ExprPtr& a) { return a->kind == ExprKind::kStar; })) {
      return plain;
    }
    const auto& fields = static_cast<const StructType&>(*plain->type()).fields();
    std::vector<BoundExprPtr> pairs;
    bool renamed = false;
    for (size_t i = 0; i < values.size(); ++i) {
      const Expr& a = *e.args[i];
      std::string name = fields[i].name;
      if (a.kind == ExprKind::kAlias) {
        name = a.name;
      } else if (a.kind == ExprKind::kCall && values[i]->kind() == BoundExpr::Kind::kColumn) {
        name = fmt::format("col{}", i + 1);
      }
      renamed = renamed || name != fields[i].name;
      pairs.push_back(std::make_shared<BoundLiteral>(std::make_shared<arrow::StringScalar>(name), types::String(), name));
      pairs.push_back(std::move(values[i]));
    }
    if (!renamed) return plain;
    return BindCall("named_struct", std::move(pairs), pretty);
  }

  /// The columns a star stands for, with their output names.
  arrow::Result<std::vector<std::pair<BoundExprPtr, std::string>>> ExpandStar(
      const std::vector<std::string>& qualifier) {
    std::vector<std::pair<BoundExprPtr, std::string>> out;
    const size_t visible = std::min(input_.size(), visible_columns_);
    if (qualifier.empty()) {
      for (size_t i = 0; i < visible; ++i) {
        out.emplace_back(ColumnRef(static_cast<int>(i)), input_[i].name);
      }
      return out;
    }
    if (qualifier.size() == 1) {
      for (size_t i = 0; i < visible; ++i) {
        if (EqualsIgnoreCase(input_[i].qualifier, qualifier[0])) {
          out.emplace_back(ColumnRef(static_cast<int>(i)), input_[i].name);
        }
      }
      if (!out.empty()) return out;
    }
    // data.* : the fields of a struct column.
    ARROW_ASSIGN_OR_RAISE(auto base, ResolveColumn(qualifier));
    if (base->type()->id() != TypeId::kStruct) {
      return SparkError("CANNOT_RESOLVE_STAR_EXPAND", "42704",
                        fmt::format("Cannot resolve {}.* given input columns {}.",
                                    BacktickParts(qualifier), InputColumnList()));
    }
    const auto& st = static_cast<const StructType&>(*base->type());
    for (const auto& f : st.fields()) {
      ARROW_ASSIGN_OR_RAISE(auto field, ExtractField(base, f.name));
      out.emplace_back(std::move(field), f.name);
    }
    return out;
  }

  arrow::Result<BoundExprPtr> ResolveColumn(const std::vector<std::string>& parts) {
    if (auto variable = FindLambdaVariable(parts[0])) {
      BoundExprPtr out = variable;
      for (size_t i = 1; i < parts.size(); ++i) {
        ARROW_ASSIGN_OR_RAISE(out, ExtractField(out, parts[i]));
      }
      return out;
    }
    // Prefer `qualifier.name`, then `name`; the rest of the parts are struct fields.
    std::vector<int> matches;
    size_t consumed = 0;
    if (parts.size() >= 2) {
      for (size_t i = 0; i < input_.size(); ++i) {
        if (!input_[i].qualifier.empty() && EqualsIgnoreCase(input_[i].qualifier, parts[0]) &&
            EqualsIgnoreCase(input_[i].name, parts[1])) {
          matches.push_back(static_cast<int>(i));
        }
      }
      consumed = 2;
    }
    if (matches.empty()) {
      for (size_t i = 0; i < input_.size(); ++i) {
        if (EqualsIgnoreCase(input_[i].name, parts[0])) matches.push_back(static_cast<int>(i));
      }
      consumed = 1;
    }
    if (matches.empty()) return UnresolvedColumn(parts, input_);
    if (matches.size() > 1) {
      std::string list;
      for (size_t k = 0; k < matches.size(); ++k) {
        const Attribute& a = input_[matches[k]];
        std::vector<std::string> full;
        if (!a.qualifier.empty()) full.push_back(a.qualifier);
        full.push_back(a.name);
        list += (k > 0 ? ", " : "") + BacktickParts(full);
      }
      return SparkError("AMBIGUOUS_REFERENCE", "42704",
                        fmt::format("Reference {} is ambiguous, could be: [{}].",
                                    BacktickParts({parts.begin(), parts.begin() + consumed}), list));
    }
    BoundExprPtr out = ColumnRef(matches[0]);
    for (size_t i = consumed; i < parts.size(); ++i) {
      ARROW_ASSIGN_OR_RAISE(out, ExtractField(out, parts[i]));
    }
    return out;
  }

 private:
  BoundExprPtr ColumnRef(int i) const {
    const Attribute& a = input_[i];
    return std::make_shared<BoundColumn>(i, a.type, a.nullable, a.name);
  }

  std::string InputColumnList() const {
    std::string out = "[";
    for (size_t i = 0; i < input_.size(); ++i) {
      out += (i > 0 ? ", " : "") + BacktickParts({input_[i].name});
    }
    return out + "]";
  }

  arrow::Result<BoundExprPtr> ExtractField(const BoundExprPtr& base, const std::string& field) {
    if (base->type()->id() != TypeId::kStruct) {
      return SparkError("INVALID_EXTRACT_BASE_FIELD_TYPE", "42000",
                        fmt::format("Can't extract a value from \"{}\". Need a complex type "
                                    "[STRUCT, ARRAY, MAP] but got {}.",
                                    base->name(), QuotedType(*base->type())));
    }
    auto key = std::make_shared<BoundLiteral>(std::make_shared<arrow::StringScalar>(field),
                                              types::String(), field);
    return BindCall("extract_value", {base, key}, base->name() + "." + field);
  }

  arrow::Result<BoundExprPtr> BindPlain(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kColumn:
        return ResolveColumn(e.name_parts);
      case ExprKind::kLiteral: {
        ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*e.type));
        std::shared_ptr<arrow::Scalar> value = e.literal;
        if (!value->type->Equals(*arrow_type)) {
          value = value->is_valid ? value : arrow::MakeNullScalar(arrow_type);
        }
        return std::make_shared<BoundLiteral>(value, e.type, e.ToString());
      }
      case ExprKind::kAlias:
        if (e.name_parts.size() > 1) {
          return SparkError("MULTI_ALIAS_WITHOUT_GENERATOR", "42K0E",
                            fmt::format("Multi part aliasing ({}) is not supported with \"{}\" as "
                                        "it is not a generator function.",
                                        fmt::join(e.name_parts, ", "), e.args[0]->ToString()));
        }
        return Bind(*e.args[0]);
      case ExprKind::kCast: {
        ARROW_ASSIGN_OR_RAISE(auto arg, Bind(*e.args[0]));
        std::string pretty = fmt::format("{}({} AS {})", e.try_cast ? "TRY_CAST" : "CAST",
                                         arg->name(), e.type->Sql());
        return BindCast(std::move(arg), e.type, e.try_cast, pretty);
      }
      case ExprKind::kExtract: {
        ARROW_ASSIGN_OR_RAISE(auto base, Bind(*e.args[0]));
        ARROW_ASSIGN_OR_RAISE(auto key, Bind(*e.args[1]));
        if (base->type()->id() == TypeId::kStruct && key->kind() == BoundExpr::Kind::kLiteral &&
            key->type()->id() == TypeId::kString) {
          return ExtractField(base, key->name());
        }
        std::string pretty = fmt::format("{}[{}]", base->name(), key->name());
        return BindCall("extract_value", {std::move(base), std::move(key)}, pretty);
      }
      case ExprKind::kCall: {
        if (e.function) return BindUserCall(e);
        if (e.name == kParseErrorCall) {
          // expr("...") text that did not parse: report the parser's error now.
          return arrow::Status::Invalid(e.args[0]->literal->ToString());
        }
        if (IsWindowExpr(e) || IsWindowOnlyFunction(e.name)) return BindWindowReference(e);
        if (IsGroupingFunction(e.name)) return UnsupportedGroupingExpression();
        if (e.name == kAggregateFilterCall && !IsAggregateCall(*e.args[0])) {
          return SparkError("INVALID_SQL_SYNTAX.FUNCTION_WITH_UNSUPPORTED_SYNTAX", "42000",
                            fmt::format("Invalid SQL syntax: The function `{}` does not support FILTER CLAUSE.",
                                        e.args[0]->name));
        }
        if (IsAggregateCall(e)) {
          return UnsupportedExprForOperator(e);
        }
        if (IsGenerator(e)) {
          return SparkError("UNSUPPORTED_GENERATOR.OUTSIDE_SELECT", "42K0E",
                            fmt::format("The generator is not supported outside the SELECT "
                                        "clause, but found: {}.",
                                        e.ToString()));
        }
        if (HasLambdaArg(e)) return BindHigherOrderCall(e);
        if (e.name == "struct") return BindStructCall(e);
        ARROW_ASSIGN_OR_RAISE(auto args, BindArgs(e));
        std::string pretty = PrettyName(e, args);
        return BindCall(e.name, std::move(args), pretty);
      }
      case ExprKind::kStar:
        return SparkError("INVALID_USAGE_OF_STAR_OR_REGEX", "42000",
                          "Invalid usage of '*' in expression.");
      case ExprKind::kSortOrder:
        return Bind(*e.args[0]);
      case ExprKind::kLambda:
        return SparkError("INVALID_LAMBDA_FUNCTION_CALL.NON_HIGHER_ORDER_FUNCTION", "42K0D",
                          fmt::format("Invalid lambda function call. A lambda function should only "
                                      "be used in a higher order function. However, its class is "
                                      "`{}`, which is not a higher order function.",
                                      e.ToString()));
    }
    return arrow::Status::Invalid("unknown expression");
  }

  // A call of the user-defined function the expression carries.
  arrow::Result<BoundExprPtr> BindUserCall(const Expr& e) {
    ARROW_ASSIGN_OR_RAISE(auto args, BindArgs(e));
    std::string pretty = PrettyName(e, args);
    return BindUserFunction(e.function, std::move(args), pretty);
  }

  // Lambdas (`x -> x + 1`) as arguments of higher-order functions.
  static bool HasLambdaArg(const Expr& e) {
    return std::any_of(e.args.begin(), e.args.end(),
                       [](const ExprPtr& a) { return a->kind == ExprKind::kLambda; });
  }

  // The innermost lambda variable named `name` in scope, or null: lambda
  // variables hide columns of the same name.
  BoundExprPtr FindLambdaVariable(const std::string& name) const {
    for (auto it = lambda_scope_.rbegin(); it != lambda_scope_.rend(); ++it) {
      if (EqualsIgnoreCase(it->first, name)) return it->second;
    }
    return nullptr;
  }

  // name(args) with lambda arguments (transform(a, x -> x + 1)): the other
  // arguments are bound first; the function then decides the types of each
  // lambda's variables, and the body is bound with those variables in scope
  // (in an aggregation, over the variables only).
  arrow::Result<BoundExprPtr> BindHigherOrderCall(const Expr& e) {
    std::vector<BoundExprPtr> args(e.args.size());
    for (size_t i = 0; i < e.args.size(); ++i) {
      if (e.args[i]->kind != ExprKind::kLambda) {
        ARROW_ASSIGN_OR_RAISE(args[i], Bind(*e.args[i]));
      }
    }
    for (size_t i = 0; i < e.args.size(); ++i) {
      const Expr& lambda = *e.args[i];
      if (lambda.kind != ExprKind::kLambda) continue;
      Expr partly = e;  // the call as Spark names it while lambdas are unbound
      for (size_t k = 0; k < args.size(); ++k) {
        if (args[k]) partly.args[k] = ex::Col({args[k]->name()});
      }
      ARROW_ASSIGN_OR_RAISE(auto variables, LambdaVariables(e.name, args, i, lambda.name_parts.size(),
                                                            partly.ToString()));
      static const std::vector<Attribute> kNoColumns;
      Binder body_binder(calls_ != nullptr ? kNoColumns : input_);
      body_binder.lambda_scope_ = lambda_scope_;
      std::vector<BoundExprPtr> bound_vars;
      for (size_t k = 0; k < variables.size(); ++k) {
        bound_vars.push_back(MakeLambdaVariable(variables[k]));
        body_binder.lambda_scope_.emplace_back(lambda.name_parts[k], bound_vars.back());
      }
      ARROW_ASSIGN_OR_RAISE(auto body, body_binder.Bind(*lambda.args[0]));
      args[i] = MakeLambda(std::move(body), std::move(bound_vars));
    }
    std::string pretty = PrettyName(e, args);
    return BindCall(e.name, std::move(args), pretty);
  }

  arrow::Result<BoundExprPtr> BindInAggregate(const Expr& e) {
    if (e.kind == ExprKind::kAlias) return BindInAggregate(*e.args[0]);
    if (e.kind == ExprKind::kCall && IsGroupingFunction(e.name)) return BindGroupingFunction(e);
    if (IsAggregateCall(e)) return BindAggregateCall(e);
    if (!ContainsAggregate(e) && !ContainsGroupingFunction(e)) {
      Binder plain(input_);
      auto bound_or = plain.Bind(e);
      if (bound_or.ok()) {
        if (auto group = GroupIndex(**bound_or); group >= 0) {
          const auto& b = *bound_or;
          return std::make_shared<BoundColumn>(group, b->type(), KeyNullable(group), b->name());
        }
      }
      if (e.kind == ExprKind::kColumn && e.name_parts.size() > 1) {
        ARROW_ASSIGN_OR_RAISE(auto field, FieldOfGroup(e.name_parts));
        if (field) return field;
      }
      ARROW_ASSIGN_OR_RAISE(auto bound, std::move(bound_or));
      if (!ReferencesColumns(*bound)) return bound;
      if (groups_.empty()) {
        return SparkError("MISSING_GROUP_BY", "42803",
                          "The query does not include a GROUP BY clause. Add GROUP BY or turn it "
                          "into the window functions using OVER clauses.");
      }
      if (e.kind == ExprKind::kColumn || e.args.empty()) {
        return SparkError("MISSING_AGGREGATION", "42803",
                          fmt::format("The non-aggregating expression \"{}\" is based on columns "
                                      "which are not participating in the GROUP BY clause.\nAdd "
                                      "the columns or the expression to the GROUP BY, aggregate "
                                      "the expression, or use \"any_value({})\" if you do not care "
                                      "which of the values within a group is returned.",
                                      bound->name(), bound->name()));
      }
    }
    // A function of grouping expressions and aggregates: bind its parts.
    switch (e.kind) {
      case ExprKind::kCast: {
        ARROW_ASSIGN_OR_RAISE(auto arg, BindInAggregate(*e.args[0]));
        std::string pretty = fmt::format("{}({} AS {})", e.try_cast ? "TRY_CAST" : "CAST",
                                         arg->name(), e.type->Sql());
        return BindCast(std::move(arg), e.type, e.try_cast, pretty);
      }
      case ExprKind::kCall: {
        if (e.function) return BindUserCall(e);
        if (HasLambdaArg(e)) return BindHigherOrderCall(e);
        if (e.name == "struct") return BindStructCall(e);
        ARROW_ASSIGN_OR_RAISE(auto args, BindArgs(e));
        std::string pretty = PrettyName(e, args);
        return BindCall(e.name, std::move(args), pretty);
      }
      case ExprKind::kExtract: {
        ARROW_ASSIGN_OR_RAISE(auto base, BindInAggregate(*e.args[0]));
        ARROW_ASSIGN_OR_RAISE(auto key, BindInAggregate(*e.args[1]));
        std::string pretty = fmt::format("{}[{}]", base->name(), key->name());
        return BindCall("extract_value", {std::move(base), std::move(key)}, pretty);
      }
      default:
        return BindPlain(e);
    }
  }

  // The grouping key `e` is, or -1.
  int GroupIndex(const BoundExpr& e) const {
    std::string sig = Signature(e);
    for (size_t i = 0; i < group_signatures_.size(); ++i) {
      if (sig == group_signatures_[i]) return static_cast<int>(i);
    }
    return -1;
  }

  // `a.b.c` where a leading part is a struct grouping key (by expression, or
  // by its column name such as `window`): the field of that key; else null.
  arrow::Result<BoundExprPtr> FieldOfGroup(const std::vector<std::string>& parts) {
    for (size_t k = parts.size() - 1; k >= 1; --k) {
      std::vector<std::string> prefix(parts.begin(), parts.begin() + k);
      int group = -1;
      if (auto base = Binder(input_).ResolveColumn(prefix); base.ok()) group = GroupIndex(**base);
      for (size_t i = 0; group < 0 && k == 1 && i < group_names_.size(); ++i) {
        if (EqualsIgnoreCase(group_names_[i], parts[0])) group = static_cast<int>(i);
      }
      if (group < 0) continue;
      BoundExprPtr out = std::make_shared<BoundColumn>(group, groups_[group]->type(), KeyNullable(group),
                                                       group_names_.empty() ? parts[0] : group_names_[group]);
      for (size_t i = k; i < parts.size(); ++i) {
        ARROW_ASSIGN_OR_RAISE(out, ExtractField(out, parts[i]));
      }
      return out;
    }
    return nullptr;
  }

  bool KeyNullable(int group) const {
    return groups_[group]->nullable() || (static_cast<size_t>(group) < nullable_keys_.size() && nullable_keys_[group]);
  }

  // The grouping expressions, as Spark lists them in its errors: "a,b".
  std::string GroupingColumns() const {
    std::string out;
    for (size_t i = 0; i < grouping_keys_; ++i) out += (i ? "," : "") + groups_[i]->name();
    return out;
  }

  // grouping(e): 1 when the row's grouping set leaves `e` out (bit k-1-i of
  // the grouping id, for the i-th of k grouping expressions), else 0, as a
  // TINYINT. grouping_id() / grouping_id(every grouping expression in order):
  // the grouping id itself.
  arrow::Result<BoundExprPtr> BindGroupingFunction(const Expr& e) {
    if (grouping_id_slot_ < 0) return UnsupportedGroupingExpression();
    ARROW_ASSIGN_OR_RAISE(auto args, Binder(input_).BindArgs(e));
    std::string pretty = PrettyName(e, args);
    auto gid = std::make_shared<BoundColumn>(grouping_id_slot_, types::Long(), false, pretty);
    auto key_of = [&](const BoundExprPtr& a) {
      int i = GroupIndex(*a);
      return static_cast<size_t>(i) < grouping_keys_ ? i : -1;
    };
    if (e.name == "grouping_id") {
      bool matches = args.empty() || args.size() == grouping_keys_;
      for (size_t i = 0; matches && i < args.size(); ++i) matches = key_of(args[i]) == static_cast<int>(i);
      if (matches) return gid;
      std::string names;
      for (const auto& a : args) names += (names.empty() ? "" : ",") + a->name();
      return SparkError("GROUPING_ID_COLUMN_MISMATCH", "42803",
                        fmt::format("Columns of grouping_id ({}) does not match grouping columns ({}).", names,
                                    GroupingColumns()));
    }
    if (args.size() != 1) {
      return SparkError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "42605",
                        fmt::format("The `grouping` requires 1 parameters but the actual number is {}. Please, "
                                    "refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
                                    args.size()));
    }
    int index = key_of(args[0]);
    if (index < 0) {
      return SparkError("GROUPING_COLUMN_MISMATCH", "42803",
                        fmt::format("Column of grouping ({}) can't be found in grouping columns {}.", args[0]->name(),
                                    GroupingColumns()));
    }
    int shift = static_cast<int>(grouping_keys_) - 1 - index;
    ARROW_ASSIGN_OR_RAISE(auto shifted, BindCall(">>", {gid, IntLiteral(shift)}, pretty));
    auto one = std::make_shared<BoundLiteral>(std::make_shared<arrow::Int64Scalar>(1), types::Long(), "1");
    ARROW_ASSIGN_OR_RAISE(auto bit, BindCall("&", {shifted, one}, pretty));
    return BindCast(bit, types::Byte(), false, pretty);
  }

  // `call FILTER (WHERE condition)`: a deterministic boolean condition without aggregates.
  arrow::Result<AggregateCall> ResolveFilteredAggregate(const Expr& call_expr, const Expr& condition) {
    auto invalid = [&](const std::string& sub, const std::string& detail) {
      return SparkError("INVALID_AGGREGATE_FILTER." + sub, "42903",
                        fmt::format("The FILTER expression \"{}\" in an aggregate function is invalid. {}",
                                    condition.ToString(), detail));
    };
    if (ContainsAggregate(condition)) {
      return invalid("CONTAINS_AGGREGATE", "Expected a FILTER expression without an aggregation, but found \"" +
                                               FirstAggregate(condition).ToString() + "\".");
    }
    Binder plain(input_);
    ARROW_ASSIGN_OR_RAISE(auto filter, plain.Bind(condition));
    if (filter->type()->id() != TypeId::kBoolean) {
      return invalid("NOT_BOOLEAN", "Expected a FILTER expression of the BOOLEAN type.");
    }
    ARROW_ASSIGN_OR_RAISE(AggregateCall call, ResolveAggregateExpr(call_expr));
    call.filter = filter;
    call.name += " FILTER (WHERE " + filter->name() + ")";
    return call;
  }

  // percentile_cont(p) / percentile_disc(p) / mode() WITHIN GROUP (ORDER BY x [DESC]).
  arrow::Result<AggregateCall> ResolveWithinGroup(const Expr& e) {
    const Expr& call_expr = *e.args[0];
    const std::string& fn = call_expr.name;
    const bool percentile = fn == "percentile_cont" || fn == "percentile_disc";
    if (!percentile && fn != "mode") {
      return arrow::Status::NotImplemented(fn, "(...) WITHIN GROUP is not supported yet: ", e.ToString());
    }
    const size_t orderings = e.args.size() - 1;
    if (orderings != 1) {
      return SparkError("INVALID_WITHIN_GROUP_EXPRESSION.WRONG_NUM_ORDERINGS", "42K0K",
                        fmt::format("Invalid function `{}` with WITHIN GROUP. The function requires 1 orderings "
                                    "in WITHIN GROUP but got {}.",
                                    fn, orderings));
    }
    const size_t want = percentile ? 1 : 0;
    if (call_expr.args.size() != want) {
      return SparkError("WRONG_NUM_ARGS.WITHOUT_SUGGESTION", "42605",
                        fmt::format("The `{}` requires {} parameters but the actual number is {}. Please, refer "
                                    "to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
                                    fn, want, call_expr.args.size()));
    }
    const Expr& order = *e.args[1];
    Binder plain(input_);
    ARROW_ASSIGN_OR_RAISE(auto x, plain.Bind(*order.args[0]));
    std::vector<BoundExprPtr> args{x};
    if (percentile) {
      ARROW_ASSIGN_OR_RAISE(auto p, plain.Bind(*call_expr.args[0]));
      args.push_back(std::move(p));
    }
    const std::string p_name = percentile ? args[1]->name() : "";
    const bool desc = !order.ascending;
    auto namer = [](const std::string& function, const std::vector<BoundExprPtr>& bound, bool) {
      std::string list;
      for (const auto& b : bound) list += (list.empty() ? "" : ", ") + b->name();
      return function + "(" + list + ")";
    };
    const std::string run = fn == "percentile_cont" ? "percentile" : fn;
    ARROW_ASSIGN_OR_RAISE(AggregateCall call, spate::ResolveAggregateCall(run, false, std::move(args), namer));
    call.descending = desc;
    // Spark names mode's ordering reversed: ORDER BY x DESC for an ascending one.
    call.name = percentile ? fmt::format("{}({}) WITHIN GROUP (ORDER BY {}{})", fn, p_name, x->name(), desc ? " DESC" : "")
                           : fmt::format("mode() WITHIN GROUP (ORDER BY {}{})", x->name(), desc ? "" : " DESC");
    return call;
  }

  arrow::Result<BoundExprPtr> BindAggregateCall(const Expr& e) {
    ARROW_ASSIGN_OR_RAISE(AggregateCall call, ResolveAggregateExpr(e));
    const bool nullable = AggregateNullable(call);
    calls_->push_back(call);
    int slot = static_cast<int>(groups_.size() + calls_->size() - 1);
    return std::make_shared<BoundColumn>(slot, call.type, nullable, call.name);
  }

 public:
  /// An aggregate call `e` with its arguments bound to the input and its
  /// result type resolved (what an Aggregate node or a window computes).
  arrow::Result<AggregateCall> ResolveAggregateExpr(const Expr& e) {
    if (e.name == kAggregateFilterCall) return ResolveFilteredAggregate(*e.args[0], *e.args[1]);
    if (e.name == kWithinGroupCall) return ResolveWithinGroup(e);
    for (const auto& a : e.args) {
      if (ContainsAggregate(*a)) {
        return SparkError("NESTED_AGGREGATE_FUNCTION", "42607",
                          "It is not allowed to use an aggregate function in the argument of "
                          "another aggregate function. Please use the inner aggregate function "
                          "in a sub-query.");
      }
    }
    AggregateCall call;
    if (e.name == "count" && e.args.size() == 1 && e.args[0]->kind == ExprKind::kStar) {
      call.function = "count_all";
      call.type = types::Long();
      call.name = "count(1)";
    } else {
      Binder plain(input_);
      ARROW_ASSIGN_OR_RAISE(auto args, plain.BindArgs(e));
      auto namer = [&e](const std::string& function, const std::vector<BoundExprPtr>& bound, bool distinct) {
        Expr copy = e;
        copy.name = function;
        copy.distinct = distinct;
        return PrettyName(copy, bound);
      };
      ARROW_ASSIGN_OR_RAISE(call, spate::ResolveAggregateCall(e.name, e.distinct, std::move(args), namer));
    }
    return call;
  }

 private:
  // A window expression: the column a Window node computes for it. Outside
  // a SELECT list (WHERE, HAVING) there is none; a window-only function
  // must come with OVER.
  arrow::Result<BoundExprPtr> BindWindowReference(const Expr& e) {
    if (!IsWindowExpr(e)) {
      return SparkError("WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE", "42601",
                        fmt::format("Window function \"{}\" requires an OVER clause.", e.ToString()));
    }
    if (window_columns_ != nullptr) {
      auto it = window_columns_->find(e.ToString());
      if (it != window_columns_->end()) return it->second;
    }
    return arrow::Status::Invalid("[_LEGACY_ERROR_TEMP_1034] It is not allowed to use window functions inside WHERE clause.");
  }

  const std::vector<Attribute>& input_;
  std::vector<BoundExprPtr> groups_;
  std::vector<std::string> group_names_;
  std::vector<std::string> group_signatures_;
  std::vector<AggregateCall>* calls_ = nullptr;
  size_t grouping_keys_ = 0;
  int grouping_id_slot_ = -1;  // -1: not an aggregation by grouping sets
  std::vector<bool> nullable_keys_;
  std::vector<std::pair<std::string, BoundExprPtr>> lambda_scope_;  // innermost last
  const std::map<std::string, BoundExprPtr>* window_columns_ = nullptr;
  size_t visible_columns_ = SIZE_MAX;
};

std::string OutputName(const Expr& e, const BoundExprPtr& bound) {
  if (e.kind == ExprKind::kAlias) return e.name;
  // As Spark's ResolveAliases: CAST (or TRY_CAST) of a column is named by the column.
  if (e.kind == ExprKind::kCast && e.args[0]->kind == ExprKind::kColumn) {
    return OutputName(*e.args[0], bound->children().empty() ? bound : bound->children()[0]);
  }
  // A struct field (`data.user.id`, or a GROUP BY w.start reference) is named by the field.
  if (e.kind == ExprKind::kColumn && (bound->kind() != BoundExpr::Kind::kColumn || e.name_parts.size() > 1)) {
    const std::string& n = bound->name();
    size_t dot = n.rfind('.');
    return dot == std::string::npos ? n : n.substr(dot + 1);
  }
  return bound->name();
}

std::vector<Attribute> AttributesOf(const std::vector<BoundExprPtr>& exprs,
                                    const std::vector<std::string>& names) {
  std::vector<Attribute> out;
  for (size_t i = 0; i < exprs.size(); ++i) {
    out.push_back({names[i], exprs[i]->type(), exprs[i]->nullable()});
  }
  return out;
}

// The withWatermark delay an expression's value carries: a plain reference to
// an event-time column, or a time window over one (Spark copies the column's
// watermark metadata onto the window). -1 for anything else.
int64_t EventTimeDelay(const BoundExpr& e, const std::vector<Attribute>& input) {
  if (e.kind() == BoundExpr::Kind::kColumn) {
    size_t index = static_cast<size_t>(static_cast<const BoundColumn&>(e).index());
    return index < input.size() ? input[index].watermark_delay_ms : -1;
  }
  if (e.kind() != BoundExpr::Kind::kFunction || e.children().empty()) return -1;
  const std::string& f = static_cast<const BoundFunction&>(e).function();
  if (f != "window" && f != "window_overlaps" && f != "session_window" && f != "window_time") return -1;
  const BoundExpr* time = e.children()[0].get();
  if (time->kind() == BoundExpr::Kind::kFunction && !time->children().empty() &&
      static_cast<const BoundFunction*>(time)->function() == "cast") {
    time = time->children()[0].get();
  }
  return EventTimeDelay(*time, input);  // a column, or window_time(window) of one
}

// Spark's metadata key for a time window struct an expression computes: window() and
// window_overlaps() (sliding windows) give a "spark.timeWindow", session_window() a
// "spark.sessionWindow"; a plain reference keeps its column's. Empty for anything else.
std::string WindowMarker(const BoundExpr& e, const std::vector<Attribute>& input) {
  if (e.kind() == BoundExpr::Kind::kColumn) {
    size_t index = static_cast<size_t>(static_cast<const BoundColumn&>(e).index());
    return index < input.size() ? input[index].window_marker : "";
  }
  if (e.kind() != BoundExpr::Kind::kFunction) return "";
  const std::string& f = static_cast<const BoundFunction&>(e).function();
  if (f == "window" || f == "window_overlaps") return "spark.timeWindow";
  if (f == "session_window") return "spark.sessionWindow";
  return "";
}

// The field metadata a reference to a column keeps ("{}" for computed values).
std::string ColumnMetadata(const BoundExpr& e, const std::vector<Attribute>& input) {
  if (e.kind() != BoundExpr::Kind::kColumn) return "{}";
  size_t index = static_cast<size_t>(static_cast<const BoundColumn&>(e).index());
  return index < input.size() ? input[index].metadata_json : "{}";
}

// Marks the output columns that carry an event time (see EventTimeDelay) or a window.
void PropagateEventTime(PlanNode& node) {
  if (node.children.empty()) return;
  const std::vector<Attribute>& input = node.children[0]->output;
  switch (node.kind) {
    case PlanNode::Kind::kProject:
    case PlanNode::Kind::kAggregate:  // the grouping keys come first
      for (size_t i = 0; i < node.exprs.size() && i < node.output.size(); ++i) {
        node.output[i].watermark_delay_ms = EventTimeDelay(*node.exprs[i], input);
        node.output[i].window_marker = WindowMarker(*node.exprs[i], input);
        node.output[i].metadata_json = ColumnMetadata(*node.exprs[i], input);
      }
      break;
    case PlanNode::Kind::kGenerate:  // explode(window_overlaps(ts, ...)): the windows
      if (node.output.size() > input.size()) {
        node.output.back().watermark_delay_ms = EventTimeDelay(*node.exprs[0], input);
        node.output.back().window_marker = WindowMarker(*node.exprs[0], input);
      }
      break;
    default:
      break;
  }
}

PlanPtr Node(PlanNode node) {
  PropagateEventTime(node);
  return std::make_shared<const PlanNode>(std::move(node));
}

// stack(n, v1, ..., vk): the values as an array of n structs of
// ceil(k / n) fields col0, col1, ... (padded with NULLs), for inline to
// explode. n must be a positive INT constant; a column's values must share a
// type (NULLs aside).
arrow::Result<BoundExprPtr> BindStackRows(std::vector<BoundExprPtr> args, const std::string& pretty) {
  if (args.size() < 2) return WrongNumArgs("stack", "> 1", args.size());
  const arrow::Scalar* n_value = ConstantValue(*args[0]);
  if (args[0]->type()->id() != TypeId::kInt || n_value == nullptr) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                            fmt::format("The first parameter requires the \"INT\" type, however "
                                        "\"{}\" has the type {}",
                                        args[0]->name(), QuotedType(*args[0]->type())));
  }
  int64_t n = n_value->is_valid ? static_cast<const arrow::Int32Scalar&>(*n_value).value : 0;
  if (n <= 0) {
    return DataTypeMismatch("VALUE_OUT_OF_RANGE", pretty,
                            fmt::format("The `n` must be between (0, 2147483647] (current value = {})",
                                        n));
  }
  size_t values = args.size() - 1, width = (values + n - 1) / n;
  std::vector<DataTypePtr> column_types(width);
  std::vector<size_t> first_arg(width, 0);
  for (size_t i = 0; i < values; ++i) {
    size_t c = i % width;
    const DataTypePtr& t = args[1 + i]->type();
    if (t->id() == TypeId::kNull) continue;
    if (!column_types[c]) {
      column_types[c] = t;
      first_arg[c] = 1 + i;
    } else if (!column_types[c]->Equals(*t)) {
      return DataTypeMismatch("STACK_COLUMN_DIFF_TYPES", pretty,
                              fmt::format("The data type of the column ({}) do not have the same "
                                          "type: {} ({}) <> {} ({})",
                                          c, QuotedType(*column_types[c]), first_arg[c],
                                          QuotedType(*t), 1 + i));
    }
  }
  std::vector<BoundExprPtr> rows;
  for (int64_t r = 0; r < n; ++r) {
    std::vector<BoundExprPtr> fields;
    for (size_t c = 0; c < width; ++c) {
      std::string name = fmt::format("col{}", c);
      fields.push_back(std::make_shared<BoundLiteral>(std::make_shared<arrow::StringScalar>(name),
                                                      types::String(), name));
      size_t i = r * width + c;
      DataTypePtr type = column_types[c] ? column_types[c] : types::Null();
      BoundExprPtr value = i < values ? args[1 + i] : nullptr;
      if (!value) {
        ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*type));
        value = std::make_shared<BoundLiteral>(arrow::MakeNullScalar(arrow_type), type, "NULL");
      }
      fields.push_back(ImplicitCast(value, type));
    }
    ARROW_ASSIGN_OR_RAISE(auto row, BindCall("named_struct", std::move(fields), "named_struct"));
    rows.push_back(std::move(row));
  }
  return BindCall("array", std::move(rows), pretty);
}

// ---------------------------------------------------------------------------
// Window functions: f(...) OVER (PARTITION BY p ORDER BY o frame). Each
// distinct (PARTITION BY, ORDER BY) pair becomes one Window node over the
// input, computing its calls as extra columns; the SELECT list then reads
// those columns. Spark's checks: ranking functions and lag/lead/nth_value
// need ORDER BY; ranking functions take only their own frame and lag/lead
// none; RANGE offsets need exactly one numeric, DATE or TIMESTAMP order key.

arrow::Status LegacyError(const std::string& code, const std::string& message) {
  return arrow::Status::Invalid(fmt::format("[{}] {}", code, message));
}

bool IsRankingFunction(const std::string& f) {
  return f == "row_number" || f == "rank" || f == "dense_rank" || f == "percent_rank" || f == "cume_dist" ||
         f == "ntile";
}

// The window expressions of `e` (outermost first, each once by text).
void CollectWindows(const ExprPtr& e, std::vector<ExprPtr>* out) {
  if (IsWindowExpr(*e)) {
    for (const auto& w : *out) {
      if (w->ToString() == e->ToString()) return;
    }
    out->push_back(e);
    return;
  }
  for (const auto& a : e->args) CollectWindows(a, out);
}

// One end of a frame as analyzed, and its text in Spark's column name.
struct FrameEnd {
  WindowFrameBound bound;
  std::string text;
  bool is_value = false;  // n PRECEDING / n FOLLOWING
  DataTypePtr value_type;
};

std::string FrameText(bool rows, const FrameEnd& lower, const FrameEnd& upper) {
  return fmt::format("{} BETWEEN {} AND {}", rows ? "ROWS" : "RANGE", lower.text, upper.text);
}

// Resolves one bound of a written frame (its offset literal included).
arrow::Result<FrameEnd> ResolveFrameEnd(const FrameBoundSpec& spec, bool rows, bool lower,
                                        const std::vector<SortKey>& order, const std::string& frame_sql) {
  FrameEnd end;
  if (spec.kind == "UNBOUNDED PRECEDING") {
    end.bound.kind = WindowFrameBound::Kind::kUnboundedPreceding;
  } else if (spec.kind == "UNBOUNDED FOLLOWING") {
    end.bound.kind = WindowFrameBound::Kind::kUnboundedFollowing;
  }
  if (!spec.value) {
    end.text = spec.kind;
    return end;
  }
  end.is_value = true;
  end.bound.current = false;
  ARROW_ASSIGN_OR_RAISE(auto value, BindExpression(spec.value, {}));
  const arrow::Scalar* scalar = ConstantValue(*value);
  end.value_type = value->type();
  const std::string which = lower ? "lower" : "upper";
  const double sign = spec.kind == "PRECEDING" ? -1 : 1;
  const DataType& vt = *value->type();
  if (rows) {
    bool dataframe = spec.kind == "OFFSET";
    if (scalar == nullptr || !scalar->is_valid || (!dataframe && vt.id() != TypeId::kInt) || !vt.IsIntegral()) {
      return DataTypeMismatch("SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE", frame_sql,
                              fmt::format("The data type of the {} bound {} does not match the expected data type "
                                          "\"INT\"",
                                          which, QuotedType(vt)));
    }
    ARROW_ASSIGN_OR_RAISE(auto as_long, scalar->CastTo(arrow::int64()));
    int64_t n = static_cast<const arrow::Int64Scalar&>(*as_long).value;
    if (dataframe && (n < INT32_MIN || n > INT32_MAX)) {
      return SparkError(lower ? "INVALID_BOUNDARY.START" : "INVALID_BOUNDARY.END", "22003",
                        fmt::format("The boundary `{}` is invalid: {}L. Expected the value is '0', '{}', "
                                    "'[-2147483648, 2147483647]'.",
                                    lower ? "start" : "end", n,
                                    lower ? "-9223372036854775808L" : "9223372036854775807L"));
    }
    end.bound.rows = static_cast<int64_t>(sign) * n;
    end.text = FrameBoundText(spec, spec.value->ToString());
    return end;
  }
  if (order.size() > 1) return end;  // RANGE_FRAME_MULTI_ORDER, reported by the caller
  const DataType& key = *order.at(0).expr->type();
  bool numeric_key = key.IsNumeric();
  std::string text = spec.value->ToString();
  if (numeric_key && vt.IsNumeric()) {
    end.bound.range = sign * std::stod(scalar->ToString());
    // A bound cast to the key's type prints as Spark's (- n) FOLLOWING.
    if (!key.Equals(vt) && spec.kind == "PRECEDING") text = fmt::format("(- {}) FOLLOWING", text);
    end.text = key.Equals(vt) || spec.kind != "PRECEDING" ? FrameBoundText(spec, text) : text;
    return end;
  }
  bool interval = vt.id() == TypeId::kInterval;
  if ((key.id() == TypeId::kDate && (vt.IsIntegral() || interval)) || (key.id() == TypeId::kTimestamp && interval)) {
    double units = 0;
    if (interval) {
      const auto& iv = static_cast<const arrow::MonthDayNanoIntervalScalar&>(*scalar).value;
      units = key.id() == TypeId::kDate ? iv.days + iv.months * 31.0
                                        : (iv.months * 31.0 + iv.days) * 86400e6 + static_cast<double>(iv.nanoseconds) / 1000;
    } else {
      units = std::stod(scalar->ToString());
    }
    end.bound.range = sign * units;
    end.text = FrameBoundText(spec, text);
    return end;
  }
  if (key.id() == TypeId::kTimestamp || key.id() == TypeId::kDate) {
    return DataTypeMismatch("RANGE_FRAME_INVALID_TYPE", frame_sql,
                            fmt::format("The data type {} used in the order specification does not support the "
                                        "data type {} which is used in the range frame",
                                        QuotedType(key), QuotedType(vt)));
  }
  return DataTypeMismatch("SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE", frame_sql,
                          fmt::format("The data type of the {} bound {} does not match the expected data type "
                                      "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or "
                                      "\"INTERVAL\")",
                                      which, QuotedType(numeric_key ? vt : key)));
}

// The window specification text: "PARTITION BY k ORDER BY o ASC NULLS FIRST".
std::string SpecText(const std::vector<BoundExprPtr>& partition, const std::vector<SortKey>& order) {
  std::string out;
  if (!partition.empty()) {
    out += "PARTITION BY ";
    for (size_t i = 0; i < partition.size(); ++i) out += (i ? ", " : "") + partition[i]->name();
  }
  if (!order.empty()) {
    out += out.empty() ? "ORDER BY " : " ORDER BY ";
    for (size_t i = 0; i < order.size(); ++i) {
      const SortKey& k = order[i];
      out += fmt::format("{}{} {} NULLS {}", i ? ", " : "", k.expr->name(), k.ascending ? "ASC" : "DESC",
                         k.nulls_first ? "FIRST" : "LAST");
    }
  }
  return out;
}

// The frame a call runs over: the written one, checked, or Spark's default
// (with ORDER BY: RANGE UNBOUNDED PRECEDING to CURRENT ROW; without: the
// whole partition). Sets call->frame and returns the frame's text.
arrow::Result<std::string> ResolveFrame(const WindowSpecParts& spec, const std::vector<SortKey>& order,
                                        const std::string& spec_text, WindowCall* call) {
  if (spec.frame_type.empty()) {
    if (order.empty()) {
      call->frame.rows = true;
      call->frame.upper.kind = WindowFrameBound::Kind::kUnboundedFollowing;
      return std::string("ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING");
    }
    call->frame.rows = false;
    return std::string("RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW");
  }
  const bool rows = spec.frame_type == "ROWS";
  auto raw = [](const FrameBoundSpec& b) { return FrameBoundText(b, b.value ? b.value->ToString() : ""); };
  const std::string frame_sql = fmt::format("{} BETWEEN {} AND {}", spec.frame_type, raw(spec.lower), raw(spec.upper));
  if (spec.lower.kind == "UNBOUNDED FOLLOWING" || spec.upper.kind == "UNBOUNDED PRECEDING") {
    return DataTypeMismatch("SPECIFIED_WINDOW_FRAME_INVALID_BOUND", frame_sql,
                            fmt::format("Window frame upper bound \"{}\" does not follow the lower bound \"{}\"",
                                        raw(spec.upper), raw(spec.lower)));
  }
  const bool value_bounds = spec.lower.value || spec.upper.value;
  const std::string spec_sql = fmt::format("({}{}{})", spec_text, spec_text.empty() ? "" : " ", frame_sql);
  if (!rows && value_bounds && order.empty()) {
    return DataTypeMismatch("RANGE_FRAME_WITHOUT_ORDER", spec_sql,
                            "A range window frame cannot be used in an unordered window specification");
  }
  if (!rows && value_bounds && order.size() > 1) {
    std::string keys;
    for (size_t i = 0; i < order.size(); ++i) {
      keys += fmt::format("{}{} {} NULLS {}", i ? "," : "", order[i].expr->name(), order[i].ascending ? "ASC" : "DESC",
                          order[i].nulls_first ? "FIRST" : "LAST");
    }
    return DataTypeMismatch("RANGE_FRAME_MULTI_ORDER", spec_sql,
                            fmt::format("A range window frame with value boundaries cannot be used in a window "
                                        "specification with multiple order by expressions: {}",
                                        keys));
  }
  ARROW_ASSIGN_OR_RAISE(auto lower, ResolveFrameEnd(spec.lower, rows, true, order, frame_sql));
  ARROW_ASSIGN_OR_RAISE(auto upper, ResolveFrameEnd(spec.upper, rows, false, order, frame_sql));
  if (lower.is_value && upper.is_value &&
      (rows ? lower.bound.rows > upper.bound.rows : lower.bound.range > upper.bound.range)) {
    return DataTypeMismatch("SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON", frame_sql,
                            "The lower bound of a window frame must be less than or equal to the upper bound");
  }
  call->frame = WindowFrame{rows, lower.bound, upper.bound};
  return FrameText(rows, lower, upper);
}

// A window function call: its function, arguments, type and frame.
arrow::Result<WindowCall> ResolveWindowCall(Binder& binder, const WindowExprParts& parts,
                                            const std::vector<SortKey>& order, const std::string& spec_text) {
  const Expr& fn = *parts.function;
  WindowCall call;
  call.function = fn.kind == ExprKind::kCall ? fn.name : "";
  const std::string f = call.function;
  const bool offset_fn = f == "lag" || f == "lead";
  bool offset_nullable = true;
  if (fn.kind == ExprKind::kCall && fn.distinct && (IsAggregateFunction(f) || f == "count_distinct")) {
    return SparkError("DISTINCT_WINDOW_FUNCTION_UNSUPPORTED", "0A000",
                      fmt::format("Distinct window functions are not supported: \"{} OVER ({})\".", fn.ToString(),
                                  spec_text));
  }
  std::string fn_text;
  if (IsRankingFunction(f) || offset_fn || f == "nth_value") {
    ARROW_ASSIGN_OR_RAISE(auto args, binder.BindArgs(fn));
    if (f == "rank" || f == "dense_rank" || f == "percent_rank") {
      args.clear();  // Spark takes and ignores arguments here
      fn_text = AsciiUpper(f) + "()";
      call.type = f == "percent_rank" ? types::Double() : types::Int();
    } else if (f == "row_number" || f == "cume_dist") {
      ARROW_RETURN_NOT_OK(CheckArgCount(f, args, 0, 0));
      fn_text = f + "()";
      call.type = f == "cume_dist" ? types::Double() : types::Int();
    } else if (f == "ntile") {
      ARROW_RETURN_NOT_OK(CheckArgCount(f, args, 1, 1));
      fn_text = fmt::format("ntile({})", args[0]->name());
      const arrow::Scalar* n = ConstantValue(*args[0]);
      if (args[0]->type()->id() != TypeId::kInt) {
        return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", fn_text,
                                fmt::format("The first parameter requires the \"INT\" type, however \"{}\" has the "
                                            "type {}",
                                            args[0]->name(), QuotedType(*args[0]->type())));
      }
      if (n == nullptr) {
        return DataTypeMismatch("NON_FOLDABLE_INPUT", fn_text,
                                fmt::format("the input `buckets` should be a foldable \"INT\" expression; however, "
                                            "got \"{}\"",
                                            args[0]->name()));
      }
      call.offset = n->is_valid ? static_cast<const arrow::Int32Scalar&>(*n).value : 0;
      if (call.offset <= 0) {
        return DataTypeMismatch("VALUE_OUT_OF_RANGE", fn_text,
                                fmt::format("The buckets must be between (0, 2147483647] (current value = {})",
                                            call.offset));
      }
      call.type = types::Int();
      args.clear();
    } else {  // lag, lead, nth_value
      ARROW_RETURN_NOT_OK(CheckArgCount(f, args, offset_fn ? 1 : 2, offset_fn ? 3 : 3));
      call.type = args[0]->type();
      int64_t offset = 1;
      if (args.size() > 1) {
        const arrow::Scalar* n = ConstantValue(*args[1]);
        std::string pretty = PrettyName(fn, args);
        if (n == nullptr) {
          return DataTypeMismatch("NON_FOLDABLE_INPUT", pretty,
                                  fmt::format("the input `offset` should be a foldable \"INT\" expression; however, "
                                              "got \"{}\"",
                                              args[1]->name()));
        }
        if (!args[1]->type()->IsIntegral() || !n->is_valid) {
          return SparkError("FAILED_FUNCTION_CALL", "38000",
                            fmt::format("Failed preparing of the function `{}` for call. Please, double check "
                                        "function's arguments.",
                                        f));
        }
        ARROW_ASSIGN_OR_RAISE(auto as_long, n->CastTo(arrow::int64()));
        offset = static_cast<const arrow::Int64Scalar&>(*as_long).value;
      }
      if (f == "nth_value") {
        if (args.size() == 3) {
          const arrow::Scalar* ignore = ConstantValue(*args[2]);
          call.ignore_nulls = ignore && ignore->is_valid && ignore->type->id() == arrow::Type::BOOL &&
                              static_cast<const arrow::BooleanScalar&>(*ignore).value;
        }
        fn_text = fmt::format("nth_value({}, {}){}", args[0]->name(), args[1]->name(),
                              call.ignore_nulls ? " ignore nulls" : "");
        if (offset <= 0) {
          return DataTypeMismatch("VALUE_OUT_OF_RANGE", fmt::format("nth_value({}, {})", args[0]->name(), args[1]->name()),
                                  fmt::format("The offset must be between (0, 9223372036854775807] (current value = "
                                              "{}L)",
                                              offset));
        }
        call.offset = offset;
        args.resize(1);
      } else {
        call.ignore_nulls = parts.ignore_nulls;
        std::string default_name = args.size() > 2 ? args[2]->name() : "NULL";
        fn_text = fmt::format("{}({}, {}, {})", f, args[0]->name(), args.size() > 1 ? args[1]->name() : "1",
                              default_name);
        call.offset = f == "lag" ? -offset : offset;
        // Spark: NULL only when the input or the default can be (no default is NULL).
        offset_nullable = args.size() <= 2 || args[0]->nullable() || args[2]->nullable();
        if (args.size() > 2) {
          args[1] = ImplicitCast(args[2], call.type);
          args.resize(2);
        } else {
          args.resize(1);
        }
      }
    }
    call.args = std::move(args);
    call.nullable = (offset_fn && offset_nullable) || f == "nth_value";
  } else if (fn.kind == ExprKind::kCall && IsAggregateFunction(f)) {
    ARROW_ASSIGN_OR_RAISE(AggregateCall agg, binder.ResolveAggregateExpr(fn));
    if (IsDistinctAggregate(agg)) {
      return SparkError("DISTINCT_WINDOW_FUNCTION_UNSUPPORTED", "0A000",
                        fmt::format("Distinct window functions are not supported: \"{} OVER ({})\".", fn.ToString(),
                                    spec_text));
    }
    call.function = agg.function;
    call.args = agg.args;
    call.type = agg.type;
    call.ignore_nulls = agg.ignore_nulls;
    call.nullable = AggregateNullable(agg);
    fn_text = agg.name;
    if ((f == "first" || f == "last" || f == "first_value" || f == "last_value") && !agg.args.empty()) {
      fn_text = fmt::format("{}({})", parts.ignore_nulls || fn.args.size() > 1 ? agg.function : f, agg.args[0]->name());
    }
  } else {
    return SparkError("UNSUPPORTED_EXPR_FOR_WINDOW", "42P20",
                      fmt::format("Expression \"{}\" not supported within a window function.", fn.ToString()));
  }

  const bool needs_order = IsRankingFunction(f) || offset_fn || f == "nth_value";
  if (needs_order && order.empty()) {
    std::string shown = offset_fn || f == "nth_value" ? fn_text : fn_text;
    return LegacyError("_LEGACY_ERROR_TEMP_1037",
                       fmt::format("Window function {} requires window to be ordered, please add ORDER BY clause. For "
                                   "example SELECT {}(value_expr) OVER (PARTITION BY window_partition ORDER BY "
                                   "window_ordering) from table.",
                                   shown, shown));
  }
  std::string frame_text;
  if (offset_fn) {
    if (!parts.spec.frame_type.empty()) {
      return LegacyError("_LEGACY_ERROR_TEMP_1035", fmt::format("Cannot specify window frame for {} function.", f));
    }
    frame_text = fmt::format("ROWS BETWEEN {} FOLLOWING AND {} FOLLOWING", call.offset, call.offset);
  } else if (IsRankingFunction(f)) {
    const bool range = f == "cume_dist";
    std::string required = range ? "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
                                  : "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW";
    if (!parts.spec.frame_type.empty()) {
      WindowCall written;
      ARROW_ASSIGN_OR_RAISE(auto text, ResolveFrame(parts.spec, order, spec_text, &written));
      if (text != required) {
        return LegacyError("_LEGACY_ERROR_TEMP_1036",
                           fmt::format("Window Frame {} must match the required frame {}.", text, required));
      }
    }
    call.frame.rows = !range;
    frame_text = required;
  } else {
    ARROW_ASSIGN_OR_RAISE(frame_text, ResolveFrame(parts.spec, order, spec_text, &call));
  }
  call.name = fmt::format("{} OVER ({}{}{})", fn_text, spec_text, spec_text.empty() ? "" : " ", frame_text);
  return call;
}

// Window nodes computing every window expression of `exprs` over `child`;
// `columns` receives, per window expression text, the column holding it.
arrow::Result<PlanPtr> PlanWindows(const PlanPtr& child, const std::vector<ExprPtr>& exprs,
                                   std::map<std::string, BoundExprPtr>* columns) {
  std::vector<ExprPtr> windows;
  std::vector<std::string> names;  // the name Spark's analyzer gives each window's column
  for (const auto& e : exprs) {
    const bool aliased = e->kind == ExprKind::kAlias && IsWindowExpr(*e->args[0]);
    CollectWindows(e, &windows);
    while (names.size() < windows.size()) {
      names.push_back(aliased ? e->name : IsWindowExpr(*e) ? "" : fmt::format("_we{}", names.size()));
    }
  }
  struct Group {
    std::string signature;
    std::vector<BoundExprPtr> partition;
    std::vector<SortKey> order;
    std::vector<WindowCall> calls;
    std::vector<std::string> texts;
  };
  std::vector<Group> groups;
  Binder binder(child->output);
  for (const auto& w : windows) {
    WindowExprParts parts = DecodeWindow(*w);
    for (const auto& input : WindowInputs(*w)) {
      if (ContainsWindow(*input)) {
        return LegacyError("_LEGACY_ERROR_TEMP_1031",
                           "It is not allowed to use a window function inside an aggregate function. Please use the "
                           "inner window function in a sub-query.");
      }
    }
    Group g;
    for (const auto& p : parts.spec.partition) {
      ARROW_ASSIGN_OR_RAISE(auto bound, binder.Bind(*p));
      g.signature += Signature(*bound) + ";";
      g.partition.push_back(std::move(bound));
    }
    g.signature += "|";
    for (const auto& o : parts.spec.order) {
      SortKey key;
      if (o->kind == ExprKind::kSortOrder) {
        key.ascending = o->ascending;
        key.nulls_first = o->nulls_first;
      }
      ARROW_ASSIGN_OR_RAISE(key.expr, binder.Bind(*o));
      g.signature += fmt::format("{}:{}:{};", Signature(*key.expr), key.ascending, key.nulls_first);
      g.order.push_back(std::move(key));
    }
    ARROW_ASSIGN_OR_RAISE(auto call, ResolveWindowCall(binder, parts, g.order, SpecText(g.partition, g.order)));
    call.column = names[&w - windows.data()];
    auto same = std::find_if(groups.begin(), groups.end(), [&](const Group& x) { return x.signature == g.signature; });
    if (same == groups.end()) same = groups.insert(groups.end(), std::move(g));
    same->calls.push_back(std::move(call));
    same->texts.push_back(w->ToString());
  }
  PlanPtr top = child;
  for (auto& g : groups) {
    PlanNode node{.kind = PlanNode::Kind::kWindow, .children = {top}, .output = top->output};
    for (size_t i = 0; i < g.calls.size(); ++i) {
      const WindowCall& c = g.calls[i];
      (*columns)[g.texts[i]] =
          std::make_shared<BoundColumn>(static_cast<int>(node.output.size()), c.type, c.nullable, c.name);
      node.output.push_back({c.name, c.type, c.nullable});
    }
    node.exprs = std::move(g.partition);
    node.sort_keys = std::move(g.order);
    auto calls = std::make_shared<WindowCalls>();
    calls->calls = std::move(g.calls);
    node.window = std::move(calls);
    top = Node(std::move(node));
  }
  return top;
}

// GROUP BY (or a global aggregation) with window functions or a generator over
// its result: the aggregation computes every expression the windows or the
// generator read, and each select-list part outside them, as columns named by
// their text; the windows or the generator then run over the aggregation's
// output, as in Spark's plan.
class AggregateLifter {
 public:
  std::vector<ExprPtr> inner;  // the aggregation's outputs

  ExprPtr Lift(const ExprPtr& e) {
    if (IsWindowExpr(*e)) {
      WindowExprParts parts = DecodeWindow(*e);
      Expr fn = *parts.function;
      for (auto& a : fn.args) a = Hidden(a);
      parts.function = ex::Node(std::move(fn));
      for (auto& p : parts.spec.partition) p = Hidden(p);
      for (auto& o : parts.spec.order) {
        o = o->kind == ExprKind::kSortOrder ? ex::Sort(Hidden(o->args[0]), o->ascending, o->nulls_first) : Hidden(o);
      }
      return ex::Window(parts);
    }
    if (!ContainsWindow(*e) && !IsGenerator(*e)) return Hidden(e);
    Expr copy = *e;
    for (auto& a : copy.args) a = Lift(a);
    return ex::Node(std::move(copy));
  }

 private:
  // A reference to `e` computed by the aggregation (literals stay as they are).
  ExprPtr Hidden(const ExprPtr& e) {
    if (e->kind == ExprKind::kLiteral || e->kind == ExprKind::kStar) return e;
    std::string name = e->ToString();
    bool known = std::any_of(inner.begin(), inner.end(), [&](const ExprPtr& x) { return x->name == name; });
    if (!known) inner.push_back(ex::Alias(e->kind == ExprKind::kAlias ? e->args[0] : e, name));
    return ex::Col({name});
  }
};

// Whether an aggregate function (outside any window) takes a window expression.
bool AggregatesWindow(const Expr& e) {
  if (IsWindowExpr(e)) return false;
  if (IsAggregateCall(e) && ContainsWindow(e)) return true;
  return std::any_of(e.args.begin(), e.args.end(), [](const ExprPtr& a) { return AggregatesWindow(*a); });
}

arrow::Result<PlanPtr> MakeAggregateThenProject(const PlanPtr& child, const std::vector<ExprPtr>& groups,
                                                const std::vector<ExprPtr>& aggs, const ExprPtr& having) {
  for (const auto& e : aggs) {
    if (AggregatesWindow(*e)) {
      return LegacyError("_LEGACY_ERROR_TEMP_1031",
                         "It is not allowed to use a window function inside an aggregate function. Please use the "
                         "inner window function in a sub-query.");
    }
  }
  AggregateLifter lifter;
  std::vector<ExprPtr> outer;
  for (const auto& e : aggs) {
    ExprPtr lifted = lifter.Lift(e);
    if (e->kind == ExprKind::kAlias && lifted->kind != ExprKind::kAlias) lifted = ex::Alias(lifted, e->name);
    outer.push_back(std::move(lifted));
  }
  ARROW_ASSIGN_OR_RAISE(auto aggregated, MakeAggregate(child, groups, lifter.inner, having));
  return MakeProject(aggregated, outer);
}

// What a generator explodes: its argument, or stack's rows as an array of structs.
arrow::Result<BoundExprPtr> BindGeneratorInput(const Expr& generator,
                                               const std::vector<Attribute>& base) {
  Binder binder(base);
  if (generator.name == "stack") {
    ARROW_ASSIGN_OR_RAISE(auto args, binder.BindArgs(generator));
    return BindStackRows(std::move(args), generator.ToString());
  }
  if (generator.args.size() != 1) return WrongNumArgs(generator.name, "1", generator.args.size());
  return binder.Bind(*generator.args[0]);
}

// One generator's Generate node over `top`, whose first columns are `base` (the
// select's input, which the generator's argument reads), and the columns the
// generator stands for in the select list, over the Generate's output.
struct GeneratorColumns {
  PlanPtr node;
  std::vector<BoundExprPtr> columns;
  std::vector<std::string> names;
};

arrow::Result<GeneratorColumns> MakeOneGenerate(const PlanPtr& top,
                                                const std::vector<Attribute>& base,
                                                const Expr& generator) {
  ARROW_ASSIGN_OR_RAISE(BoundExprPtr input, BindGeneratorInput(generator, base));
  PlanNode gen{.kind = PlanNode::Kind::kGenerate, .children = {top}, .output = top->output};
  gen.generate_outer = generator.name.ends_with("_outer");
  gen.generate_position = generator.name.starts_with("pos");
  // inline and stack explode an array of structs whose fields become the columns.
  const bool of_structs = generator.name.starts_with("inline") || generator.name == "stack";
  const int first = static_cast<int>(top->output.size());
  std::vector<Attribute> generated;
  GeneratorColumns out;
  const bool outer_rows = gen.generate_outer;  // a NULL or empty input gives a row of NULLs
  if (gen.generate_position) generated.push_back({"pos", types::Int(), outer_rows});
  if (of_structs) {
    const DataType& t = *input->type();
    if (t.id() != TypeId::kArray ||
        static_cast<const ArrayType&>(t).element_type()->id() != TypeId::kStruct) {
      return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", generator.ToString(),
                              fmt::format("The first parameter requires the \"ARRAY<STRUCT>\" "
                                          "type, however \"{}\" has the type {}",
                                          input->name(), QuotedType(t)));
    }
    const auto& at = static_cast<const ArrayType&>(t);
    // stack's columns are always nullable; inline's when a struct may be NULL.
    bool nullable = generator.name != "inline" || at.contains_null();
    generated.push_back({"col", at.element_type(), nullable});
    auto column = std::make_shared<BoundColumn>(first, at.element_type(), nullable, "col");
    for (const auto& f : static_cast<const StructType&>(*at.element_type()).fields()) {
      auto key = std::make_shared<BoundLiteral>(std::make_shared<arrow::StringScalar>(f.name),
                                                types::String(), f.name);
      ARROW_ASSIGN_OR_RAISE(auto field, BindCall("extract_value", {column, key}, f.name));
      out.columns.push_back(std::move(field));
      out.names.push_back(f.name);
    }
  } else if (input->type()->id() == TypeId::kArray) {
    const auto& at = static_cast<const ArrayType&>(*input->type());
    // Sliding windows (explode(window_overlaps(...))) stay nullable, as Spark's window column.
    bool windows = input->kind() == BoundExpr::Kind::kFunction &&
                   static_cast<const BoundFunction&>(*input).function() == "window_overlaps";
    generated.push_back({"col", at.element_type(), at.contains_null() || outer_rows || windows});
  } else if (input->type()->id() == TypeId::kMap) {
    const auto& mt = static_cast<const MapType&>(*input->type());
    generated.push_back({"key", mt.key_type(), outer_rows});
    generated.push_back({"value", mt.value_type(), mt.value_contains_null() || outer_rows});
  } else {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", generator.ToString(),
                            fmt::format("The first parameter requires the (\"ARRAY\" or \"MAP\") "
                                        "type, however \"{}\" has the type {}",
                                        input->name(), QuotedType(*input->type())));
  }
  for (size_t k = 0; k < generated.size() && !of_structs; ++k) {
    const Attribute& a = generated[k];
    out.columns.push_back(
        std::make_shared<BoundColumn>(first + static_cast<int>(k), a.type, a.nullable, a.name));
    out.names.push_back(a.name);
  }
  gen.exprs = {input};
  gen.output.insert(gen.output.end(), generated.begin(), generated.end());
  out.node = Node(std::move(gen));
  return out;
}

// A select list with generators: one Generate per generator, stacked so that the
// first is outermost (Spark 4.1 nests them: a cross product per row), then the
// select list over the last one, each generator standing for its columns.
arrow::Result<PlanPtr> MakeGenerate(const PlanPtr& child, const std::vector<ExprPtr>& exprs) {
  PlanPtr top = child;
  Binder binder(child->output);  // the input's columns keep their places in every Generate
  std::vector<BoundExprPtr> bound;
  std::vector<std::string> out_names;
  for (const auto& e : exprs) {
    if (IsGenerator(*e)) {
      const Expr& generator = e->kind == ExprKind::kAlias ? *e->args[0] : *e;
      ARROW_ASSIGN_OR_RAISE(auto generated, MakeOneGenerate(top, child->output, generator));
      top = generated.node;
      ARROW_ASSIGN_OR_RAISE(auto aliases, GeneratorNames(*e, std::move(generated.names)));
      for (size_t k = 0; k < generated.columns.size(); ++k) {
        out_names.push_back(std::move(aliases[k]));
        bound.push_back(std::move(generated.columns[k]));
      }
      continue;
    }
    if (e->kind == ExprKind::kStar) {
      ARROW_ASSIGN_OR_RAISE(auto expanded, binder.ExpandStar(e->name_parts));
      for (auto& [x, name] : expanded) {
        out_names.push_back(name);
        bound.push_back(std::move(x));
      }
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto b, binder.Bind(*e));
    out_names.push_back(OutputName(*e, b));
    bound.push_back(std::move(b));
  }
  PlanNode project{.kind = PlanNode::Kind::kProject, .children = {top}};
  project.output = AttributesOf(bound, out_names);
  project.exprs = std::move(bound);
  return Node(std::move(project));
}

// A sliding window(...) call (slide shorter than the window) among `e`'s
// top level (under an alias at most), or null.
arrow::Result<const Expr*> SlidingWindowCall(const Expr& e, const std::vector<Attribute>& input) {
  const Expr& inner = e.kind == ExprKind::kAlias ? *e.args[0] : e;
  if (inner.kind != ExprKind::kCall || inner.name != "window") return nullptr;
  Binder binder(input);
  ARROW_ASSIGN_OR_RAISE(auto args, binder.BindArgs(inner));
  ARROW_ASSIGN_OR_RAISE(auto spec, SlidingWindowSpec(args));
  return spec ? &inner : nullptr;
}

// A row belongs to every sliding window that contains its time: such
// windows become explode(window_overlaps(...)) AS window, as Spark expands them.
ExprPtr ExplodeWindows(const Expr& window_call, const std::string& name) {
  return ex::Alias(ex::Call("explode", {ex::Call("window_overlaps", window_call.args)}), name);
}

}  // namespace

const char* JoinTypeName(JoinType type) {
  switch (type) {
    case JoinType::kInner: return "Inner";
    case JoinType::kCross: return "Cross";
    case JoinType::kLeftOuter: return "LeftOuter";
    case JoinType::kRightOuter: return "RightOuter";
    case JoinType::kFullOuter: return "FullOuter";
    case JoinType::kLeftSemi: return "LeftSemi";
    case JoinType::kLeftAnti: return "LeftAnti";
  }
  return "?";
}

PlanPtr MakeScan(std::shared_ptr<ScanSource> source, const StructType& schema) {
  PlanNode node{.kind = PlanNode::Kind::kScan};
  for (const auto& f : schema.fields()) {
    node.output.push_back({.name = f.name, .type = f.type, .nullable = f.nullable,
                           .metadata_json = f.metadata_json});
  }
  node.source = std::move(source);
  return Node(std::move(node));
}

arrow::Result<PlanPtr> MakeLocalRelation(std::shared_ptr<arrow::Table> rows) {
  ARROW_ASSIGN_OR_RAISE(auto schema, FromArrowSchema(*rows->schema()));
  auto source = std::make_shared<ScanSource>();
  source->description = "LocalRelation";
  source->table = std::move(rows);
  return MakeScan(std::move(source), *schema);
}

arrow::Result<BoundExprPtr> BindExpression(const ExprPtr& expr, const std::vector<Attribute>& input) {
  return Binder(input).Bind(*expr);
}

arrow::Result<int> ResolveColumnIndex(const std::vector<Attribute>& input, const std::string& name) {
  ARROW_ASSIGN_OR_RAISE(auto bound, Binder(input).ResolveColumn({name}));
  if (bound->kind() != BoundExpr::Kind::kColumn) return UnresolvedColumn({name}, input);
  return static_cast<const BoundColumn&>(*bound).index();
}

// Spark computes time windows only for rows that have a time: a window() or
// session_window() call in a projection or a grouping drops the rows whose time
// column is NULL first (so the window struct is never NULL).
static arrow::Result<PlanPtr> DropRowsWithoutTime(const PlanPtr& child, const std::vector<ExprPtr>& exprs) {
  PlanPtr out = child;
  for (const auto& e : exprs) {
    const Expr& inner = e->kind == ExprKind::kAlias ? *e->args[0] : *e;
    if (inner.kind != ExprKind::kCall || inner.args.empty() ||
        (inner.name != "window" && inner.name != "session_window")) {
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(out, MakeFilter(out, ex::Call("isnotnull", {inner.args[0]})));
  }
  return out;
}

// json_tuple(json, k1, ..., kn) [AS (a1, ..., an)] in a select list stands
// for its n columns, c0..cn-1 unless aliased: fields of the struct it binds to.
static arrow::Result<std::vector<ExprPtr>> ExpandJsonTuples(const std::vector<ExprPtr>& exprs) {
  std::vector<ExprPtr> out;
  for (const auto& e : exprs) {
    const Expr& inner = e->kind == ExprKind::kAlias ? *e->args[0] : *e;
    if (inner.kind != ExprKind::kCall || inner.name != "json_tuple" || inner.args.size() < 2) {
      out.push_back(e);
      continue;
    }
    std::vector<std::string> fields;
    for (size_t i = 0; i + 1 < inner.args.size(); ++i) fields.push_back(fmt::format("c{}", i));
    ARROW_ASSIGN_OR_RAISE(auto names, GeneratorNames(*e, fields));
    ExprPtr call = e->kind == ExprKind::kAlias ? e->args[0] : e;
    for (size_t i = 0; i < fields.size(); ++i) {
      out.push_back(ex::Alias(ex::Extract(call, ex::String(fields[i])), names[i]));
    }
  }
  return out;
}

arrow::Result<PlanPtr> MakeProject(const PlanPtr& source, const std::vector<ExprPtr>& exprs_in) {
  ARROW_ASSIGN_OR_RAISE(const std::vector<ExprPtr> exprs, ExpandJsonTuples(exprs_in));
  ARROW_ASSIGN_OR_RAISE(PlanPtr child, DropRowsWithoutTime(source, exprs));
  std::vector<ExprPtr> rewritten = exprs;
  for (auto& e : rewritten) {
    ARROW_ASSIGN_OR_RAISE(const Expr* window, SlidingWindowCall(*e, child->output));
    if (window) e = ExplodeWindows(*window, e->kind == ExprKind::kAlias ? e->name : "window");
  }
  const bool aggregated =
      std::any_of(exprs.begin(), exprs.end(), [](const ExprPtr& e) { return ContainsAggregate(*e); });
  ARROW_RETURN_NOT_OK(CheckGenerators(rewritten, aggregated));
  if (aggregated) return MakeAggregate(child, {}, exprs);
  for (const auto& e : rewritten) {
    if (IsGenerator(*e)) return MakeGenerate(child, rewritten);
  }
  PlanPtr input = child;
  std::map<std::string, BoundExprPtr> windows;
  if (std::any_of(exprs.begin(), exprs.end(), [](const ExprPtr& e) { return ContainsWindow(*e); })) {
    ARROW_ASSIGN_OR_RAISE(input, PlanWindows(child, exprs, &windows));
  }
  Binder binder(input->output);
  binder.EnableWindowColumns(&windows, child->output.size());
  PlanNode node{.kind = PlanNode::Kind::kProject, .children = {input}};
  std::vector<std::string> names;
  for (const auto& e : exprs) {
    if (e->kind == ExprKind::kStar) {
      ARROW_ASSIGN_OR_RAISE(auto expanded, binder.ExpandStar(e->name_parts));
      for (auto& [x, name] : expanded) {
        names.push_back(name);
        node.exprs.push_back(std::move(x));
      }
      continue;
    }
    ARROW_ASSIGN_OR_RAISE(auto bound, binder.Bind(*e));
    names.push_back(OutputName(*e, bound));
    node.exprs.push_back(std::move(bound));
  }
  node.output = AttributesOf(node.exprs, names);
  // Plain column references keep their qualifier (`SELECT t.a FROM t` then t.a).
  for (size_t i = 0; i < node.exprs.size(); ++i) {
    if (node.exprs[i]->kind() == BoundExpr::Kind::kColumn && exprs.size() > 0) {
      size_t index = static_cast<size_t>(static_cast<const BoundColumn&>(*node.exprs[i]).index());
      if (index < child->output.size() && node.output[i].name == child->output[index].name) {
        node.output[i].qualifier = child->output[index].qualifier;
      }
    }
  }
  return Node(std::move(node));
}

// The SQL text of each aggregate call inside `e`, in order.
void CollectAggregateSql(const Expr& e, std::vector<std::string>* out) {
  if (IsWindowExpr(e)) return;  // refused as a window function when bound
  if (IsAggregateCall(e)) {
    out->push_back(e.ToSql());
    return;
  }
  for (const auto& a : e.args) CollectAggregateSql(*a, out);
}

arrow::Result<PlanPtr> MakeFilter(const PlanPtr& child, const ExprPtr& condition) {
  std::vector<std::string> aggregates;
  CollectAggregateSql(*condition, &aggregates);
  if (!aggregates.empty()) {
    std::string list;
    for (const auto& a : aggregates) list += (list.empty() ? "" : ", ") + a;
    return SparkError("INVALID_WHERE_CONDITION", "42903",
                      fmt::format("The WHERE condition \"{}\" contains invalid expressions: {}.\n"
                                  "Rewrite the query to avoid window functions, aggregate "
                                  "functions, and generator functions in the WHERE clause.",
                                  condition->ToString(), list));
  }
  ARROW_ASSIGN_OR_RAISE(auto bound, Binder(child->output).Bind(*condition));
  if (bound->type()->id() != TypeId::kBoolean && bound->type()->id() != TypeId::kNull) {
    return SparkError("DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN", "42K09",
                      fmt::format("Cannot resolve \"{}\" due to data type mismatch: Filter "
                                  "expression \"{}\" of type {} is not a boolean.",
                                  bound->name(), bound->name(), QuotedType(*bound->type())));
  }
  PlanNode node{.kind = PlanNode::Kind::kFilter, .children = {child}, .output = child->output};
  node.condition = std::move(bound);
  return Node(std::move(node));
}

// An aggregation by grouping sets, planned as Spark does: an Expand node
// below the Aggregate outputs each input row once per grouping set, with the
// input's columns (which the aggregate functions read), a copy of each
// distinct grouping expression (NULL when the set leaves it out) and
// spark_grouping_id (bit k-1-i set when the set leaves out the i-th of the k
// grouping expressions); the Aggregate groups by those copies and the id.
struct GroupingSetsPlan {
  PlanPtr expand;
  std::vector<BoundExprPtr> keys;      // the Aggregate's grouping keys (over `expand`)
  std::vector<std::string> names;      // their names
  std::vector<BoundExprPtr> original;  // the distinct grouping expressions (over the input)
  std::vector<bool> nullable;          // per key: whether a grouping set leaves it out
};

arrow::Result<GroupingSetsPlan> PlanGroupingSets(const PlanPtr& child, const GroupingSets& sets,
                                                 const std::vector<BoundExprPtr>& bound,
                                                 const std::vector<std::string>& names) {
  GroupingSetsPlan out;
  std::vector<std::string> signatures;
  std::vector<size_t> distinct_of;  // bound[i] is out.original[distinct_of[i]]
  for (size_t i = 0; i < bound.size(); ++i) {
    std::string sig = Signature(*bound[i]);
    auto it = std::find(signatures.begin(), signatures.end(), sig);
    distinct_of.push_back(it - signatures.begin());
    if (it != signatures.end()) continue;
    signatures.push_back(std::move(sig));
    out.original.push_back(bound[i]);
    out.names.push_back(names[i]);
  }
  const size_t k = out.original.size();
  if (k > 64) {
    return SparkError("GROUPING_SIZE_LIMIT_EXCEEDED", "54000", "Grouping sets size cannot be greater than 64.");
  }
  // Each set as the grouping expressions it keeps; a repeated set needs a
  // position key to keep its groups apart (Spark's _gen_grouping_pos).
  std::vector<std::vector<bool>> kept;
  for (const auto& set : sets.sets) {
    std::vector<bool> keep(k, false);
    for (size_t i : set) keep[distinct_of[i]] = true;
    kept.push_back(std::move(keep));
  }
  bool repeated = false;
  for (size_t a = 0; a < kept.size(); ++a) {
    for (size_t b = a + 1; b < kept.size(); ++b) repeated = repeated || kept[a] == kept[b];
  }
  out.nullable.assign(k, false);
  for (const auto& keep : kept) {
    for (size_t j = 0; j < k; ++j) out.nullable[j] = out.nullable[j] || !keep[j];
  }

  const int width = static_cast<int>(child->output.size());
  PlanNode expand{.kind = PlanNode::Kind::kExpand, .children = {child}, .output = child->output};
  for (size_t j = 0; j < k; ++j) {
    const BoundExprPtr& e = out.original[j];
    Attribute a{out.names[j], e->type(), e->nullable() || out.nullable[j]};
    a.watermark_delay_ms = EventTimeDelay(*e, child->output);
    a.window_marker = WindowMarker(*e, child->output);
    expand.output.push_back(std::move(a));
  }
  expand.output.push_back({"spark_grouping_id", types::Long(), false});
  if (repeated) expand.output.push_back({"_gen_grouping_pos", types::Int(), false});
  for (size_t s = 0; s < kept.size(); ++s) {
    std::vector<BoundExprPtr> projection;
    for (int i = 0; i < width; ++i) {
      const Attribute& a = child->output[i];
      projection.push_back(std::make_shared<BoundColumn>(i, a.type, a.nullable, a.name));
    }
    uint64_t gid = 0;
    for (size_t j = 0; j < k; ++j) {
      const BoundExprPtr& e = out.original[j];
      if (kept[s][j]) {
        projection.push_back(e);
        continue;
      }
      gid |= uint64_t{1} << (k - 1 - j);
      ARROW_ASSIGN_OR_RAISE(auto arrow_type, ToArrowType(*e->type()));
      projection.push_back(std::make_shared<BoundLiteral>(arrow::MakeNullScalar(arrow_type), e->type(), "null"));
    }
    projection.push_back(std::make_shared<BoundLiteral>(
        std::make_shared<arrow::Int64Scalar>(static_cast<int64_t>(gid)), types::Long(), std::to_string(gid)));
    if (repeated) projection.push_back(IntLiteral(static_cast<int32_t>(s)));
    expand.projections.push_back(std::move(projection));
  }
  for (size_t i = width; i < expand.output.size(); ++i) {
    const Attribute& a = expand.output[i];
    out.keys.push_back(std::make_shared<BoundColumn>(static_cast<int>(i), a.type, a.nullable, a.name));
  }
  out.names.push_back("spark_grouping_id");
  if (repeated) out.names.push_back("_gen_grouping_pos");
  out.expand = Node(std::move(expand));
  return out;
}

namespace {

const Expr* FirstGenerator(const Expr& e) {
  if (IsGenerator(e)) return &e;
  for (const auto& a : e.args) {
    if (const Expr* found = FirstGenerator(*a)) return found;
  }
  return nullptr;
}

const Expr* FirstColumn(const Expr& e) {
  if (e.kind == ExprKind::kColumn) return &e;
  for (const auto& a : e.args) {
    if (const Expr* found = FirstColumn(*a)) return found;
  }
  return nullptr;
}

// A generator among the grouping expressions, as Spark's analyzer meets it.
// When the output holds a generator too (a DataFrame's groupBy keeps its
// groups in the output), Spark takes it out of the aggregate first and finds
// its input ungrouped: MISSING_AGGREGATION. Otherwise the aggregate groups by
// an expression no operator runs: UNSUPPORTED_EXPR_FOR_OPERATOR.
arrow::Status CheckGroupingGenerators(const std::vector<ExprPtr>& groups, const std::vector<ExprPtr>& aggs) {
  for (const auto& g : groups) {
    const Expr* generator = FirstGenerator(*g);
    if (generator == nullptr) continue;
    const Expr* input = FirstColumn(*generator);
    if (input && std::any_of(aggs.begin(), aggs.end(), [](const ExprPtr& e) { return ContainsGenerator(*e); })) {
      const std::string& name = input->name_parts.back();
      return SparkError("MISSING_AGGREGATION", "42803",
                        fmt::format("The non-aggregating expression \"{0}\" is based on columns which are not "
                                    "participating in the GROUP BY clause.\nAdd the columns or the expression to "
                                    "the GROUP BY, aggregate the expression, or use \"any_value({0})\" if you do "
                                    "not care which of the values within a group is returned.",
                                    name));
    }
    return UnsupportedExprForOperator(*generator);
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<PlanPtr> MakeAggregate(const PlanPtr& input, const std::vector<ExprPtr>& input_groups,
                                     const std::vector<ExprPtr>& input_aggs, const ExprPtr& having) {
  ARROW_RETURN_NOT_OK(CheckGroupingGenerators(input_groups, input_aggs));
  ARROW_RETURN_NOT_OK(CheckGenerators(input_aggs, /*aggregated=*/true));
  if (std::any_of(input_aggs.begin(), input_aggs.end(),
                  [](const ExprPtr& e) { return ContainsWindow(*e) || IsGenerator(*e); })) {
    return MakeAggregateThenProject(input, input_groups, input_aggs, having);
  }
  // Grouping by a sliding window: expand each row into its windows first,
  // then group by the expanded `window` column.
  ARROW_ASSIGN_OR_RAISE(PlanPtr child, DropRowsWithoutTime(input, input_groups));
  std::vector<ExprPtr> groups = input_groups;
  std::vector<ExprPtr> aggs = input_aggs;
  for (auto& g : groups) {
    ARROW_ASSIGN_OR_RAISE(const Expr* window, SlidingWindowCall(*g, child->output));
    if (!window) continue;
    ExprPtr original = g;
    ARROW_ASSIGN_OR_RAISE(child, MakeGenerate(child, {ex::Star(), ExplodeWindows(*window, "window")}));
    g = ex::Col({"window"});
    for (auto& a : aggs) {
      const Expr& inner = a->kind == ExprKind::kAlias ? *a->args[0] : *a;
      if (inner.ToString() != original->ToString()) continue;
      a = a->kind == ExprKind::kAlias ? ex::Alias(g, a->name) : g;
    }
  }
  const std::optional<GroupingSets> grouping_sets = ExpandGroupingSets(groups);
  if (grouping_sets) groups = grouping_sets->exprs;
  Binder plain(child->output);
  PlanNode agg{.kind = PlanNode::Kind::kAggregate, .children = {child}};
  std::vector<std::string> group_names;
  for (const auto& g : groups) {
    if (ContainsAggregate(*g)) {
      return SparkError("GROUP_BY_AGGREGATE", "42903",
                        fmt::format("Aggregate functions are not allowed in GROUP BY, but found {}.",
                                    g->ToString()));
    }
    ARROW_ASSIGN_OR_RAISE(auto bound, plain.Bind(*g));
    group_names.push_back(OutputName(*g, bound));
    if (bound->kind() == BoundExpr::Kind::kFunction &&
        static_cast<const BoundFunction&>(*bound).function() == "session_window") {
      if (agg.session_window_key >= 0) {
        return LegacyAnalysisError("Multiple session window expressions would result in a cartesian product "
                                   "of rows, therefore they are currently not supported.");
      }
      agg.session_window_key = static_cast<int>(agg.exprs.size());
    }
    agg.exprs.push_back(std::move(bound));
  }
  Binder binder(child->output);
  if (grouping_sets) {
    ARROW_ASSIGN_OR_RAISE(auto planned, PlanGroupingSets(child, *grouping_sets, agg.exprs, group_names));
    agg.children = {planned.expand};
    agg.exprs = std::move(planned.keys);
    group_names = std::move(planned.names);
    // SELECT items match the grouping expressions as written (over the input);
    // the keys after them (the grouping id) match nothing.
    std::vector<BoundExprPtr> matched = planned.original;
    matched.insert(matched.end(), agg.exprs.begin() + planned.original.size(), agg.exprs.end());
    binder.EnableAggregates(std::move(matched), &agg.aggregates, group_names);
    binder.EnableGroupingSets(planned.original.size(), static_cast<int>(planned.original.size()),
                              std::move(planned.nullable));
  } else {
    binder.EnableAggregates(agg.exprs, &agg.aggregates, group_names);
  }
  std::vector<BoundExprPtr> results;
  std::vector<std::string> names;
  for (const auto& e : aggs) {
    if (e->kind == ExprKind::kStar) {
      return SparkError("INVALID_USAGE_OF_STAR_OR_REGEX", "42000",
                        "Invalid usage of '*' in an aggregation.");
    }
    ARROW_ASSIGN_OR_RAISE(auto bound, binder.Bind(*e));
    names.push_back(OutputName(*e, bound));
    results.push_back(std::move(bound));
  }
  BoundExprPtr having_bound;
  if (having) {
    ARROW_ASSIGN_OR_RAISE(having_bound, binder.Bind(*having));
  }

  agg.output = AttributesOf(agg.exprs, group_names);
  for (const auto& call : agg.aggregates) agg.output.push_back({call.name, call.type, AggregateNullable(call)});
  PlanPtr top = Node(std::move(agg));
  if (having_bound) {
    PlanNode filter{.kind = PlanNode::Kind::kFilter, .children = {top}, .output = top->output};
    filter.condition = std::move(having_bound);
    top = Node(std::move(filter));
  }
  PlanNode project{.kind = PlanNode::Kind::kProject, .children = {top}};
  project.output = AttributesOf(results, names);
  project.exprs = std::move(results);
  return Node(std::move(project));
}

arrow::Result<PlanPtr> MakeJoin(const PlanPtr& left, const PlanPtr& right, const ExprPtr& condition,
                                const std::vector<std::string>& using_columns, JoinType type) {
  PlanNode node{.kind = PlanNode::Kind::kJoin, .children = {left, right}, .join_type = type};
  const int left_width = static_cast<int>(left->output.size());
  std::vector<Attribute> combined = left->output;
  combined.insert(combined.end(), right->output.begin(), right->output.end());
  const bool left_nullable = type == JoinType::kRightOuter || type == JoinType::kFullOuter;
  const bool right_nullable = type == JoinType::kLeftOuter || type == JoinType::kFullOuter;

  if (!using_columns.empty()) {
    std::vector<int> li, ri;
    for (const auto& name : using_columns) {
      auto l = ResolveColumnIndex(left->output, name);
      auto r = ResolveColumnIndex(right->output, name);
      if (!l.ok() || !r.ok()) {
        const auto& side = l.ok() ? right->output : left->output;
        std::string cols;
        for (size_t i = 0; i < side.size(); ++i) cols += (i ? ", " : "") + BacktickParts({side[i].name});
        return SparkError("UNRESOLVED_USING_COLUMN_FOR_JOIN", "42703",
                          fmt::format("USING column {} cannot be resolved on the {} side of the "
                                      "join. The {}-side columns: [{}].",
                                      BacktickParts({name}), l.ok() ? "right" : "left",
                                      l.ok() ? "right" : "left", cols));
      }
      li.push_back(*l);
      ri.push_back(*r);
      node.using_left.push_back(*l);
      node.using_right.push_back(*r);
      const Attribute& la = left->output[*l];
      const Attribute& ra = right->output[*r];
      auto common = WiderType(la.type, ra.type);
      if (!common) {
        return DataTypeMismatch("BINARY_OP_DIFF_TYPES", fmt::format("({} = {})", la.name, ra.name),
                                "the left and right operands of the binary operator have "
                                "incompatible types");
      }
      node.left_keys.push_back(ImplicitCast(std::make_shared<BoundColumn>(*l, la.type, la.nullable, la.name), common));
      node.right_keys.push_back(ImplicitCast(std::make_shared<BoundColumn>(*r, ra.type, ra.nullable, ra.name), common));
    }
    // Output: the USING columns once, then the rest of the left, then the rest of the right.
    for (size_t k = 0; k < li.size(); ++k) {
      Attribute a = left->output[li[k]];
      if (type == JoinType::kRightOuter) {
        a = right->output[ri[k]];
        node.join_projection.push_back(left_width + ri[k]);
      } else if (type == JoinType::kFullOuter) {
        node.join_projection.push_back(-1 - static_cast<int>(k));
      } else {
        node.join_projection.push_back(li[k]);
      }
      node.output.push_back(a);
    }
    bool semi = type == JoinType::kLeftSemi || type == JoinType::kLeftAnti;
    for (int i = 0; i < left_width; ++i) {
      if (std::find(li.begin(), li.end(), i) != li.end()) continue;
      node.join_projection.push_back(i);
      Attribute a = left->output[i];
      a.nullable = a.nullable || left_nullable;
      node.output.push_back(a);
    }
    if (!semi) {
      for (int i = 0; i < static_cast<int>(right->output.size()); ++i) {
        if (std::find(ri.begin(), ri.end(), i) != ri.end()) continue;
        node.join_projection.push_back(left_width + i);
        Attribute a = right->output[i];
        a.nullable = a.nullable || right_nullable;
        node.output.push_back(a);
      }
    }
    return Node(std::move(node));
  }

  if (condition) {
    ARROW_ASSIGN_OR_RAISE(auto bound, Binder(combined).Bind(*condition));
    if (bound->type()->id() != TypeId::kBoolean) {
      return SparkError("JOIN_CONDITION_IS_NOT_BOOLEAN_TYPE", "42K0E",
                        fmt::format("The join condition {} has the invalid type {}, expected "
                                    "\"BOOLEAN\".",
                                    bound->name(), QuotedType(*bound->type())));
    }
    // Split the AND-ed conjuncts into equi-keys (left expr = right expr, or <=>) and the rest.
    std::vector<BoundExprPtr> conjuncts, rest;
    SplitConjuncts(bound, &conjuncts);
    for (const auto& c : conjuncts) {
      const std::string function =
          c->kind() == BoundExpr::Kind::kFunction ? static_cast<const BoundFunction&>(*c).function() : "";
      if (function == "=" || function == "<=>") {
        std::set<int> a_cols, b_cols;
        CollectColumns(*c->children()[0], &a_cols);
        CollectColumns(*c->children()[1], &b_cols);
        auto all_left = [&](const std::set<int>& s) { return !s.empty() && *s.rbegin() < left_width; };
        auto all_right = [&](const std::set<int>& s) { return !s.empty() && *s.begin() >= left_width; };
        BoundExprPtr l, r;
        if (all_left(a_cols) && all_right(b_cols)) {
          l = c->children()[0];
          r = ShiftColumns(c->children()[1], -left_width);
        } else if (all_right(a_cols) && all_left(b_cols)) {
          l = c->children()[1];
          r = ShiftColumns(c->children()[0], -left_width);
        }
        if (l && function == "=") {
          node.left_keys.push_back(l);
          node.right_keys.push_back(r);
          continue;
        }
        if (l) {  // <=>: keys on which NULL meets NULL
          ARROW_ASSIGN_OR_RAISE(auto keys, NullSafeJoinKeys(l, r));
          if (keys) {
            node.left_keys.insert(node.left_keys.end(), keys->left.begin(), keys->left.end());
            node.right_keys.insert(node.right_keys.end(), keys->right.begin(), keys->right.end());
            continue;
          }
        }
      }
      rest.push_back(c);
    }
    for (const auto& r : rest) {
      if (!node.condition) {
        node.condition = r;
      } else {
        ARROW_ASSIGN_OR_RAISE(node.condition, BindCall("and", {node.condition, r}, "and"));
      }
    }
  }
  node.output = left->output;
  for (auto& a : node.output) a.nullable = a.nullable || left_nullable;
  if (type != JoinType::kLeftSemi && type != JoinType::kLeftAnti) {
    for (Attribute a : right->output) {
      a.nullable = a.nullable || right_nullable;
      node.output.push_back(a);
    }
  }
  return Node(std::move(node));
}

arrow::Result<PlanPtr> MakeSort(const PlanPtr& child, const std::vector<ExprPtr>& orders) {
  Binder binder(child->output);
  PlanNode node{.kind = PlanNode::Kind::kSort, .children = {child}, .output = child->output};
  for (const auto& o : orders) {
    SortKey key;
    if (o->kind == ExprKind::kSortOrder) {
      key.ascending = o->ascending;
      key.nulls_first = o->nulls_first;
    }
    ARROW_ASSIGN_OR_RAISE(key.expr, binder.Bind(*o));
    if (key.expr->type()->id() == TypeId::kMap) {
      return DataTypeMismatch("INVALID_ORDERING_TYPE", key.expr->name(),
                              fmt::format("The `sortorder` does not support ordering on type {}",
                                          QuotedType(*key.expr->type())));
    }
    node.sort_keys.push_back(std::move(key));
  }
  return Node(std::move(node));
}

arrow::Result<PlanPtr> MakeLimit(const PlanPtr& child, int64_t n, int64_t offset) {
  if (n < 0) {
    return SparkError("INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE", "42K0E",
                      fmt::format("The limit like expression \"{}\" is invalid. The limit "
                                  "expression must be equal to or greater than 0, but got {}.",
                                  n, n));
  }
  if (offset < 0) {
    return SparkError("INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE", "42K0E",
                      fmt::format("The limit like expression \"{}\" is invalid. The offset "
                                  "expression must be equal to or greater than 0, but got {}.",
                                  offset, offset));
  }
  PlanNode node{.kind = PlanNode::Kind::kLimit, .children = {child}, .output = child->output};
  node.limit = n;
  node.offset = offset;
  return Node(std::move(node));
}

arrow::Result<PlanPtr> MakeUnion(const PlanPtr& left, const PlanPtr& right, bool by_name,
                                 bool allow_missing) {
  PlanPtr r = right;
  if (by_name) {
    std::vector<ExprPtr> reordered;
    for (const auto& a : left->output) {
      auto index = ResolveColumnIndex(right->output, a.name);
      if (index.ok()) {
        reordered.push_back(ex::Col({right->output[*index].name}));
      } else if (allow_missing) {
        reordered.push_back(ex::Alias(ex::Null(), a.name));
      } else {
        std::string cols;
        for (size_t i = 0; i < right->output.size(); ++i) {
          cols += (i ? ", " : "") + BacktickParts({right->output[i].name});
        }
        return SparkError("UNRESOLVED_COLUMN.WITH_SUGGESTION", "42703",
                          fmt::format("A column, variable, or function parameter with name {} "
                                      "cannot be resolved. Did you mean one of the following? [{}].",
                                      BacktickParts({a.name}), cols));
      }
    }
    if (!allow_missing && right->output.size() != left->output.size()) {
      return SparkError("NUM_COLUMNS_MISMATCH", "42826",
                        fmt::format("UNION can only be performed on inputs with the same number of "
                                    "columns, but the first input has {} columns and the second "
                                    "input has {} columns.",
                                    left->output.size(), right->output.size()));
    }
    ARROW_ASSIGN_OR_RAISE(r, MakeProject(right, reordered));
  }
  // A chain of unions is one node over all its inputs (Spark's CombineUnions).
  std::vector<PlanPtr> inputs = {left};
  if (left->kind == PlanNode::Kind::kUnion) inputs = left->children;
  inputs.push_back(r);
  return MakeUnionAll(inputs);
}

namespace {

// Widens `output` (the set operation's inputs so far) with the next input's
// columns, refusing what Spark's analyzer refuses for that pair; `op` is UNION,
// INTERSECT or EXCEPT, as the messages name it.
arrow::Status WidenSetOperationOutput(std::vector<Attribute>* output, const std::vector<Attribute>& next,
                                      const char* op) {
  if (next.size() != output->size()) {
    return SparkError("NUM_COLUMNS_MISMATCH", "42826",
                      fmt::format("{} can only be performed on inputs with the same number of "
                                  "columns, but the first input has {} columns and the second "
                                  "input has {} columns.",
                                  op, output->size(), next.size()));
  }
  for (size_t i = 0; i < output->size(); ++i) {
    Attribute& column = (*output)[i];
    auto common = WiderType(column.type, next[i].type);
    if (!common) {
      return SparkError("INCOMPATIBLE_COLUMN_TYPE", "42825",
                        fmt::format("{} can only be performed on tables with compatible column "
                                    "types. The {} column of the second table is {} type which is "
                                    "not compatible with {} at the same column of the first table.",
                                    op, Ordinal(i), QuotedType(*next[i].type), QuotedType(*column.type)));
    }
    column.type = common;
    column.nullable = column.nullable || next[i].nullable;
    column.qualifier.clear();
  }
  return arrow::Status::OK();
}

// Whether a value of `type` holds a map anywhere (Spark cannot compare maps).
bool ContainsMap(const DataType& type) {
  switch (type.id()) {
    case TypeId::kMap: return true;
    case TypeId::kArray: return ContainsMap(*static_cast<const ArrayType&>(type).element_type());
    case TypeId::kStruct:
      for (const auto& f : static_cast<const StructType&>(type).fields()) {
        if (ContainsMap(*f.type)) return true;
      }
      return false;
    default: return false;
  }
}

// The input with each column cast to the union's type, by position (duplicate
// names cannot confuse it); the input itself when no column needs a cast.
PlanPtr CastUnionInput(const PlanPtr& input, const std::vector<Attribute>& output) {
  bool cast_needed = false;
  for (size_t i = 0; i < output.size(); ++i) {
    cast_needed = cast_needed || !output[i].type->Equals(*input->output[i].type);
  }
  if (!cast_needed) return input;
  PlanNode p{.kind = PlanNode::Kind::kProject, .children = {input}};
  for (size_t i = 0; i < output.size(); ++i) {
    const Attribute& a = input->output[i];
    auto col = std::make_shared<BoundColumn>(static_cast<int>(i), a.type, a.nullable, a.name);
    p.exprs.push_back(ImplicitCast(col, output[i].type));
    p.output.push_back({a.name, output[i].type, a.nullable});
  }
  return Node(std::move(p));
}

}  // namespace

arrow::Result<PlanPtr> MakeUnionAll(const std::vector<PlanPtr>& inputs) {
  std::vector<Attribute> output = inputs.at(0)->output;
  for (auto& column : output) column.qualifier.clear();
  for (size_t i = 1; i < inputs.size(); ++i) {
    ARROW_RETURN_NOT_OK(WidenSetOperationOutput(&output, inputs[i]->output, "UNION"));
  }
  PlanNode node{.kind = PlanNode::Kind::kUnion, .output = output};
  for (const auto& input : inputs) node.children.push_back(CastUnionInput(input, output));
  return Node(std::move(node));
}

arrow::Result<PlanPtr> MakeRenameColumns(const PlanPtr& child, const std::vector<std::string>& names) {
  if (names.size() != child->output.size()) {
    return SparkError("ASSIGNMENT_ARITY_MISMATCH", "42802",
                      fmt::format("The number of columns or variables assigned or aliased: {} does not "
                                  "match the number of source expressions: {}.",
                                  child->output.size(), names.size()));
  }
  PlanNode p{.kind = PlanNode::Kind::kProject, .children = {child}};
  for (size_t i = 0; i < names.size(); ++i) {
    const Attribute& a = child->output[i];
    p.exprs.push_back(std::make_shared<BoundColumn>(static_cast<int>(i), a.type, a.nullable, a.name));
    Attribute renamed = a;
    renamed.name = names[i];
    renamed.qualifier.clear();
    p.output.push_back(std::move(renamed));
  }
  return Node(std::move(p));
}

arrow::Result<PlanPtr> MakeSetOperation(const PlanPtr& left, const PlanPtr& right, bool intersect, bool all) {
  const char* op = intersect ? "INTERSECT" : "EXCEPT";
  std::vector<Attribute> output = left->output;
  for (auto& column : output) column.qualifier.clear();
  ARROW_RETURN_NOT_OK(WidenSetOperationOutput(&output, right->output, op));
  for (size_t i = 0; i < output.size(); ++i) {
    if (ContainsMap(*output[i].type)) {
      return SparkError("UNSUPPORTED_FEATURE.SET_OPERATION_ON_MAP_TYPE", "0A000",
                        fmt::format("The feature is not supported: Cannot have MAP type columns in DataFrame "
                                    "which calls set operations (INTERSECT, EXCEPT, etc.), but the type of "
                                    "column {} is {}.",
                                    BacktickParts({output[i].name}), QuotedType(*output[i].type)));
    }
    // A row of INTERSECT is in both inputs; a row of EXCEPT comes from the left.
    output[i].nullable = intersect ? left->output[i].nullable && right->output[i].nullable
                                   : left->output[i].nullable;
  }
  PlanNode node{.kind = intersect ? PlanNode::Kind::kIntersect : PlanNode::Kind::kExcept,
                .children = {CastUnionInput(left, output), CastUnionInput(right, output)},
                .output = output,
                .set_all = all};
  return Node(std::move(node));
}

arrow::Result<PlanPtr> MakeWatermark(const PlanPtr& child, const std::string& event_time,
                                     const std::string& delay_threshold) {
  ARROW_ASSIGN_OR_RAISE(int index, ResolveColumnIndex(child->output, event_time));
  const Attribute& column = child->output[index];
  bool is_timestamp = column.type->id() == TypeId::kTimestamp;
  bool is_window = false;
  if (column.type->id() == TypeId::kStruct) {
    for (const auto& f : static_cast<const StructType&>(*column.type).fields()) {
      if (f.name == "end" && f.type->id() == TypeId::kTimestamp) is_window = true;
    }
  }
  if (!is_timestamp && !is_window) {
    return SparkError("EVENT_TIME_IS_NOT_ON_TIMESTAMP_TYPE", "42K09",
                      fmt::format("The event time `{}` has the invalid type {}, but expected \"TIMESTAMP\".",
                                  column.name, QuotedType(*column.type)));
  }
  auto interval = sql::ParseIntervalString(delay_threshold);
  if (!interval.ok()) {
    return arrow::Status::Invalid(fmt::format(
        "[INVALID_INTERVAL_FORMAT] Error parsing '{}' to interval: the delay threshold of withWatermark must be "
        "an interval string such as \"10 minutes\" or \"1 hour 30 seconds\". SQLSTATE: 22006",
        delay_threshold));
  }
  // Spark counts a month as 31 days here.
  int64_t delay_ms = interval->months * 31LL * 86'400'000LL + interval->days * 86'400'000LL + interval->micros / 1000;
  if (delay_ms < 0 || interval->micros < 0 || interval->days < 0 || interval->months < 0) {
    return arrow::Status::Invalid(
        fmt::format("requirement failed: delay threshold ({}) should not be negative.", delay_threshold));
  }
  PlanNode node{.kind = PlanNode::Kind::kWatermark, .children = {child}, .output = child->output};
  node.exprs.push_back(std::make_shared<BoundColumn>(index, column.type, column.nullable, column.name));
  node.watermark_delay_ms = delay_ms;
  // The column becomes the event time; an earlier withWatermark on another column no longer counts.
  for (size_t i = 0; i < node.output.size(); ++i) {
    node.output[i].watermark_delay_ms = static_cast<int>(i) == index ? delay_ms : -1;
  }
  return Node(std::move(node));
}

arrow::Result<PlanPtr> MakeDistinct(const PlanPtr& child, const std::vector<std::string>& columns,
                                    bool within_watermark) {
  PlanNode node{.kind = PlanNode::Kind::kDistinct, .children = {child}, .output = child->output};
  node.within_watermark = within_watermark;
  if (columns.empty()) {
    for (size_t i = 0; i < child->output.size(); ++i) {
      const Attribute& a = child->output[i];
      node.exprs.push_back(std::make_shared<BoundColumn>(static_cast<int>(i), a.type, a.nullable, a.name));
    }
  } else {
    for (const auto& name : columns) {
      auto index = ResolveColumnIndex(child->output, name);
      if (!index.ok()) {
        std::string cols;
        for (size_t i = 0; i < child->output.size(); ++i) cols += (i ? ", " : "") + child->output[i].name;
        return SparkError("UNRESOLVED_COLUMN_AMONG_FIELD_NAMES", "42703",
                          fmt::format("Cannot resolve column name \"{}\" among ({}).", name, cols));
      }
      const Attribute& a = child->output[*index];
      node.exprs.push_back(std::make_shared<BoundColumn>(*index, a.type, a.nullable, a.name));
    }
  }
  return Node(std::move(node));
}

// withColumns as the select Spark makes of it: each column in its place (a replaced one by
// its new expression, under the new name), then the new columns.
static std::vector<ExprPtr> WithColumnsSelectList(const std::vector<Attribute>& input,
                                                  const std::vector<std::string>& names,
                                                  const std::vector<ExprPtr>& exprs) {
  std::vector<ExprPtr> list;
  std::vector<bool> placed(names.size(), false);
  for (const Attribute& a : input) {
    auto it = std::find_if(names.begin(), names.end(),
                           [&](const std::string& n) { return EqualsIgnoreCase(a.name, n); });
    if (it == names.end()) {
      list.push_back(ex::Col({a.name}));
      continue;
    }
    size_t k = static_cast<size_t>(it - names.begin());
    list.push_back(ex::Alias(exprs[k], names[k]));
    placed[k] = true;
  }
  for (size_t k = 0; k < names.size(); ++k) {
    if (!placed[k]) list.push_back(ex::Alias(exprs[k], names[k]));
  }
  return list;
}

arrow::Result<PlanPtr> MakeWithColumns(const PlanPtr& child, const std::vector<std::string>& names,
                                       const std::vector<ExprPtr>& exprs) {
  if (std::any_of(exprs.begin(), exprs.end(), [](const ExprPtr& e) { return ContainsGenerator(*e); })) {
    return MakeProject(child, WithColumnsSelectList(child->output, names, exprs));
  }
  PlanPtr input = child;
  std::map<std::string, BoundExprPtr> windows;
  if (std::any_of(exprs.begin(), exprs.end(), [](const ExprPtr& e) { return ContainsWindow(*e); })) {
    std::vector<ExprPtr> named;  // withColumn(name, e) is e AS name
    for (size_t i = 0; i < exprs.size(); ++i) named.push_back(ex::Alias(exprs[i], names[i]));
    ARROW_ASSIGN_OR_RAISE(input, PlanWindows(child, named, &windows));
  }
  Binder binder(input->output);
  binder.EnableWindowColumns(&windows, child->output.size());
  PlanNode node{.kind = PlanNode::Kind::kProject, .children = {input}, .output = child->output};
  for (size_t i = 0; i < child->output.size(); ++i) {
    const Attribute& a = child->output[i];
    node.exprs.push_back(std::make_shared<BoundColumn>(static_cast<int>(i), a.type, a.nullable, a.name));
  }
  for (size_t k = 0; k < names.size(); ++k) {
    if (ContainsAggregate(*exprs[k])) {
      return UnsupportedExprForOperator(*exprs[k]);
    }
    ARROW_ASSIGN_OR_RAISE(auto bound, binder.Bind(*exprs[k]));
    Attribute attr{names[k], bound->type(), bound->nullable()};
    auto existing = std::find_if(node.output.begin(), node.output.end(),
                                 [&](const Attribute& a) { return EqualsIgnoreCase(a.name, names[k]); });
    if (existing != node.output.end()) {
      size_t i = existing - node.output.begin();
      node.output[i] = attr;
      node.exprs[i] = std::move(bound);
    } else {
      node.output.push_back(attr);
      node.exprs.push_back(std::move(bound));
    }
  }
  return Node(std::move(node));
}

arrow::Result<PlanPtr> MakeRename(const PlanPtr& child, const std::string& from, const std::string& to) {
  PlanNode node{.kind = PlanNode::Kind::kProject, .children = {child}, .output = child->output};
  for (size_t i = 0; i < child->output.size(); ++i) {
    const Attribute& a = child->output[i];
    node.exprs.push_back(std::make_shared<BoundColumn>(static_cast<int>(i), a.type, a.nullable, a.name));
    if (EqualsIgnoreCase(a.name, from)) node.output[i].name = to;
  }
  return Node(std::move(node));
}

arrow::Result<PlanPtr> MakeDrop(const PlanPtr& child, const std::vector<std::string>& names) {
  PlanNode node{.kind = PlanNode::Kind::kProject, .children = {child}};
  for (size_t i = 0; i < child->output.size(); ++i) {
    const Attribute& a = child->output[i];
    bool dropped = std::any_of(names.begin(), names.end(),
                               [&](const std::string& n) { return EqualsIgnoreCase(n, a.name); });
    if (dropped) continue;
    node.exprs.push_back(std::make_shared<BoundColumn>(static_cast<int>(i), a.type, a.nullable, a.name));
    node.output.push_back(a);
  }
  return Node(std::move(node));
}

arrow::Result<PlanPtr> MakeAlias(const PlanPtr& child, const std::string& alias) {
  PlanNode node{.kind = PlanNode::Kind::kProject, .children = {child}, .output = child->output};
  for (size_t i = 0; i < child->output.size(); ++i) {
    const Attribute& a = child->output[i];
    node.exprs.push_back(std::make_shared<BoundColumn>(static_cast<int>(i), a.type, a.nullable, a.name));
    node.output[i].qualifier = alias;
  }
  return Node(std::move(node));
}

arrow::Result<JoinType> ParseJoinType(const std::string& how) {
  std::string h;
  for (char c : how) {
    if (c != '_') h += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (h == "inner") return JoinType::kInner;
  if (h == "cross") return JoinType::kCross;
  if (h == "outer" || h == "full" || h == "fullouter") return JoinType::kFullOuter;
  if (h == "left" || h == "leftouter") return JoinType::kLeftOuter;
  if (h == "right" || h == "rightouter") return JoinType::kRightOuter;
  if (h == "semi" || h == "leftsemi") return JoinType::kLeftSemi;
  if (h == "anti" || h == "leftanti") return JoinType::kLeftAnti;
  return SparkError("UNSUPPORTED_JOIN_TYPE", "0A000",
                    fmt::format("Unsupported join type '{}'. Supported join types include: "
                                "'inner', 'outer', 'full', 'fullouter', 'full_outer', 'leftouter', "
                                "'left', 'left_outer', 'rightouter', 'right', 'right_outer', "
                                "'leftsemi', 'left_semi', 'semi', 'leftanti', 'left_anti', 'anti', "
                                "'cross'.",
                                how));
}

bool IsGeneratorName(std::string_view name) {
  return name == "explode" || name == "explode_outer" || name == "posexplode" || name == "posexplode_outer" ||
         name == "inline" || name == "inline_outer" || name == "stack";
}

}  // namespace spate
