#pragma once

// Transparent huge pages for the process. Where the kernel backs new memory
// with 2 MB pages ("always"), the first touch of each one zeroes all of it:
// a query's memory pool growing by a few buffers stalls for tens of
// milliseconds at a time, which decides the tail latency of a query that
// answers within milliseconds, and a Kafka micro-batch over a backlog took
// about a third longer with them.

#include <arrow/status.h>

namespace spate {

class RuntimeConfig;

/// spate.streaming.disableTransparentHugePages (default true): when a
/// streaming query starts, turns transparent huge pages off for the whole
/// process (Linux's PR_SET_THP_DISABLE; nothing elsewhere).
/// A value other than true or false is an error naming the two.
arrow::Status ApplyHugePagesSetting(const RuntimeConfig& conf);

/// Whether transparent huge pages are off for this process.
bool TransparentHugePagesDisabled();

}  // namespace spate
