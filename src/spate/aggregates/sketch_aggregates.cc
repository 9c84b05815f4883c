#include "spate/aggregates/sketch_aggregates.h"

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/sketch_args.h"
#include "spate/sketches/bitmap.h"
#include "spate/sketches/theta_sketch.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

using ArrayPtr = std::shared_ptr<arrow::Array>;

// One group's sketch while it is being built.
class Accumulator {
 public:
  virtual ~Accumulator() = default;
  /// Adds the non-NULL value at `row`.
  virtual arrow::Status Add(const arrow::Array& values, int64_t row) = 0;
  /// Merges another group state (a serialized sketch).
  virtual arrow::Status Merge(std::string_view state) = 0;
  virtual std::string State() const = 0;
};

// A sketch aggregate: the state of a group is its serialized sketch (never
// NULL), which is also its result.
class SketchAggregate : public AggregateFunction {
 public:
  arrow::FieldVector StateFields() const override { return {arrow::field("sketch", arrow::binary(), false)}; }

  arrow::Result<arrow::ArrayVector> Update(const arrow::ArrayVector& args, const GroupMap& map) const override {
    std::vector<std::unique_ptr<Accumulator>> groups = NewGroups(map.num_groups);
    for (int64_t i = 0; i < map.num_rows; ++i) {
      if (args[0]->IsValid(i)) ARROW_RETURN_NOT_OK(groups[map.groups[i]]->Add(*args[0], i));
    }
    return States(groups);
  }

  arrow::Result<arrow::ArrayVector> Merge(const arrow::ArrayVector& states, const GroupMap& map) const override {
    std::vector<std::unique_ptr<Accumulator>> groups = NewGroups(map.num_groups);
    const auto& sketches = static_cast<const arrow::BinaryArray&>(*states[0]);
    for (int64_t i = 0; i < map.num_rows; ++i) {
      if (sketches.IsValid(i)) ARROW_RETURN_NOT_OK(groups[map.groups[i]]->Merge(sketches.GetView(i)));
    }
    return States(groups);
  }

  arrow::Result<ArrayPtr> Finish(const arrow::ArrayVector& states) const override { return states[0]; }

 protected:
  virtual std::unique_ptr<Accumulator> NewAccumulator() const = 0;

 private:
  std::vector<std::unique_ptr<Accumulator>> NewGroups(uint32_t n) const {
    std::vector<std::unique_ptr<Accumulator>> groups;
    groups.reserve(n);
    for (uint32_t g = 0; g < n; ++g) groups.push_back(NewAccumulator());
    return groups;
  }

  static arrow::Result<arrow::ArrayVector> States(const std::vector<std::unique_ptr<Accumulator>>& groups) {
    arrow::BinaryBuilder out;
    for (const auto& g : groups) ARROW_RETURN_NOT_OK(out.Append(g->State()));
    ARROW_ASSIGN_OR_RAISE(auto array, out.Finish());
    return arrow::ArrayVector{array};
  }
};

// ---------------------------------------------------------------------------
// Bitmaps: bitmap_construct_agg sets the bit of each position (BIGINT),
// bitmap_or_agg / bitmap_and_agg combine bitmaps (an AND starts from all ones).

enum class BitmapOp { kConstruct, kOr, kAnd };

class BitmapAccumulator : public Accumulator {
 public:
  explicit BitmapAccumulator(BitmapOp op) : op_(op), bitmap_(sketches::EmptyBitmap(op == BitmapOp::kAnd)) {}

  arrow::Status Add(const arrow::Array& values, int64_t row) override {
    if (op_ != BitmapOp::kConstruct) return Merge(static_cast<const arrow::BinaryArray&>(values).GetView(row));
    const int64_t position = static_cast<const arrow::Int64Array&>(values).Value(row);
    if (position < 0 || position >= sketches::kBitmapBits) {
      return SparkError("INVALID_BITMAP_POSITION", "22003",
                        fmt::format("The 0-indexed bitmap position {} is out of bounds. The bitmap has {} bits "
                                    "({} bytes).",
                                    position, sketches::kBitmapBits, sketches::kBitmapBytes));
    }
    sketches::BitmapSet(&bitmap_, position);
    return arrow::Status::OK();
  }

  arrow::Status Merge(std::string_view state) override {
    if (op_ == BitmapOp::kAnd) {
      sketches::BitmapAndInto(&bitmap_, state);
    } else {
      sketches::BitmapOrInto(&bitmap_, state);
    }
    return arrow::Status::OK();
  }

  std::string State() const override { return bitmap_; }

 private:
  BitmapOp op_;
  std::string bitmap_;
};

class BitmapAggregate : public SketchAggregate {
 public:
  explicit BitmapAggregate(BitmapOp op) : op_(op) {}

 protected:
  std::unique_ptr<Accumulator> NewAccumulator() const override { return std::make_unique<BitmapAccumulator>(op_); }

 private:
  BitmapOp op_;
};

// ---------------------------------------------------------------------------
// Theta sketches: theta_sketch_agg hashes the values into a sketch,
// theta_union_agg / theta_intersection_agg combine sketches. Partial states
// combine as a union (an intersection for theta_intersection_agg).

using sketches::ThetaIntersection;
using sketches::ThetaSketch;
using sketches::ThetaUnion;

arrow::Status InvalidThetaSketch(const std::string& function) {
  return SparkError("THETA_INVALID_INPUT_SKETCH_BUFFER", "22546",
                    fmt::format("Invalid call to `{}`; only valid Theta sketch buffers are supported as inputs "
                                "(such as those produced by the `theta_sketch_agg` function).",
                                function));
}

arrow::Result<ThetaSketch> ReadThetaSketch(std::string_view bytes, const std::string& function) {
  auto sketch = ThetaSketch::Deserialize(bytes);
  if (!sketch) return InvalidThetaSketch(function);
  return std::move(*sketch);
}

// The values of a list row.
template <typename ArrayT, typename T>
std::vector<T> ListValues(const arrow::ListArray& lists, int64_t row) {
  const auto& values = static_cast<const ArrayT&>(*lists.values());
  std::vector<T> out;
  for (int64_t k = lists.value_offset(row); k < lists.value_offset(row + 1); ++k) out.push_back(values.Value(k));
  return out;
}

class ThetaSketchAccumulator : public Accumulator {
 public:
  explicit ThetaSketchAccumulator(int lg) : sketch_(lg), union_(lg) {}

  arrow::Status Add(const arrow::Array& values, int64_t row) override {
    switch (values.type_id()) {
      case arrow::Type::INT32: sketch_.UpdateLong(static_cast<const arrow::Int32Array&>(values).Value(row)); break;
      case arrow::Type::INT64: sketch_.UpdateLong(static_cast<const arrow::Int64Array&>(values).Value(row)); break;
      case arrow::Type::FLOAT: sketch_.UpdateDouble(static_cast<const arrow::FloatArray&>(values).Value(row)); break;
      case arrow::Type::DOUBLE: sketch_.UpdateDouble(static_cast<const arrow::DoubleArray&>(values).Value(row)); break;
      case arrow::Type::STRING:
      case arrow::Type::BINARY:
        sketch_.UpdateBytes(static_cast<const arrow::BinaryArray&>(values).GetView(row));
        break;
      case arrow::Type::LIST: {
        const auto& lists = static_cast<const arrow::ListArray&>(values);
        if (lists.value_type()->id() == arrow::Type::INT32) {
          sketch_.UpdateInts(ListValues<arrow::Int32Array, int32_t>(lists, row));
        } else {
          sketch_.UpdateLongs(ListValues<arrow::Int64Array, int64_t>(lists, row));
        }
        break;
      }
      default: return arrow::Status::NotImplemented("theta_sketch_agg of ", values.type()->ToString());
    }
    return arrow::Status::OK();
  }

  arrow::Status Merge(std::string_view state) override {
    ARROW_ASSIGN_OR_RAISE(auto other, ReadThetaSketch(state, "theta_sketch_agg"));
    merged_ = true;
    union_.Add(other);
    return arrow::Status::OK();
  }

  std::string State() const override {
    if (!merged_) return sketch_.Serialize();
    ThetaUnion all = union_;
    all.Add(sketch_);
    return all.Result().Serialize();
  }

 private:
  ThetaSketch sketch_;
  ThetaUnion union_;
  bool merged_ = false;
};

// theta_union_agg (rows and states alike are sketches to union).
class ThetaUnionAccumulator : public Accumulator {
 public:
  explicit ThetaUnionAccumulator(int lg) : union_(lg) {}
  arrow::Status Add(const arrow::Array& values, int64_t row) override {
    return Merge(static_cast<const arrow::BinaryArray&>(values).GetView(row));
  }
  arrow::Status Merge(std::string_view state) override {
    ARROW_ASSIGN_OR_RAISE(auto sketch, ReadThetaSketch(state, "theta_union_agg"));
    union_.Add(sketch);
    return arrow::Status::OK();
  }
  std::string State() const override { return union_.Result().Serialize(); }

 private:
  ThetaUnion union_;
};

// theta_intersection_agg: a group that has seen no sketch keeps an empty
// state (the intersection of nothing, which no sketch describes).
class ThetaIntersectionAccumulator : public Accumulator {
 public:
  arrow::Status Add(const arrow::Array& values, int64_t row) override {
    return Merge(static_cast<const arrow::BinaryArray&>(values).GetView(row));
  }
  arrow::Status Merge(std::string_view state) override {
    if (state.empty()) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(auto sketch, ReadThetaSketch(state, "theta_intersection_agg"));
    intersection_.Add(sketch);
    return arrow::Status::OK();
  }
  std::string State() const override {
    auto result = intersection_.Result();
    return result ? result->Serialize() : std::string();
  }

 private:
  ThetaIntersection intersection_;
};

enum class ThetaOp { kSketch, kUnion, kIntersection };

class ThetaAggregate : public SketchAggregate {
 public:
  ThetaAggregate(ThetaOp op, int lg) : op_(op), lg_(lg) {}

  arrow::Result<ArrayPtr> Finish(const arrow::ArrayVector& states) const override {
    if (op_ == ThetaOp::kIntersection) {
      const auto& sketches = static_cast<const arrow::BinaryArray&>(*states[0]);
      for (int64_t i = 0; i < sketches.length(); ++i) {
        if (sketches.GetView(i).empty()) {
          return arrow::Status::Invalid(
              "theta_intersection_agg of a group without any sketch: the intersection of no sets has no sketch");
        }
      }
    }
    return states[0];
  }

 protected:
  std::unique_ptr<Accumulator> NewAccumulator() const override {
    switch (op_) {
      case ThetaOp::kSketch: return std::make_unique<ThetaSketchAccumulator>(lg_);
      case ThetaOp::kUnion: return std::make_unique<ThetaUnionAccumulator>(lg_);
      case ThetaOp::kIntersection: return std::make_unique<ThetaIntersectionAccumulator>();
    }
    return nullptr;
  }

 private:
  ThetaOp op_;
  int lg_;
};

arrow::Status RequireType(const std::string& pretty, const BoundExpr& arg, size_t i, const std::string& wanted) {
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                          fmt::format("The {} parameter requires the {} type, however \"{}\" has the type {}",
                                      Ordinal(i), wanted, arg.name(), QuotedType(*arg.type())));
}

}  // namespace

bool IsSketchAggregate(const std::string& function) {
  static const char* const kNames[] = {"bitmap_construct_agg", "bitmap_or_agg",  "bitmap_and_agg",
                                       "theta_sketch_agg",     "theta_union_agg", "theta_intersection_agg"};
  for (const char* n : kNames) {
    if (function == n) return true;
  }
  return false;
}

arrow::Result<DataTypePtr> ResolveSketchAggregate(const std::string& function, AggregateCall* call,
                                                  const AggregateNamer& namer) {
  auto name = [&] { call->name = namer(function, call->args, false); };
  name();
  if (function == "bitmap_construct_agg") {
    ARROW_RETURN_NOT_OK(CheckArgCount(function, call->args, 1, 1));
    BoundExprPtr& x = call->args[0];
    const TypeId t = x->type()->id();
    if (!x->type()->IsNumeric() && t != TypeId::kString && t != TypeId::kNull) {
      return RequireType(call->name, *x, 0, "\"BIGINT\"");
    }
    x = ImplicitCast(x, types::Long());
    return types::Binary();
  }
  if (function == "theta_sketch_agg" || function == "theta_union_agg") {
    ARROW_RETURN_NOT_OK(CheckArgCount(function, call->args, 1, 2));
    if (call->args.size() == 1) {
      call->args.push_back(std::make_shared<BoundLiteral>(
          arrow::MakeScalar(int32_t{sketches::ThetaSketch::kDefaultLgNomEntries}), types::Int(), "12"));
      name();
    }
    ARROW_RETURN_NOT_OK(ThetaSketchArg(call->name, call->args[0], 0, function == "theta_sketch_agg"));
    ARROW_RETURN_NOT_OK(ThetaLgNomEntries(function, call->name, *call->args[1], 1).status());
    return types::Binary();
  }
  if (function == "theta_intersection_agg") {
    ARROW_RETURN_NOT_OK(CheckArgCount(function, call->args, 1, 1));
    ARROW_RETURN_NOT_OK(ThetaSketchArg(call->name, call->args[0], 0, false));
    return types::Binary();
  }
  // bitmap_or_agg, bitmap_and_agg
  ARROW_RETURN_NOT_OK(CheckArgCount(function, call->args, 1, 1));
  if (call->args[0]->type()->id() != TypeId::kBinary) return RequireType(call->name, *call->args[0], 0, "\"BINARY\"");
  return types::Binary();
}

arrow::Result<std::unique_ptr<AggregateFunction>> MakeSketchAggregate(const AggregateCall& call) {
  using Ptr = std::unique_ptr<AggregateFunction>;
  const std::string& f = call.function;
  if (f == "bitmap_construct_agg") return Ptr(new BitmapAggregate(BitmapOp::kConstruct));
  if (f == "bitmap_or_agg") return Ptr(new BitmapAggregate(BitmapOp::kOr));
  if (f == "bitmap_and_agg") return Ptr(new BitmapAggregate(BitmapOp::kAnd));
  if (f == "theta_intersection_agg") return Ptr(new ThetaAggregate(ThetaOp::kIntersection, 0));
  if (f == "theta_sketch_agg" || f == "theta_union_agg") {
    ARROW_ASSIGN_OR_RAISE(int lg, ThetaLgNomEntries(f, call.name, *call.args[1], 1));
    return Ptr(new ThetaAggregate(f == "theta_sketch_agg" ? ThetaOp::kSketch : ThetaOp::kUnion, lg));
  }
  return arrow::Status::NotImplemented("aggregate function ", f);
}

}  // namespace spate
