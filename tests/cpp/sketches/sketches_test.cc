// Spark's bitmaps, MurmurHash3 x64_128 and the Theta sketch's serialized
// form; expected bytes are what Spark 4.1 (DataSketches 6.2) gives.

#include <gtest/gtest.h>

#include "spate/sketches/bitmap.h"
#include "spate/sketches/murmur3.h"
#include "spate/sketches/theta_sketch.h"

namespace spate::sketches {
namespace {

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

TEST(BitmapTest, BucketsAndPositions) {
  EXPECT_EQ(BitmapBucketNumber(0), 0);
  EXPECT_EQ(BitmapBucketNumber(1), 1);
  EXPECT_EQ(BitmapBucketNumber(32768), 1);
  EXPECT_EQ(BitmapBucketNumber(32769), 2);
  EXPECT_EQ(BitmapBucketNumber(-32769), -1);
  EXPECT_EQ(BitmapBitPosition(1), 0);
  EXPECT_EQ(BitmapBitPosition(32768), 32767);
  EXPECT_EQ(BitmapBitPosition(-1), 1);
  EXPECT_EQ(BitmapBitPosition(INT64_MIN), 0);
  EXPECT_EQ(BitmapBitPosition(INT64_MAX), 32766);
}

TEST(BitmapTest, SetCombineCount) {
  std::string b = EmptyBitmap();
  BitmapSet(&b, 1);
  BitmapSet(&b, 3);
  EXPECT_EQ(static_cast<unsigned char>(b[0]), 0x0a);
  EXPECT_EQ(BitmapCount(b), 2);
  std::string all = EmptyBitmap(true);
  BitmapAndInto(&all, std::string("\x03\xff", 2));
  BitmapAndInto(&all, std::string("\x02", 1));
  EXPECT_EQ(BitmapCount(all), 1);
  BitmapOrInto(&all, std::string("\x01\x01", 2));
  EXPECT_EQ(BitmapCount(all), 3);
}

TEST(Murmur3Test, DataSketchesSeedAndLongHash) {
  EXPECT_EQ(SeedHash(kDefaultSeed), 0x93cc);
  EXPECT_EQ(Murmur3x64_128(int64_t{1}, kDefaultSeed).first >> 1, 0x05a186bdcb7df915ULL);
  EXPECT_EQ(Murmur3x64_128(std::string_view(), 0), std::make_pair(uint64_t{0}, uint64_t{0}));
}

TEST(ThetaSketchTest, SerializedForms) {
  ThetaSketch empty;
  EXPECT_EQ(Hex(empty.Serialize()), "01030300001e0000");
  ThetaSketch one;
  one.UpdateLong(1);
  one.UpdateLong(1);
  EXPECT_EQ(Hex(one.Serialize()), "01030300003acc9315f97dcbbd86a105");
  ThetaSketch three;
  for (int64_t v : {1, 2, 3, 2}) three.UpdateLong(v);
  EXPECT_EQ(Hex(three.Serialize()), "0104033e011acc930316861af72df7e4558fbe9c3477e9eaefb2e5966badaa3dc0");
  ThetaSketch strings;
  strings.UpdateBytes("a");
  strings.UpdateBytes("b");
  strings.UpdateBytes("");
  EXPECT_EQ(Hex(strings.Serialize()), "0104033f011acc930269cb8f136c80ff0b186cffee6f750648");
}

TEST(ThetaSketchTest, RoundTripAndSetOperations) {
  ThetaSketch a(4), b;
  for (int64_t v = 0; v < 100; ++v) a.UpdateLong(v);
  for (int64_t v = 50; v < 60; ++v) b.UpdateLong(v);
  auto back = ThetaSketch::Deserialize(a.Serialize());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->Serialize(), a.Serialize());
  EXPECT_EQ(a.hashes().size(), 16u);
  EXPECT_LT(a.theta(), ThetaSketch::kMaxTheta);
  EXPECT_EQ(ThetaSketch::Deserialize(b.Serialize())->Estimate(), 10.0);
  ThetaUnion u(12);
  u.Add(b);
  u.Add(*ThetaSketch::Deserialize(ThetaSketch().Serialize()));
  EXPECT_EQ(u.Result().Serialize(), b.Serialize());
  ThetaIntersection n;
  n.Add(b);
  n.Add(b);
  EXPECT_EQ(n.Result()->Serialize(), b.Serialize());
  EXPECT_TRUE(ThetaAnotB(b, b).Serialize() == ThetaSketch().Serialize());
  EXPECT_FALSE(ThetaSketch::Deserialize(Unhex("0102")).has_value());
}

}  // namespace
}  // namespace spate::sketches
