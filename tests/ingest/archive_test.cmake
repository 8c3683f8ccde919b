# The PMTiles archive output of citymap-ingest (tests/ingest/archive_test.cpp); included by
# CMakeLists.txt. ingest.archive_realdata runs the real Da Nang data and exits 77 (skipped)
# when CITYMAP_DATA_DIR does not hold it.
add_executable(ingest_archive_test ${CMAKE_CURRENT_LIST_DIR}/archive_test.cpp)
target_link_libraries(ingest_archive_test PRIVATE citymap_ingest citymap_tile citymap_platform_zlib gtest citymap_warnings)
target_compile_definitions(ingest_archive_test PRIVATE
  CITYMAP_INGEST_EXE="$<TARGET_FILE:citymap-ingest>"
  CITYMAP_INGEST_FIXTURES="${CMAKE_CURRENT_LIST_DIR}/fixtures"
  CITYMAP_DATA_DIR="${CITYMAP_DATA_DIR}")
add_dependencies(ingest_archive_test citymap-ingest)
add_test(NAME ingest.archive COMMAND ingest_archive_test)
add_test(NAME ingest.archive_realdata COMMAND ingest_archive_test --realdata)
set_tests_properties(ingest.archive ingest.archive_realdata PROPERTIES LABELS ingest)
set_tests_properties(ingest.archive PROPERTIES TIMEOUT 120)
set_tests_properties(ingest.archive_realdata PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
