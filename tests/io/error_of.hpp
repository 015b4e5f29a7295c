#pragma once
// The InputError an importer throws, for the tests of the importers' refusals.

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "allocopt/error.hpp"

namespace allocopt {

/// The InputError `import()` throws; a test failure (and an empty error) when it throws none.
template <typename Import>
InputError error_of(Import&& import) {
    try {
        std::forward<Import>(import)();
    } catch (const InputError& error) {
        return error;
    }
    ADD_FAILURE() << "expected an InputError";
    return InputError("", "", "(no error)");
}

/// Checks that `e` is positioned at file:line:column and names `key` and `value`.
inline void expect_at(const InputError& e, const std::string& file, int line, int column,
                      const std::string& key, const std::string& value) {
    SCOPED_TRACE(e.what());
    EXPECT_EQ(e.position().file, file);
    EXPECT_EQ(e.position().line, line);
    EXPECT_EQ(e.position().column, column);
    EXPECT_EQ(e.key(), key);
    EXPECT_EQ(e.value(), value);
}

}  // namespace allocopt
