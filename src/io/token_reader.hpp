#pragma once
// Reading the text files of the benchmark formats (src/io/benchmarks_*.cpp): lines,
// whitespace-separated tokens with their positions and a small look-ahead, numbers and counts,
// and InputErrors that quote a token where it stands. Memory stays O(longest line).

#include <deque>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "allocopt/error.hpp"

namespace allocopt::detail {

/// The value quoted when a file ends before an entry.
inline constexpr std::string_view kEndOfFile = "end of file";

/// Throws InputError(key, value, message) at `where`.
[[noreturn]] void fail(SourcePosition where, std::string key, std::string_view value,
                       std::string message);

/// A token as quoted in a message: at most 40 bytes, non-printable bytes shown as '?'.
std::string shown(std::string_view text);

/// The lines of a file, one at a time, with their numbers (for positions in messages).
class LineReader {
  public:
    /// Opens `path`; throws InputError (key `path`) when it is missing, a directory or unreadable.
    explicit LineReader(const std::string& path);

    /// Moves to the next line (without its CR LF); false at the end of the file.
    bool next();

    std::string_view text() const { return text_; }
    int number() const { return number_; }
    const std::string& path() const { return path_; }
    /// Position of the byte at `offset` (0-based) in the current line.
    SourcePosition at(std::size_t offset) const {
        return {path_, number_, static_cast<int>(offset) + 1};
    }

  private:
    std::string path_;
    std::ifstream in_;
    std::string text_;
    int number_ = 0;
};

/// A token and where it starts (1-based line and column).
struct Token {
    std::string text;
    int line = 0;
    int column = 0;
};

/// Whitespace-separated tokens with their positions and a small look-ahead.
class TokenReader {
  public:
    explicit TokenReader(const std::string& path) : lines_(path) {}

    /// The token `ahead` places after the current one, or null past the end of the file.
    /// The pointer stays valid until next() consumes that token.
    const Token* peek(std::size_t ahead = 0) {
        while (buffer_.size() <= ahead) {
            if (!scan()) return nullptr;
        }
        return &buffer_[ahead];
    }

    std::optional<Token> next() {
        if (!peek()) return std::nullopt;
        Token token = std::move(buffer_.front());
        buffer_.pop_front();
        return token;
    }

    SourcePosition at(const Token& token) const {
        return {lines_.path(), token.line, token.column};
    }
    /// Just after the last token read so far (line 1, column 1 in an empty file).
    SourcePosition end() const { return {lines_.path(), end_line_, end_column_}; }

  private:
    bool scan();

    LineReader lines_;
    bool in_line_ = false;
    std::size_t offset_ = 0;
    std::deque<Token> buffer_;
    int end_line_ = 1;
    int end_column_ = 1;
};

/// Parses a finite number >= 0 (> 0 when `positive`); returns why not, or null.
const char* parse_number(std::string_view text, double& value, bool positive = false);

/// The next token; `key()` names the entry expected there when the file ends early.
template <typename KeyFn>
Token expect_token(TokenReader& reader, KeyFn&& key) {
    std::optional<Token> token = reader.next();
    if (!token) fail(reader.end(), key(), kEndOfFile, "the file ends before this entry");
    return std::move(*token);
}

/// The next token as a number (see parse_number); an InputError naming key() otherwise.
template <typename KeyFn>
double read_number(TokenReader& reader, KeyFn&& key, bool positive = false) {
    const Token token = expect_token(reader, key);
    double value = 0;
    if (const char* why = parse_number(token.text, value, positive)) {
        fail(reader.at(token), key(), shown(token.text), why);
    }
    return value;
}

/// Parses a whole number >= 1 from `token`, an InputError (key `key`) otherwise.
int parse_count(const TokenReader& reader, const Token& token, const std::string& key);

/// The next token as a count (see parse_count).
int read_count(TokenReader& reader, const std::string& key);

/// Throws InputError (key `key`) when a token follows: nothing may come `after` the last entry.
void expect_end(TokenReader& reader, const std::string& key, const std::string& after);

}  // namespace allocopt::detail
