/* Call functions for the zeroserve_call handler's tests
 * (handler_zeroserve_call_test.go). */
#include <zeroserve.h>

static zs_s64 reply(const char *s) { return zs_json_parse(s, zs_strlen(s)); }

/* The reply is the handler's config: the test chooses the action. */
ZS_CALL_ENTRY(act, input) {
  return zs_json_clone(zs_json_get(input, ZS_STR("config")));
}

/* Responds with its whole input and asks the handler to adopt it. */
ZS_CALL_ENTRY(echo, input) {
  zs_json_respond(200, input);
  return reply("{\"action\":\"adopt_response\"}");
}

/* Changes the shared request, then lets the route go on. */
ZS_CALL_ENTRY(sign, input) {
  zs_req_set_header(ZS_STR("X-Signed"), ZS_STR("yes"));
  return reply("{\"action\":\"continue\"}");
}

/* Makes a response but does not adopt it: it is thrown away. */
ZS_CALL_ENTRY(discard, input) {
  zs_respond(418, ZS_STR("teapot"));
  return reply("{\"action\":\"continue\"}");
}

/* Proxies itself and adopts that. */
ZS_CALL_ENTRY(selfproxy, input) {
  zs_reverse_proxy(ZS_STR("http://127.0.0.1:9/base"));
  return reply("{\"action\":\"adopt_response\"}");
}

ZS_CALL_ENTRY(abort, input) {
  zs_abort();
  return reply("{\"action\":\"continue\"}");
}

/* Traps (an unknown handle). */
ZS_CALL_ENTRY(trap, input) { return zs_object_free(30); }

ZS_CALL_ENTRY(neg, input) { return -1; }

/* Never returns: the request's fuel runs out. */
ZS_CALL_ENTRY(spin, input) {
  volatile int x = 0;
  for (;;)
    x++;
  return input;
}
