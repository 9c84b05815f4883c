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
#include <openssl/evp.h>

#include "spate/common/crc32.h"
#include "spate/common/error.h"
#include "spate/common/murmur3.h"
#include "spate/expr/function_registry.h"
#include "spate/expr/value_hash.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

using ArrayPtr = std::shared_ptr<arrow::Array>;

arrow::Result<ArrayPtr> AsArray(const arrow::Datum& d, int64_t n) {
  if (d.is_array()) return d.make_array();
  return arrow::MakeArrayFromScalar(*d.scalar(), n);
}

// ---------------------------------------------------------------------------
// Digests (through OpenSSL) and CRC-32 (ISO-HDLC, as java.util.zip.CRC32).

uint64_t Rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

uint32_t Load32Le(const unsigned char* p) {
  return p[0] | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}
uint64_t Load64Le(const unsigned char* p) {
  return (uint64_t{Load32Le(p + 4)} << 32) | Load32Le(p);
}

// The lower-case hex digest of `data` by OpenSSL's `md` (MD5, SHA-1, SHA-2).
std::string HexDigest(const EVP_MD* md, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, md, nullptr);
  std::string out;
  out.reserve(2 * size);
  for (unsigned int i = 0; i < size; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
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
      return std::optional<std::string>(HexDigest(md5 ? EVP_md5() : EVP_sha1(), s));
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
            case 224: return HexDigest(EVP_sha224(), s);
            case 0:
            case 256: return HexDigest(EVP_sha256(), s);
            case 384: return HexDigest(EVP_sha384(), s);
            case 512: return HexDigest(EVP_sha512(), s);
            default: return std::nullopt;
          }
        });
  };
  return MakeFunction(name, impl, types::String(), std::move(args), pretty, true);
}

// ---------------------------------------------------------------------------
// Spark's Murmur3_x86_32 and XXH64 over values.

using murmur3::Fmix32;
using murmur3::MixH1;
using murmur3::MixK1;

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

arrow::Result<std::vector<uint64_t>> SparkXxHash64(const arrow::Array& values, uint64_t seed) {
  std::vector<uint64_t> hashes(values.length(), seed);
  for (int64_t i = 0; i < values.length(); ++i) ARROW_RETURN_NOT_OK(HashValue<XxHash64>(values, i, &hashes[i]));
  return hashes;
}

void RegisterHashFunctions(FunctionRegistry& r) {
  for (const char* name : {"md5", "sha1", "sha", "crc32"}) r.Add(name, BindDigest);
  r.Add("sha2", BindSha2);
  r.Add("hash", BindValueHash<Murmur3>);
  r.Add("xxhash64", BindValueHash<XxHash64>);
}

}  // namespace spate
