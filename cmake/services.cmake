# Real servers for the tests, as CTest fixtures: a test that needs them lists the
# fixture with mindme_module(... SERVICES databases) or mindme_service_properties();
# CTest starts the servers (scripts/services/) before the first such test and stops
# them after the last. Each build directory has its own instances under services/; a
# test finds them through MINDME_TEST_SERVICES (services/<name>/url).
set(MINDME_SERVICES_DIR ${CMAKE_BINARY_DIR}/services)

# The test properties that make a test use a fixture's servers.
function(mindme_service_properties out fixture)
  set(${out} FIXTURES_REQUIRED ${fixture} ENVIRONMENT "MINDME_TEST_SERVICES=${MINDME_SERVICES_DIR}"
      PARENT_SCOPE)
endfunction()

if(MINDME_TESTS)
  # Fixture `databases`: PostgreSQL primary and streaming replica, PgBouncer in
  # transaction mode, MariaDB, Redis, a Redis Cluster, RabbitMQ
  # (scripts/services/databases.sh).
  set(script ${PROJECT_SOURCE_DIR}/scripts/services/databases.sh)
  add_test(NAME services.databases.start COMMAND ${script} start ${MINDME_SERVICES_DIR})
  set_tests_properties(services.databases.start PROPERTIES
    FIXTURES_SETUP databases ENVIRONMENT "MINDME_SERVICES_FAST=1" TIMEOUT 180
    LABELS service)
  add_test(NAME services.databases.stop COMMAND ${script} destroy ${MINDME_SERVICES_DIR})
  set_tests_properties(services.databases.stop PROPERTIES FIXTURES_CLEANUP databases TIMEOUT 180
    LABELS service)
endif()
