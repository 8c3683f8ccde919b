# Third-party code: Debian packages (flatbuffers, stb, GDAL, PROJ, GLFW, gtest, benchmark) and
# source-only dependencies fetched by tools/bootstrap.sh into CITYMAP_THIRD_PARTY_DIR.
set(IMGUI_DIR "${CITYMAP_THIRD_PARTY_DIR}/imgui-1.86")
set(EARCUT_DIR "${CITYMAP_THIRD_PARTY_DIR}/mapbox_earcut_python-1.0.1/include")
set(BENCHMARK_SRC_DIR "${CITYMAP_THIRD_PARTY_DIR}/benchmark-1.7.1")
foreach(dir IN ITEMS "${IMGUI_DIR}" "${EARCUT_DIR}")
  if(NOT EXISTS "${dir}")
    message(FATAL_ERROR "${dir} is missing: run tools/bootstrap.sh first")
  endif()
endforeach()

find_program(FLATC flatc REQUIRED)

# Header-only: earcut.hpp, flatbuffers, stb (from Debian -dev packages / source package).
add_library(earcut INTERFACE)
target_include_directories(earcut SYSTEM INTERFACE "${EARCUT_DIR}")
# Header-only Debian packages live in /usr/include, which must not be on the wasm include path
# (it would pull in glibc's headers): link just their folders into one include directory.
set(CITYMAP_HEADER_DIR "${CMAKE_BINARY_DIR}/third_party/include")
file(MAKE_DIRECTORY "${CITYMAP_HEADER_DIR}")
foreach(pkg IN ITEMS flatbuffers nlohmann)
  if(NOT EXISTS "/usr/include/${pkg}")
    message(FATAL_ERROR "/usr/include/${pkg} is missing: run tools/bootstrap.sh first")
  endif()
  if(NOT EXISTS "${CITYMAP_HEADER_DIR}/${pkg}")
    file(CREATE_LINK "/usr/include/${pkg}" "${CITYMAP_HEADER_DIR}/${pkg}" SYMBOLIC)
  endif()
endforeach()
add_library(flatbuffers_headers INTERFACE)
target_include_directories(flatbuffers_headers SYSTEM INTERFACE "${CITYMAP_HEADER_DIR}")
add_library(stb_headers INTERFACE)
target_include_directories(stb_headers SYSTEM INTERFACE /usr/include/stb)

# Dear ImGui core (no backend).
add_library(imgui STATIC
  ${IMGUI_DIR}/imgui.cpp ${IMGUI_DIR}/imgui_draw.cpp
  ${IMGUI_DIR}/imgui_tables.cpp ${IMGUI_DIR}/imgui_widgets.cpp)
target_include_directories(imgui SYSTEM PUBLIC "${IMGUI_DIR}")
target_compile_definitions(imgui PUBLIC IMGUI_DISABLE_OBSOLETE_FUNCTIONS)
# ImGui is drawn by core/render/imgui_renderer (no stock GL backend: it queries GL state,
# which stalls WebGL); its GLFW input backend serves the desktop app.

# GL itself: Mesa's GLES 3 natively; Emscripten's WebGL 2 library in the browser.
if(EMSCRIPTEN)
  add_library(citymap_gl INTERFACE)
else()
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(GLESV2 REQUIRED IMPORTED_TARGET glesv2)
  pkg_check_modules(EGL REQUIRED IMPORTED_TARGET egl)
  add_library(citymap_gl INTERFACE)
  target_link_libraries(citymap_gl INTERFACE PkgConfig::GLESV2)
  if(CITYMAP_BUILD_APPS AND NOT CITYMAP_TESTS_ONLY)
    pkg_check_modules(GLFW REQUIRED IMPORTED_TARGET glfw3)
    add_library(imgui_glfw STATIC ${IMGUI_DIR}/backends/imgui_impl_glfw.cpp)
    target_include_directories(imgui_glfw SYSTEM PUBLIC "${IMGUI_DIR}/backends")
    target_link_libraries(imgui_glfw PUBLIC imgui PkgConfig::GLFW)
  endif()
endif()

# GoogleTest from libgtest-dev's sources, so that native and wasm builds use the same code.
if(CITYMAP_BUILD_TESTS)
  set(gtest_disable_pthreads ${EMSCRIPTEN} CACHE BOOL "" FORCE)
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
  add_subdirectory(/usr/src/googletest "${CMAKE_BINARY_DIR}/third_party/googletest" EXCLUDE_FROM_ALL SYSTEM)
  if(EMSCRIPTEN)
    # Google Benchmark from Debian's source package (apt-get source benchmark).
    set(BENCHMARK_ENABLE_TESTING OFF CACHE BOOL "" FORCE)
    set(BENCHMARK_ENABLE_GTEST_TESTS OFF CACHE BOOL "" FORCE)
    set(BENCHMARK_ENABLE_INSTALL OFF CACHE BOOL "" FORCE)
    set(BENCHMARK_ENABLE_WERROR OFF CACHE BOOL "" FORCE)
    set(BENCHMARK_USE_BUNDLED_GTEST OFF CACHE BOOL "" FORCE)
    set(HAVE_STD_REGEX ON CACHE BOOL "" FORCE)
    set(HAVE_STEADY_CLOCK ON CACHE BOOL "" FORCE)
    add_subdirectory("${BENCHMARK_SRC_DIR}" "${CMAKE_BINARY_DIR}/third_party/benchmark" EXCLUDE_FROM_ALL SYSTEM)
  elseif(NOT CITYMAP_TESTS_ONLY)
    find_package(benchmark REQUIRED)
  endif()
endif()
