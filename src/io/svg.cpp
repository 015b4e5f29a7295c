#include "allocopt/io/svg.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

namespace allocopt::svg {

namespace {

constexpr double kCharWidth = 0.6;  // of the font size: a sans-serif character, on average

double clamp_to(double value, double hi) {
    if (std::isnan(value)) return 0;
    return std::clamp(value, 0.0, hi);
}

}  // namespace

std::string Color::hex() const {
    char text[8];
    std::snprintf(text, sizeof text, "#%02x%02x%02x", r, g, b);
    return text;
}

double Color::luminance() const {
    auto linear = [](std::uint8_t c) {
        const double v = c / 255.0;
        return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

Color category_color(std::size_t index) {
    // Okabe & Ito (2008): blue, orange, bluish green, sky blue, vermillion, yellow, reddish
    // purple; dark and light alternate (luminance 0.15, 0.46, 0.26, 0.40, 0.22, 0.75, 0.32).
    static constexpr std::array<Color, kCategoryColors> palette{{{0x00, 0x72, 0xb2},
                                                                 {0xe6, 0x9f, 0x00},
                                                                 {0x00, 0x9e, 0x73},
                                                                 {0x56, 0xb4, 0xe9},
                                                                 {0xd5, 0x5e, 0x00},
                                                                 {0xf0, 0xe4, 0x42},
                                                                 {0xcc, 0x79, 0xa7}}};
    return palette[index % kCategoryColors];
}

Color other_color() {
    return {0x99, 0x99, 0x99};
}

Color sequential_color(double t) {
    // viridis (van der Walt and Smith, matplotlib) at t = 0, 1/8, ..., 1, interpolated linearly.
    static constexpr std::array<Color, 9> stops{{{68, 1, 84},
                                                 {72, 40, 120},
                                                 {62, 73, 137},
                                                 {49, 104, 142},
                                                 {38, 130, 142},
                                                 {31, 158, 137},
                                                 {53, 183, 121},
                                                 {110, 206, 88},
                                                 {253, 231, 37}}};
    if (std::isnan(t)) t = 0;
    t = std::clamp(t, 0.0, 1.0) * (stops.size() - 1);
    const auto k = std::min<std::size_t>(static_cast<std::size_t>(t), stops.size() - 2);
    const double f = t - static_cast<double>(k);
    auto mix = [f](std::uint8_t a, std::uint8_t b) {
        return static_cast<std::uint8_t>(std::lround(a + f * (b - a)));
    };
    const Color& a = stops[k];
    const Color& b = stops[k + 1];
    return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
}

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
                    out += "\xef\xbf\xbd";
                } else {
                    out += c;
                }
        }
    }
    return out;
}

std::string format_number(double value, int digits) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    if (value == 0) return "0";
    char text[64];
    const double magnitude = std::floor(std::log10(std::fabs(value)));
    if (magnitude >= 15 || magnitude < -6) {
        std::snprintf(text, sizeof text, "%.*g", digits, value);
        return text;
    }
    const int decimals = std::max(0, digits - 1 - static_cast<int>(magnitude));
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    std::string out(text);
    if (out.find('.') != std::string::npos) {
        while (out.back() == '0')
            out.pop_back();
        if (out.back() == '.') out.pop_back();
    }
    return out == "-0" ? "0" : out;
}

std::string format_grouped(double value, int decimals) {
    if (!std::isfinite(value) || std::fabs(value) >= 1e15) return format_number(value, 6);
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", std::max(0, decimals), value);
    std::string digits(text);
    const bool negative = digits[0] == '-';
    if (negative) digits.erase(0, 1);
    const std::size_t point = std::min(digits.find('.'), digits.size());
    std::string out;
    for (std::size_t i = 0; i < point; ++i) {
        if (i > 0 && (point - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    out += digits.substr(point);
    if (negative && out.find_first_not_of("0.,") != std::string::npos) out.insert(0, "-");
    return out;
}

// Canvas ---------------------------------------------------------------------------------------

Canvas::Canvas(double width, double height)
    : width_(std::isfinite(width) && width > 0 ? width : 1),
      height_(std::isfinite(height) && height > 0 ? height : 1) {}

double Canvas::cx(double x) const {
    return clamp_to(x, width_);
}
double Canvas::cy(double y) const {
    return clamp_to(y, height_);
}

void Canvas::number(double value) {
    if (!std::isfinite(value)) value = 0;
    char text[32];
    const auto [end, error] =
        std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, 2);
    std::string_view written(text, error == std::errc() ? static_cast<std::size_t>(end - text) : 0);
    if (written.empty()) written = "0";
    if (written.ends_with(".00")) written.remove_suffix(3);
    if (written == "-0") written = "0";
    body_ += written;
}

void Canvas::attribute(std::string_view name, double value) {
    body_ += ' ';
    body_ += name;
    body_ += "=\"";
    number(value);
    body_ += '"';
}

void Canvas::extra(std::string_view attributes) {
    if (attributes.empty()) return;
    body_ += ' ';
    body_ += attributes;
}

void Canvas::style(const Style& s) {
    if (!s.fill.empty()) body_ += " fill=\"" + s.fill + '"';
    if (!s.stroke.empty()) {
        body_ += " stroke=\"" + s.stroke + "\" stroke-width=\"";
        number(std::isfinite(s.stroke_width) ? std::max(0.0, s.stroke_width) : 1);
        body_ += '"';
    }
    if (s.opacity < 1) {
        body_ += " opacity=\"";
        number(std::isfinite(s.opacity) ? std::max(0.0, s.opacity) : 1);
        body_ += '"';
    }
    if (!s.dash.empty()) body_ += " stroke-dasharray=\"" + s.dash + '"';
    if (!s.css_class.empty()) body_ += " class=\"" + s.css_class + '"';
}

void Canvas::open_element(std::string_view name) {
    body_ += '<';
    body_ += name;
}

void Canvas::close_element(std::string_view title) {
    if (title.empty()) {
        body_ += "/>\n";
        return;
    }
    // The element's name is the first word after the last '<'.
    const std::size_t open = body_.rfind('<');
    const std::size_t end = body_.find_first_of(" />", open + 1);
    const std::string name = body_.substr(open + 1, end - open - 1);
    body_ += "><title>" + escape(title) + "</title></" + name + ">\n";
}

bool Canvas::rect(double x, double y, double w, double h, const Style& s,
                  std::string_view attributes, std::string_view title) {
    const double x0 = cx(std::min(x, x + w));
    const double x1 = cx(std::max(x, x + w));
    const double y0 = cy(std::min(y, y + h));
    const double y1 = cy(std::max(y, y + h));
    if (!(x1 > x0) || !(y1 > y0)) return false;
    open_element("rect");
    attribute("x", x0);
    attribute("y", y0);
    attribute("width", x1 - x0);
    attribute("height", y1 - y0);
    style(s);
    extra(attributes);
    close_element(title);
    return true;
}

bool Canvas::rects(std::span<const std::pair<Point, Point>> boxes, const Style& s,
                   std::string_view attributes, std::string_view title) {
    std::string d;
    const std::size_t mark = body_.size();
    for (const auto& [a, b] : boxes) {
        const double x0 = cx(std::min(a.x, b.x));
        const double x1 = cx(std::max(a.x, b.x));
        const double y0 = cy(std::min(a.y, b.y));
        const double y1 = cy(std::max(a.y, b.y));
        if (!(x1 > x0) || !(y1 > y0)) continue;
        // number() appends to body_; borrow it and move the text into d.
        body_ += 'M';
        number(x0);
        body_ += ' ';
        number(y0);
        body_ += 'H';
        number(x1);
        body_ += 'V';
        number(y1);
        body_ += 'H';
        number(x0);
        body_ += 'Z';
        d += body_.substr(mark);
        body_.resize(mark);
    }
    if (d.empty()) return false;
    open_element("path");
    body_ += " d=\"" + d + '"';
    style(s);
    extra(attributes);
    close_element(title);
    return true;
}

void Canvas::line(double x1, double y1, double x2, double y2, const Style& s) {
    open_element("line");
    attribute("x1", cx(x1));
    attribute("y1", cy(y1));
    attribute("x2", cx(x2));
    attribute("y2", cy(y2));
    style(s);
    close_element({});
}

void Canvas::points_element(std::string_view name, std::span<const Point> points, const Style& s,
                            std::string_view attributes, std::string_view title) {
    open_element(name);
    body_ += " points=\"";
    for (std::size_t k = 0; k < points.size(); ++k) {
        if (k > 0) body_ += ' ';
        number(cx(points[k].x));
        body_ += ',';
        number(cy(points[k].y));
    }
    body_ += '"';
    style(s);
    extra(attributes);
    close_element(title);
}

void Canvas::polyline(std::span<const Point> points, const Style& s, std::string_view attributes,
                      std::string_view title) {
    if (points.size() < 2) return;
    points_element("polyline", points, s, attributes, title);
}

void Canvas::polygon(std::span<const Point> points, const Style& s, std::string_view attributes,
                     std::string_view title) {
    if (points.size() < 3) return;
    points_element("polygon", points, s, attributes, title);
}

void Canvas::circle(double x, double y, double radius, const Style& s) {
    open_element("circle");
    attribute("cx", cx(x));
    attribute("cy", cy(y));
    const double r = std::isfinite(radius) && radius > 0 ? radius : 0;
    attribute("r", std::min({r, cx(x), width_ - cx(x), cy(y), height_ - cy(y)}));
    style(s);
    close_element({});
}

void Canvas::text(double x, double y, std::string_view content, const TextStyle& s) {
    const double size = std::isfinite(s.size) && s.size > 0 ? s.size : 12;
    open_element("text");
    attribute("x", cx(x));
    attribute("y", cy(y));
    attribute("font-size", size);
    if (s.anchor != "start") body_ += " text-anchor=\"" + s.anchor + '"';
    if (!s.fill.empty()) body_ += " fill=\"" + s.fill + '"';
    if (s.bold) body_ += " font-weight=\"bold\"";
    if (s.rotate != 0 && std::isfinite(s.rotate)) {
        body_ += " transform=\"rotate(";
        number(s.rotate);
        body_ += ' ';
        number(cx(x));
        body_ += ' ';
        number(cy(y));
        body_ += ")\"";
    }
    body_ += '>';
    body_ += escape(content);
    body_ += "</text>\n";
}

void Canvas::begin_group(std::string_view attributes) {
    body_ += "<g";
    extra(attributes);
    body_ += ">\n";
    ++open_groups_;
}

void Canvas::end_group() {
    if (open_groups_ == 0) return;
    body_ += "</g>\n";
    --open_groups_;
}

std::string Canvas::str(bool inline_svg) const {
    std::string out;
    out.reserve(body_.size() + 400);
    if (!inline_svg) out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    char head[320];
    std::snprintf(head, sizeof head,
                  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                  "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" role=\"img\">\n"
                  "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n",
                  std::ceil(width_), std::ceil(height_), std::ceil(width_), std::ceil(height_),
                  std::ceil(width_), std::ceil(height_));
    out += head;
    out += body_;
    for (int g = 0; g < open_groups_; ++g)
        out += "</g>\n";
    out += "</svg>\n";
    return out;
}

// Scales and axes -----------------------------------------------------------------------------

namespace {

/// The tick spacing for about `count` ticks over `span`: 1, 2 or 5 times a power of ten, the
/// one whose tick count comes nearest (on a log scale) to `count`.
double nice_step(double span, int count) {
    const double raw = span / std::max(1, count);
    if (!(raw > 0) || !std::isfinite(raw)) return 1;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double error = raw / power;  // in [1, 10)
    const double factor = error >= std::sqrt(50.0)   ? 10
                          : error >= std::sqrt(10.0) ? 5
                          : error >= std::sqrt(2.0)  ? 2
                                                     : 1;
    return factor * power;
}

/// k x step without the binary noise of the product (3 x 0.1 is 0.30000000000000004).
double tick_value(double k, double step) {
    const double decimals = std::max(0.0, 1 - std::floor(std::log10(step)));
    const double scale = std::pow(10.0, std::min(decimals, 15.0));
    return std::round(k * step * scale) / scale;
}

/// `value` for an axis whose largest magnitude is `magnitude` and whose ticks are `step` apart:
/// one suffix for the whole axis (k from 10^4 up, M from 10^7, G from 10^10).
std::string with_suffix(double value, double step, double magnitude) {
    if (value == 0) return "0";
    static constexpr std::array<std::pair<double, const char*>, 3> suffixes{
        {{1e9, "G"}, {1e6, "M"}, {1e3, "k"}}};
    double scale = 1;
    const char* suffix = "";
    for (const auto& [factor, name] : suffixes) {
        if (magnitude >= 10 * factor) {
            scale = factor;
            suffix = name;
            break;
        }
    }
    const double v = value / scale;
    const double s = step / scale;
    const int decimals = s > 0 && std::isfinite(s)
                             ? std::clamp(-static_cast<int>(std::floor(std::log10(s) + 1e-9)), 0, 9)
                             : 0;
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    std::string out = std::string(text) == "-0" ? "0" : text;
    if (std::fabs(v) >= 1e4 && scale == 1e9) out = format_number(v, 3);
    return out + suffix;
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
    // A span beyond the largest double (-1e308 to 1e308) has no ticks to write.
    if (!std::isfinite(lo) || !std::isfinite(hi) || !std::isfinite(hi - lo)) return {};
    if (lo > hi) std::swap(lo, hi);
    if (lo == hi) return {lo};
    const double step = nice_step(hi - lo, target);
    std::vector<double> ticks;
    const double first = std::ceil(lo / step - 1e-9);
    for (double k = first;; ++k) {
        const double v = tick_value(k, step);
        if (v > hi + step * 1e-9 || ticks.size() > 100) break;
        ticks.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
    }
    return ticks;
}

Scale Scale::linear(double lo, double hi, double from, double to) {
    Scale s;
    s.lo_ = std::isfinite(lo) ? lo : 0;
    s.hi_ = std::isfinite(hi) ? hi : 1;
    if (s.lo_ > s.hi_) std::swap(s.lo_, s.hi_);
    if (s.lo_ == s.hi_) {
        const double pad = s.lo_ == 0 ? 1 : std::fabs(s.lo_) * 0.1;
        s.lo_ -= pad;
        s.hi_ += pad;
    }
    s.from_ = std::isfinite(from) ? from : 0;
    s.to_ = std::isfinite(to) ? to : 1;
    return s;
}

Scale Scale::log(double lo, double hi, double from, double to) {
    if (!(hi > 0) || !std::isfinite(hi)) hi = 1;
    if (!(lo > 0) || !std::isfinite(lo)) lo = hi / 1000;
    if (lo > hi) std::swap(lo, hi);
    if (lo == hi) {
        lo /= 10;
        hi *= 10;
    }
    Scale s = linear(lo, hi, from, to);
    s.log_ = true;
    return s;
}

double Scale::operator()(double value) const {
    double t = 0;
    if (log_) {
        if (!(value > 0)) return from_;
        t = (std::log10(value) - std::log10(lo_)) / (std::log10(hi_) - std::log10(lo_));
    } else {
        t = (value - lo_) / (hi_ - lo_);
    }
    return from_ + t * (to_ - from_);
}

std::vector<double> Scale::ticks(int target) const {
    if (!log_) return nice_ticks(lo_, hi_, target);
    std::vector<double> out;
    const int first = static_cast<int>(std::ceil(std::log10(lo_) - 1e-9));
    const int last = static_cast<int>(std::floor(std::log10(hi_) + 1e-9));
    const int decades = last - first + 1;
    const int every = std::max(1, (decades + target - 1) / std::max(1, target));
    for (int e = first; e <= last; e += every)
        out.push_back(std::pow(10.0, e));
    if (out.size() < 3) {
        std::vector<double> finer;
        for (int e = first - 1; e <= last; ++e) {
            for (const double m : {1.0, 2.0, 5.0}) {
                const double v = m * std::pow(10.0, e);
                if (v >= lo_ * (1 - 1e-9) && v <= hi_ * (1 + 1e-9)) finer.push_back(v);
            }
        }
        if (finer.size() >= out.size()) out = finer;
    }
    return out;
}

std::string Scale::label(double value) const {
    const double magnitude = std::max(std::fabs(lo_), std::fabs(hi_));
    if (log_) return with_suffix(value, std::fabs(value), std::fabs(value));
    const std::vector<double> t = ticks();
    const double step = t.size() >= 2 ? t[1] - t[0] : std::fabs(hi_ - lo_);
    return with_suffix(value, step, magnitude);
}

void draw_axes(Canvas& canvas, const Frame& f, const Scale& x, const Scale& y,
               std::string_view x_label, std::string_view y_label, bool draw_y) {
    const Style grid{.fill = "none", .stroke = "#e3e3e3", .stroke_width = 1};
    const Style axis{.fill = "none", .stroke = "#444444", .stroke_width = 1};
    const TextStyle tick_text{.size = 11, .anchor = "middle", .fill = "#333333"};
    for (const double v : x.ticks()) {
        const double px = x(v);
        if (px < f.left - 0.5 || px > f.right() + 0.5) continue;
        canvas.line(px, f.top, px, f.bottom(), grid);
        canvas.line(px, f.bottom(), px, f.bottom() + 4, axis);
        canvas.text(px, f.bottom() + 16, x.label(v), tick_text);
    }
    canvas.line(f.left, f.bottom(), f.right(), f.bottom(), axis);
    if (!x_label.empty()) {
        canvas.text(f.left + f.width / 2, f.bottom() + 34, x_label,
                    {.size = 12, .anchor = "middle", .fill = "#222222"});
    }
    if (!draw_y) return;
    TextStyle y_text = tick_text;
    y_text.anchor = "end";
    for (const double v : y.ticks(5)) {
        const double py = y(v);
        if (py < f.top - 0.5 || py > f.bottom() + 0.5) continue;
        canvas.line(f.left, py, f.right(), py, grid);
        canvas.line(f.left - 4, py, f.left, py, axis);
        canvas.text(f.left - 7, py + 4, y.label(v), y_text);
    }
    canvas.line(f.left, f.top, f.left, f.bottom(), axis);
    if (!y_label.empty()) {
        const double px = std::max(12.0, f.left - 52);
        canvas.text(px, f.top + f.height / 2, y_label,
                    {.size = 12, .anchor = "middle", .fill = "#222222", .rotate = -90});
    }
}

double draw_legend(Canvas& canvas, double x, double y, double max_width,
                   std::span<const LegendEntry> entries) {
    constexpr double kRow = 18;
    constexpr double kSwatch = 12;
    double px = x;
    double py = y;
    for (const LegendEntry& e : entries) {
        const double width = kSwatch + 6 + e.label.size() * 11 * kCharWidth + 16;
        if (px > x && px + width > x + max_width) {
            px = x;
            py += kRow;
        }
        if (e.line) {
            canvas.line(px, py + kSwatch / 2, px + kSwatch + 6, py + kSwatch / 2,
                        {.fill = "none",
                         .stroke = e.color.hex(),
                         .stroke_width = 2.5,
                         .dash = e.dashed ? "5 3" : ""});
        } else {
            canvas.rect(px, py, kSwatch, kSwatch,
                        {.fill = e.color.hex(), .stroke = "#333333", .stroke_width = 0.5});
        }
        canvas.text(px + kSwatch + 10, py + kSwatch - 1, e.label, {.size = 11});
        px += width;
    }
    return py - y + kRow;
}

void draw_color_bar(Canvas& canvas, double x, double y, double width, std::string_view lo,
                    std::string_view hi, std::string_view caption) {
    constexpr int kSteps = 32;
    const double step = width / kSteps;
    for (int k = 0; k < kSteps; ++k) {
        canvas.rect(x + k * step, y, step + 0.5, 10,
                    {.fill = sequential_color((k + 0.5) / kSteps).hex()});
    }
    canvas.rect(x, y, width, 10, {.fill = "none", .stroke = "#444444", .stroke_width = 0.5});
    canvas.text(x, y + 23, lo, {.size = 10});
    canvas.text(x + width, y + 23, hi, {.size = 10, .anchor = "end"});
    canvas.text(x + width / 2, y + 23, caption, {.size = 10, .anchor = "middle"});
}

// Categories -----------------------------------------------------------------------------------

Categories::Categories(std::span<const std::string> labels) {
    std::map<std::string_view, std::pair<std::size_t, std::size_t>> seen;  // count, first
    for (std::size_t i = 0; i < labels.size(); ++i) {
        auto [it, fresh] = seen.try_emplace(labels[i], 0, i);
        ++it->second.first;
    }
    std::vector<std::pair<std::string_view, std::pair<std::size_t, std::size_t>>> order(
        seen.begin(), seen.end());
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
        if (a.second.first != b.second.first) return a.second.first > b.second.first;
        return a.second.second < b.second.second;
    });
    std::map<std::string_view, std::uint32_t> slot;
    for (std::size_t k = 0; k < order.size(); ++k) {
        if (k < kCategoryColors) {
            slot[order[k].first] = static_cast<std::uint32_t>(k);
            shown_.emplace_back(order[k].first);
        } else {
            slot[order[k].first] = static_cast<std::uint32_t>(kCategoryColors);
            ++others_;
        }
    }
    slot_.reserve(labels.size());
    for (const std::string& label : labels)
        slot_.push_back(slot[label]);
}

Color Categories::color_of(std::size_t index) const {
    const std::uint32_t s = index < slot_.size() ? slot_[index] : kCategoryColors;
    return s < kCategoryColors ? category_color(s) : other_color();
}

std::size_t Categories::slot_of(std::size_t index) const {
    return index < slot_.size() ? slot_[index] : kCategoryColors;
}

std::vector<LegendEntry> Categories::legend() const {
    std::vector<LegendEntry> out;
    for (std::size_t k = 0; k < shown_.size(); ++k) {
        out.push_back({shown_[k], category_color(k)});
    }
    if (others_ > 0) {
        out.push_back({"other (" + std::to_string(others_) + " values)", other_color()});
    }
    return out;
}

}  // namespace allocopt::svg
