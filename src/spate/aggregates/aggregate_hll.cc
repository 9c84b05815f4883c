#include "spate/aggregates/aggregate_hll.h"

#include <cstring>

#include <arrow/api.h>

#include "spate/expr/value_hash.h"
#include "spate/sketches/hyperloglog_plus_plus.h"

namespace spate {

namespace {

using sketches::HyperLogLogPlusPlus;

class ApproxCountDistinctFunction : public AggregateFunction {
 public:
  explicit ApproxCountDistinctFunction(int p) : hll_(p) {}

  arrow::FieldVector StateFields() const override { return {arrow::field("registers", arrow::binary(), false)}; }

  arrow::Result<arrow::ArrayVector> Update(const arrow::ArrayVector& args, const GroupMap& map) const override {
    std::vector<uint64_t> words(static_cast<size_t>(map.num_groups) * hll_.num_words(), 0);
    const arrow::Array& values = *args[0];
    ARROW_ASSIGN_OR_RAISE(auto hashes, SparkXxHash64(values, 42));
    for (int64_t i = 0; i < map.num_rows; ++i) {
      if (values.IsValid(i)) hll_.Update(hashes[i], GroupWords(words, map.groups[i]));
    }
    return Registers(words, map.num_groups);
  }

  arrow::Result<arrow::ArrayVector> Merge(const arrow::ArrayVector& states, const GroupMap& map) const override {
    std::vector<uint64_t> words(static_cast<size_t>(map.num_groups) * hll_.num_words(), 0);
    const auto& registers = static_cast<const arrow::BinaryArray&>(*states[0]);
    std::vector<uint64_t> row(hll_.num_words());
    for (int64_t i = 0; i < map.num_rows; ++i) {
      ARROW_RETURN_NOT_OK(Load(registers, i, row.data()));
      hll_.Merge(GroupWords(words, map.groups[i]), row.data());
    }
    return Registers(words, map.num_groups);
  }

  arrow::Result<std::shared_ptr<arrow::Array>> Finish(const arrow::ArrayVector& states) const override {
    const auto& registers = static_cast<const arrow::BinaryArray&>(*states[0]);
    arrow::Int64Builder out;
    ARROW_RETURN_NOT_OK(out.Reserve(registers.length()));
    std::vector<uint64_t> row(hll_.num_words());
    for (int64_t i = 0; i < registers.length(); ++i) {
      ARROW_RETURN_NOT_OK(Load(registers, i, row.data()));
      out.UnsafeAppend(hll_.Estimate(row.data()));
    }
    return out.Finish();
  }

 private:
  uint64_t* GroupWords(std::vector<uint64_t>& words, uint32_t group) const {
    return words.data() + static_cast<size_t>(group) * hll_.num_words();
  }

  arrow::Status Load(const arrow::BinaryArray& registers, int64_t i, uint64_t* row) const {
    const std::string_view bytes = registers.GetView(i);
    if (bytes.size() != static_cast<size_t>(hll_.num_words()) * 8) {
      return arrow::Status::Invalid("approx_count_distinct: a state of ", bytes.size(), " bytes, expected ",
                                    hll_.num_words() * 8, " (was the query's rsd changed?)");
    }
    for (int w = 0; w < hll_.num_words(); ++w) {
      uint64_t v = 0;
      for (int b = 7; b >= 0; --b) v = (v << 8) | static_cast<uint8_t>(bytes[w * 8 + b]);
      row[w] = v;
    }
    return arrow::Status::OK();
  }

  // One BINARY value of little-endian words per group.
  arrow::Result<arrow::ArrayVector> Registers(const std::vector<uint64_t>& words, uint32_t num_groups) const {
    arrow::BinaryBuilder out;
    const size_t size = static_cast<size_t>(hll_.num_words()) * 8;
    ARROW_RETURN_NOT_OK(out.Reserve(num_groups));
    ARROW_RETURN_NOT_OK(out.ReserveData(static_cast<int64_t>(size) * num_groups));
    std::string bytes(size, '\0');
    for (uint32_t g = 0; g < num_groups; ++g) {
      const uint64_t* row = words.data() + static_cast<size_t>(g) * hll_.num_words();
      for (int w = 0; w < hll_.num_words(); ++w) {
        for (int b = 0; b < 8; ++b) bytes[w * 8 + b] = static_cast<char>((row[w] >> (8 * b)) & 0xff);
      }
      out.UnsafeAppend(bytes);
    }
    ARROW_ASSIGN_OR_RAISE(auto array, out.Finish());
    return arrow::ArrayVector{array};
  }

  HyperLogLogPlusPlus hll_;
};

}  // namespace

std::unique_ptr<AggregateFunction> MakeApproxCountDistinct(int p) {
  return std::make_unique<ApproxCountDistinctFunction>(p);
}

}  // namespace spate
