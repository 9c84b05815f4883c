// The digests and encodings that sign object store requests, against
// published test vectors (FIPS 180-2, RFC 4231, RFC 4648).

#include "spate/common/crypto.h"

#include <gtest/gtest.h>

namespace spate {
namespace {

TEST(Crypto, Sha256OfAbc) {
  EXPECT_EQ(Hex(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HmacSha256OfRfc4231Case2) {
  EXPECT_EQ(Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Base64RoundTripsWithPadding) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(*Base64Decode("Zg=="), "f");
  EXPECT_EQ(*Base64Decode("Zm8="), "fo");
  EXPECT_EQ(*Base64Decode("Zm9vYmFy"), "foobar");
  std::string bytes("\x00\xff\x10", 3);
  EXPECT_EQ(*Base64Decode(Base64Encode(bytes)), bytes);
}

TEST(Crypto, Base64DecodeRefusesWhatIsNotBase64) {
  EXPECT_FALSE(Base64Decode("not base64!"));
  EXPECT_FALSE(Base64Decode("Zg="));
  EXPECT_FALSE(Base64Decode("Z!=="));
}

}  // namespace
}  // namespace spate
