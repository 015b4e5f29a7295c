#include "io/yaml_values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <functional>
#include <iterator>
#include <vector>

#include "detail/text.hpp"

namespace allocopt::detail {

namespace {

std::string hex_byte(unsigned char c) {
    const char* digits = "0123456789abcdef";
    return std::string("0x") + digits[c >> 4] + digits[c & 15];
}

/// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid (truncated, an
/// overlong form, a surrogate or beyond U+10FFFF).
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    const auto second = static_cast<unsigned char>(s[i + 1]);
    if (second < lo || second > hi) return 0;
    for (std::size_t k = 2; k < len; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    }
    return len;
}

enum class Blank { no, empty, comments };

Blank blank_kind(std::string_view text) {
    bool in_comment = false, comments = false;
    for (char c : text) {
        if (in_comment) {
            in_comment = c != '\n';
        } else if (c == '#') {
            in_comment = comments = true;
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return Blank::no;
        }
    }
    return comments ? Blank::comments : Blank::empty;
}

/// Throws at the first byte that cannot be in a YAML text file.
void check_bytes(std::string_view text, const std::string& file) {
    int line = 1, column = 1;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7F) {  // the common case: printable ASCII
            ++column;
            ++i;
            continue;
        }
        const std::size_t len = utf8_length(text, i);
        if (c == 0) {
            throw InputError("", hex_byte(c), "the file is binary, not text (NUL byte)",
                             {file, line, column});
        }
        if (len == 0) {
            throw InputError("", hex_byte(c), "the file is not valid UTF-8 text",
                             {file, line, column});
        }
        if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F) {
            throw InputError("", hex_byte(c), "control character in the file (is it binary?)",
                             {file, line, column});
        }
        if (c == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
        i += len;
    }
}

/// Line (0-based) of the text's `line`-th line, without its line break.
std::string_view line_of(std::string_view text, int line) {
    std::size_t begin = 0;
    for (int k = 0; k < line && begin != std::string_view::npos; ++k) {
        begin = text.find('\n', begin);
        if (begin != std::string_view::npos) ++begin;
    }
    if (begin == std::string_view::npos || begin > text.size()) return {};
    const std::size_t end = text.find('\n', begin);
    return text.substr(begin, end == std::string_view::npos ? text.size() - begin : end - begin);
}

bool indented_with_tab(std::string_view line) {
    for (char c : line) {
        if (c == '\t') return true;
        if (c != ' ') return false;
    }
    return false;
}

/// The innermost '[' or '{' still open at (line, column), both 0-based, by a rough scan that
/// skips quoted text and comments: "the '{' at line 3, column 5", or "" when all are closed.
std::string unclosed_bracket(std::string_view text, int stop_line, int stop_column) {
    struct Open {
        char c;
        int line, column;
    };
    std::vector<Open> open;
    int line = 0, column = 0;
    char quote = 0;
    bool comment = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (line > stop_line || (line == stop_line && column >= stop_column)) break;
        const char c = text[i];
        if (c == '\n') {
            ++line;
            column = 0;
            comment = false;
            continue;
        }
        if (comment) {
            // the rest of the line is a comment
        } else if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
            comment = true;
        } else if ((c == '"' || c == '\'') && (i == 0 || std::strchr(" \t[{,:", text[i - 1]))) {
            quote = c;
        } else if (c == '[' || c == '{') {
            open.push_back({c, line, column});
        } else if ((c == ']' || c == '}') && !open.empty()) {
            open.pop_back();
        }
        ++column;
    }
    if (open.empty()) return "";
    const Open& o = open.back();
    return std::string("the '") + o.c + "' at line " + std::to_string(o.line + 1) + ", column " +
           std::to_string(o.column + 1) + " is never closed";
}

/// 0-based line of the last `---` marker at or before `content_line` (the start of the
/// document whose content begins there), or `content_line` when there is none.
int document_start_line(std::string_view text, int content_line) {
    int found = content_line, line = 0;
    for (std::size_t begin = 0; begin < text.size() && line <= content_line; ++line) {
        std::size_t end = text.find('\n', begin);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view l = text.substr(begin, end - begin);
        if (l.substr(0, 3) == "---" &&
            (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r')) {
            found = line;
        }
        begin = end + 1;
    }
    return found;
}

}  // namespace

SourcePosition YamlValues::position(YamlMark mark) const {
    return {file_, static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
}

SourcePosition YamlValues::position(const YamlNode& node) const {
    if (!node) return {file_, 0, 0};
    return position(node.mark());
}

YamlNode YamlValues::load(std::string_view text, const YamlTree::Progress& progress,
                          std::string_view expected) {
    check_bytes(text, file_);
    switch (blank_kind(text)) {
        case Blank::empty:
            throw InputError("", "", "the file is empty: expected " + std::string(expected),
                             {file_, 1, 1});
        case Blank::comments:
            throw InputError("", "",
                             "the file holds only comments: expected " + std::string(expected),
                             {file_, 1, 1});
        case Blank::no:
            break;
    }
    if (text.size() > YamlTree::kMaxBytes) {
        throw InputError("", std::to_string(text.size()) + " bytes",
                         "the file is too large (at most 1 GiB)", {file_, 1, 1});
    }
    tree_ = YamlTree();
    YamlSyntaxError e;
    if (tree_.parse(text, e, progress)) return tree_.root();
    const SourcePosition where = position(e.mark);
    switch (e.kind) {
        case YamlSyntaxError::Kind::stray_comma:
            throw InputError("", ",",
                             "unexpected ',' (a comma separates items only inside [...] or {...})",
                             where);
        case YamlSyntaxError::Kind::undefined_alias:
            throw InputError("", "", "invalid YAML: the referenced anchor is not defined", where);
        case YamlSyntaxError::Kind::too_deep:
            throw InputError("", "",
                             "invalid YAML: lists or mappings nested too deeply (more than " +
                                 std::to_string(YamlTree::kMaxDepth) + " levels)",
                             where);
        case YamlSyntaxError::Kind::second_document: {
            const int line = document_start_line(text, static_cast<int>(e.mark.line));
            throw InputError("", "---",
                             "a second YAML document starts here; a file holds exactly one problem",
                             {file_, line + 1, 1});
        }
        case YamlSyntaxError::Kind::syntax:
            break;
    }
    std::string message = "invalid YAML: " + e.problem;
    const int line = static_cast<int>(e.mark.line);
    if (indented_with_tab(line_of(text, line)) ||
        (line > 0 && indented_with_tab(line_of(text, line - 1)))) {
        message += " (YAML does not allow tabs for indentation; use spaces)";
    } else {
        // libyaml notices an unclosed flow collection only where it ends up; say where it
        // began.
        const std::string open = unclosed_bracket(text, line, static_cast<int>(e.mark.column));
        if (!open.empty()) {
            message += " (" + open + ")";
        } else if (!e.context.empty() &&
                   (e.context_mark.line != e.mark.line || e.context_mark.column != e.mark.column)) {
            message += " (" + e.context + " at line " + std::to_string(e.context_mark.line + 1) +
                       ", column " + std::to_string(e.context_mark.column + 1) + ")";
        }
    }
    throw InputError("", "", message, where);
}

void YamlValues::fail(const YamlNode& node, const std::string& key, const std::string& value,
                      const std::string& message) const {
    if (!node || node.is_null()) {
        auto it = key_marks_.find(key);
        if (it != key_marks_.end()) throw InputError(key, value, message, position(it->second));
    }
    throw InputError(key, value, message, position(node));
}

void YamlValues::note_key(const std::string& key, const YamlNode& key_node,
                          const YamlNode& value) const {
    if (value.is_null()) key_marks_[key] = key_node.mark();
}

void YamlValues::remember(std::string_view key, const YamlNode& node) {
    if (!node) return;
    marks_.emplace_back(std::hash<std::string_view>{}(key), node.mark());
    marks_sorted_ = false;
}

SourcePosition YamlValues::locate(std::string key) const {
    if (!marks_sorted_) {
        // Stable: of two marks for one key, the later one (the last remember()) wins.
        std::stable_sort(marks_.begin(), marks_.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        marks_sorted_ = true;
    }
    while (true) {
        const std::uint64_t h = std::hash<std::string_view>{}(key);
        auto it = std::upper_bound(marks_.begin(), marks_.end(), h,
                                   [](std::uint64_t v, const auto& m) { return v < m.first; });
        if (it != marks_.begin() && std::prev(it)->first == h)
            return position(std::prev(it)->second);
        const auto cut = key.find_last_of(".[");
        if (cut == std::string::npos || cut == 0) break;
        key.resize(cut);
    }
    return {file_, 0, 0};
}

std::string YamlValues::show(const YamlNode& node) {
    if (!node) return "nothing";
    switch (node.kind()) {
        case YamlNode::Kind::scalar: {
            std::string s(node.scalar());
            if (s.size() > 60) s = s.substr(0, 57) + "...";
            const bool quoted = node.tag().empty() ? node.quoted() : node.tag() == "!";
            return quoted ? "\"" + s + "\"" : s;
        }
        case YamlNode::Kind::list:
            return "a list";
        case YamlNode::Kind::map:
            return "a mapping";
        case YamlNode::Kind::null:
            return "nothing";
    }
    return "?";
}

void YamlValues::expect_map(const YamlNode& node, const std::string& key) const {
    if (!node.is_map()) fail(node, key, show(node), "expected a mapping of keys to values");
}

void YamlValues::expect_list(const YamlNode& node, const std::string& key) const {
    if (node.is_list()) return;
    if (node.is_scalar()) {
        fail(node, key, show(node),
             "expected a list, got a single value (write it as [" + std::string(node.scalar()) +
                 "])");
    }
    fail(node, key, show(node), "expected a list");
}

void YamlValues::check_keys(const YamlNode& map, const std::string& key,
                            std::initializer_list<std::string_view> allowed) const {
    check_keys(map, key, std::vector<std::string_view>(allowed));
}

void YamlValues::check_keys(const YamlNode& map, const std::string& key,
                            const std::vector<std::string_view>& allowed) const {
    for (std::size_t i = 0, n = map.size(); i < n; ++i) {
        const YamlNode k = map.key(i);
        if (!k.is_scalar()) {
            fail(k, key, show(k), "a key must be a plain name, not " + show(k));
        }
        const std::string_view name = k.scalar();
        const YamlNode value = map.value(i);
        const bool known = std::find(allowed.begin(), allowed.end(), name) != allowed.end();
        bool repeated = false;
        for (std::size_t j = 0; j < i && !repeated; ++j) {
            repeated = map.key(j).is_scalar() && map.key(j).scalar() == name;
        }
        if (known && !repeated && !value.is_null()) continue;  // the common case: no text built
        const std::string path = key.empty() ? std::string(name) : key + "." + std::string(name);
        note_key(path, k, value);
        if (repeated) fail(k, path, std::string(name), "duplicate key");
        if (known) continue;
        if (name == "<<") {
            fail(k, path, std::string(name),
                 "merge keys ('<<') are not supported; write the keys out (an alias '*name' may "
                 "stand for a whole value)");
        }
        std::vector<std::string> names(allowed.begin(), allowed.end());
        std::string expected;
        for (std::size_t m = 0; m < names.size(); ++m) {
            expected += (m ? ", " : "") + names[m];
        }
        fail(k, path, std::string(name),
             "unknown key" + did_you_mean(std::string(name), names) +
                 "; expected one of: " + expected);
    }
}

namespace {

/// A spelling of infinity or NaN (any case); every one holds an 'n'.
bool non_finite_word(std::string_view s) {
    if (s.find_first_of("nN") == std::string_view::npos) return false;
    std::string lower(s);
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view special : {".nan", ".inf", "+.inf", "-.inf", "nan", "inf", "+inf", "-inf",
                                     "infinity", "+infinity", "-infinity"}) {
        if (lower == special) return true;
    }
    return false;
}

enum class Parsed { ok, not_a_number, out_of_range, not_finite };

Parsed parse_yaml_number(std::string_view s, double& value) {
    if (non_finite_word(s)) return Parsed::not_finite;
    std::string_view digits = s;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    // from_chars takes no leading '+', so one is skipped above; a second sign, trailing text or
    // a hex form is not a number. It does read "nan(...)", caught as non-finite below.
    if (digits.empty() || digits.front() == '+' || ptr != digits.data() + digits.size() ||
        (ec != std::errc() && ec != std::errc::result_out_of_range)) {
        return Parsed::not_a_number;
    }
    if (ec == std::errc::result_out_of_range) return Parsed::out_of_range;
    if (!std::isfinite(value)) return Parsed::not_finite;
    return Parsed::ok;
}

}  // namespace

bool YamlValues::try_number(const YamlNode& node, double& value) {
    return node.is_scalar() && !node.quoted() && node.tag().empty() &&
           parse_yaml_number(node.scalar(), value) == Parsed::ok;
}

double YamlValues::number(const YamlNode& node, const std::string& key) const {
    if (!node || node.is_null()) fail(node, key, "nothing", "a number is required");
    if (!node.is_scalar()) fail(node, key, show(node), "expected a number, got " + show(node));
    const std::string_view tag = node.tag();
    if (tag == "!" || (tag.empty() && node.quoted())) {
        fail(node, key, show(node), "expected a number, got a quoted string");
    }
    if (!tag.empty() && tag != "tag:yaml.org,2002:float" && tag != "tag:yaml.org,2002:int") {
        const std::string_view core = "tag:yaml.org,2002:";
        const std::string shown = tag.substr(0, core.size()) == core
                                      ? "!!" + std::string(tag.substr(core.size()))
                                      : std::string(tag);
        fail(node, key, shown + " " + show(node), "expected a number, got a value tagged " + shown);
    }
    const std::string s(node.scalar());
    double value = 0;
    switch (parse_yaml_number(s, value)) {
        case Parsed::ok:
            return value;
        case Parsed::not_a_number:
            fail(node, key, show(node), "expected a number");
        case Parsed::out_of_range:
            fail(node, key, s, "number out of range for a double");
        case Parsed::not_finite:
            fail(node, key, s, "must be a finite number");
    }
    return value;
}

int YamlValues::integer(const YamlNode& node, const std::string& key) const {
    const double value = number(node, key);
    const std::string s(node.scalar());
    if (value != std::floor(value)) fail(node, key, s, "expected a whole number");
    if (value < INT_MIN || value > INT_MAX) {
        fail(node, key, s, "whole number out of range (at most 2147483647)");
    }
    return static_cast<int>(value);
}

std::string YamlValues::text(const YamlNode& node, const std::string& key) const {
    if (!node || node.is_null()) fail(node, key, "nothing", "a value is required");
    if (!node.is_scalar()) {
        fail(node, key, show(node), "expected a single value, got " + show(node));
    }
    return std::string(node.scalar());
}

bool YamlValues::boolean(const YamlNode& node, const std::string& key) const {
    const std::string s = text(node, key);
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    fail(node, key, show(node), "expected true or false");
}

}  // namespace allocopt::detail
