// The cloud-balancing importer (import_cloudbalancing, see io/benchmarks.hpp): a pair of CSV
// files, NAME.computers.csv and NAME.processes.csv.

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "allocopt/io/benchmarks.hpp"
#include "io/benchmarks_detail.hpp"
#include "io/token_reader.hpp"

namespace allocopt {

using namespace detail;

namespace {

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

std::string header_text(std::span<const CsvColumn> columns) {
    std::string text;
    for (const CsvColumn& column : columns)
        text.append(text.empty() ? "" : ",").append(column.name);
    return text;
}

void check_csv_header(const LineReader& lines, std::span<const CsvColumn> columns) {
    std::string_view line = lines.text();
    const std::size_t bom = line.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    const std::vector<CsvField> fields = split_csv(line.substr(bom));
    const std::string expected =
        std::string("the header must be '").append(header_text(columns)).append("'");
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
            return {std::string(base).append(kComputersSuffix),
                    std::string(base).append(kProcessesSuffix), file_name(base)};
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

Problem import_cloudbalancing(const std::string& path) {
    const CloudFiles files = cloud_files(path);
    const std::vector<CsvRow> computers = read_csv(files.computers, kComputerColumns);
    const std::vector<CsvRow> processes = read_csv(files.processes, kProcessColumns);
    return build_cloud(files, computers, processes);
}

}  // namespace allocopt
