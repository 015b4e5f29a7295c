# Finds COIN-OR CLP (Debian: coinor-libclp-dev), the LP solver of allocopt's LP lower bounds
# (src/bounds.cpp), and defines the imported target Clp::Clp (libClp with libCoinUtils). Uses
# pkg-config's clp when pkg-config is there, and searches the usual places otherwise. Installed
# with allocopt's package config, so that consumers of the static library find it the same way.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
    pkg_check_modules(PC_CLP QUIET clp)
endif()
find_path(Clp_INCLUDE_DIR NAMES ClpSimplex.hpp PATH_SUFFIXES coin HINTS ${PC_CLP_INCLUDE_DIRS})
find_library(Clp_LIBRARY NAMES Clp HINTS ${PC_CLP_LIBRARY_DIRS})
find_library(Clp_CoinUtils_LIBRARY NAMES CoinUtils HINTS ${PC_CLP_LIBRARY_DIRS})
set(Clp_VERSION ${PC_CLP_VERSION})

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Clp
    REQUIRED_VARS Clp_LIBRARY Clp_CoinUtils_LIBRARY Clp_INCLUDE_DIR
    VERSION_VAR Clp_VERSION)
mark_as_advanced(Clp_INCLUDE_DIR Clp_LIBRARY Clp_CoinUtils_LIBRARY)

if(Clp_FOUND AND NOT TARGET Clp::Clp)
    add_library(Clp::CoinUtils UNKNOWN IMPORTED)
    set_target_properties(Clp::CoinUtils PROPERTIES IMPORTED_LOCATION "${Clp_CoinUtils_LIBRARY}")
    add_library(Clp::Clp UNKNOWN IMPORTED)
    set_target_properties(Clp::Clp PROPERTIES
        IMPORTED_LOCATION "${Clp_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${Clp_INCLUDE_DIR}"
        INTERFACE_LINK_LIBRARIES Clp::CoinUtils)
endif()
