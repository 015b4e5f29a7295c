#include "io/yaml_values.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <set>
#include <sstream>
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
        const std::size_t len = utf8_length(text, i);
        const SourcePosition where{file, line, column};
        if (c == 0) {
            throw InputError("", hex_byte(c), "the file is binary, not text (NUL byte)", where);
        }
        if (len == 0) {
            throw InputError("", hex_byte(c), "the file is not valid UTF-8 text", where);
        }
        if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F) {
            throw InputError("", hex_byte(c), "control character in the file (is it binary?)",
                             where);
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

/// Records what the loader needs to know about one document from parser events: whether it
/// started (and where) and the first null node standing on a ',' outside any flow collection
/// (yaml-cpp makes such a null without consuming the comma).
struct DocumentShape : YAML::EventHandler {
    std::string_view text;
    bool started = false;
    YAML::Mark start = YAML::Mark::null_mark();
    YAML::Mark stray = YAML::Mark::null_mark();
    std::vector<bool> flow;  // per open collection: flow style?

    bool in_flow() const { return std::find(flow.begin(), flow.end(), true) != flow.end(); }
    void OnDocumentStart(const YAML::Mark& mark) override {
        started = true;
        start = mark;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
        if (!stray.is_null() || in_flow() || mark.is_null() || mark.pos < 0) return;
        const auto pos = static_cast<std::size_t>(mark.pos);
        if (pos < text.size() && text[pos] == ',') stray = mark;
    }
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value style) override {
        flow.push_back(style == YAML::EmitterStyle::Flow);
    }
    void OnSequenceEnd() override { flow.pop_back(); }
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value style) override {
        flow.push_back(style == YAML::EmitterStyle::Flow);
    }
    void OnMapEnd() override { flow.pop_back(); }
};

}  // namespace

SourcePosition YamlValues::position(const YAML::Mark& mark) const {
    if (mark.is_null()) return {file_, 0, 0};
    return {file_, mark.line + 1, mark.column + 1};
}

YAML::Node YamlValues::load(std::string_view text) const {
    check_bytes(text, file_);
    switch (blank_kind(text)) {
        case Blank::empty:
            throw InputError("", "",
                             "the file is empty: expected a problem with resources and tasks",
                             {file_, 1, 1});
        case Blank::comments:
            throw InputError("", "",
                             "the file holds only comments: expected a problem with resources and "
                             "tasks",
                             {file_, 1, 1});
        case Blank::no:
            break;
    }
    // A first pass over parser events, before building nodes: it counts the documents without
    // YAML::LoadAll, which loops forever (allocating) on a stray ',' outside brackets
    // (yaml-cpp issue #1040), and finds that comma.
    DocumentShape first, second;
    try {
        std::istringstream in{std::string(text)};
        YAML::Parser parser(in);
        first.text = second.text = text;
        const bool any = parser.HandleNextDocument(first);
        if (any && first.stray.is_null()) parser.HandleNextDocument(second);
        const YAML::Mark stray = first.stray.is_null() ? second.stray : first.stray;
        if (!stray.is_null()) {
            throw InputError("", ",",
                             "unexpected ',' (a comma separates items only inside [...] or {...})",
                             position(stray));
        }
    } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's guard against stack overflow
        throw InputError("", "", "invalid YAML: lists or mappings nested too deeply",
                         position(e.mark));
    } catch (const YAML::Exception& e) {
        std::string message = "invalid YAML: " + e.msg;
        const int line = e.mark.is_null() ? -1 : e.mark.line;
        if (line >= 0 && (indented_with_tab(line_of(text, line)) ||
                          (line > 0 && indented_with_tab(line_of(text, line - 1))))) {
            message += " (YAML does not allow tabs for indentation; use spaces)";
        } else if (line >= 0) {
            // yaml-cpp notices an unclosed flow collection only where it ends up; say where it
            // began.
            const std::string open = unclosed_bracket(text, line, e.mark.column);
            if (!open.empty()) message += " (" + open + ")";
        }
        throw InputError("", "", message, position(e.mark));
    }
    if (second.started && second.stray.is_null()) {
        const int last_line = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
        const YAML::Mark mark = second.start;
        const int line = document_start_line(text, mark.is_null() ? last_line : mark.line);
        throw InputError("", "---",
                         "a second YAML document starts here; a file holds exactly one problem",
                         {file_, line + 1, 1});
    }
    try {
        return YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {  // the first pass has seen every parse error
        throw InputError("", "", "invalid YAML: " + e.msg, position(e.mark));
    }
}

void YamlValues::fail(const YAML::Node& node, const std::string& key, const std::string& value,
                      const std::string& message) const {
    if (!node.IsDefined() || node.IsNull()) {
        auto it = key_marks_.find(key);
        if (it != key_marks_.end()) throw InputError(key, value, message, position(it->second));
    }
    throw InputError(key, value, message, position(node.Mark()));
}

void YamlValues::note_key(const std::string& key, const YAML::Node& key_node,
                          const YAML::Node& value) const {
    if (value.IsNull()) key_marks_[key] = key_node.Mark();
}

SourcePosition YamlValues::locate(std::string key) const {
    while (true) {
        auto it = marks_.find(key);
        if (it != marks_.end()) return position(it->second);
        const auto cut = key.find_last_of(".[");
        if (cut == std::string::npos || cut == 0) break;
        key.resize(cut);
    }
    return {file_, 0, 0};
}

std::string YamlValues::show(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Scalar: {
            std::string s = node.Scalar();
            if (s.size() > 60) s = s.substr(0, 57) + "...";
            return node.Tag() == "!" ? "\"" + s + "\"" : s;
        }
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Map:
            return "a mapping";
        case YAML::NodeType::Null:
            return "nothing";
        case YAML::NodeType::Undefined:
            return "nothing";
    }
    return "?";
}

void YamlValues::expect_map(const YAML::Node& node, const std::string& key) const {
    if (!node.IsMap()) fail(node, key, show(node), "expected a mapping of keys to values");
}

void YamlValues::expect_list(const YAML::Node& node, const std::string& key) const {
    if (node.IsSequence()) return;
    if (node.IsScalar()) {
        fail(node, key, show(node),
             "expected a list, got a single value (write it as [" + node.Scalar() + "])");
    }
    fail(node, key, show(node), "expected a list");
}

void YamlValues::check_keys(const YAML::Node& map, const std::string& key,
                            std::initializer_list<std::string_view> allowed) const {
    std::vector<std::string> names(allowed.begin(), allowed.end());
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const YAML::Node k = it->first;  // a copy: `*it` is a temporary
        if (!k.IsScalar()) {
            fail(k, key, show(k), "a key must be a plain name, not " + show(k));
        }
        const std::string name = k.Scalar();
        const std::string path = key.empty() ? name : key + "." + name;
        note_key(path, k, it->second);
        if (!seen.insert(name).second) fail(k, path, name, "duplicate key");
        if (std::find(names.begin(), names.end(), name) != names.end()) continue;
        if (name == "<<") {
            fail(k, path, name,
                 "merge keys ('<<') are not supported; write the keys out (an alias '*name' may "
                 "stand for a whole value)");
        }
        std::string expected;
        for (std::size_t i = 0; i < names.size(); ++i) {
            expected += (i ? ", " : "") + names[i];
        }
        fail(k, path, name,
             "unknown key" + did_you_mean(name, names) + "; expected one of: " + expected);
    }
}

double YamlValues::number(const YAML::Node& node, const std::string& key) const {
    if (!node.IsDefined() || node.IsNull()) fail(node, key, "nothing", "a number is required");
    if (!node.IsScalar()) fail(node, key, show(node), "expected a number, got " + show(node));
    const std::string& tag = node.Tag();
    if (tag == "!") fail(node, key, show(node), "expected a number, got a quoted string");
    if (tag != "?" && tag != "tag:yaml.org,2002:float" && tag != "tag:yaml.org,2002:int") {
        const std::string core = "tag:yaml.org,2002:";
        const std::string shown = tag.rfind(core, 0) == 0 ? "!!" + tag.substr(core.size()) : tag;
        fail(node, key, shown + " " + show(node), "expected a number, got a value tagged " + shown);
    }
    const std::string& s = node.Scalar();
    std::string lower(s);
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view special : {".nan", ".inf", "+.inf", "-.inf", "nan", "inf", "+inf", "-inf",
                                     "infinity", "+infinity", "-infinity"}) {
        if (lower == special) fail(node, key, s, "must be a finite number");
    }
    std::string_view digits = s;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    double value = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    // from_chars takes no leading '+', so one is skipped above; a second sign, trailing text or
    // a hex form is not a number. It does read "nan(...)", caught as non-finite below.
    if (digits.empty() || digits.front() == '+' || ptr != digits.data() + digits.size() ||
        (ec != std::errc() && ec != std::errc::result_out_of_range)) {
        fail(node, key, show(node), "expected a number");
    }
    if (ec == std::errc::result_out_of_range) {
        fail(node, key, s, "number out of range for a double");
    }
    if (!std::isfinite(value)) fail(node, key, s, "must be a finite number");
    return value;
}

int YamlValues::integer(const YAML::Node& node, const std::string& key) const {
    const double value = number(node, key);
    if (value != std::floor(value)) fail(node, key, node.Scalar(), "expected a whole number");
    if (value < INT_MIN || value > INT_MAX) {
        fail(node, key, node.Scalar(), "whole number out of range (at most 2147483647)");
    }
    return static_cast<int>(value);
}

std::string YamlValues::text(const YAML::Node& node, const std::string& key) const {
    if (!node.IsDefined() || node.IsNull()) fail(node, key, "nothing", "a value is required");
    if (!node.IsScalar()) fail(node, key, show(node), "expected a single value, got " + show(node));
    return node.Scalar();
}

bool YamlValues::boolean(const YAML::Node& node, const std::string& key) const {
    const std::string s = text(node, key);
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    fail(node, key, show(node), "expected true or false");
}

}  // namespace allocopt::detail
