# mindme_module(NAME SOURCES ... DEPS ... [TESTS ...] [CONFORMANCE ...]
#               [SERVICE_TESTS ...] [SERVICES fixture])
# One static library per folder of src/, plus its tests in two tiers (CONTRIBUTING.md):
#   TESTS          unit tests (*_test.cpp): no server; binary mindme_NAME_tests, label unit.
#   SERVICE_TESTS  tests of a real server (*_pgtest.cpp, *_redistest.cpp, *_amqptest.cpp):
#                  binary mindme_NAME_service_tests, label service, on the SERVICES fixture
#                  (cmake/services.cmake).
#   CONFORMANCE    conformance suites (and the helpers they need), compiled into both
#                  binaries: the unit one instantiates them on the embedded backends, the
#                  service one (MINDME_SERVICE_TIER) on the servers (core/test_services.hpp).
# DEPS are the modules this one may use (docs/architecture.md, "Layers"): they are the
# only other headers it sees and the only libraries it links (mindme_headers.cmake).
function(mindme_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;TESTS;CONFORMANCE;SERVICE_TESTS;SERVICES" ${ARGN})
  add_library(mindme_${name} STATIC ${M_SOURCES})
  mindme_module_headers(mindme_${name} ${name})
  target_compile_options(mindme_${name} PRIVATE ${MINDME_WARNINGS})
  target_link_libraries(mindme_${name} PUBLIC ${M_DEPS})
  if(NOT MINDME_TESTS)
    return()
  endif()
  if(M_TESTS OR M_CONFORMANCE)
    mindme_test_binary(mindme_${name}_tests ${name} unit "" ${M_TESTS} ${M_CONFORMANCE})
  endif()
  if(M_SERVICE_TESTS OR (M_CONFORMANCE AND M_SERVICES))
    mindme_test_binary(mindme_${name}_service_tests ${name} service "${M_SERVICES}"
                       ${M_SERVICE_TESTS} ${M_CONFORMANCE})
    target_compile_definitions(mindme_${name}_service_tests PRIVATE MINDME_SERVICE_TIER)
  endif()
endfunction()

# A GoogleTest binary of module `module`, registered with CTest under the label `tier`
# (and the fixture, when given).
function(mindme_test_binary target module tier fixture)
  add_executable(${target} ${ARGN})
  target_compile_options(${target} PRIVATE ${MINDME_WARNINGS})
  target_link_libraries(${target} PRIVATE mindme_${module} GTest::gmock GTest::gtest_main)
  set(properties LABELS ${tier})
  if(fixture)
    mindme_service_properties(service ${fixture})
    list(APPEND properties ${service})
  endif()
  gtest_discover_tests(${target} TEST_PREFIX "${module}." DISCOVERY_TIMEOUT 30
                       PROPERTIES ${properties})
endfunction()

# Include directories for both test binaries of `module` (those that exist).
function(mindme_tests_include_directories module)
  foreach(target mindme_${module}_tests mindme_${module}_service_tests)
    if(TARGET ${target})
      target_include_directories(${target} PRIVATE ${ARGN})
    endif()
  endforeach()
endfunction()
