// AES encryption as Spark's aes_encrypt / aes_decrypt / try_aes_decrypt:
// modes GCM (12-byte IV first, 16-byte tag last, optional AAD), CBC (16-byte
// IV first, PKCS padding) and ECB (PKCS padding); keys of 16, 24 or 32 bytes;
// a random IV when none is given. Any NULL argument gives NULL. A bad mode,
// key or IV and a failed decryption are errors (AES_CRYPTO_ERROR for the
// latter); try_aes_decrypt gives NULL for any of them.

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"
#include "spate/expr/function_registry.h"

namespace spate {

namespace {

using Bytes = std::string;

struct AesCall {
  std::string_view input, key, mode, padding, iv, aad;
};

arrow::Status AesParamError(const std::string& sub, const std::string& params, const std::string& detail) {
  return SparkError("INVALID_PARAMETER_VALUE." + sub, "22023",
                    fmt::format("The value of parameter(s) {} in `aes_encrypt`/`aes_decrypt` is "
                                "invalid: {}.",
                                params, detail));
}

arrow::Status CryptoError(const std::string& detail) {
  return SparkError("INVALID_PARAMETER_VALUE.AES_CRYPTO_ERROR", "22023",
                    fmt::format("The value of parameter(s) `expr`, `key` in "
                                "`aes_encrypt`/`aes_decrypt` is invalid: detail message: {}",
                                detail));
}

const EVP_CIPHER* Cipher(const std::string& mode, size_t key_size) {
  if (mode == "GCM") {
    return key_size == 16 ? EVP_aes_128_gcm() : key_size == 24 ? EVP_aes_192_gcm() : EVP_aes_256_gcm();
  }
  if (mode == "CBC") {
    return key_size == 16 ? EVP_aes_128_cbc() : key_size == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
  }
  return key_size == 16 ? EVP_aes_128_ecb() : key_size == 24 ? EVP_aes_192_ecb() : EVP_aes_256_ecb();
}

// Checks the mode, padding, key, IV and AAD; returns the upper-case mode.
arrow::Result<std::string> CheckParameters(const AesCall& c, bool encrypt, const std::string& fn) {
  std::string mode = AsciiUpper(std::string(c.mode));
  std::string padding = AsciiUpper(std::string(c.padding));
  bool ok = (mode == "GCM" && (padding == "NONE" || padding == "DEFAULT")) ||
            ((mode == "ECB" || mode == "CBC") && (padding == "PKCS" || padding == "DEFAULT"));
  if (!ok) {
    return SparkError("UNSUPPORTED_FEATURE.AES_MODE", "0A000",
                      fmt::format("The feature is not supported: AES-{} with the padding {} by the "
                                  "`aes_encrypt`/`aes_decrypt` function.",
                                  c.mode, c.padding));
  }
  if (c.key.size() != 16 && c.key.size() != 24 && c.key.size() != 32) {
    return AesParamError("AES_KEY_LENGTH", "`key`",
                         fmt::format("expects a binary value with 16, 24 or 32 bytes, but got {} bytes",
                                     c.key.size()));
  }
  if (encrypt && !c.iv.empty()) {
    if (mode == "ECB") {
      return SparkError("UNSUPPORTED_FEATURE.AES_MODE_IV", "0A000",
                        fmt::format("The feature is not supported: `{}` with AES-{} does not "
                                    "support initialization vectors (IVs).",
                                    fn, mode));
    }
    size_t want = mode == "GCM" ? 12 : 16;
    if (c.iv.size() != want) {
      return AesParamError("AES_IV_LENGTH", "`iv`",
                           fmt::format("supports 16-byte CBC IVs and 12-byte GCM IVs, but got {} "
                                       "bytes for {}",
                                       c.iv.size(), mode));
    }
  }
  if (!c.aad.empty() && mode != "GCM") {
    return SparkError("UNSUPPORTED_FEATURE.AES_MODE_AAD", "0A000",
                      fmt::format("The feature is not supported: `{}` with AES-{} does not "
                                  "support additional authenticate data (AAD).",
                                  fn, mode));
  }
  return mode;
}

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// Runs the cipher over `in`; false when OpenSSL rejects the input (a bad
// length, padding or tag).
bool RunCipher(const std::string& mode, const AesCall& c, bool encrypt, std::string_view iv,
               std::string_view in, std::string_view tag, Bytes* out, Bytes* tag_out) {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  const EVP_CIPHER* cipher = Cipher(mode, c.key.size());
  auto u8 = [](std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); };
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr, encrypt ? 1 : 0) != 1) return false;
  if (mode == "GCM" &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) != 1) {
    return false;
  }
  if (EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, u8(c.key), iv.empty() ? nullptr : u8(iv),
                        encrypt ? 1 : 0) != 1) {
    return false;
  }
  int len = 0;
  if (mode == "GCM" && !c.aad.empty() &&
      EVP_CipherUpdate(ctx.get(), nullptr, &len, u8(c.aad), static_cast<int>(c.aad.size())) != 1) {
    return false;
  }
  out->resize(in.size() + 32);
  auto* dst = reinterpret_cast<unsigned char*>(out->data());
  if (EVP_CipherUpdate(ctx.get(), dst, &len, u8(in), static_cast<int>(in.size())) != 1) return false;
  int total = len;
  if (mode == "GCM" && !encrypt &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()),
                          const_cast<char*>(tag.data())) != 1) {
    return false;
  }
  if (EVP_CipherFinal_ex(ctx.get(), dst + total, &len) != 1) return false;
  total += len;
  out->resize(total);
  if (mode == "GCM" && encrypt) {
    tag_out->resize(16);
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag_out->data()) != 1) return false;
  }
  return true;
}

arrow::Result<Bytes> Encrypt(const AesCall& c) {
  ARROW_ASSIGN_OR_RAISE(std::string mode, CheckParameters(c, true, "aes_encrypt"));
  Bytes iv(c.iv);
  if (iv.empty() && mode != "ECB") {
    iv.resize(mode == "GCM" ? 12 : 16);
    RAND_bytes(reinterpret_cast<unsigned char*>(iv.data()), static_cast<int>(iv.size()));
  }
  Bytes body, tag;
  if (!RunCipher(mode, c, true, iv, c.input, {}, &body, &tag)) return CryptoError("encryption failed");
  return iv + body + tag;
}

// Decrypts; nullopt when the data does not decrypt.
arrow::Result<std::optional<Bytes>> Decrypt(const AesCall& c) {
  ARROW_ASSIGN_OR_RAISE(std::string mode, CheckParameters(c, false, "aes_decrypt"));
  size_t iv_size = mode == "GCM" ? 12 : mode == "CBC" ? 16 : 0;
  size_t tag_size = mode == "GCM" ? 16 : 0;
  if (c.input.size() < iv_size + tag_size) return std::nullopt;
  std::string_view iv = c.input.substr(0, iv_size);
  std::string_view body = c.input.substr(iv_size, c.input.size() - iv_size - tag_size);
  std::string_view tag = c.input.substr(c.input.size() - tag_size);
  Bytes out, unused;
  if (!RunCipher(mode, c, false, iv, body, tag, &out, &unused)) return std::nullopt;
  return out;
}

enum class AesKind { kEncrypt, kDecrypt, kTryDecrypt };

arrow::Result<std::shared_ptr<arrow::Array>> AsArray(const arrow::Datum& d, int64_t num_rows) {
  if (d.is_scalar()) return arrow::MakeArrayFromScalar(*d.scalar(), num_rows);
  return d.make_array();
}

arrow::Result<BoundExprPtr> BindAes(AesKind kind, const std::string& name,
                                    std::vector<BoundExprPtr> args, const std::string& pretty) {
  size_t max = kind == AesKind::kEncrypt ? 6 : 5;
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, max));
  // Spark fills in the defaults, which then show in the column name.
  auto literal = [](std::shared_ptr<arrow::Scalar> v, DataTypePtr t, std::string shown) {
    return std::make_shared<BoundLiteral>(std::move(v), std::move(t), std::move(shown));
  };
  if (args.size() < 3) args.push_back(literal(std::make_shared<arrow::StringScalar>("GCM"), types::String(), "GCM"));
  if (args.size() < 4) args.push_back(literal(std::make_shared<arrow::StringScalar>("DEFAULT"), types::String(), "DEFAULT"));
  while (args.size() < max) {
    args.push_back(literal(std::make_shared<arrow::StringScalar>(""), types::String(), ""));
  }
  std::vector<std::string> names;
  for (const auto& a : args) names.push_back(a->name());
  std::string shown = fmt::format("{}({})", name, fmt::join(names, ", "));
  const std::string& label = pretty.starts_with(name + "(") ? shown : pretty;
  // (input, key, mode, padding, [iv,] aad): binary except mode and padding.
  std::vector<bool> is_binary = {true, true, false, false, true, true};
  if (kind != AesKind::kEncrypt) is_binary = {true, true, false, false, true};
  for (size_t i = 0; i < args.size(); ++i) {
    TypeId id = args[i]->type()->id();
    bool ok = id == TypeId::kNull || id == TypeId::kString || (is_binary[i] && id == TypeId::kBinary);
    if (!ok) {
      return DataTypeMismatch(
          "UNEXPECTED_INPUT_TYPE", label,
          fmt::format("The {} parameter requires the {} type, however \"{}\" has the type {}",
                      Ordinal(i), is_binary[i] ? "\"BINARY\"" : "\"STRING\"", args[i]->name(),
                      QuotedType(*args[i]->type())));
    }
    args[i] = ImplicitCast(args[i], is_binary[i] ? types::Binary() : types::String());
  }
  auto impl = [kind](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    std::vector<std::shared_ptr<arrow::Array>> columns;
    for (const auto& v : a.values) {
      ARROW_ASSIGN_OR_RAISE(auto column, AsArray(v, a.num_rows));
      columns.push_back(column);
    }
    auto text = [&](size_t i, int64_t row) -> std::string_view {
      if (i >= columns.size()) return {};
      const auto& c = *columns[i];
      return c.type_id() == arrow::Type::STRING ? static_cast<const arrow::StringArray&>(c).GetView(row)
                                                : static_cast<const arrow::BinaryArray&>(c).GetView(row);
    };
    bool encrypt = kind == AesKind::kEncrypt;
    arrow::BinaryBuilder out;
    for (int64_t row = 0; row < a.num_rows; ++row) {
      bool null = false;
      for (const auto& c : columns) null = null || c->IsNull(row);
      if (null) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      AesCall c{text(0, row), text(1, row), text(2, row), text(3, row),
                encrypt ? text(4, row) : std::string_view(), encrypt ? text(5, row) : text(4, row)};
      if (encrypt) {
        ARROW_ASSIGN_OR_RAISE(Bytes bytes, Encrypt(c));
        ARROW_RETURN_NOT_OK(out.Append(bytes));
        continue;
      }
      auto decrypted = Decrypt(c);
      // try_aes_decrypt turns every error into NULL, as Spark's TryEval.
      if (!decrypted.ok() && kind == AesKind::kTryDecrypt) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
        continue;
      }
      ARROW_ASSIGN_OR_RAISE(auto bytes, std::move(decrypted));
      if (bytes) {
        ARROW_RETURN_NOT_OK(out.Append(*bytes));
      } else if (kind == AesKind::kTryDecrypt) {
        ARROW_RETURN_NOT_OK(out.AppendNull());
      } else {
        return CryptoError("the input does not decrypt with this key, mode and padding");
      }
    }
    ARROW_ASSIGN_OR_RAISE(auto result, out.Finish());
    return arrow::Datum(result);
  };
  return MakeFunction(name, impl, types::Binary(), std::move(args), label, true);
}

FunctionBinder AesBinder(AesKind kind) {
  return [kind](const std::string& name, std::vector<BoundExprPtr> args, const std::string& pretty) {
    return BindAes(kind, name, std::move(args), pretty);
  };
}

}  // namespace

void RegisterAesFunctions(FunctionRegistry& r) {
  r.Add("aes_encrypt", AesBinder(AesKind::kEncrypt));
  r.Add("aes_decrypt", AesBinder(AesKind::kDecrypt));
  r.Add("try_aes_decrypt", AesBinder(AesKind::kTryDecrypt));
}

}  // namespace spate
