#include "spate/common/huge_pages.h"

#include <sys/prctl.h>

#include <gtest/gtest.h>

#include "spate/common/runtime_config.h"

namespace spate {
namespace {

// The setting is the process's: each case starts with huge pages allowed and leaves them so.
class HugePagesTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0), 0); }
  void TearDown() override { prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0); }

  static arrow::Status Apply(const std::string& value) {
    RuntimeConfig conf;
    if (!value.empty()) conf.Set("spate.streaming.disableTransparentHugePages", value);
    return ApplyHugePagesSetting(conf);
  }
};

TEST_F(HugePagesTest, TurnedOffByDefault) {
  ASSERT_FALSE(TransparentHugePagesDisabled());
  ASSERT_TRUE(Apply("").ok());
  EXPECT_TRUE(TransparentHugePagesDisabled());
}

TEST_F(HugePagesTest, KeptWhenTheUserSaysFalse) {
  ASSERT_TRUE(Apply("false").ok());
  EXPECT_FALSE(TransparentHugePagesDisabled());
  ASSERT_TRUE(Apply("TRUE").ok());
  EXPECT_TRUE(TransparentHugePagesDisabled());
}

TEST_F(HugePagesTest, AValueOtherThanTrueOrFalseIsAnError) {
  arrow::Status status = Apply("sometimes");
  ASSERT_TRUE(status.IsInvalid());
  EXPECT_EQ(status.message(), "spate.streaming.disableTransparentHugePages must be true or false, got 'sometimes'");
  EXPECT_FALSE(TransparentHugePagesDisabled());
}

}  // namespace
}  // namespace spate
