#pragma once
// SVG pictures with no plotting dependency (docs/pictures.md): a canvas whose every element
// stays inside it and carries no NaN, scales with round ticks, axes with units, legends, and two
// colour schemes that stay readable in grey and for colour-blind readers. Every picture of the
// project (Gantt charts, utilization strips, convergence plots, the HTML report's figures) draws
// through this module.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace allocopt::svg {

/// A colour, written as `#rrggbb`.
struct Color {
    std::uint8_t r = 0;
    std::uint8_t g = 0;
    std::uint8_t b = 0;

    std::string hex() const;
    /// Relative luminance in [0, 1] (sRGB, ITU-R BT.709): how light it prints in grey.
    double luminance() const;
};

/// Number of colours of the categorical palette.
inline constexpr std::size_t kCategoryColors = 7;

/// Colour `index` (taken modulo kCategoryColors) of the categorical palette: Okabe and Ito's
/// colours for colour-blind readers, in an order in which neighbours differ in lightness as
/// well as hue, so that the first few categories stay apart in a grey print.
Color category_color(std::size_t index);

/// The colour of "everything else" in a legend (a mid grey).
Color other_color();

/// A sequential scheme for t in [0, 1] (clamped; NaN is 0): viridis, dark blue to yellow, whose
/// lightness grows with t, so it reads in grey and with any colour vision deficiency.
Color sequential_color(double t);

/// Text with `& < > " '` escaped, safe inside an element and inside a quoted attribute.
/// Control characters other than tab and newline (not allowed in XML 1.0) become U+FFFD.
std::string escape(std::string_view text);

/// `value` with at most `digits` significant digits, no exponent below 10^15 and no trailing
/// zeros: 2842.1, 0.0031, 1.5e+20. "nan" / "inf" for those.
std::string format_number(double value, int digits = 4);

/// `value` with thousands separators and `decimals` decimals: 2,842.1.
std::string format_grouped(double value, int decimals);

/// A position on the canvas.
struct Point {
    double x = 0;
    double y = 0;
};

/// How an element is painted; empty strings are left out.
struct Style {
    std::string fill = "none";
    std::string stroke{};
    double stroke_width = 1;
    double opacity = 1;
    std::string dash{};       ///< stroke-dasharray, e.g. "4 3"
    std::string css_class{};  ///< a class attribute
};

/// How text is written.
struct TextStyle {
    double size = 12;
    std::string anchor = "start";  ///< start | middle | end
    std::string fill = "#222222";
    bool bold = false;
    double rotate = 0;  ///< degrees about the anchor point
};

/// An SVG picture being drawn. Coordinates are user units (pixels), y pointing down. Every
/// element is clipped to the canvas (a rectangle is cut to it, a point is moved onto its edge)
/// and every non-finite coordinate is replaced by the canvas edge it tends to (NaN by 0), so the
/// written file never has a coordinate outside [0, width] x [0, height] nor a NaN. Numbers are
/// written with two decimals.
class Canvas {
  public:
    /// width and height > 0 and finite; anything else is made 1.
    Canvas(double width, double height);

    double width() const { return width_; }
    double height() const { return height_; }

    /// A rectangle. `attributes` are extra attributes written as given (the caller escapes
    /// their values), e.g. `data-task="t3"`; `title` becomes a tooltip. Nothing is written for a
    /// rectangle with no area inside the canvas; returns whether one was.
    bool rect(double x, double y, double w, double h, const Style& style,
              std::string_view attributes = {}, std::string_view title = {});
    /// Several rectangles as one element (a path of closed rectangles): a task that holds units
    /// that are not next to each other. Returns whether anything was written.
    bool rects(std::span<const std::pair<Point, Point>> boxes, const Style& style,
               std::string_view attributes = {}, std::string_view title = {});
    void line(double x1, double y1, double x2, double y2, const Style& style);
    /// A polyline through `points` (fewer than two: nothing); `attributes` and `title` as for
    /// rect().
    void polyline(std::span<const Point> points, const Style& style,
                  std::string_view attributes = {}, std::string_view title = {});
    /// A closed polygon (a band between two curves), fewer than three points: nothing.
    void polygon(std::span<const Point> points, const Style& style,
                 std::string_view attributes = {}, std::string_view title = {});
    void circle(double x, double y, double radius, const Style& style);
    /// Text at (x, y), the baseline's anchor point; the text is escaped.
    void text(double x, double y, std::string_view text, const TextStyle& style = {});

    /// Opens a group; `attributes` as for rect(). Groups nest; close each with end_group().
    void begin_group(std::string_view attributes = {});
    void end_group();

    /// The picture: a standalone SVG file (with an XML declaration) or, with `inline_svg`, an
    /// <svg> element to put inside an HTML page. Open groups are closed.
    std::string str(bool inline_svg = false) const;
    /// Bytes written so far (for callers that keep pictures small).
    std::size_t size() const { return body_.size(); }

  private:
    void points_element(std::string_view name, std::span<const Point> points, const Style& style,
                        std::string_view attributes, std::string_view title);
    double cx(double x) const;
    double cy(double y) const;
    void number(double value);
    /// ` NAME="VALUE"`, the value written by number().
    void attribute(std::string_view name, double value);
    /// ` ATTRIBUTES` as the caller gave them; nothing when empty.
    void extra(std::string_view attributes);
    void style(const Style& style);
    void open_element(std::string_view name);
    void close_element(std::string_view title);

    double width_;
    double height_;
    std::string body_;
    int open_groups_ = 0;
};

/// A map from data values to canvas coordinates, linear or logarithmic. Values outside the
/// domain map outside the range (the canvas clips).
class Scale {
  public:
    /// [lo, hi] onto [from, to]. A degenerate domain (lo == hi) is widened around its value so
    /// that it still draws; a non-finite bound is made 0 or 1.
    static Scale linear(double lo, double hi, double from, double to);
    /// As linear() for log10 of the values; lo and hi are made positive (a bound <= 0 becomes
    /// hi / 1000, or 1).
    static Scale log(double lo, double hi, double from, double to);

    double operator()(double value) const;
    double lo() const { return lo_; }
    double hi() const { return hi_; }
    bool is_log() const { return log_; }

    /// About `target` round tick values inside the domain: 1, 2 or 5 times a power of ten
    /// apart (linear), powers of ten (log; also 2 and 5 times them when there are few).
    std::vector<double> ticks(int target = 6) const;
    /// A label for a tick value, with no more decimals than the ticks' spacing needs and k / M
    /// / G suffixes from 10^4 up: 0.25, 1,500 → "1.5k".
    std::string label(double value) const;

  private:
    double lo_ = 0;
    double hi_ = 1;
    double from_ = 0;
    double to_ = 1;
    bool log_ = false;
};

/// Round ticks for [lo, hi], about `target` of them: multiples of 1, 2 or 5 x 10^k.
std::vector<double> nice_ticks(double lo, double hi, int target = 6);

/// The plotting area inside a canvas.
struct Frame {
    double left = 0;
    double top = 0;
    double width = 0;
    double height = 0;

    double right() const { return left + width; }
    double bottom() const { return top + height; }
};

/// Draws the bottom and left axes of `frame`: ticks with round labels, light grid lines, and
/// each axis's label (which names the unit, e.g. "time (h)"). An empty label draws no title;
/// `draw_y` false leaves the left axis out (a Gantt chart labels its lanes instead).
void draw_axes(Canvas& canvas, const Frame& frame, const Scale& x, const Scale& y,
               std::string_view x_label, std::string_view y_label, bool draw_y = true);

/// One legend entry: a swatch of `color` (a line when `line`, dashed when `dashed`) and a label.
struct LegendEntry {
    std::string label{};
    Color color{};
    bool line = false;
    bool dashed = false;
};

/// A legend flowing from (x, y) to the right, wrapping before `max_width`; returns the height it
/// took.
double draw_legend(Canvas& canvas, double x, double y, double max_width,
                   std::span<const LegendEntry> entries);

/// A colour bar for the sequential scheme from (x, y): `width` wide, labelled with `lo` and
/// `hi` and a caption.
void draw_color_bar(Canvas& canvas, double x, double y, double width, std::string_view lo,
                    std::string_view hi, std::string_view caption);

/// Colours for a categorical field with many values: the most frequent values (up to
/// kCategoryColors) get the palette's colours, ties broken by first appearance; the rest share
/// other_color() under "other".
class Categories {
  public:
    /// `labels`: one per item (e.g. per task).
    explicit Categories(std::span<const std::string> labels);
    /// The colour of item `index`'s label.
    Color color_of(std::size_t index) const;
    /// The legend position of item `index`'s label: 0 .. kCategoryColors - 1 for a coloured
    /// value (the colour is category_color() of it), kCategoryColors for "other".
    std::size_t slot_of(std::size_t index) const;
    /// The legend: each coloured value, then "other (N values)" when some share the grey.
    std::vector<LegendEntry> legend() const;

  private:
    std::vector<std::uint32_t> slot_;  // per item: palette slot, or kCategoryColors for other
    std::vector<std::string> shown_;   // the coloured values, by slot
    std::size_t others_ = 0;           // distinct values in "other"
};

}  // namespace allocopt::svg
