# Compiler warnings and sanitizers applied to every MindMe target.
# -Wno-restrict: GCC 12 reports impossible overlaps inside std::string at -O3 (GCC bug
# 105651); -Wnull-dereference is left out for the same kind of noise from Asio.
set(MINDME_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough -Wno-restrict)
if(MINDME_WERROR)
  list(APPEND MINDME_WARNINGS -Werror)
endif()

if(MINDME_SANITIZE)
  # Sanitizer instrumentation makes GCC 12's flow analysis report false positives
  # inside Boost (Asio's coroutine frame allocator, Beast's optional fields).
  list(APPEND MINDME_WARNINGS -Wno-maybe-uninitialized -Wno-mismatched-new-delete)
  # vptr checks need the typeinfo of every polymorphic class, which SOCI's shared
  # libraries do not export.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
