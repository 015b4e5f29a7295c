// allocopt metrics FILE: the seed's three formulas for the allocation in the problem file
// (or given with --allocation).

#include <iomanip>
#include <iostream>
#include <sstream>

#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/metrics.hpp"
#include "cli/common.hpp"
#include "io/document.hpp"

namespace allocopt::cli {

namespace {

struct Options {
    ProblemSource source;
    std::string allocation;
    std::string format;
};

std::string number(double v) {
    std::ostringstream out;
    out << std::fixed << std::setprecision(2) << v;
    std::string s = out.str();
    // 7000.00 -> 7000, 0.50 -> 0.5, 233.33 stays.
    while (s.back() == '0')
        s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

std::string table(const Problem& p, const SeedMetrics& m) {
    std::ostringstream out;
    auto row = [&](const std::string& label, const std::string& value) {
        out << "  " << std::left << std::setw(34) << label << value << '\n';
    };
    out << p.name() << " — the seed's formulas\n";
    row("total computational work", number(m.total_work));
    row("total resource utilization", number(m.total_utilization));
    row("objective (work / utilization)", number(m.objective));
    for (std::size_t j = 0; j < p.num_resources(); ++j) {
        row("utilization rate " + p.resource(j).id, number(m.utilization_rate[j]));
    }
    row("mean utilization rate", number(m.mean_utilization_rate));
    row("concurrent work", number(m.concurrent_work));
    row("degree of parallelism", number(m.degree_of_parallelism));
    return out.str();
}

std::string document(const Problem& p, const SeedMetrics& m, OutputFormat format) {
    using detail::tidy;
    detail::Document doc;
    doc["problem"] = p.name();
    detail::Document metrics;
    metrics["total_work"] = tidy(m.total_work);
    metrics["total_utilization"] = tidy(m.total_utilization);
    metrics["work_per_utilization"] = tidy(m.objective);
    detail::Document rates = detail::Document::object();
    for (std::size_t j = 0; j < p.num_resources(); ++j) {
        rates[p.resource(j).id] = tidy(m.utilization_rate[j]);
    }
    metrics["utilization_rate"] = std::move(rates);
    metrics["mean_utilization_rate"] = tidy(m.mean_utilization_rate);
    metrics["concurrent_work"] = tidy(m.concurrent_work);
    metrics["degree_of_parallelism"] = tidy(m.degree_of_parallelism);
    doc["metrics"] = std::move(metrics);
    return detail::render(doc, format);
}

int run(const Options& o) {
    const ProblemFile file = load_problem(o.source);
    const Allocation allocation = given_allocation(file, o.source, o.allocation);
    const SeedMetrics m = seed_metrics(file.problem, allocation);
    if (o.format == "table") {
        std::cout << table(file.problem, m);
    } else {
        std::cout << document(file.problem, m,
                              o.format == "json" ? OutputFormat::json : OutputFormat::yaml);
    }
    return kOk;
}

}  // namespace

void add_metrics_command(CLI::App& app, int& exit_code) {
    auto* command = app.add_subcommand(
        "metrics",
        "Compute the seed's formulas for an allocation: total work, total resource\n"
        "utilization, their ratio, utilization rate per resource, degree of parallelism.\n"
        "Example: allocopt metrics problems/seed-example.yaml --format json");
    auto options = std::make_shared<Options>();
    add_problem_options(*command, options->source);
    add_allocation_option(*command, options->allocation);
    add_format_option(*command, options->format);
    command->callback(
        [options, &exit_code] { exit_code = guarded([&] { return run(*options); }); });
}

}  // namespace allocopt::cli
