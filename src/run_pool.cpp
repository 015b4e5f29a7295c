// make_thread_pool (allocopt/run_pool.hpp): worker threads taking the next job from a shared
// index; replies handed to the caller's thread through a queue, so that `done` (which writes
// journals and decides) never runs concurrently with itself.

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "allocopt/run_pool.hpp"

namespace allocopt {

namespace {

class ThreadPool final : public RunPool {
  public:
    ThreadPool(int workers, PoolWork work) : workers_(workers), work_(std::move(work)) {}

    int size() const override { return workers_; }

    void run(const std::vector<std::string>& jobs, const PoolDone& done) override {
        if (jobs.empty()) return;
        std::mutex mutex;
        std::condition_variable ready;
        std::deque<std::pair<std::size_t, std::string>> replies;
        std::size_t next = 0, finished = 0;
        bool stop = false;
        std::exception_ptr failure;

        auto worker = [&] {
            for (;;) {
                std::size_t i = 0;
                {
                    std::lock_guard lock(mutex);
                    if (stop || next == jobs.size()) return;
                    i = next++;
                }
                std::string reply;
                std::exception_ptr error;
                try {
                    reply = work_(jobs[i]);
                } catch (...) {
                    error = std::current_exception();
                }
                std::lock_guard lock(mutex);
                if (error) {
                    if (!failure) failure = error;
                    stop = true;
                } else {
                    replies.emplace_back(i, std::move(reply));
                }
                ++finished;
                ready.notify_one();
            }
        };
        const std::size_t count =
            std::min<std::size_t>(static_cast<std::size_t>(workers_), jobs.size());
        std::vector<std::thread> threads;
        threads.reserve(count);
        for (std::size_t t = 0; t < count; ++t)
            threads.emplace_back(worker);

        std::exception_ptr from_done;
        std::unique_lock lock(mutex);
        for (;;) {
            ready.wait(lock, [&] {
                return !replies.empty() || (finished == next && (stop || next == jobs.size()));
            });
            if (replies.empty()) break;  // every started job has ended
            auto [index, reply] = std::move(replies.front());
            replies.pop_front();
            if (from_done) continue;  // after a failure of `done`, only drain
            lock.unlock();
            try {
                done(index, reply);
            } catch (...) {
                from_done = std::current_exception();
            }
            lock.lock();
            if (from_done) stop = true;
        }
        lock.unlock();
        for (std::thread& t : threads)
            t.join();
        if (failure) std::rethrow_exception(failure);
        if (from_done) std::rethrow_exception(from_done);
    }

  private:
    int workers_;
    PoolWork work_;
};

}  // namespace

std::unique_ptr<RunPool> make_thread_pool(int workers, PoolWork work) {
    if (workers < 1)
        throw std::invalid_argument("make_thread_pool: workers must be >= 1, got " +
                                    std::to_string(workers));
    return std::make_unique<ThreadPool>(workers, std::move(work));
}

}  // namespace allocopt
