#include "spate/connectors/file/line_pieces.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/object_store.h"
#include "spate/common/runtime_config.h"
#include "spate/common/task_pool.h"
#include "spate/connectors/file/file_listing.h"

namespace spate {

namespace {

// The setting for the piece size (not Spark's: it changes nothing a query
// shows, only how the reading is shared among threads).
constexpr const char* kPieceBytesKey = "spate.sql.files.readPieceBytes";
constexpr int64_t kDefaultPieceBytes = 4 << 20;

arrow::Result<int64_t> PieceBytes(const RuntimeConfig& conf) {
  auto text = conf.Get(kPieceBytesKey);
  if (!text) return kDefaultPieceBytes;
  char* end = nullptr;
  errno = 0;
  long long bytes = std::strtoll(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || errno != 0 || bytes < 1) {
    return arrow::Status::Invalid(
        fmt::format("{} is '{}': it must be a whole number of bytes, at least 1", kPieceBytesKey, *text));
  }
  return static_cast<int64_t>(bytes);
}

// A byte range of a file; `whole`: the file read at once (gzipped, or in an
// object store), `start` and `length` unused.
struct Piece {
  size_t file;
  int64_t start;
  int64_t length;
  bool whole;
};

// The pieces of the request's files, in file and byte order; a local file of
// no bytes is one piece of none (it still gives its table, without rows).
arrow::Result<std::vector<Piece>> CutPieces(const FileReadRequest& r) {
  ARROW_ASSIGN_OR_RAISE(const int64_t piece_bytes, PieceBytes(*r.conf));
  std::vector<Piece> out;
  for (size_t i = 0; i < r.files->size(); ++i) {
    const std::string& path = (*r.files)[i].path;
    ARROW_ASSIGN_OR_RAISE(FileSystemPtr store, FileSystemFor(*r.conf, path));
    std::error_code error;
    auto size = store ? 0 : std::filesystem::file_size(path, error);
    // Reading the whole file reports what is wrong with one that does not read.
    if (store || error || path.ends_with(".gz")) {
      out.push_back({i, 0, 0, true});
      continue;
    }
    const auto bytes = static_cast<int64_t>(size);
    out.push_back({i, 0, std::min(piece_bytes, bytes), false});
    for (int64_t start = piece_bytes; start < bytes; start += piece_bytes) {
      out.push_back({i, start, std::min(piece_bytes, bytes - start), false});
    }
  }
  return out;
}

// Appends up to `count` bytes of the file at `offset` to `out` (not zeroed
// first: the read fills them); false at the file's end.
arrow::Result<bool> ReadAt(int fd, const std::string& path, int64_t offset, int64_t count,
                           arrow::ResizableBuffer* out) {
  const int64_t old_size = out->size();
  ARROW_RETURN_NOT_OK(out->Resize(old_size + count, /*shrink_to_fit=*/false));
  int64_t got = 0;
  while (got < count) {
    ssize_t n = pread(fd, out->mutable_data() + old_size + got, static_cast<size_t>(count - got),
                      static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return arrow::Status::IOError("cannot read ", path, ": ", std::strerror(errno));
    if (n == 0) break;
    got += n;
  }
  ARROW_RETURN_NOT_OK(out->Resize(old_size + got, /*shrink_to_fit=*/false));
  return got == count;
}

// A piece's bytes: its range, then on to the first line break at or after its
// end (the line that crosses the end is the piece's) and the byte after that
// break (a "\r\n" read whole), or to the file's end.
arrow::Result<std::shared_ptr<arrow::Buffer>> ReadPieceText(const std::string& path, const Piece& piece) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return arrow::Status::IOError("cannot open ", path, ": ", std::strerror(errno));
  auto text = [&]() -> arrow::Result<std::shared_ptr<arrow::Buffer>> {
    constexpr int64_t kStep = 64 << 10;
    ARROW_ASSIGN_OR_RAISE(std::shared_ptr<arrow::ResizableBuffer> out, arrow::AllocateResizableBuffer(0));
    ARROW_RETURN_NOT_OK(out->Reserve(piece.length + kStep));
    ARROW_ASSIGN_OR_RAISE(bool more, ReadAt(fd, path, piece.start, piece.length, out.get()));
    int64_t scanned = piece.length;  // a break before this is not the one sought
    while (more) {
      ARROW_ASSIGN_OR_RAISE(more, ReadAt(fd, path, piece.start + out->size(), kStep, out.get()));
      if (out->size() > scanned + 1) {
        const char* data = reinterpret_cast<const char*>(out->data());
        const char* last = data + out->size() - 1;
        if (FindLineBreak(data + scanned, last) != last) break;
        scanned = out->size() - 1;
      }
    }
    return out;
  }();
  close(fd);
  return text;
}

}  // namespace

std::string_view PieceText::text() const {
  return {reinterpret_cast<const char*>(buffer->data()), static_cast<size_t>(buffer->size())};
}

arrow::Result<std::vector<std::shared_ptr<arrow::Table>>> ReadLinePieces(const FileReadRequest& r,
                                                                         const PieceTable& make) {
  ARROW_ASSIGN_OR_RAISE(std::vector<Piece> pieces, CutPieces(r));
  std::vector<std::shared_ptr<arrow::Table>> tables(pieces.size());
  auto read = [&](int64_t k) -> arrow::Status {
    const Piece& piece = pieces[k];
    const DataFile& file = (*r.files)[piece.file];
    PieceText text{nullptr, piece.start == 0, static_cast<size_t>(piece.length)};
    if (piece.whole) {
      ARROW_ASSIGN_OR_RAISE(std::string whole, ReadFileText(r, file));
      ARROW_ASSIGN_OR_RAISE(text.buffer, arrow::AllocateBuffer(static_cast<int64_t>(whole.size())));
      std::memcpy(text.buffer->mutable_data(), whole.data(), whole.size());
      text.length = whole.size();
    } else {
      ARROW_ASSIGN_OR_RAISE(text.buffer, ReadPieceText(file.path, piece));
    }
    ARROW_ASSIGN_OR_RAISE(tables[k], make(text));
    return arrow::Status::OK();
  };
  TaskPool one_thread(1);
  TaskPool* pool = r.tasks != nullptr ? r.tasks : &one_thread;
  ARROW_RETURN_NOT_OK(pool->ParallelFor(static_cast<int64_t>(pieces.size()), read));
  // A file's table: its pieces' tables as chunks, not copied.
  std::vector<std::shared_ptr<arrow::Table>> out;
  for (size_t k = 0; k < pieces.size();) {
    std::vector<std::shared_ptr<arrow::Table>> of_file;
    for (size_t file = pieces[k].file; k < pieces.size() && pieces[k].file == file; ++k) of_file.push_back(tables[k]);
    ARROW_ASSIGN_OR_RAISE(auto table, arrow::ConcatenateTables(of_file));
    out.push_back(std::move(table));
  }
  return out;
}

}  // namespace spate
