// Spark's HyperLogLog++: precision from rsd, and estimates of the longs
// 0..99 (hashed as Spark hashes them) equal to what Spark 4.1 returns for
// approx_count_distinct(id[, rsd]) over spark.range(100).

#include <gtest/gtest.h>

#include <arrow/api.h>

#include "spate/expr/value_hash.h"
#include "spate/sketches/hyperloglog_plus_plus.h"

namespace spate::sketches {
namespace {

int64_t EstimateOfRange(int64_t n, double rsd) {
  arrow::Int64Builder b;
  for (int64_t i = 0; i < n; ++i) EXPECT_TRUE(b.Append(i).ok());
  auto values = b.Finish().ValueOrDie();
  auto hashes = SparkXxHash64(*values, 42).ValueOrDie();
  HyperLogLogPlusPlus hll(*HyperLogLogPlusPlus::PrecisionFor(rsd));
  std::vector<uint64_t> words(hll.num_words(), 0), half(hll.num_words(), 0);
  for (int64_t i = 0; i < n; ++i) hll.Update(hashes[i], i % 2 ? words.data() : half.data());
  hll.Merge(words.data(), half.data());
  return hll.Estimate(words.data());
}

TEST(HyperLogLogPlusPlusTest, PrecisionFromRelativeSd) {
  EXPECT_EQ(HyperLogLogPlusPlus::PrecisionFor(0.05), 9);
  EXPECT_EQ(HyperLogLogPlusPlus::PrecisionFor(0.39), 4);
  EXPECT_EQ(HyperLogLogPlusPlus::PrecisionFor(0.01), 14);
  EXPECT_EQ(HyperLogLogPlusPlus::PrecisionFor(0.4), std::nullopt);
  EXPECT_EQ(HyperLogLogPlusPlus::PrecisionFor(-0.1), std::nullopt);
  EXPECT_EQ(HyperLogLogPlusPlus(9).num_words(), 52);  // 512 registers, ten to a word, one more
}

TEST(HyperLogLogPlusPlusTest, EstimatesAreSparks) {
  EXPECT_EQ(EstimateOfRange(100, 0.05), 103);
  EXPECT_EQ(EstimateOfRange(100, 0.1), 101);
  EXPECT_EQ(EstimateOfRange(100, 0.39), 80);
  EXPECT_EQ(EstimateOfRange(100, 0.01), 100);
  EXPECT_EQ(EstimateOfRange(0, 0.05), 0);
}

}  // namespace
}  // namespace spate::sketches
