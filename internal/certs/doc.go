// Package certs is zeroserve's certificate manager: Caddy's tls app on
// certmagic (Caddy's own ACME library). It loads certificate files,
// obtains and renews certificates from ACME CAs (HTTP-01 on our plain
// HTTP listeners, TLS-ALPN-01 on our TLS listeners) and from a local CA
// (`tls internal`), staples OCSP, issues on demand behind an `ask`
// endpoint, and turns each server's TLS connection policies into the
// tls.Config its HTTPS listeners hand to crypto/tls.
//
// It sits beside internal/server: cmd builds a Manager from the parsed
// caddyconf model, applies automatic HTTPS to the config (AutoHTTPS, which
// adds TLS policies and HTTP->HTTPS redirect routes as Caddy does) before
// the config is lowered and compiled, and passes Manager.ServerTLS and
// Manager.HTTPChallenge to the listeners.
//
// Reload seam: a Manager is long-lived. Certificates live in its
// certmagic cache and storage, not in compiled programs, so a reload that
// swaps compiled routes keeps every certificate and every renewal timer;
// only a change of the tls app itself needs a new Manager (build it, start
// it, point new listeners at it, then Stop the old one).
package certs
