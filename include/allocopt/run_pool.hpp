#pragma once
// Pools that run many independent jobs at once: the tuner's solver runs (allocopt/tune.hpp), on
// threads of this process (make_thread_pool) or on other MPI ranks (the CLI's MPI pool). Jobs
// and replies are text, so that a pool can send them to another process unchanged; what the
// text means is the caller's business.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace allocopt {

/// What a worker does with one job: its reply. May throw; the pool then rethrows the first
/// exception from run(), after the jobs already started have ended.
using PoolWork = std::function<std::string(const std::string& job)>;

/// Called once per job as it finishes, on the thread that called RunPool::run(), in the order
/// the jobs finish (not the order given): `index` is the job's position in run()'s vector.
using PoolDone = std::function<void(std::size_t index, const std::string& reply)>;

class RunPool {
  public:
    virtual ~RunPool() = default;
    /// How many jobs run at once.
    virtual int size() const = 0;
    /// Runs every job of `jobs` and returns when all have finished (or after the first
    /// exception, see PoolWork). `done` is called for each reply as it arrives; an exception
    /// thrown by `done` stops the pool from starting further jobs, waits for those running
    /// and is rethrown.
    virtual void run(const std::vector<std::string>& jobs, const PoolDone& done) = 0;
};

/// A pool of `workers` threads (>= 1) calling `work`, which must be safe to call from several
/// threads at once. Throws std::invalid_argument for workers < 1.
std::unique_ptr<RunPool> make_thread_pool(int workers, PoolWork work);

}  // namespace allocopt
