// Reads a problem file (argv[1]) through the installed allocopt package and prints the seed's
// metrics for the file's allocation. tests/package/package_test.cmake checks the output.

#include <allocopt/allocopt.hpp>
#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: consumer PROBLEM.yaml\n";
        return 2;
    }
    try {
        const allocopt::ProblemFile file = allocopt::read_problem_file(argv[1]);
        const allocopt::SeedMetrics m =
            allocopt::seed_metrics(file.problem, file.allocation.value());
        std::cout << "allocopt " << allocopt::kVersion << '\n'
                  << "problem " << file.problem.name() << '\n'
                  << "total work " << m.total_work << '\n'
                  << "total utilization " << m.total_utilization << '\n'
                  << "mean utilization rate " << m.mean_utilization_rate << '\n'
                  << "degree of parallelism " << m.degree_of_parallelism << '\n';
    } catch (const std::exception& e) {
        std::cerr << "consumer: " << e.what() << '\n';
        return 1;
    }
}
