#include "allocopt/io/result_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "allocopt/error.hpp"
#include "detail/text.hpp"
#include "io/document.hpp"

namespace allocopt {

namespace detail {

namespace {

bool is_flat_map(const Document& node) {
    if (!node.is_object() || node.size() > 8) return false;
    for (const auto& item : node.items()) {
        if (item.value().is_structured()) return false;
    }
    return true;
}

void emit(YAML::Emitter& out, const Document& node) {
    if (node.is_object()) {
        if (is_flat_map(node)) out << YAML::Flow;
        out << YAML::BeginMap;
        for (const auto& item : node.items()) {
            out << YAML::Key << item.key() << YAML::Value;
            emit(out, item.value());
        }
        out << YAML::EndMap;
    } else if (node.is_array()) {
        bool scalars = true;
        for (const auto& v : node)
            scalars = scalars && !v.is_structured();
        if (scalars) out << YAML::Flow;
        out << YAML::BeginSeq;
        for (const auto& v : node)
            emit(out, v);
        out << YAML::EndSeq;
    } else if (node.is_null()) {
        out << YAML::Null;
    } else if (node.is_boolean()) {
        out << node.get<bool>();
    } else if (node.is_number_unsigned()) {
        out << node.get<unsigned long long>();  // seeds and counts above 2^63
    } else if (node.is_number_integer()) {
        out << node.get<long long>();
    } else if (node.is_number()) {
        const double v = node.get<double>();
        if (std::isnan(v))
            out << ".nan";
        else if (std::isinf(v))
            out << (v > 0 ? ".inf" : "-.inf");
        else
            out << format_number(v);
    } else {
        out << node.get<std::string>();
    }
}

}  // namespace

std::string render(const Document& document, OutputFormat format) {
    if (format == OutputFormat::json) {
        // Escapes such as "\\N" in YAML can decode to bytes that are not UTF-8: replace them.
        return document.dump(2, ' ', false, Document::error_handler_t::replace) + "\n";
    }
    YAML::Emitter out;
    out.SetIndent(2);
    emit(out, document);
    return std::string(out.c_str()) + "\n";
}

double tidy(double value) {
    if (!std::isfinite(value) || value == 0) return value;
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.12g", value);
    return std::strtod(buffer, nullptr);
}

}  // namespace detail

OutputFormat format_for_path(std::string_view path) {
    const std::string_view ext = ".json";
    const bool json = path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
    return json ? OutputFormat::json : OutputFormat::yaml;
}

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int error) {
    throw IoError("output", path, what + ": " + std::strerror(error));
}

/// N when `path` names a descriptor that is already open (/dev/stdout, /dev/fd/N, ...):
/// opening such a path again would start a new file position, and renaming over it would
/// replace the link. -1 for any other path.
int descriptor_of(const std::string& path) {
    if (path == "/dev/stdout") return STDOUT_FILENO;
    if (path == "/dev/stderr") return STDERR_FILENO;
    for (const std::string prefix : {"/dev/fd/", "/proc/self/fd/"}) {
        if (path.size() <= prefix.size() || path.size() > prefix.size() + 6 ||
            path.compare(0, prefix.size(), prefix) != 0) {
            continue;
        }
        const std::string digits = path.substr(prefix.size());
        if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
        return std::stoi(digits);
    }
    return -1;
}

std::string directory_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// `path` with symbolic links followed to the final target, which need not exist (a dangling
/// link is written through, creating its target). Stops at a descriptor path.
std::string follow_links(const std::string& path) {
    std::string at = path;
    for (int hop = 0; hop < 40; ++hop) {
        struct stat st;
        if (descriptor_of(at) >= 0 || lstat(at.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) {
            return at;
        }
        std::vector<char> buffer(4096);
        const ssize_t n = readlink(at.c_str(), buffer.data(), buffer.size());
        if (n < 0) fail(path, "cannot read the symbolic link '" + at + "'", errno);
        if (n == static_cast<ssize_t>(buffer.size())) {
            fail(path, "cannot read the symbolic link '" + at + "'", ENAMETOOLONG);
        }
        const std::string link(buffer.data(), static_cast<std::size_t>(n));
        at = link.front() == '/' ? link : directory_of(at) + "/" + link;
    }
    fail(path, "cannot follow the symbolic link", ELOOP);
}

}  // namespace

OutputFile::OutputFile(const std::string& path) : path_(path) {
    if (path.empty()) throw InputError("output", "", "expected a file name, got an empty one");
    if (path.back() == '/') fail(path, "cannot write a file there", EISDIR);
    target_ = follow_links(path);
    if (const int fd = descriptor_of(target_); fd >= 0) {
        const int flags = fcntl(fd, F_GETFL);
        if (flags == -1 || (flags & O_ACCMODE) == O_RDONLY) {
            fail(path, "cannot write to descriptor " + std::to_string(fd),
                 flags == -1 ? errno : EBADF);
        }
        fd_ = fd;
        own_fd_ = false;
        return;
    }
    struct stat st;
    const bool exists = stat(target_.c_str(), &st) == 0;
    if (!exists && errno != ENOENT) fail(path, "cannot reach the output file", errno);
    if (exists && S_ISDIR(st.st_mode)) fail(path, "cannot replace a directory with a file", EISDIR);
    if (exists && !S_ISREG(st.st_mode)) {
        // A device, FIFO or socket: written in place by commit(), since opening a FIFO now
        // would wait for its reader.
        if (access(target_.c_str(), W_OK) != 0) fail(path, "cannot write the output file", errno);
        return;
    }
    if (exists) {
        mode_ = static_cast<int>(st.st_mode & 07777);
    } else {
        const mode_t mask = umask(0);
        umask(mask);
        mode_ = static_cast<int>(0666 & ~mask);
    }
    // The name is cut short so that a long one stays within NAME_MAX with the suffix.
    std::string temp = directory_of(target_) + "/." + name_of(target_).substr(0, 200) +
                       ".allocopt-tmp." + std::to_string(getpid()) + ".XXXXXX";
    fd_ = mkstemp(temp.data());
    if (fd_ < 0) {
        fail(path, "cannot create a file in the directory '" + directory_of(target_) + "'", errno);
    }
    temp_ = std::move(temp);
    if (exists && geteuid() == 0) {
        // Root replacing someone's file keeps its owner; failure only changes the owner.
        [[maybe_unused]] const int ignored = fchown(fd_, st.st_uid, st.st_gid);
    }
}

OutputFile::~OutputFile() {
    discard();
}

void OutputFile::discard() noexcept {
    if (fd_ >= 0 && own_fd_) close(fd_);
    fd_ = -1;
    if (!temp_.empty()) unlink(temp_.c_str());
    temp_.clear();
}

void OutputFile::commit(std::string_view content) {
    if (committed_) throw std::logic_error("OutputFile::commit called twice");
    committed_ = true;
    auto failed = [&](const std::string& what) {
        const int error = errno;
        discard();
        fail(path_, what, error);
    };
    if (fd_ < 0) {
        fd_ = open(target_.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd_ < 0) failed("cannot open the output file");
    }
    const char* data = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        const ssize_t n = write(fd_, data, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) failed("cannot write the output file");
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    if (temp_.empty()) {  // written in place
        if (own_fd_ && close(fd_) != 0) {
            fd_ = -1;
            failed("cannot write the output file");
        }
        fd_ = -1;
        return;
    }
    if (fchmod(fd_, static_cast<mode_t>(mode_)) != 0) failed("cannot set the output file's mode");
    if (fsync(fd_) != 0) failed("cannot write the output file to disk");
    const int fd = fd_;
    fd_ = -1;
    if (close(fd) != 0) failed("cannot write the output file");
    if (std::rename(temp_.c_str(), target_.c_str()) != 0) failed("cannot replace the output file");
    temp_.clear();
    // The rename itself reaches the disk with the directory; some file systems refuse to sync
    // a directory, which is no failure of the write.
    const int directory = open(directory_of(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory >= 0) {
        fsync(directory);
        close(directory);
    }
}

void write_text_atomic(const std::string& path, std::string_view content) {
    OutputFile(path).commit(content);
}

namespace {

/// `[0, 3]`: the devices of a mask, in increasing order.
detail::Document device_array(std::uint64_t mask) {
    detail::Document list = detail::Document::array();
    for (std::uint64_t bits = mask; bits != 0; bits &= bits - 1)
        list.push_back(std::countr_zero(bits));
    return list;
}

}  // namespace

std::string allocation_text(const Problem& problem, const Allocation& allocation,
                            OutputFormat format) {
    detail::Document doc;
    doc["problem"] = problem.name();
    detail::Document rows = detail::Document::array();
    for (std::size_t i = 0; i < problem.num_tasks(); ++i) {
        detail::Document row;
        row["task"] = problem.task(i).id;
        if (allocation.placed(i)) {
            row["resource"] = problem.resource(static_cast<std::size_t>(allocation.resource[i])).id;
            row["units"] = allocation.units[i];
            if (allocation.devices_of(i) != 0) row["devices"] = device_array(allocation.devices[i]);
        } else {
            row["resource"] = nullptr;
        }
        rows.push_back(std::move(row));
    }
    doc["assignment"] = std::move(rows);
    return detail::render(doc, format);
}

void write_allocation(const std::string& path, const Problem& problem,
                      const Allocation& allocation) {
    write_text_atomic(path, allocation_text(problem, allocation, format_for_path(path)));
}

namespace {

detail::Document report_document(const Problem& problem, const Allocation& allocation,
                                 const Report& report, const detail::Document* solver,
                                 const Baseline* baseline) {
    using detail::Document;
    using detail::tidy;
    Document doc;
    doc["problem"] = problem.name();
    Document size;
    size["tasks"] = problem.num_tasks();
    size["resources"] = problem.num_resources();
    size["mode"] = std::string(mode_name(problem.mode()));
    doc["size"] = std::move(size);
    if (solver) doc["solver"] = *solver;
    Document objective;
    const Objective& o = problem.objective();
    objective["sense"] = std::string(sense_name(o.sense));
    if (o.single()) {
        objective["metric"] = std::string(metric_name(o.terms.front().first));
    } else {
        Document terms = Document::object();
        for (const auto& [metric, weight] : o.terms)
            terms[std::string(metric_name(metric))] = weight;
        objective["terms"] = std::move(terms);
    }
    objective["value"] = tidy(report.evaluation.objective);
    objective["feasible"] = report.evaluation.feasible();
    objective["violation"] = tidy(report.evaluation.violation);
    doc["objective"] = std::move(objective);
    if (baseline) {
        Document b;
        b["solver"] = std::string(baseline->solver);
        b["value"] = tidy(baseline->result.evaluation.objective);
        b["feasible"] = baseline->result.evaluation.feasible();
        b["violation"] = tidy(baseline->result.evaluation.violation);
        doc["baseline"] = std::move(b);
    }
    Document metrics;
    for (Metric m : kAllMetrics)
        metrics[std::string(metric_name(m))] = tidy(report.metric(m));
    Document by_resource = Document::object();
    for (std::size_t j = 0; j < problem.num_resources(); ++j) {
        by_resource[problem.resource(j).id] = tidy(report.utilization[j]);
    }
    metrics["utilization_by_resource"] = std::move(by_resource);
    Document violation;
    violation["capacity"] = tidy(report.capacity_violation);
    violation["placement"] = tidy(report.placement_violation);
    violation["deadlines"] = tidy(report.deadline_violation);
    metrics["violation"] = std::move(violation);
    doc["metrics"] = std::move(metrics);
    Document rows = Document::array();
    for (std::size_t i = 0; i < problem.num_tasks(); ++i) {
        Document row;
        row["task"] = problem.task(i).id;
        if (allocation.placed(i)) {
            row["resource"] = problem.resource(static_cast<std::size_t>(allocation.resource[i])).id;
            row["units"] = allocation.units[i];
            // The devices taken: those the allocation names, else the Evaluator's choice.
            if (!report.devices.empty() && report.devices[i] != 0)
                row["devices"] = device_array(report.devices[i]);
            row["start"] = tidy(report.start[i]);
            row["end"] = tidy(report.end[i]);
        } else {
            row["resource"] = nullptr;
        }
        rows.push_back(std::move(row));
    }
    doc["assignment"] = std::move(rows);
    return doc;
}

/// A setting as its row's type says: integers as integers, booleans as booleans, choices and
/// text as strings.
detail::Document typed(const OptionSetting& setting) {
    switch (setting.type) {
        case OptionSpec::Type::integer:
            if (!setting.text.empty() && setting.text.front() != '-' &&
                setting.text.find_first_not_of("0123456789") == std::string::npos) {
                return static_cast<std::uint64_t>(std::stoull(setting.text));
            }
            return static_cast<std::int64_t>(setting.number);
        case OptionSpec::Type::real:
            return detail::tidy(setting.number);
        case OptionSpec::Type::boolean:
            return setting.number != 0;
        case OptionSpec::Type::choice:
        case OptionSpec::Type::text:
            break;
    }
    return setting.text;
}

}  // namespace

std::string report_text(const Problem& problem, const Allocation& allocation, const Report& report,
                        OutputFormat format) {
    return detail::render(report_document(problem, allocation, report, nullptr, nullptr), format);
}

std::string result_text(const Problem& problem, const Result& result, const Report& report,
                        const SolverRun& run, OutputFormat format, const Baseline* baseline) {
    using detail::Document;
    using detail::tidy;
    Document solver;
    solver["name"] = run.name;
    solver["seed"] = run.seed;
    for (const OptionSetting& setting : run.settings) {
        if (setting.name == "solver" || setting.name == "seed") continue;
        solver[setting.name] = typed(setting);
    }
    Document options = Document::object();
    for (const OptionSetting& setting : run.options)
        options[setting.name] = typed(setting);
    solver["options"] = std::move(options);
    solver["evaluations"] = result.evaluations;
    solver["seconds"] = tidy(result.seconds);
    solver["stop"] = std::string(stop_reason_name(result.stop));
    if (result.lower_bound) solver["lower_bound"] = tidy(*result.lower_bound);
    if (!result.notes.empty()) {
        Document notes = Document::array();
        for (const std::string& note : result.notes)
            notes.push_back(note);
        solver["notes"] = std::move(notes);
    }
    Document doc = report_document(problem, result.allocation, report, &solver, baseline);
    Document trace = Document::array();
    for (const TracePoint& p : result.trace) {
        Document point;
        point["evaluations"] = p.evaluations;
        point["seconds"] = tidy(p.seconds);
        point["best"] = tidy(p.best);
        point["feasible"] = p.feasible;
        trace.push_back(std::move(point));
    }
    doc["trace"] = std::move(trace);
    return detail::render(doc, format);
}

}  // namespace allocopt
