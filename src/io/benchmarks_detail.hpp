#pragma once
// What the benchmark importers (src/io/benchmarks_*.cpp, one per format) share besides the
// token reader: entry names as keys, and model errors placed in the file they came from.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "allocopt/problem.hpp"
#include "io/token_reader.hpp"

namespace allocopt::detail {

/// `NAME[i]`.
std::string indexed(std::string_view name, std::size_t i);
/// `NAME[i][j]`.
std::string indexed(std::string_view name, std::size_t i, std::size_t j);

/// Reads a key of the form `NAME[i][j]` (the whole key); false for any other key.
bool parse_pair_key(const std::string& key, std::string_view name, std::size_t& i, std::size_t& j);

/// A Problem from `data`. Model errors (which carry no position) are placed in `path`, or in
/// `tasks_path`, when given, for those about tasks.
Problem validated(ProblemData data, const std::string& path, const std::string& tasks_path = "");

/// The file name of `path`, without its folders.
std::string file_name(const std::string& path);

/// A field of a CSV line and where it starts.
struct CsvField {
    std::string_view text;
    std::size_t offset;  // 0-based byte offset in the line
};

/// Splits a CSV line on commas and trims blanks around each field (the files never quote).
std::vector<CsvField> split_csv(std::string_view line);

}  // namespace allocopt::detail
