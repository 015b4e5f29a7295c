// allocopt validate FILE: reads a problem, checks everything, prints a one-paragraph summary.

#include <unistd.h>

#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "allocopt/io/problem_yaml.hpp"
#include "cli/common.hpp"

namespace allocopt::cli {

namespace {

std::string summary(const std::string& path, const ProblemFile& file) {
    const Problem& p = file.problem;
    std::map<std::string, int> kinds;
    for (const Resource& r : p.resources())
        ++kinds[r.kind];
    std::map<TaskKind, std::size_t> task_kinds;
    for (const Task& t : p.tasks())
        ++task_kinds[t.kind];
    std::ostringstream out;
    out << path << ": valid problem '" << p.name() << "': " << p.num_tasks() << " tasks (";
    bool first = true;
    for (const auto& [kind, count] : task_kinds) {
        out << (first ? "" : ", ") << count << ' ' << task_kind_name(kind);
        first = false;
    }
    if (task_kinds.empty()) out << "none";
    out << ") on " << p.num_resources() << " resources (";
    first = true;
    for (const auto& [kind, count] : kinds) {
        out << (first ? "" : ", ") << count << ' ' << kind;
        first = false;
    }
    out << "); capacity dimensions: ";
    for (std::size_t k = 0; k < p.num_dimensions(); ++k) {
        out << (k ? ", " : "") << p.dimensions()[k];
    }
    out << "; mode " << mode_name(p.mode()) << ", policy " << policy_name(p.policy())
        << (p.backfill() ? " with backfilling" : "") << "; objective: " << p.objective().describe();
    std::string matrices;
    if (p.has_time_matrix()) matrices += " time";
    if (p.has_cost_matrix()) matrices += " cost";
    for (std::size_t k = 1; k < p.num_dimensions(); ++k) {
        if (p.has_demand_matrix(k)) matrices += " demand." + p.dimensions()[k];
    }
    out << "; dense matrices:" << (matrices.empty() ? " none" : matrices);
    if (p.has_speedups()) {
        std::set<std::string> types;
        for (const auto& [type, row] : p.data().speedups)
            types.insert(type);
        std::size_t tables = 0;
        for (const auto& [type, row] : p.data().speedup_tables) {
            types.insert(type);
            tables += row.size();
        }
        out << "; speed-up table: " << types.size() << " task types";
        if (tables > 0) out << " (" << tables << " of its pairs per unit count)";
    }
    if (file.allocation) {
        std::size_t placed = 0;
        for (std::size_t i = 0; i < file.allocation->size(); ++i) {
            placed += file.allocation->placed(i);
        }
        out << "; a given allocation places " << placed << " of " << p.num_tasks() << " tasks";
    }
    out << ".\n";
    return out.str();
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
    auto* command = app.add_subcommand(
        "validate",
        "Check a problem file and summarise it.\n"
        "Prints sizes, mode, policy and objective, or the first error as FILE:LINE:COL.\n"
        "Examples:\n"
        "  allocopt validate problems/seed-example.yaml\n"
        "  allocopt validate --from orlib-gap --instance 3 bench/instances/gap/gapd.txt");
    auto source = std::make_shared<ProblemSource>();
    add_problem_options(*command, *source);
    command->callback([source, &exit_code] {
        exit_code = guarded([&] {
            const ProblemFile file = load_problem(*source, isatty(STDERR_FILENO));
            std::cout << summary(source->path, file);
            return kOk;
        });
    });
}

}  // namespace allocopt::cli
