// libFuzzer targets for the benchmark importers (allocopt/io/benchmarks.hpp). One source,
// built three times with ALLOCOPT_FUZZ_IMPORTER set to one of:
//   1  fuzz_import_braun_etc       import_braun_etc; first byte -> machines = 1 + b % 32
//   2  fuzz_import_orlib_gap       count_gap_instances + import_orlib_gap; first byte ->
//                                  instance = 1 + b % 4, maximize = bit 2 (0x04)
//   3  fuzz_import_cloudbalancing  import_cloudbalancing; the input is split at the first
//                                  byte 0x00 or line "----" (whichever comes first) into
//                                  NAME.computers.csv and NAME.processes.csv; bit 0 of the
//                                  byte count selects which of the two paths is passed
//
// The importers read files by path, so each input is written to a per-process file under
// /tmp (the same path every run) and the importer is called on it.
//
// Contract under test: any byte string either imports into a valid Problem or makes the
// importer throw allocopt::InputError. Any other exception, a crash, a sanitizer report, a
// leak or a hang is a bug. Imported problems are fed to the seed metrics and both writers
// (with an all-unplaced allocation), as in fuzz_problem_reader.cpp.

#include <cxxabi.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>

#include "allocopt/allocation.hpp"
#include "allocopt/error.hpp"
#include "allocopt/io/benchmarks.hpp"
#include "allocopt/io/result_io.hpp"
#include "allocopt/metrics.hpp"
#include "allocopt/problem.hpp"

#ifndef ALLOCOPT_FUZZ_IMPORTER
#error "define ALLOCOPT_FUZZ_IMPORTER to 1 (braun-etc), 2 (orlib-gap) or 3 (cloudbalancing)"
#endif

namespace {

std::string type_name(const std::type_info& type) {
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> name(
        abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
    return status == 0 && name ? name.get() : type.name();
}

// Which step was running when an exception escaped.
const char* g_stage = "";

[[noreturn]] void escaped(const char* what, const std::string& type) {
    std::fprintf(stderr,
                 "\n==fuzz_importers== BUG: a non-InputError exception escaped from %s\n"
                 "  type: %s\n  what(): %s\n",
                 g_stage, type.c_str(), what);
    std::fflush(stderr);
    std::abort();
}

[[noreturn]] void escaped_current() {
    try {
        throw;
    } catch (const std::exception& e) {
        escaped(e.what(), type_name(typeid(e)));
    } catch (...) {
        const std::type_info* type = abi::__cxa_current_exception_type();
        escaped("(not a std::exception)", type ? type_name(*type) : "?");
    }
}

// A directory of this process's own under /tmp, created once and reused for every input.
// Kept in a plain array (never destroyed) so that the atexit cleanup can still read it.
char g_dir[64];

void remove_work_dir() {
    for (const char* f :
         {"/u_c_fuzz.0", "/gapfuzz.txt", "/fuzz.computers.csv", "/fuzz.processes.csv"}) {
        ::unlink((std::string(g_dir) + f).c_str());
    }
    ::rmdir(g_dir);
}

std::string work_dir() {
    if (g_dir[0] == '\0') {
        std::snprintf(g_dir, sizeof g_dir, "/tmp/allocopt-fuzz-import-%ld",
                      static_cast<long>(::getpid()));
        ::mkdir(g_dir, 0700);
        // Removed at a normal exit (libFuzzer -runs=N, a plain reproducer run); a crashed
        // process leaves its few small files behind.
        std::atexit(remove_work_dir);
    }
    return g_dir;
}

void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        std::perror(path.c_str());
        std::abort();
    }
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n <= 0) {
            std::perror(path.c_str());
            std::abort();
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    ::close(fd);
}

void exercise(const allocopt::Problem& problem) {
    const allocopt::Allocation allocation(problem.num_tasks());
    g_stage = "seed_metrics";
    const allocopt::SeedMetrics metrics = allocopt::seed_metrics(problem, allocation);
    if (metrics.utilization_rate.size() != problem.num_resources()) std::abort();
    g_stage = "allocation_text (yaml)";
    const std::string yaml =
        allocopt::allocation_text(problem, allocation, allocopt::OutputFormat::yaml);
    g_stage = "allocation_text (json)";
    const std::string json =
        allocopt::allocation_text(problem, allocation, allocopt::OutputFormat::json);
    if (yaml.empty() || json.empty()) std::abort();
}

bool verbose() {
    static const bool on = [] {
        const char* v = std::getenv("ALLOCOPT_FUZZ_VERBOSE");
        return v != nullptr && *v != '\0' && *v != '0';
    }();
    return on;
}

// Runs the importer; returns the problem, or nothing when it threw InputError.
std::optional<allocopt::Problem> import(const std::uint8_t* data, std::size_t size) {
#if ALLOCOPT_FUZZ_IMPORTER == 1
    if (size < 1) return std::nullopt;
    allocopt::BraunOptions options;
    options.machines = 1 + data[0] % 32;
    const std::string path = work_dir() + "/u_c_fuzz.0";
    write_file(path, data + 1, size - 1);
    g_stage = "import_braun_etc";
    return allocopt::import_braun_etc(path, options);
#elif ALLOCOPT_FUZZ_IMPORTER == 2
    if (size < 1) return std::nullopt;
    allocopt::GapOptions options;
    options.instance = 1 + data[0] % 4;
    options.maximize = (data[0] & 0x04) != 0;
    const std::string path = work_dir() + "/gapfuzz.txt";
    write_file(path, data + 1, size - 1);
    g_stage = "count_gap_instances";
    try {
        const int count = allocopt::count_gap_instances(path);
        if (count < 1) {
            std::fprintf(stderr, "\n==fuzz_importers== BUG: count_gap_instances returned %d\n",
                         count);
            std::abort();
        }
    } catch (const allocopt::InputError&) {
        // The full import must then fail too (checked below, not required here).
    }
    g_stage = "import_orlib_gap";
    return allocopt::import_orlib_gap(path, options);
#elif ALLOCOPT_FUZZ_IMPORTER == 3
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::size_t split = text.find('\0');
    std::size_t rest = split == std::string_view::npos ? size : split + 1;
    // A line "----" (optionally CR LF-terminated) before the first NUL also splits.
    for (std::size_t line = 0; line < size && (split == std::string_view::npos || line < split);) {
        const std::size_t eol = std::min(text.find('\n', line), size);
        std::string_view l = text.substr(line, eol - line);
        if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
        if (l == "----") {
            split = line;
            rest = std::min(eol + 1, size);
            break;
        }
        line = eol + 1;
    }
    if (split == std::string_view::npos) split = size;
    const std::string base = work_dir() + "/fuzz";
    const std::string computers = base + ".computers.csv";
    const std::string processes = base + ".processes.csv";
    write_file(computers, data, split);
    write_file(processes, data + rest, size - rest);
    g_stage = "import_cloudbalancing";
    return allocopt::import_cloudbalancing(size % 2 == 0 ? computers : processes);
#else
#error "ALLOCOPT_FUZZ_IMPORTER must be 1, 2 or 3"
#endif
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::optional<allocopt::Problem> problem;
    try {
        problem = import(data, size);
    } catch (const allocopt::InputError& e) {
        // expected for bad input; ALLOCOPT_FUZZ_VERBOSE=1 prints it (to check seeds)
        if (verbose()) std::fprintf(stderr, "InputError: %s\n", e.what());
        return 0;
    } catch (...) {
        escaped_current();
    }
    if (!problem) return 0;
    if (verbose()) {
        std::fprintf(stderr, "imported: %zu tasks x %zu resources\n", problem->num_tasks(),
                     problem->num_resources());
    }
    // The importer accepted the file: nothing downstream may throw, not even InputError.
    try {
        exercise(*problem);
    } catch (...) {
        escaped_current();
    }
    return 0;
}
