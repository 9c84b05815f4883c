#include "spate/connectors/file/parquet_io.h"

#include <arrow/filesystem/filesystem.h>
#include <arrow/io/file.h>
#include <arrow/table.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/schema.h>
#include <parquet/arrow/writer.h>
#include <parquet/properties.h>

namespace spate {

namespace {

arrow::Result<arrow::Compression::type> Codec(const std::string& name) {
  if (name == "snappy") return arrow::Compression::SNAPPY;
  if (name == "gzip") return arrow::Compression::GZIP;
  if (name == "zstd") return arrow::Compression::ZSTD;
  if (name == "lz4" || name == "lz4_raw") return arrow::Compression::LZ4;
  if (name == "brotli") return arrow::Compression::BROTLI;
  if (name == "none" || name == "uncompressed") return arrow::Compression::UNCOMPRESSED;
  return arrow::Status::Invalid("Codec [", name, "] is not available. Available codecs are "
                                "brotli, uncompressed, lz4, gzip, lz4_raw, none, snappy, zstd.");
}

// The Parquet column numbers of `field`'s leaves.
void AddLeaves(const parquet::arrow::SchemaField& field, std::vector<int>* leaves) {
  if (field.is_leaf()) leaves->push_back(field.column_index);
  for (const auto& child : field.children) AddLeaves(child, leaves);
}

}  // namespace

arrow::Status WriteParquetFile(const arrow::Table& table, const std::string& path) {
  return WriteParquetFile(table, path, "snappy");
}

arrow::Status WriteParquetFile(const arrow::Table& table, const std::string& path,
                               const std::string& compression) {
  return WriteParquetFile(table, path, compression, nullptr);
}

arrow::Status WriteParquetFile(const arrow::Table& table, const std::string& path,
                               const std::string& compression, const FileSystemPtr& store) {
  ARROW_ASSIGN_OR_RAISE(auto codec, Codec(compression));
  std::shared_ptr<arrow::io::OutputStream> out;
  if (store) {
    ARROW_ASSIGN_OR_RAISE(out, store->OpenOutputStream(ObjectPathOf(path)));
  } else {
    ARROW_ASSIGN_OR_RAISE(out, arrow::io::FileOutputStream::Open(path));
  }
  auto props = parquet::WriterProperties::Builder().compression(codec)->build();
  auto arrow_props = parquet::ArrowWriterProperties::Builder().store_schema()->build();
  ARROW_RETURN_NOT_OK(parquet::arrow::WriteTable(table, arrow::default_memory_pool(), out,
                                                 /*chunk_size=*/1 << 20, props, arrow_props));
  return out->Close();
}

arrow::Result<std::shared_ptr<arrow::Table>> ReadParquetFile(const std::string& path) {
  return ReadParquetFile(path, FileSystemPtr());
}

arrow::Result<std::shared_ptr<arrow::Table>> ReadParquetFile(const std::string& path, const FileSystemPtr& store) {
  std::shared_ptr<arrow::io::RandomAccessFile> in;
  if (store) {
    ARROW_ASSIGN_OR_RAISE(in, store->OpenInputFile(ObjectPathOf(path)));
  } else {
    ARROW_ASSIGN_OR_RAISE(in, arrow::io::ReadableFile::Open(path));
  }
  ARROW_ASSIGN_OR_RAISE(auto reader, parquet::arrow::OpenFile(in, arrow::default_memory_pool()));
  return reader->ReadTable();
}

arrow::Result<std::shared_ptr<arrow::Table>> ReadParquetFile(const std::string& path,
                                                             const std::function<bool(const arrow::Field&)>& keep,
                                                             const FileSystemPtr& store) {
  std::shared_ptr<arrow::io::RandomAccessFile> in;
  if (store) {
    ARROW_ASSIGN_OR_RAISE(in, store->OpenInputFile(ObjectPathOf(path)));
  } else {
    ARROW_ASSIGN_OR_RAISE(in, arrow::io::ReadableFile::Open(path));
  }
  ARROW_ASSIGN_OR_RAISE(auto reader, parquet::arrow::OpenFile(in, arrow::default_memory_pool()));
  // The reader takes the Parquet columns (the leaves) of the fields to read.
  std::vector<int> leaves;
  for (const auto& field : reader->manifest().schema_fields) {
    if (keep(*field.field)) AddLeaves(field, &leaves);
  }
  return reader->ReadTable(leaves);
}

}  // namespace spate
