#include "cli/common.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <optional>

#include "allocopt/error.hpp"

namespace allocopt::cli {

namespace {

/// Flushes standard output; false (with a message) when something written there was lost.
bool flush_stdout() {
    std::cout.flush();
    if (std::cout) return true;
    // The write that failed may have been an earlier one (when the buffer filled), so errno
    // is its reason unless something failed since.
    const int error = errno;
    std::cerr << "allocopt: error: cannot write to standard output"
              << (error ? std::string(": ") + std::strerror(error) : std::string()) << '\n';
    return false;
}

}  // namespace

int report_error(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const IoError& e) {
        std::cerr << e.what() << '\n';
        return kIoError;
    } catch (const InputError& e) {
        std::cerr << e.what() << '\n';
        return kBadInput;
    } catch (const std::bad_alloc&) {
        std::cerr << "allocopt: error: out of memory\n";
        return kInternal;
    } catch (const std::exception& e) {
        std::cerr << "allocopt: internal error: " << e.what() << '\n';
        return kInternal;
    }
}

int guarded(const std::function<int()>& body) {
    int code = kInternal;
    try {
        code = body();
    } catch (const std::exception&) {
        code = report_error(std::current_exception());
    }
    if (!flush_stdout() && code != kInternal) code = kIoError;
    return code;
}

namespace {

/// `text` shown in a message: quoted, and cut short when long.
std::string shown(const std::string& text) {
    return "'" + (text.size() > 40 ? text.substr(0, 40) + "..." : text) + "'";
}

/// `text` as a double when all of it is a number (strtod's syntax), else nullopt.
std::optional<double> number(const std::string& text) {
    if (text.empty() || std::isspace(static_cast<unsigned char>(text.front()))) return {};
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return {};
    return v;
}

}  // namespace

CLI::Validator whole_number(std::uint64_t min, std::uint64_t max) {
    const std::string range = max == UINT64_MAX
                                  ? ">= " + std::to_string(min)
                                  : "from " + std::to_string(min) + " to " + std::to_string(max);
    // Shown in --help after the type, in the style of CLI11's own validators.
    std::string in_help = ">= " + std::to_string(min);
    if (max != UINT64_MAX && max != kMaxInt)
        in_help = "in [" + std::to_string(min) + " - " + std::to_string(max) + "]";
    else if (min == 0)
        in_help = "NONNEGATIVE";
    else if (min == 1)
        in_help = "POSITIVE";
    return CLI::Validator(
        [min, max, range](std::string& text) -> std::string {
            std::uint64_t v = 0;
            const char* end = text.data() + text.size();
            const auto [stop, error] = std::from_chars(text.data(), end, v);
            const bool digits = !text.empty() && text.front() != '-' && text.front() != '+';
            if (!digits || stop != end || error == std::errc::invalid_argument) {
                return "expected a whole number " + range + ", got " + shown(text);
            }
            if (error == std::errc::result_out_of_range || v < min || v > max) {
                return shown(text) + " is out of range: expected a whole number " + range;
            }
            return {};
        },
        in_help);
}

CLI::Validator option_validator(const OptionSpec& spec) {
    return CLI::Validator(
        [spec](std::string& text) -> std::string {
            try {
                spec.parse(text);
            } catch (const InputError& e) {
                return e.message() + ", got " + shown(text);
            }
            return {};
        },
        "");
}

CLI::Validator non_negative_number() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            const auto v = number(text);
            if (!v || !std::isfinite(*v) || *v < 0) {
                return "expected a number >= 0, got " + shown(text);
            }
            return {};
        },
        "NONNEGATIVE");
}

CLI::Validator finite_number() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            const auto v = number(text);
            if (!v || !std::isfinite(*v)) return "expected a finite number, got " + shown(text);
            return {};
        },
        "FINITE");
}

CLI::Validator output_path() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            if (text.empty()) return "-o needs a file name, or - for standard output; got ''";
            return {};
        },
        "NOT EMPTY");
}

std::unique_ptr<OutputFile> open_output(const std::string& path) {
    if (path == "-") return nullptr;
    return std::make_unique<OutputFile>(path);
}

void write_output(OutputFile* file, std::string_view text) {
    if (!file) {
        std::cout << text;
        return;
    }
    std::cout.flush();  // what came before goes first when the file is /dev/stdout
    file->commit(text);
}

void add_problem_options(CLI::App& command, ProblemSource& source) {
    command.add_option("FILE", source.path, "Problem file: YAML, or a benchmark file with --from")
        ->required();
    std::string formats;
    for (const std::string& name : benchmark_format_names()) {
        formats += (formats.empty() ? "" : ", ") + name;
    }
    command.add_option("--from", source.from, "Import FILE from a benchmark format: " + formats);
    command
        .add_option("--machines", source.import.braun.machines,
                    "braun-etc: machines per task (values per line group)")
        ->default_val(16)
        ->check(whole_number(1, kMaxInt));
    command
        .add_option("--tasks", source.import.braun.tasks,
                    "braun-etc: number of tasks (0 = all the file holds)")
        ->default_val(0)
        ->check(whole_number(0, kMaxInt));
    command
        .add_option("--instance", source.import.gap.instance,
                    "orlib-gap: 1-based instance in a multi-instance file")
        ->default_val(1)
        ->check(whole_number(1, kMaxInt));
    command.add_flag("--maximize", source.import.gap.maximize,
                     "orlib-gap: read costs as profits (OR-Library's sense for gap1-gap12)");
    command.add_option("--pods", source.import.pods,
                       "alibaba-gpu: the pod list (FILE is the node list)");
    command.add_option("--cluster", source.import.cluster,
                       "gavel: GPUs of each type, V100:P100:K80 (default 36:36:36)");
    command.add_option("--order", source.import.order,
                       "gavel: each GPU type's queue order, ljf (longest first, the default) or "
                       "fcfs (job order, as Gavel's FIFO), sjf, priority");
    command.add_option("--queue", source.import.queue,
                       "gavel: backfill (a job may start before one ahead of it in its type's "
                       "queue, never delaying it; the default) or strict (no overtaking)");
    command.add_option("--units", source.import.units,
                       "gavel: GPUs per job: fixed (its scale_factor; times in seconds, the "
                       "default), or from Gavel's measured throughput per GPU count, times in "
                       "hours: variable (1, 2, 4 or 8 for data-parallel jobs), one (1 each), "
                       "max (8 for data-parallel jobs)");
    command.add_option("--objective", source.import.objective,
                       "gavel: makespan (minimize, the default) or efficiency (maximize work per "
                       "busy GPU-time; with --units variable|one|max: V100-hours per GPU-hour)");
    command.add_option("--horizon", source.import.horizon,
                       "gavel: a hard horizon every job must end by: hours (12.5), or a multiple "
                       "of the LP makespan bound of the same job set and --units (1.2x)");
}

namespace {

/// The `reading FILE (SIZE)... PERCENT` line on stderr, in the style of solve's progress line:
/// drawn with '\r' from 0.25 s after the start (a quick read shows nothing) at most every
/// 0.1 s, erased when the reading ends (or fails).
class ReadingLine {
  public:
    explicit ReadingLine(std::string path)
        : path_(std::move(path)), last_(std::chrono::steady_clock::now() - kStep + kDelay) {}
    ReadingLine(const ReadingLine&) = delete;
    ReadingLine& operator=(const ReadingLine&) = delete;
    ~ReadingLine() {
        if (width_ == 0) return;
        std::fprintf(stderr, "\r%*s\r", width_, "");
        std::fflush(stderr);
    }
    void operator()(std::uint64_t done, std::uint64_t total) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < kStep) return;
        last_ = now;
        const double percent = total ? 100.0 * static_cast<double>(done) / total : 100.0;
        const int width = std::fprintf(stderr, "\r  reading %s (%.1f MB)... %3.0f%% ",
                                       path_.c_str(), static_cast<double>(total) / 1e6, percent);
        width_ = std::max(width_, width);
        std::fflush(stderr);
    }

  private:
    static constexpr std::chrono::milliseconds kStep{100}, kDelay{250};
    std::string path_;
    int width_ = 0;  // of the longest line drawn, so that erasing covers it
    std::chrono::steady_clock::time_point last_;
};

}  // namespace

ProblemFile load_problem(const ProblemSource& source, bool show_progress) {
    if (source.from.empty()) {
        if (!show_progress) return read_problem_file(source.path);
        ReadingLine line(source.path);
        return read_problem_file(
            source.path,
            {.progress = [&line](std::uint64_t done, std::uint64_t total) { line(done, total); }});
    }
    return {import_problem(source.from, source.path, source.import), std::nullopt};
}

Allocation given_allocation(const ProblemFile& file, const ProblemSource& source,
                            const std::string& allocation_path) {
    if (!allocation_path.empty()) return read_allocation(allocation_path, file.problem);
    if (file.allocation) return *file.allocation;
    throw InputError("allocation", "",
                     "no allocation to evaluate: the problem has no 'allocation:' list; add one "
                     "or pass --allocation FILE (an 'assignment:' or 'allocation:' list)",
                     {source.path, 0, 0});
}

void add_allocation_option(CLI::App& command, std::string& target) {
    command.add_option("--allocation", target,
                       "Allocation file (an 'assignment:' or 'allocation:' list, such as a "
                       "result of solve); default: the problem's own 'allocation:'");
}

CLI::Option* add_format_option(CLI::App& command, std::string& target) {
    target = "table";
    return command.add_option("--format", target, "Output format")
        ->check(CLI::IsMember({"table", "yaml", "json"}))
        ->default_str("table");
}

}  // namespace allocopt::cli
