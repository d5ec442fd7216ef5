# Per-module header visibility: a module sees the headers of the modules it depends on
# (its DEPS, transitively) and no others, so that an include against the layers
# (docs/architecture.md) fails to compile. Each folder of src/ gets an include root of
# its own, build/include/NAME, holding one link NAME -> src/NAME; the root is a PUBLIC
# include directory of the module's library, so CMake passes it on along DEPS only.
function(mindme_module_headers target name)
  set(root ${PROJECT_BINARY_DIR}/include/${name})
  if(NOT IS_SYMLINK ${root}/${name})
    file(MAKE_DIRECTORY ${root})
    file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${name} ${root}/${name} SYMBOLIC)
  endif()
  target_include_directories(${target} PUBLIC ${root})
endfunction()
