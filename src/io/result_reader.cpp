#include "allocopt/io/result_reader.hpp"

#include <charconv>
#include <string>

#include "allocopt/io/problem_yaml.hpp"
#include "io/yaml_values.hpp"

namespace allocopt {

namespace {

using detail::YamlNode;
using detail::YamlValues;

class SummaryReader {
  public:
    explicit SummaryReader(const std::string& file) : y_(file) {}

    ResultSummary read(const std::string& text) {
        const YamlNode root = y_.load(text, {}, "a result file written by 'allocopt solve -o'");
        if (!root.is_map()) {
            y_.fail(root, "", YamlValues::show(root),
                    "expected a result file: a mapping with problem, solver, objective and trace");
        }
        check_result_file(root);
        ResultSummary s;
        s.problem = y_.text(required(root, "problem", ""), "problem");
        if (const YamlNode size = root["size"]; size && !size.is_null()) read_size(size, s);
        read_objective(required(root, "objective", ""), s);
        read_solver(root["solver"], s);
        if (const YamlNode b = root["baseline"]; b && !b.is_null()) read_baseline(b, s);
        read_trace(required(root, "trace", ""), s);
        return s;
    }

  private:
    /// A problem file, a run configuration or an `evaluate` report has no `solver:` block.
    void check_result_file(const YamlNode& root) const {
        const YamlNode solver = root["solver"];
        if (solver.is_map()) return;
        std::string why = "no `solver:` block";
        if (solver && !solver.is_null()) {
            why = "its `solver:` is " + YamlValues::show(solver) +
                  ", not a block: a run configuration?";
        } else if (root["tasks"] || root["resources"]) {
            why += "; it has `tasks:` or `resources:`: a problem file?";
        } else if (root["objective"]) {
            why += "; an 'allocopt evaluate' report?";
        }
        // Printed as "FILE: error: not a result file (...)".
        throw InputError("", "", "not a result file (" + why + ")", {y_.file(), 0, 0});
    }

    /// `map[key]`; fails at `map` when it is missing or null. `path` is the map's key path.
    YamlNode required(const YamlNode& map, const char* key, const std::string& path) const {
        const YamlNode v = map[key];
        const std::string full = path.empty() ? key : path + "." + key;
        if (!v) y_.fail(map, full, "", std::string("missing '") + key + "'");
        if (v.is_null()) {
            // libyaml places a null value at the next token: point at its key instead.
            for (std::size_t k = 0; k < map.size(); ++k) {
                if (map.key(k).scalar() == key) y_.note_key(full, map.key(k), v);
            }
            y_.fail(v, full, "nothing", "a value is required");
        }
        return v;
    }

    YamlNode map_at(const YamlNode& map, const char* key, const std::string& path) const {
        const YamlNode v = required(map, key, path);
        y_.expect_map(v, path.empty() ? key : path + "." + key);
        return v;
    }

    /// A count written as plain digits (seeds and evaluations reach 2^64 - 1: not a double).
    std::uint64_t count(const YamlNode& node, const std::string& key) const {
        const std::string s = y_.text(node, key);
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
        if (node.quoted() || s.empty() || end != s.data() + s.size() || ec != std::errc()) {
            y_.fail(node, key, YamlValues::show(node),
                    ec == std::errc::result_out_of_range
                        ? "whole number out of range (at most 18446744073709551615)"
                        : "expected a whole number >= 0");
        }
        return value;
    }

    void read_size(const YamlNode& size, ResultSummary& s) const {
        y_.expect_map(size, "size");
        ResultSummary::Size z;
        z.tasks = count(required(size, "tasks", "size"), "size.tasks");
        z.resources = count(required(size, "resources", "size"), "size.resources");
        const YamlNode mode = required(size, "mode", "size");
        const std::string m = y_.text(mode, "size.mode");
        if (m == mode_name(Mode::schedule)) {
            z.mode = Mode::schedule;
        } else if (m == mode_name(Mode::packing)) {
            z.mode = Mode::packing;
        } else {
            y_.fail(mode, "size.mode", m, "expected schedule or packing");
        }
        s.size = z;
    }

    void read_objective(const YamlNode& o, ResultSummary& s) const {
        y_.expect_map(o, "objective");
        const YamlNode sense = required(o, "sense", "objective");
        const std::string text = y_.text(sense, "objective.sense");
        if (text == sense_name(Sense::minimize)) {
            s.objective.sense = Sense::minimize;
        } else if (text == sense_name(Sense::maximize)) {
            s.objective.sense = Sense::maximize;
        } else {
            y_.fail(sense, "objective.sense", text, "expected minimize or maximize");
        }
        s.objective.terms.clear();
        if (const YamlNode metric = o["metric"]; metric && !metric.is_null()) {
            s.objective.terms.emplace_back(metric_of(metric, "objective.metric"), 1.0);
        } else {
            const YamlNode terms = map_at(o, "terms", "objective");
            for (std::size_t k = 0; k < terms.size(); ++k) {
                const std::string key =
                    "objective.terms." + y_.text(terms.key(k), "objective.terms");
                s.objective.terms.emplace_back(metric_of(terms.key(k), key),
                                               y_.number(terms.value(k), key));
            }
        }
        s.value = y_.number(required(o, "value", "objective"), "objective.value");
        s.feasible = y_.boolean(required(o, "feasible", "objective"), "objective.feasible");
        if (const YamlNode v = o["violation"]; v && !v.is_null())
            s.violation = y_.number(v, "objective.violation");
    }

    Metric metric_of(const YamlNode& node, const std::string& key) const {
        const std::string name = y_.text(node, key);
        const std::optional<Metric> m = parse_metric(name);
        if (!m) y_.fail(node, key, name, "unknown metric");
        return *m;
    }

    void read_solver(const YamlNode& solver, ResultSummary& s) const {
        s.solver = y_.text(required(solver, "name", "solver"), "solver.name");
        s.seed = count(required(solver, "seed", "solver"), "solver.seed");
        s.evaluations = count(required(solver, "evaluations", "solver"), "solver.evaluations");
        s.seconds = y_.number(required(solver, "seconds", "solver"), "solver.seconds");
        const YamlNode stop = required(solver, "stop", "solver");
        const std::string text = y_.text(stop, "solver.stop");
        bool known = false;
        for (StopReason r : {StopReason::finished, StopReason::evaluations, StopReason::time,
                             StopReason::target, StopReason::stall, StopReason::interrupted}) {
            if (stop_reason_name(r) == text) {
                s.stop = r;
                known = true;
            }
        }
        if (!known) y_.fail(stop, "solver.stop", text, "unknown stop reason");
        if (const YamlNode b = solver["lower_bound"]; b && !b.is_null())
            s.lower_bound = y_.number(b, "solver.lower_bound");
    }

    void read_baseline(const YamlNode& b, ResultSummary& s) const {
        y_.expect_map(b, "baseline");
        ResultSummary::Baseline out;
        out.solver = y_.text(required(b, "solver", "baseline"), "baseline.solver");
        out.value = y_.number(required(b, "value", "baseline"), "baseline.value");
        out.feasible = y_.boolean(required(b, "feasible", "baseline"), "baseline.feasible");
        if (const YamlNode v = b["violation"]; v && !v.is_null())
            out.violation = y_.number(v, "baseline.violation");
        s.baseline = out;
    }

    void read_trace(const YamlNode& trace, ResultSummary& s) const {
        y_.expect_list(trace, "trace");
        s.trace.reserve(trace.size());
        for (std::size_t k = 0; k < trace.size(); ++k) {
            const std::string key = "trace[" + std::to_string(k) + "]";
            const YamlNode p = trace[k];
            y_.expect_map(p, key);
            TracePoint t;
            t.evaluations = count(required(p, "evaluations", key), key + ".evaluations");
            t.seconds = y_.number(required(p, "seconds", key), key + ".seconds");
            t.best = y_.number(required(p, "best", key), key + ".best");
            t.feasible = y_.boolean(required(p, "feasible", key), key + ".feasible");
            s.trace.push_back(t);
        }
    }

    YamlValues y_;
};

}  // namespace

ResultSummary parse_result_summary(const std::string& text, const std::string& file) {
    return SummaryReader(file).read(text);
}

ResultSummary read_result_summary(const std::string& path) {
    return parse_result_summary(read_file_text(path), path);
}

}  // namespace allocopt
