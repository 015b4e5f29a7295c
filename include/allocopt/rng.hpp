#pragma once
// Randomness that is a function of (seed, stream) alone: SplitMix64 with our own uniform
// draws, so that results do not depend on the standard library or on thread ids.

#include <cstdint>

namespace allocopt {

class Rng {
  public:
    /// Stream `stream` of seed `seed` (e.g. stream = generation or individual index).
    explicit Rng(std::uint64_t seed, std::uint64_t stream = 0)
        : state_(seed * 0x9E3779B97F4A7C15ULL ^ (stream + 0xD1B54A32D192ED03ULL)) {
        next();
    }

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, n), n > 0 (Lemire's multiply-shift; the bias is below 2^-32 for the
    /// sizes used here).
    std::uint64_t below(std::uint64_t n) {
        __extension__ using Wide = unsigned __int128;
        return static_cast<std::uint64_t>((static_cast<Wide>(next()) * n) >> 64);
    }
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  private:
    std::uint64_t state_;
};

}  // namespace allocopt
