// Misbehaving request entrypoints, chosen by the x-mode header.
#include "zeroserve.h"

ZS_ENTRY zs_u64 entry(void) {
  char mode[16];
  zs_s64 n = zs_req_header(ZS_STR("x-mode"), mode, sizeof mode);
  if (n <= 0 || n >= (zs_s64)sizeof mode)
    return 0;
  if (zs_strcmp(mode, "loop") == 0) {
    volatile zs_u64 i = 0;
    for (;;)
      i++;
  }
  if (zs_strcmp(mode, "wild") == 0) {
    // An output pointer far outside the program's memory: the helper traps.
    zs_req_method((char *)0x7fff00000000ULL, 64);
  }
  if (zs_strcmp(mode, "rodata") == 0) {
    // Helpers may not write to read-only data.
    static const char ro[16] = "read-only";
    zs_req_method((char *)ro, sizeof ro);
  }
  if (zs_strcmp(mode, "status") == 0) {
    zs_respond(1000, ZS_STR("bad status"));
  }
  if (zs_strcmp(mode, "abort") == 0) {
    zs_abort();
  }
  return 0;
}
