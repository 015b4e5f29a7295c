#include "allocopt/io/benchmarks.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <span>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "allocopt/error.hpp"
#include "detail/shapes.hpp"
#include "detail/text.hpp"

namespace allocopt {
namespace {

constexpr std::string_view kEndOfFile = "end of file";
constexpr BenchmarkFormat kAllFormats[] = {BenchmarkFormat::braun_etc, BenchmarkFormat::orlib_gap,
                                           BenchmarkFormat::cloudbalancing};

[[noreturn]] void fail(SourcePosition where, std::string key, std::string_view value,
                       std::string message) {
    throw InputError(std::move(key), std::string(value), std::move(message), std::move(where));
}

std::string indexed(std::string_view name, std::size_t i) {
    return std::string(name) + "[" + std::to_string(i) + "]";
}

std::string indexed(std::string_view name, std::size_t i, std::size_t j) {
    return indexed(name, i) + "[" + std::to_string(j) + "]";
}

/// Reads a key of the form `NAME[i][j]` (the whole key); false for any other key.
bool parse_pair_key(const std::string& key, std::string_view name, std::size_t& i, std::size_t& j) {
    if (!key.starts_with(name)) return false;
    const char* rest = key.c_str() + name.size();
    int used = 0;
    return std::sscanf(rest, "[%zu][%zu]%n", &i, &j, &used) == 2 &&
           rest + used == key.c_str() + key.size();
}

/// A token as quoted in a message: at most 40 bytes, non-printable bytes shown as '?'.
std::string shown(std::string_view text) {
    std::string out(text.substr(0, 40));
    for (char& c : out) {
        if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
    }
    if (text.size() > 40) out += "...";
    return out;
}

// ---------------------------------------------------------------------------------------------
// Reading: lines, whitespace-separated tokens, numbers. Memory stays O(longest line).

class LineReader {
  public:
    explicit LineReader(const std::string& path) : path_(path) {
        std::error_code error;
        if (!std::filesystem::exists(path, error)) fail({path}, "path", path, "no such file");
        if (std::filesystem::is_directory(path, error)) {
            fail({path}, "path", path, "is a directory, not a file");
        }
        in_.open(path, std::ios::binary);
        if (!in_) fail({path}, "path", path, "cannot open the file");
    }

    /// Moves to the next line (without its CR LF); false at the end of the file.
    bool next() {
        if (!std::getline(in_, text_)) {
            if (in_.bad()) fail({path_, number_, 0}, "path", path_, "cannot read the file");
            return false;
        }
        ++number_;
        if (!text_.empty() && text_.back() == '\r') text_.pop_back();
        return true;
    }

    std::string_view text() const { return text_; }
    int number() const { return number_; }
    const std::string& path() const { return path_; }
    /// Position of the byte at `offset` (0-based) in the current line.
    SourcePosition at(std::size_t offset) const {
        return {path_, number_, static_cast<int>(offset) + 1};
    }

  private:
    std::string path_;
    std::ifstream in_;
    std::string text_;
    int number_ = 0;
};

struct Token {
    std::string text;
    int line = 0;
    int column = 0;
};

/// Whitespace-separated tokens with their positions and a small look-ahead.
class TokenReader {
  public:
    explicit TokenReader(const std::string& path) : lines_(path) {}

    /// The token `ahead` places after the current one, or null past the end of the file.
    /// The pointer stays valid until next() consumes that token.
    const Token* peek(std::size_t ahead = 0) {
        while (buffer_.size() <= ahead) {
            if (!scan()) return nullptr;
        }
        return &buffer_[ahead];
    }

    std::optional<Token> next() {
        if (!peek()) return std::nullopt;
        Token token = std::move(buffer_.front());
        buffer_.pop_front();
        return token;
    }

    SourcePosition at(const Token& token) const {
        return {lines_.path(), token.line, token.column};
    }
    /// Just after the last token read so far (line 1, column 1 in an empty file).
    SourcePosition end() const { return {lines_.path(), end_line_, end_column_}; }

  private:
    bool scan();

    LineReader lines_;
    bool in_line_ = false;
    std::size_t offset_ = 0;
    std::deque<Token> buffer_;
    int end_line_ = 1;
    int end_column_ = 1;
};

bool TokenReader::scan() {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; };
    while (true) {
        if (!in_line_) {
            if (!lines_.next()) return false;
            in_line_ = true;
            offset_ = 0;
        }
        const std::string_view line = lines_.text();
        while (offset_ < line.size() && blank(line[offset_]))
            ++offset_;
        if (offset_ == line.size()) {
            in_line_ = false;
            continue;
        }
        const std::size_t start = offset_;
        while (offset_ < line.size() && !blank(line[offset_]))
            ++offset_;
        buffer_.push_back({std::string(line.substr(start, offset_ - start)), lines_.number(),
                           static_cast<int>(start) + 1});
        end_line_ = lines_.number();
        end_column_ = static_cast<int>(offset_) + 1;
        return true;
    }
}

/// Parses a finite number >= 0 (> 0 when `positive`); returns why not, or null.
const char* parse_number(std::string_view text, double& value, bool positive = false) {
    const char* last = text.data() + text.size();
    auto [end, error] = std::from_chars(text.data(), last, value);
    if (error == std::errc::result_out_of_range) return "number out of range";
    if (error != std::errc() || end != last) return "expected a number";
    if (!std::isfinite(value)) return "must be a finite number";
    if (value < 0) return "must not be negative";
    if (positive && value == 0) return "must be greater than 0";
    return nullptr;
}

/// The next token; `key()` names the entry expected there when the file ends early.
template <typename KeyFn>
Token expect_token(TokenReader& reader, KeyFn&& key) {
    std::optional<Token> token = reader.next();
    if (!token) fail(reader.end(), key(), kEndOfFile, "the file ends before this entry");
    return std::move(*token);
}

template <typename KeyFn>
double read_number(TokenReader& reader, KeyFn&& key, bool positive = false) {
    const Token token = expect_token(reader, key);
    double value = 0;
    if (const char* why = parse_number(token.text, value, positive)) {
        fail(reader.at(token), key(), shown(token.text), why);
    }
    return value;
}

int parse_count(const TokenReader& reader, const Token& token, const std::string& key) {
    int value = 0;
    const char* last = token.text.data() + token.text.size();
    auto [end, error] = std::from_chars(token.text.data(), last, value);
    if (error == std::errc::result_out_of_range) {
        fail(reader.at(token), key, shown(token.text), "count too large");
    }
    if (error != std::errc() || end != last) {
        fail(reader.at(token), key, shown(token.text), "expected a whole number");
    }
    if (value < 1) fail(reader.at(token), key, token.text, "must be at least 1");
    return value;
}

int read_count(TokenReader& reader, const std::string& key) {
    const Token token = expect_token(reader, [&] { return key; });
    return parse_count(reader, token, key);
}

void expect_end(TokenReader& reader, const std::string& key, const std::string& after) {
    if (std::optional<Token> extra = reader.next()) {
        fail(reader.at(*extra), key, shown(extra->text), "unexpected extra number after " + after);
    }
}

/// A Problem from `data`; model errors (which carry no position) are placed in `path`.
Problem validated(ProblemData data, const std::string& path, const std::string& tasks_path = "") {
    try {
        return Problem(std::move(data));
    } catch (const InputError& error) {
        if (!error.position().file.empty()) throw;
        const bool about_tasks = error.key().starts_with("tasks");
        throw error.at({about_tasks && !tasks_path.empty() ? tasks_path : path});
    }
}

std::string file_name(const std::string& path) {
    return std::filesystem::path(path).filename().string();
}

// ---------------------------------------------------------------------------------------------
// Braun et al. ETC

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
        detail::etc_shape(file_name(path), Eigen::Map<const Matrix>(values.data(), rows, cols));
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

// ---------------------------------------------------------------------------------------------
// OR-Library / Yagiura GAP

using GapInstance = detail::GapTables;  // agent-major, as in the file

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
        detail::gap_shape(std::move(name), maximize ? Sense::maximize : Sense::minimize, gap);
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

// ---------------------------------------------------------------------------------------------
// Cloud balancing CSV

struct CsvColumn {
    std::string_view name;
    bool positive;  // > 0 rather than >= 0
};

constexpr CsvColumn kComputerColumns[] = {{"id", false},
                                          {"cpu_power", true},
                                          {"memory", true},
                                          {"network_bandwidth", true},
                                          {"cost", false}};
constexpr CsvColumn kProcessColumns[] = {{"id", false},
                                         {"required_cpu_power", false},
                                         {"required_memory", false},
                                         {"required_network_bandwidth", false}};
constexpr std::string_view kComputersSuffix = ".computers.csv";
constexpr std::string_view kProcessesSuffix = ".processes.csv";

struct CsvRow {
    std::string id;
    std::array<double, 4> values{};  // the numeric columns after the id
    int line = 0;                    // 1-based line in the file
};

struct CsvField {
    std::string_view text;
    std::size_t offset;  // 0-based byte offset in the line
};

/// Splits on commas and trims blanks around each field (the files never quote).
std::vector<CsvField> split_csv(std::string_view line) {
    std::vector<CsvField> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = std::min(line.find(',', start), line.size());
        std::size_t first = start;
        std::size_t last = comma;
        while (first < last && (line[first] == ' ' || line[first] == '\t'))
            ++first;
        while (last > first && (line[last - 1] == ' ' || line[last - 1] == '\t'))
            --last;
        fields.push_back({line.substr(first, last - first), first});
        if (comma == line.size()) return fields;
        start = comma + 1;
    }
}

std::string header_text(std::span<const CsvColumn> columns) {
    std::string text;
    for (const CsvColumn& column : columns)
        text += (text.empty() ? "" : ",") + std::string(column.name);
    return text;
}

void check_csv_header(const LineReader& lines, std::span<const CsvColumn> columns) {
    std::string_view line = lines.text();
    const std::size_t bom = line.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    const std::vector<CsvField> fields = split_csv(line.substr(bom));
    const std::string expected = "the header must be '" + header_text(columns) + "'";
    for (std::size_t c = 0; c < columns.size(); ++c) {
        if (c == fields.size()) {
            fail(lines.at(line.size()), "header", kEndOfFile,
                 "missing column '" + std::string(columns[c].name) + "': " + expected);
        }
        if (fields[c].text != columns[c].name) {
            fail(lines.at(bom + fields[c].offset), "header", shown(fields[c].text),
                 "expected column '" + std::string(columns[c].name) + "': " + expected);
        }
    }
    if (fields.size() > columns.size()) {
        const CsvField& extra = fields[columns.size()];
        fail(lines.at(bom + extra.offset), "header", shown(extra.text),
             "unexpected column: " + expected);
    }
}

CsvRow parse_csv_row(const LineReader& lines, std::span<const CsvColumn> columns) {
    const std::vector<CsvField> fields = split_csv(lines.text());
    if (fields.size() < columns.size()) {
        fail(lines.at(lines.text().size()), std::string(columns[fields.size()].name), kEndOfFile,
             "the row has " + std::to_string(fields.size()) + " fields, expected " +
                 std::to_string(columns.size()));
    }
    if (fields.size() > columns.size()) {
        const CsvField& extra = fields[columns.size()];
        fail(lines.at(extra.offset), "columns", shown(extra.text),
             "the row has " + std::to_string(fields.size()) + " fields, expected " +
                 std::to_string(columns.size()));
    }
    CsvRow row;
    row.id = std::string(fields[0].text);
    if (row.id.empty()) fail(lines.at(fields[0].offset), "id", "\"\"", "an id must not be empty");
    for (std::size_t c = 1; c < columns.size(); ++c) {
        if (const char* why =
                parse_number(fields[c].text, row.values[c - 1], columns[c].positive)) {
            fail(lines.at(fields[c].offset), std::string(columns[c].name), shown(fields[c].text),
                 why);
        }
    }
    return row;
}

/// The rows of a CSV file whose header is `columns`; blank lines are skipped, ids are unique.
std::vector<CsvRow> read_csv(const std::string& path, std::span<const CsvColumn> columns) {
    LineReader lines(path);
    if (!lines.next()) fail({path, 1, 1}, "header", kEndOfFile, "the file is empty");
    check_csv_header(lines, columns);
    std::vector<CsvRow> rows;
    std::unordered_map<std::string, int> first_line;
    while (lines.next()) {
        if (lines.text().find_first_not_of(" \t") == std::string_view::npos) continue;
        CsvRow row = parse_csv_row(lines, columns);
        row.line = lines.number();
        auto [it, inserted] = first_line.emplace(row.id, lines.number());
        if (!inserted) {
            fail(lines.at(lines.text().find_first_not_of(" \t")), "id", row.id,
                 "duplicate id (first on line " + std::to_string(it->second) + ")");
        }
        rows.push_back(std::move(row));
    }
    if (rows.empty()) fail({path, lines.number() + 1, 1}, "id", kEndOfFile, "the file has no rows");
    return rows;
}

struct CloudFiles {
    std::string computers;
    std::string processes;
    std::string name;
};

CloudFiles cloud_files(const std::string& path) {
    for (std::string_view suffix : {kComputersSuffix, kProcessesSuffix}) {
        if (path.ends_with(suffix)) {
            const std::string base = path.substr(0, path.size() - suffix.size());
            return {base + std::string(kComputersSuffix), base + std::string(kProcessesSuffix),
                    file_name(base)};
        }
    }
    fail({path}, "path", path,
         "a cloud-balancing file is named NAME.computers.csv or NAME.processes.csv");
}

Problem build_cloud(const CloudFiles& files, const std::vector<CsvRow>& computers,
                    const std::vector<CsvRow>& processes) {
    ProblemData data;
    data.name = files.name;
    data.mode = Mode::packing;
    data.objective = {Sense::minimize, {{Metric::cost, 1.0}}};
    for (const CsvRow& row : computers) {
        Resource& r = data.resources.emplace_back();
        r.id = row.id;
        r.kind = "computer";
        r.capacity = {{std::string(kUnitsDimension), static_cast<double>(processes.size())},
                      {"cpu", row.values[0]},
                      {"memory", row.values[1]},
                      {"network", row.values[2]}};
        r.fixed_cost = row.values[3];
    }
    for (const CsvRow& row : processes) {
        Task& t = data.tasks.emplace_back();
        t.id = row.id;
        t.demand = {{"cpu", row.values[0]}, {"memory", row.values[1]}, {"network", row.values[2]}};
    }
    try {
        return validated(std::move(data), files.computers, files.processes);
    } catch (const InputError& error) {
        // A model error about resources[j] or tasks[i] (a total too large) is on that row.
        for (const auto& [list, rows] :
             {std::pair{"resources[", &computers}, std::pair{"tasks[", &processes}}) {
            std::size_t row = 0;
            int used = 0;
            const std::string_view key = error.key();
            if (key.starts_with(list) &&
                std::sscanf(error.key().c_str() + std::strlen(list), "%zu]%n", &row, &used) == 1 &&
                used > 0 && row < rows->size()) {
                throw error.at({error.position().file, (*rows)[row].line, 1});
            }
        }
        throw;
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------

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
    if (!single) name += "-" + std::to_string(options.instance);
    return build_gap(chosen, std::move(name), options.maximize, path);
}

int count_gap_instances(const std::string& path) {
    TokenReader reader(path);
    if (is_single_instance(reader, path)) return 1;
    return read_count(reader, "instances");
}

Problem import_cloudbalancing(const std::string& path) {
    const CloudFiles files = cloud_files(path);
    const std::vector<CsvRow> computers = read_csv(files.computers, kComputerColumns);
    const std::vector<CsvRow> processes = read_csv(files.processes, kProcessColumns);
    return build_cloud(files, computers, processes);
}

std::string_view benchmark_format_name(BenchmarkFormat format) {
    switch (format) {
        case BenchmarkFormat::braun_etc:
            return "braun-etc";
        case BenchmarkFormat::orlib_gap:
            return "orlib-gap";
        case BenchmarkFormat::cloudbalancing:
            return "cloudbalancing";
    }
    return "?";
}

std::vector<std::string> benchmark_format_names() {
    std::vector<std::string> names;
    for (BenchmarkFormat format : kAllFormats)
        names.emplace_back(benchmark_format_name(format));
    return names;
}

std::optional<BenchmarkFormat> parse_benchmark_format(std::string_view name) {
    for (BenchmarkFormat format : kAllFormats) {
        if (benchmark_format_name(format) == name) return format;
    }
    return std::nullopt;
}

Problem import_benchmark(BenchmarkFormat format, const std::string& path,
                         const ImportOptions& options) {
    switch (format) {
        case BenchmarkFormat::braun_etc:
            return import_braun_etc(path, options.braun);
        case BenchmarkFormat::orlib_gap:
            return import_orlib_gap(path, options.gap);
        case BenchmarkFormat::cloudbalancing:
            return import_cloudbalancing(path);
    }
    throw InputError("format", "", "unknown benchmark format");
}

Problem import_problem(std::string_view format, const std::string& path,
                       const ImportOptions& options) {
    const std::optional<BenchmarkFormat> known = parse_benchmark_format(format);
    if (!known) {
        const std::vector<std::string> names = benchmark_format_names();
        std::string list;
        for (const std::string& name : names)
            list += (list.empty() ? "" : ", ") + name;
        throw InputError("format", std::string(format),
                         "unknown benchmark format (expected one of " + list + ")" +
                             detail::did_you_mean(format, names));
    }
    return import_benchmark(*known, path, options);
}

}  // namespace allocopt
