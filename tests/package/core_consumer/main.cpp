// Builds a problem in code (two identical GPU nodes written once with add_resources, a CPU
// pool), solves it with the GA by name and prints each task's placement by id:
// what a program linking only allocopt::core can do. tests/package/package_test.cmake checks
// the output.

#include <allocopt/core.hpp>
#include <exception>
#include <iostream>
#include <utility>

int main() {
    try {
        allocopt::ProblemData data;
        data.name = "core-check";
        data.add_resources({.id = "gpu", .kind = "gpu", .capacity = {{"units", 4}}}, 2);
        data.resources.push_back({.id = "cpu", .kind = "cpu", .capacity = {{"units", 2}}});
        for (const char* id : {"train-a", "train-b"}) {
            data.tasks.push_back({.id = id,
                                  .workload = 8,
                                  .units = allocopt::UnitChoice::range(1, 4),
                                  .allowed = {"gpu"}});
        }
        data.tasks.push_back({.id = "prep",
                              .kind = allocopt::TaskKind::data,
                              .workload = 4,
                              .units = allocopt::UnitChoice::list({1, 2}),
                              .allowed = {"cpu"}});
        const allocopt::Problem problem(std::move(data));

        const allocopt::Result result =
            allocopt::solve(problem, "ga", {}, {.threads = 1, .max_evaluations = 2000});

        std::cout << "allocopt " << allocopt::kVersion << '\n'
                  << "problem " << problem.name() << '\n'
                  << "makespan " << result.evaluation.objective << '\n';
        for (const allocopt::Placement& p : result.placements) {
            std::cout << p.task << " on " << p.resource.value_or("nothing") << " with " << p.units
                      << " units from " << p.start << " to " << p.end << '\n';
        }
    } catch (const std::exception& e) {
        std::cerr << "core_consumer: " << e.what() << '\n';
        return 1;
    }
}
