#include "spate/aggregates/aggregate_definitions.h"

namespace spate {

namespace {

constexpr std::string_view kDistinctSuffix = "_distinct";

const std::vector<AggregateDefinition>& Definitions() {
  static const std::vector<AggregateDefinition> kDefinitions = {
      // Counts and collections: never NULL.
      {"count", {"count_distinct"}, false},
      {"count_all", {}, false},  // count(*)
      {"count_if", {}, false},
      {"regr_count", {}, false},
      {"approx_count_distinct", {}, false},
      {"collect_list", {"array_agg"}, false},
      {"collect_set", {}, false},
      {"count_min_sketch", {}, false},
      // Values of the rows.
      {"sum", {}},
      {"avg", {"mean"}},
      {"try_sum", {}},
      {"try_avg", {}},
      {"product", {}},
      {"min", {}},
      {"max", {}},
      {"min_by", {}},
      {"max_by", {}},
      {"first", {"first_value", "any_value"}},
      {"last", {"last_value"}},
      {"bool_and", {"every"}},
      {"bool_or", {"some", "any"}},
      {"bit_and", {}},
      {"bit_or", {}},
      {"bit_xor", {}},
      {"listagg", {"string_agg"}},
      {"mode", {}},
      // Statistics.
      {"var_pop", {}},
      {"var_samp", {"variance"}},
      {"stddev_pop", {}},
      {"stddev_samp", {"std", "stddev"}},
      {"skewness", {}},
      {"kurtosis", {}},
      {"corr", {}},
      {"covar_pop", {}},
      {"covar_samp", {}},
      {"regr_avgx", {}},
      {"regr_avgy", {}},
      {"regr_sxx", {}},
      {"regr_syy", {}},
      {"regr_sxy", {}},
      {"regr_slope", {}},
      {"regr_intercept", {}},
      {"regr_r2", {}},
      {"percentile", {}},
      {"median", {}},
      {"percentile_approx", {"approx_percentile"}},
      {"histogram_numeric", {}},
      // Sketches (aggregate_kll.h, sketch_aggregates.h): never NULL.
      {"kll_sketch_agg_bigint", {}, false},
      {"kll_sketch_agg_double", {}, false},
      {"kll_sketch_agg_float", {}, false},
      {"kll_merge_agg_bigint", {}, false},
      {"kll_merge_agg_double", {}, false},
      {"kll_merge_agg_float", {}, false},
      {"bitmap_construct_agg", {}, false},
      {"bitmap_or_agg", {}, false},
      {"bitmap_and_agg", {}, false},
      {"theta_sketch_agg", {}, false},
      {"theta_union_agg", {}, false},
      {"theta_intersection_agg", {}, false},
  };
  return kDefinitions;
}

const AggregateDefinition* FindByName(std::string_view name) {
  for (const auto& d : Definitions()) {
    if (d.name == name) return &d;
    for (std::string_view alias : d.aliases) {
      if (alias == name) return &d;
    }
  }
  return nullptr;
}

}  // namespace

const AggregateDefinition* FindAggregate(std::string_view name) {
  if (const AggregateDefinition* d = FindByName(name)) return d;
  if (name.ends_with(kDistinctSuffix)) return FindByName(name.substr(0, name.size() - kDistinctSuffix.size()));
  return nullptr;
}

bool IsAggregateFunction(const std::string& name) {
  // count(*) is written count; percentile_cont/percentile_disc are aggregates only WITHIN GROUP.
  return name != "count_all" && FindByName(name) != nullptr;
}

bool IsDistinctAggregate(const AggregateCall& call) {
  // "count_distinct" is count over distinct rows; approx_count_distinct is a function of its own.
  const AggregateDefinition* d = FindByName(call.function);
  return call.function.ends_with(kDistinctSuffix) && (d == nullptr || d->name != call.function);
}

bool AggregateNullable(const AggregateCall& call) {
  const AggregateDefinition* d = FindAggregate(call.function);
  return d == nullptr || d->nullable;
}

bool StreamingAggregateSupported(const AggregateCall& call) {
  const AggregateDefinition* d = FindAggregate(call.function);
  return d != nullptr && d->streaming && !IsDistinctAggregate(call);
}

}  // namespace spate
