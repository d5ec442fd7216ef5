# Real servers for the tests, as CTest fixtures: a test that needs one lists it with
# mindme_module(... SERVICES postgres) or mindme_service_properties(); CTest starts the
# servers (scripts/services/) before the first such test and stops them after the last.
# Each build directory has its own instances under services/; a test finds them through
# MINDME_TEST_SERVICES (services/<name>/url).
set(MINDME_SERVICES_DIR ${CMAKE_BINARY_DIR}/services)

# Fixture `postgres`: a primary (services/postgres), its streaming replica
# (services/postgres_replica) and PgBouncer in transaction mode in front of the primary
# (services/pgbouncer).
function(mindme_postgres_fixture)
  set(script ${PROJECT_SOURCE_DIR}/scripts/services/postgres.sh)
  set(bouncer ${PROJECT_SOURCE_DIR}/scripts/services/pgbouncer.sh)
  set(primary ${MINDME_SERVICES_DIR}/postgres)
  set(replica ${MINDME_SERVICES_DIR}/postgres_replica)
  set(pgbouncer ${MINDME_SERVICES_DIR}/pgbouncer)
  add_test(NAME services.postgres.start
           COMMAND bash -c "\"$0\" start \"$1\" && \"$0\" replica \"$2\" \"$1\" && \"$3\" start \"$4\" \"$1\""
                   ${script} ${primary} ${replica} ${bouncer} ${pgbouncer})
  set_tests_properties(services.postgres.start PROPERTIES
    FIXTURES_SETUP postgres ENVIRONMENT "MINDME_SERVICES_FAST=1" TIMEOUT 120)
  add_test(NAME services.postgres.stop
           COMMAND bash -c "\"$3\" destroy \"$4\"; \"$0\" destroy \"$2\"; \"$0\" destroy \"$1\""
                   ${script} ${primary} ${replica} ${bouncer} ${pgbouncer})
  set_tests_properties(services.postgres.stop PROPERTIES FIXTURES_CLEANUP postgres TIMEOUT 120)
endfunction()

# The test properties that make a test use a service: its fixture, and where to find it.
function(mindme_service_properties out service)
  set(${out} FIXTURES_REQUIRED ${service} ENVIRONMENT "MINDME_TEST_SERVICES=${MINDME_SERVICES_DIR}"
      PARENT_SCOPE)
endfunction()

if(MINDME_TESTS)
  mindme_postgres_fixture()
endif()
