// Embedding allocopt: read a problem file and print the seed's metrics for its allocation.
#include <allocopt/allocopt.hpp>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : "problems/seed-example.yaml";
    try {
        const allocopt::ProblemFile file = allocopt::read_problem_file(path);
        if (!file.allocation) {
            std::cerr << path << ": the problem has no 'allocation:' list\n";
            return 1;
        }
        const allocopt::SeedMetrics m = allocopt::seed_metrics(file.problem, *file.allocation);
        std::cout << "total work:            " << m.total_work << '\n'
                  << "total utilization:     " << m.total_utilization << '\n'
                  << "degree of parallelism: " << m.degree_of_parallelism << '\n';
    } catch (const allocopt::InputError& e) {
        std::cerr << e.what() << '\n';  // file:line:column: error: ...
        return 2;
    }
}
