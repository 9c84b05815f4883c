// The in-memory store's table checked against std::map under random puts,
// removes, lookups and scans: rows and event-time index keys, values that
// grow out of their place, removals that shift probe runs back, versions
// that end (compacting the entries).

#include "spate/state/pair_table.h"

#include <algorithm>
#include <map>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "spate/state/event_time_index.h"
#include "spate/state/state_store.h"

namespace spate {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs Scanned(PairTable& table, std::string_view begin, std::string_view end) {
  Pairs out;
  auto status = table.Scan(begin, end, [&](std::string_view k, std::string_view v) {
    out.emplace_back(k, v);
    return arrow::Status::OK();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

Pairs Expected(const std::map<std::string, std::string>& model, std::string_view begin, std::string_view end) {
  Pairs out;
  for (auto it = model.lower_bound(std::string(begin)); it != model.end(); ++it) {
    if (!end.empty() && it->first >= end) break;
    out.emplace_back(it->first, it->second);
  }
  return out;
}

class RandomKeys {
 public:
  explicit RandomKeys(uint32_t seed) : rng_(seed) {}
  // A row key (first byte 0 or 1, as RowEncoder writes) or an index key over one.
  std::string Key() {
    std::string row(1, static_cast<char>(rng_() % 2));
    row += "k" + std::to_string(rng_() % 3000);
    if (rng_() % 4 != 0) return row;
    std::string index;
    AppendIndexKey(static_cast<int64_t>(rng_() % 7) * 1000 - 3000, row, &index);
    return index;
  }
  std::string Value() { return std::string(rng_() % 40, static_cast<char>('a' + rng_() % 26)); }
  uint32_t Next() { return rng_(); }

 private:
  std::mt19937 rng_;
};

TEST(PairTableTest, MatchesAnOrderedMap) {
  PairTable table;
  std::map<std::string, std::string> model;
  RandomKeys random(7);
  for (int step = 0; step < 60000; ++step) {
    std::string key = random.Key();
    const bool index = IsIndexKey(key);
    switch (random.Next() % 3) {
      case 0: {
        std::string value = index ? "" : random.Value();
        EXPECT_EQ(table.Put(key, value), !model.count(key));
        model[key] = value;
        break;
      }
      case 1:
        EXPECT_EQ(table.Remove(key), model.erase(key) == 1);
        break;
      default: {
        auto found = table.Find(key);
        auto it = model.find(key);
        ASSERT_EQ(found.has_value(), it != model.end()) << step;
        if (found) {
          EXPECT_EQ(*found, it->second);
        }
      }
    }
    if (step % 1000 == 999) table.Compact();
    if (step % 5000 == 4999) {
      // Partial row scans build the ordered view; later steps keep it current.
      std::string from = random.Key(), to = random.Key();
      if (to < from) std::swap(from, to);
      EXPECT_EQ(Scanned(table, from, to), Expected(model, from, to)) << step;
      std::string prefix = from.substr(0, 1 + random.Next() % from.size());
      EXPECT_EQ(Scanned(table, prefix, PrefixEnd(prefix)), Expected(model, prefix, PrefixEnd(prefix))) << step;
    }
  }
  int64_t rows = 0;
  for (const auto& [k, v] : model) rows += !IsIndexKey(k);
  EXPECT_EQ(table.rows(), rows);
  EXPECT_EQ(Scanned(table, "", ""), Expected(model, "", ""));
  Pairs every;
  ASSERT_TRUE(table.ForEach([&](std::string_view k, std::string_view v) {
                     every.emplace_back(k, v);
                     return arrow::Status::OK();
                   }).ok());
  std::sort(every.begin(), every.end());
  EXPECT_EQ(every, Expected(model, "", ""));
}

TEST(PairTableTest, ScanOfEveryRowNeedsNoOrderedView) {
  PairTable table;
  for (int i = 999; i >= 0; --i) table.Put(std::string(1, '\0') + std::to_string(i), std::to_string(i));
  std::string index;
  AppendIndexKey(5, std::string(1, '\0') + "7", &index);
  table.Put(index, "");
  const std::string rows_end(&kIndexKeyByte, 1);
  Pairs rows = Scanned(table, "", rows_end);
  ASSERT_EQ(rows.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));
  EXPECT_EQ(Scanned(table, rows_end, ""), (Pairs{{index, ""}}));
}

TEST(PairTableTest, BatchWriteReportsWhatChanged) {
  PairTable table;
  table.Put("\x01" "a", "1");
  StateWriteBatch batch;
  batch.Put("\x01" "a", "2", false);
  batch.Put("\x01" "b", "1", true);
  batch.Remove("\x01" "c");
  batch.Remove("\x01" "b");
  std::vector<bool> changed;
  table.Write(batch, &changed);
  EXPECT_EQ(changed, (std::vector<bool>{false, true, false, true}));
  EXPECT_EQ(table.Find("\x01" "a"), std::optional<std::string_view>("2"));
  EXPECT_FALSE(table.Find("\x01" "b").has_value());
  EXPECT_EQ(table.rows(), 1);
}

// The slots of the rows and of each time's index keys are sized for the
// batch's new keys before its first put: one resize each, not a doubling
// every time a table fills.
TEST(PairTableTest, BatchWriteResizesEachTableOnce) {
  PairTable table;
  StateWriteBatch batch;
  for (int i = 0; i < 5000; ++i) {
    const std::string row = "\x01" "k" + std::to_string(i);
    batch.Put(row, "v", true);
    std::string index;
    AppendIndexKey(i % 2 == 0 ? 1000 : 2000, row, &index);
    batch.Put(index, "", true);
  }
  std::vector<bool> changed;
  table.Write(batch, &changed);
  EXPECT_EQ(table.rows(), 5000);
  EXPECT_EQ(table.rehashes(), 3);  // the rows and two times
}

// A read-modify-write: FindMany, then a write batch whose row puts mostly
// follow the looked-up keys (values that grow out of their block, removes,
// index keys and keys out of order in between), checked against std::map.
TEST(PairTableTest, WriteAfterFindManyMatchesAnOrderedMap) {
  PairTable table;
  std::map<std::string, std::string> model;
  RandomKeys random(11);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> keys;
    for (int i = 0; i < 200; ++i) keys.push_back(std::string(1, '\0') + "k" + std::to_string(random.Next() % 1500));
    std::vector<std::string_view> views(keys.begin(), keys.end());
    std::vector<std::optional<std::string_view>> found;
    table.FindMany(views, &found);
    for (size_t i = 0; i < keys.size(); ++i) ASSERT_EQ(found[i].has_value(), model.count(keys[i]) == 1) << round;
    StateWriteBatch batch;
    std::vector<std::pair<std::string, std::optional<std::string>>> ops;  // nullopt: remove
    for (const auto& key : keys) {
      switch (random.Next() % 8) {
        case 0:
          ops.emplace_back(random.Key(), std::nullopt);
          break;
        case 1:
          ops.emplace_back(random.Key(), random.Value());
          break;
        default:
          break;
      }
      ops.emplace_back(key, random.Value());
    }
    std::vector<bool> expected;
    for (auto& [key, value] : ops) {
      if (IsIndexKey(key) && value) value = "";
      if (value) {
        batch.Put(key, *value, model.count(key) == 0);
        expected.push_back(model.count(key) == 0);
        model[key] = *value;
      } else {
        batch.Remove(key);
        expected.push_back(model.erase(key) == 1);
      }
    }
    std::vector<bool> changed;
    table.Write(batch, &changed);
    EXPECT_EQ(changed, expected) << round;
  }
  EXPECT_EQ(Scanned(table, "", ""), Expected(model, "", ""));
}

}  // namespace
}  // namespace spate
