# Fails when docs/config.md differs from `mindme config docs`.
execute_process(COMMAND ${MINDME} config docs OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mindme config docs failed (${rc})")
endif()
file(READ ${DOC} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "docs/config.md is out of date: run `build/mindme config docs > docs/config.md`")
endif()
