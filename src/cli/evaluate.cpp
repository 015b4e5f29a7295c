// allocopt evaluate FILE --allocation A.yaml: every metric of one allocation.

#include <iomanip>
#include <iostream>
#include <sstream>

#include "allocopt/evaluator.hpp"
#include "allocopt/io/result_io.hpp"
#include "cli/common.hpp"
#include "cli/pictures.hpp"

namespace allocopt::cli {

namespace {

struct Options {
    ProblemSource source;
    std::string allocation;
    std::string format;
    PictureOptions pictures;
};

std::string table(const Problem& p, const Report& r) {
    std::ostringstream out;
    out << std::setprecision(10);
    out << p.name() << ": " << p.objective().describe() << " = " << r.evaluation.objective
        << (r.evaluation.feasible() ? " (feasible)" : " (INFEASIBLE)") << '\n';
    if (!r.evaluation.feasible()) {
        out << "  violation " << r.evaluation.violation << " (capacity " << r.capacity_violation
            << ", placement " << r.placement_violation << ", deadlines " << r.deadline_violation
            << ")\n";
    }
    for (Metric m : kAllMetrics) {
        out << "  " << std::left << std::setw(24) << metric_name(m) << r.metric(m) << '\n';
    }
    const std::size_t shown = std::min<std::size_t>(p.num_resources(), 20);
    out << "  utilization by resource" << (shown < p.num_resources() ? " (first 20)" : "") << '\n';
    for (std::size_t j = 0; j < shown; ++j) {
        out << "    " << std::left << std::setw(22) << p.resource(j).id << r.utilization[j] << '\n';
    }
    return out.str();
}

int run(const Options& o) {
    const ProblemFile file = load_problem(o.source);
    const Allocation allocation = given_allocation(file, o.source, o.allocation);
    PictureFiles pictures(o.pictures);
    const Evaluator evaluator(file.problem, {.threads = 1});
    const Report report = evaluator.report(allocation);
    if (o.format == "table") {
        std::cout << table(file.problem, report);
    } else {
        std::cout << report_text(file.problem, allocation, report,
                                 o.format == "json" ? OutputFormat::json : OutputFormat::yaml);
    }
    pictures.write(file.problem, allocation, report, nullptr);
    return report.evaluation.feasible() ? kOk : kInfeasible;
}

}  // namespace

void add_evaluate_command(CLI::App& app, int& exit_code) {
    auto* command = app.add_subcommand(
        "evaluate",
        "Score an allocation: every metric (makespan, cost, utilization, ...), the objective\n"
        "and its feasibility. Exit 1 when the allocation is infeasible.\n"
        "Examples:\n"
        "  allocopt evaluate problems/seed-example.yaml\n"
        "  allocopt evaluate --from braun-etc u_c_hihi.0 --allocation best.yaml --format json");
    auto options = std::make_shared<Options>();
    add_problem_options(*command, options->source);
    add_allocation_option(*command, options->allocation);
    add_format_option(*command, options->format);
    add_picture_options(*command, options->pictures);
    command->callback(
        [options, &exit_code] { exit_code = guarded([&] { return run(*options); }); });
}

}  // namespace allocopt::cli
