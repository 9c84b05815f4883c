# Finds Apache Arrow C++ (with Parquet and compute) for Spate.
#
# Preferred source: the pinned pyarrow wheel in the project's .venv, which
# ships the C++ headers and the versioned shared libraries. Its libraries are
# linked by full path and their folder goes into the RPATH of everything we
# build, so nothing needs LD_LIBRARY_PATH. When SPATE_ARROW_FROM_PYARROW is OFF
# (or no pyarrow is found) a system Arrow is used through find_package.
#
# Defines the targets spate::arrow (arrow + compute + parquet + S3) and the variable
# SPATE_ARROW_RPATH (empty for a system Arrow).

option(SPATE_ARROW_FROM_PYARROW "Use Arrow C++ from the pyarrow wheel" ON)
set(SPATE_ARROW_RPATH "")

if(SPATE_ARROW_FROM_PYARROW AND Python_EXECUTABLE)
  execute_process(
    COMMAND "${Python_EXECUTABLE}" -c
      "import pyarrow as pa; print(pa.get_include()); print(pa.get_library_dirs()[0]); print(pa.__version__)"
    OUTPUT_VARIABLE _pa_out RESULT_VARIABLE _pa_rc ERROR_QUIET
    OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()

if(SPATE_ARROW_FROM_PYARROW AND _pa_rc EQUAL 0)
  string(REPLACE "\n" ";" _pa_lines "${_pa_out}")
  list(GET _pa_lines 0 _pa_include)
  list(GET _pa_lines 1 _pa_libdir)
  list(GET _pa_lines 2 _pa_version)
  # pyarrow 26.0.1 ships libarrow.so.2600: the SO version is major * 100 + minor.
  string(REGEX MATCH "^([0-9]+)\\.([0-9]+)" _ "${_pa_version}")
  math(EXPR _pa_so "${CMAKE_MATCH_1} * 100 + ${CMAKE_MATCH_2}")
  add_library(spate_arrow INTERFACE)
  target_include_directories(spate_arrow SYSTEM INTERFACE "${_pa_include}")
  # arrow_s3 is Arrow's S3 file system with the AWS SDK inside (object storage paths).
  foreach(_lib arrow arrow_compute arrow_acero parquet arrow_s3)
    set(_path "${_pa_libdir}/lib${_lib}.so.${_pa_so}")
    if(NOT EXISTS "${_path}")
      message(FATAL_ERROR "pyarrow ${_pa_version} has no ${_path}")
    endif()
    target_link_libraries(spate_arrow INTERFACE "${_path}")
  endforeach()
  set(SPATE_ARROW_RPATH "${_pa_libdir}")
  message(STATUS "Arrow ${_pa_version} from pyarrow: ${_pa_libdir}")
else()
  find_package(Arrow REQUIRED)
  find_package(Parquet REQUIRED)
  find_package(ArrowCompute QUIET)
  find_package(ArrowAcero REQUIRED)
  add_library(spate_arrow INTERFACE)
  target_link_libraries(spate_arrow INTERFACE Arrow::arrow_shared Parquet::parquet_shared
                        ArrowAcero::arrow_acero_shared)
  if(TARGET ArrowCompute::arrow_compute_shared)
    target_link_libraries(spate_arrow INTERFACE ArrowCompute::arrow_compute_shared)
  endif()
  find_package(ArrowS3 REQUIRED)
  target_link_libraries(spate_arrow INTERFACE ArrowS3::arrow_s3_shared)
  message(STATUS "Arrow ${Arrow_VERSION} from the system")
endif()
add_library(spate::arrow ALIAS spate_arrow)
