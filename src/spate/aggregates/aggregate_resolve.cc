#include "spate/aggregates/aggregate_resolve.h"

#include <map>
#include <optional>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <fmt/format.h>

#include "spate/aggregates/aggregate_definitions.h"
#include "spate/aggregates/aggregate_kll.h"
#include "spate/aggregates/sketch_aggregates.h"
#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/type_coercion.h"
#include "spate/sketches/hyperloglog_plus_plus.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

BoundExprPtr Literal(std::shared_ptr<arrow::Scalar> value, DataTypePtr type, std::string name) {
  return std::make_shared<BoundLiteral>(std::move(value), std::move(type), std::move(name));
}

arrow::Result<double> ScalarToDouble(const arrow::Scalar& s) {
  ARROW_ASSIGN_OR_RAISE(auto d, arrow::compute::Cast(arrow::Datum(const_cast<arrow::Scalar&>(s).shared_from_this()),
                                                     arrow::float64()));
  return static_cast<const arrow::DoubleScalar&>(*d.scalar()).value;
}

arrow::Status RequireType(const AggregateCall& call, size_t i, const std::string& wanted) {
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", call.name,
                          fmt::format("The {} parameter requires the {} type, however \"{}\" has the type {}",
                                      Ordinal(i), wanted, call.args[i]->name(), QuotedType(*call.args[i]->type())));
}

// A numeric argument as DOUBLE (strings cast implicitly, as Spark's ImplicitCastInputTypes).
arrow::Status DoubleArg(AggregateCall* call, size_t i) {
  BoundExprPtr& arg = call->args[i];
  const DataType& t = *arg->type();
  if (t.IsNumeric() || t.id() == TypeId::kString || t.id() == TypeId::kNull) {
    arg = ImplicitCast(arg, types::Double());
    return arrow::Status::OK();
  }
  return RequireType(*call, i, "\"DOUBLE\"");
}

arrow::Status NonFoldable(const AggregateCall& call, const std::string& input, const std::string& type,
                          const BoundExpr& arg) {
  return DataTypeMismatch("NON_FOLDABLE_INPUT", call.name,
                          fmt::format("the input `{}` should be a foldable {} expression; however, got \"{}\"", input,
                                      type, arg.name()));
}

// "1.5D", "0L": a constant as Spark prints it in VALUE_OUT_OF_RANGE messages.
std::string DoubleText(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s + "D";
}

// percentile's percentages: a constant DOUBLE in [0, 1], or an array of them.
arrow::Status CheckPercentages(AggregateCall* call) {
  BoundExprPtr& p = call->args[1];
  const arrow::Scalar* value = ConstantValue(*p);
  const bool is_array = p->type()->id() == TypeId::kArray;
  if (value == nullptr) return NonFoldable(*call, "percentage", "\"DOUBLE\"", *p);
  if (is_array) {
    const auto& element = *static_cast<const ArrayType&>(*p->type()).element_type();
    if (!element.IsNumeric() && element.id() != TypeId::kNull) {
      return RequireType(*call, 1, "(\"DOUBLE\" or \"ARRAY<DOUBLE>\")");
    }
  } else if (!p->type()->IsNumeric()) {
    return RequireType(*call, 1, "(\"DOUBLE\" or \"ARRAY<DOUBLE>\")");
  }
  std::vector<double> values;
  if (value->is_valid && !is_array) {
    ARROW_ASSIGN_OR_RAISE(double d, ScalarToDouble(*value));
    values.push_back(d);
  } else if (value->is_valid) {
    const auto& list = static_cast<const arrow::ListScalar&>(*value).value;
    for (int64_t i = 0; i < list->length(); ++i) {
      ARROW_ASSIGN_OR_RAISE(auto s, list->GetScalar(i));
      if (!s->is_valid) return RequireType(*call, 1, "(\"DOUBLE\" or \"ARRAY<DOUBLE>\")");
      ARROW_ASSIGN_OR_RAISE(double d, ScalarToDouble(*s));
      values.push_back(d);
    }
  }
  for (double v : values) {
    if (v < 0 || v > 1) {
      return DataTypeMismatch("VALUE_OUT_OF_RANGE", call->name,
                              fmt::format("The percentage must be between [0.0, 1.0] (current value = {})",
                                          DoubleText(v)));
    }
  }
  return arrow::Status::OK();
}

// A foldable integral constant (accuracy, nb), or NON_FOLDABLE_INPUT.
arrow::Result<int64_t> IntConstant(const AggregateCall& call, size_t i, const std::string& input) {
  const BoundExpr& arg = *call.args[i];
  const arrow::Scalar* value = ConstantValue(arg);
  if (value == nullptr) return NonFoldable(call, input, "\"INT\"", arg);
  if (!arg.type()->IsIntegral()) return RequireType(call, i, "\"INT\"");
  if (!value->is_valid) return 0;
  ARROW_ASSIGN_OR_RAISE(auto v, value->CastTo(arrow::int64()));
  return static_cast<const arrow::Int64Scalar&>(*v).value;
}

bool IsOrderable(const DataType& t) { return t.id() != TypeId::kMap; }

// kll_sketch_agg_* / kll_merge_agg_*: the item (or sketch) type, without implicit
// casts (Spark's ExpectsInputTypes), and k, a constant INT in [8, 65535].
arrow::Status CheckKllArgs(const AggregateCall& call, const std::string& fn) {
  const TypeId t = call.args[0]->type()->id();
  const bool null = t == TypeId::kNull;  // a NULL literal is any type
  if (!null && fn.starts_with("kll_merge_agg_") && t != TypeId::kBinary) return RequireType(call, 0, "\"BINARY\"");
  if (!null && fn == "kll_sketch_agg_bigint" && t != TypeId::kByte && t != TypeId::kInt && t != TypeId::kLong &&
      t != TypeId::kShort) {
    return RequireType(call, 0, "(\"TINYINT\" or \"INT\" or \"BIGINT\" or \"SMALLINT\")");
  }
  if (!null && fn == "kll_sketch_agg_double" && t != TypeId::kFloat && t != TypeId::kDouble) {
    return RequireType(call, 0, "(\"FLOAT\" or \"DOUBLE\")");
  }
  if (!null && fn == "kll_sketch_agg_float" && t != TypeId::kFloat) return RequireType(call, 0, "\"FLOAT\"");
  if (call.args.size() < 2) return arrow::Status::OK();
  const BoundExpr& k = *call.args[1];
  if (k.type()->id() != TypeId::kInt) return RequireType(call, 1, "\"INT\"");
  const arrow::Scalar* value = ConstantValue(k);
  if (value == nullptr) {
    return DataTypeMismatch("NON_FOLDABLE_INPUT", call.name,
                            fmt::format("the input k should be a foldable int expression; however, got {}", k.name()));
  }
  if (!value->is_valid) return DataTypeMismatch("UNEXPECTED_NULL", call.name, "The k must not be null");
  const int32_t kv = static_cast<const arrow::Int32Scalar&>(*value).value;
  if (kv < 8 || kv > 65535) {
    return DataTypeMismatch("TYPE_CHECK_FAILURE_WITH_HINT", call.name,
                            fmt::format("[KLL_SKETCH_K_OUT_OF_RANGE] For function `{}`, the k parameter must be "
                                        "between 8 and 65535 (inclusive), but got {}. SQLSTATE: 22003",
                                        fn, kv));
  }
  return arrow::Status::OK();
}

// approx_count_distinct's rsd: a DOUBLE (or decimal) literal giving a precision
// of 4 to 25 bits. Spark takes any p >= 4, but past 18 its sketch is no longer
// HLL++ and past 25 its state (2^p registers per group) does not fit a JVM.
arrow::Status CheckRelativeSd(const AggregateCall& call) {
  const arrow::Scalar* rsd = ConstantValue(*call.args[1]);
  const TypeId t = call.args[1]->type()->id();
  if (rsd == nullptr || !rsd->is_valid || (t != TypeId::kDouble && t != TypeId::kDecimal)) {
    return SparkError("_LEGACY_ERROR_TEMP_1104", "", "The second argument should be a double literal.");
  }
  ARROW_ASSIGN_OR_RAISE(double value, ScalarToDouble(*rsd));
  const std::optional<int> p = sketches::HyperLogLogPlusPlus::PrecisionFor(value);
  if (!p || *p > 25) {
    return SparkError("FAILED_FUNCTION_CALL", "38000",
                      "Failed preparing of the function `approx_count_distinct` for call. Please, double check "
                      "function's arguments.");
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<AggregateCall> ResolveAggregateCall(const std::string& name, bool distinct,
                                                  std::vector<BoundExprPtr> args, const AggregateNamer& namer) {
  const AggregateDefinition* definition = FindAggregate(name);
  std::string fn = definition != nullptr ? std::string(definition->name) : name;
  if (name == "count_distinct") distinct = true;
  AggregateCall call;
  call.args = std::move(args);
  for (size_t i = 1; i < call.args.size(); ++i) ARROW_RETURN_NOT_OK(FoldConstant(&call.args[i]));
  // Spark names array_agg and count_distinct by the function they stand for.
  const std::string shown = name == "array_agg" ? "collect_list" : name == "count_distinct" ? "count" : name;
  call.name = namer(shown, call.args, distinct);
  auto rename = [&] { call.name = namer(shown, call.args, distinct); };
  auto finish = [&](DataTypePtr type) -> arrow::Result<AggregateCall> {
    call.type = std::move(type);
    call.function = fn + (distinct ? "_distinct" : "");
    return call;
  };
  auto count_range = [&](size_t lo, size_t hi) { return CheckArgCount(name, call.args, lo, hi); };

  if (fn == "count") {
    ARROW_RETURN_NOT_OK(count_range(1, SIZE_MAX));
    return finish(types::Long());
  }
  if (fn == "regr_count") {
    ARROW_RETURN_NOT_OK(count_range(2, 2));
    call.function = "count";
    call.type = types::Long();
    return call;
  }
  if (fn == "count_if") {
    ARROW_RETURN_NOT_OK(count_range(1, 1));
    if (call.args[0]->type()->id() != TypeId::kBoolean && call.args[0]->type()->id() != TypeId::kNull) {
      return RequireType(call, 0, "\"BOOLEAN\"");
    }
    call.args[0] = ImplicitCast(call.args[0], types::Boolean());
    return finish(types::Long());
  }
  if (fn == "regr_avgx" || fn == "regr_avgy") {
    // avg of one argument over the rows where the other is not NULL.
    ARROW_RETURN_NOT_OK(count_range(2, 2));
    const size_t keep = fn == "regr_avgx" ? 1 : 0;
    ARROW_ASSIGN_OR_RAISE(auto present, BindCall("isnotnull", {call.args[1 - keep]}, ""));
    ARROW_ASSIGN_OR_RAISE(auto value, BindCall("casewhen", {present, call.args[keep]}, call.args[keep]->name()));
    call.args = {value};
    fn = "avg";
    std::string saved = call.name;
    ARROW_ASSIGN_OR_RAISE(auto resolved, ResolveAggregateCall("avg", false, call.args, namer));
    resolved.name = saved;
    return resolved;
  }
  if (fn == "sum" || fn == "avg" || fn == "try_sum" || fn == "try_avg") {
    ARROW_RETURN_NOT_OK(count_range(1, 1));
    BoundExprPtr& arg = call.args[0];
    if (arg->type()->id() == TypeId::kString) arg = ImplicitCast(arg, types::Double());
    const DataType& at = *arg->type();
    if (!at.IsNumeric() && at.id() != TypeId::kNull) {
      return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", call.name,
                              fmt::format("The first parameter requires the \"NUMERIC\" or \"ANSI INTERVAL\" type, "
                                          "however \"{}\" has the type {}",
                                          arg->name(), QuotedType(at)));
    }
    const bool avg = fn.ends_with("avg");
    if (at.id() == TypeId::kDecimal) {
      const auto& d = static_cast<const DecimalType&>(at);
      // Spark's DecimalType.bounded: precision and scale each capped at 38, no
      // digits moved (sum of DECIMAL(38, 10) is DECIMAL(38, 10), avg DECIMAL(38, 14)).
      auto bounded = [](int p, int s) { return types::Decimal(std::min(p, 38), std::min(s, 38)); };
      return finish(avg ? bounded(d.precision() + 4, d.scale() + 4) : bounded(d.precision() + 10, d.scale()));
    }
    if (avg || at.id() == TypeId::kFloat || at.id() == TypeId::kDouble || at.id() == TypeId::kNull) {
      if (at.id() == TypeId::kNull) arg = ImplicitCast(arg, types::Double());
      return finish(types::Double());
    }
    return finish(types::Long());
  }
  if (fn == "product") {
    ARROW_RETURN_NOT_OK(count_range(1, 1));
    ARROW_RETURN_NOT_OK(DoubleArg(&call, 0));
    return finish(types::Double());
  }
  if (fn == "approx_count_distinct") {
    ARROW_RETURN_NOT_OK(count_range(1, 2));
    if (call.args.size() == 2) ARROW_RETURN_NOT_OK(CheckRelativeSd(call));
    call.name = namer(shown, {call.args[0]}, distinct);  // Spark leaves rsd out of the name
    return finish(types::Long());
  }
  if (fn == "collect_list" || fn == "collect_set") {
    ARROW_RETURN_NOT_OK(count_range(1, 1));
    return finish(types::Array(call.args[0]->type(), false));
  }
  if (fn == "first" || fn == "last") {
    ARROW_RETURN_NOT_OK(count_range(1, 2));
    if (call.args.size() == 2) {
      const arrow::Scalar* ignore = ConstantValue(*call.args[1]);
      if (ignore == nullptr || ignore->type->id() != arrow::Type::BOOL) {
        return DataTypeMismatch("NON_FOLDABLE_INPUT", call.name,
                                "the input `ignoreNulls` should be a foldable \"BOOLEAN\" expression");
      }
      call.ignore_nulls = ignore->is_valid && static_cast<const arrow::BooleanScalar&>(*ignore).value;
      call.args.resize(1);
      rename();
    }
    return finish(call.args[0]->type());
  }
  if (fn == "min" || fn == "max") {
    ARROW_RETURN_NOT_OK(count_range(1, 1));
    if (!IsOrderable(*call.args[0]->type())) {
      return DataTypeMismatch("INVALID_ORDERING_TYPE", call.name,
                              fmt::format("The `{}` does not support ordering on type {}", fn,
                                          QuotedType(*call.args[0]->type())));
    }
    return finish(call.args[0]->type());
  }
  if (fn == "max_by" || fn == "min_by") {
    ARROW_RETURN_NOT_OK(count_range(2, 2));
    if (!IsOrderable(*call.args[1]->type())) {
      return DataTypeMismatch("INVALID_ORDERING_TYPE", call.name,
                              fmt::format("The `{}` does not support ordering on type {}", fn,
                                          QuotedType(*call.args[1]->type())));
    }
    return finish(call.args[0]->type());
  }
  if (fn == "bit_and" || fn == "bit_or" || fn == "bit_xor") {
    ARROW_RETURN_NOT_OK(count_range(1, 1));
    if (!call.args[0]->type()->IsIntegral()) return RequireType(call, 0, "\"INTEGRAL\"");
    return finish(call.args[0]->type());
  }
  if (fn == "bool_and" || fn == "bool_or") {
    ARROW_RETURN_NOT_OK(count_range(1, 1));
    if (call.args[0]->type()->id() != TypeId::kBoolean && call.args[0]->type()->id() != TypeId::kNull) {
      return RequireType(call, 0, "\"BOOLEAN\"");
    }
    call.args[0] = ImplicitCast(call.args[0], types::Boolean());
    return finish(types::Boolean());
  }
  static const char* const kMoments[] = {"var_pop", "var_samp", "stddev_pop", "stddev_samp", "skewness", "kurtosis"};
  for (const char* m : kMoments) {
    if (fn != m) continue;
    ARROW_RETURN_NOT_OK(count_range(1, 1));
    ARROW_RETURN_NOT_OK(DoubleArg(&call, 0));
    return finish(types::Double());
  }
  static const char* const kPairs[] = {"corr",     "covar_pop", "covar_samp", "regr_sxx",      "regr_syy",
                                       "regr_sxy", "regr_slope", "regr_intercept", "regr_r2"};
  for (const char* m : kPairs) {
    if (fn != m) continue;
    ARROW_RETURN_NOT_OK(count_range(2, 2));
    ARROW_RETURN_NOT_OK(DoubleArg(&call, 0));
    ARROW_RETURN_NOT_OK(DoubleArg(&call, 1));
    return finish(types::Double());
  }
  if (fn == "percentile" || fn == "median" || fn == "percentile_disc") {
    ARROW_RETURN_NOT_OK(fn == "median" ? count_range(1, 1) : count_range(2, 3));
    BoundExprPtr& x = call.args[0];
    if (x->type()->id() == TypeId::kString) x = ImplicitCast(x, types::Double());
    if (!x->type()->IsNumeric() && x->type()->id() != TypeId::kNull) return RequireType(call, 0, "\"NUMERIC\"");
    if (fn == "median") return finish(types::Double());
    if (call.args.size() == 2) {
      call.args.push_back(Literal(arrow::MakeScalar(int32_t{1}), types::Int(), "1"));
      rename();
    }
    ARROW_RETURN_NOT_OK(CheckPercentages(&call));
    if (!call.args[2]->type()->IsIntegral()) return RequireType(call, 2, "\"INTEGRAL\"");
    if (const arrow::Scalar* f = ConstantValue(*call.args[2]); f != nullptr && f->is_valid) {
      ARROW_ASSIGN_OR_RAISE(auto v, f->CastTo(arrow::int64()));
      if (static_cast<const arrow::Int64Scalar&>(*v).value < 0) {
        return SparkError("NEGATIVE_VALUES_IN_FREQUENCY_EXPRESSION", "22003",
                          fmt::format("Found the negative value in \"{}\": {}L, but expected a positive integral "
                                      "value.",
                                      call.args[2]->name(), static_cast<const arrow::Int64Scalar&>(*v).value));
      }
    }
    const bool array = call.args[1]->type()->id() == TypeId::kArray;
    return finish(array ? types::Array(types::Double(), false) : types::Double());
  }
  if (fn == "percentile_approx") {
    ARROW_RETURN_NOT_OK(count_range(2, 3));
    BoundExprPtr& x = call.args[0];
    if (x->type()->id() == TypeId::kString) x = ImplicitCast(x, types::Double());
    const TypeId xt = x->type()->id();
    if (!x->type()->IsNumeric() && xt != TypeId::kDate && xt != TypeId::kTimestamp && xt != TypeId::kTimestampNtz) {
      return RequireType(call, 0, "(\"NUMERIC\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\" or \"ANSI INTERVAL\")");
    }
    if (call.args.size() == 2) {
      call.args.push_back(Literal(arrow::MakeScalar(int32_t{10000}), types::Int(), "10000"));
      rename();
    }
    ARROW_RETURN_NOT_OK(CheckPercentages(&call));
    ARROW_ASSIGN_OR_RAISE(int64_t accuracy, IntConstant(call, 2, "accuracy"));
    if (accuracy <= 0 || accuracy > INT32_MAX) {
      return DataTypeMismatch("VALUE_OUT_OF_RANGE", call.name,
                              fmt::format("The accuracy must be between (0, 2147483647] (current value = {}L)",
                                          accuracy));
    }
    const bool array = call.args[1]->type()->id() == TypeId::kArray;
    const DataTypePtr& xtype = call.args[0]->type();
    return finish(array ? types::Array(xtype, false) : xtype);
  }
  if (fn == "mode") {
    ARROW_RETURN_NOT_OK(count_range(1, 2));
    if (call.args.size() == 2) {
      const arrow::Scalar* d = ConstantValue(*call.args[1]);
      if (d == nullptr || call.args[1]->type()->id() != TypeId::kBoolean) {
        return SparkError("NON_FOLDABLE_ARGUMENT", "42K08",
                          "The function `mode` requires the parameter `deterministic` to be a foldable expression "
                          "of the type \"BOOLEAN\", but the actual argument is a non-foldable.");
      }
      const bool deterministic = d->is_valid && static_cast<const arrow::BooleanScalar&>(*d).value;
      call.args.resize(1);
      call.name = deterministic ? fmt::format("mode() WITHIN GROUP (ORDER BY {} DESC)", call.args[0]->name())
                                : namer(shown, call.args, distinct);
    }
    return finish(call.args[0]->type());
  }
  if (fn == "listagg") {
    ARROW_RETURN_NOT_OK(count_range(1, 2));
    BoundExprPtr& x = call.args[0];
    if (x->type()->id() != TypeId::kBinary && x->type()->id() != TypeId::kString) {
      x = ImplicitCast(x, types::String());
    }
    if (call.args.size() == 1) {
      call.args.push_back(Literal(arrow::MakeNullScalar(arrow::null()), types::Null(), "NULL"));
      rename();
    }
    const BoundExpr& delimiter = *call.args[1];
    const DataTypePtr xtype = call.args[0]->type();
    if (ConstantValue(delimiter) == nullptr) return NonFoldable(call, "delimiter", "\"STRING\"", delimiter);
    const TypeId dt = delimiter.type()->id();
    if (dt != TypeId::kNull && dt != xtype->id()) {
      return DataTypeMismatch("DATA_DIFF_TYPES", call.name,
                              fmt::format("Input to `{}` should all be the same type, but it's ({} or {})", name,
                                          QuotedType(*xtype), QuotedType(*delimiter.type())));
    }
    return finish(xtype);
  }
  if (fn == "histogram_numeric") {
    ARROW_RETURN_NOT_OK(count_range(2, 2));
    BoundExprPtr& x = call.args[0];
    if (x->type()->id() == TypeId::kString) x = ImplicitCast(x, types::Double());
    const TypeId xt = x->type()->id();
    if (!x->type()->IsNumeric() && xt != TypeId::kDate && xt != TypeId::kTimestamp && xt != TypeId::kTimestampNtz) {
      return RequireType(call, 0, "(\"NUMERIC\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\" or \"ANSI INTERVAL\")");
    }
    ARROW_ASSIGN_OR_RAISE(int64_t nb, IntConstant(call, 1, "nb"));
    if (nb < 2 || nb > INT32_MAX) {
      return DataTypeMismatch("VALUE_OUT_OF_RANGE", call.name,
                              fmt::format("The nb must be between [2, 2147483647] (current value = {})", nb));
    }
    auto bin = types::Struct({StructField{"x", x->type(), true}, StructField{"y", types::Double(), true}});
    return finish(types::Array(bin, true));
  }
  if (fn == "count_min_sketch") {
    ARROW_RETURN_NOT_OK(count_range(4, 4));
    const DataType& t = *call.args[0]->type();
    if (!t.IsIntegral() && t.id() != TypeId::kString && t.id() != TypeId::kBinary) {
      return RequireType(call, 0, "(\"INTEGRAL\" or \"STRING\" or \"BINARY\")");
    }
    for (size_t i = 1; i < 4; ++i) {
      if (ConstantValue(*call.args[i]) == nullptr) {
        return NonFoldable(call, i == 1 ? "eps" : i == 2 ? "confidence" : "seed", i == 3 ? "\"INT\"" : "\"DOUBLE\"",
                           *call.args[i]);
      }
    }
    return finish(types::Binary());
  }
  if (IsKllAggregate(fn)) {
    ARROW_RETURN_NOT_OK(count_range(1, 2));
    ARROW_RETURN_NOT_OK(CheckKllArgs(call, fn));
    return finish(types::Binary());
  }
  if (IsSketchAggregate(fn)) {
    ARROW_ASSIGN_OR_RAISE(auto type, ResolveSketchAggregate(fn, &call, namer));
    return finish(std::move(type));
  }
  return SparkError("UNRESOLVED_ROUTINE", "42883",
                    fmt::format("Cannot resolve routine `{}` on search path [`system`.`builtin`, "
                                "`system`.`session`, `spark_catalog`.`default`].",
                                name));
}

}  // namespace spate
