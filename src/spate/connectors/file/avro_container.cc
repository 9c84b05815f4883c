#include "spate/connectors/file/avro_container.h"

#include <random>

#include <arrow/api.h>
#include <arrow/util/compression.h>
#include <fmt/format.h>
#include <lzma.h>

#include "spate/common/crc32.h"
#include "spate/common/strings.h"
#include "spate/expr/avro_codec.h"
#include "spate/types/arrow_types.h"
#include "spate/types/avro_schema.h"

namespace spate {

namespace {

constexpr char kMagic[] = {'O', 'b', 'j', 1};
constexpr int64_t kRowsPerBlock = 4096;

arrow::Status Corrupt(const std::string& what) {
  return arrow::Status::IOError("Not a valid Avro data file: ", what);
}

// ---------------------------------------------------------------------------
// Codecs

arrow::Result<std::unique_ptr<arrow::util::Codec>> MakeCodec(const std::string& name, int level) {
  if (name == "deflate") {
    arrow::util::GZipCodecOptions options;
    options.gzip_format = arrow::util::GZipFormat::DEFLATE;  // raw deflate, as Avro writes it
    if (level >= 0) options.compression_level = level;
    return arrow::util::Codec::Create(arrow::Compression::GZIP, options);
  }
  if (name == "snappy") return arrow::util::Codec::Create(arrow::Compression::SNAPPY);
  if (name == "zstandard") return arrow::util::Codec::Create(arrow::Compression::ZSTD);
  if (name == "bzip2") return arrow::util::Codec::Create(arrow::Compression::BZ2);
  return arrow::Status::NotImplemented("the Avro codec ", name, " is not supported");
}

// A block through a codec's streaming compressor (Arrow's bzip2 has no one-shot form).
arrow::Result<std::string> CompressStream(arrow::util::Codec* codec, std::string_view in) {
  ARROW_ASSIGN_OR_RAISE(auto c, codec->MakeCompressor());
  std::string out(in.size() / 2 + 1024, '\0');
  size_t written = 0;
  const auto* pos = reinterpret_cast<const uint8_t*>(in.data());
  int64_t left = static_cast<int64_t>(in.size());
  auto room = [&] {
    if (written + 64 > out.size()) out.resize(out.size() * 2);
    return static_cast<int64_t>(out.size() - written);
  };
  while (left > 0) {
    int64_t space = room();
    ARROW_ASSIGN_OR_RAISE(auto r, c->Compress(left, pos, space, reinterpret_cast<uint8_t*>(out.data()) + written));
    pos += r.bytes_read;
    left -= r.bytes_read;
    written += static_cast<size_t>(r.bytes_written);
    if (r.bytes_read == 0 && r.bytes_written == 0) out.resize(out.size() * 2);
  }
  while (true) {
    int64_t space = room();
    ARROW_ASSIGN_OR_RAISE(auto r, c->End(space, reinterpret_cast<uint8_t*>(out.data()) + written));
    written += static_cast<size_t>(r.bytes_written);
    if (!r.should_retry) break;
    out.resize(out.size() * 2);
  }
  out.resize(written);
  return out;
}

// Avro's xz blocks: whole .xz streams (as XZCodec writes them), on liblzma.
arrow::Result<std::string> XzCompress(std::string_view in, int level) {
  std::string out(lzma_stream_buffer_bound(in.size()), '\0');
  size_t written = 0;
  lzma_ret r = lzma_easy_buffer_encode(static_cast<uint32_t>(level), LZMA_CHECK_CRC64, nullptr,
                                       reinterpret_cast<const uint8_t*>(in.data()), in.size(),
                                       reinterpret_cast<uint8_t*>(out.data()), &written, out.size());
  if (r != LZMA_OK) return arrow::Status::IOError("xz compression failed (liblzma error ", static_cast<int>(r), ")");
  out.resize(written);
  return out;
}

arrow::Result<std::string> XzDecompress(std::string_view in) {
  lzma_stream s = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK) return arrow::Status::OutOfMemory("xz decoder");
  s.next_in = reinterpret_cast<const uint8_t*>(in.data());
  s.avail_in = in.size();
  std::string out(std::max<size_t>(in.size() * 4, 1024), '\0');
  size_t written = 0;
  lzma_ret r;
  do {  // LZMA_OK: the output is full; grow it and go on
    if (written == out.size()) out.resize(out.size() * 2);
    s.next_out = reinterpret_cast<uint8_t*>(out.data()) + written;
    s.avail_out = out.size() - written;
    r = lzma_code(&s, LZMA_FINISH);
    written = out.size() - s.avail_out;
  } while (r == LZMA_OK);
  lzma_end(&s);
  if (r != LZMA_STREAM_END) return Corrupt("an xz block does not decompress");
  out.resize(written);
  return out;
}

// A stream (deflate, zstd) decompressed without knowing its size first.
arrow::Result<std::string> Inflate(arrow::util::Codec* codec, std::string_view in) {
  ARROW_ASSIGN_OR_RAISE(auto d, codec->MakeDecompressor());
  std::string out;
  size_t written = 0;
  const auto* pos = reinterpret_cast<const uint8_t*>(in.data());
  int64_t left = static_cast<int64_t>(in.size());
  out.resize(std::max<size_t>(in.size() * 4, 1024));
  while (true) {
    if (written == out.size()) out.resize(out.size() * 2);
    ARROW_ASSIGN_OR_RAISE(auto r, d->Decompress(left, pos, static_cast<int64_t>(out.size() - written),
                                               reinterpret_cast<uint8_t*>(out.data()) + written));
    pos += r.bytes_read;
    left -= r.bytes_read;
    written += static_cast<size_t>(r.bytes_written);
    if (d->IsFinished() || (left == 0 && !r.need_more_output && r.bytes_written == 0)) break;
    if (r.need_more_output) out.resize(out.size() * 2);
  }
  out.resize(written);
  return out;
}

// Avro's snappy blocks: raw snappy, then the CRC-32 of the uncompressed bytes (big-endian).
arrow::Result<std::string> Unsnappy(arrow::util::Codec* codec, std::string_view in) {
  if (in.size() < 4) return Corrupt("a snappy block without its checksum");
  std::string_view data = in.substr(0, in.size() - 4);
  const auto* pos = reinterpret_cast<const uint8_t*>(data.data());
  int64_t length = 0;
  for (int shift = 0, i = 0; i < 5 && i < static_cast<int>(data.size()); ++i, shift += 7) {
    length |= static_cast<int64_t>(pos[i] & 0x7F) << shift;
    if ((pos[i] & 0x80) == 0) break;
  }
  // Snappy expands at most 32 times (a 2-byte copy yields at most 64 bytes): more is corrupt.
  if (length > static_cast<int64_t>(data.size()) * 32 + 64) return Corrupt("a snappy block's length");
  std::string out(static_cast<size_t>(length), '\0');
  ARROW_ASSIGN_OR_RAISE(int64_t n, codec->Decompress(static_cast<int64_t>(data.size()), pos, length,
                                                    reinterpret_cast<uint8_t*>(out.data())));
  out.resize(static_cast<size_t>(n));
  const auto* crc = reinterpret_cast<const uint8_t*>(in.data() + data.size());
  uint32_t expected = (uint32_t{crc[0]} << 24) | (uint32_t{crc[1]} << 16) | (uint32_t{crc[2]} << 8) | crc[3];
  if (Crc32(out) != expected) return Corrupt("checksum failure in a snappy block");
  return out;
}

arrow::Result<std::string> CompressBlock(arrow::util::Codec* codec, const std::string& name,
                                         const std::string& in) {
  const auto* data = reinterpret_cast<const uint8_t*>(in.data());
  int64_t max = codec->MaxCompressedLen(static_cast<int64_t>(in.size()), data);
  std::string out(static_cast<size_t>(max) + 4, '\0');
  ARROW_ASSIGN_OR_RAISE(int64_t n, codec->Compress(static_cast<int64_t>(in.size()), data, max,
                                                  reinterpret_cast<uint8_t*>(out.data())));
  out.resize(static_cast<size_t>(n));
  if (name == "snappy") {
    uint32_t crc = Crc32(in);
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((crc >> shift) & 0xFF));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Header

struct Header {
  std::string schema_json;
  std::string codec = "null";
  std::string sync;
};

bool ReadString(const uint8_t** pos, const uint8_t* end, std::string* out) {
  int64_t len;
  if (!ReadAvroLong(pos, end, &len) || len < 0 || len > end - *pos) return false;
  out->assign(reinterpret_cast<const char*>(*pos), static_cast<size_t>(len));
  *pos += len;
  return true;
}

arrow::Result<Header> ReadHeader(const uint8_t** pos, const uint8_t* end) {
  if (end - *pos < 4 || std::memcmp(*pos, kMagic, 4) != 0) return Corrupt("no Avro magic at the start");
  *pos += 4;
  Header h;
  while (true) {
    int64_t count;
    if (!ReadAvroLong(pos, end, &count)) return Corrupt("the header is cut short");
    if (count == 0) break;
    if (count < 0) {
      int64_t size;
      if (!ReadAvroLong(pos, end, &size)) return Corrupt("the header is cut short");
      count = -count;
    }
    for (int64_t i = 0; i < count; ++i) {
      std::string key, value;
      if (!ReadString(pos, end, &key) || !ReadString(pos, end, &value)) return Corrupt("the header is cut short");
      if (key == "avro.schema") h.schema_json = value;
      if (key == "avro.codec") h.codec = value;
    }
  }
  if (end - *pos < 16) return Corrupt("no sync marker");
  h.sync.assign(reinterpret_cast<const char*>(*pos), 16);
  *pos += 16;
  if (h.schema_json.empty()) return Corrupt("no avro.schema in the header");
  return h;
}

void AppendBytes(const std::string& s, std::string* out) {
  AppendAvroLong(static_cast<int64_t>(s.size()), out);
  out->append(s);
}

std::string SyncMarker() {
  std::random_device rd;
  std::string sync(16, '\0');
  for (auto& c : sync) c = static_cast<char>(rd() & 0xFF);
  return sync;
}

}  // namespace

std::string AvroContainerHeader(const std::string& schema_json, const std::string& codec,
                                const std::vector<std::pair<std::string, std::string>>& metadata,
                                std::string* sync) {
  std::string out(kMagic, 4);
  AppendAvroLong(static_cast<int64_t>(metadata.size() + 2), &out);
  AppendBytes("avro.schema", &out);
  AppendBytes(schema_json, &out);
  AppendBytes("avro.codec", &out);
  AppendBytes(codec, &out);
  for (const auto& [key, value] : metadata) {
    AppendBytes(key, &out);
    AppendBytes(value, &out);
  }
  AppendAvroLong(0, &out);
  *sync = SyncMarker();
  out += *sync;
  return out;
}

void AppendAvroBlock(int64_t count, std::string_view data, const std::string& sync, std::string* out) {
  AppendAvroLong(count, out);
  AppendAvroLong(static_cast<int64_t>(data.size()), out);
  out->append(data);
  out->append(sync);
}

arrow::Result<std::string> AvroContainerSchema(const std::string& bytes) {
  const auto* pos = reinterpret_cast<const uint8_t*>(bytes.data());
  ARROW_ASSIGN_OR_RAISE(Header h, ReadHeader(&pos, pos + bytes.size()));
  return h.schema_json;
}

arrow::Result<AvroFileRows> ReadAvroContainer(const std::string& bytes, const std::string& reader_schema,
                                              int recursive_max_depth) {
  const auto* pos = reinterpret_cast<const uint8_t*>(bytes.data());
  const auto* end = pos + bytes.size();
  ARROW_ASSIGN_OR_RAISE(Header h, ReadHeader(&pos, end));
  AvroFileRows out;
  out.schema_json = h.schema_json;
  ARROW_ASSIGN_OR_RAISE(auto avro, ParseAvroSchema(h.schema_json, recursive_max_depth));
  if (avro->kind != AvroKind::kRecord) {
    return arrow::Status::Invalid("The Avro file's schema is not a record: ", h.schema_json);
  }
  AvroSchemaPtr reader;
  if (!reader_schema.empty()) {
    ARROW_ASSIGN_OR_RAISE(reader, ParseAvroSchema(reader_schema, recursive_max_depth));
    if (reader->kind != AvroKind::kRecord) return arrow::Status::Invalid("avroSchema is not a record: ", reader_schema);
  }
  out.schema = std::static_pointer_cast<const StructType>(AvroToSparkType(reader ? *reader : *avro).type);
  std::unique_ptr<arrow::util::Codec> codec;
  if (h.codec != "null" && h.codec != "xz") {
    ARROW_ASSIGN_OR_RAISE(codec, MakeCodec(h.codec, -1));
  }
  ARROW_ASSIGN_OR_RAISE(auto decoder, AvroDecoder::Make(avro, out.schema, reader));
  while (pos < end) {
    int64_t count, size;
    if (!ReadAvroLong(&pos, end, &count) || !ReadAvroLong(&pos, end, &size) || count < 0 || size < 0 ||
        size > end - pos) {
      return Corrupt("a block is cut short");
    }
    std::string_view raw(reinterpret_cast<const char*>(pos), static_cast<size_t>(size));
    pos += size;
    if (end - pos < 16 || std::memcmp(pos, h.sync.data(), 16) != 0) return Corrupt("Invalid sync!");
    pos += 16;
    std::string block;
    if (h.codec == "snappy") {
      ARROW_ASSIGN_OR_RAISE(block, Unsnappy(codec.get(), raw));
    } else if (h.codec == "xz") {
      ARROW_ASSIGN_OR_RAISE(block, XzDecompress(raw));
    } else if (codec) {
      ARROW_ASSIGN_OR_RAISE(block, Inflate(codec.get(), raw));
    } else {
      block.assign(raw);
    }
    const auto* p = reinterpret_cast<const uint8_t*>(block.data());
    const auto* block_end = p + block.size();
    for (int64_t i = 0; i < count; ++i) {
      ARROW_ASSIGN_OR_RAISE(bool ok, decoder->Append(&p, block_end));
      if (!ok) return Corrupt("a malformed record in a block");
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto rows, decoder->Finish());
  ARROW_ASSIGN_OR_RAISE(auto batch, arrow::RecordBatch::FromStructArray(rows));
  ARROW_ASSIGN_OR_RAISE(auto arrow_schema, ToArrowSchema(*out.schema));
  ARROW_ASSIGN_OR_RAISE(out.table, arrow::Table::FromRecordBatches(arrow_schema, {batch}));
  return out;
}

arrow::Result<std::string> WriteAvroContainer(const arrow::Table& rows, const StructType& schema,
                                              const AvroWriteOptions& options) {
  std::string schema_json = options.schema_json;
  if (schema_json.empty()) {
    ARROW_ASSIGN_OR_RAISE(schema_json, SparkTypeToAvroJson(schema, false, options.record_name,
                                                           options.record_namespace));
  }
  ARROW_ASSIGN_OR_RAISE(auto avro, ParseAvroSchema(schema_json));
  auto struct_type = types::Struct(schema.fields());
  ARROW_ASSIGN_OR_RAISE(auto encoder, AvroEncoder::Make(avro, struct_type));
  std::string codec_name = AsciiLower(options.codec);
  if (codec_name == "uncompressed" || codec_name == "none") codec_name = "null";
  if (codec_name == "zstd") codec_name = "zstandard";
  std::unique_ptr<arrow::util::Codec> codec;
  if (codec_name != "null" && codec_name != "xz") {
    ARROW_ASSIGN_OR_RAISE(codec, MakeCodec(codec_name, options.deflate_level));
  }

  std::string sync;
  std::string out = AvroContainerHeader(schema_json, codec_name, {}, &sync);

  ARROW_ASSIGN_OR_RAISE(auto batch, rows.CombineChunksToBatch());
  ARROW_ASSIGN_OR_RAISE(auto records, batch->ToStructArray());
  std::string block;
  AvroEncoder::Input bound = encoder->Bind(*records);
  for (int64_t start = 0; start < records->length(); start += kRowsPerBlock) {
    int64_t count = std::min(kRowsPerBlock, records->length() - start);
    block.clear();
    for (int64_t row = start; row < start + count; ++row) {
      ARROW_RETURN_NOT_OK(encoder->Encode(bound, row, &block));
    }
    std::string data = block;
    if (codec_name == "xz") {
      ARROW_ASSIGN_OR_RAISE(data, XzCompress(block, options.xz_level));
    } else if (codec_name == "bzip2") {
      ARROW_ASSIGN_OR_RAISE(data, CompressStream(codec.get(), block));
    } else if (codec) {
      ARROW_ASSIGN_OR_RAISE(data, CompressBlock(codec.get(), codec_name, block));
    }
    AppendAvroBlock(count, data, sync, &out);
  }
  return out;
}

}  // namespace spate
