#include "io/yaml_values.hpp"

#include <charconv>
#include <climits>
#include <cmath>
#include <set>
#include <vector>

#include "detail/text.hpp"

namespace allocopt::detail {

namespace {

std::string hex_byte(unsigned char c) {
    const char* digits = "0123456789abcdef";
    return std::string("0x") + digits[c >> 4] + digits[c & 15];
}

/// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4;
    else
        return 0;
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    }
    return len;
}

bool is_blank_document(std::string_view text) {
    bool in_comment = false;
    for (char c : text) {
        if (in_comment) {
            in_comment = c != '\n';
        } else if (c == '#') {
            in_comment = true;
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return false;
        }
    }
    return true;
}

}  // namespace

SourcePosition YamlValues::position(const YAML::Mark& mark) const {
    if (mark.is_null()) return {file_, 0, 0};
    return {file_, mark.line + 1, mark.column + 1};
}

YAML::Node YamlValues::load(std::string_view text) const {
    if (is_blank_document(text)) {
        throw InputError("", "", "the file is empty: expected a problem with resources and tasks",
                         {file_, 0, 0});
    }
    int line = 1, column = 1;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t len = utf8_length(text, i);
        if (c == 0 || len == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
            throw InputError("", hex_byte(c), "the file is not text (unexpected byte)",
                             {file_, line, column});
        }
        if (c == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
        i += len;
    }
    try {
        return YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        throw InputError("", "", "invalid YAML: " + e.msg, position(e.mark));
    }
}

void YamlValues::fail(const YAML::Node& node, const std::string& key, const std::string& value,
                      const std::string& message) const {
    throw InputError(key, value, message, position(node.Mark()));
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
        const YAML::Node& k = it->first;
        const std::string where = key.empty() ? "" : key;
        if (!k.IsScalar()) fail(k, where, show(k), "a key must be a plain name");
        const std::string name = k.Scalar();
        const std::string path = where.empty() ? name : where + "." + name;
        if (!seen.insert(name).second) fail(k, path, name, "duplicate key");
        bool known = false;
        for (std::string_view a : allowed)
            known = known || a == name;
        if (!known) {
            std::string expected;
            for (std::size_t i = 0; i < names.size(); ++i) {
                expected += (i ? ", " : "") + names[i];
            }
            fail(k, path, name,
                 "unknown key" + did_you_mean(name, names) + "; expected one of: " + expected);
        }
    }
}

double YamlValues::number(const YAML::Node& node, const std::string& key) const {
    if (!node.IsDefined() || node.IsNull()) fail(node, key, "nothing", "a number is required");
    if (!node.IsScalar()) fail(node, key, show(node), "expected a number");
    if (node.Tag() == "!") fail(node, key, show(node), "expected a number, got a quoted string");
    std::string_view s = node.Scalar();
    const std::string lower = [&] {
        std::string l(s);
        for (char& c : l)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return l;
    }();
    for (std::string_view special : {".nan", ".inf", "+.inf", "-.inf", "nan", "inf", "+inf", "-inf",
                                     "infinity", "-infinity"}) {
        if (lower == special) fail(node, key, std::string(s), "must be a finite number");
    }
    std::string_view digits = s;
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    double value = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ptr != digits.data() + digits.size() ||
        (!digits.empty() && digits.front() == '+')) {
        fail(node, key, show(node), "expected a number");
    }
    if (ec == std::errc::result_out_of_range || !std::isfinite(value)) {
        fail(node, key, std::string(s), "number out of range");
    }
    if (ec != std::errc()) fail(node, key, show(node), "expected a number");
    return value;
}

int YamlValues::integer(const YAML::Node& node, const std::string& key) const {
    const double value = number(node, key);
    if (value != std::floor(value)) fail(node, key, node.Scalar(), "expected a whole number");
    if (value < INT_MIN || value > INT_MAX) fail(node, key, node.Scalar(), "number out of range");
    return static_cast<int>(value);
}

std::string YamlValues::text(const YAML::Node& node, const std::string& key) const {
    if (!node.IsDefined() || node.IsNull()) fail(node, key, "nothing", "a value is required");
    if (!node.IsScalar()) fail(node, key, show(node), "expected a single value");
    return node.Scalar();
}

bool YamlValues::boolean(const YAML::Node& node, const std::string& key) const {
    const std::string s = text(node, key);
    if (s == "true") return true;
    if (s == "false") return false;
    fail(node, key, show(node), "expected true or false");
}

}  // namespace allocopt::detail
