// Preloaded into the ranks of tests/tune/mpi_tune.sh's bad-input step (LD_PRELOAD, so it
// wraps MPI_Finalize through MPI's profiling interface): rank 0 sleeps 2 s after finalising.
// That makes rank 0 the slowest rank at the end of the job, as it sometimes is on a loaded
// machine, so a message that rank 0 writes only after its session ended is lost every time
// (mpirun kills rank 0 once a worker exits non-zero) instead of now and then.
#include <unistd.h>
#include <cstdlib>
#include <cstring>

extern "C" int PMPI_Finalize();

extern "C" int MPI_Finalize() {
    const int result = PMPI_Finalize();
    const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
    if (rank && std::strcmp(rank, "0") == 0) usleep(2000000);
    return result;
}
