#pragma once
// Running the CLI under `mpirun -np K`: rank 0 hands jobs (text) to ranks 1..K-1 through a
// RunPool, which the tuner uses like the thread pool. Compiled in every build; in a build
// without MPI (ALLOCOPT_HAVE_MPI unset) a session is never active and the functions refuse
// what needs MPI, so that `mpirun -np 3 allocopt tune` is refused instead of running three
// unrelated tunes that overwrite one another's state file.
//
// The protocol: rank 0 sends a worker one job at a time and the next one as soon as that
// worker replies; a worker replies with the work's result, or with an error (what() of the
// exception its work threw) under its own tag. Rank 0 tells the workers to stop once, when
// the session ends (MpiSession::finish or the destructor), so one pool can run() many batches.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "allocopt/islands.hpp"
#include "allocopt/run_pool.hpp"

namespace allocopt::cli {

/// Whether the environment says that this process is one of several ranks of an MPI job:
/// OMPI_COMM_WORLD_SIZE (Open MPI), PMI_SIZE (MPICH's hydra, Intel MPI, Slurm's PMI) or
/// MV2_COMM_WORLD_SIZE (MVAPICH) above 1. Reads only the environment, so a build without MPI
/// can tell too. `mpirun -np 1` gives false: a single rank runs as a plain process.
bool launched_by_mpirun();

class MpiPool;

/// MPI for the life of one command (RAII). Initialises MPI (MPI_THREAD_FUNNELED: only the
/// thread that made the session calls MPI; OpenMP threads may exist beside it) only when
/// launched_by_mpirun(); otherwise the session is inactive, rank() is 0 and size() is 1, and
/// the command runs as one process.
///
/// The destructor, on rank 0, tells every worker to stop unless finish() already did, then
/// finalises MPI; so rank 0 leaving early (bad input, an exception unwinding through the
/// session) still ends ranks 1..K-1 waiting in serve_mpi_jobs. Where finalising would wait
/// forever, the destructor writes why to stderr and calls MPI_Abort (exit code 3), which ends
/// every rank: a worker leaving before rank 0 told it to stop, or rank 0 leaving in the middle
/// of a run(). So a worker should do nothing that can fail before serve_mpi_jobs: what fails
/// inside its work reaches rank 0 as that job's error, with the message. Rank 0 should write
/// its own error message before the session ends: workers released by the destructor may exit
/// non-zero at once (their setup failed on the same bad input), and mpirun then kills rank 0,
/// losing a message written later. Only one session may exist in a process, and only once
/// (MPI cannot be initialised twice).
///
/// Throws InputError (exit code 2 in the CLI) when launched_by_mpirun() but this build has
/// no MPI, or when the MPI job it joins has a single rank although the environment names
/// several (an mpirun of another MPI implementation than the one allocopt was built with).
class MpiSession {
  public:
    MpiSession();
    ~MpiSession();
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;

    /// Whether MPI was initialised (several ranks, a build with MPI).
    bool active() const noexcept { return active_; }
    /// This process's rank in MPI_COMM_WORLD; 0 when inactive.
    int rank() const noexcept { return rank_; }
    /// The number of ranks; 1 when inactive.
    int size() const noexcept { return size_; }

    /// On rank 0 of an active session: tells every worker to stop (serve_mpi_jobs returns).
    /// Idempotent; does nothing elsewhere. No pool of this session may run() afterwards.
    void finish();

    /// Makes this a session of peers (islands: every rank runs one), with no jobs and no
    /// stop messages: the session then ends with a plain MPI_Finalize on every rank, unless
    /// an MpiIslands network was made and not completed. Call it on every rank, before
    /// anything that may fail on some ranks and not on others.
    void peers() { peers_ = true; }

  private:
    friend class MpiPool;
    friend class MpiIslands;
    friend void serve_mpi_jobs(MpiSession& session, const PoolWork& work);
    bool active_ = false;
    bool finished_ = false;  ///< rank 0: the workers were told to stop
    bool stopped_ = false;   ///< a worker: rank 0 told it to stop
    int rank_ = 0;
    int size_ = 1;
    int in_flight_ = 0;             ///< jobs sent whose replies a pool has not received yet
    bool peers_ = false;            ///< peers(): ranks side by side, no jobs
    bool islands_running_ = false;  ///< an MpiIslands network exists and was not completed
};

/// The islands of `solve --islands K` under `mpirun -np K`: rank r runs island r, and every
/// migration is an all-gather of the islands' reports (IslandReport's bytes), so that every
/// rank takes the same decisions. From its construction until complete(), a rank that leaves
/// (an exception unwinding through the session) writes why to stderr and calls MPI_Abort,
/// which ends every rank: no rank is left waiting in a migration. A rank that dies (a signal)
/// makes mpirun end the job. Throws std::invalid_argument unless the session is an active
/// session of peers().
class MpiIslands final : public IslandNetwork {
  public:
    explicit MpiIslands(MpiSession& session);
    std::vector<std::uint32_t> local(std::uint32_t islands) const override;
    std::vector<IslandReport> exchange(std::vector<IslandReport> mine,
                                       std::uint32_t islands) override;
    std::string describe(int threads) const override;
    /// The run ended on this rank as on every other (solve_islands returned): the session may
    /// end normally.
    void complete() { session_.islands_running_ = false; }

  private:
    MpiSession& session_;
};

/// On rank 0: a pool of size() - 1 workers, ranks 1..K-1. run() sends each idle worker one
/// job and the next job to whichever worker replies first, calling `done` on this thread as
/// replies arrive. When a worker's work throws, or `done` throws, run() hands out no further
/// jobs, receives the replies still outstanding (without calling `done` for them) and throws:
/// std::runtime_error naming the worker's rank and its message, or what `done` threw. A job
/// of 2 GiB or more (MPI counts in int) makes run() throw std::length_error before it sends
/// anything; such a reply comes back as the worker's error. The pool must not outlive
/// `session`, and run() throws std::logic_error after session.finish().
/// Throws std::invalid_argument unless this is rank 0 of an active session (size() >= 2).
std::unique_ptr<RunPool> make_mpi_pool(MpiSession& session);

/// On ranks >= 1: receives jobs from rank 0 and replies work(job) to each (or the error
/// marker and what() when `work` throws), until rank 0 says stop; then returns. `work` runs
/// on this thread. Throws std::invalid_argument unless the session is active and this is not
/// rank 0.
void serve_mpi_jobs(MpiSession& session, const PoolWork& work);

}  // namespace allocopt::cli
