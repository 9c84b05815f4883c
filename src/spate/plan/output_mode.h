#pragma once

// A streaming query's output mode: which rows each batch hands its sink.

namespace spate {

enum class OutputMode { kAppend, kUpdate, kComplete };

/// "Append", "Update", "Complete": as Spark's messages name the modes.
inline const char* OutputModeName(OutputMode mode) {
  switch (mode) {
    case OutputMode::kAppend: return "Append";
    case OutputMode::kUpdate: return "Update";
    case OutputMode::kComplete: return "Complete";
  }
  return "?";
}

}  // namespace spate
