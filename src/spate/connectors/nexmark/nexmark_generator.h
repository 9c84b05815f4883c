#pragma once

// Nexmark's event generator: the person / auction / bid stream of the
// Nexmark benchmark, with the rules and defaults of its reference generator
// (Apache Beam's Nexmark and the Nexmark project's Flink generator).
//
// Events are numbered 0, 1, 2, ... over the whole stream. An event's number
// alone decides its kind (1 person, 3 auctions, 46 bids in every 50), its
// ids, its timestamp and, with the seed, every random field: a range of event
// numbers always yields the same rows, whatever batches it is cut into.
// Partition p of n generates the events p, p + n, p + 2n, ...
//
// Threading: the functions are pure; call them from any thread. Generate
// makes each of several ranges on a thread of its own.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/types/data_type.h"

namespace spate::nexmark {

/// The rows a read returns: every event as one nested row (the Nexmark
/// project's `datagen` table), or one kind of event as flat rows.
enum class Layout { kEvents, kPerson, kAuction, kBid };

/// event_type's values, as the Nexmark project's views select them.
enum class EventKind : int32_t { kPerson = 0, kAuction = 1, kBid = 2 };

/// Ids start here, so queries find matches even in small streams.
constexpr int64_t kFirstPersonId = 1000;
constexpr int64_t kFirstAuctionId = 1000;
constexpr int64_t kFirstCategoryId = 10;
/// 2015-07-15T00:00:00Z, the reference's base time for event timestamps.
constexpr int64_t kDefaultBaseTimeMs = 1436918400000;
/// The event-time rate when events are generated as fast as possible (the
/// reference's default first-event rate).
constexpr int64_t kDefaultEventTimeRate = 10000;

struct GeneratorConfig {
  int64_t seed = 0;
  /// Event-time spacing: event k happens at base time + k / rate seconds.
  int64_t events_per_second = kDefaultEventTimeRate;
  int64_t base_time_ms = kDefaultBaseTimeMs;
  /// 1 in `ratio` picks is random, the rest go to the hot auction / seller /
  /// bidder (the reference's defaults: 2, 4, 4).
  int64_t hot_auction_ratio = 2;
  int64_t hot_sellers_ratio = 4;
  int64_t hot_bidders_ratio = 4;
};

EventKind KindOf(int64_t event);
/// The newest person id (base 0) at `event`: the person it creates, if any.
int64_t LastPersonId(int64_t event);
/// The newest auction id (base 0) at `event`; -1 before the first auction.
int64_t LastAuctionId(int64_t event);
int64_t TimestampMs(const GeneratorConfig& config, int64_t event);

StructTypePtr Schema(Layout layout);

/// Partition `partition` of `partitions`: its events number `from` (counted
/// within the partition) up to `to`, exclusive.
struct PartitionRange {
  int64_t partition = 0;
  int64_t from = 0;
  int64_t to = 0;
};

/// The rows of the ranges' events, range after range, each in event order
/// (with several ranges, a chunk per range).
arrow::Result<std::shared_ptr<arrow::Table>> Generate(const GeneratorConfig& config, Layout layout,
                                                      int64_t partitions,
                                                      const std::vector<PartitionRange>& ranges);

}  // namespace spate::nexmark
