// The MPI pool of the CLI (cli/mpi.hpp): the session, rank 0's pool and the workers' loop.
// Built with and without MPI; without it (ALLOCOPT_HAVE_MPI unset) nothing here calls MPI.

#include "cli/mpi.hpp"

#include <climits>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "allocopt/error.hpp"
#include "cli/common.hpp"

#if ALLOCOPT_HAVE_MPI
#include <mpi.h>
#endif

namespace allocopt::cli {

namespace {

// The number of ranks the launcher's environment announces; 1 when none does.
long ranks_in_environment() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MV2_COMM_WORLD_SIZE"}) {
        const char* value = std::getenv(name);
        if (!value) continue;
        char* end = nullptr;
        const long n = std::strtol(value, &end, 10);
        if (end != value && *end == '\0' && n > 1) return n;
    }
    return 1;
}

#if ALLOCOPT_HAVE_MPI
// Rank 0 sends kJob and kStop; a worker answers a job with kReply or kError.
constexpr int kJobTag = 1;
constexpr int kReplyTag = 2;
constexpr int kErrorTag = 3;
constexpr int kStopTag = 4;

void send(const std::string& text, int to, int tag) {
    MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

// Receives the next message from `from` (or MPI_ANY_SOURCE), whatever its length and tag.
std::string receive(int from, MPI_Status& status) {
    MPI_Probe(from, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    int count = 0;
    MPI_Get_count(&status, MPI_CHAR, &count);
    std::string text(static_cast<std::size_t>(count), '\0');
    MPI_Recv(text.data(), count, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    return text;
}

bool fits_a_message(const std::string& text) {
    return text.size() <= INT_MAX;
}
#endif

}  // namespace

bool launched_by_mpirun() {
    return ranks_in_environment() > 1;
}

MpiSession::MpiSession() {
    const long expected = ranks_in_environment();
    if (expected == 1) return;
#if ALLOCOPT_HAVE_MPI
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    active_ = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    if (size_ == 1) {
        // Every rank started as a singleton: each would run the whole command on its own.
        MPI_Finalize();
        active_ = false;
        throw InputError("mpirun", std::to_string(expected) + " ranks",
                         "MPI started this process alone although the launcher announced "
                         "several ranks; run allocopt with the mpirun of the MPI it was built "
                         "with");
    }
#else
    throw InputError("mpirun", std::to_string(expected) + " ranks",
                     "this allocopt was built without MPI (ALLOCOPT_WITH_MPI); run it without "
                     "mpirun, or rebuild it with Open MPI installed (libopenmpi-dev)");
#endif
}

MpiSession::~MpiSession() {
#if ALLOCOPT_HAVE_MPI
    if (!active_) return;
    if (peers_) {
        // The other ranks may be waiting in a migration for this one: only an abort ends them.
        if (islands_running_) {
            std::cerr << "allocopt: error: MPI rank " << rank_
                      << " left the island run before it ended; ending the MPI job\n";
            MPI_Abort(MPI_COMM_WORLD, kInternal);
        }
        MPI_Finalize();
        return;
    }
    // Two ways to leave that MPI_Finalize cannot end, since it waits for every rank: rank 0 left
    // by an exception run() does not handle (out of memory while receiving), with workers
    // perhaps blocked sending replies nobody will receive; or a worker that left before rank 0
    // told it to stop (its work set up outside serve_mpi_jobs failed, or receiving failed),
    // while rank 0 waits for its reply. Aborting makes mpirun end every rank.
    if (rank_ == 0 && in_flight_ > 0) {
        std::cerr << "allocopt: error: MPI rank 0 left with " << in_flight_
                  << " jobs outstanding; ending the MPI job\n";
        MPI_Abort(MPI_COMM_WORLD, kInternal);
    }
    if (rank_ != 0 && !stopped_) {
        std::cerr << "allocopt: error: MPI rank " << rank_
                  << " left before rank 0 told it to stop; ending the MPI job\n";
        MPI_Abort(MPI_COMM_WORLD, kInternal);
    }
    finish();
    MPI_Finalize();
#endif
}

void MpiSession::finish() {
    if (!active_ || rank_ != 0 || finished_ || peers_) return;
    finished_ = true;
#if ALLOCOPT_HAVE_MPI
    for (int worker = 1; worker < size_; ++worker)
        send(std::string(), worker, kStopTag);
#endif
}

class MpiPool final : public RunPool {
  public:
    explicit MpiPool(MpiSession& session) : session_(session) {}
    int size() const override { return session_.size() - 1; }
    void run(const std::vector<std::string>& jobs, const PoolDone& done) override;

  private:
    MpiSession& session_;
};

void MpiPool::run([[maybe_unused]] const std::vector<std::string>& jobs,
                  [[maybe_unused]] const PoolDone& done) {
    if (session_.finished_) throw std::logic_error("MPI pool: run() after the session's finish()");
#if ALLOCOPT_HAVE_MPI
    for (std::size_t i = 0; i < jobs.size(); ++i)
        if (!fits_a_message(jobs[i]))
            throw std::length_error("MPI pool: job " + std::to_string(i) + " has " +
                                    std::to_string(jobs[i].size()) +
                                    " bytes, more than an MPI message can hold");

    constexpr std::size_t kIdle = static_cast<std::size_t>(-1);
    std::vector<std::size_t> holds(static_cast<std::size_t>(session_.size_), kIdle);
    std::size_t next = 0;
    std::exception_ptr failure;
    const auto hand_out = [&](int worker) {
        send(jobs[next], worker, kJobTag);
        holds[static_cast<std::size_t>(worker)] = next++;
        ++session_.in_flight_;
    };
    for (int worker = 1; worker < session_.size_ && next < jobs.size(); ++worker)
        hand_out(worker);
    while (session_.in_flight_ > 0) {
        MPI_Status status;
        const std::string reply = receive(MPI_ANY_SOURCE, status);
        --session_.in_flight_;
        const int worker = status.MPI_SOURCE;
        const std::size_t index = std::exchange(holds[static_cast<std::size_t>(worker)], kIdle);
        if (failure) continue;  // draining after a failure
        if (status.MPI_TAG == kErrorTag) {
            failure = std::make_exception_ptr(
                std::runtime_error("MPI rank " + std::to_string(worker) + " failed job " +
                                   std::to_string(index) + ": " + reply));
            continue;
        }
        try {
            done(index, reply);
        } catch (...) {
            failure = std::current_exception();
            continue;
        }
        if (next < jobs.size()) hand_out(worker);
    }
    if (failure) std::rethrow_exception(failure);
#endif
}

MpiIslands::MpiIslands(MpiSession& session) : session_(session) {
    if (!session.active() || !session.peers_)
        throw std::invalid_argument("MpiIslands: needs an active MPI session of peers");
    session.islands_running_ = true;
}

std::vector<std::uint32_t> MpiIslands::local(std::uint32_t islands) const {
    if (islands != static_cast<std::uint32_t>(session_.size()))
        throw std::invalid_argument("MpiIslands: " + std::to_string(islands) + " islands on " +
                                    std::to_string(session_.size()) + " ranks");
    return {static_cast<std::uint32_t>(session_.rank())};
}

std::vector<IslandReport> MpiIslands::exchange([[maybe_unused]] std::vector<IslandReport> mine,
                                               std::uint32_t islands) {
    std::vector<IslandReport> all;
#if ALLOCOPT_HAVE_MPI
    const std::string bytes = mine.size() == 1 ? encode(mine.front()) : std::string();
    if (!fits_a_message(bytes))
        throw std::length_error("MPI islands: a report of " + std::to_string(bytes.size()) +
                                " bytes, more than an MPI message can hold");
    const int n = session_.size();
    std::vector<int> sizes(static_cast<std::size_t>(n)), offsets(static_cast<std::size_t>(n));
    const int size = static_cast<int>(bytes.size());
    MPI_Allgather(&size, 1, MPI_INT, sizes.data(), 1, MPI_INT, MPI_COMM_WORLD);
    long long total = 0;
    for (int r = 0; r < n; ++r) {
        offsets[static_cast<std::size_t>(r)] = static_cast<int>(total);
        total += sizes[static_cast<std::size_t>(r)];
        if (total > INT_MAX)
            throw std::length_error("MPI islands: the reports of one migration exceed 2 GiB");
    }
    std::string gathered(static_cast<std::size_t>(total), '\0');
    MPI_Allgatherv(bytes.data(), size, MPI_CHAR, gathered.data(), sizes.data(), offsets.data(),
                   MPI_CHAR, MPI_COMM_WORLD);
    for (int r = 0; r < n; ++r) {
        const auto k = static_cast<std::size_t>(r);
        all.push_back(decode(std::string_view(gathered).substr(
            static_cast<std::size_t>(offsets[k]), static_cast<std::size_t>(sizes[k]))));
        if (all.back().island != static_cast<std::uint32_t>(r))
            throw std::runtime_error("MPI islands: rank " + std::to_string(r) +
                                     " sent the report of island " +
                                     std::to_string(all.back().island));
    }
#endif
    if (all.size() != islands)
        throw std::logic_error("MPI islands: " + std::to_string(all.size()) + " reports for " +
                               std::to_string(islands) + " islands");
    return all;
}

std::string MpiIslands::describe(int) const {
    return std::to_string(session_.size()) + " MPI ranks";
}

std::unique_ptr<RunPool> make_mpi_pool(MpiSession& session) {
    if (!session.active() || session.rank() != 0 || session.size() < 2)
        throw std::invalid_argument(
            "make_mpi_pool: needs rank 0 of an MPI job of at least 2 ranks, this is rank " +
            std::to_string(session.rank()) + " of " + std::to_string(session.size()));
    return std::make_unique<MpiPool>(session);
}

void serve_mpi_jobs(MpiSession& session, [[maybe_unused]] const PoolWork& work) {
    if (!session.active() || session.rank() == 0)
        throw std::invalid_argument(
            "serve_mpi_jobs: needs a rank other than 0 of an MPI job, this is rank " +
            std::to_string(session.rank()) + " of " + std::to_string(session.size()));
#if ALLOCOPT_HAVE_MPI
    for (;;) {
        MPI_Status status;
        const std::string job = receive(0, status);
        if (status.MPI_TAG == kStopTag) {
            session.stopped_ = true;
            return;
        }
        std::string reply;
        int tag = kReplyTag;
        try {
            reply = work(job);
            if (!fits_a_message(reply))
                throw std::length_error("its reply has " + std::to_string(reply.size()) +
                                        " bytes, more than an MPI message can hold");
        } catch (const std::exception& e) {
            reply = e.what();
            tag = kErrorTag;
        } catch (...) {
            reply = "unknown exception";
            tag = kErrorTag;
        }
        send(reply, 0, tag);
    }
#endif
}

}  // namespace allocopt::cli
