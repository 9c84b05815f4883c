#pragma once

// Whole-file Parquet reads and writes through Arrow's Parquet library. The
// streaming file source and sink build on these.

#include <functional>
#include <memory>
#include <string>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/common/object_store.h"

namespace spate {

/// Writes `table` to `path` (Snappy-compressed, Arrow schema stored so that
/// time zones and nullability read back exactly).
arrow::Status WriteParquetFile(const arrow::Table& table, const std::string& path);
/// With a codec named as Spark's `compression` option names it: "snappy",
/// "gzip", "zstd", "lz4", "brotli", "none" / "uncompressed".
arrow::Status WriteParquetFile(const arrow::Table& table, const std::string& path,
                               const std::string& compression);
/// With a `store` (FileSystemFor), `path` is an object store URI in it.
arrow::Status WriteParquetFile(const arrow::Table& table, const std::string& path,
                               const std::string& compression, const FileSystemPtr& store);

/// Reads the whole file at `path`.
arrow::Result<std::shared_ptr<arrow::Table>> ReadParquetFile(const std::string& path);
/// With a `store`, `path` is an object store URI in it.
arrow::Result<std::shared_ptr<arrow::Table>> ReadParquetFile(const std::string& path, const FileSystemPtr& store);
/// Reads only the top-level columns `keep` accepts (the other columns are not
/// read); with a `store`, `path` is an object store URI in it.
arrow::Result<std::shared_ptr<arrow::Table>> ReadParquetFile(const std::string& path,
                                                             const std::function<bool(const arrow::Field&)>& keep,
                                                             const FileSystemPtr& store = nullptr);

}  // namespace spate
