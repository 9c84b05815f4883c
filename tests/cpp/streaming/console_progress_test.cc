#include "spate/streaming/console_progress.h"

#include <gtest/gtest.h>

namespace spate {
namespace {

const std::string kFull(30, '=');

TEST(ConsoleProgressTest, BarOfOneUnit) {
  EXPECT_EQ(ConsoleProgress::Bar("q", {{0, 4, "files"}}), "[q] [>" + std::string(29, ' ') + "] 0/4 files");
  EXPECT_EQ(ConsoleProgress::Bar("q", {{2, 4, "files"}}),
            "[q] [" + std::string(15, '=') + ">" + std::string(14, ' ') + "] 2/4 files");
  EXPECT_EQ(ConsoleProgress::Bar("q", {{100, 100, "offsets"}}), "[q] [" + kFull + "] 100/100 offsets");
}

TEST(ConsoleProgressTest, NothingToReadIsFull) {
  EXPECT_EQ(ConsoleProgress::Bar("q", {{0, 0, "snapshots"}}), "[q] [" + kFull + "] 0/0 snapshots");
}

TEST(ConsoleProgressTest, SeveralUnitsFillByTheMeanOfTheirFractions) {
  // Half the files and none of the offsets: a quarter of the bar.
  EXPECT_EQ(ConsoleProgress::Bar("q", {{2, 4, "files"}, {0, 100, "offsets"}}),
            "[q] [" + std::string(7, '=') + ">" + std::string(22, ' ') + "] 2/4 files, 0/100 offsets");
}

}  // namespace
}  // namespace spate
