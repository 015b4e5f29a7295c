// The OR-Library / Yagiura GAP importer (import_orlib_gap, count_gap_instances, see
// io/benchmarks.hpp): agent-major cost and load matrices and capacities, one instance or several
// in a file.

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "allocopt/io/benchmarks.hpp"
#include "detail/shapes.hpp"
#include "io/benchmarks_detail.hpp"
#include "io/token_reader.hpp"

namespace allocopt {

using namespace detail;

namespace {

using GapInstance = GapTables;  // agent-major, as in the file

std::vector<double> read_gap_matrix(TokenReader& reader, std::string_view name, std::size_t rows,
                                    std::size_t cols) {
    std::vector<double> values;
    values.reserve(std::min<std::size_t>(rows * cols, std::size_t{1} << 20));
    for (std::size_t i = 0; i < rows; ++i) {
        for (std::size_t j = 0; j < cols; ++j)
            values.push_back(read_number(reader, [&] { return indexed(name, i, j); }));
    }
    return values;
}

GapInstance read_gap_instance(TokenReader& reader) {
    GapInstance gap;
    gap.agents = static_cast<std::size_t>(read_count(reader, "agents"));
    gap.jobs = static_cast<std::size_t>(read_count(reader, "jobs"));
    gap.cost = read_gap_matrix(reader, "cost", gap.agents, gap.jobs);
    gap.load = read_gap_matrix(reader, "load", gap.agents, gap.jobs);
    const bool positive = true;
    for (std::size_t i = 0; i < gap.agents; ++i) {
        auto key = [&] { return indexed("capacity", i); };
        gap.capacity.push_back(read_number(reader, key, positive));
    }
    return gap;
}

/// Yagiura's layout puts `m n` on the first line, OR-Library's puts `P` alone. A file with
/// everything on one line is told apart by its token count.
bool is_single_instance(TokenReader& reader, const std::string& path) {
    const Token* first = reader.peek(0);
    const Token* second = reader.peek(1);
    if (!first || !second || second->line != first->line) return false;
    const int line = first->line;
    const Token* third = reader.peek(2);
    if (!third || third->line != line) return true;
    TokenReader counter(path);
    double m = 0;
    double n = 0;
    if (parse_number(counter.next()->text, m) || parse_number(counter.next()->text, n)) {
        return false;
    }
    std::size_t tokens = 2;
    while (counter.next())
        ++tokens;
    return static_cast<double>(tokens) == 2 + m * (2 * n + 1);
}

Problem build_gap(const GapInstance& gap, std::string name, bool maximize,
                  const std::string& path) {
    ProblemData data =
        gap_shape(std::move(name), maximize ? Sense::maximize : Sense::minimize, gap);
    try {
        return validated(std::move(data), path);
    } catch (const InputError& error) {
        // The model's matrices are task-major: name the entry as the file lays it out.
        std::size_t job = 0, agent = 0;
        for (std::string_view matrix : {"cost", "demand.load"}) {
            if (parse_pair_key(error.key(), matrix, job, agent)) {
                throw InputError(indexed(matrix == "cost" ? "cost" : "load", agent, job),
                                 error.value(), error.message(), error.position());
            }
        }
        throw;
    }
}

/// Reads instance k of `instances`, naming it in any error of a multi-instance file.
GapInstance read_numbered_instance(TokenReader& reader, int k, int instances, bool single) {
    if (single) return read_gap_instance(reader);
    try {
        return read_gap_instance(reader);
    } catch (const InputError& error) {
        throw InputError(error.key(), error.value(),
                         error.message() + " (in instance " + std::to_string(k) + " of " +
                             std::to_string(instances) + ")",
                         error.position());
    }
}

}  // namespace

Problem import_orlib_gap(const std::string& path, const GapOptions& options) {
    TokenReader reader(path);
    const bool single = is_single_instance(reader, path);
    const SourcePosition first = reader.peek() ? reader.at(*reader.peek()) : reader.end();
    const int instances = single ? 1 : read_count(reader, "instances");
    if (options.instance < 1 || options.instance > instances) {
        fail(first, "instance", std::to_string(options.instance),
             "the file holds " + std::to_string(instances) +
                 (instances == 1 ? " instance" : " instances") + " (numbered from 1)");
    }
    GapInstance chosen;
    for (int k = 1; k <= instances; ++k) {
        GapInstance instance = read_numbered_instance(reader, k, instances, single);
        if (k == options.instance) chosen = std::move(instance);
    }
    expect_end(reader, "instances",
               std::to_string(instances) + (instances == 1 ? " instance" : " instances"));
    std::string name = std::filesystem::path(path).stem().string();
    if (!single) name.append("-").append(std::to_string(options.instance));
    return build_gap(chosen, std::move(name), options.maximize, path);
}

int count_gap_instances(const std::string& path) {
    TokenReader reader(path);
    if (is_single_instance(reader, path)) return 1;
    return read_count(reader, "instances");
}

}  // namespace allocopt
