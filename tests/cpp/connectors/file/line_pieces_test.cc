#include "spate/connectors/file/line_pieces.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace spate {
namespace {

// A piece's lines, as offsets in the file: [start, next) each.
struct FileLine {
  size_t start;
  size_t length;
  size_t next;
};

std::vector<LineSpan> PieceLines(std::string_view text, bool first, size_t length) {
  std::vector<LineSpan> lines;
  ForEachPieceLine(text, first, length, [&](const LineSpan& line) { lines.push_back(line); });
  return lines;
}

// The lines of `file` cut in pieces of `piece_bytes`, each piece given its
// bytes through the first line break at or after its end and the byte after
// it (what it reads), or through the file's end when `to_end`.
std::vector<FileLine> LinesInPieces(const std::string& file, size_t piece_bytes, bool to_end) {
  std::vector<FileLine> out;
  for (size_t start = 0; start < file.size(); start += piece_bytes) {
    size_t length = std::min(piece_bytes, file.size() - start);
    size_t stop = file.find_first_of("\r\n", start + length);
    std::string_view text(file);
    text = text.substr(start, to_end || stop == std::string::npos ? std::string::npos : stop + 2 - start);
    for (const LineSpan& line : PieceLines(text, start == 0, length)) {
      out.push_back({start + line.start, line.length, start + line.next});
    }
  }
  return out;
}

// The file's lines read from its start to its end, one after the other.
std::vector<FileLine> LinesInOrder(const std::string& file) {
  std::vector<FileLine> out;
  for (size_t i = 0; i < file.size();) {
    size_t end = std::min(file.find_first_of("\r\n", i), file.size());
    size_t next = end == file.size() ? end : end + (file.compare(end, 2, "\r\n") == 0 ? 2 : 1);
    out.push_back({i, end - i, next});
    i = next;
  }
  return out;
}

TEST(LinePiecesTest, EveryByteIsInExactlyOneLineForEveryPieceSize) {
  const std::string body = "a\nbb\r\nccc\r\r\n\n\rd\re\r\n\r\n\n\ra line longer than most pieces\r\nf";
  for (const std::string end : {"", "\n", "\r", "\r\n", "\n\n", "\r\r"}) {
    const std::string file = body + end;
    const std::vector<FileLine> whole = LinesInOrder(file);
    for (size_t piece_bytes = 1; piece_bytes <= file.size(); ++piece_bytes) {
      for (bool to_end : {false, true}) {
        SCOPED_TRACE("file ending in " + std::to_string(end.size()) + " break bytes, pieces of " +
                     std::to_string(piece_bytes) + (to_end ? " read to the end" : ""));
        std::vector<FileLine> lines = LinesInPieces(file, piece_bytes, to_end);
        ASSERT_EQ(lines.size(), whole.size());
        size_t at = 0;  // the first byte no line has covered yet
        for (size_t i = 0; i < lines.size(); ++i) {
          EXPECT_EQ(lines[i].start, at);
          EXPECT_EQ(lines[i].start, whole[i].start);
          EXPECT_EQ(lines[i].length, whole[i].length);
          EXPECT_EQ(lines[i].next, whole[i].next);
          at = lines[i].next;
        }
        EXPECT_EQ(at, file.size());
      }
    }
  }
}

TEST(LinePiecesTest, TheLinesOfAWholeFile) {
  auto contents = [](const std::string& file) {
    std::vector<std::string> out;
    for (const LineSpan& line : PieceLines(file, true, file.size())) out.push_back(file.substr(line.start, line.length));
    return out;
  };
  EXPECT_EQ(contents("a\r\nb\rc\n"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(contents("a\n\nb"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(contents("\r\n"), (std::vector<std::string>{""}));
  EXPECT_TRUE(contents("").empty());
}

}  // namespace
}  // namespace spate
