#pragma once
// The tuner's state file (`allocopt tune --state FILE`, docs/tuning.md §Resuming): a journal of
// finished runs that survives `kill -9`, a reboot or a batch system's time limit.
//
//   allocopt-tune-state 1                     <- header: what the tuning is (its fingerprint)
//   solver  ga                          #1f0c…
//   budget  300                         #…
//   …
//   end                                 #…
//   run  train 3 0 9812… population=…  1 1 812 0 - 20000 0.41 0   #…   <- one line per run
//
// Each line ends with a tab, '#' and the FNV-1a hash of the rest. The header is written to a
// temporary file and renamed into place, so it exists whole or not at all. Each run is one
// write() of one line with O_APPEND, then fdatasync(): a kill leaves at most the last line
// torn, which the next open drops (that run was not finished as far as the file knows, and
// runs again). A bad line anywhere else means the file was damaged, and it is refused.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "allocopt/tune.hpp"

namespace allocopt {

/// What a state file must agree on with the command resuming it, as ordered (key, value)
/// pairs: the solver, the budget, the seed, limits, ranges, each instance with a hash of its
/// content. Keys are single words; values are one line.
using TuneFingerprint = std::vector<std::pair<std::string, std::string>>;

/// FNV-1a, 64 bits: a file's content in a fingerprint, a line's check in a state file.
std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t hash = 0xcbf29ce484222325ULL);

class TuneStateFile final : public TuneJournal {
  public:
    /// Creates `path` with `fingerprint` when it does not exist, else opens it to continue:
    /// loads every run, drops a torn last line. Throws InputError (file = path, with the
    /// line) for a file that is not a state file, a damaged line before the last, and a
    /// header that differs from `fingerprint` (the message lists each difference); the
    /// file is then left as it was. Throws IoError when it cannot be created or written.
    TuneStateFile(std::string path, const TuneFingerprint& fingerprint);
    ~TuneStateFile() override;
    TuneStateFile(const TuneStateFile&) = delete;
    TuneStateFile& operator=(const TuneStateFile&) = delete;

    std::optional<TuneOutcome> find(const TuneJob& job) const override;
    /// Appends the run, durably, before returning. Throws IoError when it cannot.
    void record(const TuneJob& job, const TuneOutcome& outcome) override;

    /// Runs read from the file when it was opened.
    std::size_t loaded() const { return loaded_; }
    /// Whether a torn last line was dropped when it was opened.
    bool repaired() const { return repaired_; }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    int fd_ = -1;
    std::map<std::string, TuneOutcome> runs_;  // by tune_job_text()
    std::size_t loaded_ = 0;
    bool repaired_ = false;
};

}  // namespace allocopt
