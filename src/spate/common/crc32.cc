#include "spate/common/crc32.h"

#include <array>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace spate {

namespace {

// The running CRC (not complemented) after the bytes [p, p + n), eight bytes
// a step ("slicing by 8"): table k gives the CRC of a byte followed by k
// zero bytes.
uint32_t SliceBy8(uint32_t crc, const unsigned char* p, size_t n) {
  static const auto tables = [] {
    std::array<std::array<uint32_t, 256>, 8> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i) {
      for (size_t s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
    }
    return t;
  }();
  for (; n >= 8; n -= 8, p += 8) {
    const uint32_t lo = crc ^ (uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24);
    crc = tables[7][lo & 0xFF] ^ tables[6][(lo >> 8) & 0xFF] ^ tables[5][(lo >> 16) & 0xFF] ^ tables[4][lo >> 24] ^
          tables[3][p[4]] ^ tables[2][p[5]] ^ tables[1][p[6]] ^ tables[0][p[7]];
  }
  for (; n > 0; --n, ++p) crc = tables[0][(crc ^ *p) & 0xFF] ^ (crc >> 8);
  return crc;
}

#if defined(__x86_64__)

#define SPATE_CLMUL __attribute__((target("pclmul,sse4.1")))

SPATE_CLMUL __m128i Load(const unsigned char* at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(at)); }

// x folded by the constants k over a distance, onto `next`.
SPATE_CLMUL __m128i Fold(__m128i x, __m128i k, __m128i next) {
  return _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11)), next);
}

// Carry-less multiplication folds 16 bytes at a time into four 128-bit lanes
// (Intel's "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ"),
// three times as fast as the tables on large inputs. In the bit-reflected domain
// of this CRC, a lane x folds over a distance of d bits as
// x.lo * (x^(d+32) mod P) xor x.hi * (x^(d-32) mod P); the constants below
// are those residues (reflected, shifted by one) for d = 512 (four lanes)
// and d = 128 (one lane), then a 64-bit fold and a Barrett reduction to 32
// bits. Reads `n` bytes, n >= 64 and a multiple of 16; returns the running CRC.
SPATE_CLMUL uint32_t FoldClmul(uint32_t crc, const unsigned char* p, size_t n) {
  const __m128i by_four = _mm_set_epi64x(0x1c6e41596, 0x154442bd4);
  const __m128i by_one = _mm_set_epi64x(0x0ccaa009e, 0x1751997d0);
  const __m128i by_32 = _mm_set_epi64x(0, 0x163cd6124);
  const __m128i barrett = _mm_set_epi64x(0x1f7011641, 0x1db710641);  // mu, then P
  const __m128i low32 = _mm_set_epi32(0, 0, 0, -1);
  __m128i x0 = _mm_xor_si128(Load(p), _mm_cvtsi32_si128(static_cast<int>(crc)));
  __m128i x1 = Load(p + 16), x2 = Load(p + 32), x3 = Load(p + 48);
  for (p += 64, n -= 64; n >= 64; p += 64, n -= 64) {
    x0 = Fold(x0, by_four, Load(p));
    x1 = Fold(x1, by_four, Load(p + 16));
    x2 = Fold(x2, by_four, Load(p + 32));
    x3 = Fold(x3, by_four, Load(p + 48));
  }
  __m128i x = Fold(Fold(Fold(x0, by_one, x1), by_one, x2), by_one, x3);
  for (; n >= 16; p += 16, n -= 16) x = Fold(x, by_one, Load(p));
  // 128 bits to 96: the low half folded onto the high one.
  x = _mm_xor_si128(_mm_srli_si128(x, 8), _mm_clmulepi64_si128(x, by_one, 0x10));
  // 96 to 64.
  x = _mm_xor_si128(_mm_srli_si128(x, 4), _mm_clmulepi64_si128(_mm_and_si128(x, low32), by_32, 0x00));
  // 64 to 32: x mod P as x xor ((x * mu) / x^32) * P.
  __m128i t = _mm_and_si128(_mm_clmulepi64_si128(_mm_and_si128(x, low32), barrett, 0x10), low32);
  x = _mm_xor_si128(x, _mm_clmulepi64_si128(t, barrett, 0x00));
  return static_cast<uint32_t>(_mm_extract_epi32(x, 1));
}

#undef SPATE_CLMUL

bool HasClmul() {
  static const bool has = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return has;
}

#endif

}  // namespace

uint32_t Crc32(std::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t n = data.size();
#if defined(__x86_64__)
  if (n >= 64 && HasClmul()) {
    const size_t folded = n & ~size_t{15};
    crc = FoldClmul(crc, p, folded);
    p += folded;
    n -= folded;
  }
#endif
  return SliceBy8(crc, p, n) ^ 0xFFFFFFFFu;
}

}  // namespace spate
