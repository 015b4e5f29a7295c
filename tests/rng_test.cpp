// Rng's keyed streams: distinct (purpose, generation, index) keys of one seed never share a
// stream (the old "generation * 1024 + child" numbering did once a brood passed 1024), the
// same key and seed give the same draws, and keys out of range are refused.

#include "allocopt/rng.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <stdexcept>

namespace allocopt {
namespace {

std::uint64_t first_draw(std::uint64_t seed, std::uint8_t purpose, std::uint64_t generation,
                         std::uint64_t index) {
    return Rng::keyed(seed, purpose, generation, index).next();
}

TEST(Rng, DistinctKeysGiveDistinctStreams) {
    // Each key's first draw is a bijection of its starting state: equal first draws would mean
    // a shared stream. The values sit at the edges of each field and at the old scheme's
    // collisions: (generation 1, child 1024) was (generation 2, child 0).
    const std::uint64_t generations[] = {
        0, 1, 2, 3, 1023, 1024, 1025, 4096, 1 << 20, 1 << 30, Rng::kGenerations - 1};
    const std::uint64_t indices[] = {0, 1, 2, 1023, 1024, 1025, 4096, 10000, Rng::kIndices - 1};
    for (const std::uint64_t seed : {0ULL, 1ULL, 42ULL}) {
        std::set<std::uint64_t> draws;
        std::size_t keys = 0;
        for (std::uint8_t purpose = 0; purpose < 8; ++purpose) {
            for (const std::uint64_t g : generations) {
                for (const std::uint64_t i : indices) {
                    draws.insert(first_draw(seed, purpose, g, i));
                    ++keys;
                }
            }
        }
        EXPECT_EQ(draws.size(), keys) << "seed " << seed;
    }
}

TEST(Rng, TheSameKeyAndSeedGiveTheSameDraws) {
    Rng a = Rng::keyed(7, 3, 1234, 56), b = Rng::keyed(7, 3, 1234, 56);
    for (int k = 0; k < 100; ++k)
        EXPECT_EQ(a.next(), b.next());
    EXPECT_NE(first_draw(7, 3, 1234, 56), first_draw(8, 3, 1234, 56));
}

TEST(Rng, KeysOutOfRangeAreRefused) {
    EXPECT_THROW(Rng::keyed(1, 1, Rng::kGenerations, 0), std::out_of_range);
    EXPECT_THROW(Rng::keyed(1, 1, 0, Rng::kIndices), std::out_of_range);
    EXPECT_NO_THROW(Rng::keyed(1, 255, Rng::kGenerations - 1, Rng::kIndices - 1));
}

}  // namespace
}  // namespace allocopt
