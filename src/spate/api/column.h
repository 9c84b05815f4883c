#pragma once

// Column: an expression in the DataFrame API, with PySpark's operators and
// methods (col("a") + 1, col("a").alias("b"), col("s").isNull(), ...).
// Building a Column never fails; names and types are checked when a
// DataFrame uses it.

#include <string>
#include <vector>

#include "spate/expr/expression.h"

namespace spate {

class Column {
 public:
  Column() = default;
  explicit Column(ExprPtr expr) : expr_(std::move(expr)) {}
  /// A column by name: "a", "t.a", "data.user.id", "*", "data.*".
  Column(const char* name);         // NOLINT: implicit, as strings are columns in Spark's API
  Column(const std::string& name);  // NOLINT

  const ExprPtr& expr() const { return expr_; }
  std::string ToString() const { return expr_->ToString(); }

  Column alias(const std::string& name) const;
  /// A generator's columns under these names, one each: posexplode(a).alias({"pos", "v"}).
  Column alias(const std::vector<std::string>& names) const;
  Column as(const std::string& name) const { return alias(name); }
  Column name(const std::string& name) const { return alias(name); }
  /// CAST to a type given as DDL ("int", "decimal(10,2)") or a DataType.
  Column cast(const std::string& ddl_type) const;
  Column cast(const DataTypePtr& type) const;
  Column try_cast(const DataTypePtr& type) const;

  Column isNull() const;
  Column isNotNull() const;
  Column isin(const std::vector<Column>& values) const;
  Column between(const Column& lower, const Column& upper) const;
  Column like(const std::string& pattern) const;
  Column ilike(const std::string& pattern) const;
  Column rlike(const std::string& pattern) const;
  Column startswith(const Column& other) const;
  Column endswith(const Column& other) const;
  Column contains(const Column& other) const;
  Column substr(const Column& pos, const Column& len) const;
  Column eqNullSafe(const Column& other) const;
  Column getField(const std::string& name) const;
  Column getItem(const Column& key) const;
  Column operator[](const Column& key) const { return getItem(key); }

  /// when(cond, value).when(...).otherwise(value) on a CASE WHEN column.
  Column when(const Column& condition, const Column& value) const;
  Column otherwise(const Column& value) const;

  Column asc() const;
  Column desc() const;
  Column asc_nulls_first() const;
  Column asc_nulls_last() const;
  Column desc_nulls_first() const;
  Column desc_nulls_last() const;

 private:
  ExprPtr expr_;
};

/// Literals: lit(1), lit("x"), lit(nullptr) for NULL.
Column lit(int32_t v);
Column lit(int64_t v);
Column lit(double v);
Column lit(bool v);
Column lit(const char* v);
Column lit(const std::string& v);
Column lit(std::nullptr_t);

Column operator+(const Column& a, const Column& b);
Column operator-(const Column& a, const Column& b);
Column operator*(const Column& a, const Column& b);
Column operator/(const Column& a, const Column& b);
Column operator%(const Column& a, const Column& b);
Column operator-(const Column& a);
Column operator==(const Column& a, const Column& b);
Column operator!=(const Column& a, const Column& b);
Column operator<(const Column& a, const Column& b);
Column operator<=(const Column& a, const Column& b);
Column operator>(const Column& a, const Column& b);
Column operator>=(const Column& a, const Column& b);
Column operator&&(const Column& a, const Column& b);
Column operator||(const Column& a, const Column& b);
Column operator!(const Column& a);

}  // namespace spate
