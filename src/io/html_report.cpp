#include "allocopt/io/html_report.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "allocopt/io/svg.hpp"
#include "allocopt/metrics.hpp"
#include "allocopt/pareto.hpp"

namespace allocopt {

namespace {

using svg::escape;
using svg::format_grouped;
using svg::format_number;

/// A value for a table cell: grouped thousands, about six significant digits.
std::string cell(double value) {
    if (!std::isfinite(value)) return format_number(value);
    const double magnitude = value == 0 ? 0 : std::floor(std::log10(std::fabs(value)));
    if (magnitude >= 15 || magnitude < -4) return format_number(value, 6);
    const int decimals = std::max(0, 5 - static_cast<int>(magnitude));
    std::string text = format_grouped(value, std::min(decimals, 6));
    if (text.find('.') != std::string::npos) {
        while (text.back() == '0')
            text.pop_back();
        if (text.back() == '.') text.pop_back();
    }
    return text;
}

/// "−22.7 %" (a true minus sign) for new vs old; empty when old is 0 or either is not finite.
std::string relative_change(double from, double to) {
    if (!std::isfinite(from) || !std::isfinite(to) || from == 0) return {};
    const double change = 100 * (to - from) / std::fabs(from);
    char text[48];
    std::snprintf(text, sizeof text, "%s%.1f %%", change < 0 ? "\u2212" : "+", std::fabs(change));
    return text;
}

/// A JSON string literal, safe inside a <script> element ("</" is written "<\/").
std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '/':
                out += "\\/";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char esc[8];
                    std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(c));
                    out += esc;
                } else if (c == '<') {
                    out += "\\u003c";
                } else {
                    out += c;
                }
        }
    }
    return out + '"';
}

std::string json_number(double value) {
    if (!std::isfinite(value)) return "null";
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

constexpr std::string_view kStyle = R"(
:root { --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --card: #f5f7fa; --good: #11713a;
        --bad: #a4262c; --accent: #0072b2; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 1320px; padding: 24px 28px 60px;
       line-height: 1.45; background: #ffffff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 34px 0 10px; border-bottom: 2px solid var(--line);
     padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.sub { color: var(--muted); margin: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 14px; margin-top: 18px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
        padding: 12px 16px; min-width: 220px; flex: 1; }
.card .label { color: var(--muted); font-size: 13px; }
.card .value { font-size: 24px; font-weight: 600; }
.card .note { font-size: 13px; color: var(--muted); }
.good { color: var(--good); } .bad { color: var(--bad); }
table { border-collapse: collapse; font-size: 13.5px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; }
th { background: var(--card); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.kv td:first-child { color: var(--muted); }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 24px; }
figure { margin: 10px 0 26px; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
#assignment-table th { cursor: pointer; user-select: none; }
#assignment-table th.sorted-asc::after { content: " \25B2"; }
#assignment-table th.sorted-desc::after { content: " \25BC"; }
tr.late td { background: #fdeeee; }
.tools { display: flex; gap: 10px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
.tools input { padding: 5px 8px; border: 1px solid var(--line); border-radius: 4px;
               min-width: 260px; }
.tools button { padding: 4px 10px; border: 1px solid var(--line); border-radius: 4px;
                background: var(--card); cursor: pointer; }
.notes li { color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
)";

// The table's behaviour: filter, sort by a header click (numbers as numbers, empty cells
// last), pages of 100 rows. Errors are recorded on <html data-errors> for the browser test;
// data-ready="1" says the script ran to its end.
constexpr std::string_view kScript = R"(
window.addEventListener('error', function (e) {
  var root = document.documentElement;
  root.setAttribute('data-errors', (root.getAttribute('data-errors') || '') + e.message + ';');
});
(function () {
  var data = JSON.parse(document.getElementById('assignment-data').textContent);
  var columns = data.columns, numeric = data.numeric, rows = data.rows, late = data.late;
  var table = document.getElementById('assignment-table');
  var body = table.tBodies[0];
  var filter = document.getElementById('assignment-filter');
  var info = document.getElementById('assignment-info');
  var pageSize = 100, page = 0, key = -1, direction = 1, view = rows.slice();
  function show(value, k) {
    if (value === null) return '\u2014';
    if (!numeric[k]) return value;
    return String(Number(value.toPrecision(6)));
  }
  function sortView() {
    if (key < 0) return;
    view.sort(function (a, b) {
      var x = a[key], y = b[key];
      if (x === null || y === null) return x === y ? 0 : (x === null ? 1 : -1);
      if (numeric[key]) return (x - y) * direction;
      return (x < y ? -1 : x > y ? 1 : 0) * direction;
    });
  }
  function render() {
    var pages = Math.max(1, Math.ceil(view.length / pageSize));
    page = Math.min(Math.max(page, 0), pages - 1);
    var start = page * pageSize, end = Math.min(view.length, start + pageSize);
    while (body.firstChild) body.removeChild(body.firstChild);
    for (var i = start; i < end; i++) {
      var row = view[i], tr = document.createElement('tr');
      for (var k = 0; k < columns.length; k++) {
        var td = document.createElement('td');
        td.textContent = show(row[k], k);
        if (numeric[k]) td.className = 'num';
        tr.appendChild(td);
      }
      if (late >= 0 && row[late] === 'yes') tr.className = 'late';
      body.appendChild(tr);
    }
    info.textContent = (view.length ? (start + 1) + '\u2013' + end : '0') + ' of ' +
      view.length + ' rows' + (view.length !== rows.length ? ' (filtered from ' + rows.length +
      ')' : '') + ', page ' + (page + 1) + ' of ' + pages;
  }
  filter.addEventListener('input', function () {
    var q = filter.value.trim().toLowerCase();
    view = !q ? rows.slice() : rows.filter(function (row) {
      for (var k = 0; k < row.length; k++) {
        if (row[k] !== null && String(row[k]).toLowerCase().indexOf(q) >= 0) return true;
      }
      return false;
    });
    sortView();
    page = 0;
    render();
  });
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, k) {
    th.addEventListener('click', function () {
      direction = key === k ? -direction : 1;
      key = k;
      Array.prototype.forEach.call(heads, function (h) { h.className = numeric[h.cellIndex] ? 'num' : ''; });
      th.className += (th.className ? ' ' : '') + (direction > 0 ? 'sorted-asc' : 'sorted-desc');
      sortView();
      render();
    });
  });
  document.getElementById('assignment-prev').addEventListener('click', function () { page--; render(); });
  document.getElementById('assignment-next').addEventListener('click', function () { page++; render(); });
  render();
  document.documentElement.setAttribute('data-ready', '1');
})();
)";

class Page {
  public:
    void raw(std::string_view text) { out_ += text; }
    void text(std::string_view text) { out_ += escape(text); }
    void row(std::string_view key, std::string_view value) {
        out_ += "<tr><td>" + escape(key) + "</td><td>" + escape(value) + "</td></tr>\n";
    }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

void write_header(Page& page, const HtmlReportInput& in) {
    const Problem& p = *in.problem;
    const Result& r = *in.result;
    page.raw("<header><h1>");
    page.text(p.name());
    page.raw("</h1><p class=\"sub\">");
    page.text("solved by " + in.run.name + " in " + format_number(r.seconds, 3) + " s, " +
              format_grouped(static_cast<double>(r.evaluations), 0) +
              " evaluations (stopped: " + std::string(stop_reason_name(r.stop)) + ")");
    page.raw("</p></header>\n");
}

void write_outcome(Page& page, const HtmlReportInput& in) {
    const Problem& p = *in.problem;
    const Result& r = *in.result;
    const bool feasible = r.evaluation.feasible();
    page.raw(
        "<section id=\"outcome\"><div class=\"cards\">\n<div class=\"card\"><div class=\"label\">");
    page.text(p.objective().describe());
    page.raw("</div><div class=\"value\">");
    page.text(cell(r.evaluation.objective));
    page.raw("</div><div class=\"note ");
    page.raw(feasible ? "good\">feasible" : "bad\">INFEASIBLE, violation ");
    if (!feasible) page.text(cell(r.evaluation.violation));
    page.raw("</div></div>\n");
    if (r.lower_bound && std::isfinite(*r.lower_bound) && feasible) {
        page.raw("<div class=\"card\"><div class=\"label\">lower bound</div><div class=\"value\">");
        page.text(cell(*r.lower_bound));
        page.raw("</div><div class=\"note\">");
        if (*r.lower_bound > 0) {
            page.text("the value is at most " +
                      format_number(100 * (r.evaluation.objective / *r.lower_bound - 1), 3) +
                      " % above the optimum");
        } else {
            page.text("a bound of 0 gives no gap");
        }
        page.raw("</div></div>\n");
    }
    if (in.baseline) {
        const ReportBaseline& b = *in.baseline;
        page.raw("<div class=\"card\" id=\"baseline-card\"><div class=\"label\">");
        page.text("baseline: " + b.solver + " \u2192 " + in.run.name);
        page.raw("</div><div class=\"value\">");
        if (!b.result.found) {
            page.text(b.solver + " found nothing");
        } else {
            page.text(cell(b.result.evaluation.objective) + " \u2192 " +
                      cell(r.evaluation.objective));
        }
        page.raw("</div><div class=\"note\">");
        const std::string change =
            b.result.found ? relative_change(b.result.evaluation.objective, r.evaluation.objective)
                           : std::string();
        const bool minimize = p.objective().sense == Sense::minimize;
        if (b.result.found && !b.result.evaluation.feasible()) {
            page.text("the baseline's answer is infeasible");
        } else if (!change.empty()) {
            const double d = r.evaluation.objective - b.result.evaluation.objective;
            const bool better = minimize ? d < 0 : d > 0;
            page.raw(d == 0 ? "<span>" : better ? "<span class=\"good\">" : "<span class=\"bad\">");
            page.text(change + (d == 0 ? " (the same)" : better ? " (better)" : " (worse)"));
            page.raw("</span>");
        }
        page.raw("</div></div>\n");
    }
    page.raw("</div>\n");
    if (!r.notes.empty()) {
        page.raw("<ul class=\"notes\">");
        for (const std::string& note : r.notes) {
            page.raw("<li>");
            page.text(note);
            page.raw("</li>");
        }
        page.raw("</ul>\n");
    }
    page.raw("</section>\n");
}

void write_problem(Page& page, const HtmlReportInput& in) {
    const Problem& p = *in.problem;
    std::map<std::string, std::size_t> task_kinds;
    for (const Task& t : p.tasks())
        ++task_kinds[std::string(task_kind_name(t.kind))];
    std::map<std::string, std::size_t> resource_kinds;
    for (const Resource& r : p.resources())
        ++resource_kinds[r.kind.empty() ? "-" : r.kind];
    auto counts = [](const std::map<std::string, std::size_t>& m) {
        std::string s;
        for (const auto& [k, n] : m)
            s += (s.empty() ? "" : ", ") + std::to_string(n) + ' ' + k;
        return s.empty() ? std::string("none") : s;
    };
    std::string dims;
    for (const std::string& d : p.dimensions())
        dims += (dims.empty() ? "" : ", ") + d;
    page.raw("<div><h2>Problem</h2><table class=\"kv\">\n");
    if (!in.source.empty()) page.row("file", in.source);
    page.row("name", p.name());
    page.row("tasks", std::to_string(p.num_tasks()) + " (" + counts(task_kinds) + ")");
    page.row("resources", std::to_string(p.num_resources()) + " (" + counts(resource_kinds) + ")");
    page.row("capacity dimensions", dims);
    page.row("mode",
             std::string(mode_name(p.mode())) +
                 (p.mode() == Mode::schedule ? ", policy " + std::string(policy_name(p.policy())) +
                                                   (p.backfill() ? " with backfilling" : "")
                                             : std::string()));
    page.row("objective", p.objective().describe());
    if (std::isfinite(p.horizon())) page.row("horizon", cell(p.horizon()));
    if (p.data().hard_deadlines) page.row("hard constraint", "deadlines");
    if (p.data().hard_horizon) page.row("hard constraint", "horizon");
    page.raw("</table></div>\n");
}

void write_solver(Page& page, const HtmlReportInput& in) {
    page.raw("<div><h2>Solver</h2><table class=\"kv\">\n");
    page.row("solver", in.run.name);
    page.row("seed", std::to_string(in.run.seed));
    for (const OptionSetting& s : in.run.settings) {
        if (s.name == "solver" || s.name == "seed") continue;
        // For these a 0 means "no such limit", and 0 threads all cores (run_settings_table()).
        const bool limit = s.name == "time-limit" || s.name == "max-evals" ||
                           s.name == "stall-evals" || s.name == "stall-seconds";
        if (s.text == "0" && (limit || s.name == "threads")) {
            page.row(s.name, limit ? "none" : "all cores");
        } else {
            page.row(s.name, s.text);
        }
    }
    for (const OptionSetting& s : in.run.options)
        page.row("option " + s.name, s.text);
    page.raw("</table></div>\n");
}

void write_metrics(Page& page, const HtmlReportInput& in) {
    const bool with_baseline = in.baseline && in.baseline->result.found;
    page.raw("<section id=\"metrics\"><h2>Metrics</h2><table><thead><tr><th>metric</th>");
    if (with_baseline) {
        page.raw("<th class=\"num\">");
        page.text(in.baseline->solver);
        page.raw("</th>");
    }
    page.raw("<th class=\"num\">");
    page.text(in.run.name);
    page.raw("</th>");
    if (with_baseline) page.raw("<th class=\"num\">change</th>");
    page.raw("</tr></thead><tbody>\n");
    for (const Metric m : kAllMetrics) {
        const double value = in.report->metric(m);
        page.raw("<tr><td>");
        page.text(metric_name(m));
        page.raw("</td>");
        if (with_baseline) {
            const double base = in.baseline->report.metric(m);
            page.raw("<td class=\"num\">");
            page.text(cell(base));
            page.raw("</td><td class=\"num\">");
            page.text(cell(value));
            const std::string change = relative_change(base, value);
            const bool better = natural_sense(m) == Sense::minimize ? value < base : value > base;
            page.raw(change.empty() || value == base ? "</td><td class=\"num\">"
                     : better                        ? "</td><td class=\"num good\">"
                                                     : "</td><td class=\"num bad\">");
            page.text(change);
            page.raw("</td>");
        } else {
            page.raw("<td class=\"num\">");
            page.text(cell(value));
            page.raw("</td>");
        }
        page.raw("</tr>\n");
    }
    page.raw("</tbody></table><p class=\"sub\">");
    page.text(with_baseline ? "change: from the baseline to " + in.run.name +
                                  "; green where it is better for that metric."
                            : "");
    page.raw("</p></section>\n");
}

void write_figures(Page& page, const HtmlReportInput& in) {
    if (in.figures.empty()) return;
    page.raw("<section id=\"figures\"><h2>Pictures</h2>\n");
    for (const ReportFigure& f : in.figures) {
        page.raw("<figure><h3>");
        page.text(f.title);
        page.raw("</h3>\n");
        std::string_view svg = f.svg;
        if (svg.starts_with("<?xml")) svg.remove_prefix(std::min(svg.size(), svg.find('>') + 1));
        while (!svg.empty() && (svg.front() == '\n' || svg.front() == ' '))
            svg.remove_prefix(1);
        page.raw(svg);
        if (!f.caption.empty()) {
            page.raw("<figcaption>");
            page.text(f.caption);
            page.raw("</figcaption>");
        }
        page.raw("</figure>\n");
    }
    page.raw("</section>\n");
}

/// The assignment as JSON for the table's script: columns, which are numeric, rows.
std::string assignment_json(const HtmlReportInput& in, std::size_t rows) {
    const Problem& p = *in.problem;
    const Allocation& a = in.result->allocation;
    const Report& r = *in.report;
    const bool schedule = p.mode() == Mode::schedule;
    std::string out = "{\"columns\":[\"task\",\"kind\",\"type\",\"resource\",\"units\"";
    out += schedule ? ",\"start\",\"end\",\"deadline\",\"late\"]" : "]";
    out += ",\"numeric\":[false,false,false,false,true";
    out += schedule ? ",true,true,true,false]" : "]";
    out += ",\"late\":";
    out += schedule ? "8" : "-1";
    out += ",\"rows\":[\n";
    for (std::size_t i = 0; i < rows; ++i) {
        const Task& t = p.task(i);
        const bool placed = a.placed(i);
        out += i ? ",[" : "[";
        out += json_string(t.id) + ',' + json_string(task_kind_name(t.kind)) + ',' +
               json_string(t.type) + ',';
        out += placed ? json_string(p.resource(static_cast<std::size_t>(a.resource[i])).id)
                      : std::string("null");
        out += ',' + (placed ? std::to_string(a.units[i]) : std::string("null"));
        if (schedule) {
            const bool late = placed && std::isfinite(t.deadline) && r.end[i] > t.deadline;
            out += ',' + (placed ? json_number(r.start[i]) : "null") + ',' +
                   (placed ? json_number(r.end[i]) : "null") + ',' + json_number(t.deadline) + ',' +
                   (late ? "\"yes\"" : "\"\"");
        }
        out += "]\n";
    }
    out += "]}";
    return out;
}

void write_assignment(Page& page, const HtmlReportInput& in) {
    const Problem& p = *in.problem;
    const std::size_t rows = std::min(p.num_tasks(), kReportMaxRows);
    const bool schedule = p.mode() == Mode::schedule;
    page.raw("<section id=\"assignment\"><h2>Assignment</h2>\n");
    if (rows < p.num_tasks()) {
        page.raw("<p class=\"sub\">");
        page.text("The first " + format_grouped(static_cast<double>(rows), 0) + " of " +
                  format_grouped(static_cast<double>(p.num_tasks()), 0) +
                  " tasks; the result file has them all.");
        page.raw("</p>\n");
    }
    page.raw(
        "<div class=\"tools\"><input id=\"assignment-filter\" type=\"search\" "
        "placeholder=\"filter: task, kind, resource...\" aria-label=\"filter\">"
        "<button id=\"assignment-prev\" type=\"button\">previous</button>"
        "<button id=\"assignment-next\" type=\"button\">next</button>"
        "<span id=\"assignment-info\" class=\"sub\"></span></div>\n"
        "<table id=\"assignment-table\"><thead><tr><th>task</th><th>kind</th><th>type</th>"
        "<th>resource</th><th class=\"num\">units</th>");
    if (schedule) {
        page.raw(
            "<th class=\"num\">start</th><th class=\"num\">end</th><th "
            "class=\"num\">deadline</th><th>late</th>");
    }
    page.raw("</tr></thead><tbody></tbody></table>\n");
    page.raw("<script type=\"application/json\" id=\"assignment-data\">");
    page.raw(assignment_json(in, rows));
    page.raw("</script>\n</section>\n");
}

}  // namespace

std::string html_report(const HtmlReportInput& in) {
    if (!in.problem || !in.result || !in.report) {
        throw std::invalid_argument("html_report: problem, result and report are required");
    }
    Page page;
    page.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    page.text("allocopt: " + in.problem->name());
    page.raw("</title>\n<style>");
    page.raw(kStyle);
    page.raw("</style></head>\n<body>\n");
    write_header(page, in);
    write_outcome(page, in);
    page.raw("<section class=\"grid2\">\n");
    write_problem(page, in);
    write_solver(page, in);
    page.raw("</section>\n");
    write_metrics(page, in);
    write_figures(page, in);
    write_assignment(page, in);
    page.raw(
        "<footer>Written by allocopt. Self-contained: no external scripts, styles or "
        "fonts.</footer>\n<script>");
    page.raw(kScript);
    page.raw("</script>\n</body></html>\n");
    return page.take();
}

}  // namespace allocopt
