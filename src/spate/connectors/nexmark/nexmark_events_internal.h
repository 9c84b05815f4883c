#pragma once

// One Nexmark event's values, made from its number and the seed. Strings
// point into the event's own buffers or into constant tables, valid until
// the event is made again.

#include <cstdint>
#include <string_view>

#include "spate/connectors/nexmark/nexmark_generator.h"

namespace spate::nexmark {

/// A random sequence for one event: a splitmix64 stream whose start mixes
/// the seed and the event number, so events draw independently.
class Random {
 public:
  Random(uint64_t seed, int64_t event) : state_(Mix(Mix(seed) ^ static_cast<uint64_t>(event))) {}
  uint64_t Next() { return Mix(state_ += 0x9e3779b97f4a7c15ULL); }
  /// Uniform in [0, n), n > 0.
  int64_t Below(int64_t n) {
    return static_cast<int64_t>((static_cast<unsigned __int128>(Next()) * static_cast<uint64_t>(n)) >> 64);
  }
  /// Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t state_;
};

/// A string made for one event, at most N bytes.
template <int N>
struct Text {
  char data[N];
  int size = 0;
  std::string_view view() const { return {data, static_cast<size_t>(size)}; }
};

struct Person {
  int64_t id;
  std::string_view name, email, credit_card, city, state;
  int64_t date_time_ms;
  std::string_view extra;
  Text<24> name_text, email_text, card_text;
};

struct Auction {
  int64_t id;
  std::string_view item_name, description;
  int64_t initial_bid, reserve, date_time_ms, expires_ms, seller, category;
  std::string_view extra;
  Text<24> item_text;
  Text<104> description_text;
};

struct Bid {
  int64_t auction, bidder, price;
  std::string_view channel, url;
  int64_t date_time_ms;
  std::string_view extra;
};

void MakePerson(const GeneratorConfig& config, int64_t event, Person* out);
void MakeAuction(const GeneratorConfig& config, int64_t event, Auction* out);
void MakeBid(const GeneratorConfig& config, int64_t event, Bid* out);

}  // namespace spate::nexmark
