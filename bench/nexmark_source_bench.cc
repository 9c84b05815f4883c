// The nexmark source's speed on one core: events/s generated straight into
// Arrow for each layout (every event nested, or only the bids, auctions or
// people), the nested events of two partitions on two threads, then a stream
// of `events` events into the noop sink in batches of a million. Prints the
// median of `runs` runs (3 by default), per second of wall time and per
// second of the process's CPU time (the figure that holds on a busy machine).
//
//   build/release/bench/nexmark_source_bench [events] [runs]

#include <time.h>

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

double CpuSeconds() {
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Seconds {
  double wall = -1, cpu = -1;  // negative: a run failed
};

// The median wall and CPU seconds of `runs` calls of `run`.
Seconds MedianSeconds(int runs, const std::function<bool()>& run) {
  std::vector<double> wall, cpu;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    double cpu_start = CpuSeconds();
    if (!run()) return {};
    wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    cpu.push_back(CpuSeconds() - cpu_start);
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

void Print(const char* name, int64_t events, Seconds s) {
  if (s.wall < 0) return;
  std::printf("%-28s %12.0f events/s wall %12.0f events/CPU-s  (%lld events, %.3f s)\n", name, events / s.wall,
              events / s.cpu, static_cast<long long>(events), s.wall);
}

// `partitions` ranges of events / partitions events each, generated at once.
void Generator(const char* name, Layout layout, int64_t events, int runs, int64_t partitions = 1) {
  std::vector<spate::nexmark::PartitionRange> ranges;
  for (int64_t p = 0; p < partitions; ++p) ranges.push_back({p, 0, events / partitions});
  events = events / partitions * partitions;
  Seconds s = MedianSeconds(runs, [&] {
    auto table = spate::nexmark::Generate({}, layout, partitions, ranges);
    if (!table.ok()) std::fprintf(stderr, "%s: %s\n", name, table.status().ToString().c_str());
    return table.ok();
  });
  Print(name, events, s);
}

void Stream(int64_t events, int runs) {
  auto session = spate::Session::Make({{"spark.ui.enabled", "false"}});
  Seconds s = MedianSeconds(runs, [&] {
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
  Generator("generate nested, 2 partitions", Layout::kEvents, events, runs, 2);
  Stream(events, runs);
  return 0;
}
