# Included by tests/CMakeLists.txt when ARGUS_FUZZ_DIR names the clang
# fuzz tree (the Makefile passes it): that tree's fuzz.<target> entries
# join this tree's ctest run, so `make test` stays one command and one
# report. A missing fuzz tree is a failing test, never a silent skip.
set(_argus_fuzz_tests ${CMAKE_CURRENT_BINARY_DIR}/fuzz_tests.cmake)
file(WRITE ${_argus_fuzz_tests} "\
if(EXISTS \"${ARGUS_FUZZ_DIR}/fuzz/CTestTestfile.cmake\")
  include(\"${ARGUS_FUZZ_DIR}/fuzz/CTestTestfile.cmake\")
else()
  add_test(fuzz.not_built /bin/sh -c \"echo 'no fuzz targets in ${ARGUS_FUZZ_DIR}: make build-fuzz' >&2; exit 1\")
endif()
")
set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES
                                       ${_argus_fuzz_tests})
