// The CLI's MPI pool (src/cli/mpi.hpp) across real ranks. Run as
//   mpirun --oversubscribe --allow-run-as-root -np 3 mpi_pool_test MODE
// (tests/CMakeLists.txt registers one ctest per mode). Ranks 1 and 2 serve jobs, replying
// each job reversed after sleeping a few milliseconds drawn from the job and the rank, so
// that replies come back out of order; rank 0 checks what its pool hands back:
//   replies     - every reply arrives exactly once, with the right content, over successive
//                 run() calls on one pool (20 jobs, 1 job, none);
//   error       - a job whose work throws makes run() throw the worker's message and rank; an
//                 exception thrown by `done` is rethrown; the pool serves a later run() again;
//   early_exit  - rank 0 fails (an exception unwinding through the session) before it makes a
//                 pool: the session's destructor still stops the workers, so every rank ends;
//   worker_exit - rank 1 leaves without serving while rank 0 waits for its reply: its session
//                 aborts the MPI job, so every rank ends (with that message, exit code 3).
// Except in worker_exit, the job exits 0 only when every check held and every rank ended: a
// failed check makes rank 0 exit 1, and mpirun then exits non-zero.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "allocopt/error.hpp"
#include "cli/mpi.hpp"

namespace {

using allocopt::RunPool;
using namespace allocopt::cli;

int failures = 0;

void check(bool ok, const std::string& what) {
    if (ok) return;
    std::cerr << "mpi_pool_test: FAILED: " << what << '\n';
    ++failures;
}

std::string reversed(std::string text) {
    std::reverse(text.begin(), text.end());
    return text;
}

// A worker's work: the job reversed, after 0-12 ms; a job "throw:MESSAGE" throws MESSAGE.
std::string work(int rank, const std::string& job) {
    const std::size_t draw = std::hash<std::string>{}(job) + 7919u * static_cast<unsigned>(rank);
    std::this_thread::sleep_for(std::chrono::milliseconds(draw % 13));
    if (job.rfind("throw:", 0) == 0) throw std::runtime_error(job.substr(6));
    return reversed(job);
}

std::vector<std::string> make_jobs(std::size_t count, const std::string& prefix) {
    std::vector<std::string> jobs;
    for (std::size_t i = 0; i < count; ++i)
        jobs.push_back(prefix + std::to_string(i) + std::string(i * 37, 'x') + "|end");
    return jobs;
}

// Runs `jobs` on `pool` and checks that each reply came once and is its job reversed.
void run_and_check(RunPool& pool, const std::vector<std::string>& jobs, const std::string& name) {
    std::vector<int> seen(jobs.size(), 0);
    std::vector<std::size_t> order;
    pool.run(jobs, [&](std::size_t index, const std::string& reply) {
        check(index < jobs.size(), name + ": index " + std::to_string(index) + " out of range");
        if (index >= jobs.size()) return;
        ++seen[index];
        order.push_back(index);
        check(reply == reversed(jobs[index]),
              name + ": wrong reply for job " + std::to_string(index) + ": '" + reply + "'");
    });
    for (std::size_t i = 0; i < jobs.size(); ++i)
        check(seen[i] == 1, name + ": job " + std::to_string(i) + " replied " +
                                std::to_string(seen[i]) + " times");
    std::cout << name << ": " << order.size() << " replies, "
              << (std::is_sorted(order.begin(), order.end()) ? "in order" : "out of order") << '\n';
}

// `body` must throw an exception whose message contains every string of `expected`.
void check_throws(const std::function<void()>& body, const std::vector<std::string>& expected,
                  const std::string& name) {
    try {
        body();
    } catch (const std::exception& e) {
        const std::string message = e.what();
        for (const std::string& part : expected)
            check(message.find(part) != std::string::npos,
                  name + ": message '" + message + "' lacks '" + part + "'");
        return;
    }
    check(false, name + ": run() did not throw");
}

void replies(MpiSession& session) {
    const auto pool = make_mpi_pool(session);
    check(pool->size() == 2, "pool size " + std::to_string(pool->size()) + ", expected 2");
    run_and_check(*pool, make_jobs(20, "first-"), "run 1 (20 jobs)");
    run_and_check(*pool, make_jobs(1, "second-"), "run 2 (1 job)");
    run_and_check(*pool, {}, "run 3 (no jobs)");
}

void error(MpiSession& session) {
    const auto pool = make_mpi_pool(session);
    std::vector<std::string> jobs = make_jobs(10, "job-");
    jobs[4] = "throw:the solver ran out of patience";
    check_throws([&] { pool->run(jobs, [](std::size_t, const std::string&) {}); },
                 {"the solver ran out of patience", "MPI rank ", "job 4"}, "work throws");
    check_throws(
        [&] {
            pool->run(make_jobs(10, "done-"), [](std::size_t index, const std::string&) {
                if (index == 3) throw std::logic_error("done refused job 3");
            });
        },
        {"done refused job 3"}, "done throws");
    run_and_check(*pool, make_jobs(6, "after-"), "run after the errors");
}

// What a command does with a problem file it cannot read: throw, before any pool exists.
void early_exit(MpiSession&) {
    throw allocopt::InputError("problem", "missing.yaml", "cannot open the file");
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc == 2 ? argv[1] : "";
    if (mode != "replies" && mode != "error" && mode != "early_exit" && mode != "worker_exit") {
        std::cerr << "usage: mpirun -np 3 mpi_pool_test replies|error|early_exit|worker_exit\n";
        return 2;
    }
    int rank = -1;
    try {
        MpiSession session;
        rank = session.rank();
        if (session.size() != 3 || !launched_by_mpirun()) {
            std::cerr << "mpi_pool_test: run under mpirun -np 3 (size " << session.size() << ")\n";
            return 2;
        }
        if (rank != 0) {
            if (mode == "worker_exit" && rank == 1) return 1;  // as if its setup had failed
            serve_mpi_jobs(session, [rank](const std::string& job) { return work(rank, job); });
            return 0;
        }
        if (mode == "replies" || mode == "worker_exit") replies(session);
        if (mode == "error") error(session);
        if (mode == "early_exit") early_exit(session);
    } catch (const allocopt::InputError& e) {
        // early_exit: the session is gone, so the workers were told to stop on the way here.
        if (mode != "early_exit" || rank != 0) {
            std::cerr << "mpi_pool_test: rank " << rank << ": " << e.what() << '\n';
            return 1;
        }
        std::cout << "early_exit: rank 0 left with '" << e.what() << "'\n";
    } catch (const std::exception& e) {
        std::cerr << "mpi_pool_test: rank " << rank << ": " << e.what() << '\n';
        return 1;
    }
    if (failures > 0) return 1;
    std::cout << "mpi_pool_test " << mode << ": rank " << rank << " passed\n";
    return 0;
}
