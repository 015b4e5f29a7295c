// allocopt plot R1.yaml R2.yaml ... -o conv.svg: the convergence traces of several result files
// (`solve -o`) overlaid in one picture (io/convergence.hpp). Runs of one solver become one
// median-and-band curve; different solvers are overlaid.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/io/convergence.hpp"
#include "allocopt/io/result_reader.hpp"
#include "cli/common.hpp"

namespace allocopt::cli {

namespace {

struct Options {
    std::vector<std::string> inputs;
    std::string output;
    std::string label_by = "solver";
    bool quiet = false;
};

/// An error placed at `file`: "FILE: error: MESSAGE".
InputError error_in(const std::string& file, const std::string& message) {
    return InputError("", "", message, SourcePosition{.file = file});
}

std::string size_text(const ResultSummary::Size& s) {
    std::ostringstream out;
    out << s.tasks << " tasks on " << s.resources << " resources (" << mode_name(s.mode) << ")";
    return out.str();
}

/// Throws unless `r` (from `file`) is a run of the problem and objective of `first` (from
/// `first_file`): plot compares runs of one problem.
void check_same_problem(const ResultSummary& first, const std::string& first_file,
                        const ResultSummary& r, const std::string& file) {
    constexpr const char* kWhy = "; plot compares runs of one problem";
    if (r.problem != first.problem) {
        throw error_in(file, "a result of problem '" + r.problem + "', but " + first_file +
                                 " is of '" + first.problem + "'" + kWhy);
    }
    // Files written before `size:` existed have none: only the name can be compared then.
    if (r.size && first.size &&
        (r.size->tasks != first.size->tasks || r.size->resources != first.size->resources ||
         r.size->mode != first.size->mode)) {
        throw error_in(file, "a result of problem '" + r.problem + "' with " + size_text(*r.size) +
                                 ", but " + first_file + "'s has " + size_text(*first.size) + kWhy);
    }
    if (r.objective.sense != first.objective.sense || r.objective.terms != first.objective.terms) {
        throw error_in(file, "a result for the objective '" + r.objective.describe() + "', but " +
                                 first_file + " is for '" + first.objective.describe() + "'" +
                                 kWhy);
    }
}

/// Whether `a` and `b` name the same file (an existing one by identity, else by spelling).
bool same_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    const bool same = std::filesystem::equivalent(a, b, ec);
    return ec ? a == b : same;
}

/// The best of the files' proven bounds: the largest lower bound when minimising, the smallest
/// upper bound when maximising.
std::optional<double> best_bound(const std::vector<ResultSummary>& results, Sense sense) {
    std::optional<double> best;
    for (const ResultSummary& r : results) {
        if (!r.lower_bound || !std::isfinite(*r.lower_bound)) continue;
        if (!best || (sense == Sense::minimize ? *r.lower_bound > *best : *r.lower_bound < *best))
            best = r.lower_bound;
    }
    return best;
}

/// "ga: 2 runs, final best median 1234.5 (min 1200, max 1269)", "fcfs: 1 run, final best 1300".
std::string summary_line(const ConvergenceSeries& s, Sense sense) {
    std::uint64_t end = 0;
    for (const ConvergenceRun& run : s.runs)
        end = std::max(end, run.evaluations);
    // Every run keeps its final value after its end, so the value at the last end is the final.
    const std::vector<double> grid{static_cast<double>(end)};
    const ConvergenceSummary f = summarize_runs(s.runs, ConvergenceAxis::evaluations, sense, grid);
    std::ostringstream out;
    out.precision(10);
    const std::size_t n = s.runs.size();
    out << s.label << ": " << n << (n == 1 ? " run" : " runs") << ", ";
    if (std::isnan(f.median.front())) {
        out << (n == 1 ? "no feasible allocation" : "no feasible median");
    } else if (n == 1) {
        out << "final best " << f.median.front();
    } else {
        out << "final best median " << f.median.front();
        if (!std::isnan(f.low.front()))
            out << " (min " << f.low.front() << ", max " << f.high.front() << ")";
    }
    return out.str();
}

int run(const Options& o) {
    for (const std::string& input : o.inputs) {
        if (o.output != "-" && same_file(input, o.output))
            throw InputError("-o", o.output, "is also an input file");
    }
    const std::unique_ptr<OutputFile> file = open_output(o.output);

    std::vector<ResultSummary> results;
    results.reserve(o.inputs.size());
    for (const std::string& input : o.inputs) {
        results.push_back(read_result_summary(input));
        check_same_problem(results.front(), o.inputs.front(), results.back(), input);
    }

    std::vector<std::pair<std::string, ConvergenceRun>> runs;
    for (std::size_t k = 0; k < results.size(); ++k) {
        const ResultSummary& r = results[k];
        runs.emplace_back(o.label_by == "file" ? o.inputs[k] : r.solver,
                          ConvergenceRun{r.trace, r.seconds, r.evaluations});
    }
    const std::vector<ConvergenceSeries> series = group_runs(runs);
    const ResultSummary& first = results.front();
    const std::string objective = first.objective.describe();  // "minimize makespan"
    const ConvergenceOptions options{
        .title = first.problem.empty() ? "convergence" : "convergence: " + first.problem,
        .value_label = objective.substr(objective.find(' ') + 1),
        .sense = first.objective.sense,
        .bound = best_bound(results, first.objective.sense)};
    write_output(file.get(), convergence_svg(series, options));

    // With -o -, standard output holds the picture and nothing else.
    if (file && !o.quiet) {
        for (const ConvergenceSeries& s : series)
            std::cout << "  " << summary_line(s, first.objective.sense) << '\n';
        if (options.bound) {
            std::cout << "  " << (options.sense == Sense::minimize ? "lower" : "upper") << " bound "
                      << *options.bound << '\n';
        }
        std::cout << "picture written to " << o.output << '\n';
    }
    return kOk;
}

}  // namespace

void add_plot_command(CLI::App& app, int& exit_code) {
    auto* command = app.add_subcommand(
        "plot",
        "Overlay the convergence traces of result files (written by 'solve -o') of one problem\n"
        "as an SVG picture: the best value against seconds and against evaluations. Runs of one\n"
        "solver (e.g. several seeds) are drawn as their median with a min-max band, different\n"
        "solvers overlaid; the best proven bound of the files is drawn once.\n"
        "Examples:\n"
        "  allocopt plot ga-1.yaml ga-2.yaml pso-1.yaml fcfs.yaml -o conv.svg\n"
        "  allocopt plot a.yaml b.yaml --label-by file -o conv.svg");
    auto o = std::make_shared<Options>();
    command->add_option("FILES", o->inputs, "Result files (solve -o), all of one problem")
        ->required();
    command
        ->add_option("-o,--output", o->output,
                     "Write the picture here (atomically); -: standard output")
        ->required()
        ->check(output_path());
    command
        ->add_option("--label-by", o->label_by,
                     "solver: runs of one solver are one curve; file: each file its own curve")
        ->check(CLI::IsMember({"solver", "file"}))
        ->default_str("solver");
    command->add_flag("-q,--quiet", o->quiet, "Print nothing but errors");
    command->callback([o, &exit_code] { exit_code = guarded([&] { return run(*o); }); });
}

}  // namespace allocopt::cli
