#pragma once
// The InputError an importer throws, for the tests of the importers' refusals.

#include <gtest/gtest.h>

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

}  // namespace allocopt
