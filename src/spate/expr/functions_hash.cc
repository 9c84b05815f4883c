// Hash functions: md5, sha1, sha2, crc32, and Spark's Murmur3 hash and xxhash64.
//
// hash(...) and xxhash64(...) are bit-exact with Spark (so that bucketing
// agrees): each non-null value is hashed as Spark hashes its type, with the
// running hash (starting at 42) as the seed of the next value; NULLs are
// skipped. Digests take BINARY (strings are cast) and give lower-case hex.

#include <array>
#include <cmath>
#include <cstring>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/function_registry.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

using ArrayPtr = std::shared_ptr<arrow::Array>;

arrow::Result<ArrayPtr> AsArray(const arrow::Datum& d, int64_t n) {
  if (d.is_array()) return d.make_array();
  return arrow::MakeArrayFromScalar(*d.scalar(), n);
}

// ---------------------------------------------------------------------------
// Digests (FIPS 180-4, RFC 1321) and CRC-32 (ISO-HDLC, as java.util.zip.CRC32).

uint32_t Rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }
uint32_t Rotr32(uint32_t x, int r) { return (x >> r) | (x << (32 - r)); }
uint64_t Rotr64(uint64_t x, int r) { return (x >> r) | (x << (64 - r)); }
uint64_t Rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

// The message padded to whole blocks, its bit length appended in
// `length_bytes` bytes, big- or little-endian.
std::string Pad(std::string_view data, size_t block, size_t length_bytes, bool big_endian) {
  std::string m(data);
  m += static_cast<char>(0x80);
  while ((m.size() + length_bytes) % block != 0) m += '\0';
  uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  std::string len(length_bytes, '\0');
  for (size_t i = 0; i < 8; ++i) {
    char byte = static_cast<char>(bits >> (8 * i));
    if (big_endian) {
      len[length_bytes - 1 - i] = byte;
    } else {
      len[i] = byte;
    }
  }
  return m + len;
}

uint32_t Load32Be(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
uint32_t Load32Le(const unsigned char* p) {
  return p[0] | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}
uint64_t Load64Be(const unsigned char* p) {
  return (uint64_t{Load32Be(p)} << 32) | Load32Be(p + 4);
}
uint64_t Load64Le(const unsigned char* p) {
  return (uint64_t{Load32Le(p + 4)} << 32) | Load32Le(p);
}

template <typename Word>
std::string HexWords(const Word* words, size_t n, bool big_endian) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    for (size_t b = 0; b < sizeof(Word); ++b) {
      size_t shift = big_endian ? 8 * (sizeof(Word) - 1 - b) : 8 * b;
      out += fmt::format("{:02x}", static_cast<unsigned>((words[i] >> shift) & 0xFF));
    }
  }
  return out;
}

std::string Md5(std::string_view data) {
  static const uint32_t kK[64] = {
      0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
      0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
      0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
      0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
      0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
      0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
      0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
      0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
      0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
      0xeb86d391};
  static const int kS[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                             5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                             4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                             6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
  uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  std::string m = Pad(data, 64, 8, false);
  for (size_t off = 0; off < m.size(); off += 64) {
    const auto* p = reinterpret_cast<const unsigned char*>(m.data() + off);
    uint32_t w[16];
    for (int i = 0; i < 16; ++i) w[i] = Load32Le(p + 4 * i);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; ++i) {
      uint32_t f;
      int g;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      uint32_t next = b + Rotl32(a + f + kK[i] + w[g], kS[i]);
      a = d;
      d = c;
      c = b;
      b = next;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d;
  }
  return HexWords(h, 4, false);
}

std::string Sha1(std::string_view data) {
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::string m = Pad(data, 64, 8, true);
  for (size_t off = 0; off < m.size(); off += 64) {
    const auto* p = reinterpret_cast<const unsigned char*>(m.data() + off);
    uint32_t w[80];
    for (int i = 0; i < 16; ++i) w[i] = Load32Be(p + 4 * i);
    for (int i = 16; i < 80; ++i) w[i] = Rotl32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
      uint32_t f, k;
      if (i < 20) {
        f = (b & c) | (~b & d), k = 0x5A827999;
      } else if (i < 40) {
        f = b ^ c ^ d, k = 0x6ED9EBA1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d, k = 0xCA62C1D6;
      }
      uint32_t t = Rotl32(a, 5) + f + e + k + w[i];
      e = d, d = c, c = Rotl32(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
  }
  return HexWords(h, 5, true);
}

// SHA-224 / SHA-256.
std::string Sha256(std::string_view data, bool is224) {
  static const uint32_t kK[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  if (is224) {
    const uint32_t init[8] = {0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939,
                              0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4};
    std::memcpy(h, init, sizeof h);
  }
  std::string m = Pad(data, 64, 8, true);
  for (size_t off = 0; off < m.size(); off += 64) {
    const auto* p = reinterpret_cast<const unsigned char*>(m.data() + off);
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) w[i] = Load32Be(p + 4 * i);
    for (int i = 16; i < 64; ++i) {
      uint32_t s0 = Rotr32(w[i - 15], 7) ^ Rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = Rotr32(w[i - 2], 17) ^ Rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t v[8];
    std::memcpy(v, h, sizeof v);
    for (int i = 0; i < 64; ++i) {
      uint32_t s1 = Rotr32(v[4], 6) ^ Rotr32(v[4], 11) ^ Rotr32(v[4], 25);
      uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
      uint32_t t1 = v[7] + s1 + ch + kK[i] + w[i];
      uint32_t s0 = Rotr32(v[0], 2) ^ Rotr32(v[0], 13) ^ Rotr32(v[0], 22);
      uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
      uint32_t t2 = s0 + maj;
      for (int k = 7; k > 0; --k) v[k] = v[k - 1];
      v[4] += t1;
      v[0] = t1 + t2;
    }
    for (int k = 0; k < 8; ++k) h[k] += v[k];
  }
  return HexWords(h, is224 ? 7 : 8, true);
}

// SHA-384 / SHA-512.
std::string Sha512(std::string_view data, bool is384) {
  static const uint64_t kK[80] = {
      0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
      0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
      0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
      0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
      0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
      0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
      0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
      0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
      0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
      0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
      0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
      0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
      0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
      0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
      0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
      0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
      0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
      0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
      0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
      0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817};
  uint64_t h[8] = {0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b,
                   0xa54ff53a5f1d36f1, 0x510e527fade682d1, 0x9b05688c2b3e6c1f,
                   0x1f83d9abfb41bd6b, 0x5be0cd19137e2179};
  if (is384) {
    const uint64_t init[8] = {0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17,
                              0x152fecd8f70e5939, 0x67332667ffc00b31, 0x8eb44a8768581511,
                              0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4};
    std::memcpy(h, init, sizeof h);
  }
  std::string m = Pad(data, 128, 16, true);
  for (size_t off = 0; off < m.size(); off += 128) {
    const auto* p = reinterpret_cast<const unsigned char*>(m.data() + off);
    uint64_t w[80];
    for (int i = 0; i < 16; ++i) w[i] = Load64Be(p + 8 * i);
    for (int i = 16; i < 80; ++i) {
      uint64_t s0 = Rotr64(w[i - 15], 1) ^ Rotr64(w[i - 15], 8) ^ (w[i - 15] >> 7);
      uint64_t s1 = Rotr64(w[i - 2], 19) ^ Rotr64(w[i - 2], 61) ^ (w[i - 2] >> 6);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint64_t v[8];
    std::memcpy(v, h, sizeof v);
    for (int i = 0; i < 80; ++i) {
      uint64_t s1 = Rotr64(v[4], 14) ^ Rotr64(v[4], 18) ^ Rotr64(v[4], 41);
      uint64_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
      uint64_t t1 = v[7] + s1 + ch + kK[i] + w[i];
      uint64_t s0 = Rotr64(v[0], 28) ^ Rotr64(v[0], 34) ^ Rotr64(v[0], 39);
      uint64_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
      uint64_t t2 = s0 + maj;
      for (int k = 7; k > 0; --k) v[k] = v[k - 1];
      v[4] += t1;
      v[0] = t1 + t2;
    }
    for (int k = 0; k < 8; ++k) h[k] += v[k];
  }
  return HexWords(h, is384 ? 6 : 8, true);
}

uint32_t Crc32(std::string_view data) {
  static const std::array<uint32_t, 256> kTable = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) crc = kTable[(crc ^ c) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

// A BINARY argument; strings are cast (Spark's implicit cast to BINARY).
arrow::Result<BoundExprPtr> BinaryArg(BoundExprPtr arg, size_t i, const std::string& pretty) {
  const TypeId id = arg->type()->id();
  if (id == TypeId::kBinary) return arg;
  if (id == TypeId::kString || id == TypeId::kNull) return ImplicitCast(arg, types::Binary());
  return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                          fmt::format("The {} parameter requires the \"BINARY\" type, however "
                                      "\"{}\" has the type {}",
                                      Ordinal(i), arg->name(), QuotedType(*arg->type())));
}

// Applies `fn(bytes, row)` to the non-null rows of a BINARY first argument.
template <typename Builder, typename Fn>
arrow::Result<arrow::Datum> MapBinary(const FunctionArgs& a, Fn fn) {
  ARROW_ASSIGN_OR_RAISE(auto in, AsArray(a.values[0], a.num_rows));
  const auto& bytes = static_cast<const arrow::BinaryArray&>(*in);
  Builder builder;
  ARROW_RETURN_NOT_OK(builder.Reserve(a.num_rows));
  for (int64_t i = 0; i < a.num_rows; ++i) {
    if (bytes.IsNull(i)) {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
      continue;
    }
    auto value = fn(bytes.GetView(i), i);
    if (value) {
      ARROW_RETURN_NOT_OK(builder.Append(*value));
    } else {
      ARROW_RETURN_NOT_OK(builder.AppendNull());
    }
  }
  ARROW_ASSIGN_OR_RAISE(ArrayPtr out, builder.Finish());
  return arrow::Datum(out);
}

// md5, sha1 / sha, crc32: one BINARY argument.
arrow::Result<BoundExprPtr> BindDigest(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  ARROW_ASSIGN_OR_RAISE(args[0], BinaryArg(args[0], 0, pretty));
  bool nullable = args[0]->nullable();
  if (name == "crc32") {
    auto impl = [](const FunctionArgs& a) {
      return MapBinary<arrow::Int64Builder>(a, [](std::string_view s, int64_t) {
        return std::optional<int64_t>(Crc32(s));
      });
    };
    return MakeFunction(name, impl, types::Long(), std::move(args), pretty, nullable);
  }
  const bool md5 = name == "md5";
  auto impl = [md5](const FunctionArgs& a) {
    return MapBinary<arrow::StringBuilder>(a, [md5](std::string_view s, int64_t) {
      return std::optional<std::string>(md5 ? Md5(s) : Sha1(s));
    });
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, nullable);
}

// sha2(bin, bits): SHA-224, SHA-256 (bits 256 or 0), SHA-384 or SHA-512; NULL
// for any other bit length.
arrow::Result<BoundExprPtr> BindSha2(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  ARROW_ASSIGN_OR_RAISE(args[0], BinaryArg(args[0], 0, pretty));
  const DataType& bt = *args[1]->type();
  if (!bt.IsNumeric() && bt.id() != TypeId::kString && bt.id() != TypeId::kNull) {
    return DataTypeMismatch("UNEXPECTED_INPUT_TYPE", pretty,
                            fmt::format("The second parameter requires the \"INT\" type, however "
                                        "\"{}\" has the type {}",
                                        args[1]->name(), QuotedType(bt)));
  }
  args[1] = ImplicitCast(args[1], types::Int());
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto bits_array, AsArray(a.values[1], a.num_rows));
    const auto& bits = static_cast<const arrow::Int32Array&>(*bits_array);
    return MapBinary<arrow::StringBuilder>(
        a, [&bits](std::string_view s, int64_t i) -> std::optional<std::string> {
          if (bits.IsNull(i)) return std::nullopt;
          switch (bits.Value(i)) {
            case 224: return Sha256(s, true);
            case 0:
            case 256: return Sha256(s, false);
            case 384: return Sha512(s, true);
            case 512: return Sha512(s, false);
            default: return std::nullopt;
          }
        });
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, true);
}

// ---------------------------------------------------------------------------
// Spark's Murmur3_x86_32 and XXH64 over values.

uint32_t MixK1(uint32_t k) { return Rotl32(k * 0xcc9e2d51u, 15) * 0x1b873593u; }
uint32_t MixH1(uint32_t h, uint32_t k) { return Rotl32(h ^ k, 13) * 5 + 0xe6546b64u; }
uint32_t Fmix32(uint32_t h, uint32_t length) {
  h ^= length;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  return h ^ (h >> 16);
}

struct Murmur3 {
  static uint64_t Int(uint32_t v, uint64_t seed) {
    return Fmix32(MixH1(static_cast<uint32_t>(seed), MixK1(v)), 4);
  }
  static uint64_t Long(uint64_t v, uint64_t seed) {
    uint32_t h = MixH1(static_cast<uint32_t>(seed), MixK1(static_cast<uint32_t>(v)));
    h = MixH1(h, MixK1(static_cast<uint32_t>(v >> 32)));
    return Fmix32(h, 8);
  }
  // Whole little-endian words, then each remaining byte (sign-extended) as a word.
  static uint64_t Bytes(std::string_view s, uint64_t seed) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    size_t n = s.size(), aligned = n - n % 4;
    uint32_t h = static_cast<uint32_t>(seed);
    for (size_t i = 0; i < aligned; i += 4) h = MixH1(h, MixK1(Load32Le(p + i)));
    for (size_t i = aligned; i < n; ++i) {
      h = MixH1(h, MixK1(static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(p[i])))));
    }
    return Fmix32(h, static_cast<uint32_t>(n));
  }
};

constexpr uint64_t kP1 = 0x9E3779B185EBCA87ull, kP2 = 0xC2B2AE3D27D4EB4Full,
                   kP3 = 0x165667B19E3779F9ull, kP4 = 0x85EBCA77C2B2AE63ull,
                   kP5 = 0x27D4EB2F165667C5ull;

uint64_t XxFmix(uint64_t h) {
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  h *= kP3;
  return h ^ (h >> 32);
}
uint64_t XxRound(uint64_t acc, uint64_t input) { return Rotl64(acc + input * kP2, 31) * kP1; }
uint64_t XxMerge(uint64_t acc, uint64_t v) { return (acc ^ XxRound(0, v)) * kP1 + kP4; }

struct XxHash64 {
  static uint64_t Int(uint32_t v, uint64_t seed) {
    uint64_t h = seed + kP5 + 4;
    h ^= uint64_t{v} * kP1;
    return XxFmix(Rotl64(h, 23) * kP2 + kP3);
  }
  static uint64_t Long(uint64_t v, uint64_t seed) {
    uint64_t h = seed + kP5 + 8;
    h ^= XxRound(0, v);
    return XxFmix(Rotl64(h, 27) * kP1 + kP4);
  }
  static uint64_t Bytes(std::string_view s, uint64_t seed) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    uint64_t h;
    if (n >= 32) {
      uint64_t v1 = seed + kP1 + kP2, v2 = seed + kP2, v3 = seed, v4 = seed - kP1;
      for (; i + 32 <= n; i += 32) {
        v1 = XxRound(v1, Load64Le(p + i));
        v2 = XxRound(v2, Load64Le(p + i + 8));
        v3 = XxRound(v3, Load64Le(p + i + 16));
        v4 = XxRound(v4, Load64Le(p + i + 24));
      }
      h = Rotl64(v1, 1) + Rotl64(v2, 7) + Rotl64(v3, 12) + Rotl64(v4, 18);
      h = XxMerge(XxMerge(XxMerge(XxMerge(h, v1), v2), v3), v4);
    } else {
      h = seed + kP5;
    }
    h += n;
    for (; i + 8 <= n; i += 8) h = Rotl64(h ^ XxRound(0, Load64Le(p + i)), 27) * kP1 + kP4;
    if (i + 4 <= n) {
      h = Rotl64(h ^ (uint64_t{Load32Le(p + i)} * kP1), 23) * kP2 + kP3;
      i += 4;
    }
    for (; i < n; ++i) h = Rotl64(h ^ (p[i] * kP5), 11) * kP1;
    return XxFmix(h);
  }
};

// The minimal big-endian two's complement bytes of a value (BigInteger.toByteArray).
std::string BigEndianBytes(const arrow::Decimal128& v) {
  std::array<uint8_t, 16> le;
  v.ToBytes(le.data());
  std::string be(le.rbegin(), le.rend());
  size_t start = 0;
  while (start + 1 < be.size()) {
    auto b0 = static_cast<uint8_t>(be[start]), b1 = static_cast<uint8_t>(be[start + 1]);
    if ((b0 == 0x00 && (b1 & 0x80) == 0) || (b0 == 0xFF && (b1 & 0x80) != 0)) {
      ++start;
    } else {
      break;
    }
  }
  return be.substr(start);
}

// Folds the value at row i of `arr` into the running hash `seed`.
template <typename H>
arrow::Status HashValue(const arrow::Array& arr, int64_t i, uint64_t* seed) {
  if (arr.IsNull(i)) return arrow::Status::OK();
  switch (arr.type_id()) {
    case arrow::Type::NA: return arrow::Status::OK();
    case arrow::Type::BOOL:
      *seed = H::Int(static_cast<const arrow::BooleanArray&>(arr).Value(i) ? 1 : 0, *seed);
      return arrow::Status::OK();
    case arrow::Type::INT8:
      *seed = H::Int(static_cast<uint32_t>(static_cast<const arrow::Int8Array&>(arr).Value(i)), *seed);
      return arrow::Status::OK();
    case arrow::Type::INT16:
      *seed = H::Int(static_cast<uint32_t>(static_cast<const arrow::Int16Array&>(arr).Value(i)), *seed);
      return arrow::Status::OK();
    case arrow::Type::INT32:
      *seed = H::Int(static_cast<uint32_t>(static_cast<const arrow::Int32Array&>(arr).Value(i)), *seed);
      return arrow::Status::OK();
    case arrow::Type::DATE32:
      *seed = H::Int(static_cast<uint32_t>(static_cast<const arrow::Date32Array&>(arr).Value(i)), *seed);
      return arrow::Status::OK();
    case arrow::Type::INT64:
    case arrow::Type::TIMESTAMP: {
      const int64_t v = arr.type_id() == arrow::Type::INT64
                            ? static_cast<const arrow::Int64Array&>(arr).Value(i)
                            : static_cast<const arrow::TimestampArray&>(arr).Value(i);
      *seed = H::Long(static_cast<uint64_t>(v), *seed);
      return arrow::Status::OK();
    }
    case arrow::Type::FLOAT: {
      float f = static_cast<const arrow::FloatArray&>(arr).Value(i);
      if (f == 0.0f) f = 0.0f;
      uint32_t bits;
      if (std::isnan(f)) {
        bits = 0x7fc00000u;
      } else {
        std::memcpy(&bits, &f, 4);
      }
      *seed = H::Int(bits, *seed);
      return arrow::Status::OK();
    }
    case arrow::Type::DOUBLE: {
      double d = static_cast<const arrow::DoubleArray&>(arr).Value(i);
      if (d == 0.0) d = 0.0;
      uint64_t bits;
      if (std::isnan(d)) {
        bits = 0x7ff8000000000000ull;
      } else {
        std::memcpy(&bits, &d, 8);
      }
      *seed = H::Long(bits, *seed);
      return arrow::Status::OK();
    }
    case arrow::Type::DECIMAL128: {
      const auto& type = static_cast<const arrow::Decimal128Type&>(*arr.type());
      arrow::Decimal128 v(static_cast<const arrow::Decimal128Array&>(arr).GetValue(i));
      if (type.precision() <= 18) {
        *seed = H::Long(static_cast<uint64_t>(static_cast<int64_t>(v.low_bits())), *seed);
      } else {
        *seed = H::Bytes(BigEndianBytes(v), *seed);
      }
      return arrow::Status::OK();
    }
    case arrow::Type::STRING:
    case arrow::Type::BINARY:
      *seed = H::Bytes(static_cast<const arrow::BinaryArray&>(arr).GetView(i), *seed);
      return arrow::Status::OK();
    case arrow::Type::LIST: {
      const auto& list = static_cast<const arrow::ListArray&>(arr);
      auto values = list.values();
      for (int64_t k = list.value_offset(i); k < list.value_offset(i + 1); ++k) {
        ARROW_RETURN_NOT_OK(HashValue<H>(*values, k, seed));
      }
      return arrow::Status::OK();
    }
    case arrow::Type::STRUCT: {
      const auto& st = static_cast<const arrow::StructArray&>(arr);
      for (int f = 0; f < st.num_fields(); ++f) {
        ARROW_RETURN_NOT_OK(HashValue<H>(*st.field(f), i, seed));
      }
      return arrow::Status::OK();
    }
    default:
      return arrow::Status::NotImplemented("hash of ", arr.type()->ToString());
  }
}

bool Hashable(const DataType& t) {
  switch (t.id()) {
    case TypeId::kMap:
    case TypeId::kInterval: return false;
    case TypeId::kArray: return Hashable(*static_cast<const ArrayType&>(t).element_type());
    case TypeId::kStruct: {
      const auto& st = static_cast<const StructType&>(t);
      for (int f = 0; f < st.num_fields(); ++f) {
        if (!Hashable(*st.field(f).type)) return false;
      }
      return true;
    }
    default: return true;
  }
}

// hash(...) (INT) and xxhash64(...) (BIGINT), over at least one value.
template <typename H>
arrow::Result<BoundExprPtr> BindValueHash(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  if (args.empty()) {
    return WrongNumArgs(name, "> 0", 0);
  }
  for (const auto& arg : args) {
    if (!Hashable(*arg->type())) {
      if (arg->type()->id() == TypeId::kMap) {
        return DataTypeMismatch("HASH_MAP_TYPE", pretty,
                                fmt::format("Input to the function `{}` cannot contain elements "
                                            "of the \"MAP\" type. In Spark, same maps may have "
                                            "different hashcode, thus hash expressions are "
                                            "prohibited on \"MAP\" elements. To restore previous "
                                            "behavior set \"spark.sql.legacy.allowHashOnMapType\" "
                                            "to \"true\"",
                                            name));
      }
      return arrow::Status::NotImplemented("hash of ", arg->type()->Sql());
    }
  }
  const bool is_long = name == "xxhash64";
  auto impl = [is_long](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    std::vector<ArrayPtr> arrays;
    for (const auto& v : a.values) {
      ARROW_ASSIGN_OR_RAISE(auto arr, AsArray(v, a.num_rows));
      arrays.push_back(std::move(arr));
    }
    std::vector<uint64_t> hashes(a.num_rows, 42);
    for (const auto& arr : arrays) {
      for (int64_t i = 0; i < a.num_rows; ++i) {
        ARROW_RETURN_NOT_OK(HashValue<H>(*arr, i, &hashes[i]));
      }
    }
    if (is_long) {
      arrow::Int64Builder builder;
      ARROW_RETURN_NOT_OK(builder.Reserve(a.num_rows));
      for (uint64_t h : hashes) builder.UnsafeAppend(static_cast<int64_t>(h));
      ARROW_ASSIGN_OR_RAISE(ArrayPtr out, builder.Finish());
      return arrow::Datum(out);
    }
    arrow::Int32Builder builder;
    ARROW_RETURN_NOT_OK(builder.Reserve(a.num_rows));
    for (uint64_t h : hashes) builder.UnsafeAppend(static_cast<int32_t>(static_cast<uint32_t>(h)));
    ARROW_ASSIGN_OR_RAISE(ArrayPtr out, builder.Finish());
    return arrow::Datum(out);
  };
  return MakeFunction(name, impl, is_long ? types::Long() : types::Int(), std::move(args), pretty,
                      false);
}

}  // namespace

void RegisterHashFunctions(FunctionRegistry& r) {
  for (const char* name : {"md5", "sha1", "sha", "crc32"}) r.Add(name, BindDigest);
  r.Add("sha2", BindSha2);
  r.Add("hash", BindValueHash<Murmur3>);
  r.Add("xxhash64", BindValueHash<XxHash64>);
}

}  // namespace spate
