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

#include "spate/connectors/file/format_readers.h"

namespace spate {

/// A line of a piece's text: its bytes [start, start + length), and where the
/// line after it starts (past its line break).
struct LineSpan {
  size_t start;
  size_t length;
  size_t next;
};

/// The lines of one piece. `text` holds the file's bytes from the piece's
/// first byte on, through at least the first line break at or after offset
/// `length` and the byte after it (or to the file's end). `first`: the piece
/// starts the file. "\n", "\r\n" and "\r" end a line; a final line break
/// starts no other line.
std::vector<LineSpan> PieceLines(std::string_view text, bool first, size_t length);

/// A buffer's bytes as text.
std::string_view BufferText(const arrow::Buffer& buffer);

/// A piece's table, made from its text and lines (on the piece's thread). The
/// buffer holding the text may be kept by the table (its strings viewing it).
using PieceTable = std::function<arrow::Result<std::shared_ptr<arrow::Table>>(
    const std::shared_ptr<arrow::Buffer>& text, const std::vector<LineSpan>& lines)>;

/// The tables of the request's files, one per file, whose chunks are its
/// pieces' tables in byte order. Local uncompressed files are cut in pieces of
/// spate.sql.files.readPieceBytes (4 MiB by default); a gzipped file or one in
/// an object store is one piece. The pieces run on r.tasks (null: in order on
/// the caller's thread); a failure is the one of the first failing piece in
/// file and byte order.
arrow::Result<std::vector<std::shared_ptr<arrow::Table>>> ReadLinePieces(const FileReadRequest& r,
                                                                         const PieceTable& make);

}  // namespace spate
