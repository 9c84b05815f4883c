#pragma once

// CRC-32 (ISO-HDLC, the polynomial of zlib and java.util.zip.CRC32): Spark's
// crc32() function and the checksums of checkpoint files.

#include <cstdint>
#include <string_view>

namespace spate {

uint32_t Crc32(std::string_view data);

}  // namespace spate
