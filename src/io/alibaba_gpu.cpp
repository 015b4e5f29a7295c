// The Alibaba GPU-cluster importer (io/alibaba_gpu.hpp): a node list and a pod list, CSV.

#include "allocopt/io/alibaba_gpu.hpp"

#include <array>
#include <charconv>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "detail/text.hpp"
#include "io/benchmarks_detail.hpp"
#include "io/token_reader.hpp"

namespace allocopt {

using namespace detail;

namespace {

/// The columns a file needs, by name, and where the header put them.
template <std::size_t N>
struct Header {
    std::array<std::string_view, N> names;
    std::array<std::size_t, N> at{};  // field index of each needed column
    std::size_t optional_at = std::numeric_limits<std::size_t>::max();
    std::size_t fields = 0;
};

template <std::size_t N>
void read_header(LineReader& lines, Header<N>& header, std::string_view optional = {}) {
    if (!lines.next()) fail({lines.path(), 1, 1}, "header", kEndOfFile, "the file is empty");
    std::string_view line = lines.text();
    const std::size_t bom = line.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    const std::vector<CsvField> fields = split_csv(line.substr(bom));
    header.fields = fields.size();
    std::string expected;
    for (std::string_view name : header.names)
        expected.append(expected.empty() ? "" : ", ").append(name);
    for (std::size_t c = 0; c < N; ++c) {
        std::size_t found = fields.size();
        for (std::size_t f = 0; f < fields.size(); ++f) {
            if (fields[f].text == header.names[c]) {
                found = f;
                break;
            }
        }
        if (found == fields.size()) {
            fail(lines.at(0), "header", shown(line.substr(bom)),
                 "missing column '" + std::string(header.names[c]) + "' (the file needs " +
                     expected + ")");
        }
        header.at[c] = found;
    }
    for (std::size_t f = 0; f < fields.size(); ++f) {
        if (!optional.empty() && fields[f].text == optional) header.optional_at = f;
    }
}

/// The fields of the current row; an InputError when the row has fewer than the header.
std::vector<CsvField> row_fields(const LineReader& lines, std::size_t expected) {
    std::vector<CsvField> fields = split_csv(lines.text());
    if (fields.size() != expected) {
        fail(lines.at(fields.size() < expected ? lines.text().size() : fields[expected].offset),
             "columns",
             fields.size() < expected ? std::string(kEndOfFile) : shown(fields[expected].text),
             "the row has " + std::to_string(fields.size()) + " fields, the header " +
                 std::to_string(expected));
    }
    return fields;
}

/// A whole number >= 0 no larger than `most`.
std::int64_t whole(const LineReader& lines, const CsvField& field, std::string_view column,
                   std::int64_t most = std::int64_t{1} << 50) {
    std::int64_t value = 0;
    const char* first = field.text.data();
    const char* last = first + field.text.size();
    if (first != last && *first == '+') ++first;
    auto [end, error] = std::from_chars(first, last, value);
    const char* why = nullptr;
    if (field.text.empty()) {
        why = "the field is empty";
    } else if (!field.text.empty() && field.text[0] == '-') {
        why = "must not be negative";
    } else if (error == std::errc::result_out_of_range || (error == std::errc() && value > most)) {
        why = "too large";
    } else if (error != std::errc() || end != last || value < 0) {
        // value < 0: "+-5", which from_chars reads as -5 once the '+' is skipped.
        why = "expected a whole number";
    }
    if (why) fail(lines.at(field.offset), std::string(column), shown(field.text), why);
    return value;
}

bool blank(std::string_view line) {
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

void check_unique(std::unordered_map<std::string, int>& seen, const LineReader& lines,
                  const CsvField& field, std::string_view column) {
    if (field.text.empty())
        fail(lines.at(field.offset), std::string(column), "\"\"", "an id must not be empty");
    auto [it, inserted] = seen.emplace(std::string(field.text), lines.number());
    if (!inserted) {
        fail(lines.at(field.offset), std::string(column), shown(field.text),
             "duplicate id (first on line " + std::to_string(it->second) + ")");
    }
}

std::string stem(const std::string& path) {
    std::string name = file_name(path);
    if (const std::size_t dot = name.rfind('.'); dot != std::string::npos && dot > 0)
        name.resize(dot);
    return name;
}

}  // namespace

sharing::Cluster import_alibaba_nodes(const std::string& path) {
    LineReader lines(path);
    Header<5> header{{"sn", "cpu_milli", "memory_mib", "gpu", "model"}};
    read_header(lines, header);
    sharing::Cluster cluster;
    cluster.name = stem(path);
    std::unordered_map<std::string, int> seen;
    while (lines.next()) {
        if (blank(lines.text())) continue;
        const std::vector<CsvField> fields = row_fields(lines, header.fields);
        const CsvField& id = fields[header.at[0]];
        check_unique(seen, lines, id, "sn");
        sharing::Node& node = cluster.nodes.emplace_back();
        node.id = std::string(id.text);
        node.cpu = whole(lines, fields[header.at[1]], "cpu_milli");
        node.memory = whole(lines, fields[header.at[2]], "memory_mib");
        const CsvField& gpu = fields[header.at[3]];
        node.devices = static_cast<int>(whole(lines, gpu, "gpu", std::int64_t{1} << 30));
        if (node.devices > sharing::kMaxDevices) {
            fail(lines.at(gpu.offset), "gpu", shown(gpu.text),
                 "a node holds at most " + std::to_string(sharing::kMaxDevices) + " devices");
        }
        const CsvField& model = fields[header.at[4]];
        if (node.devices > 0) {
            if (model.text.empty()) {
                fail(lines.at(model.offset), "model", "\"\"", "a node with devices needs a model");
            }
            const std::optional<int> known = cluster.model_index(model.text);
            if (known) {
                node.model = *known;
            } else {
                if (cluster.models.size() == 64) {
                    fail(lines.at(model.offset), "model", shown(model.text),
                         "more than 64 device models");
                }
                node.model = static_cast<int>(cluster.models.size());
                cluster.models.emplace_back(model.text);
            }
        }
    }
    if (cluster.nodes.empty()) {
        fail({path, lines.number() + 1, 1}, "sn", kEndOfFile, "the file has no rows");
    }
    return cluster;
}

std::vector<sharing::Pod> import_alibaba_pods(const std::string& path,
                                              const sharing::Cluster& cluster) {
    LineReader lines(path);
    Header<5> header{{"name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli"}};
    read_header(lines, header, "gpu_spec");
    const int capacity = cluster.device_capacity;
    std::vector<sharing::Pod> pods;
    std::unordered_map<std::string, int> seen;
    while (lines.next()) {
        if (blank(lines.text())) continue;
        const std::vector<CsvField> fields = row_fields(lines, header.fields);
        const CsvField& id = fields[header.at[0]];
        check_unique(seen, lines, id, "name");
        sharing::Pod& pod = pods.emplace_back();
        pod.id = std::string(id.text);
        pod.cpu = whole(lines, fields[header.at[1]], "cpu_milli");
        pod.memory = whole(lines, fields[header.at[2]], "memory_mib");
        const CsvField& count = fields[header.at[3]];
        pod.devices = static_cast<int>(whole(lines, count, "num_gpu", std::int64_t{1} << 20));
        const CsvField& share = fields[header.at[4]];
        const std::int64_t milli = whole(lines, share, "gpu_milli");
        if (milli > capacity) {
            fail(lines.at(share.offset), "gpu_milli", shown(share.text),
                 "a share is at most one device, " + std::to_string(capacity) +
                     " milli (ask for more devices with num_gpu)");
        }
        if (pod.devices == 0 && milli != 0) {
            fail(lines.at(share.offset), "gpu_milli", shown(share.text),
                 "a pod with num_gpu 0 asks for no device share");
        }
        if (pod.devices > 0 && milli == 0) {
            fail(lines.at(share.offset), "gpu_milli", shown(share.text),
                 "a pod with num_gpu " + std::to_string(pod.devices) +
                     " needs a share of at least 1 milli per device");
        }
        if (pod.devices > 1 && milli < capacity) {
            fail(lines.at(share.offset), "gpu_milli", shown(share.text),
                 "a share below a whole device (" + std::to_string(capacity) +
                     ") is for num_gpu 1 only; this pod asks for " + std::to_string(pod.devices));
        }
        pod.share = static_cast<int>(milli);
        if (header.optional_at < fields.size()) {
            const CsvField& spec = fields[header.optional_at];
            std::size_t start = 0;
            while (!spec.text.empty() && start <= spec.text.size()) {
                const std::size_t bar = std::min(spec.text.find('|', start), spec.text.size());
                const std::string_view model = spec.text.substr(start, bar - start);
                if (model.empty()) {  // "A|" or "|": empty names are ignored, as in the study
                    start = bar + 1;
                    continue;
                }
                const std::optional<int> known = cluster.model_index(model);
                if (!known) {
                    fail(lines.at(spec.offset + start), "gpu_spec", shown(model),
                         "no node has this device model" + did_you_mean(model, cluster.models));
                }
                pod.models |= std::uint64_t{1} << *known;
                start = bar + 1;
            }
        }
    }
    if (pods.empty())
        fail({path, lines.number() + 1, 1}, "name", kEndOfFile, "the file has no rows");
    return pods;
}

Problem import_alibaba_problem(const std::string& nodes_path, const std::string& pods_path) {
    const sharing::Cluster cluster = import_alibaba_nodes(nodes_path);
    const std::vector<sharing::Pod> pods = import_alibaba_pods(pods_path, cluster);
    ProblemData data = sharing::problem_data(cluster, pods);
    data.name = stem(pods_path);
    return validated(std::move(data), nodes_path, pods_path);
}

}  // namespace allocopt
