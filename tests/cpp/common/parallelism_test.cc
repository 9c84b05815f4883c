#include "spate/common/parallelism.h"

#include <thread>

#include <gtest/gtest.h>

#include "spate/common/runtime_config.h"

namespace spate {
namespace {

int Cores() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

arrow::Result<int> ThreadsOf(const std::string& master) {
  RuntimeConfig conf;
  conf.Set("spark.master", master);
  return MasterThreads(conf);
}

TEST(ParallelismTest, MasterThreadsAsSparksLocalScheduler) {
  EXPECT_EQ(MasterThreads(RuntimeConfig()).ValueOrDie(), Cores());  // local[*] by default
  EXPECT_EQ(ThreadsOf("local").ValueOrDie(), 1);
  EXPECT_EQ(ThreadsOf("local[1]").ValueOrDie(), 1);
  EXPECT_EQ(ThreadsOf("local[4]").ValueOrDie(), 4);
  EXPECT_EQ(ThreadsOf("local[3,2]").ValueOrDie(), 3);
  EXPECT_EQ(ThreadsOf("local[*]").ValueOrDie(), Cores());
  EXPECT_EQ(ThreadsOf("local[*,4]").ValueOrDie(), Cores());
}

TEST(ParallelismTest, MastersSpateCannotRunAreErrors) {
  EXPECT_EQ(ThreadsOf("local[0]").status().message(), "Asked to run locally with 0 threads");
  for (const std::string master : {"yarn", "spark://host:7077", "local[two]", "local[", "local[]", "local[2"}) {
    auto st = ThreadsOf(master).status();
    EXPECT_TRUE(st.IsInvalid()) << master;
    EXPECT_EQ(st.message(), "Could not parse Master URL: '" + master +
                                "'. Spate runs tasks in its own process: spark.master is local, local[N], "
                                "local[N,F], local[*] or local[*,F].");
  }
}

TEST(ParallelismTest, DefaultParallelismPrefersItsSetting) {
  RuntimeConfig conf;
  conf.Set("spark.master", "local[3]");
  EXPECT_EQ(DefaultParallelism(conf).ValueOrDie(), 3);
  conf.Set("spark.default.parallelism", "7");
  EXPECT_EQ(DefaultParallelism(conf).ValueOrDie(), 7);
}

}  // namespace
}  // namespace spate
