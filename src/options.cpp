#include "allocopt/options.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "detail/text.hpp"

namespace allocopt {

namespace {

/// Whether `text` is an optional minus sign followed by digits only.
bool plain_integer(std::string_view text) {
    if (!text.empty() && text.front() == '-') text.remove_prefix(1);
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
    return detail::did_you_mean(word, candidates);
}

std::string_view option_type_name(OptionSpec::Type type) {
    switch (type) {
        case OptionSpec::Type::integer:
            return "integer";
        case OptionSpec::Type::real:
            return "real";
        case OptionSpec::Type::boolean:
            return "boolean";
        case OptionSpec::Type::choice:
            return "choice";
        case OptionSpec::Type::text:
            return "text";
    }
    return "?";
}

std::string OptionSpec::domain() const {
    using detail::format_number;
    switch (type) {
        case Type::boolean:
            return "true or false";
        case Type::text:
            return "text";
        case Type::choice: {
            std::string list;
            for (std::string_view c : choices)
                list += (list.empty() ? "" : ", ") + std::string(c);
            return "one of " + list;
        }
        case Type::integer:
            if (max >= 9e18) return "a whole number >= " + format_number(min);
            return "a whole number in [" + format_number(min) + ", " + format_number(max) + "]";
        case Type::real:
            if (std::isinf(min) && std::isinf(max)) return "a finite number";
            if (std::isinf(max)) return "a number >= " + format_number(min);
            return "a number in [" + format_number(min) + ", " + format_number(max) + "]";
    }
    return "?";
}

double OptionSpec::parse(std::string_view text) const {
    const std::string key(name), value(text);
    switch (type) {
        case Type::boolean:
            if (text == "true" || text == "1") return 1;
            if (text == "false" || text == "0") return 0;
            throw InputError(key, value, "expected " + domain());
        case Type::choice: {
            const auto it = std::find(choices.begin(), choices.end(), text);
            if (it == choices.end()) {
                const std::vector<std::string> names(choices.begin(), choices.end());
                throw InputError(key, value,
                                 "expected " + domain() + detail::did_you_mean(text, names));
            }
            return static_cast<double>(it - choices.begin());
        }
        case Type::text:
            return 0;
        case Type::integer:
        case Type::real:
            break;
    }
    double v = 0;
    bool whole_digits = false;
    if (type == Type::integer && plain_integer(text)) {
        // Exact for any 64-bit value; beyond that, out of bounds.
        const char* end = text.data() + text.size();
        if (text.front() == '-') {
            long long i = 0;
            const auto r = std::from_chars(text.data(), end, i);
            if (r.ec != std::errc() || r.ptr != end)
                throw InputError(key, value, "expected " + domain());
            v = static_cast<double>(i);
        } else {
            unsigned long long u = 0;
            const auto r = std::from_chars(text.data(), end, u);
            if (r.ec != std::errc() || r.ptr != end)
                throw InputError(key, value, "expected " + domain());
            v = static_cast<double>(u);
        }
        whole_digits = true;
    } else {
        std::size_t used = 0;
        try {
            v = std::stod(value, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != value.size() || value.empty() || !std::isfinite(v)) {
            throw InputError(key, value, "expected " + domain());
        }
    }
    if (type == Type::integer && !whole_digits && v != std::floor(v)) {
        throw InputError(key, value, "expected " + domain());
    }
    if (v < min || v > max) throw InputError(key, value, "expected " + domain());
    return v;
}

std::string OptionSpec::show(double value) const {
    switch (type) {
        case Type::boolean:
            return value != 0 ? "true" : "false";
        case Type::choice: {
            const auto i = static_cast<std::size_t>(value);
            return value >= 0 && i < choices.size() ? std::string(choices[i])
                                                    : detail::format_number(value);
        }
        case Type::integer:
            if (value == std::floor(value) && std::abs(value) < 9e15) {
                return std::to_string(static_cast<long long>(value));
            }
            return detail::format_number(value);
        case Type::real:
        case Type::text:
            break;
    }
    return detail::format_number(value);
}

const std::vector<OptionSpec>& OptionValues::table() const {
    static const std::vector<OptionSpec> none;
    return table_ ? *table_ : none;
}

const OptionSpec& OptionValues::spec(std::string_view name) const {
    for (const OptionSpec& s : table()) {
        if (s.name == name) return s;
    }
    std::vector<std::string> names;
    std::string list;
    for (const OptionSpec& s : table()) {
        names.emplace_back(s.name);
        list += (list.empty() ? "" : ", ") + std::string(s.name);
    }
    throw InputError(std::string(name), "",
                     "unknown option" + detail::did_you_mean(name, names) +
                         (list.empty() ? "; this solver has no options" : "; options: " + list));
}

void OptionValues::set(std::string_view name, std::string_view text) {
    const OptionSpec& s = spec(name);
    s.parse(text);  // throws for a bad value
    for (auto& [n, old] : values_) {
        if (n == name) {
            old = text;
            return;
        }
    }
    values_.emplace_back(std::string(name), std::string(text));
}

double OptionValues::get(std::string_view name) const {
    const OptionSpec& s = spec(name);
    for (const auto& [n, text] : values_) {
        if (n == name) return s.parse(text);
    }
    return s.optional ? std::nan("") : s.default_value;
}

std::string OptionValues::text(std::string_view name) const {
    const OptionSpec& s = spec(name);
    for (const auto& [n, text] : values_) {
        if (n == name) return text;
    }
    return s.default_text;
}

bool OptionValues::is_set(std::string_view name) const {
    spec(name);  // throws for an unknown name
    for (const auto& [n, v] : values_) {
        if (n == name) return true;
    }
    return false;
}

bool OptionValues::active(std::string_view name) const {
    const OptionSpec& s = spec(name);
    if (s.depends_on.empty()) return true;
    if (!active(s.depends_on)) return false;
    const OptionSpec& on = spec(s.depends_on);
    const std::string shown =
        on.type == OptionSpec::Type::text ? text(s.depends_on) : on.show(get(s.depends_on));
    return std::find(s.when.begin(), s.when.end(), shown) != s.when.end();
}

void OptionValues::check_conditions() const {
    for (const auto& [name, value] : values_) {
        if (active(name)) continue;
        const OptionSpec& s = spec(name);
        std::string when;
        for (std::string_view w : s.when)
            when += (when.empty() ? "" : " or ") + std::string(w);
        throw InputError(name, value,
                         "applies only when " + std::string(s.depends_on) + " is " + when + " (" +
                             std::string(s.depends_on) + " is " + text(s.depends_on) + ")");
    }
}

std::vector<OptionSetting> OptionValues::settings() const {
    std::vector<OptionSetting> out;
    for (const OptionSpec& s : table()) {
        if (!active(s.name)) continue;
        const std::string t = text(s.name);
        if (s.optional && t.empty()) continue;
        OptionSetting setting{std::string(s.name), s.type, 0, t};
        if (s.type != OptionSpec::Type::text) {
            setting.number = get(s.name);
            // Written back canonically: a choice by name, a boolean as true/false.
            if (s.type == OptionSpec::Type::boolean || s.type == OptionSpec::Type::choice)
                setting.text = s.show(setting.number);
        }
        out.push_back(std::move(setting));
    }
    return out;
}

}  // namespace allocopt
