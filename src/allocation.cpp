#include "allocopt/allocation.hpp"

#include <bit>
#include <string>
#include <vector>

#include "allocopt/error.hpp"
#include "allocopt/problem.hpp"
#include "detail/text.hpp"

namespace allocopt {

namespace {

/// `[0, 3]`: the devices of a mask, as the files write them.
std::string device_list(std::uint64_t mask) {
    std::string text = "[";
    for (std::uint64_t bits = mask; bits != 0; bits &= bits - 1)
        text += (text.size() > 1 ? ", " : "") + std::to_string(std::countr_zero(bits));
    return text + "]";
}

void check_entries(const Problem& problem, const Allocation& allocation, bool require_complete) {
    const std::size_t n = problem.num_tasks();
    const std::size_t m = problem.num_resources();
    if (allocation.resource.size() != n || allocation.units.size() != n) {
        throw InputError("allocation", std::to_string(allocation.resource.size()),
                         "an allocation needs one entry per task (" + std::to_string(n) + ")");
    }
    if (!allocation.devices.empty() && allocation.devices.size() != n) {
        throw InputError(
            "allocation.devices", std::to_string(allocation.devices.size()),
            "devices are given for no task or for every task (" + std::to_string(n) + ")");
    }
    for (std::size_t i = 0; i < n; ++i) {
        const std::string key = "allocation[" + std::to_string(i) + "]";
        const Task& task = problem.task(i);
        const std::int32_t r = allocation.resource[i];
        if (r == Allocation::kUnplaced) {
            if (require_complete && !task.optional) {
                throw InputError(key, task.id, "task is not optional but has no resource");
            }
            continue;
        }
        if (r < 0 || static_cast<std::size_t>(r) >= m) {
            throw InputError(key + ".resource", std::to_string(r), "resource index out of range");
        }
        const Resource& resource = problem.resource(static_cast<std::size_t>(r));
        if (!problem.allowed(i, static_cast<std::size_t>(r))) {
            throw InputError(key + ".resource", resource.id,
                             "task '" + task.id + "' is not allowed on resource '" + resource.id +
                                 "' (see its 'allowed' list)");
        }
        const std::int32_t u = allocation.units[i];
        if (!task.units.allows(u)) {
            throw InputError(key + ".units", std::to_string(u),
                             "unit count not admissible for task '" + task.id + "'");
        }
        if (u > problem.capacity(static_cast<std::size_t>(r), 0)) {
            throw InputError(key + ".units", std::to_string(u),
                             "more units than resource '" + resource.id + "' has (" +
                                 detail::format_number(problem.capacity(r, 0)) + ")");
        }
        for (std::size_t k = 1; k < problem.num_dimensions(); ++k) {
            const double need = problem.demand(i, static_cast<std::size_t>(r), k);
            if (need > problem.capacity(static_cast<std::size_t>(r), k)) {
                throw InputError(key + ".resource", resource.id,
                                 "demand " + detail::format_number(need) + " of " +
                                     problem.dimensions()[k] + " exceeds the capacity " +
                                     detail::format_number(problem.capacity(r, k)));
            }
        }
        const std::uint64_t mask = allocation.devices_of(i);
        if (mask == 0) continue;
        const int have = resource.devices.count;
        if (task.devices.count == 0) {
            throw InputError(key + ".devices", device_list(mask),
                             "task '" + task.id + "' asks for no devices");
        }
        if (std::popcount(mask) != task.devices.count || (have < 64 && (mask >> have) != 0)) {
            throw InputError(key + ".devices", device_list(mask),
                             "task '" + task.id + "' takes " + std::to_string(task.devices.count) +
                                 " of the " + std::to_string(have) + " devices of '" + resource.id +
                                 "' (numbered from 0)");
        }
    }
}

}  // namespace

void check_decisions(const Problem& problem, const Allocation& allocation) {
    check_entries(problem, allocation, false);
}

void check_allocation(const Problem& problem, const Allocation& allocation, bool require_complete) {
    check_entries(problem, allocation, require_complete);
    const std::size_t n = problem.num_tasks(), m = problem.num_resources();
    if (problem.mode() != Mode::packing) return;
    // Add tasks in order and name the first whose placement overflows a resource.
    const std::size_t d = problem.num_dimensions();
    std::vector<double> used(m * d, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        if (!allocation.placed(i)) continue;
        const auto r = static_cast<std::size_t>(allocation.resource[i]);
        for (std::size_t k = 0; k < d; ++k) {
            double& total = used[r * d + k];
            total += k == 0 ? allocation.units[i] : problem.demand(i, r, k);
            if (total > problem.capacity(r, k) * (1 + 1e-12)) {
                throw InputError(
                    "allocation[" + std::to_string(i) + "]", problem.resource(r).id,
                    "with task '" + problem.task(i).id + "', the tasks placed on '" +
                        problem.resource(r).id + "' need " + detail::format_number(total) + " " +
                        problem.dimensions()[k] + " but it has " +
                        detail::format_number(problem.capacity(r, k)) + " (packing mode)");
            }
        }
    }
    if (!problem.has_devices()) return;
    // Every placed task that asks for devices names them, and no device is over its capacity.
    std::vector<int> carried(problem.device_offset(m), 0);
    for (std::size_t i = 0; i < n; ++i) {
        const DeviceRequest& want = problem.task(i).devices;
        if (!allocation.placed(i) || want.count == 0) continue;
        const auto r = static_cast<std::size_t>(allocation.resource[i]);
        const std::uint64_t mask = allocation.devices_of(i);
        const std::string key = "allocation[" + std::to_string(i) + "].devices";
        if (mask == 0) {
            throw InputError(key, "[]",
                             "task '" + problem.task(i).id + "' asks for " +
                                 std::to_string(want.count) + " devices but names none");
        }
        const Devices& have = problem.resource(r).devices;
        for (std::uint64_t bits = mask; bits != 0; bits &= bits - 1) {
            const int device = std::countr_zero(bits);
            int& total = carried[problem.device_offset(r) + static_cast<std::size_t>(device)];
            total += want.share;
            if (total > have.capacity) {
                throw InputError(key, device_list(mask),
                                 "with task '" + problem.task(i).id + "', device " +
                                     std::to_string(device) + " of '" + problem.resource(r).id +
                                     "' carries " + std::to_string(total) + " but holds " +
                                     std::to_string(have.capacity));
            }
        }
    }
}

}  // namespace allocopt
