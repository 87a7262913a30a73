# Included by the top-level CMakeLists.txt when ARGUS_ENABLE_FUZZ is on,
# before any library is defined: every argus library is then compiled
# with libFuzzer's coverage instrumentation and ASan + UBSan, so the fuzz
# targets see edges and bad accesses inside argus code, not only in the
# target file. Only the libraries and fuzz/ are meant to be built in such
# a tree (make build-fuzz); the argus app and tests stay in the gcc trees.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "ARGUS_ENABLE_FUZZ needs clang (libFuzzer): configure "
                      "with -DCMAKE_CXX_COMPILER=clang++")
endif()
# -O1: the usual libFuzzer trade between speed and build time. UBSan
# findings abort (no recover) so libFuzzer records them as crashes.
set(ARGUS_UBSAN_IGNORE ${CMAKE_CURRENT_LIST_DIR}/ubsan_ignore.txt)
if(CMAKE_CXX_COMPILER_LAUNCHER)
  # ccache 4.7 does not hash the ignore list's content: name it, or an
  # edited list would be answered with objects built under the old one.
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
      CCACHE_EXTRAFILES=${ARGUS_UBSAN_IGNORE} ${CMAKE_CXX_COMPILER_LAUNCHER})
endif()
add_compile_options(-O1 -g -fno-omit-frame-pointer
                    -fsanitize=fuzzer-no-link,address,undefined
                    -fno-sanitize-recover=all
                    -fsanitize-ignorelist=${ARGUS_UBSAN_IGNORE})
add_link_options(-fsanitize=address,undefined)
