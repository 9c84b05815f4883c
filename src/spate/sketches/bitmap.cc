#include "spate/sketches/bitmap.h"

#include <algorithm>
#include <bit>

namespace spate::sketches {

int64_t BitmapBucketNumber(int64_t value) {
  return value > 0 ? 1 + (value - 1) / kBitmapBits : value / kBitmapBits;
}

int64_t BitmapBitPosition(int64_t value) {
  if (value > 0) return (value - 1) % kBitmapBits;
  // -value overflows for the least BIGINT; its remainder is 0 either way.
  return static_cast<int64_t>((0 - static_cast<uint64_t>(value)) % kBitmapBits);
}

int64_t BitmapCount(std::string_view bitmap) {
  int64_t n = 0;
  for (char c : bitmap) n += std::popcount(static_cast<unsigned char>(c));
  return n;
}

std::string EmptyBitmap(bool ones) { return std::string(kBitmapBytes, ones ? '\xff' : '\0'); }

void BitmapSet(std::string* bitmap, int64_t position) {
  (*bitmap)[position / 8] = static_cast<char>((*bitmap)[position / 8] | (1 << (position % 8)));
}

void BitmapOrInto(std::string* bitmap, std::string_view other) {
  const size_t n = std::min(bitmap->size(), other.size());
  for (size_t i = 0; i < n; ++i) (*bitmap)[i] = static_cast<char>((*bitmap)[i] | other[i]);
}

void BitmapAndInto(std::string* bitmap, std::string_view other) {
  for (size_t i = 0; i < bitmap->size(); ++i) {
    (*bitmap)[i] = i < other.size() ? static_cast<char>((*bitmap)[i] & other[i]) : '\0';
  }
}

}  // namespace spate::sketches
