# Build-time code generation: shader files embedded as C++ string constants, and FlatBuffers
# schemas compiled by flatc.

# citymap_embed_files(<target> <namespace> <header> FILES f1 f2 ...)
# Generates <header> in the binary dir declaring `inline constexpr std::string_view <name>`
# for every file (name = file name with '.' replaced by '_').
function(citymap_embed_files target ns header)
  cmake_parse_arguments(ARG "" "" "FILES" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/generated/${header}")
  add_custom_command(OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNS=${ns} "-DFILES=${ARG_FILES}"
            -P "${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake"
    DEPENDS ${ARG_FILES} "${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake"
    COMMENT "Embedding ${header}" VERBATIM)
  add_library(${target} INTERFACE "${out}")
  add_custom_target(${target}_gen DEPENDS "${out}")
  add_dependencies(${target} ${target}_gen)
  target_include_directories(${target} INTERFACE "${CMAKE_CURRENT_BINARY_DIR}/generated")
endfunction()

# citymap_flatbuffers(<target> schema1.fbs ...): generates <name>_generated.h next to the binary dir
# (with mutators: the tile reader undoes the wire format's delta coding in place).
function(citymap_flatbuffers target)
  set(outs)
  foreach(schema IN LISTS ARGN)
    get_filename_component(abs "${schema}" ABSOLUTE)
    get_filename_component(name "${schema}" NAME_WE)
    set(out "${CMAKE_CURRENT_BINARY_DIR}/generated/citymap/${name}_generated.h")
    add_custom_command(OUTPUT "${out}"
      COMMAND ${FLATC} --cpp --scoped-enums --gen-mutable -o "${CMAKE_CURRENT_BINARY_DIR}/generated/citymap" "${abs}"
      DEPENDS "${abs}" COMMENT "flatc ${name}.fbs" VERBATIM)
    list(APPEND outs "${out}")
  endforeach()
  add_custom_target(${target}_gen DEPENDS ${outs})
  add_library(${target} INTERFACE)
  add_dependencies(${target} ${target}_gen)
  target_include_directories(${target} INTERFACE "${CMAKE_CURRENT_BINARY_DIR}/generated")
  target_link_libraries(${target} INTERFACE flatbuffers_headers)
endfunction()
