#include "spate/common/sql_lexer.h"

#include <gtest/gtest.h>

namespace spate::sql {
namespace {

std::vector<Token> Lex(std::string_view text) {
  auto result = Tokenize(text);
  EXPECT_TRUE(result.ok()) << result.status().message();
  return result.ok() ? *result : std::vector<Token>{};
}

TEST(LexerTest, KindsAndTexts) {
  auto tokens = Lex("SELECT `a``b`, 'it\\'s', 12, 3.5, 1e3, 10L, x<=y <> z -- comment\n /* block */ m['k']");
  std::vector<std::pair<TokenKind, std::string>> got;
  for (const auto& t : tokens) got.emplace_back(t.kind, t.text);
  std::vector<std::pair<TokenKind, std::string>> want = {
      {TokenKind::kIdentifier, "SELECT"}, {TokenKind::kQuotedIdentifier, "a`b"},
      {TokenKind::kOperator, ","},        {TokenKind::kString, "it's"},
      {TokenKind::kOperator, ","},        {TokenKind::kInteger, "12"},
      {TokenKind::kOperator, ","},        {TokenKind::kDecimal, "3.5"},
      {TokenKind::kOperator, ","},        {TokenKind::kDecimal, "1e3"},
      {TokenKind::kOperator, ","},        {TokenKind::kInteger, "10L"},
      {TokenKind::kOperator, ","},        {TokenKind::kIdentifier, "x"},
      {TokenKind::kOperator, "<="},       {TokenKind::kIdentifier, "y"},
      {TokenKind::kOperator, "<>"},       {TokenKind::kIdentifier, "z"},
      {TokenKind::kIdentifier, "m"},      {TokenKind::kOperator, "["},
      {TokenKind::kString, "k"},          {TokenKind::kOperator, "]"},
      {TokenKind::kEnd, ""},
  };
  EXPECT_EQ(got, want);
}

TEST(LexerTest, OffsetsPointIntoTheInput) {
  auto tokens = Lex("ab  `c d`");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[1].offset, 4);
  EXPECT_EQ(tokens[1].length, 5);
  EXPECT_EQ(tokens[2].offset, 9);
}

TEST(LexerTest, KeywordsCompareCaseInsensitively) {
  auto tokens = Lex("select `select`");
  EXPECT_TRUE(tokens[0].IsKeyword("SELECT"));
  EXPECT_FALSE(tokens[1].IsKeyword("SELECT"));  // a quoted name is never a keyword
}

TEST(LexerTest, DigitsFollowedByLettersAreIdentifiers) {
  auto tokens = Lex("1a 2d_col 5BD");
  EXPECT_EQ(tokens[0].kind, TokenKind::kIdentifier);
  EXPECT_EQ(tokens[1].kind, TokenKind::kIdentifier);
  EXPECT_EQ(tokens[2].kind, TokenKind::kDecimal);
}

TEST(LexerTest, UnterminatedPiecesAreSyntaxErrors) {
  for (const char* text : {"'abc", "`abc", "/* abc"}) {
    auto result = Tokenize(text);
    ASSERT_FALSE(result.ok()) << text;
    EXPECT_EQ(result.status().message().rfind("[PARSE_SYNTAX_ERROR]", 0), 0u);
  }
  auto bad = Tokenize("a # b");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("at or near '#'"), std::string::npos);
  EXPECT_NE(bad.status().message().find("(line 1, pos 2)"), std::string::npos);
}

}  // namespace
}  // namespace spate::sql
