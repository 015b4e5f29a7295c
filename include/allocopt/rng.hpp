#pragma once
// Randomness that is a function of (seed, stream) alone: SplitMix64 with our own uniform
// draws, so that results do not depend on the standard library or on thread ids.

#include <cstdint>
#include <stdexcept>

namespace allocopt {

class Rng {
  public:
    /// Stream `stream` of seed `seed` (e.g. stream = generation or individual index).
    explicit Rng(std::uint64_t seed, std::uint64_t stream = 0)
        : state_(seed * 0x9E3779B97F4A7C15ULL ^ (stream + 0xD1B54A32D192ED03ULL)) {
        next();
    }

    /// Bounds of a keyed stream's generation and index (see keyed()).
    static constexpr unsigned kIndexBits = 20, kGenerationBits = 36;
    static constexpr std::uint64_t kIndices = std::uint64_t{1} << kIndexBits;
    static constexpr std::uint64_t kGenerations = std::uint64_t{1} << kGenerationBits;

    /// The stream of seed `seed` keyed by (purpose, generation, index), with generation below
    /// kGenerations and index below kIndices (else throws std::out_of_range): e.g. the brood's
    /// child b of generation g, or the top-up copy i.
    ///
    /// Distinct keys give distinct streams. The key is packed into one 64-bit word without
    /// loss: purpose in the top 8 bits, generation in the next 36, index in the low 20. The
    /// word goes through the SplitMix64 finaliser, a bijection of 64-bit words (each xor-shift
    /// and each multiplication by an odd constant can be undone), and the constructor's mix
    /// is, for a fixed seed, a bijection of the stream number. So two keys of one seed start
    /// from the same state only when they are equal. The finaliser scatters the starts over
    /// SplitMix64's one cycle, so that neighbouring keys do not start a few steps apart on it.
    /// A keyed stream may meet a plain stream number of the same seed: a search that keys
    /// its streams keys them all.
    static Rng keyed(std::uint64_t seed, std::uint8_t purpose, std::uint64_t generation,
                     std::uint64_t index) {
        if (generation >= kGenerations || index >= kIndices)
            throw std::out_of_range("Rng::keyed: generation or index out of range");
        const std::uint64_t key = std::uint64_t{purpose} << (kGenerationBits + kIndexBits) |
                                  generation << kIndexBits | index;
        return Rng(seed, finalise(key));
    }

    std::uint64_t next() { return finalise(state_ += 0x9E3779B97F4A7C15ULL); }
    /// Uniform in [0, n), n > 0 (Lemire's multiply-shift; the bias is below 2^-32 for the
    /// sizes used here).
    std::uint64_t below(std::uint64_t n) {
        __extension__ using Wide = unsigned __int128;
        return static_cast<std::uint64_t>((static_cast<Wide>(next()) * n) >> 64);
    }
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  private:
    /// SplitMix64's output function: a bijection of 64-bit words.
    static constexpr std::uint64_t finalise(std::uint64_t z) {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    std::uint64_t state_;
};

}  // namespace allocopt
