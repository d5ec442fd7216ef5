# mindme_module(NAME SOURCES ... DEPS ... TESTS ... [SERVICES ...])
# One static library per folder of src/, plus its unit tests (files named *_test.cpp
# beside the code), registered with CTest; SERVICES: the real servers those tests
# need (cmake/services.cmake).
function(mindme_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;TESTS;SERVICES" ${ARGN})
  add_library(mindme_${name} STATIC ${M_SOURCES})
  target_include_directories(mindme_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(mindme_${name} PRIVATE ${MINDME_WARNINGS})
  target_link_libraries(mindme_${name} PUBLIC ${M_DEPS})
  if(MINDME_TESTS AND M_TESTS)
    add_executable(mindme_${name}_tests ${M_TESTS})
    target_compile_options(mindme_${name}_tests PRIVATE ${MINDME_WARNINGS})
    target_link_libraries(mindme_${name}_tests PRIVATE mindme_${name} GTest::gmock GTest::gtest_main)
    set(properties "")
    if(M_SERVICES)
      mindme_service_properties(properties ${M_SERVICES})
    endif()
    gtest_discover_tests(mindme_${name}_tests TEST_PREFIX "${name}." DISCOVERY_TIMEOUT 30
                         PROPERTIES ${properties})
  endif()
endfunction()
