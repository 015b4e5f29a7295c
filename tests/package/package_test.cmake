# Installs allocopt into a temporary prefix and builds a consumer project against the install:
# what a downstream `find_package(allocopt)` sees, with no access to the source or build tree.
#
#   cmake -DSOURCE_DIR=<allocopt source> -DWORK_DIR=<scratch dir> -DGENERATOR=<generator>
#         -DCXX_COMPILER=<c++ compiler> -DVERSION=<expected version> [-DINSTALL_FROM=<build>]
#         -P package_test.cmake
#
# With INSTALL_FROM, that (already built, plain Release) build tree is installed; without it, a
# Release copy of the library is configured and built in WORK_DIR first.
#
# Any failing step (configure, build, install, a missing file, a wrong output) fails the test.
cmake_minimum_required(VERSION 3.25)

foreach(var SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER VERSION)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "package_test.cmake: -D${var}=... is required")
    endif()
endforeach()

set(build_dir ${WORK_DIR}/allocopt-build)
set(prefix ${WORK_DIR}/prefix)
set(consumer_build ${WORK_DIR}/consumer-build)
set(consumer_dir ${CMAKE_CURRENT_LIST_DIR}/consumer)
set(core_consumer_build ${WORK_DIR}/core-consumer-build)
set(core_consumer_dir ${CMAKE_CURRENT_LIST_DIR}/core_consumer)
# The library build is kept between runs (incremental); the install and the consumers are not,
# so a file dropped from the install rules cannot hide behind a stale copy.
file(REMOVE_RECURSE ${prefix} ${consumer_build} ${core_consumer_build})

function(step)
    execute_process(COMMAND ${ARGV} COMMAND_ECHO STDOUT COMMAND_ERROR_IS_FATAL ANY)
endfunction()

if(DEFINED INSTALL_FROM)
    # The build that runs this test is a plain one: install it, as a user installs theirs
    # (`cmake --install build --prefix P`), rather than compiling the library once more. A
    # configure of the test-free layout still runs, so that its CMake code is checked too.
    step(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${build_dir} -G ${GENERATOR}
         -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release
         -DALLOCOPT_BUILD_TESTS=OFF -DALLOCOPT_SANITIZE= -DCMAKE_INSTALL_PREFIX=${prefix})
    step(${CMAKE_COMMAND} --install ${INSTALL_FROM} --config Release --prefix ${prefix})
else()
    step(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${build_dir} -G ${GENERATOR}
         -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release
         -DALLOCOPT_BUILD_TESTS=OFF -DALLOCOPT_SANITIZE= -DCMAKE_INSTALL_PREFIX=${prefix})
    step(${CMAKE_COMMAND} --build ${build_dir} --config Release -j 2)
    step(${CMAKE_COMMAND} --install ${build_dir} --config Release --prefix ${prefix})
endif()

# Headers (the generated version.hpp included), libraries, CLI and package config.
foreach(pattern include/allocopt/allocopt.hpp include/allocopt/core.hpp
                include/allocopt/io/problem_yaml.hpp include/allocopt/version.hpp bin/allocopt
                lib*/liballocopt-core.a lib*/liballocopt-io.a
                lib*/cmake/allocopt/allocoptConfig.cmake
                lib*/cmake/allocopt/allocoptConfigVersion.cmake
                lib*/cmake/allocopt/allocoptCoreTargets.cmake
                lib*/cmake/allocopt/allocoptIoTargets.cmake)
    file(GLOB found ${prefix}/${pattern})
    if(NOT found)
        message(FATAL_ERROR "not installed: ${prefix}/${pattern}")
    endif()
endforeach()

step(${CMAKE_COMMAND} -S ${consumer_dir} -B ${consumer_build} -G ${GENERATOR}
     -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release
     -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
step(${CMAKE_COMMAND} --build ${consumer_build} --config Release -j 2)

# The consumer must have found the installed package, not some other copy.
file(STRINGS ${consumer_build}/CMakeCache.txt allocopt_dir REGEX "^allocopt_DIR:")
if(NOT allocopt_dir MATCHES "=${prefix}/")
    message(FATAL_ERROR "the consumer found allocopt outside the install prefix: ${allocopt_dir}")
endif()

# Runs a program, fails unless it exits with 0, and stores its standard output in out_var.
function(run_checked name out_var)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out COMMAND_ECHO STDOUT)
    message("${out}")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${name} exited with ${rc}")
    endif()
    set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# Hand-checked for consumer/problem.yaml: work 20*3 + 30*2 = 120; utilization
# 2*3*1 + 4*2*2 = 22; utilization rates 2/8 and 4/4, mean 0.625; concurrent work
# max(20,3) + max(30,2) = 50, so a degree of parallelism of 120/50 = 2.4.
string(CONCAT expected "allocopt ${VERSION}\n" "problem consumer-check\n" "total work 120\n"
       "total utilization 22\n" "mean utilization rate 0.625\n" "degree of parallelism 2.4\n")
file(GLOB consumer_exe ${consumer_build}/consumer ${consumer_build}/Release/consumer)
run_checked(consumer out ${consumer_exe} ${consumer_dir}/problem.yaml)
if(NOT out STREQUAL expected)
    message(FATAL_ERROR "the consumer printed something else; expected:\n${expected}")
endif()

# A program that links allocopt::core alone, configured with the YAML and JSON packages
# disabled: `find_package(allocopt COMPONENTS core)` must not look for them, and the consumer's
# CMakeLists.txt fails if allocopt::core's link interface names any of their libraries.
step(${CMAKE_COMMAND} -S ${core_consumer_dir} -B ${core_consumer_build} -G ${GENERATOR}
     -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release
     -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
     -DCMAKE_DISABLE_FIND_PACKAGE_LibYAML=ON -DCMAKE_DISABLE_FIND_PACKAGE_yaml-cpp=ON
     -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON)
step(${CMAKE_COMMAND} --build ${core_consumer_build} --config Release -j 2)
file(GLOB core_consumer_exe ${core_consumer_build}/core_consumer
     ${core_consumer_build}/Release/core_consumer)
# Hand-checked: each training job takes a whole GPU node (8 / 4 units = 2), prep the CPU pool
# (4 / 2 units = 2); the two nodes are identical, so either may take either job.
run_checked(core_consumer out ${core_consumer_exe})
string(CONCAT expected_core "^allocopt ${VERSION}\n" "problem core-check\n" "makespan 2\n"
       "train-a on gpu-[01] with 4 units from 0 to 2\n"
       "train-b on gpu-[01] with 4 units from 0 to 2\n"
       "prep on cpu with 2 units from 0 to 2\n$")
string(REGEX MATCH "train-a on (gpu-[01])" node_a "${out}")
string(REGEX MATCH "train-b on (gpu-[01])" node_b "${out}")
string(REPLACE "train-a" "train-b" node_a "${node_a}")
if(NOT out MATCHES "${expected_core}" OR node_a STREQUAL node_b)
    message(FATAL_ERROR "the core consumer printed something else; expected:\n${expected_core}")
endif()

run_checked("the installed allocopt CLI" out ${prefix}/bin/allocopt metrics ${consumer_dir}/problem.yaml)
if(NOT out MATCHES "total computational work +120\n")
    message(FATAL_ERROR "the installed allocopt CLI printed no total work of 120")
endif()
