#include "io/token_reader.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <system_error>

namespace allocopt::detail {

[[noreturn]] void fail(SourcePosition where, std::string key, std::string_view value,
                       std::string message) {
    throw InputError(std::move(key), std::string(value), std::move(message), std::move(where));
}

std::string shown(std::string_view text) {
    std::string out(text.substr(0, 40));
    for (char& c : out) {
        if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
    }
    if (text.size() > 40) out += "...";
    return out;
}

LineReader::LineReader(const std::string& path) : path_(path) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) fail({path}, "path", path, "no such file");
    if (std::filesystem::is_directory(path, error)) {
        fail({path}, "path", path, "is a directory, not a file");
    }
    in_.open(path, std::ios::binary);
    if (!in_) fail({path}, "path", path, "cannot open the file");
}

bool LineReader::next() {
    if (!std::getline(in_, text_)) {
        if (in_.bad()) fail({path_, number_, 0}, "path", path_, "cannot read the file");
        return false;
    }
    ++number_;
    if (!text_.empty() && text_.back() == '\r') text_.pop_back();
    return true;
}

bool TokenReader::scan() {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; };
    while (true) {
        if (!in_line_) {
            if (!lines_.next()) return false;
            in_line_ = true;
            offset_ = 0;
        }
        const std::string_view line = lines_.text();
        while (offset_ < line.size() && blank(line[offset_]))
            ++offset_;
        if (offset_ == line.size()) {
            in_line_ = false;
            continue;
        }
        const std::size_t start = offset_;
        while (offset_ < line.size() && !blank(line[offset_]))
            ++offset_;
        buffer_.push_back({std::string(line.substr(start, offset_ - start)), lines_.number(),
                           static_cast<int>(start) + 1});
        end_line_ = lines_.number();
        end_column_ = static_cast<int>(offset_) + 1;
        return true;
    }
}

const char* parse_number(std::string_view text, double& value, bool positive) {
    const char* last = text.data() + text.size();
    auto [end, error] = std::from_chars(text.data(), last, value);
    if (error == std::errc::result_out_of_range) return "number out of range";
    if (error != std::errc() || end != last) return "expected a number";
    if (!std::isfinite(value)) return "must be a finite number";
    if (value < 0) return "must not be negative";
    if (positive && value == 0) return "must be greater than 0";
    return nullptr;
}

int parse_count(const TokenReader& reader, const Token& token, const std::string& key) {
    int value = 0;
    const char* last = token.text.data() + token.text.size();
    auto [end, error] = std::from_chars(token.text.data(), last, value);
    if (error == std::errc::result_out_of_range) {
        fail(reader.at(token), key, shown(token.text), "count too large");
    }
    if (error != std::errc() || end != last) {
        fail(reader.at(token), key, shown(token.text), "expected a whole number");
    }
    if (value < 1) fail(reader.at(token), key, token.text, "must be at least 1");
    return value;
}

int read_count(TokenReader& reader, const std::string& key) {
    const Token token = expect_token(reader, [&] { return key; });
    return parse_count(reader, token, key);
}

void expect_end(TokenReader& reader, const std::string& key, const std::string& after) {
    if (std::optional<Token> extra = reader.next()) {
        fail(reader.at(*extra), key, shown(extra->text), "unexpected extra number after " + after);
    }
}

}  // namespace allocopt::detail
