#pragma once

// The streaming file source and sink (formats parquet, json, csv, text):
// readStream.format("json").schema(...).load(dir) reads the files that
// appear in `dir`, each once, across restarts; writeStream...start(dir)
// writes part files and commits them batch by batch to `_spark_metadata`.

#include <memory>
#include <string>

#include <arrow/result.h>

#include "spate/connectors/registry.h"

namespace spate {

/// The options of Spark's FileStreamOptions, checked as Spark checks them.
struct FileSourceOptions {
  std::optional<int64_t> max_files_per_trigger;
  std::optional<int64_t> max_bytes_per_trigger;
  bool latest_first = false;
  bool file_name_only = false;
  bool recursive_file_lookup = false;
  int64_t max_file_age_ms = 7LL * 24 * 3600 * 1000;  // a week, as Spark
  std::string clean_source = "off";                  // "off", "archive", "delete"
  std::string source_archive_dir;
  std::string path_glob_filter;
};
arrow::Result<FileSourceOptions> ParseFileSourceOptions(const Options& options);

arrow::Result<std::shared_ptr<StreamSourceFactory>> MakeFileStreamSource(const std::string& format,
                                                                         const SourceRequest& request);
arrow::Result<std::shared_ptr<StreamSink>> MakeFileStreamSink(const std::string& format,
                                                              const SinkRequest& request);

}  // namespace spate
