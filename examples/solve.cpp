// Embedding allocopt: build a problem in C++, solve it with the GA under a limit, print the
// placement. Links allocopt::core alone: no YAML or JSON library is needed.
#include <allocopt/solve.hpp>
#include <iostream>

int main() {
    using namespace allocopt;
    ProblemData cluster;
    cluster.add_resources({.id = "gpu-node", .kind = "gpu", .capacity = {{"units", 8}}, .speed = 4},
                          2);
    cluster.resources.push_back({.id = "cpu-pool", .kind = "cpu", .capacity = {{"units", 32}}});
    const Scaling amdahl{.type = Scaling::Type::amdahl, .parallel_fraction = 0.9};
    const UnitChoice gpus = UnitChoice::list({1, 2, 4, 8});
    cluster.tasks = {
        {.id = "train-llm", .workload = 4000, .units = gpus, .scaling = amdahl, .allowed = {"gpu"}},
        {.id = "train-vision",
         .workload = 1500,
         .units = gpus,
         .scaling = amdahl,
         .allowed = {"gpu"}},
        {.id = "tokenize",
         .kind = TaskKind::data,
         .workload = 600,
         .units = UnitChoice::range(1, 16),
         .scaling = amdahl,
         .allowed = {"cpu"}},
        {.id = "serve-chat", .workload = 200, .allowed = {"gpu"}},
    };
    const Result r = solve(Problem(cluster), "ga", {{"population", "24"}},
                           {.seed = 7, .max_evaluations = 20000, .time_limit = 5});
    std::cout << "makespan " << r.evaluation.objective << " (" << stop_reason_name(r.stop) << ")\n";
    for (const Placement& p : r.placements)
        std::cout << p.task << " -> " << p.resource.value_or("unplaced") << " x" << p.units << "  ["
                  << p.start << ", " << p.end << "]\n";
}
