#pragma once

// Finding the first byte of a small set in a text, 16 bytes at a time with
// SSE2 (part of every x86-64 CPU) and a byte at a time elsewhere and for the
// tail. Used where text is split (lines) or copied verbatim (plain JSON
// strings), so that the common byte costs little.

#include <cstdint>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace spate {

/// The first '\r' or '\n' in [p, end), or `end`.
inline const char* FindLineBreak(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');
  for (; end - p >= 16; p += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    int mask = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
  }
#endif
  while (p < end && *p != '\r' && *p != '\n') ++p;
  return p;
}

/// The text up to its first '\r' or '\n'.
inline std::string_view UpToLineBreak(std::string_view text) {
  return text.substr(0, static_cast<size_t>(FindLineBreak(text.data(), text.data() + text.size()) - text.data()));
}

/// The first byte in [p, end) that ends a plain JSON string or is not plain in
/// one: '"', '\\', a control character (below 0x20) or a non-ASCII byte; or `end`.
inline const char* FindJsonStringSpecial(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  for (; end - p >= 16; p += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // As signed bytes, non-ASCII ones are negative: below 0x20 as control characters are.
    __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                   _mm_cmplt_epi8(v, space));
    int mask = _mm_movemask_epi8(special);
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
  }
#endif
  for (; p < end; ++p) {
    auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) return p;
  }
  return end;
}

}  // namespace spate
