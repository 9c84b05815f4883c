#include "spate/common/task_pool.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace spate {
namespace {

TEST(TaskPoolTest, RunsEveryIndexOnce) {
  TaskPool pool(4);
  EXPECT_EQ(pool.threads(), 4);
  for (int64_t n : {0, 1, 2, 3, 17, 1000}) {
    std::vector<std::atomic<int>> runs(static_cast<size_t>(n));
    ASSERT_TRUE(pool.ParallelFor(n, [&](int64_t i) {
                      ++runs[i];
                      return arrow::Status::OK();
                    }).ok());
    for (int64_t i = 0; i < n; ++i) EXPECT_EQ(runs[i], 1) << "index " << i << " of " << n;
  }
}

TEST(TaskPoolTest, UsesTheWorkers) {
  TaskPool pool(2);
  // The first index claimed waits (up to a minute) until the other has run:
  // only a second thread can run it.
  std::atomic<bool> one_ran{false};
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  std::set<std::thread::id> threads;
  std::mutex mutex;
  ASSERT_TRUE(pool.ParallelFor(2, [&](int64_t i) {
                    {
                      std::lock_guard<std::mutex> lock(mutex);
                      threads.insert(std::this_thread::get_id());
                    }
                    if (i == 1) one_ran = true;
                    while (!one_ran && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
                    return arrow::Status::OK();
                  }).ok());
  EXPECT_EQ(threads.size(), 2u);
}

TEST(TaskPoolTest, ReturnsTheFailureOfTheLowestIndex) {
  TaskPool pool(3);
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto st = pool.ParallelFor(20, [&](int64_t i) {
      if (i == 7 || i == 12 || i == 19) return arrow::Status::Invalid("failed at ", i);
      return arrow::Status::OK();
    });
    ASSERT_TRUE(st.IsInvalid());
    EXPECT_EQ(st.message(), "failed at 7");
  }
}

TEST(TaskPoolTest, SkipsIndicesAboveAFailure) {
  TaskPool pool(1);  // inline: in index order
  std::vector<int64_t> ran;
  auto st = pool.ParallelFor(5, [&](int64_t i) {
    ran.push_back(i);
    return i == 2 ? arrow::Status::IOError("disk full") : arrow::Status::OK();
  });
  EXPECT_TRUE(st.IsIOError());
  EXPECT_EQ(ran, (std::vector<int64_t>{0, 1, 2}));
}

TEST(TaskPoolTest, OneThreadRunsInlineInOrder) {
  TaskPool pool(1);
  EXPECT_EQ(pool.threads(), 1);
  const auto caller = std::this_thread::get_id();
  std::vector<int64_t> order;
  ASSERT_TRUE(pool.ParallelFor(6, [&](int64_t i) {
                    EXPECT_EQ(std::this_thread::get_id(), caller);
                    order.push_back(i);
                    return arrow::Status::OK();
                  }).ok());
  EXPECT_EQ(order, (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
}

TEST(TaskPoolTest, NestedLoopsRunInlineWithoutWaiting) {
  TaskPool pool(2);
  std::vector<std::atomic<int>> runs(8 * 8);
  ASSERT_TRUE(pool.ParallelFor(8, [&](int64_t outer) {
                    const auto thread = std::this_thread::get_id();
                    return pool.ParallelFor(8, [&, outer](int64_t inner) {
                      EXPECT_EQ(std::this_thread::get_id(), thread);
                      ++runs[outer * 8 + inner];
                      return arrow::Status::OK();
                    });
                  }).ok());
  for (const auto& r : runs) EXPECT_EQ(r, 1);
}

TEST(TaskPoolTest, LoopsFromTwoThreadsRunOneAfterTheOther) {
  TaskPool pool(2);
  std::atomic<int64_t> sum{0};
  auto loop = [&] {
    for (int k = 0; k < 100; ++k) {
      ASSERT_TRUE(pool.ParallelFor(10, [&](int64_t i) {
                        sum += i;
                        return arrow::Status::OK();
                      }).ok());
    }
  };
  std::thread other(loop);
  loop();
  other.join();
  EXPECT_EQ(sum, 2 * 100 * 45);
}

}  // namespace
}  // namespace spate
