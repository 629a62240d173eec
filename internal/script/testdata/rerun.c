/* Response hooks through the server: the first run registers a hook that
 * asks for the request to run again (zs_res_continue_request); the second
 * run answers "second" with a hook that changes the status to 299. */
#include "zeroserve.h"

ZS_ENTRY zs_u64 entry(void) {
  char runs[4];
  if (zs_meta_get(ZS_STR("runs"), runs, sizeof runs) == 0) {
    zs_meta_set(ZS_STR("runs"), ZS_STR("1"));
    zs_res_hook(ZS_STR(""), ZS_STR("again"), zs_json_new_object());
    zs_respond(200, ZS_STR("first"));
    return 0;
  }
  zs_res_hook(ZS_STR(""), ZS_STR("bump"), zs_json_new_object());
  zs_respond(200, ZS_STR("second"));
  return 0;
}

ZS_CALL_ENTRY(again, input) {
  zs_res_continue_request();
  return input;
}

ZS_CALL_ENTRY(bump, input) {
  zs_res_set_status(299);
  return input;
}
