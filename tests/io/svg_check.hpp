#pragma once
// For tests of pictures: a small XML parser that refuses what is not well-formed (unbalanced or
// crossed tags, unquoted or repeated attributes, a bare '<' or '&', unknown entities), and a
// check of an SVG's geometry: every coordinate inside the canvas, no NaN or infinity anywhere.
// Independent of src/io/svg.cpp: it reads the text the writer produced.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace allocopt::testing {

struct XmlElement {
    std::string name;
    std::map<std::string, std::string> attributes;
    std::vector<std::unique_ptr<XmlElement>> children;
    std::string text;  ///< character data directly inside, entities decoded

    /// Every element of the tree, this one first, in document order.
    void visit(const std::function<void(const XmlElement&)>& f) const {
        f(*this);
        for (const auto& c : children)
            c->visit(f);
    }
    std::size_t count(const std::function<bool(const XmlElement&)>& f) const {
        std::size_t n = 0;
        visit([&](const XmlElement& e) { n += f(e) ? 1 : 0; });
        return n;
    }
    std::string attribute(const std::string& key) const {
        const auto it = attributes.find(key);
        return it == attributes.end() ? std::string() : it->second;
    }
};

class XmlParser {
  public:
    explicit XmlParser(std::string_view text) : s_(text) {}

    /// The root element; throws std::runtime_error naming the offset of the first fault.
    std::unique_ptr<XmlElement> parse() {
        skip_prolog();
        auto root = element();
        skip_misc();
        if (p_ != s_.size()) fail("content after the root element");
        return root;
    }

  private:
    [[noreturn]] void fail(const std::string& why) const {
        throw std::runtime_error("XML offset " + std::to_string(p_) + ": " + why);
    }
    bool starts(std::string_view t) const { return s_.substr(p_, t.size()) == t; }
    void space() {
        while (p_ < s_.size() && std::string_view(" \t\r\n").find(s_[p_]) != std::string::npos)
            ++p_;
    }
    void skip_until(std::string_view end) {
        const std::size_t at = s_.find(end, p_);
        if (at == std::string_view::npos) fail("unterminated '" + std::string(end) + "'");
        p_ = at + end.size();
    }
    void skip_misc() {
        for (;;) {
            space();
            if (starts("<!--")) {
                skip_until("-->");
            } else if (starts("<?")) {
                skip_until("?>");
            } else {
                return;
            }
        }
    }
    void skip_prolog() {
        skip_misc();
        if (starts("<!DOCTYPE")) skip_until(">");
        skip_misc();
    }
    std::string name() {
        const std::size_t start = p_;
        while (p_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[p_])) ||
                                  std::string_view("_:-.").find(s_[p_]) != std::string::npos))
            ++p_;
        if (p_ == start) fail("expected a name");
        return std::string(s_.substr(start, p_ - start));
    }
    std::string decode(std::string_view raw) {
        std::string out;
        for (std::size_t k = 0; k < raw.size(); ++k) {
            if (raw[k] == '<') fail("'<' in text or attribute");
            if (raw[k] != '&') {
                out += raw[k];
                continue;
            }
            const std::size_t semi = raw.find(';', k);
            if (semi == std::string_view::npos) fail("'&' without ';'");
            const std::string_view entity = raw.substr(k + 1, semi - k - 1);
            if (entity == "amp") {
                out += '&';
            } else if (entity == "lt") {
                out += '<';
            } else if (entity == "gt") {
                out += '>';
            } else if (entity == "quot") {
                out += '"';
            } else if (entity == "apos") {
                out += '\'';
            } else if (entity.size() > 1 && entity[0] == '#') {
                out += '?';
            } else {
                fail("unknown entity &" + std::string(entity) + ";");
            }
            k = semi;
        }
        return out;
    }
    std::unique_ptr<XmlElement> element() {
        if (!starts("<")) fail("expected '<'");
        ++p_;
        auto e = std::make_unique<XmlElement>();
        e->name = name();
        for (;;) {
            const std::size_t before = p_;
            space();
            if (starts("/>")) {
                p_ += 2;
                return e;
            }
            if (starts(">")) {
                ++p_;
                break;
            }
            if (p_ == before) fail("expected a space before an attribute");
            const std::string key = name();
            space();
            if (!starts("=")) fail("attribute " + key + " without '='");
            ++p_;
            space();
            if (p_ >= s_.size() || (s_[p_] != '"' && s_[p_] != '\'')) {
                fail("attribute " + key + " not quoted");
            }
            const char quote = s_[p_++];
            const std::size_t end = s_.find(quote, p_);
            if (end == std::string_view::npos) fail("unterminated attribute " + key);
            if (!e->attributes.emplace(key, decode(s_.substr(p_, end - p_))).second) {
                fail("attribute " + key + " repeated");
            }
            p_ = end + 1;
        }
        for (;;) {
            const std::size_t lt = s_.find('<', p_);
            if (lt == std::string_view::npos) fail("element <" + e->name + "> not closed");
            e->text += decode(s_.substr(p_, lt - p_));
            p_ = lt;
            if (starts("<!--")) {
                skip_until("-->");
            } else if (starts("<![CDATA[")) {
                const std::size_t start = p_ + 9;
                skip_until("]]>");
                e->text += std::string(s_.substr(start, p_ - 3 - start));
            } else if (starts("</")) {
                p_ += 2;
                const std::string closing = name();
                if (closing != e->name) fail("</" + closing + "> closes <" + e->name + ">");
                space();
                if (!starts(">")) fail("expected '>'");
                ++p_;
                return e;
            } else {
                e->children.push_back(element());
            }
        }
    }

    std::string_view s_;
    std::size_t p_ = 0;
};

inline std::unique_ptr<XmlElement> parse_xml(std::string_view text) {
    return XmlParser(text).parse();
}

/// The numbers in an attribute value such as a path's d or a polyline's points.
inline std::vector<double> numbers_in(const std::string& value) {
    std::vector<double> out;
    const char* p = value.c_str();
    while (*p) {
        if (std::isdigit(static_cast<unsigned char>(*p)) || *p == '-' || *p == '.') {
            char* end = nullptr;
            const double v = std::strtod(p, &end);
            if (end != p) {
                out.push_back(v);
                p = end;
                continue;
            }
        }
        ++p;
    }
    return out;
}

/// Checks an SVG file as the issue asks: it parses as XML, its root is <svg> with a width and a
/// height, no attribute anywhere holds nan or inf, and every coordinate lies inside the canvas.
/// Returns the root for further checks (null after a failure).
inline std::unique_ptr<XmlElement> check_svg(std::string_view text) {
    std::unique_ptr<XmlElement> root;
    try {
        root = parse_xml(text);
    } catch (const std::exception& e) {
        ADD_FAILURE() << "not well-formed XML: " << e.what();
        return nullptr;
    }
    EXPECT_EQ(root->name, "svg");
    const double width = std::atof(root->attribute("width").c_str());
    const double height = std::atof(root->attribute("height").c_str());
    EXPECT_GT(width, 0);
    EXPECT_GT(height, 0);
    constexpr double kSlack = 0.011;  // two written decimals
    root->visit([&](const XmlElement& e) {
        for (const auto& [key, value] : e.attributes) {
            std::string lower;
            for (const char c : value)
                lower += static_cast<char>(std::tolower(c));
            EXPECT_EQ(lower.find("nan"), std::string::npos) << e.name << ' ' << key << '=' << value;
            EXPECT_EQ(lower.find("inf"), std::string::npos) << e.name << ' ' << key << '=' << value;
        }
        if (&e == root.get()) return;
        auto within = [&](const std::string& key, double limit) {
            if (!e.attributes.count(key)) return;
            const double v = std::atof(e.attribute(key).c_str());
            EXPECT_TRUE(v >= -kSlack && v <= limit + kSlack) << e.name << ' ' << key << '=' << v;
        };
        for (const char* key : {"x", "x1", "x2", "cx"})
            within(key, width);
        for (const char* key : {"y", "y1", "y2", "cy"})
            within(key, height);
        if (e.attributes.count("width") && e.attributes.count("x")) {
            const double right =
                std::atof(e.attribute("x").c_str()) + std::atof(e.attribute("width").c_str());
            EXPECT_LE(right, width + 2 * kSlack) << e.name;
        }
        if (e.attributes.count("height") && e.attributes.count("y")) {
            const double bottom =
                std::atof(e.attribute("y").c_str()) + std::atof(e.attribute("height").c_str());
            EXPECT_LE(bottom, height + 2 * kSlack) << e.name;
        }
        if (e.attributes.count("points")) {
            const std::vector<double> v = numbers_in(e.attribute("points"));
            EXPECT_EQ(v.size() % 2, 0u) << e.name;
            for (std::size_t k = 0; k < v.size(); ++k) {
                const double limit = k % 2 ? height : width;
                EXPECT_TRUE(v[k] >= -kSlack && v[k] <= limit + kSlack)
                    << e.name << " points[" << k << "]=" << v[k];
            }
        }
        if (e.attributes.count("d")) {
            // Absolute commands only: M and L take x y, H takes x, V takes y, Z nothing.
            const std::string d = e.attribute("d");
            std::size_t at = 0;
            while (at < d.size()) {
                const char command = d[at];
                const std::size_t next = d.find_first_of("MLHVZ", at + 1);
                const std::vector<double> v = numbers_in(d.substr(at + 1, next - at - 1));
                std::vector<double> limits;
                if (command == 'M' || command == 'L') limits = {width, height};
                if (command == 'H') limits = {width};
                if (command == 'V') limits = {height};
                if (command != 'Z' && limits.empty()) ADD_FAILURE() << "path command " << command;
                EXPECT_EQ(v.size(), limits.size()) << "path command " << command << " in " << d;
                for (std::size_t k = 0; k < std::min(v.size(), limits.size()); ++k) {
                    EXPECT_TRUE(v[k] >= -kSlack && v[k] <= limits[k] + kSlack)
                        << "path " << command << ' ' << v[k];
                }
                at = next == std::string::npos ? d.size() : next;
            }
        }
    });
    return root;
}

}  // namespace allocopt::testing
