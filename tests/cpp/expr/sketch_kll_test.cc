// The KLL sketch: exact below k, the bytes and summary Spark (DataSketches 6.2)
// gives for small sketches, serialization round trips, merges, and the rank
// error bound once compaction starts.

#include "spate/expr/sketch_kll.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace spate {
namespace {

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// Spark's sketch: the partial sketch of the rows merged into a new one (its final aggregation).
template <typename T>
KllSketch<T> AsSpark(const std::vector<T>& items, int k = 200) {
  KllSketch<T> partial(k);
  for (T v : items) partial.Update(v);
  KllSketch<T> out(k);
  out.Merge(partial);
  return out;
}

TEST(KllSketchTest, SmallSketchesHaveSparksBytes) {
  // Bytes from Spark 4.1: kll_sketch_agg_*(col[, k]) over VALUES.
  EXPECT_EQ(Hex(AsSpark<int64_t>({}).Serialize()), "02010F01C8000800");
  EXPECT_EQ(Hex(AsSpark<int64_t>({5}).Serialize()), "02020F04C80008000500000000000000");
  EXPECT_EQ(Hex(AsSpark<int64_t>({1, 2, 3}).Serialize()),
            "05010F00C80008000300000000000000C8000100C5000000010000000000000003000000000000000100000000000000"
            "02000000000000000300000000000000");
  EXPECT_EQ(Hex(AsSpark<int64_t>({3, 1, 2}, 8).Serialize()),
            "05010F00080008000300000000000000080001000500000001000000000000000300000000000000030000000000000001"
            "000000000000000200000000000000");
  EXPECT_EQ(Hex(AsSpark<double>({1.5, 2.5, 0.5}).Serialize()),
            "05010F00C80008000300000000000000C8000100C5000000000000000000E03F0000000000000440000000000000F83F00"
            "00000000000440000000000000E03F");
  EXPECT_EQ(Hex(AsSpark<float>({1.5f, 2.5f, 0.5f}).Serialize()),
            "05010F00C80008000300000000000000C8000100C50000000000003F000020400000C03F000020400000003F");
}

TEST(KllSketchTest, SummaryTextIsDataSketches) {
  EXPECT_EQ(AsSpark<int64_t>({1, 2, 3}).ToString(),
            "\n### KllKllLongsSketch Summary:\n"
            "   K                      : 200\n"
            "   Dynamic min K          : 200\n"
            "   M                      : 8\n"
            "   N                      : 3\n"
            "   Epsilon                : 1.329%\n"
            "   Epsilon PMF            : 1.652%\n"
            "   Empty                  : false\n"
            "   Estimation Mode        : false\n"
            "   Levels                 : 1\n"
            "   Level 0 Sorted         : false\n"
            "   Capacity Items         : 200\n"
            "   Retained Items         : 3\n"
            "   Free Space             : 197\n"
            "   ReadOnly               : false\n"
            "   Updatable Storage Bytes: 1644\n"
            "   Compact Storage Bytes  : 64\n"
            "   Min Item               : 1\n"
            "   Max Item               : 3\n"
            "### End sketch summary\n");
  const std::string empty_floats = AsSpark<float>({}).ToString();
  EXPECT_NE(empty_floats.find("Updatable Storage Bytes: 836\n"), std::string::npos);
  EXPECT_NE(empty_floats.find("Min Item               : NaN\n"), std::string::npos);
}

TEST(KllSketchTest, ExactBelowK) {
  KllSketch<int64_t> sketch;
  for (int64_t v = 1; v <= 100; ++v) sketch.Update(v);
  EXPECT_EQ(sketch.n(), 100);
  EXPECT_EQ(sketch.Quantile(0.0), 1);
  EXPECT_EQ(sketch.Quantile(0.5), 50);
  EXPECT_EQ(sketch.Quantile(0.501), 51);
  EXPECT_EQ(sketch.Quantile(1.0), 100);
  EXPECT_DOUBLE_EQ(sketch.Rank(0), 0.0);
  EXPECT_DOUBLE_EQ(sketch.Rank(50), 0.5);
  EXPECT_DOUBLE_EQ(sketch.Rank(1000), 1.0);
  KllSketch<double> doubles;
  doubles.Update(std::nan(""));  // ignored
  doubles.Update(2.0);
  EXPECT_EQ(doubles.n(), 1);
}

TEST(KllSketchTest, RoundTripsAndRejectsOtherBytes) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> dist(-1e6, 1e6);
  KllSketch<double> sketch(64);
  for (int i = 0; i < 100000; ++i) sketch.Update(dist(rng));
  std::string error;
  auto read = KllSketch<double>::Deserialize(sketch.Serialize(), &error);
  ASSERT_TRUE(read.has_value()) << error;
  EXPECT_EQ(read->n(), 100000);
  EXPECT_EQ(read->Serialize(), sketch.Serialize());
  EXPECT_EQ(read->ToString(), sketch.ToString());
  EXPECT_FALSE(KllSketch<double>::Deserialize(std::string("\x01\x02", 2), &error).has_value());
  std::string bytes = sketch.Serialize();
  bytes[2] = 3;  // another family
  EXPECT_FALSE(KllSketch<double>::Deserialize(bytes, &error).has_value());
  EXPECT_FALSE(KllSketch<double>::Deserialize(sketch.Serialize().substr(0, 40), &error).has_value());
}

TEST(KllSketchTest, RankErrorWithinBoundOnMergedSketches) {
  // 1e5 distinct items in a random order, in two sketches merged.
  std::vector<int64_t> items(100000);
  for (size_t i = 0; i < items.size(); ++i) items[i] = static_cast<int64_t>(i);
  std::shuffle(items.begin(), items.end(), std::mt19937_64(11));
  KllSketch<int64_t> a, b;
  for (size_t i = 0; i < items.size(); ++i) (i % 3 == 0 ? a : b).Update(items[i]);
  a.Merge(b);
  EXPECT_EQ(a.n(), 100000);
  const double bound = 0.0133 * 2;  // twice the 99% bound of k = 200
  for (int64_t v = 0; v < 100000; v += 997) {
    EXPECT_NEAR(a.Rank(v), (v + 1) / 1e5, bound) << v;
  }
  for (double r = 0; r <= 1.0; r += 0.05) {
    EXPECT_NEAR(static_cast<double>(a.Quantile(r)) / 1e5, r, bound) << r;
  }
  EXPECT_EQ(a.Quantile(0), 0);
  EXPECT_EQ(a.Quantile(1), 99999);
  EXPECT_LT(a.Serialize().size(), 8000u);
}

}  // namespace
}  // namespace spate
