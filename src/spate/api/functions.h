#pragma once

// pyspark.sql.functions for C++: col, lit, expr and the built-in functions by
// their Spark names. Any registered function is also reachable through
// call_function("name", {...}).

#include <optional>
#include <string>
#include <vector>

#include "spate/api/column.h"
#include "spate/expr/user_function.h"

namespace spate::functions {

Column col(const std::string& name);
Column column(const std::string& name);
/// A Spark SQL expression: expr("a + 1 AS b"). A parse error surfaces when a
/// DataFrame uses the column.
Column expr(const std::string& sql);
Column call_function(const std::string& name, const std::vector<Column>& args);

// Aggregates.
Column count(const Column& c);
Column count_distinct(const std::vector<Column>& cols);
Column countDistinct(const std::vector<Column>& cols);
Column sum(const Column& c);
Column avg(const Column& c);
Column mean(const Column& c);
Column min(const Column& c);
Column max(const Column& c);
Column first(const Column& c, bool ignore_nulls = false);
Column last(const Column& c, bool ignore_nulls = false);
Column collect_list(const Column& c);
Column collect_set(const Column& c);
Column approx_count_distinct(const Column& c);
/// Spark's HyperLogLog++ estimate with relative standard deviation `rsd` (at most 0.39).
Column approx_count_distinct(const Column& c, double rsd);
/// In an aggregation by rollup/cube/grouping sets: 1 when the row's grouping
/// set leaves `c` out, else 0 (TINYINT).
Column grouping(const Column& c);
/// The row's grouping set as a bit mask over the grouping columns (BIGINT);
/// `cols`, when given, must be all grouping columns in order.
Column grouping_id(const std::vector<Column>& cols = {});

// Conditionals and nulls.
Column when(const Column& condition, const Column& value);
Column coalesce(const std::vector<Column>& cols);
Column isnull(const Column& c);
Column isnotnull(const Column& c);

// Strings.
Column upper(const Column& c);
Column lower(const Column& c);
Column length(const Column& c);
Column concat(const std::vector<Column>& cols);
Column concat_ws(const std::string& sep, const std::vector<Column>& cols);
Column substring(const Column& str, int pos, int len);
Column trim(const Column& c);
Column ltrim(const Column& c);
Column rtrim(const Column& c);
Column split(const Column& str, const std::string& pattern, int limit = -1);
Column regexp_extract(const Column& str, const std::string& pattern, int idx);
Column regexp_replace(const Column& str, const std::string& pattern, const std::string& replacement);

// Dates and times.
Column current_timestamp();
Column current_date();
Column to_timestamp(const Column& c);
Column to_timestamp(const Column& c, const std::string& format);
Column date_format(const Column& c, const std::string& format);
Column unix_timestamp(const Column& c);
Column unix_timestamp(const Column& c, const std::string& format);
Column from_unixtime(const Column& c, const std::string& format = "yyyy-MM-dd HH:mm:ss");
Column date_trunc(const std::string& unit, const Column& c);
/// Time windows: window(ts, "5 minutes") tumbling; with a shorter slide every
/// window containing the row (sliding); startTime shifts the window starts.
Column window(const Column& time_column, const std::string& window_duration,
              const std::string& slide_duration = "", const std::string& start_time = "");
/// Session windows: session_window(ts, "10 minutes") with a fixed gap, or a
/// per-row gap given as a string column (a dynamic gap).
Column session_window(const Column& time_column, const std::string& gap_duration);
Column session_window(const Column& time_column, const Column& gap_duration);
inline Column session_window(const Column& time_column, const char* gap_duration) {
  return session_window(time_column, std::string(gap_duration));
}
/// A window's event time: its end minus one microsecond.
Column window_time(const Column& window_column);

// Nested data and JSON.
Column struct_(const std::vector<Column>& cols);
Column named_struct(const std::vector<Column>& names_and_values);
Column array(const std::vector<Column>& cols);
Column create_map(const std::vector<Column>& keys_and_values);
Column explode(const Column& c);
Column explode_outer(const Column& c);
Column posexplode(const Column& c);
Column posexplode_outer(const Column& c);
/// from_json with a schema as DDL ("a INT, b STRING") or Spark's JSON form.
Column from_json(const Column& c, const std::string& schema,
                 const std::vector<std::pair<std::string, std::string>>& options = {});
/// to_json with options as Spark's (ignoreNullFields, timestampFormat, timestampNTZFormat, dateFormat).
Column to_json(const Column& c, const std::vector<std::pair<std::string, std::string>>& options = {});
/// from_csv with a schema as DDL; options as the CSV source's (sep, mode, dateFormat,
/// timestampFormat, timestampNTZFormat, locale, ...).
Column from_csv(const Column& c, const std::string& schema,
                const std::vector<std::pair<std::string, std::string>>& options = {});
/// to_csv with options as the CSV writer's (sep, dateFormat, timestampFormat, timestampNTZFormat, ...).
Column to_csv(const Column& c, const std::vector<std::pair<std::string, std::string>>& options = {});
/// from_avro: Avro binary -> the Spark type of the Avro schema (JSON text); options as
/// spark-avro's (mode FAILFAST or PERMISSIVE, ...).
Column from_avro(const Column& data, const std::string& json_format_schema,
                 const std::vector<std::pair<std::string, std::string>>& options = {});
/// to_avro: a value -> Avro binary, with the schema given (JSON text) or, when empty,
/// the one spark-avro derives from the column's type.
Column to_avro(const Column& data, const std::string& json_format_schema = "");
/// The schema-registry form of from_avro / to_avro (Databricks'): values in the wire
/// format of a registry speaking Confluent's REST API (magic byte 0, 4-byte schema id,
/// the Avro datum). `address` is the registry's base URL.
struct SchemaRegistrySubject {
  std::string subject;
  std::string address;
};
/// Reads each value with the schema its id names, resolved to the subject's latest
/// schema (or to `json_format_schema` when not empty). Options as from_avro's, and
/// avroSchemaEvolutionMode, confluent.schema.registry.basic.auth.*.
Column from_avro(const Column& data, const SchemaRegistrySubject& registry,
                 const std::vector<std::pair<std::string, std::string>>& options = {},
                 const std::string& json_format_schema = "");
/// Writes with `json_format_schema` (or the schema derived from the type), which must be
/// registered under the subject, and prefixes its id.
Column to_avro(const Column& data, const SchemaRegistrySubject& registry,
               const std::string& json_format_schema = "",
               const std::vector<std::pair<std::string, std::string>>& options = {});
/// Databricks' to_avro(data, subject: Column, schemaRegistryAddress, options, jsonFormatSchema):
/// the subject as a column of one constant string (lit("topic-value")); a subject that
/// differs by row is refused when the query is analyzed ([DATATYPE_MISMATCH.NON_FOLDABLE_INPUT]).
Column to_avro(const Column& data, const Column& subject, const std::string& schema_registry_address,
               const std::vector<std::pair<std::string, std::string>>& options = {},
               const std::string& json_format_schema = "");
/// get_json_object, json_tuple, json_array_length and json_object_keys read JSON as
/// Spark's parser for them does: single quotes and control characters in strings, the
/// first value of the text. `path`: `$` then `.name`, `['name']`, `[n]`, `[*]`.
Column get_json_object(const Column& c, const std::string& path);
/// A generator of the columns c0, c1, ...: the top-level fields `fields` as text.
Column json_tuple(const Column& c, const std::vector<std::string>& fields);
Column json_array_length(const Column& c);
Column json_object_keys(const Column& c);
/// The schema (as SQL type text) Spark infers from `json`, read with from_json's options.
Column schema_of_json(const std::string& json,
                      const std::vector<std::pair<std::string, std::string>>& options = {});

// KLL quantile sketches (Spark 4.1): BINARY sketches of BIGINT, DOUBLE or FLOAT
// items that Spark reads too. k (default 200, 8..65535) sets size and accuracy;
// a merge without k keeps the first sketch's.
Column kll_sketch_agg_bigint(const Column& c, std::optional<int> k = std::nullopt);
Column kll_sketch_agg_double(const Column& c, std::optional<int> k = std::nullopt);
Column kll_sketch_agg_float(const Column& c, std::optional<int> k = std::nullopt);
Column kll_merge_agg_bigint(const Column& c, std::optional<int> k = std::nullopt);
Column kll_merge_agg_double(const Column& c, std::optional<int> k = std::nullopt);
Column kll_merge_agg_float(const Column& c, std::optional<int> k = std::nullopt);
Column kll_sketch_merge_bigint(const Column& left, const Column& right);
Column kll_sketch_merge_double(const Column& left, const Column& right);
Column kll_sketch_merge_float(const Column& left, const Column& right);
Column kll_sketch_get_n_bigint(const Column& c);
Column kll_sketch_get_n_double(const Column& c);
Column kll_sketch_get_n_float(const Column& c);
Column kll_sketch_to_string_bigint(const Column& c);
Column kll_sketch_to_string_double(const Column& c);
Column kll_sketch_to_string_float(const Column& c);
/// `rank`: a constant rank in [0, 1] or an array of them.
Column kll_sketch_get_quantile_bigint(const Column& sketch, const Column& rank);
Column kll_sketch_get_quantile_double(const Column& sketch, const Column& rank);
Column kll_sketch_get_quantile_float(const Column& sketch, const Column& rank);
/// `quantile`: a constant item or an array of them.
Column kll_sketch_get_rank_bigint(const Column& sketch, const Column& quantile);
Column kll_sketch_get_rank_double(const Column& sketch, const Column& quantile);
Column kll_sketch_get_rank_float(const Column& sketch, const Column& quantile);
// Sketches. Bitmaps: exact distinct counts from BIGINT positions in 4096-byte
// bitmaps. Theta: DataSketches' Theta sketches (lgNomEntries defaults to 12).
Column bitmap_bit_position(const Column& c);
Column bitmap_bucket_number(const Column& c);
Column bitmap_construct_agg(const Column& c);
Column bitmap_count(const Column& c);
Column bitmap_or_agg(const Column& c);
Column bitmap_and_agg(const Column& c);
Column theta_sketch_agg(const Column& c, int lg_nom_entries = 12);
Column theta_union_agg(const Column& c, int lg_nom_entries = 12);
Column theta_intersection_agg(const Column& c);
Column theta_union(const Column& a, const Column& b, int lg_nom_entries = 12);
Column theta_intersection(const Column& a, const Column& b);
Column theta_difference(const Column& a, const Column& b);
Column theta_sketch_estimate(const Column& c);
// XPath 1.0 over XML text; `path` must be a constant (lit("a/b")).
Column xpath(const Column& xml, const Column& path);
Column xpath_string(const Column& xml, const Column& path);
Column xpath_boolean(const Column& xml, const Column& path);
Column xpath_short(const Column& xml, const Column& path);
Column xpath_int(const Column& xml, const Column& path);
Column xpath_long(const Column& xml, const Column& path);
Column xpath_float(const Column& xml, const Column& path);
Column xpath_double(const Column& xml, const Column& path);
Column xpath_number(const Column& xml, const Column& path);
/// An XML record as a struct of `schema` (DDL or Spark's JSON form).
Column from_xml(const Column& c, const std::string& schema,
                const std::vector<std::pair<std::string, std::string>>& options = {});
/// A struct as one XML record; options as Spark's (rowTag, attributePrefix, valueTag, ...).
Column to_xml(const Column& c, const std::vector<std::pair<std::string, std::string>>& options = {});
/// The DDL of the schema Spark infers from a constant XML record.
Column schema_of_xml(const std::string& xml, const std::vector<std::pair<std::string, std::string>>& options = {});
// Collations: Spate's strings compare byte by byte (UTF8_BINARY).
/// The collation's full name: "SYSTEM.BUILTIN.UTF8_BINARY".
Column collation(const Column& c);
/// The string under collation `name`; UTF8_BINARY is the one Spate applies.
Column collate(const Column& c, const std::string& name);

// Partition transforms, for DataFrameWriterV2::partitionedBy (Iceberg's year,
// month, day, hour and bucket[N] transforms). Computing one in a query fails
// with [PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY].
Column years(const Column& c);
Column months(const Column& c);
Column days(const Column& c);
Column hours(const Column& c);
Column bucket(int num_buckets, const Column& c);
Column bucket(const Column& num_buckets, const Column& c);
// User-defined functions.
/// A scalar function over Arrow arrays (pyspark's udf): udf(args) is a Column
/// named `name(args)`. Register it with session->udf() to call it from SQL.
class UserDefinedFunction {
 public:
  UserDefinedFunction(std::string name, UserFunctionCallback callback, DataTypePtr return_type,
                      bool deterministic = true);
  Column operator()(const std::vector<Column>& args) const;
  /// The same function, marked nondeterministic.
  UserDefinedFunction asNondeterministic() const;
  const UserFunctionPtr& function() const { return function_; }
  const std::string& name() const { return function_->name; }
  const DataTypePtr& returnType() const { return function_->return_type; }
  bool deterministic() const { return function_->deterministic; }

 private:
  explicit UserDefinedFunction(UserFunctionPtr function) : function_(std::move(function)) {}
  UserFunctionPtr function_;
};
UserDefinedFunction udf(const std::string& name, UserFunctionCallback callback, DataTypePtr return_type);
/// A call of a function by name, resolved when a DataFrame uses it: a
/// function registered with the session, or a built-in one.
Column call_udf(const std::string& name, const std::vector<Column>& cols);

}  // namespace spate::functions
