#include "spate/aggregates/aggregate_kll.h"

#include <optional>

#include <arrow/api.h>
#include <arrow/compute/api.h>

#include "spate/expr/sketch_kll.h"
#include "spate/expr/function_registry.h"

namespace spate {

namespace {

using ArrayPtr = std::shared_ptr<arrow::Array>;

template <typename T>
using Slots = std::vector<std::optional<KllSketch<T>>>;

template <typename T>
arrow::Result<ArrayPtr> SerializeSlots(const Slots<T>& slots) {
  arrow::BinaryBuilder out;
  for (const auto& slot : slots) {
    if (slot) {
      ARROW_RETURN_NOT_OK(out.Append(slot->Serialize()));
    } else {
      ARROW_RETURN_NOT_OK(out.AppendNull());
    }
  }
  return out.Finish();
}

template <typename T>
class KllAggregate : public AggregateFunction {
 public:
  // `merge_input`: the argument is a sketch (kll_merge_agg_*); `k`: the given k
  // (kll_sketch_agg_* always has one, 200 by default).
  KllAggregate(std::string name, bool merge_input, std::optional<int> k)
      : name_(std::move(name)), merge_input_(merge_input), k_(k) {}

  arrow::FieldVector StateFields() const override { return {arrow::field("sketch", arrow::binary(), true)}; }

  arrow::Result<arrow::ArrayVector> Update(const arrow::ArrayVector& args, const GroupMap& map) const override {
    Slots<T> slots(map.num_groups, Initial());
    if (args[0]->type_id() == arrow::Type::NA) {  // NULL items: nothing to add
    } else if (!merge_input_) {
      using ArrowType = typename arrow::CTypeTraits<T>::ArrowType;
      ARROW_ASSIGN_OR_RAISE(auto cast, arrow::compute::Cast(*args[0], arrow::TypeTraits<ArrowType>::type_singleton(),
                                                            arrow::compute::CastOptions::Unsafe()));
      const auto& values = static_cast<const arrow::NumericArray<ArrowType>&>(*cast);
      for (int64_t i = 0; i < map.num_rows; ++i) {
        if (values.IsValid(i)) slots[map.groups[i]]->Update(values.Value(i));
      }
    } else {
      const auto& sketches = static_cast<const arrow::BinaryArray&>(*args[0]);
      for (int64_t i = 0; i < map.num_rows; ++i) {
        if (sketches.IsNull(i)) continue;
        ARROW_ASSIGN_OR_RAISE(auto sketch, ReadKllSketch<T>(sketches.GetView(i), name_));
        auto& slot = slots[map.groups[i]];
        if (!slot) slot.emplace(sketch.k());  // a merge without k takes the first sketch's
        slot->Merge(sketch);
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto state, SerializeSlots(slots));
    return arrow::ArrayVector{state};
  }

  arrow::Result<arrow::ArrayVector> Merge(const arrow::ArrayVector& states, const GroupMap& map) const override {
    Slots<T> slots(map.num_groups, Initial());
    const auto& sketches = static_cast<const arrow::BinaryArray&>(*states[0]);
    for (int64_t i = 0; i < map.num_rows; ++i) {
      ARROW_RETURN_NOT_OK(Fold(sketches, i, &slots[map.groups[i]]));
    }
    ARROW_ASSIGN_OR_RAISE(auto state, SerializeSlots(slots));
    return arrow::ArrayVector{state};
  }

  arrow::Result<ArrayPtr> Finish(const arrow::ArrayVector& states) const override {
    const auto& sketches = static_cast<const arrow::BinaryArray&>(*states[0]);
    Slots<T> slots(sketches.length(), Initial());
    for (int64_t i = 0; i < sketches.length(); ++i) {
      ARROW_RETURN_NOT_OK(Fold(sketches, i, &slots[i]));
      if (!slots[i]) slots[i].emplace(k_.value_or(KllSketch<T>::kDefaultK));  // no sketch at all: an empty one
    }
    return SerializeSlots(slots);
  }

 private:
  // Spark's fresh aggregation buffer: a sketch of k, or none for a merge without k.
  std::optional<KllSketch<T>> Initial() const {
    if (merge_input_ && !k_) return std::nullopt;
    return KllSketch<T>(k_.value_or(KllSketch<T>::kDefaultK));
  }

  // Spark's merge of a partial state into a buffer: the state itself when the buffer has none.
  arrow::Status Fold(const arrow::BinaryArray& states, int64_t i, std::optional<KllSketch<T>>* slot) const {
    if (states.IsNull(i)) return arrow::Status::OK();
    ARROW_ASSIGN_OR_RAISE(auto sketch, ReadKllSketch<T>(states.GetView(i), name_));
    if (*slot) {
      (*slot)->Merge(sketch);
    } else {
      slot->emplace(std::move(sketch));
    }
    return arrow::Status::OK();
  }

  std::string name_;
  bool merge_input_;
  std::optional<int> k_;
};

template <typename T>
std::unique_ptr<AggregateFunction> Make(const std::string& name, bool merge_input, std::optional<int> k) {
  if (!merge_input && !k) k = KllSketch<T>::kDefaultK;
  return std::make_unique<KllAggregate<T>>(name, merge_input, k);
}

}  // namespace

bool IsKllAggregate(const std::string& function) {
  for (const char* prefix : {"kll_sketch_agg_", "kll_merge_agg_"}) {
    if (function.starts_with(prefix)) {
      const std::string type = function.substr(std::string(prefix).size());
      return type == "bigint" || type == "double" || type == "float";
    }
  }
  return false;
}

std::unique_ptr<AggregateFunction> MakeKllAggregate(const AggregateCall& call) {
  const std::string& f = call.function;
  const bool merge_input = f.starts_with("kll_merge_agg_");
  std::optional<int> k;
  if (call.args.size() > 1) {
    const arrow::Scalar* s = ConstantValue(*call.args[1]);
    if (s != nullptr && s->is_valid) k = static_cast<const arrow::Int32Scalar&>(*s).value;
  }
  if (f.ends_with("_bigint")) return Make<int64_t>(f, merge_input, k);
  if (f.ends_with("_double")) return Make<double>(f, merge_input, k);
  return Make<float>(f, merge_input, k);
}

}  // namespace spate
