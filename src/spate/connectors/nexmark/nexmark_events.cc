// The rules of Nexmark's reference generator: which kind an event is, which
// ids it creates and picks, and how its field values are drawn. Each rule
// below names the reference rule it follows; the random draws themselves
// come from this file's own generator, seeded per event.

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "spate/connectors/nexmark/nexmark_events_internal.h"

namespace spate::nexmark {

namespace {

// Of every 50 events: 1 person, then 3 auctions, then 46 bids.
constexpr int64_t kPersonProportion = 1;
constexpr int64_t kAuctionProportion = 3;
constexpr int64_t kTotalProportion = 50;

// Picks among the newest 1000 people and the newest 100 auctions, plus 10
// not yet created (a bid may come before its auction, as if reordered).
constexpr int64_t kActivePeople = 1000;
constexpr int64_t kInFlightAuctions = 100;
constexpr int64_t kIdLead = 10;
// The hot seller, bidder and auction are the first (the bidder: the second)
// of the newest block of 100 ids.
constexpr int64_t kHotBlock = 100;
constexpr int64_t kCategories = 5;
// Average event sizes in bytes, which `extra` pads up to.
constexpr int64_t kAvgPersonBytes = 200;
constexpr int64_t kAvgAuctionBytes = 500;
constexpr int64_t kAvgBidBytes = 100;

constexpr std::array<std::string_view, 6> kStates = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr std::array<std::string_view, 10> kCities = {"Phoenix", "Los Angeles", "San Francisco", "Boise",
                                                      "Portland", "Bend", "Redmond", "Seattle", "Kent",
                                                      "Cheyenne"};
constexpr std::array<std::string_view, 11> kFirstNames = {"Peter", "Paul", "Luke", "John", "Saul", "Vicky",
                                                          "Kate", "Julie", "Sarah", "Deiter", "Walter"};
constexpr std::array<std::string_view, 9> kLastNames = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                                        "Walton", "Smith", "Jones", "Noris"};
// Half the bids come from one of four hot channels, the rest from 10,000 others.
constexpr std::array<std::string_view, 4> kHotChannels = {"Google", "Facebook", "Baidu", "Apple"};
constexpr int64_t kChannels = 10000;

template <size_t N>
std::string_view Pick(Random& r, const std::array<std::string_view, N>& values) {
  return values[r.Below(N)];
}

// A string of 3 to max_length - 1 characters: lower-case letters and, one in
// 13, `special`; spaces at either end trimmed.
int RandomString(Random& r, int max_length, char special, char* out) {
  int n = 3 + static_cast<int>(r.Below(max_length - 3));
  for (int i = 0; i < n; ++i) out[i] = r.Below(13) == 0 ? special : static_cast<char>('a' + r.Below(26));
  int begin = 0;
  while (begin < n && out[begin] == ' ') ++begin;
  while (n > begin && out[n - 1] == ' ') --n;
  std::copy(out + begin, out + n, out);
  return n - begin;
}

template <int N>
void SetRandomString(Random& r, int max_length, Text<N>* text) {
  text->size = RandomString(r, max_length, ' ', text->data);
}

// 1 MiB of random letters; `extra` padding is a slice of it.
const std::string& ExtraPool() {
  static const std::string pool = [] {
    Random r(0, -1);
    std::string s(1 << 20, 'a');
    for (char& c : s) c = static_cast<char>('a' + r.Below(26));
    return s;
  }();
  return pool;
}

// Padding so that `current_size` plus it averages `average_size`: uniform
// within 20% either side of the difference.
std::string_view Extra(Random& r, int64_t current_size, int64_t average_size) {
  if (current_size > average_size) return {};
  int64_t wanted = average_size - current_size;
  int64_t delta = std::llround(static_cast<double>(wanted) * 0.2);
  int64_t size = wanted - delta + (delta == 0 ? 0 : r.Below(2 * delta));
  const std::string& pool = ExtraPool();
  return std::string_view(pool).substr(r.Below(static_cast<int64_t>(pool.size()) - size), size);
}

// Prices spread over 1 to 10^6 dollars on a log scale, in cents.
int64_t Price(Random& r) { return std::llround(std::exp(r.Unit() * 6.0 * M_LN10) * 100.0); }

std::string BaseUrl(Random& r) {
  char parts[3][8];
  int sizes[3];
  for (int i = 0; i < 3; ++i) sizes[i] = RandomString(r, 5, '_', parts[i]);
  return fmt::format("https://www.nexmark.com/{}/{}/{}/item.htm?query=1", std::string_view(parts[0], sizes[0]),
                     std::string_view(parts[1], sizes[1]), std::string_view(parts[2], sizes[2]));
}

struct Channel {
  std::string name, url;
};

// The channels and their URLs, the same in every run: a hot channel's URL,
// or another channel's, which nine in ten times names the channel's id (its
// number with the 32 bits reversed).
struct Channels {
  std::vector<Channel> hot, other;
};

const Channels& AllChannels() {
  static const Channels channels = [] {
    Channels c;
    Random r(0, -2);
    for (auto name : kHotChannels) c.hot.push_back({std::string(name), BaseUrl(r)});
    for (int64_t i = 0; i < kChannels; ++i) {
      std::string url = BaseUrl(r);
      uint32_t bits = static_cast<uint32_t>(i), reversed = 0;
      for (int b = 0; b < 32; ++b) reversed |= ((bits >> b) & 1u) << (31 - b);
      if (r.Below(10) > 0) url += fmt::format("&channel_id={}", reversed);
      c.other.push_back({fmt::format("channel-{}", i), std::move(url)});
    }
    return c;
  }();
  return channels;
}

// A person among the active ones, or up to kIdLead beyond the newest.
int64_t RandomPersonId(Random& r, int64_t event) {
  int64_t people = LastPersonId(event) + 1;
  int64_t active = std::min(people, kActivePeople);
  return people - active + r.Below(active + kIdLead);
}

// An auction among the in-flight ones, or up to kIdLead beyond the newest.
int64_t RandomAuctionId(Random& r, int64_t event) {
  int64_t newest = LastAuctionId(event);
  int64_t oldest = std::max<int64_t>(newest - kInFlightAuctions, 0);
  return oldest + r.Below(newest - oldest + 1 + kIdLead);
}

// An auction lasts on average as long as it takes to create kInFlightAuctions more.
int64_t AuctionLengthMs(const GeneratorConfig& config, Random& r, int64_t event, int64_t timestamp_ms) {
  int64_t events_ahead = kInFlightAuctions * kTotalProportion / kAuctionProportion;
  int64_t horizon_ms = TimestampMs(config, event + events_ahead) - timestamp_ms;
  return 1 + r.Below(std::max<int64_t>(horizon_ms * 2, 1));
}

}  // namespace

EventKind KindOf(int64_t event) {
  int64_t offset = event % kTotalProportion;
  if (offset < kPersonProportion) return EventKind::kPerson;
  if (offset < kPersonProportion + kAuctionProportion) return EventKind::kAuction;
  return EventKind::kBid;
}

int64_t LastPersonId(int64_t event) {
  int64_t epoch = event / kTotalProportion;
  int64_t offset = std::min(event % kTotalProportion, kPersonProportion - 1);
  return epoch * kPersonProportion + offset;
}

int64_t LastAuctionId(int64_t event) {
  int64_t epoch = event / kTotalProportion;
  int64_t offset = event % kTotalProportion;
  if (offset < kPersonProportion) {
    // A person: the last auction of the previous 50 events.
    --epoch;
    offset = kAuctionProportion - 1;
  } else {
    offset = std::min(offset - kPersonProportion, kAuctionProportion - 1);
  }
  return epoch * kAuctionProportion + offset;
}

int64_t TimestampMs(const GeneratorConfig& config, int64_t event) {
  return config.base_time_ms + event * 1000 / config.events_per_second;
}

void MakePerson(const GeneratorConfig& config, int64_t event, Person* p) {
  Random r(config.seed, event);
  p->id = LastPersonId(event) + kFirstPersonId;
  auto first = Pick(r, kFirstNames), last = Pick(r, kLastNames);
  p->name_text.size = static_cast<int>(fmt::format_to(p->name_text.data, "{} {}", first, last) - p->name_text.data);
  p->name = p->name_text.view();
  // An email: 3 to 6 characters @ 3 to 4 characters .com
  char* e = p->email_text.data;
  e += RandomString(r, 7, ' ', e);
  *e++ = '@';
  e += RandomString(r, 5, ' ', e);
  e = std::copy_n(".com", 4, e);
  p->email_text.size = static_cast<int>(e - p->email_text.data);
  p->email = p->email_text.view();
  // A credit card: four groups of four digits.
  p->card_text.size = static_cast<int>(fmt::format_to(p->card_text.data, "{:04} {:04} {:04} {:04}", r.Below(10000),
                                                      r.Below(10000), r.Below(10000), r.Below(10000)) -
                                       p->card_text.data);
  p->credit_card = p->card_text.view();
  p->city = Pick(r, kCities);
  p->state = Pick(r, kStates);
  p->date_time_ms = TimestampMs(config, event);
  int64_t size = 8 + p->name.size() + p->email.size() + p->credit_card.size() + p->city.size() + p->state.size();
  p->extra = Extra(r, size, kAvgPersonBytes);
}

void MakeAuction(const GeneratorConfig& config, int64_t event, Auction* a) {
  Random r(config.seed, event);
  a->id = LastAuctionId(event) + kFirstAuctionId;
  a->seller = kFirstPersonId + (r.Below(config.hot_sellers_ratio) > 0
                                    ? LastPersonId(event) / kHotBlock * kHotBlock
                                    : RandomPersonId(r, event));
  a->category = kFirstCategoryId + r.Below(kCategories);
  a->initial_bid = Price(r);
  a->date_time_ms = TimestampMs(config, event);
  a->expires_ms = a->date_time_ms + AuctionLengthMs(config, r, event, a->date_time_ms);
  SetRandomString(r, 20, &a->item_text);
  SetRandomString(r, 100, &a->description_text);
  a->item_name = a->item_text.view();
  a->description = a->description_text.view();
  a->reserve = a->initial_bid + Price(r);
  int64_t size = 8 + a->item_name.size() + a->description.size() + 5 * 8;
  a->extra = Extra(r, size, kAvgAuctionBytes);
}

void MakeBid(const GeneratorConfig& config, int64_t event, Bid* b) {
  Random r(config.seed, event);
  b->auction = kFirstAuctionId + (r.Below(config.hot_auction_ratio) > 0
                                      ? LastAuctionId(event) / kHotBlock * kHotBlock
                                      : RandomAuctionId(r, event));
  b->bidder = kFirstPersonId + (r.Below(config.hot_bidders_ratio) > 0
                                    ? LastPersonId(event) / kHotBlock * kHotBlock + 1
                                    : RandomPersonId(r, event));
  b->price = Price(r);
  const Channels& channels = AllChannels();
  const Channel& channel = r.Below(2) > 0 ? channels.hot[r.Below(channels.hot.size())]
                                          : channels.other[r.Below(kChannels)];
  b->channel = channel.name;
  b->url = channel.url;
  b->date_time_ms = TimestampMs(config, event);
  b->extra = Extra(r, 4 * 8, kAvgBidBytes);
}

}  // namespace spate::nexmark
