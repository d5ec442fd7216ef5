# Real servers for the tests, as CTest fixtures: a test that needs one lists it with
# mindme_module(... SERVICES postgres) or mindme_requires_services(TEST postgres); CTest
# starts the server (scripts/services/) before the first such test and stops it after
# the last. Each build directory has its own instances under services/.
set(MINDME_SERVICES_DIR ${CMAKE_BINARY_DIR}/services)
set(MINDME_SERVICES postgres)

function(mindme_service_fixture name)
  set(script ${PROJECT_SOURCE_DIR}/scripts/services/${name}.sh)
  add_test(NAME services.${name}.start COMMAND ${script} start ${MINDME_SERVICES_DIR}/${name})
  set_tests_properties(services.${name}.start PROPERTIES
    FIXTURES_SETUP ${name} ENVIRONMENT "MINDME_SERVICES_FAST=1" TIMEOUT 120)
  add_test(NAME services.${name}.stop COMMAND ${script} destroy ${MINDME_SERVICES_DIR}/${name})
  set_tests_properties(services.${name}.stop PROPERTIES FIXTURES_CLEANUP ${name} TIMEOUT 120)
endfunction()

# The test properties that make a test use the given services: the fixture, and an
# environment variable MINDME_TEST_<NAME> naming the instance's directory.
function(mindme_service_properties out)
  set(env "")
  foreach(service ${ARGN})
    string(TOUPPER ${service} upper)
    list(APPEND env "MINDME_TEST_${upper}=${MINDME_SERVICES_DIR}/${service}")
  endforeach()
  string(REPLACE ";" "\\;" env "${env}")
  set(${out} FIXTURES_REQUIRED "${ARGN}" ENVIRONMENT "${env}" PARENT_SCOPE)
endfunction()

if(MINDME_TESTS)
  foreach(service ${MINDME_SERVICES})
    mindme_service_fixture(${service})
  endforeach()
endif()
