// The tuner's solver runs as text (allocopt/tune.hpp): what a RunPool carries to a worker and
// back, and what a worker does with it.

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "allocopt/solve.hpp"
#include "allocopt/tune.hpp"

namespace allocopt {

namespace {

std::vector<std::string_view> fields(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        const auto tab = text.find('\t', start);
        out.push_back(text.substr(start, tab - start));
        if (tab == std::string_view::npos) return out;
        start = tab + 1;
    }
}

[[noreturn]] void malformed(std::string_view what, std::string_view text) {
    throw InputError(std::string(what), std::string(text.substr(0, 200)),
                     "malformed " + std::string(what));
}

template <class T>
T integer_field(std::string_view f, std::string_view what, std::string_view text) {
    T v{};
    const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
    if (ec != std::errc() || ptr != f.data() + f.size()) malformed(what, text);
    return v;
}

double real_field(std::string_view f, std::string_view what, std::string_view text) {
    if (f == "nan") return std::nan("");
    double v = 0;
    const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
    if (ec != std::errc() || ptr != f.data() + f.size()) malformed(what, text);
    return v;
}

std::string exact(double v) {
    if (std::isnan(v)) return "nan";
    char buf[64];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, ptr);
}

}  // namespace

std::string tune_job_text(const TuneJob& job) {
    return std::string(job.test ? "test" : "train") + "\t" + std::to_string(job.instance) + "\t" +
           std::to_string(job.replicate) + "\t" + std::to_string(job.seed) + "\t" + job.config;
}

TuneJob parse_tune_job(std::string_view text) {
    const auto f = fields(text);
    if (f.size() != 5 || (f[0] != "train" && f[0] != "test")) malformed("tune job", text);
    TuneJob job;
    job.test = f[0] == "test";
    job.instance = integer_field<int>(f[1], "tune job", text);
    job.replicate = integer_field<int>(f[2], "tune job", text);
    job.seed = integer_field<std::uint64_t>(f[3], "tune job", text);
    job.config = std::string(f[4]);
    if (job.instance < 0 || job.replicate < 0) malformed("tune job", text);
    return job;
}

std::string tune_outcome_text(const TuneOutcome& o) {
    return std::string(o.found ? "1" : "0") + "\t" + (o.feasible ? "1" : "0") + "\t" +
           exact(o.value) + "\t" + exact(o.violation) + "\t" +
           (o.bound ? exact(*o.bound) : std::string("-")) + "\t" + std::to_string(o.evaluations) +
           "\t" + exact(o.seconds) + "\t" + (o.interrupted ? "1" : "0");
}

TuneOutcome parse_tune_outcome(std::string_view text) {
    const auto f = fields(text);
    if (f.size() != 8) malformed("tune outcome", text);
    auto flag = [&](std::string_view s) {
        if (s != "0" && s != "1") malformed("tune outcome", text);
        return s == "1";
    };
    TuneOutcome o;
    o.found = flag(f[0]);
    o.feasible = flag(f[1]);
    o.value = real_field(f[2], "tune outcome", text);
    o.violation = real_field(f[3], "tune outcome", text);
    if (f[4] != "-") o.bound = real_field(f[4], "tune outcome", text);
    o.evaluations = integer_field<std::uint64_t>(f[5], "tune outcome", text);
    o.seconds = real_field(f[6], "tune outcome", text);
    o.interrupted = flag(f[7]);
    return o;
}

std::string run_tune_job(const ParameterSpace& space, const std::vector<TuneInstance>& training,
                         const std::vector<TuneInstance>& test, const TuneSettings& settings,
                         const std::string& job_text) {
    const TuneJob job = parse_tune_job(job_text);
    const auto& set = job.test ? test : training;
    if (static_cast<std::size_t>(job.instance) >= set.size()) malformed("tune job", job_text);
    const Problem& problem = set[static_cast<std::size_t>(job.instance)].problem;
    RunSettings run;
    run.seed = job.seed;
    run.threads = 1;
    run.max_evaluations = settings.max_evaluations;
    run.time_limit = settings.time_limit;
    run.interrupt = settings.interrupt;
    const Result r =
        solve(problem, space.solver(), space.options(space.parse_key(job.config)), run);
    TuneOutcome o;
    o.found = r.found;
    o.feasible = r.found && r.evaluation.feasible();
    o.value = r.found ? r.evaluation.objective : std::nan("");
    o.violation = r.found ? r.evaluation.violation : std::nan("");
    if (o.feasible && r.lower_bound && std::isfinite(*r.lower_bound)) o.bound = r.lower_bound;
    o.evaluations = r.evaluations;
    o.seconds = r.seconds;
    o.interrupted = r.stop == StopReason::interrupted;
    return tune_outcome_text(o);
}

}  // namespace allocopt
