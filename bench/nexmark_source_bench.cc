// The nexmark source's speed on one core: events/s generated straight into
// Arrow for each layout (every event nested, or only the bids, auctions or
// people), then a stream of `events` events into the noop sink in batches
// of a million. Prints the median of `runs` runs (3 by default).
//
//   build/release/bench/nexmark_source_bench [events] [runs]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <arrow/api.h>

#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/session.h"
#include "spate/connectors/nexmark/nexmark_generator.h"

namespace {

using spate::nexmark::Layout;

// The median seconds of `runs` calls of `run`, or a negative number if one failed.
double MedianSeconds(int runs, const std::function<bool()>& run) {
  std::vector<double> seconds;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    if (!run()) return -1;
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  return seconds[seconds.size() / 2];
}

void Print(const char* name, int64_t events, double seconds) {
  if (seconds < 0) return;
  std::printf("%-28s %12.0f events/s  (%lld events, %.3f s)\n", name, events / seconds,
              static_cast<long long>(events), seconds);
}

void Generator(const char* name, Layout layout, int64_t events, int runs) {
  double s = MedianSeconds(runs, [&] {
    auto table = spate::nexmark::Generate({}, layout, 1, {{0, 0, events}});
    if (!table.ok()) std::fprintf(stderr, "%s: %s\n", name, table.status().ToString().c_str());
    return table.ok();
  });
  Print(name, events, s);
}

void Stream(int64_t events, int runs) {
  auto session = spate::Session::Make({{"spark.ui.enabled", "false"}});
  double s = MedianSeconds(runs, [&] {
    auto df = session->ReadStream().format("nexmark").option("numEvents", std::to_string(events)).load();
    auto query = df.writeStream().format("noop").trigger(spate::Trigger::AvailableNow()).start();
    arrow::Status status = query.ok() ? (*query)->awaitTermination() : query.status();
    if (!status.ok()) std::fprintf(stderr, "stream: %s\n", status.ToString().c_str());
    return status.ok();
  });
  Print("stream to noop (nested)", events, s);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t events = argc > 1 ? std::atoll(argv[1]) : 5'000'000;
  int runs = argc > 2 ? std::atoi(argv[2]) : 3;
  Generator("generate nested events", Layout::kEvents, events, runs);
  Generator("generate table=bid", Layout::kBid, events, runs);
  Generator("generate table=auction", Layout::kAuction, events, runs);
  Generator("generate table=person", Layout::kPerson, events, runs);
  Stream(events, runs);
  return 0;
}
