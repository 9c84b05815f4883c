// Runs the golden-file suite in tests/sql/*.test: every statement and query
// of a file runs in one Session, in order, and each query's rows (or error)
// must match the expected text. The format is described in tests/sql/README.md.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "spate/api/dataframe.h"
#include "spate/api/functions.h"
#include "spate/api/session.h"
#include "spate/exec/executor.h"
#include "spate/expr/value_format.h"
#include "spate/types/arrow_types.h"
#include "spate/types/ddl_parser.h"

namespace spate {
namespace {

namespace fs = std::filesystem;

struct Record {
  std::string kind;  // "table", "config", "statement ok", "statement error", "query", ...
  std::vector<std::string> header;  // the lines after the directive, up to "----"
  std::vector<std::string> expected;
  int line = 0;
};

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, '\t')) out.push_back(cell);
  if (!line.empty() && line.back() == '\t') out.push_back("");
  return out;
}

std::vector<Record> ReadRecords(const fs::path& path) {
  std::ifstream in(path);
  std::vector<Record> records;
  std::string line;
  int number = 0;
  Record current;
  bool in_expected = false;
  auto flush = [&] {
    if (!current.kind.empty()) records.push_back(current);
    current = Record{};
    in_expected = false;
  };
  while (std::getline(in, line)) {
    ++number;
    if (current.kind.empty()) {
      if (line.empty() || line[0] == '#') continue;
      current.kind = line;
      current.line = number;
      continue;
    }
    if (line.empty()) {
      flush();
      continue;
    }
    if (line == "----") {
      in_expected = true;
      continue;
    }
    (in_expected ? current.expected : current.header).push_back(line);
  }
  flush();
  return records;
}

std::string Join(const std::vector<std::string>& lines, const char* sep) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) out += (i ? sep : "") + lines[i];
  return out;
}

// Each row as tab-separated cells in show()'s text form (NULL for nulls).
arrow::Result<std::vector<std::string>> RenderRows(const arrow::Table& table, const StructType& schema,
                                                   const FormatOptions& options) {
  ARROW_ASSIGN_OR_RAISE(auto batch, ToSingleBatch(table));
  std::vector<std::shared_ptr<arrow::StringArray>> cells;
  for (int c = 0; c < batch->num_columns(); ++c) {
    ARROW_ASSIGN_OR_RAISE(auto text, FormatForShow(*batch->column(c), *schema.field(c).type, options));
    cells.push_back(std::static_pointer_cast<arrow::StringArray>(text));
  }
  std::vector<std::string> rows;
  for (int64_t r = 0; r < batch->num_rows(); ++r) {
    std::string row;
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) row += '\t';
      row += cells[c]->IsNull(r) ? "NULL" : std::string(cells[c]->GetView(r));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// table NAME / <DDL schema> / rows of tab-separated values ("NULL" for null):
// the strings are cast to the schema's types, as CAST(s AS type) would.
arrow::Status LoadTable(Session& session, const Record& r) {
  std::string name = r.kind.substr(6);
  if (r.header.empty()) return arrow::Status::Invalid("table ", name, " needs a schema line");
  ARROW_ASSIGN_OR_RAISE(auto schema, ParseDdlSchema(r.header[0]));
  std::vector<arrow::StringBuilder> builders(schema->num_fields());
  for (size_t i = 1; i < r.header.size(); ++i) {
    auto cells = SplitTabs(r.header[i]);
    if (static_cast<int>(cells.size()) != schema->num_fields()) {
      return arrow::Status::Invalid("row '", r.header[i], "' of table ", name, " has ", cells.size(),
                                    " cells, the schema ", schema->num_fields());
    }
    for (size_t c = 0; c < cells.size(); ++c) {
      ARROW_RETURN_NOT_OK(cells[c] == "NULL" ? builders[c].AppendNull() : builders[c].Append(cells[c]));
    }
  }
  arrow::FieldVector fields;
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  std::vector<Column> casts;
  for (int c = 0; c < schema->num_fields(); ++c) {
    std::shared_ptr<arrow::Array> a;
    ARROW_RETURN_NOT_OK(builders[c].Finish(&a));
    arrays.push_back(a);
    fields.push_back(arrow::field(schema->field(c).name, arrow::utf8()));
    casts.push_back(Column(ex::Col({schema->field(c).name})).cast(schema->field(c).type).alias(schema->field(c).name));
  }
  auto table = arrow::Table::Make(arrow::schema(fields), arrays);
  DataFrame df = session.CreateDataFrame(table).select(casts);
  ARROW_ASSIGN_OR_RAISE(auto typed, df.toArrow());  // materialize so casts fail here, not later
  return session.CreateDataFrame(typed).createOrReplaceTempView(name);
}

void RunRecord(Session& session, const Record& r, const std::string& file) {
  SCOPED_TRACE(file + ":" + std::to_string(r.line) + ": " + Join(r.header, " "));
  if (r.kind.rfind("table ", 0) == 0) {
    auto st = LoadTable(session, r);
    ASSERT_TRUE(st.ok()) << st.ToString();
    return;
  }
  if (r.kind.rfind("config ", 0) == 0) {
    std::string kv = r.kind.substr(7);
    size_t space = kv.find(' ');
    session.conf().Set(kv.substr(0, space), kv.substr(space + 1));
    return;
  }
  std::string sql = Join(r.header, "\n");
  DataFrame df = session.Sql(sql);
  arrow::Status status = df.status();
  std::shared_ptr<arrow::Table> result;
  if (status.ok()) {
    auto table = df.toArrow();
    status = table.status();
    if (table.ok()) result = *table;
  }
  bool expect_error = r.kind.find("error") != std::string::npos;
  if (expect_error) {
    ASSERT_FALSE(status.ok()) << "expected an error, got success";
    std::string want = Join(r.expected, "\n");
    EXPECT_NE(status.message().find(want), std::string::npos)
        << "error was:\n" << status.message() << "\nexpected to contain:\n" << want;
    return;
  }
  ASSERT_TRUE(status.ok()) << status.ToString();
  if (r.kind == "statement ok") return;
  auto rows = RenderRows(*result, *df.schema(), session.MakeEvalContext().format);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  std::vector<std::string> got = *rows;
  std::vector<std::string> want = r.expected;
  if (r.kind.find("header") != std::string::npos) {
    got.insert(got.begin(), Join(df.columns(), "\t"));
  }
  if (r.kind.find("rowsort") != std::string::npos) {
    std::sort(got.begin() + (r.kind.find("header") != std::string::npos), got.end());
    std::sort(want.begin() + (r.kind.find("header") != std::string::npos), want.end());
  }
  EXPECT_EQ(Join(got, "\n"), Join(want, "\n"));
}

class GoldenFileTest : public ::testing::Test {
 public:
  explicit GoldenFileTest(fs::path path) : path_(std::move(path)) {}
  void TestBody() override {
    auto session = Session::Make();
    // A failed record does not stop the file: every record is checked and
    // reported, so one run lists all the differences.
    for (const Record& r : ReadRecords(path_)) {
      RunRecord(*session, r, path_.filename().string());
    }
  }

 private:
  fs::path path_;
};

}  // namespace
}  // namespace spate

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const char* dir = std::getenv("SPATE_SQL_TEST_DIR");
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir ? dir : SPATE_SQL_TEST_DIR)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::string name = path.stem().string();
    ::testing::RegisterTest("SqlGolden", name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                            [path]() -> ::testing::Test* { return new spate::GoldenFileTest(path); });
  }
  return RUN_ALL_TESTS();
}
