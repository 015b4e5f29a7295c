// bench/gantt: how long the pictures of io/gantt.hpp take to draw and write, and how large they
// are (issue #14's target: the Gantt chart of a 2,000-task, 64-node schedule written in under
// 0.5 s and under 5 MB). bench/gantt.sh runs it on generated clusters.
//
//   gantt PROBLEM.yaml RESULT.yaml [--reps N] [--dir DIR]
//
// RESULT.yaml is a result of `allocopt solve` (its assignment is the allocation). The report is
// computed once (Evaluator::report, timed apart); then, N times each (default 7), the Gantt
// chart (gantt_svg(), or packing_svg() in packing mode) and the utilization strip are drawn and
// written atomically into DIR (default: the temporary folder). Prints one line per picture:
// the median and the slowest of the N draw + write times, the size, and how many elements are
// bars of one task (data-task) or aggregates (data-group).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/io/gantt.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/io/result_io.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++n;
    return n;
}

/// Draws and writes one picture `reps` times; prints the median and the slowest time, the size
/// and the elements that carry data-task (a bar per task) or data-group (an aggregate).
void measure(const char* name, int reps, const std::string& path,
             const std::function<std::string()>& draw) {
    std::vector<double> times;
    std::string text;
    for (int k = 0; k < reps; ++k) {
        const auto start = Clock::now();
        text = draw();
        allocopt::write_text_atomic(path, text);
        times.push_back(seconds_since(start));
    }
    std::printf(
        "%-12s median %.4f s  max %.4f s  bytes %zu (%.2f MB)  data-task %zu  "
        "data-group %zu  runs %d\n",
        name, median(times), *std::max_element(times.begin(), times.end()), text.size(),
        static_cast<double>(text.size()) / 1e6, occurrences(text, " data-task=\""),
        occurrences(text, " data-group=\""), reps);
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    int reps = 7;
    std::filesystem::path dir = std::filesystem::temp_directory_path();
    std::vector<std::string> files;
    for (std::size_t k = 0; k < args.size(); ++k) {
        if (args[k] == "--reps" && k + 1 < args.size()) {
            reps = std::max(1, std::atoi(args[++k].c_str()));
        } else if (args[k] == "--dir" && k + 1 < args.size()) {
            dir = args[++k];
        } else {
            files.push_back(args[k]);
        }
    }
    if (files.size() != 2) {
        std::fprintf(stderr, "usage: gantt PROBLEM.yaml RESULT.yaml [--reps N] [--dir DIR]\n");
        return 2;
    }
    try {
        auto start = Clock::now();
        const allocopt::Problem problem = allocopt::read_problem(files[0]);
        const allocopt::Allocation allocation = allocopt::read_allocation(files[1], problem);
        const double read = seconds_since(start);
        start = Clock::now();
        const allocopt::Evaluator evaluator(problem, {.threads = 1});
        const allocopt::Report report = evaluator.report(allocation);
        std::printf("%s: %zu tasks, %zu resources, %s mode; read %.3f s, report %.4f s\n",
                    problem.name().c_str(), problem.num_tasks(), problem.num_resources(),
                    std::string(allocopt::mode_name(problem.mode())).c_str(), read,
                    seconds_since(start));
        const allocopt::GanttOptions options;
        measure("gantt", reps, (dir / "allocopt-bench-gantt.svg").string(),
                [&] { return allocopt::allocation_svg(problem, allocation, report, options); });
        measure("utilization", reps, (dir / "allocopt-bench-utilization.svg").string(),
                [&] { return allocopt::utilization_svg(problem, allocation, report, options); });
    } catch (const allocopt::InputError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 2;
    }
    return 0;
}
