// allocopt tune: offline parameter tuning by iterated racing (allocopt/tune.hpp) over a set of
// problems, resumable from a state file, its runs on threads or on MPI ranks.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "allocopt/io/convergence.hpp"
#include "allocopt/io/result_io.hpp"
#include "allocopt/solvers/registry.hpp"
#include "allocopt/stats.hpp"
#include "allocopt/tune.hpp"
#include "allocopt/tune_state.hpp"
#include "cli/common.hpp"
#include "cli/mpi.hpp"
#include "detail/text.hpp"

namespace allocopt::cli {

namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

extern "C" void on_tune_signal(int signal) {
    g_signal.store(signal);
    g_stop.store(true);
}

struct Options {
    std::string solver = "ga";
    std::string instances;
    std::string test_instances;
    std::string from;
    ImportOptions import;
    std::uint64_t budget = 0;
    std::uint64_t max_evals = 0;
    double time_limit = 0;
    std::uint64_t seed = 1;
    int parallel = 0;
    std::string state;
    std::string output;
    std::string svg;
    std::string format = "table";
    std::vector<std::string> params;
    std::vector<std::string> fixes;
    int first_test = 5;
    int test_replicates = 1;
    double alpha = 0.05;
    bool quiet = false;
};

/// One entry of an instance set: a file and, from a list, its best-known value.
struct Entry {
    std::string path;
    std::optional<double> reference;
    SourcePosition where;  ///< the list's line, for messages
};

/// The files of `spec`: a directory's problem files (*.yaml, *.yml; with --from every regular
/// file not starting with '.'), sorted by name; one problem file (*.yaml, *.yml); or a list
/// file's entries (one `PATH [BEST_KNOWN]` per line, '#' comments, paths relative to the list).
std::vector<Entry> list_instances(const std::string& spec, const std::string& flag, bool any) {
    std::error_code ec;
    std::vector<Entry> out;
    if (fs::is_directory(spec, ec)) {
        for (const auto& e : fs::directory_iterator(spec, ec)) {
            const std::string name = e.path().filename().string();
            const std::string ext = e.path().extension().string();
            if (!e.is_regular_file() || name.empty() || name[0] == '.') continue;
            if (!any && ext != ".yaml" && ext != ".yml") continue;
            out.push_back({e.path().string(), std::nullopt, {}});
        }
        if (ec) throw InputError(flag, spec, "cannot read the directory: " + ec.message());
        std::sort(out.begin(), out.end(),
                  [](const Entry& a, const Entry& b) { return a.path < b.path; });
        if (out.empty())
            throw InputError(flag, spec,
                             any ? "the directory holds no files"
                                 : "the directory holds no problem files (*.yaml, *.yml); use "
                                   "--from FORMAT for benchmark files");
        return out;
    }
    const std::string ext = fs::path(spec).extension().string();
    if (ext == ".yaml" || ext == ".yml") {  // one problem file: a set of one
        if (!fs::is_regular_file(spec, ec))
            throw InputError(flag, spec, "cannot read the problem file");
        return {{spec, std::nullopt, {}}};
    }
    std::ifstream in(spec);
    if (!in) throw InputError(flag, spec, "cannot read the instance list or directory");
    const fs::path base = fs::path(spec).parent_path();
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const auto hash = line.find('#');
        if (hash != std::string::npos) line.resize(hash);
        std::istringstream words(line);
        std::string path, ref, extra;
        if (!(words >> path)) continue;
        Entry e;
        e.where = {spec, number, 1};
        e.path = fs::path(path).is_absolute() ? path : (base / path).string();
        if (words >> ref) {
            std::size_t used = 0;
            double v = 0;
            try {
                v = std::stod(ref, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used != ref.size() || !std::isfinite(v))
                throw InputError("best_known", ref, "expected a finite number after the path",
                                 e.where);
            e.reference = v;
        }
        if (words >> extra)
            throw InputError("line", extra, "expected PATH [BEST_KNOWN], got more", e.where);
        out.push_back(std::move(e));
    }
    if (out.empty())
        throw InputError(flag, spec,
                         "the instance list is empty (one problem file per line, optionally "
                         "followed by its best-known value)");
    return out;
}

std::vector<TuneInstance> load_set(const std::vector<Entry>& entries, const Options& o) {
    std::vector<TuneInstance> out;
    for (const Entry& e : entries) {
        ProblemSource source{e.path, o.from, o.import};
        ProblemFile file = load_problem(source);
        out.push_back({fs::path(e.path).filename().string(), std::move(file.problem), e.reference});
    }
    return out;
}

std::string file_hash(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a64(text.str())));
    return buf;
}

/// What a state file must agree on with this command (tune_state.hpp).
TuneFingerprint fingerprint(const Options& o, const std::vector<Entry>& training,
                            const std::vector<Entry>& test) {
    TuneFingerprint f{{"solver", o.solver},
                      {"budget", std::to_string(o.budget)},
                      {"seed", std::to_string(o.seed)},
                      {"max-evals", std::to_string(o.max_evals)},
                      {"time-limit", detail::format_number(o.time_limit)},
                      {"first-test", std::to_string(o.first_test)},
                      {"alpha", detail::format_number(o.alpha)},
                      {"test-replicates", std::to_string(o.test_replicates)},
                      {"from", o.from.empty() ? "yaml" : o.from}};
    std::string params, fixes;
    for (const std::string& p : o.params)
        params += (params.empty() ? "" : " ") + p;
    for (const std::string& p : o.fixes)
        fixes += (fixes.empty() ? "" : " ") + p;
    f.emplace_back("param", params);
    f.emplace_back("fix", fixes);
    auto add = [&](const std::string& kind, const std::vector<Entry>& set) {
        f.emplace_back(kind + "-count", std::to_string(set.size()));
        for (std::size_t i = 0; i < set.size(); ++i) {
            const Entry& e = set[i];
            f.emplace_back(kind + "-" + std::to_string(i),
                           fs::path(e.path).filename().string() + " " + file_hash(e.path) +
                               (e.reference ? " " + detail::format_number(*e.reference) : ""));
        }
    };
    add("instance", training);
    add("test", test);
    return f;
}

std::string percent(double score) {
    if (!std::isfinite(score)) return "-";
    std::ostringstream out;
    out << std::fixed << std::setprecision(score < 0.1 ? 3 : 2) << 100 * score << " %";
    return out.str();
}

std::string options_text(const OptionList& options) {
    std::string out;
    for (const auto& [name, value] : options)
        out += (out.empty() ? "" : " ") + name + "=" + value;
    return out;
}

/// Progress on stderr: on a terminal one line rewritten in place after every batch of runs;
/// elsewhere (a batch system's log) a line each time another tenth of the budget is spent.
class ProgressLine : public TuneObserver {
  public:
    enum class Mode { off, terminal, log };
    explicit ProgressLine(Mode mode) : mode_(mode) {}
    ~ProgressLine() override { clear(); }
    void on_progress(const TuneProgress& p) override {
        if (mode_ == Mode::off) return;
        std::ostringstream line;
        line << "tune: race " << p.race;
        if (p.race <= p.races_planned) line << "/" << p.races_planned;  // later: budget left
        line << "  runs " << p.runs << "/" << p.budget;
        if (p.replayed) line << " (" << p.replayed << " from the state file)";
        line << "  alive " << p.alive;
        if (p.best_id >= 0) line << "  leader #" << p.best_id << " score " << percent(p.best_score);
        line << "  " << std::fixed << std::setprecision(0) << p.seconds << " s";
        const std::string text = line.str();
        if (mode_ == Mode::log) {
            const std::uint64_t tenth = p.budget ? p.runs * 10 / p.budget : 0;
            if (tenth <= logged_) return;
            logged_ = tenth;
            std::fprintf(stderr, "%s\n", text.c_str());
            return;
        }
        std::fprintf(stderr, "\r%-*s", width_, text.c_str());
        std::fflush(stderr);
        width_ = std::max(width_, static_cast<int>(text.size()));
    }
    void clear() {
        if (width_ == 0) return;
        std::fprintf(stderr, "\r%*s\r", width_, "");
        width_ = 0;
    }

  private:
    Mode mode_;
    int width_ = 0;
    std::uint64_t logged_ = 0;
};

std::string config_text(const Options& o, const ParameterSpace& space, const TuneResult& r,
                        std::size_t instances) {
    std::ostringstream out;
    out << "# allocopt tune --solver " << o.solver << ": the final best of " << r.candidates
        << " configurations raced\n# over " << instances << " instances in " << r.runs
        << " runs (seed " << o.seed << "). Use it with: allocopt solve --config FILE PROBLEM\n";
    out << "# Its mean score over its " << r.best.runs << " runs on " << r.best.instances
        << " instances: " << percent(r.best.mean_score) << " (" << r.score_kind << ").\n";
    out << "# Elites (id, mean score, runs):";
    for (std::size_t i = 0; i < r.elites.size(); ++i)
        out << (i ? "; #" : " #") << r.elites[i].id << " " << percent(r.elites[i].mean_score) << " "
            << r.elites[i].runs;
    out << "\nsolver: " << space.solver() << "\n";
    if (o.max_evals) out << "max-evals: " << o.max_evals << "\n";
    if (o.time_limit > 0) out << "time-limit: " << detail::format_number(o.time_limit) << "\n";
    out << "options:\n";
    for (const auto& [name, value] : r.best.options)
        out << "  " << name << ": " << value << "\n";
    return out.str();
}

/// The test set's verdict: mean gaps over the instances where both have one, wins, losses,
/// ties and the exact two-sided sign test (ties left out).
struct TestSummary {
    double tuned_gap = NAN;
    double default_gap = NAN;
    int wins = 0, losses = 0, ties = 0;
    double p = 1;
};

TestSummary summarize_test(const TuneResult& r) {
    TestSummary t;
    double sum_t = 0, sum_d = 0;
    int n = 0;
    for (const TuneTestRow& row : r.test) {
        t.wins += row.outcome > 0;
        t.losses += row.outcome < 0;
        t.ties += row.outcome == 0;
        if (std::isfinite(row.tuned_gap) && std::isfinite(row.default_gap)) {
            sum_t += row.tuned_gap;
            sum_d += row.default_gap;
            ++n;
        }
    }
    if (n) {
        t.tuned_gap = sum_t / n;
        t.default_gap = sum_d / n;
    }
    t.p = stats::sign_test_p(t.wins, t.losses);
    return t;
}

constexpr const char* kAllTied =
    "every configuration got the same result as every other on every instance: at this per-run "
    "budget the options change nothing (the solver's fixed start phase may use it up), so the "
    "tuning cannot tell them apart; raise --max-evals or --time-limit";

void print_table(std::ostream& out, const Options& o, const TuneResult& r, std::size_t instances,
                 int workers) {
    out << "tuned " << o.solver << " on " << instances
        << (instances == 1 ? " instance: " : " instances: ") << r.runs << " runs";
    if (r.replayed) out << " (" << r.replayed << " from the state file)";
    out << " in " << r.races << " races, " << r.candidates << " configurations, " << std::fixed
        << std::setprecision(1) << r.seconds << " s";
    const double ran = static_cast<double>(r.runs - r.replayed);
    if (r.race_seconds > 0 && ran > 0)
        out << " (" << std::setprecision(2) << ran / r.race_seconds << " training runs/s, "
            << workers << " workers)";
    out << "\nscore: "
        << (r.score_kind == "gap"    ? "relative gap to each instance's best known value or bound"
            : r.score_kind == "rank" ? "rank among the runs on each instance, scaled to [0, 1]"
                                     : "gap where an instance has a reference, rank elsewhere")
        << "\n\n";
    if (r.all_tied) out << "note: " << kAllTied << "\n\n";
    out << "  elite     id  race  runs  instances  mean rank  mean score  options\n";
    for (std::size_t i = 0; i < r.elites.size(); ++i) {
        const TuneCandidate& e = r.elites[i];
        out << "  " << std::setw(2) << i + 1 << (e.id == r.best.id ? " best" : "     ")
            << std::setw(5) << e.id << std::setw(6) << e.born << std::setw(6) << e.runs
            << std::setw(11) << e.instances << std::setw(11) << std::setprecision(2) << e.mean_rank
            << std::setw(12) << percent(e.mean_score) << "  " << options_text(e.options) << "\n";
    }
    if (r.test.empty()) return;
    out << "\ntest on " << r.test.size() << " unseen instances (" << o.test_replicates
        << " run(s) each, the same seeds for both):\n";
    out << "  instance                          tuned      defaults   tuned gap  default gap\n";
    for (const TuneTestRow& row : r.test) {
        out << "  " << std::left << std::setw(30) << row.instance << std::right << std::setw(10)
            << std::setprecision(2) << row.tuned << std::setw(14) << row.defaults << std::setw(11)
            << percent(row.tuned_gap) << std::setw(13) << percent(row.default_gap) << "  "
            << (row.outcome > 0   ? "win"
                : row.outcome < 0 ? "loss"
                                  : "tie")
            << "\n";
    }
    const TestSummary t = summarize_test(r);
    out << "  mean gap: tuned " << percent(t.tuned_gap) << ", defaults " << percent(t.default_gap)
        << "; wins " << t.wins << ", losses " << t.losses << ", ties " << t.ties
        << "; sign test p = " << std::setprecision(3) << t.p << "\n";
}

nlohmann::json candidate_json(const TuneCandidate& c) {
    nlohmann::json options = nlohmann::json::object();
    for (const auto& [name, value] : c.options)
        options[name] = value;
    return {{"id", c.id},
            {"race", c.born},
            {"runs", c.runs},
            {"instances", c.instances},
            {"mean_rank", std::isfinite(c.mean_rank) ? nlohmann::json(c.mean_rank) : nullptr},
            {"mean_score", c.mean_score},
            {"options", options}};
}

std::string json_text(const Options& o, const TuneResult& r, int workers) {
    nlohmann::json j;
    j["solver"] = o.solver;
    j["runs"] = r.runs;
    j["replayed"] = r.replayed;
    j["races"] = r.races;
    j["candidates"] = r.candidates;
    j["seconds"] = r.seconds;
    j["race_seconds"] = r.race_seconds;
    j["all_tied"] = r.all_tied;
    j["workers"] = workers;
    j["score"] = r.score_kind;
    j["best"] = candidate_json(r.best);
    j["elites"] = nlohmann::json::array();
    for (const TuneCandidate& e : r.elites)
        j["elites"].push_back(candidate_json(e));
    if (!r.test.empty()) {
        const TestSummary t = summarize_test(r);
        auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nullptr; };
        j["test_summary"] = {{"instances", r.test.size()},
                             {"replicates", o.test_replicates},
                             {"tuned_mean_gap", num(t.tuned_gap)},
                             {"default_mean_gap", num(t.default_gap)},
                             {"wins", t.wins},
                             {"losses", t.losses},
                             {"ties", t.ties},
                             {"sign_test_p", t.p}};
    }
    j["test"] = nlohmann::json::array();
    for (const TuneTestRow& row : r.test) {
        auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nullptr; };
        j["test"].push_back({{"instance", row.instance},
                             {"tuned", num(row.tuned)},
                             {"defaults", num(row.defaults)},
                             {"tuned_gap", num(row.tuned_gap)},
                             {"default_gap", num(row.default_gap)},
                             {"outcome", row.outcome}});
    }
    return j.dump(2) + "\n";
}

std::string race_picture(const Options& o, const TuneResult& r) {
    ConvergenceRun run;
    for (const TunePoint& p : r.trace) {
        if (!std::isfinite(p.best_score)) continue;
        run.trace.push_back({p.runs, p.seconds, 100 * p.best_score, true});
    }
    run.seconds = r.seconds;
    run.evaluations = r.runs;
    std::vector<ConvergenceSeries> series{{"race leader (" + o.solver + ")", {run}}};
    ConvergenceOptions options;
    options.title = "tune " + o.solver + ": the race leader's mean score";
    options.value_label = r.score_kind == "gap" ? "mean gap (%)" : "mean score (%)";
    options.count_label = "solver runs";
    return convergence_svg(series, options);
}

/// What every rank builds from the command: the space, the instance sets, the settings.
struct Setup {
    std::unique_ptr<ParameterSpace> space;
    std::vector<Entry> training_list, test_list;
    std::vector<TuneInstance> training, test;
    TuneSettings settings;
};

void prepare(const Options& o, Setup& s) {
    s.space = std::make_unique<ParameterSpace>(o.solver, o.params, o.fixes);
    s.training_list = list_instances(o.instances, "--instances", !o.from.empty());
    if (!o.test_instances.empty())
        s.test_list = list_instances(o.test_instances, "--test-instances", !o.from.empty());
    if (o.budget < s.training_list.size())
        throw InputError("--budget", std::to_string(o.budget),
                         "the budget is smaller than the " +
                             std::to_string(s.training_list.size()) +
                             " training instances: every instance needs at least one run");
    if (o.max_evals == 0 && !(o.time_limit > 0))
        throw InputError("--max-evals", "",
                         "each run needs a limit: --max-evals E (reproducible whatever "
                         "--parallel) or --time-limit S");
    s.training = load_set(s.training_list, o);
    s.test = load_set(s.test_list, o);
    s.settings.budget = o.budget;
    s.settings.seed = o.seed;
    s.settings.max_evaluations = o.max_evals;
    s.settings.time_limit = o.time_limit;
    s.settings.first_test = o.first_test;
    s.settings.alpha = o.alpha;
    s.settings.test_replicates = o.test_replicates;
    s.settings.interrupt = &g_stop;
}

/// Ranks 1..K-1 under mpirun: run what rank 0 sends until it says stop. Bad input fails on
/// every rank alike; a worker that failed still serves (each job then fails with its
/// message) so that rank 0, which reports the error, can end the job cleanly.
int serve_as_worker(MpiSession& mpi, const Options& o) {
    Setup s;
    std::string failure;
    try {
        prepare(o, s);
    } catch (const std::exception& e) {
        failure = e.what();
    }
    std::signal(SIGINT, on_tune_signal);
    std::signal(SIGTERM, on_tune_signal);
    serve_mpi_jobs(mpi, [&](const std::string& job) -> std::string {
        if (!failure.empty()) throw std::runtime_error(failure);
        return run_tune_job(*s.space, s.training, s.test, s.settings, job);
    });
    return failure.empty() ? kOk : kBadInput;
}

/// The tuning itself: the whole command without mpirun, rank 0's part under it.
int lead(const Options& o, MpiSession& mpi) {
    Setup setup;
    prepare(o, setup);
    const ParameterSpace& space = *setup.space;
    const auto& training_list = setup.training_list;
    const auto& test_list = setup.test_list;
    const auto& training = setup.training;
    const auto& test = setup.test;
    const TuneSettings& settings = setup.settings;
    PoolWork work = [&](const std::string& job) {
        return run_tune_job(space, training, test, settings, job);
    };

    const std::unique_ptr<OutputFile> output =
        o.output.empty() || o.output == "-" ? nullptr : open_output(o.output);
    const std::unique_ptr<OutputFile> picture = o.svg.empty() ? nullptr : open_output(o.svg);
    std::unique_ptr<TuneStateFile> state;
    if (!o.state.empty())
        state = std::make_unique<TuneStateFile>(o.state, fingerprint(o, training_list, test_list));
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::unique_ptr<RunPool> pool =
        mpi.active() ? make_mpi_pool(mpi) : make_thread_pool(o.parallel ? o.parallel : cores, work);
    if (!o.quiet && state && state->loaded())
        std::cerr << "tune: continuing " << o.state << ": " << state->loaded()
                  << " finished runs are served from it"
                  << (state->repaired() ? " (a torn last line was dropped)" : "") << "\n";

    std::signal(SIGINT, on_tune_signal);
    std::signal(SIGTERM, on_tune_signal);
    TuneResult result;
    try {
        ProgressLine progress(o.quiet                 ? ProgressLine::Mode::off
                              : isatty(STDERR_FILENO) ? ProgressLine::Mode::terminal
                                                      : ProgressLine::Mode::log);
        result = tune(space, training, test, settings, *pool, state.get(), &progress);
    } catch (const TuneInterrupted&) {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        const int signal = g_signal.load();
        std::cerr << "allocopt: tune " << (signal == SIGTERM ? "terminated" : "interrupted") << "; "
                  << (state ? "every finished run is in " + o.state +
                                  ": run the same command to continue"
                            : "nothing was kept (give --state FILE to resume after a stop)")
                  << "\n";
        return signal == SIGTERM ? kTerminated : kInterrupted;
    }
    const int workers = pool->size();
    // The table says it on stdout; otherwise a warning, -q or not: the result is the defaults
    // by a tie, not by evidence.
    if (result.all_tied && (o.quiet || o.format == "json"))
        std::cerr << "allocopt: warning: " << kAllTied << "\n";
    const std::string config = config_text(o, space, result, training.size());
    if (o.format == "json")
        std::cout << json_text(o, result, workers);
    else if (!o.quiet)
        print_table(std::cout, o, result, training.size(), workers);
    if (output) {
        write_output(output.get(), config);
        if (!o.quiet && o.format != "json")
            std::cout << "\n  configuration written to " << o.output << "\n";
    } else if (o.output == "-") {
        std::cout << config;
    }
    if (picture) {
        write_output(picture.get(), race_picture(o, result));
        if (!o.quiet && o.format != "json")
            std::cout << "  race picture written to " << o.svg << "\n";
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    return kOk;
}

int run(const Options& o) {
    MpiSession mpi;  // throws in a build without MPI started by mpirun
    if (mpi.active() && mpi.rank() != 0) return serve_as_worker(mpi, o);
    if (!mpi.active()) return lead(o, mpi);
    // Under mpirun rank 0 reports its error here, while the session still holds the workers:
    // its destructor tells them to stop, and workers whose own setup failed (the same bad
    // input) then exit 2 at once; mpirun ends the job at the first non-zero exit and kills
    // rank 0, so a message written only after the session ended (by guarded, in the caller)
    // was lost whenever rank 0 was slower than a worker.
    try {
        return lead(o, mpi);
    } catch (const std::exception&) {
        return report_error(std::current_exception());
    }
}

}  // namespace

void add_tune_command(CLI::App& app, int& exit_code) {
    auto* command = app.add_subcommand(
        "tune",
        "Tune a solver's options over a set of problems by iterated racing (irace's method):\n"
        "candidates sampled from the solver's options table race over the instances, a\n"
        "Friedman test drops the worse, the next candidates are sampled around the best.\n"
        "With --max-evals the result depends only on the inputs and the budget, for any\n"
        "--parallel or rank count. With --state FILE every finished run is kept as it ends:\n"
        "after a kill, the same command continues and ends as an uninterrupted run would.\n"
        "Examples:\n"
        "  allocopt tune --instances train/ --budget 300 --max-evals 5000000 -o tuned.yaml\n"
        "  allocopt tune --instances list.txt --test-instances test/ --budget 300 \\\n"
        "      --max-evals 5000000 --state tune.state --param population=10:100 --fix brood=8\n"
        "  mpirun -np 8 allocopt tune --instances train/ --budget 500 --max-evals 5000000\n"
        "  allocopt solve --config tuned.yaml problem.yaml");
    auto o = std::make_shared<Options>();
    command->add_option("--solver", o->solver, "The solver to tune (allocopt solvers)")
        ->default_str("ga");
    command
        ->add_option("--instances", o->instances,
                     "Training set: a directory of problem files (*.yaml), one problem file, or a "
                     "list file with one PATH [BEST_KNOWN] per line")
        ->required();
    command->add_option("--test-instances", o->test_instances,
                        "Unseen problems on which the result is compared with the defaults");
    command->add_option("--from", o->from,
                        "Read every instance as a benchmark format (braun-etc, orlib-gap, "
                        "cloudbalancing)");
    command->add_option("--budget", o->budget, "Solver runs in all (the training runs)")
        ->required()
        ->check(whole_number(1));
    command->add_option("--max-evals", o->max_evals, "Evaluations per run (reproducible)")
        ->check(whole_number(1));
    command->add_option("--time-limit", o->time_limit, "Seconds per run")
        ->check(non_negative_number());
    command->add_option("--seed", o->seed, "The tuning's seed; every run's seed derives from it")
        ->default_val(1)
        ->check(whole_number(0));
    command
        ->add_option("--parallel", o->parallel,
                     "Runs at once, each on one thread (default: the number of cores)")
        ->check(whole_number(1, 4096));
    command->add_option("--state", o->state,
                        "State file: every finished run is appended as it ends; the same command "
                        "continues from it after a stop");
    command
        ->add_option("-o,--output", o->output,
                     "Write the tuned configuration (for solve --config) here; - = stdout")
        ->check(output_path());
    command->add_option("--svg", o->svg, "Draw the race's convergence here (SVG)")
        ->check(output_path());
    command->add_option("--param", o->params,
                        "NAME=LOW:HIGH narrows a number's range (NAME=A,B a choice's values; "
                        "NAME alone: its own range); also tunes an option fixed by default");
    command->add_option("--fix", o->fixes, "NAME=VALUE keeps an option at a value");
    command
        ->add_option("--first-test", o->first_test,
                     "Instances a race runs before its first elimination test")
        ->default_val(5)
        ->check(whole_number(1, 1000));
    command->add_option("--alpha", o->alpha, "Significance of the Friedman test")
        ->default_val(0.05)
        ->check(CLI::Range(1e-6, 0.5));
    command
        ->add_option("--test-replicates", o->test_replicates,
                     "Runs per test instance and configuration")
        ->default_val(1)
        ->check(whole_number(1, 1000));
    command->add_option("--format", o->format, "Summary on stdout: table or json")
        ->check(CLI::IsMember({"table", "json"}))
        ->default_str("table");
    command->add_flag("-q,--quiet", o->quiet, "No progress line and no table");
    command->callback([o, &exit_code] { exit_code = guarded([o] { return run(*o); }); });
}

}  // namespace allocopt::cli
