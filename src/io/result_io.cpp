#include "allocopt/io/result_io.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>

#include "allocopt/error.hpp"
#include "detail/text.hpp"
#include "io/document.hpp"

namespace allocopt {

namespace detail {

namespace {

bool is_flat_map(const Document& node) {
    if (!node.is_object() || node.size() > 8) return false;
    for (const auto& item : node.items()) {
        if (item.value().is_structured()) return false;
    }
    return true;
}

void emit(YAML::Emitter& out, const Document& node) {
    if (node.is_object()) {
        if (is_flat_map(node)) out << YAML::Flow;
        out << YAML::BeginMap;
        for (const auto& item : node.items()) {
            out << YAML::Key << item.key() << YAML::Value;
            emit(out, item.value());
        }
        out << YAML::EndMap;
    } else if (node.is_array()) {
        bool scalars = true;
        for (const auto& v : node)
            scalars = scalars && !v.is_structured();
        if (scalars) out << YAML::Flow;
        out << YAML::BeginSeq;
        for (const auto& v : node)
            emit(out, v);
        out << YAML::EndSeq;
    } else if (node.is_null()) {
        out << YAML::Null;
    } else if (node.is_boolean()) {
        out << node.get<bool>();
    } else if (node.is_number_integer()) {
        out << node.get<long long>();
    } else if (node.is_number()) {
        const double v = node.get<double>();
        if (std::isnan(v))
            out << ".nan";
        else if (std::isinf(v))
            out << (v > 0 ? ".inf" : "-.inf");
        else
            out << format_number(v);
    } else {
        out << node.get<std::string>();
    }
}

}  // namespace

std::string render(const Document& document, OutputFormat format) {
    if (format == OutputFormat::json) {
        // Escapes such as "\\N" in YAML can decode to bytes that are not UTF-8: replace them.
        return document.dump(2, ' ', false, Document::error_handler_t::replace) + "\n";
    }
    YAML::Emitter out;
    out.SetIndent(2);
    emit(out, document);
    return std::string(out.c_str()) + "\n";
}

double tidy(double value) {
    if (!std::isfinite(value) || value == 0) return value;
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.12g", value);
    return std::strtod(buffer, nullptr);
}

}  // namespace detail

OutputFormat format_for_path(std::string_view path) {
    const std::string_view ext = ".json";
    const bool json = path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
    return json ? OutputFormat::json : OutputFormat::yaml;
}

void write_text_atomic(const std::string& path, std::string_view content) {
    std::random_device device;
    const std::string temp = path + ".tmp-" + std::to_string(device());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw InputError("output", path,
                             std::string("cannot create the output file: ") + std::strerror(errno));
        }
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out) {
            out.close();
            std::remove(temp.c_str());
            throw InputError("output", path, "cannot write the output file");
        }
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        std::remove(temp.c_str());
        throw InputError("output", path,
                         std::string("cannot replace the output file: ") + std::strerror(error));
    }
}

std::string allocation_text(const Problem& problem, const Allocation& allocation,
                            OutputFormat format) {
    detail::Document doc;
    doc["problem"] = problem.name();
    detail::Document rows = detail::Document::array();
    for (std::size_t i = 0; i < problem.num_tasks(); ++i) {
        detail::Document row;
        row["task"] = problem.task(i).id;
        if (allocation.placed(i)) {
            row["resource"] = problem.resource(static_cast<std::size_t>(allocation.resource[i])).id;
            row["units"] = allocation.units[i];
        } else {
            row["resource"] = nullptr;
        }
        rows.push_back(std::move(row));
    }
    doc["assignment"] = std::move(rows);
    return detail::render(doc, format);
}

void write_allocation(const std::string& path, const Problem& problem,
                      const Allocation& allocation) {
    write_text_atomic(path, allocation_text(problem, allocation, format_for_path(path)));
}

namespace {

detail::Document report_document(const Problem& problem, const Allocation& allocation,
                                 const Report& report, const detail::Document* solver) {
    using detail::Document;
    using detail::tidy;
    Document doc;
    doc["problem"] = problem.name();
    if (solver) doc["solver"] = *solver;
    Document objective;
    const Objective& o = problem.objective();
    objective["sense"] = std::string(sense_name(o.sense));
    if (o.single()) {
        objective["metric"] = std::string(metric_name(o.terms.front().first));
    } else {
        Document terms = Document::object();
        for (const auto& [metric, weight] : o.terms)
            terms[std::string(metric_name(metric))] = weight;
        objective["terms"] = std::move(terms);
    }
    objective["value"] = tidy(report.evaluation.objective);
    objective["feasible"] = report.evaluation.feasible();
    objective["violation"] = tidy(report.evaluation.violation);
    doc["objective"] = std::move(objective);
    Document metrics;
    for (Metric m : kAllMetrics)
        metrics[std::string(metric_name(m))] = tidy(report.metric(m));
    Document by_resource = Document::object();
    for (std::size_t j = 0; j < problem.num_resources(); ++j) {
        by_resource[problem.resource(j).id] = tidy(report.utilization[j]);
    }
    metrics["utilization_by_resource"] = std::move(by_resource);
    Document violation;
    violation["capacity"] = tidy(report.capacity_violation);
    violation["placement"] = tidy(report.placement_violation);
    violation["deadlines"] = tidy(report.deadline_violation);
    metrics["violation"] = std::move(violation);
    doc["metrics"] = std::move(metrics);
    Document rows = Document::array();
    for (std::size_t i = 0; i < problem.num_tasks(); ++i) {
        Document row;
        row["task"] = problem.task(i).id;
        if (allocation.placed(i)) {
            row["resource"] = problem.resource(static_cast<std::size_t>(allocation.resource[i])).id;
            row["units"] = allocation.units[i];
            row["start"] = tidy(report.start[i]);
            row["end"] = tidy(report.end[i]);
        } else {
            row["resource"] = nullptr;
        }
        rows.push_back(std::move(row));
    }
    doc["assignment"] = std::move(rows);
    return doc;
}

}  // namespace

std::string report_text(const Problem& problem, const Allocation& allocation, const Report& report,
                        OutputFormat format) {
    return detail::render(report_document(problem, allocation, report, nullptr), format);
}

std::string result_text(const Problem& problem, const Result& result, const Report& report,
                        const SolverRun& run, OutputFormat format) {
    using detail::Document;
    using detail::tidy;
    Document solver;
    solver["name"] = run.name;
    solver["seed"] = run.seed;
    Document options = Document::object();
    for (const auto& [name, text] : run.options) {
        // Written so that `--opt NAME=VALUE` or a config file reads it back.
        std::size_t used = 0;
        double number = 0;
        try {
            number = std::stod(text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (text == "true" || text == "false")
            options[name] = text == "true";
        else if (used == text.size() && !text.empty() && number == std::floor(number) &&
                 std::abs(number) < 9e15)
            options[name] = static_cast<std::int64_t>(number);
        else if (used == text.size() && !text.empty())
            options[name] = tidy(number);
        else
            options[name] = text;
    }
    solver["options"] = std::move(options);
    solver["evaluations"] = result.evaluations;
    solver["seconds"] = tidy(result.seconds);
    solver["stop"] = std::string(stop_reason_name(result.stop));
    if (result.lower_bound) solver["lower_bound"] = tidy(*result.lower_bound);
    Document doc = report_document(problem, result.allocation, report, &solver);
    Document trace = Document::array();
    for (const TracePoint& p : result.trace) {
        Document point;
        point["evaluations"] = p.evaluations;
        point["seconds"] = tidy(p.seconds);
        point["best"] = tidy(p.best);
        point["feasible"] = p.feasible;
        trace.push_back(std::move(point));
    }
    doc["trace"] = std::move(trace);
    return detail::render(doc, format);
}

}  // namespace allocopt
