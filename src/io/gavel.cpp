// The importer of Gavel's job sets (io/gavel.hpp).

#include "allocopt/io/gavel.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "allocopt/bounds.hpp"
#include "allocopt/error.hpp"
#include "detail/text.hpp"
#include "generators_data.hpp"
#include "io/benchmarks_detail.hpp"
#include "io/token_reader.hpp"

namespace allocopt {

using namespace detail;

namespace {

// The columns read, in this order; the last three are the throughputs of kGavelGpuTypes.
constexpr std::array<std::string_view, 7> kColumns = {
    "job_id", "job_type", "scale_factor", "total_steps", "thr_v100", "thr_p100", "thr_k80"};
constexpr std::size_t kId = 0, kType = 1, kScale = 2, kSteps = 3, kThroughput = 4;

/// Field index of each column of kColumns, from the header line.
struct GavelHeader {
    std::array<std::size_t, kColumns.size()> at{};
    std::size_t fields = 0;
};

GavelHeader read_header(LineReader& lines) {
    if (!lines.next()) fail({lines.path(), 1, 1}, "header", kEndOfFile, "the file is empty");
    std::string_view line = lines.text();
    if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    const std::vector<CsvField> fields = split_csv(line);
    GavelHeader header;
    header.fields = fields.size();
    for (std::size_t c = 0; c < kColumns.size(); ++c) {
        std::size_t f = 0;
        while (f < fields.size() && fields[f].text != kColumns[c])
            ++f;
        if (f == fields.size()) {
            std::string expected;
            for (std::string_view name : kColumns)
                expected.append(expected.empty() ? "" : ", ").append(name);
            fail(lines.at(0), "header", shown(line),
                 "missing column '" + std::string(kColumns[c]) + "' (a Gavel job set needs " +
                     expected + ")");
        }
        header.at[c] = f;
    }
    return header;
}

/// A whole number >= 1 (a GPU count), at most 2^20.
int gpu_count(const LineReader& lines, const CsvField& field) {
    int value = 0;
    const char* last = field.text.data() + field.text.size();
    const auto [end, error] = std::from_chars(field.text.data(), last, value);
    const char* why = nullptr;
    if (field.text.empty()) {
        why = "the field is empty";
    } else if (error == std::errc::result_out_of_range ||
               (error == std::errc() && value > 1 << 20)) {
        why = "too large";
    } else if (error != std::errc() || end != last) {
        why = "expected a whole number of GPUs";
    } else if (value < 1) {
        why = "a job runs on at least 1 GPU";
    }
    if (why) fail(lines.at(field.offset), "scale_factor", shown(field.text), why);
    return value;
}

/// A finite number >= 0 (> 0 when `positive`) in column `column`.
double number(const LineReader& lines, const CsvField& field, std::string_view column,
              bool positive) {
    double value = 0;
    const char* why =
        field.text.empty() ? "the field is empty" : parse_number(field.text, value, positive);
    if (why) fail(lines.at(field.offset), std::string(column), shown(field.text), why);
    return value;
}

std::string file_stem(const std::string& path) {
    std::string name = file_name(path);
    if (const std::size_t dot = name.rfind('.'); dot != std::string::npos && dot > 0)
        name.resize(dot);
    return name;
}

/// One job as read from its row.
struct Job {
    std::string id;
    std::string type;  // its job_type
    int units = 1;
    std::size_t units_offset = 0;  // of `scale_factor` in the line, for later messages
    double steps = 0;
    std::array<double, 3> throughput{};
};

Job read_job(const LineReader& lines, const GavelHeader& header,
             std::unordered_map<std::string, int>& seen) {
    const std::vector<CsvField> fields = split_csv(lines.text());
    if (fields.size() != header.fields) {
        const bool short_row = fields.size() < header.fields;
        fail(lines.at(short_row ? lines.text().size() : fields[header.fields].offset), "columns",
             short_row ? std::string(kEndOfFile) : shown(fields[header.fields].text),
             "the row has " + std::to_string(fields.size()) + " fields, the header " +
                 std::to_string(header.fields));
    }
    auto field = [&](std::size_t column) -> const CsvField& { return fields[header.at[column]]; };
    Job job;
    const CsvField& id = field(kId);
    if (id.text.empty()) fail(lines.at(id.offset), "job_id", "\"\"", "a job id must not be empty");
    if (const auto [it, fresh] = seen.emplace(std::string(id.text), lines.number()); !fresh) {
        fail(lines.at(id.offset), "job_id", shown(id.text),
             "duplicate job id (first on line " + std::to_string(it->second) + ")");
    }
    job.id = std::string(id.text);
    const CsvField& type = field(kType);
    const std::vector<std::string>& types = gavel_job_types();
    if (std::find(types.begin(), types.end(), type.text) == types.end()) {
        fail(lines.at(type.offset), "job_type", shown(type.text),
             "not one of Gavel's 26 job types" + detail::did_you_mean(type.text, types));
    }
    job.type = std::string(type.text);
    job.units = gpu_count(lines, field(kScale));
    job.units_offset = field(kScale).offset;
    job.steps = number(lines, field(kSteps), "total_steps", true);
    for (std::size_t t = 0; t < kGavelGpuTypes.size(); ++t) {
        const CsvField& thr = field(kThroughput + t);
        job.throughput[t] = number(lines, thr, kColumns[kThroughput + t], false);
        if (job.throughput[t] > 0 && !std::isfinite(job.steps / job.throughput[t])) {
            fail(lines.at(thr.offset), std::string(kColumns[kThroughput + t]), shown(thr.text),
                 "so small that total_steps / throughput is not a finite time");
        }
    }
    if (job.throughput == std::array<double, 3>{}) {
        const CsvField& first = field(kThroughput);
        fail(lines.at(first.offset), "thr_v100", shown(first.text),
             "job " + job.id + " has throughput 0 on every GPU type: it can run nowhere");
    }
    return job;
}

}  // namespace

GavelCluster parse_gavel_cluster(std::string_view text) {
    GavelCluster cluster;
    const char* at = text.data();
    const char* last = text.data() + text.size();
    const char* why = nullptr;
    for (std::size_t t = 0; t < cluster.gpus.size() && !why; ++t) {
        if (t > 0 && (at == last || *at++ != ':')) {
            why = "expected three GPU counts V100:P100:K80, e.g. 36:36:36";
            break;
        }
        const auto [end, error] = std::from_chars(at, last, cluster.gpus[t]);
        if (error == std::errc::result_out_of_range ||
            (error == std::errc() && cluster.gpus[t] > 1 << 20))
            why = "a GPU count is too large";
        else if (error != std::errc() || cluster.gpus[t] < 0)
            why = "expected three whole numbers >= 0, V100:P100:K80, e.g. 36:36:36";
        at = end;
    }
    if (!why && at != last) why = "expected three GPU counts V100:P100:K80, e.g. 36:36:36";
    if (!why && cluster.gpus == std::array<int, 3>{}) why = "the cluster has no GPUs";
    if (why) throw InputError("--cluster", std::string(text), why);
    return cluster;
}

std::string gavel_cluster_text(const GavelCluster& cluster) {
    return std::to_string(cluster.gpus[0]) + ":" + std::to_string(cluster.gpus[1]) + ":" +
           std::to_string(cluster.gpus[2]);
}

const std::vector<std::string>& gavel_job_types() {
    static const std::vector<std::string> types = [] {
        std::vector<std::string> names{"A3C", "CycleGAN"};
        const std::pair<const char*, std::vector<int>> batched[] = {
            {"ResNet-18", {16, 32, 64, 128, 256}},
            {"ResNet-50", {16, 32, 64, 128}},
            {"Transformer", {16, 32, 64, 128, 256}},
            {"LM", {5, 10, 20, 40, 80}},
            {"Recommendation", {512, 1024, 2048, 4096, 8192}}};
        for (const auto& [model, sizes] : batched) {
            for (int size : sizes)
                names.push_back(std::string(model) + " (batch size " + std::to_string(size) + ")");
        }
        return names;
    }();
    return types;
}

std::string_view gavel_units_name(GavelUnits units) {
    switch (units) {
        case GavelUnits::fixed:
            return "fixed";
        case GavelUnits::variable:
            return "variable";
        case GavelUnits::one:
            return "one";
        case GavelUnits::max:
            return "max";
    }
    return "fixed";
}

namespace {

/// Gavel's measured throughput (steps per second) of `job_type` (as the jobs file names it) on
/// `units` GPUs of kGavelGpuTypes[gpu]; 0 where it was not measured or cannot run.
class ThroughputTable {
  public:
    ThroughputTable() {
        for (const generators::detail::Throughput& row : generators::detail::gavel_throughputs()) {
            std::string name(row.job_type);
            if (row.batch_size > 0) name += " (batch size " + std::to_string(row.batch_size) + ")";
            rows_[name].push_back(row);
        }
    }
    /// The GPU counts measured for `type`, increasing.
    std::vector<int> counts(const std::string& type) const {
        std::vector<int> out;
        for (const auto& row : rows_.at(type))
            out.push_back(row.scale_factor);
        std::sort(out.begin(), out.end());
        return out;
    }
    double at(const std::string& type, int units, std::size_t gpu) const {
        for (const auto& row : rows_.at(type)) {
            if (row.scale_factor != units) continue;
            return gpu == 0 ? row.v100 : gpu == 1 ? row.p100 : row.k80;
        }
        return 0;
    }

  private:
    std::unordered_map<std::string, std::vector<generators::detail::Throughput>> rows_;
};

/// The unit counts a job of `type` may take under `rule` (not fixed).
std::vector<int> unit_counts(const ThroughputTable& table, const std::string& type,
                             GavelUnits rule) {
    const std::vector<int> counts = table.counts(type);
    if (rule == GavelUnits::one) return {1};
    if (rule == GavelUnits::max) return {counts.back()};
    return counts;
}

/// The job set with Gavel's throughput tables (GavelUnits other than fixed), times in hours.
void tabled_jobs(ProblemData& data, const std::vector<std::string>& job_types,
                 const std::vector<std::size_t>& types, const GavelOptions& options) {
    static const ThroughputTable table;
    for (std::size_t j = 0; j < data.resources.size(); ++j)
        data.resources[j].kind = data.resources[j].id;
    for (std::size_t i = 0; i < data.tasks.size(); ++i) {
        Task& task = data.tasks[i];
        const std::string& type = job_types[i];
        const double reference = table.at(type, 1, 0);  // one V100
        if (!(reference > 0)) {
            throw InputError("job_type", type,
                             "Gavel's table has no single-V100 throughput for this type");
        }
        task.workload = task.workload / reference / 3600;  // single-V100 hours
        task.type = type;
        const std::vector<int> counts = unit_counts(table, type, options.units);
        task.units = UnitChoice::list(counts);
        task.scaling.type = Scaling::Type::table;
        task.scaling.table.clear();
        for (int u : counts)
            task.scaling.table.emplace_back(u, table.at(type, u, 0) / reference);
        task.allowed.clear();
        for (std::size_t t : types) {
            const bool runs = std::all_of(counts.begin(), counts.end(),
                                          [&](int u) { return table.at(type, u, t) > 0; });
            if (runs && options.cluster.gpus[t] >= counts.front())
                task.allowed.emplace_back(kGavelGpuTypes[t]);
        }
        if (task.allowed.empty()) {
            throw InputError("job_id", task.id,
                             "job " + task.id + " (" + type + ") fits no GPU type of the cluster " +
                                 gavel_cluster_text(options.cluster) + " with --units " +
                                 std::string(gavel_units_name(options.units)));
        }
        auto& row = data.speedup_tables[type];
        if (!row.empty()) continue;
        for (std::size_t t : types) {
            UnitSpeeds& speeds = row[std::string(kGavelGpuTypes[t])];
            for (int u : table.counts(type)) {
                if (const double thr = table.at(type, u, t); thr > 0)
                    speeds.emplace_back(u, thr / reference);
            }
            if (speeds.empty()) row.erase(std::string(kGavelGpuTypes[t]));
        }
    }
}

}  // namespace

Problem import_gavel(const std::string& path, const GavelCluster& cluster, Policy order,
                     bool backfill) {
    GavelOptions options;
    options.cluster = cluster;
    options.order = order;
    options.backfill = backfill;
    return import_gavel(path, options);
}

Problem import_gavel(const std::string& path, const GavelOptions& options) {
    const GavelCluster& cluster = options.cluster;
    const Policy order = options.order;
    const bool backfill = options.backfill;
    for (int gpus : cluster.gpus) {
        if (gpus < 0) throw InputError("--cluster", gavel_cluster_text(cluster), "a GPU count < 0");
    }
    LineReader lines(path);
    const GavelHeader header = read_header(lines);
    ProblemData data;
    data.name = file_stem(path);
    data.mode = Mode::schedule;
    data.policy = order;
    data.backfill = backfill;
    data.objective = {Sense::minimize, {{Metric::makespan, 1.0}}};
    std::vector<std::size_t> types;  // the GPU types with GPUs, in kGavelGpuTypes order
    for (std::size_t t = 0; t < kGavelGpuTypes.size(); ++t) {
        if (cluster.gpus[t] == 0) continue;
        types.push_back(t);
        Resource& r = data.resources.emplace_back();
        r.id = std::string(kGavelGpuTypes[t]);
        r.kind = "gpu";
        r.capacity = {{std::string(kUnitsDimension), static_cast<double>(cluster.gpus[t])}};
    }
    if (types.empty()) throw InputError("--cluster", gavel_cluster_text(cluster), "no GPUs");
    std::vector<Job> jobs;
    std::vector<std::string> job_types;
    std::unordered_map<std::string, int> seen;
    while (lines.next()) {
        if (lines.text().find_first_not_of(" \t") == std::string_view::npos) continue;
        Job& job = jobs.emplace_back(read_job(lines, header, seen));
        job_types.push_back(job.type);
        Task& task = data.tasks.emplace_back();
        task.id = job.id;
        task.kind = TaskKind::training;
        task.workload = job.steps;
        task.units = UnitChoice::exactly(job.units);
        task.scaling.type = Scaling::Type::table;
        task.scaling.table = {{job.units, 1.0}};
        std::string runs_on;
        for (std::size_t t : types) {
            if (job.throughput[t] > 0 && cluster.gpus[t] >= job.units)
                task.allowed.emplace_back(kGavelGpuTypes[t]);
            if (job.throughput[t] > 0)
                runs_on += (runs_on.empty() ? "" : ", ") + std::string(kGavelGpuTypes[t]);
        }
        if (task.allowed.empty() && options.units == GavelUnits::fixed) {
            fail(lines.at(job.units_offset), "scale_factor", std::to_string(job.units),
                 "job " + job.id + " needs " + std::to_string(job.units) +
                     " GPUs of one type it runs on (" + (runs_on.empty() ? "none" : runs_on) +
                     "), and the cluster " + gavel_cluster_text(cluster) + " has too few");
        }
    }
    if (jobs.empty())
        fail({path, lines.number() + 1, 1}, "job_id", kEndOfFile, "the file has no rows");
    const bool factor_ok = options.horizon_factor >= 0 && std::isfinite(options.horizon_factor);
    if (!factor_ok) {
        throw InputError("--horizon", format_number(options.horizon_factor) + "x",
                         "must be greater than 0");
    }
    if (options.horizon_factor == 0 && !(options.horizon > 0)) {
        throw InputError("--horizon", format_number(options.horizon), "must be greater than 0");
    }
    const bool tabled = options.units != GavelUnits::fixed;
    if (tabled) {
        tabled_jobs(data, job_types, types, options);
    } else {
        data.time = Matrix::Zero(static_cast<Eigen::Index>(jobs.size()),
                                 static_cast<Eigen::Index>(types.size()));
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            for (std::size_t j = 0; j < types.size(); ++j) {
                const double thr = jobs[i].throughput[types[j]];
                if (thr > 0)
                    data.time(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
                        jobs[i].steps / thr;
            }
        }
    }
    if (options.horizon_factor > 0) {
        const std::string shown_factor = format_number(options.horizon_factor) + "x";
        if (!lp_bounds_available()) {
            throw InputError("--horizon", shown_factor,
                             "a horizon relative to the LP makespan bound needs the LP solver, "
                             "and this build has none (give the horizon in hours instead)");
        }
        const std::optional<double> bound = lp_makespan_bound(validated(ProblemData(data), path));
        if (!bound || !(*bound > 0)) {
            throw InputError("--horizon", shown_factor,
                             "the LP makespan bound of this job set found no optimum (give the "
                             "horizon in hours instead)");
        }
        data.horizon = options.horizon_factor * *bound;
        data.hard_horizon = true;
    } else if (std::isfinite(options.horizon)) {
        data.horizon = tabled ? options.horizon : options.horizon * 3600;  // fixed: seconds
        data.hard_horizon = true;
    }
    if (options.objective == GavelObjective::efficiency)
        data.objective = {Sense::maximize, {{Metric::efficiency, 1.0}}};
    return validated(std::move(data), path);
}

}  // namespace allocopt
