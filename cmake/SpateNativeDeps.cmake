# Keeps Spate's native dependencies from binding into pyarrow's libraries.
#
# pyarrow's libraries export copies of the third-party code they carry (OpenSSL
# from libparquet, Abseil/protobuf from libarrow, RE2 and libstdc++ functions
# from libarrow_compute, ...). The dynamic loader resolves every undefined
# symbol to the first library of the lookup scope that defines it, and that
# scope is the dependency tree in breadth-first order: if a pyarrow library is
# listed before, say, the system libcrypto, libcrypto's calls to its own
# functions land in libparquet's copy and crash.
#
# spate_link_native_deps_first(<target>) therefore puts the whole dependency
# closure of Spate's own native dependencies (found with ldd, libstdc++ and
# libgcc_s included) at the front of the target's DT_NEEDED list, ahead of
# pyarrow's libraries. It is applied to libspate as a PUBLIC link option, so
# every executable, test and the Python extension linking libspate gets the
# same order. docs/architecture.md ("Native libraries in one process") says
# why, and what a new native dependency must do.

# Libraries never listed: glibc's own (always first, in the global scope).
set(_SPATE_GLIBC_LIBS "^(linux-vdso|ld-linux|libc|libm|libdl|librt|libpthread|libutil|libresolv)\\.")

# spate_native_dep_closure(<out-var> <lib>...): the libraries <lib>... need at run
# time, themselves included, as real paths, without glibc's libraries and
# without duplicates (first occurrence kept).
function(spate_native_dep_closure out)
  set(closure "")
  foreach(lib IN LISTS ARGN)
    get_filename_component(real "${lib}" REALPATH)
    list(APPEND closure "${real}")
    execute_process(COMMAND ldd "${real}" OUTPUT_VARIABLE ldd_out RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "ldd ${real} failed")
    endif()
    string(REPLACE "\n" ";" lines "${ldd_out}")
    foreach(line IN LISTS lines)
      if(line MATCHES "^[ \t]*([^ \t]+) => (/[^ \t]+)")
        set(name "${CMAKE_MATCH_1}")
        get_filename_component(path "${CMAKE_MATCH_2}" REALPATH)
        if(NOT name MATCHES "${_SPATE_GLIBC_LIBS}")
          list(APPEND closure "${path}")
        endif()
      elseif(line MATCHES "not found")
        message(FATAL_ERROR "ldd ${real}: ${line}")
      endif()
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES closure)
  set(${out} "${closure}" PARENT_SCOPE)
endfunction()

# spate_link_native_deps_first(<target> <lib>...): links the closure of <lib>...
# (plus the C++ runtime) first, as <target>'s PUBLIC link options. Link options
# come before objects and libraries on the link line, so these DT_NEEDED
# entries precede pyarrow's; --no-as-needed keeps every one of them listed.
function(spate_link_native_deps_first target)
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libstdc++.so.6
                  OUTPUT_VARIABLE cxx_runtime OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libgcc_s.so.1
                  OUTPUT_VARIABLE gcc_runtime OUTPUT_STRIP_TRAILING_WHITESPACE)
  spate_native_dep_closure(closure ${ARGN} "${cxx_runtime}" "${gcc_runtime}")
  list(LENGTH closure n)
  message(STATUS "Native dependencies linked ahead of Arrow: ${n} libraries")
  set_property(GLOBAL PROPERTY SPATE_NATIVE_DEPS_CLOSURE "${closure}")
  target_link_options(${target} PUBLIC
    "LINKER:--push-state,--no-as-needed" ${closure} "LINKER:--pop-state")
endfunction()
