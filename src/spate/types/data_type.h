#pragma once

// Spark SQL data types. Each maps onto one Arrow type (see arrow_types.h);
// names and printed forms follow Spark exactly, since users read them in
// printSchema(), error messages and schema strings.
//
// Types are immutable and shared (DataTypePtr). Equality is structural and
// includes nullability flags and field names, as Spark's equals does.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace spate {

enum class TypeId {
  kNull,
  kBoolean,
  kByte,
  kShort,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kDecimal,
  kString,
  kBinary,
  kDate,
  kTimestamp,     // microseconds since the epoch, UTC; shown in the session time zone
  kTimestampNtz,  // microseconds, wall-clock time without a time zone
  kInterval,      // months, days and microseconds (Spark's CalendarIntervalType)
  kArray,
  kMap,
  kStruct,
};

class DataType;
using DataTypePtr = std::shared_ptr<const DataType>;

class DataType {
 public:
  explicit DataType(TypeId id) : id_(id) {}
  virtual ~DataType() = default;
  DataType(const DataType&) = delete;
  DataType& operator=(const DataType&) = delete;

  TypeId id() const { return id_; }

  /// Spark's typeName: "integer", "long", "decimal(10,2)", "array", "struct".
  virtual std::string TypeName() const;
  /// Spark's simpleString: "int", "bigint", "array<int>", "struct<a:int>".
  virtual std::string SimpleString() const;
  /// Spark's sql form, as DDL uses it: "INT", "ARRAY<INT>", "STRUCT<a: INT>".
  virtual std::string Sql() const;
  virtual bool Equals(const DataType& other) const { return id_ == other.id_; }

  bool IsIntegral() const;
  bool IsNumeric() const;  // integral, float, double or decimal
  bool IsNested() const { return id_ == TypeId::kArray || id_ == TypeId::kMap || id_ == TypeId::kStruct; }

 private:
  TypeId id_;
};

inline bool operator==(const DataType& a, const DataType& b) { return a.Equals(b); }

class DecimalType final : public DataType {
 public:
  static constexpr int kMaxPrecision = 38;
  static constexpr int kDefaultPrecision = 10;
  DecimalType(int precision, int scale)
      : DataType(TypeId::kDecimal), precision_(precision), scale_(scale) {}
  int precision() const { return precision_; }
  int scale() const { return scale_; }
  std::string TypeName() const override;
  std::string SimpleString() const override { return TypeName(); }
  std::string Sql() const override;
  bool Equals(const DataType& other) const override;

 private:
  int precision_, scale_;
};

class ArrayType final : public DataType {
 public:
  ArrayType(DataTypePtr element, bool contains_null)
      : DataType(TypeId::kArray), element_(std::move(element)), contains_null_(contains_null) {}
  const DataTypePtr& element_type() const { return element_; }
  bool contains_null() const { return contains_null_; }
  std::string SimpleString() const override;
  std::string Sql() const override;
  bool Equals(const DataType& other) const override;

 private:
  DataTypePtr element_;
  bool contains_null_;
};

class MapType final : public DataType {
 public:
  MapType(DataTypePtr key, DataTypePtr value, bool value_contains_null)
      : DataType(TypeId::kMap),
        key_(std::move(key)),
        value_(std::move(value)),
        value_contains_null_(value_contains_null) {}
  const DataTypePtr& key_type() const { return key_; }
  const DataTypePtr& value_type() const { return value_; }
  bool value_contains_null() const { return value_contains_null_; }
  std::string SimpleString() const override;
  std::string Sql() const override;
  bool Equals(const DataType& other) const override;

 private:
  DataTypePtr key_, value_;
  bool value_contains_null_;
};

struct StructField {
  std::string name;
  DataTypePtr type;
  bool nullable = true;
  /// Spark's field metadata as a JSON object ("{}" when empty); a DDL
  /// `COMMENT 'x'` lands here as {"comment":"x"}.
  std::string metadata_json = "{}";

  bool operator==(const StructField& other) const;
  /// Spark's toDDL for one field: "`a b` INT NOT NULL COMMENT 'x'".
  std::string ToDdl() const;
  /// The comment from the metadata, or "" when there is none.
  std::string Comment() const;
};

class StructType final : public DataType {
 public:
  explicit StructType(std::vector<StructField> fields)
      : DataType(TypeId::kStruct), fields_(std::move(fields)) {}
  const std::vector<StructField>& fields() const { return fields_; }
  int num_fields() const { return static_cast<int>(fields_.size()); }
  const StructField& field(int i) const { return fields_[i]; }
  /// Index of the field with exactly this name, or -1.
  int FieldIndex(std::string_view name) const;
  std::vector<std::string> FieldNames() const;

  std::string SimpleString() const override;
  std::string Sql() const override;
  bool Equals(const DataType& other) const override;
  /// Spark's toDDL: "a INT,b STRING" (fields joined by a comma).
  std::string ToDdl() const;
  /// Spark's treeString, what printSchema() prints ("root\n |-- a: integer ...").
  std::string TreeString() const;

 private:
  std::vector<StructField> fields_;
};

using StructTypePtr = std::shared_ptr<const StructType>;

/// Factories. The simple types are shared singletons.
namespace types {
const DataTypePtr& Null();
const DataTypePtr& Boolean();
const DataTypePtr& Byte();
const DataTypePtr& Short();
const DataTypePtr& Int();
const DataTypePtr& Long();
const DataTypePtr& Float();
const DataTypePtr& Double();
const DataTypePtr& String();
const DataTypePtr& Binary();
const DataTypePtr& Date();
const DataTypePtr& Timestamp();
const DataTypePtr& TimestampNtz();
const DataTypePtr& Interval();
/// Unchecked: the DDL parser and the JSON reader validate precision and scale.
DataTypePtr Decimal(int precision, int scale);
DataTypePtr Array(DataTypePtr element, bool contains_null = true);
DataTypePtr Map(DataTypePtr key, DataTypePtr value, bool value_contains_null = true);
StructTypePtr Struct(std::vector<StructField> fields);
}  // namespace types

/// Quotes a name with backticks when Spark would (anything but [A-Za-z_][A-Za-z0-9_]*).
std::string QuoteIfNeeded(std::string_view name);

}  // namespace spate
