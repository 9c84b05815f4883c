// Nexmark events straight into Arrow builders. The nested layout follows the
// Nexmark project's `datagen` table (event_type, person, auction, bid, with
// `dateTime` as a column of its own so a watermark can use it); the flat
// layouts follow its `person`, `auction` and `bid` views.

#include "spate/connectors/nexmark/nexmark_generator.h"

#include <array>
#include <thread>

#include <arrow/api.h>

#include "spate/connectors/nexmark/nexmark_events_internal.h"
#include "spate/types/arrow_types.h"

namespace spate::nexmark {

namespace {

// A field of one kind of event; for a string, the bytes its values take on
// average (room reserved ahead, not a limit).
struct FieldSpec {
  const char* name;
  TypeId type;
  int64_t string_bytes = 0;
};

constexpr FieldSpec kPersonFields[] = {
    {"id", TypeId::kLong},
    {"name", TypeId::kString, 11},
    {"emailAddress", TypeId::kString, 12},
    {"creditCard", TypeId::kString, 19},
    {"city", TypeId::kString, 8},
    {"state", TypeId::kString, 2},
    {"dateTime", TypeId::kTimestamp},
    {"extra", TypeId::kString, 141},
};
constexpr FieldSpec kAuctionFields[] = {
    {"id", TypeId::kLong},
    {"itemName", TypeId::kString, 11},
    {"description", TypeId::kString, 51},
    {"initialBid", TypeId::kLong},
    {"reserve", TypeId::kLong},
    {"dateTime", TypeId::kTimestamp},
    {"expires", TypeId::kTimestamp},
    {"seller", TypeId::kLong},
    {"category", TypeId::kLong},
    {"extra", TypeId::kString, 390},
};
constexpr FieldSpec kBidFields[] = {
    {"auction", TypeId::kLong},
    {"bidder", TypeId::kLong},
    {"price", TypeId::kLong},
    {"channel", TypeId::kString, 9},
    {"url", TypeId::kString, 64},
    {"dateTime", TypeId::kTimestamp},
    {"extra", TypeId::kString, 68},
};

template <size_t N>
StructTypePtr StructOf(const FieldSpec (&specs)[N]) {
  std::vector<StructField> fields;
  for (const auto& f : specs) {
    fields.push_back({f.name, f.type == TypeId::kLong     ? types::Long()
                              : f.type == TypeId::kString ? types::String()
                                                          : types::Timestamp()});
  }
  return types::Struct(std::move(fields));
}

StructTypePtr PersonType() { return StructOf(kPersonFields); }
StructTypePtr AuctionType() { return StructOf(kAuctionFields); }
StructTypePtr BidType() { return StructOf(kBidFields); }

using ArrayPtr = std::shared_ptr<arrow::Array>;

// One column's builder. Fixed-width values go in unchecked after Reserve;
// strings check their data capacity as they go.
class Column {
 public:
  explicit Column(const FieldSpec& spec) : string_bytes_(spec.string_bytes) {
    if (spec.type == TypeId::kLong) {
      builder_ = std::make_unique<arrow::Int64Builder>();
    } else if (spec.type == TypeId::kTimestamp) {
      builder_ = std::make_unique<arrow::TimestampBuilder>(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"),
                                                           arrow::default_memory_pool());
    } else {
      builder_ = std::make_unique<arrow::StringBuilder>();
    }
  }
  // Room for `rows` rows, `values` of them with a value.
  arrow::Status Reserve(int64_t rows, int64_t values) {
    ARROW_RETURN_NOT_OK(builder_->Reserve(rows));
    if (string_bytes_ == 0) return arrow::Status::OK();
    return static_cast<arrow::StringBuilder&>(*builder_).ReserveData(values * string_bytes_);
  }
  void Long(int64_t v) { static_cast<arrow::Int64Builder&>(*builder_).UnsafeAppend(v); }
  void Millis(int64_t ms) { static_cast<arrow::TimestampBuilder&>(*builder_).UnsafeAppend(ms * 1000); }
  arrow::Status String(std::string_view v) { return static_cast<arrow::StringBuilder&>(*builder_).Append(v); }
  arrow::Status Nulls(int64_t n) { return builder_->AppendNulls(n); }
  arrow::Result<ArrayPtr> Finish() { return builder_->Finish(); }

 private:
  int64_t string_bytes_;
  std::unique_ptr<arrow::ArrayBuilder> builder_;
};

// The columns of one kind of event. In the nested layout, rows of the other
// kinds are null structs with null children, added a run at a time.
class Columns {
 public:
  template <size_t N>
  explicit Columns(const FieldSpec (&specs)[N]) {
    for (const auto& spec : specs) columns_.emplace_back(spec);
  }
  // The i-th column, for a row of this kind.
  Column& operator[](size_t i) { return columns_[i]; }
  arrow::Status Reserve(int64_t rows, int64_t values) {
    for (auto& c : columns_) ARROW_RETURN_NOT_OK(c.Reserve(rows, values));
    return arrow::Status::OK();
  }
  void Null() { ++pending_nulls_; }
  arrow::Status FlushNulls() {
    if (pending_nulls_ == 0) return arrow::Status::OK();
    for (auto& c : columns_) ARROW_RETURN_NOT_OK(c.Nulls(pending_nulls_));
    pending_nulls_ = 0;
    return arrow::Status::OK();
  }
  arrow::Result<std::vector<ArrayPtr>> Finish() {
    ARROW_RETURN_NOT_OK(FlushNulls());
    std::vector<ArrayPtr> arrays;
    for (auto& c : columns_) {
      ARROW_ASSIGN_OR_RAISE(auto a, c.Finish());
      arrays.push_back(std::move(a));
    }
    return arrays;
  }

 private:
  std::vector<Column> columns_;
  int64_t pending_nulls_ = 0;
};

// One row of each kind, the columns in the order of its FieldSpecs.
arrow::Status Append(const Person& p, Columns& c) {
  c[0].Long(p.id);
  ARROW_RETURN_NOT_OK(c[1].String(p.name));
  ARROW_RETURN_NOT_OK(c[2].String(p.email));
  ARROW_RETURN_NOT_OK(c[3].String(p.credit_card));
  ARROW_RETURN_NOT_OK(c[4].String(p.city));
  ARROW_RETURN_NOT_OK(c[5].String(p.state));
  c[6].Millis(p.date_time_ms);
  return c[7].String(p.extra);
}

arrow::Status Append(const Auction& a, Columns& c) {
  c[0].Long(a.id);
  ARROW_RETURN_NOT_OK(c[1].String(a.item_name));
  ARROW_RETURN_NOT_OK(c[2].String(a.description));
  c[3].Long(a.initial_bid);
  c[4].Long(a.reserve);
  c[5].Millis(a.date_time_ms);
  c[6].Millis(a.expires_ms);
  c[7].Long(a.seller);
  c[8].Long(a.category);
  return c[9].String(a.extra);
}

arrow::Status Append(const Bid& b, Columns& c) {
  c[0].Long(b.auction);
  c[1].Long(b.bidder);
  c[2].Long(b.price);
  ARROW_RETURN_NOT_OK(c[3].String(b.channel));
  ARROW_RETURN_NOT_OK(c[4].String(b.url));
  c[5].Millis(b.date_time_ms);
  return c[6].String(b.extra);
}

Layout LayoutOf(EventKind kind) {
  switch (kind) {
    case EventKind::kPerson: return Layout::kPerson;
    case EventKind::kAuction: return Layout::kAuction;
    case EventKind::kBid: return Layout::kBid;
  }
  return Layout::kEvents;
}

// Builds the rows of one read: the three kinds' columns, and in the nested
// layout the event type, each struct's validity and the event's time.
class Rows {
 public:
  Rows(const GeneratorConfig& config, Layout layout)
      : config_(config), layout_(layout), people_(kPersonFields), auctions_(kAuctionFields), bids_(kBidFields) {}

  // Room for the rows of `events` events, `per_kind` of each kind.
  arrow::Status Reserve(int64_t events, const std::array<int64_t, 3>& per_kind) {
    for (auto [kind, columns] : Kinds()) {
      int64_t values = per_kind[static_cast<int>(kind)];
      if (layout_ == LayoutOf(kind)) ARROW_RETURN_NOT_OK(columns->Reserve(values, values));
      if (layout_ == Layout::kEvents) ARROW_RETURN_NOT_OK(columns->Reserve(events, values));
    }
    if (layout_ != Layout::kEvents) return arrow::Status::OK();
    ARROW_RETURN_NOT_OK(types_.Reserve(events));
    for (auto& v : valid_) ARROW_RETURN_NOT_OK(v.Reserve(events));
    return times_.Reserve(events);
  }

  arrow::Status Add(int64_t event) {
    EventKind kind = KindOf(event);
    if (layout_ != Layout::kEvents && layout_ != LayoutOf(kind)) return arrow::Status::OK();
    if (layout_ == Layout::kEvents) {
      types_.UnsafeAppend(static_cast<int32_t>(kind));
      for (int k = 0; k < 3; ++k) valid_[k].UnsafeAppend(k == static_cast<int>(kind));
      times_.UnsafeAppend(TimestampMs(config_, event) * 1000);
      for (auto [other, columns] : Kinds()) {
        if (other != kind) columns->Null();
      }
    }
    switch (kind) {
      case EventKind::kPerson:
        MakePerson(config_, event, &person_);
        ARROW_RETURN_NOT_OK(people_.FlushNulls());
        return Append(person_, people_);
      case EventKind::kAuction:
        MakeAuction(config_, event, &auction_);
        ARROW_RETURN_NOT_OK(auctions_.FlushNulls());
        return Append(auction_, auctions_);
      case EventKind::kBid:
        MakeBid(config_, event, &bid_);
        ARROW_RETURN_NOT_OK(bids_.FlushNulls());
        return Append(bid_, bids_);
    }
    return arrow::Status::OK();
  }

  arrow::Result<std::shared_ptr<arrow::Table>> Finish() {
    ARROW_ASSIGN_OR_RAISE(auto schema, ToArrowSchema(*Schema(layout_)));
    switch (layout_) {
      case Layout::kPerson: return FlatTable(schema, people_);
      case Layout::kAuction: return FlatTable(schema, auctions_);
      case Layout::kBid: return FlatTable(schema, bids_);
      case Layout::kEvents: break;
    }
    std::vector<ArrayPtr> columns(5);
    ARROW_ASSIGN_OR_RAISE(columns[0], types_.Finish());
    for (auto [kind, kind_columns] : Kinds()) {
      int k = static_cast<int>(kind);
      ARROW_ASSIGN_OR_RAISE(auto children, kind_columns->Finish());
      std::shared_ptr<arrow::BooleanArray> valid;
      ARROW_RETURN_NOT_OK(valid_[k].Finish(&valid));
      const auto& type = static_cast<const arrow::StructType&>(*schema->field(k + 1)->type());
      ARROW_ASSIGN_OR_RAISE(columns[k + 1], arrow::StructArray::Make(children, type.fields(), valid->data()->buffers[1],
                                                                     valid->length() - valid->true_count()));
    }
    ARROW_ASSIGN_OR_RAISE(columns[4], times_.Finish());
    return arrow::Table::Make(schema, columns);
  }

 private:
  std::array<std::pair<EventKind, Columns*>, 3> Kinds() {
    return {{{EventKind::kPerson, &people_}, {EventKind::kAuction, &auctions_}, {EventKind::kBid, &bids_}}};
  }

  static arrow::Result<std::shared_ptr<arrow::Table>> FlatTable(const std::shared_ptr<arrow::Schema>& schema,
                                                                Columns& columns) {
    ARROW_ASSIGN_OR_RAISE(auto arrays, columns.Finish());
    return arrow::Table::Make(schema, arrays);
  }

  const GeneratorConfig& config_;
  Layout layout_;
  Columns people_, auctions_, bids_;
  arrow::Int32Builder types_;
  arrow::BooleanBuilder valid_[3];
  arrow::TimestampBuilder times_{arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), arrow::default_memory_pool()};
  Person person_;
  Auction auction_;
  Bid bid_;
};

}  // namespace

StructTypePtr Schema(Layout layout) {
  switch (layout) {
    case Layout::kPerson: return PersonType();
    case Layout::kAuction: return AuctionType();
    case Layout::kBid: return BidType();
    case Layout::kEvents: break;
  }
  return types::Struct({{"event_type", types::Int()},
                        {"person", PersonType()},
                        {"auction", AuctionType()},
                        {"bid", BidType()},
                        {"dateTime", types::Timestamp()}});
}

namespace {

// The rows of one range's events, in event order.
arrow::Result<std::shared_ptr<arrow::Table>> GenerateRange(const GeneratorConfig& config, Layout layout,
                                                           int64_t partitions, const PartitionRange& range) {
  Rows rows(config, layout);
  std::array<int64_t, 3> per_kind{};
  for (int64_t i = range.from; i < range.to; ++i) {
    ++per_kind[static_cast<int>(KindOf(range.partition + i * partitions))];
  }
  ARROW_RETURN_NOT_OK(rows.Reserve(range.to - range.from, per_kind));
  for (int64_t i = range.from; i < range.to; ++i) ARROW_RETURN_NOT_OK(rows.Add(range.partition + i * partitions));
  return rows.Finish();
}

}  // namespace

arrow::Result<std::shared_ptr<arrow::Table>> Generate(const GeneratorConfig& config, Layout layout,
                                                      int64_t partitions,
                                                      const std::vector<PartitionRange>& ranges) {
  if (ranges.size() == 1) return GenerateRange(config, layout, partitions, ranges[0]);
  // Several ranges (partitions): each on a thread of its own, the tables then
  // chained in the ranges' order.
  std::vector<arrow::Result<std::shared_ptr<arrow::Table>>> parts(ranges.size());
  std::vector<std::thread> threads;
  for (size_t k = 0; k < ranges.size(); ++k) {
    threads.emplace_back([&, k] { parts[k] = GenerateRange(config, layout, partitions, ranges[k]); });
  }
  for (auto& t : threads) t.join();
  std::vector<std::shared_ptr<arrow::Table>> tables;
  for (auto& part : parts) {
    ARROW_ASSIGN_OR_RAISE(auto table, std::move(part));
    tables.push_back(std::move(table));
  }
  if (tables.empty()) return Rows(config, layout).Finish();
  return arrow::ConcatenateTables(tables);
}

}  // namespace spate::nexmark
