#include "allocopt/io/benchmarks.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <utility>

#include "allocopt/error.hpp"
#include "allocopt/io/alibaba_gpu.hpp"
#include "allocopt/io/gavel.hpp"
#include "detail/text.hpp"
#include "io/benchmarks_detail.hpp"
#include "io/token_reader.hpp"

namespace allocopt {

namespace detail {

std::string indexed(std::string_view name, std::size_t i) {
    return std::string(name) + "[" + std::to_string(i) + "]";
}

std::string indexed(std::string_view name, std::size_t i, std::size_t j) {
    return indexed(name, i) + "[" + std::to_string(j) + "]";
}

bool parse_pair_key(const std::string& key, std::string_view name, std::size_t& i, std::size_t& j) {
    if (!key.starts_with(name)) return false;
    const char* rest = key.c_str() + name.size();
    int used = 0;
    return std::sscanf(rest, "[%zu][%zu]%n", &i, &j, &used) == 2 &&
           rest + used == key.c_str() + key.size();
}

Problem validated(ProblemData data, const std::string& path, const std::string& tasks_path) {
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

}  // namespace detail

namespace {

constexpr BenchmarkFormat kAllFormats[] = {BenchmarkFormat::braun_etc, BenchmarkFormat::orlib_gap,
                                           BenchmarkFormat::cloudbalancing,
                                           BenchmarkFormat::alibaba_gpu, BenchmarkFormat::gavel};

}  // namespace

std::string_view benchmark_format_name(BenchmarkFormat format) {
    switch (format) {
        case BenchmarkFormat::braun_etc:
            return "braun-etc";
        case BenchmarkFormat::orlib_gap:
            return "orlib-gap";
        case BenchmarkFormat::cloudbalancing:
            return "cloudbalancing";
        case BenchmarkFormat::alibaba_gpu:
            return "alibaba-gpu";
        case BenchmarkFormat::gavel:
            return "gavel";
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
        case BenchmarkFormat::alibaba_gpu:
            if (options.pods.empty()) {
                throw InputError("--pods", "",
                                 "--from alibaba-gpu reads a node list (FILE) and a pod list: "
                                 "give it with --pods PODS.csv",
                                 {path});
            }
            return import_alibaba_problem(path, options.pods);
        case BenchmarkFormat::gavel: {
            const GavelCluster cluster =
                options.cluster.empty() ? GavelCluster{} : parse_gavel_cluster(options.cluster);
            std::optional<Policy> order = Policy::ljf;
            if (!options.order.empty()) order = parse_policy(options.order);
            if (!order) {
                throw InputError("--order", options.order,
                                 "expected fcfs, sjf, ljf or priority (the order of each GPU "
                                 "type's queue)");
            }
            if (!options.queue.empty() && options.queue != "backfill" &&
                options.queue != "strict") {
                throw InputError("--queue", options.queue,
                                 "expected backfill or strict (how each GPU type's queue is "
                                 "laid out)");
            }
            GavelOptions gavel;
            gavel.cluster = cluster;
            gavel.order = *order;
            gavel.backfill = options.queue != "strict";
            if (!options.units.empty()) {
                bool known = false;
                for (GavelUnits units :
                     {GavelUnits::fixed, GavelUnits::variable, GavelUnits::one, GavelUnits::max}) {
                    if (gavel_units_name(units) == options.units) gavel.units = units, known = true;
                }
                if (!known) {
                    throw InputError("--units", options.units,
                                     "expected fixed, variable, one or max (how many GPUs each "
                                     "job may take)");
                }
            }
            if (options.objective == "efficiency") {
                gavel.objective = GavelObjective::efficiency;
            } else if (!options.objective.empty() && options.objective != "makespan") {
                throw InputError("--objective", options.objective,
                                 "expected makespan or efficiency");
            }
            if (!options.horizon.empty()) {
                std::string_view text = options.horizon;
                const bool relative = text.ends_with('x');
                if (relative) text.remove_suffix(1);
                double value = 0;
                const char* why = text.empty() ? "expected hours (12.5) or a multiple of the LP "
                                                 "makespan bound (1.2x)"
                                               : detail::parse_number(text, value, true);
                if (why) throw InputError("--horizon", options.horizon, why);
                (relative ? gavel.horizon_factor : gavel.horizon) = value;
            }
            return import_gavel(path, gavel);
        }
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
