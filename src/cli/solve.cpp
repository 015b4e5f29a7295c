// allocopt solve FILE: search for a good allocation, print a summary, write the result.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "allocopt/error.hpp"
#include "allocopt/io/result_io.hpp"
#include "allocopt/io/solver_config.hpp"
#include "allocopt/solvers/registry.hpp"
#include "cli/common.hpp"

namespace allocopt::cli {

namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};  // the signal that stopped the search, for the exit code

extern "C" void on_signal(int signal) {
    g_signal.store(signal);
    g_interrupted.store(true);
}

struct Options {
    ProblemSource source;
    std::string solver = "ga";
    std::vector<std::string> opts;
    std::uint64_t seed = 1;
    int threads = 0;
    double time_limit = 0;
    std::uint64_t max_evals = 0;
    std::optional<double> target;
    std::uint64_t stall_evals = 0;
    double stall_seconds = 0;
    std::string output;
    bool quiet = false;
    std::string config;
    SolverConfig from_file;  // read from --config; command-line flags win
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

constexpr double kDefaultSeconds = 10;  // when no stopping rule is given

void print_summary(const Problem& p, const Result& r, const Report& report,
                   const std::string& solver, std::ostream& to) {
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

/// Takes what --config sets, unless the same setting was given as a flag.
void merge_config(const CLI::App& command, Options& o) {
    o.from_file = read_solver_config(o.config);
    const SolverConfig& c = o.from_file;
    auto given = [&](const char* flag) { return command.count(flag) > 0; };
    if (c.solver && !given("--solver")) o.solver = *c.solver;
    if (c.seed && !given("--seed")) o.seed = *c.seed;
    if (c.threads && !given("--threads")) o.threads = *c.threads;
    if (c.time_limit && !given("--time-limit")) o.time_limit = *c.time_limit;
    if (c.max_evaluations && !given("--max-evals")) o.max_evals = *c.max_evaluations;
    if (c.target && !given("--target")) o.target = c.target;
    if (c.stall_evaluations && !given("--stall-evals")) o.stall_evals = *c.stall_evaluations;
    if (c.stall_seconds && !given("--stall-seconds")) o.stall_seconds = *c.stall_seconds;
}

/// The file -o names, opened before the search so that a path that cannot be written fails
/// at once, not after the time limit; null without -o or for -o - (standard output).
std::unique_ptr<OutputFile> open_result_file(const Options& o) {
    return o.output.empty() ? nullptr : open_output(o.output);
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

int run(const Options& o) {
    const ProblemFile file = load_problem(o.source, !o.quiet && isatty(STDERR_FILENO));
    const Problem& problem = file.problem;
    const std::string name = o.solver;
    const SolverEntry& entry = [&]() -> const SolverEntry& {
        try {
            return find_solver(name);
        } catch (const InputError& e) {
            const bool from_file = o.from_file.solver && *o.from_file.solver == name;
            throw from_file ? e.at(o.from_file.solver_position) : e;
        }
    }();
    OptionValues values(&entry.options);
    if (!o.from_file.solver || *o.from_file.solver == name) o.from_file.apply(values);
    for (const std::string& opt : o.opts) {
        const auto eq = opt.find('=');
        if (eq == std::string::npos) {
            throw InputError("--opt", opt, "expected NAME=VALUE");
        }
        values.set(opt.substr(0, eq), opt.substr(eq + 1));
    }
    // Both before the search: the solver's options checked together, the output path tried
    // (after the handlers, so that a signal cannot leave the temporary file behind).
    const std::unique_ptr<Solver> solver = entry.make(values, o.seed);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const std::unique_ptr<OutputFile> output = open_result_file(o);
    Evaluator evaluator(problem, {.threads = o.threads});
    Termination termination;
    termination.max_evaluations = o.max_evals;
    termination.time_limit = o.time_limit;
    termination.target = o.target;
    termination.stall_evaluations = o.stall_evals;
    termination.stall_seconds = o.stall_seconds;
    termination.interrupt = &g_interrupted;
    if (!o.max_evals && o.time_limit <= 0 && !o.target && !o.stall_evals && o.stall_seconds <= 0)
        termination.time_limit = kDefaultSeconds;
    Result result;
    {
        ProgressLine progress(!o.quiet && isatty(STDERR_FILENO));
        result = solver->solve(evaluator, termination, &progress);
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!result.found) {
        std::cerr << "allocopt: " << name << " found no allocation before it stopped ("
                  << stop_reason_name(result.stop) << "); nothing to report\n";
        if (result.stop != StopReason::interrupted) return kInfeasible;
        return g_signal.load() == SIGTERM ? kTerminated : kInterrupted;
    }
    const Report report = evaluator.report(result.allocation);
    // With -o -, standard output carries the result alone; the summary goes to stderr.
    if (!o.quiet)
        print_summary(problem, result, report, name,
                      output || o.output.empty() ? std::cout : std::cerr);
    if (!o.output.empty()) {
        const SolverRun run{name, o.seed, values.all_text()};
        write_output(output.get(),
                     result_text(problem, result, report, run, format_for_path(o.output)));
        if (!o.quiet && output) std::cout << "  result written to " << o.output << '\n';
    }
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
    command->add_option("--solver", o->solver, "Solver name (see 'allocopt solvers')")
        ->default_str("ga");
    command->add_option("--opt", o->opts, "Solver option NAME=VALUE (repeatable)");
    command->add_option("--seed", o->seed, "Random seed; same seed and options, same result")
        ->default_val(1)
        ->check(whole_number(0));
    command
        ->add_option("--threads", o->threads,
                     "Threads for evaluation and the parallel improvement steps (0 = all cores; "
                     "at most " +
                         std::to_string(kMaxThreads) +
                         "). Idle threads sleep (OMP_WAIT_POLICY=passive) unless the "
                         "environment sets OMP_WAIT_POLICY or GOMP_SPINCOUNT")
        ->default_val(0)
        ->check(whole_number(0, kMaxThreads));
    command
        ->add_option("--time-limit", o->time_limit,
                     "Stop after S seconds (10 when no other stopping rule is given)")
        ->check(non_negative_number());
    command->add_option("--max-evals", o->max_evals, "Stop after N evaluations")
        ->check(whole_number(0));
    command->add_option("--target", o->target, "Stop once a feasible value this good is found")
        ->check(finite_number());
    command
        ->add_option("--stall-evals", o->stall_evals,
                     "Stop after N evaluations without improvement")
        ->check(whole_number(0));
    command
        ->add_option("--stall-seconds", o->stall_seconds,
                     "Stop after S seconds without improvement")
        ->check(non_negative_number());
    command
        ->add_option("-o,--output", o->output,
                     "Write the result here (YAML, or JSON for a .json name), atomically; - for "
                     "standard output (the summary then goes to stderr)")
        ->check(output_path());
    command->add_flag("-q,--quiet", o->quiet, "Print nothing but errors");
    command->add_option("--config", o->config,
                        "Read solver, seed, threads, limits and solver options from a YAML file "
                        "(flags given here win); see docs/config.md");
    command->callback([o, command, &exit_code] {
        exit_code = guarded([&] {
            if (!o->config.empty()) merge_config(*command, *o);
            return run(*o);
        });
    });
}

}  // namespace allocopt::cli
