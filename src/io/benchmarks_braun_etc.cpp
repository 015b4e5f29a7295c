// The Braun et al. ETC importer (import_braun_etc, see io/benchmarks.hpp): a whitespace-
// separated matrix of expected times to compute, one row per task.

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

std::vector<double> read_etc_values(const std::string& path, const BraunOptions& options) {
    const auto machines = static_cast<std::size_t>(options.machines);
    const std::size_t expected = static_cast<std::size_t>(options.tasks) * machines;  // 0: any
    const std::string shape =
        std::to_string(options.tasks) + " tasks x " + std::to_string(machines) + " machines";
    TokenReader reader(path);
    std::vector<double> values;
    std::size_t k = 0;
    auto key = [&] { return indexed("time", k / machines, k % machines); };
    while (reader.peek()) {
        if (expected != 0 && k == expected) expect_end(reader, "time", shape);
        values.push_back(read_number(reader, key));
        ++k;
    }
    if (values.empty()) fail(reader.end(), "time", kEndOfFile, "the file holds no numbers");
    if (k < expected) {
        fail(reader.end(), key(), kEndOfFile,
             "the file ends early: " + shape + " need " + std::to_string(expected) +
                 " numbers, it holds " + std::to_string(k));
    }
    if (k % machines != 0) {
        fail(reader.end(), "time", std::to_string(k) + " numbers",
             "the count of numbers is not a multiple of " + std::to_string(machines) + " machines");
    }
    return values;
}

Problem build_braun(const std::string& path, const std::vector<double>& values,
                    std::size_t machines) {
    const std::size_t tasks = values.size() / machines;
    const auto rows = static_cast<Eigen::Index>(tasks);
    const auto cols = static_cast<Eigen::Index>(machines);
    ProblemData data =
        etc_shape(file_name(path), Eigen::Map<const Matrix>(values.data(), rows, cols));
    try {
        return validated(std::move(data), path);
    } catch (const InputError& error) {
        // The model names a number too large for its totals as time[i][j]: find its token.
        std::size_t i = 0, j = 0;
        if (parse_pair_key(error.key(), "time", i, j)) {
            TokenReader reader(path);
            for (std::size_t k = 0; k < i * machines + j && reader.next(); ++k) {
            }
            if (const Token* token = reader.peek()) throw error.at(reader.at(*token));
        }
        throw;
    }
}

}  // namespace

Problem import_braun_etc(const std::string& path, const BraunOptions& options) {
    if (options.machines < 1) {
        fail({path}, "machines", std::to_string(options.machines), "must be at least 1");
    }
    if (options.tasks < 0) {
        fail({path}, "tasks", std::to_string(options.tasks), "must not be negative");
    }
    const std::vector<double> values = read_etc_values(path, options);
    return build_braun(path, values, static_cast<std::size_t>(options.machines));
}

}  // namespace allocopt
