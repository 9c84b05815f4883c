#include "spate/api/functions.h"

#include <optional>

#include "spate/sql/parser.h"

namespace spate::functions {

namespace {

Column Call(const char* name, std::vector<ExprPtr> args, bool distinct = false) {
  return Column(ex::Call(name, std::move(args), distinct));
}

std::vector<ExprPtr> Exprs(const std::vector<Column>& cols) {
  std::vector<ExprPtr> out;
  for (const auto& c : cols) out.push_back(c.expr());
  return out;
}

}  // namespace

Column col(const std::string& name) { return Column(name); }
Column column(const std::string& name) { return Column(name); }

Column expr(const std::string& sql) {
  auto parsed = sql::ParseExpression(sql);
  if (parsed.ok()) return Column(*parsed);
  // Carry the parse error to the analysis of whatever uses this column.
  return Column(ex::Call(kParseErrorCall, {ex::String(parsed.status().message())}));
}

Column call_function(const std::string& name, const std::vector<Column>& args) {
  return Column(ex::Call(name, Exprs(args)));
}

UserDefinedFunction::UserDefinedFunction(std::string name, UserFunctionCallback callback,
                                         DataTypePtr return_type, bool deterministic)
    : function_(std::make_shared<UserFunction>(UserFunction{std::move(name), std::move(callback),
                                                            std::move(return_type), deterministic})) {}

Column UserDefinedFunction::operator()(const std::vector<Column>& args) const {
  return Column(ex::UserCall(function_, Exprs(args)));
}

UserDefinedFunction UserDefinedFunction::asNondeterministic() const {
  auto copy = std::make_shared<UserFunction>(*function_);
  copy->deterministic = false;
  return UserDefinedFunction(std::move(copy));
}

UserDefinedFunction udf(const std::string& name, UserFunctionCallback callback, DataTypePtr return_type) {
  return UserDefinedFunction(name, std::move(callback), std::move(return_type));
}

Column call_udf(const std::string& name, const std::vector<Column>& cols) { return call_function(name, cols); }

Column count(const Column& c) {
  const Expr& e = *c.expr();
  if (e.kind == ExprKind::kColumn && e.name_parts.size() == 1 && e.name_parts[0] == "*") {
    return Call("count", {ex::Star()});
  }
  return Call("count", {c.expr()});
}
Column count_distinct(const std::vector<Column>& cols) { return Call("count", Exprs(cols), true); }
Column countDistinct(const std::vector<Column>& cols) { return count_distinct(cols); }
Column sum(const Column& c) { return Call("sum", {c.expr()}); }
Column avg(const Column& c) { return Call("avg", {c.expr()}); }
Column mean(const Column& c) { return Call("mean", {c.expr()}); }
Column min(const Column& c) { return Call("min", {c.expr()}); }
Column max(const Column& c) { return Call("max", {c.expr()}); }
Column grouping(const Column& c) { return Call("grouping", {c.expr()}); }
Column grouping_id(const std::vector<Column>& cols) { return Call("grouping_id", Exprs(cols)); }
Column first(const Column& c, bool ignore_nulls) {
  if (!ignore_nulls) return Call("first", {c.expr()});
  return Call("first", {c.expr(), ex::Bool(true)});
}
Column last(const Column& c, bool ignore_nulls) {
  if (!ignore_nulls) return Call("last", {c.expr()});
  return Call("last", {c.expr(), ex::Bool(true)});
}
Column collect_list(const Column& c) { return Call("collect_list", {c.expr()}); }
Column collect_set(const Column& c) { return Call("collect_set", {c.expr()}); }
Column approx_count_distinct(const Column& c) { return Call("approx_count_distinct", {c.expr()}); }
Column approx_count_distinct(const Column& c, double rsd) {
  return Call("approx_count_distinct", {c.expr(), ex::Double(rsd)});
}

Column when(const Column& condition, const Column& value) {
  return Call("casewhen", {condition.expr(), value.expr()});
}
Column coalesce(const std::vector<Column>& cols) { return Call("coalesce", Exprs(cols)); }
Column isnull(const Column& c) { return c.isNull(); }
Column isnotnull(const Column& c) { return c.isNotNull(); }

Column upper(const Column& c) { return Call("upper", {c.expr()}); }
Column lower(const Column& c) { return Call("lower", {c.expr()}); }
Column length(const Column& c) { return Call("length", {c.expr()}); }
Column concat(const std::vector<Column>& cols) { return Call("concat", Exprs(cols)); }
Column concat_ws(const std::string& sep, const std::vector<Column>& cols) {
  std::vector<ExprPtr> args = {ex::String(sep)};
  for (const auto& c : cols) args.push_back(c.expr());
  return Call("concat_ws", std::move(args));
}
Column substring(const Column& str, int pos, int len) {
  return Call("substring", {str.expr(), ex::Int(pos), ex::Int(len)});
}
Column trim(const Column& c) { return Call("trim", {c.expr()}); }
Column ltrim(const Column& c) { return Call("ltrim", {c.expr()}); }
Column rtrim(const Column& c) { return Call("rtrim", {c.expr()}); }
Column split(const Column& str, const std::string& pattern, int limit) {
  return Call("split", {str.expr(), ex::String(pattern), ex::Int(limit)});
}
Column regexp_extract(const Column& str, const std::string& pattern, int idx) {
  return Call("regexp_extract", {str.expr(), ex::String(pattern), ex::Int(idx)});
}
Column regexp_replace(const Column& str, const std::string& pattern, const std::string& replacement) {
  return Call("regexp_replace", {str.expr(), ex::String(pattern), ex::String(replacement)});
}

Column current_timestamp() { return Call("current_timestamp", {}); }
Column current_date() { return Call("current_date", {}); }
Column to_timestamp(const Column& c) { return Call("to_timestamp", {c.expr()}); }
Column to_timestamp(const Column& c, const std::string& format) {
  return Call("to_timestamp", {c.expr(), ex::String(format)});
}
Column date_format(const Column& c, const std::string& format) {
  return Call("date_format", {c.expr(), ex::String(format)});
}
Column unix_timestamp(const Column& c) { return Call("unix_timestamp", {c.expr()}); }
Column unix_timestamp(const Column& c, const std::string& format) {
  return Call("unix_timestamp", {c.expr(), ex::String(format)});
}
Column from_unixtime(const Column& c, const std::string& format) {
  return Call("from_unixtime", {c.expr(), ex::String(format)});
}
Column date_trunc(const std::string& unit, const Column& c) {
  return Call("date_trunc", {ex::String(unit), c.expr()});
}

Column window(const Column& time_column, const std::string& window_duration,
              const std::string& slide_duration, const std::string& start_time) {
  std::vector<ExprPtr> args = {time_column.expr(), ex::String(window_duration)};
  if (!slide_duration.empty() || !start_time.empty()) {
    args.push_back(ex::String(slide_duration.empty() ? window_duration : slide_duration));
  }
  if (!start_time.empty()) args.push_back(ex::String(start_time));
  return Call("window", std::move(args));
}

Column session_window(const Column& time_column, const std::string& gap_duration) {
  return Call("session_window", {time_column.expr(), ex::String(gap_duration)});
}
Column session_window(const Column& time_column, const Column& gap_duration) {
  return Call("session_window", {time_column.expr(), gap_duration.expr()});
}
Column window_time(const Column& window_column) { return Call("window_time", {window_column.expr()}); }

Column struct_(const std::vector<Column>& cols) { return Call("struct", Exprs(cols)); }
Column named_struct(const std::vector<Column>& nv) { return Call("named_struct", Exprs(nv)); }
Column array(const std::vector<Column>& cols) { return Call("array", Exprs(cols)); }
Column create_map(const std::vector<Column>& kv) { return Call("map", Exprs(kv)); }
Column explode(const Column& c) { return Call("explode", {c.expr()}); }
Column explode_outer(const Column& c) { return Call("explode_outer", {c.expr()}); }
Column posexplode(const Column& c) { return Call("posexplode", {c.expr()}); }
Column posexplode_outer(const Column& c) { return Call("posexplode_outer", {c.expr()}); }
namespace {
// Reader/writer options as the map() argument the text functions take.
void AppendOptions(const std::vector<std::pair<std::string, std::string>>& options, std::vector<ExprPtr>* args) {
  if (options.empty()) return;
  std::vector<ExprPtr> kv;
  for (const auto& [k, v] : options) {
    kv.push_back(ex::String(k));
    kv.push_back(ex::String(v));
  }
  args->push_back(ex::Call("map", std::move(kv)));
}
}  // namespace

Column from_json(const Column& c, const std::string& schema,
                 const std::vector<std::pair<std::string, std::string>>& options) {
  std::vector<ExprPtr> args = {c.expr(), ex::String(schema)};
  AppendOptions(options, &args);
  return Call("from_json", std::move(args));
}
Column to_json(const Column& c, const std::vector<std::pair<std::string, std::string>>& options) {
  std::vector<ExprPtr> args = {c.expr()};
  AppendOptions(options, &args);
  return Call("to_json", std::move(args));
}
Column from_csv(const Column& c, const std::string& schema,
                const std::vector<std::pair<std::string, std::string>>& options) {
  std::vector<ExprPtr> args = {c.expr(), ex::String(schema)};
  AppendOptions(options, &args);
  return Call("from_csv", std::move(args));
}
Column to_csv(const Column& c, const std::vector<std::pair<std::string, std::string>>& options) {
  std::vector<ExprPtr> args = {c.expr()};
  AppendOptions(options, &args);
  return Call("to_csv", std::move(args));
}
Column from_avro(const Column& data, const std::string& json_format_schema,
                 const std::vector<std::pair<std::string, std::string>>& options) {
  std::vector<ExprPtr> args = {data.expr(), ex::String(json_format_schema)};
  AppendOptions(options, &args);
  return Call("from_avro", std::move(args));
}
Column to_avro(const Column& data, const std::string& json_format_schema) {
  if (json_format_schema.empty()) return Call("to_avro", {data.expr()});
  return Call("to_avro", {data.expr(), ex::String(json_format_schema)});
}
namespace {
// data, the schema (NULL when empty), and the options with the registry's address (and
// the subject, when given as text).
std::vector<ExprPtr> RegistryArgs(const Column& data, const std::optional<std::string>& subject,
                                  const std::string& address, const std::string& json_format_schema,
                                  std::vector<std::pair<std::string, std::string>> options) {
  if (subject) options.emplace_back("subject", *subject);
  options.emplace_back("schemaRegistryAddress", address);
  std::vector<ExprPtr> args = {data.expr(), json_format_schema.empty() ? ex::Null() : ex::String(json_format_schema)};
  AppendOptions(options, &args);
  return args;
}
}  // namespace
Column from_avro(const Column& data, const SchemaRegistrySubject& registry,
                 const std::vector<std::pair<std::string, std::string>>& options,
                 const std::string& json_format_schema) {
  return Call("from_avro", RegistryArgs(data, registry.subject, registry.address, json_format_schema, options));
}
Column to_avro(const Column& data, const SchemaRegistrySubject& registry, const std::string& json_format_schema,
               const std::vector<std::pair<std::string, std::string>>& options) {
  return Call("to_avro", RegistryArgs(data, registry.subject, registry.address, json_format_schema, options));
}
Column to_avro(const Column& data, const Column& subject, const std::string& schema_registry_address,
               const std::vector<std::pair<std::string, std::string>>& options,
               const std::string& json_format_schema) {
  auto args = RegistryArgs(data, std::nullopt, schema_registry_address, json_format_schema, options);
  args.push_back(subject.expr());  // to_avro's fourth argument: the subject as a column
  return Call("to_avro", std::move(args));
}
Column get_json_object(const Column& c, const std::string& path) {
  return Call("get_json_object", {c.expr(), ex::String(path)});
}
Column json_tuple(const Column& c, const std::vector<std::string>& fields) {
  std::vector<ExprPtr> args = {c.expr()};
  for (const auto& f : fields) args.push_back(ex::String(f));
  return Call("json_tuple", std::move(args));
}
Column json_array_length(const Column& c) { return Call("json_array_length", {c.expr()}); }
Column json_object_keys(const Column& c) { return Call("json_object_keys", {c.expr()}); }
Column schema_of_json(const std::string& json, const std::vector<std::pair<std::string, std::string>>& options) {
  std::vector<ExprPtr> args = {ex::String(json)};
  AppendOptions(options, &args);
  return Call("schema_of_json", std::move(args));
}

Column kll_sketch_agg_bigint(const Column& c, std::optional<int> k) {
  if (!k) return Call("kll_sketch_agg_bigint", {c.expr()});
  return Call("kll_sketch_agg_bigint", {c.expr(), ex::Int(*k)});
}
Column kll_merge_agg_bigint(const Column& c, std::optional<int> k) {
  if (!k) return Call("kll_merge_agg_bigint", {c.expr()});
  return Call("kll_merge_agg_bigint", {c.expr(), ex::Int(*k)});
}
Column kll_sketch_agg_double(const Column& c, std::optional<int> k) {
  if (!k) return Call("kll_sketch_agg_double", {c.expr()});
  return Call("kll_sketch_agg_double", {c.expr(), ex::Int(*k)});
}
Column kll_merge_agg_double(const Column& c, std::optional<int> k) {
  if (!k) return Call("kll_merge_agg_double", {c.expr()});
  return Call("kll_merge_agg_double", {c.expr(), ex::Int(*k)});
}
Column kll_sketch_agg_float(const Column& c, std::optional<int> k) {
  if (!k) return Call("kll_sketch_agg_float", {c.expr()});
  return Call("kll_sketch_agg_float", {c.expr(), ex::Int(*k)});
}
Column kll_merge_agg_float(const Column& c, std::optional<int> k) {
  if (!k) return Call("kll_merge_agg_float", {c.expr()});
  return Call("kll_merge_agg_float", {c.expr(), ex::Int(*k)});
}
Column kll_sketch_merge_bigint(const Column& left, const Column& right) {
  return Call("kll_sketch_merge_bigint", {left.expr(), right.expr()});
}
Column kll_sketch_merge_double(const Column& left, const Column& right) {
  return Call("kll_sketch_merge_double", {left.expr(), right.expr()});
}
Column kll_sketch_merge_float(const Column& left, const Column& right) {
  return Call("kll_sketch_merge_float", {left.expr(), right.expr()});
}
Column kll_sketch_get_n_bigint(const Column& c) { return Call("kll_sketch_get_n_bigint", {c.expr()}); }
Column kll_sketch_get_n_double(const Column& c) { return Call("kll_sketch_get_n_double", {c.expr()}); }
Column kll_sketch_get_n_float(const Column& c) { return Call("kll_sketch_get_n_float", {c.expr()}); }
Column kll_sketch_to_string_bigint(const Column& c) { return Call("kll_sketch_to_string_bigint", {c.expr()}); }
Column kll_sketch_to_string_double(const Column& c) { return Call("kll_sketch_to_string_double", {c.expr()}); }
Column kll_sketch_to_string_float(const Column& c) { return Call("kll_sketch_to_string_float", {c.expr()}); }
Column kll_sketch_get_quantile_bigint(const Column& sketch, const Column& rank) {
  return Call("kll_sketch_get_quantile_bigint", {sketch.expr(), rank.expr()});
}
Column kll_sketch_get_quantile_double(const Column& sketch, const Column& rank) {
  return Call("kll_sketch_get_quantile_double", {sketch.expr(), rank.expr()});
}
Column kll_sketch_get_quantile_float(const Column& sketch, const Column& rank) {
  return Call("kll_sketch_get_quantile_float", {sketch.expr(), rank.expr()});
}
Column kll_sketch_get_rank_bigint(const Column& sketch, const Column& quantile) {
  return Call("kll_sketch_get_rank_bigint", {sketch.expr(), quantile.expr()});
}
Column kll_sketch_get_rank_double(const Column& sketch, const Column& quantile) {
  return Call("kll_sketch_get_rank_double", {sketch.expr(), quantile.expr()});
}
Column kll_sketch_get_rank_float(const Column& sketch, const Column& quantile) {
  return Call("kll_sketch_get_rank_float", {sketch.expr(), quantile.expr()});
}
Column bitmap_bit_position(const Column& c) { return Call("bitmap_bit_position", {c.expr()}); }
Column bitmap_bucket_number(const Column& c) { return Call("bitmap_bucket_number", {c.expr()}); }
Column bitmap_construct_agg(const Column& c) { return Call("bitmap_construct_agg", {c.expr()}); }
Column bitmap_count(const Column& c) { return Call("bitmap_count", {c.expr()}); }
Column bitmap_or_agg(const Column& c) { return Call("bitmap_or_agg", {c.expr()}); }
Column bitmap_and_agg(const Column& c) { return Call("bitmap_and_agg", {c.expr()}); }
Column theta_sketch_agg(const Column& c, int lg_nom_entries) {
  return Call("theta_sketch_agg", {c.expr(), ex::Int(lg_nom_entries)});
}
Column theta_union_agg(const Column& c, int lg_nom_entries) {
  return Call("theta_union_agg", {c.expr(), ex::Int(lg_nom_entries)});
}
Column theta_intersection_agg(const Column& c) { return Call("theta_intersection_agg", {c.expr()}); }
Column theta_union(const Column& a, const Column& b, int lg_nom_entries) {
  return Call("theta_union", {a.expr(), b.expr(), ex::Int(lg_nom_entries)});
}
Column theta_intersection(const Column& a, const Column& b) {
  return Call("theta_intersection", {a.expr(), b.expr()});
}
Column theta_difference(const Column& a, const Column& b) { return Call("theta_difference", {a.expr(), b.expr()}); }
Column theta_sketch_estimate(const Column& c) { return Call("theta_sketch_estimate", {c.expr()}); }
Column xpath(const Column& xml, const Column& path) { return Call("xpath", {xml.expr(), path.expr()}); }
Column xpath_string(const Column& xml, const Column& path) { return Call("xpath_string", {xml.expr(), path.expr()}); }
Column xpath_boolean(const Column& xml, const Column& path) { return Call("xpath_boolean", {xml.expr(), path.expr()}); }
Column xpath_short(const Column& xml, const Column& path) { return Call("xpath_short", {xml.expr(), path.expr()}); }
Column xpath_int(const Column& xml, const Column& path) { return Call("xpath_int", {xml.expr(), path.expr()}); }
Column xpath_long(const Column& xml, const Column& path) { return Call("xpath_long", {xml.expr(), path.expr()}); }
Column xpath_float(const Column& xml, const Column& path) { return Call("xpath_float", {xml.expr(), path.expr()}); }
Column xpath_double(const Column& xml, const Column& path) { return Call("xpath_double", {xml.expr(), path.expr()}); }
Column xpath_number(const Column& xml, const Column& path) { return Call("xpath_number", {xml.expr(), path.expr()}); }
Column from_xml(const Column& c, const std::string& schema,
                const std::vector<std::pair<std::string, std::string>>& options) {
  std::vector<ExprPtr> args = {c.expr(), ex::String(schema)};
  AppendOptions(options, &args);
  return Call("from_xml", std::move(args));
}
Column to_xml(const Column& c, const std::vector<std::pair<std::string, std::string>>& options) {
  std::vector<ExprPtr> args = {c.expr()};
  AppendOptions(options, &args);
  return Call("to_xml", std::move(args));
}
Column schema_of_xml(const std::string& xml, const std::vector<std::pair<std::string, std::string>>& options) {
  std::vector<ExprPtr> args = {ex::String(xml)};
  AppendOptions(options, &args);
  return Call("schema_of_xml", std::move(args));
}
Column collation(const Column& c) { return Call("collation", {c.expr()}); }
Column collate(const Column& c, const std::string& name) { return Call("collate", {c.expr(), ex::String(name)}); }

namespace {

Column PartitionTransform(const char* name, std::vector<ExprPtr> args) {
  args.insert(args.begin(), ex::String(name));
  return Call(kPartitionTransformCall, std::move(args));
}

}  // namespace

Column years(const Column& c) { return PartitionTransform("years", {c.expr()}); }
Column months(const Column& c) { return PartitionTransform("months", {c.expr()}); }
Column days(const Column& c) { return PartitionTransform("days", {c.expr()}); }
Column hours(const Column& c) { return PartitionTransform("hours", {c.expr()}); }
Column bucket(int num_buckets, const Column& c) { return PartitionTransform("bucket", {ex::Int(num_buckets), c.expr()}); }
Column bucket(const Column& num_buckets, const Column& c) {
  return PartitionTransform("bucket", {num_buckets.expr(), c.expr()});
}

}  // namespace spate::functions
