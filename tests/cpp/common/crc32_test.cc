#include "spate/common/crc32.h"

#include <gtest/gtest.h>

#include <string>

namespace spate {
namespace {

// The CRC from its definition, one bit at a time.
uint32_t BitwiseCrc32(std::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : data) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k) crc = (crc & 1) ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
  }
  return crc ^ 0xFFFFFFFFu;
}

// Values of Python's zlib.crc32.
TEST(Crc32Test, MatchesZlib) {
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  std::string bytes;
  for (int i = 0; i < 1024; ++i) bytes.push_back(static_cast<char>(i));
  EXPECT_EQ(Crc32(bytes), 0xB70B4C26u);
  std::string fox;
  for (int i = 0; i < 3; ++i) fox += "The quick brown fox jumps over the lazy dog";
  EXPECT_EQ(Crc32(fox), 0xD99691F3u);  // 129 bytes: folded 16 at a time, then one byte
}

// Every length and alignment around the 64- and 16-byte steps of the folding.
TEST(Crc32Test, MatchesTheDefinitionAtEveryLengthAndOffset) {
  std::string data;
  uint32_t x = 12345;
  for (int i = 0; i < 600; ++i) {
    x = x * 1103515245u + 12345u;
    data.push_back(static_cast<char>(x >> 16));
  }
  for (size_t offset = 0; offset < 4; ++offset) {
    for (size_t n = 0; n + offset <= data.size(); ++n) {
      std::string_view part = std::string_view(data).substr(offset, n);
      ASSERT_EQ(Crc32(part), BitwiseCrc32(part)) << "offset " << offset << ", length " << n;
    }
  }
}

}  // namespace
}  // namespace spate
