#pragma once

// Spark's implicit type coercion: which common type two operands widen to,
// and the decimal result types of arithmetic (DecimalPrecision rules with
// spark.sql.decimalOperations.allowPrecisionLoss=true, Spark's default).

#include "spate/types/data_type.h"

namespace spate {

/// The narrowest type both `a` and `b` widen to without losing range, or null
/// when there is none. Numeric order: tinyint < smallint < int < bigint <
/// decimal < float < double, but an integer meets a float as double (ANSI);
/// integers meet decimals as decimal(3/5/10/20, 0);
/// null widens to anything; a string meets anything as that other type
/// (ANSI string promotion); date meets timestamp as timestamp.
DataTypePtr WiderType(const DataTypePtr& a, const DataTypePtr& b);

/// The widest of several types (WiderType folded), or null.
DataTypePtr WidestType(const std::vector<DataTypePtr>& types);

/// An integral type seen as a decimal: tinyint -> decimal(3,0), int -> decimal(10,0), ...
DataTypePtr IntegralAsDecimal(const DataType& type);

/// Decimal result types of + - * / % as Spark computes them.
DataTypePtr DecimalResultType(const std::string& op, const DecimalType& a, const DecimalType& b);

/// Bounds a decimal's precision to 38 as Spark's adjustPrecisionScale does
/// (keeping at least min(scale, 6) fraction digits).
DataTypePtr BoundedDecimal(int precision, int scale);

}  // namespace spate
