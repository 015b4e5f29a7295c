// The importer of Gavel's job sets (io/gavel.hpp).

#include "allocopt/io/gavel.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "allocopt/error.hpp"
#include "detail/text.hpp"
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
struct Header {
    std::array<std::size_t, kColumns.size()> at{};
    std::size_t fields = 0;
};

Header read_header(LineReader& lines) {
    if (!lines.next()) fail({lines.path(), 1, 1}, "header", kEndOfFile, "the file is empty");
    std::string_view line = lines.text();
    if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    const std::vector<CsvField> fields = split_csv(line);
    Header header;
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

std::string stem(const std::string& path) {
    std::string name = file_name(path);
    if (const std::size_t dot = name.rfind('.'); dot != std::string::npos && dot > 0)
        name.resize(dot);
    return name;
}

/// One job as read from its row.
struct Job {
    std::string id;
    int units = 1;
    std::size_t units_offset = 0;  // of `scale_factor` in the line, for later messages
    double steps = 0;
    std::array<double, 3> throughput{};
};

Job read_job(const LineReader& lines, const Header& header,
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
             "not one of Gavel's 26 job types" + did_you_mean(type.text, types));
    }
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

Problem import_gavel(const std::string& path, const GavelCluster& cluster, Policy order,
                     bool backfill) {
    for (int gpus : cluster.gpus) {
        if (gpus < 0) throw InputError("--cluster", gavel_cluster_text(cluster), "a GPU count < 0");
    }
    LineReader lines(path);
    const Header header = read_header(lines);
    ProblemData data;
    data.name = stem(path);
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
    std::unordered_map<std::string, int> seen;
    while (lines.next()) {
        if (lines.text().find_first_not_of(" \t") == std::string_view::npos) continue;
        Job& job = jobs.emplace_back(read_job(lines, header, seen));
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
        if (task.allowed.empty()) {
            fail(lines.at(job.units_offset), "scale_factor", std::to_string(job.units),
                 "job " + job.id + " needs " + std::to_string(job.units) +
                     " GPUs of one type it runs on (" + (runs_on.empty() ? "none" : runs_on) +
                     "), and the cluster " + gavel_cluster_text(cluster) + " has too few");
        }
    }
    if (jobs.empty())
        fail({path, lines.number() + 1, 1}, "job_id", kEndOfFile, "the file has no rows");
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
    return validated(std::move(data), path);
}

}  // namespace allocopt
