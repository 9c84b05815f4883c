#include "spate/expr/expression.h"

#include <algorithm>
#include <optional>

#include <arrow/scalar.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/user_function.h"
#include "spate/expr/value_format.h"
#include "spate/expr/window_expr.h"

namespace spate {

namespace {

// Binary operators print infix, in parentheses, as Spark's pretty SQL does.
const char* InfixSql(const std::string& name) {
  static const char* const kOps[] = {"+", "-", "*", "/", "%", "=", "<=>", "<", "<=", ">", ">=",
                                     "and", "or", "div", "&", "|", "^", "<<", ">>", ">>>"};
  for (const char* op : kOps) {
    if (name == op) {
      if (name == "and") return "AND";
      if (name == "or") return "OR";
      return op;
    }
  }
  return nullptr;
}

std::string Join(const std::vector<ExprPtr>& args, bool sql, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < args.size(); ++i) {
    if (i > from) out += ", ";
    out += sql ? args[i]->ToSql() : args[i]->ToString();
  }
  return out;
}

// The arguments Spark fills in for omitted trailing parameters; its generated
// names show them (substring(s, 5, 2147483647), lpad(s, 5,  )).
std::vector<ExprPtr> DefaultArguments(const std::string& n, size_t given) {
  if ((n == "substring" || n == "substr") && given == 2) return {ex::Int(2147483647)};
  if ((n == "lpad" || n == "rpad") && given == 2) return {ex::String(" ")};
  if (n == "locate" && given == 2) return {ex::Int(1)};
  if ((n == "unix_timestamp" || n == "from_unixtime" || n == "to_unix_timestamp") && given == 1) {
    return {ex::String("yyyy-MM-dd HH:mm:ss")};
  }
  if (n == "sort_array" && given == 1) return {ex::Bool(true)};
  if (n == "months_between" && given == 2) return {ex::Bool(true)};
  if ((n == "make_interval" || n == "try_make_interval") && given < 7) {
    std::vector<ExprPtr> zeros;
    for (size_t i = given; i < 6; ++i) zeros.push_back(ex::Int(0));
    zeros.push_back(ex::Lit(std::make_shared<arrow::Decimal128Scalar>(arrow::Decimal128(0),
                                                                      arrow::decimal128(18, 6)),
                            types::Decimal(18, 6)));
    return zeros;
  }
  // String functions.
  auto from = [given](size_t required, std::vector<ExprPtr> all) {
    if (given < required || given >= required + all.size()) return std::vector<ExprPtr>{};
    return std::vector<ExprPtr>(all.begin() + static_cast<std::ptrdiff_t>(given - required), all.end());
  };
  if (n == "position" && given == 2) return {ex::Int(1)};
  if (n == "replace" && given == 2) return {ex::String("")};
  if ((n == "regexp_extract" || n == "regexp_extract_all") && given == 2) return {ex::Int(1)};
  if (n == "regexp_instr" && given == 2) return {ex::Int(0)};
  if (n == "regexp_replace" && given == 3) return {ex::Int(1)};
  if (n == "split" && given == 2) return {ex::Int(-1)};
  if (n == "overlay" && given == 3) return {ex::Int(-1)};
  if (n == "mask") return from(1, {ex::String("X"), ex::String("x"), ex::String("n"), ex::Null()});
  if (n == "str_to_map") return from(1, {ex::String(","), ex::String(":")});
  if (n == "sentences") return from(1, {ex::String(""), ex::String("")});
  return {};
}

// Calls Spark names as another function: the unit forms of dateadd / datediff
// are timestampadd / timestampdiff, dateadd(d, n) is date_add, curdate() is
// current_date(), and convert_timezone(to, ts) names its implicit source zone.
std::optional<Expr> SparkSpelling(const Expr& e) {
  const std::string& n = e.name;
  if (e.args.size() == 3 && (n == "dateadd" || n == "date_add" || n == "datediff" || n == "date_diff")) {
    Expr full = e;
    full.name = n == "dateadd" || n == "date_add" ? "timestampadd" : "timestampdiff";
    return full;
  }
  if ((n == "dateadd" && e.args.size() == 2) || n == "curdate") {
    Expr full = e;
    full.name = n == "dateadd" ? "date_add" : "current_date";
    return full;
  }
  if (n == "convert_timezone" && e.args.size() == 2) {
    Expr full = e;
    full.args.insert(full.args.begin(), ex::Call("current_timezone", {}));
    return full;
  }
  return std::nullopt;
}

std::string Render(const Expr& e, bool sql) {
  if (IsWindowExpr(e)) return RenderWindowExpr(e, sql);
  if (e.kind == ExprKind::kCall) {
    if (auto spelled = SparkSpelling(e)) return Render(*spelled, sql);
    auto defaults = DefaultArguments(e.name, e.args.size());
    if (!defaults.empty()) {
      Expr full = e;
      full.args.insert(full.args.end(), defaults.begin(), defaults.end());
      return Render(full, sql);
    }
  }
  auto arg = [&](size_t i) { return sql ? e.args[i]->ToSql() : e.args[i]->ToString(); };
  switch (e.kind) {
    case ExprKind::kColumn: {
      std::string out;
      for (size_t i = 0; i < e.name_parts.size(); ++i) {
        if (i > 0) out += '.';
        out += sql ? QuoteIfNeeded(e.name_parts[i]) : e.name_parts[i];
      }
      return out;
    }
    case ExprKind::kLiteral:
      if (!e.name.empty()) return e.name;
      return sql ? LiteralSql(*e.literal, *e.type) : LiteralPretty(*e.literal, *e.type);
    case ExprKind::kStar: {
      std::string out;
      for (const auto& p : e.name_parts) out += p + ".";
      return out + "*";
    }
    case ExprKind::kAlias:
      return sql ? fmt::format("{} AS {}", arg(0), QuoteIfNeeded(e.name)) : e.name;
    case ExprKind::kCast:
      return fmt::format("{}({} AS {})", e.try_cast ? "TRY_CAST" : "CAST", arg(0), e.type->Sql());
    case ExprKind::kExtract:
      return fmt::format("{}[{}]", arg(0), arg(1));
    case ExprKind::kSortOrder:
      return fmt::format("{} {} NULLS {}", arg(0), e.ascending ? "ASC" : "DESC",
                         e.nulls_first ? "FIRST" : "LAST");
    case ExprKind::kLambda: {
      std::string params;
      for (size_t i = 0; i < e.name_parts.size(); ++i) {
        params += (i > 0 ? ", " : "") + e.name_parts[i];
      }
      return fmt::format("lambdafunction({}, {})", arg(0), params);
    }
    case ExprKind::kCall:
      break;
  }
  const std::string& n = e.name;
  const size_t argc = e.args.size();
  if (const char* op = InfixSql(n); op != nullptr && e.args.size() == 2) {
    return fmt::format("({} {} {})", arg(0), op, arg(1));
  }
  if (n == "not" && argc == 1) return fmt::format("(NOT {})", arg(0));
  if (n == "-" && argc == 1) return fmt::format("(- {})", arg(0));
  if (n == "isnull" && argc == 1) return fmt::format("({} IS NULL)", arg(0));
  if (n == "isnotnull" && argc == 1) return fmt::format("({} IS NOT NULL)", arg(0));
  if (n == "in" && argc >= 1) return fmt::format("({} IN ({}))", arg(0), Join(e.args, sql, 1));
  // Spark names only LIKE as an operator: `a LIKE b`, but `RLIKE(a, b)`, `ilike(a, b)`.
  if (n == "like" && (argc == 2 || argc == 3)) {
    std::string escape = argc == 3 ? fmt::format(" ESCAPE '{}'", arg(2)) : "";
    return fmt::format("{} LIKE {}{}", arg(0), arg(1), escape);
  }
  if (n == "rlike" && argc == 2) return fmt::format("RLIKE({}, {})", arg(0), arg(1));
  if (n == "casewhen") {
    std::string out = "CASE";
    size_t i = 0;
    for (; i + 1 < e.args.size(); i += 2) out += fmt::format(" WHEN {} THEN {}", arg(i), arg(i + 1));
    if (i < e.args.size()) out += fmt::format(" ELSE {}", arg(i));
    return out + " END";
  }
  if ((n == "extract" || n == "datepart") && argc == 2) {
    return fmt::format("{}({} FROM {})", n, arg(0), arg(1));
  }
  if (n == kWithinGroupCall && argc >= 2) {
    return fmt::format("{} WITHIN GROUP (ORDER BY {})", arg(0), Join(e.args, sql, 1));
  }
  if (n == kAggregateFilterCall && argc == 2) return fmt::format("{} FILTER (WHERE {})", arg(0), arg(1));
  if (n == kPartitionTransformCall && argc >= 2) {
    return fmt::format("{}({})", e.args[0]->ToString(), Join(e.args, sql, 1));
  }
  if (n == "count" && e.args.size() == 1 && e.args[0]->kind == ExprKind::kStar) return "count(1)";
  if (n == "if" && e.args.size() == 3) {
    return fmt::format("(IF({}, {}, {}))", arg(0), arg(1), arg(2));
  }
  return fmt::format("{}({}{})", n, e.distinct ? "DISTINCT " : "", Join(e.args, sql));
}

// Frees a node without recursing into its subtree: the arguments no one else holds
// are detached and freed one by one from a work list (a chain of 100,000 nested
// calls would otherwise unwind 100,000 destructor frames).
void DeleteExpr(const Expr* root) {
  std::vector<ExprPtr> pending;
  auto detach_arguments = [&pending](const Expr* e) {
    auto& args = const_cast<Expr*>(e)->args;  // the node is being freed: no one reads it
    for (auto& a : args) {
      if (a.use_count() == 1) pending.push_back(std::move(a));
    }
    args.clear();
  };
  detach_arguments(root);
  delete root;
  while (!pending.empty()) {
    ExprPtr e = std::move(pending.back());
    pending.pop_back();
    if (e.use_count() == 1) detach_arguments(e.get());
  }  // e is freed here, with no arguments left below it
}

ExprPtr MakeNode(Expr e) { return ExprPtr(new Expr(std::move(e)), DeleteExpr); }

// A node deeper than kMaxExprDepth (built through the DataFrame API: the parser
// refuses such text itself) is replaced by an error that binding reports, so that
// no pass ever walks a deeper tree.
ExprPtr Make(Expr e) {
  e.depth = 1;
  for (const auto& a : e.args) e.depth = std::max(e.depth, a->depth + 1);
  if (e.depth <= kMaxExprDepth) return MakeNode(std::move(e));
  std::string message =
      SparkError("FAILED_TO_PARSE_TOO_COMPLEX", "54001",
                 fmt::format("{} (An expression nested {} levels deep; at most {} are allowed.)",
                             kTooComplexMessage, e.depth, kMaxExprDepth))
          .message();
  return MakeNode({.kind = ExprKind::kCall, .name = kParseErrorCall, .args = {ex::String(message)},
                   .depth = 2});
}

}  // namespace

std::string Expr::ToString() const { return Render(*this, /*sql=*/false); }
std::string Expr::ToSql() const { return Render(*this, /*sql=*/true); }

namespace ex {

ExprPtr Node(Expr e) { return Make(std::move(e)); }

ExprPtr Col(std::vector<std::string> parts) {
  return Make({.kind = ExprKind::kColumn, .name_parts = std::move(parts)});
}

ExprPtr ColFromName(const std::string& name) {
  auto parts = SplitNameParts(name);
  if (!parts.ok()) return Col({name});
  if (!parts->empty() && parts->back() == "*" && name.back() == '*') {
    parts->pop_back();
    return Star(std::move(*parts));
  }
  return Col(std::move(*parts));
}

ExprPtr Lit(std::shared_ptr<arrow::Scalar> value, DataTypePtr type) {
  return Make({.kind = ExprKind::kLiteral, .literal = std::move(value), .type = std::move(type)});
}
ExprPtr Null() { return Lit(arrow::MakeNullScalar(arrow::null()), types::Null()); }
ExprPtr Bool(bool v) { return Lit(arrow::MakeScalar(v), types::Boolean()); }
ExprPtr Int(int32_t v) { return Lit(arrow::MakeScalar(v), types::Int()); }
ExprPtr Long(int64_t v) { return Lit(arrow::MakeScalar(v), types::Long()); }
ExprPtr Double(double v) { return Lit(arrow::MakeScalar(v), types::Double()); }
ExprPtr String(std::string v) {
  return Lit(std::make_shared<arrow::StringScalar>(std::move(v)), types::String());
}
ExprPtr Star(std::vector<std::string> qualifier) {
  return Make({.kind = ExprKind::kStar, .name_parts = std::move(qualifier)});
}
ExprPtr Alias(ExprPtr e, std::string name) {
  return Make({.kind = ExprKind::kAlias, .name = std::move(name), .args = {std::move(e)}});
}
ExprPtr MultiAlias(ExprPtr e, std::vector<std::string> names) {
  std::string first = names.empty() ? std::string() : names[0];
  return Make({.kind = ExprKind::kAlias, .name = std::move(first), .name_parts = std::move(names),
               .args = {std::move(e)}});
}
ExprPtr Call(std::string name, std::vector<ExprPtr> args, bool distinct) {
  return Make({.kind = ExprKind::kCall, .name = std::move(name), .args = std::move(args),
               .distinct = distinct});
}
ExprPtr UserCall(std::shared_ptr<const UserFunction> function, std::vector<ExprPtr> args) {
  std::string name = function->name;
  return Make({.kind = ExprKind::kCall, .name = std::move(name), .args = std::move(args),
               .function = std::move(function)});
}
ExprPtr Cast(ExprPtr e, DataTypePtr type, bool try_cast) {
  return Make({.kind = ExprKind::kCast, .args = {std::move(e)}, .type = std::move(type),
               .try_cast = try_cast});
}
ExprPtr Extract(ExprPtr e, ExprPtr key) {
  return Make({.kind = ExprKind::kExtract, .args = {std::move(e), std::move(key)}});
}
ExprPtr Sort(ExprPtr e, bool ascending, bool nulls_first) {
  return Make({.kind = ExprKind::kSortOrder, .args = {std::move(e)}, .ascending = ascending,
               .nulls_first = nulls_first});
}
ExprPtr Lambda(std::vector<std::string> params, ExprPtr body) {
  return Make({.kind = ExprKind::kLambda, .name_parts = std::move(params), .args = {std::move(body)}});
}

}  // namespace ex

arrow::Result<std::vector<std::string>> SplitNameParts(const std::string& name) {
  std::vector<std::string> parts;
  std::string current;
  bool in_quotes = false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (in_quotes) {
      if (c == '`') {
        if (i + 1 < name.size() && name[i + 1] == '`') {
          current += '`';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        current += c;
      }
    } else if (c == '`') {
      in_quotes = true;
    } else if (c == '.') {
      parts.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (in_quotes) {
    return SparkError("INVALID_ATTRIBUTE_NAME_SYNTAX", "42601",
                      fmt::format("Syntax error in the attribute name: `{}`. Check that backticks "
                                  "appear in pairs, quoted strings are complete unit parts within "
                                  "the string, and a backtick is used only inside quoted name parts.",
                                  name));
  }
  parts.push_back(std::move(current));
  return parts;
}

}  // namespace spate
