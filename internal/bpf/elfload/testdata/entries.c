// Every entrypoint kind, each a separate section.
__attribute__((section("zeroserve.request"), used)) long request(void) { return 1; }
__attribute__((section("zeroserve.tls.request"), used)) long tls_request(void) { return 2; }
__attribute__((section("zeroserve.tls"), used)) long tls(void) { return 3; }
__attribute__((section("zeroserve.call.auth"), used)) long auth(long *in) { return *in + 4; }
__attribute__((section("zeroserve.init.acme_config"), used)) long acme(void) { return 5; }
