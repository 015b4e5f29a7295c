// allocopt solve FILE: search for a good allocation, print a summary, write the result.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "allocopt/baseline.hpp"
#include "allocopt/bounds.hpp"
#include "allocopt/error.hpp"
#include "allocopt/io/convergence.hpp"
#include "allocopt/io/gantt.hpp"
#include "allocopt/io/html_report.hpp"
#include "allocopt/io/result_io.hpp"
#include "allocopt/io/solver_config.hpp"
#include "allocopt/islands.hpp"
#include "allocopt/solvers/registry.hpp"
#include "cli/common.hpp"
#include "cli/mpi.hpp"
#include "cli/pareto.hpp"
#include "cli/pictures.hpp"

namespace allocopt::cli {

namespace {

std::atomic<bool> g_interrupted{false};
constexpr double kLpBoundSeconds = 30;  // the most the LP bound may take after the search
std::atomic<int> g_signal{0};           // the signal that stopped the search, for the exit code

/// The most the baseline heuristic may take (it takes well under a second at 10^5 tasks).
constexpr double kBaselineSeconds = 10;

extern "C" void on_signal(int signal) {
    g_signal.store(signal);
    g_interrupted.store(true);
}

struct Options {
    ProblemSource source;
    /// Run settings given as flags, by row of run_settings_table(); flags win over --config.
    std::map<std::string, std::string, std::less<>> flags;
    std::vector<std::string> opts;
    std::string output;
    std::string svg_convergence;  ///< --svg-convergence: the picture's file; empty for none
    std::string report;           ///< --report: the HTML page's file; empty for none
    bool quiet = false;
    bool no_baseline = false;
    std::string config;
    PictureOptions pictures;
    ParetoFlags pareto;  ///< --pareto and its flags (cli/pareto.hpp)
};

/// The run settings and the solver's options: the table's defaults, then the --config file,
/// then the flags and --opt.
struct Run {
    RunSettings settings;
    const SolverEntry* entry = nullptr;
    OptionValues options;
};

/// A progress line on stderr, only on a terminal: the time, the evaluations, the best value
/// and the solver's phase. A thread redraws it four times a second, so that it shows from the
/// first second on, also while a long phase (a heuristic start on 10^5 tasks) sends no ticks.
class ProgressLine : public Observer {
  public:
    explicit ProgressLine(bool enabled) : enabled_(enabled) {
        if (enabled_) drawer_ = std::thread([this] { draw_loop(); });
    }
    ~ProgressLine() override {
        if (!enabled_) return;
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        wake_.notify_all();
        drawer_.join();
        if (shown_) std::fputs("\r\033[K", stderr);
    }
    void on_tick(const TracePoint& best, std::uint64_t evaluations, double) override {
        if (!enabled_) return;
        std::lock_guard lock(mutex_);
        best_ = best;
        have_best_ = true;
        evaluations_ = evaluations;
    }
    void on_improvement(const TracePoint& point) override {
        if (!enabled_) return;
        std::lock_guard lock(mutex_);
        best_ = point;
        have_best_ = true;
        evaluations_ = std::max(evaluations_, point.evaluations);
    }
    void on_phase(std::string_view phase) override {
        if (!enabled_) return;
        std::lock_guard lock(mutex_);
        phase_ = phase;
    }

  private:
    void draw_loop() {
        const auto start = std::chrono::steady_clock::now();
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return done_; })) {
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::string best = "none yet";
            if (have_best_) {
                char text[64];
                std::snprintf(text, sizeof text, "%.10g%s", best_.best,
                              best_.feasible ? "" : " (infeasible)");
                best = text;
            }
            std::fprintf(stderr, "\r\033[K  %7.1fs  %12llu evaluations  best %s  %s", seconds,
                         static_cast<unsigned long long>(evaluations_), best.c_str(),
                         phase_.c_str());
            std::fflush(stderr);
            shown_ = true;
        }
    }

    bool enabled_;
    std::thread drawer_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    bool shown_ = false;
    TracePoint best_;
    bool have_best_ = false;
    std::uint64_t evaluations_ = 0;
    std::string phase_;
};

/// `value` with about `significant` significant digits (all of its integer part) and its
/// thousands grouped: "2,842.1", "0.01235", "-1,234,567".
std::string grouped(double value, int significant) {
    if (!std::isfinite(value)) return std::to_string(value);
    const double a = std::abs(value);
    const int digits = a > 0 ? static_cast<int>(std::floor(std::log10(a))) + 1 : 1;
    char text[400];
    std::snprintf(text, sizeof text, "%.*f", std::max(0, significant - digits), a);
    std::string s = text;
    if (s.find('.') != std::string::npos) {
        s.erase(s.find_last_not_of('0') + 1);
        if (s.back() == '.') s.pop_back();
    }
    const std::size_t point = std::min(s.find('.'), s.size());
    for (std::size_t k = point; k > 3; k -= 3)
        s.insert(k - 3, ",");
    return (value < 0 && s != "0" ? "-" : "") + s;
}

/// "FCFS 2,842.1", or "FCFS infeasible (violation 3)".
std::string scored(std::string_view label, const Evaluation& e) {
    std::string s(label);
    if (e.feasible()) return s + " " + grouped(e.objective, 5);
    return s + " infeasible (violation " + grouped(e.violation, 4) + ")";
}

/// The line comparing the answer with the baseline heuristic:
/// `baseline: FCFS 2,842.1 → GA 2,196.8 (−22.7 %, better)`.
std::string baseline_line(const Baseline& b, const Evaluation& answer, std::string_view solver,
                          Sense sense) {
    const std::string_view baseline_label = find_solver(b.solver).label;
    std::string line = "  baseline: ";
    if (!b.complete()) {
        if (!b.result.found) return line + std::string(baseline_label) + " found nothing\n";
        return line + std::string(baseline_label) + " cut short (" +
               std::string(stop_reason_name(b.result.stop)) + "): no comparison\n";
    }
    line += scored(baseline_label, b.result.evaluation) + " → " +
            scored(find_solver(solver).label, answer);
    const Comparison c = compare_with_baseline(b.result.evaluation, answer, sense);
    const char* verdict = c.verdict == Comparison::Verdict::better  ? "better"
                          : c.verdict == Comparison::Verdict::worse ? "worse"
                                                                    : "same";
    line += " (";
    if (c.change && *c.change != 0) {
        line += (*c.change < 0 ? "−" : "+") + grouped(100 * std::abs(*c.change), 3) + " %, ";
    }
    return line + verdict + ")\n";
}

void print_summary(const Problem& p, const Result& r, const Report& report,
                   const std::string& solver, const Baseline* baseline, std::ostream& to) {
    std::ostringstream out;
    out << std::setprecision(10);
    out << p.name() << " solved by " << solver << " in " << std::setprecision(3) << r.seconds
        << " s, " << r.evaluations << " evaluations (" << stop_reason_name(r.stop) << ")\n"
        << std::setprecision(10);
    for (const std::string& note : r.notes)
        out << "  note: " << note << '\n';
    out << "  " << p.objective().describe() << " = " << r.evaluation.objective
        << (r.evaluation.feasible() ? "  feasible" : "  INFEASIBLE") << '\n';
    if (!r.evaluation.feasible()) out << "  violation " << r.evaluation.violation << '\n';
    if (baseline) out << baseline_line(*baseline, r.evaluation, solver, p.objective().sense);
    if (r.lower_bound && std::isfinite(*r.lower_bound) && r.evaluation.feasible()) {
        out << "  lower bound " << *r.lower_bound;
        if (r.evaluation.feasible() && *r.lower_bound > 0) {
            out << "  (the value is at most " << std::setprecision(3)
                << 100 * (r.evaluation.objective / *r.lower_bound - 1) << std::setprecision(10)
                << " % above the optimum)";
        }
        out << '\n';
    }
    for (Metric m : {Metric::makespan, Metric::cost, Metric::flowtime, Metric::utilization,
                     Metric::unplaced, Metric::deadline_misses, Metric::efficiency}) {
        out << "  " << std::left << std::setw(18) << metric_name(m) << report.metric(m) << '\n';
    }
    const std::size_t shown_resources = std::min<std::size_t>(p.num_resources(), 10);
    out << "  utilization by resource" << (shown_resources < p.num_resources() ? " (first 10)" : "")
        << ":";
    for (std::size_t j = 0; j < shown_resources; ++j) {
        out << ' ' << p.resource(j).id << '=' << std::setprecision(3) << report.utilization[j];
    }
    out << '\n' << std::setprecision(10);
    const std::size_t shown_tasks = std::min<std::size_t>(p.num_tasks(), 10);
    out << "  placement" << (shown_tasks < p.num_tasks() ? " (first 10 tasks)" : "") << ":\n";
    for (std::size_t i = 0; i < shown_tasks; ++i) {
        out << "    " << std::left << std::setw(20) << p.task(i).id;
        if (!r.allocation.placed(i)) {
            out << "unplaced\n";
            continue;
        }
        out << p.resource(static_cast<std::size_t>(r.allocation.resource[i])).id << " x"
            << r.allocation.units[i] << "  [" << report.start[i] << ", " << report.end[i] << "]\n";
    }
    to << out.str();
}

/// Reads the run settings from the table's defaults, the --config file and the flags, and
/// the solver's options from the file and --opt; checks them all before anything runs.
Run resolve(const CLI::App& command, const Options& o) {
    const std::vector<OptionSpec>& rows = run_settings_table().specs();
    OptionValues values(&rows);
    SolverConfig file;
    auto given = [&](std::string_view name) { return command.count("--" + std::string(name)) > 0; };
    if (!o.config.empty()) {
        file = read_solver_config(o.config);
        file.apply_settings(values, given);
    }
    for (const OptionSpec& row : rows) {
        if (!given(row.name)) continue;
        const std::string& text = o.flags.find(row.name)->second;
        try {
            values.set(row.name, text);
        } catch (const InputError& e) {
            throw InputError("--" + std::string(row.name), text, e.message());
        }
    }
    Run run;
    run.settings = run_settings_table().read(values);
    const std::string& name = run.settings.solver;
    const SolverConfig::Entry* file_solver = file.setting("solver");
    try {
        run.entry = &find_solver(name);
    } catch (const InputError& e) {
        throw file_solver && !given("solver") ? e.at(file_solver->position) : e;
    }
    run.options = OptionValues(&run.entry->options);
    // The file's options belong to the solver it names (ga when it names none).
    const std::string file_solver_name = file_solver ? file_solver->value : RunSettings{}.solver;
    if (file_solver_name == name) file.apply_options(run.options);
    for (const std::string& opt : o.opts) {
        const auto eq = opt.find('=');
        if (eq == std::string::npos) {
            throw InputError("--opt", opt, "expected NAME=VALUE");
        }
        run.options.set(opt.substr(0, eq), opt.substr(eq + 1));
    }
    return run;
}

/// The file -o names, opened before the search so that a path that cannot be written fails
/// at once, not after the time limit; null without -o or for -o - (standard output).
std::unique_ptr<OutputFile> open_result_file(const Options& o) {
    return o.output.empty() ? nullptr : open_output(o.output);
}

/// Refuses two output flags that name one file: the second write would replace the first.
void check_distinct_outputs(const Options& o) {
    const std::vector<std::pair<std::string_view, const std::string*>> outputs{
        {"-o", &o.output},
        {"--svg", &o.pictures.svg},
        {"--svg-utilization", &o.pictures.utilization},
        {"--svg-convergence", &o.svg_convergence},
        {"--report", &o.report}};
    for (std::size_t a = 0; a < outputs.size(); ++a) {
        for (std::size_t b = a + 1; b < outputs.size(); ++b) {
            const std::string& path = *outputs[b].second;
            if (path.empty() || path == "-" || path != *outputs[a].second) continue;
            throw InputError(std::string(outputs[b].first), path,
                             "is also the file of " + std::string(outputs[a].first));
        }
    }
}

/// The file `path` names (--svg-convergence, --report), opened before the search as -o's is;
/// null without it.
std::unique_ptr<OutputFile> open_if_given(const std::string& path) {
    return path.empty() ? nullptr : open_output(path);
}

/// The convergence picture of this run (io/convergence.hpp): one series named after the
/// solver, the value axis named after the objective, the proven bound when there is one.
std::string convergence_picture(const Problem& problem, const Result& result,
                                const std::string& solver, bool inline_svg) {
    const std::vector<ConvergenceSeries> series{{solver, {convergence_run(result)}}};
    const std::string objective = problem.objective().describe();  // "minimize makespan"
    const ConvergenceOptions options{
        .title = problem.name().empty() ? "convergence" : "convergence: " + problem.name(),
        .value_label = objective.substr(objective.find(' ') + 1),
        .sense = problem.objective().sense,
        .bound = result.lower_bound,
        .inline_svg = inline_svg};
    return convergence_svg(series, options);
}

/// The HTML page of --report: the result, the baseline beside it when it was computed and
/// finished, and the pictures (allocation, utilization in schedule mode, convergence).
std::string report_page(Evaluator& evaluator, const Result& result, const Report& report,
                        const SolverRun& run, const std::optional<Baseline>& baseline,
                        const Options& o) {
    const Problem& problem = evaluator.problem();
    HtmlReportInput in{.problem = &problem, .result = &result, .report = &report, .run = run};
    in.source = o.source.path;
    if (baseline && baseline->complete()) {
        in.baseline = ReportBaseline{std::string(baseline->solver), baseline->result,
                                     evaluator.report(baseline->result.allocation)};
    }
    GanttOptions gantt;
    gantt.color_by = o.pictures.color_by;
    gantt.inline_svg = true;
    const bool schedule = problem.mode() == Mode::schedule;
    in.figures.push_back(
        {schedule ? "Schedule" : "Packing",
         allocation_svg(problem, result.allocation, report, gantt),
         schedule ? "One lane per resource; each bar is a task over its run, as tall as its "
                    "units. Hover a bar for its details."
                  : "Per resource and capacity dimension: what the placed tasks use, against "
                    "the capacity."});
    if (schedule) {
        in.figures.push_back({"Utilization over time",
                              utilization_svg(problem, result.allocation, report, gantt),
                              "Busy units / capacity per resource and time bin."});
    }
    in.figures.push_back({"Convergence", convergence_picture(problem, result, run.name, true),
                          "The best value found against time and against evaluations."});
    return html_report(in);
}

/// Reports a search stopped by SIGINT or SIGTERM; the exit code is 128 + the signal's
/// number, as a shell shows it: 130 for Ctrl-C, 143 for SIGTERM.
int stopped_by_signal(const Options& o) {
    const int signal = g_signal.load();
    const std::string where = o.output == "-" ? "standard output" : o.output;
    std::cerr << "allocopt: " << (signal == SIGTERM ? "terminated" : "interrupted") << "; "
              << (o.output.empty() ? "the best allocation found is summarised above"
                                   : "the best allocation found was written to " + where)
              << '\n';
    return signal == SIGTERM ? kTerminated : kInterrupted;
}

/// solve --pareto: a front instead of one allocation (cli/pareto.hpp). The flags that draw or
/// report one allocation do not apply.
int run_front(const Run& settings, const Options& o) {
    const std::vector<std::pair<std::string_view, const std::string*>> single{
        {"--svg", &o.pictures.svg},
        {"--svg-utilization", &o.pictures.utilization},
        {"--svg-convergence", &o.svg_convergence},
        {"--report", &o.report}};
    for (const auto& [flag, path] : single) {
        if (!path->empty())
            throw InputError(std::string(flag), *path, "not with --pareto (use --pareto-svg)");
    }
    ParetoRun front{&o.pareto,         &o.source,      o.output,         o.quiet,
                    settings.settings, settings.entry, &settings.options};
    front.settings.interrupt = &g_interrupted;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const int code = run_pareto(front);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (code == kInterrupted && g_signal.load() == SIGTERM) return kTerminated;
    return code;
}

int run(const CLI::App& command, const Options& o) {
    Run settings = resolve(command, o);
    if (command.count("--pareto") > 0) return run_front(settings, o);
    check_distinct_outputs(o);
    // Both before the search: the solver's options checked together, the output path tried
    // (after the handlers, so that a signal cannot leave the temporary file behind).
    const std::unique_ptr<Solver> solver =
        settings.entry->make(settings.options, settings.settings.seed);
    if (settings.settings.islands > 1 && !runs_on_islands(*solver)) {
        std::string searches;
        for (const SolverEntry& entry : solver_registry()) {
            const OptionValues defaults(&entry.options);
            if (runs_on_islands(*entry.make(defaults, 1)))
                searches += (searches.empty() ? "" : ", ") + std::string(entry.name);
        }
        throw InputError("--islands", std::to_string(settings.settings.islands),
                         "solver '" + settings.settings.solver +
                             "' is not a population search; islands run " + searches);
    }
    const ProblemFile file = load_problem(o.source, !o.quiet && isatty(STDERR_FILENO));
    const Problem& problem = file.problem;
    const std::string& name = settings.settings.solver;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const std::unique_ptr<OutputFile> output = open_result_file(o);
    PictureFiles pictures(o.pictures);
    const std::unique_ptr<OutputFile> picture = open_if_given(o.svg_convergence);
    const std::unique_ptr<OutputFile> page = open_if_given(o.report);
    Evaluator evaluator(problem, {.threads = settings.settings.threads});
    RunSettings& termination = settings.settings;
    termination.interrupt = &g_interrupted;
    // Under `mpirun -np K`: one island per rank (docs/islands.md); rank 0 reports and writes.
    MpiSession mpi;
    std::unique_ptr<MpiIslands> ranks;
    if (mpi.active()) {
        mpi.peers();
        const std::string size = std::to_string(mpi.size());
        if (termination.islands != static_cast<std::uint32_t>(mpi.size())) {
            throw InputError("--islands", std::to_string(termination.islands),
                             "under mpirun -np " + size +
                                 ", solve runs one island per rank: give --islands " + size);
        }
        ranks = std::make_unique<MpiIslands>(mpi);
    }
    Result result;
    try {
        ProgressLine progress(!o.quiet && isatty(STDERR_FILENO) && mpi.rank() == 0);
        result = termination.islands > 1 || ranks
                     ? solve_islands(*solver, evaluator, termination, &progress, ranks.get())
                     : solver->solve(evaluator, termination, &progress);
    } catch (const std::exception& e) {
        // Said here: leaving the MPI session aborts the job, before guarded() could say it.
        if (ranks)
            std::cerr << "allocopt: error: MPI rank " << mpi.rank() << ": " << e.what() << '\n';
        throw;
    }
    if (ranks) {
        ranks->complete();
        if (mpi.rank() != 0) return kOk;  // rank 0 has the same result, and reports it
    }
    if (!result.found) {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        std::cerr << "allocopt: " << name << " found no allocation before it stopped ("
                  << stop_reason_name(result.stop) << "); nothing to report\n";
        if (result.stop != StopReason::interrupted) return kInfeasible;
        return g_signal.load() == SIGTERM ? kTerminated : kInterrupted;
    }
    // The LP bound (Gavel's makespan LP, where it applies) after the search, outside its
    // limits: milliseconds for 700 tasks on 3 resources; the larger bound is reported. It gets
    // a tenth of the time limit (at least 1 s, at most 30 s): tens of thousands of tasks would
    // take longer, and are then left without it (with a note). Not after a Ctrl-C, which asks
    // for the result at once; a Ctrl-C during the LP ends it and the run as one in the search.
    if (result.stop != StopReason::interrupted) {
        const double seconds =
            std::clamp(0.1 * termination.effective_time_limit(), 1.0, kLpBoundSeconds);
        add_lp_bound(problem, result, StopClock(std::nullopt, &g_interrupted).within(seconds));
        if (g_interrupted.load()) result.stop = StopReason::interrupted;
        add_midpoint_bound(problem, result);  // no LP: at most 2 x 10^5 ways, 100 passes
    }
    const Report report = evaluator.report(result.allocation);
    // After the search, never within its limits, and only for the summary (so that -q runs,
    // which scripts time, pay nothing); the result file then carries it too. A Ctrl-C that
    // stopped the search is spent: a second one cuts the baseline short (it takes under a
    // second at 10^5 tasks; the bound is for safety), and the result is still written.
    std::optional<Baseline> baseline;
    if (!o.no_baseline && (!o.quiet || page)) {
        g_interrupted.store(false);
        baseline = run_baseline(evaluator, &g_interrupted, kBaselineSeconds);
    }
    // The handlers stay until everything is written: a Ctrl-C while a large result file is
    // written (seconds at 10^5 tasks) no longer kills the process and loses the result.
    // With -o -, standard output carries the result alone; the summary goes to stderr.
    if (!o.quiet)
        print_summary(problem, result, report, name, baseline ? &*baseline : nullptr,
                      output || o.output.empty() ? std::cout : std::cerr);
    const SolverRun run{name, termination.seed, settings.options.settings(),
                        run_settings_table().values(termination).settings()};
    if (!o.output.empty()) {
        const Baseline* written = baseline && baseline->complete() ? &*baseline : nullptr;
        write_output(output.get(),
                     result_text(problem, result, report, run, format_for_path(o.output), written));
        if (!o.quiet && output) std::cout << "  result written to " << o.output << '\n';
    }
    std::ostream* said = o.output == "-" ? &std::cerr : &std::cout;  // where the summary went
    pictures.write(problem, result.allocation, report, o.quiet ? nullptr : said);
    if (picture) {
        write_output(picture.get(), convergence_picture(problem, result, name, false));
        if (!o.quiet) *said << "  convergence picture written to " << o.svg_convergence << '\n';
    }
    if (page) {
        write_output(page.get(), report_page(evaluator, result, report, run, baseline, o));
        if (!o.quiet) *said << "  report written to " << o.report << '\n';
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (result.stop == StopReason::interrupted) return stopped_by_signal(o);
    return result.evaluation.feasible() ? kOk : kInfeasible;
}

}  // namespace

void add_solve_command(CLI::App& app, int& exit_code) {
    auto* command = app.add_subcommand(
        "solve",
        "Search for a good allocation and write it. Stops at the first of --max-evals,\n"
        "--time-limit, --target, --stall-evals/--stall-seconds or Ctrl-C (which keeps the best\n"
        "found, writes it and exits 130; SIGTERM: the same, exit 143). Exit 1 when no feasible\n"
        "allocation was found, 4 when the result cannot be written (checked before the search).\n"
        "The default solver is the memetic GA ('allocopt solvers' lists the others). With a\n"
        "--max-evals budget, the same seed gives the same result for any --threads.\n"
        "Examples:\n"
        "  allocopt solve problems/gpu-cluster.yaml --time-limit 30 -o result.yaml\n"
        "  allocopt solve --from braun-etc bench/instances/braun-etc/u_c_hihi.0 --solver pso "
        "--max-evals 200000000 --seed 2\n"
        "  allocopt solve --from orlib-gap bench/instances/gap/gapd.txt --instance 6 --solver "
        "regret\n"
        "  allocopt solve problems/gpu-cluster.yaml --config run.yaml --seed 3  "
        "(see docs/config.md)");
    auto o = std::make_shared<Options>();
    add_problem_options(*command, o->source);
    // One flag per run setting, named, described and checked by run_settings_table().
    for (const OptionSpec& row : run_settings_table().specs()) {
        std::string help(row.description);
        help[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(help[0])));
        if (row.name == "threads") {
            help += "; at most " + std::to_string(kMaxThreads) +
                    ". Idle threads sleep (OMP_WAIT_POLICY=passive) unless the environment sets "
                    "OMP_WAIT_POLICY or GOMP_SPINCOUNT";
        }
        const std::string name(row.name);
        auto* flag = command->add_option("--" + name, o->flags[name], help)
                         ->check(option_validator(row))
                         ->type_name(row.type == OptionSpec::Type::text ? "TEXT" : "NUMBER");
        if (!row.optional && row.default_text != "0") flag->default_str(row.default_text);
    }
    command->add_option("--opt", o->opts, "Solver option NAME=VALUE (repeatable)");
    command
        ->add_option("-o,--output", o->output,
                     "Write the result here (YAML, or JSON for a .json name), atomically; - for "
                     "standard output (the summary then goes to stderr)")
        ->check(output_path());
    command
        ->add_option("--svg-convergence", o->svg_convergence,
                     "Draw the best value against seconds and evaluations (with the lower bound "
                     "when one is proven) as an SVG picture here, atomically; checked before the "
                     "search, like -o")
        ->type_name("FILE")
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
                if (text.empty() || text == "-") {
                    return "--svg-convergence needs a file name; got '" + text + "'";
                }
                return {};
            },
            ""));
    command
        ->add_option("--report", o->report,
                     "Write a self-contained HTML page here (docs/pictures.md): the problem, the "
                     "solver and its settings, the objective with its bound, every metric beside "
                     "the baseline's, the pictures and the assignment as a sortable table; "
                     "checked before the search, like -o")
        ->type_name("FILE")
        ->check(CLI::Validator(
            [](std::string& text) -> std::string {
                if (text.empty() || text == "-")
                    return "--report needs a file name; got '" + text + "'";
                return {};
            },
            ""));
    command->add_flag("-q,--quiet", o->quiet, "Print nothing but errors");
    command->add_flag(
        "--no-baseline", o->no_baseline,
        "Do not run the baseline heuristic (fcfs in schedule mode, first-fit in "
        "packing mode) after the search, for the summary's comparison and the "
        "result file's baseline block and the report's (-q does not run it either, unless "
        "--report is given)");
    add_picture_options(*command, o->pictures);
    add_pareto_options(*command, o->pareto);
    command->add_option("--config", o->config,
                        "Read solver, seed, threads, limits and solver options from a YAML file "
                        "(flags given here win); see docs/config.md");
    command->callback(
        [o, command, &exit_code] { exit_code = guarded([&] { return run(*command, *o); }); });
}

}  // namespace allocopt::cli
