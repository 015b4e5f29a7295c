#pragma once
// What every subcommand shares: exit codes, output formats, error reporting.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "allocopt/io/benchmarks.hpp"
#include "allocopt/io/problem_yaml.hpp"
#include "allocopt/io/result_io.hpp"
#include "allocopt/options.hpp"

namespace allocopt::cli {

/// The exit codes (README, `allocopt --help`). 128 + N for a run stopped by signal N.
enum ExitCode : int {
    kOk = 0,
    kInfeasible = 1,     ///< solve found no feasible allocation; evaluate's is infeasible
    kBadInput = 2,       ///< bad input or usage
    kInternal = 3,       ///< a bug, or out of memory
    kIoError = 4,        ///< an output could not be written (disk full, no permission, ...)
    kInterrupted = 130,  ///< solve stopped by SIGINT (Ctrl-C)
    kTerminated = 143,   ///< solve stopped by SIGTERM
};

/// Runs `body`, mapping library errors to messages on stderr and exit codes:
/// IoError -> 4, InputError -> 2 (message `FILE:LINE:COL: error: ...`), anything else -> 3.
/// Then flushes standard output: a failed write there (a full disk, a closed pipe) is an
/// I/O error too, so no command reports success for output that was lost.
int guarded(const std::function<int()>& body);

/// Writes the message of `error` (an std::exception) to stderr as guarded() does and returns
/// its exit code. For a command that must report an error before it lets go of something
/// (rank 0 under mpirun, before the workers it releases exit).
int report_error(const std::exception_ptr& error);

// Validators for flags: each failure is one line naming the flag and the value as given.
// CLI11's own (NonNegativeNumber...) print the range's bounds with 300 digits and let "-1"
// wrap around in an unsigned variable, so the CLI uses these instead.

constexpr std::uint64_t kMaxInt = 2147483647;  ///< the bound for flags read into an int

/// A whole number in [min, max], digits only (no sign, no exponent).
CLI::Validator whole_number(std::uint64_t min, std::uint64_t max = UINT64_MAX);
/// A finite number >= 0: seconds, rates, prices. Refuses nan, inf and negative values.
CLI::Validator non_negative_number();
/// A finite number: refuses nan and inf.
CLI::Validator finite_number();
/// A value for the row `spec` of an options table, checked as the library checks it; the
/// message names the value: "expected a whole number in [0, 1024], got '2000'".
CLI::Validator option_validator(const OptionSpec& spec);
/// A file name for -o: not empty ("-" is standard output).
CLI::Validator output_path();

/// The file that -o names, opened before the work starts so that an unwritable path fails at
/// once (see OutputFile); null for "-", which means standard output.
std::unique_ptr<OutputFile> open_output(const std::string& path);

/// Writes `text` to `file`, or to standard output when `file` is null (after what is already
/// buffered there).
void write_output(OutputFile* file, std::string_view text);

/// Where a subcommand's problem comes from: a YAML file, or a benchmark file imported with
/// `--from FORMAT` (and that format's options).
struct ProblemSource {
    std::string path;
    std::string from;  ///< empty = YAML
    ImportOptions import;
};

/// Adds FILE, --from, --machines, --tasks, --instance, --maximize, --pods, --cluster and --order to
/// `command`.
void add_problem_options(CLI::App& command, ProblemSource& source);

/// Reads the problem (and, for YAML, its optional allocation). With `show_progress`, a YAML
/// file's reading is shown on stderr as `reading FILE (52.1 MB)... 40%`, rewritten in place
/// and cleared when done (the caller checks that stderr is a terminal).
ProblemFile load_problem(const ProblemSource& source, bool show_progress = false);

/// The allocation to read: `allocation_path` when given, else the problem file's own
/// `allocation:` list. Throws InputError when there is neither.
Allocation given_allocation(const ProblemFile& file, const ProblemSource& source,
                            const std::string& allocation_path);

/// Adds `--allocation FILE` bound to `target`.
void add_allocation_option(CLI::App& command, std::string& target);

/// Adds `--format table|yaml|json` (default table) bound to `target`.
CLI::Option* add_format_option(CLI::App& command, std::string& target);

// One registration function per subcommand (src/cli/<name>.cpp). Each adds its subcommand
// to `app` and stores the exit code of its run in `exit_code`.
void add_validate_command(CLI::App& app, int& exit_code);
void add_metrics_command(CLI::App& app, int& exit_code);
void add_evaluate_command(CLI::App& app, int& exit_code);
void add_solve_command(CLI::App& app, int& exit_code);
void add_solvers_command(CLI::App& app, int& exit_code);
void add_generate_command(CLI::App& app, int& exit_code);
void add_plot_command(CLI::App& app, int& exit_code);
void add_tune_command(CLI::App& app, int& exit_code);
void add_replay_command(CLI::App& app, int& exit_code);

}  // namespace allocopt::cli
