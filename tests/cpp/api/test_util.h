#pragma once

// Helpers shared by the DataFrame API tests: a fresh temp directory per
// test, DataFrames from JSON rows, and rows back as sorted JSON lines.

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <filesystem>
#include <string>
#include <vector>

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "spate/api/dataframe.h"
#include "spate/api/session.h"
#include "spate/common/error.h"

namespace spate::testing {

/// An empty directory named after the running test.
inline std::filesystem::path FreshDir(const std::string& suite) {
  const char* env = std::getenv("SPATE_TEST_TMPDIR");
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::path(env ? env : std::filesystem::temp_directory_path().string()) /
             suite / info->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// A DataFrame of `rows` (a JSON array of objects) with Arrow type `type` (a struct).
inline DataFrame FromRows(const std::shared_ptr<Session>& session,
                          const std::shared_ptr<arrow::DataType>& type, const std::string& rows) {
  auto array = arrow::json::ArrayFromJSONString(type, rows).ValueOrDie();
  auto batch = arrow::RecordBatch::FromStructArray(array).ValueOrDie();
  auto table = arrow::Table::FromRecordBatches({batch}).ValueOrDie();
  return session->CreateDataFrame(table);
}

/// The rows as JSON lines (to_json's form), sorted so order does not matter.
inline std::vector<std::string> SortedRows(const DataFrame& df) {
  auto rows = df.toJSON();
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  if (!rows.ok()) return {};
  std::sort(rows->begin(), rows->end());
  return *rows;
}

inline std::string ErrorClass(const arrow::Status& status) { return std::string(ErrorClassOf(status)); }

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

/// The files of `dir` (not recursive) whose names start with `prefix`.
inline std::vector<std::filesystem::path> FilesWithPrefix(const std::filesystem::path& dir,
                                                         const std::string& prefix) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace spate::testing
