#pragma once

// pyspark.sql.functions for C++: col, lit, expr and the built-in functions by
// their Spark names. Any registered function is also reachable through
// call_function("name", {...}).

#include <string>
#include <vector>

#include "spate/api/column.h"

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
/// from_json with a schema as DDL ("a INT, b STRING") or Spark's JSON form.
Column from_json(const Column& c, const std::string& schema,
                 const std::vector<std::pair<std::string, std::string>>& options = {});
Column to_json(const Column& c);
Column get_json_object(const Column& c, const std::string& path);

}  // namespace spate::functions
