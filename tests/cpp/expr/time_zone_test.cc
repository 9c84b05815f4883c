#include "spate/expr/time_zone.h"

#include <string>

#include <gtest/gtest.h>

#include "spate/common/error.h"

// Expected ids and offsets are java.time's ZoneId.of(text, ZoneId.SHORT_IDS)
// after Spark's rewrites of pre-3.0 offsets (DateTimeUtils.getZoneId).

namespace spate {
namespace {

void ExpectZone(const std::string& text, const std::string& id, const std::string& region,
                int32_t offset_seconds) {
  auto zone = ResolveTimeZone(text);
  ASSERT_TRUE(zone.ok()) << text << ": " << zone.status().ToString();
  EXPECT_EQ(zone->id, id) << text;
  EXPECT_EQ(zone->region, region) << text;
  EXPECT_EQ(zone->offset_seconds, offset_seconds) << text;
}

TEST(TimeZoneTest, FixedOffsetsInEveryFormSparkReads) {
  ExpectZone("+08:00", "+08:00", "", 8 * 3600);
  ExpectZone("+8", "+08:00", "", 8 * 3600);
  ExpectZone("-0830", "-08:30", "", -(8 * 3600 + 1800));
  ExpectZone("+01:02:03", "+01:02:03", "", 3723);
  ExpectZone("+010203", "+01:02:03", "", 3723);
  ExpectZone("+8:00:00", "+08:00", "", 8 * 3600);
  ExpectZone("+18:00", "+18:00", "", 18 * 3600);
  ExpectZone("Z", "Z", "", 0);
  ExpectZone("+00:00", "Z", "", 0);
}

TEST(TimeZoneTest, PrefixedOffsetsKeepTheirPrefix) {
  ExpectZone("GMT+08:00", "GMT+08:00", "", 8 * 3600);
  ExpectZone("GMT-3", "GMT-03:00", "", -3 * 3600);
  ExpectZone("UTC+5:30", "UTC+05:30", "", 5 * 3600 + 1800);
  ExpectZone("GMT+8:3", "GMT+08:03", "", 8 * 3600 + 180);
  ExpectZone("UT+01", "UT+01:00", "", 3600);
  ExpectZone("UTC", "UTC", "", 0);
  ExpectZone("GMT", "GMT", "", 0);
  ExpectZone("UT", "UT", "", 0);
  ExpectZone("GMT+0", "GMT", "", 0);
}

TEST(TimeZoneTest, RegionsAndShortIds) {
  ExpectZone("America/Los_Angeles", "America/Los_Angeles", "America/Los_Angeles", 0);
  ExpectZone("PST", "America/Los_Angeles", "America/Los_Angeles", 0);
  ExpectZone("EST", "-05:00", "", -5 * 3600);
  ExpectZone("GMT0", "GMT0", "GMT0", 0);
}

TEST(TimeZoneTest, ZonesSparkRejectsAreInvalidTimezone) {
  for (const char* text : {"", "Bad/Zone", "utc", "gmt+8", "+19:00", "+18:00:01", "UTC+", "  UTC",
                           "america/los_angeles", "+8:0:0", "GMT+08:00 "}) {
    auto zone = ResolveTimeZone(text);
    ASSERT_FALSE(zone.ok()) << "'" << text << "'";
    EXPECT_EQ(ErrorClassOf(zone.status()), "INVALID_TIMEZONE") << text;
  }
}

TEST(TimeZoneTest, ConversionsWithFixedOffsetsAndRegions) {
  constexpr int64_t kHour = 3600LL * 1000000;
  auto wall = UtcToLocal({0, std::nullopt}, "GMT-3");
  ASSERT_TRUE(wall.ok());
  EXPECT_EQ((*wall)[0], -3 * kHour);
  EXPECT_FALSE((*wall)[1].has_value());
  auto utc = LocalToUtc({0}, "UTC+5:30");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ((*utc)[0], -(5 * kHour + kHour / 2));
  // 2021-06-01T12:00Z is 05:00 in Los Angeles (daylight time, -7).
  auto offset = OffsetSecondsAt(1622548800LL * 1000000, "PST");
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(*offset, -7 * 3600);
  EXPECT_FALSE(UtcToLocal({0}, "Nowhere/City").ok());
}

}  // namespace
}  // namespace spate
