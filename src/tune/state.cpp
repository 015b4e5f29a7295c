// TuneStateFile (allocopt/tune_state.hpp): the tuner's crash-safe journal of finished runs.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "allocopt/io/result_io.hpp"
#include "allocopt/tune_state.hpp"

namespace allocopt {

namespace {

constexpr const char* kMagic = "allocopt-tune-state\t1";

std::string hex(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

/// `payload` with its check: the line as the file holds it, newline included.
std::string checked_line(const std::string& payload) {
    return payload + "\t#" + hex(fnv1a64(payload)) + "\n";
}

/// The payload of a stored line, or nothing when its check fails.
std::optional<std::string> payload_of(const std::string& line) {
    const auto at = line.rfind("\t#");
    if (at == std::string::npos || line.size() - at != 18) return std::nullopt;
    std::string payload = line.substr(0, at);
    if (hex(fnv1a64(payload)) != line.substr(at + 2)) return std::nullopt;
    return payload;
}

[[noreturn]] void io_failure(const std::string& path, const std::string& what) {
    throw IoError("state", path,
                  "cannot " + what + " the state file " + path + ": " + std::strerror(errno));
}

}  // namespace

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t hash) {
    for (unsigned char c : bytes) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

TuneStateFile::TuneStateFile(std::string path, const TuneFingerprint& fingerprint)
    : path_(std::move(path)) {
    std::string header = std::string(kMagic) + "\n";
    for (const auto& [key, value] : fingerprint)
        header += checked_line(key + "\t" + value);
    header += checked_line("end");

    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
        if (errno != ENOENT) io_failure(path_, "read");
        write_text_atomic(path_, header);  // whole or not at all
    } else {
        std::ifstream in(path_, std::ios::binary);
        if (!in) throw InputError("state", path_, "cannot read the state file", {path_, 0, 0});
        std::stringstream buffer;
        buffer << in.rdbuf();
        const std::string text = buffer.str();
        auto error = [&](int line, const std::string& message) {
            return InputError("state", path_, message, {path_, line, 0});
        };
        if (text.rfind(std::string(kMagic) + "\n", 0) != 0)
            throw error(1, "not an allocopt tune state file (it does not begin with '" +
                               std::string("allocopt-tune-state 1") +
                               "'); give another --state path, nothing was changed");
        // Header: compare with the fingerprint, listing every difference.
        std::size_t pos = std::strlen(kMagic) + 1;
        int line_no = 1;
        std::vector<std::pair<std::string, std::string>> stored;
        std::size_t good_end = pos;  // end of the last good line
        bool header_done = false;
        bool torn = false;
        while (pos < text.size()) {
            const auto nl = text.find('\n', pos);
            ++line_no;
            const bool last = nl == std::string::npos || nl + 1 == text.size();
            const std::string line = text.substr(pos, nl == std::string::npos ? nl : nl - pos);
            const auto payload = nl == std::string::npos ? std::nullopt : payload_of(line);
            if (!payload) {
                // A torn last run line: the run did not finish as far as the file knows.
                if (last && header_done) {
                    torn = true;
                    break;
                }
                throw error(line_no,
                            "damaged line in the state file (its check fails); the "
                            "file was changed by something other than allocopt tune, "
                            "nothing was changed");
            }
            pos = nl + 1;
            if (!header_done) {
                if (*payload == "end") {
                    header_done = true;
                } else {
                    const auto tab = payload->find('\t');
                    stored.emplace_back(payload->substr(0, tab),
                                        tab == std::string::npos ? "" : payload->substr(tab + 1));
                }
                good_end = pos;
                continue;
            }
            if (payload->rfind("run\t", 0) != 0)
                throw error(line_no,
                            "unexpected line in the state file: '" + payload->substr(0, 40) + "'");
            // run \t job (5 fields) \t outcome (8 fields)
            std::vector<std::size_t> tabs;
            for (auto t = payload->find('\t'); t != std::string::npos;
                 t = payload->find('\t', t + 1))
                tabs.push_back(t);
            if (tabs.size() != 13) throw error(line_no, "malformed run line in the state file");
            const std::string job = payload->substr(tabs[0] + 1, tabs[5] - tabs[0] - 1);
            try {
                parse_tune_job(job);
                runs_[job] = parse_tune_outcome(payload->substr(tabs[5] + 1));
            } catch (const InputError& e) {
                throw error(line_no, "malformed run line in the state file: " + e.message());
            }
            ++loaded_;
            good_end = pos;
        }
        if (!header_done) throw error(line_no, "the state file's header is incomplete");
        // The fingerprint must agree, key by key.
        std::string differences;
        std::map<std::string, std::string> mine(fingerprint.begin(), fingerprint.end());
        std::map<std::string, std::string> theirs(stored.begin(), stored.end());
        for (const auto& [key, value] : theirs) {
            const auto it = mine.find(key);
            if (it == mine.end())
                differences +=
                    "\n  " + key + ": the state file has '" + value + "', this command has none";
            else if (it->second != value)
                differences += "\n  " + key + ": the state file has '" + value +
                               "', this command '" + it->second + "'";
        }
        for (const auto& [key, value] : mine) {
            if (!theirs.count(key))
                differences +=
                    "\n  " + key + ": this command has '" + value + "', the state file none";
        }
        if (!differences.empty())
            throw error(0,
                        "the state file belongs to a different tuning; resume it with the "
                        "command that made it, or give another --state path (nothing was "
                        "changed). Differences:" +
                            differences);
        if (torn) {
            if (::truncate(path_.c_str(), static_cast<off_t>(good_end)) != 0)
                io_failure(path_, "repair");
            repaired_ = true;
        }
    }
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd_ < 0) io_failure(path_, "open");
}

TuneStateFile::~TuneStateFile() {
    if (fd_ >= 0) ::close(fd_);
}

std::optional<TuneOutcome> TuneStateFile::find(const TuneJob& job) const {
    const auto it = runs_.find(tune_job_text(job));
    if (it == runs_.end()) return std::nullopt;
    return it->second;
}

void TuneStateFile::record(const TuneJob& job, const TuneOutcome& outcome) {
    const std::string text = tune_job_text(job);
    const std::string line = checked_line("run\t" + text + "\t" + tune_outcome_text(outcome));
    const ssize_t n = ::write(fd_, line.data(), line.size());
    if (n != static_cast<ssize_t>(line.size())) io_failure(path_, "append to");
    if (::fdatasync(fd_) != 0) io_failure(path_, "sync");
    runs_[text] = outcome;
}

}  // namespace allocopt
