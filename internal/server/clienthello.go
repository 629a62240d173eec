package server

import (
	"crypto/tls"
	"sync"

	"github.com/zeroserve/zeroserve/internal/helpers"
)

// helloConns maps a handshaking connection's pipe (what crypto/tls hands
// GetConfigForClient as ClientHelloInfo.Conn) to its tlsConn, so the
// ClientHello's fingerprint can be kept for zs_connection_info.
var helloConns sync.Map

// helloConfigs caches, per server tls.Config, its copy whose
// GetConfigForClient records the ClientHello first (one copy per config,
// so session ticket keys stay shared by every connection).
var helloConfigs sync.Map

// helloConfig returns cfg's recording copy.
func helloConfig(cfg *tls.Config) *tls.Config {
	if v, ok := helloConfigs.Load(cfg); ok {
		return v.(*tls.Config)
	}
	c := cfg.Clone()
	next := cfg.GetConfigForClient
	c.GetConfigForClient = func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		if v, ok := helloConns.LoadAndDelete(h.Conn); ok {
			v.(*tlsConn).ja4 = helpers.JA4(h) // on the handshake goroutine, before handshakeDone
		}
		if next != nil {
			return next(h)
		}
		return nil, nil
	}
	v, _ := helloConfigs.LoadOrStore(cfg, c)
	return v.(*tls.Config)
}
