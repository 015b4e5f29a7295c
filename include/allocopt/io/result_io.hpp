#pragma once
// Writing allocations and results (docs/design.md §Result files), YAML or JSON. Every regular file
// is written atomically: the text goes to a temporary file beside the target, which is synced and
// then renamed over it, so a failure never leaves a partial file. Symbolic links are followed (the
// link stays, its target is replaced); devices, FIFOs and /dev/stdout are written in place, never
// replaced.

#include <string>
#include <string_view>

#include "allocopt/allocation.hpp"
#include "allocopt/baseline.hpp"
#include "allocopt/evaluator.hpp"
#include "allocopt/problem.hpp"
#include "allocopt/solver.hpp"

namespace allocopt {

enum class OutputFormat { yaml, json };

/// JSON for paths ending in ".json", YAML otherwise.
OutputFormat format_for_path(std::string_view path);

/// An output file, checked when opened and written when committed, so that a long run can
/// find out before it starts that its result has nowhere to go.
///
/// - A regular file, or a path that does not exist yet: opening creates the temporary file
///   `.NAME.allocopt-tmp.PID.XXXXXX` in the target's directory (mkstemp); commit() writes it,
///   fsyncs it, gives it the target's permissions (a new file: 0666 less the umask), renames
///   it over the target and fsyncs the directory. A temporary file is removed on every
///   failure and when the OutputFile is destroyed uncommitted; one left by a killed process
///   can be recognised by its name and deleted.
/// - A symbolic link: followed to its final target (which may not exist yet); the link stays.
/// - A character device, FIFO or socket (/dev/null, a named pipe): checked for write access
///   when opened, written in place by commit(), never replaced.
/// - /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N: written to that descriptor.
///
/// Opening throws InputError for an empty path and IoError (key "output", value the path)
/// when the target cannot be written: a missing or read-only directory, a directory as the
/// target, a link loop. commit() throws IoError when writing, syncing or renaming fails; the
/// target is then left as it was (in place writes excepted).
class OutputFile {
  public:
    explicit OutputFile(const std::string& path);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    /// Writes `content` and closes the file. Call at most once.
    void commit(std::string_view content);

    const std::string& path() const noexcept { return path_; }
    /// The temporary file, empty when the target is written in place (for tests).
    const std::string& temp_path() const noexcept { return temp_; }

  private:
    void discard() noexcept;

    std::string path_;    ///< as given, for messages
    std::string target_;  ///< the path with symbolic links followed
    std::string temp_;    ///< the temporary file beside target_; empty when written in place
    int fd_ = -1;         ///< the temporary file, or the descriptor written in place
    bool own_fd_ = true;  ///< false for /dev/stdout and friends
    int mode_ = 0;        ///< the permissions the target gets
    bool committed_ = false;
};

/// OutputFile(path).commit(content).
void write_text_atomic(const std::string& path, std::string_view content);

/// `assignment:` list, one row per task in task order: {task, resource, units}; resource is
/// null for an unplaced task.
std::string allocation_text(const Problem& problem, const Allocation& allocation,
                            OutputFormat format);

/// Writes allocation_text() to `path` atomically, in the format its extension names.
void write_allocation(const std::string& path, const Problem& problem,
                      const Allocation& allocation);

/// An evaluated allocation: `problem:` (the name), `size:` {tasks, resources, mode},
/// `objective:` {sense, terms, value, feasible, violation},
/// `metrics:` (every metric by name, `utilization_by_resource`, the violation breakdown) and
/// the `assignment:` list with each task's start and end.
std::string report_text(const Problem& problem, const Allocation& allocation, const Report& report,
                        OutputFormat format);

/// How a result was obtained, for the `solver:` block of a result file.
struct SolverRun {
    std::string name;
    std::uint64_t seed = 0;
    /// The solver's options (OptionValues::settings()): each written with its type, so that
    /// `--opt NAME=VALUE` and a config file read it back.
    std::vector<OptionSetting> options;
    /// The run settings (run_settings_table()); `solver` and `seed` are written as name and
    /// seed, the others (threads and the limits) under their own keys.
    std::vector<OptionSetting> settings;
};

/// A solver's result (docs/design.md §Result files): report_text() plus `solver:` {name, seed,
/// the run settings, options, evaluations, seconds, stop, lower_bound, notes}, the `trace:` of
/// improvements and, when `baseline` is given, `baseline:` {solver, value, feasible,
/// violation}. read_result_summary() (result_reader.hpp) reads it back.
std::string result_text(const Problem& problem, const Result& result, const Report& report,
                        const SolverRun& run, OutputFormat format,
                        const Baseline* baseline = nullptr);

}  // namespace allocopt
