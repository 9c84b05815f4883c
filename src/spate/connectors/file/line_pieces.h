#pragma once

// Text and JSON-lines files read in byte-range pieces, each piece on a thread
// of the scan's task pool. A piece holds the lines that start in its range by
// Hadoop's rule (file_partitions.h SplitOfLine): a piece that does not start
// its file leaves its first line, whole or partial, to the piece before, and
// reads the line that crosses its end. So the pieces' lines, in order, are the
// file's lines, and the rows come out as one thread reads them.

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/common/byte_scan.h"
#include "spate/connectors/file/format_readers.h"

namespace spate {

/// A line of a piece's text: its bytes [start, start + length), and where the
/// line after it starts (past its line break).
struct LineSpan {
  size_t start;
  size_t length;
  size_t next;
};

/// The lines of one piece, each given to `visit` (a LineSpan) in order.
/// `text` holds the file's bytes from the piece's first byte on, through at
/// least the first line break at or after offset `length` and the byte after
/// it (or to the file's end). `first`: the piece starts the file. "\n",
/// "\r\n" and "\r" end a line; a final line break starts no other line.
template <typename Visit>
void ForEachPieceLine(std::string_view text, bool first, size_t length, Visit&& visit) {
  const char* data = text.data();
  const char* end = data + text.size();
  // Where the line after the one ending at `p` (a break, or the end) starts.
  auto after_break = [&](const char* p) {
    if (p == end) return text.size();
    bool crlf = *p == '\r' && p + 1 < end && p[1] == '\n';
    return static_cast<size_t>(p - data) + (crlf ? 2 : 1);
  };
  size_t start = first ? 0 : after_break(FindLineBreak(data, end));
  while (start < text.size() && start <= length) {
    const char* brk = FindLineBreak(data + start, end);
    size_t next = after_break(brk);
    visit(LineSpan{start, static_cast<size_t>(brk - data) - start, next});
    start = next;
  }
}

/// A piece's bytes, in a buffer of its own that may be changed, and where its
/// lines are: ForEachPieceLine(text(), first, length, ...).
struct PieceText {
  std::shared_ptr<arrow::Buffer> buffer;
  bool first;
  size_t length;
  std::string_view text() const;
};

/// A piece's table, made on the piece's thread. The table may keep the
/// piece's buffer (its strings viewing it) and change its bytes.
using PieceTable = std::function<arrow::Result<std::shared_ptr<arrow::Table>>(const PieceText& piece)>;

/// The tables of the request's files, one per file, whose chunks are its
/// pieces' tables in byte order. Local uncompressed files are cut in pieces of
/// spate.sql.files.readPieceBytes (4 MiB by default); a gzipped file or one in
/// an object store is one piece. The pieces run on r.tasks (null: in order on
/// the caller's thread); a failure is the one of the first failing piece in
/// file and byte order.
arrow::Result<std::vector<std::shared_ptr<arrow::Table>>> ReadLinePieces(const FileReadRequest& r,
                                                                         const PieceTable& make);

}  // namespace spate
