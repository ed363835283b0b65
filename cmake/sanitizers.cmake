# Sanitizer and fuzzing builds (CMakePresets.json: asan, tsan, fuzz).
#
# IDSYNC_SANITIZE: "" (none), "address" (ASan + UBSan) or "thread" (TSan). Applied to
#   every target of the tree (libraries, binaries, tests), so the idsync and idsync-sim
#   processes that the integration tests spawn are sanitized too. UBSan does not recover:
#   the first report aborts the process and fails its test.
# IDSYNC_FUZZ: builds fuzz/ (libFuzzer; clang only). The libraries get coverage
#   instrumentation (-fsanitize=fuzzer-no-link); only the fuzz executables link libFuzzer.
set(IDSYNC_SANITIZE "" CACHE STRING "Sanitizers: empty, address (ASan+UBSan) or thread (TSan)")
set_property(CACHE IDSYNC_SANITIZE PROPERTY STRINGS "" address thread)
option(IDSYNC_FUZZ "Build the libFuzzer targets in fuzz/ (clang only)" OFF)

if(IDSYNC_SANITIZE STREQUAL "address")
  set(idsync_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
elseif(IDSYNC_SANITIZE STREQUAL "thread")
  set(idsync_sanitize_flags -fsanitize=thread -fno-omit-frame-pointer)
elseif(NOT IDSYNC_SANITIZE STREQUAL "")
  message(FATAL_ERROR "IDSYNC_SANITIZE must be empty, address or thread, not '${IDSYNC_SANITIZE}'")
endif()
if(idsync_sanitize_flags)
  add_compile_options(${idsync_sanitize_flags})
  add_link_options(${idsync_sanitize_flags})
endif()

if(IDSYNC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "IDSYNC_FUZZ needs clang (libFuzzer); configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(NOT IDSYNC_SANITIZE STREQUAL "address")
    message(WARNING "IDSYNC_FUZZ without IDSYNC_SANITIZE=address finds crashes only, not memory errors")
  endif()
  # Coverage for the fuzzer's guidance in every library; test executables get it too
  # (harmless: the sanitizer runtime provides the callbacks when libFuzzer is absent).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# The concurrency tests, which CI runs under TSan (CMakePresets.json: build preset and
# test preset tsan use this same list). A name here is a CTest test and its target.
set(IDSYNC_CONCURRENCY_TESTS
    "^(connectors_http.*|connectors_curl_test|daemon_.*|integration_daemon_test|integration_crash_test|integration_failover_test)$")

# idsync_concurrency_tests_target(): `concurrency_tests` builds every test target whose
# name matches IDSYNC_CONCURRENCY_TESTS (found by walking the source tree's directories,
# so a new test is picked up without listing it). Call once, after add_subdirectory(tests).
function(idsync_concurrency_tests_target)
  add_custom_target(concurrency_tests)
  set(dirs ${PROJECT_SOURCE_DIR})
  while(dirs)
    list(POP_FRONT dirs dir)
    get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
    list(APPEND dirs ${subdirs})
    get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(t IN LISTS targets)
      if(t MATCHES "${IDSYNC_CONCURRENCY_TESTS}")
        add_dependencies(concurrency_tests ${t})
      endif()
    endforeach()
  endwhile()
endfunction()
