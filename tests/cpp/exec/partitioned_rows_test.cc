// Partition-first grouping (exec/partitioned_rows.h): rows go to the
// partition of their encoded key, and grouping a partition's rows by their
// encoded keys gives the groups that grouping them by value (Arrow's
// grouper, as a batch aggregation groups) gives, null and floating-point
// keys included, numbered in order of first appearance.

#include "spate/exec/partitioned_rows.h"

#include <cmath>
#include <map>

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <gtest/gtest.h>

#include "spate/aggregates/group_ids.h"
#include "spate/exec/streaming_context.h"
#include "spate/state/row_codec.h"

namespace spate {
namespace {

// 2000 rows of (string k, double d): 37 distinct k (one in five null) and
// d of 0.0, -0.0, NaN, -NaN, null and 1.5, so that rows repeat keys.
std::shared_ptr<arrow::RecordBatch> Rows() {
  arrow::StringBuilder k;
  arrow::DoubleBuilder d;
  const double ds[] = {0.0, -0.0, std::nan(""), -std::nan(""), 1.5};
  for (int i = 0; i < 2000; ++i) {
    EXPECT_TRUE(((i * 7) % 5 == 0 ? k.AppendNull() : k.Append("k" + std::to_string((i * 13) % 37))).ok());
    EXPECT_TRUE((i % 6 == 5 ? d.AppendNull() : d.Append(ds[i % 6])).ok());
  }
  auto schema = arrow::schema({arrow::field("k", arrow::utf8()), arrow::field("d", arrow::float64())});
  return arrow::RecordBatch::Make(schema, 2000, {k.Finish().ValueOrDie(), d.Finish().ValueOrDie()});
}

struct Keyed {
  EncodedRows encoded;
  KeyedRows rows;
};

Keyed KeyRowsOf(const arrow::RecordBatch& batch) {
  Keyed out;
  RowEncoder::Make(batch.schema()).ValueOrDie()->EncodeBatch(batch, &out.encoded);
  for (size_t i = 0; i < out.encoded.size(); ++i) {
    out.rows.keys.push_back(out.encoded[i]);
    out.rows.hashes.push_back(StatefulOperatorState::KeyHash(out.encoded[i]));
  }
  return out;
}

// Whether two numberings of the same rows make the same groups.
bool SameGroups(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.size() != b.size()) return false;
  std::map<uint32_t, uint32_t> a_to_b, b_to_a;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a_to_b.emplace(a[i], b[i]).first->second != b[i]) return false;
    if (b_to_a.emplace(b[i], a[i]).first->second != a[i]) return false;
  }
  return true;
}

// The group ids Arrow's grouper gives `rows` of `batch` (normalized as EvaluateGroupingInput does).
std::vector<uint32_t> GroupIdsByValue(const arrow::RecordBatch& batch, const std::vector<uint32_t>& rows) {
  arrow::UInt32Array indices(static_cast<int64_t>(rows.size()), arrow::Buffer::Wrap(rows));
  std::vector<std::shared_ptr<arrow::Array>> keys;
  for (const auto& column : batch.columns()) {
    auto taken = arrow::compute::Take(column, indices).ValueOrDie().make_array();
    keys.push_back(NormalizeFloatingKey(taken).ValueOrDie());
  }
  uint32_t groups = 0;
  return GroupIds(keys, static_cast<int64_t>(rows.size()), &groups).ValueOrDie();
}

TEST(PartitionedRowsTest, RowsGoToTheirKeysPartitionInRowOrder) {
  auto batch = Rows();
  Keyed keyed = KeyRowsOf(*batch);
  StatefulOperatorState op(0, "stateStoreSave", "/unused", 16, StateStoreConf{});
  auto partitions = RowsByPartition(op, keyed.rows);
  ASSERT_EQ(partitions.size(), 16u);
  size_t rows = 0, used = 0;
  for (int p = 0; p < 16; ++p) {
    used += !partitions[p].empty();
    for (size_t j = 0; j < partitions[p].size(); ++j) {
      EXPECT_EQ(op.PartitionOf(keyed.rows.keys[partitions[p][j]]), p);
      if (j > 0) {
        EXPECT_LT(partitions[p][j - 1], partitions[p][j]);
      }
    }
    rows += partitions[p].size();
  }
  EXPECT_EQ(rows, 2000u);
  EXPECT_GT(used, 8u);  // the keys reach most partitions, the first and last among them
  EXPECT_FALSE(partitions.front().empty());
  EXPECT_FALSE(partitions.back().empty());
}

TEST(PartitionedRowsTest, OnePartitionHasEveryRow) {
  Keyed keyed = KeyRowsOf(*Rows());
  StatefulOperatorState op(0, "stateStoreSave", "/unused", 1, StateStoreConf{});
  auto partitions = RowsByPartition(op, keyed.rows);
  ASSERT_EQ(partitions.size(), 1u);
  ASSERT_EQ(partitions[0].size(), 2000u);
  for (uint32_t i = 0; i < 2000; ++i) EXPECT_EQ(partitions[0][i], i);
}

TEST(PartitionedRowsTest, GroupsByKeyAsByValueInOrderOfFirstAppearance) {
  auto batch = Rows();
  Keyed keyed = KeyRowsOf(*batch);
  StatefulOperatorState op(0, "stateStoreSave", "/unused", 4, StateStoreConf{});
  for (const auto& rows : RowsByPartition(op, keyed.rows)) {
    if (rows.empty()) continue;
    KeyGroups groups = GroupByKey(keyed.rows, rows);
    EXPECT_TRUE(SameGroups(groups.ids, GroupIdsByValue(*batch, rows)));
    uint32_t next = 0;  // ids in order of first appearance, first_rows their first rows
    for (size_t j = 0; j < rows.size(); ++j) {
      ASSERT_LE(groups.ids[j], next);
      if (groups.ids[j] == next) {
        EXPECT_EQ(groups.first_rows[next++], rows[j]);
      }
    }
    EXPECT_EQ(next, groups.first_rows.size());
  }
  // Over all rows: 37 strings and a null, times 0.0 (-0.0 too), NaN, 1.5 and null.
  std::vector<uint32_t> all(2000);
  for (uint32_t i = 0; i < 2000; ++i) all[i] = i;
  KeyGroups groups = GroupByKey(keyed.rows, all);
  EXPECT_TRUE(SameGroups(groups.ids, GroupIdsByValue(*batch, all)));
  EXPECT_EQ(groups.first_rows.size(), 38u * 4u);
}

}  // namespace
}  // namespace spate
