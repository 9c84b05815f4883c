#pragma once

// Spark's bitmaps (bitmap_construct_agg, bitmap_or_agg, bitmap_and_agg,
// bitmap_count, bitmap_bit_position, bitmap_bucket_number): a fixed-size
// BINARY of kBitmapBytes bytes, bit p of the bitmap being bit (p % 8) of byte
// p / 8. A value v maps to bucket bitmap_bucket_number(v) and to the bit
// bitmap_bit_position(v) inside that bucket's bitmap.

#include <cstdint>
#include <string>
#include <string_view>

namespace spate::sketches {

inline constexpr int64_t kBitmapBytes = 4 * 1024;
inline constexpr int64_t kBitmapBits = 8 * kBitmapBytes;

/// Buckets are numbered from 1 for positive values, 0 and below otherwise.
int64_t BitmapBucketNumber(int64_t value);
/// 1 .. kBitmapBits go to 0 .. kBitmapBits - 1; 0 and negatives to (-v) % kBitmapBits.
int64_t BitmapBitPosition(int64_t value);
/// The number of bits set.
int64_t BitmapCount(std::string_view bitmap);

/// A bitmap of kBitmapBytes bytes, all zero (or all one bits: the start of an AND).
std::string EmptyBitmap(bool ones = false);
/// Sets bit `position` (0 <= position < kBitmapBits).
void BitmapSet(std::string* bitmap, int64_t position);
/// OR of `other` into `bitmap` over their common length.
void BitmapOrInto(std::string* bitmap, std::string_view other);
/// AND of `other` into `bitmap`; bytes past `other`'s end become zero.
void BitmapAndInto(std::string* bitmap, std::string_view other);

}  // namespace spate::sketches
