#include "spate/common/java_random.h"

#include <gtest/gtest.h>

namespace spate {
namespace {

// Expected values from the JVM of PySpark 4.1: new java.util.Random(1).nextLong(), twice,
// the seeds RDD.sample(false, ratio, 1) gives its first two partitions.
TEST(JavaRandomTest, NextLongIsJavas) {
  JavaRandom random(1);
  EXPECT_EQ(random.NextLong(), -4964420948893066024LL);
  EXPECT_EQ(random.NextLong(), 7564655870752979346LL);
}

}  // namespace
}  // namespace spate
