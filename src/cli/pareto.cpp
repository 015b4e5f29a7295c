// allocopt solve --pareto (src/cli/pareto.hpp, docs/pareto.md).
#include "cli/pareto.hpp"

#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <sstream>

#include "allocopt/error.hpp"
#include "allocopt/io/pareto_io.hpp"
#include "allocopt/pareto.hpp"

namespace allocopt::cli {

void add_pareto_options(CLI::App& command, ParetoFlags& flags) {
    command
        .add_option("--pareto", flags.metrics,
                    "Search for a Pareto front over two or three metrics instead of one "
                    "allocation, e.g. makespan,cost (each in its natural sense; docs/pareto.md); "
                    "with --solver ga (our NSGA-II, the default) or pagmo-nsga2; -o then writes "
                    "the front (YAML, or CSV for a .csv name)")
        ->type_name("METRICS");
    command
        .add_option("--pareto-ref", flags.reference,
                    "The hypervolume's reference point, one number per --pareto metric (default: "
                    "the front's nadir moved outward by a tenth of its range)")
        ->type_name("NUMBERS");
    command
        .add_option("--pareto-svg", flags.svg,
                    "Draw the front as an SVG picture here (two metrics: a scatter with its "
                    "staircase; three: the pairwise projections), atomically")
        ->type_name("FILE");
}

namespace {

ParetoOptions options_of(const ParetoRun& run, const std::vector<Metric>& metrics) {
    ParetoOptions o;
    o.metrics = metrics;
    const std::string& name = run.settings.solver;
    std::vector<std::string> used{"population"};
    if (name == "ga") {
        o.method = ParetoMethod::nsga2;
    } else if (name == "pagmo-nsga2") {
        o.method = ParetoMethod::pagmo_nsga2;
        used.push_back("seeded");
        o.seeded = run.options->get("seeded") != 0;
    } else {
        throw InputError("--solver", name,
                         "--pareto runs ga (our NSGA-II) or pagmo-nsga2 (pagmo's, in a build "
                         "with pagmo)");
    }
    for (const OptionSetting& s : run.options->settings()) {
        if (!run.options->is_set(s.name)) continue;
        if (std::find(used.begin(), used.end(), s.name) == used.end()) {
            throw InputError("--opt", s.name,
                             "not used with --pareto (the front search takes population" +
                                 std::string(used.size() > 1 ? " and seeded" : "") + ")");
        }
    }
    if (run.options->is_set("population")) o.population = run.options->get_int("population");
    if (!run.flags->reference.empty())
        o.reference = parse_number_list(run.flags->reference, metrics.size(), "--pareto-ref");
    return o;
}

void print_summary(const Problem& problem, const ParetoFront& front, const ParetoOptions& o,
                   std::ostream& to) {
    std::ostringstream out;
    out << std::setprecision(10);
    out << problem.name() << ": Pareto front by " << pareto_method_name(o.method) << " in "
        << std::setprecision(3) << front.seconds << " s, " << front.evaluations << " evaluations ("
        << stop_reason_name(front.stop) << ")\n"
        << std::setprecision(10);
    for (const std::string& note : front.notes)
        out << "  note: " << note << '\n';
    out << "  " << front.points.size() << " points; hypervolume " << front.hypervolume
        << " against (";
    for (std::size_t m = 0; m < front.metrics.size(); ++m)
        out << (m ? ", " : "") << front.reference[m];
    out << ")"
        << (front.reference_given ? " (--pareto-ref)" : " (the front's nadir + 10 % of its range)")
        << '\n';
    out << "   ";
    for (std::size_t m = 0; m < front.metrics.size(); ++m) {
        out << "  " << std::setw(18)
            << (std::string(metric_name(front.metrics[m])) +
                (front.senses[m] == Sense::minimize ? " (min)" : " (max)"));
    }
    out << '\n';
    const std::size_t shown = std::min<std::size_t>(front.points.size(), 20);
    for (std::size_t k = 0; k < shown; ++k) {
        out << "  " << std::setw(3) << k;
        for (const double v : front.points[k].values)
            out << "  " << std::setw(18) << v;
        out << '\n';
    }
    if (shown < front.points.size()) out << "  ... (" << front.points.size() - shown << " more)\n";
    to << out.str();
}

bool ends_with(const std::string& s, std::string_view tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

int run_pareto(const ParetoRun& run) {
    const std::vector<Metric> metrics = parse_pareto_metrics(run.flags->metrics, "--pareto");
    const ParetoOptions options = options_of(run, metrics);
    if (ends_with(run.output, ".json"))
        throw InputError("-o", run.output, "a front is written as YAML or CSV (.csv), not JSON");
    if (!run.flags->svg.empty() && (run.flags->svg == "-" || run.flags->svg == run.output))
        throw InputError("--pareto-svg", run.flags->svg, "needs a file name of its own");
    const ProblemFile file = load_problem(*run.source, !run.quiet && isatty(STDERR_FILENO));
    const std::unique_ptr<OutputFile> output =
        run.output.empty() ? nullptr : open_output(run.output);
    const std::unique_ptr<OutputFile> picture =
        run.flags->svg.empty() ? nullptr : open_output(run.flags->svg);
    const ParetoFront front = solve_pareto(file.problem, options, run.settings);
    std::ostream& said = run.output == "-" ? std::cerr : std::cout;
    if (!run.quiet) print_summary(file.problem, front, options, said);
    if (!run.output.empty()) {
        const ParetoRunInfo info{std::string(pareto_method_name(options.method)), run.settings.seed,
                                 options.seeded};
        write_output(output.get(), ends_with(run.output, ".csv")
                                       ? pareto_csv(file.problem, front)
                                       : pareto_yaml(file.problem, front, info));
        if (!run.quiet && output) said << "  front written to " << run.output << '\n';
    }
    if (picture) {
        write_output(picture.get(), pareto_svg(file.problem, front));
        if (!run.quiet) said << "  front picture written to " << run.flags->svg << '\n';
    }
    if (front.stop == StopReason::interrupted) return kInterrupted;
    return front.points.empty() ? kInfeasible : kOk;
}

}  // namespace allocopt::cli
